"""The whole edition as one PDF (``nea_edition.pdf``), read by real PDF tools.

The build prints ``_build/html/edition.pdf`` wherever Chromium is present (CI installs it), so
these tests read the PDF the site publishes, with pypdf (outline, links, metadata) and Poppler
(``pdfinfo``, ``pdftotext``, ``pdffonts``; Debian's poppler-utils, installed by ``.ci/run``).
Without Chromium or Poppler they skip locally; in CI they fail instead.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from helpers import chromium_missing_reason, normalise, page_path, toc_files

from nea_edition import clock
from nea_edition import pdf as edition_pdf

ROOT = Path(__file__).resolve().parents[1]
POPPLER = ("pdfinfo", "pdftotext", "pdffonts")


def missing(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"PDF tests must run in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def edition(site_dir: Path) -> Path:
    """The published PDF; the build must have printed it wherever Chromium is present."""
    path = site_dir / edition_pdf.PDF_NAME
    if not path.is_file():
        reason = chromium_missing_reason() or edition_pdf.chromium_missing_reason()
        if reason:
            missing(f"no {path}: {reason}")
        pytest.fail(f"Chromium is here but the build printed no {path}")
    for tool in POPPLER:
        if shutil.which(tool) is None:
            missing(f"{tool} not found (apt-get install poppler-utils)")
    return path


def poppler(tool: str, *args: str) -> str:
    return subprocess.run([tool, *args], capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="session")
def info(edition: Path) -> dict[str, str]:
    fields = {}
    for line in poppler("pdfinfo", "-isodates", str(edition)).splitlines():
        key, _, value = line.partition(":")
        fields[key.strip()] = value.strip()
    return fields


@pytest.fixture(scope="session")
def text(edition: Path) -> str:
    return poppler("pdftotext", "-enc", "UTF-8", str(edition), "-")


def squeeze(value: str) -> str:
    """Text compared without spacing: pdftotext breaks lines where the layout does."""
    value = value.replace("\u2019", "'").replace("\u2018", "'").replace("\u00ad", "")
    return re.sub(r"\s+", "", value)


@pytest.fixture(scope="session")
def reader(edition: Path):
    from pypdf import PdfReader

    return PdfReader(edition)


def flat_outline(reader) -> list[tuple[int, str, int]]:
    """(depth, title, 1-based page) of every bookmark, depth first."""
    found: list[tuple[int, str, int]] = []

    def walk(items: list, depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, item.title, reader.get_destination_page_number(item) + 1))

    walk(reader.outline, 0)
    return found


@pytest.mark.browser
def test_page_count_is_sane_and_pages_are_a4(info: dict[str, str]) -> None:
    pages = int(info["Pages"])
    chapters = len(toc_files())
    # a title page, the contents and at least a page per page of _toc.yml; not runaway
    assert chapters + 2 <= pages <= 20 * chapters, pages
    assert "A4" in info["Page size"], info["Page size"]


@pytest.mark.browser
def test_metadata_title_author_date_language_and_tags(
    info: dict[str, str], reader, edition: Path
) -> None:
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert info["Title"] == cff["title"]
    for author in cff["authors"]:
        assert author.get("name", author.get("family-names")) in info["Author"]
    assert "Kim Sung-han" in info["Subject"]
    # the sources' date (SOURCE_DATE_EPOCH or the last commit), never the print time
    date = edition_pdf.pdf_date(clock.source_date_epoch(ROOT))
    assert reader.metadata["/CreationDate"] == date
    assert reader.metadata["/ModDate"] == date
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert info["Tagged"] == "yes"
    assert reader.trailer["/ID"][0] == reader.trailer["/ID"][1]


def heading_text(tag) -> str:
    """A heading as the site shows it, numbering included, without its pilcrow link."""
    for link in tag.select("a.headerlink"):
        link.decompose()
    return " ".join(tag.get_text(" ").split()).replace(" .", ".")


@pytest.mark.browser
def test_outline_has_every_page_of_the_toc_in_order(site_dir: Path, reader) -> None:
    outline = flat_outline(reader)
    titles = [title for _, title, _ in outline]
    position, last_page = 0, 0
    for docname in toc_files()[1:]:
        soup = BeautifulSoup(page_path(site_dir, docname).read_text("utf-8"), "html.parser")
        heading = heading_text(soup.select_one("article.bd-article h1"))
        assert heading in titles[position:], (
            f"no bookmark {heading!r} for {docname} after bookmark {position}"
        )
        position = titles.index(heading, position) + 1
        page = outline[position - 1][2]
        assert page >= last_page, f"{docname} starts on page {page}, before the page before it"
        last_page = page
    top = [title for depth, title, _ in outline if depth == 0]
    assert top[:2] == ["Contents", edition_pdf.FRONT_TITLE], top


@pytest.mark.browser
def test_bookmarks_are_the_headings_text_exactly(site_dir: Path, reader) -> None:
    """Every heading of every page is a bookmark with its words and spaces as on the site.

    Chromium's own outline ran words together where a heading wrapped ("Changein Strategic");
    the outline is now written by pypdf from the headings' text (``pdf.write_outline``).
    """
    titles = {title for _, title, _ in flat_outline(reader)}
    # (sections are unnumbered: _toc.yml numbers the chapters only)
    assert "Change in Strategic Picture since the End of the Cold War" in titles
    assert "2. Northeast Asian Regionalism and Korea\u2019s Evolving Strategic Thought" in titles
    missing = []
    for docname in toc_files()[1:]:
        soup = BeautifulSoup(page_path(site_dir, docname).read_text("utf-8"), "html.parser")
        article = soup.select_one("article.bd-article")
        for selector in edition_pdf.DROP_SELECTORS:
            for tag in article.select(selector):
                tag.decompose()
        for tag in article.find_all(["h1", "h2", "h3", "h4"]):
            if heading_text(tag) not in titles:
                missing.append(f"{docname}: {heading_text(tag)!r}")
    assert not missing, "headings with no bookmark of exactly their text:\n" + "\n".join(missing)
    run_together = [t for t in titles if re.search(r"[a-z][A-Z][a-z]", t)]
    assert not run_together, run_together


@pytest.mark.browser
def test_every_page_heading_and_section_heading_is_in_the_text(site_dir: Path, text: str) -> None:
    body = squeeze(text)
    absent = []
    for docname in toc_files()[1:]:
        soup = BeautifulSoup(
            page_path(site_dir, docname).read_text(encoding="utf-8"), "html.parser"
        )
        article = soup.select_one("article.bd-article")
        for selector in edition_pdf.DROP_SELECTORS:  # what the PDF leaves out on purpose
            for tag in article.select(selector):
                tag.decompose()
        for heading in article.find_all(["h1", "h2", "h3"]):
            words = normalise(heading.get_text(" "))
            if squeeze(words) not in body:
                absent.append(f"{docname}: {words}")
    assert not absent, "headings missing from the PDF's text:\n" + "\n".join(absent)


@pytest.mark.browser
def test_contents_page_numbers_are_the_bookmarks_pages(reader, edition: Path) -> None:
    """Every entry of the contents shows the page its heading starts on, as its bookmark does.

    The entries are the front page and every page of _toc.yml, in order; each links the
    page's named destination, whose page must be the number shown and the page of a bookmark
    of the same title.
    """
    entries = [
        re.fullmatch(r"(.*\S)\s+(\d+)", " ".join(line.split()))
        for line in reader.pages[1].extract_text().splitlines()
    ]
    entries = [(m.group(1), int(m.group(2))) for m in entries if m]
    docnames = toc_files()
    assert len(entries) == len(docnames), entries
    starts = edition_pdf.toc_page_numbers(edition, docnames)
    bookmarks = {(title, page) for _, title, page in flat_outline(reader)}
    wrong = [
        (docname, title, shown, starts[docname])
        for docname, (title, shown) in zip(docnames, entries, strict=True)
        if shown != starts[docname] or (title, shown) not in bookmarks
    ]
    assert not wrong, f"(page, entry, number shown, where it starts): {wrong}"


def test_every_upright_text_run_is_set_on_a_whole_pixel_of_height() -> None:
    """Two prints of the same pages place a run the same (``round_text_baselines``); nothing but
    the vertical position of upright text moves."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject

    before = (
        b"BT\n/F85 12.25 Tf\n1 0 0 -1 12.5 125666.391 Tm\n<0056> Tj\nET\n"
        b"BT\n1 0 0 -1 3.25 7.5 Tm\n<01> Tj\nET\n"
        b"BT\n0 -1 -1 0 40.5 60.391 Tm\n<02> Tj\nET\nq\n1 0 0 -1 0 2.391 cm\nQ\n"
    )
    writer = PdfWriter()
    page = writer.add_blank_page(100, 100)
    stream = DecodedStreamObject()
    stream.set_data(before)
    page.replace_contents(stream)
    edition_pdf.round_text_baselines(writer)
    assert writer.pages[0].get_contents().get_data() == before.replace(
        b"12.5 125666.391 Tm", b"12.5 125666 Tm"
    ).replace(b"3.25 7.5 Tm", b"3.25 8 Tm")


def test_pypdf_still_has_the_file_identifier() -> None:
    """``pdf.set_file_identifier`` sets pypdf's private ``PdfWriter._ID`` (no public API)."""
    from pypdf import PdfWriter
    from pypdf.generic import ByteStringObject

    writer = PdfWriter()
    assert hasattr(writer, "_ID"), "pypdf dropped PdfWriter._ID: see pdf.set_file_identifier"
    ident = ByteStringObject(b"0123456789abcdef")
    assert edition_pdf.set_file_identifier(writer, ident)
    import io

    out = io.BytesIO()
    writer.add_blank_page(100, 100)
    writer.write(out)
    from pypdf import PdfReader

    assert [bytes(x.original_bytes) for x in PdfReader(out).trailer["/ID"]] == [bytes(ident)] * 2


def draw_every_chart(page) -> None:
    """Wait until every chart of the page is drawn, drawing those not yet scrolled into view."""
    page.evaluate(
        "() => window.neaCharts && window.neaCharts.drawAll ? window.neaCharts.drawAll() : null"
    )
    page.wait_for_selector("html[data-nea-charts-drawn]", state="attached", timeout=60_000)


def chart_labels(browser, site_url: str) -> dict[str, list[str]]:
    """The words every chart of the site draws: legend, axis titles, annotations, flat ticks."""
    labels: dict[str, list[str]] = {}
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        for docname in toc_files():
            html = page_path(ROOT / "_build" / "html", docname).read_text(encoding="utf-8")
            if 'class="nea-chart"' not in html:
                continue
            page.goto(f"{site_url}/{docname}.html", wait_until="load")
            draw_every_chart(page)
            labels[docname] = page.evaluate(
                """() => Array.from(document.querySelectorAll(
                    '.nea-chart-plot svg :is(.legendtext, .gtitle, .g-xtitle text, '
                    + '.g-ytitle text, .annotation-text, .ytick text, .xtick text)'))
                  .filter((el) => { const m = el.getCTM(); return m && Math.abs(m.b) < 1e-6; })
                  .flatMap((el) => {
                    const lines = el.querySelectorAll('tspan.line');
                    return lines.length ? Array.from(lines, (l) => l.textContent)
                                        : [el.textContent];
                  })
                  .map((t) => t.trim()).filter((t) => t)"""
            )
    finally:
        page.close()
    return labels


@pytest.mark.browser
def test_every_charts_labels_are_in_the_text_layer(browser, site_url: str, text: str) -> None:
    """The charts are vector graphics with real text: the site's legends and labels are there."""
    labels = chart_labels(browser, site_url)
    assert len(labels) >= 5, f"expected the edition's chart pages, found {sorted(labels)}"
    body = squeeze(text)
    absent = {
        docname: [label for label in found if squeeze(label) not in body]
        for docname, found in labels.items()
    }
    assert not any(absent.values()), f"chart labels missing from the PDF's text: {absent}"
    assert all(labels.values()), f"a chart page drew no label: {labels}"


@pytest.mark.browser
def test_the_membership_matrix_is_shown_at_2009(text: str) -> None:
    assert "Year:2009" in squeeze(text)


@pytest.mark.browser
def test_none_of_the_sites_chrome_is_printed(text: str) -> None:
    for chrome in (
        "Show code cell source",
        "Hide code cell source",
        "Skip to main content",
        "Back to top",
        "Ctrl+K",
        "About the chart pages",  # the benchmark box is screen-only
        "Data: every membership spell",  # the tables behind the figures stay on the site
    ):
        assert squeeze(chrome) not in squeeze(text), chrome
    # no code cell's source either
    assert "load_tables" not in text


@pytest.mark.browser
def test_every_font_is_embedded_and_hangul_is_in_the_text(edition: Path, text: str) -> None:
    rows = poppler("pdffonts", str(edition)).splitlines()[2:]
    assert rows, "pdffonts listed no font"
    not_embedded = [row for row in rows if row.split()[-5] != "yes"]
    assert not not_embedded, "fonts not embedded:\n" + "\n".join(not_embedded)
    assert re.search("[\uac00-\ud7a3]", text), "no Hangul in the PDF's text layer"


@pytest.mark.browser
def test_internal_links_and_citations_go_to_their_targets(reader) -> None:
    """Every internal link names a destination in the PDF; citations land in the bibliography."""
    from pypdf.generic import Destination

    dests = reader.named_destinations
    outline = flat_outline(reader)
    bibliography = next(page for _, title, page in outline if title == "Bibliography")
    internal, citations, relative = 0, 0, []
    for links in (p.get("/Annots") or [] for p in reader.pages):
        for ref in links:
            link = ref.get_object()
            if link.get("/Subtype") != "/Link":
                continue
            if "/Dest" in link:
                name = str(link["/Dest"])
                assert name in dests, f"link to a missing destination {name}"
                internal += 1
                if name.lstrip("/").startswith(edition_pdf.anchor("book/bibliography")):
                    target = dests[name]
                    assert isinstance(target, Destination)
                    assert reader.get_destination_page_number(target) + 1 >= bibliography
                    citations += 1
            elif "/A" in link and link["/A"].get("/S") == "/URI":
                uri = str(link["/A"]["/URI"])
                if not re.match(r"(https?|mailto):", uri):
                    relative.append(uri)
    assert internal > 100 and citations > 30, (internal, citations)
    assert not relative, f"links that only work on the website: {relative[:10]}"


@pytest.mark.browser
def test_a_page_printed_from_the_browser_shows_no_chrome(
    browser, site_url: str, tmp_path: Path
) -> None:
    """File > Print of one page: the text and the figure, no navigation, search or toggles."""
    for tool in POPPLER:
        if shutil.which(tool) is None:
            missing(f"{tool} not found (apt-get install poppler-utils)")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(f"{site_url}/book/04-security-cooperation/figure-membership-matrix.html")
        draw_every_chart(page)
        out = tmp_path / "page.pdf"
        page.pdf(path=str(out), format="A4")
    finally:
        page.close()
    printed = squeeze(poppler("pdftotext", "-enc", "UTF-8", str(out), "-"))
    assert squeeze("who belongs to what") in printed
    assert "Year:2009" in printed
    for chrome in ("Show code cell source", "Skip to main content", "Ctrl+K", "Search", "Play"):
        assert squeeze(chrome) not in printed, chrome
    # the other chapters' titles (the navigation sidebar) are not printed
    assert squeeze("Making Trilateralism Workable") not in printed
