"""Shared fixtures: the built site, a local server for it, and headless Chromium.

The nox ``tests`` session builds the book strictly before pytest runs, so the tests read the
site in ``_build/html``. Run alone, pytest first brings that site up to date. Browser tests use
Debian's Chromium through Playwright's Python API: Playwright's own browser download cannot
work on a machine without general internet access, and CI installs ``chromium`` with apt.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from devtools.localserver import CHROMIUM, CHROMIUM_ARGS, serve
from helpers import (
    A4_COLUMN,
    AXE_TAGS,
    DESKTOP,
    OPEN_DISCLOSURES,
    OVERFLOWING,
    PAGE_TURNS,
    PHONE,
    ROOT,
    XDIST_GROUPS,
    DrawnPages,
    chromium_missing_reason,
    keep_screenshot,
    print_media,
    reader_page,
    settle,
    watch_page,
)

from nea_edition import build as book_build

ARTIFACTS = ROOT / "test-artifacts"


SITE = ROOT / "_build" / "html"


def pytest_sessionstart(session: pytest.Session) -> None:
    """Bring the site up to date with the sources, strictly, before any test reads it.

    ``nox -s tests`` has just built it, so this finds nothing changed (a fraction of a second);
    a plain ``pytest`` run after an edit or a commit rebuilds what changed (the build's own
    up-to-date check, ``nea_edition.build``), so the tests never read a stale site. Only the
    main process builds: pytest-xdist's workers start after this returns.
    """
    if hasattr(session.config, "workerinput") or session.config.option.collectonly:
        return
    if book_build.build(ROOT) != 0:
        raise pytest.UsageError("the strict build failed: nothing to test")


@pytest.fixture(scope="session")
def site_dir() -> Path:
    """The built site, up to date with the sources (``pytest_sessionstart``)."""
    assert (SITE / "index.html").is_file(), f"no site in {SITE}: the build failed"
    return SITE


@pytest.fixture(scope="session")
def site_url(site_dir: Path) -> Iterator[str]:
    """Serve the site from 127.0.0.1 on a free port, as `nox -s serve` does."""
    with serve(site_dir) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """A headless Debian Chromium driven by Playwright."""
    reason = chromium_missing_reason()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests must run in CI: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # --process-per-site (a Chromium switch): the tabs of one context that show this site
        # share a renderer process, and the scripts it has compiled (plotly.js's above all),
        # rather than each starting one. Opening the drawn chart pages (helpers.DrawnPages,
        # a context per screen and mode) took a fifth less CPU.
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=[*CHROMIUM_ARGS, "--process-per-site"],
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """Where browser tests keep screenshots for people to look at (gitignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


#: The visits' screens: a phone (its width, touch and mobile viewport) and a desktop. The phone
#: renders at one device pixel per CSS pixel: layout, axe and overflow are the same, and a
#: quarter of the pixels to paint and photograph.
VIEWPORTS = {"phone": {**PHONE, "device_scale_factor": 1}, "desktop": DESKTOP}
MODES = ("light", "dark")


@pytest.fixture(scope="session")
def page_visits(browser, site_dir: Path, site_url: str, artifacts_dir: Path) -> dict:
    """One visit of every page in each viewport and mode, shared by every check that needs it.

    ``{(viewport, mode, path): {...}}`` with what the page logged (console errors, uncaught
    exceptions, failed requests, requests to other origins), its title, theme and background,
    how far it overflows sideways, and axe-core's results (None when axe is not installed).
    Charts are all drawn first, so axe sees them. A screenshot of the first screen of every page
    in every viewport and mode goes to test-artifacts/pages/ for people to look at. Then, on a
    phone, every disclosure is opened and what reaches beyond the screen is listed
    (``open_overflow``); on a light desktop, the page is switched to print media at the width
    of an A4 column, where what reaches beyond it is listed (``print_overflow``), after the
    page's "previous" and "next" buttons are read (``turns``: ``helpers.PAGE_TURNS``).
    """
    from devtools.lighthouse import AXE_JS, TOOLS_DIR, tools_missing_reason
    from devtools.localserver import site_pages

    axe_source = None if tools_missing_reason() else (TOOLS_DIR / AXE_JS).read_text("utf-8")
    origin = urlsplit(site_url).netloc
    shots = artifacts_dir / "pages"
    shots.mkdir(parents=True, exist_ok=True)
    visits: dict = {}
    for viewport_name, screen in VIEWPORTS.items():
        for mode in MODES:
            context = browser.new_context(**screen)
            # What the theme's light/dark switch stores; the layout reads it before painting.
            # Every page starts as in a new tab: no session storage (the theme keeps the
            # sidebar's scroll position there).
            context.add_init_script(
                f"localStorage.setItem('mode', '{mode}'); localStorage.setItem('theme', '{mode}');"
                " sessionStorage.clear();"
            )
            # One tab walks every page, as a reader clicking through does: each page is a new
            # document, and the tab's renderer (with axe's compiled code) is reused. All the
            # visits in one idle process: 93 s, against 149 s with a new tab for each page.
            page = context.new_page()
            problems = watch_page(page, origin)
            for path in site_pages(site_dir):
                logged = len(problems)
                response = page.goto(f"{site_url}/{path}", wait_until="load")
                if response is None or not response.ok:
                    problems.append(f"HTTP {response and response.status}")
                if page.locator(".nea-chart").count():
                    # Charts draw as they come into view; draw them all (nea-charts.js's own
                    # entry point for the PDF), so that axe sees them drawn.
                    page.evaluate("window.neaCharts.drawAll()")
                    page.wait_for_selector(
                        "html[data-nea-charts-drawn]", state="attached", timeout=30_000
                    )
                page.evaluate("document.fonts.ready.then(() => true)")
                axe = None
                if axe_source is not None:
                    page.evaluate(axe_source)
                    options = {
                        "runOnly": {"type": "tag", "values": AXE_TAGS},
                        "resultTypes": ["violations"],
                    }
                    axe = page.evaluate("options => axe.run(document, options)", options)
                name = path.removesuffix(".html").replace("/", "__")
                keep_screenshot(page, shots / f"{name}-{viewport_name}-{mode}.jpeg")
                visit = {
                    "title": page.title(),
                    "theme": page.evaluate("document.documentElement.dataset.theme"),
                    "background": page.evaluate("getComputedStyle(document.body).backgroundColor"),
                    "overflow": page.evaluate(
                        "document.documentElement.scrollWidth"
                        " - document.documentElement.clientWidth"
                    ),
                    "axe": axe,
                }
                if viewport_name == "phone":
                    page.evaluate(OPEN_DISCLOSURES)
                    settle(page)
                    visit["open_overflow"] = page.evaluate(OVERFLOWING, screen["viewport"]["width"])
                elif mode == "light":
                    visit["turns"] = page.evaluate(PAGE_TURNS)
                    page.set_viewport_size({"width": A4_COLUMN, "height": 1000})
                    print_media(page)
                    visit["print_overflow"] = page.evaluate(OVERFLOWING, A4_COLUMN)
                    # Back to the screen for the next page.
                    page.emulate_media(media="null")
                    page.set_viewport_size(screen["viewport"])
                visit["problems"] = problems[logged:]
                visits[(viewport_name, mode, path)] = visit
            context.close()
    return visits


#: Fixtures that start Chromium or need what it printed (``edition``: the PDF of the build):
#: a test that uses one must be marked ``browser``.
BROWSER_FIXTURES = {"browser", "page_visits", "edition", "drawn_pages"}


@pytest.fixture
def open_page(browser, site_url: str) -> Iterator:
    """Open a page of the site as a fresh reader: ``open_page(path, phone=, dark=, query=)``.

    Each page gets its own context (no stored state but the theme's "auto" mode, which follows
    the colour scheme asked for); ``page.errors`` collects uncaught exceptions and console
    errors. ``mobile=False`` keeps a phone's size and touch without its mobile viewport.
    """
    contexts = []

    def open_(
        path: str, *, phone: bool = False, dark: bool = False, query: str = "", mobile: bool = True
    ) -> object:
        context, page = reader_page(
            browser, f"{site_url}/{path}{query}", phone=phone, dark=dark, mobile=mobile
        )
        contexts.append(context)
        return page

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def drawn_pages(browser, site_url: str) -> Iterator[object]:
    """Chart pages opened and drawn once, in one reader's context for each screen and mode,
    shared by every check that only reads them (``helpers.DrawnPages``). Its users are one
    xdist group (``XDIST_GROUPS``)."""
    pages = DrawnPages(browser, site_url)
    yield pages
    pages.close()


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Markers mean what they say: ``-m "not browser"`` must never start Chromium.

    Runs first, so the ``xdist_group`` marks it adds are there when pytest-xdist reads them.
    """
    for item in items:
        group = XDIST_GROUPS.get(item.path.name)
        if group:
            item.add_marker(pytest.mark.xdist_group(group))
    unmarked = [
        item.nodeid
        for item in items
        if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ()))
        and item.get_closest_marker("browser") is None
    ]
    if unmarked:
        raise pytest.UsageError(
            "tests that use Chromium but are not marked browser:\n" + "\n".join(unmarked)
        )
