"""The agenda scorecard: numbering, counts, the pattern figures, the figure and the item list.

Every number the afterword states comes from these functions, so they are tested on the real
table (whatever it holds, the arithmetic must agree) and on small frames where the answer is
known.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from nea_edition import data, figures, paths
from nea_edition.data.agenda import PLAIN, section_number
from nea_edition.figures.agenda import scorecard_positions
from nea_edition.site.agenda_directive import items_markdown, links_markdown, scale_markdown
from nea_edition.site.endnotes_directive import read_rows


@pytest.fixture(scope="module")
def tables() -> data.Tables:
    return data.load_tables()


def test_items_are_numbered_in_the_tables_order(tables: data.Tables) -> None:
    items = data.agenda_items(tables)
    assert items["number"].tolist() == [f"A{i}" for i in range(1, len(items) + 1)]
    assert items["id"].tolist() == tables.agenda["id"].tolist()
    assert section_number("book/03-lee-government/strategic-alliance") == 3
    assert section_number("book/05-conclusion") == 5
    # the table runs in the paper's order: sections never go backwards
    assert items["section_number"].is_monotonic_increasing


def test_every_step_of_the_scale_is_counted_and_the_counts_add_up(tables: data.Tables) -> None:
    counts = data.status_counts(tables)
    scale = [value for value, _ in data.scale()]
    assert counts.index.tolist() == scale
    assert int(counts.sum()) == len(tables.agenda)
    assert all(definition for _, definition in data.scale())  # each step is defined


def test_outcomes_by_scope_for_proposals(tables: data.Tables) -> None:
    table = data.outcomes_by(tables, "scope", kind="proposal")
    proposals = tables.agenda[tables.agenda["kind"] == "proposal"]
    assert int(table["items"].sum()) == len(proposals)
    assert (table["at_least_in_part"] == table["realised"] + table["partly-realised"]).all()
    assert table["came_about"].between(0, 1).all()
    assert table["came_about"].is_monotonic_decreasing


def test_the_outcome_tables_are_ready_to_read(tables: data.Tables) -> None:
    """The afterword's counts: headings in words, rows named, numbers right-aligned, no pandas;
    groups across and measures down, so that the table is narrow (phone, A4 column)."""
    for column, kind in (("scope", "proposal"), ("domain", "proposal"), ("kind", None)):
        counts = data.outcomes_by(tables, column, kind=kind)
        table = figures.agenda_outcomes_table(tables, column, kind=kind)
        frame = table.frame.set_index(table.frame.columns[0])
        assert table.frame.columns[0] == column.capitalize()
        assert len(table.frame.columns) <= 6
        # the groups are words, not slugs, in outcomes_by's order
        assert frame.columns.tolist() == [str(v).capitalize() for v in counts.index]
        # no internal name survives as a heading
        for internal in ("at_least_in_part", "came_about", "partly-realised", "items"):
            assert internal not in frame.index
        assert frame.loc["Items"].tolist() == counts["items"].tolist()
        assert (
            frame.loc["Realised at least in part"].tolist() == counts["at_least_in_part"].tolist()
        )
        assert frame.loc["Came about (score 0 to 1)"].tolist() == [
            f"{v:.2f}" for v in counts["came_about"]
        ]
        # a step of the scale no group reached has no row; every other step has one
        for step, plain in PLAIN.items():
            reached = step in counts.columns and int(counts[step].sum()) > 0
            assert (plain.capitalize() in frame.index) == reached, step
        frame = table.frame
        assert set(table.numeric) == set(frame.columns[1:])
        assert table.caption
        markup = table._repr_html_()
        assert "border=" not in markup and "dataframe" not in markup
        assert f"<caption>{table.caption}</caption>" in markup
        assert markup.count('<th scope="row">') == len(frame)
        assert '<td class="nea-num">' in markup
        assert f'class="nea-num">{frame.columns[1]}</th>' in markup
        assert 'role="region"' in markup and "nea-reader-table" in markup


def test_a_reader_table_escapes_and_aligns() -> None:
    frame = pd.DataFrame({"Name": ["<b>x</b>", "y"], "Count": [3, None], "Note": ["a", ""]})
    markup = figures.ReaderTable(frame, caption="A & B", numeric=("Count",))._repr_html_()
    assert "<b>x</b>" not in markup and "&lt;b&gt;x&lt;/b&gt;" in markup
    assert "<caption>A &amp; B</caption>" in markup and 'aria-label="A &amp; B"' in markup
    assert '<th scope="row">&lt;b&gt;x&lt;/b&gt;</th>\n<td class="nea-num">3</td>' in markup
    # empty cells are the data tables' em dash, not "None" or "<NA>"
    assert "None" not in markup and "&lt;NA&gt;" not in markup and "nea-empty" in markup
    assert "data-nea-table" not in markup  # no sorting or search controls on a table to read


def test_pattern_figures_agree_with_the_table(tables: data.Tables) -> None:
    numbers = data.pattern_figures(tables)
    agenda = tables.agenda
    assert numbers["total"] == len(agenda)
    assert numbers["proposal"] + numbers["expectation"] + numbers["condition"] == len(agenda)
    proposals = agenda[agenda["kind"] == "proposal"]
    for scope in proposals["scope"].astype(str).unique():
        group = proposals[proposals["scope"] == scope]
        assert numbers[f"proposals-{scope}"] == len(group)
        done = group["status"].isin(["realised", "partly-realised"]).sum()
        assert numbers[f"proposals-{scope}-in-part"] == done
    assert numbers["proposals-in-part"] <= numbers["proposal"]


def test_the_scorecard_stacks_each_section_best_outcome_first() -> None:
    statuses = pd.Categorical(
        ["not-realised", "realised", "partly-realised", "realised"],
        categories=[value for value, _ in data.scale()],
    )
    items = pd.DataFrame(
        {
            "number": ["A1", "A2", "A3", "A10"],
            "section_number": [3, 3, 3, 4],
            "status": statuses,
        }
    )
    placed = scorecard_positions(items).set_index("number")
    assert placed.loc[["A2", "A3", "A1"], "row"].tolist() == [0, 1, 2]
    assert placed.loc["A10", "row"] == 0  # a new column starts at the top


def test_the_figure_has_one_trace_per_outcome_with_its_count(tables: data.Tables) -> None:
    chart = figures.agenda_chart(tables)
    counts = data.status_counts(tables)
    names = [trace.name for trace in chart.figure.data]
    assert names == [f"{PLAIN[s]} ({counts[s]})" for s in counts.index]
    shown = sorted(t for trace in chart.figure.data for t in trace.text)
    assert shown == sorted(data.agenda_items(tables)["number"])
    assert "items" in chart.summary and str(len(tables.agenda)) in chart.summary
    assert "_" not in chart.summary  # plain words, no internal ids
    html = chart._repr_html_()
    assert 'class="nea-chart"' in html and "In words:" in html


def test_the_item_list_links_every_item_and_its_evidence() -> None:
    agenda = read_rows(paths.DATA_DIR / "agenda.csv")
    events = read_rows(paths.DATA_DIR / "events.csv")
    text = items_markdown(agenda, events)
    for row in agenda:
        assert f":name: agenda-{row['id']}" in text
        assert f"{{doc}}`/{row['section']}`" in text
    first = agenda[0]["evidence"].split(";")[0]
    date = next(e["date"] for e in events if e["id"] == first)
    assert f"- {date}: " in text


def test_data_text_is_escaped_in_the_item_list() -> None:
    row = {
        "id": "x",
        "section": "book/05-conclusion",
        "kind": "proposal",
        "item": "Do *this* <script>",
        "actors": "ROK",
        "scope": "bilateral",
        "domain": "security",
        "status": "realised",
        "as_of": "2026-12-01",
        "assessment": "It [happened](http://example.org).",
        "evidence": "2000-e",
        "source": "kim2009regionalism",
        "note": "",
    }
    event = {"id": "2000-e", "date": "2000", "event": "`code`", "source": "https://a.org/x"}
    text = items_markdown([row], [event])
    assert "\\*this\\*" in text and "\\<script\\>" in text
    assert "\\[happened\\]" in text and "\\`code\\`" in text


def test_a_section_page_lists_its_own_items_only() -> None:
    agenda = read_rows(paths.DATA_DIR / "agenda.csv")
    page = agenda[0]["section"]
    text = links_markdown(agenda, page)
    mine = [r["id"] for r in agenda if r["section"] == page]
    assert all(f"agenda-{i}" in text for i in mine)
    assert text.count("{ref}") == len(mine)
    assert "no item" in links_markdown(agenda, "book/02-strategic-thought/index")


def test_the_scale_on_the_page_comes_from_the_schema() -> None:
    descriptor = json.loads((paths.DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
    text = scale_markdown(descriptor)
    for value, definition in data.scale():
        assert f"(`{value}`)" in text and definition in text
