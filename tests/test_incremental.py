"""An incremental build publishes exactly what a clean build of the same sources publishes.

The build driver keeps Sphinx's environment and jupyter-cache between runs and writes every
page (``sphinx-build -a``): Sphinx 7.4 alone drops the index entries of pages it did not write
(sphinx-doc/sphinx#12599). Here a copy of the repository (never the working tree) is built
once, then edited in steps; after each, its incrementally built ``_build/html`` is compared
byte for byte with a clean build of the same sources in a second copy, whose ``_build`` is
deleted first (all but the jupyter-cache, which both copies share: notebooks are the cache's
business, and its key covers every input, see ``nea_edition.notebook_inputs``). The steps:

(a) a data change: a ``note`` in ``data/memberships.csv`` and an administration's policy
    banner, which carries a ``<script>``: it reaches the page as text, and exactly the
    notebooks that declare those tables run again;
(b) in the same build, a paragraph with a new ``{index}`` term appended to a chapter: it
    reaches the Index, and runs no notebook (the executed ones are exactly (a)'s);
(c) both reverted: the first build's site comes back and no notebook runs;
(d) a ``references.bib`` edit and a ``_config.yml`` edit.

PDF off: the PDF has its own reproducibility test. Slow: six builds.
"""

from __future__ import annotations

import difflib
import html
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from devtools.localserver import serve
from helpers import copy_repo, run_build, tree_digest

from nea_edition.notebook_inputs import declared_tables

pytestmark = pytest.mark.build

MEMBERSHIP_NOTE = "Founding member: signed the ASEAN (Bangkok) Declaration on 8 August 1967."
NEW_NOTE = "Founding member (INCREMENTAL-NOTE-51c2): signed the Bangkok Declaration in 1967."
BANNER = "Nordpolitik (Northern Policy)"
MARK = "DATACHANGE-7f3a"
PAYLOAD = f"{MARK} <script>alert(1)</script>"
TIMELINE = "book/02-strategic-thought/figure-administrations.html"
CHAPTER = "book/05-conclusion.md"
INDEX_TERM = "incremental-build probe"
PARAGRAPH = (
    f"\n```{{index}} {INDEX_TERM}\n```\n\n"
    f"An {INDEX_TERM} paragraph: added by the tests, it must reach the Index whether the site"
    " was built incrementally or from nothing.\n"
)


def cache_records(repo: Path) -> set[tuple[str, str]]:
    """(notebook, cache key) of every execution jupyter-cache holds."""
    from jupyter_cache import get_cache

    cache = get_cache(repo / "_build" / "staging" / "_build" / ".jupyter_cache")
    # a record names the notebook by the absolute path of the copy that ran it
    return {("book/" + r.uri.split("/book/", 1)[1], r.hashkey) for r in cache.list_cache_records()}


@dataclass
class Book:
    """The incrementally built copy, the clean one, and the first (clean) build's site."""

    repo: Path
    clean: Path
    first: dict[str, str]
    first_dir: Path

    def edit(self, relative: str, old: str, new: str, count: int = 1) -> None:
        path = self.repo / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{relative} no longer holds {old!r}"
        path.write_text(text.replace(old, new, count), encoding="utf-8")

    def build(self) -> set[str]:
        """Build the incremental copy; return the notebooks it executed."""
        before = cache_records(self.repo)
        done = run_build(self.repo)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        return {name for name, _ in cache_records(self.repo) - before}

    def clean_build(self) -> dict[str, str]:
        """The same sources built from nothing (but the shared jupyter-cache)."""
        for item in self.clean.iterdir():
            if item.name != "_build":
                shutil.rmtree(item) if item.is_dir() else item.unlink()
        for item in self.repo.iterdir():
            if item.name not in ("_build", "conf.py"):
                copy = shutil.copytree if item.is_dir() else shutil.copy2
                copy(item, self.clean / item.name)
        staging = self.clean / "_build" / "staging" / "_build"
        for item in [*(self.clean / "_build").iterdir(), *staging.iterdir()]:
            if item.name not in ("staging", "_build", ".jupyter_cache") and item.exists():
                shutil.rmtree(item) if item.is_dir() else item.unlink()
        assert [p.name for p in staging.iterdir()] == [".jupyter_cache"]
        done = run_build(self.clean)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        return tree_digest(self.clean / "_build" / "html")

    def site(self) -> Path:
        return self.repo / "_build" / "html"


def differences(one: Path, two: Path, a: dict[str, str], b: dict[str, str]) -> str:
    """A summary of how two sites differ: files on one side only, and changed lines."""
    lines = [f"only in the incremental build: {sorted(set(a) - set(b))}"] if set(a) - set(b) else []
    if set(b) - set(a):
        lines.append(f"only in the clean build: {sorted(set(b) - set(a))}")
    for name in sorted(n for n in set(a) & set(b) if a[n] != b[n]):
        lines.append(f"differs: {name}")
        try:
            left = (one / name).read_text(encoding="utf-8").splitlines()
            right = (two / name).read_text(encoding="utf-8").splitlines()
        except UnicodeDecodeError:
            continue
        diff = list(difflib.unified_diff(left, right, "incremental", "clean", n=0, lineterm=""))
        lines += [f"    {line[:300]}" for line in diff[2:14]]
    return "\n".join(lines)


def assert_same_as_clean(book: Book, clean: dict[str, str] | None = None) -> None:
    incremental = tree_digest(book.site())
    expected_dir = book.first_dir if clean is None else book.clean / "_build" / "html"
    expected = book.first if clean is None else clean
    assert incremental == expected, "the incremental build differs from a clean one:\n" + (
        differences(book.site(), expected_dir, incremental, expected)
    )


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Book]:
    scratch = tmp_path_factory.mktemp("incremental")
    repo = copy_repo(scratch / "repo")
    clean = scratch / "clean"
    (clean / "_build" / "staging" / "_build").mkdir(parents=True)
    # One jupyter-cache for both copies: a notebook run for one is a cache hit for the other.
    cache = repo / "_build" / "staging" / "_build" / ".jupyter_cache"
    if not cache.exists():
        cache.mkdir(parents=True)
    (clean / "_build" / "staging" / "_build" / ".jupyter_cache").symlink_to(cache)
    done = run_build(repo)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    first_dir = scratch / "first-site"
    shutil.copytree(repo / "_build" / "html", first_dir)
    yield Book(repo, clean, tree_digest(first_dir), first_dir)


def declaring(repo: Path, *tables: str) -> set[str]:
    """The notebook pages whose front matter declares any of ``tables``."""
    return {
        p.relative_to(repo).as_posix()
        for p in (repo / "book").rglob("*.md")
        if set(declared_tables(p.read_text("utf-8")) or ()) & set(tables)
    }


@pytest.fixture(scope="module")
def data_changed(book: Book) -> set[str]:
    """Steps (a) and (b): returns the notebooks the incremental build executed."""
    book.edit("data/memberships.csv", MEMBERSHIP_NOTE, NEW_NOTE)
    book.edit("data/administrations.csv", BANNER, PAYLOAD)
    path = book.repo / CHAPTER
    path.write_text(path.read_text(encoding="utf-8") + PARAGRAPH, encoding="utf-8")
    return book.build()


def test_a_a_data_change_reruns_exactly_the_notebooks_that_read_it(
    book: Book, data_changed: set[str]
) -> None:
    assert data_changed == declaring(book.repo, "memberships", "administrations")
    assert "book/02-strategic-thought/figure-administrations.md" in data_changed
    page = (book.site() / TIMELINE).read_text(encoding="utf-8")
    assert MARK not in (book.first_dir / TIMELINE).read_text(encoding="utf-8")
    # the raw tag never appears; in the table it is an HTML entity, in the chart JSON \u003c
    assert "<script>alert(1)</script>" not in page
    assert html.escape(PAYLOAD, quote=False) in page
    assert "\\u003cscript\\u003e" in page or "\\u0026lt;script" in page
    # notes are published in the CSV downloads (no page shows the note column)
    downloads = list(book.site().glob("_downloads/*/memberships.csv"))
    assert downloads and all("INCREMENTAL-NOTE-51c2" in p.read_text("utf-8") for p in downloads)


def test_a_b_after_a_data_change_and_an_index_term_incremental_equals_clean(
    book: Book, data_changed: set[str]
) -> None:
    assert_same_as_clean(book, book.clean_build())


@pytest.mark.browser
def test_a_the_changed_text_shows_as_text_in_the_browser(
    book: Book, data_changed: set[str], browser
) -> None:
    dialogs: list[str] = []
    with serve(book.site()) as base:
        page = browser.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(f"{base}/{TIMELINE}")
        # (charts are drawn as they come into view: bring it there, as a reader would)
        page.locator(".nea-chart").first.scroll_into_view_if_needed()
        page.wait_for_selector('html[data-nea-charts-drawn="1"]', timeout=20_000)
        cell = page.locator("details.nea-data td", has_text=MARK).first
        assert cell.text_content() == PAYLOAD  # shown as text
        hover = page.locator(".nea-chart-plot").evaluate(
            """gd => {
                const who = 'Roh Tae-woo';
                const i = gd.data.findIndex(t => t.type === 'bar' && t.y.includes(who));
                const j = gd.data[i].y.indexOf(who);
                Plotly.Fx.hover(gd, [{curveNumber: i, pointNumber: j}]);
                return document.querySelector('.hoverlayer').textContent;
            }"""
        )
        assert PAYLOAD in hover
        assert page.locator(".hoverlayer script").count() == 0
        page.close()
    assert not dialogs


def test_b_a_new_index_term_reaches_the_index_and_runs_no_notebook(
    book: Book, data_changed: set[str]
) -> None:
    # (a)'s test: the notebooks executed are exactly those that declare the edited tables
    assert INDEX_TERM in (book.site() / "genindex.html").read_text(encoding="utf-8")
    assert INDEX_TERM not in (book.first_dir / "genindex.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def reverted(book: Book, data_changed: set[str]) -> set[str]:
    """Step (c): the sources as they were at the first build."""
    book.edit("data/memberships.csv", NEW_NOTE, MEMBERSHIP_NOTE)
    book.edit("data/administrations.csv", PAYLOAD, BANNER)
    path = book.repo / CHAPTER
    path.write_text(path.read_text(encoding="utf-8").replace(PARAGRAPH, ""), encoding="utf-8")
    return book.build()


def test_c_reverting_brings_the_first_site_back_from_the_cache(
    book: Book, reverted: set[str]
) -> None:
    assert reverted == set(), "the first build's executions are still in the cache"
    assert_same_as_clean(book)  # the first build was a clean build of these sources
    again = run_build(book.repo)
    assert again.returncode == 0 and "Site is up to date" in again.stdout


@pytest.fixture(scope="module")
def bib_and_config_changed(book: Book, reverted: set[str]) -> None:
    """Step (d): a bibliography entry's title and the copyright line."""
    bib = (book.repo / "references.bib").read_text(encoding="utf-8")
    start = bib.index("title")
    brace = bib.index("{", start)
    (book.repo / "references.bib").write_text(
        bib[: brace + 1] + "Edited: " + bib[brace + 1 :], encoding="utf-8"
    )
    book.edit("_config.yml", 'copyright: "2026 the editors', 'copyright: "2026 the edited editors')
    book.build()


def test_d_after_bibliography_and_configuration_edits_incremental_equals_clean(
    book: Book, bib_and_config_changed: None
) -> None:
    site = book.site()
    assert "the edited editors" in (site / "book" / "index.html").read_text(encoding="utf-8")
    assert "Edited: " in (site / "book" / "bibliography.html").read_text(encoding="utf-8")
    assert_same_as_clean(book, book.clean_build())
