/* readers-pages (issue 21): search result snippets from the page's prose.
 *
 * Sphinx's search (searchtools.js) shows, under each result, text around the first match in
 * the page's main region: often a data table flattened into a run of cells, a code cell or a
 * list of links. Sphinx 7.4 removes only ".headerlink", "script" and "style" from that text
 * (Search.htmlToText). This wraps Search.htmlToText to remove tables, code, figures' data, the
 * cite box and navigation too, so that the snippet is a sentence. Only the snippet changes:
 * what a search finds, and its order, are Sphinx's. If Sphinx renames htmlToText this does
 * nothing and the snippets are Sphinx's own (tests/test_readers_pages.py notices).
 */
(function () {
  "use strict";
  var NOT_PROSE = [
    "table", "pre", ".cell_input", "details.nea-data", "details.above-input", ".nea-cite",
    "nav", ".bd-header-article", ".prev-next-area", ".bd-footer-article", ".nea-chart",
    ".onlyprint", "figure .nea-data", ".admonition.seealso",
  ].join(", ");
  function wrap() {
    if (typeof Search === "undefined" || typeof Search.htmlToText !== "function") return;
    if (Search.htmlToText.neaProse) return;
    var original = Search.htmlToText;
    var prose = function (htmlString, anchor) {
      var doc = new DOMParser().parseFromString(htmlString, "text/html");
      doc.querySelectorAll(NOT_PROSE).forEach(function (el) { el.remove(); });
      var text = original(doc.documentElement.outerHTML, anchor);
      return text.replace(/\s+/g, " ");
    };
    prose.neaProse = true;
    Search.htmlToText = prose;
  }
  wrap();
  document.addEventListener("DOMContentLoaded", wrap);
})();
