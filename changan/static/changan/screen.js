// The data center's charts (ECharts) and heat map (Leaflet), drawn from the
// JSON the page carries; drawn again when htmx swaps in a refreshed screen.
// Names reach the charts and the map as text (labels.js).
(function () {
  "use strict";
  var charts = [];

  function draw() {
    var source = document.getElementById("screen-data");
    if (!source || !window.echarts) return;
    var data = JSON.parse(source.textContent);
    charts.forEach(function (c) { c.dispose(); });
    charts = [];
    var wall = document.querySelector(".screen.wall") !== null;
    var text = wall ? "#e2e8f0" : "#1a202c";
    function chart(id, option) {
      var el = document.getElementById(id);
      if (!el) return;
      var c = echarts.init(el, null, { renderer: "svg" });
      option.textStyle = { color: text, fontFamily: "inherit" };
      option.animation = false;
      c.setOption(option);
      charts.push(c);
      el.dataset.ready = "1";
    }
    var days = data.trend_days;
    chart("chart-days", {
      tooltip: Changan.chartTooltip({ trigger: "axis" }), legend: { top: 0, textStyle: { color: text } },
      grid: { left: 40, right: 16, top: 32, bottom: 24 },
      xAxis: { type: "category", data: days.map(function (d) { return d.period.slice(5); }) },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: "受理", type: "line", data: days.map(function (d) { return d.counts.received; }) },
        { name: "按时响应", type: "line", data: days.map(function (d) { return d.counts.responded_on_time; }) }
      ]
    });
    var months = data.trend_months;
    chart("chart-months", {
      tooltip: Changan.chartTooltip({ trigger: "axis" }), legend: { top: 0, textStyle: { color: text } },
      grid: { left: 40, right: 40, top: 32, bottom: 24 },
      xAxis: { type: "category", data: months.map(function (d) { return d.period.slice(0, 7); }) },
      yAxis: [{ type: "value", minInterval: 1 }, { type: "value", max: 100, axisLabel: { formatter: "{value}%" } }],
      series: [
        { name: "受理", type: "bar", data: months.map(function (d) { return d.counts.received; }) },
        { name: "满意率", type: "line", yAxisIndex: 1, data: months.map(function (d) { return d.rates.satisfaction_rate; }) }
      ]
    });
    var families = data.families.slice().reverse();
    chart("chart-families", {
      tooltip: Changan.chartTooltip({}), grid: { left: 100, right: 24, top: 8, bottom: 24 },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: families.map(function (f) { return f.name; }) },
      series: [{ type: "bar", data: families.map(function (f) { return f.received; }), itemStyle: { color: "#b91c1c" } }]
    });
    heat(data);
  }

  function heat(data) {
    var el = document.getElementById("heat-map");
    if (!el || !window.L) return;
    var counts = {};
    var max = 1;
    data.heat.forEach(function (h) { counts[h.code] = h.n; if (h.n > max) max = h.n; });
    fetch(el.dataset.shapes, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (shapes) {
      if (el._map) el._map.remove();
      var map = L.map(el, { attributionControl: false, zoomSnap: 0.25 });
      el._map = map;
      var layer = L.geoJSON(shapes, {
        style: function (f) {
          var n = counts[f.properties.code] || 0;
          var t = Math.sqrt(n / max);
          return { color: "#4a5568", weight: 0.6, fillColor: "rgb(" + Math.round(255 - 70 * t) + "," + Math.round(245 - 217 * t) + "," + Math.round(240 - 212 * t) + ")", fillOpacity: 0.85 };
        },
        onEachFeature: function (f, l) {
          Changan.tooltip(l, f.properties.name + "：" + (counts[f.properties.code] || 0) + " 件", { sticky: true });
          l.on("click", function () {
            var code = f.properties.code;
            var wall = el.dataset.wall ? "&wall=1" : "";
            window.location.href = code.length === 12 ? "?area=" + code + wall : "/cases/?queue=all&grid=" + code;
          });
        }
      }).addTo(map);
      if (layer.getBounds().isValid()) map.fitBounds(layer.getBounds(), { padding: [6, 6] });
      el.dataset.ready = "1";
    });
  }

  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("htmx:afterSettle", draw);
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
