// The map on a place page: the area's outline and its children (or grids),
// each clickable. No tiles unless MAP_TILE_URL is set (offline intranets).
// Names reach the map as text (labels.js).
(function () {
  "use strict";
  function init() {
    var el = document.getElementById("map");
    if (!el || !window.L) return;
    var map = L.map(el, { attributionControl: false, zoomSnap: 0.25 });
    if (el.dataset.tiles) L.tileLayer(el.dataset.tiles, { maxZoom: 18 }).addTo(map);
    fetch(el.dataset.geojson, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var palette = ["#2b6cb0", "#2f855a", "#b7791f", "#9b2c2c", "#6b46c1", "#2c7a7b", "#c05621", "#4a5568"];
        data.features.forEach(function (f, i) { f.properties.colour = palette[i % palette.length]; });
        var layer = L.geoJSON(data, {
          style: function (f) {
            return { color: "#1a202c", weight: 1, fillColor: f.properties.colour, fillOpacity: 0.35 };
          },
          onEachFeature: function (f, l) {
            Changan.tooltip(l, f.properties.name, { sticky: true });
            if (f.properties.code.length === 12) {
              l.on("click", function () { window.location.href = "../" + f.properties.code + "/"; });
            }
          }
        }).addTo(map);
        if (data.outline) L.geoJSON(data.outline, { style: { color: "#c53030", weight: 2, fill: false } }).addTo(map);
        var bounds = layer.getBounds();
        if (bounds.isValid()) map.fitBounds(bounds, { padding: [8, 8] });
        el.dataset.features = String(data.features.length);
        el.classList.add("ready");
      });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
