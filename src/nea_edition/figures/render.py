"""What every figure shares: the chart and table HTML, escaping, palette, fonts and layout.

Each figure module (``timeline``, ``membership_matrix``, ``institution_overlap``,
``global_korea``) draws a plotly figure from data-layer tables and wraps it in a ``Chart``; this
module turns that into the HTML a notebook shows.

Why the HTML is built here and not by plotly's notebook renderer: in a kernel, plotly emits
``application/vnd.plotly.v1+json``, which myst-nb does not render (it warns and the chart is
blank). ``chart_html`` instead writes a ``<div class="nea-chart">`` holding the figure as JSON;
``nea_edition.site.charts`` adds ``nea-charts.js`` to the pages that contain one, and to no
other page; that script fetches the site's own plotly.js only when a chart nears the viewport
(or the reader first interacts), and draws it in the space the div has reserved.

How a figure gets dark mode, plain names and keyboard controls for free:

* **Colours.** Draw the chart's furniture (background, text, grid, rules, outlines, controls) with
  the constants ``PAPER``, ``INK``, ``MUTED``, ``RULE``, ``EDGE``, ``GRID``, ``BAND``,
  ``CONTROL``... and start from ``base_layout`` (the edition's template). ``DARK`` gives each its
  dark-mode value; ``chart_html`` ships the ones a chart uses, and ``nea-charts.js`` swaps them
  (in every attribute whose name ends in "color", and in colorway and colorscale) when the
  page is dark, and back when it is light again. Palette colours not in ``DARK`` stay as they
  are in both modes; a figure that needs more (the Global Korea rings) passes
  ``Chart(dark_colours=...)``. Named colours are never swapped: ``ON_MARK`` ("white") is
  for text on a coloured mark, which stays white in both modes.
* **Names.** Label bodies with ``BodyNames.of(tables.institutions)``: ``label(id)`` is the
  ``short_name`` column (ARF, TCS, CJK summit), ``hover(id)`` the full name for hover text and
  ``spoken(id)`` the form for sentences. Pass ``names=body_names.hover_map()`` to ``Chart`` and
  the chart's tick labels show the full name on hover; a trace with
  ``meta=full_names_from("x")`` gets each point's full name as ``%{text}`` in its hover
  template, filled in by the browser so the page does not carry it once per point and frame.
* **Controls.** Sliders and button menus get the theme's colours here (``style_controls``), and
  ``nea-charts.js`` makes them keyboard-operable with accessible names: a slider's ``name``
  (or its current-value prefix) names it, a button's label names it.

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

# Chart furniture, in light mode. Figures use these constants, never literal colours, for what
# must follow the theme; every value is distinct, because the dark swap goes by value.
#: The chart's background: the page's own in light mode.
PAPER = "#ffffff"
#: Text, and outlines that must stand out (the covered governments' bars).
INK = "#1a1a1a"
#: Secondary text and icons (the mode bar).
MUTED = "#555555"
#: Rules drawn on the plot (the paper's date) and tick marks.
RULE = "#444444"
#: Marker outlines.
EDGE = "#333333"
#: Grid lines and axis lines.
GRID = "#e8e8e8"
#: Shaded bands behind data (the governments the paper covers).
BAND = "#f2f2f2"
#: White that stays white in both modes: text on a coloured mark (the timeline's numbered key
#: events). Spelled as a name, so the dark swap, which goes by value, leaves it alone.
ON_MARK = "white"
#: Sliders and buttons: face, pressed or active face, border.
CONTROL = "#f4f5f7"
CONTROL_ACTIVE = "#dde3ea"
CONTROL_BORDER = "#a9b1bb"

#: Light value -> dark value (keys lower case): what ``nea-charts.js`` swaps when the page is
#: dark. The dark values are the theme's own (sphinx-book-theme's background #121212,
#: pydata-sphinx-theme's text #ced6dd and muted #9ca4af), so a chart sits on the page as its
#: text does.
DARK: dict[str, str] = {
    PAPER: "#121212",
    INK: "#ced6dd",
    MUTED: "#9ca4af",
    RULE: "#9ca4af",
    EDGE: "#d0d6dc",
    GRID: "#2a2f36",
    BAND: "#1c2026",
    CONTROL: "#29313d",
    CONTROL_ACTIVE: "#3c4654",
    CONTROL_BORDER: "#5f6b7c",
    LIGHT_GREY.lower(): "#4b5360",
    OKABE_ITO["black"]: "#e6e6e6",
}

#: The paper's year: the matrix opens on it, the overlap is drawn for it.
PAPER_YEAR = 2009

#: Plot config shared by every chart: no plotly logo, no buttons that need a network.
#:
#: No chart zooms or pans, so a swipe over a chart scrolls the page
#: (``chart_html`` also sets ``dragmode`` off and fixes every axis), and plotly's mode bar is
#: gone: it covered labels, and its zoom buttons were the only thing it offered beyond the
#: download, which the edition's own tool bar (``nea-charts.js``) does better (title, source,
#: licence and address in the image). ``showTips`` off: no "Double-click to zoom back out".
PLOT_CONFIG: dict[str, object] = {
    "responsive": True,
    "displaylogo": False,
    "displayModeBar": False,
    "scrollZoom": False,
    "doubleClick": False,
    "showTips": False,
    "showAxisDragHandles": False,
    "toImageButtonOptions": {"format": "svg"},
    # plotly.js 4 offers to upload the chart to Plotly Cloud: another origin, never wanted here.
    "showSendToCloud": False,
}

#: Licence of the edition's figures and data, printed in every exported image.
LICENCE = "CC BY 4.0"

FONT = dict(family="system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif")

#: Both axes of the template: light grid lines, no tick marks, room for their labels.
AXIS = {
    "gridcolor": GRID,
    "linecolor": GRID,
    "zerolinecolor": GRID,
    "tickcolor": RULE,
    "ticks": "",
    "automargin": True,
    "title": {"standoff": 15},
}

#: The edition's plotly template: plotly_white's look in the tokens above (so dark mode reaches
#: every default), Okabe & Ito's colours, and a fraction of plotly_white's size in the page.
TEMPLATE: dict = {
    "layout": {
        "font": {"color": INK, **FONT},
        "paper_bgcolor": PAPER,
        "plot_bgcolor": PAPER,
        "colorway": [c for name, c in OKABE_ITO.items() if name != "black"],
        "hovermode": "closest",
        "hoverlabel": {
            "align": "left",
            "bgcolor": PAPER,
            "bordercolor": RULE,
            "font": {"color": INK, **FONT},
        },
        "xaxis": AXIS,
        "yaxis": AXIS,
        "legend": {"bgcolor": PAPER, "font": {"color": INK}},
        "modebar": {"bgcolor": PAPER, "color": MUTED, "activecolor": INK},
    },
    "data": {"heatmap": [{"colorbar": {"outlinewidth": 0, "ticks": ""}}]},
}

#: The template's name in ``plotly.io.templates``. Figures refer to it by name because a name
#: replaces a figure's template, whereas a dict would be merged into plotly's default one and
#: bring its colours (and its size) along.
TEMPLATE_NAME = "nea_edition"
pio.templates[TEMPLATE_NAME] = go.layout.Template(TEMPLATE)

#: What sliders and button menus look like unless a figure says otherwise (``style_controls``).
SLIDER_STYLE: dict = {
    "bgcolor": CONTROL,
    "activebgcolor": CONTROL_ACTIVE,
    "bordercolor": CONTROL_BORDER,
    "tickcolor": RULE,
    "font": {"color": INK},
}
BUTTONS_STYLE: dict = {"bgcolor": CONTROL, "bordercolor": CONTROL_BORDER, "font": {"color": INK}}

#: ``meta`` of a trace whose hover template shows each point's full name as ``%{text}``.
_NAMES_FROM = "nea-names-from:"


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
# names: what readers call the bodies


_TRAILING_ASIDE = re.compile(r"\s*\([^()]*\)\s*$")


def plain_name(name: str) -> str:
    """A full name without a trailing aside in parentheses (the OSCE's "until 1994: CSCE")."""
    return _TRAILING_ASIDE.sub("", name).strip() or name


@dataclass(frozen=True)
class BodyNames:
    """How the figures name the bodies of ``data/institutions.csv``; ids never reach a reader.

    ``label`` is the body's ``short_name`` (ARF, TCS for the secretariat, CJK summit for the
    China-Japan-ROK summit), for axes, legends and table cells; ``hover`` the full name with the
    short form after it, for hover text; ``spoken`` the form for a sentence (the short form, with
    the full name on first mention). All of them HTML-escaped for plotly except ``spoken``, which
    goes through ``html.escape`` with the rest of a summary. Unknown ids are shown as given.
    """

    short: dict[str, str]
    full: dict[str, str]

    @classmethod
    def of(cls, institutions: pd.DataFrame) -> BodyNames:
        frame = institutions.set_index("id")
        return cls(
            short=frame["short_name"].astype(str).to_dict(),
            full=frame["name"].astype(str).map(plain_name).to_dict(),
        )

    def text(self, body: str) -> str:
        """The short name, unescaped (for summaries and data tables)."""
        return self.short.get(body, body)

    def label(self, body: str) -> str:
        return esc(self.text(body))

    def labels(self, bodies: Iterable[str]) -> list[str]:
        return [self.label(b) for b in bodies]

    def hover(self, body: str) -> str:
        short, full = self.text(body), self.full.get(body, body)
        return esc(full if full == short else f"{full} ({short})")

    def spoken(self, body: str) -> str:
        """For a sentence, unescaped: "ARF (ASEAN Regional Forum)", or the name alone."""
        short, full = self.text(body), self.full.get(body, body)
        return full if full == short else f"{short} ({full})"

    def relabel(self, frame: pd.DataFrame, column: str, to: str = "body") -> pd.DataFrame:
        """A table for readers: ``column``'s ids replaced by short names, renamed ``to``."""
        out = frame.copy()
        out[column] = [self.text(str(v)) if not is_missing(v) else v for v in out[column]]
        return out.rename(columns={column: to})

    def hover_map(self, bodies: Iterable[str] | None = None) -> dict[str, str]:
        """Label -> hover text, for ``Chart(names=...)``."""
        ids = list(self.short) if bodies is None else list(bodies)
        return {self.label(b): self.hover(b) for b in ids}


class Summary(str):
    """A chart's description in words: a lead sentence or two, then short items.

    It is a ``str`` (the whole text, lead and items joined by spaces), so it reads, compares
    and searches as before; ``chart_html`` shows it as a paragraph and a list rather than a
    wall of text.
    """

    lead: str
    items: tuple[str, ...]
    more: tuple[str, ...]

    def __new__(cls, lead: str | Iterable[str], items: Iterable[str] = ()) -> Summary:
        paragraphs = [lead] if isinstance(lead, str) else [p for p in lead if p]
        items = tuple(i for i in items if i)
        self = super().__new__(cls, " ".join([*paragraphs, *items]).strip())
        self.lead = paragraphs[0] if paragraphs else ""
        #: Paragraphs after the lead, before the list.
        self.more = tuple(paragraphs[1:])
        self.items = items
        return self

    def as_json(self) -> dict[str, object]:
        return {"lead": self.lead, "more": list(self.more), "items": list(self.items)}


def summary_html(summary: str) -> str:
    """The "In words" block's content: the lead as a paragraph, the items as a list."""
    lead, items = (summary.lead, summary.items) if isinstance(summary, Summary) else (summary, ())
    out = f'<p class="nea-chart-summary-lead"><strong>In words:</strong> {html.escape(lead)}</p>'
    for paragraph in getattr(summary, "more", ()):
        out += f"<p>{html.escape(paragraph)}</p>"
    if items:
        # items that carry their own number ("1. 1988-07-07: ...") are
        # not bulleted as well ("• 1. ..."): nea-charts.css drops the bullet of this class
        numbered = all(re.match(r"\d+\.\s", i) for i in items)
        tag = '<ul class="nea-numbered">' if numbered else "<ul>"
        out += tag + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>"
    return out


@dataclass(frozen=True)
class Permalink:
    """The state a chart's address can carry (``?year=1999``), restored on load and kept in
    the address (``history.replaceState``) as the reader moves the control.

    ``param`` is the query parameter; ``control`` the plotly control that holds the state
    ("slider" or "buttons", the first of its kind); ``values`` the parameter's value for each
    of its steps or buttons, in order; ``summaries`` the "In words" text for each value, so the
    description always says what the chart shows.
    """

    param: str
    control: str
    values: tuple[str, ...]
    summaries: dict[str, str] | None = None

    def as_json(self) -> dict[str, object]:
        out: dict[str, object] = {
            "param": self.param,
            "control": self.control,
            "values": list(self.values),
        }
        if self.summaries:
            out["summaries"] = {
                k: (v.as_json() if isinstance(v, Summary) else {"lead": str(v), "items": []})
                for k, v in self.summaries.items()
            }
        return out


def full_names_from(axis: str = "x") -> str:
    """``meta`` for a trace whose points are labelled by ``axis``: ``%{text}`` becomes each
    point's full name (``Chart(names=...)``), added in the browser, not stored per point."""
    if axis not in ("x", "y"):
        raise ValueError(f"axis must be 'x' or 'y', not {axis!r}")
    return _NAMES_FROM + axis


def style_controls(layout: dict) -> dict:
    """Give every slider and button menu in a layout (a plain dict) the theme's colours.

    A figure's own settings win; what it leaves out comes from ``SLIDER_STYLE`` and
    ``BUTTONS_STYLE``, which use the theme tokens, so the controls follow dark mode too.
    """

    def fill(target: dict, defaults: dict) -> None:
        for key, value in defaults.items():
            if isinstance(value, dict):
                fill(target.setdefault(key, {}), value)
            else:
                target.setdefault(key, value)

    for slider in layout.get("sliders", []) or []:
        fill(slider, SLIDER_STYLE)
    for menu in layout.get("updatemenus", []) or []:
        fill(menu, BUTTONS_STYLE)
    return layout


# ----------------------------------------------------------------------------------------------
# rendering: chart, summary, data table


_AXIS_KEY = re.compile(r"^[xy]axis\d*$")


def still(layout: dict) -> dict:
    """No drag, zoom or pan on any axis of a layout (a plain dict).

    A swipe over a chart must scroll the page: with ``dragmode`` off plotly.js neither
    captures the touch nor box-zooms, and fixed axes leave nothing for a drag to move. Hover
    (a tap on a phone) still works. Every axis the layout names, and the two default ones.
    """
    layout["dragmode"] = False
    for key in {"xaxis", "yaxis", *(k for k in layout if _AXIS_KEY.match(k))}:
        axis = layout.setdefault(key, {})
        if isinstance(axis, dict):
            axis["fixedrange"] = True
    return layout


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
    #: Label shown in the chart -> its full name, for hover (``BodyNames.hover_map``).
    names: dict[str, str] | None = None
    #: Colours of this chart only -> their dark-mode values, on top of ``DARK``.
    dark_colours: dict[str, str] | None = None
    #: Per-trace overrides on narrow screens (index -> dict), after ``narrow_data``.
    narrow_traces: dict[int, dict] | None = None
    #: Title and source printed in an exported image (PNG, SVG) with the licence and address.
    title: str = ""
    source: str = ""
    #: The state the chart's address can carry (``?year=``), with a description per state.
    permalink: Permalink | None = None

    def _repr_html_(self) -> str:
        return chart_html(
            self.figure,
            name=self.name,
            label=self.label,
            summary=self.summary,
            narrow_layout=self.narrow_layout,
            narrow_data=self.narrow_data,
            names=self.names,
            dark_colours=self.dark_colours,
            narrow_traces=self.narrow_traces,
            title=self.title,
            source=self.source,
            permalink=self.permalink,
        )


def chart_html(
    fig: go.Figure,
    *,
    name: str,
    label: str,
    summary: str,
    narrow_layout: dict | None = None,
    narrow_data: dict | None = None,
    names: dict[str, str] | None = None,
    dark_colours: dict[str, str] | None = None,
    narrow_traces: dict[int, dict] | None = None,
    title: str = "",
    source: str = "",
    permalink: Permalink | None = None,
) -> str:
    """HTML for one chart: a placeholder div, the figure as JSON, and a text description.

    ``label`` becomes the chart's ``aria-label``; ``summary`` is a visible paragraph (computed
    from the data, so it stays true when the data change) that the chart points to with
    ``aria-describedby`` for screen-reader users. ``narrow_layout`` is merged into the layout on
    screens narrower than 600 px (smaller margins and fonts), and ``narrow_data`` into every
    trace, by ``nea_edition/site/static/nea-charts.js``. ``names`` (label -> full name) and
    ``dark_colours`` (light -> dark, on top of ``DARK``) travel with the figure for that script.

    The placeholder reserves the height the chart will have, wide and narrow (the two custom
    properties ``nea-charts.css`` reads), so the page does not move when plotly.js draws it
    later, as the reader scrolls near it. Without JavaScript it takes no room at all.
    """
    slug = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")
    spec = json.loads(figure_json(fig))
    spec["config"] = PLOT_CONFIG
    style_controls(spec["layout"])
    still(spec["layout"])
    if narrow_layout:
        spec["narrowLayout"] = narrow_layout
    if narrow_data:
        spec["narrowData"] = narrow_data
    if narrow_traces:
        spec["narrowTraces"] = {str(k): v for k, v in narrow_traces.items()}
    if names:
        spec["names"] = names
    spec["meta"] = {
        "title": title or label,
        "source": source,
        "licence": LICENCE,
    }
    if permalink:
        spec["permalink"] = permalink.as_json()
    text = json.dumps(spec, separators=(",", ":"), ensure_ascii=False).lower()
    swaps = {**DARK, **(dark_colours or {})}
    used = {k.lower(): v for k, v in swaps.items() if f'"{k.lower()}"' in text}
    if used:
        spec["darkColours"] = used
    payload = json.dumps(spec, separators=(",", ":"), ensure_ascii=False)
    for char, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        payload = payload.replace(char, code)
    payload = payload.replace("://", ":\\/\\/")
    height = int(fig.layout.height or 450)
    narrow_height = int((narrow_layout or {}).get("height") or height)
    return (
        f'<div class="nea-chart" id="nea-chart-{slug}" data-chart="{slug}">'
        f'<div class="nea-chart-plot" role="group" aria-roledescription="interactive chart"'
        f' aria-label="{html.escape(label)}" aria-describedby="nea-chart-{slug}-summary"'
        f' style="--nea-chart-height:{height}px;--nea-chart-height-narrow:{narrow_height}px">'
        "</div>"
        # the tool bar's place, kept before the chart is drawn (nea-charts.js fills it)
        '<div class="nea-chart-tools" role="group" aria-label="Share or download this chart">'
        "</div>"
        f'<script type="application/json" class="nea-chart-spec">{payload}</script>'
        f'<div class="nea-chart-summary" id="nea-chart-{slug}-summary" aria-live="polite">'
        f"{summary_html(summary)}</div>"
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
    #: Open from the start: for a page that is about the table, not a figure's appendix.
    open: bool = False

    def _repr_html_(self) -> str:
        return data_table_html(
            self.frame, filename=self.filename, title=self.title, note=self.note, open=self.open
        )


# ----------------------------------------------------------------------------------------------
# the data tables under the figures. This block is the tables'
# own; the chart code above and below belongs to the charts' part. What a table cell shows:
#
# * a ``source`` (or ``sources``) cell is split at ";" into its sources, each a link: a public
#   address shows its host name ("asean.org") and links to the page; a bibliography key links
#   to its entry in the reference list. The table cannot know where that entry is (the figure
#   is drawn in a notebook, outside Sphinx), so the key's link is a placeholder,
#   ``href="#nea-bib-<key>"`` with ``data-nea-bibkey``, that ``nea_edition.site.tables``
#   resolves when the page is written (and gives the entry's text for its preview).
# * any other cell holding just an address is a link too, with the host name as its text;
# * an empty value (NA, NaN, NaT, None or "") is an em dash for the eye and "no value" for a
#   screen reader, with ``data-value=""`` so that sorting puts it last and filtering does not
#   match the words "no value". pandas' own ``to_html`` printed ``<NA>`` for the nullable
#   columns of the typed tables, whatever its ``na_rep`` said.
#
# Sorting and filtering are added in the browser by ``nea-tables.js`` (the ``data-nea-table``
# attribute marks the tables it enhances); without JavaScript the table is a plain table.

#: Columns whose cells are lists of sources (bibliography keys or addresses), split at ";".
SOURCE_COLUMNS = frozenset({"source", "sources"})
_ADDRESS = re.compile(r"^https?://\S+$")


def _address_link(url: str) -> str:
    """A public address as a link whose text is its host ("asean.org" for www.asean.org)."""
    from urllib.parse import urlsplit

    host = urlsplit(url).netloc.removeprefix("www.") or url
    return f'<a class="nea-source-link" href="{html.escape(url)}">{html.escape(host)}</a>'


def _bibkey_link(key: str) -> str:
    """A bibliography key as a link that the Sphinx build points at the key's entry."""
    key_html = html.escape(key)
    return (
        f'<a class="nea-bibkey" href="#nea-bib-{key_html}" data-nea-bibkey="{key_html}">'
        f"{key_html}</a>"
    )


def _source_html(value: str) -> str:
    parts = [part.strip() for part in value.split(";") if part.strip()]
    links = [_address_link(p) if _ADDRESS.match(p) else _bibkey_link(p) for p in parts]
    return "; ".join(links)


EMPTY_CELL = (
    '<td class="nea-empty" data-value="">'
    '<span aria-hidden="true">\u2014</span><span class="nea-sr-only">no value</span></td>'
)


def _cell_text(value: object) -> str:
    """A value as the CSV download writes it, dates without a midnight time."""
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d") if value == value.normalize() else value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _cell_html(column: str, value: object) -> str:
    if value is None or (not isinstance(value, str) and is_missing(value)):
        return EMPTY_CELL
    text = _cell_text(value)
    if not text.strip():
        return EMPTY_CELL
    if column in SOURCE_COLUMNS:
        return f'<td class="nea-source">{_source_html(text)}</td>'
    if _ADDRESS.match(text.strip()):
        return f"<td>{_address_link(text.strip())}</td>"
    return f"<td>{_text_with_links(text)}</td>"


#: An address inside running text (a note's "see https://..."), up to a space or a closing
#: bracket or quote, without the sentence's own final punctuation.
_INNER_ADDRESS = re.compile(r"https?://[^\s)\]\"'<>]+[^\s)\]\"'<>.,;:]")


def _text_with_links(text: str) -> str:
    """Text escaped, each address in it a link (its host as the link's text)."""
    out, last = [], 0
    for match in _INNER_ADDRESS.finditer(text):
        out.append(html.escape(text[last : match.start()], quote=False))
        out.append(_address_link(match.group(0)))
        last = match.end()
    out.append(html.escape(text[last:], quote=False))
    return "".join(out)


def table_html(frame: pd.DataFrame) -> str:
    """The frame as an HTML table: header cells with ``scope``, cells as described above."""
    # cells and rows end in a newline. Sphinx indexes raw HTML by
    # deleting its tags, so "<td>Lee Myung-bak</td><td>이명박</td><td>2008-02-25</td>" was
    # the one search word "bak이명박2008": a Hangul name, or a source's key, found nothing.
    columns = [str(c) for c in frame.columns]
    head = "\n".join(f'<th scope="col">{html.escape(c)}</th>' for c in columns)
    rows = []
    for record in frame.itertuples(index=False, name=None):
        cells = "\n".join(_cell_html(c, v) for c, v in zip(columns, record, strict=True))
        rows.append(f"<tr>{cells}</tr>\n")
    return (
        '<table class="table nea-data-table" data-nea-table>'
        f"<thead><tr>{head}</tr></thead>\n<tbody>{''.join(rows)}</tbody></table>"
    )


def data_table_html(
    frame: pd.DataFrame,
    *,
    filename: str,
    title: str = "Data behind the figure",
    note: str = "",
    open: bool = False,
) -> str:
    """A closed ``<details>`` toggle holding the table and a link that downloads it as CSV.

    The CSV travels in a ``data:`` URL, so it is exactly the frame shown (no file to keep in
    step) and the download needs no request to any server. Every cell is escaped. The table
    scrolls inside a focusable region named by the toggle's title, so keyboard users can
    scroll it too (the file name keeps two tables' regions apart on one page).
    """
    csv_text = frame.to_csv(index=False, lineterminator="\n")
    href = "data:text/csv;charset=utf-8," + quote(csv_text, safe="")
    note_html = f" {html.escape(note)}" if note else ""
    rows = len(frame)
    return (
        f'<details class="nea-data"{" open" if open else ""}>'
        f"<summary>{html.escape(title)} ({rows} row{'s' if rows != 1 else ''})</summary>"
        f'<p><a class="nea-csv" download="{html.escape(filename)}" href="{href}">'
        f"Download this table as CSV ({html.escape(filename)})</a>.{note_html}</p>"
        f'<div class="nea-table-wrap" role="region" tabindex="0"'
        f' aria-label="{html.escape(f"{title}, {filename}")}">{table_html(frame)}</div>'
        "</details>"
    )


@dataclass(frozen=True)
class ReaderTable:
    """A small table for reading in the text (counts, a list): captioned, open, no controls.

    Where ``DataTable`` hands a figure's data over for checking (under a toggle, with sorting,
    a search field and a CSV download), this one is part of the argument: the heading cells say
    in words what each column counts, the first column heads its row, the ``numeric`` columns
    are right-aligned (``nea-num``) and the table scrolls sideways in its own region on a
    narrow screen instead of widening the page. Cells are escaped like a data table's.
    """

    frame: pd.DataFrame
    caption: str
    numeric: tuple[str, ...] = ()

    def _repr_html_(self) -> str:
        return reader_table_html(self.frame, caption=self.caption, numeric=self.numeric)


def reader_table_html(frame: pd.DataFrame, *, caption: str, numeric: Iterable[str] = ()) -> str:
    """``ReaderTable``'s HTML: the frame's columns as headings, its index ignored."""
    columns = [str(c) for c in frame.columns]
    numbers = {str(c) for c in numeric}

    def num(column: str) -> str:
        return ' class="nea-num"' if column in numbers else ""

    # cells and rows end in a newline, as in table_html: the search index strips tags, and
    # cells written back to back would run together into one search word
    head = "\n".join(f'<th scope="col"{num(c)}>{html.escape(c)}</th>' for c in columns)
    rows = []
    for record in frame.itertuples(index=False, name=None):
        cells = []
        for i, (column, value) in enumerate(zip(columns, record, strict=True)):
            cell = _cell_html(column, value)
            if i == 0:
                cell = cell.replace("<td", '<th scope="row"', 1).removesuffix("</td>") + "</th>"
            elif column in numbers:
                cell = cell.replace("<td>", '<td class="nea-num">', 1)
            cells.append(cell)
        rows.append("<tr>" + "\n".join(cells) + "</tr>\n")
    return (
        f'<div class="nea-table-wrap nea-reader-wrap" role="region" tabindex="0"'
        f' aria-label="{html.escape(caption)}">'
        '<table class="table nea-data-table nea-reader-table">'
        f"<caption>{html.escape(caption)}</caption>"
        f"<thead><tr>{head}</tr></thead>\n<tbody>{''.join(rows)}</tbody></table></div>"
    )


# end of the data tables' block
# ----------------------------------------------------------------------------------------------


#: Column labels (bodies' short names) are set at this slant: steep enough that the longest
#: (CJK summit, NEAPSM WG) clear their neighbours.
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
    """Layout shared by the charts: the edition's template (``TEMPLATE``), system fonts."""
    layout: dict = dict(
        height=height,
        autosize=True,
        template=TEMPLATE_NAME,
        font=dict(size=13, **FONT),
        margin=dict(l=10, r=10, t=40, b=10),
        hoverlabel=dict(align="left"),
    )
    layout.update(extra)
    return layout
