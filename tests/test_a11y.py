"""axe-core on every page of the built site, in light and dark mode: no violation at all.

axe-core (the npm package, pinned in ``tools/a11y/package-lock.json`` and installed by ``npm
ci``: ``python -m devtools.lighthouse install``) runs in headless Chromium with WCAG 2.0,
2.1 and 2.2 at levels A and AA plus axe's best practices, on a phone-wide and a desktop-wide
viewport, each in the light and the dark theme. pydata-sphinx-theme's own suite filters two
violations; this one filters none. A rule the edition truly could not meet would be named in
``UNMET`` with the reason, and be counted as a shortfall; there is none.

The repairs these tests hold in place are in ``nea_edition.site.a11y`` (navigation toggles,
the reference list, code-cell toggles), ``book/_templates/`` (landmarks, the search button)
and ``book/_static/edition.css`` (link contrast in tables). The static checks at the end read
the HTML for each repair, so a regression names its cause even where no browser runs.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from devtools.lighthouse import (
    AXE_AUDITS_OUTSIDE_ACCESSIBILITY,
    AXE_JS,
    TOOLS_DIR,
    tools_missing_reason,
)
from devtools.localserver import site_pages
from helpers import AXE_TAGS

#: Rules that cannot be met, each with why. Each entry is a shortfall; there are none.
UNMET: dict[str, str] = {}
#: The rules behind the faults the stock theme had: each must have run and passed
#: somewhere, so that a change of axe's configuration cannot hide them.
REPAIRED = [
    "summary-name",
    "region",
    "label-content-name-mismatch",
    "color-contrast",
    "aria-deprecated-role",
    "aria-allowed-role",
    "aria-required-children",
    "empty-table-header",
]
VIEWPORTS = ("phone", "desktop")
MODES = ("light", "dark")


def describe(violations: list[dict]) -> list[str]:
    lines = []
    for violation in violations:
        targets = "; ".join(" ".join(n["target"]) for n in violation["nodes"][:3])
        lines.append(
            f"  {violation['id']} ({len(violation['nodes'])} nodes): {violation['help']}"
            f" [{targets}]"
        )
    return lines


@pytest.fixture(scope="module")
def axe_results(page_visits: dict) -> dict:
    """axe's results for every page, viewport and mode (from the session's shared visits)."""
    reason = tools_missing_reason()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"axe-core must run in CI: {reason}")
        pytest.skip(reason)
    return page_visits


@pytest.mark.browser
@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("mode", MODES)
def test_no_axe_violations_on_any_page(axe_results: dict, viewport: str, mode: str) -> None:
    report = []
    for (vp, md, path), result in axe_results.items():
        if (vp, md) != (viewport, mode):
            continue
        violations = [v for v in result["axe"]["violations"] if v["id"] not in UNMET]
        if violations:
            report.append(f"{path} ({viewport}, {mode}):")
            report += describe(violations)
    assert not report, "axe-core violations:\n" + "\n".join(report)


@pytest.mark.browser
def test_every_page_was_checked_in_the_mode_asked_for(axe_results: dict, site_dir: Path) -> None:
    pages = site_pages(site_dir)
    assert len(pages) >= 20 and "book/bibliography.html" in pages
    assert {path for (_, _, path) in axe_results} == set(pages)
    assert len(axe_results) == len(pages) * len(VIEWPORTS) * len(MODES)
    for (viewport, mode, path), result in axe_results.items():
        assert result["theme"] == mode, (viewport, mode, path, result["theme"])
        rgb = [int(c) for c in result["background"].strip("rgba()").split(",")[:3]]
        dark = sum(rgb) < 3 * 80
        assert dark == (mode == "dark"), (viewport, mode, path, result["background"])


@pytest.mark.browser
def test_the_rules_behind_the_repairs_ran(axe_results: dict) -> None:
    """Each repaired rule is in axe's run; those that still apply pass on some node.

    ``label-content-name-mismatch`` checks elements named by aria-label that also show text;
    with the search button named by its text, no page has one left, so it runs and finds
    nothing to check.
    """
    passed: set[str] = set()
    ran: set[str] = set()
    for result in axe_results.values():
        passed |= {rule["id"] for rule in result["axe"]["passes"]}
        ran |= {rule["id"] for kind in ("passes", "inapplicable") for rule in result["axe"][kind]}
    assert set(REPAIRED) <= ran, sorted(set(REPAIRED) - ran)
    still_apply = set(REPAIRED) - {"label-content-name-mismatch"}
    assert still_apply <= passed, sorted(still_apply - passed)


#: The audits of Lighthouse's accessibility category that count towards its score.
LIGHTHOUSE_SCORED = """
import {defaultConfig} from 'lighthouse';
const refs = defaultConfig.categories.accessibility.auditRefs;
console.log(JSON.stringify(refs.filter(r => r.weight > 0).map(r => r.id)));
"""


@pytest.mark.browser
def test_axe_runs_every_rule_lighthouse_scores(browser) -> None:
    """Lighthouse's accessibility score is axe-core's verdict on the rules it counts; the tests
    leave that category, and SEO's two axe audits, to axe (tests/test_lighthouse.py), so axe
    must run all of them, and
    Lighthouse must use the very axe-core these tests inject (one copy in node_modules)."""
    reason = tools_missing_reason()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"axe-core must run in CI: {reason}")
        pytest.skip(reason)
    node = subprocess.run(
        ["node", "--input-type=module", "-e", LIGHTHOUSE_SCORED],
        cwd=TOOLS_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    scored = set(json.loads(node.stdout))
    assert len(scored) > 40 and "color-contrast" in scored, scored
    page = browser.new_page()
    try:
        page.evaluate((TOOLS_DIR / AXE_JS).read_text(encoding="utf-8"))
        ours = set(page.evaluate("tags => axe.getRules(tags).map(r => r.ruleId)", AXE_TAGS))
    finally:
        page.close()
    assert scored <= ours, f"rules Lighthouse scores that axe does not run: {scored - ours}"
    # and the two SEO audits that are axe rules, which the tests' Lighthouse runs skip
    skipped = set(AXE_AUDITS_OUTSIDE_ACCESSIBILITY)
    assert skipped <= ours, f"skipped in Lighthouse, not run by axe: {skipped - ours}"
    nested = TOOLS_DIR / "node_modules" / "lighthouse" / "node_modules" / "axe-core"
    assert not nested.exists(), "Lighthouse has an axe-core of its own"


def test_nothing_is_filtered() -> None:
    """Any rule left unmet must say why; the edition has none and allows no filter."""
    assert all(reason.strip() for reason in UNMET.values())
    assert UNMET == {}


# ----------------------------------------------------------------------------------------------
# the repairs, read from the HTML (no browser needed)


@pytest.fixture(scope="module")
def soups(site_dir: Path) -> dict[str, BeautifulSoup]:
    return {
        path: BeautifulSoup((site_dir / path).read_text(encoding="utf-8"), "html.parser")
        for path in site_pages(site_dir)
    }


def test_every_navigation_toggle_is_named_after_its_entry(soups: dict) -> None:
    soup = soups["book/01-introduction.html"]
    summaries = soup.select("nav.bd-docs-nav li.has-children > details > summary")
    assert summaries, "the navigation has no collapsible entries any more"
    for summary in summaries:
        link = summary.find_parent("li").find("a", recursive=False)
        expected = "Pages under " + " ".join(link.get_text().split())
        assert summary.get("aria-label") == expected
    for path, page in soups.items():
        for summary in page.select("summary"):
            assert summary.get("aria-label") or summary.get_text(strip=True), (path, summary)


def test_the_reference_list_is_a_list_of_list_items(soups: dict) -> None:
    soup = soups["book/bibliography.html"]
    assert not soup.select('[role="doc-biblioentry"]')
    lists = soup.select('div.citation-list[role="list"]')
    assert lists
    entries = lists[0].find_all(recursive=False)
    assert len(entries) > 20
    assert all(e.get("role") == "listitem" and "citation" in e["class"] for e in entries)


def test_the_title_is_the_banner_and_the_only_header(soups: dict) -> None:
    for path, soup in soups.items():
        headers = [h for h in soup.find_all("header") if not h.find_parent(["article", "main"])]
        assert len(headers) == 1 and "nea-banner" in headers[0]["class"], path
        assert headers[0].find("a", class_="navbar-brand"), path
        assert soup.select_one(".bd-header"), path  # the theme's script measures it


def test_the_search_button_is_named_by_what_it_shows(soups: dict) -> None:
    button = soups["book/index.html"].select_one("button.search-button-field")
    assert not button.has_attr("aria-label")
    assert " ".join(button.get_text().split()) == "Search Ctrl+K"


def test_code_cell_toggles_are_named_by_their_prompt(soups: dict) -> None:
    toggles = [s for soup in soups.values() for s in soup.select("details.hide > summary")]
    assert toggles
    for summary in toggles:
        assert not summary.has_attr("aria-label")
        assert summary.select_one("p.collapsed").get_text(strip=True).startswith("Show code")


def test_tool_versions_are_pinned() -> None:
    """axe-core and Lighthouse are exact versions, and the lock holds integrity hashes."""
    manifest = json.loads((TOOLS_DIR / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((TOOLS_DIR / "package-lock.json").read_text(encoding="utf-8"))
    for name, spec in manifest["devDependencies"].items():
        assert spec[0].isdigit(), f"{name} {spec} is a range"
        assert lock["packages"][f"node_modules/{name}"]["version"] == spec
    assert all(
        entry.get("integrity", "").startswith("sha512-")
        for key, entry in lock["packages"].items()
        if key
    )
