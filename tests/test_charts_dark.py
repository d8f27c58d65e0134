"""Charts in dark mode and in light: every chart page, both themes, phone and desktop widths.

A chart follows the page's theme: pydata-sphinx-theme's switch (``data-theme`` on <html>, which
follows the reader's system preference when the switch is on "auto"), and redraws when it
changes, keeping where the reader had moved the slider. In each mode the test checks what a
reader would: the chart's background is the page's (plotly's computed ``paper_bgcolor`` and the
pixels of a screenshot), and axis labels, legend, hover label, slider and buttons have enough
contrast against what they sit on (WCAG's 4.5:1 for text). A screenshot of every chart in every
mode and width goes to ``test-artifacts/`` (``<page>-<width>-<mode>-<n>.jpeg``).

Fixtures ``site_url``, ``browser`` and ``artifacts_dir`` come from conftest.py.
"""

from __future__ import annotations

import re
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import CHART_PAGES, ROOT, keep_screenshot

from nea_edition import csvfile

pytestmark = pytest.mark.browser

MATRIX = CHART_PAGES["matrix"]


# ----------------------------------------------------------------------------------------------
# colour arithmetic


def rgb(text: str) -> tuple[float, float, float]:
    """'rgb(1, 2, 3)', 'rgba(1, 2, 3, 0.5)' or '#rrggbb' as 0..255 floats (alpha ignored)."""
    text = text.strip()
    if text.startswith("#"):
        value = text[1:]
        if len(value) == 3:
            value = "".join(c * 2 for c in value)
        return tuple(float(int(value[i : i + 2], 16)) for i in (0, 2, 4))  # type: ignore[return-value]
    numbers = [float(n) for n in re.findall(r"[\d.]+", text)[:3]]
    assert len(numbers) == 3, text
    return numbers[0], numbers[1], numbers[2]


def luminance(colour: tuple[float, float, float]) -> float:
    """WCAG 2 relative luminance."""

    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(rgb(a)), luminance(rgb(b))), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def png_pixels(data: bytes) -> list[tuple[int, int, int]]:
    """The pixels of an 8-bit RGB or RGBA, non-interlaced PNG (what Chromium writes)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks, header = 8, [], None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            chunks.append(body)
        pos += 12 + length
    assert header, "no IHDR"
    width, height, depth, colour_type, _, _, interlace = header
    assert depth == 8 and colour_type in (2, 6) and interlace == 0, header
    step = 3 if colour_type == 2 else 4
    raw = zlib.decompress(b"".join(chunks))
    stride = width * step
    rows: list[bytearray] = []
    previous = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = line[i - step] if i >= step else 0
            up = previous[i]
            corner = previous[i - step] if i >= step else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                pred = left if pa <= pb and pa <= pc else (up if pb <= pc else corner)
                line[i] = (line[i] + pred) & 255
        rows.append(line)
        previous = line
    return [(r[i], r[i + 1], r[i + 2]) for r in rows for i in range(0, stride, step)]


# ----------------------------------------------------------------------------------------------
# opening a page in a theme


@pytest.fixture
def open_page(browser, site_url: str) -> Iterator:
    contexts = []

    def go(path: str, mode: str, width: int = 1280, scheme: str | None = None):
        """``mode`` is what the reader chose with the theme switch: light, dark or auto."""
        context = browser.new_context(
            viewport={"width": width, "height": 900},
            color_scheme=scheme or ("dark" if mode == "dark" else "light"),
        )
        contexts.append(context)
        # What pydata-sphinx-theme keeps after the reader clicked its switch.
        context.add_init_script(f"localStorage.setItem('mode', '{mode}')")
        page = context.new_page()
        page.errors = []
        page.on(
            "console",
            lambda m: page.errors.append(m.text) if m.type in ("error", "warning") else None,
        )
        page.on("pageerror", lambda e: page.errors.append(str(e)))
        page.goto(f"{site_url}/{path}")
        return page

    yield go
    for context in contexts:
        context.close()


def draw_all(page, count: int) -> None:
    charts = page.locator(".nea-chart")
    assert charts.count() == count
    for i in range(count):
        charts.nth(i).scroll_into_view_if_needed()
        page.wait_for_function(
            "i => document.querySelectorAll('.nea-chart')[i].dataset.drawn === 'true'",
            arg=i,
            timeout=20_000,
        )


def wait_theme(page, theme: str) -> None:
    page.wait_for_function(
        "t => [...document.querySelectorAll('.nea-chart')].every(c => c.dataset.chartTheme === t)",
        arg=theme,
        timeout=10_000,
    )


def paper(chart) -> str:
    return chart.locator(".nea-chart-plot").evaluate("gd => gd._fullLayout.paper_bgcolor")


def assert_background_follows(page, chart, theme: str) -> None:
    """The chart's paper is the page's own background, in plotly's layout and in pixels."""
    colour = paper(chart)
    page_bg = page.evaluate("getComputedStyle(document.body).backgroundColor")
    if theme == "dark":
        assert luminance(rgb(colour)) < 0.05, colour
    else:
        assert luminance(rgb(colour)) > 0.9, colour
    assert rgb(colour) == rgb(page_bg), (colour, page_bg)
    # pixels: a corner of the chart (margin, so paper only) as the screen shows it. The theme
    # scrolls smoothly; scroll at once, so that the corner stays where it was measured.
    page.add_style_tag(content="html { scroll-behavior: auto !important; }")
    chart.evaluate("c => c.scrollIntoView({block: 'start', behavior: 'instant'})")
    box = chart.locator(".main-svg").first.bounding_box()
    assert box and box["y"] >= 0, box
    shot = page.screenshot(clip={"x": box["x"] + 2, "y": box["y"] + 2, "width": 4, "height": 4})
    want = rgb(colour)
    for pixel in png_pixels(shot):
        assert max(abs(p - w) for p, w in zip(pixel, want, strict=True)) <= 3, (pixel, want)


def text_contrasts(chart) -> list[tuple[str, str, str, float]]:
    """(what, text colour, background, ratio) for the chart's text against what it sits on."""
    found = chart.locator(".nea-chart-plot").evaluate(
        """gd => {
            const paper = gd._fullLayout.paper_bgcolor;
            const out = [];
            const add = (what, sel, bg) => gd.querySelectorAll(sel).forEach((el, i) => {
                if (i < 6) out.push([what, getComputedStyle(el).fill, bg(el)]);
            });
            add('tick label', '.xtick text, .ytick text', () => paper);
            add('legend', '.legendtext', () => paper);
            add('slider value', '.slider-group > text.slider-label', () => paper);
            add('slider steps', '.slider-label-group text', () => paper);
            add('button', '.updatemenu-item-text',
                el => getComputedStyle(el.parentNode.querySelector('rect')).fill);
            add('colour bar', '.colorbar text', () => paper);
            return out;
        }"""
    )
    return [(what, fg, bg, contrast(fg, bg)) for what, fg, bg in found]


def hover_contrast(chart) -> tuple[str, str, float]:
    """Hover over the first point of the first trace: the label's text against its box."""
    fg, bg = chart.locator(".nea-chart-plot").evaluate(
        """gd => {
            const first = gd.data.findIndex(t => t.visible !== false);
            const t = gd.data[first];
            if (t.type === 'heatmap') Plotly.Fx.hover(gd, {xval: 0, yval: 0});
            else Plotly.Fx.hover(gd, [{curveNumber: first, pointNumber: 0}]);
            const label = document.querySelector('.hoverlayer .hovertext');
            const colours = [getComputedStyle(label.querySelector('text')).fill,
                             getComputedStyle(label.querySelector('path')).fill];
            Plotly.Fx.unhover(gd);
            return colours;
        }"""
    )
    return fg, bg, contrast(fg, bg)


# ----------------------------------------------------------------------------------------------
# the tests


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("mode", ["light", "dark"])
@pytest.mark.parametrize("path", sorted(CHART_PAGES.values()))
def test_every_chart_is_drawn_in_the_readers_theme(
    drawn_pages, artifacts_dir: Path, path: str, mode: str, width: int
) -> None:
    """On the shared drawn page (the theme on "auto", following the colour scheme asked for;
    ``drawn_pages``): every chart in the page's theme, its text legible, nothing logged."""
    page = drawn_pages(path, phone=width == 375, dark=mode == "dark")
    assert page.evaluate("document.documentElement.dataset.theme") == mode
    assert page.locator(".nea-chart").count() == 1
    wait_theme(page, mode)
    charts = page.locator(".nea-chart")
    for i in range(charts.count()):
        chart = charts.nth(i)
        chart.scroll_into_view_if_needed()
        assert_background_follows(page, chart, mode)
        found = text_contrasts(chart)
        if "global-korea" not in path:  # (the circles have no axes: text sits on the rings)
            assert [c for c in found if c[0] == "tick label"], path
        poor = [c for c in found if c[3] < 4.5]
        assert not poor, poor
        fg, bg, ratio = hover_contrast(chart)
        assert ratio >= 4.5, (fg, bg, ratio)
        target = chart.locator("xpath=ancestor::figure[1]")
        target = target if target.count() else chart
        keep_screenshot(target, artifacts_dir / f"{Path(path).stem}-{width}-{mode}-{i}.jpeg")
    assert not page.errors, (page.label, page.errors)
    assert not page.warnings, (page.label, page.warnings)


def test_the_chart_redraws_when_the_reader_switches_the_theme(open_page) -> None:
    """The theme switch turns the chart dark and back, and the slider stays where it was."""
    page = open_page(MATRIX, "light")
    draw_all(page, 1)
    chart = page.locator(".nea-chart").first
    assert luminance(rgb(paper(chart))) > 0.9
    slider = page.get_by_role("slider", name="Year")
    slider.focus()
    for _ in range(3):
        page.keyboard.press("ArrowLeft")
        page.wait_for_function(
            "n => Number(document.querySelector('[role=slider]').ariaValueNow) === n",
            arg=2009 - (_ + 1),
        )
    before = chart.locator(".nea-chart-plot").evaluate(
        "gd => JSON.stringify(gd.data.map(t => t.x))"
    )
    switch = page.locator(".theme-switch-button").first
    for _ in range(3):  # light -> dark -> auto -> light: click until the page is dark
        if page.evaluate("document.documentElement.dataset.theme") == "dark":
            break
        switch.click()
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    wait_theme(page, "dark")
    assert luminance(rgb(paper(chart))) < 0.05
    assert slider.get_attribute("aria-valuenow") == "2006"
    page.wait_for_function(
        "b => JSON.stringify(document.querySelector('.nea-chart-plot').data.map(t => t.x)) === b",
        arg=before,
    )
    year = chart.locator(".slider-group > text.slider-label").text_content()
    assert year.endswith("2006"), year
    page.evaluate("document.documentElement.dataset.theme = 'light'")
    wait_theme(page, "light")
    assert luminance(rgb(paper(chart))) > 0.9
    assert not page.errors, page.errors


def test_on_auto_the_chart_follows_the_system_preference(open_page) -> None:
    page = open_page(MATRIX, "auto", scheme="dark")
    draw_all(page, 1)
    wait_theme(page, "dark")
    chart = page.locator(".nea-chart").first
    assert luminance(rgb(paper(chart))) < 0.05
    page.emulate_media(color_scheme="light")
    wait_theme(page, "light")
    assert luminance(rgb(paper(chart))) > 0.9
    assert not page.errors, page.errors


# ----------------------------------------------------------------------------------------------
# the afterword's two charts at phone width, in either theme (drawn, themed and photographed in
# test_every_chart_is_drawn_in_the_readers_theme)


def agenda_items() -> int:
    return len(csvfile.rows(ROOT / "data" / "agenda.csv")[1])


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_the_afterword_scorecard_draws_in_light_and_dark_mode(drawn_pages, mode: str) -> None:
    """The agenda chapter's scorecard at phone width: one numbered square per item."""
    page = drawn_pages(CHART_PAGES["scorecard"], phone=True, dark=mode == "dark")
    plot = page.locator(".nea-chart-plot").first
    assert plot.evaluate("gd => gd.data.flatMap(t => t.text).length") == agenda_items()


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_the_agenda_over_time_draws_at_phone_width_in_both_modes(drawn_pages, mode: str) -> None:
    """One row per item of the agenda, a pattern for each status, no sideways scrolling."""
    page = drawn_pages(CHART_PAGES["agenda-history"], phone=True, dark=mode == "dark")
    plot = page.locator(".nea-chart-plot").first
    assert plot.evaluate("gd => new Set(gd.data.flatMap(t => t.y)).size") == agenda_items()
    patterns = plot.evaluate("gd => gd.data.map(t => t.marker.pattern.shape)")
    assert len(set(patterns)) == len(patterns)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375 + 1
