"""The strict build: warnings fail it, all of them are reported in one run, and a failed build
never replaces the last good site."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nea_edition import build as book_build

ROOT = Path(__file__).resolve().parents[1]

BROKEN_PAGE = """# A broken page

This cites a key that does not exist {cite:p}`nobody1999nothing`, and refers to a label
that does not exist either: {ref}`no-such-label`.
"""


@pytest.fixture
def small_book(tmp_path: Path) -> Path:
    """A two-page book with the edition's real configuration, extensions and bibliography."""
    book = tmp_path / "book-root"
    book.mkdir()
    for name in ("_config.yml", "references.bib"):
        shutil.copy(ROOT / name, book / name)
    shutil.copytree(ROOT / "data", book / "data")
    # The edition's pages stay on disk (the endnote concordance points at them) but only the
    # two pages of this _toc.yml are built.
    shutil.copytree(ROOT / "book", book / "book", ignore=shutil.ignore_patterns("_generated"))
    (book / "_toc.yml").write_text(
        "format: jb-book\nroot: book/index\nchapters:\n  - file: book/page\n", encoding="utf-8"
    )
    (book / "book" / "index.md").write_text("# Front\n\nA front page.\n", encoding="utf-8")
    (book / "book" / "page.md").write_text("# Page\n\nA good page.\n", encoding="utf-8")
    return book


def run_build(book: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nea_edition.build", "--root", str(book)],
        capture_output=True,
        text=True,
        check=False,
        cwd=book,
        env={**os.environ, "NEA_EDITION_ROOT": str(book)},
    )


def test_failed_build_keeps_the_last_good_site_and_lists_every_warning(small_book: Path) -> None:
    good = run_build(small_book)
    assert good.returncode == 0, good.stdout + good.stderr
    site = small_book / "_build" / "html"
    before = (site / "book" / "page.html").read_text(encoding="utf-8")
    assert "A good page" in before

    (small_book / "book" / "page.md").write_text(BROKEN_PAGE, encoding="utf-8")
    bad = run_build(small_book)
    output = bad.stdout + bad.stderr

    assert bad.returncode != 0, "a warning must fail the build"
    assert "nobody1999nothing" in output, "the unknown citation key is reported"
    assert "no-such-label" in output, "the broken reference is reported in the same run"
    assert "left untouched" in output
    assert (site / "book" / "page.html").read_text(encoding="utf-8") == before
    assert not site.with_name("html.incoming").exists()


def test_publish_swaps_in_the_staged_site_whole(tmp_path: Path) -> None:
    staged = tmp_path / "_build" / "staging" / "_build" / "html"
    staged.mkdir(parents=True)
    (staged / "index.html").write_text("new", encoding="utf-8")
    old = tmp_path / "_build" / "html"
    old.mkdir(parents=True)
    (old / "stale.html").write_text("old", encoding="utf-8")

    site = book_build.publish(tmp_path)

    assert (site / "index.html").read_text(encoding="utf-8") == "new"
    assert not (site / "stale.html").exists(), "pages removed from the book leave the site"
    assert sorted(p.name for p in (tmp_path / "_build").iterdir()) == ["html", "staging"]


def test_publish_reuses_unchanged_files_and_never_shares_them_with_staging(tmp_path: Path) -> None:
    staged = tmp_path / "_build" / "staging" / "_build" / "html"
    staged.mkdir(parents=True)
    (staged / "same.html").write_text("same", encoding="utf-8")
    (staged / "edited.html").write_text("old!", encoding="utf-8")
    site = book_build.publish(tmp_path)
    reused = (site / "same.html").stat().st_ino

    edited = staged / "edited.html"
    edited.write_text("new!", encoding="utf-8")  # same size: only the time tells it changed
    os.utime(edited, ns=(edited.stat().st_atime_ns, edited.stat().st_mtime_ns + 10**9))
    site = book_build.publish(tmp_path)
    assert (site / "edited.html").read_text(encoding="utf-8") == "new!"
    assert (site / "same.html").stat().st_ino == reused, "an unchanged file is linked, not copied"

    # Sphinx rewrites staged files in place: that must never reach the published site.
    (staged / "same.html").write_text("half-written", encoding="utf-8")
    (staged / "edited.html").write_text("half", encoding="utf-8")
    assert (site / "same.html").read_text(encoding="utf-8") == "same"
    assert (site / "edited.html").read_text(encoding="utf-8") == "new!"


def test_bad_data_stops_the_build_before_any_page_is_written(small_book: Path) -> None:
    good = run_build(small_book)
    assert good.returncode == 0, good.stdout + good.stderr
    site = small_book / "_build" / "html"
    before = (site / "book" / "page.html").read_text(encoding="utf-8")
    staged = small_book / "_build" / "staging" / "_build" / "html" / "book" / "page.html"
    staged_mtime = staged.stat().st_mtime_ns

    (small_book / "book" / "page.md").write_text("# Page\n\nA changed page.\n", encoding="utf-8")
    countries = small_book / "data" / "countries.csv"
    lines = countries.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.append("kor,Lowercase Korea,Northeast Asia,state,\n")
    countries.write_text("".join(lines), encoding="utf-8")

    bad = run_build(small_book)
    output = bad.stdout + bad.stderr
    assert bad.returncode != 0
    assert f"countries.csv:{len(lines)}" in output, output
    assert "'kor'" in output
    assert "REFUSED" in output
    # Sphinx starts while the driver validates, and stops at the gate on the refusal.
    assert "refused the data: stopping before any page is read" in output, output
    assert "reading sources" not in output, "no page may be read from invalid data"
    assert staged.stat().st_mtime_ns == staged_mtime, "Sphinx must not have written a page"
    assert (site / "book" / "page.html").read_text(encoding="utf-8") == before


def test_a_build_with_nothing_changed_runs_nothing_and_any_change_rebuilds(
    small_book: Path,
) -> None:
    first = run_build(small_book)
    assert first.returncode == 0, first.stdout + first.stderr
    again = run_build(small_book)
    assert again.returncode == 0
    assert "Site is up to date" in again.stdout
    assert "reading sources" not in again.stdout, "Sphinx must not run"

    (small_book / "book" / "page.md").write_text("# Page\n\nAn edited page.\n", encoding="utf-8")
    edited = run_build(small_book)
    assert edited.returncode == 0, edited.stdout + edited.stderr
    assert "Site is up to date" not in edited.stdout
    page = small_book / "_build" / "html" / "book" / "page.html"
    assert "An edited page" in page.read_text(encoding="utf-8")


def test_a_configuration_change_rebuilds_every_page(small_book: Path) -> None:
    """Sphinx's incremental build misses some configuration changes; the driver does not.

    The bibliography's style is one: Sphinx keeps the formatted list from its old environment.
    """
    (small_book / "book" / "page.md").write_text(
        "# Page\n\nA citation {cite:p}`armitage2000mature`.\n\n```{bibliography}\n```\n",
        encoding="utf-8",
    )
    assert run_build(small_book).returncode == 0
    page = small_book / "_build" / "html" / "book" / "page.html"
    assert "Armitage, Richard L." in page.read_text(encoding="utf-8")

    config = small_book / "_config.yml"
    text = config.read_text(encoding="utf-8")
    assert "bibtex_default_style: edition" in text
    config.write_text(text.replace("bibtex_default_style: edition", "bibtex_default_style: plain"))
    rebuilt = run_build(small_book)
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
    assert "rebuilding every page" in rebuilt.stdout
    assert "Richard L. Armitage" in page.read_text(encoding="utf-8"), "new style applied"
