"""The editorial lists are data too: the paper's sections and the Index's curated forms.

Each rule of ``checks.validation._editorial_problems`` has a fixture here that breaks it once,
on a copy of the small valid data set, and the problem is located by file, line, column and
value. The lists are also what the site uses: the Index's vocabulary and the afterword's
section names come from them.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from nea_edition.checks.validation import validate
from nea_edition.site import index_entries

VALID = Path(__file__).parent / "fixtures" / "data" / "valid"
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    shutil.copytree(VALID / "data", tmp_path / "data")
    shutil.copy(VALID / "references.bib", tmp_path / "references.bib")
    return tmp_path


def replace(root: Path, table: str, old: str, new: str) -> None:
    path = root / "data" / f"{table}.csv"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems(root: Path, rule: str) -> list[tuple]:
    found = validate(root / "data", root / "references.bib")
    return [(p.file, p.line, p.column, p.value) for p in found if p.rule == rule]


def test_the_fixture_is_valid(root: Path) -> None:
    assert validate(root / "data", root / "references.bib") == []


def test_a_variant_must_be_a_regular_expression(root: Path) -> None:
    replace(root, "index_forms", "Six-Party(?!", "Six-Party((?!")
    [(file, line, column, value)] = problems(root, "bad-pattern")
    assert (file.endswith("index_forms.csv"), line, column) == (True, 2, "value")
    assert value.startswith("Six-Party((")


def test_an_institution_rule_names_an_institution(root: Path) -> None:
    replace(root, "index_forms", "TCOG,not-abbreviation", "NOPE,not-abbreviation")
    assert [
        (line, column, value) for _, line, column, value in problems(root, "unknown-institution")
    ] == [(3, "subject", "NOPE")]


def test_subentry_of_names_another_institution(root: Path) -> None:
    replace(root, "index_forms", "TCOG,not-abbreviation,,", "TCOG,subentry-of,TCOG,")
    assert [(line, value) for _, line, _, value in problems(root, "unknown-institution")] == [
        (3, "TCOG")
    ]


def test_a_rule_without_value_takes_none(root: Path) -> None:
    replace(root, "index_forms", "Kim,never-alone,,", "Kim,never-alone,Kim,")
    assert [(line, value) for _, line, _, value in problems(root, "value-not-empty")] == [
        (4, "Kim")
    ]


def test_a_section_page_starts_with_its_number(root: Path) -> None:
    replace(root, "paper_sections", "book/05-conclusion", "book/06-conclusion")
    assert [(line, column) for _, line, column, _ in problems(root, "section-page")] == [
        (6, "page")
    ]


def test_sections_are_numbered_without_a_gap(root: Path) -> None:
    replace(
        root, "paper_sections", "5,Conclusion,book/05-conclusion", "7,Conclusion,book/07-conclusion"
    )
    assert [value for *_, value in problems(root, "section-numbers")] == ["1,2,3,4,7"]


def test_a_section_page_exists_in_the_book(root: Path) -> None:
    (root / "book").mkdir()
    replace(root, "paper_sections", "book/05-conclusion,", "book/05-nowhere,")
    lines = [line for _, line, _, _ in problems(root, "unknown-page")]
    assert 6 in lines  # the missing page; the others are missing too in this bare fixture


def test_the_index_reads_its_forms_from_the_data() -> None:
    forms = index_entries.index_forms(ROOT / "data")
    assert "TCS" in forms.not_abbreviations
    assert forms.subentry_of["NEAPSM_WG"] == "SPT"
    assert "Kim" in forms.never_alone
    summit = next(
        t for t in index_entries.vocabulary(ROOT / "data") if t.entry.startswith("China-Japan-ROK")
    )
    assert any(p.search("the China\u2013Japan\u2013Korea summit") for p in summit.patterns)
    assert not any(p.search("the TCS") for p in summit.patterns)


def test_the_afterword_names_sections_from_the_data() -> None:
    from nea_edition import data

    tables = data.load_tables(VALID / "data", validate=False)
    assert data.agenda.section_names(tables)[2] == "Korea's evolving strategic thought"
