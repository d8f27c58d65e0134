"""The strict build: warnings fail it, all of them are reported in one run, a failed build never
replaces the last good site, the up-to-date check sees every input (the PDF switch and the
Chromium that prints included), and the PDF is linked exactly when it was printed.

One small book, built once per module (PDF off), serves every driver test: each test changes
it, checks, and puts its sources back, so the next build only sees a content change.
"""

from __future__ import annotations

import posixpath
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from helpers import ROOT, chromium_missing_reason, make_small_book, run_build, toc_files

from nea_edition import build as book_build
from nea_edition import pdf as edition_pdf

BROKEN_PAGE = """# A broken page

This cites a key that does not exist {cite:p}`nobody1999nothing`, and refers to a label
that does not exist either: {ref}`no-such-label`.
"""
GOOD_PAGE = "# Page\n\nA good page.\n"


@pytest.fixture(scope="module")
def small_book(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A two-page book with the edition's real configuration, built once (PDF off)."""
    book = make_small_book(tmp_path_factory.mktemp("small") / "book-root")
    first = run_build(book)
    assert first.returncode == 0, first.stdout + first.stderr
    return book


@pytest.fixture
def restored(small_book: Path) -> Iterator[Path]:
    """The small book; whatever a test changes in its sources is put back afterwards."""
    saved = {
        path: path.read_bytes()
        for path in [
            small_book / "_config.yml",
            small_book / "book" / "page.md",
            small_book / "data" / "countries.csv",
        ]
    }
    yield small_book
    for path, content in saved.items():
        path.write_bytes(content)


@pytest.mark.build
def test_a_build_with_nothing_changed_runs_nothing_and_any_change_rebuilds(
    restored: Path,
) -> None:
    again = run_build(restored)
    assert again.returncode == 0
    if "Site is up to date" not in again.stdout:  # another test left a content change
        again = run_build(restored)
    assert "Site is up to date" in again.stdout, again.stdout
    assert "Build succeeded" not in again.stdout, "Sphinx must not run"

    (restored / "book" / "page.md").write_text("# Page\n\nAn edited page.\n", encoding="utf-8")
    edited = run_build(restored)
    assert edited.returncode == 0, edited.stdout + edited.stderr
    assert "Site is up to date" not in edited.stdout
    page = restored / "_build" / "html" / "book" / "page.html"
    assert "An edited page" in page.read_text(encoding="utf-8")


@pytest.mark.build
def test_failed_build_keeps_the_last_good_site_and_lists_every_warning(restored: Path) -> None:
    (restored / "book" / "page.md").write_text(GOOD_PAGE, encoding="utf-8")
    good = run_build(restored)
    assert good.returncode == 0, good.stdout + good.stderr
    site = restored / "_build" / "html"
    before = (site / "book" / "page.html").read_text(encoding="utf-8")
    assert "A good page" in before

    (restored / "book" / "page.md").write_text(BROKEN_PAGE, encoding="utf-8")
    bad = run_build(restored)
    output = bad.stdout + bad.stderr

    assert bad.returncode != 0, "a warning must fail the build"
    assert "nobody1999nothing" in output, "the unknown citation key is reported"
    assert "no-such-label" in output, "the broken reference is reported in the same run"
    assert "left untouched" in output
    assert (site / "book" / "page.html").read_text(encoding="utf-8") == before
    assert not site.with_name("html.incoming").exists()


@pytest.mark.build
def test_bad_data_stops_the_build_before_sphinx_starts(restored: Path) -> None:
    site = restored / "_build" / "html"
    before = (site / "book" / "page.html").read_text(encoding="utf-8")
    staged = restored / "_build" / "staging" / "_build" / "html" / "book" / "page.html"
    staged_mtime = staged.stat().st_mtime_ns

    (restored / "book" / "page.md").write_text("# Page\n\nA changed page.\n", encoding="utf-8")
    countries = restored / "data" / "countries.csv"
    lines = countries.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.append("kor,Lowercase Korea,Northeast Asia,state,\n")
    countries.write_text("".join(lines), encoding="utf-8")

    bad = run_build(restored)
    output = bad.stdout + bad.stderr
    assert bad.returncode != 0
    assert f"countries.csv:{len(lines)}" in output, output
    assert "'kor'" in output
    assert "REFUSED" in output
    assert staged.stat().st_mtime_ns == staged_mtime, "Sphinx must not have written a page"
    assert (site / "book" / "page.html").read_text(encoding="utf-8") == before


@pytest.mark.build
def test_a_configuration_change_rebuilds_every_page(restored: Path) -> None:
    """Sphinx's incremental build misses some configuration changes; the driver does not.

    The bibliography's style is one: Sphinx keeps the formatted list from its old environment.
    """
    (restored / "book" / "page.md").write_text(
        "# Page\n\nA citation {cite:p}`armitage2000mature`.\n\n```{bibliography}\n```\n",
        encoding="utf-8",
    )
    assert run_build(restored).returncode == 0
    page = restored / "_build" / "html" / "book" / "page.html"
    assert "Armitage, Richard L." in page.read_text(encoding="utf-8")

    config = restored / "_config.yml"
    text = config.read_text(encoding="utf-8")
    assert "bibtex_default_style: edition" in text
    config.write_text(text.replace("bibtex_default_style: edition", "bibtex_default_style: plain"))
    rebuilt = run_build(restored)
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
    assert "re-reading every page" in rebuilt.stdout
    assert "Richard L. Armitage" in page.read_text(encoding="utf-8"), "new style applied"


def test_publish_swaps_in_a_copy_of_the_staged_site_whole(tmp_path: Path) -> None:
    staged = tmp_path / "_build" / "staging" / "_build" / "html"
    staged.mkdir(parents=True)
    (staged / "index.html").write_text("new", encoding="utf-8")
    (staged / ".buildinfo").write_text("config hash", encoding="utf-8")
    old = tmp_path / "_build" / "html"
    old.mkdir(parents=True)
    (old / "stale.html").write_text("old", encoding="utf-8")

    site = book_build.publish(tmp_path)

    assert (site / "index.html").read_text(encoding="utf-8") == "new"
    assert not (site / "stale.html").exists(), "pages removed from the book leave the site"
    assert not (site / ".buildinfo").exists(), "Sphinx's build record stays in staging"
    assert sorted(p.name for p in (tmp_path / "_build").iterdir()) == ["html", "staging"]
    # A copy, not links: Sphinx rewriting a staged file in place never reaches the site.
    assert (site / "index.html").stat().st_ino != (staged / "index.html").stat().st_ino
    (staged / "index.html").write_text("half-written", encoding="utf-8")
    assert (site / "index.html").read_text(encoding="utf-8") == "new"


def test_conf_py_is_made_again_only_when_what_it_is_made_from_changed(tmp_path: Path) -> None:
    """``jupyter-book config sphinx`` runs when _config.yml, _toc.yml or conf.py itself changed."""
    for name in ("_config.yml", "_toc.yml"):
        shutil.copy(ROOT / name, tmp_path / name)
    conf = book_build.write_sphinx_conf(tmp_path)
    assert "sphinx_book_theme" in conf.read_text(encoding="utf-8")
    made = conf.stat().st_mtime_ns
    assert book_build.write_sphinx_conf(tmp_path).stat().st_mtime_ns == made
    config = tmp_path / "_config.yml"
    text = config.read_text(encoding="utf-8")
    assert 'copyright: "2026 the editors' in text
    edited = text.replace('copyright: "2026 the editors', 'copyright: "2026 the edited editors')
    config.write_text(edited, encoding="utf-8")
    assert "the edited editors" in book_build.write_sphinx_conf(tmp_path).read_text("utf-8")
    conf.write_text("# edited by hand\n", encoding="utf-8")
    assert "the edited editors" in book_build.write_sphinx_conf(tmp_path).read_text("utf-8")


# ----------------------------------------------------------------------------------------------
# The PDF switch: the up-to-date check counts it, and pages link the PDF only when it exists


def test_the_setup_fingerprint_counts_the_pdf_and_its_chromium() -> None:
    off = book_build.setup_fingerprint(ROOT, "off (NEA_EDITION_PDF=off)")
    on = book_build.setup_fingerprint(ROOT, "Chromium 156.0.0.0 playwright==1 pypdf==7")
    other = book_build.setup_fingerprint(ROOT, "Chromium 157.0.0.0 playwright==1 pypdf==7")
    assert len({off, on, other}) == 3
    assert book_build.setup_fingerprint(ROOT, "off (NEA_EDITION_PDF=off)") == off  # stable


def test_the_pdf_switch(monkeypatch: pytest.MonkeyPatch) -> None:
    """``off`` never prints; ``on`` must print; unset prints when Chromium is present."""
    monkeypatch.setattr(edition_pdf, "chromium_missing_reason", lambda: None)
    for value, enabled, required in (("off", False, False), ("on", True, True), ("", True, False)):
        monkeypatch.setenv(edition_pdf.SWITCH, value)
        mode = edition_pdf.pdf_mode()
        assert (mode.enabled, mode.required) == (enabled, required), value
    monkeypatch.setattr(edition_pdf, "chromium_missing_reason", lambda: "no chromium here")
    monkeypatch.setenv(edition_pdf.SWITCH, "")
    assert not edition_pdf.pdf_mode().enabled
    monkeypatch.setenv(edition_pdf.SWITCH, "on")
    assert edition_pdf.pdf_mode().required and edition_pdf.pdf_mode().reason
    assert book_build.build(ROOT) == 1, "a required PDF that cannot be printed fails the build"


BASE = "https://example.org/nea-edition/"


def pdf_paragraph() -> str:
    """The front page's paragraph that links the PDF, exactly as book/index.md has it."""
    text = (ROOT / "book" / "index.md").read_text(encoding="utf-8")
    found = re.search(r"```\{only\} edition_pdf\n.*?\n```\n", text, re.S)
    assert found, "book/index.md no longer links the PDF inside {only} edition_pdf"
    return found.group(0)


def pdf_links(site: Path) -> tuple[list[str], dict[str, list[str]]]:
    """The front page's links to the PDF, and every page's citation_pdf_url values."""
    front = BeautifulSoup((site / "book" / "index.html").read_text("utf-8"), "html.parser")
    links = [a["href"] for a in front.find_all("a", href=True) if edition_pdf.PDF_NAME in a["href"]]
    urls: dict[str, list[str]] = {}
    for path in site.rglob("*.html"):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        found = [m["content"] for m in soup.find_all("meta", attrs={"name": "citation_pdf_url"})]
        if found:
            urls[path.relative_to(site).as_posix()] = found
    return links, urls


@pytest.mark.build
@pytest.mark.browser
def test_switching_the_pdf_on_rebuilds_prints_it_and_links_it(tmp_path: Path) -> None:
    """PDF off, then unset with Chromium present: not "up to date"; printed, linked, cited."""
    if chromium_missing_reason():
        pytest.skip(chromium_missing_reason())
    book = make_small_book(
        tmp_path / "book-root",
        {"index": "# Front\n\nA front page.\n\n" + pdf_paragraph(), "page": GOOD_PAGE},
    )
    site = book / "_build" / "html"
    off = run_build(book, pdf=False, NEA_EDITION_BASE_URL=BASE)
    assert off.returncode == 0, off.stdout + off.stderr
    assert "PDF not printed" in off.stdout
    assert not (site / edition_pdf.PDF_NAME).exists()
    assert pdf_links(site) == ([], {}), "no page may link or cite a PDF that was not printed"

    unset = run_build(book, pdf=None, NEA_EDITION_BASE_URL=BASE)
    assert unset.returncode == 0, unset.stdout + unset.stderr
    assert "up to date" not in unset.stdout, "turning the PDF on must not leave the site as it was"
    assert "PDF printed" in unset.stdout
    assert (site / edition_pdf.PDF_NAME).read_bytes().startswith(b"%PDF-")
    links, urls = pdf_links(site)
    assert links == [f"../{edition_pdf.PDF_NAME}"]
    assert urls and all(v == [BASE + edition_pdf.PDF_NAME] for v in urls.values()), urls
    assert "book/index.html" in urls and "book/page.html" in urls

    again = run_build(book, pdf=False, NEA_EDITION_BASE_URL=BASE)
    assert again.returncode == 0 and "up to date" not in again.stdout
    assert not (site / edition_pdf.PDF_NAME).exists()
    assert pdf_links(site) == ([], {}), "switching the PDF off again removes its links"


def test_the_normal_build_links_and_cites_the_pdf_it_printed(site_dir: Path) -> None:
    """The site under test links the PDF exactly when it holds one (CI: always)."""
    links, urls = pdf_links(site_dir)
    if (site_dir / edition_pdf.PDF_NAME).is_file():
        assert links == [f"../{edition_pdf.PDF_NAME}"]
        assert sorted(urls) == sorted(f"{d}.html" for d in toc_files()), "every page cites it"
        for page, found in urls.items():
            resolved = {
                posixpath.normpath(posixpath.join(posixpath.dirname(page), u)) for u in found
            }
            assert resolved == {edition_pdf.PDF_NAME}, (page, found)
    else:
        assert (links, urls) == ([], {}), "pages link a PDF the build did not print"
