"""Each agenda item's status over time: the stretches and the changes the history records.

``data/agenda_history.csv`` gives, for every item, its status on the paper's date
(2009-12-01) and one row for each later change. This module turns that into stretches (from
one change to the next, the last one running to the date the record was checked through) and
into the list of changes, the two things the figure "The agenda over time" draws and states in
words. Validation guarantees what these functions assume: every item has a history, its dates
increase, and the last row is the item's status in agenda.csv.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from nea_edition.data.agenda import PLAIN, agenda_items, checked_through
from nea_edition.data.tables import Tables

#: When the paper appeared: every item's history starts on this date.
PAPER_DATE = pd.Timestamp("2009-12-01")


def history_rows(tables: Tables) -> pd.DataFrame:
    """The history in the agenda's order (items) and date order, with each item's number."""
    items = agenda_items(tables)[["number", "id", "item", "kind"]]
    history = tables.agenda_history.assign(item_id=tables.agenda_history["item"].astype(str))
    rows = history.drop(columns=["item"]).merge(
        items.rename(columns={"id": "item_id"}), on="item_id", how="inner"
    )
    rows["_order"] = rows["number"].str.slice(1).astype(int)
    rows = rows.sort_values(["_order", "date"], kind="stable").drop(columns="_order")
    return rows.reset_index(drop=True)


def status_spells(tables: Tables, until: dt.date | pd.Timestamp | None = None) -> pd.DataFrame:
    """One row per stretch of an item's status: from one row of its history to the next.

    Columns: ``number``, ``item_id``, ``item``, ``status`` (categorical, the scale),
    ``start``, ``end`` (the next change, or ``until`` for the last stretch: by default the date
    the record was checked through), ``evidence`` and ``note`` of the row that began it, and
    ``current`` (true for each item's last stretch).
    """
    end_of_record = pd.Timestamp(until if until is not None else checked_through(tables))
    rows = history_rows(tables)
    following = rows.groupby("item_id", sort=False)["date"].shift(-1)
    spells = rows.assign(
        start=rows["date"],
        end=following.fillna(end_of_record),
        current=following.isna(),
    )
    columns = ["number", "item_id", "item", "status", "start", "end", "evidence", "note"]
    return spells[[*columns, "current"]].reset_index(drop=True)


def status_changes(tables: Tables) -> pd.DataFrame:
    """Every change after the paper's date: number, item, date, from and to (plain words)."""
    rows = history_rows(tables)
    before = rows.groupby("item_id", sort=False)["status"].shift(1)
    changed = rows[before.notna()].assign(previous=before[before.notna()])
    return pd.DataFrame(
        {
            "number": changed["number"],
            "item_id": changed["item_id"],
            "date": changed["date"],
            "from": changed["previous"].astype(str).map(PLAIN),
            "to": changed["status"].astype(str).map(PLAIN),
            "evidence": changed["evidence"],
        }
    ).reset_index(drop=True)
