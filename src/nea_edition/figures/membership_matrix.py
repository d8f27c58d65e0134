"""Figure: who belongs to what, year by year (countries by bodies, with a year slider).

Countries are rows (the six Six-Party states first), bodies columns (Northeast Asia's own first,
Europe's last, each by the short name readers know, its full name on hover); each mark is the
status a country held in a body that year, told by symbol as well as colour. A slider and a play
button step through the years; the chart opens on the paper's year. The rows, the column order
and every cell are data-layer tables (``matrix_countries``, ``institution_order``,
``membership_grid``); this module only draws them and says in words what one year shows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd
import plotly.graph_objects as go

from nea_edition.data import (
    NOT_A_MEMBER,
    SIX_PARTY,
    Tables,
    current_year,
    institution_order,
    matrix_countries,
    membership_grid,
    membership_matrix,
    membership_over_time,
    memberships_table,
)
from nea_edition.figures.render import (
    COLUMN_LABEL_ANGLE,
    EDGE,
    GREY,
    GRID,
    OKABE_ITO,
    PAPER_YEAR,
    BodyNames,
    Chart,
    DataTable,
    Permalink,
    Summary,
    base_layout,
    esc,
    full_names_from,
    label_margin,
)

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
    Hover text is built into each frame's template, not per point, to keep the page light;
    the bodies' full names reach it as ``%{text}``, filled in by the browser
    (``full_names_from``).
    """
    if end is None:
        end = int(over_time["year"].max()) if len(over_time) else current_year()
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
    bodies = BodyNames.of(institutions)
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
                    x=[bodies.label(i) for i in sel["institution"]],
                    y=[row_label[c] for c in sel["country"]],
                    meta=full_names_from("x"),
                    marker=dict(
                        symbol=symbol,
                        color=colour,
                        size=size,
                        line=dict(color=EDGE if status != NOT_A_MEMBER else colour, width=1),
                    ),
                    hovertemplate=(
                        f"%{{y}}<br>%{{text}}<br><b>{esc(status)}</b> in {year}<extra></extra>"
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
    geometry = matrix_geometry(
        len(iso_order),
        column_px=label_margin(bodies.labels(inst_order), 13, angle=COLUMN_LABEL_ANGLE),
        row_px=22,
        legend_px=70,
    )
    fig.update_layout(
        **base_layout(
            height=geometry["height"],
            # the year and its slider sit at the top, above the bodies' names,
            # so the year shown is never rows away; the legend is at the very bottom.
            margin=dict(
                l=label_margin(row_label.values(), 13),
                r=30,
                t=geometry["top"],
                b=geometry["bottom"],
            ),
            legend=dict(
                orientation="h", x=0, xanchor="left", y=0, yref="container", yanchor="bottom"
            ),
            sliders=[
                dict(
                    name="Year",
                    active=years.index(initial_year),
                    currentvalue=dict(prefix="Year: ", font=dict(size=15), xanchor="right"),
                    pad=dict(t=0, b=0),
                    steps=steps,
                    x=0,
                    len=1,
                    y=geometry["slider_y"],
                    yanchor="bottom",
                )
            ],
            updatemenus=[
                dict(
                    type="buttons",
                    direction="down",
                    showactive=False,
                    # In the left margin, over the country names, level with the slider.
                    x=0,
                    y=geometry["slider_y"],
                    xanchor="right",
                    yanchor="bottom",
                    pad=dict(t=0, r=12),
                    buttons=[play, pause],
                )
            ],
        )
    )
    fig.update_xaxes(
        type="category",
        categoryorder="array",
        categoryarray=bodies.labels(inst_order),
        range=[-0.6, len(inst_order) - 0.4],
        side="top",
        tickangle=-COLUMN_LABEL_ANGLE,
        showgrid=True,
        gridcolor=GRID,
        automargin=False,
        fixedrange=True,
    )
    fig.update_yaxes(
        type="category",
        categoryorder="array",
        categoryarray=[row_label[c] for c in iso_order],
        range=[len(iso_order) - 0.5, -0.5],
        showgrid=True,
        gridcolor=GRID,
        automargin=False,
        fixedrange=True,
    )
    return fig


#: Room the slider takes above the column labels: current value, rail, year labels.
SLIDER_PX = 78


def matrix_geometry(rows: int, *, column_px: int, row_px: int, legend_px: int) -> dict:
    """Height, margins and the slider's place (paper units) for ``rows`` rows of countries.

    The slider sits above the bodies' slanted names (``column_px`` high), at the top of the
    chart; the legend at the bottom (``legend_px``).
    """
    plot = row_px * rows
    top = column_px + 10 + SLIDER_PX
    bottom = legend_px + 10
    return {
        "height": plot + top + bottom,
        "top": top,
        "bottom": bottom,
        "slider_y": round(1 + (column_px + 10) / plot, 4),
    }


def matrix_narrow_layout(fig: go.Figure, codes: Sequence[str]) -> dict:
    """Layout for screens under 600 px: country codes, rows of 16 px, the slider on top.

    Text stays at 12 px (10 px is too small on a phone). The slider, the bodies' names, every
    row and the legend fit one 375 x 812 screen under the page's header: rows of 16 px and a
    legend of two lines in 56 px.
    """
    geometry = matrix_geometry(
        len(codes),
        column_px=label_margin(fig.layout.xaxis.categoryarray, 11, angle=COLUMN_LABEL_ANGLE),
        row_px=NARROW_ROW_PX,
        legend_px=56,
    )
    return {
        "height": geometry["height"],
        "font": {"size": 12},
        "margin": {
            "l": label_margin(codes, 12),
            "t": geometry["top"],
            "b": geometry["bottom"],
        },
        "legend": {"font": {"size": 12}},
        "xaxis": {"tickfont": {"size": 11}},
        "sliders": [
            {
                # further right, so "1989" is not under Play/Pause
                "x": 0.4,
                "len": 0.6,
                "y": geometry["slider_y"],
                "currentvalue": {"font": {"size": 14}},
                "font": {"size": 9},
            }
        ],
        # The margin of country codes is too narrow for the buttons: put them left of the slider.
        "updatemenus": [{"x": 0, "xanchor": "left", "pad": {"r": 5}, "y": geometry["slider_y"]}],
        "yaxis": {
            "tickmode": "array",
            "tickvals": list(fig.layout.yaxis.categoryarray),
            "ticktext": [esc(c) for c in codes],
        },
    }


#: Row pitch of the matrix on a phone (the whole chart fits a 375 x 812 screen).
NARROW_ROW_PX = 16


#: Plural of each status, for sentences ("21 members"); other statuses read "3 suspended".
_PLURAL = {
    "member": "members",
    "participant": "participants",
    "partner": "partners",
    "observer": "observers",
}
_NUMBERS = ["no", "one", "two", "three", "four", "five", "six"]


def _count(n: int, status: str) -> str:
    if status in _PLURAL:
        return f"{n} {status if n == 1 else _PLURAL[status]}"
    return f"{n} {status}"


def _and(items: Sequence[str]) -> str:
    """Items joined for a sentence: a; a and b; a, b and c."""
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


#: Country names that read with "the" in a sentence (the Republic of Korea, the United States).
_WITH_THE = ("Republic ", "Democratic ", "United ", "Russian ", "Lao ", "European ", "Philippines")


def _the(name: str) -> str:
    return f"the {name}" if name.startswith(_WITH_THE) else name


def _six_clause(six: Sequence[str], in_six: Sequence[str], names: dict[str, str]) -> str:
    """Which of the six Six-Party states a body seated, as the end of a sentence."""
    named = [_the(names.get(c, c)) for c in in_six]
    if six and len(in_six) == len(six):
        return "all six Six-Party states among them"
    if not in_six:
        return "none of them a Six-Party state"
    if len(in_six) == 1:
        return f"{named[0]} the only Six-Party state among them"
    if len(in_six) >= len(six) - 2:
        out = [_the(names.get(c, c)) for c in six if c not in in_six]
        return "every Six-Party state among them except " + _and(out)
    count = _NUMBERS[len(in_six)] if len(in_six) < len(_NUMBERS) else str(len(in_six))
    return f"{count} of the Six-Party states among them: {_and(named)}"


def membership_summary(
    matrix: pd.DataFrame,
    year: int,
    countries: pd.DataFrame,
    *,
    shown: int | None = None,
    bodies: BodyNames | None = None,
) -> str:
    """Describe one year's matrix (``nea_edition.data.membership_matrix``) in sentences.

    For each body, by the name the chart shows with its full name after it: how many countries
    held each status, and which of the six Six-Party states were among them.
    """
    names = countries.set_index("iso3")["name"].astype(str).to_dict()
    bodies = bodies or BodyNames({}, {})
    lead = [f"In {year}, {matrix.shape[1]} of the bodies in the data existed."]
    if shown is not None:
        lead.append(
            f"The chart shows {shown} countries; states that belonged only to the OSCE or NATO"
            f" are left out of its rows (the table lists every membership)."
        )
    parts: list[str] = []
    for inst in matrix.columns:
        col = matrix[inst].astype(str)
        held = col[col != NOT_A_MEMBER]
        six = [c for c in SIX_PARTY if c in col.index]
        in_six = [c for c in six if col[c] != NOT_A_MEMBER]
        name = bodies.spoken(str(inst))
        if not len(held):
            parts.append(f"{name} had no members.")
            continue
        counts = _and([_count(int(n), str(st)) for st, n in held.value_counts().items()])
        parts.append(f"{name} had {counts}, {_six_clause(six, in_six, names)}.")
    return Summary(" ".join(lead), parts)


# ----------------------------------------------------------------------------------------------
# Entry points: tables in, what the page shows out


def membership_chart(
    tables: Tables, *, initial_year: int = PAPER_YEAR, start: int = 1989, end: int | None = None
) -> Chart:
    """Figure: the membership matrix with its year slider, opening on ``initial_year``.

    Reusable as is on the Data page: ``glue("…", figures.membership_chart(tables))`` or simply
    leave the returned object as a cell's last expression (it renders as HTML).
    """
    over_time = membership_over_time(tables, start=start, end=end)
    inst, countries = tables.institutions, tables.countries
    rows = matrix_countries(over_time, inst, countries)
    bodies = BodyNames.of(inst)
    fig = membership_matrix_figure(
        over_time,
        inst,
        countries,
        start=start,
        end=end,
        initial_year=initial_year,
        country_ids=rows,
    )
    # One description per year, so the words follow the slider.
    summaries = {
        step.label: membership_summary(
            membership_matrix(tables, int(step.label)),
            int(step.label),
            countries,
            shown=len(rows),
            bodies=bodies,
        )
        for step in fig.layout.sliders[0].steps
    }
    return Chart(
        name=f"membership-matrix-{initial_year}",
        figure=fig,
        label=(
            f"Matrix of countries by regional bodies, opening on {initial_year}, with a year slider"
        ),
        summary=summaries[str(initial_year)],
        narrow_layout=matrix_narrow_layout(fig, rows),
        # rows of 16 px on a phone (22 on a desktop): every mark scaled with its row
        narrow_traces={
            i: {"marker": {"size": max(6, round(int(t.marker.size) * NARROW_ROW_PX / 22))}}
            for i, t in enumerate(fig.data)
        },
        names=bodies.hover_map(),
        title="Who belongs to what: countries and the region's bodies, year by year",
        source=(
            "the edition's data on memberships, bodies and countries (data/memberships.csv,"
            " data/institutions.csv, data/countries.csv), each membership with its own source"
        ),
        permalink=Permalink("year", "slider", tuple(summaries), summaries),
    )


def membership_data(tables: Tables) -> DataTable:
    """The data behind the matrix: every membership spell, with country and body names."""
    table = memberships_table(tables.memberships, tables.countries)
    return DataTable(
        BodyNames.of(tables.institutions).relabel(table, "institution"),
        filename="memberships.csv",
        title="Data: every membership spell the matrix is drawn from",
        note="A country counts in every year from joined to left, both included.",
    )
