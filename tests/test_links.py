"""External links keep their targets exactly, query strings included (MyST-Parser#760).

MyST stores a Markdown link's target HTML-escaped and Sphinx escapes it again, so without
``nea_edition.site.link_repair`` a page's ``href`` reads ``?a=1&amp;amp;b=2`` and the browser
asks for ``amp;b``. Pages are parsed with BeautifulSoup, which decodes an attribute once, as a
browser does: a correct ``href`` then holds ``&``, a double-escaped one ``&amp;``.

What is compared with what:

* every http(s) target of a Markdown link (``[text](url)`` and ``<url>``) in ``book/**/*.md``
  (outside fenced code), with its character references decoded as CommonMark does (a source
  may write ``&amp;`` for ``&``), must be one of the built site's ``href`` values, verbatim;
* every URL in the ``source`` and ``note`` fields of ``data/*.csv``: the figure pages show the
  ``source`` column of the tables they chart (as text in the "Data behind the figure" tables,
  or as links in the afterword and the endnotes), so those URLs must appear verbatim in the
  site, as an ``href`` or as text. Notes, and rows or tables no page shows (the acting
  presidents, institutions outside the figures), are published only in the CSV downloads,
  which are byte copies of ``data/``; for them the test asks only that no page shows them
  double-escaped (``&amp;`` for ``&``).
"""

from __future__ import annotations

import csv
import html
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from helpers import ROOT

from nea_edition.site.link_repair import unescape_target

#: Tables whose ``source`` column a page shows in full.
SHOWN_SOURCES = ("administrations", "agenda", "errata", "events", "memberships")
URL = re.compile(r"https?://[^\s;<>\"]+")
FENCE = re.compile(r"^(```+|~~~+)[^\n]*\n.*?^\1\s*$", re.M | re.S)
MD_LINK = re.compile(r"\]\((https?://[^\s)]*(?:\([^\s)]*\)[^\s)]*)*)(?:\s+\"[^\"]*\")?\)")
ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")


@pytest.fixture(scope="module")
def site_links(site_dir: Path) -> tuple[dict[str, list[str]], str]:
    """Every href of the site (value -> pages), and the text of every page."""
    hrefs: dict[str, list[str]] = {}
    texts = []
    for path in sorted(site_dir.rglob("*.html")):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for tag in soup.find_all(href=True):
            hrefs.setdefault(tag["href"], []).append(path.relative_to(site_dir).as_posix())
        texts.append(soup.get_text(" "))
    return hrefs, "\n".join(texts)


def test_no_external_href_is_double_escaped(site_links) -> None:
    hrefs, _ = site_links
    external = [h for h in hrefs if urlsplit(h).scheme in ("http", "https")]
    assert len(external) > 200, "the site's external links were not found"
    bad = [f"{pages[0]}: {h}" for h, pages in hrefs.items() if h in external and "&amp;" in h]
    assert not bad, f"{len(bad)} external links with '&amp;' in their target:\n" + "\n".join(bad)


def commonmark_unescape(url: str) -> str:
    """Decode ``&name;`` and ``&#n;`` as CommonMark does: only with their semicolon."""
    return ENTITY.sub(lambda m: html.unescape(m.group(0)), url)


def markdown_urls() -> dict[str, list[str]]:
    """http(s) targets of the Markdown links of every page (url -> files)."""
    found: dict[str, list[str]] = {}
    for path in sorted((ROOT / "book").rglob("*.md")):
        text = FENCE.sub("", path.read_text(encoding="utf-8"))
        for url in MD_LINK.findall(text) + AUTOLINK.findall(text):
            # CommonMark decodes character references in link destinations: `&amp;` is `&`
            found.setdefault(commonmark_unescape(url), []).append(path.relative_to(ROOT).as_posix())
    return found


def test_every_markdown_link_is_built_verbatim(site_links) -> None:
    hrefs, _ = site_links
    urls = markdown_urls()
    assert len(urls) > 50, "the pages' links were not found"
    with_query = [u for u in urls if "&" in u]
    assert with_query, "no link with a query string of several fields: the test tests nothing"
    lost = [f"{files[0]}: {url}" for url, files in urls.items() if url not in hrefs]
    assert not lost, "links whose target the site does not carry verbatim:\n" + "\n".join(lost)


def csv_urls() -> list[tuple[str, int, str, str]]:
    """(table, line, column, url) of every URL in a source or note field of data/."""
    found = []
    for path in sorted((ROOT / "data").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for line, row in enumerate(csv.DictReader(handle), start=2):
                for column in ("source", "note"):
                    for url in URL.findall(row.get(column) or ""):
                        found.append((path.stem, line, column, url.rstrip(".,)")))
    return found


def shown(url: str, hrefs: dict[str, list[str]], text: str) -> bool:
    """The URL is an href of the site, or stands whole in a page's text."""
    return url in hrefs or re.search(re.escape(url) + r"(?![\w/%&=?#.~+-])", text) is not None


def test_every_shown_data_source_is_in_the_site_verbatim(site_links) -> None:
    hrefs, text = site_links
    rows = [r for r in csv_urls() if r[0] in SHOWN_SOURCES and r[2] == "source"]
    assert len(rows) > 300
    assert any("&" in url for *_, url in rows), "no source with a query string: nothing tested"
    lost = [f"data/{t}.csv:{line} {url}" for t, line, _, url in rows if not shown(url, hrefs, text)]
    assert not lost, "sources the site does not show verbatim:\n" + "\n".join(lost)


def test_no_data_url_is_shown_double_escaped(site_links) -> None:
    """Notes and unshown rows included: no page carries a data URL with ``&amp;`` for ``&``."""
    hrefs, text = site_links
    escaped = [
        f"data/{table}.csv:{line} {column}: {url}"
        for table, line, column, url in csv_urls()
        if "&" in url
        and (
            url.replace("&", "&amp;") in hrefs
            or url.replace("&", "&amp;") in text
            or any(h.startswith(url.split("&")[0] + "&amp;") for h in hrefs)
        )
    ]
    assert not escaped, "\n".join(escaped)


def test_the_repair_unescapes_only_what_an_escaper_wrote() -> None:
    assert unescape_target("https://x.org/?a=1&amp;b=2") == "https://x.org/?a=1&b=2"
    assert unescape_target("https://x.org/?a=1&b=2") == "https://x.org/?a=1&b=2"
    assert unescape_target("#local&amp;anchor") == "#local&amp;anchor"  # not external
    assert unescape_target("https://x.org/?q=&lt;&gt;&quot;&#39;") == "https://x.org/?q=<>\"'"
