/* Copy buttons of the "Cite this page" boxes (nea_edition.site.cite).
 *
 * The buttons are in the page with `hidden`: without JavaScript there is nothing to press, and
 * the texts (under "Show BibTeX and RIS") and the download links still work. Here they are
 * shown and copy the text of the element their data-nea-copy names. The Clipboard API needs a
 * secure context (https or localhost); elsewhere (file://) a hidden textarea and
 * execCommand("copy") do the same. No other origin is involved.
 */
(function () {
  "use strict";

  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try {
      ok = document.execCommand("copy");
    } catch (err) {
      ok = false;
    }
    document.body.removeChild(area);
    return ok ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () {
        return fallbackCopy(text);
      });
    }
    return fallbackCopy(text);
  }

  function wire(button) {
    var source = document.getElementById(button.getAttribute("data-nea-copy"));
    if (!source) return;
    var status = button.closest(".nea-cite-work").querySelector(".nea-cite-status");
    button.hidden = false;
    button.addEventListener("click", function () {
      var label = button.textContent.replace(/^Copy /, "");
      copy(source.textContent).then(
        function () {
          if (status) status.textContent = label + " copied.";
        },
        function () {
          if (status) status.textContent = "Could not copy: select the text under Show BibTeX and RIS.";
        }
      );
    });
  }

  function init() {
    document.querySelectorAll("button[data-nea-copy]").forEach(wire);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
