/* The "Cite this page" boxes and the citation previews (nea_edition.site.cite).
 *
 * Copy buttons. The buttons are in the page with `hidden`: without JavaScript there is nothing
 * to press, and the texts (under "Show BibTeX and RIS") and the download links still work.
 * Here they are shown and copy the text of the element their data-nea-copy names. The
 * Clipboard API needs a secure context (https or localhost); elsewhere (file://) a hidden
 * textarea and execCommand("copy") do the same. No other origin is involved.
 *
 * URL and access date. The build cannot know the day a reader uses a page, nor, without a base
 * URL, where the site is published. So here each work's BibTeX gets `url` (when the build left
 * it out and the page is read over http or https) and `urldate`, its RIS `UR` and `Y2` (RIS's
 * access date), and its formatted reference the link and "Accessed YYYY-MM-DD.", all with the
 * reader's today: when the page opens, and again at every copy and download, so that what is
 * shown is what is copied. The downloads are made here from that text (a blob: URL of this
 * page's own origin); without JavaScript they are the build's files, without an access date.
 *
 * Citation previews. The author-year citations (sphinxcontrib-bibtex) carry their reference
 * only in a `title`, which shows on a mouse's hover and never on focus or touch. Each gets a
 * preview instead: a small box with the reference that opens on hover and keyboard focus (and
 * closes on Escape, blur or leaving), tied to the link by aria-describedby so that screen
 * readers announce it, as the WAI-ARIA tooltip pattern does. On a touch screen the first tap
 * opens the preview and the second follows the link; the preview says so. The link itself is
 * never changed: Enter, a click and a middle click go where they always went.
 */
(function () {
  "use strict";

  // -------------------------------------------------------------------------------------------
  // copying

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

  // -------------------------------------------------------------------------------------------
  // URL and access date

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  /* The reader's today, as [year, month, day] in their own time zone. */
  function today() {
    var now = new Date();
    return [now.getFullYear(), pad(now.getMonth() + 1), pad(now.getDate())];
  }

  /* The work's absolute URL: the one the build wrote, else made from data-nea-cite-href. */
  function workUrl(work, bib) {
    var found = /^\s*url = \{([^}]*)\},$/m.exec(bib);
    if (found) return { url: found[1], fromBuild: true };
    var href = work.getAttribute("data-nea-cite-href");
    if (!href || !/^https?:$/.test(location.protocol)) return null;
    var url = new URL(href, location.href);
    url.hash = "";
    url.search = "";
    return { url: url.href, fromBuild: false };
  }

  function withAccess(bib, ris, found, day) {
    var iso = day.join("-");
    var lines = bib.replace(/\s+$/, "").split("\n");
    lines = lines.filter(function (l) {
      return !/^\s*urldate = /.test(l) && (found.fromBuild || !/^\s*url = /.test(l));
    });
    var close = lines.pop(); // the entry's closing brace
    if (!found.fromBuild) lines.push("  url = {" + found.url + "},");
    lines.push("  urldate = {" + iso + "},");
    lines.push(close);
    var tags = ris.replace(/\s+$/, "").split("\n").filter(function (l) {
      return !/^Y2 {2}- /.test(l) && (found.fromBuild || !/^UR {2}- /.test(l));
    });
    var end = tags.pop(); // ER  -
    if (!found.fromBuild) tags.push("UR  - " + found.url);
    tags.push("Y2  - " + day.join("/"));
    tags.push(end);
    return [lines.join("\n") + "\n", tags.join("\n") + "\n"];
  }

  /* Bring one work's texts and reference up to date; return them. */
  function refresh(work) {
    var pres = work.querySelectorAll("pre.nea-cite-text");
    if (pres.length !== 2) return null;
    var bib = pres[0].textContent;
    var ris = pres[1].textContent;
    var found = workUrl(work, bib);
    if (!found) return [bib, ris];
    var day = today();
    var texts = withAccess(bib, ris, found, day);
    pres[0].textContent = texts[0];
    pres[1].textContent = texts[1];
    var reference = work.querySelector(".nea-cite-reference");
    if (reference) {
      if (!found.fromBuild && !reference.querySelector("a.nea-cite-url")) {
        var link = document.createElement("a");
        link.className = "nea-cite-url";
        link.href = found.url;
        link.textContent = found.url;
        reference.appendChild(document.createTextNode(" "));
        reference.appendChild(link);
        reference.appendChild(document.createTextNode("."));
      }
      var accessed = reference.querySelector(".nea-cite-accessed");
      if (!accessed) {
        accessed = document.createElement("span");
        accessed.className = "nea-cite-accessed";
        reference.appendChild(document.createTextNode(" "));
        reference.appendChild(accessed);
      }
      accessed.textContent = "Accessed " + day.join("-") + ".";
    }
    return texts;
  }

  function setStatus(work, text) {
    var status = work.querySelector(".nea-cite-status");
    if (status) status.textContent = text;
  }

  function wireCopy(button) {
    var source = document.getElementById(button.getAttribute("data-nea-copy"));
    if (!source) return;
    var work = button.closest(".nea-cite-work");
    button.hidden = false;
    button.addEventListener("click", function () {
      var label = button.textContent.replace(/^Copy /, "");
      refresh(work);
      copy(source.textContent).then(
        function () {
          setStatus(work, label + " copied.");
        },
        function () {
          setStatus(work, "Could not copy: select the text under Show BibTeX and RIS.");
        }
      );
    });
  }

  function wireDownload(link) {
    var work = link.closest(".nea-cite-work");
    var isRis = /\.ris$/.test(link.getAttribute("href"));
    link.addEventListener("click", function (event) {
      if (!window.Blob || !window.URL || !URL.createObjectURL) return; // the build's file
      var texts = refresh(work);
      if (!texts) return;
      event.preventDefault();
      var type = isRis ? "application/x-research-info-systems" : "application/x-bibtex";
      var blob = new Blob([isRis ? texts[1] : texts[0]], { type: type + ";charset=utf-8" });
      var temp = document.createElement("a");
      temp.href = URL.createObjectURL(blob);
      temp.download = link.getAttribute("href").split("/").pop();
      document.body.appendChild(temp);
      temp.click();
      document.body.removeChild(temp);
      setTimeout(function () {
        URL.revokeObjectURL(temp.href);
      }, 1000);
    });
  }

  // -------------------------------------------------------------------------------------------
  // citation previews

  var CITATIONS = ".bibtex-citation a[title], a.nea-bibkey[title]";
  var tip = null;
  var current = null;
  var byText = {};
  var count = 0;

  function tipFor(text) {
    if (byText[text]) return byText[text];
    count += 1;
    var id = "nea-ref-preview-" + count;
    var node = document.createElement("span");
    node.id = id;
    node.hidden = true;
    node.textContent = text;
    holder().appendChild(node);
    byText[text] = id;
    return id;
  }

  function holder() {
    var box = document.getElementById("nea-ref-previews");
    if (!box) {
      box = document.createElement("div");
      box.id = "nea-ref-previews";
      box.hidden = true;
      document.body.appendChild(box);
    }
    return box;
  }

  function popup() {
    if (!tip) {
      tip = document.createElement("div");
      tip.className = "nea-ref-preview";
      // What it shows, assistive technology already has: each link's aria-describedby names
      // a hidden copy of its reference, so this box is for the eye only.
      tip.setAttribute("aria-hidden", "true");
      tip.id = "nea-ref-preview";
      tip.hidden = true;
      tip.addEventListener("pointerenter", function () {
        clearTimeout(tip.closing);
      });
      tip.addEventListener("pointerleave", function (event) {
        if (event.pointerType === "mouse") hideSoon();
      });
      document.body.appendChild(tip);
    }
    return tip;
  }

  function show(link, byTouch) {
    var box = popup();
    clearTimeout(box.closing);
    var source = document.getElementById(link.getAttribute("data-nea-preview"));
    box.textContent = source ? source.textContent : "";
    if (byTouch) {
      var hint = document.createElement("span");
      hint.className = "nea-ref-preview-hint";
      hint.textContent = "Tap the citation again to open the reference list.";
      box.appendChild(hint);
    }
    box.hidden = false;
    current = link;
    link.setAttribute("data-nea-preview-open", "true");
    place(link, box);
  }

  function place(link, box) {
    var r = link.getBoundingClientRect();
    var width = Math.min(420, document.documentElement.clientWidth - 16);
    box.style.maxWidth = width + "px";
    var left = Math.max(8, Math.min(r.left, document.documentElement.clientWidth - width - 8));
    box.style.left = left + window.scrollX + "px";
    var below = r.bottom + 6;
    box.style.top = below + window.scrollY + "px";
    var height = box.offsetHeight;
    if (below + height > window.innerHeight && r.top - height - 6 > 0) {
      box.style.top = r.top - height - 6 + window.scrollY + "px";
    }
  }

  function hide() {
    if (tip) tip.hidden = true;
    if (current) current.removeAttribute("data-nea-preview-open");
    current = null;
  }

  function hideSoon() {
    if (!tip) return;
    clearTimeout(tip.closing);
    tip.closing = setTimeout(hide, 150);
  }

  function wirePreview(link) {
    var text = link.getAttribute("title");
    if (!text) return;
    var id = tipFor(text);
    link.setAttribute("data-nea-preview", id);
    var described = link.getAttribute("aria-describedby");
    link.setAttribute("aria-describedby", described ? described + " " + id : id);
    // The preview replaces the title: both would show the same text twice on a hover.
    link.removeAttribute("title");
    var lastPointer = "";
    link.addEventListener("pointerdown", function (event) {
      lastPointer = event.pointerType;
    });
    link.addEventListener("pointerenter", function (event) {
      if (event.pointerType === "mouse") show(link, false);
    });
    link.addEventListener("pointerleave", function (event) {
      if (event.pointerType === "mouse") hideSoon();
    });
    link.addEventListener("focus", function () {
      if (!lastPointer) show(link, false); // keyboard focus (a tap or click sets lastPointer)
    });
    link.addEventListener("blur", function () {
      lastPointer = "";
      hideSoon();
    });
    link.addEventListener("click", function (event) {
      var touch = lastPointer === "touch" || lastPointer === "pen";
      lastPointer = "";
      if (!touch) return; // mouse, keyboard, assistive technology: follow the link
      if (current === link && !tip.hidden) return; // second tap: follow the link
      event.preventDefault();
      show(link, true);
    });
  }

  function initPreviews() {
    var links = document.querySelectorAll(CITATIONS);
    if (!links.length) return;
    links.forEach(wirePreview);
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && current) hide();
    });
    document.addEventListener("pointerdown", function (event) {
      if (!current) return;
      if (event.target.closest && (event.target.closest("[data-nea-preview]") ||
          event.target.closest(".nea-ref-preview"))) return;
      hide();
    });
    window.addEventListener("resize", function () {
      if (current && tip && !tip.hidden) place(current, tip);
    });
  }

  // -------------------------------------------------------------------------------------------

  function init() {
    document.querySelectorAll(".nea-cite-work").forEach(refresh);
    document.querySelectorAll("button[data-nea-copy]").forEach(wireCopy);
    document.querySelectorAll("a.nea-cite-download").forEach(wireDownload);
    initPreviews();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
