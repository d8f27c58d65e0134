"""What a reader sees, in headless Chromium: every page opens cleanly and stays on its origin.

Each page of the table of contents (plus search and the index) is opened from a local server:
no console error, no uncaught exception, no request to another origin. The "previous" and
"next" buttons lead through the book in order, and the search page must find the Six-Party
Talks. A screenshot of the first screen of every page goes to test-artifacts/pages/ for people
to look at.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from helpers import keep_screenshot, toc_files, watch_page

pytestmark = pytest.mark.browser


def open_page(browser, url: str, *, width: int = 1280):
    """Open `url`; collect console errors, page errors and requests to other origins."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    origin = urlsplit(url).netloc
    problems = watch_page(page, origin)
    response = page.goto(url, wait_until="networkidle")
    assert response is not None and response.ok, f"{url}: HTTP {response and response.status}"
    return page, problems


PAGES = [*toc_files(), "search", "genindex"]


@pytest.mark.parametrize("docname", PAGES)
def test_page_opens_without_errors_or_foreign_requests(page_visits: dict, docname: str) -> None:
    """In every viewport and mode (the session's shared visits; screenshots in test-artifacts)."""
    visits = {key: v for key, v in page_visits.items() if key[2] == f"{docname}.html"}
    assert len(visits) == 4, f"{docname} was not visited in every viewport and mode"
    for (viewport, mode, _), visit in visits.items():
        assert visit["title"], f"{docname} has no <title>"
        assert not visit["problems"], f"{viewport}, {mode}:\n" + "\n".join(visit["problems"])


def test_next_and_previous_buttons_walk_the_book_in_toc_order(
    page_visits: dict, browser, site_url: str
) -> None:
    """Each page's "next" leads to the page after it in the table of contents and "previous" to
    the one before; the first has no "previous", the last no "next"; and nothing lies over either
    button (read in the session's desktop visits, ``helpers.PAGE_TURNS``). Then a reader clicks
    "next" on the front page and "previous" on the page it leads to."""
    order = toc_files()
    turns = {key[2]: visit["turns"] for key, visit in page_visits.items() if "turns" in visit}
    for i, docname in enumerate(order):
        expected = {
            "left-prev": order[i - 1] if i else None,
            "right-next": order[i + 1] if i + 1 < len(order) else None,
        }
        for name, target in expected.items():
            button = turns[f"{docname}.html"][name]
            if target is None:
                assert button is None, f"{docname}: a {name} button, to {button}"
                continue
            assert button is not None, f"{docname}: no {name} button"
            assert urlsplit(button["href"]).path == f"/{target}.html", (docname, name, button)
            assert button["reached"], f"{docname}: something lies over the {name} button"
    page, problems = open_page(browser, f"{site_url}/{order[0]}.html")
    try:
        page.locator("a.right-next").first.click()
        page.wait_for_load_state("domcontentloaded")
        assert urlsplit(page.url).path == f"/{order[1]}.html"
        page.locator("a.left-prev").first.click()
        page.wait_for_load_state("domcontentloaded")
        assert urlsplit(page.url).path == f"/{order[0]}.html"
        assert not problems, "\n".join(problems)
    finally:
        page.close()


def test_sidebar_links_every_chapter(browser, site_url: str) -> None:
    page, problems = open_page(browser, f"{site_url}/book/index.html")
    try:
        nav = page.locator("nav.bd-docs-nav")
        hrefs = {
            urlsplit(page.url).path.rsplit("/", 1)[0] + "/" + h
            for h in nav.locator("a.reference.internal").evaluate_all(
                "els => els.map(e => e.getAttribute('href'))"
            )
        }
        paths = {re.sub(r"/[^/]+/\.\./", "/", p) for p in hrefs}
        for docname in toc_files()[1:]:
            if "/" in docname.removeprefix("book/"):  # sections: reachable from their chapter
                continue
            assert any(p.endswith(f"{docname}.html") for p in paths), docname
        nav.get_by_text("Conclusion", exact=False).first.click()
        page.wait_for_load_state("domcontentloaded")
        assert page.url.endswith("/book/05-conclusion.html")
        assert not problems, "\n".join(problems)
    finally:
        page.close()


def test_search_finds_the_six_party_talks(browser, site_url: str, artifacts_dir: Path) -> None:
    page, problems = open_page(browser, f"{site_url}/search.html?q=Six-Party")
    try:
        results = page.locator("#search-results ul.search li")
        results.first.wait_for(timeout=15_000)
        assert results.count() >= 3, "Six-Party should be found on several pages"
        text = page.locator("#search-results").inner_text()
        assert "Six-Party" in text or "Six Party" in text
        keep_screenshot(page, artifacts_dir / "search-six-party.jpeg")
        assert not problems, "\n".join(problems)
    finally:
        page.close()


def test_pages_fit_a_phone_screen(page_visits: dict) -> None:
    """At 375 px the text column must not overflow sideways (charts scroll inside themselves)."""
    wide = {
        path: visit["overflow"]
        for (viewport, _, path), visit in page_visits.items()
        if viewport == "phone" and visit["overflow"] > 1
    }
    assert not wide, f"pages wider than a 375px screen (px): {wide}"
