/* Draw the edition's charts with the site's own copy of plotly.js.
 *
 * Each chart is a <div class="nea-chart"> written by nea_edition.figures.chart_html: it holds
 * the figure as JSON in <script type="application/json" class="nea-chart-spec">. This file and
 * plotly.js are added (deferred, in that order) only to pages that contain such a div, by
 * nea_edition.site.extension. When every chart is drawn, <html data-nea-charts-drawn="N"> is set and
 * a "nea:charts-drawn" event fires (the browser tests and the benchmark wait for it).
 */
(function () {
  "use strict";
  var NARROW = 600;

  function isObject(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value);
  }

  // Deep merge of narrowLayout into layout. Arrays of objects (sliders, updatemenus) merge
  // element by element, so a narrow override of one slider option keeps its steps.
  function merge(target, source) {
    Object.keys(source).forEach(function (key) {
      var value = source[key];
      var current = target[key];
      if (isObject(value) && isObject(current)) {
        merge(current, value);
      } else if (Array.isArray(value) && Array.isArray(current) &&
                 value.length && value.every(isObject) && current.every(isObject)) {
        value.forEach(function (item, i) {
          if (i < current.length) merge(current[i], item); else current.push(item);
        });
      } else {
        target[key] = value;
      }
    });
    return target;
  }

  function draw(chart) {
    var plot = chart.querySelector(".nea-chart-plot");
    var specNode = chart.querySelector("script.nea-chart-spec");
    var spec = JSON.parse(specNode.textContent);
    if (spec.narrowLayout && plot.clientWidth > 0 && plot.clientWidth < NARROW) {
      merge(spec.layout, spec.narrowLayout);
    }
    if (spec.narrowData && plot.clientWidth > 0 && plot.clientWidth < NARROW) {
      spec.data.forEach(function (trace) { merge(trace, spec.narrowData); });
    }
    delete spec.narrowLayout;
    delete spec.narrowData;
    return window.Plotly.newPlot(plot, spec).then(function () {
      chart.setAttribute("data-drawn", "true");
    });
  }

  function drawAll() {
    var charts = Array.prototype.slice.call(document.querySelectorAll(".nea-chart"));
    if (!charts.length) return;
    if (window.performance && performance.mark) performance.mark("nea-charts-start");
    if (!window.Plotly) {
      charts.forEach(function (chart) { chart.setAttribute("data-drawn", "error"); });
      console.error("nea-charts: plotly.js did not load; charts cannot be drawn");
      return;
    }
    Promise.all(charts.map(draw)).then(function () {
      document.documentElement.setAttribute("data-nea-charts-drawn", String(charts.length));
      if (window.performance && performance.mark) performance.mark("nea-charts-drawn");
      window.dispatchEvent(new CustomEvent("nea:charts-drawn", { detail: charts.length }));
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
