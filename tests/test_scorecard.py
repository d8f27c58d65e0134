"""The scorecard's codebook, codings and history: agreement, disagreements, the figure.

Every number the afterword states about the coders' agreement and every change the figure
"The agenda over time" draws is computed by these functions, so they are tested on small
tables where the answer is known (a textbook kappa among them) and on the real tables, where
whatever they hold, the arithmetic must agree.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from nea_edition import data, figures, paths
from nea_edition.data.agenda import PLAIN
from nea_edition.figures.agenda import STATUS_COLOURS
from nea_edition.figures.agenda_history import STATUS_PATTERNS
from nea_edition.figures.render import DARK
from nea_edition.site.agenda_directive import (
    codebook_markdown,
    excluded_markdown,
    items_markdown,
)
from nea_edition.site.endnotes_directive import read_rows

SCALE = [value for value, _ in data.scale()]
XSS = "<script>alert(1)</script>"


def statuses(values: list[str]) -> pd.Categorical:
    return pd.Categorical(values, categories=SCALE)


def small_tables(
    codings: list[tuple[str, str, str, str]],
    history: list[tuple[str, str, str, str]],
) -> data.Tables:
    """Three items (A1-A3) with their final statuses, codings and history."""
    empty = pd.DataFrame()
    agenda = pd.DataFrame(
        {
            "id": ["talks", "dialogue", "summit"],
            "section": ["book/01-introduction", "book/05-conclusion", "book/05-conclusion"],
            "kind": ["expectation", "proposal", "proposal"],
            "item": ["The talks grow.", f"A dialogue {XSS}", "A summit."],
            "status": statuses(["stalled", "not-realised", "realised"]),
            "rule": ["r-stalled", "r-not", "r-realised"],
            "as_of": pd.to_datetime(["2025-11-24", "2025-06-30", "2025-11-24"]),
        }
    )
    return data.Tables(
        administrations=empty,
        acting_presidents=empty,
        institutions=empty,
        countries=empty,
        memberships=empty,
        events=pd.DataFrame(
            {
                "id": ["2011-talks-stop", "2015-summit", "2019-summit"],
                "date": ["2011-03", "2015-11-01", "2019-12-24"],
                "event": ["Talks stop", f"Summit {XSS}", "Another summit"],
            }
        ),
        agenda=agenda,
        agenda_codings=pd.DataFrame(codings, columns=["item", "coder", "status", "note"]).assign(
            status=lambda f: statuses(list(f["status"]))
        ),
        agenda_history=pd.DataFrame(history, columns=["item", "date", "status", "evidence"]).assign(
            date=lambda f: pd.to_datetime(f["date"]),
            status=lambda f: statuses(list(f["status"])),
            note=pd.NA,
        ),
        paper_sections=pd.DataFrame(
            {"number": [1, 5], "title": ["Introduction", "Conclusion"], "page": ["", ""]}
        ),
    )


CODINGS = [
    ("talks", "coder-a", "stalled", ""),
    ("talks", "coder-b", "not-realised", ""),
    ("dialogue", "coder-a", "not-realised", ""),
    ("dialogue", "coder-b", "not-realised", ""),
    ("summit", "coder-a", "realised", ""),
    ("summit", "coder-b", "realised", ""),
    ("talks", "reconciliation", "stalled", "The talks did meet once more."),
]
HISTORY = [
    ("talks", "2009-12-01", "too-early", ""),
    ("talks", "2011-03-01", "stalled", "2011-talks-stop"),
    ("dialogue", "2009-12-01", "not-realised", ""),
    ("summit", "2009-12-01", "too-early", ""),
    ("summit", "2015-11-01", "partly-realised", "2015-summit"),
    ("summit", "2019-12-24", "realised", "2019-summit"),
]


@pytest.fixture
def small() -> data.Tables:
    return small_tables(CODINGS, HISTORY)


@pytest.fixture(scope="module")
def tables() -> data.Tables:
    return data.load_tables()


# ----------------------------------------------------------------------------------------------
# Cohen's kappa


def table_to_labels(yes_yes: int, yes_no: int, no_yes: int, no_no: int) -> tuple[list, list]:
    """Two coders' labels from a 2x2 agreement table (coder A's answer first)."""
    pairs = (
        [("yes", "yes")] * yes_yes
        + [("yes", "no")] * yes_no
        + [("no", "yes")] * no_yes
        + [("no", "no")] * no_no
    )
    return [a for a, _ in pairs], [b for _, b in pairs]


@pytest.mark.parametrize(
    ("cells", "observed", "kappa"),
    [
        # The textbook example (Wikipedia, "Cohen's kappa": 50 grant proposals): p_o = 0.7,
        # p_e = 0.5 * 0.6 + 0.5 * 0.4 = 0.5, kappa = 0.4.
        ((20, 5, 10, 15), 0.7, 0.4),
        # Its two tables with the same agreement (0.6) and different kappas.
        ((45, 15, 25, 15), 0.6, 0.1304),
        ((25, 35, 5, 35), 0.6, 0.2593),
    ],
)
def test_cohen_kappa_textbook_examples(
    cells: tuple[int, int, int, int], observed: float, kappa: float
) -> None:
    a, b = table_to_labels(*cells)
    assert data.percent_agreement(a, b) == pytest.approx(observed)
    assert data.cohen_kappa(a, b) == pytest.approx(kappa, abs=1e-4)
    assert data.cohen_kappa(b, a) == pytest.approx(kappa, abs=1e-4)  # symmetric


def test_cohen_kappa_limits() -> None:
    labels = ["realised", "stalled", "too-early", "realised"]
    assert data.cohen_kappa(labels, labels) == 1
    # always opposite, each label used half the time by each: less than chance
    assert data.cohen_kappa(["x", "y"] * 5, ["y", "x"] * 5) == -1
    # one and the same label for every item: agreement by chance is certain, kappa undefined
    assert math.isnan(data.cohen_kappa(["x"] * 4, ["x"] * 4))
    with pytest.raises(ValueError):
        data.percent_agreement(["x"], ["x", "y"])
    with pytest.raises(ValueError):
        data.cohen_kappa([], [])


# ----------------------------------------------------------------------------------------------
# agreement and disagreements


def test_agreement_of_the_small_tables(small: data.Tables) -> None:
    numbers = data.agreement(small)
    assert (numbers["items"], numbers["agreed"], numbers["disagreed"]) == (3, 2, 1)
    assert numbers["percent"] == pytest.approx(200 / 3)
    # p_o = 2/3; A: stalled, not-realised, realised; B: not-realised x2, realised:
    # p_e = (1*0 + 1*2 + 1*1) / 9 = 1/3; kappa = (2/3 - 1/3) / (2/3) = 0.5
    assert numbers["kappa"] == pytest.approx(0.5)
    assert data.agreement_figures(small) == {
        "coded-items": 3,
        "coders-agreed": 2,
        "coders-disagreed": 1,
        "coders-percent": "66.7",
        "coders-kappa": "0.50",
        "reviewed-items": 0,
        "review-changed": 0,
    }


def test_disagreements_list_each_with_its_reconciliation(small: data.Tables) -> None:
    table = data.disagreements(small)
    assert table.index.tolist() == ["A1"]
    assert table.loc["A1"].tolist() == [
        "The talks grow.",
        "stalled",
        "not realised",
        "stalled",
        "The talks did meet once more.",
    ]
    assert table.columns.name == "number" and table.index.name is None
    # an item the coders agreed on has no reconciliation
    both = data.codings_by_item(small).set_index("id")
    assert pd.isna(both.loc["summit", "reconciled"])


def test_a_review_changes_the_final_status_but_not_the_agreement() -> None:
    # summit (agreed: realised) is reviewed as partly realised, dialogue (agreed) is reviewed
    # and kept, talks (reconciled: stalled) is reviewed as not realised.
    reviews = [
        ("summit", "review", "partly-realised", "Only one of the two summits counts."),
        ("dialogue", "review", "not-realised", "Checked again; the coding holds."),
        ("talks", "review", "not-realised", "The talks never became a body."),
    ]
    tables = small_tables(CODINGS + reviews, HISTORY)
    tables.agenda["status"] = statuses(["not-realised", "not-realised", "partly-realised"])
    both = data.codings_by_item(tables).set_index("id")
    assert both["reviewed"].tolist() == ["not-realised", "not-realised", "partly-realised"]
    assert both.loc["talks", "review_note"] == "The talks never became a body."
    assert both.loc["talks", "reconciled"] == "stalled"
    assert (both["reviewed"] == both["final"]).all()
    figures = data.agreement_figures(tables)
    # the agreement is the coders' own, as before the review
    assert figures["coders-agreed"] == 2 and figures["coders-kappa"] == "0.50"
    assert (figures["reviewed-items"], figures["review-changed"]) == (3, 2)
    # the disagreements table still shows how the reconciliation settled talks
    assert data.disagreements(tables).loc["A1", "reconciled"] == "stalled"


def test_the_disagreements_table_is_ready_to_read(small: data.Tables) -> None:
    table = figures.agenda_disagreements_table(small)
    assert table.frame.columns.tolist() == [
        "No.",
        "Item",
        "Coder A",
        "Coder B",
        "Reconciled",
        "Why",
    ]
    why = "The talks did meet once more."
    assert table.frame.values.tolist() == [
        ["A1", "The talks grow.", "Stalled", "Not realised", "Stalled", why]
    ]
    markup = table._repr_html_()
    assert "<caption>" in markup and "border=" not in markup and "reconciled<" not in markup
    assert '<th scope="row">A1</th>' in markup


def test_no_disagreement_gives_an_empty_table_and_full_agreement() -> None:
    agreed = [c for c in CODINGS if c[1] != "reconciliation" and c[0] != "talks"] + [
        ("talks", "coder-a", "stalled", ""),
        ("talks", "coder-b", "stalled", ""),
    ]
    tables = small_tables(agreed, HISTORY)
    assert data.disagreements(tables).empty
    assert data.agreement_figures(tables)["coders-kappa"] == "1.00"
    assert data.agreement_figures(tables)["coders-percent"] == "100"


def test_the_real_codings_agree_with_the_agenda(tables: data.Tables) -> None:
    both = data.codings_by_item(tables)
    assert len(both) == len(tables.agenda)
    differ = both[both["coder-a"] != both["coder-b"]]
    reconciled = tables.agenda_codings[tables.agenda_codings["coder"] == "reconciliation"]
    assert len(differ) == len(reconciled) == data.agreement(tables)["disagreed"]
    # the final status is the review's, else the reconciliation's, else the agreed one
    reviewed = both["reviewed"].notna()
    assert (both.loc[reviewed, "reviewed"] == both.loc[reviewed, "final"]).all()
    unreviewed = differ[differ["reviewed"].isna()]
    assert (unreviewed["reconciled"] == unreviewed["final"]).all()
    agreed = both[(both["coder-a"] == both["coder-b"]) & ~reviewed]
    assert (agreed["coder-a"] == agreed["final"]).all()
    assert both.loc[reviewed, "review_note"].astype(str).str.strip().astype(bool).all()
    assert len(data.disagreements(tables)) == len(differ)


def test_the_record_is_checked_through_the_latest_as_of(tables: data.Tables) -> None:
    through = data.checked_through(tables)
    assert through == tables.agenda["as_of"].max().date()
    newest = max(tables.events["date_start"])
    assert pd.Timestamp(through) <= newest + pd.offsets.YearEnd(0)


# ----------------------------------------------------------------------------------------------
# the history


def test_spells_run_from_change_to_change_and_to_the_record_date(small: data.Tables) -> None:
    spells = data.status_spells(small)
    assert spells["number"].tolist() == ["A1", "A1", "A2", "A3", "A3", "A3"]
    assert spells["start"].min() == pd.Timestamp("2009-12-01")
    for _, item in spells.groupby("item_id", sort=False):
        assert (item["end"].iloc[:-1].tolist()) == item["start"].iloc[1:].tolist()
        assert item["current"].tolist() == [False] * (len(item) - 1) + [True]
    # the last stretch of every item runs to the date the record was checked through
    assert set(spells.loc[spells["current"], "end"]) == {pd.Timestamp("2025-11-24")}
    assert data.status_spells(small, until=pd.Timestamp("2026-01-01"))["end"].max() == (
        pd.Timestamp("2026-01-01")
    )


def test_changes_name_each_move_in_plain_words(small: data.Tables) -> None:
    changes = data.status_changes(small)
    assert changes[["number", "from", "to"]].values.tolist() == [
        ["A1", "too early to tell", "stalled"],
        ["A3", "too early to tell", "partly realised"],
        ["A3", "partly realised", "realised"],
    ]
    assert changes["date"].dt.year.tolist() == [2011, 2015, 2019]


def test_every_real_item_has_a_history_ending_on_its_status(tables: data.Tables) -> None:
    spells = data.status_spells(tables)
    last = spells[spells["current"]].set_index("item_id")["status"].astype(str)
    final = tables.agenda.set_index("id")["status"].astype(str)
    assert last.sort_index().to_dict() == final.sort_index().to_dict()


# ----------------------------------------------------------------------------------------------
# the figure


def test_the_figure_draws_one_row_per_item_and_one_trace_per_status(small: data.Tables) -> None:
    chart = figures.agenda_history_chart(small)
    traces = chart.figure.data
    # one trace per status that occurs (none is reversed), in the scale's order
    assert [t.name for t in traces] == [
        "realised",
        "partly realised",
        "stalled",
        "not realised",
        "too early to tell",
    ]
    assert sorted({y for t in traces for y in t.y}) == ["A1", "A2", "A3"]
    assert list(chart.figure.layout.yaxis.categoryarray) == ["A1", "A2", "A3"]
    # the bars of one item tile the time from the paper's date to the record date
    spans = sum(x for t in traces for y, x in zip(t.y, t.x, strict=True) if y == "A3")
    days = (pd.Timestamp("2025-11-24") - pd.Timestamp("2009-12-01")).days
    assert spans == pytest.approx(days * 86_400_000)


def test_status_is_never_told_by_colour_alone(small: data.Tables) -> None:
    assert STATUS_PATTERNS.keys() == STATUS_COLOURS.keys() == set(SCALE)
    assert len(set(STATUS_PATTERNS.values())) == len(SCALE)  # a pattern of its own each
    chart = figures.agenda_history_chart(small)
    for trace in chart.figure.data:
        status = next(s for s in SCALE if PLAIN[s] == trace.name)
        assert trace.marker.color == STATUS_COLOURS[status]  # the scorecard's colours
        assert trace.marker.pattern.shape == STATUS_PATTERNS[status]
        # the pattern's ink is a name, which the dark-mode swap (by value) leaves alone
        assert trace.marker.pattern.fgcolor not in DARK


def test_data_text_is_escaped_in_the_figure(small: data.Tables) -> None:
    chart = figures.agenda_history_chart(small)
    hover = " ".join(h for t in chart.figure.data for h in t.hovertext)
    assert "<script>" not in hover and "&lt;script&gt;" in hover
    assert "Summit &lt;script&gt;" in hover  # the event that moved A3
    assert "<script>" not in chart._repr_html_()


def test_the_figure_in_words_says_what_moved_when(small: data.Tables) -> None:
    spells = data.status_spells(small)
    text = figures.agenda_history_summary(
        spells, data.status_changes(small), until=pd.Timestamp("2025-11-24")
    )
    assert "3 items from 1 December 2009" in text and "to 24 November 2025" in text
    assert "At the start, 1 not realised and 2 too early to tell." in text
    assert "2 of the 3 items changed status, 1 of them more than once" in text
    assert "In 2011: A1 to stalled." in text
    assert "In 2015: A3 to partly realised." in text and "In 2019: A3 to realised." in text
    assert text.endswith("At the end, 1 realised, 1 stalled and 1 not realised.")
    assert "_" not in text


def test_the_data_table_is_the_history(small: data.Tables) -> None:
    table = figures.agenda_history_data(small)
    assert table.filename == "agenda_history.csv"
    assert table.frame.columns.tolist() == ["number", "item", "date", "status", "evidence", "note"]
    assert len(table.frame) == len(HISTORY)
    assert table.frame["date"].iloc[0] == "2009-12-01"


def test_the_real_figure_draws(tables: data.Tables) -> None:
    chart = figures.agenda_history_chart(tables)
    rows = {y for t in chart.figure.data for y in t.y}
    assert rows == set(data.agenda_items(tables)["number"])
    assert 'class="nea-chart"' in chart._repr_html_() and "In words:" in chart._repr_html_()


# ----------------------------------------------------------------------------------------------
# the afterword's codebook and exclusions


def test_the_codebook_names_each_rule_and_counts_its_items() -> None:
    rules = [
        {
            "id": "evidence",
            "title": "What counts",
            "applies_to": "any",
            "status": "",
            "text": "Only *dated* events.",
        },
        {
            "id": "r-stalled",
            "title": "Stopped",
            "applies_to": "proposal",
            "status": "stalled",
            "text": "It began and stopped.",
        },
    ]
    agenda = [{"rule": "r-stalled"}, {"rule": "r-stalled"}]
    text = codebook_markdown(rules, agenda)
    assert ":name: agenda-rule-evidence" in text and ":name: agenda-rule-r-stalled" in text
    assert "a general rule: yields no status" in text
    assert "yields **stalled** (`stalled`) · applies to proposals only · decided 2 items" in text
    assert "Only \\*dated\\* events." in text


def test_every_item_links_the_rule_that_decided_it() -> None:
    agenda = read_rows(paths.DATA_DIR / "agenda.csv")
    events = read_rows(paths.DATA_DIR / "events.csv")
    text = items_markdown(agenda, events)
    for row in agenda:
        assert f"{{ref}}`agenda-rule-{row['rule']}`" in text
    rules = read_rows(paths.DATA_DIR / "agenda_rules.csv")
    codebook = codebook_markdown(rules, agenda)
    assert all(f":name: agenda-rule-{r['id']}" in codebook for r in rules)


def test_the_exclusions_list_each_statement_with_its_page_and_reason() -> None:
    rows = [
        {"id": "x", "section": "book/05-conclusion", "statement": f"A {XSS}", "reason": "Vague."}
    ]
    text = excluded_markdown(rows)
    assert text == (
        "- From {doc}`/book/05-conclusion`: A \\<script\\>alert(1)\\</script\\>"
        " *Not scored:* Vague.\n"
    )
    assert "Every statement" in excluded_markdown([])
