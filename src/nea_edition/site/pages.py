"""The pages as readers meet them: on a phone, on paper, in a tab, at a broken address.

Repairs and additions to every page the HTML builder writes, through Sphinx's public events
(``html-page-context``, ``build-finished``) and docutils' public node API:

1. **Wide tables scroll inside the page, never the page itself** (a raw table otherwise widens
   a page past a phone's screen). pydata-sphinx-theme wraps the tables *docutils* writes in a
   ``div.pst-scrollable-table-container``; tables that arrive as raw HTML (pandas frames shown
   by a notebook, tables pasted with ``glue``, the edition's own data tables) were not. Every
   ``<table>`` of a page's body that no scroll container holds yet gets the theme's container,
   so the theme's own script also gives it a tab stop when it overflows (keyboard scrolling).
   ``book/_static/edition.css`` keeps the page itself from growing wider than the viewport.

2. **"Last updated"** on every page: the day (Korea Standard Time, like every date of the
   edition) of the last commit that touched the page's source, from one ``git log`` per build
   (``nea_edition.clock.last_changed``), shown by the theme's own footer item
   (``last-updated.html``). Without git, or for a page without a source of its own (search,
   index, 404), the edition's date (``nea_edition.clock.today``). Commit dates are part of the
   commit, so two builds of one commit agree.

3. **Print headers and footers**: ``book/_static/print.css`` puts the edition's title, the
   page's address and the version in the margins of every printed page (CSS paged media,
   ``@page`` margin boxes) from three custom properties set here in each page's head. The
   whole-edition PDF (``nea_edition.pdf``) carries none of them: it does not copy page heads.

4. **One viewport tag and a title that names the site once**: docutils writes a viewport
   ``<meta>`` into ``metatags`` that Sphinx's and the theme's layouts already write (the
   theme's is dropped in ``layout.html``; Sphinx's is outside any block and stays). The front
   page's tab title is the edition's title alone, not the title twice.

5. **Hangul carries ``lang="ko"``**: each run of Hangul in a page's text, the raw HTML of
   notebook outputs and data tables included, is wrapped in ``<span lang="ko">`` (screen
   readers switch voice; browsers pick Korean fonts and line breaking). Done on the page's
   HTML rather than the doctree because most Hangul arrives as raw HTML (the data tables).

6. **The site's root and a 404 page**: Sphinx writes the front page at ``book/index.html``; a
   plain redirect with neither title nor link stood at ``index.html``. It becomes a titled page
   with a visible link (and the same redirect). ``404.html`` (GitHub Pages serves it for any
   missing address, at any depth) is written by the theme like the search and index pages
   (``html-collect-pages``: navigation, search, light/dark) with the search, the index and the
   contents in its text; then every relative URL in it is made absolute from the site's base
   URL (``NEA_EDITION_BASE_URL``), or root-relative without one, so that it works wherever it
   is served.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

from nea_edition import clock, toc
from nea_edition.citation import release
from nea_edition.citation.addresses import base_url

# ----------------------------------------------------------------------------------------------
# 1. wide tables

#: Classes of elements that already scroll their content sideways.
SCROLLERS = frozenset({"pst-scrollable-table-container", "nea-table-wrap"})
#: The wrapper every other table gets: the theme's own class (overflow-x: auto and a tab stop
#: when it overflows, pydata-sphinx-theme's addTabStopsToScrollableElements), plus ours.
TABLE_WRAPPER = '<div class="pst-scrollable-table-container nea-scroll">'
VOID = frozenset(
    ("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param")
) | frozenset(("source", "track", "wbr"))


class _TableFinder(HTMLParser):
    """Offsets of the start and end of every ``<table>`` that no scroll container holds."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=False)
        self.text = text
        # HTMLParser counts lines by "\n" alone (str.splitlines would also split at \x0c...).
        self._lines = [0] + [m.end() for m in re.finditer("\n", text)]
        self.stack: list[tuple[str, bool]] = []  # (tag, scrolls)
        self.spans: list[tuple[int, int]] = []
        self._open: int | None = None
        self._depth = 0

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._lines[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        classes = set((dict(attrs).get("class") or "").split())
        inside = any(scrolls for _, scrolls in self.stack)
        if tag == "table" and self._open is None and not inside:
            self._open = self._offset()
            self._depth = len(self.stack)
        self.stack.append((tag, bool(classes & SCROLLERS)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        return

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        # Pop to the matching element (tolerates the odd unclosed <p> or <li>).
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break
        else:
            return
        if tag == "table" and self._open is not None and len(self.stack) == self._depth:
            # The end tag starts at the current offset; it ends at its ">".
            close = self.text.find(">", self._offset())
            self.spans.append((self._open, close + 1))
            self._open = None


def wrap_wide_tables(body: str) -> str:
    """``body`` with every table that no scroll container holds inside the theme's container."""
    if "<table" not in body:
        return body
    finder = _TableFinder(body)
    finder.feed(body)
    finder.close()
    if not finder.spans:
        return body
    out: list[str] = []
    last = 0
    for start, end in finder.spans:
        out += [body[last:start], TABLE_WRAPPER, body[start:end], "</div>"]
        last = end
    out.append(body[last:])
    return "".join(out)


# ----------------------------------------------------------------------------------------------
# 2. last updated


def _dates(app: Sphinx) -> dict[str, Any]:
    cached = getattr(app, "_nea_last_changed", None)
    if cached is None:
        cached = clock.last_changed(Path(app.srcdir))
        app._nea_last_changed = cached  # type: ignore[attr-defined]
    return cached


def last_updated(app: Sphinx, pagename: str) -> str:
    """The page's last-updated day, ISO 8601: its source's last commit, else the edition's."""
    root = Path(app.srcdir)
    if pagename in app.env.all_docs:
        source = Path(app.env.doc2path(pagename)).resolve()
        try:
            key = source.relative_to(root.resolve()).as_posix()
        except ValueError:
            key = ""
        day = _dates(app).get(key)
        if day is not None:
            return day.isoformat()
    return clock.today(root).isoformat()


# ----------------------------------------------------------------------------------------------
# 3. print margins


def css_string(text: str) -> str:
    """``text`` as a CSS string literal: quotes, backslashes, line breaks and ``<`` escaped
    (so that no value can close the ``<style>`` element it is written in)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ")
    return '"' + escaped.replace("<", "\\3c ") + '"'


def page_address(app: Sphinx, pagename: str) -> str:
    """The page's public URL with a base URL, else its path from the site's root."""
    path = app.builder.get_target_uri(pagename)
    base = base_url(app.config.html_baseurl)
    return base + path if base else path


def print_margin_style(app: Sphinx, pagename: str) -> str:
    """The custom properties print.css's ``@page`` margin boxes show (closing tags escaped)."""
    values = {
        "--nea-print-title": css_string(release.TITLE),
        "--nea-print-url": css_string(page_address(app, pagename)),
        "--nea-print-version": css_string(release.CURRENT.label),
    }
    declarations = ";".join(f"{name}:{value}" for name, value in values.items())
    return f"<style>:root{{{declarations}}}</style>"


# ----------------------------------------------------------------------------------------------
# 4. head and title

#: The viewport tag docutils' HTML5 writer adds to ``metatags`` (Sphinx's layout has its own).
DOCUTILS_VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1" />\n'


def page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Tables in scroll containers, last updated, print margins, one viewport, one site name."""
    if app.builder.format != "html":
        return
    if isinstance(context.get("body"), str):
        context["body"] = mark_hangul(wrap_wide_tables(context["body"]))
    context["last_updated"] = last_updated(app, pagename)
    metatags = str(context.get("metatags", "")).replace(DOCUTILS_VIEWPORT, "")
    context["metatags"] = metatags + "\n    " + print_margin_style(app, pagename)
    # layout.html's htmltitle block reads this (Sphinx sets the suffix inside its template).
    context["nea_title_alone"] = pagename == app.config.root_doc


# ----------------------------------------------------------------------------------------------
# 5. Hangul

#: A run of Hangul (syllables, jamo, compatibility jamo), words joined by single spaces.
_HANGUL = r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]+"
HANGUL_RUN = re.compile(rf"{_HANGUL}(?:[ \u00a0]{_HANGUL})*")
#: A tag (quoted attribute values may hold ">"), or the body of an element whose text is code.
_TAG = re.compile(r"""<(?:[^>"']|"[^"]*"|'[^']*')*>""")
_VERBATIM = re.compile(r"<(script|style|textarea|pre|code)\b", re.IGNORECASE)


def mark_hangul(body: str) -> str:
    """``body`` with each run of Hangul in its text (not in tags, scripts, styles or code)
    wrapped in ``<span lang="ko">``, the raw HTML of notebooks and data tables included."""
    if not HANGUL_RUN.search(body):
        return body
    out: list[str] = []
    last = 0
    skip_until: str | None = None
    for match in _TAG.finditer(body):
        text = body[last : match.start()]
        out.append(text if skip_until else HANGUL_RUN.sub(_ko, text))
        tag = match.group()
        if skip_until:
            if tag.lower().startswith(skip_until):
                skip_until = None
        else:
            verbatim = _VERBATIM.match(tag)
            if verbatim and not tag.endswith("/>"):
                skip_until = f"</{verbatim.group(1).lower()}"
        out.append(tag)
        last = match.end()
    tail = body[last:]
    out.append(tail if skip_until else HANGUL_RUN.sub(_ko, tail))
    return "".join(out)


def _ko(match: re.Match[str]) -> str:
    return f'<span lang="ko">{match.group()}</span>'


# ----------------------------------------------------------------------------------------------
# 6. the root and the 404 page

PAGE_STYLE = """
:root { color-scheme: light; --fg: #222832; --bg: #fff; --link: #1259c3; }
html[data-theme="dark"] { color-scheme: dark; --fg: #ced6dd; --bg: #14181e; --link: #86b2f1; }
@media (prefers-color-scheme: dark) {
  html:not([data-theme]) { color-scheme: dark; --fg: #ced6dd; --bg: #14181e; --link: #86b2f1; }
}
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 1.05rem/1.6 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 40rem; margin: 0 auto; padding: 2rem 1rem; overflow-wrap: anywhere; }
h1 { font-size: 1.75rem; line-height: 1.25; }
a { color: var(--link); }
a:focus-visible { outline: 3px solid var(--link); outline-offset: 2px; }
li { margin: 0.3rem 0; }
"""
#: The reader's light/dark choice, as the theme stores it (layout.html reads it the same way).
PAGE_THEME = (
    "<script>(function () { var r = document.documentElement;"
    ' var m = localStorage.getItem("mode") || "auto";'
    ' var t = m === "auto" ? (matchMedia("(prefers-color-scheme: dark)").matches'
    ' ? "dark" : "light") : (localStorage.getItem("theme") || m);'
    " r.dataset.mode = m; r.dataset.theme = t; })();</script>\n"
)


def _page(title: str, body: str, *, head: str = "") -> str:
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{release.LANGUAGE}">\n<head>\n<meta charset="utf-8" />\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1" />\n'
        f"<title>{html.escape(title)}</title>\n{PAGE_THEME}{head}"
        f"<style>{PAGE_STYLE}</style>\n</head>\n<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


def root_page(front: str) -> str:
    """The site root: a titled page that sends the reader on to the front page, with a link."""
    link = html.escape(front)
    return _page(
        release.TITLE,
        f"<h1>{html.escape(release.TITLE)}</h1>\n"
        f'<p><a href="{link}">Open the edition\u2019s front page</a>.</p>',
        # "Refresh" as Jupyter Book wrote it: devtools.localserver.site_pages knows this page
        # by it (a page a browser leaves at once, not audited by axe or Lighthouse itself).
        head=f'<meta http-equiv="Refresh" content="0; url={link}" />\n',
    )


NOT_FOUND = "404"


def not_found_body(contents: list[tuple[str, str]]) -> str:
    """The 404 page's text: what happened, the search, the index and the contents."""
    items = "\n".join(
        f'<li><a href="{html.escape(path)}">{html.escape(title)}</a></li>'
        for title, path in contents
    )
    return (
        '<section id="page-not-found">\n<h1>Page not found</h1>\n'
        "<p>There is no page of the edition at this address. It may have moved: try "
        '<a href="search.html">searching the edition</a> or its '
        '<a href="genindex.html">index</a>, or pick a page from the contents.</p>\n'
        '<section id="contents">\n<h2>Contents</h2>\n<ul>\n'
        f"{items}\n</ul>\n</section>\n</section>"
    )


def collect_not_found(app: Sphinx):
    """``404.html``, written by the theme like the search and index pages (then re-rooted)."""
    if app.builder.format != "html":
        return
    env = app.env
    contents = [
        (env.titles[doc].astext(), app.builder.get_target_uri(doc))
        for doc in toc.reading_order(Path(app.srcdir))
        if doc in env.titles
    ]
    context = {"title": "Page not found", "body": not_found_body(contents), "toc": ""}
    yield NOT_FOUND, context, "page.html"


#: A URL that is relative to the page (not a fragment, not root-relative, no scheme).
_RELATIVE_URL = re.compile(r'(\s(?:href|src|action)=")(?!#|/|[a-zA-Z][a-zA-Z0-9+.-]*:)([^"]*)"')


def reroot(page: str, prefix: str) -> str:
    """``page`` (written at the site's root) with every relative URL made to start at
    ``prefix`` (the base URL, or ``/``), so that it works served at any depth."""
    page = _RELATIVE_URL.sub(
        lambda m: f'{m.group(1)}{prefix}{m.group(2).removeprefix("./")}"', page
    )
    return page.replace('data-content_root="./"', f'data-content_root="{prefix}"')


def write_root_and_404(app: Sphinx, exception: Exception | None) -> None:
    """Replace the bare root redirect; make ``404.html`` work at any depth."""
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    front = app.builder.get_target_uri(app.config.root_doc)
    if front != "index.html":
        (outdir / "index.html").write_text(root_page(front), encoding="utf-8")
    not_found = outdir / f"{NOT_FOUND}.html"
    if not_found.is_file():
        prefix = base_url(app.config.html_baseurl) or "/"
        text = not_found.read_text(encoding="utf-8")
        not_found.write_text(reroot(text, prefix), encoding="utf-8")


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("html-page-context", page_context, priority=800)
    app.connect("html-collect-pages", collect_not_found)
    # After Jupyter Book's and every other build-finished handler (default priority 500).
    app.connect("build-finished", write_root_and_404, priority=900)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
