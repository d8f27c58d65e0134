"""Figure: the circles of "Global Korea" (the paper's lost Figure 1, rebuilt from its text).

Concentric rings, the ROK-US alliance at the core and wider circles of partners outward, drawn
from ``data/global_korea_circles.csv`` (loaded, validated and sorted by ring and order by the
data layer). Entries the edition inferred rather than read in the paper are set in italics
with an asterisk, so certainty is visible without colour.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from nea_edition.data import Tables
from nea_edition.figures.render import INK, PAPER, Chart, DataTable, Summary, base_layout, esc

#: Ring fills, dark (inner) to light (outer): a single-hue blue ramp, readable without colour
#: because each ring is also named in the figure.
RING_FILLS = ("#08519c", "#3182bd", "#6baed6", "#bdd7e7", "#eff3ff")
#: The same rings in dark mode, light (inner) to dark (outer): the core still stands out, and
#: the text colours swap with them (``PAPER`` text on the inner rings, ``INK`` on the outer).
RING_FILLS_DARK = ("#9ecae1", "#6baed6", "#245a88", "#1d4670", "#15273c")


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
                line=dict(color=PAPER, width=2),
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
        # White on the two dark inner rings: the page's colour, so it turns dark with them.
        text_colour = PAPER if ring <= 1 else INK
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
                    ]
                    for (_, r), inf in zip(sub.iterrows(), inferred, strict=True)
                ],
                # no source key here (a BibTeX key means nothing to a reader; the table
                # under the chart gives every entry's source)
                hovertemplate=(
                    "<b>%{customdata[0]}</b><br>Ring: %{customdata[1]}<br>"
                    "%{customdata[3]}<extra></extra>"
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
        **base_layout(
            height=640,
            shapes=shapes,
            annotations=annotations,
            margin=dict(l=5, r=5, t=5, b=5),
            plot_bgcolor=PAPER,
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


_WORDS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
_ORDINALS = [
    "centre",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
]


def global_korea_summary(circles: pd.DataFrame) -> str:
    """The rings, inside out, in sentences, with the entries the edition inferred marked."""
    parts = []
    inferred_any = False
    groups = list(circles.sort_values(["ring", "order"]).groupby("ring", sort=True))
    for k, (_, sub) in enumerate(groups):
        entries = []
        for _, r in sub.iterrows():
            inferred = str(r["basis"]).strip().lower() == "inferred"
            inferred_any = inferred_any or inferred
            entries.append(f"{r['partner']}" + (" (inferred)" if inferred else ""))
        name = sub["ring_name"].iloc[0]
        which = "The centre" if k == 0 else f"The {_ORDINALS[k] if k < len(_ORDINALS) else k} ring"
        if len(entries) == 1 and sub["partner"].iloc[0] == name:
            parts.append(f"{which}, {name}, stands on its own.")
            continue
        count = _WORDS[len(entries)] if len(entries) < len(_WORDS) else str(len(entries))
        noun = "entry" if len(entries) == 1 else "entries"
        listed = (
            entries[0] if len(entries) == 1 else ", ".join(entries[:-1]) + " and " + entries[-1]
        )
        parts.append(f"{which}, {name}, holds {count} {noun}: {listed}.")
    rings = _WORDS[len(groups)] if len(groups) < len(_WORDS) else str(len(groups))
    lead = f"The diagram has {rings} rings, described here from the centre outward."
    if inferred_any:
        lead += " Entries marked inferred are the edition's reading; the paper does not name them."
    return Summary(lead, parts)


# ----------------------------------------------------------------------------------------------
# Entry points: tables in, what the page shows out


def global_korea_narrow_traces(circles: pd.DataFrame) -> dict[int, dict]:
    """On a phone, each ring's entries (one trace a ring) at 9 px: at 12 px the labels of
    neighbouring entries ran into each other and over the rings."""
    return {k: {"textfont": {"size": 9}} for k in range(circles["ring"].nunique())}


def global_korea_chart(tables: Tables) -> Chart:
    """Figure: the circles of Global Korea (the paper's lost Figure 1, rebuilt)."""
    circles = tables.global_korea_circles
    figure = global_korea_circles(circles)
    return Chart(
        name="global-korea",
        figure=figure,
        label="Concentric rings of Global Korea's cooperative networked diplomacy",
        summary=global_korea_summary(circles),
        # on a phone the ring names at 10 px, so that they stay inside their bands
        narrow_layout={
            "height": 420,
            "font": {"size": 10},
            "annotations": [{"font": {"size": 10}} for _ in figure.layout.annotations],
        },
        narrow_traces=global_korea_narrow_traces(circles),
        dark_colours=dict(zip(RING_FILLS, RING_FILLS_DARK, strict=True)),
        title='The circles of "Global Korea": the paper\'s lost Figure 1, rebuilt from its text',
        source=(
            "Kim (2009), read by the edition (data/global_korea_circles.csv); entries marked *"
            " are the edition's reading"
        ),
    )


def global_korea_data(tables: Tables) -> DataTable:
    """The data behind the circles: every ring and entry, as in the CSV."""
    return DataTable(tables.global_korea_circles, filename="global_korea_circles.csv")
