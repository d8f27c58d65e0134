"""Defects a fresh try of every page found, each guarded as a class.

* every chart printed on A4, from light or dark mode, stays inside the paper's column with all
  its categories drawn (it was redrawn at the screen's width and cut off at the right);
  printed from dark mode, its labels are dark enough for the white paper;
* a page printed from dark mode prints like light mode: dark text on white;
* a tap on any chart on a touch phone shows the tooltip, inside the viewport;
* at a phone's width every text label of every chart lies inside its SVG, and the text on a
  chart's marks inside its plot area (nothing clipped at an edge);
* marks told apart in a legend differ in shape, not by colour alone;
* a slider's year labels are not under the chart's buttons;
* items that carry their own number have no bullet as well; reader text names no file paths and
  does not ask for a hover without a tap; every tab title uses the same em dash.

The chart pages are ``helpers.CHART_PAGES``, which test_site.py checks against the built site.
Fixtures ``site_dir``, ``site_url``, ``browser`` and
``artifacts_dir`` come from conftest.py, and ``drawn_pages``: each chart page drawn once per
screen and mode, shared with ``test_readers_charts.py``. Screenshots and PDFs go to
``test-artifacts/``.
"""

from __future__ import annotations

import html as htmllib
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import A4_COLUMN, CHART_PAGES, DESKTOP, keep_screenshot, print_media, settle

pytestmark = pytest.mark.browser


@pytest.fixture
def chart_pages() -> list[str]:
    return sorted(CHART_PAGES.values())


def slug(path: str) -> str:
    return path.removesuffix(".html").replace("book/", "").replace("/", "_")


# ----------------------------------------------------------------------------------------------
# 1. print: every chart inside A4's column, from either mode

#: Per chart: its SVG's box, the column's box, and its x categories and the ones drawn.
PRINT_BOXES = """() => [...document.querySelectorAll('.nea-chart')].map(chart => {
    const gd = chart.querySelector('.nea-chart-plot');
    const column = chart.closest('article, main, body').getBoundingClientRect();
    const svg = gd.querySelector('svg.main-svg').getBoundingClientRect();
    const texts = [...gd.querySelectorAll('svg.main-svg text')]
        .filter(t => t.textContent.trim() && getComputedStyle(t).visibility !== 'hidden'
                && getComputedStyle(t).display !== 'none')
        .map(t => { const r = t.getBoundingClientRect();
                    return [t.textContent, r.left, r.right, r.width]; })
        .filter(t => t[3] > 0);
    const x = gd._fullLayout.xaxis;
    const wanted = x && x.type === 'category' && !(x.tickvals && x.tickvals.length)
        ? (x._categories || []).length : null;
    const drawn = gd.querySelectorAll('.xtick text').length;
    return {chart: chart.dataset.chart, svg: [svg.left, svg.right, svg.width],
            column: [column.left, column.right, column.width], texts, wanted, drawn};
})"""


def _pdf_words(pdf: Path) -> tuple[float, list[tuple[str, float, float]]]:
    """The page width (pt) and every word with its left and right (pt), from pdftotext."""
    out = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    width = float(re.search(r'<page width="([\d.]+)"', out).group(1))
    words = [
        (htmllib.unescape(m.group(3)), float(m.group(1)), float(m.group(2)))
        for m in re.finditer(
            r'<word xMin="([\d.-]+)" yMin="[\d.-]+" xMax="([\d.-]+)" yMax="[\d.-]+">([^<]*)</word>',
            out,
        )
    ]
    return width, words


EVERY_CHART_IS = (
    "t => [...document.querySelectorAll('.nea-chart')].every(c => c.dataset.chartTheme === t)"
)
#: Every label, axis title and control text of every chart, with its fill.
LABEL_FILLS = """() => [...document.querySelectorAll('.nea-chart-plot')].flatMap(gd =>
    [...gd.querySelectorAll('.xtick text, .ytick text, .legendtext, .g-xtitle text,'
        + ' .g-ytitle text, .slider-label, .colorbar text, .updatemenu-item-text')]
    .filter(t => t.textContent.trim())
    .map(t => [t.textContent, getComputedStyle(t).fill]))"""


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_every_chart_printed_on_a4_fits_the_column(
    drawn_pages, chart_pages, artifacts_dir: Path, dark
) -> None:
    """Printed, a chart is laid out for the paper, not the screen: within the column, with every
    category it has on its x axis drawn; so in the PDF too (no tick label past the page).

    And on one page: a chart taller than a page was split across two printed pages (the
    scorecard's key landed on the second). Printed, each chart is at most 225 mm tall (A4 less
    margins and caption), scaled as a whole.

    From dark mode, printing turns every chart light, with labels dark enough for the white
    paper (this was test_readers_charts' "a chart printed from dark mode is legible", which
    printed the same pages from dark mode in a visit of its own).
    """
    limit = 225 / 25.4 * 96 + 1
    problems = []
    for path in chart_pages:
        with drawn_pages.changing(path, dark=dark) as page:
            label = page.label
            mode = "dark" if dark else "light"
            page.wait_for_function(EVERY_CHART_IS, arg=mode)
            print_media(page)
            if dark:
                page.wait_for_function(EVERY_CHART_IS, arg="light", timeout=10_000)
                fills = page.evaluate(LABEL_FILLS)
                # the rings of Global Korea carry no axis, legend or control: their theme is
                # checked above
                if not fills and "global-korea" not in path:
                    problems.append(f"{label}: no chart label found in print")
                light = [(t, f) for t, f in fills if (1.05 / (_luminance(f) + 0.05)) < 4.5]
                if light:
                    problems.append(f"{label}: labels too light for white paper: {light[:5]}")
            heights = page.eval_on_selector_all(
                ".nea-chart .svg-container", "els => els.map(e => e.getBoundingClientRect().height)"
            )
            problems += [f"{label}: {h:.0f} px tall" for h in heights if h > limit]
            pdf = artifacts_dir / f"fresh-print-{slug(path)}-a4-{mode}.pdf"
            page.pdf(path=str(pdf), format="A4", print_background=True)
            # the words of the level (unrotated) x labels, line by line: pdftotext splits rotated
            # text into fragments, so those are checked in the page only (below)
            labels = page.evaluate(
                """() => [...document.querySelectorAll('.nea-chart-plot .xtick text')]
                    .filter(t => !/rotate\\((?!0[,)])/.test(t.getAttribute('transform') || ''))
                    .flatMap(t => t.querySelector('tspan')
                        ? [...t.querySelectorAll('tspan')].map(s => s.textContent)
                        : [t.textContent])
                    .map(s => s.trim()).filter(Boolean)"""
            )
            # the column as printed: A4's width, still in print media
            page.set_viewport_size({"width": A4_COLUMN, "height": 900})
            settle(page)
            for box in page.evaluate(PRINT_BOXES):
                left, right, width = box["svg"]
                c_left, c_right, c_width = box["column"]
                if width > c_width + 1 or right > c_right + 1 or left < c_left - 1:
                    problems.append(
                        f"{label} {box['chart']}: chart {box['svg']} column {box['column']}"
                    )
                outside = [t[0] for t in box["texts"] if t[2] > c_right + 1 or t[1] < c_left - 1]
                if outside:
                    problems.append(f"{label} {box['chart']}: text past the column: {outside[:5]}")
                if box["wanted"] is not None and box["drawn"] < box["wanted"]:
                    problems.append(
                        f"{label} {box['chart']}: {box['drawn']} of {box['wanted']}"
                        " x categories drawn"
                    )
            if shutil.which("pdftotext"):
                page_width, words = _pdf_words(pdf)
                found = {w for w, _, right in words if right <= page_width}
                lost = [x for x in labels if not all(word in found for word in x.split())]
                if lost:
                    problems.append(f"{label}: x labels not on the printed page: {lost[:6]}")
            # put the page back for the other checks: the screen, at its own size, in its mode
            page.set_viewport_size(DESKTOP["viewport"])
            page.emulate_media(media="screen")
            settle(page)
            page.wait_for_function(EVERY_CHART_IS, arg=mode)
    assert not problems, "\n".join(problems)


# ----------------------------------------------------------------------------------------------
# 2. print from dark mode looks like light mode


def _luminance(rgb: str) -> float:
    values = [int(v) / 255 for v in re.findall(r"\d+", rgb)[:3]]
    linear = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in values]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@pytest.mark.parametrize(
    "path", ["book/01-introduction.html", "book/02-strategic-thought/figure-administrations.html"]
)
def test_a_page_printed_from_dark_mode_has_dark_text_on_white(
    open_page, artifacts_dir: Path, path
) -> None:
    page = open_page(path, dark=True)
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    page.emulate_media(media="print")
    colours = page.evaluate(
        """() => ({
            body: getComputedStyle(document.body).color,
            paragraphs: [...document.querySelectorAll('article p, article li')].slice(0, 40)
                .map(p => getComputedStyle(p).color),
            headings: [...document.querySelectorAll('article h1, article h2')]
                .map(h => getComputedStyle(h).color),
            backgrounds: [document.documentElement, document.body,
                          document.querySelector('.bd-main'),
                          document.querySelector('.bd-article-container')]
                .filter(Boolean).map(e => getComputedStyle(e).backgroundColor),
            scheme: getComputedStyle(document.documentElement).colorScheme,
        })"""
    )
    texts = [colours["body"], *colours["paragraphs"], *colours["headings"]]
    light = [c for c in texts if _luminance(c) > 0.2]
    assert not light, f"light text on paper: {sorted(set(light))}"
    backgrounds = [
        b for b in colours["backgrounds"] if b not in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)")
    ]
    assert not backgrounds, f"not white: {backgrounds}"
    assert "dark" not in colours["scheme"], colours["scheme"]
    page.pdf(
        path=str(artifacts_dir / f"fresh-print-dark-{slug(path)}.pdf"),
        format="A4",
        print_background=True,
    )


# ----------------------------------------------------------------------------------------------
# 3. a tap shows the tooltip

TAP_TARGETS = """gd => {
    const box = gd.getBoundingClientRect();
    const inside = r => r.width > 2 && r.height > 2 && r.top > 40 && r.bottom < innerHeight - 10
        && r.left > 5 && r.right < innerWidth - 5;
    const marks = [...gd.querySelectorAll('.point, .hm, .heatmaplayer image')]
        .map(e => e.getBoundingClientRect()).filter(inside);
    const pick = marks.slice(0, 3).concat(marks.slice(Math.floor(marks.length / 2)).slice(0, 2));
    if (!pick.length) {
        const d = gd.querySelector('.nsewdrag');
        if (d) pick.push(d.getBoundingClientRect());
    }
    return pick.map(r => [r.left + r.width / 2, r.top + r.height / 2]);
}"""
TIP = """() => { const t = document.querySelector('.nea-tooltip');
    if (!t || t.hidden) return null;
    const r = t.getBoundingClientRect();
    return {text: t.textContent, box: [r.left, r.top, r.right, r.bottom]}; }"""


def test_a_tap_on_every_chart_shows_its_tooltip(drawn_pages, chart_pages, artifacts_dir) -> None:
    problems = []
    for path in chart_pages:
        with drawn_pages.changing(path, phone=True) as page:
            charts = page.locator(".nea-chart")
            for i in range(charts.count()):
                plot = charts.nth(i).locator(".nea-chart-plot")
                plot.evaluate("p => p.scrollIntoView({block: 'center'})")
                page.wait_for_timeout(300)
                shown = None
                for x, y in plot.evaluate(TAP_TARGETS):
                    page.touchscreen.tap(x, y)
                    page.wait_for_timeout(350)
                    shown = page.evaluate(TIP)
                    if shown:
                        break
                name = f"{page.label} chart {i}"
                if not shown:
                    problems.append(f"{name}: a tap shows no tooltip")
                    continue
                keep_screenshot(page, artifacts_dir / f"fresh-tap-{slug(path)}-{i}-375.jpeg")
                left, top, right, bottom = shown["box"]
                if left < 0 or top < 0 or right > 375 or bottom > 812:
                    problems.append(f"{name}: tooltip outside the viewport {shown['box']}")
            page.keyboard.press("Escape")  # put the page back: the tooltip closes
    assert not problems, "\n".join(problems)


# ----------------------------------------------------------------------------------------------
# 4. at a phone's width every label inside its SVG, the marks' text inside the plot area

LABEL_BOXES = """() => [...document.querySelectorAll('.nea-chart-plot')].map(gd => {
    const visible = t => t.textContent.trim() && getComputedStyle(t).visibility !== 'hidden'
        && getComputedStyle(t).display !== 'none' && !t.closest('.hoverlayer');
    const svgs = [...gd.querySelectorAll('svg.main-svg')];
    const out = [];
    svgs.forEach(svg => {
        const s = svg.getBoundingClientRect();
        svg.querySelectorAll('text').forEach(t => {
            if (!visible(t)) return;
            const r = t.getBoundingClientRect();
            if (!r.width) return;
            if (r.left < s.left - 1 || r.right > s.right + 1 || r.top < s.top - 1
                || r.bottom > s.bottom + 1)
                out.push('svg: ' + t.textContent.trim().slice(0, 30) + ' '
                    + [r.left - s.left, s.right - r.right].map(Math.round));
        });
    });
    // text on marks (cliponaxis) and the marks themselves: inside their plot area
    gd.querySelectorAll('.cartesianlayer .subplot').forEach(sub => {
        const bg = sub.querySelector('.nsewdrag') || sub.querySelector('rect.bg');
        if (!bg) return;
        const a = bg.getBoundingClientRect();
        sub.querySelectorAll('.scatterlayer .point').forEach(m => {
            const r = m.getBoundingClientRect();
            if (r.width && (r.left < a.left - 1 || r.right > a.right + 1))
                out.push('mark cut at the edge: ' + [r.left - a.left, a.right - r.right]
                    .map(Math.round));
        });
        sub.querySelectorAll('.scatterlayer .textpoint text').forEach(t => {
            if (!visible(t)) return;
            const r = t.getBoundingClientRect();
            if (r.width && (r.left < a.left - 1 || r.right > a.right + 1))
                out.push('plot: ' + t.textContent.trim() + ' '
                    + [r.left - a.left, a.right - r.right].map(Math.round));
        });
    });
    return out;
})"""


@pytest.mark.parametrize("phone", [True, False], ids=["375", "1280"])
def test_every_label_of_every_chart_lies_inside_it(drawn_pages, chart_pages, phone) -> None:
    problems = []
    for path in chart_pages:
        page = drawn_pages(path, phone=phone)
        settle(page)
        for i, clipped in enumerate(page.evaluate(LABEL_BOXES)):
            if clipped:
                problems.append(f"{page.label} chart {i}: {clipped[:6]}")
    assert not problems, "\n".join(problems)


# ----------------------------------------------------------------------------------------------
# 5. not by colour alone: marks in a legend differ in shape


def _specs(site: Path, pages: list[str]) -> Iterator[tuple[str, dict]]:
    pattern = re.compile(
        r'<script type="application/json" class="nea-chart-spec">(.*?)</script>', re.S
    )
    for path in pages:
        for raw in pattern.findall((site / path).read_text(encoding="utf-8")):
            yield path, json.loads(htmllib.unescape(raw) if raw.lstrip().startswith("&") else raw)


def _symbol(trace: dict) -> str:
    symbol = (trace.get("marker") or {}).get("symbol", "circle")
    return str(symbol[0] if isinstance(symbol, list) and symbol else symbol)


def test_marks_in_a_legend_differ_in_shape_not_only_colour(site_dir: Path, chart_pages) -> None:
    problems = []
    checked = 0
    for path, spec in _specs(site_dir, chart_pages):
        shown = [
            t
            for t in spec.get("data", [])
            if t.get("type", "scatter") == "scatter"
            and "markers" in str(t.get("mode", "markers"))
            and t.get("showlegend", True) is not False
        ]
        symbols = [_symbol(t) for t in shown]
        checked += len(shown) > 1
        if len(set(symbols)) != len(symbols):
            problems.append(f"{path}: {[(t.get('name'), _symbol(t)) for t in shown]}")
    assert checked, "no chart with a legend of marks"
    assert not problems, "legend entries share a shape, told apart by colour only:\n" + "\n".join(
        problems
    )


# ----------------------------------------------------------------------------------------------
# 6. small things: slider labels and buttons, bullets, paths, hover, titles

OVERLAPS = """() => [...document.querySelectorAll('.nea-chart-plot')].flatMap(gd => {
    const boxes = sel => [...gd.querySelectorAll(sel)].map(e => [e.textContent.trim(),
        e.getBoundingClientRect()]).filter(b => b[1].width > 0);
    const buttons = boxes('g.updatemenu-button');
    const labels = boxes('.slider-label, .slider-labels text, g.slider-label-group text');
    const hits = [];
    labels.forEach(([t, r]) => buttons.forEach(([b, q]) => {
        if (r.left < q.right - 1 && q.left < r.right - 1 && r.top < q.bottom - 1
            && q.top < r.bottom - 1) hits.push(t + ' under ' + b);
    }));
    return hits;
})"""


@pytest.mark.parametrize("phone", [True, False], ids=["375", "1280"])
def test_no_slider_label_is_under_a_button(drawn_pages, chart_pages, phone) -> None:
    problems = []
    for path in chart_pages:
        page = drawn_pages(path, phone=phone)
        hits = page.evaluate(OVERLAPS)
        if hits:
            problems.append(f"{page.label}: {hits}")
    assert not problems, "\n".join(problems)


def _pages(site: Path) -> list[Path]:
    return [
        p
        for p in sorted(site.rglob("*.html"))
        if not p.relative_to(site).as_posix().startswith(("_", "genindex"))
    ]


def _article_text(page: Path) -> str:
    text = page.read_text(encoding="utf-8")
    match = re.search(r"<article[^>]*>(.*?)</article>", text, re.S)
    body = match.group(1) if match else ""
    body = re.sub(r"<(script|style|pre|details)[^>]*>.*?</\1>", " ", body, flags=re.S)
    body = re.sub(r'<div class="cell_input.*?</div>\s*</div>', " ", body, flags=re.S)
    return re.sub(r"\s+", " ", htmllib.unescape(re.sub(r"<[^>]+>", " ", body)))


def test_numbered_items_have_no_bullet_as_well(site_dir: Path, chart_pages) -> None:
    problems = []
    for path in chart_pages:
        text = (site_dir / path).read_text(encoding="utf-8")
        for ul in re.findall(r"<ul[^>]*>.*?</ul>", text, re.S):
            items = re.findall(r"<li[^>]*>(.*?)</li>", ul, re.S)
            numbered = items and all(re.match(r"\s*\d+\.\s", i) for i in items)
            if numbered and "nea-numbered" not in ul[: ul.index(">")]:
                problems.append(f"{path}: {items[0][:40]}")
    assert not problems, "numbered items with a bullet too:\n" + "\n".join(problems)


FILE_PATH = re.compile(r"\bdata/[\w-]+\.(csv|json)\b")


def test_charts_name_no_file_paths(site_dir: Path, chart_pages) -> None:
    """A legend entry or a note on a chart speaks of tables, not of files in the repository."""
    problems = []
    for path, spec in _specs(site_dir, chart_pages):
        texts = [t.get("name", "") for t in spec.get("data", [])]
        texts += [a.get("text", "") for a in spec.get("layout", {}).get("annotations", [])]
        problems += [f"{path}: {t}" for t in texts if FILE_PATH.search(str(t))]
    assert not problems, "\n".join(problems)


def test_figure_pages_name_tables_not_files(site_dir: Path, chart_pages) -> None:
    """The prose of a figure page links the Data page's tables rather than naming files."""
    problems = []
    for path in chart_pages:
        if path.endswith("data.html"):
            continue
        found = FILE_PATH.search(_article_text(site_dir / path))
        if found:
            problems.append(f"{path}: {found.group(0)}")
    assert not problems, "\n".join(problems)


def test_no_hover_without_a_tap(site_dir: Path) -> None:
    """A "hover over a mark" leaves a phone's reader out: the text says "or tap" as well."""
    problems = []
    for page in _pages(site_dir):
        rel = page.relative_to(site_dir).as_posix()
        if rel in ("changes.html", "search.html"):
            continue
        for sentence in re.split(r"(?<=[.;:!?])\s", _article_text(page)):
            hover_only = re.search(r"\bhover", sentence, re.I) and not re.search(
                r"\btap", sentence, re.I
            )
            if hover_only and "without hovering" not in sentence:
                problems.append(f"{rel}: {sentence.strip()[:100]}")
    assert not problems, "\n".join(problems)


def test_every_tab_title_uses_the_same_dash(site_dir: Path) -> None:
    """The same dash on every page ("1. Introduction — <edition>"), "Search" too."""
    wrong = {}
    for page in _pages(site_dir):
        match = re.search(r"<title>(.*?)</title>", page.read_text(encoding="utf-8"), re.S)
        title = htmllib.unescape(match.group(1)) if match else ""
        if re.search(r"\s[-|\u2013]\s", title):
            wrong[page.relative_to(site_dir).as_posix()] = title
    assert not wrong, wrong


# ----------------------------------------------------------------------------------------------
# a second fresh try (after the afterword was split)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (
            "book/06-after-2009.html#agenda-us-balancer",
            "book/06-after-2009/items.html#agenda-us-balancer",
        ),
        (
            "book/06-after-2009.html?outcome=stalled",
            "book/06-after-2009/items.html?outcome=stalled",
        ),
        (
            "book/06-after-2009.html#agenda-rule-untriggered-conditional",
            "book/06-after-2009/codebook.html#agenda-rule-untriggered-conditional",
        ),
    ],
)
def test_addresses_from_before_the_split_are_forwarded(open_page, site_url, old, new) -> None:
    """Links published before the afterword was split (an item's anchor, the filter, a rule's
    anchor) reach the page that now holds their target, and the target exists there."""
    page = open_page(old)
    page.wait_for_url(f"{site_url}/{new}", timeout=10_000)
    fragment = new.partition("#")[2]
    if fragment:
        assert page.locator(f"#{fragment}").count() == 1, new


@pytest.mark.parametrize("phone", [True, False], ids=["375", "1280"])
def test_the_afterwords_count_tables_show_every_column(drawn_pages, phone) -> None:
    """The afterword's count tables fit their column on a phone and a desktop: none hides a
    column behind a sideways scroll (they had ten columns; groups now run across)."""
    page = drawn_pages("book/06-after-2009.html", phone=phone)
    widths = page.eval_on_selector_all(
        ".nea-reader-wrap",
        "els => els.filter(e => /how many came about/.test(e.getAttribute('aria-label')))"
        ".map(e => [e.getAttribute('aria-label'), e.scrollWidth, e.clientWidth])",
    )
    assert len(widths) == 3, widths
    for label, scroll, client in widths:
        assert scroll <= client + 1, f"{label}: {scroll} px wide in {client} px"


def test_the_scorecard_data_page_says_in_print_what_it_leaves_out(open_page) -> None:
    """Print hides the data tables behind figures; on the page whose content is such a table,
    a note printed in its place says where the rows are."""
    page = open_page("book/06-after-2009/scorecard-data.html")
    note = page.locator(".nea-print-only")
    assert note.count() == 1 and not note.is_visible()
    page.emulate_media(media="print")
    assert note.is_visible()
    assert "list of items" in note.inner_text()
