/* Draw the edition's charts with the site's own copy of plotly.js: late, themed, operable.
 *
 * Each chart is a <div class="nea-chart"> written by nea_edition.figures.render.chart_html: it
 * holds the figure as JSON in <script type="application/json" class="nea-chart-spec">, and a
 * placeholder that already has the chart's height, so nothing moves when it is drawn.
 * nea_edition.site.charts adds this file (deferred) only to pages with such a div; its
 * data-plotly attribute names the plotly.js file to use, next to this one in _static/.
 *
 * Late: plotly.js is fetched only when a chart comes into view (watched from the page's load
 * event on, so text, styles and fonts never wait for it), or when the reader first scrolls
 * the page, so a chart further down is ready by the time it is reached. Each
 * chart is drawn as it comes into view. A page whose charts are never reached never loads
 * plotly.js.
 *
 * Themed: a chart is drawn in the page's theme (pydata-sphinx-theme's data-theme on <html>,
 * which follows the reader's system preference when the theme switch is on "auto") and redrawn
 * when it changes. The spec's darkColours map the light furniture colours
 * (nea_edition.figures.render.DARK) to dark ones, in every attribute named "...color" (and
 * colorway, colorscale).
 *
 * Operable: sliders become role="slider" and button menus role="button", focusable, with
 * accessible names, driven by the arrow keys, Home/End, PageUp/PageDown, Enter and Space.
 *
 * Names: spec.names maps a label shown in the chart to its full name: tick labels get it as a
 * tooltip (<title>), and a trace whose meta is "nea-names-from:x" gets it as each point's text.
 *
 * Hooks for tests and the benchmark: <div class="nea-chart" data-drawn="true|error"
 * data-chart-theme="light|dark">; when every chart on the page is drawn,
 * <html data-nea-charts-drawn="N"> and a "nea:charts-drawn" event; performance marks
 * "nea-charts-start" (plotly.js requested) and "nea-charts-drawn"; window.neaCharts.drawAll()
 * draws every chart now and resolves when they are drawn.
 */
(function () {
  "use strict";
  var NARROW = 600;
  // A chart is drawn once any of it is in view. No margin: on a phone the first chart sits just
  // below the first screen, and a page that is only read at the top should not pay for it. The
  // reader's first scroll or touch fetches plotly.js, so it is there when the chart arrives.
  var NEAR = "0px";
  var NAMES_FROM = "nea-names-from:";
  // Keys whose values are colours: color, bgcolor, gridcolor... and colorway, colorscale.
  var COLOUR_KEY = /(color|colorway|colorscale)$/i;
  var script = document.currentScript;
  var plotlyFile = script && script.getAttribute("data-plotly");
  var plotlyUrl = plotlyFile ? new URL(plotlyFile, script.src).href : null;
  var plotlyLoading = null;
  var charts = [];
  // plotly.js rejects the promise of an animation that is interrupted (Pause stops Play) and
  // leaves it unhandled; each interruption it announces excuses one such rejection.
  var interruptions = 0;

  function isObject(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value);
  }

  function mark(name) {
    if (window.performance && performance.mark) performance.mark(name);
  }

  // ------------------------------------------------------------------------------------------
  // plotly.js, fetched once, on demand

  function loadPlotly() {
    if (window.Plotly) return Promise.resolve(window.Plotly);
    if (!plotlyLoading) {
      mark("nea-charts-start");
      plotlyLoading = new Promise(function (resolve, reject) {
        if (!plotlyUrl) {
          reject(new Error("no data-plotly attribute on the nea-charts.js script"));
          return;
        }
        var tag = document.createElement("script");
        tag.src = plotlyUrl;
        tag.async = true;
        tag.onload = function () {
          if (window.Plotly) resolve(window.Plotly);
          else reject(new Error("plotly.js loaded but defined no Plotly"));
        };
        tag.onerror = function () { reject(new Error("plotly.js did not load: " + plotlyUrl)); };
        document.head.appendChild(tag);
      });
    }
    return plotlyLoading;
  }

  // ------------------------------------------------------------------------------------------
  // the spec: narrow layout, names, theme

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

  function everyTrace(spec, visit) {
    (spec.data || []).forEach(visit);
    (spec.frames || []).forEach(function (frame) { (frame.data || []).forEach(visit); });
  }

  // The spec as drawn in either theme: narrow layout merged, full names filled in.
  function baseSpec(chart, plot) {
    var spec = JSON.parse(chart.querySelector("script.nea-chart-spec").textContent);
    var narrow = plot.clientWidth > 0 && plot.clientWidth < NARROW;
    if (narrow && spec.narrowLayout) merge(spec.layout, spec.narrowLayout);
    if (narrow && spec.narrowData) {
      spec.data.forEach(function (trace) { merge(trace, spec.narrowData); });
    }
    var names = spec.names || {};
    everyTrace(spec, function (trace) {
      var meta = trace.meta;
      if (typeof meta !== "string" || meta.indexOf(NAMES_FROM) !== 0) return;
      var axis = meta.slice(NAMES_FROM.length);
      trace.text = (trace[axis] || []).map(function (v) {
        return Object.prototype.hasOwnProperty.call(names, v) ? names[v] : v;
      });
    });
    return spec;
  }

  // A copy of value with every colour in map swapped, looking only under keys naming colours.
  function recolour(value, map, inColour) {
    if (typeof value === "string") {
      var key = value.toLowerCase();
      return inColour && Object.prototype.hasOwnProperty.call(map, key) ? map[key] : value;
    }
    if (Array.isArray(value)) {
      return value.map(function (v) { return recolour(v, map, inColour); });
    }
    if (isObject(value)) {
      var out = {};
      Object.keys(value).forEach(function (k) {
        out[k] = recolour(value[k], map, inColour || COLOUR_KEY.test(k));
      });
      return out;
    }
    return value;
  }

  function themed(base, theme) {
    var map = theme === "dark" ? base.darkColours || {} : {};
    return {
      data: recolour(base.data, map, false),
      layout: recolour(base.layout, map, false),
      frames: recolour(base.frames || [], map, false),
      config: base.config
    };
  }

  function pageTheme() {
    var theme = document.documentElement.getAttribute("data-theme");
    if (theme === "dark" || theme === "light") return theme;
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches
      ? "dark" : "light";
  }

  // ------------------------------------------------------------------------------------------
  // state that survives a redraw: where the sliders and button menus stand

  function controlsState(gd) {
    var full = gd._fullLayout || {};
    return {
      sliders: (full.sliders || []).map(function (s) { return s.active; }),
      updatemenus: (full.updatemenus || []).map(function (m) { return m.active; })
    };
  }

  function run(gd, item) {
    var P = window.Plotly;
    var args = item.args || [];
    if (item.method === "animate") {
      return P.animate(gd, args[0], {
        mode: "immediate", frame: { duration: 0, redraw: true }, transition: { duration: 0 }
      });
    }
    if (item.method === "restyle" || item.method === "relayout" || item.method === "update") {
      return P[item.method].apply(null, [gd].concat(args));
    }
    return Promise.resolve();
  }

  // After a redraw from the spec, bring each control back to where the reader had left it.
  function restore(gd, layout, state) {
    var steps = [];
    (layout.sliders || []).forEach(function (slider, k) {
      var active = state.sliders[k];
      if (active !== undefined && active !== slider.active && slider.steps[active]) {
        steps.push(function () {
          return run(gd, slider.steps[active]).then(function () {
            var update = {};
            update["sliders[" + k + "].active"] = active;
            return window.Plotly.relayout(gd, update);
          });
        });
      }
    });
    (layout.updatemenus || []).forEach(function (menu, k) {
      var active = state.updatemenus[k];
      var initial = menu.active === undefined ? 0 : menu.active;
      if (active !== undefined && active >= 0 && active !== initial && menu.buttons[active]) {
        steps.push(function () {
          return run(gd, menu.buttons[active]).then(function () {
            var update = {};
            update["updatemenus[" + k + "].active"] = active;
            return window.Plotly.relayout(gd, update);
          });
        });
      }
    });
    return steps.reduce(function (p, step) { return p.then(step); }, Promise.resolve());
  }

  // ------------------------------------------------------------------------------------------
  // keyboard and names for sliders and buttons, full names on tick labels

  function plainLabel(text) {
    // "▶ Play" -> "Play": the accessible name keeps the words a reader sees.
    return String(text || "").replace(/^[^\p{L}\p{N}]+/u, "").trim();
  }

  function sliderName(opts) {
    if (opts.name) return opts.name;
    var prefix = opts.currentvalue && opts.currentvalue.prefix;
    return prefix ? prefix.replace(/[:\s]+$/, "") : "Slider";
  }

  function decode(text) {
    return String(text).replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  }

  function setTitle(node, text) {
    var title = node.querySelector(":scope > title");
    if (!title) {
      title = document.createElementNS("http://www.w3.org/2000/svg", "title");
      node.insertBefore(title, node.firstChild);
    }
    if (title.textContent !== text) title.textContent = text;
  }

  function nameTicks(chart, gd) {
    var names = chart._nea.names;
    if (!names) return;
    gd.querySelectorAll("g.xtick, g.ytick").forEach(function (tick) {
      var text = tick.querySelector("text");
      var full = text && names[text.getAttribute("data-unformatted") || text.textContent];
      if (full) setTitle(tick, decode(full));
    });
  }

  function operable(chart, gd) {
    var full = gd._fullLayout;
    var state = chart._nea;
    gd.querySelectorAll("g.slider-group").forEach(function (group, k) {
      var opts = (full.sliders || [])[k];
      if (!opts) return;
      var steps = opts.steps || [];
      var active = opts.active || 0;
      // Steps labelled by numbers (years) report those; others their position.
      var numeric = steps.length && steps.every(function (s) { return /^-?\d+$/.test(s.label); });
      var value = function (i) { return numeric ? String(steps[i].label) : String(i); };
      group.setAttribute("tabindex", "0");
      group.setAttribute("role", "slider");
      group.setAttribute("aria-label", sliderName(opts));
      group.setAttribute("aria-valuemin", steps.length ? value(0) : "0");
      group.setAttribute("aria-valuemax", steps.length ? value(steps.length - 1) : "0");
      group.setAttribute("aria-valuenow", steps.length ? value(active) : "0");
      group.setAttribute("aria-valuetext", steps[active] ? String(steps[active].label) : "");
      group.setAttribute("aria-orientation", "horizontal");
      group.setAttribute("data-slider", String(k));
      if (!group._neaKeys) {
        group._neaKeys = true;
        group.addEventListener("keydown", function (event) { sliderKey(chart, gd, k, event); });
        group.addEventListener("focus", function () { state.focus = "slider-" + k; });
        group.addEventListener("blur", function () { if (group.isConnected) state.focus = null; });
      }
    });
    gd.querySelectorAll("g.updatemenu-container").forEach(function (container, k) {
      var menu = (full.updatemenus || [])[k];
      if (!menu) return;
      container.setAttribute("role", "group");
      container.querySelectorAll("g.updatemenu-button").forEach(function (button, i) {
        var opts = (menu.buttons || [])[i] || {};
        var key = "button-" + k + "-" + i;
        button.setAttribute("tabindex", "0");
        button.setAttribute("role", "button");
        button.setAttribute("aria-label", plainLabel(opts.label) || "Button " + (i + 1));
        button.setAttribute("data-button", key);
        if (menu.showactive !== false && menu.type === "buttons") {
          button.setAttribute("aria-pressed", String(i === menu.active));
        }
        if (!button._neaKeys) {
          button._neaKeys = true;
          button.addEventListener("keydown", function (event) {
            if (event.key !== "Enter" && event.key !== " ") return;
            event.preventDefault();
            button.dispatchEvent(new MouseEvent("click", { bubbles: true }));
          });
          button.addEventListener("focus", function () { state.focus = key; });
          button.addEventListener("blur", function () {
            if (button.isConnected) state.focus = null;
          });
        }
      });
    });
    // plotly may rebuild a control while it has focus: give the focus back.
    if (state.focus && document.activeElement === document.body) {
      var again = state.focus.indexOf("slider-") === 0
        ? gd.querySelector('g.slider-group[data-slider="' + state.focus.slice(7) + '"]')
        : gd.querySelector('g.updatemenu-button[data-button="' + state.focus + '"]');
      if (again) again.focus();
    }
    nameTicks(chart, gd);
  }

  function sliderKey(chart, gd, k, event) {
    var opts = (gd._fullLayout.sliders || [])[k];
    if (!opts) return;
    var last = opts.steps.length - 1;
    var now = opts.active || 0;
    var next = {
      ArrowRight: now + 1, ArrowUp: now + 1, ArrowLeft: now - 1, ArrowDown: now - 1,
      PageUp: now + 5, PageDown: now - 5, Home: 0, End: last
    }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    next = Math.max(0, Math.min(last, next));
    if (next === now) return;
    var step = opts.steps[next];
    // plotly.js rejects an animation that a newer one interrupts (a key held down): no error.
    run(gd, step).then(function () {
      var update = {};
      update["sliders[" + k + "].active"] = next;
      return window.Plotly.relayout(gd, update);
    }).then(function () { operable(chart, gd); }, function () {});
  }

  // ------------------------------------------------------------------------------------------
  // drawing

  function draw(chart) {
    if (chart._nea) return chart._nea.drawn;
    var state = chart._nea = { theme: null, focus: null };
    var plot = chart.querySelector(".nea-chart-plot");
    state.drawn = loadPlotly().then(function (Plotly) {
      state.base = baseSpec(chart, plot);
      state.names = state.base.names || null;
      state.theme = pageTheme();
      var spec = themed(state.base, state.theme);
      return Plotly.newPlot(plot, spec).then(function () {
        plot.on("plotly_afterplot", function () { operable(chart, plot); });
        plot.on("plotly_animated", function () { operable(chart, plot); });
        plot.on("plotly_sliderchange", function () { operable(chart, plot); });
        plot.on("plotly_animationinterrupted", function () { interruptions += 1; });
        operable(chart, plot);
        chart.setAttribute("data-chart-theme", state.theme);
        chart.setAttribute("data-drawn", "true");
      });
    }).catch(function (error) {
      chart.setAttribute("data-drawn", "error");
      console.error("nea-charts: the chart could not be drawn: " + error.message);
    });
    state.drawn.then(allDrawn);
    return state.drawn;
  }

  function retheme(chart) {
    var state = chart._nea;
    if (!state || !state.base || chart.getAttribute("data-drawn") !== "true") return;
    var theme = pageTheme();
    if (theme === state.theme) return;
    state.theme = theme;
    var gd = chart.querySelector(".nea-chart-plot");
    var where = controlsState(gd);
    var spec = themed(state.base, theme);
    state.drawn = window.Plotly.react(gd, spec).then(function () {
      return restore(gd, spec.layout, where);
    }).then(function () {
      operable(chart, gd);
      chart.setAttribute("data-chart-theme", theme);
    });
  }

  function allDrawn() {
    var done = charts.filter(function (c) {
      return c.getAttribute("data-drawn") === "true";
    }).length;
    if (done !== charts.length) return;
    if (document.documentElement.hasAttribute("data-nea-charts-drawn")) return;
    document.documentElement.setAttribute("data-nea-charts-drawn", String(done));
    mark("nea-charts-drawn");
    window.dispatchEvent(new CustomEvent("nea:charts-drawn", { detail: done }));
  }

  function drawAll() {
    return Promise.all(charts.map(draw));
  }

  function start() {
    if (!charts.length) return;
    if ("IntersectionObserver" in window) {
      var observer = new IntersectionObserver(function (entries) {
        entries.forEach(function (entry) {
          if (!entry.isIntersecting) return;
          observer.unobserve(entry.target);
          draw(entry.target);
        });
      }, { rootMargin: NEAR });
      charts.forEach(function (chart) { observer.observe(chart); });
    } else {
      drawAll();
    }
  }

  function init() {
    charts = Array.prototype.slice.call(document.querySelectorAll(".nea-chart"));
    if (!charts.length) return;
    window.neaCharts = { drawAll: drawAll, theme: pageTheme };
    window.addEventListener("unhandledrejection", function (event) {
      if (event.reason === undefined && interruptions > 0) {
        interruptions -= 1;
        event.preventDefault();
      }
    });
    // The reader starts to move down the page: fetch plotly.js now, so the charts further down
    // draw at once. Only moves that scroll (not a click, which may be a link away, nor the
    // theme scrolling its sidebar on load: the page's own scroll events only, not captured).
    var SCROLL_KEYS = ["ArrowDown", "PageDown", "End", " ", "Spacebar"];
    var warm = function (event) {
      if (event.type === "keydown" && SCROLL_KEYS.indexOf(event.key) < 0) return;
      ["wheel", "touchmove", "keydown"].forEach(function (type) {
        window.removeEventListener(type, warm, true);
      });
      window.removeEventListener("scroll", warm);
      loadPlotly().catch(function () {});
    };
    ["wheel", "touchmove", "keydown"].forEach(function (type) {
      window.addEventListener(type, warm, { capture: true, passive: true });
    });
    window.addEventListener("scroll", warm, { passive: true });
    // Follow the theme switch, and the system preference when the switch is on "auto".
    var follow = function () { charts.forEach(retheme); };
    new MutationObserver(follow).observe(document.documentElement, {
      attributes: true, attributeFilter: ["data-theme"]
    });
    if (window.matchMedia) {
      var query = window.matchMedia("(prefers-color-scheme: dark)");
      if (query.addEventListener) query.addEventListener("change", follow);
    }
    // Printing: draw what is not drawn yet (the print preview waits for no one, but a second
    // print of the page has every chart).
    window.addEventListener("beforeprint", drawAll);
    if (document.readyState === "complete") start();
    else window.addEventListener("load", start);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
