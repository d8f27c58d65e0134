"""Readers' tables: data tables, the agenda filter, cite boxes, previews, the data ZIP.

Each test guards a class of defect on every page where it can occur, not one instance:

* the tables under the figures: every ``source`` cell is links (addresses by host name,
  bibliography keys to their entry), no cell shows pandas' ``<NA>``/``NaN``/``NaT`` and no
  address is left as plain text; every table sorts from its header buttons and filters from
  its search field, by keyboard;
* the afterword's agenda filter hides and shows items by outcome, scope and section, writes
  its state into the address and restores it from there;
* every cite box's BibTeX and RIS (shown, copied and downloaded) carry the URL and the
  reader's access date, and never name the editors twice (author and publisher);
* the citations' previews open on keyboard focus and on a tap, and the link still works;
* the download-all ZIP holds every CSV and is a function of the files and SOURCE_DATE_EPOCH;
* the Data page's column tables fit a phone's width (cards below 600 px).

Screenshots of the changed pages at 375 and 1280 px, light and dark, go to test-artifacts/.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import bibtexparser
import pytest
import rispy
from bs4 import BeautifulSoup
from helpers import DESKTOP, PHONE, keep_screenshot

from nea_edition import clock
from nea_edition.site import tables

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
#: What pandas prints for a missing value, in one form or another.
MISSING_MARKS = ("<NA>", "NaN", "NaT", "None", "nan")
ADDRESS = re.compile(r"https?://")


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def pages_with(site_dir: Path, marker: str) -> list[Path]:
    return sorted(p for p in site_dir.rglob("*.html") if marker in p.read_text(encoding="utf-8"))


def new_page(browser, mode: str = "light", **options):  # type: ignore[no-untyped-def]
    context = browser.new_context(color_scheme=mode, **options)
    context.add_init_script(
        f"localStorage.setItem('mode', '{mode}'); localStorage.setItem('theme', '{mode}');"
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return context, page, errors


# ----------------------------------------------------------------------------------------------
# the data tables' cells (static)


def test_every_data_table_links_its_sources_and_shows_no_missing_marks(site_dir: Path) -> None:
    pages = pages_with(site_dir, "nea-data-table")
    assert len(pages) >= 5, pages
    for path in pages:
        page = soup(path)
        ids = {tag["id"] for tag in page.select("[id]")}
        for table in page.select("table.nea-data-table"):
            headers = [th.get_text(strip=True) for th in table.select("thead th")]
            assert headers, path
            for row in table.select("tbody tr"):
                # (a table to read heads each row with a th: its cells are checked alike)
                for header, cell in zip(headers, row.select("th, td"), strict=True):
                    text = cell.get_text(" ", strip=True)
                    where = f"{path.name}: {header}={text!r}"
                    assert text not in MISSING_MARKS, where
                    if "nea-empty" in cell.get("class", []):
                        assert cell.get("data-value") == "", where
                        assert "no value" in cell.select_one(".nea-sr-only").get_text(), where
                        continue
                    # no address is ever shown as plain text
                    loose = "".join(cell.find_all(string=True, recursive=False))
                    assert not ADDRESS.search(loose), where
                    for link in cell.select("a"):
                        assert not ADDRESS.match(link.get_text()), f"{where}: host as text"
                    if header in ("source", "sources"):
                        links = cell.select("a[href]")
                        assert links, where
                        rest = text
                        for link in links:
                            rest = rest.replace(link.get_text(" ", strip=True), "")
                        assert not rest.replace(";", "").strip(), f"{where}: text outside links"
                        for link in links:
                            href = link["href"]
                            assert not href.startswith("#nea-bib-"), f"{where}: unresolved key"
                            if "nea-bibkey" in link.get("class", []):
                                target = (path.parent / href.split("#")[0]).resolve()
                                assert target.is_file(), where
                                if "#" in href:
                                    anchor = href.split("#", 1)[1]
                                    assert soup(target).find(id=anchor), where
                                    assert link.get("title"), f"{where}: no reference text"
            assert ids  # the page has anchors at all


# ----------------------------------------------------------------------------------------------
# sorting and filtering, by keyboard


def column_values(table, col: int) -> list[str]:  # type: ignore[no-untyped-def]
    return table.evaluate(
        """(t, col) => Array.from(t.tBodies[0].rows).filter(r => !r.hidden).map(r => {
            const c = r.cells[col]; const v = c.getAttribute('data-value');
            return v !== null ? v : c.textContent.trim(); })""",
        col,
    )


@pytest.mark.browser
def test_every_data_table_sorts_and_filters_by_keyboard(
    browser, site_url: str, site_dir: Path
) -> None:
    context, page, errors = new_page(browser, **DESKTOP)
    checked = 0
    for path in pages_with(site_dir, "nea-data-table"):
        page.goto(f"{site_url}/{path.relative_to(site_dir).as_posix()}")
        for index in range(page.locator("table[data-nea-table]").count()):
            table = page.locator("table[data-nea-table]").nth(index)
            details = table.locator("xpath=ancestor::details[1]")
            if not details.evaluate("d => d.open"):  # (a page about its table shows it open)
                details.locator("summary").focus()
                page.keyboard.press("Enter")  # open the toggle from the keyboard
            headers = table.locator("thead th")
            buttons = table.locator("thead th > button.nea-sort")
            assert buttons.count() == headers.count() > 0, path
            rows = table.evaluate("t => t.tBodies[0].rows.length")
            # sort by the first column whose values are not all alike
            col = next(
                (c for c in range(headers.count()) if len(set(column_values(table, c))) > 1), 0
            )
            original = column_values(table, col)
            buttons.nth(col).focus()
            page.keyboard.press("Enter")
            assert headers.nth(col).get_attribute("aria-sort") == "ascending", path
            up = column_values(table, col)
            filled = [v for v in up if v != ""]
            assert up[: len(filled)] == filled, f"{path}: empty cells sort last"
            numeric = all(re.fullmatch(r"-?\d+(\.\d+)?", v) for v in filled)
            if numeric:
                assert [float(v) for v in filled] == sorted(float(v) for v in filled), path
            assert sorted(up) == sorted(original)
            page.keyboard.press("Space")
            assert headers.nth(col).get_attribute("aria-sort") == "descending", path
            down = column_values(table, col)
            assert [v for v in down if v] == list(reversed(filled)) or not numeric, path
            page.keyboard.press("Enter")
            assert headers.nth(col).get_attribute("aria-sort") is None, path
            assert column_values(table, col) == original, f"{path}: own order restored"
            # only one header says it sorts
            assert table.locator("thead th[aria-sort]").count() == 0
            # filter: type a value of the first row, from the keyboard
            search = details.locator("input[type=search]")
            assert search.count() == 1
            probe = next(v for v in original if v) if any(original) else ""
            search.focus()
            page.keyboard.type(probe)
            shown = int(table.get_attribute("data-nea-shown"))
            assert 1 <= shown <= rows, path
            visible = table.evaluate(
                """t => Array.from(t.tBodies[0].rows).filter(r => !r.hidden)
                    .map(r => (r.textContent + ' ' + Array.from(r.querySelectorAll('a'))
                        .map(a => a.getAttribute('href')).join(' ')).toLowerCase())"""
            )
            assert len(visible) == shown and all(probe.lower() in v for v in visible), path
            status = details.locator(".nea-table-status").text_content()
            assert f"{shown} of {rows}" in status, status
            page.keyboard.type("\u2603\u2603 no such text")
            assert table.get_attribute("data-nea-shown") == "0"
            page.keyboard.press("Control+A")
            page.keyboard.press("Backspace")
            assert int(table.get_attribute("data-nea-shown")) == rows
            checked += 1
    context.close()
    assert checked >= 6, checked
    assert not errors, errors


# ----------------------------------------------------------------------------------------------
# the agenda filter


# The items one by one, with their filter, on the afterword's page of items.
ITEMS_PAGE = "book/06-after-2009/items.html"


def agenda_state(page) -> dict:  # type: ignore[no-untyped-def]
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('p.rubric.nea-agenda-item')).map(r => ({
            id: r.id, hidden: r.hidden,
            status: [...r.classList].find(c => c.startsWith('nea-status-')),
            scope: [...r.classList].find(c => c.startsWith('nea-scope-')),
            section: [...r.classList].find(c => c.startsWith('nea-section-')),
            bodyHidden: r.nextElementSibling ? r.nextElementSibling.hidden : null }))"""
    )


@pytest.mark.browser
def test_the_agenda_filter_hides_items_and_its_address_restores_it(
    browser, site_url: str, artifacts_dir: Path
) -> None:
    context, page, errors = new_page(browser, **PHONE)
    page.goto(f"{site_url}/{ITEMS_PAGE}")
    form = page.locator("form.nea-agenda-filter")
    assert form.is_visible()
    items = agenda_state(page)
    assert len(items) >= 10 and not any(i["hidden"] for i in items)
    assert all(i["status"] and i["scope"] and i["section"] for i in items)
    statuses = sorted({i["status"] for i in items})
    dropped = statuses[0].removeprefix("nea-status-")

    # untick one outcome with the keyboard
    box = form.locator(f"input[name=outcome][value={dropped}]")
    box.focus()
    page.keyboard.press("Space")
    state = agenda_state(page)
    for item in state:
        gone = item["status"] == f"nea-status-{dropped}"
        assert item["hidden"] == gone and item["bodyHidden"] == gone, item
    query = parse_qs(urlsplit(page.url).query)
    assert dropped not in query["outcome"][0].split(",") and query["outcome"][0]

    # choose a section from the list, and a scope
    section = items[-1]["section"].removeprefix("nea-section-")
    form.locator("select[name=section]").select_option(section)
    scope = items[-1]["scope"].removeprefix("nea-scope-")
    # (by keyboard: at 375 px the afterword is laid out wider than the screen by content
    # outside this part, and Chromium's hit-testing of taps is then off)
    for other in form.locator("input[name=scope]").all():
        if other.get_attribute("value") != scope:
            other.focus()
            page.keyboard.press("Space")
    expected = [
        i["id"]
        for i in items
        if i["status"] != f"nea-status-{dropped}"
        and i["section"] == f"nea-section-{section}"
        and i["scope"] == f"nea-scope-{scope}"
    ]
    shown = [i["id"] for i in agenda_state(page) if not i["hidden"]]
    assert shown == expected
    status = form.locator(".nea-agenda-filter-status").text_content()
    assert f"Showing {len(expected)} of {len(items)}" in status
    # a section whose items are all hidden hides its heading too
    headings = page.evaluate(
        """() => Array.from(document.querySelectorAll('p.rubric.nea-agenda-section'))
            .map(r => [r.className, r.hidden])"""
    )
    assert [h for h in headings if not h[1]] == [
        h for h in headings if f"nea-section-{section}" in h[0]
    ] or not expected
    keep_screenshot(page, artifacts_dir / "readers-tables-agenda-filter-375-light.jpeg")

    # the address restores the view in a fresh page
    linked = page.url
    assert "section=" + section in linked and "scope=" + scope in linked
    fresh = context.new_page()
    fresh.goto(linked)
    assert [i["id"] for i in agenda_state(fresh) if not i["hidden"]] == expected
    assert not fresh.locator(f"input[name=outcome][value={dropped}]").is_checked()
    assert fresh.locator("select[name=section]").input_value() == section

    # Show all items clears the filter and the address
    fresh.locator(".nea-agenda-filter-reset").focus()
    fresh.keyboard.press("Enter")
    assert not any(i["hidden"] for i in agenda_state(fresh))
    assert urlsplit(fresh.url).query == ""

    # a link to an item the filter hides shows it (the filter gives way)
    hidden_item = next(i["id"] for i in items if i["status"] == f"nea-status-{dropped}")
    fresh.goto(f"{site_url}/{ITEMS_PAGE}?outcome=none-such#{hidden_item}")
    assert fresh.locator(f"#{hidden_item}").is_visible()

    # an address with values the filter does not offer (a mistyped or outdated link) shows
    # every item, not an empty list; the values it does offer still apply
    fresh.goto(f"{site_url}/{ITEMS_PAGE}?outcome=none-such&scope=also-none")
    assert not any(i["hidden"] for i in agenda_state(fresh))
    fresh.goto(f"{site_url}/{ITEMS_PAGE}?section={section},none-such")
    assert [i["id"] for i in agenda_state(fresh) if not i["hidden"]] == [
        i["id"] for i in items if i["section"] == f"nea-section-{section}"
    ]
    context.close()
    assert not errors, errors


# ----------------------------------------------------------------------------------------------
# cite boxes: URL and access date; author and publisher


def parse_bib(text: str) -> dict:
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks
    (entry,) = library.entries
    return {f.key: f.value for f in entry.fields}


@pytest.mark.browser
@pytest.mark.parametrize("doc", ["book/01-introduction", "book/data", "book/index"])
def test_cite_boxes_carry_url_and_access_date(browser, site_url: str, doc: str) -> None:
    context, page, errors = new_page(browser, **DESKTOP)
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(f"{site_url}/{doc}.html")
    today = page.evaluate(
        "() => { const d = new Date(); return [d.getFullYear(), d.getMonth() + 1, d.getDate()]; }"
    )
    iso = dt.date(*today).isoformat()
    works = page.locator(".nea-cite-work")
    assert works.count() >= 1
    for index in range(works.count()):
        work = works.nth(index)
        bib, ris = (work.locator("pre.nea-cite-text").nth(i).text_content() for i in (0, 1))
        fields = parse_bib(bib)
        (record,) = rispy.loads(ris)
        if "url" not in fields:  # the original paper, when references.bib gives no address
            assert "urls" not in record and "urldate" not in fields
            continue
        assert fields["url"].startswith("http"), fields
        assert fields["urldate"] == iso, fields
        assert record["urls"] == [fields["url"]]
        assert record["access_date"] == iso.replace("-", "/")
        reference = work.locator(".nea-cite-reference")
        assert f"Accessed {iso}." in reference.text_content()
        assert reference.locator(f'a[href="{fields["url"]}"]').count() == 1
        if work.get_attribute("data-nea-cite-href"):  # the edition's own works
            assert fields["url"].startswith(site_url), fields["url"]
            assert "publisher" not in fields, "the editors are named once, as author"
            assert "publisher" not in record
            text = reference.text_content()
            assert text.count("The editors of the open analytic edition") == 1, text
        # the copy buttons copy, and the downloads save, the same texts
        for i, label in enumerate(("BibTeX", "RIS")):
            work.get_by_role("button", name=f"Copy {label}").click()
            copied = page.evaluate("navigator.clipboard.readText()")
            assert copied == work.locator("pre.nea-cite-text").nth(i).text_content()
            with page.expect_download() as info:
                work.get_by_role("link", name=f"Download {label}").click()
            saved = Path(info.value.path()).read_text(encoding="utf-8")
            assert saved == copied, label
            assert (iso if i == 0 else iso.replace("-", "/")) in saved
            assert info.value.suggested_filename.endswith(".bib" if i == 0 else ".ris")
    context.close()
    assert not errors, errors


# ----------------------------------------------------------------------------------------------
# citation previews


@pytest.mark.browser
def test_citation_previews_open_on_focus_and_on_tap(
    browser, site_url: str, site_dir: Path, artifacts_dir: Path
) -> None:
    doc = "book/01-introduction.html"
    titles = [
        a["title"]
        for a in soup(site_dir / doc).select(".bibtex-citation a[title], a.nea-bibkey[title]")
    ]
    assert titles

    # keyboard: focus opens it, Escape closes it, Enter still follows the link
    context, page, errors = new_page(browser, **DESKTOP)
    page.goto(f"{site_url}/{doc}")
    links = page.locator(".bibtex-citation a[data-nea-preview]")
    assert links.count() == len(titles)
    link = links.first
    described = page.locator(f"#{link.get_attribute('aria-describedby').split()[-1]}")
    assert described.text_content() == titles[0]  # what a screen reader announces
    assert link.get_attribute("title") is None  # no second, mouse-only tooltip
    page.keyboard.press("Tab")  # the page takes keyboard focus; then move to the link
    link.focus()
    preview = page.locator(".nea-ref-preview")
    assert preview.is_visible() and preview.text_content().startswith(titles[0])
    page.keyboard.press("Escape")
    assert not preview.is_visible()
    href = link.get_attribute("href")
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(re.escape(href.split("#")[0])))
    context.close()

    # touch: the first tap opens it (and stays on the page), the second follows the link
    context, page, more = new_page(browser, **PHONE)
    page.goto(f"{site_url}/{doc}")
    link = page.locator(".bibtex-citation a[data-nea-preview]").first
    link.scroll_into_view_if_needed()
    before = page.url
    link.tap()
    preview = page.locator(".nea-ref-preview")
    assert preview.is_visible() and titles[0] in preview.text_content()
    assert "Tap the citation again" in preview.text_content()
    assert page.url == before
    box, view = preview.bounding_box(), page.viewport_size
    assert box["x"] >= 0 and box["x"] + box["width"] <= view["width"] + 1
    keep_screenshot(page, artifacts_dir / "readers-tables-preview-375-light.jpeg")
    # a tap elsewhere closes it
    page.locator("article h1").first.tap()
    assert not preview.is_visible()
    link.tap()
    link.tap()
    page.wait_for_url(re.compile("bibliography"))
    context.close()
    assert not errors and not more, errors + more


# ----------------------------------------------------------------------------------------------
# the data as one ZIP


def site_zip(site_dir: Path) -> Path:
    (path,) = (site_dir / tables.DOWNLOADS_DIR).glob("nea-edition-data-*.zip")
    return path


def test_the_zip_holds_every_csv_the_schema_readme_and_licence(site_dir: Path) -> None:
    path = site_zip(site_dir)
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        assert names == sorted(names)
        stem = tables.zip_stem()
        expected = {f"{stem}/data/{p.name}" for p in DATA.glob("*.csv")}
        expected |= {f"{stem}/data/datapackage.json", f"{stem}/data/README.md"}
        expected |= {f"{stem}/LICENSE-TEXT.md", f"{stem}/references.bib"}
        assert expected <= set(names), sorted(expected - set(names))
        for name in names:
            source = ROOT / name.split("/", 1)[1]
            assert archive.read(name) == source.read_bytes(), name
        stamps = {info.date_time for info in archive.infolist()}
        assert len(stamps) == 1
    # the Data page links it, from its Downloads section
    page = soup(site_dir / "book/data.html")
    link = page.select_one("a.nea-download-all-link[download]")
    assert link is not None
    assert (site_dir / "book" / link["href"]).resolve() == path.resolve()


def test_the_zip_is_the_same_bytes_in_every_build(site_dir: Path, tmp_path: Path) -> None:
    """The ZIP is a function of the files and SOURCE_DATE_EPOCH alone: an incremental build,
    a clean one and this process all make the same bytes."""
    path = site_zip(site_dir)
    with zipfile.ZipFile(path) as archive:
        stamp = archive.infolist()[0].date_time
    epoch = int(dt.datetime(*stamp, tzinfo=clock.KST).timestamp())
    assert tables.build_zip(ROOT, epoch) == path.read_bytes()
    assert tables.build_zip(ROOT, epoch) == tables.build_zip(ROOT, epoch)
    # the files' own times on disk play no part
    copy = tmp_path / "copy"
    for _, member in tables.zip_members(ROOT):
        target = copy / member.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(member.read_bytes())
    assert tables.build_zip(copy, epoch) == path.read_bytes()
    # and the time is SOURCE_DATE_EPOCH's, in Korea Standard Time
    with zipfile.ZipFile(io.BytesIO(tables.build_zip(ROOT, 1_700_000_000))) as archive:
        assert archive.infolist()[0].date_time == (2023, 11, 15, 7, 13, 20)


# ----------------------------------------------------------------------------------------------
# the Data page's column tables on a phone; screenshots


@pytest.mark.browser
@pytest.mark.parametrize("mode", ["light", "dark"])
@pytest.mark.parametrize("width", [375, 1280])
def test_the_column_tables_fit_the_screen(
    browser, site_url: str, artifacts_dir: Path, mode: str, width: int
) -> None:
    options = PHONE if width == 375 else DESKTOP
    context, page, errors = new_page(browser, mode, **options)
    page.goto(f"{site_url}/book/data.html")
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    tables_ = page.locator("table.data-schema")
    assert tables_.count() >= 10
    for index in range(tables_.count()):
        table = tables_.nth(index)
        overflow = table.evaluate(
            "t => { const c = t.closest('.pst-scrollable-table-container') || t.parentElement;"
            " return c.scrollWidth - c.clientWidth; }"
        )
        if width == 375:
            assert overflow <= 1, f"table {index} scrolls sideways by {overflow}px"
            display = table.locator("tbody tr").first.evaluate("r => getComputedStyle(r).display")
            assert display == "block"
            assert table.get_attribute("role") == "table"
            assert table.locator("tbody td").first.get_attribute("role") == "cell"
            label = (
                table.locator("tbody td")
                .nth(1)
                .evaluate("c => getComputedStyle(c, '::before').content")
            )
            assert "Type" in label
        else:
            display = table.locator("tbody tr").first.evaluate("r => getComputedStyle(r).display")
            assert display == "table-row"
    page.locator("#columns-memberships").scroll_into_view_if_needed()
    keep_screenshot(page, artifacts_dir / f"readers-tables-data-{width}-{mode}.jpeg")
    page.locator("a.nea-download-all-link").scroll_into_view_if_needed()
    keep_screenshot(page, artifacts_dir / f"readers-tables-data-zip-{width}-{mode}.jpeg")
    context.close()
    assert not errors, errors


@pytest.mark.browser
@pytest.mark.parametrize("mode", ["light", "dark"])
@pytest.mark.parametrize("width", [375, 1280])
def test_screenshots_of_a_data_table(
    browser, site_url: str, artifacts_dir: Path, mode: str, width: int
) -> None:
    options = PHONE if width == 375 else DESKTOP
    context, page, errors = new_page(browser, mode, **options)
    page.goto(f"{site_url}/book/04-security-cooperation/figure-membership-matrix.html")
    details = page.locator("details.nea-data").first
    details.locator("summary").click()
    details.locator("button.nea-sort").nth(3).click()
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    details.locator(".nea-table-tools").scroll_into_view_if_needed()
    keep_screenshot(page, artifacts_dir / f"readers-tables-membership-{width}-{mode}.jpeg")
    context.close()
    assert not errors, errors
