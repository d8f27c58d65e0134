"""What the readers' issue (21) left outside the afterword: search, notes, link text, phones.

Each test guards a class of defect over the whole built site, not the one instance the issue
found:

* search lists each page at most once, whatever the query (Sphinx lists a page once per way it
  matched: its title, a section title, an index entry, its text), and every result shows a
  snippet of its page's text (one found through an index entry showed none);
* every Hangul word a page shows is a search word of that page (no data table's cells run
  together into one word such as "bak이명박2008" in the search index);
* every mention of a note of the paper ("note 12", "notes 11 and 13", "endnote 6") is a link
  to that note's entry on the Endnotes page;
* no link's text is a whole sentence: at most ``MAX_LINK_WORDS`` words, unless the link
  names a page by its own title;
* a chart with a year slider fits one phone screen, slider and every row together.

Every page is checked, the afterword's included; on the chapters, the agenda directive's
lists link each item as "item A12", not by its whole statement.

Fixtures ``site_dir``, ``site_url``, ``browser`` and ``artifacts_dir`` come from conftest.py.
Screenshots of the changed pages go to test-artifacts/readers-rest/.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup, NavigableString
from helpers import DESKTOP, PHONE, keep_screenshot
from playwright.sync_api import TimeoutError as PlaywrightTimeout

#: Pages that are lists of links, not reading text: the general index, search, the 404 page's
#: list of chapters (whole-page links are allowed anyway; these have no article prose).
NOT_READING = {"genindex.html", "search.html"}
#: Pages whose note numbers are not mentions to link: the Endnotes page itself, and the
#: Bibliography's entries, printed from references.bib by sphinxcontrib-bibtex.
NOTES_OWN_PAGES = {"book/endnotes.html", "book/bibliography.html"}
#: More words than this in one link's text is a sentence, not a name.
MAX_LINK_WORDS = 8
#: Queries that hit many pages through titles, section titles, index entries and text.
QUERIES = ["ASEAN", "alliance", "TCOG", "Six-Party", "Korea", "security", "ARF", "Japan"]
HANGUL = re.compile(r"[\uac00-\ud7a3]+")
#: "note 12", "Note 27", "endnote 6", "notes 11 and 13", "notes 4, 11, 13, 16 and 28",
#: "note 19's". Not "footnote 3" (no word boundary before "note").
NOTE_MENTION = re.compile(
    r"\b(?:end)?notes?\s+(\d+(?:(?:\s*,\s*|\s*,?\s+and\s+)\d+)*)", re.IGNORECASE
)


def site_pages(site_dir: Path) -> list[tuple[str, Path]]:
    """(path relative to the site, file) for every HTML page of the site."""
    return sorted(
        (p.relative_to(site_dir).as_posix(), p)
        for p in site_dir.rglob("*.html")
        if not p.relative_to(site_dir).as_posix().startswith(("_", "genindex"))
    )


def article(path: Path) -> BeautifulSoup:
    """The page's reading text (its <main>), without scripts, styles and chart data."""
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    main = soup.find("main") or soup.body
    for tag in main.find_all(["script", "style", "template"]):
        tag.decompose()
    return main


def text_with_links(main) -> tuple[str, list[tuple[int, int, str | None]]]:
    """The element's text and, for each run of it, the href of the link it is in (or None)."""
    text, runs = [], []
    at = 0
    for node in main.descendants:
        if not isinstance(node, NavigableString) or type(node) is not NavigableString:
            continue
        link = node.find_parent("a")
        href = link.get("href") if link is not None and main in link.parents else None
        s = str(node)
        runs.append((at, at + len(s), href))
        text.append(s)
        at += len(s)
    return "".join(text), runs


def href_at(runs: list[tuple[int, int, str | None]], index: int) -> str | None:
    for start, end, href in runs:
        if start <= index < end:
            return href
    return None


# ----------------------------------------------------------------------------------------------
# search


#: A heading run into the next block's text: "WarA co", "WarThe".
RUN_IN = re.compile(r"[a-z][A-Z](?=\s)|[a-z]{2}[A-Z][a-z]")
FILE_LIST = re.compile(r"\.csv \(\d+ rows\)")


def search_results(page, site_url: str, query: str) -> list[str]:
    page.goto(f"{site_url}/search.html?q={quote(query)}", wait_until="load")
    page.wait_for_selector("#search-results p.search-summary", timeout=20_000)
    return page.eval_on_selector_all(
        "ul.search li > a", "els => els.map(e => e.getAttribute('href'))"
    )


@pytest.fixture(scope="module")
def searched(browser, site_url: str) -> dict[str, dict]:
    """Each query of ``QUERIES`` searched once, its results' links, summary and snippets read
    when every result shows its snippet (``None`` where one never came: the links of the
    results without one are then under ``bare``). Shared by the search tests."""
    page = browser.new_page()
    out: dict[str, dict] = {}
    try:
        for query in QUERIES:
            hrefs = search_results(page, site_url, query)
            result: dict = {"hrefs": hrefs}
            result["summary"] = page.inner_text("#search-results p.search-summary")
            try:
                page.wait_for_function(
                    "n => document.querySelectorAll('ul.search li p.context').length >= n",
                    arg=len(hrefs),
                    timeout=20_000,
                )
                result["snippets"] = page.eval_on_selector_all(
                    "ul.search li p.context", "els => els.map(e => e.textContent.trim())"
                )
            except PlaywrightTimeout:
                result["snippets"] = None
                result["bare"] = page.eval_on_selector_all(
                    "ul.search li",
                    "els => els.filter(e => !e.querySelector('p.context'))"
                    ".map(e => e.querySelector('a').getAttribute('href'))",
                )
            out[query] = result
        out["one per page"] = page.evaluate("Search._performSearch.neaOnePerPage === true")
    finally:
        page.close()
    return out


@pytest.mark.browser
def test_search_lists_each_page_at_most_once(searched: dict) -> None:
    """One result per page: the same page under two anchors (a section title, an index entry
    and the text) was listed two or three times."""
    many = 0
    for query in QUERIES:
        hrefs, summary = searched[query]["hrefs"], searched[query]["summary"]
        pages = Counter(urlsplit(h).path.removesuffix("index.html") for h in hrefs)
        twice = {p: n for p, n in pages.items() if n > 1}
        assert not twice, f"{query!r}: pages listed more than once: {twice}"
        assert f"found {len(hrefs)} page" in summary, (query, summary, len(hrefs))
        many += len(hrefs) >= 5
    # the queries do hit many pages (else the check above proves nothing)
    assert many >= len(QUERIES) - 2
    assert searched["one per page"]


@pytest.mark.browser
def test_every_search_result_shows_a_snippet(searched: dict) -> None:
    """A page found through an index entry links to the entry's target, an empty span: its
    snippet was empty. Every result shows some of the page's text, as sentences: no heading
    run into the paragraph after it, no list of files."""
    for query in QUERIES:
        snippets = searched[query]["snippets"]
        assert snippets is not None, f"{query!r}: results without a snippet: {searched[query]}"
        assert all(snippets), (query, snippets)
        for snippet in snippets:
            # a heading run into the text after it ("...the Cold WarA co..."), or the
            # Data page's list of files ("agenda_codings.csv (167 rows) ...")
            assert not RUN_IN.search(snippet), (query, snippet)
            assert not FILE_LIST.search(snippet), (query, snippet)


def search_index(site_dir: Path) -> dict:
    text = (site_dir / "searchindex.js").read_text(encoding="utf-8")
    return json.loads(text[text.index("(") + 1 : text.rindex(")")])


def test_every_hangul_word_on_a_page_is_a_search_word_of_that_page(site_dir: Path) -> None:
    """Searching a Korean name finds the page that shows it: no Hangul word is glued to the
    words of the next table cell in the search index ("bak이명박2008")."""
    index = search_index(site_dir)
    docnames = index["docnames"]
    where: dict[str, set[str]] = {}
    for term, docs in index["terms"].items():
        assert not (HANGUL.search(term) and re.search(r"[a-z0-9]", term)), (
            f"a Hangul word glued to others in the search index: {term!r}"
        )
        docs = docs if isinstance(docs, list) else [docs]
        where[term] = {docnames[d] for d in docs}
    checked = 0
    for rel, path in site_pages(site_dir):
        if rel in NOT_READING or rel == "404.html":
            continue
        main = article(path)
        for chart in main.select(".nea-chart"):  # drawn from JSON, not indexed text
            chart.decompose()
        docname = rel.removesuffix(".html")
        for word in set(HANGUL.findall(main.get_text(" "))):
            assert docname in where.get(word, set()), (
                f"{rel}: searching {word!r} does not find this page"
            )
            checked += 1
    assert checked, "no Hangul on any page: is the data table of administrations gone?"


def test_raw_html_table_cells_are_apart_for_the_search_index(site_dir: Path) -> None:
    """Sphinx indexes raw HTML by deleting its tags: cells written back to back
    (``</td><td>``) run together into one search word. Every table cell, header cell and row
    the edition writes as raw HTML is followed by white space."""
    glued = re.compile(r"</t[dhr]><t[dhr][\s>]")
    for rel, path in site_pages(site_dir):
        found = glued.findall(path.read_text(encoding="utf-8"))
        assert not found, f"{rel}: {len(found)} table cells back to back, e.g. {found[0]}"


@pytest.mark.browser
def test_searching_a_korean_name_finds_its_page(browser, site_url: str) -> None:
    page = browser.new_page()
    try:
        hrefs = search_results(page, site_url, "이명박")
        assert any("figure-administrations.html" in h for h in hrefs), hrefs
    finally:
        page.close()


# ----------------------------------------------------------------------------------------------
# the paper's notes


def test_every_note_mention_links_to_its_endnote(site_dir: Path) -> None:
    """Each number of "(note 12)", "notes 11 and 13", "endnote 6" links to that note's entry
    on the Endnotes page, and the entry's anchor exists."""
    endnotes = site_dir / "book" / "endnotes.html"
    anchors = set(re.findall(r'id="(endnote-\d+)"', endnotes.read_text(encoding="utf-8")))
    assert len(anchors) >= 29, sorted(anchors)
    mentions = 0
    for rel, path in site_pages(site_dir):
        # the Endnotes page is the notes' own; the Bibliography prints references.bib's
        # fields (the anonymous interview's note names "notes 9 and 18"), no MyST to link in
        if rel in NOT_READING or rel in NOTES_OWN_PAGES:
            continue
        main = article(path)
        for table in main.find_all("table"):  # data: a "note" column's header and its numbers
            table.decompose()
        text, runs = text_with_links(main)
        for match in NOTE_MENTION.finditer(text):
            for number in re.finditer(r"\d+", match.group(1)):
                index = match.start(1) + number.start()
                href = href_at(runs, index)
                where = f"{rel}: {match.group(0)!r}"
                assert href is not None, f"{where}: note {number.group()} is not a link"
                target = urlsplit(urljoin(f"http://site/{rel}", href))
                assert target.path == "/book/endnotes.html", f"{where}: links to {href}"
                assert target.fragment == f"endnote-{number.group()}", f"{where}: {href}"
                assert target.fragment in anchors, f"{where}: no entry {target.fragment}"
                mentions += 1
    assert mentions >= 20, f"only {mentions} note mentions found: is the pattern broken?"


# ----------------------------------------------------------------------------------------------
# link text


def page_titles(site_dir: Path) -> dict[str, str]:
    """Site path ("/book/05-conclusion.html") -> the page's H1, as a reader sees it."""
    titles = {}
    for rel, path in site_pages(site_dir):
        h1 = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").find("h1")
        if h1 is not None:
            titles["/" + rel] = " ".join(h1.get_text(" ").replace("#", "").split())
    return titles


def test_no_link_text_is_a_whole_sentence(site_dir: Path) -> None:
    """A link's text names its target in a few words. Longer text is allowed only for a link
    to a whole page that names the page by its title (the paper's section titles are long).
    Navigation (sidebars, the page's contents, previous and next) is the theme's, not prose."""
    titles = page_titles(site_dir)
    long_links = []
    for rel, path in site_pages(site_dir):
        if rel in NOT_READING:
            continue
        main = article(path)
        for nav in main.select("nav, .prev-next-area, .bd-toc, .bd-sidebar-secondary"):
            nav.decompose()
        for link in main.find_all("a", href=True):
            words = link.get_text(" ").split()
            if len(words) <= MAX_LINK_WORDS:
                continue
            target = urlsplit(urljoin(f"http://site/{rel}", link["href"]))
            names_the_page = not target.fragment and titles.get(target.path) is not None
            title = titles.get(target.path, "")
            if names_the_page and " ".join(words).lstrip("0123456789. ") == title.lstrip(
                "0123456789. "
            ):
                continue
            long_links.append(f"{rel}: {' '.join(words)!r} -> {link['href']}")
    assert not long_links, "\n".join(long_links)


# ----------------------------------------------------------------------------------------------
# charts on a phone

SLIDER_CHARTS = [
    "book/04-security-cooperation/figure-membership-matrix.html",
    "book/data.html",
]


@pytest.mark.browser
@pytest.mark.parametrize("path", SLIDER_CHARTS)
def test_a_chart_and_its_slider_fit_one_phone_screen(
    browser, site_url: str, artifacts_dir: Path, path: str
) -> None:
    """Scrolled to its top, under the page's sticky header, a chart with a slider shows the
    slider and every row at once on a 375 x 812 phone (the matrix was 858 px tall)."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    try:
        page.goto(f"{site_url}/{path}")
        page.add_style_tag(content="html { scroll-behavior: auto !important; }")
        (artifacts_dir / "readers-rest").mkdir(parents=True, exist_ok=True)
        page.locator(".nea-chart").first.wait_for()
        count = page.locator(".nea-chart").count()
        checked = 0
        for i in range(count):
            chart = page.locator(".nea-chart").nth(i)
            chart.scroll_into_view_if_needed()
            page.wait_for_function(
                "i => document.querySelectorAll('.nea-chart')[i].dataset.drawn === 'true'",
                arg=i,
                timeout=30_000,
            )
            if not chart.locator(".slider-container").count():
                continue
            box = page.evaluate(
                """i => {
                  const chart = document.querySelectorAll('.nea-chart')[i];
                  const plot = chart.querySelector('.nea-chart-plot');
                  // the theme's sticky bars (on a phone, the article's header) cover the top
                  const below = Math.max(0, ...[...document.querySelectorAll(
                      '.bd-header, .bd-header-article')]
                    .filter(e => ['sticky', 'fixed'].includes(getComputedStyle(e).position))
                    .map(e => e.getBoundingClientRect().height));
                  window.scrollTo(0, plot.getBoundingClientRect().top + scrollY - below);
                  const r = plot.getBoundingClientRect();
                  const s = chart.querySelector('.slider-container').getBoundingClientRect();
                  const rows = [...plot.querySelectorAll('.ytick')].map(
                    t => t.getBoundingClientRect().bottom);
                  return {top: r.top, bottom: r.bottom, header: below, slider: s.top,
                          lastRow: Math.max(...rows), height: innerHeight};
                }""",
                i,
            )
            assert box["slider"] >= box["header"] - 1, box
            assert box["lastRow"] <= box["height"], f"{path}: the last rows are off screen {box}"
            assert box["bottom"] <= box["height"] + 1, f"{path}: the chart is taller {box}"
            checked += 1
            keep_screenshot(
                page, artifacts_dir / "readers-rest" / f"slider-{Path(path).stem}-375.jpeg"
            )
        assert checked, f"{path}: no chart with a slider"
    finally:
        context.close()


# ----------------------------------------------------------------------------------------------
# screenshots


#: Views the page visits (first screens) and test_charts_dark (every chart, every screen and
#: mode) do not already photograph: search results, and a page scrolled to its note links.
CHANGED = {
    "search-asean": "search.html?q=ASEAN",
    "strategic-alliance": "book/03-lee-government/strategic-alliance.html",
}


@pytest.mark.browser
@pytest.mark.parametrize("name", list(CHANGED))
def test_screenshots_of_changed_pages(browser, site_url: str, artifacts_dir: Path, name) -> None:
    """Phone and desktop, light and dark, for people to look at (always passes)."""
    out = artifacts_dir / "readers-rest"
    out.mkdir(parents=True, exist_ok=True)
    for scheme in ("light", "dark"):
        for width, options in (("375", PHONE), ("1280", DESKTOP)):
            context = browser.new_context(color_scheme=scheme, **options)
            context.add_init_script("localStorage.setItem('mode', 'auto')")
            page = context.new_page()
            page.goto(f"{site_url}/{CHANGED[name]}", wait_until="load")
            if name == "search-asean":
                page.wait_for_selector("#search-results p.search-summary", timeout=20_000)
            else:
                page.locator("a[href*='#endnote-']").first.scroll_into_view_if_needed()
            keep_screenshot(page, out / f"{name}-{width}-{scheme}.jpeg")
            context.close()
