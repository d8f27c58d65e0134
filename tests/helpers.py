"""Helpers shared by several test modules (importable as ``helpers``: pytest's pythonpath).

No test module imports another: what two modules need lives here, or in conftest's fixtures.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import bibtexparser
import yaml
from bibtexparser import middlewares
from bs4 import BeautifulSoup
from devtools.localserver import CHROMIUM

from nea_edition import clock

ROOT = Path(__file__).resolve().parents[1]

# The paper's sections, in its order, and the page that mirrors each.
PAPER_HEADINGS: dict[str, str] = {
    "book/01-introduction": "Introduction",
    "book/02-strategic-thought/index": (
        "Northeast Asian Regionalism and Korea's Evolving Strategic Thought"
    ),
    "book/02-strategic-thought/change-in-strategic-picture": (
        "Change in Strategic Picture since the End of the Cold War"
    ),
    # Section 2.2: the paper's own heading is exactly twelve words, which the overlap rule
    # (no run of 12+ words shared with the paper) forbids; the edition reorders its words.
    "book/02-strategic-thought/regional-cooperation": (
        "Regional Cooperation and Korea's Post-Cold War Strategic Thought"
    ),
    "book/03-lee-government/index": (
        "Alliance and Northeast Asian Regionalism of the Lee Myung-bak Government"
    ),
    "book/03-lee-government/strategic-alliance": "Moving Toward a Strategic ROK-U.S. Alliance",
    "book/03-lee-government/cooperative-system": "Building a Northeast Asian Cooperative System",
    "book/03-lee-government/trilateralism": "Making Trilateralism Workable",
    "book/04-security-cooperation/index": (
        "Agendas and Architectures of Northeast Asian Security Cooperation"
    ),
    "book/04-security-cooperation/bilateral-multilateral-synergy": (
        "Exploring Bilateral-Multilateral Synergy"
    ),
    "book/04-security-cooperation/keeping-us-engaged": (
        "Keeping the United States Engaged in the Region"
    ),
    "book/04-security-cooperation/virtual-alliances": "Promoting U.S.-led Virtual Alliances",
    "book/05-conclusion": "Conclusion",
}


#: pytest-xdist groups (``--dist loadgroup``): the modules whose tests share an expensive
#: module- or session-scoped fixture run in one worker, so it is computed once. Every module
#: that defines such a fixture is here (test_suite checks); the others' tests are
#: spread one by one. The page visits (``page_visits``) are shared by three modules.
XDIST_GROUPS = {
    "test_a11y.py": "page-visits",
    "test_browser.py": "page-visits",
    "test_agenda.py": "agenda-tables",
    "test_architecture.py": "architecture",
    "test_bib_tools.py": "bib-tools",
    "test_build.py": "small-book",
    "test_figures.py": "figures",
    "test_figures_browser.py": "figures-browser",
    "test_incremental.py": "incremental",
    "test_index.py": "index",
    "test_lighthouse.py": "lighthouse",
    "test_links.py": "links",
    "test_metadata.py": "based-book",
    "test_pdf.py": "pdf",
    "test_readers_pages.py": "page-visits",
    "test_readers_rest.py": "readers-rest",
    # conftest's drawn_pages: the chart pages drawn once for the three modules
    "test_charts_dark.py": "drawn-pages",
    "test_readers_charts.py": "drawn-pages",
    "test_readers_fresh.py": "drawn-pages",
    "test_scorecard.py": "scorecard-tables",
}


#: Every page of the site with a chart, by a short name; each has one chart. The chart tests
#: visit these; test_site.py checks that the built site has no other.
CHART_PAGES: dict[str, str] = {
    "timeline": "book/02-strategic-thought/figure-administrations.html",
    "global-korea": "book/03-lee-government/figure-global-korea.html",
    "matrix": "book/04-security-cooperation/figure-membership-matrix.html",
    "overlap": "book/04-security-cooperation/figure-institution-overlap.html",
    "scorecard": "book/06-after-2009.html",
    "agenda-history": "book/06-after-2009/figure-agenda-history.html",
    "data": "book/data.html",
}

#: The two screens every reader's check uses: a phone (touch) and a desktop.
PHONE = dict(
    viewport={"width": 375, "height": 812}, has_touch=True, is_mobile=True, device_scale_factor=2
)
DESKTOP = dict(viewport={"width": 1280, "height": 900})
#: An A4 page less print.css's 16 mm side margins, in CSS pixels (96 per inch): 673.
A4_COLUMN = round((210 - 2 * 16) / 25.4 * 96)

#: WCAG 2.0, 2.1 and 2.2 at levels A and AA, and axe's best practices: every rule Lighthouse's
#: accessibility score counts is among them (tests/test_a11y.py checks that).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def toc_files(root: Path = ROOT) -> list[str]:
    """Every docname in _toc.yml, in reading order."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]

    def walk(entries: list[dict]) -> None:
        for entry in entries:
            if "file" in entry:
                files.append(entry["file"])
            walk(entry.get("sections", []))

    for part in toc.get("parts", []):
        walk(part["chapters"])
    walk(toc.get("chapters", []))
    return [re.sub(r"\.(md|ipynb)$", "", f) for f in files]


def page_path(site: Path, docname: str) -> Path:
    return site / f"{docname}.html"


def normalise(text: str) -> str:
    """Compare headings without numbering, pilcrows, or typographic quote differences."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("#", "").replace("¶", "")
    text = re.sub(r"^\s*[\d.]+\s+", "", text)
    return " ".join(text.split())


def h1_text(html_file: Path) -> str:
    soup = BeautifulSoup(html_file.read_text(encoding="utf-8"), "html.parser")
    h1 = soup.select_one("article h1") or soup.find("h1")
    assert h1 is not None, f"{html_file} has no <h1>"
    return normalise(h1.get_text(" "))


def chromium_missing_reason() -> str | None:
    """Why browser tests cannot run here, or None. In CI they must run, never skip."""
    if CHROMIUM.is_file() and shutil.which(str(CHROMIUM)):
        return None
    return f"{CHROMIUM} not found (install Debian's chromium: apt-get install chromium)"


# ----------------------------------------------------------------------------------------------
# Builds of copies and of small books (never of the working tree)

#: What a copy of the repository leaves out: build output, caches, virtualenvs, git.
COPY_IGNORE = shutil.ignore_patterns(
    "_build",
    ".git",
    ".nox",
    ".venv",
    "test-artifacts",
    ".pytest_cache",
    ".ruff_cache",
    "node_modules",
    "__pycache__",
    "conf.py",
)


def copy_repo(target: Path, *, jupyter_cache: bool = True, git: bool = False) -> Path:
    """A copy of the working tree without build output or caches, and without git unless asked.

    With ``jupyter_cache``, the main build's executed notebooks come along
    (``_build/staging/_build/.jupyter_cache``): jupyter-cache keys them on their code cells,
    which hold the fingerprint of every input, so a notebook whose inputs changed still runs.
    With ``git``, the repository's history comes too: each page's "last updated" date is its
    source's last commit, and without git every page shows the edition's date instead.
    """
    shutil.copytree(ROOT, target, ignore=COPY_IGNORE)
    if git:  # a folder, or in a git worktree a file naming the repository's folder
        gitdir = ROOT / ".git"
        (shutil.copytree if gitdir.is_dir() else shutil.copy2)(gitdir, target / ".git")
    cache = ROOT / "_build" / "staging" / "_build" / ".jupyter_cache"
    if jupyter_cache and cache.is_dir():
        shutil.copytree(cache, target / "_build" / "staging" / "_build" / ".jupyter_cache")
    return target


def build_env(root: Path, *, pdf: bool | None = False, **extra: str) -> dict[str, str]:
    """The environment of a build of ``root``: PDF off unless asked (None: the default rule)."""
    env = {
        # A copy has no .git: give it the edition date of the checkout it was copied from.
        "SOURCE_DATE_EPOCH": str(clock.source_date_epoch(ROOT)),
        **os.environ,
        "NEA_EDITION_ROOT": str(root),
        **extra,
    }
    env.pop("NEA_EDITION_PDF", None)
    if pdf is True:
        env["NEA_EDITION_PDF"] = "on"
    elif pdf is False:
        env["NEA_EDITION_PDF"] = "off"
    return env


def run_build(
    root: Path, *args: str, pdf: bool | None = False, **extra: str
) -> subprocess.CompletedProcess[str]:
    """``python -m nea_edition.build --root ROOT`` (the build driver), output captured."""
    return subprocess.run(
        [sys.executable, "-m", "nea_edition.build", "--root", str(root), *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=root,
        env=build_env(root, pdf=pdf, **extra),
    )


def make_small_book(book: Path, pages: dict[str, str] | None = None) -> Path:
    """A small book with the edition's real configuration, extensions and bibliography.

    ``pages`` maps docnames under ``book/`` to their text (default: a front page and one page).
    The edition's pages stay on disk (the endnote concordance points at them) but only the
    pages of this _toc.yml are built.
    """
    pages = pages or {"index": "# Front\n\nA front page.\n", "page": "# Page\n\nA good page.\n"}
    book.mkdir(parents=True)
    for name in ("_config.yml", "references.bib"):
        shutil.copy(ROOT / name, book / name)
    shutil.copytree(ROOT / "data", book / "data")
    shutil.copytree(ROOT / "book", book / "book", ignore=shutil.ignore_patterns("_generated"))
    chapters = "".join(f"  - file: book/{name}\n" for name in pages if name != "index")
    (book / "_toc.yml").write_text(
        f"format: jb-book\nroot: book/index\nchapters:\n{chapters}", encoding="utf-8"
    )
    for name, text in pages.items():
        (book / "book" / f"{name}.md").write_text(text, encoding="utf-8")
    return book


def tree_digest(site: Path) -> dict[str, str]:
    """Relative path -> SHA-256 of every file of a built site."""
    return {
        path.relative_to(site).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(site.rglob("*"))
        if path.is_file()
    }


def watch_page(page, origin: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Collect console errors and warnings, uncaught exceptions and requests elsewhere."""
    problems: list[str] = []
    page.on(
        "console",
        lambda msg: (
            problems.append(f"console {msg.type}: {msg.text}")
            if msg.type in ("error", "warning") and "Permissions policy" not in msg.text
            else None
        ),
    )
    page.on("pageerror", lambda exc: problems.append(f"uncaught: {exc}"))
    page.on(
        "request",
        lambda req: (
            problems.append(f"request to another origin: {req.url}")
            if urlsplit(req.url).scheme in ("http", "https", "ws", "wss")
            and urlsplit(req.url).netloc != origin
            else None
        ),
    )
    page.on(
        "requestfailed",
        lambda req: (
            problems.append(f"failed request: {req.url} ({req.failure})")
            # nea-charts.js fetches plotly.js late: leaving the page before it arrived
            # cancels it, as any browser does. Not a fault.
            if not (req.failure == "net::ERR_ABORTED" and "/_static/plotly-" in req.url)
            else None
        ),
    )
    return problems


def parse_bibtex(text: str) -> list[bibtexparser.model.Entry]:
    """BibTeX entries as a reference manager reads them (bibtexparser 2, names split)."""
    library = bibtexparser.parse_string(
        text,
        # Names are split before LaTeX is decoded, as BibTeX does: braces keep a body whole.
        append_middleware=[
            middlewares.SeparateCoAuthors(),
            middlewares.SplitNameParts(),
            middlewares.LatexDecodingMiddleware(),
        ],
    )
    assert not library.failed_blocks, [b.error for b in library.failed_blocks]
    return library.entries


def field(entry: bibtexparser.model.Entry, name: str) -> object:
    """One field's value of a parsed BibTeX entry."""
    return entry.fields_dict[name].value


def draw(page, timeout: int = 30_000) -> None:  # type: ignore[no-untyped-def]
    """Bring every chart into view, as a reader scrolling down would, until all are drawn."""
    charts = page.locator(".nea-chart")
    for i in range(charts.count()):
        charts.nth(i).scroll_into_view_if_needed()
        page.wait_for_function(
            "i => document.querySelectorAll('.nea-chart')[i].dataset.drawn === 'true'",
            arg=i,
            timeout=timeout,
        )


def keep_screenshot(target, path: Path) -> None:
    """Save a screenshot of a page or an element for people to look at (test-artifacts/).

    JPEG at quality 80: the 28 screenshots of the drawn charts (the phone's at two device
    pixels) took 8.5 s as PNGs and 4.7 s as JPEGs in one idle process, and no test reads these
    files back.
    """
    target.screenshot(path=str(path), type="jpeg", quality=80)


#: Opens every <details> and every sphinx-togglebutton toggle.
OPEN_DISCLOSURES = """() => {
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  document.querySelectorAll('button.toggle-button.toggle-button-hidden').forEach(b => b.click());
}"""

#: The page's "previous" and "next" buttons: where each leads (the resolved address, or None
#: when the page has none) and whether a click at its centre, once it is scrolled into view,
#: reaches it (what Playwright's click checks before clicking: nothing lies over it).
PAGE_TURNS = """() => Object.fromEntries(['left-prev', 'right-next'].map((name) => {
  const a = document.querySelector(`a.${name}`);
  if (!a) return [name, null];
  a.scrollIntoView({block: 'center', behavior: 'instant'});  // (the theme scrolls smoothly)
  const r = a.getBoundingClientRect();
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return [name, {href: a.href, reached: r.width > 0 && a.contains(hit)}];
}))"""

#: Elements that reach beyond `width` and are not held by a container that fits (one that
#: scrolls sideways, or clips: a chart's own drawing box). html and body do not count as
#: holders: edition.css clips there as a safety net, and anything caught by it is a fault.
#: Not counted: the theme's off-screen drawers (the sidebars), fixed-position overlays and
#: plotly's off-screen text-measuring SVG.
OVERFLOWING = """(width) => {
  const out = [];
  const drawer = '.bd-sidebar-primary, .bd-sidebar-secondary, .tooltip, .dropdown-menu, ' +
                 'dialog, #js-plotly-tester';
  const scrolls = (el) => getComputedStyle(el).overflowX !== 'visible';
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest(drawer)) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.position === 'fixed') continue;
    if (r.right <= width + 1 && r.left >= -1) continue;
    let holder = null;
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (scrolls(p)) { holder = p; break; }
    }
    if (holder) {
      const h = holder.getBoundingClientRect();
      if (h.right <= width + 1 && h.left >= -1) continue;
    }
    out.push(`${el.tagName.toLowerCase()}.${String(el.className).slice(0, 40)} ` +
             `${Math.round(r.left)}..${Math.round(r.right)}`);
  }
  return {scrollWidth: document.documentElement.scrollWidth, overflowing: out.slice(0, 10)};
}"""


def settle(page, timeout: int = 30_000) -> None:  # type: ignore[no-untyped-def]
    """Wait until no chart has a redraw pending or running (after a media, size or theme change).

    Two animation frames first: a media query's change event and a resize observer's callback
    come in the frame after the change, and they are what start a redraw
    (``data-chart-settled``, nea-charts.js).
    """
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.nea-chart[data-drawn=\"true\"]')]"
        ".every(c => c.dataset.chartSettled === 'true')",
        timeout=timeout,
    )


def print_media(page, timeout: int = 30_000) -> None:  # type: ignore[no-untyped-def]
    """Switch the page to print media, as printing does, and wait for the charts' redraw."""
    page.emulate_media(media="print")
    settle(page, timeout)


def hide_bars(page) -> None:  # type: ignore[no-untyped-def]
    """Screenshots and touches reach the chart, not the sticky bars over it."""
    page.add_style_tag(
        content=".bd-header, .bd-header-article, header, #pst-back-to-top, .skip-link"
        " { display: none !important; }"
    )


def reader_context(browser, *, phone: bool, dark: bool, mobile: bool = True):  # type: ignore[no-untyped-def]
    """A fresh reader's browser: a context on a phone (``mobile=False``: its size and touch
    without its mobile viewport) or a desktop, the theme on "auto" following the colour scheme
    asked for."""
    options = dict(PHONE if phone else DESKTOP)
    if phone and not mobile:
        options["is_mobile"] = False
    options["color_scheme"] = "dark" if dark else "light"
    context = browser.new_context(**options)
    context.add_init_script("localStorage.setItem('mode', 'auto')")
    return context


def open_in(context, url: str):  # type: ignore[no-untyped-def]
    """``url`` in a new tab of ``context``, with no smooth scrolling. ``page.errors`` collects
    uncaught exceptions and console errors, ``page.warnings`` console warnings."""
    page = context.new_page()
    page.errors = []
    page.warnings = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("console", lambda m: page.warnings.append(m.text) if m.type == "warning" else None)
    page.goto(url)
    page.add_style_tag(content="html { scroll-behavior: auto !important; }")
    return page


def reader_page(browser, url: str, *, phone: bool, dark: bool, mobile: bool = True):  # type: ignore[no-untyped-def]
    """``url`` opened as a fresh reader, in a context of its own (``reader_context``,
    ``open_in``). Returns the context and the page."""
    context = reader_context(browser, phone=phone, dark=dark, mobile=mobile)
    return context, open_in(context, url)


class DrawnPages:
    """Chart pages opened as a reader of the book would and drawn, kept open for many checks.

    ``drawn(path, phone=, dark=, mobile=)`` opens the page the first time in a tab of that
    screen and mode's reader (``reader_context``: one context for each, as one reader reading
    the book in one browser; the theme on "auto" following the colour scheme asked for;
    ``page.errors``), draws every chart (``draw``), waits until they are settled and the fonts
    are in, and hides the sticky bars (``hide_bars``); later calls with the same arguments
    return the same page: one visit per (page, screen, mode). A check that changes
    the page (scroll, hover, tap, print media, size, an open panel) puts it back or leaves only
    what no other check reads; one that changes more (a slider, an address) opens its own page.
    ``page.label`` names the page, screen and mode for failure messages; ``page.errors`` and
    ``page.warnings`` collect the console's errors (and uncaught exceptions) and warnings.
    """

    def __init__(self, browser, site_url: str) -> None:  # type: ignore[no-untyped-def]
        self.browser, self.site_url = browser, site_url
        self.pages: dict[tuple, object] = {}
        self.contexts: dict[tuple, object] = {}

    def __call__(self, path: str, *, phone: bool = False, dark: bool = False, mobile: bool = True):  # type: ignore[no-untyped-def]
        key = (path, phone, dark, mobile and phone)
        page = self.pages.get(key)
        if page is None or page.is_closed():
            page = self.pages[key] = self._open(path, phone=phone, dark=dark, mobile=mobile)
        # The context's pages are tabs of one window: only the front one is drawn at speed.
        page.bring_to_front()
        return page

    @contextmanager
    def changing(self, path: str, **screen: bool) -> Iterator:
        """The page, for a check that changes it and puts it back: should the check stop half
        way (a failed assertion, a timeout), the page is closed, and the next check that asks
        for it gets a fresh visit rather than a page left changed."""
        page = self(path, **screen)
        try:
            yield page
        except BaseException:
            page.close()
            raise

    def _open(self, path: str, *, phone: bool, dark: bool, mobile: bool):  # type: ignore[no-untyped-def]
        screen = (phone, dark, mobile and phone)
        if screen not in self.contexts:
            self.contexts[screen] = reader_context(
                self.browser, phone=phone, dark=dark, mobile=mobile
            )
        page = open_in(self.contexts[screen], f"{self.site_url}/{path}")
        width = page.viewport_size["width"]
        page.label = f"{path} at {width} px{'' if mobile or not phone else ' (not mobile)'}, " + (
            "dark" if dark else "light"
        )
        hide_bars(page)
        draw(page)
        page.evaluate("document.fonts.ready.then(() => true)")
        settle(page)
        return page

    def close(self) -> None:
        for context in self.contexts.values():
            context.close()
        self.contexts.clear()
        self.pages.clear()
