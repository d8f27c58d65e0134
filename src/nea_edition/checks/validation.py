"""Validate the edition's data tables (``data/*.csv``) against ``data/datapackage.json``.

The figures are computed from these tables, so a wrong row must stop the build before any page
is written. Everything a Frictionless table schema can say (types, formats, required cells,
enums, patterns, ranges, primary and foreign keys) is checked by the frictionless library from
the one schema in ``datapackage.json``, the same file readers' own tools use; this module adds
only what a schema cannot express:

* every ``*.csv`` in the data folder is a resource of ``datapackage.json``: a table nobody
  described would reach the site unchecked;
* the file itself: missing, empty, not UTF-8, a byte-order mark, a wrong or missing header,
  blank lines, cells with stray spaces;
* dates written as text because they may be partial (``1994`` or ``1994-07-25``) must be real;
* presidential terms (and acting presidencies) run in order and never overlap, and only the
  last may still be open;
* a membership starts no earlier than its body was founded and no later than it ended, and
  ``joined <= left``; stretches of the same member in the same body do not overlap;
* every row of one ring of the Global Korea circles gives the ring the same name (the figure
  labels a ring once);
* every ``source`` is an http(s) URL or a key of ``references.bib``; so is every key an
  endnote cites;
* the agenda's judgements rest on events that exist, and are checked through a date no later
  than the newest event; the scorecard's codebook, codings, histories and exclusions agree
  with the agenda and with each other (``_scorecard_problems`` lists the rules).

Every problem is collected (never only the first) and located by file, line (as a text editor
counts it: the header is line 1), column, value and rule.
``python -m nea_edition.checks.validation`` prints them and exits 1 if there are any.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nea_edition import csvfile, paths
from nea_edition.checks.bibliography import is_url
from nea_edition.checks.errors import Problem, report
from nea_edition.clock import KST

DESCRIPTOR_NAME = "datapackage.json"

#: Text columns that hold a date which may be partial; the schema checks their shape (pattern),
#: this module checks that they name a real day, month or year.
PARTIAL_DATE_FIELDS: dict[str, tuple[str, ...]] = {
    "institutions": ("founded", "ended"),
    "events": ("date",),
}

#: (table, start column, end column): the end may not come before the start.
DATE_RANGES: tuple[tuple[str, str, str], ...] = (
    ("administrations", "term_start", "term_end"),
    ("acting_presidents", "start", "end"),
    ("institutions", "founded", "ended"),
)

#: Tables whose rows follow one another in time: (table, name column, start, end).
SUCCESSIONS: tuple[tuple[str, str, str, str], ...] = (
    ("administrations", "president", "term_start", "term_end"),
    ("acting_presidents", "name", "start", "end"),
)

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_CONSTRAINT_NOTE = re.compile(r'constraint "(\w+)" is "(.*)"$', re.DOTALL)
_POSITION_NOTE = re.compile(r"position (\d+)")


def parse_partial_date(text: str) -> tuple[dt.date, str] | None:
    """Read ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` as (first day it covers, precision).

    Precision is ``"year"``, ``"month"`` or ``"day"``. Returns None for text of another shape
    or for a day that does not exist (``2023-02-30``), so callers can tell bad input apart.
    """
    match = _PARTIAL_DATE.match(text.strip())
    if not match:
        return None
    year, month, day = match.groups()
    try:
        first = dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return None
    precision = "day" if day else "month" if month else "year"
    return first, precision


def _date_key(text: str) -> tuple[int, ...] | None:
    """A partial date as a tuple of its known parts, for comparing at a common precision."""
    parsed = parse_partial_date(text)
    if parsed is None:
        return None
    first, precision = parsed
    parts = (first.year, first.month, first.day)
    return parts[: {"year": 1, "month": 2, "day": 3}[precision]]


def _before(a: tuple[int, ...], b: tuple[int, ...]) -> bool:
    """True if date ``a`` is certainly earlier than ``b``, compared at the coarser precision."""
    n = min(len(a), len(b))
    return a[:n] < b[:n]


def _int(text: str) -> int | None:
    try:
        return int(text.strip())
    except ValueError:
        return None


# --------------------------------------------------------------------------------------------
# Reading files: bytes -> text -> records with the line each starts on


@dataclass
class _Table:
    """One CSV as read, before any typing: what frictionless and the cross-row rules look at."""

    name: str
    file: str  # as shown in problems, e.g. "data/memberships.csv"
    fields: list[str]  # the header the schema expects
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)  # data rows, blank lines dropped
    lines: list[int] = field(default_factory=list)  # line each data row starts on
    header_line: int = 1
    usable: bool = False  # present, decodable and with the right header

    def records(self) -> Iterator[tuple[int, dict[str, str]]]:
        """(line, {column: cell}) for every data row; short rows are padded with ''."""
        for line, row in zip(self.lines, self.rows, strict=True):
            yield line, dict(zip(self.fields, [*row, *[""] * len(self.fields)], strict=False))


def _decode(raw: bytes, file: str, problems: list[Problem]) -> str:
    """Decode UTF-8, reporting each byte that is not; bad bytes survive as surrogates."""
    text, bom = csvfile.decode(raw)
    if bom:
        problems.append(
            Problem(
                file,
                1,
                None,
                None,
                "byte-order-mark",
                "the file starts with a UTF-8 byte-order mark (BOM), which some tools read as "
                "part of the first column name; save it as UTF-8 without BOM",
            )
        )
    return text


def _bad_bytes(text: str) -> list[tuple[int, int, str]]:
    """(line, character in line, byte as 0xNN) of every byte that was not valid UTF-8."""
    found = []
    for match in re.finditer(r"[\udc80-\udcff]", text):
        pos = match.start()
        line = text.count("\n", 0, pos) + 1
        col = pos - (text.rfind("\n", 0, pos) + 1) + 1
        found.append((line, col, f"0x{ord(match.group()) - 0xDC00:02X}"))
    return found


def _shown(cell: str) -> str:
    """A cell for a report: bytes that are not UTF-8 written as \\xNN."""
    return cell.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _read_csv(path: Path, table: _Table, problems: list[Problem]) -> None:
    """Read one CSV into ``table``, reporting file-level problems; sets ``table.usable``."""
    if not path.is_file():
        problems.append(
            Problem(table.file, None, None, None, "missing-file", "the table is missing")
        )
        return
    raw = path.read_bytes()
    if not raw.strip():
        problems.append(
            Problem(
                table.file,
                None,
                None,
                None,
                "empty-file",
                "the file is empty; it needs at least the header: " + ",".join(table.fields),
            )
        )
        return
    text = _decode(raw, table.file, problems)
    bad = _bad_bytes(text)

    try:
        records = csvfile.records(text)
    except csvfile.CsvSyntaxError as exc:
        problems.append(
            Problem(
                table.file,
                exc.line,
                None,
                None,
                "csv-syntax",
                f"cannot read the row that starts here (a quote left open?): {exc.message}",
            )
        )
        return

    # Name the column of each byte that is not UTF-8, so the reader can find it.
    for line, col, byte in bad:
        column = None
        value = None
        for start, row in records:
            if start <= line <= start + sum(cell.count("\n") for cell in row):
                for name, cell in zip(table.fields, row, strict=False):
                    if re.search(r"[\udc80-\udcff]", cell):
                        column, value = name, _shown(cell)
                        break
                break
        problems.append(
            Problem(
                table.file,
                line,
                column,
                value,
                "not-utf8",
                f"byte {byte} at character {col} of the line is not UTF-8; "
                "save the file with UTF-8 encoding",
            )
        )

    # The first non-blank record is the header.
    body = [(line, row) for line, row in records if any(cell.strip() for cell in row)]
    for line, row in records:
        if not any(cell.strip() for cell in row) and line > (body[0][0] if body else 0):
            problems.append(
                Problem(table.file, line, None, None, "blank-row", "blank line inside the table")
            )
    if not body:
        problems.append(Problem(table.file, None, None, None, "empty-file", "no rows at all"))
        return
    table.header_line, table.header = body[0]
    if table.header != table.fields:
        looks_like_data = not set(table.header) & set(table.fields)
        problems.append(
            Problem(
                table.file,
                table.header_line,
                None,
                _shown(",".join(table.header)),
                "missing-header" if looks_like_data else "header",
                ("the first line is not a header" if looks_like_data else "wrong header")
                + "; expected exactly: "
                + ",".join(table.fields)
                + " (other checks of this file are skipped until the header is fixed)",
            )
        )
        return
    table.lines = [line for line, _ in body[1:]]
    # Cells keep bytes that are not UTF-8 as \xNN text: reported once above, harmless below.
    table.rows = [[_shown(cell) for cell in row] for _, row in body[1:]]
    table.usable = True

    for line, record in table.records():
        for name, cell in record.items():
            if cell != cell.strip():
                problems.append(
                    Problem(
                        table.file,
                        line,
                        name,
                        _shown(cell),
                        "whitespace",
                        "the cell starts or ends with a space or line break",
                    )
                )


# --------------------------------------------------------------------------------------------
# Schema checks, done by frictionless


_TYPE_HINTS = {
    "date": "a real calendar date written YYYY-MM-DD",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
}


def _frictionless_problems(
    descriptor: dict[str, Any], tables: dict[str, _Table], display: dict[str, str]
) -> list[Problem]:
    """Validate every usable table with frictionless and translate its errors to Problems.

    The tables are handed over as rows already read (see ``_read_csv``), so that a file with a
    few bad bytes is still checked cell by cell, and so that frictionless row numbers map back
    to the lines a reader sees. Foreign keys into a table that could not be read are dropped:
    its absence is already reported, and every referring row failing would only hide it.
    """
    from frictionless import Package, Resource, Schema

    resources = []
    schemas: dict[str, dict[str, Any]] = {}
    for res in descriptor["resources"]:
        table = tables[res["name"]]
        if not table.usable:
            continue
        schema = json.loads(json.dumps(res["schema"]))
        schema["foreignKeys"] = [
            fk
            for fk in schema.get("foreignKeys", [])
            if tables.get(fk["reference"]["resource"], table).usable
        ]
        schemas[res["name"]] = schema
        resources.append(
            Resource(
                data=[table.header, *table.rows],
                name=res["name"],
                schema=Schema.from_descriptor(schema),
            )
        )
    if not resources:
        return []
    result = Package(resources=resources).validate(limit_errors=100_000)

    problems = []
    for task in result.tasks:
        table = tables[task.name]
        schema = schemas[task.name]
        types = {f["name"]: f["type"] for f in schema["fields"]}

        def line_of(row_number: int | None, table: _Table = table) -> int | None:
            if row_number is None:
                return None
            index = row_number - 2  # frictionless numbers the header 1, the first row 2
            return table.lines[index] if 0 <= index < len(table.lines) else None

        for error in task.errors:
            problems.append(_translate(error, table, schema, types, line_of))
    for error in result.errors:
        problems.append(Problem(display["descriptor"], None, None, None, error.type, error.message))
    return [p for p in problems if p is not None]


def _translate(
    error: Any, table: _Table, schema: dict, types: dict, line_of: Any
) -> Problem | None:
    """One frictionless error as a Problem with a rule name and a message for a reader."""
    kind = error.type
    row_number = getattr(error, "row_number", None)
    line = line_of(row_number)
    column = getattr(error, "field_name", None) or None
    cell = getattr(error, "cell", None)
    value = "" if cell is None else str(cell)

    if kind == "type-error":
        wanted = _TYPE_HINTS.get(types.get(column, ""), types.get(column, "?"))
        return Problem(table.file, line, column, value, "type", f"expected {wanted}")
    if kind == "constraint-error":
        match = _CONSTRAINT_NOTE.search(error.note)
        rule, limit = (match.group(1), match.group(2)) if match else ("constraint", error.note)
        field_def = next((f for f in schema["fields"] if f["name"] == column), {})
        constraints = field_def.get("constraints", {})
        messages = {
            "required": "this cell may not be empty",
            "enum": "allowed values: " + " | ".join(map(str, constraints.get("enum", []))),
            "pattern": f"must match the pattern {constraints.get('pattern', limit)}",
            "minimum": f"must be at least {limit}",
            "maximum": f"must be at most {limit}",
            "maxLength": f"must be at most {limit} characters long",
            "unique": "must be unique in this column",
        }
        return Problem(table.file, line, column, value, rule, messages.get(rule, error.note))
    if kind == "unique-error" and column and column not in schema.get("primaryKey", []):
        # A column with "unique": true that is not the key (e.g. institutions' short_name).
        position = _POSITION_NOTE.search(error.note)
        earlier = line_of(int(position.group(1))) if position else None
        where = f" as the row on line {earlier}" if earlier else ""
        return Problem(
            table.file, line, column, value, "unique", f"the same {column}{where}; must be unique"
        )
    if kind in ("primary-key", "unique-error"):
        key = schema.get("primaryKey", [column])
        cells = dict(zip(table.fields, getattr(error, "cells", []) or [], strict=False))
        if kind == "primary-key" and not any(cells.get(k) for k in key):
            return None  # an empty key cell is reported as "required" already
        position = _POSITION_NOTE.search(error.note)
        earlier = line_of(int(position.group(1))) if position else None
        where = f" on line {earlier}" if earlier else ""
        return Problem(
            table.file,
            line,
            "+".join(key),
            "+".join(str(cells.get(k, "")) for k in key),
            "duplicate-key",
            f"the same {' + '.join(key)} as the row{where}; each must be unique",
        )
    if kind == "foreign-key":
        names = list(getattr(error, "field_names", []) or [])
        cells = [str(c) for c in getattr(error, "field_cells", []) or []]
        target = getattr(error, "reference_name", "?")
        target_fields = getattr(error, "reference_field_names", []) or []
        return Problem(
            table.file,
            line,
            "+".join(names) or None,
            "+".join(cells) or None,
            "foreign-key",
            f"not found in {target}.csv column {'+'.join(target_fields)}",
        )
    if kind in ("missing-cell", "extra-cell"):
        number = getattr(error, "field_number", None)
        column = column or (f"(cell {number})" if number else None)
        text = (
            "the row has fewer cells than the header"
            if kind == "missing-cell"
            else ("the row has more cells than the header (a comma in an unquoted cell?)")
        )
        return Problem(table.file, line, column, value, kind, text)
    return Problem(table.file, line, column, value, kind, error.message)


# --------------------------------------------------------------------------------------------
# Rules a schema cannot express


def _date_problems(tables: dict[str, _Table]) -> list[Problem]:
    """Partial dates must exist; a range's end may not come before its start."""
    problems = []
    for name, columns in PARTIAL_DATE_FIELDS.items():
        table = tables.get(name)
        if not table or not table.usable:
            continue
        for line, record in table.records():
            for column in columns:
                cell = record.get(column, "").strip()
                if cell and _PARTIAL_DATE.match(cell) and parse_partial_date(cell) is None:
                    problems.append(
                        Problem(
                            table.file,
                            line,
                            column,
                            cell,
                            "real-date",
                            "no such day or month (dates are YYYY-MM-DD, YYYY-MM or YYYY)",
                        )
                    )
    for name, start_col, end_col in DATE_RANGES:
        table = tables.get(name)
        if not table or not table.usable:
            continue
        for line, record in table.records():
            start, end = _date_key(record[start_col]), _date_key(record[end_col])
            if start and end and _before(end, start):
                problems.append(
                    Problem(
                        table.file,
                        line,
                        end_col,
                        record[end_col],
                        "end-before-start",
                        f"{end_col} is before {start_col} ({record[start_col]})",
                    )
                )
    return problems


def _succession_problems(tables: dict[str, _Table]) -> list[Problem]:
    """Terms follow each other in file order without overlapping; only the last may be open.

    A term may end on the day the next begins (``end <= next start``): hand-overs under the
    1987 constitution happen at midnight, and an acting presidency can end and the next begin
    on the same day.
    """
    problems = []
    for name, who, start_col, end_col in SUCCESSIONS:
        table = tables.get(name)
        if not table or not table.usable:
            continue
        records = list(table.records())
        previous: tuple[int, dict[str, str], tuple[int, ...], tuple[int, ...] | None] | None = None
        for index, (line, record) in enumerate(records):
            start = _date_key(record[start_col])
            end = _date_key(record[end_col]) if record[end_col].strip() else None
            is_last = index == len(records) - 1
            if not record[end_col].strip() and not is_last:
                problems.append(
                    Problem(
                        table.file,
                        line,
                        end_col,
                        "",
                        "open-term",
                        f"only the last row may leave {end_col} empty (the one still in office)",
                    )
                )
            if name == "administrations":
                incumbent = record.get("end_reason", "") == "incumbent"
                if incumbent == bool(record[end_col].strip()):
                    problems.append(
                        Problem(
                            table.file,
                            line,
                            "end_reason",
                            record.get("end_reason", ""),
                            "incumbent",
                            "end_reason is 'incumbent' exactly when term_end is empty",
                        )
                    )
            if start is None:
                continue  # a bad date is reported by the schema check
            if previous is not None:
                prev_line, prev_record, prev_start, prev_end = previous
                if not _before(prev_start, start):
                    problems.append(
                        Problem(
                            table.file,
                            line,
                            start_col,
                            record[start_col],
                            "terms-order",
                            f"rows must run in chronological order: this begins before "
                            f"{prev_record[who]} (line {prev_line}, {prev_record[start_col]})",
                        )
                    )
                elif prev_end is not None and _before(start, prev_end):
                    problems.append(
                        Problem(
                            table.file,
                            line,
                            start_col,
                            record[start_col],
                            "terms-overlap",
                            f"begins before the previous term ended: {prev_record[who]} "
                            f"(line {prev_line}) until {prev_record[end_col]}",
                        )
                    )
            previous = (line, record, start, end)
    return problems


def _membership_problems(tables: dict[str, _Table]) -> list[Problem]:
    """joined <= left; within the life of the body; stretches of one member do not overlap."""
    memberships, institutions = tables.get("memberships"), tables.get("institutions")
    if not memberships or not memberships.usable:
        return []
    life: dict[str, tuple[int, int | None, int | None]] = {}
    if institutions and institutions.usable:
        for line, record in institutions.records():
            founded, ended = _date_key(record["founded"]), _date_key(record["ended"])
            life[record["id"]] = (
                line,
                founded[0] if founded else None,
                ended[0] if ended else None,
            )
    problems = []
    stretches: dict[tuple[str, str], list[tuple[int, int, int | None]]] = {}
    for line, record in memberships.records():
        joined, left = _int(record["joined"]), _int(record["left"])
        if joined is None:
            continue  # reported by the schema check
        if left is not None and left < joined:
            problems.append(
                Problem(
                    memberships.file,
                    line,
                    "joined",
                    record["joined"],
                    "joined-after-left",
                    f"joined ({joined}) is after left ({left})",
                )
            )
        body = record["institution"]
        if body in life:
            inst_line, founded, ended = life[body]
            if founded is not None and joined < founded:
                problems.append(
                    Problem(
                        memberships.file,
                        line,
                        "joined",
                        record["joined"],
                        "joined-before-founding",
                        f"{body} was founded in {founded} (institutions.csv line {inst_line})",
                    )
                )
            if ended is not None and joined > ended:
                problems.append(
                    Problem(
                        memberships.file,
                        line,
                        "joined",
                        record["joined"],
                        "joined-after-end",
                        f"{body} ended in {ended} (institutions.csv line {inst_line})",
                    )
                )
            if ended is not None and left is not None and left > ended:
                problems.append(
                    Problem(
                        memberships.file,
                        line,
                        "left",
                        record["left"],
                        "left-after-end",
                        f"{body} ended in {ended} (institutions.csv line {inst_line})",
                    )
                )
        stretches.setdefault((body, record["country"]), []).append((joined, line, left))
    for (body, country), rows in stretches.items():
        rows.sort()
        for (_, prev_line, prev_left), (joined, line, _) in itertools.pairwise(rows):
            if prev_left is None or prev_left > joined:
                problems.append(
                    Problem(
                        memberships.file,
                        line,
                        "joined",
                        str(joined),
                        "membership-overlap",
                        f"{country} in {body} already has a stretch (line {prev_line}) "
                        + (
                            "with no 'left' year"
                            if prev_left is None
                            else f"running until {prev_left}"
                        )
                        + "; one status at a time: set 'left' on the earlier row",
                    )
                )
    return problems


def _undescribed_problems(
    data_dir: Path, descriptor: dict[str, Any], desc_name: str
) -> list[Problem]:
    """Every ``*.csv`` in ``data_dir`` that no resource of the descriptor describes."""
    described = {(data_dir / res["path"]).resolve() for res in descriptor["resources"]}
    return [
        Problem(
            _display(path, data_dir),
            None,
            None,
            None,
            "undescribed-table",
            f"{path.name} is not a resource of {desc_name}: describe it there (name, path, "
            "schema with a description of every column) so that it is validated, or remove it",
        )
        for path in sorted(data_dir.glob("*.csv"))
        if path.resolve() not in described
    ]


def _ring_problems(tables: dict[str, _Table]) -> list[Problem]:
    """All rows of one ring of the Global Korea circles name the ring alike."""
    circles = tables.get("global_korea_circles")
    if not circles or not circles.usable:
        return []
    first: dict[str, tuple[int, str]] = {}
    problems = []
    for line, record in circles.records():
        ring, name = record["ring"].strip(), record["ring_name"]
        if not ring or not name:
            continue  # reported by the schema check
        if ring not in first:
            first[ring] = (line, name)
        elif name != first[ring][1]:
            problems.append(
                Problem(
                    circles.file,
                    line,
                    "ring_name",
                    name,
                    "ring-name",
                    f"ring {ring} is named {first[ring][1]!r} on line {first[ring][0]}; "
                    "every row of a ring gives the same name",
                )
            )
    return problems


def _editorial_problems(tables: dict[str, _Table], book_root: Path) -> list[Problem]:
    """The editorial lists: the paper's sections and the Index's curated forms.

    A section's page exists (where the data folder has a ``book/`` beside it) and its file or
    folder name starts with the section's number; sections are numbered 1, 2, ... without a
    gap. An index form names an institution that exists (or, for ``never-alone``, a surname);
    a variant is a regular expression that compiles; ``subentry-of`` names another existing
    institution; the other rules leave ``value`` empty.
    """
    problems: list[Problem] = []
    sections = tables.get("paper_sections")
    if sections is not None and sections.usable:
        numbers = []
        for line, record in sections.records():
            number, page = record["number"].strip(), record["page"].strip()
            if number.isdigit():
                numbers.append(int(number))
                leaf = page.split("/")[1] if "/" in page else page
                if not leaf.startswith(f"{int(number):02d}"):
                    problems.append(
                        Problem(sections.file, line, "page", page, "section-page",
                                f"section {number}'s page must start with {int(number):02d}")
                    )  # fmt: skip
            if (book_root / "book").is_dir() and page and not (book_root / f"{page}.md").is_file():
                problems.append(
                    Problem(sections.file, line, "page", page, "unknown-page",
                            f"no page {page}.md in the book")
                )  # fmt: skip
        if numbers and sorted(numbers) != list(range(1, len(numbers) + 1)):
            problems.append(
                Problem(sections.file, None, "number", ",".join(map(str, sorted(numbers))),
                        "section-numbers", "sections are numbered 1, 2, 3, ... without a gap")
            )  # fmt: skip
    forms = tables.get("index_forms")
    institutions = tables.get("institutions")
    if forms is None or not forms.usable:
        return problems
    known = (
        {r["id"].strip() for _, r in institutions.records()}
        if institutions is not None and institutions.usable
        else None
    )
    for line, record in forms.records():
        subject, rule, value = (record[k].strip() for k in ("subject", "rule", "value"))
        institutional = rule in ("variant", "not-abbreviation", "subentry-of")
        if institutional and known is not None and subject not in known:
            problems.append(
                Problem(forms.file, line, "subject", subject, "unknown-institution",
                        f"the rule {rule} needs an institution id of institutions.csv")
            )  # fmt: skip
        if rule == "variant":
            try:
                re.compile(value)
            except re.error as exc:
                problems.append(
                    Problem(forms.file, line, "value", value, "bad-pattern",
                            f"not a regular expression: {exc}")
                )  # fmt: skip
            if not value:
                problems.append(
                    Problem(forms.file, line, "value", value, "empty-pattern",
                            "a variant needs the form as a regular expression")
                )  # fmt: skip
        elif rule == "subentry-of":
            if known is not None and (value not in known or value == subject):
                problems.append(
                    Problem(forms.file, line, "value", value, "unknown-institution",
                            "subentry-of needs another institution id of institutions.csv")
                )  # fmt: skip
        elif rule in ("not-abbreviation", "never-alone") and value:
            problems.append(
                Problem(forms.file, line, "value", value, "value-not-empty",
                        f"the rule {rule} takes no value")
            )  # fmt: skip
    return problems


def split_keys(value: str) -> list[str]:
    """The ``keys`` column of endnotes.csv holds semicolon-separated BibTeX keys."""
    return [key.strip() for key in value.split(";") if key.strip()]


#: Pinpoint pages as the paper prints them: "p. 34", or "pp. 1" + en dash + "27".
PAGES = re.compile("pp?\\. \\d+(\u2013\\d+)?")


def _endnote_problems(
    tables: dict[str, _Table], descriptor: dict[str, Any], book_root: Path
) -> list[Problem]:
    """What the schema cannot say about the concordance of the paper's notes.

    Every note from 1 to the schema's maximum is there; its page exists in the book; its kind
    agrees with its keys and its comment; pinpoint pages are written as the paper prints them;
    and each erratum gives the corrected value. The first two compare the table with the book
    (its pages, the paper's note count), so they apply only to a data folder inside a book
    (beside a ``_config.yml``), not to a loose copy of the tables.
    """
    problems: list[Problem] = []
    in_book = (book_root / "_config.yml").is_file()
    endnotes = tables.get("endnotes")
    if endnotes is not None and endnotes.usable:
        seen: set[int] = set()
        for line, record in endnotes.records():
            if record["note"].strip().isdigit():
                seen.add(int(record["note"]))
            keys = split_keys(record["keys"])
            kind, comment, section = record["kind"], record["comment"], record["section"].strip()

            def add(column: str, value: str, rule: str, message: str, line: int = line) -> None:
                problems.append(Problem(endnotes.file, line, column, value, rule, message))

            if in_book and section and not (book_root / f"{section}.md").is_file():
                add("section", section, "unknown-section", "no such page in book/")
            if kind in ("citation", "citation-and-comment") and not keys:
                add("keys", record["keys"], "endnote-kind", f"a note of kind '{kind}' cites a key")
            if kind == "comment" and keys:
                add(
                    "keys",
                    record["keys"],
                    "endnote-kind",
                    "a note of kind 'comment' cites no key (use citation-and-comment)",
                )
            if kind in ("comment", "citation-and-comment") and not comment.strip():
                add("comment", comment, "endnote-kind", f"a note of kind '{kind}' needs a comment")
            if kind == "citation" and comment.strip():
                add("comment", comment, "endnote-kind", "a note of kind 'citation' has no comment")
            if record["pages"] and not PAGES.fullmatch(record["pages"]):
                add("pages", record["pages"], "pages", "write 'p. 34' or 'pp. 1\u201327' (en dash)")
        schema = next(r["schema"] for r in descriptor["resources"] if r["name"] == "endnotes")
        note_field = next(f for f in schema["fields"] if f["name"] == "note")
        count = int(note_field.get("constraints", {}).get("maximum", max(seen, default=0)))
        missing = sorted(set(range(1, count + 1)) - seen)
        if in_book and missing:
            problems.append(
                Problem(
                    endnotes.file,
                    None,
                    "note",
                    ",".join(map(str, missing)),
                    "missing-note",
                    "every note of the paper has a row",
                )
            )
    errata = tables.get("errata")
    if errata is not None and errata.usable:
        for line, record in errata.records():
            if not record["corrected"].strip():
                problems.append(
                    Problem(
                        errata.file, line, "corrected", "", "required", "give the verified value"
                    )
                )
    return problems


def _source_problems(tables: dict[str, _Table], keys: set[str], bib_name: str) -> list[Problem]:
    """Each ``source`` is a URL or a bib key; endnote and erratum keys are bib keys."""
    problems = []
    for table in tables.values():
        if not table.usable:
            continue
        for line, record in table.records():
            raw = record.get("source", "").strip() if "source" in table.fields else ""
            # The agenda's judgements rest on several sources; every other table names one.
            sources = split_keys(raw) if table.name in MULTI_SOURCE_TABLES else [raw] if raw else []
            for source in sources:
                if source.lower().startswith(("http://", "https://")):
                    if not is_url(source):
                        problems.append(
                            Problem(
                                table.file,
                                line,
                                "source",
                                source,
                                "bad-url",
                                "not a complete http(s) address (one URL, no spaces)",
                            )
                        )
                elif source not in keys:
                    problems.append(
                        Problem(
                            table.file,
                            line,
                            "source",
                            source,
                            "unknown-bib-key",
                            f"neither an http(s) URL nor a key of {bib_name}",
                        )
                    )
            cited: list[tuple[str, str]] = []
            if table.name == "endnotes":
                cited = [("keys", k) for k in split_keys(record["keys"])]
            elif table.name == "errata" and record["key"].strip():
                cited = [("key", record["key"].strip())]
            for column, key in cited:
                if key not in keys:
                    problems.append(
                        Problem(
                            table.file,
                            line,
                            column,
                            key,
                            "unknown-bib-key",
                            f"not a key of {bib_name}",
                        )
                    )
    return problems


#: Tables whose ``source`` column may hold several sources, separated by semicolons.
MULTI_SOURCE_TABLES = frozenset({"agenda"})

#: Cells that stand in for an assessment not yet written.
PLACEHOLDERS = frozenset({"-", "\u2013", "\u2014", "?", "tbd", "todo", "n/a", "na", "none", "xxx"})

#: An event id starts with the year of the event's date (``2011-tcs-opens``).
_EVENT_ID_YEAR = re.compile(r"^(\d{4})-")


def _agenda_problems(
    tables: dict[str, _Table], book_root: Path, today: dt.date | None = None
) -> list[Problem]:
    """What the schema cannot say about the agenda scorecard and the events it rests on.

    Each judgement rests on events that exist; it is dated no later than today (a judgement
    about the future is no judgement); its page exists (checked where the data folder has a
    ``book/`` beside it); its assessment says something. And an event id begins with its year, so
    that the ids stay readable as the table grows.
    """
    problems: list[Problem] = []
    today = today or dt.datetime.now(KST).date()
    events = tables.get("events")
    event_ids: set[str] = set()
    if events is not None and events.usable:
        for line, record in events.records():
            event_id, date = record["id"].strip(), record["date"].strip()
            event_ids.add(event_id)
            match = _EVENT_ID_YEAR.match(event_id)
            if match and date[:4].isdigit() and match.group(1) != date[:4]:
                problems.append(
                    Problem(
                        events.file,
                        line,
                        "id",
                        event_id,
                        "id-year",
                        f"an event id starts with the year of its date ({date[:4]})",
                    )
                )
    agenda = tables.get("agenda")
    if agenda is None or not agenda.usable:
        return problems
    newest = _newest_event(events)
    has_pages = (book_root / "book").is_dir()
    for line, record in agenda.records():

        def add(column: str, value: str, rule: str, message: str, line: int = line) -> None:
            problems.append(Problem(agenda.file, line, column, value, rule, message))

        if events is not None and events.usable:
            for event_id in split_keys(record["evidence"]):
                if event_id not in event_ids:
                    add(
                        "evidence", event_id, "unknown-event", "no event with this id in events.csv"
                    )
        as_of = record["as_of"].strip()
        parsed = parse_partial_date(as_of)
        if parsed and parsed[1] == "day" and parsed[0] > today:
            add("as_of", as_of, "future-date", f"a judgement cannot be dated after today ({today})")
        elif parsed and newest is not None and _before(newest[0], _date_key(as_of) or newest[0]):
            add(
                "as_of",
                as_of,
                "as-of-after-record",
                f"checked through a date later than the newest event in events.csv "
                f"({newest[1]}, line {newest[2]}): the record stops there",
            )
        section = record["section"].strip()
        if has_pages and section and not (book_root / f"{section}.md").is_file():
            add("section", section, "unknown-section", "no such page in book/")
        assessment = record["assessment"].strip()
        if assessment and (assessment.lower() in PLACEHOLDERS or len(assessment.split()) < 3):
            add("assessment", record["assessment"], "blank", "the assessment says nothing yet")
    return problems


def _newest_event(events: _Table | None) -> tuple[tuple[int, ...], str, int] | None:
    """(date key, date as written, line) of the latest event, or None without events.

    A partial date counts as the first day it covers when events are ordered (``2025`` before
    ``2025-03-01``), and is compared at its own precision when a date is checked against it.
    """
    if events is None or not events.usable:
        return None
    dated = []
    for line, record in events.records():
        parsed = parse_partial_date(record["date"])
        key = _date_key(record["date"])
        if parsed and key:
            dated.append((parsed[0], key, record["date"].strip(), line))
    if not dated:
        return None
    _, key, text, line = max(dated, key=lambda d: (d[0], len(d[1])))
    return key, text, line


def _agenda_scale(descriptor: dict[str, Any]) -> set[str] | None:
    """The steps of the agenda's status scale, from the schema (None if it has none)."""
    for resource in descriptor.get("resources", []):
        if resource.get("name") == "agenda":
            for spec in resource["schema"]["fields"]:
                if spec["name"] == "status" and "enum" in spec.get("constraints", {}):
                    return {str(v) for v in spec["constraints"]["enum"]}
    return None


#: The date of the paper (Korea Standard Time): every item's history starts on it.
PAPER_DATE = "2009-12-01"

#: The two independent coders of ``agenda_codings.csv``; the third value of its ``coder``
#: column, ``RECONCILIATION``, gives the final status where they differ, and the fourth,
#: ``REVIEW``, a later review's status and rule for any item, which then is the final one.
CODERS: tuple[str, str] = ("coder-a", "coder-b")
RECONCILIATION = "reconciliation"
REVIEW = "review"


def _scorecard_problems(
    tables: dict[str, _Table], descriptor: dict[str, Any], book_root: Path
) -> list[Problem]:
    """What the schema cannot say about the scorecard's codebook, codings, history, exclusions.

    Rule ids that do not exist are foreign-key errors, found by frictionless; here:

    * a rule that yields a status is cited only by rows of that status, and a rule limited to
      one kind of item only by items of that kind (in agenda.csv and agenda_codings.csv);
    * coder-a and coder-b each code every item (once: the primary key); a reconciliation row
      exists exactly where they gave different statuses, with a note; a review row (at most
      one, by the primary key) may exist for any item, with a note; agenda.csv's status is the
      review's where there is one (and its rule the review's), else the reconciliation's, else
      the status both coders gave;
    * every item has a history; its rows run in strictly increasing date order from
      2009-12-01 (the schema's minimum) and each changes the status; the last is the item's
      status in agenda.csv and none is dated after its as_of; every event it cites exists and
      is dated no later than the row;
    * an excluded statement is not also an item, and its page exists.

    A status off the scale is reported once, by the schema, and compared with nothing here:
    one wrong cell should not also break every table that repeats it.
    """
    problems: list[Problem] = []
    scale = _agenda_scale(descriptor)

    def on_scale(status: str) -> str | None:
        """The status if it is a step of the scale, else None (reported by the schema)."""
        status = status.strip()
        return status if status and (scale is None or status in scale) else None

    def usable(name: str) -> _Table | None:
        table = tables.get(name)
        return table if table is not None and table.usable else None

    agenda, rules = usable("agenda"), usable("agenda_rules")
    codings, history = usable("agenda_codings"), usable("agenda_history")
    excluded, events = usable("agenda_excluded"), usable("events")
    items: dict[str, dict[str, str]] = {}
    if agenda is not None:
        items = {record["id"].strip(): record for _, record in agenda.records()}
    rulebook: dict[str, tuple[int, dict[str, str]]] = {}
    if rules is not None:
        rulebook = {record["id"].strip(): (line, record) for line, record in rules.records()}

    def table_problem(
        table: _Table, line: int | None, column: str, value: str, rule: str, message: str
    ) -> None:
        problems.append(Problem(table.file, line, column, value, rule, message))

    def check_rule(table: _Table, line: int, record: dict[str, str], kind: str) -> None:
        rule_id = record["rule"].strip()
        if rule_id not in rulebook:
            return  # an unknown id is a foreign-key error (frictionless)
        rule_line, rule = rulebook[rule_id]
        yields, applies = rule["status"].strip(), rule["applies_to"].strip()
        status = on_scale(record["status"])
        if yields and status and yields != status:
            table_problem(
                table,
                line,
                "rule",
                rule_id,
                "rule-status",
                f"this rule yields {yields} (agenda_rules.csv line {rule_line}), not {status}",
            )
        if applies not in ("", "any") and kind and applies != kind:
            table_problem(
                table,
                line,
                "rule",
                rule_id,
                "rule-applies-to",
                f"this rule applies to {applies}s only (agenda_rules.csv line {rule_line}); "
                f"the item is a {kind}",
            )

    if agenda is not None:
        for line, record in agenda.records():
            check_rule(agenda, line, record, record["kind"].strip())

    if codings is not None:
        coded: dict[str, dict[str, tuple[int, dict[str, str]]]] = {}
        for line, record in codings.records():
            item = record["item"].strip()
            kind = items[item]["kind"].strip() if item in items else ""
            check_rule(codings, line, record, kind)
            coded.setdefault(item, {}).setdefault(record["coder"].strip(), (line, record))
            if record["coder"].strip() == RECONCILIATION and not record["note"].strip():
                table_problem(
                    codings, line, "note", "", "reconciliation-note", "say why this status won"
                )
            if record["coder"].strip() == REVIEW and not record["note"].strip():
                table_problem(
                    codings,
                    line,
                    "note",
                    "",
                    "review-note",
                    "say why the review scored the item so (what the codebook and the record show)",
                )
        for item in items:
            for coder in CODERS:
                if coder not in coded.get(item, {}):
                    table_problem(
                        codings,
                        None,
                        "item",
                        item,
                        "coding-missing",
                        f"{coder} has no row for this item of agenda.csv; both coders code "
                        "every item",
                    )
        for item, by_coder in coded.items():
            if not all(coder in by_coder for coder in CODERS):
                continue
            (_, a), (b_line, b) = by_coder[CODERS[0]], by_coder[CODERS[1]]
            a_status, b_status = on_scale(a["status"]), on_scale(b["status"])
            final = on_scale(items[item]["status"]) if item in items else None
            if a_status is None or b_status is None:
                continue
            reconciled, reviewed = by_coder.get(RECONCILIATION), by_coder.get(REVIEW)
            if a_status != b_status and reconciled is None:
                table_problem(
                    codings,
                    b_line,
                    "status",
                    b_status,
                    "reconciliation-missing",
                    f"coder-a gave {a_status} and coder-b {b_status}: add a reconciliation "
                    "row with the final status and why",
                )
            elif a_status == b_status and reconciled is not None:
                table_problem(
                    codings,
                    reconciled[0],
                    "coder",
                    RECONCILIATION,
                    "reconciliation-unneeded",
                    f"coder-a and coder-b agree ({a_status}): a reconciliation row is only "
                    "for items where they differ",
                )
            elif (
                a_status == b_status
                and reviewed is None
                and final is not None
                and a_status != final
            ):
                table_problem(
                    codings,
                    b_line,
                    "status",
                    b_status,
                    "coding-not-final",
                    f"both coders gave {a_status} but agenda.csv says {final}",
                )
            if reconciled is not None and reviewed is None and final is not None:
                r_line, r = reconciled
                if on_scale(r["status"]) and r["status"].strip() != final:
                    table_problem(
                        codings,
                        r_line,
                        "status",
                        r["status"].strip(),
                        "reconciliation-status",
                        f"the reconciled status is the final one in agenda.csv ({final})",
                    )
        for item, by_coder in coded.items():
            if REVIEW not in by_coder or item not in items:
                continue
            v_line, v = by_coder[REVIEW]
            final_rule = items[item]["rule"].strip()
            if v["rule"].strip() != final_rule:
                table_problem(
                    codings,
                    v_line,
                    "rule",
                    v["rule"].strip(),
                    "review-rule",
                    f"the review's rule is the one agenda.csv names ({final_rule})",
                )
            final = on_scale(items[item]["status"])
            if on_scale(v["status"]) and final is not None and v["status"].strip() != final:
                table_problem(
                    codings,
                    v_line,
                    "status",
                    v["status"].strip(),
                    "review-status",
                    f"the reviewed status is the final one in agenda.csv ({final})",
                )

    if history is not None:
        event_dates = (
            {r["id"].strip(): r["date"].strip() for _, r in events.records()} if events else {}
        )
        paper = _date_key(PAPER_DATE) or ()
        rows: dict[str, list[tuple[int, dict[str, str]]]] = {}
        for line, record in history.records():
            rows.setdefault(record["item"].strip(), []).append((line, record))
            date = _date_key(record["date"].strip())
            for event_id in split_keys(record["evidence"]):
                if events is None:
                    break
                if event_id not in event_dates:
                    table_problem(
                        history,
                        line,
                        "evidence",
                        event_id,
                        "unknown-event",
                        "no event with this id in events.csv",
                    )
                    continue
                when = _date_key(event_dates[event_id])
                if date and when and _before(date, when):
                    table_problem(
                        history,
                        line,
                        "evidence",
                        event_id,
                        "evidence-after-row",
                        f"the event is dated {event_dates[event_id]}, after this row: a status "
                        "cannot rest on what had not yet happened",
                    )
        for item in items:
            if item not in rows:
                table_problem(
                    history,
                    None,
                    "item",
                    item,
                    "history-missing",
                    "this item of agenda.csv has no history: give at least its status on "
                    f"{PAPER_DATE}",
                )
        for item, item_rows in rows.items():
            first_line, first = item_rows[0]
            start = _date_key(first["date"].strip())
            if start and _before(paper, start):
                table_problem(
                    history,
                    first_line,
                    "date",
                    first["date"].strip(),
                    "history-start",
                    f"an item's first row gives its status on {PAPER_DATE}, when the paper "
                    "appeared",
                )
            for (prev_line, prev), (line, record) in itertools.pairwise(item_rows):
                a, b = _date_key(prev["date"].strip()), _date_key(record["date"].strip())
                if a and b and not _before(a, b):
                    table_problem(
                        history,
                        line,
                        "date",
                        record["date"].strip(),
                        "history-order",
                        f"not after the item's previous row ({prev['date'].strip()}, line "
                        f"{prev_line}): an item's rows run in strictly increasing date order",
                    )
                if record["status"].strip() == prev["status"].strip():
                    table_problem(
                        history,
                        line,
                        "status",
                        record["status"].strip(),
                        "history-no-change",
                        f"the same status as the item's previous row (line {prev_line}): "
                        "a row records a change",
                    )
            if item not in items:
                continue  # an unknown item is a foreign-key error (frictionless)
            last_line, last = item_rows[-1]
            final = on_scale(items[item]["status"])
            if final and on_scale(last["status"]) and last["status"].strip() != final:
                table_problem(
                    history,
                    last_line,
                    "status",
                    last["status"].strip(),
                    "history-final",
                    f"the item's last row gives its status in agenda.csv ({final})",
                )
            as_of = _date_key(items[item]["as_of"].strip())
            for line, record in item_rows:
                date = _date_key(record["date"].strip())
                if date and as_of and _before(as_of, date):
                    table_problem(
                        history,
                        line,
                        "date",
                        record["date"].strip(),
                        "history-after-as-of",
                        f"after the item's as_of date in agenda.csv "
                        f"({items[item]['as_of'].strip()}), through which its record was checked",
                    )

    if excluded is not None:
        has_pages = (book_root / "book").is_dir()
        for line, record in excluded.records():
            if record["id"].strip() in items:
                table_problem(
                    excluded,
                    line,
                    "id",
                    record["id"].strip(),
                    "excluded-is-item",
                    "also an item of agenda.csv: a statement is either scored or excluded",
                )
            section = record["section"].strip()
            if has_pages and section and not (book_root / f"{section}.md").is_file():
                table_problem(excluded, line, "section", section, "unknown-section", "no such page")
    return problems


# --------------------------------------------------------------------------------------------
# Entry points


def default_bib(data_dir: Path) -> Path:
    """The bibliography next to a data folder if there is one, else the edition's."""
    sibling = data_dir.parent / "references.bib"
    return sibling if sibling.is_file() else paths.BIB_FILE


def descriptor_path(data_dir: Path) -> Path:
    """The data folder's own datapackage.json, else the edition's (so test folders need none)."""
    own = data_dir / DESCRIPTOR_NAME
    return own if own.is_file() else paths.DATA_DIR / DESCRIPTOR_NAME


def _display(path: Path, data_dir: Path) -> str:
    """A path as problems show it: relative to the folder that holds ``data/``."""
    try:
        return path.resolve().relative_to(data_dir.resolve().parent).as_posix()
    except ValueError:
        return str(path)


def load_descriptor(data_dir: Path | None = None) -> dict[str, Any]:
    """The Data Package descriptor (parsed JSON) that governs ``data_dir``."""
    return json.loads(descriptor_path(data_dir or paths.DATA_DIR).read_text(encoding="utf-8"))


def validate(data_dir: Path, bib_path: Path | None = None) -> list[Problem]:
    """Every problem in the tables of ``data_dir`` (and their sources), sorted; [] if none.

    ``bib_path`` defaults to the ``references.bib`` beside ``data_dir``, else the edition's.
    """
    data_dir = Path(data_dir)
    bib_path = Path(bib_path) if bib_path else default_bib(data_dir)
    desc_path = descriptor_path(data_dir)
    display = {"descriptor": _display(desc_path, data_dir)}
    problems: list[Problem] = []

    from frictionless import FrictionlessException, Package

    try:
        descriptor = json.loads(desc_path.read_text(encoding="utf-8"))
        errors = list(Package.metadata_validate(descriptor))
    except (OSError, ValueError) as exc:
        return [Problem(display["descriptor"], None, None, None, "descriptor", str(exc))]
    except FrictionlessException as exc:
        return [Problem(display["descriptor"], None, None, None, "descriptor", str(exc))]
    if errors:
        return [
            Problem(display["descriptor"], None, None, None, "descriptor", e.message)
            for e in errors
        ]

    problems += _undescribed_problems(data_dir, descriptor, display["descriptor"])
    tables: dict[str, _Table] = {}
    for res in descriptor["resources"]:
        path = data_dir / res["path"]
        table = _Table(
            name=res["name"],
            file=_display(path, data_dir),
            fields=[f["name"] for f in res["schema"]["fields"]],
        )
        _read_csv(path, table, problems)
        tables[table.name] = table

    problems += _frictionless_problems(descriptor, tables, display)
    problems += _date_problems(tables)
    problems += _succession_problems(tables)
    problems += _membership_problems(tables)
    problems += _ring_problems(tables)
    problems += _endnote_problems(tables, descriptor, data_dir.parent)
    problems += _agenda_problems(tables, data_dir.parent)
    problems += _scorecard_problems(tables, descriptor, data_dir.parent)
    problems += _editorial_problems(tables, data_dir.parent)

    bib_name = _display(bib_path, data_dir)
    if bib_path.is_file():
        # The bibliography's own module parses and checks it: one parser, one set of rules.
        from nea_edition.checks import bibliography

        try:
            text = bib_path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            problems.append(
                Problem(bib_name, None, None, None, "not-utf8", f"not valid UTF-8: {exc}")
            )
        else:
            problems += bibliography.check_text(text, bib_name)
            problems += _source_problems(tables, bibliography.entry_keys(bib_path), bib_name)
    else:
        problems.append(
            Problem(
                bib_name,
                None,
                None,
                None,
                "missing-file",
                "the bibliography is missing, so no source key could be checked",
            )
        )
    return sorted(set(problems), key=lambda p: (p.file, p.line or 0, p.column or "", p.rule))


def summary(data_dir: Path) -> str:
    """One line for a clean run: how much was checked."""
    descriptor = load_descriptor(data_dir)
    rows = 0
    for res in descriptor["resources"]:
        rows += len(csvfile.rows(data_dir / res["path"])[1])
    return (
        f"{data_dir}: {len(descriptor['resources'])} tables, {rows} rows: all valid "
        "(schema, dates, terms, memberships, rings, sources, the scorecard's codings and "
        "histories; no undescribed tables)."
    )


def main(argv: list[str] | None = None) -> int:
    """``python -m nea_edition.checks.validation [--data DIR] [--bib FILE]``: exit 1 on problems."""
    parser = argparse.ArgumentParser(description="Validate the edition's data tables.")
    parser.add_argument("--data", type=Path, default=paths.DATA_DIR, help="data folder")
    parser.add_argument("--bib", type=Path, default=None, help="BibTeX file (references.bib)")
    args = parser.parse_args(argv)
    problems = validate(args.data, args.bib)
    if problems:
        print(report(problems), file=sys.stderr)
        print(f"Validation FAILED: {len(problems)} problem(s) in {args.data}.", file=sys.stderr)
        return 1
    print(summary(args.data))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
