"""Figure: the agenda scorecard, every item of the paper's agenda marked by what became of it.

One column per section of the paper, one mark per item, stacked from the best outcome to the
worst so that each column reads as a small bar of outcomes; each outcome has its own colour
and shape (``STATUS_SYMBOLS``), so none rests on colour alone. The mark carries the item's
number (A1, A2, ...), which the list on the afterword page and the data table share.
Hovering over or tapping a mark shows the item, its outcome, the assessment and the events it
rests on; on a phone the same text is in the list below the chart, so nothing depends on hover.
"""

from __future__ import annotations

import textwrap

import pandas as pd
import plotly.graph_objects as go

from nea_edition.data import (
    Tables,
    agenda_evidence,
    agenda_items,
    disagreements,
    outcomes_by,
    status_counts,
)
from nea_edition.data.agenda import PLAIN, section_names
from nea_edition.figures.render import (
    GREY,
    OKABE_ITO,
    Chart,
    DataTable,
    ReaderTable,
    Summary,
    base_layout,
    esc,
)

#: One colour per step of the scale, colour-blind safe (Okabe & Ito), light to dark outcomes.
STATUS_COLOURS: dict[str, str] = {
    "realised": OKABE_ITO["bluish green"],
    "partly-realised": OKABE_ITO["sky blue"],
    "stalled": OKABE_ITO["orange"],
    "not-realised": OKABE_ITO["vermillion"],
    "reversed": OKABE_ITO["reddish purple"],
    "too-early": GREY,
}
#: a shape per outcome as well as a colour, so outcome is never told by
#: colour alone; the legend shows each shape with its outcome. Each size leaves room for the
#: item's number inside the shape (a triangle's middle is narrower than a square's) and keeps
#: it within its row (a wide diamond, as a tall one would touch its neighbours).
STATUS_SYMBOLS: dict[str, tuple[str, int]] = {
    "realised": ("square", 30),
    "partly-realised": ("circle", 32),
    "stalled": ("diamond-wide", 36),
    "not-realised": ("triangle-down", 38),
    "reversed": ("triangle-up", 38),
    "too-early": ("hexagon", 34),
}
#: The same shapes on a phone, where the number is set at 9 px (``agenda_chart``).
NARROW_SYMBOL_SIZES: dict[str, int] = {
    "realised": 24,
    "partly-realised": 26,
    "stalled": 30,
    "not-realised": 32,
    "reversed": 32,
    "too-early": 27,
}
#: Text on the squares: black reads on every fill of the palette (contrast 5:1 or more). Spelled
#: as a name, so the dark-mode swap (``render.DARK``, by value) leaves it black on the squares;
#: their white outlines, by contrast, become the dark page colour, as the gaps should.
SQUARE_TEXT = "black"
ROW_HEIGHT = 34


def scorecard_positions(items: pd.DataFrame) -> pd.DataFrame:
    """Each item's column (its section) and row (its place among the section's, best first)."""
    order = {status: i for i, status in enumerate(items["status"].cat.categories)}
    placed = items.assign(
        _rank=items["status"].astype(str).map(order),
        _index=items["number"].str.slice(1).astype(int),
    )
    placed = placed.sort_values(["section_number", "_rank", "_index"], kind="stable")
    placed["row"] = placed.groupby("section_number").cumcount()
    return placed.drop(columns=["_rank", "_index"])


def _first_three(lines: list[str]) -> str:
    """Lines joined for a tooltip: the first three, then how many more the table holds."""
    shown = lines[:3]
    if len(lines) > 3:
        shown.append(f"<i>and {len(lines) - 3} more in the table below</i>")
    return "<br>".join(shown)


def agenda_scorecard(tables: Tables) -> go.Figure:
    """The scorecard figure: one trace per outcome, so the legend names and counts the scale."""
    items = scorecard_positions(agenda_items(tables))
    evidence = agenda_evidence(tables)
    # The tooltip (an HTML box in the browser) wraps the text itself; at most three pieces of
    # evidence, so that it fits a phone's screen, the rest in the table.
    lines = {
        number: _first_three(
            [f"{esc(row.date)} {esc(row.what_happened)}" for row in group.itertuples()]
        )
        for number, group in evidence.groupby("number", sort=False)
    }
    counts = status_counts(tables)
    # Section names wrapped to a column's width in the content area (about 130 px each).
    sections = section_names(tables)
    columns = [f"{n}.<br>" + "<br>".join(textwrap.wrap(name, 13)) for n, name in sections.items()]
    tallest = int(items["row"].max()) + 1 if len(items) else 1
    fig = go.Figure()
    for status in items["status"].cat.categories:
        group = items[items["status"] == status]
        hover = [
            f"<b>{row.number} · {esc(PLAIN[status])}</b> ({esc(row.kind)}, as of"
            f" {row.as_of:%Y-%m-%d})<br>{esc(row.item)}<br><br><i>Assessment:</i>"
            f" {esc(row.assessment)}<br><br><i>Evidence:</i><br>{lines.get(row.number, '')}"
            for row in group.itertuples()
        ]
        fig.add_trace(
            go.Scatter(
                name=f"{PLAIN[status]} ({counts[status]})",
                x=[columns[n - 1] for n in group["section_number"]],
                y=group["row"].tolist(),
                mode="markers+text",
                text=group["number"].tolist(),
                textposition="middle center",
                textfont=dict(size=11, color=SQUARE_TEXT),
                marker=dict(
                    symbol=STATUS_SYMBOLS[status][0],
                    size=STATUS_SYMBOLS[status][1],
                    color=STATUS_COLOURS[status],
                    line=dict(width=1, color="#FFFFFF"),
                ),
                hovertext=hover,
                hovertemplate="%{hovertext}<extra></extra>",
                showlegend=True,
            )
        )
    fig.update_layout(
        **base_layout(
            height=210 + tallest * ROW_HEIGHT,
            margin=dict(l=10, r=10, t=80, b=110),
            # Entries of a fixed width wrap into rows before they reach the edge (the print
            # column is narrower than the page's).
            legend=dict(
                orientation="h",
                yanchor="top",
                y=-0.01,
                x=0,
                title_text="Outcome: ",
                entrywidth=150,
                entrywidthmode="pixels",
            ),
            hoverlabel=dict(align="left", font=dict(size=12)),
        )
    )
    fig.update_xaxes(
        type="category",
        categoryorder="array",
        categoryarray=columns,
        side="top",
        showgrid=False,
        fixedrange=True,
        tickangle=0,
        title_text="",
    )
    fig.update_yaxes(
        autorange="reversed",
        range=[tallest - 0.5, -0.5],
        visible=False,
        fixedrange=True,
    )
    return fig


def agenda_summary(tables: Tables) -> str:
    """The scorecard in words: the count at each step and where each section stands."""
    counts = status_counts(tables)
    total = int(counts.sum())
    parts = [f"{int(n)} {PLAIN[s]}" for s, n in counts.items() if n]
    items = agenda_items(tables)
    best = items.groupby("section_name", observed=True)["status"].apply(
        lambda s: (s.isin(["realised", "partly-realised"])).sum()
    )
    sizes = items.groupby("section_name", observed=True).size()
    by_section = [
        f"{name}: {int(best[name])} of {int(sizes[name])} realised at least in part."
        for name in section_names(tables).values()
        if name in sizes
    ]
    # a lead and one item per section, not a wall of text
    return Summary(
        f"The paper's agenda has {total} items. By the as-of date, "
        + ", ".join(parts[:-1])
        + f" and {parts[-1]}. By section of the paper:",
        by_section,
    )


def agenda_chart(tables: Tables) -> Chart:
    """Figure: the agenda scorecard, with its description in words.

    On a phone the columns are too narrow for the sections' names: they are numbered instead
    (the axis title says so) and the legend loses its title so that its entries fit two a row.
    """
    figure = agenda_scorecard(tables)
    columns = list(figure.layout.xaxis.categoryarray)
    return Chart(
        name="agenda-scorecard",
        figure=figure,
        label="Scorecard of the paper's agenda: one mark per item, by section, its shape and"
        " colour the outcome",
        summary=agenda_summary(tables),
        title="What became of the paper's agenda: one mark per item, by section",
        source=(
            "the edition's scorecard (data/agenda.csv, data/events.csv), each judgement with"
            " its evidence"
        ),
        narrow_layout={
            "font": {"size": 9},
            "legend": {"font": {"size": 10}, "title": {"text": ""}},
            "margin": {"t": 60, "b": 130},
            "xaxis": {
                "tickvals": columns,
                "ticktext": [str(n) for n in section_names(tables)],
                "title": {"text": "Section of the paper", "standoff": 4},
            },
        },
        narrow_data={"textfont": {"size": 9}},
        # each outcome's shape keeps room for its number on a phone too
        narrow_traces={
            i: {"marker": {"size": NARROW_SYMBOL_SIZES.get(str(status), 24)}}
            for i, status in enumerate(agenda_items(tables)["status"].cat.categories)
        },
    )


def agenda_data(tables: Tables, *, open: bool = False) -> DataTable:
    """The data behind the scorecard: every item, its outcome and assessment, as in the CSV.

    ``open`` shows the table from the start, as on the page that is about it.
    """
    items = agenda_items(tables)
    frame = items[
        [
            "number",
            "id",
            "section",
            "kind",
            "item",
            "actors",
            "scope",
            "domain",
            "status",
            "as_of",
            "assessment",
            "evidence",
            "source",
            "note",
        ]
    ].assign(as_of=items["as_of"].dt.strftime("%Y-%m-%d"))
    return DataTable(
        frame,
        filename="agenda.csv",
        title="Data: every item of the agenda and what became of it",
        note="Evidence lists ids of rows in events.csv.",
        open=open,
    )


# ----------------------------------------------------------------------------------------------
# the afterword's tables: counts and the coders' disagreements, ready to read

#: What each grouping is called in a table's first heading and in its caption.
GROUPINGS = {"scope": "Scope", "domain": "Domain", "kind": "Kind"}
#: Headings of the columns ``outcomes_by`` adds to the steps of the scale.
AT_LEAST_IN_PART = "Realised at least in part"
CAME_ABOUT = "Came about (score 0 to 1)"


def _plain(value: object) -> str:
    text = str(value)
    return PLAIN.get(text, text).capitalize()


def agenda_outcomes_table(tables: Tables, column: str, kind: str | None = None) -> ReaderTable:
    """``data.outcomes_by`` as a table to read: headings in words, numbers right-aligned.

    One column per value of ``column`` (scope, domain or kind), its name capitalised, in
    ``outcomes_by``'s order (best score first); one row per measure: the number of items, one
    row per step of the scale that any group reaches, the items realised at least in part, and
    the "came about" score (realised one, partly realised a half, over the group's items) to
    two decimals. Groups run across and measures down, so that the table stays narrow enough
    for a phone's screen and an A4 column (at most five groups against eleven measures).
    """
    counts = outcomes_by(tables, column, kind=kind)
    steps = [str(c) for c in agenda_items(tables)["status"].cat.categories]
    shown = [s for s in steps if int(counts[s].sum()) > 0]
    groups = [_plain(v) for v in counts.index]
    measures: list[tuple[str, list[object]]] = [("Items", counts["items"].astype(int).tolist())]
    measures += [(_plain(step), counts[step].astype(int).tolist()) for step in shown]
    measures.append((AT_LEAST_IN_PART, counts["at_least_in_part"].astype(int).tolist()))
    measures.append((CAME_ABOUT, [f"{v:.2f}" for v in counts["came_about"]]))
    frame = pd.DataFrame(
        [[name, *values] for name, values in measures],
        columns=[GROUPINGS.get(column, column.capitalize()), *groups],
    )
    whose = f"{kind}s" if kind else "all items"
    caption = f"{whose.capitalize()} by {column}: how many came about"
    return ReaderTable(frame, caption=caption, numeric=tuple(frame.columns[1:]))


def agenda_disagreements_table(tables: Tables) -> ReaderTable:
    """``data.disagreements`` as a table to read: one row per item the coders parted on.

    Columns: the item's number (as on the scorecard and the list of items), the item, each
    coder's status and the reconciled one, capitalised, and why the reconciliation chose it.
    """
    differ = disagreements(tables)
    frame = pd.DataFrame(
        {
            "No.": [str(n) for n in differ.index],
            "Item": differ["item"].tolist(),
            "Coder A": [s.capitalize() for s in differ["coder A"]],
            "Coder B": [s.capitalize() for s in differ["coder B"]],
            "Reconciled": [s.capitalize() for s in differ["reconciled"]],
            "Why": differ["why"].tolist(),
        }
    )
    return ReaderTable(frame, caption="Where the coders differed, and how each case was settled")
