/* The readers' tables (nea_edition.site.tables): sorting and filtering, the agenda filter, and
 * the Data page's column tables on narrow screens. No library, no other origin.
 *
 * Data tables (table[data-nea-table], under the figures). Each header cell gets a button
 * that sorts by its column: ascending, descending, then the table's own order again; the
 * header cell says which with aria-sort. Numbers sort as numbers, everything else as text in
 * the reader's language with digits compared as numbers (so 2009-2 < 2009-10); empty cells
 * (data-value="") go last either way. A search field above the table keeps the rows that
 * contain its text (case and accents ignored), the addresses of their links included. A
 * status line (role="status") says what is shown. Without JavaScript the table is plain.
 *
 * The agenda filter (form.nea-agenda-filter, on the afterword). The items are rubrics
 * (p.rubric.nea-agenda-item, classes nea-status-*, nea-scope-*, nea-section-*) each followed
 * by its paragraphs up to the next rubric. Ticking outcomes and scopes and choosing a section
 * hides the items that do not match (within a group any ticked value matches; the groups
 * combine), and a section heading whose items are all hidden. The state is written into the
 * page's address (?outcome=realised,stalled&scope=global&section=3) with
 * history.replaceState, and read from it when the page opens, so that a filtered view can be
 * linked. A link to an item that the filter hides (#agenda-...) clears the filter.
 *
 * Column tables (table.data-schema, the Data page). Below 600 px nea-tables.css sets each row
 * out as a card; display:block takes the table semantics away in some browsers, so the
 * elements get their roles back explicitly here (table, rowgroup, row, columnheader, cell).
 */
(function () {
  "use strict";

  // -------------------------------------------------------------------------------------------
  // data tables

  var collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });
  var NUMBER = /^-?\d+(\.\d+)?$/;
  var tableCount = 0;

  function cellValue(cell) {
    if (!cell) return "";
    var value = cell.getAttribute("data-value");
    return value !== null ? value : cell.textContent.trim();
  }

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function rowText(row) {
    var parts = [];
    Array.prototype.forEach.call(row.cells, function (cell) {
      parts.push(cellValue(cell));
      cell.querySelectorAll("a[href]").forEach(function (a) {
        parts.push(a.getAttribute("href"));
      });
    });
    return fold(parts.join(" \u0001 "));
  }

  function compare(a, b, numeric) {
    if (a === "" && b === "") return 0;
    if (a === "") return 1;
    if (b === "") return -1;
    if (numeric) return parseFloat(a) - parseFloat(b);
    return collator.compare(a, b);
  }

  function enhanceTable(table) {
    if (table.getAttribute("data-nea-enhanced")) return;
    table.setAttribute("data-nea-enhanced", "true");
    tableCount += 1;
    var id = "nea-table-" + tableCount;
    var body = table.tBodies[0];
    if (!body || !table.tHead) return;
    var rows = Array.prototype.slice.call(body.rows);
    rows.forEach(function (row, i) {
      row.neaIndex = i;
      row.neaText = rowText(row);
    });
    var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
    var numeric = headers.map(function (_, col) {
      var seen = false;
      var all = rows.every(function (row) {
        var v = cellValue(row.cells[col]);
        if (v === "") return true;
        seen = true;
        return NUMBER.test(v);
      });
      return all && seen;
    });
    var state = { col: -1, dir: "none", query: "" };

    // The controls: a search field and a status line, above the scrolling region.
    var tools = document.createElement("div");
    tools.className = "nea-table-tools";
    var label = document.createElement("label");
    label.setAttribute("for", id + "-filter");
    label.textContent = "Filter rows";
    var input = document.createElement("input");
    input.type = "search";
    input.id = id + "-filter";
    input.className = "nea-table-filter";
    input.setAttribute("autocomplete", "off");
    input.setAttribute("aria-controls", id);
    var status = document.createElement("p");
    status.className = "nea-table-status";
    status.id = id + "-status";
    status.setAttribute("role", "status");
    tools.appendChild(label);
    tools.appendChild(input);
    tools.appendChild(status);
    table.id = table.id || id;
    input.setAttribute("aria-describedby", status.id);
    var wrap = table.closest(".nea-table-wrap") || table;
    wrap.parentNode.insertBefore(tools, wrap);

    var buttons = headers.map(function (th, col) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "nea-sort";
      while (th.firstChild) button.appendChild(th.firstChild);
      var icon = document.createElement("span");
      icon.className = "nea-sort-icon";
      icon.setAttribute("aria-hidden", "true");
      button.appendChild(icon);
      th.appendChild(button);
      button.addEventListener("click", function () {
        if (state.col !== col) {
          state.col = col;
          state.dir = "ascending";
        } else {
          state.dir = { ascending: "descending", descending: "none", none: "ascending" }[state.dir];
        }
        update(true);
      });
      return button;
    });

    function update(announceSort) {
      var ordered = rows.slice();
      if (state.dir !== "none") {
        var col = state.col;
        var sign = state.dir === "ascending" ? 1 : -1;
        ordered.sort(function (a, b) {
          var va = cellValue(a.cells[col]);
          var vb = cellValue(b.cells[col]);
          if (va === "" || vb === "") return compare(va, vb, false) || a.neaIndex - b.neaIndex;
          return sign * compare(va, vb, numeric[col]) || a.neaIndex - b.neaIndex;
        });
      }
      var query = fold(state.query.trim());
      var shown = 0;
      var fragment = document.createDocumentFragment();
      ordered.forEach(function (row) {
        var match = !query || row.neaText.indexOf(query) !== -1;
        row.hidden = !match;
        if (match) shown += 1;
        fragment.appendChild(row);
      });
      body.appendChild(fragment);
      headers.forEach(function (th, col) {
        if (col === state.col && state.dir !== "none") th.setAttribute("aria-sort", state.dir);
        else th.removeAttribute("aria-sort");
        buttons[col].setAttribute("data-sort", col === state.col ? state.dir : "none");
      });
      var parts = [];
      if (state.dir !== "none") {
        parts.push("Sorted by " + buttons[state.col].textContent.trim() + ", " + state.dir + ".");
      } else if (announceSort) {
        parts.push("In the table's own order.");
      }
      parts.push(
        query
          ? shown + " of " + rows.length + " rows contain \u201c" + state.query.trim() + "\u201d."
          : rows.length + " rows."
      );
      status.textContent = parts.join(" ");
      table.setAttribute("data-nea-shown", String(shown));
    }

    input.addEventListener("input", function () {
      state.query = input.value;
      update(false);
    });
    update(false);
  }

  // -------------------------------------------------------------------------------------------
  // the agenda filter

  var FACETS = ["outcome", "scope", "section"];
  var PREFIX = { outcome: "nea-status-", scope: "nea-scope-", section: "nea-section-" };

  function facetOf(rubric, facet) {
    var prefix = PREFIX[facet];
    for (var i = 0; i < rubric.classList.length; i++) {
      var name = rubric.classList[i];
      if (name.indexOf(prefix) === 0) return name.slice(prefix.length);
    }
    return "";
  }

  function groupAfter(rubric) {
    var nodes = [rubric];
    var next = rubric.nextElementSibling;
    while (next && !next.classList.contains("rubric")) {
      nodes.push(next);
      next = next.nextElementSibling;
    }
    return nodes;
  }

  function enhanceAgenda(form) {
    var list = form.parentNode.querySelector(".nea-agenda") || document;
    var items = Array.prototype.map.call(
      list.querySelectorAll("p.rubric.nea-agenda-item"),
      function (rubric) {
        return { rubric: rubric, nodes: groupAfter(rubric) };
      }
    );
    var sections = Array.prototype.map.call(
      list.querySelectorAll("p.rubric.nea-agenda-section"),
      function (rubric) {
        return { rubric: rubric, number: facetOf(rubric, "section"), nodes: groupAfter(rubric) };
      }
    );
    var status = form.querySelector(".nea-agenda-filter-status");
    var select = form.querySelector("select[name=section]");

    function chosen() {
      var state = {};
      ["outcome", "scope"].forEach(function (facet) {
        var boxes = form.querySelectorAll("input[name=" + facet + "]");
        var on = Array.prototype.filter.call(boxes, function (b) { return b.checked; });
        state[facet] = on.length === boxes.length ? null : on.map(function (b) { return b.value; });
      });
      state.section = select && select.value ? [select.value] : null;
      return state;
    }

    function setFrom(state) {
      ["outcome", "scope"].forEach(function (facet) {
        form.querySelectorAll("input[name=" + facet + "]").forEach(function (box) {
          box.checked = !state[facet] || state[facet].indexOf(box.value) !== -1;
        });
      });
      if (select) select.value = state.section ? state.section[0] : "";
    }

    // the values the form offers for a facet: an address's unknown values are ignored, and a
    // facet left with none shows everything (a mistyped link never shows an empty list)
    function offered(facet) {
      var fields = form.querySelectorAll(
        "input[name=" + facet + "], select[name=" + facet + "] option"
      );
      return Array.prototype.map.call(fields, function (f) { return f.value; })
        .filter(Boolean);
    }

    function fromUrl() {
      var params = new URLSearchParams(location.search);
      var state = {};
      FACETS.forEach(function (facet) {
        var value = params.get(facet);
        var known = offered(facet);
        var wanted = value === null ? [] : value.split(",").filter(function (v) {
          return known.indexOf(v) !== -1;
        });
        state[facet] = wanted.length ? wanted : null;
      });
      return state;
    }

    function toUrl(state) {
      var params = new URLSearchParams(location.search);
      FACETS.forEach(function (facet) {
        if (state[facet]) params.set(facet, state[facet].join(","));
        else params.delete(facet);
      });
      var query = params.toString().replace(/%2C/g, ",");
      var url = location.pathname + (query ? "?" + query : "") + location.hash;
      if (url !== location.pathname + location.search + location.hash) {
        history.replaceState(history.state, "", url);
      }
    }

    function apply(state) {
      var shown = 0;
      items.forEach(function (item) {
        var match = FACETS.every(function (facet) {
          return !state[facet] || state[facet].indexOf(facetOf(item.rubric, facet)) !== -1;
        });
        item.nodes.forEach(function (node) { node.hidden = !match; });
        item.shown = match;
        if (match) shown += 1;
      });
      sections.forEach(function (section) {
        var any = items.some(function (item) {
          return item.shown && facetOf(item.rubric, "section") === section.number;
        });
        section.nodes.forEach(function (node) { node.hidden = !any; });
      });
      status.textContent =
        shown === items.length
          ? "Showing all " + items.length + " items."
          : "Showing " + shown + " of " + items.length + " items." +
            (shown ? "" : " Untick fewer boxes or choose Show all items.");
      form.setAttribute("data-shown", String(shown));
    }

    function onChange() {
      var state = chosen();
      apply(state);
      toUrl(state);
    }

    function revealTarget() {
      var id = decodeURIComponent(location.hash.slice(1));
      var target = id && document.getElementById(id);
      if (target && target.closest && list.contains(target)) {
        var hiddenItem = target.hidden || (target.closest("[hidden]") !== null);
        if (hiddenItem) {
          setFrom({});
          onChange();
          target.scrollIntoView();
        }
      }
    }

    form.addEventListener("change", onChange);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    var reset = form.querySelector(".nea-agenda-filter-reset");
    if (reset) {
      reset.addEventListener("click", function () {
        setFrom({});
        onChange();
      });
    }
    window.addEventListener("hashchange", revealTarget);
    var initial = fromUrl();
    setFrom(initial);
    apply(chosen());
    form.hidden = false;
    revealTarget();
  }

  // -------------------------------------------------------------------------------------------
  // the Data page's column tables

  function giveRoles(table) {
    table.setAttribute("role", "table");
    Array.prototype.forEach.call(table.querySelectorAll("thead, tbody"), function (group) {
      group.setAttribute("role", "rowgroup");
    });
    Array.prototype.forEach.call(table.rows, function (row) {
      row.setAttribute("role", "row");
      Array.prototype.forEach.call(row.cells, function (cell) {
        cell.setAttribute("role", cell.tagName === "TH" ? "columnheader" : "cell");
      });
    });
  }

  // -------------------------------------------------------------------------------------------

  function init() {
    document.querySelectorAll("table[data-nea-table]").forEach(enhanceTable);
    document.querySelectorAll("form.nea-agenda-filter").forEach(enhanceAgenda);
    document.querySelectorAll("table.data-schema").forEach(giveRoles);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
