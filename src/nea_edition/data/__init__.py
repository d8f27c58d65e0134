"""The data layer: the edition's tables, typed and validated, and the tables derived from them.

``tables`` loads ``data/*.csv`` into a typed ``Tables`` (the types come from
``datapackage.json``); ``derived`` computes what the figures show (memberships by year,
overlaps, orders of countries and bodies); ``agenda``, ``coding`` and ``history`` what the
afterword's scorecard states (counts, the coders' agreement, each item's status over time).
Figures import from here; nothing here imports the figures, so the data can be loaded, checked
and tested without plotly.

``from nea_edition.data import load_tables`` is the one way notebooks and tests read the data.
"""

from __future__ import annotations

from nea_edition.data.agenda import (
    agenda_evidence,
    agenda_items,
    checked_through,
    outcomes_by,
    pattern_figures,
    scale,
    status_counts,
)
from nea_edition.data.coding import (
    agreement,
    agreement_figures,
    codebook,
    codings_by_item,
    cohen_kappa,
    disagreements,
    exclusions,
    percent_agreement,
)
from nea_edition.data.derived import (
    EUROPEAN_SCOPES,
    FULL_STATUSES,
    NOT_A_MEMBER,
    SCOPE_ORDER,
    SIX_PARTY,
    body_sizes,
    country_order,
    current_year,
    existing_institutions,
    exists_in,
    institution_order,
    is_missing,
    latest_year,
    matrix_countries,
    members_text,
    membership_grid,
    membership_matrix,
    membership_over_time,
    memberships_table,
    overlap_matrix,
    overlap_table,
    shared_members,
)
from nea_edition.data.history import history_rows, status_changes, status_spells
from nea_edition.data.tables import (
    CIRCLES_COLUMNS,
    TABLE_NAMES,
    Tables,
    UndeclaredTableError,
    load_table,
    load_tables,
)

__all__ = [
    "CIRCLES_COLUMNS",
    "EUROPEAN_SCOPES",
    "FULL_STATUSES",
    "NOT_A_MEMBER",
    "SCOPE_ORDER",
    "SIX_PARTY",
    "TABLE_NAMES",
    "Tables",
    "UndeclaredTableError",
    "agenda_evidence",
    "agenda_items",
    "agreement",
    "agreement_figures",
    "body_sizes",
    "checked_through",
    "codebook",
    "codings_by_item",
    "cohen_kappa",
    "country_order",
    "current_year",
    "disagreements",
    "exclusions",
    "existing_institutions",
    "exists_in",
    "history_rows",
    "institution_order",
    "is_missing",
    "latest_year",
    "load_table",
    "load_tables",
    "matrix_countries",
    "members_text",
    "membership_grid",
    "membership_matrix",
    "membership_over_time",
    "memberships_table",
    "outcomes_by",
    "overlap_matrix",
    "overlap_table",
    "pattern_figures",
    "percent_agreement",
    "scale",
    "shared_members",
    "status_changes",
    "status_counts",
    "status_spells",
]
