"""What every figure shares: the chart and table HTML, escaping, palette, fonts and layout.

Each figure module (``timeline``, ``membership_matrix``, ``institution_overlap``,
``global_korea``) draws a plotly figure from data-layer tables and wraps it in a ``Chart``; this
module turns that into the HTML a notebook shows.

Why the HTML is built here and not by plotly's notebook renderer: in a kernel, plotly emits
``application/vnd.plotly.v1+json``, which myst-nb does not render (it warns and the chart is
blank). ``chart_html`` instead writes a ``<div class="nea-chart">`` holding the figure as JSON;
``nea_edition.site.extension`` adds the site's own copy of plotly.js and ``nea-charts.js``
(which draws every such div) to the pages that contain one, and to no other page.

Escaping: any text that comes from data (names, events, notes) is HTML-escaped (``esc``) before
it goes into a figure. plotly.js reads a small subset of HTML in labels and hover text and
decodes ``&lt;`` back into ``<``, so ``<script>`` shows as text and never becomes markup. Tables
are escaped by pandas, summaries by ``html.escape``, and the JSON is written so that no ``<``
can close its ``<script type="application/json">`` element.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from nea_edition.data import is_missing

#: Okabe & Ito's colour-blind-safe palette (https://jfly.uni-koeln.de/color/).
OKABE_ITO: dict[str, str] = {
    "orange": "#E69F00",
    "sky blue": "#56B4E9",
    "bluish green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish purple": "#CC79A7",
    "black": "#000000",
}
GREY = "#9A9A9A"
LIGHT_GREY = "#D9D9D9"

#: The paper's year: the matrix opens on it, the overlap is drawn for it.
PAPER_YEAR = 2009

#: Plot config shared by every chart: no plotly logo, no buttons that need a network.
PLOT_CONFIG: dict[str, object] = {
    "responsive": True,
    "displaylogo": False,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"],
    "toImageButtonOptions": {"format": "svg"},
}

FONT = dict(family="system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif")


# ----------------------------------------------------------------------------------------------
# escaping


def esc(value: object) -> str:
    """Text from data made safe for plotly labels and HTML: ``<`` ``>`` ``&`` become entities.

    plotly.js decodes ``&lt;``, ``&gt;`` and ``&amp;`` when it draws text, so readers see the
    original characters; quotes are left alone because plotly does not decode ``&quot;``.
    Missing values become an empty string.
    """
    if value is None or (not isinstance(value, str) and is_missing(value)):
        return ""
    return html.escape(str(value), quote=False)


def iso_date(value: object) -> str:
    """ISO date of a timestamp (``YYYY-MM-DD``), or '' when missing."""
    if value is None or is_missing(value):
        return ""
    return pd.Timestamp(value).strftime("%Y-%m-%d")


# ----------------------------------------------------------------------------------------------
# rendering: chart, summary, data table


def figure_json(fig: go.Figure) -> str:
    """The figure as JSON that is safe inside ``<script type="application/json">``.

    ``<``, ``>`` and ``&`` only occur inside JSON strings, where ``\\u003c`` etc. mean the same
    character, so no data can end the script element early. ``://`` is written ``:\\/\\/`` so
    that a URL in data is not mistaken for a resource the page loads.
    """
    text = pio.to_json(fig, validate=True, pretty=False, engine="json")
    for char, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, code)
    return text.replace("://", ":\\/\\/")


@dataclass(frozen=True)
class Chart:
    """What a notebook shows for one figure: the chart, its text description, its data.

    ``_repr_html_`` lets myst-nb render it as ``text/html`` (never plotly's own mimetype), and
    ``myst_nb.glue`` stores that HTML for a ``{glue:figure}`` with a caption and a label.
    """

    name: str
    figure: go.Figure
    label: str
    summary: str
    narrow_layout: dict | None = None
    narrow_data: dict | None = None

    def _repr_html_(self) -> str:
        return chart_html(
            self.figure,
            name=self.name,
            label=self.label,
            summary=self.summary,
            narrow_layout=self.narrow_layout,
            narrow_data=self.narrow_data,
        )


def chart_html(
    fig: go.Figure,
    *,
    name: str,
    label: str,
    summary: str,
    narrow_layout: dict | None = None,
    narrow_data: dict | None = None,
) -> str:
    """HTML for one chart: a placeholder div, the figure as JSON, and a text description.

    ``label`` becomes the chart's ``aria-label``; ``summary`` is a visible paragraph (computed
    from the data, so it stays true when the data change) that the chart points to with
    ``aria-describedby`` for screen-reader users. ``narrow_layout`` is merged into the layout on
    screens narrower than 600 px (smaller margins and fonts), and ``narrow_data`` into every
    trace, by ``nea_edition/site/static/nea-charts.js``.
    """
    slug = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")
    spec = json.loads(figure_json(fig))
    spec["config"] = PLOT_CONFIG
    if narrow_layout:
        spec["narrowLayout"] = narrow_layout
    if narrow_data:
        spec["narrowData"] = narrow_data
    payload = json.dumps(spec, separators=(",", ":"), ensure_ascii=False)
    for char, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        payload = payload.replace(char, code)
    payload = payload.replace("://", ":\\/\\/")
    height = int(fig.layout.height or 450)
    return (
        f'<div class="nea-chart" id="nea-chart-{slug}" data-chart="{slug}">'
        f'<div class="nea-chart-plot" role="group" aria-roledescription="interactive chart"'
        f' aria-label="{html.escape(label)}" aria-describedby="nea-chart-{slug}-summary"'
        f' style="min-height:{height}px"></div>'
        f'<script type="application/json" class="nea-chart-spec">{payload}</script>'
        f'<p class="nea-chart-summary" id="nea-chart-{slug}-summary">'
        f"<strong>In words:</strong> {html.escape(summary)}</p>"
        "<noscript><p>The interactive chart needs JavaScript; the same information is in the"
        " description above and in the table below.</p></noscript>"
        "</div>"
    )


@dataclass(frozen=True)
class DataTable:
    """The data behind a figure, shown as an HTML table under a toggle with a CSV download."""

    frame: pd.DataFrame
    filename: str
    title: str = "Data behind the figure"
    note: str = ""

    def _repr_html_(self) -> str:
        return data_table_html(self.frame, filename=self.filename, title=self.title, note=self.note)


def data_table_html(
    frame: pd.DataFrame, *, filename: str, title: str = "Data behind the figure", note: str = ""
) -> str:
    """A closed ``<details>`` toggle holding the table and a link that downloads it as CSV.

    The CSV travels in a ``data:`` URL, so it is exactly the frame shown (no file to keep in
    step) and the download needs no request to any server. pandas escapes every cell.
    """
    csv_text = frame.to_csv(index=False, lineterminator="\n")
    href = "data:text/csv;charset=utf-8," + quote(csv_text, safe="")
    table = frame.to_html(
        index=False, escape=True, border=0, na_rep="", classes=["table", "nea-data-table"]
    )
    note_html = f" {html.escape(note)}" if note else ""
    rows = len(frame)
    return (
        '<details class="nea-data">'
        f"<summary>{html.escape(title)} ({rows} row{'s' if rows != 1 else ''})</summary>"
        f'<p><a class="nea-csv" download="{html.escape(filename)}" href="{href}">'
        f"Download this table as CSV ({html.escape(filename)})</a>.{note_html}</p>"
        f'<div class="nea-table-wrap">{table}</div>'
        "</details>"
    )


#: Column labels (institution ids) are set at this slant: steep enough that long ids such as
#: TCS_SECRETARIAT clear their neighbours.
COLUMN_LABEL_ANGLE = 62


def label_margin(labels: Iterable[str], font_size: float, angle: float = 0.0) -> int:
    """Pixels a column of tick labels needs, from its longest label, at ``angle`` degrees.

    Why not plotly's ``automargin``: it measures the labels in the browser and redraws until
    they fit, which costs a quarter of a second on the matrix; an estimate from the text
    (0.62 em per character, generous for sans-serif) draws once.
    """
    longest = max((len(html.unescape(str(label))) for label in labels), default=0)
    width = longest * font_size * 0.62
    if angle:
        width = width * math.sin(math.radians(abs(angle))) + font_size
    return math.ceil(width) + 12


def base_layout(height: int, **extra: object) -> dict:
    """Layout shared by the charts: white background, system fonts, room for the legend."""
    layout: dict = dict(
        height=height,
        autosize=True,
        template="plotly_white",
        font=dict(size=13, **FONT),
        margin=dict(l=10, r=10, t=40, b=10),
        hoverlabel=dict(align="left"),
    )
    layout.update(extra)
    return layout
