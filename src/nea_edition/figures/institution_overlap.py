"""Figure: how far the region's bodies overlap (shared full members of every pair).

A heatmap with the same bodies as rows and columns, grouped from Northeast Asia's own to
Europe's OSCE and NATO, so the "organization gap" the paper starts from is one picture; each
cell prints its count, and buttons switch between years. The counts (``shared_members``,
``body_sizes``, ``overlap_matrix``) and the table under the figure (``overlap_table``) are
data-layer tables; this module draws them and says in words what they show.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from nea_edition.data import (
    Tables,
    body_sizes,
    institution_order,
    is_missing,
    members_text,
    membership_over_time,
    overlap_matrix,
    overlap_table,
    shared_members,
)
from nea_edition.figures.render import (
    COLUMN_LABEL_ANGLE,
    PAPER_YEAR,
    BodyNames,
    Chart,
    DataTable,
    Permalink,
    Summary,
    base_layout,
    esc,
    label_margin,
)


def overlap_heatmap(
    shared: pd.DataFrame,
    order: Sequence[str],
    names: BodyNames,
    sizes: dict[str, int] | None = None,
    *,
    visible: bool = True,
    label: str = "",
    zmax: int | None = None,
) -> go.Heatmap:
    """One heatmap trace: shared full members per pair, the count printed in each cell.

    Rows and columns are labelled by the bodies' short names; hover gives both full names.
    """
    mat = overlap_matrix(shared, order)
    for body, size in (sizes or {}).items():
        if body in mat.index:
            mat.loc[body, body] = int(size)
    members: dict[tuple[str, str], str] = {}
    for r in shared.itertuples(index=False):
        text = esc(members_text(r.members)) or "none"
        members[(str(r.institution_a), str(r.institution_b))] = text
        members[(str(r.institution_b), str(r.institution_a))] = text
    z = [[None if is_missing(v) else int(v) for v in mat.loc[a]] for a in order]
    custom = [
        [
            [
                names.hover(a),
                names.hover(b),
                members.get((a, b), "the body's own full members" if a == b else "—"),
            ]
            for b in order
        ]
        for a in order
    ]
    labels = names.labels(order)
    return go.Heatmap(
        z=z,
        x=labels,
        y=labels,
        customdata=custom,
        name=esc(label),
        visible=visible,
        # the same stops the cell numbers' inks are chosen against (``scale_colour``)
        colorscale=[[i / (len(_cividis()) - 1), c] for i, c in enumerate(_cividis())],
        zmin=0,
        zmax=zmax,
        xgap=1,
        ygap=1,
        hoverongaps=False,
        colorbar=dict(title=dict(text="shared<br>members"), thickness=12),
        hovertemplate=(
            "<b>%{customdata[0]}</b> and <b>%{customdata[1]}</b>: %{z} shared<br>"
            "%{customdata[2]}<extra></extra>"
        ),
    )


def _cividis() -> list[str]:
    """Cividis (colour-blind safe), as plotly's ``sequential.Cividis``: evenly spaced stops."""
    from plotly.colors import sequential

    return list(sequential.Cividis)


def _luminance(hex_colour: str) -> float:
    """WCAG relative luminance of ``#rrggbb``."""
    channels = [int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(a: str, b: str) -> float:
    """WCAG contrast ratio of two ``#rrggbb`` colours."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def scale_colour(value: float, zmax: float, scale: Sequence[str] | None = None) -> str:
    """The colour a heatmap cell of ``value`` gets on the scale (linear between its stops)."""
    scale = list(scale or _cividis())
    t = 0.0 if zmax <= 0 else min(max(value / zmax, 0.0), 1.0)
    pos = t * (len(scale) - 1)
    i = min(int(pos), len(scale) - 2)
    frac = pos - i
    a = [int(scale[i].lstrip("#")[k : k + 2], 16) for k in (0, 2, 4)]
    b = [int(scale[i + 1].lstrip("#")[k : k + 2], 16) for k in (0, 2, 4)]
    return "#" + "".join(f"{round(x + (y - x) * frac):02x}" for x, y in zip(a, b, strict=True))


#: Cell numbers: black or white, whichever contrasts more with the cell (at least 4.5:1 on
#: every colour of the scale). Names, so the dark swap (by value) leaves them alone.
CELL_INKS = {"black": "#000000", "white": "#ffffff"}


def cell_ink(fill: str) -> str:
    return max(CELL_INKS, key=lambda name: contrast_ratio(CELL_INKS[name], fill))


def overlap_numbers(
    heat: go.Heatmap, zmax: int, *, visible: bool = True, label: str = ""
) -> go.Scatter:
    """The count of each cell as text over the heatmap, in the ink that contrasts most with
    the cell's colour (plotly's own pick for heatmap text fell below 4.5:1 on mid-scale cells).
    Not hoverable: the heatmap under it answers hover."""
    xs, ys, texts, inks = [], [], [], []
    for row, y in zip(heat.z, heat.y, strict=True):
        for value, x in zip(row, heat.x, strict=True):
            if value is None:
                continue
            xs.append(x)
            ys.append(y)
            texts.append(str(value))
            inks.append(cell_ink(scale_colour(value, zmax)))
    return go.Scatter(
        x=xs,
        y=ys,
        text=texts,
        mode="text",
        textfont=dict(size=11, color=inks),
        hoverinfo="skip",
        showlegend=False,
        visible=visible,
        name=esc(label) + " (numbers)",
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
    names = BodyNames.of(institutions)
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
    # the heatmaps first (one a layer), then the numbers over each, in the same order
    heats = [
        overlap_heatmap(shared, order, names, sizes, visible=(k == 0), label=lbl, zmax=zmax)
        for k, (lbl, shared, sizes) in enumerate(layers)
    ]
    numbers = [
        overlap_numbers(heat, zmax, visible=(k == 0), label=lbl)
        for k, (heat, (lbl, _, _)) in enumerate(zip(heats, layers, strict=True))
    ]
    fig = go.Figure(data=heats + numbers)
    labels = names.labels(order)
    side = label_margin(labels, 13)
    top = label_margin(labels, 13, angle=COLUMN_LABEL_ANGLE)
    layout = base_layout(
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
                        # each layer is a heatmap and its numbers
                        args=[{"visible": [j % len(layers) == k for j in range(2 * len(layers))]}],
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
        categoryarray=labels,
        fixedrange=True,
    )
    fig.update_yaxes(
        autorange="reversed",
        automargin=False,
        type="category",
        categoryorder="array",
        categoryarray=labels,
        fixedrange=True,
    )
    return fig


def overlap_summary(
    shared: pd.DataFrame,
    sizes: dict[str, int],
    year: int,
    focus: Sequence[tuple[str, str]] = (("OSCE", "NATO"), ("SPT", "ARF"), ("SPT", "APEC")),
    bodies: BodyNames | None = None,
) -> str:
    """The largest overlaps and the pairs the paper contrasts, in sentences, from the long table.

    Bodies are called by the short names the chart shows; the pairs the paper contrasts
    (``focus``) also give each body's full name.
    """
    bodies = bodies or BodyNames({}, {})
    short = bodies.text
    pairs = {
        (str(r.institution_a), str(r.institution_b)): int(r.shared)
        for r in shared.itertuples(index=False)
        if str(r.institution_a) < str(r.institution_b)
    }
    ranked = sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0]))
    lead = f"In {year} the chart compares {len(sizes)} bodies, {len(pairs)} pairs of them."
    parts: list[str] = []
    if ranked:
        top = [f"{short(a)} and {short(b)} with {v}" for (a, b), v in ranked[:3]]
        first, rest = top[0], top[1:]
        tail = f", then {' and '.join(rest)}" if rest else ""
        parts.append(f"The largest overlap is {first} full members in common{tail}.")
        zero = sum(1 for v in pairs.values() if v == 0)
        if zero:
            parts.append(f"In {zero} pairs the two bodies share no full member at all.")
    for a, b in focus:
        key = (a, b) if (a, b) in pairs else (b, a)
        if key in pairs and a in sizes and b in sizes:
            parts.append(
                f"{bodies.spoken(a)} has {sizes[a]} full members and {bodies.spoken(b)}"
                f" {sizes[b]}; they share {pairs[key]}."
            )
    return Summary(lead, parts)


# ----------------------------------------------------------------------------------------------
# Entry points: tables in, what the page shows out


def overlap_chart(tables: Tables, years: Sequence[int] = (PAPER_YEAR,)) -> Chart:
    """Figure: shared full members of each pair of bodies, one switchable layer per year."""
    over_time = membership_over_time(tables, start=min(years), end=max(years))
    layers = []
    for year in years:
        shared = shared_members(tables, year)
        label = f"{year} (the paper)" if year == PAPER_YEAR else f"{year}"
        layers.append((label, shared, body_sizes(over_time, year)))
    figure = institution_overlap_figure(layers, tables.institutions)
    chart_order = list(figure.layout.xaxis.categoryarray)
    bodies = BodyNames.of(tables.institutions)
    # One description per year, so the words follow the year buttons.
    summaries = {
        str(year): overlap_summary(shared, sizes, year, bodies=bodies)
        for year, (_, shared, sizes) in zip(years, layers, strict=True)
    }
    numbers = {i: {"textfont": {"size": 9}} for i in range(len(layers), 2 * len(layers))}
    return Chart(
        name="institution-overlap",
        figure=figure,
        label="Heatmap of the full members shared by each pair of regional bodies",
        summary=summaries[str(years[0])],
        names=bodies.hover_map(),
        title="Shared full members of each pair of the region's bodies",
        source=(
            "the edition's data on memberships and bodies (data/memberships.csv,"
            " data/institutions.csv), each membership with its own source"
        ),
        permalink=(
            Permalink("year", "buttons", tuple(summaries), summaries) if len(layers) > 1 else None
        ),
        narrow_traces=numbers,
        narrow_layout={
            "font": {"size": 9},
            "margin": {
                "l": label_margin(chart_order, 9),
                "t": label_margin(chart_order, 9, angle=COLUMN_LABEL_ANGLE),
            },
        },
        narrow_data={"showscale": False},
    )


def overlap_data(tables: Tables, years: Sequence[int] = (PAPER_YEAR,)) -> DataTable:
    """The data behind the overlap heatmap: one row per pair of bodies and year."""
    frames = [overlap_table(shared_members(tables, y), y) for y in years]
    bodies = BodyNames.of(tables.institutions)
    table = pd.concat(frames, ignore_index=True)
    table = bodies.relabel(
        bodies.relabel(table, "institution_a", "body_a"), "institution_b", "body_b"
    )
    return DataTable(
        table,
        filename="institution_overlap.csv",
        title="Data: shared full members of each pair of bodies",
        note="Members and participants count; observers and partners do not.",
    )
