/* search result snippets from the page's prose.
 *
 * Sphinx's search (searchtools.js) shows, under each result, text around the first match in
 * the page's main region: often a data table flattened into a run of cells, a code cell or a
 * list of links. Sphinx 7.4 removes only ".headerlink", "script" and "style" from that text
 * (Search.htmlToText). This wraps Search.htmlToText to remove tables, code, figures' data, the
 * cite box and navigation too, so that the snippet is a sentence. Only the snippet changes:
 * what a search finds, and its order, are Sphinx's. If Sphinx renames htmlToText this does
 * nothing and the snippets are Sphinx's own (tests/test_readers_pages.py notices). It also
 * drops the page's title (the result's heading already) and lists of download links, and
 * ends each block with a space so that a heading does not run into the text after it.
 *
 * one result per page. Sphinx lists a page once for each way it matched
 * (its title, each section title, each index entry that points into it, its text), and drops
 * only results identical in page, title and anchor; with the edition's index entries a query
 * such as "ASEAN" listed one page up to four times. This wraps Search._performSearch to keep,
 * for each page, its best-scoring result (the one Sphinx would have shown first), in Sphinx's
 * order. If Sphinx renames _performSearch this does nothing
 * (tests/test_readers_rest.py notices).
 */
(function () {
  "use strict";
  var NOT_PROSE = [
    "table", "pre", ".cell_input", "details.nea-data", "details.above-input", ".nea-cite",
    "nav", ".bd-header-article", ".prev-next-area", ".bd-footer-article", ".nea-chart",
    ".onlyprint", "figure .nea-data", ".admonition.seealso", "form", ".nea-print-only",
  ].join(", ");
  var BLOCKS = "h2, h3, h4, h5, h6, p, li, dt, dd, blockquote, figcaption, caption, .rubric";
  // a result found through an index entry links to the entry's target, an empty
  // <span id="index-N"> before the paragraph it indexes, and Sphinx's snippet is that span's
  // text: nothing. The paragraph (the next element with text, else the parent) lends its text.
  function widenEmptyTarget(doc, anchor) {
    if (!anchor || anchor.charAt(0) !== "#") return;
    var target = doc.getElementById(anchor.slice(1));
    if (!target || target.textContent.trim()) return;
    var block = target.nextElementSibling;
    while (block && !block.textContent.trim()) block = block.nextElementSibling;
    block = block || target.parentElement;
    if (!block) return;
    target.removeAttribute("id");
    block.id = anchor.slice(1);
  }
  function wrap() {
    if (typeof Search === "undefined" || typeof Search.htmlToText !== "function") return;
    if (Search.htmlToText.neaProse) return;
    var original = Search.htmlToText;
    var prose = function (htmlString, anchor) {
      var doc = new DOMParser().parseFromString(htmlString, "text/html");
      doc.querySelectorAll(NOT_PROSE).forEach(function (el) { el.remove(); });
      // the page's title is the result's own heading already; lists of download links (the
      // Data page's files) are not sentences either
      doc.querySelectorAll("h1").forEach(function (el) { el.remove(); });
      doc.querySelectorAll("a.download").forEach(function (a) {
        var list = a.closest("ul, ol");
        if (list) list.remove();
      });
      // Sphinx takes the text with textContent, which runs a heading into the paragraph after
      // it ("...the Cold WarA co..."): each block ends in a space
      doc.querySelectorAll(BLOCKS).forEach(function (el) {
        el.appendChild(doc.createTextNode(" "));
      });
      widenEmptyTarget(doc, anchor);
      var text = original(doc.documentElement.outerHTML, anchor);
      return text.replace(/\s+/g, " ");
    };
    prose.neaProse = true;
    Search.htmlToText = prose;
  }
  // one result per page (see the comment at the top)
  function onePerPage() {
    if (typeof Search === "undefined" || typeof Search._performSearch !== "function") return;
    if (Search._performSearch.neaOnePerPage) return;
    var perform = Search._performSearch;
    var once = function () {
      // Sphinx shows the results from the last to the first: keep each page's last one
      var results = perform.apply(this, arguments);
      var seen = new Set();
      var kept = [];
      for (var i = results.length - 1; i >= 0; i--) {
        if (seen.has(results[i][0])) continue;
        seen.add(results[i][0]);
        kept.push(results[i]);
      }
      return kept.reverse();
    };
    once.neaOnePerPage = true;
    Search._performSearch = once;
  }
  wrap();
  onePerPage();
  document.addEventListener("DOMContentLoaded", function () { wrap(); onePerPage(); });
})();
