"""The "Cite this page" boxes: every reference parses in the tools readers import it into.

BibTeX is read with bibtexparser 2 (with its name-splitting middleware, as a reference manager
splits authors), RIS with rispy. The downloads are the texts the box shows, and the copy
buttons put exactly those texts on the clipboard in Chromium.
"""

from __future__ import annotations

import posixpath
from pathlib import Path

import pytest
import rispy
from bs4 import BeautifulSoup
from helpers import field, normalise, parse_bibtex, toc_files

from nea_edition.citation import release

ROOT = Path(__file__).resolve().parents[1]


def soup_of(site: Path, doc: str) -> BeautifulSoup:
    return BeautifulSoup((site / f"{doc}.html").read_text(encoding="utf-8"), "html.parser")


def works_of(box: BeautifulSoup) -> list[BeautifulSoup]:
    return box.select(".nea-cite-work")


def texts(work: BeautifulSoup) -> tuple[str, str]:
    """The BibTeX and RIS a work's box shows (what the copy buttons copy)."""
    bib, ris = work.select("pre.nea-cite-text")
    return bib.get_text(), ris.get_text()


def chapter_docs() -> list[str]:
    return toc_files()[1:]


def test_every_page_but_the_front_page_ends_with_one_cite_box(site_dir: Path) -> None:
    for doc in chapter_docs():
        article = soup_of(site_dir, doc).select_one("article")
        boxes = article.select("section.nea-cite")
        assert len(boxes) == 1, doc
        assert boxes[0].select_one("h2").get_text() == "Cite this page", doc
        assert boxes[0] is article.select("section")[-1] or boxes[0].find_next("section") is None


def test_chapter_references_parse_as_bibtex_and_ris(site_dir: Path) -> None:
    keys = set()
    for doc in chapter_docs():
        soup = soup_of(site_dir, doc)
        title = normalise(soup.select_one("article h1").get_text(" "))
        work = works_of(soup.select_one("section.nea-cite"))[0]
        bib, ris = texts(work)

        (entry,) = parse_bibtex(bib)
        assert entry.entry_type == "incollection", doc
        assert entry.key not in keys, f"{doc}: key {entry.key} used twice"
        keys.add(entry.key)
        assert normalise(field(entry, "title").strip("{}")) == title, doc
        assert field(entry, "booktitle").strip("{}") == release.TITLE, doc
        (author,) = field(entry, "author")
        assert author.merge_first_name_first.strip("{}") == release.AUTHORS[0], doc
        assert field(entry, "year") == str(release.RELEASE_DATE.year), doc
        assert field(entry, "version") == release.VERSION, doc
        assert "url" not in entry.fields_dict, f"{doc}: a URL without a base URL"

        (record,) = rispy.loads(ris)
        assert record["type_of_reference"] == "CHAP", doc
        assert normalise(record["title"]) == title, doc
        assert record["secondary_title"] == release.TITLE, doc
        assert record["authors"] == list(release.AUTHORS), doc
        assert record["year"] == str(release.RELEASE_DATE.year), doc
        assert record["date"] == release.RELEASE_DATE.strftime("%Y/%m/%d"), doc
        assert record["edition"] == release.VERSION, doc
        assert record["language"] == "en", doc

        reference = " ".join(work.select_one(".nea-cite-reference").get_text(" ").split())
        assert title.split()[0] in reference and release.TITLE.split(":")[0] in reference, doc
        assert f"Version {release.VERSION}" in reference, doc


def test_downloads_are_the_texts_the_box_shows(site_dir: Path) -> None:
    for doc in toc_files():
        soup = soup_of(site_dir, doc)
        for work in soup.select(".nea-cite-work"):
            shown = texts(work)
            links = [a["href"] for a in work.select("a.nea-cite-download[download]")]
            assert len(links) == 2 and links[0].endswith(".bib") and links[1].endswith(".ris")
            for href, text in zip(links, shown, strict=True):
                path = site_dir / posixpath.normpath(posixpath.join(posixpath.dirname(doc), href))
                assert path.is_file(), f"{doc}: {href}"
                assert path.read_text(encoding="utf-8") == text, f"{doc}: {href}"


def test_front_page_cites_the_edition_its_data_and_the_paper(site_dir: Path) -> None:
    box = soup_of(site_dir, "book/index").select_one("#nea-cite-front")
    assert box is not None
    works = works_of(box)
    headings = [w.select_one(".nea-cite-heading").get_text() for w in works]
    assert headings == ["The edition", "Its data", "The original paper"]
    (edition, dataset, paper) = [texts(w) for w in works]

    (book,) = parse_bibtex(edition[0])
    assert (book.entry_type, book.key) == ("book", release.EDITION_KEY)
    assert field(book, "title").strip("{}") == release.TITLE
    assert field(book, "version") == release.VERSION
    (record,) = rispy.loads(edition[1])
    assert (record["type_of_reference"], record["title"]) == ("BOOK", release.TITLE)

    (data,) = parse_bibtex(dataset[0])
    assert data.entry_type == "dataset"
    assert field(data, "version") == release.VERSION
    (record,) = rispy.loads(dataset[1])
    assert record["type_of_reference"] == "DATA"
    assert record["edition"] == release.VERSION

    (original,) = parse_bibtex(paper[0])
    assert (original.entry_type, original.key) == ("techreport", release.PAPER_KEY)
    (kim,) = field(original, "author")
    assert (kim.last, kim.first) == (["Kim"], ["Sung-han"])
    assert field(original, "institution") == "Council on Foreign Relations"
    assert field(original, "year") == "2009"
    assert not {"verified", "annote"} & set(original.fields_dict), "edition bookkeeping stays out"
    (record,) = rispy.loads(paper[1])
    assert record["type_of_reference"] == "RPRT"
    assert record["authors"] == ["Kim, Sung-han"]
    assert record["title"] == "Northeast Asian Regionalism in Korea"
    assert record["publisher"] == "Council on Foreign Relations"
    assert record["date"] == "2009/12"


def test_the_data_page_box_also_cites_the_data_set(site_dir: Path) -> None:
    works = works_of(soup_of(site_dir, "book/data").select_one("section.nea-cite"))
    assert len(works) == 2
    (entry,) = parse_bibtex(texts(works[1])[0])
    assert entry.entry_type == "dataset"


def test_copy_buttons_are_hidden_until_the_script_runs(site_dir: Path) -> None:
    """Without JavaScript a copy button would do nothing, so it starts hidden."""
    for doc in toc_files():
        for button in soup_of(site_dir, doc).select("button.nea-cite-copy"):
            assert button.has_attr("hidden"), doc


@pytest.mark.browser
def test_copy_buttons_put_the_texts_on_the_clipboard(browser, site_url: str) -> None:
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        for doc in ("book/01-introduction", "book/index"):
            page.goto(f"{site_url}/{doc}.html")
            buttons = page.locator("button.nea-cite-copy")
            assert buttons.count() >= 2
            for index in (0, 1):
                button = buttons.nth(index)
                assert button.is_visible(), f"{doc}: copy button {index} stays hidden"
                target = button.get_attribute("data-nea-copy")
                expected = page.locator(f"#{target}").text_content()
                button.click()
                copied = page.evaluate("navigator.clipboard.readText()")
                assert copied == expected, doc
                status = button.locator(
                    "xpath=ancestor::div[@class='nea-cite-work']//span[@role='status']"
                )
                assert "copied" in status.text_content()
    finally:
        context.close()
    assert not errors, errors
