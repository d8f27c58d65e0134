"""The figures as readers get them: the built site in headless Chromium, served from 127.0.0.1.

Every chart page draws every chart (an SVG with the expected traces) from the site's own
plotly.js, with no console error and no request to another origin; the timeline holds every
president of ``data/administrations.csv``; the 2009 matrix says what ``data/`` says; moving
the slider changes the matrix. A screenshot of each figure goes to ``test-artifacts/``.

The charts cost the text nothing: plotly.js is requested only once a chart comes into view
(after the page's load event), the space a chart takes is reserved before it is drawn, and
without JavaScript the description and the table stand in. Bodies are shown by their short
names with the full name on hover; the slider and the buttons work from the keyboard and have
names; each figure page has one "show code" toggle. Dark mode: ``test_charts_dark.py``.

Fixtures ``site_dir``, ``site_url``, ``browser`` and ``artifacts_dir`` come from conftest.py;
``drawn`` keeps each chart page drawn once per width for the checks that only read it.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from helpers import CHART_PAGES, draw, keep_screenshot

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]

#: The plotly trace types each numbered figure's chart draws (the Data page's copy of the
#: matrix has a test of its own).
FIGURE_TRACES: dict[str, set[str]] = {
    CHART_PAGES["timeline"]: {"bar", "scatter"},
    CHART_PAGES["global-korea"]: {"scatter"},
    CHART_PAGES["matrix"]: {"scatter"},
    # The cell numbers are a text layer (scatter) over the heatmaps.
    CHART_PAGES["overlap"]: {"heatmap", "scatter"},
    CHART_PAGES["scorecard"]: {"scatter"},
    CHART_PAGES["agenda-history"]: {"bar"},
}
NO_CHART_PAGES = ["book/01-introduction.html", "book/index.html"]
#: Screenshots show the figure, not the sticky bars that scroll over it.
HIDE_HEADERS = (
    ".bd-header, .bd-header-article, .skip-link, header, #pst-back-to-top"
    " {display: none !important}"
)


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
    #: (drawn, only for ``drawn``'s visits) each plot's height and the height reserved for it,
    #: and the layout shift in the article, taken as the charts were drawn
    heights: list[tuple[float, float]] = field(default_factory=list)
    shift: float = 0.0


def open_visit(browser, site_url: str, contexts: list, path: str, width: int = 1280) -> Visit:
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


@pytest.fixture
def visit(browser, site_url: str) -> Iterator:
    """A page of its own, opened in a fresh context (for checks that change it or need it
    before its charts are drawn)."""
    contexts: list = []
    yield lambda path, width=1280: open_visit(browser, site_url, contexts, path, width)
    for context in contexts:
        context.close()


#: Layout shifts of the article only: the theme's own header moves its buttons once loaded.
WATCH_SHIFTS = """() => { window.__shifts = [];
    const article = document.querySelector('article.bd-article');
    new PerformanceObserver(list => list.getEntries().forEach(e => {
        const inArticle = e.sources.some(s => s.node && article.contains(s.node));
        if (!e.hadRecentInput && inArticle) window.__shifts.push(e.value); }))
    .observe({type: 'layout-shift', buffered: true}); }"""


@pytest.fixture(scope="module")
def drawn(browser, site_url: str) -> Iterator:
    """``drawn(path, width=1280)``: the page opened once per width as ``visit`` does, its charts
    drawn, shared by the checks that only read it (one that changes it puts it back). The
    layout shifts and the plots' heights are taken as the charts are drawn, before any check
    touches the page (``test_drawing_a_chart_moves_nothing``)."""
    contexts: list = []
    visits: dict[tuple[str, int], Visit] = {}

    def get(path: str, width: int = 1280) -> Visit:
        if (path, width) not in visits:
            seen = open_visit(browser, site_url, contexts, path, width)
            page = seen.page
            page.evaluate(WATCH_SHIFTS)
            wait_drawn(page, 1)  # one chart to a page
            two_frames(page)
            seen.heights = [
                plot.evaluate(
                    "p => [p.getBoundingClientRect().height,"
                    " parseFloat(getComputedStyle(p).minHeight)]"
                )
                for plot in page.locator(".nea-chart-plot").all()
            ]
            seen.shift = sum(page.evaluate("window.__shifts"))
            visits[(path, width)] = seen
        return visits[(path, width)]

    yield get
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
    """Bring each chart into view until all are drawn, and the page has counted them."""
    draw(page, timeout=20_000)
    page.wait_for_selector(f'html[data-nea-charts-drawn="{count}"]', timeout=20_000)


def two_frames(page) -> None:
    """Let the page paint twice (IntersectionObserver reports at the next frame)."""
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def own_origin(url: str, site_url: str) -> bool:
    if url.startswith(("data:", "blob:", "about:")):
        return True
    return urlsplit(url).netloc == urlsplit(site_url).netloc


#: Chart pages whose data table (with its CSV) is a page of its own, to keep the chart's page
#: light (the scorecard's table is ~250 kB of HTML): page -> the data page's address from it.
DATA_ON_ITS_OWN_PAGE = {"book/06-after-2009.html": "06-after-2009/scorecard-data.html"}


@pytest.mark.parametrize("path", sorted(FIGURE_TRACES))
def test_every_chart_draws_from_the_site_itself(
    drawn, site_url: str, path: str, artifacts_dir: Path
) -> None:
    expected = [FIGURE_TRACES[path]]
    seen = drawn(path)
    page = seen.page
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
    if path in DATA_ON_ITS_OWN_PAGE:
        # the page links the page that holds its chart's data table and CSV
        target = DATA_ON_ITS_OWN_PAGE[path]
        assert page.locator(f"a[href$='{target}']").count() >= 1, target
    else:
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
        page.add_style_tag(content=HIDE_HEADERS)
        keep_screenshot(page.locator("figure").nth(i), artifacts_dir / f"{name}-{i}.jpeg")


def test_the_data_page_draws_the_membership_chart(drawn, site_url: str) -> None:
    """The Data page repeats Figure 4.1's chart (unnumbered: it is a copy)."""
    seen = drawn("book/data.html")
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


def test_timeline_holds_every_president(drawn) -> None:
    seen = drawn("book/02-strategic-thought/figure-administrations.html")
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


def test_the_2009_matrix_says_what_the_data_say(drawn) -> None:
    seen = drawn("book/04-security-cooperation/figure-membership-matrix.html")
    page = seen.page
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


def test_matrix_is_readable_at_375_px(drawn, artifacts_dir: Path) -> None:
    seen = drawn("book/04-security-cooperation/figure-membership-matrix.html", width=375)
    page = seen.page
    ticks = row_labels(page)
    assert ticks[:6] == ["KOR", "PRK", "CHN", "JPN", "RUS", "USA"]  # codes, not long names
    assert page.locator(".nea-chart .slider-group rect.slider-rail-rect").count() == 1
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375 + 1, "the page scrolls sideways at 375 px"
    page.add_style_tag(content=HIDE_HEADERS)
    keep_screenshot(page.locator("figure").first, artifacts_dir / "membership-matrix-375.jpeg")


# ----------------------------------------------------------------------------------------------
# charts cost the text nothing


def test_plotly_waits_until_a_chart_comes_into_view(visit, site_url: str) -> None:
    """On the Data page the chart is far down: plotly.js is not fetched until it is reached."""
    seen = visit("book/data.html")
    page = seen.page
    page.wait_for_load_state("load")
    two_frames(page)
    assert not [u for u in seen.requests if "/_static/plotly-" in u]
    chart = page.locator(".nea-chart").first
    assert chart.get_attribute("data-drawn") is None
    reserved = chart.locator(".nea-chart-plot").evaluate("p => p.getBoundingClientRect().height")
    wait_drawn(page, 1)
    plotly = [u for u in seen.requests if "/_static/plotly-" in u]
    assert len(plotly) == 1, plotly
    # fetched after the page had loaded and painted its text
    order = page.evaluate(
        """() => {
            const nav = performance.getEntriesByType('navigation')[0];
            const js = performance.getEntriesByType('resource')
                .find(e => e.name.includes('/_static/plotly-'));
            const fcp = performance.getEntriesByName('first-contentful-paint')[0];
            return {load: nav.loadEventStart, plotly: js.startTime, fcp: fcp.startTime};
        }"""
    )
    assert order["fcp"] < order["plotly"] and order["load"] <= order["plotly"], order
    drawn = chart.locator(".nea-chart-plot").evaluate("p => p.getBoundingClientRect().height")
    assert abs(drawn - reserved) < 1, (reserved, drawn)
    assert not seen.errors, seen.errors


def test_the_page_html_loads_no_plotly_itself(site_dir: Path) -> None:
    for path in CHART_PAGES.values():
        html = (site_dir / path).read_text(encoding="utf-8")
        head = html.split("</head>", 1)[0]
        assert "plotly" not in re.sub(r'data-plotly="[^"]*"', "", head), path
        match = re.search(
            r'<script data-plotly="([^"]+)" defer="defer" src="[^"]*nea-charts\.js', head
        )
        assert match, path
        assert (site_dir / "_static" / match.group(1)).is_file(), match.group(1)


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("path", sorted(FIGURE_TRACES))
def test_drawing_a_chart_moves_nothing(drawn, path: str, width: int) -> None:
    """The placeholder already has the chart's height, wide and narrow: no layout shift.

    Measured by ``drawn`` as the page's charts were drawn, before any check touched the page.
    """
    seen = drawn(path, width=width)
    assert len(seen.heights) == 1, (path, width, seen.heights)
    for height, reserved in seen.heights:
        assert reserved > 0 and abs(height - reserved) < 1, (path, width, height, reserved)
    assert seen.shift < 0.001, f"layout shift {seen.shift} on {path} at {width} px"


def test_without_javascript_the_description_and_table_stand_in(browser, site_url: str) -> None:
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, java_script_enabled=False
    )
    try:
        page = context.new_page()
        page.goto(f"{site_url}/book/04-security-cooperation/figure-membership-matrix.html")
        summary = page.locator(".nea-chart-summary")
        assert summary.is_visible() and summary.inner_text().startswith("In words:")
        assert page.locator("details.nea-data").count() == 1
        assert page.locator(".nea-chart noscript").count() == 1
        # no empty box where the chart would have been
        assert (
            page.locator(".nea-chart-plot").evaluate("p => p.getBoundingClientRect().height") == 0
        )
    finally:
        context.close()


# ----------------------------------------------------------------------------------------------
# plain names, one code toggle, keyboard


@pytest.mark.parametrize(
    "path", [*sorted(p for p in FIGURE_TRACES if "/figure-" in p), "book/data.html"]
)
def test_one_code_toggle_per_figure(site_dir: Path, path: str) -> None:
    """A figure page is a notebook of three short steps (load, compute, show) in one cell."""
    html = (site_dir / path).read_text(encoding="utf-8")
    assert html.count("tag_hide-input") == 1, path
    assert html.count('class="cell_input') == 1, path


def test_bodies_are_named_as_readers_know_them(drawn) -> None:
    seen = drawn("book/04-security-cooperation/figure-membership-matrix.html")
    page = seen.page
    ticks = page.locator(".nea-chart g.xtick")
    labels = texts(ticks.locator("text"))
    assert "TCS" in labels and "CJK summit" in labels
    assert not [label for label in labels if "_" in label], labels
    # the full name on hover, over the column label and over a mark
    titles = dict(
        ticks.evaluate_all(
            "ts => ts.map(t => [t.querySelector('text').textContent, "
            "(t.querySelector('title') || {}).textContent])"
        )
    )
    assert titles["TCS"] == "Trilateral Cooperation Secretariat (TCS)"
    assert titles["CJK summit"] == "China-Japan-ROK Trilateral Summit (CJK summit)"
    hover = page.locator(".nea-chart-plot").evaluate(
        """gd => {
            const i = gd.data.findIndex(t => t.x.includes('CJK summit'));
            const j = gd.data[i].x.indexOf('CJK summit');
            Plotly.Fx.hover(gd, [{curveNumber: i, pointNumber: j}]);
            const text = document.querySelector('.hoverlayer').textContent;
            Plotly.Fx.unhover(gd);
            return text;
        }"""
    )
    assert "China-Japan-ROK Trilateral Summit (CJK summit)" in hover
    assert not seen.errors, seen.errors


def _year(page) -> str:
    return texts(page.locator(".nea-chart .slider-group > text.slider-label"))[0].split()[-1]


def test_the_slider_and_the_play_button_work_from_the_keyboard(visit) -> None:
    seen = visit("book/04-security-cooperation/figure-membership-matrix.html")
    page = seen.page
    wait_drawn(page, 1)
    slider = page.get_by_role("slider", name="Year")
    assert slider.count() == 1
    assert slider.get_attribute("tabindex") == "0"
    assert slider.get_attribute("aria-valuenow") == "2009"
    assert slider.get_attribute("aria-valuemin") == "1989"
    slider.focus()
    page.keyboard.press("ArrowLeft")
    page.wait_for_function("() => document.querySelector('[role=slider]').ariaValueNow === '2008'")
    assert _year(page) == "2008"
    page.keyboard.press("Home")
    page.wait_for_function("() => document.querySelector('[role=slider]').ariaValueNow === '1989'")
    cells = _cells(page)
    assert not any(body == "SPT" for _, body in cells)  # the talks began in 2003
    page.keyboard.press("End")
    page.wait_for_function(
        "() => document.querySelector('[role=slider]').ariaValueNow"
        " === document.querySelector('[role=slider]').ariaValueMax"
    )
    # focus stays on the slider while plotly redraws it
    assert page.evaluate("document.activeElement.getAttribute('role')") == "slider"
    # the buttons: named, focusable, and Enter plays from the start of the years
    play = page.get_by_role("button", name="Play")
    pause = page.get_by_role("button", name="Pause")
    assert play.count() == 1 and pause.count() == 1
    slider.focus()
    page.keyboard.press("Home")
    page.wait_for_function("() => document.querySelector('[role=slider]').ariaValueNow === '1989'")
    play.focus()
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => Number(document.querySelector('[role=slider]').ariaValueNow) > 1990",
        timeout=15_000,
    )
    pause.focus()
    page.keyboard.press(" ")
    page.wait_for_function(
        "() => document.querySelector('.nea-chart-plot')._transitionData._frameQueue.length === 0"
    )
    assert not seen.errors, seen.errors


def test_the_overlap_year_buttons_work_from_the_keyboard(visit) -> None:
    seen = visit("book/04-security-cooperation/figure-institution-overlap.html")
    page = seen.page
    wait_drawn(page, 1)
    buttons = page.locator(".nea-chart [role=button]")
    assert buttons.count() == 2
    first, second = buttons.nth(0), buttons.nth(1)
    assert first.get_attribute("aria-pressed") == "true"
    assert first.get_attribute("aria-label").startswith("2009")
    second.focus()
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.querySelector('.nea-chart-plot').data[1].visible === true"
    )
    page.wait_for_function(
        "() => document.querySelectorAll('.nea-chart [role=button]')[1]"
        ".getAttribute('aria-pressed') === 'true'"
    )
    assert not seen.errors, seen.errors
