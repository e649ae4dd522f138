// Labels on maps and charts, shown as text. The names there — areas, grids,
// org units, categories, case numbers and titles — are typed by people,
// and Leaflet (bindTooltip, bindPopup) and ECharts (HTML tooltips) read a
// string as HTML. Every map and chart script hands them names through these
// helpers, never a string, so a name shows as typed and never runs.
//   Changan.tooltip(layer, name, options)   Leaflet tooltip
//   Changan.popup(layer, name, options)     Leaflet popup
//   Changan.text(name)                      the element both of them use
//   Changan.chartTooltip(options)           an ECharts tooltip option
(function () {
  "use strict";
  function text(value) {
    var span = document.createElement("span");
    span.textContent = value === null || value === undefined ? "" : String(value);
    return span;
  }
  function tooltip(layer, value, options) { return layer.bindTooltip(text(value), options); }
  function popup(layer, value, options) { return layer.bindPopup(text(value), options); }

  function element(tag, className, value) {
    var el = document.createElement(tag);
    el.className = className;
    if (value !== undefined) el.textContent = value === null ? "" : String(value);
    return el;
  }
  function shown(value) {
    if (Array.isArray(value)) value = value[value.length - 1];
    return value === null || value === undefined || value === "" ? "-" : value;
  }
  // ECharts calls a formatter with one point (trigger "item") or all points
  // on an axis (trigger "axis"); the answer is a DOM element, which ECharts
  // appends as it is (a string would be parsed as HTML).
  function chartTip(params) {
    var points = Array.isArray(params) ? params : [params];
    var box = element("div", "chart-tip");
    if (!points.length) return box;
    var first = points[0];
    var axis = first.axisValueLabel !== undefined;
    box.appendChild(element("div", "chart-tip-head", axis ? first.axisValueLabel : first.name));
    points.forEach(function (p) {
      var row = element("div", "chart-tip-row");
      var marker = element("span", "chart-tip-marker");
      if (typeof p.color === "string") marker.style.backgroundColor = p.color; // CSSOM, not a style attribute
      row.appendChild(marker);
      // ECharts names an unnamed series "series\0<n>": not worth showing.
      var named = p.seriesName && p.seriesName.indexOf("series\u0000") !== 0;
      if (named) row.appendChild(element("span", "chart-tip-name", p.seriesName));
      row.appendChild(element("span", "chart-tip-value", shown(p.value)));
      box.appendChild(row);
    });
    return box;
  }
  // The tooltip option for a chart: ``options`` (e.g. the trigger) with that
  // formatter, confined to the chart (ECharts draws the pointer arrow of an
  // unconfined tooltip as markup with a style attribute, which the
  // Content-Security-Policy refuses).
  function chartTooltip(options) {
    return Object.assign({}, options, { formatter: chartTip, confine: true });
  }

  window.Changan = window.Changan || {};
  window.Changan.text = text;
  window.Changan.tooltip = tooltip;
  window.Changan.popup = popup;
  window.Changan.chartTooltip = chartTooltip;
})();
