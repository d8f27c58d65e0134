"""The edition's figures: one module per figure, over one shared renderer.

``timeline`` (the administrations), ``membership_matrix``, ``institution_overlap``,
``global_korea``, ``agenda`` (the afterword's scorecard) and ``agenda_history`` (the agenda
over time) each draw one figure; ``render``
holds what they share (the ``Chart`` and ``DataTable`` HTML, escaping, palette, fonts,
layout). Each figure's entry points take the typed ``nea_edition.data.Tables``, compute the
derived tables they need through the data layer, and return what a notebook page shows, so a
page reads in three steps::

    tables = load_tables()
    chart = figures.membership_chart(tables)
    table = figures.membership_data(tables)

Why the figures are built here and not in the notebooks: a notebook page should read like prose
(load, compute, show), and a function can be unit-tested on small frames without a browser.
The flow is one way: figures import the data layer, never the reverse.
"""

from __future__ import annotations

from nea_edition.data import latest_year
from nea_edition.figures.agenda import (
    agenda_chart,
    agenda_data,
    agenda_disagreements_table,
    agenda_outcomes_table,
    agenda_scorecard,
    agenda_summary,
)
from nea_edition.figures.agenda_history import (
    agenda_history_chart,
    agenda_history_data,
    agenda_history_figure,
    agenda_history_summary,
)
from nea_edition.figures.global_korea import (
    global_korea_chart,
    global_korea_circles,
    global_korea_data,
    global_korea_summary,
)
from nea_edition.figures.institution_overlap import (
    institution_overlap_figure,
    overlap_chart,
    overlap_data,
    overlap_summary,
)
from nea_edition.figures.membership_matrix import (
    STATUS_STYLE,
    membership_chart,
    membership_data,
    membership_matrix_figure,
    membership_summary,
)
from nea_edition.figures.render import (
    PAPER_YEAR,
    Chart,
    DataTable,
    ReaderTable,
    chart_html,
    data_table_html,
    esc,
    figure_json,
)
from nea_edition.figures.timeline import (
    NO_FRAME,
    administrations_chart,
    administrations_summary,
    administrations_tables,
    administrations_timeline,
)

__all__ = [
    "NO_FRAME",
    "PAPER_YEAR",
    "STATUS_STYLE",
    "Chart",
    "DataTable",
    "ReaderTable",
    "administrations_chart",
    "administrations_summary",
    "administrations_tables",
    "administrations_timeline",
    "agenda_chart",
    "agenda_data",
    "agenda_disagreements_table",
    "agenda_history_chart",
    "agenda_history_data",
    "agenda_history_figure",
    "agenda_history_summary",
    "agenda_outcomes_table",
    "agenda_scorecard",
    "agenda_summary",
    "chart_html",
    "data_table_html",
    "esc",
    "figure_json",
    "global_korea_chart",
    "global_korea_circles",
    "global_korea_data",
    "global_korea_summary",
    "institution_overlap_figure",
    "latest_year",
    "membership_chart",
    "membership_data",
    "membership_matrix_figure",
    "membership_summary",
    "overlap_chart",
    "overlap_data",
    "overlap_summary",
]
