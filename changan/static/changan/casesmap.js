// The case map: places coloured by open (or overdue) cases on a plain
// background (tiles only if MAP_TILE_URL is set), open cases as clustered
// markers. A click on a marker opens the case; on a township, drills down.
// Names and titles reach the map as text (labels.js).
(function () {
  "use strict";
  function init() {
    var el = document.getElementById("case-map-view");
    if (!el || !window.L) return;
    // maxZoom: the clusters need one even without a tile layer.
    var map = L.map(el, { attributionControl: false, zoomSnap: 0.25, maxZoom: 19 });
    if (el.dataset.tiles) L.tileLayer(el.dataset.tiles, { maxZoom: 19 }).addTo(map);
    var measure = el.dataset.measure;
    fetch(el.dataset.url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (data) {
      var max = 1;
      data.features.forEach(function (f) { max = Math.max(max, f.properties[measure]); });
      var places = L.geoJSON(data, {
        style: function (f) {
          var t = Math.sqrt(f.properties[measure] / max);
          var colour = measure === "overdue" ? [255 - 60 * t, 245 - 200 * t, 240 - 200 * t] : [240 - 200 * t, 246 - 130 * t, 252 - 60 * t];
          return { color: "#4a5568", weight: 0.6, fillColor: "rgb(" + colour.map(Math.round).join(",") + ")", fillOpacity: 0.8 };
        },
        onEachFeature: function (f, layer) {
          var p = f.properties;
          Changan.tooltip(layer, p.name + "：未办结 " + p.open + "，超期 " + p.overdue, { sticky: true });
          if (p.code.length === 12) {
            layer.on("click", function () { window.location.href = "?area=" + p.code + "&measure=" + measure; });
          }
        }
      }).addTo(map);
      var cluster = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 40 });
      data.points.forEach(function (c) {
        var marker = L.circleMarker([c.lat, c.lon], { radius: 6, weight: 2, color: c.resolve_overdue ? "#9b2c2c" : "#2b6cb0", fillOpacity: 0.8 });
        Changan.tooltip(marker, c.number + " " + c.title);
        marker.on("click", function () { window.location.href = el.dataset.caseUrl.replace("/0/", "/" + c.pk + "/"); });
        cluster.addLayer(marker);
      });
      map.addLayer(cluster);
      if (places.getBounds().isValid()) map.fitBounds(places.getBounds(), { padding: [8, 8] });
      el.dataset.ready = "1";
      el.dataset.places = String(data.features.length);
      el.dataset.points = String(data.points.length);
    });
  }
  document.addEventListener("DOMContentLoaded", init);
})();
