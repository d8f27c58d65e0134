"""The paper's agenda scored against the record: the derived tables behind the afterword.

``data/agenda.csv`` holds one row per proposal, expectation or condition of the paper with the
edition's judgement of what became of it. This module numbers the items for display, joins
each to the events its judgement rests on, and counts outcomes by kind, scope and domain, so
that every number the afterword states is computed from the table and none is typed.

The outcome scale and the meaning of each step live in one place, ``data/datapackage.json``
(the ``enumDescriptions`` of the agenda's ``status`` field); ``scale`` reads them from there.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from nea_edition import paths
from nea_edition.checks.validation import load_descriptor, split_keys
from nea_edition.data.tables import Tables

#: How the scale reads in prose and legends ("partly-realised" -> "partly realised").
PLAIN = {
    "realised": "realised",
    "partly-realised": "partly realised",
    "stalled": "stalled",
    "not-realised": "not realised",
    "reversed": "reversed",
    "too-early": "too early to tell",
}


def section_names(tables: Tables) -> dict[int, str]:
    """The paper's sections as the afterword names them, by number (``paper_sections.csv``)."""
    frame = tables.paper_sections
    return dict(zip(frame["number"].astype(int), frame["title"].astype(str), strict=True))


def scale(field: str = "status", data_dir: Path | None = None) -> list[tuple[str, str]]:
    """(value, definition) of each step of an agenda field's scale, in the schema's order."""
    descriptor = load_descriptor(data_dir or paths.DATA_DIR)
    resource = next(r for r in descriptor["resources"] if r["name"] == "agenda")
    spec = next(f for f in resource["schema"]["fields"] if f["name"] == field)
    definitions = spec.get("enumDescriptions", {})
    return [(value, definitions.get(value, "")) for value in spec["constraints"]["enum"]]


def checked_through(tables: Tables) -> dt.date:
    """The date the record was checked through: the latest ``as_of`` of the agenda.

    Validation guarantees that it is no later than the newest event in events.csv (and not in
    the future), so the afterword can say the record stops there.
    """
    return pd.Timestamp(tables.agenda["as_of"].max()).date()


def section_number(docname: str) -> int:
    """The paper section of an edition page: the number its folder or file name starts with."""
    part = docname.split("/")[1]
    return int(part[:2])


def agenda_items(tables: Tables) -> pd.DataFrame:
    """The agenda in the table's order (the paper's), numbered A1, A2, ..., with its section."""
    frame = tables.agenda.reset_index(drop=True).copy()
    frame.insert(0, "number", [f"A{i}" for i in range(1, len(frame) + 1)])
    frame["section_number"] = frame["section"].astype(str).map(section_number)
    frame["section_name"] = frame["section_number"].map(section_names(tables))
    frame["status_text"] = frame["status"].astype(str).map(PLAIN)
    return frame


def agenda_evidence(tables: Tables) -> pd.DataFrame:
    """One row per (item, event) the item's judgement rests on, with the event's date and text."""
    events = tables.events.set_index("id")
    rows = []
    for item in agenda_items(tables).itertuples():
        for event_id in split_keys(str(item.evidence)):
            event = events.loc[event_id]
            rows.append(
                {
                    "number": item.number,
                    "item": item.id,
                    "event": event_id,
                    "date": event["date"],
                    "what_happened": event["event"],
                    "source": event["source"],
                }
            )
    return pd.DataFrame(rows)


def status_counts(tables: Tables) -> pd.Series:
    """How many items ended at each step of the scale, every step listed (zeros included)."""
    items = agenda_items(tables)
    return items["status"].value_counts(sort=False).reindex(items["status"].cat.categories)


def outcomes_by(tables: Tables, column: str, kind: str | None = None) -> pd.DataFrame:
    """Items by ``column`` (kind, scope or domain) and status, with the share that came about.

    ``kind`` keeps only the items of one kind: for proposals, "came about" is success; for an
    expectation it only means the forecast held, which may be a warning that came true.

    "Came about" counts realised as one and partly realised as a half: a single number per
    group that rewards what happened in full over what happened in part, and is stated with
    the counts it comes from.
    """
    items = agenda_items(tables)
    if kind is not None:
        items = items[items["kind"] == kind]
    table = pd.crosstab(items[column], items["status"], dropna=False)
    table = table.reindex(columns=items["status"].cat.categories, fill_value=0)
    table = table[table.sum(axis=1) > 0]
    total = table.sum(axis=1)
    score = table["realised"] + 0.5 * table["partly-realised"]
    table.insert(0, "items", total)
    table["at_least_in_part"] = table["realised"] + table["partly-realised"]
    table["came_about"] = (score / total).round(2)
    # The grouping's name heads the index column in the header's one row: as the index's name,
    # pandas would write a second header row of empty cells (axe-core: empty-table-header).
    table.columns.name, table.index.name = column, None
    return table.sort_values(["came_about", "items"], ascending=[False, False])


def pattern_figures(tables: Tables) -> dict[str, int]:
    """The counts the afterword's prose cites, by name, so the text never types a number.

    ``total`` and ``<status>`` over all items; ``<kind>`` items of each kind; for proposals,
    ``proposals-<scope|domain>`` (how many) and ``proposals-<scope|domain>-in-part`` (how many
    came about at least in part); for expectations, ``expectations-held`` (realised) and
    ``expectations-in-part`` (realised or partly).
    """
    items = agenda_items(tables)
    figures: dict[str, int] = {"total": len(items)}
    for status, count in status_counts(tables).items():
        figures[str(status)] = int(count)
    for kind, count in items["kind"].value_counts().items():
        figures[str(kind)] = int(count)
    proposals = items[items["kind"] == "proposal"]
    happened = proposals["status"].isin(["realised", "partly-realised"])
    for column in ("scope", "domain"):
        for value, group in proposals.groupby(column, observed=True):
            figures[f"proposals-{value}"] = len(group)
            figures[f"proposals-{value}-in-part"] = int(happened[group.index].sum())
    figures["proposals-in-part"] = int(happened.sum())
    expectations = items[items["kind"] == "expectation"]
    figures["expectations-held"] = int((expectations["status"] == "realised").sum())
    figures["expectations-in-part"] = int(
        expectations["status"].isin(["realised", "partly-realised"]).sum()
    )
    return figures
