// The case's place on the case page: its grid's outline and the point.
// No tiles unless MAP_TILE_URL is set (offline intranets).
(function () {
  "use strict";
  function init() {
    var el = document.getElementById("case-map");
    if (!el || !window.L || el.dataset.ready) return;
    var map = L.map(el, { attributionControl: false });
    if (el.dataset.tiles) L.tileLayer(el.dataset.tiles, { maxZoom: 19 }).addTo(map);
    var point = [parseFloat(el.dataset.lat), parseFloat(el.dataset.lon)];
    var shape = JSON.parse(document.getElementById("grid-shape").textContent);
    if (shape) {
      var grid = L.geoJSON(shape, { style: { color: "#2b6cb0", weight: 2, fillColor: "#bee3f8", fillOpacity: 0.3 } }).addTo(map);
      map.fitBounds(grid.getBounds(), { padding: [12, 12] });
    } else {
      map.setView(point, 16);
    }
    L.circleMarker(point, { radius: 8, color: "#b91c1c", weight: 3, fillOpacity: 0.7 }).addTo(map);
    el.dataset.ready = "1";
  }
  document.addEventListener("DOMContentLoaded", init);
  document.addEventListener("htmx:afterSettle", init); // the page body is swapped after an action
})();
