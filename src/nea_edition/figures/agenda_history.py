"""Figure: the agenda over time, each item's status from the paper's date to the record's.

One row per item of the agenda, numbered A1, A2, ... as on the scorecard, and along it one bar
per stretch of the item's status, from the paper's date (1 December 2009) to the date the
record was checked through. Each status has the scorecard's colour and a pattern of its own
(none, stripes, dashes, crosses, back-stripes, dots), so no status is told by colour alone; the
legend pairs colour, pattern and name, and hovering a stretch names its status, dates, the item
and the events that moved it. ``agenda_history_figure`` and ``agenda_history_summary`` draw and
describe from the plain frames of ``nea_edition.data.history`` so they can be tested alone;
``agenda_history_chart`` and ``agenda_history_data`` are what the page shows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from nea_edition.checks.validation import split_keys
from nea_edition.data import Tables, checked_through, status_changes, status_spells
from nea_edition.data.agenda import PLAIN
from nea_edition.data.history import PAPER_DATE
from nea_edition.figures.agenda import STATUS_COLOURS
from nea_edition.figures.render import (
    PAPER,
    Chart,
    DataTable,
    Summary,
    base_layout,
    esc,
    iso_date,
)

#: A pattern per step of the scale (plotly's bar pattern shapes), drawn over the colour.
STATUS_PATTERNS: dict[str, str] = {
    "realised": "",
    "partly-realised": "/",
    "stalled": "-",
    "not-realised": "x",
    "reversed": "\\",
    "too-early": ".",
}
#: The patterns' ink: black on every colour of the scale, in both modes (a name, so the dark
#: swap, which goes by value, leaves it alone; see ``render``).
PATTERN_INK = "black"
ROW_HEIGHT = 18


def _long_date(value: dt.date | pd.Timestamp) -> str:
    """1 December 2009."""
    when = pd.Timestamp(value)
    return f"{when.day} {when:%B %Y}"


def _and(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _counts_text(statuses: pd.Series, categories: list[str]) -> str:
    """'38 too early to tell and 2 not realised', in the order of the scale."""
    counts = statuses.astype(str).value_counts()
    return _and([f"{int(counts[s])} {PLAIN[s]}" for s in categories if counts.get(s, 0)])


def agenda_history_figure(
    spells: pd.DataFrame,
    *,
    until: dt.date | pd.Timestamp,
    events: Mapping[str, str] | None = None,
) -> go.Figure:
    """One bar per stretch of an item's status (``data.status_spells``), a row per item.

    One trace per status, in the scale's order, so that the legend names each status once;
    rows are in the agenda's order, top to bottom. ``events`` (event id -> "date: what
    happened") gives the hover text of the events that began each stretch.
    """
    events = events or {}
    categories = list(spells["status"].cat.categories)
    numbers = list(dict.fromkeys(spells["number"]))
    start = pd.Timestamp(PAPER_DATE)
    end = pd.Timestamp(until)
    fig = go.Figure()
    for status in categories:
        group = spells[spells["status"].astype(str) == status]
        if group.empty:
            continue
        hover = []
        for row in group.itertuples():
            # no hard line breaks (the tooltip wraps), at most three events
            moved = [
                esc(events.get(event_id, "an event of the record"))
                for event_id in (split_keys(row.evidence) if isinstance(row.evidence, str) else [])
            ]
            if len(moved) > 3:
                moved = [*moved[:3], f"<i>and {len(moved) - 3} more in the table below</i>"]
            until_text = "the record's date" if row.current else iso_date(row.end)
            hover.append(
                f"<b>{row.number} · {esc(PLAIN[status])}</b><br>"
                f"from {iso_date(row.start)} to {until_text}<br>{esc(row.item)}"
                + ("<br><br><i>Moved by:</i><br>" + "<br>".join(moved) if moved else "")
            )
        fig.add_trace(
            go.Bar(
                name=esc(PLAIN[status]),
                orientation="h",
                y=group["number"].tolist(),
                base=[iso_date(s) for s in group["start"]],
                x=[
                    (pd.Timestamp(e) - pd.Timestamp(s)).total_seconds() * 1000
                    for s, e in zip(group["start"], group["end"], strict=True)
                ],
                marker=dict(
                    color=STATUS_COLOURS[status],
                    line=dict(color=PAPER, width=1),
                    pattern=dict(
                        shape=STATUS_PATTERNS[status],
                        fillmode="overlay",
                        fgcolor=PATTERN_INK,
                        size=7,
                        solidity=0.3,
                    ),
                ),
                hovertext=hover,
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    fig.update_layout(
        **base_layout(
            height=110 + ROW_HEIGHT * max(len(numbers), 1),
            barmode="overlay",
            bargap=0.25,
            margin=dict(l=10, r=10, t=40, b=10),
            legend=dict(
                orientation="h",
                yanchor="top",
                y=-0.01,
                x=0,
                title_text="Status: ",
                entrywidth=150,
                entrywidthmode="pixels",
                traceorder="normal",
            ),
            hoverlabel=dict(align="left", font=dict(size=12)),
        )
    )
    fig.update_yaxes(
        type="category",
        categoryorder="array",
        categoryarray=numbers,
        autorange="reversed",
        fixedrange=True,
        showgrid=False,
        tickfont=dict(size=11),
    )
    fig.update_xaxes(
        type="date",
        side="top",
        range=[iso_date(start), iso_date(end)],
        showgrid=True,
        dtick="M24",
        tickformat="%Y",
        fixedrange=True,
    )
    return fig


def agenda_history_summary(
    spells: pd.DataFrame, changes: pd.DataFrame, *, until: dt.date | pd.Timestamp
) -> str:
    """The figure in words: the statuses at the start and at the end, and what moved when."""
    categories = list(spells["status"].cat.categories)
    first = spells.groupby("item_id", sort=False).head(1)
    last = spells[spells["current"]]
    total = len(first)
    moved = changes.groupby("item_id", sort=False).size()
    parts = [
        f"The chart follows the paper's {total} items from {_long_date(PAPER_DATE)}, when the"
        f" paper appeared, to {_long_date(until)}, the date the record was checked through."
        f" At the start, {_counts_text(first['status'], categories)}."
    ]
    items: list[str] = []
    if len(changes):
        several = int((moved > 1).sum())
        parts.append(
            f"{len(moved)} of the {total} items changed status"
            + (f", {several} of them more than once" if several else "")
            + f"; {total - len(moved)} kept the status they had at the start."
        )
        for year, group in changes.groupby(changes["date"].dt.year, sort=True):
            # statuses in words, never their slugs
            listed = ", ".join(
                f"{row.number} to {PLAIN.get(str(row.to), str(row.to))}"
                for row in group.itertuples()
            )
            items.append(f"In {year}: {listed}.")
    else:
        parts.append("No item changed status.")
    items.append(f"At the end, {_counts_text(last['status'], categories)}.")
    return Summary(" ".join(parts), items)


# ----------------------------------------------------------------------------------------------
# Entry points: tables in, what the page shows out


def agenda_history_chart(tables: Tables) -> Chart:
    """Figure: the agenda over time, with its description in words."""
    until = checked_through(tables)
    spells = status_spells(tables, until)
    events = {
        str(row.id): f"{row.date}: {row.event}" for row in tables.events.itertuples(index=False)
    }
    return Chart(
        name="agenda-history",
        figure=agenda_history_figure(spells, until=until, events=events),
        label="The agenda over time: each item's status from December 2009 to"
        f" {_long_date(until)}, one row per item, coloured and patterned by status",
        summary=agenda_history_summary(spells, status_changes(tables), until=until),
        title=f"The paper's agenda over time, December 2009 to {_long_date(until)}",
        source=(
            "the edition's scorecard (data/agenda.csv, data/agenda_history.csv,"
            " data/events.csv), each judgement with its evidence"
        ),
        narrow_layout={
            "font": {"size": 9},
            "legend": {"font": {"size": 10}, "title": {"text": ""}, "entrywidth": 110},
            "xaxis": {"dtick": "M48"},
            "yaxis": {"tickfont": {"size": 9}},
        },
    )


def agenda_history_data(tables: Tables) -> DataTable:
    """The data behind the figure: every row of the history, with the item's number."""
    spells = status_spells(tables)
    frame = pd.DataFrame(
        {
            "number": spells["number"],
            "item": spells["item_id"],
            "date": spells["start"].map(iso_date),
            "status": spells["status"],
            "evidence": spells["evidence"],
            "note": spells["note"],
        }
    )
    return DataTable(
        frame,
        filename="agenda_history.csv",
        title="Data: each item's status over time",
        note="One row per change of status; evidence lists ids of rows in events.csv.",
    )
