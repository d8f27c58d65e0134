"""The scorecard's codebook and its independent codings: how far the coders agreed, computed.

``data/agenda_codings.csv`` holds two independent codings of every item of the agenda
(``coder-a``, ``coder-b``), where they gave different statuses a ``reconciliation`` row
with the final status and why, and, for any item a later review rescored, a ``review`` row
with the final status and why. This module measures the two coders' agreement over their own
statuses (percent agreement and Cohen's kappa: neither the reconciliation nor the review
enters it), counts what the review changed, lists the disagreements with how each was
settled, and
gives the codebook (``data/agenda_rules.csv``) and the statements not scored
(``data/agenda_excluded.csv``) in the form the afterword shows, so that no number or list on
the page is typed. Validation guarantees what these functions assume: both coders code every
item once, a reconciliation row exists exactly where they differ, and an item has at most
one review row, whose status is agenda.csv's.

Cohen's kappa is written out here, a few lines, rather than imported: no dependency of the
edition computes it (scikit-learn and statsmodels are not in the lock, and would be heavy for
one formula).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Iterable

import pandas as pd

from nea_edition.data.agenda import PLAIN, agenda_items
from nea_edition.data.tables import Tables

#: The two independent coders, in the order the tables show them.
CODERS: tuple[str, str] = ("coder-a", "coder-b")
RECONCILIATION = "reconciliation"
REVIEW = "review"


def percent_agreement(a: Iterable[Hashable], b: Iterable[Hashable]) -> float:
    """The share of items (0 to 1) on which two coders gave the same label."""
    a, b = list(a), list(b)
    if len(a) != len(b) or not a:
        raise ValueError("two codings of the same items, at least one, are needed")
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(a)


def cohen_kappa(a: Iterable[Hashable], b: Iterable[Hashable]) -> float:
    """Cohen's kappa for two coders' labels of the same items (Cohen 1960).

    ``(p_o - p_e) / (1 - p_e)``: ``p_o`` is the share of items on which they agree, ``p_e``
    the agreement expected by chance from how often each used each label
    (``sum over labels of p_a(label) * p_b(label)``). 1 is perfect agreement, 0 no more than
    chance, below 0 less than chance. Undefined (``nan``) when chance agreement is certain,
    that is when both coders gave every item one and the same label.
    """
    a, b = list(a), list(b)
    observed = percent_agreement(a, b)
    n = len(a)
    count_a, count_b = Counter(a), Counter(b)
    expected = sum(count_a[label] * count_b[label] for label in count_a) / (n * n)
    if expected == 1:
        return math.nan
    return (observed - expected) / (1 - expected)


def codings_by_item(tables: Tables) -> pd.DataFrame:
    """One row per item, in the agenda's order: each coder's status, the reconciled and final.

    Columns: ``number`` (A1, ...), ``id``, ``item`` (its text), ``coder-a``, ``coder-b``,
    ``reconciled`` (the reconciliation's status, missing where the coders agreed), ``final``
    (agenda.csv's status), ``why`` (the reconciliation's note), ``reviewed`` (a later review's
    status, missing where there was no review) and ``review_note`` (the review's reason).
    """
    items = agenda_items(tables)
    codings = tables.agenda_codings.assign(
        item=tables.agenda_codings["item"].astype(str),
        coder=tables.agenda_codings["coder"].astype(str),
        status=tables.agenda_codings["status"].astype(str),
    )
    wide = codings.pivot(index="item", columns="coder", values="status")
    notes = codings[codings["coder"] == RECONCILIATION].set_index("item")["note"]
    review_notes = codings[codings["coder"] == REVIEW].set_index("item")["note"]
    frame = pd.DataFrame(
        {
            "number": items["number"],
            "id": items["id"].astype(str),
            "item": items["item"],
            CODERS[0]: items["id"].map(wide.get(CODERS[0], pd.Series(dtype=str))),
            CODERS[1]: items["id"].map(wide.get(CODERS[1], pd.Series(dtype=str))),
            "reconciled": items["id"].map(wide.get(RECONCILIATION, pd.Series(dtype=str))),
            "final": items["status"].astype(str),
            "why": items["id"].map(notes),
            "reviewed": items["id"].map(wide.get(REVIEW, pd.Series(dtype=str))),
            "review_note": items["id"].map(review_notes),
        }
    )
    return frame.reset_index(drop=True)


def agreement(tables: Tables) -> dict[str, float | int]:
    """How far coder-a and coder-b agreed on the statuses of the items.

    ``items`` coded, ``agreed`` and ``disagreed`` (counts), ``percent`` (0 to 100) and
    ``kappa`` (Cohen's, ``cohen_kappa``).
    """
    both = codings_by_item(tables)
    a, b = both[CODERS[0]].tolist(), both[CODERS[1]].tolist()
    agreed = sum(x == y for x, y in zip(a, b, strict=True))
    return {
        "items": len(both),
        "agreed": agreed,
        "disagreed": len(both) - agreed,
        "percent": 100 * percent_agreement(a, b),
        "kappa": cohen_kappa(a, b),
    }


def disagreements(tables: Tables) -> pd.DataFrame:
    """The items on which the coders differed, as the afterword lists them.

    Indexed by the item's number (A1, ...); columns: the item, each coder's status and the
    reconciled one in plain words, and why the reconciliation chose it. Empty (with the same
    columns) when the coders agreed on every item.
    """
    both = codings_by_item(tables)
    differ = both[both[CODERS[0]] != both[CODERS[1]]]
    table = pd.DataFrame(
        {
            "item": differ["item"].astype(str).tolist(),
            "coder A": differ[CODERS[0]].map(PLAIN).tolist(),
            "coder B": differ[CODERS[1]].map(PLAIN).tolist(),
            "reconciled": differ["reconciled"].map(PLAIN).tolist(),
            "why": differ["why"].fillna("").astype(str).tolist(),
        },
        index=differ["number"].tolist(),
    )
    # The number heads the index column in the header's one row (see ``agenda.outcomes_by``).
    table.columns.name, table.index.name = "number", None
    return table


def codebook(tables: Tables) -> pd.DataFrame:
    """The codebook's rules in its order, each with how many items it decided."""
    rules = tables.agenda_rules.reset_index(drop=True).copy()
    used = tables.agenda["rule"].astype(str).value_counts()
    rules["items"] = rules["id"].astype(str).map(used).fillna(0).astype(int)
    return rules


def exclusions(tables: Tables) -> pd.DataFrame:
    """The paper's statements that are not scored, in the table's order."""
    return tables.agenda_excluded.reset_index(drop=True)


def agreement_figures(tables: Tables) -> dict[str, int | str]:
    """The agreement as the afterword's prose cites it, by name, so the text types no number.

    ``coded-items``, ``coders-agreed`` and ``coders-disagreed`` (counts); ``coders-percent``
    (percent agreement to one decimal, without a trailing ``.0``); ``coders-kappa`` (Cohen's
    kappa to two decimals, or "undefined" when both coders gave every item the same status).
    The review, which the agreement leaves out: ``reviewed-items`` (items with a review row)
    and ``review-changed`` (those whose status the review changed from the reconciled one, or
    from the one both coders gave).
    """
    numbers = agreement(tables)
    kappa = float(numbers["kappa"])
    both = codings_by_item(tables)
    reviewed = both[both["reviewed"].notna()]
    before = reviewed["reconciled"].where(reviewed["reconciled"].notna(), reviewed[CODERS[0]])
    return {
        "coded-items": int(numbers["items"]),
        "coders-agreed": int(numbers["agreed"]),
        "coders-disagreed": int(numbers["disagreed"]),
        "coders-percent": f"{round(float(numbers['percent']), 1):g}",
        "coders-kappa": "undefined" if math.isnan(kappa) else f"{kappa:.2f}",
        "reviewed-items": len(reviewed),
        "review-changed": int((reviewed["reviewed"].astype(str) != before.astype(str)).sum()),
    }
