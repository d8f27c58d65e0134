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
 * data-chart-theme="light|dark" data-chart-settled="true|false"> (false while a redraw, for a
 * new theme, width or print, is pending or running); when every chart on the page is drawn,
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
    var narrow = isNarrow(plot);
    if (narrow && spec.narrowLayout) merge(spec.layout, spec.narrowLayout);
    if (narrow && (spec.narrowData || spec.narrowTraces)) {
      // frames too, or a year chosen on the slider would bring the wide sizes
      var traces = [spec.data].concat((spec.frames || []).map(function (f) { return f.data || []; }));
      traces.forEach(function (list) {
        list.forEach(function (trace, i) {
          if (spec.narrowData) merge(trace, JSON.parse(JSON.stringify(spec.narrowData)));
          var own = spec.narrowTraces && spec.narrowTraces[String(i)];
          if (own) merge(trace, JSON.parse(JSON.stringify(own)));
        });
      });
    }
    still(spec.layout);
    spec.narrow = narrow;
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

  function isNarrow(plot) {
    // when printing, the width the chart is drawn at (printWidth)
    var width = printing() ? printWidth(plot) : plot.clientWidth;
    return width > 0 && width < NARROW;
  }

  // ==========================================================================================
  // BEGIN still charts. No chart drags, zooms or pans:
  // a swipe over it scrolls the page (render.still does the same in the spec).
  function still(layout) {
    layout.dragmode = false;
    ["xaxis", "yaxis"].concat(Object.keys(layout).filter(function (k) {
      return /^[xy]axis\d+$/.test(k);
    })).forEach(function (key) {
      if (!isObject(layout[key])) layout[key] = {};
      layout[key].fixedrange = true;
    });
    return layout;
  }
  // END still charts
  // ==========================================================================================

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
      // watchSize resizes and re-lays out, not plotly.js
      config: Object.assign({}, base.config, { responsive: false })
    };
  }

  function pageTheme() {
    // a chart is printed light, whatever the screen shows.
    if (printing()) return "light";
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
    fitToColumn(gd);
    syncState(chart, gd);
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

  // ==========================================================================================
  // BEGIN tooltips, print, addresses, share and export.

  // ---- print: charts are drawn light while the page prints (pageTheme) ----
  var printFlag = false;
  function printing() {
    return printFlag || !!(window.matchMedia && window.matchMedia("print").matches);
  }

  // ---- BEGIN print width ----
  // A chart redrawn for print took the width of the page in print media (1264 px at a 1280 px
  // window: the sidebars are gone), not the paper's column, and the paper cut it off. Printed,
  // a chart is drawn at most PRINT_WIDTH wide (the text column of A4 with 16 mm margins, the
  // narrowest common paper), and nea-charts.css scales its SVG to the column it lands in, on
  // whatever paper: fitToColumn gives each SVG the viewBox that lets it scale.
  var PRINT_WIDTH = 672;
  function printWidth(gd) {
    var width = gd.clientWidth || PRINT_WIDTH;
    return Math.min(width, PRINT_WIDTH);
  }
  function forPrint(chart, gd, spec) {
    var state = chart._nea;
    state.printWidth = printing() ? printWidth(gd) : null;
    if (state.printWidth) spec.layout.width = state.printWidth;
    return spec;
  }
  function fitToColumn(gd) {
    var full = gd._fullLayout;
    if (!full || !full.width || !full.height) return;
    var box = "0 0 " + full.width + " " + full.height;
    gd.querySelectorAll("svg.main-svg").forEach(function (svg) {
      if (svg.getAttribute("viewBox") !== box) svg.setAttribute("viewBox", box);
    });
    gd.style.setProperty("--nea-plot-ratio", full.width + " / " + full.height);
    gd.style.setProperty("--nea-plot-width", full.width + "px");
  }
  // END print width

  // ---- a chart the address links to ----
  function linkedChart() {
    var id = decodeURIComponent((location.hash || "").slice(1));
    var target = id && document.getElementById(id);
    if (!target) return null;
    return target.closest(".nea-chart") || target.querySelector(".nea-chart") ||
      (target.closest("figure") && target.closest("figure").querySelector(".nea-chart"));
  }

  // ---- tooltips: HTML, inside the viewport, wrapped, whatever the chart's width ----
  // plotly.js draws its hover label inside the chart's SVG, which cuts it off at the chart's
  // edge (and a phone's); nea-charts.css hides that label and this one stands in for it, built
  // from the same hover template and kept inside the viewport.
  var tip = null;

  function tipElement() {
    if (!tip) {
      tip = document.createElement("div");
      tip.className = "nea-tooltip";
      tip.setAttribute("role", "tooltip");
      tip.hidden = true;
      document.body.appendChild(tip);
    }
    return tip;
  }

  function hideTip() {
    if (tip && !tip.hidden) tip.hidden = true;
  }

  // The value of a template field ("customdata[2]", "text", "z") for one hovered point.
  function field(pt, path) {
    var parts = path.match(/[^.[\]]+/g) || [];
    var value = pt;
    for (var i = 0; i < parts.length && value !== undefined && value !== null; i++) {
      value = value[parts[i]];
    }
    if (value === undefined || value === null) return "";
    return String(value);
  }

  // Only plotly's label markup survives (bold, italic, line breaks); anything else is text.
  var KEEP = { B: 1, I: 1, EM: 1, STRONG: 1, BR: 1, SUB: 1, SUP: 1 };
  function clean(node, into) {
    Array.prototype.forEach.call(node.childNodes, function (child) {
      if (child.nodeType === 3) {
        into.appendChild(document.createTextNode(child.textContent));
      } else if (child.nodeType === 1) {
        if (KEEP[child.tagName]) {
          var copy = document.createElement(child.tagName.toLowerCase());
          clean(child, copy);
          into.appendChild(copy);
        } else {
          clean(child, into);
        }
      }
    });
  }

  function tipContent(pt) {
    var data = pt.fullData || pt.data || {};
    var template = data.hovertemplate;
    if (Array.isArray(template)) template = template[pt.pointNumber] || template[0];
    var text;
    if (template) {
      text = String(template).replace(/<extra>[\s\S]*?<\/extra>/g, "")
        .replace(/%\{([^}:|]+)(?:[:|][^}]*)?\}/g, function (_, path) { return field(pt, path); });
    } else {
      text = [data.name, pt.text || pt.hovertext, pt.y, pt.x].filter(function (v) {
        return v !== undefined && v !== null && v !== "";
      }).join("<br>");
    }
    var parsed = new DOMParser().parseFromString("<div>" + text + "</div>", "text/html");
    var out = document.createDocumentFragment();
    clean(parsed.body.firstChild || parsed.body, out);
    return out;
  }

  // Where the point is on the screen: the pointer's place, else the point's own box.
  function anchor(gd, pt, event) {
    if (event && typeof event.clientX === "number" && (event.clientX || event.clientY)) {
      return { x: event.clientX, y: event.clientY };
    }
    var touch = event && event.changedTouches && event.changedTouches[0];
    if (touch) return { x: touch.clientX, y: touch.clientY };
    var rect = gd.getBoundingClientRect();
    if (pt.bbox) {
      return {
        x: rect.left + (pt.bbox.x0 + pt.bbox.x1) / 2,
        y: rect.top + (pt.bbox.y0 + pt.bbox.y1) / 2
      };
    }
    return { x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 };
  }

  function place(el, at) {
    var vw = document.documentElement.clientWidth;
    var vh = window.innerHeight;
    var gap = 12;
    var margin = 8;
    el.style.left = "0px";
    el.style.top = "0px";
    var box = el.getBoundingClientRect();
    var left = at.x + gap;
    if (left + box.width > vw - margin) left = at.x - gap - box.width;
    left = Math.max(margin, Math.min(left, vw - box.width - margin));
    var top = at.y + gap;
    if (top + box.height > vh - margin) top = at.y - gap - box.height;
    top = Math.max(margin, Math.min(top, vh - box.height - margin));
    el.style.left = Math.round(left) + "px";
    el.style.top = Math.round(top) + "px";
  }

  function showTip(chart, gd, data) {
    var pt = data && data.points && data.points[0];
    if (!pt) return;
    var el = tipElement();
    el.textContent = "";
    el.appendChild(tipContent(pt));
    el.setAttribute("data-theme", chart.getAttribute("data-chart-theme") || "light");
    el.hidden = false;
    place(el, anchor(gd, pt, data.event));
  }

  // ---- the chart's state in its address (?year=1999) and in its description ----
  function control(gd, permalink) {
    var full = gd._fullLayout || {};
    var list = permalink.control === "slider" ? full.sliders : full.updatemenus;
    return (list || [])[0];
  }

  function currentValue(chart, gd) {
    var permalink = chart._nea.base && chart._nea.base.permalink;
    if (!permalink) return null;
    var opts = control(gd, permalink);
    if (!opts) return null;
    var index = opts.active === undefined ? 0 : opts.active;
    // during play the slider follows the frame plotly is showing
    if (permalink.control === "slider" && gd._transitionData && gd._fullLayout) {
      var frame = gd._fullLayout._currentFrame;
      var at = frame !== undefined ? permalink.values.indexOf(String(frame)) : -1;
      if (at >= 0) index = at;
    }
    return permalink.values[index];
  }

  function describe(chart, value) {
    var permalink = chart._nea.base.permalink;
    var text = permalink.summaries && permalink.summaries[value];
    var box = chart.querySelector(".nea-chart-summary");
    if (!text || !box || box.getAttribute("data-value") === value) return;
    box.setAttribute("data-value", value);
    box.textContent = "";
    var lead = document.createElement("p");
    lead.className = "nea-chart-summary-lead";
    var strong = document.createElement("strong");
    strong.textContent = "In words:";
    lead.appendChild(strong);
    lead.appendChild(document.createTextNode(" " + text.lead));
    box.appendChild(lead);
    (text.more || []).forEach(function (paragraph) {
      var p = document.createElement("p");
      p.textContent = paragraph;
      box.appendChild(p);
    });
    if (text.items && text.items.length) {
      var list = document.createElement("ul");
      // numbered items get no bullet too (render.summary_html)
      if (text.items.every(function (item) { return /^\d+\.\s/.test(item); })) {
        list.className = "nea-numbered";
      }
      text.items.forEach(function (item) {
        var li = document.createElement("li");
        li.textContent = item;
        list.appendChild(li);
      });
      box.appendChild(list);
    }
  }

  function chartAddress(chart, value) {
    var url = new URL(location.href);
    var permalink = chart._nea.base && chart._nea.base.permalink;
    if (permalink && value !== null && value !== undefined) {
      url.searchParams.set(permalink.param, value);
    }
    url.hash = chart.id;
    return url.href;
  }

  function syncState(chart, gd) {
    var state = chart._nea;
    if (!state || !state.base || !state.base.permalink || state.restoring) return;
    var value = currentValue(chart, gd);
    if (value === null || value === undefined) return;
    describe(chart, value);
    if (state.value !== undefined && state.value !== value && window.history.replaceState) {
      var url = new URL(location.href);
      url.searchParams.set(state.base.permalink.param, value);
      window.history.replaceState(window.history.state, "", url.href);
    }
    state.value = value;
    var share = chart.querySelector(".nea-share-url");
    if (share) share.value = chartAddress(chart, value);
    var embed = chart.querySelector(".nea-embed-code");
    if (embed) embed.value = embedCode(chart, value);
  }

  // The state the address asks for (?year=1999), applied once the chart is drawn.
  function fromAddress(chart, gd) {
    var state = chart._nea;
    var permalink = state.base.permalink;
    if (!permalink) return Promise.resolve();
    var wanted = new URLSearchParams(location.search).get(permalink.param);
    var index = wanted === null ? -1 : permalink.values.indexOf(wanted);
    var where = controlsState(gd);
    if (index < 0) {
      state.value = currentValue(chart, gd);
      describe(chart, state.value);
      return Promise.resolve();
    }
    if (permalink.control === "slider") where.sliders[0] = index;
    else where.updatemenus[0] = index;
    state.restoring = true;
    return restore(gd, state.base.layout, where).then(function () {
      state.restoring = false;
      state.value = permalink.values[index];
      operable(chart, gd);
      describe(chart, state.value);
    }, function () { state.restoring = false; });
  }

  // ---- the tool bar: share, embed, download (PNG, SVG) ----
  function embedCode(chart, value) {
    var title = (chart._nea.base.meta || {}).title || "Chart";
    return '<iframe src="' + chartAddress(chart, value) + '" title="' +
      title.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;") +
      '" width="100%" height="720" loading="lazy" style="border:0"></iframe>';
  }

  function siteAddress() {
    var canonical = document.querySelector('link[rel="canonical"]');
    var url = new URL(canonical ? canonical.href : location.href);
    url.search = "";
    url.hash = "";
    return url.href;
  }

  function button(text, action) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "nea-chart-tool";
    b.textContent = text;
    b.setAttribute("data-action", action);
    return b;
  }

  function panel(kind, label, value, note) {
    var box = document.createElement("div");
    box.className = "nea-chart-panel";
    box.hidden = true;
    box.setAttribute("data-panel", kind);
    var id = "nea-" + kind + "-" + Math.random().toString(36).slice(2, 8);
    var lab = document.createElement("label");
    lab.setAttribute("for", id);
    lab.textContent = label;
    var field = document.createElement(kind === "embed" ? "textarea" : "input");
    field.id = id;
    field.className = kind === "embed" ? "nea-embed-code" : "nea-share-url";
    field.readOnly = true;
    if (kind === "embed") field.rows = 3;
    field.value = value;
    var copy = button("Copy", "copy");
    copy.addEventListener("click", function () {
      field.select();
      var done = function () { copy.textContent = "Copied"; };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(field.value).then(done, function () {
          document.execCommand("copy"); done();
        });
      } else { document.execCommand("copy"); done(); }
    });
    var p = document.createElement("p");
    p.textContent = note;
    box.appendChild(lab);
    box.appendChild(field);
    box.appendChild(copy);
    box.appendChild(p);
    return box;
  }

  function toolbar(chart, gd) {
    // chart_html reserves the bar's place, so that filling it moves nothing
    var bar = chart.querySelector(".nea-chart-tools");
    if (bar && bar.childElementCount) return;
    var value = chart._nea.value;
    if (!bar) {
      bar = document.createElement("div");
      bar.className = "nea-chart-tools";
      bar.setAttribute("role", "group");
      bar.setAttribute("aria-label", "Share or download this chart");
      chart.insertBefore(bar, gd.nextSibling);
    }
    var share = button("Link", "share");
    var embed = button("Embed", "embed");
    var png = button("PNG", "png");
    var svg = button("SVG", "svg");
    png.setAttribute("aria-label", "Download the chart as PNG");
    svg.setAttribute("aria-label", "Download the chart as SVG");
    share.setAttribute("aria-label", "Link to this chart as shown");
    embed.setAttribute("aria-label", "Embed this chart");
    var sharePanel = panel("share", "Link to this chart as shown:", chartAddress(chart, value),
      "The link opens this page at the chart, in the state it shows now.");
    var embedPanel = panel("embed", "Embed code (an iframe of this page, at the chart):",
      embedCode(chart, value),
      "It embeds this whole page of the edition, scrolled to the chart, from this site; no other code.");
    [[share, sharePanel], [embed, embedPanel]].forEach(function (pair) {
      pair[0].setAttribute("aria-expanded", "false");
      pair[0].addEventListener("click", function () {
        var open = pair[1].hidden;
        [sharePanel, embedPanel].forEach(function (p) { p.hidden = true; });
        [share, embed].forEach(function (b) { b.setAttribute("aria-expanded", "false"); });
        pair[1].hidden = !open;
        pair[0].setAttribute("aria-expanded", String(open));
      });
    });
    png.addEventListener("click", function () { download(chart, gd, "png"); });
    svg.addEventListener("click", function () { download(chart, gd, "svg"); });
    [share, embed, png, svg].forEach(function (b) { bar.appendChild(b); });
    chart.insertBefore(sharePanel, bar.nextSibling);
    chart.insertBefore(embedPanel, sharePanel.nextSibling);
  }

  // ---- export: a copy of the figure, light, with title, source, licence and address ----
  // Plotly draws the chart as it is laid out on a wide screen; the title above it and the
  // source, licence and address below it are set in an SVG of their own around that drawing,
  // so they can never fall on the data or be cut off by the chart's margins.
  var EXPORT_WIDTH = 1000;
  var PAD = 16;
  var TITLE_SIZE = 17;
  var TITLE_LEAD = 22;
  var FOOT_SIZE = 11;
  var FOOT_LEAD = 15;
  var EXPORT_FONT = '"Open Sans", verdana, arial, sans-serif';

  function wrapLine(text, max) {
    var words = String(text).split(/\s+/);
    var lines = [];
    var line = "";
    words.forEach(function (w) {
      if (line && (line + " " + w).length > max) { lines.push(line); line = w; }
      else line = line ? line + " " + w : w;
    });
    if (line) lines.push(line);
    return lines;
  }

  function escapeText(text) {
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;");
  }

  function exportFigure(chart, gd) {
    var base = chart._nea.base;
    // the wide layout, light, whatever the screen: an image is read at its own size
    var wide = JSON.parse(chart.querySelector("script.nea-chart-spec").textContent);
    var layout = still(themed(wide, "light").layout);
    layout.width = EXPORT_WIDTH;
    layout.height = wide.layout.height || 450;
    // controls cannot be used in an image: the state they show is in the title
    (layout.sliders || []).forEach(function (s) { s.visible = false; });
    (layout.updatemenus || []).forEach(function (m) { m.visible = false; });
    layout.paper_bgcolor = "#ffffff";
    // the data as shown now (the frame the slider is on, the layer the buttons chose), light
    var back = {};
    if (chart._nea.theme === "dark") {
      var dark = base.darkColours || {};
      Object.keys(dark).forEach(function (k) { back[dark[k].toLowerCase()] = k; });
    }
    var data = recolour(gd.data, back, false);
    return { data: data, layout: layout, config: { staticPlot: true } };
  }

  // The lines above and below the drawing: the title (with the state the controls chose)
  // and the source, licence and this chart's address.
  function exportCaption(chart, gd) {
    var base = chart._nea.base;
    var meta = base.meta || {};
    var value = currentValue(chart, gd);
    var title = meta.title || "";
    if (value && base.permalink) title += " (" + base.permalink.param + ": " + value + ")";
    var source = "Source: " + (meta.source || "the edition's data") +
      ". Licence: " + (meta.licence || "CC BY 4.0") + ".";
    return {
      title: wrapLine(title, 88),
      foot: wrapLine(source, 150).concat([chartAddress(chart, value)])
    };
  }

  function textBlock(lines, y, size, lead, weight, fill, name) {
    return '<text class="' + name + '" x="' + PAD + '" y="' + y + '" font-family=\'' +
      EXPORT_FONT + '\' font-size="' + size + '" font-weight="' + weight + '" fill="' + fill +
      '">' + lines.map(function (line, i) {
        return '<tspan x="' + PAD + '" dy="' + (i ? lead : 0) + '">' + escapeText(line) +
          "</tspan>";
      }).join("") + "</text>";
  }

  // The whole image as SVG markup: caption lines around Plotly's own SVG of the chart.
  function composeSvg(plotSvg, caption, width, height) {
    var head = PAD + TITLE_SIZE + TITLE_LEAD * (caption.title.length - 1) + PAD;
    var foot = PAD + FOOT_LEAD * caption.foot.length;
    var total = head + height + foot;
    var inner = plotSvg.replace(/^\s*<\?xml[^>]*>\s*/, "")
      .replace(/^<svg\b/, '<svg x="0" y="' + head + '"');
    return '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"' +
      ' width="' + width + '" height="' + total + '" viewBox="0 0 ' + width + " " + total + '">' +
      '<rect width="' + width + '" height="' + total + '" fill="#ffffff"/>' +
      textBlock(caption.title, PAD + TITLE_SIZE, TITLE_SIZE, TITLE_LEAD, "bold", "#1a1a1a",
                "nea-export-title") +
      inner +
      textBlock(caption.foot, head + height + PAD + FOOT_SIZE, FOOT_SIZE, FOOT_LEAD, "normal",
                "#444444", "nea-export-footer") +
      "</svg>";
  }

  function svgDataUrl(markup) {
    return "data:image/svg+xml;charset=utf-8," + encodeURIComponent(markup);
  }

  function rasterise(markup, scale) {
    return new Promise(function (resolve, reject) {
      var img = new Image();
      img.onload = function () {
        var canvas = document.createElement("canvas");
        canvas.width = img.naturalWidth * scale;
        canvas.height = img.naturalHeight * scale;
        var context = canvas.getContext("2d");
        context.scale(scale, scale);
        context.drawImage(img, 0, 0);
        resolve(canvas.toDataURL("image/png"));
      };
      img.onerror = function () { reject(new Error("the exported image could not be drawn")); };
      img.src = svgDataUrl(markup);
    });
  }

  function exportImage(chart, gd, format) {
    var fig = exportFigure(chart, gd);
    var caption = exportCaption(chart, gd);
    var width = fig.layout.width;
    var height = fig.layout.height;
    return window.Plotly.toImage(fig, { format: "svg", width: width, height: height })
      .then(function (url) {
        var comma = url.indexOf(",");
        var head = url.slice(0, comma);
        var body = url.slice(comma + 1);
        var plotSvg = /;base64/.test(head)
          ? new TextDecoder().decode(Uint8Array.from(atob(body), function (c) {
            return c.charCodeAt(0);
          }))
          : decodeURIComponent(body);
        var markup = composeSvg(plotSvg, caption, width, height);
        return format === "png" ? rasterise(markup, 2) : svgDataUrl(markup);
      });
  }

  function download(chart, gd, format) {
    return exportImage(chart, gd, format).then(function (url) {
      var a = document.createElement("a");
      var value = chart._nea.value;
      a.href = url;
      a.download = chart.getAttribute("data-chart") + (value ? "-" + value : "") + "." + format;
      document.body.appendChild(a);
      a.click();
      a.remove();
      return url;
    });
  }

  // ---- re-layout when the chart's width crosses the narrow threshold ----
  // plotly.js's own "responsive" resize is off (themed): it redrew the wide layout at a
  // phone's width before the narrow one came, with negative sizes. One observer does both.
  function watchSize(chart) {
    if (chart._neaWatch || !("ResizeObserver" in window)) return;
    var timer = null;
    var width = chart.clientWidth;
    chart._neaWatch = new ResizeObserver(function () {
      if (chart.clientWidth === width) return;
      width = chart.clientWidth;
      if (timer === null) pending(chart, 1);
      clearTimeout(timer);
      timer = setTimeout(function () {
        timer = null;
        var gd = chart.querySelector(".nea-chart-plot");
        var state = chart._nea;
        if (!state || !state.base || !gd._fullLayout) return pending(chart, -1);
        if (isNarrow(gd) !== state.base.narrow || printing() || state.printWidth) {
          retheme(chart); // while printing, the print width (retheme) and no resize
          pending(chart, -1);
        } else {
          Promise.resolve(window.Plotly.Plots.resize(gd)).then(function () {
            pending(chart, -1);
          });
        }
      }, 100);
    });
    chart._neaWatch.observe(chart);
  }
  // END tooltips, print, addresses, share and export
  // ==========================================================================================

  // ------------------------------------------------------------------------------------------
  // drawing

  // data-chart-settled: how many redraws of a chart are pending or running
  function pending(chart, change) {
    var state = chart._nea;
    state.pending = Math.max(0, (state.pending || 0) + change);
    chart.setAttribute("data-chart-settled", state.pending ? "false" : "true");
  }
  function draw(chart) {
    if (chart._nea) return chart._nea.drawn;
    var state = chart._nea = { theme: null, focus: null };
    var plot = chart.querySelector(".nea-chart-plot");
    pending(chart, 1);
    // say that the chart is on its way while plotly.js loads
    if (!window.Plotly) chart.setAttribute("data-drawn", "loading");
    state.drawn = loadPlotly().then(function (Plotly) {
      state.base = baseSpec(chart, plot);
      state.names = state.base.names || null;
      state.theme = pageTheme();
      var spec = forPrint(chart, plot, themed(state.base, state.theme));
      return Plotly.newPlot(plot, spec).then(function () {
        plot.on("plotly_afterplot", function () { operable(chart, plot); });
        plot.on("plotly_animated", function () { operable(chart, plot); });
        plot.on("plotly_sliderchange", function () { operable(chart, plot); });
        plot.on("plotly_animatingframe", function () { syncState(chart, plot); });
        plot.on("plotly_buttonclicked", function () { syncState(chart, plot); });
        plot.on("plotly_animationinterrupted", function () { interruptions += 1; });
        plot.on("plotly_hover", function (data) { showTip(chart, plot, data); });
        plot.on("plotly_unhover", hideTip);
        // a tap arrives as a click, not a hover (global Korea, the
        // scorecard): the click shows the same tooltip.
        plot.on("plotly_click", function (data) { showTip(chart, plot, data); });
        operable(chart, plot);
        chart.setAttribute("data-chart-theme", state.theme);
        return fromAddress(chart, plot);
      }).then(function () {
        toolbar(chart, plot);
        watchSize(chart);
        chart.setAttribute("data-drawn", "true");
        pending(chart, -1);
      });
    }).catch(function (error) {
      chart.setAttribute("data-drawn", "error");
      pending(chart, -1);
      console.error("nea-charts: the chart could not be drawn: " + error.message);
    });
    state.drawn.then(allDrawn);
    return state.drawn;
  }

  function retheme(chart) {
    var state = chart._nea;
    if (!state || !state.base || chart.getAttribute("data-drawn") !== "true") return;
    var theme = pageTheme();
    var gd = chart.querySelector(".nea-chart-plot");
    // the narrow layout follows the chart's width, both ways
    var narrow = isNarrow(gd);
    // also redraw when printing starts or ends (the print width)
    var width = printing() ? printWidth(gd) : null;
    if (theme === state.theme && narrow === state.base.narrow && width === state.printWidth) return;
    if (narrow !== state.base.narrow && gd.clientWidth > 0) state.base = baseSpec(chart, gd);
    state.theme = theme;
    var where = controlsState(gd);
    var spec = forPrint(chart, gd, themed(state.base, theme));
    pending(chart, 1);
    state.drawn = window.Plotly.react(gd, spec).then(function () {
      // a print width is fixed; only the screen's layout follows the container
      if (!printing()) return window.Plotly.Plots.resize(gd);
    }).then(function () {
      return restore(gd, spec.layout, where);
    }).then(function () {
      operable(chart, gd);
      chart.setAttribute("data-chart-theme", theme);
    }).finally(function () {
      pending(chart, -1);
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
    window.neaCharts = {
      drawAll: drawAll,
      theme: pageTheme,
      // tests read an exported image's SVG without a download dialogue
      exportImage: function (chart, format) {
        return exportImage(chart, chart.querySelector(".nea-chart-plot"), format || "svg");
      }
    };
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
    // redraw light for print, back to the page's theme after.
    window.addEventListener("beforeprint", function () { printFlag = true; follow(); });
    window.addEventListener("afterprint", function () { printFlag = false; follow(); });
    if (window.matchMedia) {
      var print = window.matchMedia("print");
      if (print.addEventListener) print.addEventListener("change", follow);
    }
    // a chart the address links to (#fig-..., #nea-chart-...) is
    // wanted at once: fetch plotly.js now rather than after the page's load event.
    var linked = linkedChart();
    if (linked) draw(linked);
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") hideTip();
    });
    window.addEventListener("scroll", hideTip, { passive: true });
    // a tap or click outside a chart closes the tooltip a tap opened
    document.addEventListener("click", function (event) {
      if (!(event.target.closest && event.target.closest(".nea-chart-plot"))) hideTip();
    });
    if (document.readyState === "complete") start();
    else window.addEventListener("load", start);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
