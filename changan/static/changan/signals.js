// The signals page (探照灯): each signal's series against its bound (ECharts)
// and its map (Leaflet, no tiles unless MAP_TILE_URL is set). Maps are
// fetched when their card scrolls into view, so a long day stays light.
// Names and numbers reach the map and the chart as text (labels.js).
(function () {
  "use strict";
  function chart(el) {
    var data = JSON.parse(document.getElementById("chart-" + el.dataset.chart).textContent);
    var c = echarts.init(el, null, { renderer: "svg" });
    var series = [
      { name: "实际 observed", type: "bar", data: data.observed, itemStyle: { color: "#2b6cb0" } },
      { name: "期望 expected", type: "line", data: data.expected, showSymbol: false, lineStyle: { color: "#718096" } },
    ];
    if (data.bound.some(function (v) { return v !== null; })) {
      series.push({ name: "阈值 bound", type: "line", data: data.bound, showSymbol: false, lineStyle: { color: "#c53030", type: "dashed" } });
    }
    c.setOption({
      animation: false,
      grid: { left: 32, right: 8, top: 24, bottom: 24 },
      legend: { top: 0, textStyle: { fontSize: 11 } },
      tooltip: Changan.chartTooltip({ trigger: "axis" }),
      xAxis: { type: "category", data: data.dates.map(function (d) { return d.slice(5); }) },
      yAxis: { type: "value", minInterval: 1 },
      series: series,
    });
    el.dataset.ready = "1";
  }
  function drawMap(el, data) {
    var map = L.map(el, { attributionControl: false, zoomControl: false });
    if (el.dataset.tiles) L.tileLayer(el.dataset.tiles, { maxZoom: 19 }).addTo(map);
    var layers = [];
    if (data.outline) layers.push(L.geoJSON(data.outline, { style: { color: "#4a5568", weight: 1, fillOpacity: 0.05 } }));
    data.grids.forEach(function (g) {
      layers.push(Changan.tooltip(L.geoJSON(g.shape, { style: { color: "#c53030", weight: 1, fillColor: "#feb2b2", fillOpacity: 0.5 } }), g.name));
    });
    data.points.forEach(function (p) {
      layers.push(Changan.tooltip(L.circleMarker([p.lat, p.lon], { radius: 4, color: "#1a365d", weight: 1, fillOpacity: 0.8 }), p.number));
    });
    var bounds = L.featureGroup(layers).addTo(map).getBounds();
    // A cluster's circle: its bounds from its centre and radius (a circle
    // knows its own only on a map with a view), drawn once there is one.
    var circle = null;
    if (data.centre && data.radius_m) {
      var centre = L.latLng(data.centre[1], data.centre[0]);
      var radius = Math.max(data.radius_m, 150);
      bounds.extend(centre.toBounds(2 * radius));
      circle = L.circle(centre, { radius: radius, color: "#c53030", weight: 2, fill: false });
    }
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [8, 8], maxZoom: 16 });
    if (circle) circle.addTo(map);
    el.dataset.ready = "1";
  }
  function loadMap(el) {
    if (el.dataset.loading) return;
    el.dataset.loading = "1";
    fetch(el.dataset.map, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) { drawMap(el, data); });
  }
  function init() {
    if (window.echarts) document.querySelectorAll("[data-chart]:not([data-ready])").forEach(chart);
    if (!window.L) return;
    var maps = document.querySelectorAll("[data-map]:not([data-ready])");
    if (!("IntersectionObserver" in window)) { maps.forEach(loadMap); return; }
    var seen = new IntersectionObserver(function (entries) {
      entries.forEach(function (e) { if (e.isIntersecting) { seen.unobserve(e.target); loadMap(e.target); } });
    });
    maps.forEach(function (el) { seen.observe(el); });
  }
  document.addEventListener("DOMContentLoaded", init);
})();
