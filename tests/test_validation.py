"""The data validator: one fixture per rule, each problem located by file, line, column, value.

Each test copies the small valid data set in ``tests/fixtures/data/valid`` to a temporary
folder, breaks one rule by rewriting one line, and checks that exactly that problem comes out,
with the location a reader needs to fix it.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nea_edition import paths
from nea_edition.checks.errors import Problem
from nea_edition.checks.validation import main, parse_partial_date, validate

VALID = Path(__file__).parent / "fixtures" / "data" / "valid"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A writable copy of the valid fixture: ``root/data/*.csv`` and ``root/references.bib``."""
    shutil.copytree(VALID / "data", tmp_path / "data")
    shutil.copy(VALID / "references.bib", tmp_path / "references.bib")
    return tmp_path


def set_line(root: Path, table: str, line: int, text: str) -> None:
    """Replace physical line ``line`` (1 = header) of ``data/<table>.csv`` with ``text``."""
    path = root / "data" / f"{table}.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[line - 1] = text
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def add_line(root: Path, table: str, text: str) -> int:
    """Append a row; returns its line number."""
    path = root / "data" / f"{table}.csv"
    content = path.read_text(encoding="utf-8")
    path.write_text(content + text + "\n", encoding="utf-8")
    return content.count("\n") + 1


def section_pages(root: Path) -> None:
    """The edition's page for every section of ``paper_sections.csv`` (the pages must exist)."""
    text = (root / "data" / "paper_sections.csv").read_text(encoding="utf-8")
    for page in re.findall(r"^\d+,[^,]*,(book/[^,]+),", text, flags=re.M):
        path = root / f"{page}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.is_file():
            path.write_text("# Section\n", encoding="utf-8")


def run(root: Path) -> list[Problem]:
    return validate(root / "data", root / "references.bib")


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, "\n".join(map(str, problems))
    return problems[0]


def located(problem: Problem) -> tuple:
    return (problem.file, problem.line, problem.column, problem.value, problem.rule)


# ------------------------------------------------------------------------------- baseline


def test_valid_fixture_has_no_problems(root: Path) -> None:
    assert run(root) == []


def test_html_in_a_cell_is_ordinary_text(root: Path) -> None:
    """Markup in a cell is data: the validator accepts it; pages and charts escape it."""
    set_line(
        root,
        "acting_presidents",
        2,
        "Goh Kun,고건,2004-03-12,2004-05-14,<script>alert(1)</script>,"
        'http://faninu.com/biography-full-272325,"<b>bold</b> & <img src=x onerror=alert(1)>"',
    )
    assert run(root) == []


# ------------------------------------------------------------------------------- dates


def test_impossible_date_in_a_date_column(root: Path) -> None:
    set_line(
        root,
        "acting_presidents",
        2,
        "Goh Kun,고건,2004-02-30,2004-05-14,acting,http://faninu.com/biography-full-272325,",
    )
    problem = only(run(root))
    assert located(problem) == (
        "data/acting_presidents.csv",
        2,
        "start",
        "2004-02-30",
        "type",
    )
    assert "YYYY-MM-DD" in problem.message


def test_impossible_partial_date(root: Path) -> None:
    set_line(
        root,
        "events",
        3,
        "2005-spt-joint-statement,2005-09-31,Joint statement,SPT,kim2009regionalism,,",
    )
    assert located(only(run(root))) == ("data/events.csv", 3, "date", "2005-09-31", "real-date")


def test_impossible_month_in_a_founding_date(root: Path) -> None:
    set_line(
        root,
        "institutions",
        5,
        "SPT,Six-Party Talks,SPT,2003-13-27,,1,Northeast Asia,negotiation,kim2009regionalism,",
    )
    assert located(only(run(root))) == (
        "data/institutions.csv",
        5,
        "founded",
        "2003-13-27",
        "real-date",
    )


def test_date_of_the_wrong_shape(root: Path) -> None:
    set_line(
        root,
        "events",
        3,
        "2005-spt-joint-statement,19 Sept 2005,Joint statement,SPT,kim2009regionalism,,",
    )
    problem = only(run(root))
    assert located(problem) == ("data/events.csv", 3, "date", "19 Sept 2005", "pattern")


def test_end_before_start(root: Path) -> None:
    set_line(
        root,
        "acting_presidents",
        2,
        "Goh Kun,고건,2004-03-12,2004-03-02,acting,http://faninu.com/biography-full-272325,",
    )
    assert located(only(run(root))) == (
        "data/acting_presidents.csv",
        2,
        "end",
        "2004-03-02",
        "end-before-start",
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2009", ("2009-01-01", "year")),
        ("2009-12", ("2009-12-01", "month")),
        ("2024-02-29", ("2024-02-29", "day")),
        ("2023-02-29", None),
        ("2009-00", None),
        ("09-12-01", None),
    ],
)
def test_parse_partial_date(text: str, expected: tuple[str, str] | None) -> None:
    parsed = parse_partial_date(text)
    assert (parsed[0].isoformat(), parsed[1]) == expected if parsed else expected is None


# ------------------------------------------------------------------------------- presidential terms


def test_overlapping_terms(root: Path) -> None:
    # Roh's term (line 3) starts before Kim Dae-jung's ended on 2003-02-24.
    path = root / "data" / "administrations.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "Roh Moo-hyun,노무현,2003-02-25", "Roh Moo-hyun,노무현,2003-02-01"
        ),
        encoding="utf-8",
    )
    problem = only(run(root))
    assert located(problem) == (
        "data/administrations.csv",
        3,
        "term_start",
        "2003-02-01",
        "terms-overlap",
    )
    assert "Kim Dae-jung (line 2)" in problem.message


def test_terms_out_of_order(root: Path) -> None:
    path = root / "data" / "administrations.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    # Move Kim Dae-jung (line 2) below Roh Moo-hyun (lines 3-4, a two-line note).
    path.write_text("".join([lines[0], lines[2], lines[3], lines[1], *lines[4:]]), "utf-8")
    problem = only(run(root))
    assert located(problem) == (
        "data/administrations.csv",
        4,
        "term_start",
        "1998-02-25",
        "terms-order",
    )


def test_only_the_last_term_may_be_open(root: Path) -> None:
    set_line(
        root,
        "administrations",
        2,
        "Kim Dae-jung,김대중,1998-02-25,,term completed,East Asia,Sunshine Policy,true,"
        "kim2009regionalism,",
    )
    problems = run(root)
    assert [located(p) for p in problems] == [
        ("data/administrations.csv", 2, "end_reason", "term completed", "incumbent"),
        ("data/administrations.csv", 2, "term_end", "", "open-term"),
    ]


# ------------------------------------------------------------------------------- memberships


def test_unknown_country(root: Path) -> None:
    line = add_line(root, "memberships", "APEC,XKX,1990,,member,kim2009regionalism,")
    problem = only(run(root))
    assert located(problem) == ("data/memberships.csv", line, "country", "XKX", "foreign-key")
    assert "countries.csv" in problem.message


def test_unknown_institution_in_events(root: Path) -> None:
    line = add_line(
        root,
        "events",
        "2008-cjk-summit,2008-12-13,First stand-alone summit,CJK,kim2009regionalism,,",
    )
    assert located(only(run(root))) == (
        "data/events.csv",
        line,
        "institution",
        "CJK",
        "foreign-key",
    )


def test_joined_after_left(root: Path) -> None:
    set_line(root, "memberships", 9, "TCOG,KOR,2003,2001,member,kim2009regionalism,")
    problem = only(run(root))
    assert located(problem) == (
        "data/memberships.csv",
        9,
        "joined",
        "2003",
        "joined-after-left",
    )


def test_joined_before_founding(root: Path) -> None:
    set_line(root, "memberships", 2, "APEC,KOR,1988,,member,kim2009regionalism,")
    problem = only(run(root))
    assert located(problem) == (
        "data/memberships.csv",
        2,
        "joined",
        "1988",
        "joined-before-founding",
    )
    assert "1989" in problem.message and "institutions.csv line 2" in problem.message


def test_joined_after_the_body_ended(root: Path) -> None:
    line = add_line(root, "memberships", "TCOG,CHN,2005,,member,kim2009regionalism,")
    assert located(only(run(root))) == (
        "data/memberships.csv",
        line,
        "joined",
        "2005",
        "joined-after-end",
    )


def test_left_after_the_body_ended(root: Path) -> None:
    set_line(root, "memberships", 9, "TCOG,KOR,1999,2007,member,kim2009regionalism,")
    assert located(only(run(root))) == (
        "data/memberships.csv",
        9,
        "left",
        "2007",
        "left-after-end",
    )


def test_overlapping_stretches_of_one_member(root: Path) -> None:
    line = add_line(root, "memberships", "APEC,KOR,1995,,observer,kim2009regionalism,")
    problem = only(run(root))
    assert located(problem) == (
        "data/memberships.csv",
        line,
        "joined",
        "1995",
        "membership-overlap",
    )


def test_change_of_status_within_a_year_is_allowed(root: Path) -> None:
    set_line(root, "memberships", 7, "ARF,KOR,1994,1996,observer,kim2009regionalism,")
    add_line(root, "memberships", "ARF,KOR,1996,,participant,kim2009regionalism,")
    assert run(root) == []


def test_unknown_status(root: Path) -> None:
    set_line(root, "memberships", 2, "APEC,KOR,1989,,founder,kim2009regionalism,")
    problem = only(run(root))
    assert located(problem) == ("data/memberships.csv", 2, "status", "founder", "enum")
    assert "member | observer" in problem.message


def test_year_that_is_not_a_number(root: Path) -> None:
    set_line(root, "memberships", 2, "APEC,KOR,c. 1989,,member,kim2009regionalism,")
    assert located(only(run(root))) == ("data/memberships.csv", 2, "joined", "c. 1989", "type")


# ------------------------------------------------------------------------------- sources


def test_missing_source(root: Path) -> None:
    set_line(
        root,
        "institutions",
        3,
        "ARF,ASEAN Regional Forum,ARF,1994-07-25,,1,Asia-Pacific,security dialogue,,",
    )
    assert located(only(run(root))) == ("data/institutions.csv", 3, "source", "", "required")


def test_unknown_bib_key_in_source(root: Path) -> None:
    set_line(root, "memberships", 2, "APEC,KOR,1989,,member,kim2009regionalsim,")
    problem = only(run(root))
    assert located(problem) == (
        "data/memberships.csv",
        2,
        "source",
        "kim2009regionalsim",
        "unknown-bib-key",
    )
    assert "references.bib" in problem.message


def test_unknown_bib_key_in_endnote_keys(root: Path) -> None:
    set_line(
        root,
        "endnotes",
        2,
        "1,book/01-introduction,calder2004regionalism; nosuchkey1999,pp. 191\u2013226,citation,",
    )
    assert located(only(run(root))) == (
        "data/endnotes.csv",
        2,
        "keys",
        "nosuchkey1999",
        "unknown-bib-key",
    )


@pytest.mark.parametrize(
    ("row", "column", "rule"),
    [
        ("1,book/01-introduction,calder2004regionalism,pp. 191-226,citation,", "pages", "pages"),
        ("1,book/01-introduction,,,comment,", "comment", "endnote-kind"),
        (
            "1,book/01-introduction,calder2004regionalism,,citation,A remark.",
            "comment",
            "endnote-kind",
        ),
    ],
)
def test_endnote_rows_follow_the_concordance_rules(
    root: Path, row: str, column: str, rule: str
) -> None:
    set_line(root, "endnotes", 2, row)
    problem = only(run(root))
    assert (problem.file, problem.line, problem.column, problem.rule) == (
        "data/endnotes.csv",
        2,
        column,
        rule,
    )


def test_the_editions_concordance_covers_every_note_and_page(tmp_path: Path) -> None:
    """Inside a book, a missing note and a row pointing at no page are both reported."""
    book = tmp_path / "book-root"
    shutil.copytree(paths.DATA_DIR, book / "data")
    shutil.copytree(paths.BOOK_DIR, book / "book")
    shutil.copy(paths.BIB_FILE, book / "references.bib")
    (book / "_config.yml").write_text("title: t\n", encoding="utf-8")
    endnotes = book / "data" / "endnotes.csv"
    lines = endnotes.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = lines[1].replace("book/01-introduction", "book/no-such-page", 1)
    del lines[2]  # note 2
    endnotes.write_text("".join(lines), encoding="utf-8")
    found = {(p.line, p.column, p.value, p.rule) for p in validate(book / "data")}
    assert (2, "section", "book/no-such-page", "unknown-section") in found
    assert (None, "note", "2", "missing-note") in found


def test_source_url_without_host(root: Path) -> None:
    set_line(root, "memberships", 2, "APEC,KOR,1989,,member,https://,")
    assert located(only(run(root))) == ("data/memberships.csv", 2, "source", "https://", "bad-url")


def test_missing_bibliography(root: Path) -> None:
    (root / "references.bib").unlink()
    problem = only(run(root))
    assert (problem.file, problem.line, problem.rule) == ("references.bib", None, "missing-file")


# ------------------------------------------------------------------------------- keys


def test_duplicate_key(root: Path) -> None:
    line = add_line(
        root,
        "institutions",
        "APEC,Asia-Pacific Economic Cooperation (again),APEC 2,1989,,1,Asia-Pacific,economic forum,"
        "kim2009regionalism,",
    )
    problem = only(run(root))
    assert located(problem) == ("data/institutions.csv", line, "id", "APEC", "duplicate-key")
    assert "line 2" in problem.message


def test_duplicate_composite_key(root: Path) -> None:
    line = add_line(root, "memberships", "APEC,KOR,1989,,observer,kim2009regionalism,")
    problems = run(root)
    # The duplicate key is reported; the same member starting twice is an overlap as well.
    assert (
        "data/memberships.csv",
        line,
        "institution+country+joined",
        "APEC+KOR+1989",
        "duplicate-key",
    ) in [located(p) for p in problems]


# ------------------------------------------------------------------------------- display names


def test_two_bodies_may_not_share_a_short_name(root: Path) -> None:
    """A figure labels bodies by short_name: two alike would be one column to a reader."""
    set_line(
        root,
        "institutions",
        3,
        "ARF,ASEAN Regional Forum,APEC,1994-07-25,,1,Asia-Pacific,security dialogue,"
        "kim2009regionalism,",
    )
    problem = only(run(root))
    assert located(problem) == ("data/institutions.csv", 3, "short_name", "APEC", "unique")
    assert "line 2" in problem.message


def test_a_short_name_is_not_an_identifier(root: Path) -> None:
    set_line(
        root,
        "institutions",
        5,
        "SPT,Six-Party Talks,SIX_PARTY,2003-08-27,,1,Northeast Asia,negotiation,"
        "kim2009regionalism,",
    )
    assert located(only(run(root))) == (
        "data/institutions.csv",
        5,
        "short_name",
        "SIX_PARTY",
        "pattern",
    )


def test_a_short_name_fits_on_an_axis(root: Path) -> None:
    name = "Trilateral coordination group"
    set_line(
        root,
        "institutions",
        4,
        f"TCOG,Trilateral Coordination and Oversight Group,{name},1999,2003,1,Northeast Asia,"
        "policy coordination,kim2009regionalism,",
    )
    problem = only(run(root))
    assert located(problem) == ("data/institutions.csv", 4, "short_name", name, "maxLength")
    assert "at most 16 characters" in problem.message


def test_every_body_of_the_edition_has_a_plain_short_name() -> None:
    """The summit and the secretariat are told apart: CJK summit and TCS."""
    root = Path(__file__).resolve().parents[1]
    with (root / "data" / "institutions.csv").open(encoding="utf-8", newline="") as handle:
        short = {row["id"]: row["short_name"] for row in csv.DictReader(handle)}
    assert short["TCS"] == "CJK summit"
    assert short["TCS_SECRETARIAT"] == "TCS"
    assert all("_" not in name for name in short.values())


# ------------------------------------------------------------------------------- files


def test_wrong_header(root: Path) -> None:
    set_line(root, "countries", 1, "iso,name,subregion,kind,note")
    problem = only(run(root))
    assert located(problem) == (
        "data/countries.csv",
        1,
        None,
        "iso,name,subregion,kind,note",
        "header",
    )
    assert "iso3,name,subregion,kind,note" in problem.message


def test_missing_header(root: Path) -> None:
    path = root / "data" / "events.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[1:]), encoding="utf-8")
    problem = only(run(root))
    assert (problem.file, problem.line, problem.column, problem.rule) == (
        "data/events.csv",
        1,
        None,
        "missing-header",
    )
    assert problem.value.startswith("1994-arf-som-paper,1994-05,")
    assert "id,date,event,institution,source,note" in problem.message


def test_empty_file(root: Path) -> None:
    (root / "data" / "errata.csv").write_bytes(b"")
    problem = only(run(root))
    assert located(problem) == ("data/errata.csv", None, None, None, "empty-file")
    assert "note,key,field,printed,corrected,source,explanation" in problem.message


def test_missing_file(root: Path) -> None:
    (root / "data" / "errata.csv").unlink()
    assert located(only(run(root))) == ("data/errata.csv", None, None, None, "missing-file")


def test_bytes_that_are_not_utf8(root: Path) -> None:
    path = root / "data" / "countries.csv"
    raw = path.read_bytes().replace(b"Japan,", "Japon\xe9,".encode("latin-1"))
    path.write_bytes(raw)
    problem = only(run(root))
    assert located(problem) == ("data/countries.csv", 5, "name", "Japon\\xe9", "not-utf8")
    assert "0xE9" in problem.message and "character 10" in problem.message


def test_byte_order_mark(root: Path) -> None:
    path = root / "data" / "countries.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert only(run(root)).rule == "byte-order-mark"


def test_blank_line_and_stray_spaces(root: Path) -> None:
    set_line(root, "countries", 3, "")
    set_line(root, "countries", 4, "CHN, China,Northeast Asia,state,")
    problems = run(root)
    assert [located(p) for p in problems] == [
        ("data/countries.csv", 3, None, None, "blank-row"),
        ("data/countries.csv", 4, "name", " China", "whitespace"),
        # PRK's row was the blank line: its memberships now point nowhere.
        *[("data/memberships.csv", n, "country", "PRK", "foreign-key") for n in (8, 13)],
    ]


def test_extra_cell(root: Path) -> None:
    set_line(root, "countries", 8, "AUS,Australia,Oceania,state,,surplus")
    problem = only(run(root))
    assert (problem.file, problem.line, problem.rule) == ("data/countries.csv", 8, "extra-cell")


def test_unclosed_quote(root: Path) -> None:
    set_line(root, "countries", 8, 'AUS,"Australia,Oceania,state,')
    problem = only(run(root))
    assert (problem.file, problem.line, problem.rule) == ("data/countries.csv", 8, "csv-syntax")


def test_line_numbers_count_multiline_cells(root: Path) -> None:
    """Roh's note spans lines 3-4, so Lee Myung-bak's row is line 5, not row 4."""
    set_line(
        root,
        "administrations",
        5,
        "Lee Myung-bak,이명박,2008-02-25,,incumbent,pan-Pacific,Global Korea,yes,"
        "http://news.bbc.co.uk/2/hi/asia-pacific/7262117.stm,",
    )
    assert located(only(run(root))) == (
        "data/administrations.csv",
        5,
        "covered_by_paper",
        "yes",
        "type",
    )


def test_undescribed_table(root: Path) -> None:
    """A CSV that datapackage.json does not describe would reach the site unchecked."""
    (root / "data" / "treaties.csv").write_text("name,signed\nX,2009\n", encoding="utf-8")
    problem = only(run(root))
    assert located(problem) == ("data/treaties.csv", None, None, None, "undescribed-table")
    assert "treaties.csv" in problem.message and "datapackage.json" in problem.message


def test_only_csv_files_need_a_description(root: Path) -> None:
    (root / "data" / "notes.txt").write_text("scratch\n", encoding="utf-8")
    (root / "data" / "README.md").write_text("# data\n", encoding="utf-8")
    assert run(root) == []


# ------------------------------------------------------------------------ Global Korea circles


CIRCLE = "1,Good-neighbour relations,{order},Russia,Russia,{basis},d,{source},"


def test_circles_duplicate_ring_and_order(root: Path) -> None:
    line = add_line(
        root,
        "global_korea_circles",
        CIRCLE.format(order=2, basis="inferred", source="kim2009regionalism"),
    )
    problem = only(run(root))
    assert located(problem) == (
        "data/global_korea_circles.csv",
        line,
        "ring+order",
        "1+2",
        "duplicate-key",
    )
    assert "line 4" in problem.message


def test_circles_unknown_basis(root: Path) -> None:
    line = add_line(
        root,
        "global_korea_circles",
        CIRCLE.format(order=3, basis="guessed", source="kim2009regionalism"),
    )
    problem = only(run(root))
    assert located(problem) == ("data/global_korea_circles.csv", line, "basis", "guessed", "enum")
    assert "stated | inferred" in problem.message


def test_circles_unknown_source_key(root: Path) -> None:
    line = add_line(
        root,
        "global_korea_circles",
        CIRCLE.format(order=3, basis="inferred", source="bluehouse2009"),
    )
    assert located(only(run(root))) == (
        "data/global_korea_circles.csv",
        line,
        "source",
        "bluehouse2009",
        "unknown-bib-key",
    )


def test_circles_ring_and_order_bounds(root: Path) -> None:
    set_line(
        root,
        "global_korea_circles",
        5,
        "-1,Northeast Asia cooperative network,0,Northeast Asia cooperative network,"
        "network,stated,,kim2009regionalism,",
    )
    assert [located(p) for p in run(root)] == [
        ("data/global_korea_circles.csv", 5, "order", "0", "minimum"),
        ("data/global_korea_circles.csv", 5, "ring", "-1", "minimum"),
    ]


def test_circles_one_name_per_ring(root: Path) -> None:
    line = add_line(
        root,
        "global_korea_circles",
        "1,Good neighbours,3,Russia,Russia,inferred,d,kim2009regionalism,",
    )
    problem = only(run(root))
    assert located(problem) == (
        "data/global_korea_circles.csv",
        line,
        "ring_name",
        "Good neighbours",
        "ring-name",
    )
    assert "'Good-neighbour relations' on line 3" in problem.message


# ------------------------------------------------------------------------------- all at once


def test_many_problems_in_many_files_in_one_run(root: Path) -> None:
    set_line(root, "memberships", 2, "APEC,KOR,1988,,member,kim2009regionalism,")
    set_line(root, "countries", 1, "code,name,subregion,kind,note")
    (root / "data" / "errata.csv").write_bytes(b"")
    set_line(
        root,
        "events",
        3,
        "2005-spt-joint-statement,2005-02-30,Joint statement,SPT,kim2009regionalism,,",
    )
    set_line(root, "acting_presidents", 2, "Goh Kun,고건,2004-03-12,2004-05-14,acting,,")
    problems = run(root)
    seen = {(p.file, p.rule) for p in problems}
    assert {
        ("data/memberships.csv", "joined-before-founding"),
        ("data/countries.csv", "header"),
        ("data/errata.csv", "empty-file"),
        ("data/events.csv", "real-date"),
        ("data/acting_presidents.csv", "required"),
    } <= seen
    # A table that cannot be read does not flood the others with foreign-key errors.
    assert not any(p.rule == "foreign-key" for p in problems)


def test_broken_descriptor_is_reported(root: Path) -> None:
    descriptor = json.loads((paths.DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"][0]["schema"]["fields"][0]["constraints"]["enum"] = "not a list"
    (root / "data" / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    problem = only(run(root))
    assert (problem.file, problem.rule) == ("data/datapackage.json", "descriptor")


# ------------------------------------------------------------------------------- command line


def test_cli_reports_and_fails(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    set_line(root, "memberships", 2, "APEC,KOR,1988,,member,kim2009regionalism,")
    (root / "data" / "errata.csv").write_bytes(b"")
    code = main(["--data", str(root / "data"), "--bib", str(root / "references.bib")])
    err = capsys.readouterr().err
    assert code == 1
    assert (
        "data/memberships.csv:2: column 'joined', value '1988', rule joined-before-founding" in err
    )
    assert "data/errata.csv: rule empty-file" in err
    assert "2 problem(s) found." in err


def test_cli_as_a_module(root: Path) -> None:
    (root / "data" / "errata.csv").write_bytes(b"")
    bad = subprocess.run(
        [sys.executable, "-m", "nea_edition.checks.validation", "--data", str(root / "data")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 1
    assert "rule empty-file" in bad.stderr
    shutil.copy(VALID / "data" / "errata.csv", root / "data" / "errata.csv")
    good = subprocess.run(
        [sys.executable, "-m", "nea_edition.checks.validation", "--data", str(root / "data")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert good.returncode == 0, good.stderr
    assert "all valid" in good.stdout and len(good.stdout.strip().splitlines()) == 1


# ------------------------------------------------------------------------------- the real data


def test_datapackage_is_a_valid_descriptor() -> None:
    from frictionless import Package

    descriptor = json.loads((paths.DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
    assert list(Package.metadata_validate(descriptor)) == []
    for resource in descriptor["resources"]:
        for field in resource["schema"]["fields"]:
            assert field.get("description"), f"{resource['name']}.{field['name']}: no description"


def test_real_data_is_valid() -> None:
    problems = validate(paths.DATA_DIR, paths.BIB_FILE)
    assert problems == [], "\n".join(map(str, problems))


def test_real_data_validates_with_frictionless_alone() -> None:
    """Readers' own tools (frictionless, without this package) accept the data package."""
    from frictionless import Package

    missing = [
        r["path"]
        for r in json.loads((paths.DATA_DIR / "datapackage.json").read_text("utf-8"))["resources"]
        if not (paths.DATA_DIR / r["path"]).is_file()
    ]
    if missing:
        pytest.skip(f"tables still being sourced: {', '.join(missing)}")
    report = Package(paths.DATA_DIR / "datapackage.json").validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


# ------------------------------------------------------------------------------- the agenda

AGENDA_ROW = (
    "talks-grow,book/01-introduction,{kind},The talks could grow.,Six-Party states,"
    "region-wide,security,{status},{rule},{as_of},{assessment},{evidence},{source},"
)


def agenda_row(**change: str) -> str:
    values = {
        "kind": "expectation",
        "status": "stalled",
        "rule": "talks-stopped",
        "as_of": "2009-12-31",
        "assessment": "They stopped meeting.",
        "evidence": "2005-spt-joint-statement",
        "source": "kim2009regionalism",
    }
    return AGENDA_ROW.format(**{**values, **change})


def test_agenda_evidence_must_name_an_event(root: Path) -> None:
    set_line(root, "agenda", 2, agenda_row(evidence="2005-spt-joint-statement;2005-spt-no-such"))
    assert located(only(run(root))) == (
        "data/agenda.csv",
        2,
        "evidence",
        "2005-spt-no-such",
        "unknown-event",
    )


def test_agenda_as_of_may_not_be_in_the_future(root: Path) -> None:
    set_line(root, "agenda", 2, agenda_row(as_of="2999-01-01"))
    assert located(only(run(root))) == (
        "data/agenda.csv",
        2,
        "as_of",
        "2999-01-01",
        "future-date",
    )


def test_agenda_status_must_be_on_the_scale(root: Path) -> None:
    set_line(root, "agenda", 2, agenda_row(status="mostly-done"))
    problem = only(run(root))
    assert located(problem) == ("data/agenda.csv", 2, "status", "mostly-done", "enum")
    assert "realised" in problem.message and "too-early" in problem.message


def test_agenda_section_must_be_a_page(root: Path) -> None:
    (root / "book").mkdir()
    section_pages(root)
    (root / "book" / "01-introduction.md").write_text("# Introduction\n", encoding="utf-8")
    (root / "book" / "05-conclusion.md").write_text("# Conclusion\n", encoding="utf-8")
    assert run(root) == []
    set_line(root, "agenda", 2, agenda_row().replace("book/01-introduction", "book/01-intro"))
    assert located(only(run(root))) == (
        "data/agenda.csv",
        2,
        "section",
        "book/01-intro",
        "unknown-section",
    )


@pytest.mark.parametrize(
    ("assessment", "rule"), [("", "required"), ("TBD", "blank"), ("Too early.", "blank")]
)
def test_agenda_assessment_may_not_be_empty(root: Path, assessment: str, rule: str) -> None:
    set_line(root, "agenda", 2, agenda_row(assessment=assessment))
    problem = only(run(root))
    assert (problem.file, problem.line, problem.column, problem.rule) == (
        "data/agenda.csv",
        2,
        "assessment",
        rule,
    )


def test_agenda_sources_are_each_checked(root: Path) -> None:
    set_line(root, "agenda", 2, agenda_row(source="kim2009regionalism;nosuch2020key"))
    assert located(only(run(root))) == (
        "data/agenda.csv",
        2,
        "source",
        "nosuch2020key",
        "unknown-bib-key",
    )


def test_event_id_starts_with_its_year(root: Path) -> None:
    set_line(
        root,
        "events",
        3,
        "2006-spt-joint-statement,2005-09-19,Joint statement,SPT,kim2009regionalism,,",
    )
    problems = run(root)
    # the agenda's and the history's evidence now point at a missing id as well: all are
    # reported, in one run
    assert [(p.file, p.line, p.column, p.rule) for p in problems] == [
        ("data/agenda.csv", 2, "evidence", "unknown-event"),
        ("data/agenda_history.csv", 2, "evidence", "unknown-event"),
        ("data/events.csv", 3, "id", "id-year"),
    ]


def test_every_agenda_problem_in_one_run(root: Path) -> None:
    set_line(root, "agenda", 2, agenda_row(status="done", as_of="2999-01-01", evidence="x-y"))
    rules = sorted(p.rule for p in run(root))
    assert rules == ["enum", "future-date", "unknown-event"]


def test_agenda_as_of_may_not_be_later_than_the_newest_event(root: Path) -> None:
    # The fixture's newest event is dated 2009 (a year): 2009-12-31 is within it, 2010 is not.
    set_line(root, "agenda", 2, agenda_row(as_of="2010-01-01"))
    problem = only(run(root))
    assert located(problem) == ("data/agenda.csv", 2, "as_of", "2010-01-01", "as-of-after-record")
    assert "2009, line 4" in problem.message


# ------------------------------------------------------------------------------- the scorecard
#
# The fixture: talks-grow (an expectation, stalled by rule talks-stopped) and security-dialogue
# (a proposal, not-realised by never-taken-up); coder-b disagrees on talks-grow (line 3 of
# agenda_codings.csv) and a reconciliation row (line 6) settles it; agenda_history.csv has one
# row for talks-grow (line 2) and two for security-dialogue (lines 3, 4).


def test_a_rule_id_must_be_in_the_codebook(root: Path) -> None:
    set_line(root, "agenda", 2, agenda_row(rule="talks-fizzled"))
    set_line(root, "agenda_codings", 2, "talks-grow,coder-a,stalled,talks-fizzled,")
    problems = run(root)
    assert [located(p) for p in problems] == [
        ("data/agenda.csv", 2, "rule", "talks-fizzled", "foreign-key"),
        ("data/agenda_codings.csv", 2, "rule", "talks-fizzled", "foreign-key"),
    ]
    assert "agenda_rules.csv column id" in problems[0].message


def test_a_rule_yields_its_own_status(root: Path) -> None:
    set_line(root, "agenda", 2, agenda_row(rule="forecast-failed"))
    set_line(root, "agenda_codings", 2, "talks-grow,coder-a,stalled,never-taken-up,")
    problems = run(root)
    assert [located(p) for p in problems] == [
        ("data/agenda.csv", 2, "rule", "forecast-failed", "rule-status"),
        # never-taken-up is for proposals; talks-grow is an expectation
        ("data/agenda_codings.csv", 2, "rule", "never-taken-up", "rule-applies-to"),
        ("data/agenda_codings.csv", 2, "rule", "never-taken-up", "rule-status"),
    ]
    assert "yields not-realised" in problems[0].message and "not stalled" in problems[0].message


def test_a_rule_for_one_kind_decides_only_that_kind(root: Path) -> None:
    set_line(
        root,
        "agenda",
        2,
        agenda_row(kind="proposal", rule="forecast-failed").replace(",stalled,", ",not-realised,"),
    )
    set_line(root, "agenda_codings", 2, "talks-grow,coder-a,not-realised,forecast-failed,")
    set_line(root, "agenda_codings", 6, "talks-grow,reconciliation,not-realised,forecast-failed,x")
    set_line(root, "agenda_history", 2, "talks-grow,2009-12-01,not-realised,,")
    # coder-a and coder-b now agree: the reconciliation row goes
    path = root / "data" / "agenda_codings.csv"
    path.write_text("\n".join(path.read_text().splitlines()[:5]) + "\n", encoding="utf-8")
    problems = run(root)
    assert [located(p) for p in problems] == [
        ("data/agenda.csv", 2, "rule", "forecast-failed", "rule-applies-to"),
        ("data/agenda_codings.csv", 2, "rule", "forecast-failed", "rule-applies-to"),
        ("data/agenda_codings.csv", 3, "rule", "forecast-failed", "rule-applies-to"),
    ]
    assert "expectations only" in problems[0].message and "a proposal" in problems[0].message


def test_a_general_rule_yields_no_status_and_fits_any_row(root: Path) -> None:
    set_line(root, "agenda", 2, agenda_row(rule="evidence"))
    assert run(root) == []


def test_each_coder_codes_every_item(root: Path) -> None:
    set_line(root, "agenda_codings", 4, "security-dialogue,coder-b,not-realised,never-taken-up,")
    set_line(root, "agenda_codings", 5, "talks-grow,coder-a,stalled,talks-stopped,")
    problems = run(root)
    assert [located(p) for p in problems] == [
        ("data/agenda_codings.csv", None, "item", "security-dialogue", "coding-missing"),
        ("data/agenda_codings.csv", 5, "item+coder", "talks-grow+coder-a", "duplicate-key"),
    ]
    assert problems[0].message.startswith("coder-a has no row")


def test_a_disagreement_needs_a_reconciliation(root: Path) -> None:
    path = root / "data" / "agenda_codings.csv"
    path.write_text("\n".join(path.read_text().splitlines()[:5]) + "\n", encoding="utf-8")
    problem = only(run(root))
    assert located(problem) == (
        "data/agenda_codings.csv",
        3,
        "status",
        "not-realised",
        "reconciliation-missing",
    )
    assert "coder-a gave stalled and coder-b not-realised" in problem.message


def test_a_reconciliation_only_where_the_coders_differ(root: Path) -> None:
    add_line(
        root,
        "agenda_codings",
        "security-dialogue,reconciliation,not-realised,never-taken-up,Both agreed anyway.",
    )
    assert located(only(run(root))) == (
        "data/agenda_codings.csv",
        7,
        "coder",
        "reconciliation",
        "reconciliation-unneeded",
    )


def test_a_reconciliation_gives_the_final_status_and_says_why(root: Path) -> None:
    set_line(root, "agenda_codings", 6, "talks-grow,reconciliation,not-realised,forecast-failed,")
    problems = run(root)
    assert [located(p) for p in problems] == [
        ("data/agenda_codings.csv", 6, "note", "", "reconciliation-note"),
        ("data/agenda_codings.csv", 6, "status", "not-realised", "reconciliation-status"),
    ]
    assert "(stalled)" in problems[1].message


def test_where_the_coders_agree_they_give_the_final_status(root: Path) -> None:
    set_line(root, "agenda_codings", 4, "security-dialogue,coder-a,stalled,talks-stopped,")
    set_line(root, "agenda_codings", 5, "security-dialogue,coder-b,stalled,talks-stopped,")
    assert located(only(run(root))) == (
        "data/agenda_codings.csv",
        5,
        "status",
        "stalled",
        "coding-not-final",
    )


# A review row (coder "review") rescores an item after the coding, agreed or reconciled: its
# status and rule are agenda.csv's, and its note says why. The coders' rows stay as they were.

REVIEW = "security-dialogue,review,stalled,talks-stopped,The dialogue was agreed and then lapsed."


def review_security_dialogue(root: Path) -> None:
    """security-dialogue (agreed: not-realised) reviewed as stalled, in every table."""
    set_line(
        root,
        "agenda",
        3,
        "security-dialogue,book/05-conclusion,proposal,Seoul should keep pressing for a "
        "Northeast Asian security dialogue.,ROK;regional states,region-wide,security,stalled,"
        "talks-stopped,2009-12-31,No official dialogue of the six was founded.,"
        "1994-arf-som-paper;2009-global-korea-strategy,kim2009regionalism;"
        "https://www.example.org/record,",
    )
    set_line(root, "agenda_history", 4, "security-dialogue,2009-12-31,stalled,,Fixture row.")


def test_a_review_may_change_an_agreed_status(root: Path) -> None:
    review_security_dialogue(root)
    # without the review row, the agreed coding must be agenda.csv's status
    assert located(only(run(root))) == (
        "data/agenda_codings.csv",
        5,
        "status",
        "not-realised",
        "coding-not-final",
    )
    add_line(root, "agenda_codings", REVIEW)
    assert run(root) == []


def test_a_review_may_change_a_reconciled_status(root: Path) -> None:
    set_line(
        root, "agenda", 2, agenda_row(rule="forecast-failed").replace(",stalled,", ",not-realised,")
    )
    set_line(root, "agenda_history", 2, "talks-grow,2009-12-01,not-realised,,")
    line = add_line(
        root, "agenda_codings", "talks-grow,review,not-realised,forecast-failed,It never met."
    )
    assert line == 7
    assert run(root) == []
    # the review, not the reconciliation, is then the final word
    path = root / "data" / "agenda_codings.csv"
    path.write_text("\n".join(path.read_text().splitlines()[:6]) + "\n", encoding="utf-8")
    assert located(only(run(root))) == (
        "data/agenda_codings.csv",
        6,
        "status",
        "stalled",
        "reconciliation-status",
    )


def test_a_review_gives_the_final_status_and_rule_and_says_why(root: Path) -> None:
    review_security_dialogue(root)
    add_line(root, "agenda_codings", "security-dialogue,review,not-realised,never-taken-up,")
    problems = run(root)
    assert [located(p) for p in problems] == [
        ("data/agenda_codings.csv", 7, "note", "", "review-note"),
        ("data/agenda_codings.csv", 7, "rule", "never-taken-up", "review-rule"),
        ("data/agenda_codings.csv", 7, "status", "not-realised", "review-status"),
    ]
    assert "(stalled)" in problems[2].message and "(talks-stopped)" in problems[1].message


def test_a_review_that_keeps_the_status_is_allowed(root: Path) -> None:
    add_line(
        root,
        "agenda_codings",
        "security-dialogue,review,not-realised,never-taken-up,Checked again; the coding holds.",
    )
    assert run(root) == []


def test_an_item_has_one_review_at_most(root: Path) -> None:
    review_security_dialogue(root)
    add_line(root, "agenda_codings", REVIEW)
    add_line(root, "agenda_codings", REVIEW)
    assert located(only(run(root))) == (
        "data/agenda_codings.csv",
        8,
        "item+coder",
        "security-dialogue+review",
        "duplicate-key",
    )


def test_a_review_is_not_a_coder(root: Path) -> None:
    # a review does not stand in for a missing coding
    set_line(root, "agenda_codings", 4, REVIEW)
    review_security_dialogue(root)
    assert located(only(run(root))) == (
        "data/agenda_codings.csv",
        None,
        "item",
        "security-dialogue",
        "coding-missing",
    )


def test_a_coding_names_an_item_of_the_agenda(root: Path) -> None:
    add_line(root, "agenda_codings", "talks-shrink,coder-a,stalled,talks-stopped,")
    assert located(only(run(root))) == (
        "data/agenda_codings.csv",
        7,
        "item",
        "talks-shrink",
        "foreign-key",
    )


def test_every_item_has_a_history(root: Path) -> None:
    set_line(root, "agenda_history", 2, "security-dialogue,2009-11-30,stalled,,")
    problems = run(root)
    assert [located(p) for p in problems] == [
        ("data/agenda_history.csv", None, "item", "talks-grow", "history-missing"),
        ("data/agenda_history.csv", 2, "date", "2009-11-30", "minimum"),  # before the paper
    ]


def test_a_history_starts_on_the_papers_date(root: Path) -> None:
    set_line(root, "agenda_history", 2, "talks-grow,2009-12-02,stalled,,")
    problem = only(run(root))
    assert located(problem) == ("data/agenda_history.csv", 2, "date", "2009-12-02", "history-start")
    assert "2009-12-01" in problem.message


def test_history_dates_increase_strictly_and_each_row_is_a_change(root: Path) -> None:
    set_line(root, "agenda_history", 4, "security-dialogue,2009-12-01,not-realised,,")
    add_line(root, "agenda_history", "security-dialogue,2009-12-31,not-realised,,")
    problems = run(root)
    assert [located(p) for p in problems] == [
        ("data/agenda_history.csv", 4, "date", "2009-12-01", "history-order"),
        (
            "data/agenda_history.csv",
            4,
            "item+date",
            "security-dialogue+2009-12-01",
            "duplicate-key",
        ),
        ("data/agenda_history.csv", 5, "status", "not-realised", "history-no-change"),
    ]


def test_a_history_ends_on_the_items_status(root: Path) -> None:
    set_line(root, "agenda_history", 4, "security-dialogue,2009-12-31,stalled,,")
    problem = only(run(root))
    assert located(problem) == ("data/agenda_history.csv", 4, "status", "stalled", "history-final")
    assert "(not-realised)" in problem.message


def test_a_history_row_is_not_after_the_items_as_of(root: Path) -> None:
    set_line(
        root,
        "agenda",
        3,
        (VALID / "data" / "agenda.csv")
        .read_text()
        .splitlines()[2]
        .replace("2009-12-31", "2009-12-15"),
    )
    assert located(only(run(root))) == (
        "data/agenda_history.csv",
        4,
        "date",
        "2009-12-31",
        "history-after-as-of",
    )


def test_history_evidence_exists_and_precedes_the_row(root: Path) -> None:
    set_line(root, "agenda_history", 2, "talks-grow,2009-12-01,stalled,2005-spt-no-such,")
    set_line(
        root,
        "agenda_history",
        3,
        "security-dialogue,2009-12-01,too-early,"
        "2009-global-korea-strategy;2005-spt-joint-statement,",
    )
    problems = run(root)
    assert [located(p) for p in problems] == [
        ("data/agenda_history.csv", 2, "evidence", "2005-spt-no-such", "unknown-event"),
    ]
    # an event dated only by its year counts as possibly on the row's date; a later one not
    set_line(root, "agenda_history", 2, "talks-grow,2009-12-01,stalled,2005-spt-joint-statement,")
    path = root / "data" / "events.csv"
    path.write_text(
        path.read_text().replace(
            "2009-global-korea-strategy,2009,", "2009-global-korea-strategy,2009-12-31,"
        )
    )
    problems = run(root)
    assert [located(p) for p in problems] == [
        (
            "data/agenda_history.csv",
            3,
            "evidence",
            "2009-global-korea-strategy",
            "evidence-after-row",
        ),
    ]
    assert "2009-12-31" in problems[0].message


def test_an_excluded_statement_is_not_also_an_item(root: Path) -> None:
    add_line(
        root,
        "agenda_excluded",
        "talks-grow,book/01-introduction,The talks could grow.,Scored after all.",
    )
    add_line(root, "agenda_excluded", "regional-past,book/05-conclusion,Again.,Twice.")
    problems = run(root)
    assert [located(p) for p in problems] == [
        ("data/agenda_excluded.csv", 3, "id", "talks-grow", "excluded-is-item"),
        ("data/agenda_excluded.csv", 4, "id", "regional-past", "duplicate-key"),
    ]


def test_an_excluded_statement_comes_from_a_page(root: Path) -> None:
    (root / "book").mkdir()
    section_pages(root)
    for page in ("01-introduction", "05-conclusion"):
        (root / "book" / f"{page}.md").write_text("# Page\n", encoding="utf-8")
    assert run(root) == []
    set_line(root, "agenda_excluded", 2, "regional-past,book/01-intro,The past.,Not scored.")
    assert located(only(run(root))) == (
        "data/agenda_excluded.csv",
        2,
        "section",
        "book/01-intro",
        "unknown-section",
    )


def test_a_status_off_the_scale_is_reported_once(root: Path) -> None:
    """A wrong status is an enum error; the tables that repeat the status do not pile on."""
    set_line(root, "agenda", 2, agenda_row(status="done"))
    assert [p.rule for p in run(root)] == ["enum"]


def test_every_scorecard_status_column_shares_the_agendas_scale() -> None:
    descriptor = json.loads((paths.DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
    resources = {r["name"]: r for r in descriptor["resources"]}

    def status(name: str) -> dict:
        return next(f for f in resources[name]["schema"]["fields"] if f["name"] == "status")

    scale = status("agenda")
    for name in ("agenda_rules", "agenda_codings", "agenda_history"):
        assert status(name)["constraints"]["enum"] == scale["constraints"]["enum"], name
        assert status(name)["enumDescriptions"] == scale["enumDescriptions"], name
    fields = [f["name"] for f in resources["agenda"]["schema"]["fields"]]
    assert fields[fields.index("status") + 1] == "rule"
