"""Bibliography checks: fast (no build), so a bad references.bib fails in seconds.

What they guard: the fixed citation keys exist, the file is canonical (the failure shows the diff
that ``nox -s bib`` would apply), every validation rule fires on its fixture with the right line,
key and rule, every citation in book/ resolves, every entry is cited somewhere or deliberately
kept, and the endnote concordance covers the paper's thirty notes exactly once.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from nea_edition.checks import bibliography as bib
from nea_edition.checks.validation import load_descriptor, split_keys, validate
from nea_edition.site.endnotes_directive import concordance_markdown, errata_markdown, read_rows

ROOT = Path(__file__).resolve().parents[1]
BIB = ROOT / "references.bib"
BOOK = ROOT / "book"
ENDNOTES = ROOT / "data" / "endnotes.csv"
ERRATA = ROOT / "data" / "errata.csv"
FIXTURES = Path(__file__).parent / "fixtures" / "bib"

#: The keys every chapter may cite (common brief); they must never disappear or be renamed.
FIXED_KEYS = {
    "calder2004regionalism",
    "katzenstein1997network",
    "rozman1998flawed",
    "kim2008searching",
    "pierson2002historical",
    "mccalla1996nato",
    "johnston1995thinking",
    "rozman2008south",
    "anonymous2009interview",
    "dujarric2000korean",
    "kim2004envisioning",
    "kim1999military",
    "armitage2000mature",
    "bluehouse2009global",
    "kang1999managing",
    "umbach2003future",
    "hemmer2002nato",
    "nato1999strategic",
    "cossa1999virtual",
    "kristol2005memorandum",
    "chollet2001asian",
    "nye1995deep",
    "soeya2009china",
    "hopmann1999building",
    "kim2009regionalism",
    "editors2026edition",
}


# --------------------------------------------------------------------------- the real file


def test_references_bib_is_valid() -> None:
    problems = bib.check_bibliography(BIB)
    assert not problems, "\n" + bib.report(problems)


def test_references_bib_is_canonical() -> None:
    current = BIB.read_text(encoding="utf-8")
    canonical = bib.canonical_text(BIB)
    assert current == canonical, (
        "references.bib is not in canonical form; `nox -s bib` would apply:\n"
        + bib.unified_diff(BIB, current, canonical)
    )


def test_fixed_keys_present() -> None:
    missing = FIXED_KEYS - bib.entry_keys(BIB)
    assert not missing, f"fixed citation keys missing from references.bib: {sorted(missing)}"


def test_every_cited_key_is_in_the_bibliography() -> None:
    unknown = bib.cited_keys(BOOK) - bib.entry_keys(BIB)
    assert not unknown, f"cited in book/ but not in references.bib: {sorted(unknown)}"


def endnote_keys() -> set[str]:
    """Keys the Endnotes page cites (it renders data/endnotes.csv and data/errata.csv)."""
    keys = {k for row in read_rows(ENDNOTES) for k in split_keys(row["keys"])}
    keys |= {row["key"] for row in read_rows(ERRATA)}
    return keys | {row["source"] for row in read_rows(ERRATA) if "://" not in row["source"]}


def test_every_entry_is_cited_or_deliberately_uncited() -> None:
    cited = bib.cited_keys(BOOK) | endnote_keys()
    uncited = bib.entry_keys(BIB) - cited - set(bib.DELIBERATELY_UNCITED)
    assert not uncited, (
        f"entries cited nowhere in book/: {sorted(uncited)}; cite them or add them to "
        "DELIBERATELY_UNCITED in nea_edition/checks/bibliography.py with a reason"
    )
    for key, reason in bib.DELIBERATELY_UNCITED.items():
        assert key in bib.entry_keys(BIB), f"DELIBERATELY_UNCITED names a missing entry {key}"
        assert reason.strip(), f"DELIBERATELY_UNCITED[{key!r}] needs a reason"


def test_exactly_one_bibliography_directive() -> None:
    directives = [
        path.relative_to(ROOT)
        for path in BOOK.rglob("*.md")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip().startswith(("```{bibliography}", ":::{bibliography}"))
    ]
    assert directives == [Path("book/bibliography.md")], directives


# --------------------------------------------------------------------------- endnote tables


def test_endnote_tables_have_the_published_columns() -> None:
    schemas = {r["name"]: r["schema"] for r in load_descriptor()["resources"]}
    for name, path in (("endnotes", ENDNOTES), ("errata", ERRATA)):
        published = tuple(f["name"] for f in schemas[name]["fields"])
        assert tuple(read_rows(path)[0]) == published, name


def test_endnotes_cover_notes_1_to_30_once_with_known_keys() -> None:
    """The one validator passes both tables (its rule fixtures are in test_validation.py)."""
    problems = [
        p for p in validate(ROOT / "data") if p.file.endswith(("endnotes.csv", "errata.csv"))
    ]
    assert not problems, "\n" + bib.report(problems)
    notes = sorted(int(row["note"]) for row in read_rows(ENDNOTES))
    assert notes == list(range(1, 31))


def test_generated_markdown_uses_real_roles() -> None:
    text = concordance_markdown(read_rows(ENDNOTES))
    assert "{cite:p}`calder2004regionalism{pp. 191\u2013226}`" in text
    assert "{doc}`/book/01-introduction`" in text
    assert ":name: endnote-30" in text
    errata = errata_markdown(read_rows(ERRATA))
    assert "Shiraiishi" in errata and "{cite:t}`katzenstein1997network`" in errata


# --------------------------------------------------------------------------- one fixture per rule


@pytest.mark.parametrize(
    ("fixture", "line", "key", "rule"),
    [
        ("parse-error.bib", 8, "broken2002entry", "parse-error"),
        ("duplicate-key.bib", 8, "same2001key", "duplicate-key"),
        ("unknown-type.bib", 1, "typo2001type", "unknown-type"),
        ("missing-field.bib", 1, "lack2001journal", "missing-field"),
        ("impossible-year.bib", 5, "future2999year", "impossible-year"),
        ("malformed-doi.bib", 6, "doi2001bad", "malformed-doi"),
        ("malformed-url.bib", 5, "url2001bad", "malformed-url"),
        ("key-style.bib", 1, "CalderYe2004", "key-style"),
        ("bad-month.bib", 6, "month2001bad", "bad-month"),
        ("unknown-field.bib", 6, "field2001unknown", "unknown-field"),
        ("field-wrong-type.bib", 4, "type2001wrong", "unknown-field"),
        ("editor-only-book.bib", 1, "editor2001only", "missing-field"),
        ("name-form.bib", 2, "sunghan2009order", "name-form"),
        ("ambiguous-and.bib", 4, "cossa1999virtual", "ambiguous-and"),
        ("bare-url.bib", 6, "bare2001url", "bare-url"),
        ("annote-without-url.bib", 6, "annote2001nourl", "missing-url"),
    ],
)
def test_rule_fires_with_line_and_key(fixture: str, line: int, key: str, rule: str) -> None:
    problems = bib.check_bibliography(FIXTURES / fixture)
    assert [p.rule for p in problems] == [rule], bib.report(problems)
    (problem,) = problems
    assert problem.line == line
    assert repr(key) in problem.message
    assert problem.file.endswith(fixture)


@pytest.mark.parametrize(
    ("fixture", "column", "says"),
    [
        # The edition's old bookkeeping field: the error names its standard home.
        ("unknown-field.bib", "verified", "standard field annote"),
        # A standard field in the wrong type: the error names the types that take it.
        ("field-wrong-type.bib", "publisher", "it belongs to @book, @collection"),
        ("editor-only-book.bib", "author", "is a @collection"),
        ("name-form.bib", "author", "'Kim, Sung-han'"),
        ("ambiguous-and.bib", "publisher", "{Center for Strategic and International Studies}"),
        ("bare-url.bib", "note", "\\url{https://example.org/a_b}"),
    ],
)
def test_tool_rules_say_what_to_write_instead(fixture: str, column: str, says: str) -> None:
    """A refused field or value comes with file, line, field and the fix, not just a rule name."""
    (problem,) = bib.check_bibliography(FIXTURES / fixture)
    assert problem.column == column
    assert says in problem.message, problem.message
    assert str(problem).startswith(f"tests/fixtures/bib/{fixture}:{problem.line}: column ")


def test_type_and_field_tables_agree() -> None:
    """Every required field is allowed, every allowed field has a canonical place, and a field
    with a hint (``verified``, ``location``...) is allowed nowhere."""
    assert set(bib.ALLOWED_FIELDS) == set(bib.REQUIRED_FIELDS)
    for etype, required in bib.REQUIRED_FIELDS.items():
        for options in required:
            for name in options if isinstance(options, tuple) else (options,):
                assert name in bib.ALLOWED_FIELDS[etype], (etype, name)
    every = set().union(*bib.ALLOWED_FIELDS.values())
    assert every <= set(bib.FIELD_ORDER)
    assert not every & set(bib.FIELD_HINTS)


def test_references_bib_keeps_where_each_entry_was_checked() -> None:
    """The records the entries were checked against are in the standard ``annote`` (not the
    edition's old ``verified`` field), each naming at least one page it was checked against.

    Entries without an annote are the ones no stored page could be found for (an anonymous
    interview, unpublished conference papers, works known only from the paper's notes): they say
    so in ``note``, as "Unverified: ..." or "no public record". The edition's own entry needs
    neither. (A share of annotated entries was asserted here before; dropping a mirror that was
    the only record seen must not fail a test, so each unannotated entry is checked instead.)
    """
    text = BIB.read_text(encoding="utf-8")
    assert "verified =" not in text
    entries = [e for e in re.split(r"\n(?=@)", text) if e.startswith("@")]
    annotated = [e for e in entries if "\n  annote = " in e]
    assert len(annotated) >= len(entries) // 2
    for entry in annotated:
        annote = entry.split("\n  annote = ", 1)[1]
        assert annote.startswith("{Checked against") and "\\url{" in annote, entry[:60]
    for entry in entries:
        if "\n  annote = " in entry or entry.startswith("@misc{editors"):
            continue
        note = re.search(r"\n  note = \{(.*?)\},?\n", entry, re.S)
        said = note.group(1).lower() if note else ""
        assert "unverified" in said or "no public record" in said, (
            f"{entry[:60]}: an entry checked against no page says so in its note"
        )


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        ("Kim, Sung-han", ["Kim, Sung-han"]),
        (
            "{Center for Strategic and International Studies}",
            ["{Center for Strategic and International Studies}"],
        ),
        ("{A and B} and {C}", ["{A and B}", "{C}"]),
        ("Calder, Kent AND Ye, Min", ["Calder, Kent", "Ye, Min"]),
        ("Sandy Anderson", ["Sandy Anderson"]),
    ],
)
def test_split_top_level_and(names: str, expected: list[str]) -> None:
    assert bib._split_top_level_and(names) == expected


def test_valid_fixture_has_no_problems() -> None:
    assert bib.check_bibliography(FIXTURES / "valid.bib") == []


def test_all_problems_reported_in_one_run() -> None:
    problems = bib.check_bibliography(FIXTURES / "many-problems.bib")
    assert [(p.line, p.rule) for p in problems] == [
        (1, "unknown-type"),
        (7, "missing-field"),
        (10, "impossible-year"),
        (11, "malformed-doi"),
        (14, "duplicate-key"),
    ]


def test_entries_after_a_parse_error_are_still_checked() -> None:
    problems = bib.check_bibliography(FIXTURES / "parse-error.bib")
    assert len(problems) == 1
    assert "after2003entry" in bib.entry_keys(FIXTURES / "parse-error.bib")


# --------------------------------------------------------------------------- command line, writing


def test_write_refuses_bad_input_and_leaves_file_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "bad.bib"
    shutil.copy(FIXTURES / "many-problems.bib", target)
    before = target.read_bytes()
    assert bib.main(["--write", str(target)]) == 1
    assert target.read_bytes() == before
    err = capsys.readouterr().err
    assert "5 problem(s) found." in err and "lack2001journal" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.bib"]


def test_check_shows_diff_then_write_makes_canonical(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "messy.bib"
    shutil.copy(FIXTURES / "noncanonical.bib", target)
    assert bib.main(["--check", str(target)]) == 1
    out = capsys.readouterr().out
    assert out.startswith("---") and "+  month = dec," in out
    assert bib.main(["--write", str(target)]) == 0
    assert bib.main(["--check", str(target)]) == 0
    text = target.read_text(encoding="utf-8")
    assert text.index("@collection{alpha2000first") < text.index("@article{zeta2001last")
    assert "title = {{NATO} and the {U.S.} in {Asia}}," in text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["messy.bib"]


def test_write_is_atomic_when_interrupted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "refs.bib"
    target.write_text("old\n", encoding="utf-8")

    def fail(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(bib.os, "replace", fail)
    with pytest.raises(OSError):
        bib.write_atomic(target, "new\n")
    assert target.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["refs.bib"]


def test_canonical_form_is_idempotent() -> None:
    once = bib.canonical_text(BIB)
    assert bib.canonical_from_text(once) == once


# --------------------------------------------------------------------------- helpers


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Why Is There No NATO in Asia?", "Why Is There No {NATO} in {Asia}?"),
        ("The {Korea} question", "The {Korea} question"),
        ("Envisioning the ROK-U.S. Alliance", "Envisioning the {ROK}-{U.S.} Alliance"),
        ("America's Vision", "{America}'s Vision"),
        ("Time for an {Asian NATO}?", "Time for an {Asian NATO}?"),
        ("W. W. Norton \\& Company", "W. W. Norton \\& Company"),
        ("Conference on East Asian Security", "Conference on {East} {Asian} Security"),
        ("South {Korean} Thought", "{South} {Korean} Thought"),
        ("Looking East", "Looking East"),
    ],
)
def test_protect_proper_nouns(title: str, expected: str) -> None:
    assert bib.protect_proper_nouns(title) == expected
    assert bib.protect_proper_nouns(expected) == expected


def test_cited_keys_handles_pre_and_post_text(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "A {cite:p}`{see}rozman2008south{ch. 2}, calder2004regionalism{pp. 191, 226}` and "
        "{cite:t}`nye1995deep` and {cite}`kim2009regionalism`; {footcite:p}`hopmann1999building`."
        "\n`{cite:p}` alone is not a citation.\n",
        encoding="utf-8",
    )
    assert bib.cited_keys(tmp_path) == {
        "rozman2008south",
        "calder2004regionalism",
        "nye1995deep",
        "kim2009regionalism",
        "hopmann1999building",
    }


def test_endnote_text_from_the_csv_is_data_not_markup() -> None:
    """A comment holding HTML reaches the page as text: MyST must not see raw HTML in it."""
    from markdown_it import MarkdownIt

    from nea_edition.site.endnotes_directive import concordance_markdown

    row = {
        "note": "12",
        "section": "book/03-lee-government/strategic-alliance",
        "keys": "",
        "pages": "",
        "kind": "comment",
        "comment": "Beef <script>alert(1)</script> and *stars* [a](http://x) `tick`",
    }
    text = concordance_markdown([row])
    html = MarkdownIt("commonmark").render(text)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    comment = next(line for line in html.splitlines() if "edition's words" in line)
    assert "*stars* [a](http://x) `tick`" in comment, "other markup stays literal text too"
