"""The citation core (``nea_edition.citation``) on its own: no Sphinx, no build.

The formats are read back with the tools readers import them into (bibtexparser 2, rispy, the
JSON parser); the built pages' boxes and head tags are checked in ``test_cite`` and
``test_metadata``.
"""

from __future__ import annotations

import html
import json
import subprocess
import sys
from pathlib import Path

import pytest
import rispy
from helpers import field, parse_bibtex, toc_files

from nea_edition.citation import addresses, release
from nea_edition.citation.bibtex import to_bibtex
from nea_edition.citation.box import Citable, box_html
from nea_edition.citation.jsonld import book_ld, chapter_ld, json_ld_script
from nea_edition.citation.meta_tags import highwire_tags, opengraph_tags
from nea_edition.citation.model import (
    Name,
    Work,
    dataset_work,
    edition_work,
    find_paper,
    page_slug,
    page_work,
    publisher_of,
    read_datapackage,
)
from nea_edition.citation.reference import format_reference
from nea_edition.citation.ris import to_ris

ROOT = Path(__file__).resolve().parents[1]
CORE = sorted(
    "nea_edition.citation" + ("" if p.stem == "__init__" else f".{p.stem}")
    for p in (ROOT / "src" / "nea_edition" / "citation").glob("*.py")
)


def test_importing_the_core_loads_no_sphinx() -> None:
    """At run time too, not only in the import statements ``test_architecture`` reads."""
    code = (
        "import importlib, sys\n"
        f"for name in {CORE!r}: importlib.import_module(name)\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'sphinx', 'docutils', 'myst_nb', 'myst_parser', 'sphinxcontrib'}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_bibtex_escapes_and_keeps_a_corporate_author_whole() -> None:
    work = Work(
        key="x2026y",
        kind="chapter",
        title="Trade & Security: 100% {Braces}",
        authors=(Name("Committee of A and B", corporate=True), Name("Kim", "Sung-han")),
        year=2026,
        month=1,
        container="A Book",
    )
    (entry,) = parse_bibtex(to_bibtex(work))
    assert field(entry, "title") == work.title  # escaped for LaTeX, decoded back whole
    names = [a.merge_first_name_first for a in field(entry, "author")]
    assert names == ["{Committee of A and B}", "Sung-han Kim"]
    (record,) = rispy.loads(to_ris(work))
    assert record["authors"] == ["Committee of A and B", "Kim, Sung-han"]
    assert record["title"] == work.title


def test_the_publisher_is_left_out_only_when_it_is_an_author() -> None:
    edition = edition_work()
    assert edition.publisher == release.PUBLISHER and publisher_of(edition) is None
    (entry,) = parse_bibtex(to_bibtex(edition))
    assert "publisher" not in entry.fields_dict
    assert "PB  -" not in to_ris(edition)
    assert format_reference(edition, "plain").count(release.PUBLISHER) == 1
    other = Work("k", "book", "T", (Name("Kim", "Sung-han"),), 2009, publisher="CFR")
    assert publisher_of(other) == "CFR"
    assert field(parse_bibtex(to_bibtex(other))[0], "publisher") == "CFR"
    assert rispy.loads(to_ris(other))[0]["publisher"] == "CFR"


def test_the_paper_is_read_from_the_bibliography_without_its_bookkeeping() -> None:
    paper = find_paper([ROOT / "references.bib"])
    assert paper is not None and paper.key == release.PAPER_KEY
    assert (paper.kind, paper.year, paper.month) == ("report", 2009, 12)
    assert paper.authors == (Name("Kim", "Sung-han"),)
    (entry,) = parse_bibtex(to_bibtex(paper))
    assert entry.entry_type == "techreport"
    assert not {"annote", "verified", "annotation"} & set(entry.fields_dict)
    assert find_paper([ROOT / "missing.bib"]) is None


def test_a_page_is_a_chapter_of_the_edition_and_the_data_set_is_titled_by_its_package() -> None:
    page = page_work("book/02-strategic-thought/index", "A Chapter", "2", "https://x.org/p.html")
    assert (page.kind, page.container, page.chapter) == ("chapter", release.TITLE, "2")
    assert page.key == f"{release.EDITION_KEY}-02-strategic-thought"
    (record,) = rispy.loads(to_ris(page))
    assert (record["type_of_reference"], record["secondary_title"]) == ("CHAP", release.TITLE)
    assert record["urls"] == ["https://x.org/p.html"]
    package = read_datapackage(ROOT)
    assert dataset_work(package).title == package["title"]
    assert read_datapackage(ROOT / "nowhere") == {}
    assert dataset_work({}).title == f"Data of {release.TITLE}"


def test_page_slugs_are_unique_file_names() -> None:
    slugs = [page_slug(doc) for doc in toc_files()]
    assert len(set(slugs)) == len(slugs)
    assert page_slug("book/02-strategic-thought/index") == "02-strategic-thought"
    assert all("/" not in slug for slug in slugs)


def test_reference_html_is_escaped() -> None:
    work = Work(
        key="k",
        kind="book",
        title="<b>Bold</b>",
        authors=(Name("A"),),
        year=2026,
        publisher="P",
        url="https://example.org/?a=1&b=2",
    )
    text = format_reference(work, "plain")
    assert "<b>" not in text
    assert html.escape("https://example.org/?a=1&b=2") in text


def test_the_box_links_its_downloads_from_the_sites_root() -> None:
    markup = box_html(
        [Citable(edition_work(), "edition", "The edition", href="index.html")],
        style_name="plain", to_root="../", box_id="b", title="Cite this page",
    )  # fmt: skip
    assert 'href="../cite/edition.bib" download' in markup
    assert 'data-nea-cite-href="index.html"' in markup
    assert html.escape(to_bibtex(edition_work())) in markup


def test_highwire_tags_name_the_book_of_a_chapter_only() -> None:
    book = edition_work()
    chapter = page_work("book/x", "X", "1")
    book_tags = "".join(highwire_tags(book, pdf_url=None))
    chapter_tags = "".join(highwire_tags(chapter, pdf_url="edition.pdf"))
    assert "citation_book_title" not in book_tags
    assert f'name="citation_book_title" content="{html.escape(release.TITLE)}"' in chapter_tags
    date = release.RELEASE_DATE.strftime("%Y/%m/%d")
    assert f'name="citation_publication_date" content="{date}"' in book_tags
    assert 'name="citation_pdf_url" content="edition.pdf"' in chapter_tags
    og = "".join(
        opengraph_tags(title='A "quoted" title', description=None, og_type="book", url=None,
                       date="2026-01-01")
    )  # fmt: skip
    assert 'content="A &quot;quoted&quot; title"' in og and "og:url" not in og


def test_json_ld_is_one_graph_that_cannot_close_its_script() -> None:
    chapter = page_work("book/x", "</script><b>", "1")
    graph = [chapter_ld(chapter, book_ld(edition_work(), None, pdf_url=None), None, None)]
    script = json_ld_script(graph)
    body = script.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert "</" not in body
    data = json.loads(body)
    assert data["@graph"][0]["name"] == "</script><b>"
    assert data["@graph"][0]["isPartOf"]["@type"] == "Book"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", None),
        ("   ", None),
        ("https://example.org/edition", "https://example.org/edition/"),
        ("https://example.org/edition///", "https://example.org/edition/"),
        ("http://127.0.0.1:8000/", "http://127.0.0.1:8000/"),
    ],
)
def test_base_url_is_normalised(value: str, expected: str | None) -> None:
    assert addresses.normalise_base_url(value) == expected


@pytest.mark.parametrize(
    "value", ["example.org/edition", "/edition/", "ftp://example.org/", "https://x.org/?a=1"]
)
def test_a_bad_base_url_is_an_error_naming_the_setting(value: str) -> None:
    with pytest.raises(addresses.BaseURLError, match=addresses.BASE_URL_ENV):
        addresses.normalise_base_url(value)


def test_the_environment_wins_over_the_configured_base_url(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(addresses.BASE_URL_ENV, raising=False)
    assert addresses.base_url("https://a.org/x") == "https://a.org/x/"
    assert addresses.base_url("") is None
    monkeypatch.setenv(addresses.BASE_URL_ENV, "https://b.org")
    assert addresses.base_url("https://a.org/x") == "https://b.org/"
    assert addresses.absolute("https://b.org/", "/book/x.html") == "https://b.org/book/x.html"
    assert addresses.absolute(None, "book/x.html") is None


def test_the_sitemap_escapes_its_urls() -> None:
    xml = addresses.sitemap_xml(["https://a.org/?x=1&y=2"])
    assert "<loc>https://a.org/?x=1&amp;y=2</loc>" in xml
