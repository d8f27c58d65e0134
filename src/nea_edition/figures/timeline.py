"""Figure: the Republic of Korea's administrations since 1988, on one timeline.

One bar a presidency, coloured by the regional frame the paper ascribes to it, with acting
presidents and the dated events of ``data/events.csv`` on rows of their own; the governments the
paper covers are outlined and set on a shaded band. ``administrations_chart`` and
``administrations_tables`` are what the notebook page shows; ``administrations_timeline`` and
``administrations_summary`` draw and describe, from plain frames, so they can be tested alone.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
import plotly.graph_objects as go

from nea_edition import clock
from nea_edition.data import Tables, is_missing
from nea_edition.figures.render import (
    BAND,
    GREY,
    INK,
    LIGHT_GREY,
    OKABE_ITO,
    ON_MARK,
    PAPER,
    RULE,
    BodyNames,
    Chart,
    DataTable,
    Summary,
    base_layout,
    esc,
    iso_date,
)

#: Regional frames the paper ascribes to governments, each with a palette colour. Frames that
#: appear in the data but not here get the remaining palette colours in order of appearance.
FRAME_COLOURS: dict[str, str] = {
    "Asia-Pacific": OKABE_ITO["blue"],
    "East Asia": OKABE_ITO["orange"],
    "Northeast Asia": OKABE_ITO["bluish green"],
    "pan-Pacific": OKABE_ITO["reddish purple"],
}
NO_FRAME = "no regional frame given (outside the paper)"

#: When the paper appeared (December 2009), marked on the timeline.
PAPER_DATE = "2009-12-01"


def _frame_colours(frames: Iterable[str]) -> dict[str, str]:
    """``FRAME_COLOURS``, plus spare palette colours for frames it does not name."""
    spare = [c for c in OKABE_ITO.values() if c not in FRAME_COLOURS.values()]
    colours = dict(FRAME_COLOURS)
    for frame in frames:
        if frame not in colours:
            colours[frame] = spare.pop(0) if spare else GREY
    return colours


#: Key events closer than this share of the timeline's span go on separate lanes, so their
#: numbered markers never overlap, even on a phone.
KEY_EVENT_MIN_GAP_YEARS = 1.6
#: The same on a phone, where a year is about 6 px wide and a numbered circle 22 px.
NARROW_KEY_EVENT_MIN_GAP_YEARS = 4.5


def key_events(events: pd.DataFrame) -> pd.DataFrame:
    """The events with a ``label`` (the key events), in date order, numbered from 1."""
    if "label" not in events:
        return events.iloc[0:0].assign(key_number=[])
    labelled = events[events["label"].fillna("").astype(str).str.strip() != ""]
    if "_when" in labelled:
        labelled = labelled.sort_values("_when", kind="stable")
    labelled = labelled.reset_index(drop=True)
    return labelled.assign(key_number=range(1, len(labelled) + 1))


def key_event_lanes(
    dates: list[pd.Timestamp], min_gap_years: float = KEY_EVENT_MIN_GAP_YEARS
) -> list[int]:
    """A lane (0, 1, ...) for each date, in order: the first lane whose last marker is far off."""
    last: list[pd.Timestamp] = []
    lanes = []
    gap = pd.Timedelta(days=365.25 * min_gap_years)
    for when in dates:
        lane = next((i for i, prev in enumerate(last) if when - prev >= gap), len(last))
        if lane == len(last):
            last.append(when)
        else:
            last[lane] = when
        lanes.append(lane)
    return lanes


def administrations_timeline(
    administrations: pd.DataFrame,
    events: pd.DataFrame | None = None,
    acting_presidents: pd.DataFrame | None = None,
    *,
    today: pd.Timestamp | str | None = None,
    bodies: BodyNames | None = None,
    min_gap_years: float = KEY_EVENT_MIN_GAP_YEARS,
) -> go.Figure:
    """Timeline of the Republic of Korea's administrations: one bar a presidency.

    Bars are coloured by ``regional_frame``; the governments the paper covers
    (``covered_by_paper``) have a dark outline and bold names, the others a hatched grey, so the
    distinction never rests on colour. The incumbent's bar runs to ``today``. Events are
    diamonds on their own row, acting presidents thin bars on another; hover gives dates and the
    policy banner, and an event's body by its full name (``bodies``, from institutions.csv).
    Traces: one bar trace per frame (plus one for no frame), then the acting presidents, the
    events.
    """
    bodies = bodies or BodyNames({}, {})

    def body_text(body: object) -> str:
        return "" if body is None or is_missing(body) else bodies.hover(str(body))

    today_ts = pd.Timestamp(today if today is not None else clock.today())
    adm = administrations.sort_values("term_start").reset_index(drop=True)
    names = [esc(p) for p in adm["president"]]
    covered = adm["covered_by_paper"].fillna(False).astype(bool).tolist()
    frames = [
        None if is_missing(f) or str(f).strip() == "" else str(f) for f in adm["regional_frame"]
    ]
    colours = _frame_colours(f for f in frames if f)
    rows_events = "All events"
    rows_key = "Key events"
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
            adm.loc[i, "term_end"] if not is_missing(adm.loc[i, "term_end"]) else today_ts
            for i in idx
        ]
        duration = [
            (pd.Timestamp(e) - pd.Timestamp(s)).total_seconds() * 1000
            for s, e in zip(start, end, strict=True)
        ]
        custom = [
            [
                names[i],
                esc(adm.loc[i, "president_hangul"]) if "president_hangul" in adm else "",
                iso_date(adm.loc[i, "term_start"]),
                iso_date(adm.loc[i, "term_end"]) or "in office",
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
                base=[iso_date(s) for s in start],
                customdata=custom,
                marker=dict(
                    color=colours.get(key, LIGHT_GREY) if is_framed else LIGHT_GREY,
                    line=dict(
                        color=[INK if covered[i] else GREY for i in idx],
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
        ends = [pd.Timestamp(e) if not is_missing(e) else today_ts for e in act["end"]]
        fig.add_trace(
            go.Bar(
                name="acting president",
                orientation="h",
                y=[rows_acting] * len(act),
                x=[(e - s).total_seconds() * 1000 for s, e in zip(starts, ends, strict=True)],
                base=[iso_date(s) for s in starts],
                width=0.5,
                customdata=[
                    [
                        esc(r["name"]),
                        iso_date(r["start"]),
                        iso_date(r["end"]),
                        esc(r.get("reason", "")),
                    ]
                    for _, r in act.iterrows()
                ],
                marker=dict(color=OKABE_ITO["vermillion"], line=dict(color=INK, width=1)),
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
        ev = ev.sort_values("_when", kind="stable").reset_index(drop=True)
        key = key_events(ev)
        lanes = key_event_lanes(key["_when"].tolist(), min_gap_years)
        lane_names = [rows_key if lane == 0 else f"{rows_key} ({lane + 1})" for lane in lanes]
        if len(key):
            fig.add_trace(
                go.Scatter(
                    name="key event (numbered; list below the chart)",
                    mode="markers+text",
                    y=lane_names,
                    x=[iso_date(w) for w in key["_when"]],
                    text=[str(n) for n in key["key_number"]],
                    textposition="middle center",
                    textfont=dict(size=12, color=ON_MARK),
                    marker=dict(symbol="circle", size=22, color=OKABE_ITO["blue"]),
                    customdata=[
                        [str(r["key_number"]), esc(r["label"]), esc(r["date"]), esc(r["event"])]
                        for _, r in key.iterrows()
                    ],
                    hovertemplate=(
                        "<b>%{customdata[0]}. %{customdata[1]}</b> (%{customdata[2]})<br>"
                        "%{customdata[3]}<extra></extra>"
                    ),
                )
            )
            categories.extend(sorted(set(lane_names), key=lane_names.index))
        fig.add_trace(
            go.Scatter(
                name="other event (the events table)",
                mode="markers",
                y=[rows_events] * len(ev),
                x=[iso_date(w) for w in ev["_when"]],
                marker=dict(
                    symbol="diamond",
                    size=9,
                    color=OKABE_ITO["black"],
                    line=dict(color=PAPER, width=1),
                    opacity=0.6,
                ),
                customdata=[
                    [esc(r["date"]), esc(r["event"]), body_text(r.get("institution"))]
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
        band_end = today_ts if is_missing(band_end) else band_end
        shapes.append(
            dict(
                type="rect",
                xref="x",
                yref="paper",
                x0=iso_date(adm.loc[first, "term_start"]),
                x1=iso_date(band_end),
                y0=0,
                y1=1,
                fillcolor=BAND,
                line=dict(width=0),
                layer="below",
            )
        )
        annotations.append(
            dict(
                x=iso_date(adm.loc[first, "term_start"]),
                y=1,
                xref="x",
                yref="paper",
                xanchor="left",
                yanchor="bottom",
                text="governments the paper covers",
                showarrow=False,
                font=dict(size=12),
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
            line=dict(color=RULE, width=1, dash="dot"),
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
            font=dict(size=12),
        )
    )
    tick_text = [
        f"<b>{n}</b>" if i < len(covered) and covered[i] else n for i, n in enumerate(categories)
    ]
    # the key events' extra lanes carry no label of their own: they continue the row above
    tick_text = [
        "" if n.startswith(f"{rows_key} (") else t
        for n, t in zip(categories, tick_text, strict=True)
    ]
    start_year = pd.Timestamp(adm["term_start"].min()).year
    fig.update_layout(
        **base_layout(
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
        # room for the first key event's circle (1988) at the left
        range=[f"{start_year - 1}-07-01", iso_date(today_ts + pd.Timedelta(days=200))],
        showgrid=True,
        automargin=True,
        dtick="M60",
        tickformat="%Y",
    )
    return fig


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def administrations_summary(administrations: pd.DataFrame, events: pd.DataFrame | None) -> str:
    """A few sentences describing the timeline, computed from the data."""
    adm = administrations.sort_values("term_start")
    parts = []
    items: list[str] = []
    n = len(adm)
    first, last = adm.iloc[0], adm.iloc[-1]
    parts.append(
        f"The timeline shows {n} presidencies, from {first['president']}'s, which began on "
        f"{iso_date(first['term_start'])}, to "
        + (
            f"{last['president']}'s, in office since {iso_date(last['term_start'])}."
            if is_missing(last["term_end"])
            else f"{last['president']}'s, which ended on {iso_date(last['term_end'])}."
        )
    )
    cov = adm[adm["covered_by_paper"].fillna(False).astype(bool)]
    if len(cov):
        covered = [
            f"{r['regional_frame'] if not is_missing(r['regional_frame']) else 'no frame'} to"
            f" {r['president']} ({iso_date(r['term_start'])[:4]} to"
            f" {iso_date(r['term_end'])[:4] or 'today'})"
            for _, r in cov.iterrows()
        ]
        parts.append(
            f"The paper covers {len(cov)} of these governments and ascribes a regional frame to"
            f" each: {_and(covered)}."
        )
    removed = adm[adm["end_reason"].astype(str).str.contains("removed", na=False)]
    if len(removed):
        who = [f"{r['president']} on {iso_date(r['term_end'])}" for _, r in removed.iterrows()]
        was = "was" if len(who) == 1 else "were"
        parts.append(f"Removed from office {was} {_and(who)}.")
    if events is not None and len(events):
        ev = events.copy()
        if "date_start" in ev:
            ev["_when"] = pd.to_datetime(ev["date_start"])
        key = key_events(ev)
        parts.append(f"The bottom row marks {len(events)} dated events.")
        if len(key):
            parts.append(f"The {len(key)} key events, numbered on their own row, are:")
            items = [f"{r['key_number']}. {r['date']}: {r['label']}." for _, r in key.iterrows()]
    return Summary(parts, items)


# ----------------------------------------------------------------------------------------------
# Entry points: tables in, what the page shows out


def administrations_chart(tables: Tables, *, today: pd.Timestamp | str | None = None) -> Chart:
    """Figure: the timeline of administrations with events and acting presidents."""
    adm, events = tables.administrations, tables.events

    def timeline(gap: float) -> go.Figure:
        return administrations_timeline(
            adm,
            events,
            tables.acting_presidents,
            today=today,
            bodies=BodyNames.of(tables.institutions),
            min_gap_years=gap,
        )

    figure = timeline(KEY_EVENT_MIN_GAP_YEARS)
    # On a phone the years are squeezed: numbered circles closer than this share a lane and
    # merge ("1112"). The narrow figure's lanes replace the wide one's.
    narrow = timeline(NARROW_KEY_EVENT_MIN_GAP_YEARS)
    keys = [i for i, t in enumerate(figure.data) if str(t.name).startswith("key event")]
    yaxis = narrow.layout.yaxis
    # on a phone (a year is about 5 px) the first and last circles and
    # diamonds were clipped at the plot's edges, and the notes ran past the chart's right edge:
    # three years of room each side, the paper's line labelled to its left, the band's note
    # shortened. Annotations merge by position (nea-charts.js), so each keeps its place.
    start = pd.Timestamp(adm["term_start"].min())
    end = pd.Timestamp(today if today is not None else clock.today())
    notes = {
        "paper, Dec. 2009": {"xanchor": "right"},
        "governments the paper covers": {"text": "covered by the paper"},
    }
    narrow_notes = [notes.get(a.text, {}) for a in figure.layout.annotations]
    return Chart(
        name="administrations",
        figure=figure,
        label="Timeline of the Republic of Korea's administrations since 1988, with events",
        summary=administrations_summary(adm, events),
        narrow_layout={
            "height": narrow.layout.height,
            "font": {"size": 12},
            "legend": {"font": {"size": 12}},
            "yaxis": {
                "categoryarray": list(yaxis.categoryarray),
                "tickvals": list(yaxis.tickvals),
                "ticktext": list(yaxis.ticktext),
            },
            "xaxis": {
                "dtick": "M120",
                "range": [
                    iso_date(start - pd.DateOffset(years=3)),
                    iso_date(end + pd.DateOffset(years=3)),
                ],
            },
            "annotations": narrow_notes,
        },
        narrow_traces={i: {"y": list(narrow.data[i].y)} for i in keys},
        title="South Korea's administrations since 1988, with the edition's dated events",
        source=(
            "the edition's data on administrations, acting presidents and events"
            " (data/administrations.csv, data/acting_presidents.csv, data/events.csv), each row"
            " with its own source; regional frames from Kim (2009)"
        ),
    )


def administrations_tables(tables: Tables) -> tuple[DataTable, DataTable]:
    """The data behind the timeline: the administrations, and the events marked on it."""
    adm = tables.administrations.drop(columns=["note"], errors="ignore")
    adm = adm.assign(
        term_start=adm["term_start"].map(iso_date), term_end=adm["term_end"].map(iso_date)
    )
    events = BodyNames.of(tables.institutions).relabel(
        tables.events[["id", "date", "event", "label", "institution", "source"]], "institution"
    )
    return (
        DataTable(adm, filename="administrations.csv", title="Data: the administrations"),
        DataTable(events, filename="events.csv", title="Data: the events marked on the timeline"),
    )
