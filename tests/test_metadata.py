"""Citation metadata in the pages' heads, read as reference managers and search engines read it.

Highwire Press tags are read the way Zotero's Embedded Metadata translator reads them (``<meta
name="citation_*">`` in ``<head>``); schema.org JSON-LD and Open Graph through ``extruct``, the
extractor many crawlers use. The site of the normal build has no base URL, so it must carry no
canonical link, no sitemap and no absolute self-URLs; a small build with
``NEA_EDITION_BASE_URL`` set checks the other case, including an incremental rebuild.
"""

from __future__ import annotations

import json
import posixpath
import re
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import urljoin, urlsplit

import extruct
import helpers
import pytest
import yaml
from bs4 import BeautifulSoup
from docutils import nodes
from helpers import PAPER_HEADINGS, make_small_book, normalise, toc_files
from sphinx.errors import ConfigError

from nea_edition.citation import addresses, release
from nea_edition.site import metadata

ROOT = Path(__file__).resolve().parents[1]
SITE_URL = "http://edition.invalid/"  # only to resolve relative URLs; nothing is fetched
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def html_pages(site: Path) -> list[Path]:
    """Every page a reader can open: the table of contents plus the index and search pages."""
    return [site / f"{doc}.html" for doc in toc_files()] + [
        site / "genindex.html",
        site / "search.html",
    ]


def read(page: Path) -> str:
    return page.read_text(encoding="utf-8")


def highwire(page_html: str) -> dict[str, list[str]]:
    """The ``citation_*`` tags of ``<head>``, each name with all its values in order."""
    head = BeautifulSoup(page_html, "html.parser").head
    assert head is not None
    tags: dict[str, list[str]] = {}
    for tag in head.find_all("meta", attrs={"name": True}):
        if tag["name"].startswith("citation_"):
            tags.setdefault(tag["name"], []).append(tag.get("content", ""))
    return tags


def extracted(page: Path, site: Path) -> dict[str, Any]:
    url = urljoin(SITE_URL, page.relative_to(site).as_posix())
    return extruct.extract(
        read(page), base_url=url, syntaxes=["json-ld", "opengraph"], uniform=True
    )


def graph(page: Path, site: Path) -> list[dict[str, Any]]:
    """The page's JSON-LD nodes, as extruct returns them."""
    blocks = extracted(page, site)["json-ld"]
    assert len(blocks) == 1, f"{page.name}: expected one JSON-LD block, found {len(blocks)}"
    return blocks[0]["@graph"]


def of_type(nodes_: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    found = [n for n in nodes_ if n.get("@type") == kind]
    assert len(found) == 1, f"expected one {kind}, found {[n.get('@type') for n in nodes_]}"
    return found[0]


def resolve(page: Path, site: Path, href: str) -> Path:
    """Where a relative URL from ``page`` lands in the site."""
    rel = page.relative_to(site).parent.as_posix()
    return site / posixpath.normpath(posixpath.join(rel, urlsplit(href).path))


def page_title(page: Path) -> str:
    soup = BeautifulSoup(read(page), "html.parser")
    return normalise(soup.select_one("article h1").get_text(" "))


# ----------------------------------------------------------------------------------------------
# descriptions and Open Graph


def test_every_page_has_a_description_and_open_graph(site_dir: Path) -> None:
    problems = []
    for page in html_pages(site_dir):
        soup = BeautifulSoup(read(page), "html.parser")
        descriptions = soup.head.find_all("meta", attrs={"name": "description"})
        if len(descriptions) != 1 or len(descriptions[0].get("content", "")) < 40:
            problems.append(f"{page.name}: {len(descriptions)} description(s)")
            continue
        og = extracted(page, site_dir)["opengraph"]
        if len(og) != 1:
            problems.append(f"{page.name}: no Open Graph")
            continue
        og = og[0]
        if not og.get("og:title") or og.get("og:description") != descriptions[0]["content"]:
            problems.append(f"{page.name}: og:title or og:description missing or different")
        if og.get("@type") not in {"book", "article", "website"}:
            problems.append(f"{page.name}: og:type {og.get('@type')!r}")
        if "og:image" in og:
            problems.append(f"{page.name}: og:image without a static image of the figure")
    assert not problems, "\n".join(problems)


def test_descriptions_are_the_pages_own_first_paragraph(site_dir: Path) -> None:
    """A description is the page's front matter or the start of its first paragraph."""
    for doc in toc_files():
        page = site_dir / f"{doc}.html"
        soup = BeautifulSoup(read(page), "html.parser")
        description = soup.head.find("meta", attrs={"name": "description"})["content"]
        source = (ROOT / f"{doc}.md").read_text(encoding="utf-8")
        front = yaml.safe_load(source.split("---")[1]) if source.startswith("---") else {}
        if isinstance(front, dict) and front.get("description"):
            assert description == " ".join(front["description"].split()), doc
            continue
        assert len(description) <= metadata.DESCRIPTION_LIMIT, doc
        paragraphs = [" ".join(p.get_text().split()) for p in soup.select("article p")]
        stem = description.removesuffix("\u2026")
        assert any(p.startswith(stem) for p in paragraphs), f"{doc}: {description!r}"


def test_front_matter_description_wins_over_the_first_paragraph(site_dir: Path) -> None:
    changes = read(site_dir / "book" / "changes.html")
    description = BeautifulSoup(changes, "html.parser").head.find(
        "meta", attrs={"name": "description"}
    )["content"]
    assert description.startswith("What changed in the text and the data")


def test_summaries_cut_at_a_word_and_never_leave_a_bracket_open() -> None:
    text = "Alpha beta gamma (delta epsilon zeta eta theta) iota kappa lambda mu nu xi"
    assert metadata.summarise(text, limit=200) == text
    cut = metadata.summarise(text, limit=30)
    assert cut == "Alpha beta gamma\u2026", cut
    assert metadata.summarise("one two three four five six", limit=14) == "one two\u2026"


def test_first_paragraph_skips_notes_and_short_lines() -> None:
    document = nodes.document("", "")
    section = nodes.section()
    note = nodes.note(
        "", nodes.paragraph(text="A note that is long enough to count as prose here.")
    )
    section += [nodes.title(text="T"), nodes.paragraph(text="Short."), note]
    section += nodes.paragraph(text="The first real paragraph of prose on this imaginary page.")
    document += section
    assert metadata.first_paragraph(document) == (
        "The first real paragraph of prose on this imaginary page."
    )


# ----------------------------------------------------------------------------------------------
# Highwire Press


def test_every_page_has_highwire_tags_as_zotero_reads_them(site_dir: Path) -> None:
    date = release.RELEASE_DATE.strftime("%Y/%m/%d")
    for doc in toc_files():
        page = site_dir / f"{doc}.html"
        tags = highwire(read(page))
        lang = BeautifulSoup(read(page), "html.parser").html.get("lang")
        assert tags["citation_author"] == list(release.AUTHORS), doc
        assert tags["citation_publication_date"] == [date], doc
        assert tags["citation_publisher"] == [release.PUBLISHER], doc
        assert tags["citation_language"] == [lang] == [release.LANGUAGE], doc
        # the PDF's tag is there exactly when the build printed the PDF (no Chromium, no PDF)
        if (site_dir / release.PDF_NAME).is_file():
            (pdf,) = tags["citation_pdf_url"]
            assert not urlsplit(pdf).netloc, f"{doc}: absolute PDF URL without a base URL"
            assert resolve(page, site_dir, pdf) == site_dir / release.PDF_NAME, doc
        else:
            assert "citation_pdf_url" not in tags, f"{doc}: a PDF tag, but no PDF was printed"
        if doc == "book/index":
            assert tags["citation_title"] == [release.TITLE]
            # The front page is the book: a book title would make it a chapter of itself.
            assert "citation_inbook_title" not in tags and "citation_book_title" not in tags
        else:
            assert [normalise(t) for t in tags["citation_title"]] == [page_title(page)], doc
            assert tags["citation_inbook_title"] == tags["citation_book_title"] == [release.TITLE]
        assert "citation_fulltext_html_url" not in tags, doc


def test_chapter_titles_in_the_tags_are_the_papers_headings(site_dir: Path) -> None:
    for doc, heading in PAPER_HEADINGS.items():
        (title,) = highwire(read(site_dir / f"{doc}.html"))["citation_title"]
        assert normalise(title) == normalise(heading), doc


# ----------------------------------------------------------------------------------------------
# JSON-LD


def test_front_page_is_a_book_based_on_the_paper(site_dir: Path) -> None:
    book = of_type(graph(site_dir / "book" / "index.html", site_dir), "Book")
    assert book["name"] == release.TITLE
    assert book["version"] == book["bookEdition"] == release.VERSION
    assert book["datePublished"] == release.RELEASE_DATE.isoformat()
    assert book["inLanguage"] == "en"
    assert [a["name"] for a in book["author"]] == list(release.AUTHORS)
    paper = book["isBasedOn"]
    assert paper["@type"] == "Report"
    assert paper["name"] == "Northeast Asian Regionalism in Korea"
    assert [(a["familyName"], a["givenName"]) for a in paper["author"]] == [("Kim", "Sung-han")]
    assert paper["publisher"]["name"] == "Council on Foreign Relations"
    assert paper["datePublished"] == "2009-12"
    parts = [part["name"] for part in book["hasPart"]]
    titles = [page_title(site_dir / f"{doc}.html") for doc in toc_files()[1:]]
    assert [normalise(p) for p in parts] == titles, "hasPart follows the table of contents"


def test_every_other_page_is_a_chapter_of_the_book(site_dir: Path) -> None:
    for doc in toc_files()[1:]:
        page = site_dir / f"{doc}.html"
        chapter = of_type(graph(page, site_dir), "Chapter")
        assert normalise(chapter["name"]) == page_title(page), doc
        assert chapter["isPartOf"]["@type"] == "Book", doc
        assert chapter["isPartOf"]["name"] == release.TITLE, doc
        assert chapter["isPartOf"]["version"] == release.VERSION, doc
        assert chapter["isBasedOn"]["name"] == "Northeast Asian Regionalism in Korea", doc
        assert "url" not in chapter and "@id" not in chapter, f"{doc}: self-URL without a base"


def test_data_page_is_a_dataset_with_every_offered_csv(site_dir: Path) -> None:
    page = site_dir / "book" / "data.html"
    dataset = of_type(graph(page, site_dir), "Dataset")
    package = json.loads((ROOT / "data" / "datapackage.json").read_text(encoding="utf-8"))
    assert dataset["name"] == package["title"]
    assert dataset["version"] == release.VERSION
    assert dataset["license"] == release.LICENSE_URL
    assert dataset["isPartOf"]["name"] == release.TITLE
    assert dataset["isBasedOn"]["name"] == "Northeast Asian Regionalism in Korea"
    offered = sorted(
        {
            resolve(page, site_dir, a["href"])
            for a in BeautifulSoup(read(page), "html.parser").select("article a[href]")
            if a["href"].endswith(".csv")
        }
    )
    assert offered, "the Data page offers no CSV download"
    distribution = dataset["distribution"]
    listed = sorted(resolve(page, site_dir, d["contentUrl"]) for d in distribution)
    assert listed == offered, "the distribution lists exactly the CSVs the page offers"
    assert all(path.is_file() for path in listed)
    described = {r["path"] for r in package["resources"]}
    for download in distribution:
        assert download["encodingFormat"] == "text/csv"
        assert download["name"] in described, download["name"]


def test_json_ld_lists_the_distribution_in_a_stable_order(site_dir: Path) -> None:
    """Order is by file name, not by the order Sphinx happened to read the downloads."""
    dataset = of_type(graph(site_dir / "book" / "data.html", site_dir), "Dataset")
    names = [d["name"] for d in dataset["distribution"]]
    assert names == sorted(names)


# ----------------------------------------------------------------------------------------------
# the base URL


def test_without_a_base_url_there_is_no_canonical_link_sitemap_or_absolute_self_url(
    site_dir: Path,
) -> None:
    assert not (site_dir / "sitemap.xml").exists()
    for page in html_pages(site_dir):
        soup = BeautifulSoup(read(page), "html.parser")
        assert soup.head.find("link", rel="canonical") is None, page.name
        assert soup.head.find("meta", attrs={"property": "og:url"}) is None, page.name


def test_a_bad_base_url_stops_the_build_as_a_configuration_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The core's error about the setting reaches Sphinx as a ConfigError naming it."""
    monkeypatch.setenv(addresses.BASE_URL_ENV, "example.org/edition")
    config = SimpleNamespace(
        html_baseurl="", html_theme_options={}, html_context={}, myst_substitutions={}
    )
    with pytest.raises(ConfigError, match=addresses.BASE_URL_ENV):
        metadata.configure(None, config)  # type: ignore[arg-type]


def test_the_pages_workflow_sets_the_base_url() -> None:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "pages.yml").read_text("utf-8"))
    steps = workflow["jobs"]["build"]["steps"]
    builds = [step for step in steps if re.search(r"nox -s (build|pdf)", str(step.get("run", "")))]
    assert builds, "the workflow builds with nox"
    assert all(addresses.BASE_URL_ENV in step.get("env", {}) for step in builds)


def test_setting_the_base_url_makes_the_next_build_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """The up-to-date check must not keep a site built for another address."""
    from nea_edition import build

    monkeypatch.delenv(addresses.BASE_URL_ENV, raising=False)
    unset = build.setup_fingerprint(ROOT, "off")
    monkeypatch.setenv(addresses.BASE_URL_ENV, "https://example.org/")
    assert build.setup_fingerprint(ROOT, "off") != unset
    assert addresses.BASE_URL_ENV in build.SETUP_ENV


BASE = "https://example.org/nea-edition/"


@pytest.fixture(scope="module")
def based_book(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A three-page book with the edition's configuration, built with a base URL (PDF off:
    ``test_build`` checks the PDF's absolute URL)."""
    front = "# Front\n\nThe front page of a small book built with a base URL.\n\n"
    pages = {"index": front + "```{edition-citations}\n```\n"}
    for name in ("page", "other"):
        pages[name] = (
            f"# The {name} page\n\nA paragraph long enough to serve as the {name} description.\n"
        )
    book = make_small_book(tmp_path_factory.mktemp("based") / "book-root", pages)
    assert run_build(book).returncode == 0
    yield book


def processes_naming(path: Path) -> list[str]:
    """Command lines of running processes that mention ``path``."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            text = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if str(path) in text:
            found.append(text)
    return found


def run_build(book: Path) -> subprocess.CompletedProcess[str]:
    result = helpers.run_build(book, **{addresses.BASE_URL_ENV: BASE})
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    # With a base URL, sphinx-sitemap forks a helper process; the build must stop it (a
    # leftover held the output pipes open, and a caller like this one waited for ever).
    assert processes_naming(book) == [], processes_naming(book)
    return result


def sitemap_locations(site: Path) -> list[str]:
    tree = ET.parse(site / "sitemap.xml")
    return [loc.text or "" for loc in tree.getroot().iter(f"{SITEMAP_NS}loc")]


@pytest.mark.build
def test_with_a_base_url_pages_get_canonical_links_and_absolute_urls(based_book: Path) -> None:
    site = based_book / "_build" / "html"
    page = site / "book" / "page.html"
    soup = BeautifulSoup(read(page), "html.parser")
    assert soup.head.find("link", rel="canonical")["href"] == BASE + "book/page.html"
    tags = highwire(read(page))
    assert "citation_pdf_url" not in tags, "the build printed no PDF: no page may name one"
    assert tags["citation_fulltext_html_url"] == [BASE + "book/page.html"]
    og = extruct.extract(read(page), base_url=BASE, syntaxes=["opengraph"], uniform=True)
    assert og["opengraph"][0]["og:url"] == BASE + "book/page.html"
    chapter = of_type(graph(page, site), "Chapter")
    assert chapter["url"] == chapter["@id"] == BASE + "book/page.html"
    assert chapter["isPartOf"]["url"] == BASE + "book/index.html"
    book = of_type(graph(site / "book" / "index.html", site), "Book")
    assert book["url"] == BASE + "book/index.html"
    assert "encoding" not in book or release.PDF_NAME not in json.dumps(book["encoding"])
    assert [part["url"] for part in book["hasPart"]] == [
        BASE + "book/page.html",
        BASE + "book/other.html",
    ]


@pytest.mark.build
def test_with_a_base_url_the_sitemap_lists_every_page_even_after_an_incremental_build(
    based_book: Path,
) -> None:
    site = based_book / "_build" / "html"
    expected = [BASE + p for p in ("book/index.html", "book/other.html", "book/page.html")]
    before = sitemap_locations(site)
    assert [loc for loc in before if "genindex" not in loc] == expected
    assert not any("search.html" in loc for loc in before)
    # Change one page: Sphinx re-reads only it, and the sitemap must still list all three.
    page = based_book / "book" / "page.md"
    page.write_text(read(page) + "\nOne more sentence.\n", encoding="utf-8")
    rebuilt = run_build(based_book)
    assert "re-reading every page" not in rebuilt.stdout, "the rebuild was not incremental"
    assert "One more sentence" in read(site / "book" / "page.html")
    assert sitemap_locations(site) == before


# ----------------------------------------------------------------------------------------------
# the version


def citation_cff() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))


def test_citation_cff_carries_the_sites_version_and_release_date(site_dir: Path) -> None:
    cff = citation_cff()
    assert str(cff["version"]) == release.VERSION
    assert cff["date-released"] == release.RELEASE_DATE
    assert str(cff["preferred-citation"]["version"]) == release.VERSION
    assert cff["title"] == release.TITLE
    if "url" in cff:
        assert addresses.normalise_base_url(cff["url"], source="CITATION.cff url")
    book = of_type(graph(site_dir / "book" / "index.html", site_dir), "Book")
    assert book["version"] == str(cff["version"])
    assert book["datePublished"] == cff["date-released"].isoformat()


def test_the_data_package_carries_the_editions_version() -> None:
    package = json.loads((ROOT / "data" / "datapackage.json").read_text(encoding="utf-8"))
    assert package["version"] == release.VERSION


def test_the_bibliography_entry_of_the_edition_carries_its_version_and_date() -> None:
    """``references.bib`` repeats the version and date of ``CITATION.cff`` in its note."""
    from pybtex.database import parse_file

    entry = parse_file(str(ROOT / "references.bib")).entries[release.EDITION_KEY]
    note = " ".join(entry.fields["note"].split())
    assert f"Version {release.VERSION}, released {release.RELEASE_DATE.isoformat()}" in note
    assert entry.fields["year"] == str(release.RELEASE_DATE.year)


def test_the_front_page_shows_the_version_and_release_date(site_dir: Path) -> None:
    text = " ".join(
        BeautifulSoup(read(site_dir / "book" / "index.html"), "html.parser")
        .select_one("article")
        .get_text(" ")
        .split()
    )
    assert f"version {release.VERSION} of the edition, released on" in text
    assert release.RELEASE_DATE.isoformat() in text


def test_the_changes_page_describes_the_current_version(site_dir: Path) -> None:
    assert "book/changes" in toc_files()
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    apparatus = next(part for part in toc["parts"] if part["caption"] == "Apparatus")
    assert "book/changes" in [entry["file"] for entry in apparatus["chapters"]]
    soup = BeautifulSoup(read(site_dir / "book" / "changes.html"), "html.parser")
    headings = [normalise(h.get_text(" ")) for h in soup.select("article h2")]
    current = f"Version {release.VERSION} ({release.RELEASE_DATE.isoformat()})"
    assert current in headings, headings
    assert "How to cite a given version" in headings
    assert soup.head.find("meta", attrs={"name": "docsearch:version"})["content"] == (
        release.VERSION
    )
