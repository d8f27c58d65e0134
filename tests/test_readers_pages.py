"""The pages on a phone, on paper, in the dark, in search and at a broken address.

Each test guards a class of defect on every page, not the one instance the issue found:

* no page is wider than a 375 px phone, with every disclosure open (wide content scrolls in
  its own container; nothing is cut off at the page's edge either);
* printed at an A4 column's width, no page is wider than the column;
* a first visit with a dark system preference renders dark, without console errors;
* every page says when it was last updated (its source's last commit);
* the 404 page exists, works at any depth and its links resolve;
* search finds an abbreviation on the page that discusses it, and its snippets are prose;
* one viewport tag, a tab title that names the site once, a titled site root, Hangul in
  ``lang="ko"``.

Screenshots of every page, phone and desktop, light and dark, are taken by the session's page
visits (``page_visits`` in conftest.py) and go to test-artifacts/pages/.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit

import pytest
from helpers import A4_COLUMN, toc_files

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
PAGES = [*toc_files(), "search", "genindex"]


def _console_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


@pytest.mark.parametrize("docname", PAGES)
def test_no_page_is_wider_than_a_phone(page_visits: dict, docname: str) -> None:
    """375 px, every disclosure open: the page never scrolls sideways and nothing is cut off.

    Read from the session's visits on a phone, light and dark (``open_overflow``).
    """
    for mode in ("light", "dark"):
        result = page_visits[("phone", mode, f"{docname}.html")]["open_overflow"]
        assert result["scrollWidth"] <= 375, (mode, result)
        assert not result["overflowing"], (mode, result)


@pytest.mark.parametrize("docname", PAGES)
def test_no_printed_page_is_wider_than_an_a4_column(page_visits: dict, docname: str) -> None:
    """Print media at the width of print.css's A4 column: nothing spills into the margins.

    Read from the session's light desktop visit, charts drawn (``print_overflow``).
    """
    result = page_visits[("desktop", "light", f"{docname}.html")]["print_overflow"]
    assert result["scrollWidth"] <= A4_COLUMN, result
    assert not result["overflowing"], result


def test_printed_pages_carry_title_address_and_version(
    browser, site_url: str, artifacts_dir: Path
) -> None:
    """The running heads and feet of print.css, in Chromium's PDF of the afterword."""
    pypdf = pytest.importorskip("pypdf")
    page = browser.new_page()
    try:
        page.goto(f"{site_url}/book/06-after-2009.html", wait_until="networkidle")
        page.emulate_media(media="print")
        out = artifacts_dir / "readers-pages" / "06-after-2009-print.pdf"
        out.parent.mkdir(parents=True, exist_ok=True)
        page.pdf(path=str(out), format="A4")
    finally:
        page.close()
    reader = pypdf.PdfReader(str(out))
    for number in (0, len(reader.pages) - 1):
        text = reader.pages[number].extract_text()
        assert "Northeast Asian Regionalism in Korea" in text
        assert "book/06-after-2009.html" in text
        assert re.search(r"Version \d+\.\d+\.\d+", text), text[:300]


@pytest.mark.parametrize("scheme", ["dark", "light"])
def test_first_visit_follows_the_system_colour_scheme(browser, site_url: str, scheme) -> None:
    """No stored choice: the page is drawn in the system's scheme, from the first paint."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    errors = _console_errors(page)
    try:
        # What the page shows before any deferred script has run.
        page.goto(f"{site_url}/book/index.html", wait_until="commit")
        page.wait_for_selector("body")
        assert page.evaluate("document.documentElement.dataset.theme") == scheme
        page.wait_for_load_state("networkidle")
        assert page.evaluate("document.documentElement.dataset.theme") == scheme
        assert page.evaluate("document.documentElement.dataset.mode") == "auto"
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        rgb = [int(x) for x in re.findall(r"\d+", background)[:3]]
        assert (sum(rgb) < 3 * 80) == (scheme == "dark"), background
        # The theme switch's first press changes what the reader sees.
        page.click(".theme-switch-button >> visible=true")
        assert page.evaluate("document.documentElement.dataset.theme") != scheme
        assert not errors, errors
    finally:
        context.close()


def _html_pages(site_dir: Path) -> list[Path]:
    return sorted(
        p for p in site_dir.rglob("*.html") if "_static" not in p.parts and p.name != "404.html"
    )


@pytest.mark.browser
def test_every_page_says_when_it_was_last_updated(site_dir: Path) -> None:
    """Every page of the book shows a last-updated day; a page's is its source's last commit."""
    missing = []
    for path in _html_pages(site_dir):
        if path == site_dir / "index.html":
            continue  # the site root: a link to the front page
        text = path.read_text(encoding="utf-8")
        if not re.search(r'class="last-updated">\s*Last updated on \d{4}-\d{2}-\d{2}\.', text):
            missing.append(str(path.relative_to(site_dir)))
    assert not missing, missing
    try:
        stamp = subprocess.run(
            ["git", "log", "-1", "--format=%ct", "--", "book/data.md"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return
    if stamp:
        kst = dt.timezone(dt.timedelta(hours=9))
        day = dt.datetime.fromtimestamp(int(stamp), kst).date().isoformat()
        assert f"Last updated on {day}." in (site_dir / "book" / "data.html").read_text()


def test_404_page_works_at_any_depth(browser, site_dir: Path, site_url: str) -> None:
    """404.html: a title, and links to search, index and contents that resolve from any depth."""
    not_found = site_dir / "404.html"
    assert not_found.is_file()
    text = not_found.read_text(encoding="utf-8")
    page = browser.new_page()
    deep = f"{site_url}/no/such/folder/missing-page.html"
    page.route(deep, lambda route: route.fulfill(status=404, body=text, content_type="text/html"))
    try:
        page.goto(deep)
        assert "not found" in page.title().lower()
        # Every link and asset of the page, less links within the page itself.
        hrefs = page.eval_on_selector_all(
            "a[href]:not([href^='#']), link[href], script[src], img[src]",
            "els => els.map(e => e.href || e.src)",
        )
        assert not page.evaluate(
            "[...document.styleSheets].some(s => s.href && !s.cssRules.length)"
        ), "a stylesheet did not load"
        assert any(h.endswith("/search.html") for h in hrefs)
        assert any(h.endswith("/book/index.html") for h in hrefs)
        assert len(hrefs) >= len(toc_files())
        for href in hrefs:
            # Root-relative (no base URL set) or absolute from the base URL: never relative.
            assert urlsplit(href).path.startswith("/"), href
            local = urljoin(site_url + "/", urlsplit(href).path.lstrip("/"))
            response = page.request.get(local)
            assert response.ok, f"{href} -> {response.status}"
    finally:
        page.close()
    assert not re.search(r'\s(href|src|action)="(?!#|/|https?:|data:|mailto:)', text), (
        "a relative link in 404.html"
    )


def test_site_root_is_a_titled_page_with_a_link(site_dir: Path) -> None:
    text = (site_dir / "index.html").read_text(encoding="utf-8")
    assert re.search(r"<title>[^<]+</title>", text)
    assert '<a href="book/index.html">' in text


def test_one_viewport_tag_and_the_site_named_once(site_dir: Path) -> None:
    for path in _html_pages(site_dir):
        text = path.read_text(encoding="utf-8")
        assert text.count('name="viewport"') == 1, path
        title = re.search(r"<title>([^<]*)</title>", text).group(1)
        assert title.count("Northeast Asian Regionalism in Korea") == 1, (path, title)


def test_hangul_is_marked_as_korean(site_dir: Path) -> None:
    """Every run of Hangul in a page's text sits in an element with lang="ko"."""
    hangul = re.compile(r"[\uac00-\ud7af]+")
    found = 0
    for path in _html_pages(site_dir):
        text = path.read_text(encoding="utf-8")
        body = text[text.find("<body") :]
        body = re.sub(r"<(script|style)\b.*?</\1>", "", body, flags=re.S | re.I)
        marked = re.sub(r'<span lang="ko">[^<]*</span>', "", body)
        plain = re.sub(r"<[^>]*>", "", marked)  # attribute values do not count
        assert not hangul.search(plain), (path, hangul.search(plain).group())
        found += body.count('<span lang="ko">')
    assert found, "no Hangul on any page: is the data table of administrations gone?"


def test_search_finds_an_abbreviation_and_shows_prose(browser, site_url: str) -> None:
    """ "TCOG" finds the trilateralism page; snippets are text, not flattened tables."""
    page = browser.new_page()
    try:
        page.goto(f"{site_url}/search.html?q={quote('TCOG')}", wait_until="networkidle")
        page.wait_for_selector("#search-results p.search-summary", timeout=20000)
        assert page.evaluate("Search.htmlToText.neaProse === true")
        links = page.eval_on_selector_all("ul.search li > a", "els => els.map(e => e.href)")
        assert any("03-lee-government/trilateralism.html" in h for h in links), links
        page.wait_for_function("document.querySelectorAll('ul.search li p.context').length > 0")
        snippets = page.eval_on_selector_all(
            "ul.search li p.context", "els => els.map(e => e.textContent)"
        )
        # A flattened data table is a run of identifiers, dates and URLs with no sentence.
        for snippet in snippets:
            assert not re.search(r"https?://\S+ \S+ \d{4}-\d{2}-\d{2}", snippet), snippet
    finally:
        page.close()
