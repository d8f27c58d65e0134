"""The edition's figures: one named function per figure, plus the HTML that shows them.

Why the figures are built here and not in the notebooks: a notebook page should read like prose
(load, compute, show), and a function can be unit-tested on small frames without a browser.

Why the HTML is built here and not by plotly's notebook renderer: in a kernel, plotly emits
``application/vnd.plotly.v1+json``, which myst-nb does not render (it warns and the chart is
blank). ``chart_html`` instead writes a ``<div class="nea-chart">`` holding the figure as JSON;
``nea_edition.sphinx_ext`` adds the site's own copy of plotly.js and ``nea-charts.js`` (which
draws every such div) to the pages that contain one, and to no other page.

Escaping: any text that comes from data (names, events, notes) is HTML-escaped before it goes
into a figure. plotly.js reads a small subset of HTML in labels and hover text and decodes
``&lt;`` back into ``<``, so ``<script>`` shows as text and never becomes markup. Tables are
escaped by pandas, summaries by ``html.escape``, and the JSON is written so that no ``<`` can
close its ``<script type="application/json">`` element.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

#: The six states of the Six-Party Talks, listed first in every matrix (same order as the data
#: layer's ``SIX_PARTY``; repeated here so the figures can be tested without it).
SIX_PARTY: tuple[str, ...] = ("KOR", "PRK", "CHN", "JPN", "RUS", "USA")
#: The matrix cell for a country without a status (same text as ``nea_edition.data``).
NOT_A_MEMBER = "not a member"

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

#: Regional frames the paper ascribes to governments, each with a palette colour. Frames that
#: appear in the data but not here get the remaining palette colours in order of appearance.
FRAME_COLOURS: dict[str, str] = {
    "Asia-Pacific": OKABE_ITO["blue"],
    "East Asia": OKABE_ITO["orange"],
    "Northeast Asia": OKABE_ITO["bluish green"],
    "pan-Pacific": OKABE_ITO["reddish purple"],
}
NO_FRAME = "no regional frame given (outside the paper)"

#: The paper's year: the matrix opens on it, the overlap is drawn for it.
PAPER_YEAR = 2009
#: When the paper appeared (December 2009), marked on the timeline.
PAPER_DATE = "2009-12-01"

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
    if value is None or (not isinstance(value, str) and _isna(value)):
        return ""
    return html.escape(str(value), quote=False)


def _isna(value: object) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _date(value: object) -> str:
    """ISO date of a timestamp (``YYYY-MM-DD``), or '' when missing."""
    if value is None or _isna(value):
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
    trace, by ``static/nea-charts.js``.
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


def _base_layout(height: int, **extra: object) -> dict:
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


# ----------------------------------------------------------------------------------------------
# Figure: the administrations timeline


def _frame_colours(frames: Iterable[str]) -> dict[str, str]:
    spare = [c for c in OKABE_ITO.values() if c not in FRAME_COLOURS.values()]
    colours = dict(FRAME_COLOURS)
    for frame in frames:
        if frame not in colours:
            colours[frame] = spare.pop(0) if spare else GREY
    return colours


def administrations_timeline(
    administrations: pd.DataFrame,
    events: pd.DataFrame | None = None,
    acting_presidents: pd.DataFrame | None = None,
    *,
    today: pd.Timestamp | str | None = None,
) -> go.Figure:
    """Timeline of the Republic of Korea's administrations: one bar a presidency.

    Bars are coloured by ``regional_frame``; the governments the paper covers
    (``covered_by_paper``) have a dark outline and bold names, the others a hatched grey, so the
    distinction never rests on colour. The incumbent's bar runs to ``today``. Events are
    diamonds on their own row, acting presidents thin bars on another; hover gives dates and the
    policy banner. Traces: one bar trace per frame (plus one for no frame), then the acting
    presidents, the events.
    """
    today_ts = pd.Timestamp(today) if today is not None else pd.Timestamp.now().normalize()
    adm = administrations.sort_values("term_start").reset_index(drop=True)
    names = [esc(p) for p in adm["president"]]
    covered = adm["covered_by_paper"].fillna(False).astype(bool).tolist()
    frames = [None if _isna(f) or str(f).strip() == "" else str(f) for f in adm["regional_frame"]]
    colours = _frame_colours(f for f in frames if f)
    rows_events = "Events"
    rows_acting = "Acting presidents"
    fig = go.Figure()

    order: list[str] = []  # frames in order of first appearance, unframed last
    for f in frames:
        key = f or NO_FRAME
        if key not in order:
            order.append(key)
    order = [k for k in order if k != NO_FRAME] + ([NO_FRAME] if NO_FRAME in order else [])

    for key in order:
        idx = [i for i, f in enumerate(frames) if (f or NO_FRAME) == key]
        start = [adm.loc[i, "term_start"] for i in idx]
        end = [
            adm.loc[i, "term_end"] if not _isna(adm.loc[i, "term_end"]) else today_ts for i in idx
        ]
        duration = [
            (pd.Timestamp(e) - pd.Timestamp(s)).total_seconds() * 1000
            for s, e in zip(start, end, strict=True)
        ]
        custom = [
            [
                names[i],
                esc(adm.loc[i, "president_hangul"]) if "president_hangul" in adm else "",
                _date(adm.loc[i, "term_start"]),
                _date(adm.loc[i, "term_end"]) or "in office",
                esc(adm.loc[i, "end_reason"]) if "end_reason" in adm else "",
                esc(frames[i] or "none given: the paper does not cover this government"),
                esc(adm.loc[i, "policy_banner"]),
                "covered by the paper" if covered[i] else "not covered by the paper",
            ]
            for i in idx
        ]
        is_framed = key != NO_FRAME
        fig.add_trace(
            go.Bar(
                name=esc(key) if is_framed else NO_FRAME,
                legendgroup=key,
                orientation="h",
                y=[names[i] for i in idx],
                x=duration,
                base=[_date(s) for s in start],
                customdata=custom,
                marker=dict(
                    color=colours.get(key, LIGHT_GREY) if is_framed else LIGHT_GREY,
                    line=dict(
                        color=["#1a1a1a" if covered[i] else GREY for i in idx],
                        width=[2.5 if covered[i] else 1 for i in idx],
                    ),
                    pattern=dict(
                        shape=["" if covered[i] else "/" for i in idx],
                        fgcolor=GREY,
                        size=8,
                        solidity=0.25,
                    ),
                ),
                hovertemplate=(
                    "<b>%{customdata[0]}</b> %{customdata[1]}<br>"
                    "%{customdata[2]} to %{customdata[3]} (%{customdata[4]})<br>"
                    "Regional frame: %{customdata[5]}<br>"
                    "Policy banner: %{customdata[6]}<br>"
                    "<i>%{customdata[7]}</i><extra></extra>"
                ),
            )
        )

    categories = list(names)
    if acting_presidents is not None and len(acting_presidents):
        act = acting_presidents.sort_values("start").reset_index(drop=True)
        starts = [pd.Timestamp(s) for s in act["start"]]
        ends = [pd.Timestamp(e) if not _isna(e) else today_ts for e in act["end"]]
        fig.add_trace(
            go.Bar(
                name="acting president",
                orientation="h",
                y=[rows_acting] * len(act),
                x=[(e - s).total_seconds() * 1000 for s, e in zip(starts, ends, strict=True)],
                base=[_date(s) for s in starts],
                width=0.5,
                customdata=[
                    [esc(r["name"]), _date(r["start"]), _date(r["end"]), esc(r.get("reason", ""))]
                    for _, r in act.iterrows()
                ],
                marker=dict(color=OKABE_ITO["vermillion"], line=dict(color="#1a1a1a", width=1)),
                hovertemplate=(
                    "<b>%{customdata[0]}</b>, acting president<br>"
                    "%{customdata[1]} to %{customdata[2]}<br>%{customdata[3]}<extra></extra>"
                ),
            )
        )
        categories.append(rows_acting)

    if events is not None and len(events):
        ev = events.copy()
        ev["_when"] = pd.to_datetime(ev["date_start"] if "date_start" in ev else ev["date"])
        ev = ev.sort_values("_when").reset_index(drop=True)
        fig.add_trace(
            go.Scatter(
                name="event (data/events.csv)",
                mode="markers",
                y=[rows_events] * len(ev),
                x=[_date(w) for w in ev["_when"]],
                marker=dict(
                    symbol="diamond",
                    size=11,
                    color=OKABE_ITO["black"],
                    line=dict(color="white", width=1),
                    opacity=0.8,
                ),
                customdata=[
                    [esc(r["date"]), esc(r["event"]), esc(r.get("institution", ""))]
                    for _, r in ev.iterrows()
                ],
                hovertemplate=(
                    "<b>%{customdata[0]}</b><br>%{customdata[1]}<br>%{customdata[2]}<extra></extra>"
                ),
            )
        )
        categories.append(rows_events)

    covered_idx = [i for i, c in enumerate(covered) if c]
    shapes = []
    annotations = []
    if covered_idx:
        first, last = covered_idx[0], covered_idx[-1]
        band_end = adm.loc[last, "term_end"]
        band_end = today_ts if _isna(band_end) else band_end
        shapes.append(
            dict(
                type="rect",
                xref="x",
                yref="paper",
                x0=_date(adm.loc[first, "term_start"]),
                x1=_date(band_end),
                y0=0,
                y1=1,
                fillcolor="#f2f2f2",
                line=dict(width=0),
                layer="below",
            )
        )
        annotations.append(
            dict(
                x=_date(adm.loc[first, "term_start"]),
                y=1,
                xref="x",
                yref="paper",
                xanchor="left",
                yanchor="bottom",
                text="governments the paper covers",
                showarrow=False,
                font=dict(size=11),
            )
        )
    shapes.append(
        dict(
            type="line",
            xref="x",
            yref="paper",
            x0=PAPER_DATE,
            x1=PAPER_DATE,
            y0=0,
            y1=1,
            line=dict(color="#444", width=1, dash="dot"),
        )
    )
    annotations.append(
        dict(
            x=PAPER_DATE,
            y=0,
            xref="x",
            yref="paper",
            xanchor="left",
            yanchor="bottom",
            text="paper, Dec. 2009",
            showarrow=False,
            font=dict(size=10),
        )
    )
    tick_text = [
        f"<b>{n}</b>" if i < len(covered) and covered[i] else n for i, n in enumerate(categories)
    ]
    start_year = pd.Timestamp(adm["term_start"].min()).year
    fig.update_layout(
        **_base_layout(
            height=90 + 34 * len(categories),
            barmode="overlay",
            bargap=0.25,
            shapes=shapes,
            annotations=annotations,
            legend=dict(orientation="h", yanchor="top", y=-0.08, x=0, title=None),
            margin=dict(l=10, r=10, t=30, b=10),
        )
    )
    fig.update_yaxes(
        type="category",
        categoryorder="array",
        categoryarray=categories,
        tickvals=categories,
        ticktext=tick_text,
        autorange="reversed",
        automargin=True,
    )
    fig.update_xaxes(
        type="date",
        range=[f"{start_year}-01-01", _date(today_ts + pd.Timedelta(days=200))],
        showgrid=True,
        automargin=True,
        dtick="M60",
        tickformat="%Y",
    )
    return fig


def administrations_summary(administrations: pd.DataFrame, events: pd.DataFrame | None) -> str:
    """A sentence or three describing the timeline, computed from the data."""
    adm = administrations.sort_values("term_start")
    parts = []
    n = len(adm)
    first, last = adm.iloc[0], adm.iloc[-1]
    parts.append(
        f"{n} presidencies from {_date(first['term_start'])} ({first['president']}) to "
        + (
            f"{last['president']}, in office since {_date(last['term_start'])}."
            if _isna(last["term_end"])
            else f"{_date(last['term_end'])} ({last['president']})."
        )
    )
    cov = adm[adm["covered_by_paper"].fillna(False).astype(bool)]
    if len(cov):
        covered_text = "; ".join(
            f"{r['president']} ({_date(r['term_start'])[:4]} to {_date(r['term_end'])[:4]}):"
            f" {r['regional_frame'] if not _isna(r['regional_frame']) else 'no frame'}"
            for _, r in cov.iterrows()
        )
        parts.append(
            f"The paper covers {len(cov)} governments, each with its regional frame: "
            f"{covered_text}."
        )
    removed = adm[adm["end_reason"].astype(str).str.contains("removed", na=False)]
    if len(removed):
        parts.append(
            "Removed from office: "
            + ", ".join(f"{r['president']} ({_date(r['term_end'])})" for _, r in removed.iterrows())
            + "."
        )
    if events is not None and len(events):
        parts.append(f"{len(events)} dated events are marked on their own row.")
    return " ".join(parts)


# ----------------------------------------------------------------------------------------------
# Ordering shared by the matrix and the overlap

#: Scopes in the order the figures group bodies: Northeast Asia's own first, Europe's last, so
#: the contrast the paper draws (the "organization gap") reads from left to right.
SCOPE_ORDER: tuple[str, ...] = (
    "Northeast Asia",
    "East Asia",
    "Asia-Pacific",
    "Eurasia",
    "Euro-Atlantic",
)
#: Scopes whose bodies are Europe's: countries that belong only to these are not matrix rows.
EUROPEAN_SCOPES: frozenset[str] = frozenset({"Euro-Atlantic"})


def institution_order(institutions: pd.DataFrame) -> list[str]:
    """Bodies grouped by scope (``SCOPE_ORDER``), then by founding year, then id."""
    frame = institutions.copy()
    rank = {scope: i for i, scope in enumerate(SCOPE_ORDER)}
    frame["_scope"] = [
        rank.get(str(sc), len(rank)) if "scope" in frame else 0
        for sc in (frame["scope"] if "scope" in frame else [None] * len(frame))
    ]
    frame["_y"] = pd.to_numeric(frame["founded_year"], errors="coerce")
    return frame.sort_values(["_scope", "_y", "id"], na_position="last")["id"].astype(str).tolist()


def country_order(countries: pd.DataFrame, iso3: Iterable[str] | None = None) -> list[str]:
    """Six-Party states first (in ``SIX_PARTY`` order), then by subregion and name.

    Subregions sort in the order of their categories when the column is categorical (the data
    layer makes it so, from the schema's enum: Northeast Asia first), else alphabetically.
    Mirrors ``nea_edition.data.country_order`` so figures can be tested on plain frames.
    """
    frame = countries.set_index("iso3")
    codes = list(frame.index if iso3 is None else dict.fromkeys(iso3))
    sub = frame["subregion"] if "subregion" in frame else pd.Series(dtype=object)
    if isinstance(sub.dtype, pd.CategoricalDtype):
        regions = [str(c) for c in sub.cat.categories]
    else:
        regions = sorted({str(v) for v in sub.dropna()})

    def key(code: str) -> tuple[int, int, str, str]:
        if code in SIX_PARTY:
            return (0, SIX_PARTY.index(code), "", code)
        if code not in frame.index:
            return (2, 0, "", code)
        region = str(sub.get(code, ""))
        rank = regions.index(region) if region in regions else len(regions)
        return (1, rank, str(frame.at[code, "name"]), code)

    return sorted(codes, key=key)


def _exists(founded: object, ended: object, year: int) -> bool:
    if not _isna(founded) and int(founded) > year:  # type: ignore[call-overload]
        return False
    return _isna(ended) or int(ended) >= year  # type: ignore[call-overload]


# ----------------------------------------------------------------------------------------------
# Figure: membership matrix with a year slider

#: How each status is drawn: colour, marker symbol, marker size. Colour is never alone: each
#: status has its own symbol, and hover names it.
STATUS_STYLE: dict[str, tuple[str, str, int]] = {
    "member": (OKABE_ITO["blue"], "square", 13),
    "participant": (OKABE_ITO["sky blue"], "circle", 13),
    "partner": (OKABE_ITO["bluish green"], "triangle-up", 13),
    "observer": (OKABE_ITO["orange"], "diamond", 13),
    "suspended": (OKABE_ITO["vermillion"], "x", 12),
    NOT_A_MEMBER: (GREY, "circle-open", 7),
}
_SPARE_STYLES = [
    (OKABE_ITO["reddish purple"], "star", 13),
    (OKABE_ITO["yellow"], "hexagon", 13),
    (OKABE_ITO["black"], "pentagon", 11),
]


def status_styles(statuses: Iterable[str]) -> dict[str, tuple[str, str, int]]:
    """Style for every status in the data; statuses not in ``STATUS_STYLE`` get spare ones."""
    styles = dict(STATUS_STYLE)
    spare = list(_SPARE_STYLES)
    for status in statuses:
        if status not in styles:
            styles[status] = spare.pop(0) if spare else (GREY, "asterisk", 11)
    return styles


def matrix_countries(
    over_time: pd.DataFrame, institutions: pd.DataFrame, countries: pd.DataFrame
) -> list[str]:
    """Rows of the matrix: countries with a status in some non-European body in some year.

    OSCE and NATO stay as columns, but the fifty-odd European states that belong to nothing
    else would bury the region's rows; they are counted in the summary instead.
    """
    scope = institutions.set_index("id")["scope"].astype(str).to_dict()
    asian = over_time[~over_time["institution"].map(scope).isin(EUROPEAN_SCOPES)]
    return country_order(countries, asian["country"].astype(str).unique())


def membership_grid(
    over_time: pd.DataFrame,
    institutions: pd.DataFrame,
    countries: Sequence[str],
    years: Iterable[int],
) -> pd.DataFrame:
    """Every (year, country, institution) cell: its status, or "not a member".

    Only bodies that exist in a year get cells that year. ``over_time`` is the data layer's
    ``membership_over_time`` (year, institution, country, status); missing rows are "not a
    member".
    """
    known = {
        (int(r.year), str(r.institution), str(r.country)): str(r.status)
        for r in over_time.itertuples(index=False)
    }
    life = [
        (str(r.id), r.founded_year, r.ended_year)
        for r in institutions[["id", "founded_year", "ended_year"]].itertuples(index=False)
    ]
    rows = [
        (year, iso, iid, known.get((year, iid, iso), NOT_A_MEMBER))
        for year in years
        for iid, founded, ended in life
        if _exists(founded, ended, year)
        for iso in countries
    ]
    return pd.DataFrame(rows, columns=["year", "country", "institution", "status"])


def membership_matrix_figure(
    over_time: pd.DataFrame,
    institutions: pd.DataFrame,
    countries: pd.DataFrame,
    *,
    start: int = 1989,
    end: int | None = None,
    initial_year: int = PAPER_YEAR,
    country_ids: Sequence[str] | None = None,
) -> go.Figure:
    """Countries (rows, Six-Party states first) by bodies (columns) in one year, with a slider.

    A slider and a play button step through ``start``..``end``, one animation frame per year;
    the chart opens on ``initial_year`` (the paper's year). There is one scatter trace per
    status, in every frame, so the legend stays put; a status is told by colour and symbol
    (``STATUS_STYLE``). Columns of bodies that did not exist in a year stay empty that year.
    Hover text is built into each frame's template, not per point, to keep the page light.
    """
    if end is None:
        end = int(over_time["year"].max()) if len(over_time) else pd.Timestamp.now().year
    years = list(range(start, end + 1))
    if initial_year not in years:
        initial_year = years[-1]
    iso_order = (
        list(country_ids)
        if country_ids is not None
        else matrix_countries(over_time, institutions, countries)
    )
    names = countries.set_index("iso3")["name"].astype(str).to_dict()
    inst_order = institution_order(institutions)
    inst_frame = institutions.set_index("id").loc[inst_order].reset_index()
    grid = membership_grid(over_time, inst_frame, iso_order, years)
    styles = status_styles(grid["status"].unique())
    present = set(grid["status"])
    statuses = [s for s in styles if s in present]
    row_label = {iso: f"{esc(names.get(iso, iso))}" for iso in iso_order}

    def traces_for(year: int) -> list[go.Scatter]:
        cells = grid[grid["year"] == year]
        out = []
        for status in statuses:
            colour, symbol, size = styles[status]
            sel = cells[cells["status"] == status]
            out.append(
                go.Scatter(
                    name=esc(status),
                    mode="markers",
                    x=[esc(i) for i in sel["institution"]],
                    y=[row_label[c] for c in sel["country"]],
                    marker=dict(
                        symbol=symbol,
                        color=colour,
                        size=size,
                        line=dict(color="#333333" if status != NOT_A_MEMBER else colour, width=1),
                    ),
                    hovertemplate=(
                        f"%{{y}}<br>%{{x}}<br><b>{esc(status)}</b> in {year}<extra></extra>"
                    ),
                )
            )
        return out

    fig = go.Figure(data=traces_for(initial_year))
    fig.frames = [go.Frame(name=str(y), data=traces_for(y)) for y in years]
    steps = [
        dict(
            label=str(y),
            method="animate",
            args=[
                [str(y)],
                dict(
                    mode="immediate",
                    frame=dict(duration=0, redraw=True),
                    transition=dict(duration=0),
                ),
            ],
        )
        for y in years
    ]
    play = dict(
        label="▶ Play",
        method="animate",
        args=[
            None,
            dict(
                frame=dict(duration=600, redraw=True),
                transition=dict(duration=0),
                fromcurrent=True,
                mode="immediate",
            ),
        ],
    )
    pause = dict(
        label="❚❚ Pause",
        method="animate",
        args=[
            [None],
            dict(
                frame=dict(duration=0, redraw=False), transition=dict(duration=0), mode="immediate"
            ),
        ],
    )
    fig.update_layout(
        **_base_layout(
            height=260 + 22 * len(iso_order),
            # Bottom margin: the slider (under the plot) and then the legend (at the very bottom).
            margin=dict(
                l=label_margin(row_label.values(), 13),
                r=30,
                t=label_margin(inst_order, 13, angle=COLUMN_LABEL_ANGLE),
                b=150,
            ),
            legend=dict(
                orientation="h", x=0, xanchor="left", y=0, yref="container", yanchor="bottom"
            ),
            sliders=[
                dict(
                    active=years.index(initial_year),
                    currentvalue=dict(prefix="Year: ", font=dict(size=15), xanchor="right"),
                    pad=dict(t=10, b=0),
                    steps=steps,
                    x=0,
                    len=1,
                    y=0,
                    yanchor="top",
                )
            ],
            updatemenus=[
                dict(
                    type="buttons",
                    direction="down",
                    showactive=False,
                    # In the left margin, under the country names, clear of the slider.
                    x=0,
                    y=0,
                    xanchor="right",
                    yanchor="top",
                    pad=dict(t=10, r=12),
                    buttons=[play, pause],
                )
            ],
        )
    )
    fig.update_xaxes(
        type="category",
        categoryorder="array",
        categoryarray=[esc(i) for i in inst_order],
        range=[-0.6, len(inst_order) - 0.4],
        side="top",
        tickangle=-COLUMN_LABEL_ANGLE,
        showgrid=True,
        gridcolor="#eeeeee",
        automargin=False,
        fixedrange=True,
    )
    fig.update_yaxes(
        type="category",
        categoryorder="array",
        categoryarray=[row_label[c] for c in iso_order],
        range=[len(iso_order) - 0.5, -0.5],
        showgrid=True,
        gridcolor="#eeeeee",
        automargin=False,
        fixedrange=True,
    )
    return fig


def matrix_narrow_layout(fig: go.Figure, codes: Sequence[str]) -> dict:
    """Layout for screens under 600 px: country codes instead of names, smaller type."""
    return {
        "font": {"size": 10},
        "margin": {
            "l": label_margin(codes, 10),
            "t": label_margin(fig.layout.xaxis.categoryarray, 10, angle=COLUMN_LABEL_ANGLE),
            "b": 170,
        },
        "legend": {"font": {"size": 10}},
        "sliders": [{"x": 0.3, "len": 0.7, "currentvalue": {"font": {"size": 12}}}],
        # The margin of country codes is too narrow for the buttons: put them left of the slider.
        "updatemenus": [{"x": 0, "xanchor": "left", "pad": {"r": 5}}],
        "yaxis": {
            "tickmode": "array",
            "tickvals": list(fig.layout.yaxis.categoryarray),
            "ticktext": [esc(c) for c in codes],
        },
    }


def membership_summary(
    matrix: pd.DataFrame, year: int, countries: pd.DataFrame, *, shown: int | None = None
) -> str:
    """Describe one year's matrix (``nea_edition.data.membership_matrix``) in words.

    For each body: how many countries hold some status, and which of the six Six-Party states.
    """
    names = countries.set_index("iso3")["name"].astype(str).to_dict()
    parts = [f"In {year}, {matrix.shape[1]} of the bodies in the data existed."]
    if shown is not None:
        parts.append(
            f"The chart shows {shown} countries; states that belonged only to the OSCE or NATO"
            f" are left out of its rows (the table lists every membership)."
        )
    for inst in matrix.columns:
        col = matrix[inst].astype(str)
        held = col[col != NOT_A_MEMBER]
        six = [c for c in SIX_PARTY if c in col.index]
        in_six = [c for c in six if col[c] != NOT_A_MEMBER]
        if six and len(in_six) == len(six):
            six_text = "all six Six-Party states"
        elif in_six:
            six_text = "of the Six-Party states only " + ", ".join(names.get(c, c) for c in in_six)
        else:
            six_text = "none of the Six-Party states"
        statuses = ", ".join(f"{n} {st}" for st, n in held.value_counts().items())
        parts.append(f"{inst}: {statuses or 'no one'}; {six_text}.")
    return " ".join(parts)


def memberships_table(memberships: pd.DataFrame, countries: pd.DataFrame) -> pd.DataFrame:
    """The membership spells every year of the matrix is derived from, with country names."""
    names = countries.set_index("iso3")["name"].astype(str).to_dict()
    frame = memberships[["institution", "country", "joined", "left", "status", "source"]].copy()
    frame.insert(2, "country_name", frame["country"].astype(str).map(names))
    return frame.reset_index(drop=True)


# ----------------------------------------------------------------------------------------------
# Figure: overlap of institutions


def overlap_matrix(shared: pd.DataFrame, order: Sequence[str]) -> pd.DataFrame:
    """Square table of shared members from the data layer's long ``shared_members`` output.

    Pairs are made symmetric. The diagonal holds a body's own full members when the long table
    has ``a == b`` rows; ``shared_members`` does not list them, so callers pass ``sizes``
    through ``institution_overlap_figure`` instead.
    """
    mat = pd.DataFrame(pd.NA, index=list(order), columns=list(order), dtype="Int64")
    for r in shared.itertuples(index=False):
        a, b = str(r.institution_a), str(r.institution_b)
        if a in mat.index and b in mat.columns:
            mat.loc[a, b] = int(r.shared)
            mat.loc[b, a] = int(r.shared)
    return mat


def _members_text(members: object) -> str:
    if isinstance(members, str):
        return members
    return ", ".join(str(m) for m in members)  # type: ignore[attr-defined]


def overlap_heatmap(
    shared: pd.DataFrame,
    order: Sequence[str],
    names: dict[str, str],
    sizes: dict[str, int] | None = None,
    *,
    visible: bool = True,
    label: str = "",
    zmax: int | None = None,
) -> go.Heatmap:
    """One heatmap trace: shared full members per pair, the count printed in each cell."""
    mat = overlap_matrix(shared, order)
    for body, size in (sizes or {}).items():
        if body in mat.index:
            mat.loc[body, body] = int(size)
    members: dict[tuple[str, str], str] = {}
    for r in shared.itertuples(index=False):
        text = esc(_members_text(r.members)) or "none"
        members[(str(r.institution_a), str(r.institution_b))] = text
        members[(str(r.institution_b), str(r.institution_a))] = text
    z = [[None if _isna(v) else int(v) for v in mat.loc[a]] for a in order]
    custom = [
        [
            [
                esc(names.get(a, a)),
                esc(names.get(b, b)),
                members.get((a, b), "the body's own full members" if a == b else "—"),
            ]
            for b in order
        ]
        for a in order
    ]
    labels = [esc(i) for i in order]
    return go.Heatmap(
        z=z,
        x=labels,
        y=labels,
        customdata=custom,
        name=esc(label),
        visible=visible,
        colorscale="Cividis",
        zmin=0,
        zmax=zmax,
        texttemplate="%{z}",
        textfont=dict(size=11),
        xgap=1,
        ygap=1,
        hoverongaps=False,
        colorbar=dict(title=dict(text="shared<br>members"), thickness=12),
        hovertemplate=(
            "<b>%{customdata[0]}</b> and <b>%{customdata[1]}</b>: %{z} shared<br>"
            "%{customdata[2]}<extra></extra>"
        ),
    )


def institution_overlap_figure(
    layers: Sequence[tuple[str, pd.DataFrame, dict[str, int]]],
    institutions: pd.DataFrame,
    *,
    order: Sequence[str] | None = None,
) -> go.Figure:
    """Heatmap of the full members each pair of bodies shares, one layer per year.

    ``layers`` is a list of (label, shared_members frame, own-size per body); the first layer
    shows, buttons switch between them. Bodies are grouped Northeast Asia first and Europe's
    OSCE and NATO last (``institution_order``), so the "organization gap" the paper starts from
    is one picture: the European pair overlaps almost completely, the Asian bodies each cut the
    region differently. Colour scale cividis (colour-blind safe); every cell prints its count,
    so colour is never needed to read it. Bodies that did not exist in a layer's year are blank.
    """
    names = institutions.set_index("id")["name"].astype(str).to_dict()
    if order is None:
        seen: set[str] = set()
        for _, shared, sizes in layers:
            seen |= set(shared["institution_a"].astype(str)) | set(sizes)
        order = [i for i in institution_order(institutions) if i in seen]
    # The colour scale stops at the largest overlap between two different bodies, so one big
    # body's own size (on the diagonal) does not wash out every other cell.
    zmax = max(
        [int(v) for _, shared, _ in layers for v in shared["shared"]] + [1],
    )
    traces = [
        overlap_heatmap(shared, order, names, sizes, visible=(k == 0), label=lbl, zmax=zmax)
        for k, (lbl, shared, sizes) in enumerate(layers)
    ]
    fig = go.Figure(data=traces)
    side = label_margin(order, 13)
    top = label_margin(order, 13, angle=COLUMN_LABEL_ANGLE)
    layout = _base_layout(
        height=max(top + 60 + 36 * len(order), 420), margin=dict(l=side, r=30, t=top, b=10)
    )
    if len(layers) > 1:
        layout["updatemenus"] = [
            dict(
                type="buttons",
                direction="right",
                active=0,
                x=0,
                y=0,
                xanchor="left",
                yanchor="top",
                pad=dict(t=8),
                buttons=[
                    dict(
                        label=esc(lbl),
                        method="update",
                        args=[{"visible": [j == k for j in range(len(layers))]}],
                    )
                    for k, (lbl, _, _) in enumerate(layers)
                ],
            )
        ]
        layout["margin"] = dict(l=side, r=30, t=top, b=50)
    fig.update_layout(**layout)
    fig.update_xaxes(
        side="top",
        tickangle=-COLUMN_LABEL_ANGLE,
        automargin=False,
        type="category",
        categoryorder="array",
        categoryarray=[esc(i) for i in order],
        fixedrange=True,
    )
    fig.update_yaxes(
        autorange="reversed",
        automargin=False,
        type="category",
        categoryorder="array",
        categoryarray=[esc(i) for i in order],
        fixedrange=True,
    )
    return fig


def body_sizes(
    over_time: pd.DataFrame, year: int, full: Iterable[str] = ("member", "participant")
) -> dict[str, int]:
    """Full members (members and participants) of each body in ``year``."""
    sel = over_time[(over_time["year"] == year) & over_time["status"].astype(str).isin(set(full))]
    return {str(k): int(v) for k, v in sel.groupby("institution", observed=True).size().items()}


def overlap_summary(
    shared: pd.DataFrame,
    sizes: dict[str, int],
    year: int,
    focus: Sequence[tuple[str, str]] = (("OSCE", "NATO"), ("SPT", "ARF"), ("SPT", "APEC")),
) -> str:
    """The largest overlaps and the pairs the paper contrasts, in words, from the long table."""
    pairs = {
        (str(r.institution_a), str(r.institution_b)): int(r.shared)
        for r in shared.itertuples(index=False)
        if str(r.institution_a) < str(r.institution_b)
    }
    ranked = sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0]))
    parts = [f"In {year}: {len(sizes)} bodies, {len(pairs)} pairs."]
    if ranked:
        top = "; ".join(f"{a} and {b} share {v}" for (a, b), v in ranked[:3])
        parts.append(f"Largest overlaps: {top}.")
        zero = sum(1 for v in pairs.values() if v == 0)
        if zero:
            parts.append(f"{zero} pairs share no full member.")
    for a, b in focus:
        key = (a, b) if (a, b) in pairs else (b, a)
        if key in pairs and a in sizes and b in sizes:
            parts.append(f"{a} ({sizes[a]} full members) and {b} ({sizes[b]}) share {pairs[key]}.")
    return " ".join(parts)


def overlap_table(shared: pd.DataFrame, year: int) -> pd.DataFrame:
    """One row per unordered pair: year, the two bodies, how many they share, and who."""
    frame = shared[shared["institution_a"].astype(str) < shared["institution_b"].astype(str)]
    return pd.DataFrame(
        {
            "year": year,
            "institution_a": frame["institution_a"].astype(str).to_numpy(),
            "institution_b": frame["institution_b"].astype(str).to_numpy(),
            "shared": frame["shared"].astype(int).to_numpy(),
            "members": [_members_text(m) for m in frame["members"]],
        }
    )


# ----------------------------------------------------------------------------------------------
# Figure: the circles of "Global Korea" (the paper's lost Figure 1, rebuilt)

CIRCLES_COLUMNS = (
    "ring",
    "ring_name",
    "order",
    "partner",
    "label",
    "basis",
    "description",
    "source",
    "note",
)
#: Ring fills, light (outer) to darker (inner): a single-hue blue ramp, readable without colour
#: because each ring is also named in the figure.
RING_FILLS = ("#08519c", "#3182bd", "#6baed6", "#bdd7e7", "#eff3ff")


def read_global_korea_circles(data_dir: Path | None = None) -> pd.DataFrame:
    """``data/global_korea_circles.csv``, validated and typed by the one loader.

    Same as ``nea_edition.data.load_tables().global_korea_circles``: ring and order ``Int64``,
    basis categorical, rows sorted by ring and order, columns ``CIRCLES_COLUMNS``.
    """
    from nea_edition.data import load_table

    return load_table("global_korea_circles", data_dir)


def ring_angles(count: int, ring: int) -> list[float]:
    """Angles (degrees) for a ring's entries: spread over the lower half, centred at 270°.

    The upper half holds the ring's name. Each entry's text sits in the middle of its own band,
    so labels of neighbouring rings never overlap; the arc widens with the number of entries.
    """
    if ring == 0 or count == 1:
        return [270.0] * count if ring > 0 else [0.0] * count
    span = min(160.0, 60.0 * (count - 1))
    return [270.0 - span / 2 + span * j / (count - 1) for j in range(count)]


def global_korea_circles(circles: pd.DataFrame) -> go.Figure:
    """Concentric rings of "Global Korea" cooperative networked diplomacy, one ring per ``ring``.

    Ring 0 is the core disc; the entries of each ring are labels spread around its band. Entries
    whose ``basis`` is "inferred" (the edition's reading, not named in the paper) are set in
    italics with an asterisk, so certainty is visible without colour. One scatter trace per
    ring, inner first; the rings themselves are layout shapes.
    """
    frame = circles.sort_values(["ring", "order"]).reset_index(drop=True)
    rings = sorted(frame["ring"].unique())
    n = len(rings)
    fig = go.Figure()
    shapes = []
    annotations = []
    fills = list(RING_FILLS[: max(n, 1)])
    fills += [RING_FILLS[-1]] * (n - len(fills))
    for k, ring in enumerate(reversed(rings)):
        radius = ring + 1
        shapes.append(
            dict(
                type="circle",
                xref="x",
                yref="y",
                x0=-radius,
                y0=-radius,
                x1=radius,
                y1=radius,
                fillcolor=fills[n - 1 - k],
                line=dict(color="#ffffff", width=2),
                layer="below",
            )
        )
    for ring in rings:
        sub = frame[frame["ring"] == ring]
        ring_name = esc(sub["ring_name"].iloc[0])
        radius = ring + 0.5 if ring > 0 else 0.0
        angles = ring_angles(len(sub), ring)
        xs = [radius * math.cos(math.radians(a)) for a in angles]
        ys = [radius * math.sin(math.radians(a)) for a in angles]
        single = ring > 0 and len(sub) == 1
        if single:
            # A ring with one entry: its label goes under the ring's name, at the top.
            xs, ys = [0.0], [ring + 0.3]
        inferred = [str(b).strip().lower() == "inferred" for b in sub["basis"]]
        text_colour = "#ffffff" if ring <= 1 else "#1a1a1a"
        fig.add_trace(
            go.Scatter(
                name=f"{ring}: {ring_name}",
                mode="markers+text",
                x=xs,
                y=ys,
                text=[
                    f"<i>{esc(lbl)}*</i>" if inf else esc(lbl)
                    for lbl, inf in zip(sub["label"], inferred, strict=True)
                ],
                textposition="middle center",
                textfont=dict(color=text_colour, size=11 if single else 12),
                # Invisible markers: the text is the mark; they give hover a target.
                marker=dict(size=18, color="rgba(0,0,0,0)"),
                customdata=[
                    [
                        esc(r["partner"]),
                        ring_name,
                        esc(r["description"]),
                        "the edition's reading, not named in the paper"
                        if inf
                        else "named in the paper",
                        esc(r["source"]),
                    ]
                    for (_, r), inf in zip(sub.iterrows(), inferred, strict=True)
                ],
                hovertemplate=(
                    "<b>%{customdata[0]}</b><br>Ring: %{customdata[1]}<br>"
                    "%{customdata[4]}: %{customdata[3]}<extra></extra>"
                ),
                showlegend=False,
            )
        )
        if ring > 0:
            annotations.append(
                dict(
                    x=0,
                    y=ring + (0.7 if single else 0.5),
                    xref="x",
                    yref="y",
                    text=f"<b>{ring_name}</b>",
                    showarrow=False,
                    font=dict(size=12, color=text_colour),
                )
            )
    outer = max(rings) + 1 if rings else 1
    fig.update_layout(
        **_base_layout(
            height=640,
            shapes=shapes,
            annotations=annotations,
            margin=dict(l=5, r=5, t=5, b=5),
            plot_bgcolor="#ffffff",
        )
    )
    axis = dict(
        range=[-outer - 0.05, outer + 0.05],
        visible=False,
        fixedrange=True,
        zeroline=False,
        showgrid=False,
    )
    fig.update_xaxes(**axis, constrain="domain")
    fig.update_yaxes(**axis, scaleanchor="x", scaleratio=1)
    return fig


def global_korea_summary(circles: pd.DataFrame) -> str:
    """The rings, inside out, in words, with the entries the edition inferred marked."""
    parts = []
    inferred_any = False
    for _, sub in circles.sort_values(["ring", "order"]).groupby("ring", sort=True):
        entries = []
        for _, r in sub.iterrows():
            inferred = str(r["basis"]).strip().lower() == "inferred"
            inferred_any = inferred_any or inferred
            entries.append(f"{r['partner']}" + (" (inferred)" if inferred else ""))
        name = sub["ring_name"].iloc[0]
        listed = ", ".join(entries)
        parts.append(name if len(entries) == 1 and listed == name else f"{name}: {listed}")
    text = f"{len(parts)} rings from the centre outward: " + "; ".join(parts) + "."
    if inferred_any:
        text += " Entries marked inferred are the edition's reading; the paper does not name them."
    return text


# ----------------------------------------------------------------------------------------------
# Entry points for the notebooks (and the Data page): tables in, what the page shows out.
# ``tables`` is ``nea_edition.data.Tables``; typed loosely so these run on test doubles too.


def administrations_chart(tables: object, *, today: pd.Timestamp | str | None = None) -> Chart:
    """Figure: the timeline of administrations with events and acting presidents."""
    adm = tables.administrations  # type: ignore[attr-defined]
    events = tables.events  # type: ignore[attr-defined]
    return Chart(
        name="administrations",
        figure=administrations_timeline(adm, events, tables.acting_presidents, today=today),  # type: ignore[attr-defined]
        label="Timeline of the Republic of Korea's administrations since 1988, with events",
        summary=administrations_summary(adm, events),
        narrow_layout={"font": {"size": 10}, "legend": {"font": {"size": 10}}},
    )


def administrations_tables(tables: object) -> tuple[DataTable, DataTable]:
    """The data behind the timeline: the administrations, and the events marked on it."""
    adm = tables.administrations.drop(columns=["note"], errors="ignore")  # type: ignore[attr-defined]
    adm = adm.assign(term_start=adm["term_start"].map(_date), term_end=adm["term_end"].map(_date))
    events = tables.events[["date", "event", "institution", "source"]]  # type: ignore[attr-defined]
    return (
        DataTable(adm, filename="administrations.csv", title="Data: the administrations"),
        DataTable(events, filename="events.csv", title="Data: the events marked on the timeline"),
    )


def membership_chart(
    tables: object, *, initial_year: int = PAPER_YEAR, start: int = 1989, end: int | None = None
) -> Chart:
    """Figure: the membership matrix with its year slider, opening on ``initial_year``.

    Reusable as is on the Data page: ``glue("…", figures.membership_chart(tables))`` or simply
    leave the returned object as a cell's last expression (it renders as HTML).
    """
    from nea_edition import data

    over_time = data.membership_over_time(tables, start=start, end=end)  # type: ignore[arg-type]
    inst, countries = tables.institutions, tables.countries  # type: ignore[attr-defined]
    rows = matrix_countries(over_time, inst, countries)
    fig = membership_matrix_figure(
        over_time, inst, countries, start=start, end=end, initial_year=initial_year
    )
    matrix = data.membership_matrix(tables, initial_year)  # type: ignore[arg-type]
    return Chart(
        name=f"membership-matrix-{initial_year}",
        figure=fig,
        label=(
            f"Matrix of countries by regional bodies, opening on {initial_year}, with a year slider"
        ),
        summary=membership_summary(matrix, initial_year, countries, shown=len(rows)),
        narrow_layout=matrix_narrow_layout(fig, rows),
    )


def membership_data(tables: object) -> DataTable:
    """The data behind the matrix: every membership spell, with country names."""
    return DataTable(
        memberships_table(tables.memberships, tables.countries),  # type: ignore[attr-defined]
        filename="memberships.csv",
        title="Data: every membership spell the matrix is drawn from",
        note="A country counts in every year from joined to left, both included.",
    )


def overlap_chart(tables: object, years: Sequence[int] = (PAPER_YEAR,)) -> Chart:
    """Figure: shared full members of each pair of bodies, one switchable layer per year."""
    from nea_edition import data

    over_time = data.membership_over_time(tables, start=min(years), end=max(years))  # type: ignore[arg-type]
    layers = []
    for year in years:
        shared = data.shared_members(tables, year)  # type: ignore[arg-type]
        label = f"{year} (the paper)" if year == PAPER_YEAR else f"{year}"
        layers.append((label, shared, body_sizes(over_time, year)))
    _, first_shared, first_sizes = layers[0]
    figure = institution_overlap_figure(layers, tables.institutions)  # type: ignore[attr-defined]
    chart_order = list(figure.layout.xaxis.categoryarray)
    return Chart(
        name="institution-overlap",
        figure=figure,
        label="Heatmap of the full members shared by each pair of regional bodies",
        summary=overlap_summary(first_shared, first_sizes, years[0]),
        narrow_layout={
            "font": {"size": 9},
            "margin": {
                "l": label_margin(chart_order, 9),
                "t": label_margin(chart_order, 9, angle=COLUMN_LABEL_ANGLE),
            },
        },
        narrow_data={"showscale": False, "textfont": {"size": 8}},
    )


def overlap_data(tables: object, years: Sequence[int] = (PAPER_YEAR,)) -> DataTable:
    """The data behind the overlap heatmap: one row per pair of bodies and year."""
    from nea_edition import data

    frames = [overlap_table(data.shared_members(tables, y), y) for y in years]  # type: ignore[arg-type]
    return DataTable(
        pd.concat(frames, ignore_index=True),
        filename="institution_overlap.csv",
        title="Data: shared full members of each pair of bodies",
        note="Members and participants count; observers and partners do not.",
    )


def global_korea_chart(circles: pd.DataFrame) -> Chart:
    """Figure: the circles of Global Korea (the paper's lost Figure 1, rebuilt)."""
    return Chart(
        name="global-korea",
        figure=global_korea_circles(circles),
        label="Concentric rings of Global Korea's cooperative networked diplomacy",
        summary=global_korea_summary(circles),
        narrow_layout={"height": 350, "font": {"size": 10}},
    )


def latest_year(tables: object) -> int:
    """The last year the figures show: the current year (the data run to today)."""
    return pd.Timestamp.now().year
