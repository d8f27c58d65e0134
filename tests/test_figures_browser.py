"""The figures as readers get them: the built site in headless Chromium, served from 127.0.0.1.

Every chart page draws every chart (an SVG with the expected traces) from the site's own
plotly.js, with no console error and no request to another origin; the timeline holds every
president of ``data/administrations.csv``; the 2009 matrix says what ``data/`` says; moving
the slider changes the matrix. A screenshot of each figure goes to ``test-artifacts/``.

Fixtures ``site_dir``, ``site_url``, ``browser`` and ``artifacts_dir`` come from conftest.py.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]

#: page -> (number of charts, plotly trace types expected in each chart)
CHART_PAGES: dict[str, list[set[str]]] = {
    "book/02-strategic-thought/figure-administrations.html": [{"bar", "scatter"}],
    "book/03-lee-government/figure-global-korea.html": [{"scatter"}],
    "book/04-security-cooperation/figure-membership-matrix.html": [{"scatter"}],
    "book/04-security-cooperation/figure-institution-overlap.html": [{"heatmap"}],
    "book/06-after-2009.html": [{"scatter"}],
}
NO_CHART_PAGES = ["book/01-introduction.html", "book/index.html"]


def read_csv(name: str) -> list[dict[str, str]]:
    with (ROOT / "data" / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@dataclass
class Visit:
    """A page opened in a fresh context, with everything it asked for and complained about."""

    page: object
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


@pytest.fixture
def visit(browser, site_url: str) -> Iterator:
    contexts = []

    def open_page(path: str, width: int = 1280) -> Visit:
        context = browser.new_context(viewport={"width": width, "height": 900})
        contexts.append(context)
        page = context.new_page()
        seen = Visit(page)
        page.on("request", lambda r: seen.requests.append(r.url))
        page.on(
            "console",
            lambda m: seen.errors.append(m.text) if m.type in ("error", "warning") else None,
        )
        page.on("pageerror", lambda e: seen.errors.append(str(e)))

        def on_dialog(dialog) -> None:
            seen.dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.goto(f"{site_url}/{path}")
        return seen

    yield open_page
    for context in contexts:
        context.close()


def texts(locator) -> list[str]:
    """Text of SVG elements (which have no innerText)."""
    return locator.evaluate_all("els => els.map(e => e.textContent)")


def row_labels(page) -> list[str]:
    """The matrix's y-axis labels from top to bottom (the DOM lists them bottom-up)."""
    return page.locator(".nea-chart .ytick text").evaluate_all(
        "els => els.map(e => [e.getBoundingClientRect().top, e.textContent])"
        ".sort((a, b) => a[0] - b[0]).map(p => p[1])"
    )


def wait_drawn(page, count: int) -> None:
    page.wait_for_selector(f'html[data-nea-charts-drawn="{count}"]', timeout=20_000)


def own_origin(url: str, site_url: str) -> bool:
    if url.startswith(("data:", "blob:", "about:")):
        return True
    return urlsplit(url).netloc == urlsplit(site_url).netloc


@pytest.mark.parametrize("path", sorted(CHART_PAGES))
def test_every_chart_draws_from_the_site_itself(
    visit, site_url: str, path: str, artifacts_dir: Path
) -> None:
    expected = CHART_PAGES[path]
    seen = visit(path)
    page = seen.page
    wait_drawn(page, len(expected))
    charts = page.locator(".nea-chart")
    assert charts.count() == len(expected)
    for i, types in enumerate(expected):
        chart = charts.nth(i)
        assert chart.get_attribute("data-drawn") == "true"
        assert chart.locator("svg.main-svg").count() >= 1
        drawn_types = set(
            chart.locator(".nea-chart-plot").evaluate("gd => gd.data.map(t => t.type)")
        )
        assert drawn_types == types
        # plotly drew one SVG group per trace
        n_traces = chart.locator(".nea-chart-plot").evaluate("gd => gd.data.length")
        assert chart.locator("g.trace, g.hm, .heatmaplayer image").count() >= min(n_traces, 1)
        # the text description is there and the chart points to it
        plot = chart.locator(".nea-chart-plot")
        described = plot.get_attribute("aria-describedby")
        assert page.locator(f"#{described}").inner_text().startswith("In words:")
        assert plot.get_attribute("aria-label")
    # figure number, caption and the data toggle with a CSV
    assert page.locator("figure figcaption .caption-number").count() == len(expected)
    assert page.locator("details.nea-data a.nea-csv[download]").count() >= 1
    # plotly.js is the site's own file, loaded once
    plotly = [u for u in seen.requests if "/_static/plotly-" in u]
    assert len(plotly) == 1, plotly
    offsite = [u for u in seen.requests if not own_origin(u, site_url)]
    assert not offsite, offsite
    assert not seen.errors, seen.errors
    assert not seen.dialogs
    name = Path(path).stem
    for i in range(len(expected)):
        page.add_style_tag(content=".bd-header, .skip-link, header {display: none !important}")
        page.locator("figure").nth(i).screenshot(path=str(artifacts_dir / f"{name}-{i}.png"))


def test_the_data_page_draws_the_membership_chart(visit, site_url: str) -> None:
    """The Data page repeats Figure 4.1's chart (unnumbered: it is a copy)."""
    seen = visit("book/data.html")
    wait_drawn(seen.page, 1)
    chart = seen.page.locator(".nea-chart").first
    assert chart.get_attribute("data-drawn") == "true"
    assert chart.locator("svg.main-svg").count() >= 1
    assert len([u for u in seen.requests if "/_static/plotly-" in u]) == 1
    assert all(own_origin(u, site_url) for u in seen.requests)
    assert not seen.errors, seen.errors


@pytest.mark.parametrize("path", NO_CHART_PAGES)
def test_pages_without_charts_load_no_plotly(visit, path: str) -> None:
    seen = visit(path)
    seen.page.wait_for_load_state("load")
    assert not [u for u in seen.requests if "plotly" in u or "nea-charts" in u]


def test_timeline_holds_every_president(visit) -> None:
    seen = visit("book/02-strategic-thought/figure-administrations.html")
    wait_drawn(seen.page, 1)
    ticks = texts(seen.page.locator(".nea-chart .ytick text"))
    presidents = [row["president"] for row in read_csv("administrations.csv")]
    assert presidents
    for president in presidents:
        assert president in ticks, f"{president} missing from the timeline"
    bars = seen.page.locator(".nea-chart g.barlayer g.point").count()
    assert bars >= len(presidents)


def _cells(page) -> dict[tuple[str, str], str]:
    """(country name, body id) -> status, as currently drawn."""
    data = page.locator(".nea-chart-plot").first.evaluate(
        "gd => gd.data.map(t => ({name: t.name, x: t.x, y: t.y}))"
    )
    return {(y, x): t["name"] for t in data for x, y in zip(t["x"], t["y"], strict=True)}


def test_the_2009_matrix_says_what_the_data_say(visit) -> None:
    seen = visit("book/04-security-cooperation/figure-membership-matrix.html")
    page = seen.page
    wait_drawn(page, 1)
    current = page.locator(".nea-chart .slider-group > text.slider-label")
    assert "2009" in texts(current)[0]
    names = {row["iso3"]: row["name"] for row in read_csv("countries.csv")}
    cells = _cells(page)
    six = ["KOR", "PRK", "CHN", "JPN", "RUS", "USA"]
    for iso in six:
        assert cells[(names[iso], "SPT")] in {"participant", "member"}, iso
    assert cells[(names["PRK"], "ARF")] in {"participant", "member"}
    assert cells[(names["PRK"], "APEC")] == "not a member"
    rows = row_labels(page)
    assert rows[:6] == [names[c] for c in six]
    # the same against the CSV itself: every 2009 membership row of these bodies is drawn
    checked = 0
    for row in read_csv("memberships.csv"):
        joined, left = int(row["joined"]), int(row["left"] or 9999)
        cell = (names.get(row["country"]), row["institution"])
        if row["institution"] in {"SPT", "ARF", "APEC"} and joined <= 2009 <= left:
            assert cells[cell] != "not a member", cell
            checked += 1
    assert checked >= 6 + 20


def test_moving_the_slider_changes_the_matrix(visit) -> None:
    seen = visit("book/04-security-cooperation/figure-membership-matrix.html")
    page = seen.page
    wait_drawn(page, 1)
    before = _cells(page)
    rail = page.locator(".nea-chart .slider-group rect.slider-rail-rect").first
    rail.scroll_into_view_if_needed()
    box = rail.bounding_box()
    assert box
    # the slider runs 1989..today: click near its left end (the early 1990s), as a reader would
    page.mouse.click(box["x"] + box["width"] * 0.1, box["y"] + box["height"] / 2)
    current = ".nea-chart .slider-group > text.slider-label"
    page.wait_for_function(
        f"() => !document.querySelector('{current}').textContent.includes('2009')",
        timeout=5_000,
    )
    year = int(texts(page.locator(current))[0].split()[-1])
    assert year < 2000
    page.wait_for_function(
        "() => !document.querySelector('.nea-chart-plot').data.some(t => t.x.includes('SPT'))",
        timeout=5_000,
    )
    after = _cells(page)
    assert after != before
    assert not any(body == "SPT" for _, body in after)  # the talks began in 2003
    assert not seen.errors, seen.errors


def test_matrix_is_readable_at_375_px(visit, artifacts_dir: Path) -> None:
    seen = visit("book/04-security-cooperation/figure-membership-matrix.html", width=375)
    page = seen.page
    wait_drawn(page, 1)
    ticks = row_labels(page)
    assert ticks[:6] == ["KOR", "PRK", "CHN", "JPN", "RUS", "USA"]  # codes, not long names
    assert page.locator(".nea-chart .slider-group rect.slider-rail-rect").count() == 1
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375 + 1, "the page scrolls sideways at 375 px"
    page.add_style_tag(content=".bd-header, .skip-link, header {display: none !important}")
    page.locator("figure").first.screenshot(path=str(artifacts_dir / "membership-matrix-375.png"))


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_the_afterword_scorecard_draws_in_light_and_dark_mode(
    browser, site_url: str, mode: str, artifacts_dir: Path
) -> None:
    """The agenda chapter's scorecard draws whichever theme the reader chose, at phone width."""
    context = browser.new_context(viewport={"width": 375, "height": 800})
    context.add_init_script(
        f"localStorage.setItem('mode', '{mode}'); localStorage.setItem('theme', '{mode}');"
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{site_url}/book/06-after-2009.html")
    assert page.evaluate("document.documentElement.dataset.theme") == mode
    chart = page.locator(".nea-chart").first
    chart.scroll_into_view_if_needed()
    wait_drawn(page, 1)
    assert chart.get_attribute("data-drawn") == "true"
    numbers = chart.locator(".nea-chart-plot").evaluate("gd => gd.data.flatMap(t => t.text).length")
    assert numbers == len(read_csv("agenda.csv"))  # one numbered square per item
    chart.screenshot(path=str(artifacts_dir / f"afterword-scorecard-375-{mode}.png"))
    assert not errors
    context.close()
