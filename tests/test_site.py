"""The built site: every page of the table of contents is there, headings follow the paper,
every internal link and anchor resolves, and nothing is loaded from another origin."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup
from devtools.localserver import site_pages
from helpers import (
    CHART_PAGES,
    PAPER_HEADINGS,
    ROOT,
    h1_text,
    normalise,
    page_path,
    toc_files,
)


def test_every_toc_page_is_built(site_dir: Path) -> None:
    missing = [d for d in toc_files() if not page_path(site_dir, d).is_file()]
    assert not missing, f"pages in _toc.yml missing from the site: {missing}"


def test_chapters_follow_the_papers_sections_in_order(site_dir: Path) -> None:
    order = toc_files()
    for docname, heading in PAPER_HEADINGS.items():
        assert docname in order, f"{docname} is not in _toc.yml"
        assert h1_text(page_path(site_dir, docname)) == normalise(heading), docname
    positions = [order.index(d) for d in PAPER_HEADINGS]
    assert positions == sorted(positions), "chapters are not in the paper's order"


def test_apparatus_pages_follow_the_chapters() -> None:
    order = toc_files()
    last_chapter = order.index("book/05-conclusion")
    for page in ("book/data", "book/endnotes", "book/bibliography"):
        assert order.index(page) > last_chapter, page


@pytest.fixture
def readable_site(site_dir: Path) -> Iterator[Path]:
    """LinkChecker drops root privileges to `nobody`: give it a world-readable copy in /tmp."""
    with tempfile.TemporaryDirectory(prefix="nea-links-") as tmp:
        copy = Path(tmp) / "site"
        shutil.copytree(site_dir, copy)
        for path in [Path(tmp), copy, *copy.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        yield copy


class _Anchors(HTMLParser):
    """The ids (and ``<a name>``) of one page, and the targets of its links."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(found["id"])
        if tag == "a" and found.get("name"):
            self.ids.add(found["name"])
        if tag in ("a", "link", "area") and found.get("href"):
            self.hrefs.append(found["href"])


def dangling_anchors(site: Path, pages: list[Path]) -> list[str]:
    """``page.html#id`` links from ``pages`` to a page of ``site`` that has no such id.

    What LinkChecker's AnchorCheck plugin reports, with each page parsed once: the plugin
    parses the target page again for every anchored link (over 300 here, some pages 0.7 MB),
    which took most of this test's time.
    """
    parsed: dict[Path, _Anchors] = {}

    def parse(path: Path) -> _Anchors:
        if path not in parsed:
            parser = _Anchors()
            parser.feed(path.read_text(encoding="utf-8"))
            parsed[path] = parser
        return parsed[path]

    bad = []
    for page in pages:
        for href in parse(page).hrefs:
            url = urlsplit(href)
            if url.scheme or url.netloc or not url.fragment or not url.path:
                continue  # another origin, no anchor, or a same-page one (the next test)
            target = (page.parent / unquote(url.path)).resolve()
            if not (target.suffix == ".html" and target.is_file()):
                continue  # a file LinkChecker checks (or reports missing) itself
            if unquote(url.fragment) not in parse(target).ids:
                bad.append(f"{page.relative_to(site)}: {href}")
    return bad


def test_every_internal_link_and_anchor_resolves(readable_site: Path) -> None:
    """LinkChecker crawls every page from the front page, checking every file a page links;
    the ``#anchors`` of those links are checked against each target page's ids."""
    copy = readable_site
    config = copy.parent / "linkcheckerrc"
    config.write_text("[filtering]\ncheckextern=0\n", encoding="utf-8")
    config.chmod(0o644)
    result = subprocess.run(
        [
            str(Path(sys.executable).with_name("linkchecker")),
            "--config",
            str(config),
            "--no-status",
            "--verbose",
            "--output",
            "csv",
            str(copy / "index.html"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    rows = [
        r
        for r in csv.DictReader(
            io.StringIO(
                "".join(
                    line
                    for line in result.stdout.splitlines(keepends=True)
                    if not line.startswith("#")
                )
            ),
            delimiter=";",
        )
    ]
    assert rows, f"LinkChecker produced no rows: {result.stderr}"
    bad = [
        f"{r['parentname']}:{r['line']}: {r['urlname']}: {r['result'] or r['warningstring']}"
        for r in rows
        if r["valid"] != "True" or r["warningstring"]
    ]
    assert not bad, "broken internal links or anchors:\n" + "\n".join(bad)
    checked = {urlsplit(r["url"]).path for r in rows}
    unreached = [d for d in toc_files() if str(page_path(copy, d)) not in checked]
    assert not unreached, f"pages no link leads to: {unreached}"
    reached = sorted({Path(p) for p in checked if p.endswith(".html") and Path(p).is_file()})
    assert len(reached) >= len(toc_files())
    bad = dangling_anchors(copy, reached)
    assert not bad, "links to an anchor the target page does not have:\n" + "\n".join(bad)


def test_same_page_anchors_resolve(site_dir: Path) -> None:
    """`#fragment` links within a page (LinkChecker does not follow those)."""
    bad = []
    for html_file in site_dir.rglob("*.html"):
        soup = BeautifulSoup(html_file.read_text(encoding="utf-8"), "html.parser")
        ids = {tag["id"] for tag in soup.find_all(id=True)} | {
            tag["name"] for tag in soup.find_all("a", attrs={"name": True})
        }
        for link in soup.find_all("a", href=True):
            href = link["href"]
            if href.startswith("#") and len(href) > 1 and href[1:] not in ids:
                bad.append(f"{html_file.relative_to(site_dir)}: {href}")
    assert not bad, "same-page anchors that point nowhere:\n" + "\n".join(bad)


EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", re.IGNORECASE)


def test_no_page_loads_anything_from_another_origin(site_dir: Path) -> None:
    """Scripts, styles, fonts, images and frames all come from the site itself.

    Plain links (<a href>) to sources are fine: the reader chooses to follow them.
    """
    offenders = []
    for html_file in site_dir.rglob("*.html"):
        soup = BeautifulSoup(html_file.read_text(encoding="utf-8"), "html.parser")
        for tag in soup.find_all(["script", "link", "img", "iframe", "source", "video", "audio"]):
            url = tag.get("src") or (tag.get("href") if tag.name == "link" else None)
            if url and urlsplit(url).netloc:
                offenders.append(f"{html_file.relative_to(site_dir)}: <{tag.name}> {url}")
        for script in soup.find_all("script", src=False):
            # JSON-LD is a data block, never executed: its schema.org URLs are names, not loads.
            if script.get("type") == "application/ld+json":
                continue
            if re.search(r"https?://(?!www\.w3\.org)", script.get_text()):
                offenders.append(f"{html_file.relative_to(site_dir)}: inline script with a URL")
    for css in site_dir.rglob("*.css"):
        for url in re.findall(r"url\(\s*['\"]?(https?:)?//[^)]*\)", css.read_text("utf-8")):
            offenders.append(f"{css.relative_to(site_dir)}: {url}")
    assert not offenders, "\n".join(offenders)


def test_footer_names_the_editions_licences(site_dir: Path) -> None:
    soup = BeautifulSoup((site_dir / "book" / "index.html").read_text("utf-8"), "html.parser")
    footer = soup.select_one(".copyright")
    assert footer is not None, "no copyright line in the footer"
    text = " ".join(footer.get_text(" ").split())
    assert "CC BY 4.0" in text and "Council on Foreign Relations" in text, text


@pytest.mark.parametrize("bad", ["executablebooks/jupyter-book", "unpkg.com", "mybinder", "colab"])
def test_no_jupyter_book_defaults_leak_into_pages(site_dir: Path, bad: str) -> None:
    hits = [
        str(p.relative_to(site_dir))
        for p in site_dir.rglob("*.html")
        if bad in p.read_text(encoding="utf-8")
    ]
    assert not hits, f"{bad!r} found in {hits}"


def article_text(html_file: Path) -> BeautifulSoup:
    soup = BeautifulSoup(html_file.read_text(encoding="utf-8"), "html.parser")
    article = soup.select_one("article")
    assert article is not None, f"{html_file} has no <article>"
    return article


def test_every_section_page_keeps_its_analysis_apart(site_dir: Path) -> None:
    """The companion summary and the edition's own analysis are visibly separate."""
    lacking = []
    # Chapter overview pages (…/index) may only introduce their sections.
    for docname in (d for d in PAPER_HEADINGS if not d.endswith("/index")):
        article = article_text(page_path(site_dir, docname))
        heading_ids = {tag.get("id", "") for tag in article.find_all("section")}
        if not any(i.startswith("the-edition-s-analysis") for i in heading_ids):
            lacking.append(docname)
    assert not lacking, f"no 'The edition's analysis' section on: {lacking}"


def test_the_chapters_hold_at_least_six_thousand_words_of_prose(site_dir: Path) -> None:
    words = 0
    for docname in PAPER_HEADINGS:
        article = article_text(page_path(site_dir, docname))
        for tag in article.select("pre, .cell, script, style"):
            tag.decompose()
        words += len(article.get_text(" ").split())
    assert words >= 6000, f"only {words} words of prose in the chapters"


def test_every_chapter_cites_the_bibliography(site_dir: Path) -> None:
    """Citations resolve to the one generated Bibliography page."""
    uncited = []
    for docname in PAPER_HEADINGS:
        article = article_text(page_path(site_dir, docname))
        links = [a["href"] for a in article.find_all("a", href=True)]
        if not any("bibliography.html#id" in href for href in links):
            uncited.append(docname)
    # Chapter overview pages may summarise without citing; section pages and the
    # introduction and conclusion, which carry the endnotes, must cite.
    uncited = [d for d in uncited if not d.endswith("/index")]
    assert not uncited, f"no citation on: {uncited}"


def css_block(template: str) -> list[str]:
    """The lines of a template's ``css`` block, without comments, indentation or blank lines."""
    found = re.search(r"\{%-?\s*block css\s*%\}(.*?)\{%-?\s*endblock css\s*%\}", template, re.S)
    assert found, "no css block"
    body = re.sub(r"\{#.*?#\}", "", found.group(1), flags=re.S)
    body = re.sub(r"<!--.*?-->", "", body, flags=re.S)
    return [line.strip() for line in body.splitlines() if line.strip()]


def test_theme_css_block_is_the_one_layout_html_repeats() -> None:
    """book/_templates/layout.html repeats pydata-sphinx-theme's ``css`` block less one line.

    If the theme changes the block, the repetition would silently keep the old one: this
    fails instead, and the template must be brought up to date (or the override dropped).
    """
    import pydata_sphinx_theme

    theme = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme"
    upstream = css_block((theme / "layout.html").read_text(encoding="utf-8"))
    ours = css_block((ROOT / "book" / "_templates" / "layout.html").read_text(encoding="utf-8"))
    dropped = "{{ _webpack.head_js_preload() }}"
    assert dropped in upstream, "the theme no longer preloads scripts here: drop the override"
    # Ours also replaces the theme's mode script with one that resolves "auto" before the first
    # paint: the theme's must still be the two lines ours stands in for.
    fallback = '|| "{{ default_mode }}";'
    replaced = [
        f'document.documentElement.dataset.mode = localStorage.getItem("mode") {fallback}',
        f'document.documentElement.dataset.theme = localStorage.getItem("theme") {fallback}',
    ]
    assert script_body(upstream) == replaced, "the theme's mode script changed: update ours"
    assert without_script([line for line in upstream if line != dropped]) == without_script(ours)


def script_body(lines: list[str]) -> list[str]:
    """The lines inside the block's first ``<script>`` element."""
    start = next(i for i, line in enumerate(lines) if line.startswith("<script"))
    end = next(i for i, line in enumerate(lines) if i > start and line == "</script>")
    return lines[start + 1 : end]


def without_script(lines: list[str]) -> list[str]:
    """The block's lines less its first ``<script>`` element."""
    start = next(i for i, line in enumerate(lines) if line.startswith("<script"))
    end = next(i for i, line in enumerate(lines) if i > start and line == "</script>")
    return lines[:start] + lines[end + 1 :]


def test_every_page_with_a_chart_is_a_chart_page(site_dir: Path) -> None:
    """The chart tests' list of chart pages is every page of the built site with a chart, so a
    page that gains a chart, or is added or split, is not left out of them."""
    found = sorted(
        page
        for page in site_pages(site_dir)
        if 'class="nea-chart"' in (site_dir / page).read_text(encoding="utf-8")
    )
    assert found == sorted(CHART_PAGES.values())
