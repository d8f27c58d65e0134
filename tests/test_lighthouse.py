"""Lighthouse on every page: best practices and SEO at 100.

Accessibility is not asked of Lighthouse here: its score is axe-core's, and tests/test_a11y.py
runs axe-core (the same package) with every rule that score counts on every page, phone and
desktop, light and dark. For the same reason the SEO score here leaves out its two audits that
are axe rules (``document-title``, ``image-alt``: ``lighthouse.AXE_AUDITS_OUTSIDE_ACCESSIBILITY``),
so Lighthouse runs no axe of its own. The benchmark (``nox -s bench``) still reports
Lighthouse's own four scores in full.

Lighthouse (npm, pinned in ``tools/a11y/package-lock.json``) in its default mobile run, with
Debian's Chromium, against a local server that serves the site as GitHub Pages does (gzip,
``Cache-Control: max-age=600``). One Chromium and one Node process audit every page in turn
(``devtools.lighthouse``). Performance is a measurement, not an assertion: it is in
the benchmark reports in ``docs/`` (``nox -s bench``), and the tests do not ask for it, so no
page is loaded under throttling here.
"""

from __future__ import annotations

import gzip
import os
import urllib.request
from pathlib import Path

import pytest
from devtools import lighthouse
from devtools.localserver import PAGES_CACHE_CONTROL, PagesHandler, serve, site_pages


@pytest.fixture(scope="module")
def audited(site_dir: Path) -> list[lighthouse.PageScores]:
    reason = lighthouse.tools_missing_reason()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"Lighthouse must run in CI: {reason}")
        pytest.skip(reason)
    pages, about = lighthouse.measure_site(site_dir, lighthouse.ASSERTED)
    assert about["form_factor"] == "mobile"  # Lighthouse's default run, not a desktop preset
    return pages


@pytest.mark.browser
@pytest.mark.parametrize("category", lighthouse.ASSERTED)
def test_every_page_scores_100(audited: list[lighthouse.PageScores], category: str) -> None:
    low = [
        f"{p.page}: {p.scores.get(category)}\n    " + "\n    ".join(p.failures.get(category, []))
        for p in audited
        if p.scores.get(category) != 100
    ]
    assert not low, f"{category} below 100 on {len(low)} pages:\n" + "\n".join(low)


@pytest.mark.browser
def test_every_page_was_audited(audited: list[lighthouse.PageScores], site_dir: Path) -> None:
    assert [p.page for p in audited] == site_pages(site_dir)
    for page in audited:
        assert set(page.scores) == set(lighthouse.ASSERTED), page.page


@pytest.mark.browser
def test_lighthouse_fetched_nothing_from_another_origin(
    audited: list[lighthouse.PageScores],
) -> None:
    """Every request of every audited load went to the local server (or was inline data)."""
    for page in audited:
        assert page.requests, page.page
        foreign = [u for u in page.requests if not u.startswith(("/", "data:", "blob:"))]
        assert not foreign, (page.page, foreign)


# ----------------------------------------------------------------------------------------------
# the server the scores are measured against


def fetch(url: str, encoding: str | None) -> tuple[dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": encoding} if encoding else {})
    with urllib.request.urlopen(request) as response:
        return dict(response.headers), response.read()


def test_the_server_gzips_text_and_caches_like_github_pages(site_dir: Path) -> None:
    with serve(site_dir, PagesHandler) as base:
        headers, body = fetch(f"{base}/book/index.html", "gzip, deflate")
        assert headers["Content-Encoding"] == "gzip"
        assert headers["Cache-Control"] == PAGES_CACHE_CONTROL == "max-age=600"
        assert gzip.decompress(body) == (site_dir / "book" / "index.html").read_bytes()
        headers, body = fetch(f"{base}/book/index.html", None)
        assert "Content-Encoding" not in headers and headers["Cache-Control"] == "max-age=600"
        assert body == (site_dir / "book" / "index.html").read_bytes()
        woff2 = next(site_dir.rglob("*.woff2"))
        headers, _ = fetch(f"{base}/{woff2.relative_to(site_dir).as_posix()}", "gzip")
        assert "Content-Encoding" not in headers  # fonts are compressed already
        with pytest.raises(urllib.error.HTTPError) as missing:
            fetch(f"{base}/no-such-page.html", "gzip")
        assert missing.value.code == 404


def test_every_page_means_every_page(site_dir: Path) -> None:
    """All the HTML pages, less only the root's bare redirect to the front page."""
    pages = site_pages(site_dir)
    every = {
        p.relative_to(site_dir).as_posix()
        for p in site_dir.rglob("*.html")
        if p.relative_to(site_dir).parts[0] not in {"_static", "_sources", "_images"}
    }
    assert every - set(pages) == {"index.html"}
    assert 'url=book/index.html"' in (site_dir / "index.html").read_text(encoding="utf-8")
    assert {"book/index.html", "book/bibliography.html", "search.html"} <= set(pages)
