"""The charts as readers on phones, on paper and with links get them.

Each test guards a class of defect over every chart of the site (the chart pages and the Data
page), at a phone's size with touch (375x812, ``has_touch``, ``is_mobile``) and at 1280x900:

* a vertical swipe over a chart scrolls the page and neither pans nor zooms the chart (real
  touch events, through the Chrome DevTools Protocol's ``Input.dispatchTouchEvent``);
* every tooltip, for points of every trace, stays inside the viewport and names no machine
  identifier (BibTeX keys, snake_case ids);
* the numbered and labelled marks of a chart do not run into each other;
* ``?year=`` and the other permalinks restore the chart's state, the address follows the
  reader's moves (``history.replaceState``) and the "In words" text says what the chart shows;
* the share and embed snippets point at this page on this site and carry no code;
* every exported image (SVG, PNG) carries the chart's title, its source, the licence and the
  edition's address in the image itself;
* a chart printed from dark mode has dark labels on the white paper (checked in the A4 print
  visit of ``test_readers_fresh.py``, which prints every chart page from dark mode);
* a chart re-lays itself out when the window narrows, and says it is loading while plotly.js
  comes over a slow network.

Fixtures ``site_dir``, ``site_url``, ``browser``, ``artifacts_dir`` and ``drawn_pages`` (each
chart page drawn once per screen and mode, shared with ``test_readers_fresh.py``) come from
conftest.py. Screenshots of each chart under a swipe on a phone go to ``test-artifacts/``.
"""

from __future__ import annotations

import base64
import re
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from helpers import CHART_PAGES, PHONE, draw, keep_screenshot

pytestmark = pytest.mark.browser

MATRIX = CHART_PAGES["matrix"]
OVERLAP = CHART_PAGES["overlap"]
#: A BibTeX key (kim2009regionalism) or a snake_case id: never shown to a reader.
MACHINE_ID = re.compile(r"\b[a-z]+\d{4}[a-z]+\b|\b[a-z]+_[a-z_]+\b")


# ----------------------------------------------------------------------------------------------
# a swipe scrolls the page


def swipe(page, x: float, y: float, dy: float = -300, steps: int = 8) -> None:
    """A finger moving up the screen by ``-dy`` px (the page should scroll down)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for i in range(1, steps + 1):
        point = {"x": x, "y": y + dy * i / steps}
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [point]})
        time.sleep(0.02)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()
    time.sleep(0.4)


RANGES = """gd => {
    const l = gd._fullLayout;
    return Object.keys(l).filter(k => /^[xy]axis\\d*$/.test(k))
        .map(k => k + ':' + JSON.stringify(l[k].range)).sort().join(' ');
}"""


@pytest.mark.parametrize("name", list(CHART_PAGES))
def test_a_swipe_over_every_chart_scrolls_the_page(drawn_pages, artifacts_dir: Path, name) -> None:
    page = drawn_pages(CHART_PAGES[name], phone=True)
    label = page.label
    charts = page.locator(".nea-chart")
    for i in range(charts.count()):
        plot = charts.nth(i).locator(".nea-chart-plot")
        plot.evaluate("p => p.scrollIntoView({block: 'start'})")
        page.evaluate("window.scrollBy(0, -120)")
        time.sleep(0.2)
        box = plot.bounding_box()
        assert plot.evaluate("gd => gd._fullLayout.dragmode") is False
        before = plot.evaluate(RANGES)
        top = page.evaluate("window.scrollY")
        x = box["x"] + box["width"] * 0.6
        y = min(box["y"] + box["height"] * 0.5, 600)
        swipe(page, x, y)
        moved = page.evaluate("window.scrollY") - top
        keep_screenshot(page, artifacts_dir / f"readers-swipe-{name}-{i}-375.jpeg")
        assert moved > 150, f"{label}: a swipe over the chart scrolled the page {moved} px"
        assert plot.evaluate(RANGES) == before, f"{label}: the swipe moved or zoomed the chart"
        assert page.locator(".notifier-note").count() == 0, f"{label}: plotly's zoom notice"
        assert plot.locator(".modebar").count() == 0, f"{label}: plotly's mode bar is back"
    assert not page.errors, page.errors


# ----------------------------------------------------------------------------------------------
# tooltips stay inside the viewport


#: Screen centres of a sample of each hoverable trace's points (scatter marks, bars, heatmap
#: cells), always including the points nearest each edge of the chart (marked ``edge``).
POINTS = """gd => {
    const out = [];
    const sample = (list, most) => {
        if (!list.length) return list;
        const by = f => list.slice().sort((a, b) => f(a) - f(b));
        const edges = [by(p => p.x)[0], by(p => -p.x)[0], by(p => p.y)[0], by(p => -p.y)[0]];
        edges.forEach(p => { p.edge = true; });
        if (list.length <= most) return list;
        const step = list.length / most;
        const picked = [];
        for (let i = 0; i < most; i++) picked.push(list[Math.floor(i * step)]);
        return picked.concat(edges);
    };
    gd._fullData.forEach((trace, i) => {
        if (trace.visible !== true || trace.hoverinfo === 'skip') return;
        const points = [];
        if (trace.type === 'heatmap') {
            const xa = gd._fullLayout[trace.xaxis.replace('x', 'xaxis')];
            const ya = gd._fullLayout[trace.yaxis.replace('y', 'yaxis')];
            const rect = gd.getBoundingClientRect();
            trace.z.forEach((row, r) => row.forEach((v, c) => {
                if (v === null) return;
                points.push({x: rect.left + xa._offset + xa.c2p(c),
                             y: rect.top + ya._offset + ya.c2p(r) + window.scrollY,
                             trace: i});
            }));
        } else {
            const layer = gd.querySelectorAll('.scatterlayer .trace, .barlayer .trace');
            const g = [...layer].find(el => el.__data__ && el.__data__[0] &&
                                          el.__data__[0].trace &&
                                          el.__data__[0].trace.index === i);
            if (!g) return;
            g.querySelectorAll('.point').forEach(p => {
                const b = p.getBoundingClientRect();
                if (!b.width && !b.height) return;
                points.push({x: b.left + b.width / 2, y: b.top + b.height / 2 + window.scrollY,
                             trace: i});
            });
        }
        sample(points, 40).forEach(p => out.push(p));
    });
    return out;
}"""


#: Scroll a page position to the middle of the screen; resolves with scrollY once the scroll
#: event has been handled (two animation frames).
SCROLL_TO = """y => new Promise(done => {
    window.scrollTo(0, y - innerHeight / 2);
    requestAnimationFrame(() => requestAnimationFrame(() => done(window.scrollY)));
})"""
#: The tooltip's box and text once it is shown, or null after 2 s (a covered point).
TOOLTIP_SHOWN = """() => new Promise(done => {
    const started = performance.now();
    (function look() {
        const tip = document.querySelector('.nea-tooltip');
        const r = tip && tip.getBoundingClientRect();
        if (tip && r.width && r.height && getComputedStyle(tip).visibility !== 'hidden') {
            return done({box: {x: r.x, y: r.y, width: r.width, height: r.height},
                         text: tip.innerText});
        }
        if (performance.now() - started > 2000) return done(null);
        requestAnimationFrame(look);
    })();
})"""


#: The same for many points in one call, with the pointer's events dispatched in the page where
#: a real pointer would send them (at ``document.elementFromPoint``, as plotly.js's own tests
#: hover): each point scrolled to the middle of the screen, a ``mousemove`` onto it, the
#: tooltip (null if none after 1 s: a covered point), whether plotly's own label is hidden
#: meanwhile, then a ``mouseout`` (the pointer leaves: plotly unhovers and forgets its hover
#: throttle, as after ``mouse.move(1, 1)``). plotly.js and nea-charts.js hover and place the
#: tooltip synchronously, so it is read before the scroll's event (which hides a tooltip)
#: comes; should it not be there at once, the point is hovered again after the scroll's
#: event and the tooltip awaited frame by frame.
HOVER_ALL = """points => new Promise(async done => {
    const frames = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
    const tipShown = () => {
        const tip = document.querySelector('.nea-tooltip');
        const r = tip && tip.getBoundingClientRect();
        if (tip && r.width && r.height && getComputedStyle(tip).visibility !== 'hidden')
            return {box: {x: r.x, y: r.y, width: r.width, height: r.height},
                    text: tip.innerText};
        return null;
    };
    const fire = (target, type, x, y) => target.dispatchEvent(new MouseEvent(type,
        {bubbles: true, cancelable: true, view: window, clientX: x, clientY: y}));
    const out = [];
    for (const point of points) {
        window.scrollTo(0, point.y - innerHeight / 2);
        const y = point.y - window.scrollY;
        let target = document.elementFromPoint(point.x, y);
        if (!target) { out.push({point, y, shown: null}); continue; }
        fire(target, 'mouseover', point.x, y);
        fire(target, 'mousemove', point.x, y);
        let shown = tipShown();
        if (!shown) {
            fire(target, 'mouseout', point.x, y);
            await frames();
            target = document.elementFromPoint(point.x, y);
            fire(target, 'mouseover', point.x, y);
            fire(target, 'mousemove', point.x, y);
            const started = performance.now();
            while (!(shown = tipShown()) && performance.now() - started < 1000) await frames();
        }
        const plotlyLabelHidden = [...document.querySelectorAll('.hoverlayer .hovertext')]
            .every(e => getComputedStyle(e).visibility === 'hidden');
        fire(target, 'mouseout', point.x, y);
        out.push({point, y, shown, plotlyLabelHidden});
    }
    done(out);
})"""


def check_tooltip(label: str, point: dict, shown: dict, width: int, height: int) -> None:
    box, text = shown["box"], shown["text"]
    assert text.strip(), f"{label}: an empty tooltip"
    assert box["x"] >= 0 and box["y"] >= 0, (label, point, box, text)
    assert box["x"] + box["width"] <= width, (label, point, box, text)
    assert box["y"] + box["height"] <= height, (label, point, box, text)
    assert not MACHINE_ID.search(text), f"{label}: a machine id in a tooltip: {text}"


@pytest.mark.parametrize("phone", [True, False], ids=["375", "1280"])
@pytest.mark.parametrize("name", list(CHART_PAGES))
def test_every_tooltip_stays_inside_the_viewport(drawn_pages, name, phone) -> None:
    """Every sampled point of every trace: the points nearest each edge of the chart (where a
    clipped tooltip shows) under the real pointer, the others with the pointer's events
    dispatched in the page (HOVER_ALL)."""
    # Not the charts' part of the issue: a page wider than the phone (the afterword's long
    # links) makes a mobile browser zoom out, and the pointer then lands elsewhere; without
    # is_mobile the page keeps the phone's width, as the tooltips' viewport.
    page = drawn_pages(CHART_PAGES[name], phone=phone, mobile=False)
    label = page.label
    width, height = page.viewport_size["width"], page.viewport_size["height"]
    charts = page.locator(".nea-chart")
    for i in range(charts.count()):
        plot = charts.nth(i).locator(".nea-chart-plot")
        points = plot.evaluate(POINTS)
        traces = {p["trace"] for p in points}
        assert points, f"{label}: no hoverable point found"
        edges = [p for p in points if p.get("edge")]
        assert {p["trace"] for p in edges} == traces, f"{label}: a trace without edge points"
        page.mouse.move(1, 1)
        for point in edges:
            # the point in the middle of the screen (after the scroll event, which hides a
            # tooltip), then the real pointer onto it
            y = point["y"] - page.evaluate(SCROLL_TO, point["y"])
            page.mouse.move(point["x"], y)
            shown = page.evaluate(TOOLTIP_SHOWN)
            if shown is None:  # a point covered by another trace's point
                continue
            check_tooltip(f"{label} (pointer)", point, shown, width, height)
            traces.discard(point["trace"])
            page.mouse.move(1, 1)
        for result in page.evaluate(HOVER_ALL, [p for p in points if not p.get("edge")]):
            if result["shown"] is None:  # covered by another trace's point
                continue
            check_tooltip(f"{label} (dispatched)", result["point"], result["shown"], width, height)
            assert result["plotlyLabelHidden"], f"{label}: plotly's own hover label is shown"
            traces.discard(result["point"]["trace"])
        assert not traces, f"{label}: no tooltip for traces {sorted(traces)}"
        # plotly's own label, which the chart's edge cut off, is not what readers see
        assert page.evaluate(
            "[...document.querySelectorAll('.hoverlayer .hovertext')]"
            ".every(e => getComputedStyle(e).visibility === 'hidden')"
        )
    assert not page.errors, page.errors


@pytest.mark.parametrize("phone", [True, False], ids=["375", "1280"])
@pytest.mark.parametrize("name", ["timeline", "global-korea", "overlap"])
def test_labels_on_a_chart_do_not_run_into_each_other(drawn_pages, name, phone) -> None:
    """Numbered marks (the timeline's key events), ring entries and cell counts stay apart."""
    page = drawn_pages(CHART_PAGES[name], phone=phone)
    overlaps = page.locator(".nea-chart-plot").first.evaluate(
        """gd => {
            const boxes = [...gd.querySelectorAll('.textpoint text, .annotation-text')]
                .filter(t => t.textContent.trim() && getComputedStyle(t).display !== 'none')
                .map(t => [t.textContent, t.getBoundingClientRect()]);
            const out = [];
            const slack = 1;
            for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
                const [a, p] = boxes[i], [b, q] = boxes[j];
                if (p.left + slack < q.right && q.left + slack < p.right &&
                    p.top + slack < q.bottom && q.top + slack < p.bottom) out.push([a, b]);
            }
            return out;
        }"""
    )
    assert not overlaps, f"{page.label}: labels run into each other: {overlaps[:5]}"


def test_the_timeline_is_set_in_readable_type_on_a_phone(drawn_pages) -> None:
    page = drawn_pages(CHART_PAGES["timeline"], phone=True)
    sizes = page.locator(".nea-chart-plot").first.evaluate(
        "gd => [...gd.querySelectorAll('text')].filter(t => t.textContent.trim())"
        ".map(t => parseFloat(getComputedStyle(t).fontSize))"
    )
    assert min(sizes) >= 12, sorted(set(sizes))


# ----------------------------------------------------------------------------------------------
# permalinks, share and embed


def slider_year(page) -> str:
    return page.get_by_role("slider", name="Year").get_attribute("aria-valuenow")


def summary_text(page) -> str:
    return page.locator(".nea-chart-summary").first.inner_text()


@pytest.mark.parametrize("path", [MATRIX, CHART_PAGES["data"]])
def test_a_year_in_the_address_opens_the_matrix_on_that_year(open_page, path) -> None:
    page = open_page(path, query="?year=1999")
    draw(page)
    assert slider_year(page) == "1999"
    shown = page.locator(".nea-chart .slider-group > text.slider-label").first.text_content()
    assert shown.endswith("1999"), shown
    assert summary_text(page).startswith("In words: In 1999,"), summary_text(page)
    frame = page.locator(".nea-chart-plot").first.evaluate("gd => gd._fullLayout._currentFrame")
    assert frame == "1999"
    # the reader moves on: the address and the words follow
    entries = page.evaluate("history.length")
    page.get_by_role("slider", name="Year").focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => new URL(location.href).searchParams.get('year') === '2000'")
    page.wait_for_function(
        "() => document.querySelector('.nea-chart-summary').innerText.includes('In 2000,')"
    )
    assert page.evaluate("history.length") == entries, "moving the slider must not add history"
    # the share link is the chart as shown now
    page.locator(".nea-chart-tool[data-action=share]").first.click()
    link = page.locator(".nea-share-url").first.input_value()
    parts = urlsplit(link)
    assert parse_qs(parts.query) == {"year": ["2000"]}, link
    assert parts.fragment and page.locator(f"#{parts.fragment}").count() == 1
    assert page.evaluate("!!document.querySelector('.nea-chart-plot')") and not page.errors


def test_a_year_that_is_not_on_the_slider_is_ignored(open_page) -> None:
    page = open_page(MATRIX, query="?year=1066")
    draw(page)
    assert slider_year(page) == "2009"
    assert summary_text(page).startswith("In words: In 2009,")
    assert not page.errors, page.errors


def test_the_words_follow_the_slider(open_page) -> None:
    """Whatever year the slider shows, the description under the chart is about that year."""
    page = open_page(MATRIX)
    draw(page)
    slider = page.get_by_role("slider", name="Year")
    slider.focus()
    for key in ["Home", "ArrowRight", "End"]:
        page.keyboard.press(key)
        page.wait_for_timeout(300)
        year = slider_year(page)
        assert summary_text(page).startswith(f"In words: In {year},"), (year, summary_text(page))


def test_the_overlap_view_is_in_the_address(open_page) -> None:
    page = open_page(OVERLAP)
    draw(page)
    buttons = page.locator(".nea-chart g.updatemenu-button")
    assert buttons.count() == 2
    layers = page.locator(".nea-chart-plot").evaluate(
        "gd => gd._fullLayout.updatemenus[0].buttons.map(b => b.label)"
    )
    latest = re.match(r"\d{4}", layers[1]).group(0)
    buttons.nth(1).click()
    page.wait_for_function("y => new URL(location.href).searchParams.get('year') === y", arg=latest)
    assert summary_text(page).startswith(f"In words: In {latest} ")
    # a fresh visit to that address opens on that layer
    again = open_page(OVERLAP, query=f"?year={latest}")
    draw(again)
    visible = again.locator(".nea-chart-plot").evaluate(
        "gd => gd._fullData.filter(t => t.type === 'heatmap' && t.visible === true)"
        ".map(t => t.name)"
    )
    assert len(visible) == 1 and visible[0].startswith(latest), visible
    active = again.locator(".nea-chart-plot").evaluate("gd => gd._fullLayout.updatemenus[0].active")
    assert active == 1
    assert summary_text(again).startswith(f"In words: In {latest} ")
    assert not page.errors and not again.errors


@pytest.mark.parametrize("name", list(CHART_PAGES))
def test_share_and_embed_point_at_this_page_and_carry_no_code(
    drawn_pages, site_url: str, name
) -> None:
    with drawn_pages.changing(CHART_PAGES[name]) as page:
        chart = page.locator(".nea-chart").first
        chart.locator(".nea-chart-tool[data-action=embed]").click()
        code = chart.locator(".nea-embed-code").input_value()
        src = re.fullmatch(r'<iframe src="([^"]+)" title="[^"<]+"[^<>]*></iframe>', code)
        assert src, code
        url = urlsplit(src.group(1))
        assert f"{url.scheme}://{url.netloc}" == site_url
        assert url.path.endswith(CHART_PAGES[name]) and url.fragment == chart.get_attribute("id")
        assert "<script" not in code.lower()
        chart.locator(".nea-chart-tool[data-action=share]").click()
        assert chart.locator(".nea-embed-code").is_hidden()
        link = urlsplit(chart.locator(".nea-share-url").input_value())
        assert link.path == url.path and link.fragment == url.fragment
        # put the page back: the share button closes its panel again
        chart.locator(".nea-chart-tool[data-action=share]").click()
        assert chart.locator(".nea-share-url").is_hidden()


# ----------------------------------------------------------------------------------------------
# exported images


def svg_markup(data_url: str) -> str:
    head, _, body = data_url.partition(",")
    return base64.b64decode(body).decode() if ";base64" in head else unquote(body)


def svg_text(data_url: str) -> str:
    root = ET.fromstring(svg_markup(data_url))
    return " ".join(" ".join(root.itertext()).split())


#: The screen boxes of an exported SVG's title, footer and chart drawing, and of the whole
#: image, once the markup is put in the page.
CAPTION_BOXES = """markup => {
    const holder = document.createElement('div');
    holder.style.cssText = 'position:absolute;left:0;top:0';
    holder.innerHTML = markup;
    document.body.appendChild(holder);
    const root = holder.querySelector('svg');
    const box = e => { const r = e.getBoundingClientRect();
        return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width}; };
    const out = {image: box(root), drawing: box(root.querySelector(':scope > svg')),
                 title: box(root.querySelector(':scope > .nea-export-title')),
                 footer: box(root.querySelector(':scope > .nea-export-footer'))};
    holder.remove();
    return out;
}"""


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
@pytest.mark.parametrize("name", list(CHART_PAGES))
def test_every_exported_image_carries_title_source_and_licence(drawn_pages, name, dark) -> None:
    page = drawn_pages(CHART_PAGES[name], dark=dark)
    name = page.label
    charts = page.locator(".nea-chart")
    for i in range(charts.count()):
        chart = charts.nth(i)
        meta = chart.evaluate(
            "c => JSON.parse(c.querySelector('script.nea-chart-spec').textContent).meta"
        )
        url = chart.evaluate("c => window.neaCharts.exportImage(c, 'svg')")
        text = svg_text(url)
        assert meta["title"] and meta["source"], meta
        # the title may be wrapped over lines: compare word by word
        assert " ".join(meta["title"].split()) in text, (meta["title"], text[:300])
        assert "Source:" in text and meta["source"].split()[0] in text
        assert "Licence: CC BY 4.0" in text
        address = page.evaluate("location.origin + location.pathname")
        assert address in text, (address, text[-300:])
        # the caption is set around the drawing: never on the data, never cut off
        boxes = page.evaluate(CAPTION_BOXES, svg_markup(url))
        for part in ("title", "footer"):
            box, image, drawing = boxes[part], boxes["image"], boxes["drawing"]
            assert box["width"] > 0, (name, part)
            assert image["left"] <= box["left"] and box["right"] <= image["right"], (name, part)
            assert image["top"] <= box["top"] and box["bottom"] <= image["bottom"], (name, part)
            assert box["bottom"] <= drawing["top"] or box["top"] >= drawing["bottom"], (
                f"{name}: the exported image's {part} lies on the chart"
            )
        assert not re.search(
            r'(?:href|src)="https?://',
            base64.b64decode(url.split(",")[1]).decode()
            if ";base64" in url.split(",")[0]
            else unquote(url),
        )
        # the PNG the button gives: an image of its own, named after the chart
        with page.expect_download() as download:
            chart.locator(".nea-chart-tool[data-action=png]").click()
        path = download.value.path()
        assert Path(path).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert download.value.suggested_filename.startswith(chart.get_attribute("data-chart"))
    assert not page.errors, page.errors


def test_an_exported_matrix_says_which_year_it_shows(open_page) -> None:
    page = open_page(MATRIX, query="?year=1995")
    draw(page)
    text = svg_text(
        page.locator(".nea-chart").first.evaluate("c => window.neaCharts.exportImage(c, 'svg')")
    )
    assert "(year: 1995)" in text and "year=1995" in text


# ----------------------------------------------------------------------------------------------
# resize, loading


def test_a_chart_lays_itself_out_again_when_the_window_narrows(open_page) -> None:
    page = open_page(MATRIX)
    draw(page)
    plot = page.locator(".nea-chart-plot").first
    wide = plot.evaluate("gd => [gd._fullLayout.height, gd._fullLayout.yaxis.ticktext]")
    page.set_viewport_size({"width": 375, "height": 812})
    page.wait_for_function(
        "h => document.querySelector('.nea-chart-plot')._fullLayout.height !== h", arg=wide[0]
    )
    narrow = plot.evaluate("gd => [gd._fullLayout.height, gd._fullLayout.yaxis.ticktext]")
    assert narrow[1] and all(len(code) == 3 for code in narrow[1]), narrow[1]
    page.set_viewport_size({"width": 1280, "height": 900})
    page.wait_for_function(
        "h => document.querySelector('.nea-chart-plot')._fullLayout.height === h", arg=wide[0]
    )
    assert not page.errors, page.errors


def test_a_linked_chart_shows_that_it_is_loading(browser, site_url: str) -> None:
    """On a slow network the chart the link points to says it is coming, at once."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    release = []

    def slow(route) -> None:
        release.append(route)

    page.route("**/_static/plotly-edition-*.js", slow)
    page.goto(f"{site_url}/{MATRIX}#fig-membership-matrix", wait_until="domcontentloaded")
    page.wait_for_function("() => document.querySelector('.nea-chart').dataset.drawn === 'loading'")
    message = page.evaluate(
        "getComputedStyle(document.querySelector('.nea-chart-plot'), '::before').content"
    )
    assert "Loading" in message
    page.wait_for_function("() => true")
    for _ in range(50):
        if release:
            break
        page.wait_for_timeout(100)
    assert release, "plotly.js was not requested for the linked chart"
    release[0].continue_()
    page.wait_for_function(
        "() => document.querySelector('.nea-chart').dataset.drawn === 'true'", timeout=30_000
    )
    context.close()


# ----------------------------------------------------------------------------------------------
# "In words": short paragraphs and lists, not walls of text


@pytest.mark.parametrize("name", list(CHART_PAGES))
def test_in_words_is_no_wall_of_text(site_dir: Path, name) -> None:
    html = (site_dir / CHART_PAGES[name]).read_text(encoding="utf-8")
    blocks = re.findall(r'<div class="nea-chart-summary"[^>]*>(.*?)</div>', html, re.S)
    assert blocks
    for block in blocks:
        for piece in re.findall(r"<(?:p|li)[^>]*>(.*?)</(?:p|li)>", block, re.S):
            text = re.sub(r"<[^>]+>", "", piece)
            assert len(text) <= 420, f"{name}: {len(text)} characters in one piece: {text[:80]}"
            assert not MACHINE_ID.search(text), f"{name}: a machine id: {text}"
