"""The whole edition as one PDF, printed by Debian's Chromium from the site's own HTML.

Why Chromium over the built pages rather than LaTeX: the charts are plotly figures drawn in the
browser as SVG, so a browser prints them as vector graphics exactly as the site shows them (the
LaTeX route would need static images from kaleido, which itself needs a Chromium); Hangul and
every other script come out with the fonts the site uses; and the PDF needs no second
typesetting of pages that are already built. Why assemble the pages ourselves rather than run
Sphinx's ``singlehtml`` builder: that is a second Sphinx pass over the whole book (measured:
15 s with every cache warm, against about 4 s to assemble the built pages), and its page holds
none of the charts (the glued notebook outputs are not rendered there), so the figures would
need a way of their own into it. Here every page of ``_toc.yml`` is read from the built site as
readers see it, its ids are prefixed with its own name (every chapter has an
``the-edition-s-analysis``), and every link between pages becomes a link inside the document.

The print document is never written to the site: it is served to Chromium from memory (a
Playwright route) beside the site's own ``_static`` files and printed with tags.

Where each page and heading lands is read from the PDF's link destinations, never from text
that Chromium lays out: the document carries a visually hidden list of links to every heading,
so Chromium writes a named destination (``/Dests``) for each, and pypdf gives the page of each
destination. The contents' page numbers come from the first print's destinations; the
document is printed again with them filled in, and the second print's destinations must agree.
The outline (bookmarks) is written by pypdf from the headings' own text and those pages, so no
browser's way of titling bookmarks (Chromium 156 runs wrapped lines together) can reach it.
pypdf then adds document metadata (title, authors, subject, keywords, language) and, for
reproducible builds, dates from ``SOURCE_DATE_EPOCH`` (see :mod:`nea_edition.clock`) and a file
identifier derived from the printed content.

Whether to print is :func:`pdf_mode`: ``NEA_EDITION_PDF=off`` never, ``on`` always (the build
fails without Chromium), unset when Chromium is present. ``nea_edition.build`` decides it before
Sphinx runs, so that pages link the PDF exactly when it is printed, and calls
:func:`build_step` after a successful Sphinx run. A PDF that fails to print fails the build:
the last good site stays, and the message names the cause. ``python -m nea_edition.pdf
SITE`` prints the PDF of an already built site (for debugging a print).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import html
import importlib.metadata
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

from nea_edition import clock
from nea_edition.paths import repo_root
from nea_edition.toc import TocPage, toc_pages

#: The PDF's file name in the site (linked from the front page).
PDF_NAME = "edition.pdf"
#: ``NEA_EDITION_PDF=off`` makes the build skip the PDF (see :func:`build_step`).
SWITCH = "NEA_EDITION_PDF"
#: Where Chromium fetches the assembled document from (answered from memory, never on disk).
PRINT_PATH = "__edition-print__.html"
#: The print document's own stylesheet (title page, contents, page boxes).
PDF_CSS = Path(__file__).with_name("pdf.css")
#: A4 with the margins of pdf.css: Chromium lays charts out at the window's width, so the
#: window is exactly as wide as the printed column and every chart is drawn at its final size.
COLUMN_MM = 210 - 2 * 20
COLUMN_PX = round(COLUMN_MM / 25.4 * 96)
#: Longest wait for plotly to draw every chart of the document (milliseconds).
DRAW_TIMEOUT_MS = 120_000
#: The width the contents reserve for a page number (pdf.css), so filling them in cannot reflow.
PAGE_PLACEHOLDER = "000"


#: Debian's Chromium (``apt-get install chromium``); ``NEA_CHROMIUM`` names another.
CHROMIUM = Path(os.environ.get("NEA_CHROMIUM", "/usr/bin/chromium"))
#: Headless and offline: without the background-networking flags Chromium keeps trying to reach
#: Google's services, which a machine without general internet access refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
#: The origin the print document is loaded from: every request to it is answered from the
#: built site on disk (a Playwright route), so printing needs no server and reaches nothing.
PRINT_ORIGIN = "https://edition.print.invalid"


class PdfError(RuntimeError):
    """The PDF could not be made; the message says which page or step, and why."""


# ----------------------------------------------------------------------------------------------
# What goes in: the table of contents and the edition's metadata


@dataclass(frozen=True)
class EditionMeta:
    """What the title page and the PDF's document information say."""

    title: str
    subtitle: str
    authors: list[str]
    abstract: str
    keywords: list[str]
    version: str | None
    date: dt.date
    language: str = "en"
    licence: list[str] = field(default_factory=list)

    @property
    def full_title(self) -> str:
        return f"{self.title}: {self.subtitle}" if self.subtitle else self.title


def edition_meta(root: Path) -> EditionMeta:
    """Title, authors, version, date, abstract and keywords of the edition.

    From ``nea_edition.citation.release``, which reads them from ``CITATION.cff``, the one place
    they are set: the same values the pages' citation metadata show.
    """
    from nea_edition.citation import release

    title, _, subtitle = release.TITLE.partition(": ")
    return EditionMeta(
        title=title.strip(),
        subtitle=subtitle.strip(),
        authors=list(release.AUTHORS),
        abstract=release.ABSTRACT,
        keywords=list(release.KEYWORDS),
        version=release.VERSION,
        date=release.RELEASE_DATE,
        language=release.LANGUAGE,
        licence=list(release.LICENSES),
    )


# ----------------------------------------------------------------------------------------------
# Assembling one print document from the built pages


def anchor(docname: str, fragment: str = "") -> str:
    """The id of a page (or of an id on it) in the print document: unique across pages."""
    base = "p-" + re.sub(r"[^A-Za-z0-9]+", "-", docname).strip("-")
    return f"{base}--{fragment}" if fragment else base


def _mark_page_start(section: Tag, page_id: str) -> None:
    """Give a page's id to the start of its first heading, where a reader sees the page begin.

    A page that runs on after another starts with a top margin; when its heading is pushed to
    the next sheet (headings avoid a break after them), the section's own box still begins at
    the foot of the sheet before. The contents, the page's links and its page number follow
    this id, so it sits inside the heading, on the heading's sheet. A page without a heading
    keeps the id on its section.
    """
    heading = section.find(re.compile(r"^h[1-6]$"))
    if heading is None:
        section["id"] = page_id
        return
    marker = BeautifulSoup("", "html.parser").new_tag("span", attrs={"id": page_id})
    heading.insert(0, marker)


#: Attributes that hold id references, rewritten with the ids themselves.
ID_REF_ATTRS = ("aria-describedby", "aria-labelledby", "aria-controls", "for", "headers")
#: What a printed page never shows: code cells' sources and their toggles, the data tables
#: behind each figure (the Data page documents every table), permalinks, scripts' fallbacks,
#: the "Cite this page" boxes (BibTeX and RIS to copy or download; the front page and the
#: Bibliography say how to cite the edition), and anything the pages mark as screen-only.
DROP_SELECTORS = (
    "a.headerlink",
    "section.nea-cite",
    "details.above-input",
    "div.cell_input",
    "details.nea-data",
    "noscript",
    ".nea-screen-only",
    "button",
)


@dataclass
class PrintPage:
    """One page of the site, ready to be placed in the print document."""

    docname: str
    depth: int
    part: str | None
    title: str
    body: Tag
    stylesheets: list[str]
    #: The chart scripts (plotly.js, nea-charts.js): root-relative src and their attributes.
    scripts: list[tuple[str, dict[str, str]]]
    #: The page's absolute address (its ``<link rel="canonical">``), when the site has a base URL.
    canonical: str | None = None


def page_url(docname: str) -> str:
    return f"/{docname}.html"


def _resolve(base: str, url: str) -> str:
    """A URL of a page made relative to the site root (``/_static/...``), or left absolute."""
    if urlsplit(url).scheme or url.startswith(("//", "#")):
        return url
    return urljoin(base, url)


def load_page(site_dir: Path, page: TocPage) -> PrintPage:
    """Read one built page: its article, title, stylesheets and chart scripts."""
    path = site_dir / f"{page.docname}.html"
    if not path.is_file():
        raise PdfError(f"{path}: page of _toc.yml missing from the built site")
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    article = soup.select_one("article.bd-article")
    h1 = article.find("h1") if article else None
    if article is None or h1 is None:
        raise PdfError(f"{path}: no <article class='bd-article'> with an <h1> (theme changed?)")
    base = page_url(page.docname)
    sheets = [
        _resolve(base, link["href"])
        for link in soup.select("head link[rel~=stylesheet][href]")
        if not urlsplit(link["href"]).scheme
    ]
    scripts = [
        (_resolve(base, tag["src"]), {k: v for k, v in tag.attrs.items() if k != "src"})
        for tag in soup.select("script[src]")
        if re.search(r"(plotly[^/]*|nea-charts)\.js$", urlsplit(tag["src"]).path)
    ]
    for link in h1.select("a.headerlink"):
        link.decompose()
    title = " ".join(h1.get_text(" ").split())
    canonical = soup.select_one("head link[rel~=canonical][href]")
    return PrintPage(
        page.docname,
        page.depth,
        page.part,
        title,
        article,
        sheets,
        scripts,
        canonical["href"] if canonical and urlsplit(canonical["href"]).scheme else None,
    )


def _clean(body: Tag) -> None:
    """Drop what a reader of paper cannot use (see ``DROP_SELECTORS``); open what is folded."""
    for selector in DROP_SELECTORS:
        for tag in body.select(selector):
            tag.decompose()
    for cell in body.select("div.cell"):
        if not cell.get_text(strip=True) and not cell.find(["img", "svg", "script", "table"]):
            cell.decompose()
    for details in body.find_all("details"):
        details["open"] = ""


def _rewrite_ids_and_links(body: Tag, page: PrintPage, docnames: set[str]) -> None:
    """Prefix every id with the page's name and turn links between pages into ``#`` links.

    Links to files outside the PDF (the data downloads, references.bib) point to the website
    when it has a base URL (the pages' canonical links say so); otherwise they cannot be
    followed from the PDF, and the link goes while its text stays.
    """
    base = page_url(page.docname)
    for tag in body.find_all(id=True):
        tag["id"] = anchor(page.docname, tag["id"])
    for attr in ID_REF_ATTRS:
        for tag in body.find_all(attrs={attr: True}):
            tag[attr] = " ".join(anchor(page.docname, ref) for ref in tag[attr].split())
    for link in body.find_all("a", href=True):
        href = link["href"]
        if href.startswith("#"):
            link["href"] = "#" + anchor(page.docname, href[1:]) if len(href) > 1 else "#"
            continue
        parts = urlsplit(href)
        if parts.scheme or href.startswith("//"):
            continue
        target = urlsplit(urljoin(base, href))
        docname = re.sub(r"\.html$", "", target.path.lstrip("/"))
        if docname in docnames:
            link["href"] = "#" + anchor(docname, target.fragment)
        elif page.canonical:
            link["href"] = urljoin(page.canonical, href)
        else:
            link.unwrap()
    for tag in body.find_all(src=True):
        tag["src"] = _resolve(base, tag["src"])


def _shift_headings(body: Tag, shift: int) -> None:
    """Nest a page's headings under its place in the book (chapter h2, section h3, ...).

    Line breaks inside a heading's source become spaces: Chromium's outline drops them, which
    would run two words of a bookmark together.
    """
    for heading in body.find_all(re.compile(r"^h[1-6]$")):
        heading.name = f"h{min(6, int(heading.name[1]) + shift)}"
        for text in heading.find_all(string=True):
            text.replace_with(re.sub(r"\s+", " ", str(text)))


def _drop_dangling_links(bodies: list[Tag]) -> None:
    """Unwrap ``#`` links whose target was left out of the print (e.g. a screen-only block)."""
    ids = {tag["id"] for body in bodies for tag in body.find_all(id=True)}
    ids |= {body["id"] for body in bodies if body.get("id")}
    for body in bodies:
        for link in body.find_all("a", href=True):
            if link["href"].startswith("#") and link["href"][1:] not in ids:
                link.unwrap()


def title_page(meta: EditionMeta) -> str:
    """The first page: title, subtitle, authors, version and date, and the licences."""
    esc = html.escape
    if meta.version:
        version = f"Version {esc(meta.version)}, released {meta.date.isoformat()}"
    else:
        version = f"Printed from the sources of {meta.date.isoformat()}"
    return f"""
<section class="nea-print-title-page" aria-label="Title page">
  <p class="nea-print-title">{esc(meta.title)}</p>
  <p class="nea-print-subtitle">{esc(meta.subtitle)}</p>
  <p class="nea-print-based-on">A reader's companion to Kim Sung-han,
    <em>Northeast Asian Regionalism in Korea</em> (Council on Foreign Relations, December 2009)</p>
  <p class="nea-print-authors">{esc(", ".join(meta.authors))}</p>
  <p class="nea-print-version">{version}</p>
  <div class="nea-print-colophon">
    <p>Text and data: Creative Commons Attribution 4.0 (CC BY 4.0). Code: MIT.
      The 2009 paper is © Council on Foreign Relations and is not reproduced in this edition.</p>
    <p>This PDF is printed from the edition's website, built from the same sources; the figures
      are the site's charts, the membership matrix shown at 2009. The website's interactive
      figures and the data tables behind every figure are in the edition's repository.</p>
  </div>
</section>"""


def contents(pages: list[PrintPage], front: PrintPage) -> str:
    """The table of contents: parts, chapters and their sections, each linked, with pages."""
    items: list[str] = []
    part: str | None = None
    entries = [front, *pages]
    for page in entries:
        if page.part and page.part != part:
            part = page.part
            items.append(f'<li class="nea-toc-part">{html.escape(part)}</li>')
        items.append(
            f'<li class="nea-toc-depth-{page.depth}"><a href="#{anchor(page.docname)}">'
            f'<span class="nea-toc-title">{html.escape(page.title)}</span>'
            f'<span class="nea-toc-page" data-docname="{html.escape(page.docname)}">'
            f"{PAGE_PLACEHOLDER}</span></a></li>"
        )
    return (
        f'<section class="nea-print-contents"><h1 id="{CONTENTS_ID}">Contents</h1>'
        f'<ol class="nea-toc">{"".join(items)}</ol></section>'
    )


FRONT_TITLE = "About this edition"
CONTENTS_ID = "nea-print-contents"


@dataclass(frozen=True)
class Heading:
    """A heading of the print document: the bookmark it becomes."""

    id: str
    level: int
    text: str


def destinations(headings: list[Heading]) -> str:
    """A visually hidden list of links to every heading.

    Chromium writes a named destination for every target of an internal link, and pypdf reads
    the page of each: this is how the print learns where each heading landed. Clipped to one
    pixel, the links take no room and draw nothing, and assistive technology skips them.
    """
    links = "".join(f'<a href="#{html.escape(h.id)}" tabindex="-1">.</a>' for h in headings)
    return f'<div class="nea-print-destinations" aria-hidden="true">{links}</div>'


def _chart_scripts(
    scripts: list[tuple[str, dict[str, str]]],
) -> list[tuple[str, dict[str, str]]]:
    """One plotly.js (if pages load it directly) and one nea-charts.js for the whole document.

    Pages use the edition's partial plotly bundle unless a chart needs a trace type it lacks;
    the full plotly.js draws everything the partial one does, so it wins when any page needs
    it, whether a page names it in a <script> of its own or in nea-charts.js's
    ``data-plotly`` attribute (when plotly.js is fetched on demand).
    """

    def is_full(name: str) -> bool:
        return "plotly" in name and "plotly-edition" not in name

    plotly = [s for s in scripts if "plotly" in urlsplit(s[0]).path]
    drawer = [s for s in scripts if "nea-charts" in urlsplit(s[0]).path]
    chosen = [*(p for p in plotly if is_full(urlsplit(p[0]).path)), *plotly][:1]
    chosen += [*(d for d in drawer if is_full(str(d[1].get("data-plotly", "")))), *drawer][:1]
    return chosen


@dataclass(frozen=True)
class PrintDocument:
    """The assembled print document and what printing it must check."""

    html: str
    #: How many charts it holds: every one must be drawn before printing.
    charts: int
    #: (docname, first heading) of every page, in order: the contents' entries.
    titles: list[tuple[str, str]]
    #: Every heading, in order: the PDF's bookmarks.
    headings: list[Heading]


def assemble(site_dir: Path, root: Path, meta: EditionMeta) -> PrintDocument:
    """The print document: title page, contents, the front page, then every page in order."""
    root_doc, toc = toc_pages(root)
    front = load_page(site_dir, TocPage(root_doc, 0, None))
    pages = [load_page(site_dir, page) for page in toc]
    everything = [front, *pages]
    docnames = {p.docname for p in everything}

    sheets: list[str] = []
    for page in everything:
        sheets += [s for s in page.stylesheets if s not in sheets]
    chart_scripts = _chart_scripts([s for page in everything for s in page.scripts])

    front_h1 = front.body.find("h1")
    front_h1.clear()
    front_h1.append(FRONT_TITLE)
    front.title = FRONT_TITLE
    for page in everything:
        _clean(page.body)
        _rewrite_ids_and_links(page.body, page, docnames)
        _shift_headings(page.body, 0 if page is front else page.depth + 1)
        page.body.name = "section"
        page.body.attrs = {
            "class": ["nea-print-page", f"nea-print-depth-{page.depth}"],
            "data-docname": page.docname,
        }
        _mark_page_start(page.body, anchor(page.docname))
    _drop_dangling_links([p.body for p in everything])

    body: list[str] = [title_page(meta), contents(pages, front)]
    headings = [Heading(CONTENTS_ID, 1, "Contents")]
    part: str | None = None
    for page in everything:
        if page.part and page.part != part:
            part = page.part
            slug = anchor("part-" + part)
            body.append(f'<h1 class="nea-print-part" id="{slug}">{html.escape(part)}</h1>')
            headings.append(Heading(slug, 1, part))
        for number, tag in enumerate(page.body.find_all(re.compile(r"^h[1-6]$"))):
            if not tag.get("id"):
                tag["id"] = f"{anchor(page.docname)}--heading-{number}"
            headings.append(Heading(tag["id"], int(tag.name[1]), " ".join(tag.get_text().split())))
        body.append(str(page.body))
    body.insert(0, destinations(headings))
    titles = [(p.docname, p.title) for p in everything]
    charts = sum(len(p.body.select("div.nea-chart")) for p in everything)
    links = "\n".join(f'<link rel="stylesheet" href="{html.escape(s)}">' for s in sheets)
    js = "\n".join(
        f'<script src="{html.escape(src)}"'
        + "".join(
            f' {k}="{html.escape(v if isinstance(v, str) else " ".join(v))}"'
            for k, v in attrs.items()
        )
        + "></script>"
        for src, attrs in chart_scripts
    )
    doc = f"""<!DOCTYPE html>
<html lang="{meta.language}" data-theme="light" data-mode="light">
<head>
<meta charset="utf-8">
<title>{html.escape(meta.full_title)}</title>
<meta name="author" content="{html.escape(", ".join(meta.authors))}">
<meta name="description" content="{html.escape(meta.abstract)}">
{links}
<style>{PDF_CSS.read_text(encoding="utf-8")}</style>
{js}
</head>
<body class="nea-print-edition">
{"".join(body)}
</body>
</html>
"""
    return PrintDocument(doc, charts, titles, headings)


# ----------------------------------------------------------------------------------------------
# Printing


def chromium_missing_reason() -> str | None:
    """Why the PDF cannot be printed here (no Chromium, or no Playwright), or None."""
    if not CHROMIUM.is_file():
        return f"{CHROMIUM} not found (install Debian's chromium: apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed"
    return None


#: The tallest a chart may be on paper (CSS px), so that it fits on one page with its summary
#: and caption (the column is about 960 px high; the membership matrix is 964 px on screen).
MAX_CHART_PX = 700

#: Run in the print document once every chart is drawn: the figures become still pictures of
#: the state they open in (the matrix opens on 2009, and its slider says so). Play and pause
#: buttons go, since nothing moves on paper; other button menus stay, because the pressed
#: button names the view shown (the overlap chart's "2009 (the paper)"). A chart taller than
#: ``MAX_CHART_PX`` keeps its on-screen design
#: (every row label, the same proportions): it is drawn wider by the factor it is too tall,
#: then scaled down to the column with CSS zoom, which stays vector graphics in the PDF.
FREEZE_CHARTS_JS = """
([maxHeight, column]) => Promise.all(
  Array.from(document.querySelectorAll('.nea-chart-plot')).map((plot) => {
    const update = {};
    const menus = plot.layout.updatemenus || [];
    const playing = (menu) => (menu.buttons || []).every((b) => b.method === 'animate');
    const still = menus.filter((menu) => !playing(menu));
    if (still.length !== menus.length) update.updatemenus = still;
    plot.style.minHeight = '0';
    const height = plot._fullLayout.height;
    if (height > maxHeight) {
      const zoom = maxHeight / height;
      plot.style.width = (column / zoom) + 'px';
      plot.style.zoom = String(zoom);
      update.width = column / zoom;
    }
    return Object.keys(update).length ? window.Plotly.relayout(plot, update) : null;
  })
)
"""


def destination_pages(pdf_path: Path) -> dict[str, int]:
    """Every named destination of a PDF and its 0-based page."""
    from pypdf import PdfReader

    reader = PdfReader(pdf_path)
    return {
        str(name).lstrip("/"): reader.get_destination_page_number(dest)
        for name, dest in reader.named_destinations.items()
    }


def pages_of(pdf_path: Path, ids: list[str]) -> dict[str, int]:
    """The 0-based page of each id, from the PDF's named destinations; all must be there."""
    found = destination_pages(pdf_path)
    missing = [i for i in ids if i not in found]
    if missing:
        raise PdfError(
            f"{pdf_path}: Chromium wrote no link destination for {len(missing)} of {len(ids)}"
            f" headings (the first: {missing[:3]}); the print document links every heading"
            " (pdf.destinations), so this Chromium does not keep internal links in PDFs"
        )
    return {i: found[i] for i in ids}


def toc_page_numbers(pdf_path: Path, docnames: list[str]) -> dict[str, int]:
    """The 1-based page each entry of the contents starts on (its section's destination)."""
    pages = pages_of(pdf_path, [anchor(d) for d in docnames])
    return {d: pages[anchor(d)] + 1 for d in docnames}


def print_pdf(site_dir: Path, document: PrintDocument, pdf_path: Path) -> None:
    """Print the assembled document with Chromium; the contents get their page numbers.

    The first print is only measured: its outline says where each page begins. Those numbers
    go into the contents (whose number boxes have a fixed width, so nothing reflows) and the
    document is printed again; a second reading checks that the numbers still hold.
    """
    from playwright.sync_api import Error as PlaywrightError

    problems: list[str] = []
    try:
        _print_twice(site_dir, document, pdf_path, problems)
    except PlaywrightError as exc:
        raise PdfError(f"Chromium failed to print the edition: {exc}") from exc


def _print_twice(
    site_dir: Path, document: PrintDocument, pdf_path: Path, problems: list[str]
) -> None:
    """:func:`print_pdf`'s work, in one headless Chromium."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    url = PRINT_ORIGIN
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page(viewport={"width": COLUMN_PX, "height": 1000})
            page.on("pageerror", lambda exc: problems.append(f"uncaught: {exc}"))
            page.on(
                "console",
                lambda msg: (
                    problems.append(f"console: {msg.text}") if msg.type == "error" else None
                ),
            )
            page.emulate_media(media="print")
            target = f"{url}/{PRINT_PATH}"
            page.route(f"{url}/**", lambda route: _answer(route, site_dir, document.html))
            page.goto(target, wait_until="load")
            if document.charts:
                # nea-charts.js may draw a chart only once it is scrolled into view: draw all.
                page.evaluate(
                    "() => window.neaCharts && window.neaCharts.drawAll"
                    " ? window.neaCharts.drawAll().then(() => true) : true"
                )
                try:
                    page.wait_for_function(
                        "n => document.documentElement.getAttribute('data-nea-charts-drawn') == n"
                        " || document.querySelector('.nea-chart[data-drawn=error]')",
                        arg=str(document.charts),
                        timeout=DRAW_TIMEOUT_MS,
                    )
                except PlaywrightError as exc:
                    raise PdfError(
                        f"the {document.charts} charts were not all drawn: {exc}"
                    ) from exc
                failed = page.locator(".nea-chart[data-drawn=error]").count()
                if failed:
                    raise PdfError(f"{failed} chart(s) failed to draw: {problems}")
                page.evaluate(FREEZE_CHARTS_JS, [MAX_CHART_PX, COLUMN_PX])
            page.evaluate("() => document.fonts.ready.then(() => true)")
            if problems:
                raise PdfError("the print document reported errors:\n" + "\n".join(problems))
            measured = pdf_path.with_suffix(".measure.pdf")
            _print(page, measured)
            numbers = toc_page_numbers(measured, [d for d, _ in document.titles])
            page.evaluate(
                """numbers => document.querySelectorAll('.nea-toc-page').forEach(
                    (box) => { box.textContent = String(numbers[box.dataset.docname]); })""",
                numbers,
            )
            _print(page, pdf_path)
        finally:
            browser.close()
    again = toc_page_numbers(pdf_path, [d for d, _ in document.titles])
    if again != numbers:
        moved = {d: (numbers[d], again[d]) for d in numbers if numbers[d] != again[d]}
        raise PdfError(f"filling in the contents moved pages (docname: before, after): {moved}")


def _answer(route, site_dir: Path, document: str) -> None:
    """Answer a request of the print document: the document itself, or a file of the site."""
    path = urlsplit(route.request.url).path.lstrip("/")
    if path == PRINT_PATH:
        route.fulfill(status=200, body=document, content_type="text/html; charset=utf-8")
        return
    file = (site_dir / path).resolve()
    if file.is_file() and file.is_relative_to(site_dir.resolve()):
        route.fulfill(status=200, path=file)
    else:
        route.fulfill(status=404, body="not in the site")


def _print(page, pdf_path: Path) -> None:
    """One print: page size and margins from pdf.css, with a tagged structure (no outline)."""
    page.pdf(
        path=str(pdf_path),
        prefer_css_page_size=True,
        print_background=True,
        outline=False,
        tagged=True,
        display_header_footer=False,
    )


# ----------------------------------------------------------------------------------------------
# Finishing: metadata and reproducibility


def pdf_date(epoch: int) -> str:
    """A PDF date string (``D:YYYYMMDDHHmmSS+HH'mm'``) in Korea Standard Time."""
    moment = dt.datetime.fromtimestamp(epoch, clock.KST)
    return moment.strftime("D:%Y%m%d%H%M%S+09'00'")


def write_outline(writer, headings: list[Heading], pages: dict[str, int]) -> None:
    """The bookmarks: one per heading, nested by level, titled with the heading's own text."""
    parents: list[tuple[int, object]] = []
    for heading in headings:
        while parents and parents[-1][0] >= heading.level:
            parents.pop()
        parent = parents[-1][1] if parents else None
        item = writer.add_outline_item(
            title=heading.text, page_number=pages[heading.id], parent=parent
        )
        parents.append((heading.level, item))


#: Where Chromium sets a run of upright text: ``1 0 0 -1 x y Tm`` on a line of its own.
_TEXT_RUN_AT = re.compile(rb"(?m)^(1 0 0 -1 -?[\d.]+ )(-?\d+(?:\.\d+)?)( Tm)$")


def round_text_baselines(writer) -> None:
    """Put every upright run of text on a whole unit (a CSS pixel) of height.

    Chromium does not always set a run in the same place. Inline code (DejaVu Sans Mono at
    12.25 px) sits 0.390625 px below a whole pixel, but now and then one such run in a table is
    set on the whole pixel instead, in one print of the same pages and not in the next (the
    cause is inside Chromium). Rounding the vertical position of every run moves text by at
    most half a CSS pixel (0.13 mm) and makes the two placements one, so two prints of the
    same pages give the same bytes.
    """
    for page in writer.pages:
        contents = page.get_contents()
        if contents is None:
            continue
        data = contents.get_data()
        rounded = _TEXT_RUN_AT.sub(lambda m: m[1] + b"%d" % round(float(m[2])) + m[3], data)
        if rounded != data:
            contents.set_data(rounded)
            page.replace_contents(contents)
            page.compress_content_streams()  # (set_data leaves the stream uncompressed)


def _renumber_structure_ids(writer) -> None:
    """Replace Chromium's structure element ids (``node00000484``) with ids in reading order.

    Chromium names each tagged table header after its DOM node, and the DOM's node count
    depends on how plotly happened to build the charts, so the ids differ from one print to
    the next. The new ids follow the structure tree; table cells' ``/Headers`` references and
    the ``/IDTree`` that indexes them are rewritten to match.
    """
    from pypdf.generic import (
        ArrayObject,
        DictionaryObject,
        IndirectObject,
        NameObject,
        TextStringObject,
    )

    tree = writer.root_object.get("/StructTreeRoot")
    if tree is None:
        return
    tree = tree.get_object()
    mapping: dict[str, str] = {}
    owners: list[tuple[str, IndirectObject]] = []
    elements: list[DictionaryObject] = []

    def visit(node, ref: IndirectObject | None = None) -> None:
        if isinstance(node, IndirectObject):
            ref, node = node, node.get_object()
        if isinstance(node, ArrayObject):
            for kid in node:
                visit(kid)
        elif isinstance(node, DictionaryObject) and node.get("/Type") not in ("/MCR", "/OBJR"):
            elements.append(node)
            if "/ID" in node:
                new = f"nea{len(mapping):06d}"
                mapping[str(node["/ID"])] = new
                node[NameObject("/ID")] = TextStringObject(new)
                if ref is not None:
                    owners.append((new, ref))
            if "/K" in node:
                visit(node["/K"])

    visit(tree.get("/K"))
    for element in elements:
        attrs = element.get("/A")
        attrs = attrs.get_object() if attrs is not None else None
        for attr in attrs if isinstance(attrs, ArrayObject) else [attrs]:
            attr = attr.get_object() if attr is not None else None
            if isinstance(attr, DictionaryObject) and "/Headers" in attr:
                attr[NameObject("/Headers")] = ArrayObject(
                    TextStringObject(mapping.get(str(h), str(h))) for h in attr["/Headers"]
                )
    if "/IDTree" in tree:
        # Empty the old tree's nodes (they name the old ids), then drop them, unreferenced.
        stack = [tree["/IDTree"].get_object()]
        while stack:
            node = stack.pop()
            stack += [kid.get_object() for kid in node.get("/Kids", [])]
            node.clear()
        names = ArrayObject()
        for new, ref in sorted(owners):
            names += [TextStringObject(new), ref]
        tree[NameObject("/IDTree")] = DictionaryObject({NameObject("/Names"): names})
        writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)


def finish_pdf(
    raw: Path, out: Path, meta: EditionMeta, epoch: int, fingerprint: bytes, headings: list[Heading]
) -> None:
    """Document information, language, bookmarks and a reproducible identity, with pypdf.

    Chromium stamps the print time as the creation date and a random file identifier, so two
    builds of the same sources would differ. Both dates become ``SOURCE_DATE_EPOCH`` (the last
    commit's time) and the identifier a digest of what was printed (``fingerprint``).
    """
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import (
        BooleanObject,
        ByteStringObject,
        DictionaryObject,
        NameObject,
        TextStringObject,
    )

    pages = pages_of(raw, [h.id for h in headings])
    writer = PdfWriter(clone_from=PdfReader(raw))
    write_outline(writer, headings, pages)
    _renumber_structure_ids(writer)
    round_text_baselines(writer)
    date = pdf_date(epoch)
    version = f", version {meta.version}" if meta.version else ""
    writer.metadata = None
    writer.add_metadata(
        {
            "/Title": meta.full_title,
            "/Author": "; ".join(meta.authors),
            "/Subject": f"{meta.abstract} ({meta.date.isoformat()}{version})",
            "/Keywords": ", ".join(meta.keywords),
            "/Creator": "nea_edition.pdf (the edition's website, printed by Chromium)",
            "/Producer": "Chromium (Skia/PDF); metadata by pypdf",
            "/CreationDate": date,
            "/ModDate": date,
        }
    )
    catalog = writer.root_object
    catalog[NameObject("/Lang")] = TextStringObject(meta.language)
    catalog[NameObject("/PageMode")] = NameObject("/UseOutlines")
    catalog[NameObject("/ViewerPreferences")] = DictionaryObject(
        {NameObject("/DisplayDocTitle"): BooleanObject(True)}
    )
    set_file_identifier(writer, ByteStringObject(hashlib.sha256(fingerprint).digest()[:16]))
    with out.open("wb") as handle:
        writer.write(handle)


def set_file_identifier(writer, ident) -> bool:
    """Give the PDF a file identifier derived from its content, for byte-identical builds.

    pypdf has no public way to set the trailer's ``/ID``: this sets the private ``_ID`` that
    pypdf writes there (it copies Chromium's random one from the print otherwise). Guarded:
    if a pypdf release drops the attribute, the PDF keeps Chromium's identifier (valid, only
    not reproducible) and ``tests/test_pdf.py::test_pypdf_still_has_the_file_identifier``
    fails, naming this function. README, "Private interfaces", lists it.
    """
    from pypdf.generic import ArrayObject

    if not hasattr(writer, "_ID"):
        return False
    writer._ID = ArrayObject([ident, ident])
    return True


# ----------------------------------------------------------------------------------------------
# Entry points


def _chromium_version() -> str:
    try:
        return subprocess.run(
            [str(CHROMIUM), "--version"], capture_output=True, text=True, timeout=60
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def print_fingerprint(document: str, meta: EditionMeta, epoch: int) -> str:
    """SHA-256 of everything the printed PDF depends on.

    The print document (whose stylesheet and script links carry Sphinx's content hashes), the
    metadata and date, this module and its stylesheet, and the versions of Chromium, Playwright
    and pypdf. When it matches the last print's, the PDF on disk is what printing would produce.
    """
    digest = hashlib.sha256()
    for part in (
        document,
        repr(meta),
        str(epoch),
        Path(__file__).read_text(encoding="utf-8"),
        PDF_CSS.read_text(encoding="utf-8"),
        _chromium_version(),
        *(f"{d}=={importlib.metadata.version(d)}" for d in ("playwright", "pypdf")),
    ):
        digest.update(part.encode() + b"\0")
    return digest.hexdigest()


@dataclass(frozen=True)
class Printed:
    """What :func:`write_pdf` did: the PDF's path, whether it printed, and how long it took."""

    path: Path
    printed: bool
    seconds: float


def write_pdf(site_dir: Path, root: Path | None = None, *, reuse: bool = False) -> Printed:
    """Print the built site in ``site_dir`` to ``site_dir/edition.pdf``.

    With ``reuse``, a PDF printed from exactly the same inputs (``print_fingerprint``, kept
    beside ``site_dir``, outside the site) is kept as it is: a Sphinx pass that changed no
    page then costs no printing.
    """
    started = time.perf_counter()
    root = root or repo_root()
    reason = chromium_missing_reason()
    if reason:
        raise PdfError(f"cannot print the PDF: {reason}")
    meta = edition_meta(root)
    epoch = clock.source_date_epoch(root)
    document = assemble(site_dir, root, meta)
    out = site_dir / PDF_NAME
    stamp = site_dir.parent / f"{PDF_NAME}.sha256"
    fingerprint = print_fingerprint(document.html, meta, epoch)
    if reuse and out.is_file() and stamp.is_file() and stamp.read_text() == fingerprint:
        return Printed(out, False, time.perf_counter() - started)
    stamp.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="nea-pdf-") as tmp:
        raw = Path(tmp) / "chromium.pdf"
        print_pdf(site_dir, document, raw)
        finish_pdf(raw, out, meta, epoch, fingerprint.encode(), document.headings)
    stamp.write_text(fingerprint)
    return Printed(out, True, time.perf_counter() - started)


@dataclass(frozen=True)
class PdfMode:
    """Whether this build prints the PDF, and if not, why not."""

    enabled: bool
    #: ``NEA_EDITION_PDF=on``: a build that cannot print fails rather than skip the PDF.
    required: bool
    reason: str | None


def pdf_mode() -> PdfMode:
    """``NEA_EDITION_PDF``: ``off`` never prints, ``on`` must print, unset prints if it can."""
    switch = os.environ.get(SWITCH, "").strip().lower()
    if switch in ("0", "off", "no", "false"):
        return PdfMode(False, False, f"{SWITCH}={os.environ[SWITCH]}")
    required = switch in ("1", "on", "yes", "true")
    reason = chromium_missing_reason()
    return PdfMode(reason is None, required, reason)


def printer_version() -> str:
    """What prints the PDF: Chromium's version and Playwright's and pypdf's (for fingerprints)."""
    tools = [f"{d}=={importlib.metadata.version(d)}" for d in ("playwright", "pypdf")]
    return " ".join([_chromium_version(), *tools])


def build_step(staged_site: Path, root: Path) -> int:
    """After a successful Sphinx run with the PDF on: print it into the staged site.

    A failure names its cause and fails the build (the pages already link the PDF, so a site
    without it must not be published); ``NEA_EDITION_PDF=off`` builds the site without the
    PDF and without any link to it.
    """
    try:
        done = write_pdf(staged_site, root, reuse=True)
    except PdfError as exc:
        print(
            f"PDF FAILED: {exc}\n(the site links the PDF, so the build stops here; build the"
            f" site without the PDF and without links to it with {SWITCH}=off)",
            file=sys.stderr,
        )
        return 1
    what = "printed" if done.printed else "unchanged (same pages and settings), kept"
    print(f"PDF {what}: {done.path} ({done.seconds:.1f} s)")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Print the PDF of an already built site directory (the build itself calls build_step)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="a built site, e.g. _build/html")
    parser.add_argument("--root", type=Path, default=None, help="book root (default: this repo)")
    args = parser.parse_args(argv)
    try:
        done = write_pdf(args.site, args.root or repo_root())
    except PdfError as exc:
        print(f"PDF FAILED: {exc}", file=sys.stderr)
        return 1
    print(f"PDF: {done.path} ({done.path.stat().st_size / 1e6:.1f} MB, {done.seconds:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
