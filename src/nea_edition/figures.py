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

    def _repr_html_(self) -> str:
        return chart_html(
            self.figure,
            name=self.name,
            label=self.label,
            summary=self.summary,
            narrow_layout=self.narrow_layout,
        )


def chart_html(
    fig: go.Figure,
    *,
    name: str,
    label: str,
    summary: str,
    narrow_layout: dict | None = None,
) -> str:
    """HTML for one chart: a placeholder div, the figure as JSON, and a text description.

    ``label`` becomes the chart's ``aria-label``; ``summary`` is a visible paragraph (computed
    from the data, so it stays true when the data change) that the chart points to with
    ``aria-describedby`` for screen-reader users. ``narrow_layout`` is merged into the layout on
    screens narrower than 600 px (smaller margins and fonts), by ``static/nea-charts.js``.
    """
    slug = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")
    spec = json.loads(figure_json(fig))
    spec["config"] = PLOT_CONFIG
    if narrow_layout:
        spec["narrowLayout"] = narrow_layout
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
    frames = [
        None if _isna(f) or str(f).strip() == "" else str(f) for f in adm["regional_frame"]
    ]
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
        duration = [(pd.Timestamp(e) - pd.Timestamp(s)).total_seconds() * 1000 for s, e in zip(start, end, strict=True)]
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
                    "<b>%{customdata[0]}</b><br>%{customdata[1]}<br>"
                    "%{customdata[2]}<extra></extra>"
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
            f"{r['president']} ({_date(r['term_start'])[:4]}–{_date(r['term_end'])[:4]}):"
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
# Figure: membership matrix with a year slider

#: How each status is drawn: colour, marker symbol and a short text, so colour is never alone.
STATUS_STYLE: dict[str, tuple[str, str, str]] = {
    "member": (OKABE_ITO["blue"], "square", "member"),
    "observer": (OKABE_ITO["orange"], "diamond", "observer"),
    "partner": (OKABE_ITO["bluish green"], "triangle-up", "partner"),
    "not a member": (GREY, "circle-open", "not a member"),
}
_SPARE_STYLES = [
    (OKABE_ITO["reddish purple"], "star"),
    (OKABE_ITO["vermillion"], "cross"),
    (OKABE_ITO["sky blue"], "hexagon"),
    (OKABE_ITO["yellow"], "pentagon"),
]


def status_styles(statuses: Iterable[str]) -> dict[str, tuple[str, str, str]]:
    """Style for every status in the data; statuses not in ``STATUS_STYLE`` get spare ones."""
    styles = dict(STATUS_STYLE)
    spare = list(_SPARE_STYLES)
    for status in statuses:
        if status not in styles:
            colour, symbol = spare.pop(0) if spare else (GREY, "x")
            styles[status] = (colour, symbol, status)
    return styles


def country_order(countries: pd.DataFrame, iso3: Iterable[str] | None = None) -> list[str]:
    """Six-Party states first (in ``SIX_PARTY`` order), then the rest by subregion and name."""
    frame = countries if iso3 is None else countries[countries["iso3"].isin(list(iso3))]
    six = [c for c in SIX_PARTY if c in set(frame["iso3"])]
    rest = frame[~frame["iso3"].isin(six)].copy()
    sort_cols = [c for c in ("subregion", "name") if c in rest]
    rest = rest.sort_values(sort_cols, na_position="last") if sort_cols else rest
    return six + rest["iso3"].tolist()


def institution_order(institutions: pd.DataFrame) -> list[str]:
    """Institutions by founding year, then id, so columns keep their place as years pass."""
    frame = institutions.copy()
    frame["_y"] = frame["founded_year"].astype("Float64")
    return frame.sort_values(["_y", "id"], na_position="last")["id"].tolist()


def _exists(inst: pd.Series, year: int) -> bool:
    founded, ended = inst.get("founded_year"), inst.get("ended_year")
    if not _isna(founded) and int(founded) > year:
        return False
    return _isna(ended) or int(ended) >= year


def membership_grid(
    over_time: pd.DataFrame,
    institutions: pd.DataFrame,
    countries: Sequence[str],
    years: Iterable[int],
) -> pd.DataFrame:
    """Every (year, country, institution) cell: status, or "not a member".

    Only institutions that exist in a year get cells that year. ``over_time`` is the data layer's
    ``membership_over_time`` (year, institution, country, status); rows it lacks are "not a member".
    """
    inst = institutions.set_index("id")
    known = {
        (int(r.year), r.institution, r.country): r.status
        for r in over_time.itertuples(index=False)
    }
    rows = []
    for year in years:
        for iid in inst.index:
            if not _exists(inst.loc[iid], year):
                continue
            for iso in countries:
                rows.append((year, iso, iid, known.get((year, iid, iso), "not a member")))
    return pd.DataFrame(rows, columns=["year", "country", "institution", "status"])


def membership_matrix_figure(
    over_time: pd.DataFrame,
    institutions: pd.DataFrame,
    countries: pd.DataFrame,
    *,
    start: int = 1989,
    end: int | None = None,
    initial_year: int = PAPER_YEAR,
    country_ids: Iterable[str] | None = None,
) -> go.Figure:
    """Countries (rows, Six-Party states first) by institutions (columns) for one year.

    A slider and a play button step through ``start``..``end``; the chart opens on
    ``initial_year``. One scatter trace per status (colour + symbol), identical across frames, so
    the legend is stable. Columns of institutions that did not exist that year stay empty.
    """
    end = end or int(over_time["year"].max() if len(over_time) else pd.Timestamp.now().year)
    years = list(range(start, end + 1))
    if initial_year not in years:
        initial_year = years[-1]
    iso_order = country_order(countries, country_ids)
    names = countries.set_index("iso3")["name"].to_dict()
    inst_order = institution_order(institutions)
    inst_names = institutions.set_index("id")["name"].to_dict()
    grid = membership_grid(over_time, institutions.set_index("id").loc[inst_order].reset_index(), iso_order, years)
    styles = status_styles(grid["status"].unique())
    present = [s for s in styles if s in set(grid["status"])]
    statuses = [s for s in STATUS_STYLE if s in present] + [
        s for s in present if s not in STATUS_STYLE
    ]
    row_labels = {iso: f"{esc(names.get(iso, iso))} ({esc(iso)})" for iso in iso_order}

    def traces_for(year: int) -> list[go.Scatter]:
        cells = grid[grid["year"] == year]
        out = []
        for status in statuses:
            colour, symbol, text = styles[status]
            sel = cells[cells["status"] == status]
            out.append(
                go.Scatter(
                    name=esc(text),
                    mode="markers",
                    x=[esc(i) for i in sel["institution"]],
                    y=[row_labels[c] for c in sel["country"]],
                    marker=dict(
                        symbol=symbol,
                        color=colour,
                        size=13 if status != "not a member" else 9,
                        line=dict(color="#333" if status != "not a member" else colour, width=1),
                    ),
                    customdata=[
                        [esc(inst_names.get(i, i)), esc(names.get(c, c)), esc(status), year]
                        for i, c in zip(sel["institution"], sel["country"], strict=True)
                    ],
                    hovertemplate=(
                        "%{customdata[1]}<br>%{customdata[0]}<br>"
                        "<b>%{customdata[2]}</b> in %{customdata[3]}<extra></extra>"
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
                dict(mode="immediate", frame=dict(duration=0, redraw=True), transition=dict(duration=0)),
            ],
        )
        for y in years
    ]
    fig.update_layout(
        **_base_layout(
            height=170 + 24 * len(iso_order),
            margin=dict(l=10, r=10, t=70, b=10),
            legend=dict(orientation="h", x=0, y=1.02, yanchor="bottom", title=None),
            sliders=[
                dict(
                    active=years.index(initial_year),
                    currentvalue=dict(prefix="Year: ", font=dict(size=14)),
                    pad=dict(t=40, b=10),
                    steps=steps,
                    len=0.85,
                    x=0.15,
                )
            ],
            updatemenus=[
                dict(
                    type="buttons",
                    direction="left",
                    showactive=False,
                    x=0,
                    y=0,
                    xanchor="left",
                    yanchor="top",
                    pad=dict(t=50, r=10),
                    buttons=[
                        dict(
                            label="▶ Play",
                            method="animate",
                            args=[
                                None,
                                dict(
                                    frame=dict(duration=500, redraw=True),
                                    transition=dict(duration=0),
                                    fromcurrent=True,
                                    mode="immediate",
                                ),
                            ],
                        ),
                        dict(
                            label="❚❚ Pause",
                            method="animate",
                            args=[
                                [None],
                                dict(
                                    frame=dict(duration=0, redraw=False),
                                    transition=dict(duration=0),
                                    mode="immediate",
                                ),
                            ],
                        ),
                    ],
                )
            ],
        )
    )
    fig.update_xaxes(
        type="category",
        categoryorder="array",
        categoryarray=[esc(i) for i in inst_order],
        side="top",
        tickangle=-45,
        showgrid=True,
        gridcolor="#eeeeee",
        automargin=True,
        fixedrange=True,
    )
    fig.update_yaxes(
        type="category",
        categoryorder="array",
        categoryarray=[row_labels[c] for c in iso_order],
        autorange="reversed",
        showgrid=True,
        gridcolor="#eeeeee",
        automargin=True,
        fixedrange=True,
    )
    return fig


def membership_summary(matrix: pd.DataFrame, year: int, countries: pd.DataFrame) -> str:
    """Describe one year's matrix (the data layer's ``membership_matrix``) in words."""
    names = countries.set_index("iso3")["name"].to_dict()
    parts = [
        f"In {year}, {matrix.shape[1]} of the bodies in the data existed; "
        f"the matrix has {matrix.shape[0]} countries."
    ]
    for inst in matrix.columns:
        col = matrix[inst]
        six = [c for c in SIX_PARTY if c in col.index]
        in_six = [c for c in six if col[c] != "not a member"]
        members = int((col != "not a member").sum())
        if six and len(in_six) == len(six):
            six_text = "all six Six-Party states"
        elif in_six:
            six_text = "of the Six-Party states " + ", ".join(names.get(c, c) for c in in_six)
        else:
            six_text = "none of the Six-Party states"
        parts.append(f"{inst}: {members} with some status, {six_text}.")
    return " ".join(parts)


# ----------------------------------------------------------------------------------------------
# Figure: overlap of institutions


def overlap_matrix(shared: pd.DataFrame, order: Sequence[str]) -> pd.DataFrame:
    """Square table of shared members from the data layer's long ``shared_members`` output.

    Pairs are made symmetric; the diagonal is each body's own member count when the long table
    has ``a == b`` rows, else the largest overlap it has (a lower bound) is not guessed: left NA.
    """
    mat = pd.DataFrame(pd.NA, index=list(order), columns=list(order), dtype="Int64")
    for r in shared.itertuples(index=False):
        a, b = r.institution_a, r.institution_b
        if a in mat.index and b in mat.columns:
            mat.loc[a, b] = int(r.shared)
            mat.loc[b, a] = int(r.shared)
    return mat


def institution_overlap_figure(
    shared: pd.DataFrame,
    institutions: pd.DataFrame,
    *,
    order: Sequence[str] | None = None,
    title_year: int | None = None,
) -> go.Figure:
    """Heatmap: for each pair of bodies, how many members they share (number in each cell).

    ``order`` puts Northeast Asia's bodies first and Europe's OSCE and NATO last, so the
    contrast the paper draws sits in one picture. Colour scale: cividis (colour-blind safe);
    every cell also prints its count, so colour is never needed to read it.
    """
    if order is None:
        order = institution_order(institutions)
    order = [i for i in order if i in set(shared["institution_a"]) | set(shared["institution_b"])]
    mat = overlap_matrix(shared, order)
    members = {}
    for r in shared.itertuples(index=False):
        text = esc(r.members) if isinstance(r.members, str) else esc(", ".join(r.members))
        members[(r.institution_a, r.institution_b)] = text
        members[(r.institution_b, r.institution_a)] = text
    names = institutions.set_index("id")["name"].to_dict()
    z = [[None if _isna(v) else int(v) for v in mat.loc[a]] for a in order]
    custom = [
        [[esc(names.get(a, a)), esc(names.get(b, b)), members.get((a, b), "")] for b in order]
        for a in order
    ]
    labels = [esc(i) for i in order]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=labels,
            y=labels,
            customdata=custom,
            colorscale="Cividis",
            texttemplate="%{z}",
            textfont=dict(size=11),
            xgap=1,
            ygap=1,
            colorbar=dict(title=dict(text="shared<br>members"), thickness=12),
            hovertemplate=(
                "<b>%{customdata[0]}</b> and <b>%{customdata[1]}</b><br>"
                "%{z} shared members<br>%{customdata[2]}<extra></extra>"
            ),
        )
    )
    size = 160 + 34 * len(order)
    fig.update_layout(**_base_layout(height=max(size, 420), margin=dict(l=10, r=10, t=30, b=10)))
    fig.update_xaxes(side="top", tickangle=-45, automargin=True, type="category")
    fig.update_yaxes(autorange="reversed", automargin=True, type="category")
    if title_year:
        fig.update_layout(title=dict(text=f"Shared members, {title_year}", x=0, font=dict(size=13)))
    return fig


def overlap_summary(mat: pd.DataFrame, focus: Sequence[str] = ("SPT", "ARF", "OSCE", "NATO")) -> str:
    """Describe the largest overlaps and the pairs the paper contrasts, from the square table."""
    pairs = []
    ids = list(mat.index)
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            v = mat.loc[a, b]
            if not _isna(v):
                pairs.append((int(v), a, b))
    pairs.sort(reverse=True)
    parts = [f"{len(ids)} bodies, {len(pairs)} pairs."]
    if pairs:
        top = ", ".join(f"{a} and {b} ({v})" for v, a, b in pairs[:3])
        parts.append(f"Largest overlaps: {top}.")
        zero = [f"{a} and {b}" for v, a, b in pairs if v == 0]
        if zero:
            parts.append(f"{len(zero)} pairs share no member.")
    present = [f for f in focus if f in ids]
    for i, a in enumerate(present):
        for b in present[i + 1 :]:
            v = mat.loc[a, b]
            if not _isna(v):
                parts.append(f"{a} and {b} share {int(v)}.")
    return " ".join(parts)


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
    """Read ``data/global_korea_circles.csv`` (until the data layer loads it with the rest)."""
    if data_dir is None:
        from nea_edition.paths import repo_root

        data_dir = repo_root() / "data"
    frame = pd.read_csv(
        Path(data_dir) / "global_korea_circles.csv",
        dtype={"ring": "int64", "order": "int64"},
        keep_default_na=False,
        na_values=[""],
    )
    missing = [c for c in CIRCLES_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"global_korea_circles.csv lacks columns {missing}")
    return frame.sort_values(["ring", "order"]).reset_index(drop=True)


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
    for ring, sub in circles.sort_values(["ring", "order"]).groupby("ring", sort=True):
        entries = ", ".join(
            f"{r['partner']}" + (" (the edition's reading)" if r["basis"] == "inferred" else "")
            for _, r in sub.iterrows()
        )
        name = sub["ring_name"].iloc[0]
        parts.append(f"ring {ring}, {name}: {entries}")
    return (
        f"{circles['ring'].nunique()} rings from the centre outward. " + "; ".join(parts) + "."
    )
