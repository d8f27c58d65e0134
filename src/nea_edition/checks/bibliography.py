"""The edition's bibliography (``references.bib``): validation, one canonical form, cited keys.

Why this module exists: the paper's thirty endnotes became a BibTeX file that three chapters
cite at once. A typo in a key, a half-edited entry or a second spelling of the same work would
surface only as a late Sphinx warning, far from its cause. So the file is checked here first,
every problem is reported in one run with the line and the key
(``nea_edition.checks.errors.Problem``), and the file is kept in a single canonical layout so
that diffs between versions show content changes only.

Readers load the same file into biblatex/biber, pandoc and Zotero, so the rules also refuse what
those tools would drop or misread: a field outside biblatex's data model for its entry type
(``unknown-field``, e.g. the edition's old ``verified``, now the standard ``annote``), an edited
volume typed ``@book`` (biblatex wants ``@collection``), a person not written surname first
(``name-form``), an unbraced " and " inside a publisher's name (``ambiguous-and``), and a bare
URL in free text (``bare-url``). Proper nouns in titles are braced on ``--write``.

Command line (the ``bib`` nox session calls ``--write``)::

    python -m nea_edition.checks.bibliography --check  # problems or not canonical: exit 1, diff
    python -m nea_edition.checks.bibliography --write  # rewrite canonically (never half-written)
"""

from __future__ import annotations

import argparse
import datetime as _dt
import difflib
import os
import re
import sys
import tempfile
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from urllib.parse import urlsplit

import bibtexparser
from bibtexparser.model import Block, DuplicateBlockKeyBlock, Entry, ParsingFailedBlock

from nea_edition import paths
from nea_edition.checks.errors import Problem, report


def is_url(text: str) -> bool:
    """True for an absolute http(s) URL with a host and no spaces (bib fields and data sources)."""
    parts = urlsplit(text)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and not re.search(r"\s", text)


#: Default location, relative to the repository root.
ROOT = paths.ROOT
BIB_PATH = paths.BIB_FILE
BOOK_DIR = paths.BOOK_DIR

# The tools the file is written for. The site renders it with pybtex (sphinxcontrib-bibtex);
# readers feed it to biblatex/biber, pandoc's citeproc and Zotero's BibTeX import. So the file
# uses only entry types and fields that all four read: biblatex's data model (which biber checks
# with ``--validate-datamodel``) restricted to the classic BibTeX field names pybtex knows
# (``address``, ``journal``, ``school``, ``annote``; biber maps them to biblatex's ``location``,
# ``journaltitle``, ``institution``, ``annotation``). tests/test_bib_tools.py hands biber an entry
# of every type below with every field it allows, so the tables cannot drift from biblatex.

#: Fields each entry type must have: biblatex's mandatory fields (biber reports a missing one)
#: plus the edition's own (a book names its publisher). A tuple inside the tuple means "one of
#: these". The set of keys is also the set of entry types the edition accepts; anything else (a
#: typo such as ``@artcle``) would silently fall back or fail late in one of the tools.
REQUIRED_FIELDS: dict[str, tuple[str | tuple[str, ...], ...]] = {
    "article": ("author", "title", "journal", "year"),
    "book": ("author", "title", "publisher", "year"),
    "booklet": ("author", "title", "year"),
    "collection": ("editor", "title", "publisher", "year"),
    "incollection": ("author", "editor", "title", "booktitle", "publisher", "year"),
    "inproceedings": ("author", "title", "booktitle", "year"),
    "techreport": ("author", "title", "institution", "year"),
    "misc": ("title", "year"),
    "online": ("title", "url", "year"),
    "phdthesis": ("author", "title", "school", "year"),
    "unpublished": ("author", "title", "year", "note"),
}

#: Fields every entry type may have.
_ANY_TYPE = ("title", "year", "month", "doi", "url", "urldate", "note", "annote")

#: The fields each entry type may have. A field outside its type's set is refused: biber reports
#: it as invalid in the data model and drops it, pandoc and Zotero drop it silently, so a reader's
#: copy would lose it without a word.
ALLOWED_FIELDS: dict[str, frozenset[str]] = {
    etype: frozenset(_ANY_TYPE + extra)
    for etype, extra in {
        "article": ("author", "editor", "journal", "series", "volume", "number", "pages", "issn"),
        "book": (
            "author", "editor", "series", "volume", "number", "edition", "publisher", "address",
            "isbn",
        ),
        "booklet": ("author", "editor", "type", "howpublished", "address"),
        "collection": (
            "editor", "series", "volume", "number", "edition", "publisher", "address", "isbn",
        ),
        "incollection": (
            "author", "editor", "booktitle", "series", "volume", "number", "chapter", "pages",
            "edition", "publisher", "address", "isbn",
        ),
        "inproceedings": (
            "author", "editor", "booktitle", "series", "volume", "number", "chapter", "pages",
            "organization", "publisher", "address", "isbn",
        ),
        "techreport": ("author", "type", "number", "institution", "address"),
        "misc": ("author", "editor", "type", "organization", "howpublished", "address"),
        "online": ("author", "editor", "organization"),
        "phdthesis": ("author", "type", "school", "address"),
        "unpublished": ("author", "type", "howpublished", "address"),
    }.items()
}  # fmt: skip

#: What to write instead of a field the edition does not take, where there is a standard home.
FIELD_HINTS: dict[str, str] = {
    "verified": (
        "record where the entry was checked in the standard field annote: "
        "annote = {Checked against \\url{https://...}}"
    ),
    "annotation": "write annote (the BibTeX name; biber maps it to annotation)",
    "location": "write address (the BibTeX name; biber maps it to location)",
    "journaltitle": "write journal (the BibTeX name; biber maps it to journaltitle)",
    "date": "write year (and month): pybtex, which renders the site, reads no date field",
    "addendum": "write note: the site's reference list prints note, not addendum",
}

#: Fields that biblatex and pandoc read as a list of names or places separated by " and ".
LIST_FIELDS = ("publisher", "institution", "organization", "school", "address")

#: Fields that hold free text, in which a URL must be written as ``\url{...}``.
TEXT_FIELDS = ("note", "annote", "howpublished")

#: ``\url{...}`` in a text field.
URL_COMMAND_RE = re.compile(r"\\url\{([^{}]*)\}")

#: Canonical field order: who, what, where in the container, who published, when, how to find it,
#: then the edition's remarks and where the entry was checked. Fields not listed follow in
#: alphabetical order (there are none: ALLOWED_FIELDS admits only these).
FIELD_ORDER: tuple[str, ...] = (
    "author",
    "editor",
    "title",
    "booktitle",
    "journal",
    "type",
    "series",
    "volume",
    "number",
    "chapter",
    "pages",
    "edition",
    "institution",
    "organization",
    "school",
    "publisher",
    "howpublished",
    "address",
    "year",
    "month",
    "isbn",
    "issn",
    "doi",
    "url",
    "urldate",
    "note",
    "annote",
)

#: Fields whose words are title-cased by some BibTeX styles, so proper nouns need braces there.
TITLE_FIELDS = ("title", "booktitle")

#: Proper nouns that must keep their capital letter in any style. Acronyms (two or more capitals,
#: e.g. NATO, OSCE, ROK, U.S.) are protected without being listed.
PROPER_NOUNS = frozenset(
    {
        "America",
        "American",
        "Asia",
        "Asian",
        "Atlantic",
        "Australia",
        "China",
        "Chinese",
        "Cold",
        "Eurasia",
        "Europe",
        "European",
        "Japan",
        "Japanese",
        "Korea",
        "Korean",
        "Koreas",
        "Northeast",
        "Pacific",
        "Republic",
        "Russia",
        "Southeast",
        "States",
        "United",
        "War",
    }
)

#: Compass words that are part of a proper name when a proper noun follows: East Asia, South
#: Korea, North Atlantic (but not "looking east").
COMPASS_WORDS = frozenset({"Central", "East", "North", "South", "West"})

#: A following word, possibly already braced: the lookahead for COMPASS_WORDS.
_NEXT_WORD_RE = re.compile(r"\s+\{?([A-Z][A-Za-z]*)")

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")

#: Keys that break the author-year-word rule on purpose. The keys are fixed for the whole
#: edition (chapters cite them), so a correction to the record must not rename them.
KEY_EXCEPTIONS: dict[str, str] = {
    "kristol2005memorandum": (
        "The paper attributes the memorandum to William Kristol; the record shows Ellen Bork's "
        "byline. The key keeps the paper's attribution so that citations stay stable."
    ),
}

#: Entries that are in references.bib although no page cites them, each with the reason.
#: Empty today: every entry is cited by a chapter, the Endnotes page or the Bibliography page.
DELIBERATELY_UNCITED: dict[str, str] = {}

KEY_RE = re.compile(r"^(?P<name>[a-z]+)(?P<year>\d{4})(?P<word>[a-z]+)$")
DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")
YEAR_RE = re.compile(r"^\d{4}$")
EARLIEST_YEAR = 1500

#: A citation role in MyST: {cite}, {cite:p}, {cite:t}, {cite:ps}, {footcite:t}, ... with its
#: backticked content, which may hold several keys and pre/post text: ``{see}key{p. 3}``.
CITE_ROLE_RE = re.compile(r"\{(?:foot)?cite(?::[a-z]+)?\}`([^`]*)`")


# --------------------------------------------------------------------------- parsing helpers


def _rel(path: Path) -> str:
    """Paths in messages relative to the repository when possible: shorter and machine-neutral."""
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def _parse(text: str) -> bibtexparser.Library:
    """Parse with bibtexparser 2's default stack (enclosing braces/quotes removed, nothing else)."""
    return bibtexparser.parse_string(text)


def _raw_key(block: Block) -> str | None:
    """The key of a block, also for blocks the parser could not turn into an entry."""
    key = getattr(block, "key", None)
    if key:
        return str(key)
    match = re.match(r"\s*@\s*\w+\s*[{(]\s*([^,\s]+)\s*,", getattr(block, "raw", "") or "")
    return match.group(1) if match else None


def _field_line(entry: Entry, name: str) -> int | None:
    """1-based line of a field, as an editor shows it (bibtexparser counts from 0)."""
    for field in entry.fields:
        if field.key.lower() == name:
            start = getattr(field, "start_line", None)
            if start is not None:
                return int(start) + 1
    start = getattr(entry, "start_line", None)
    return None if start is None else int(start) + 1


def _entry_line(block: Block) -> int | None:
    start = getattr(block, "start_line", None)
    return None if start is None else int(start) + 1


def _fields(entry: Entry) -> dict[str, str]:
    """Field names lower-cased; values as strings (the parser has removed the outer braces)."""
    return {field.key.lower(): str(field.value).strip() for field in entry.fields}


def _first_surname(names: str) -> str | None:
    """Surname of the first person in a BibTeX name list; None for a braced corporate name."""
    first = re.split(r"\s+and\s+", names.strip(), maxsplit=1)[0].strip()
    if not first or first.startswith("{"):
        return None
    surname = first.split(",", 1)[0] if "," in first else first.split()[-1]
    surname = unicodedata.normalize("NFKD", surname).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]", "", surname.lower()) or None


def _split_top_level_and(value: str) -> list[str]:
    """Split a BibTeX list value at " and " outside braces, as biblatex and pandoc do."""
    parts, depth, start, i = [], 0, 0, 0
    lowered = value.lower()
    while i < len(value):
        char = value[i]
        depth += char == "{"
        depth -= char == "}"
        if depth == 0 and lowered.startswith(" and ", i):
            parts.append(value[start:i].strip())
            i += 5
            start = i
            continue
        i += 1
    parts.append(value[start:].strip())
    return [part for part in parts if part]


def _persons(names: str) -> list[str]:
    """The persons of an author or editor field."""
    return _split_top_level_and(" ".join(names.split())) if names.strip() else []


def _fully_braced(text: str) -> bool:
    """True for ``{...}`` whose outer braces enclose the whole text."""
    if not (text.startswith("{") and text.endswith("}")):
        return False
    depth = 0
    for index, char in enumerate(text):
        depth += char == "{"
        depth -= char == "}"
        if depth == 0 and index < len(text) - 1:
            return False
    return depth == 0


def _unknown_field_message(etype: str, name: str) -> str:
    """Why a field is refused, and what to write instead."""
    elsewhere = sorted(t for t, allowed in ALLOWED_FIELDS.items() if name in allowed)
    message = f"@{etype} does not take the field {name!r}"
    if name in FIELD_HINTS:
        return f"{message}: {FIELD_HINTS[name]}"
    if elsewhere:
        shown = ", ".join(f"@{t}" for t in elsewhere)
        return (
            f"{message}: biber's data model has no such field for @{etype} (it belongs to "
            f"{shown}); fields of @{etype}: " + ", ".join(sorted(ALLOWED_FIELDS[etype]))
        )
    return (
        f"{message}: it is not a standard field the edition uses, and biber, pandoc and Zotero "
        f"would drop it; fields of @{etype}: " + ", ".join(sorted(ALLOWED_FIELDS[etype]))
    )


def _brace_balance_ok(value: str) -> bool:
    depth = 0
    for char in value:
        depth += char == "{"
        depth -= char == "}"
        if depth < 0:
            return False
    return depth == 0


# --------------------------------------------------------------------------- validation


def _check_entry(entry: Entry, file: str) -> list[Problem]:
    """All rule violations of one parsed entry."""
    problems: list[Problem] = []
    key = entry.key
    fields = _fields(entry)
    etype = entry.entry_type.lower()
    line = _entry_line(entry)

    def problem(rule: str, message: str, column: str | None = None, value: str | None = None):
        where = _field_line(entry, column) if column else line
        problems.append(Problem(file, where, column, value, rule, f"entry {key!r}: {message}"))

    if etype not in REQUIRED_FIELDS:
        known = ", ".join(sorted(REQUIRED_FIELDS))
        problem("unknown-type", f"entry type @{etype} is not one of: {known}", value=etype)
    else:
        for required in REQUIRED_FIELDS[etype]:
            options = required if isinstance(required, tuple) else (required,)
            if not any(fields.get(option) for option in options):
                shown = " or ".join(options)
                hint = ""
                if etype == "book" and "author" in options and fields.get("editor"):
                    hint = " (an edited volume with editors and no author is a @collection)"
                problem(
                    "missing-field", f"@{etype} needs the field {shown}{hint}", column=options[0]
                )
        for name in fields:
            if name not in ALLOWED_FIELDS[etype]:
                problem("unknown-field", _unknown_field_message(etype, name), name, fields[name])

    match = KEY_RE.match(key)
    if key not in KEY_EXCEPTIONS:
        if not match:
            problem(
                "key-style",
                "key must be author-year-word in lower case, e.g. calder2004regionalism",
                value=key,
            )
        else:
            year = fields.get("year", "")
            if YEAR_RE.match(year) and match.group("year") != year:
                problem("key-style", f"key year {match.group('year')} differs from year {year}")
            surname = _first_surname(fields.get("author") or fields.get("editor") or "")
            if surname and not surname.startswith(match.group("name")):
                problem(
                    "key-style",
                    f"key starts with {match.group('name')!r} but the first name is {surname!r}",
                    value=key,
                )

    year = fields.get("year")
    if year is not None:
        this_year = _dt.date.today().year
        if not YEAR_RE.match(year) or not EARLIEST_YEAR <= int(year) <= this_year + 1:
            problem(
                "impossible-year",
                f"year must be four digits between {EARLIEST_YEAR} and {this_year + 1}",
                column="year",
                value=year,
            )

    month = fields.get("month")
    if month is not None and month.lower()[:3] not in MONTHS:
        problem("bad-month", "month must be jan ... dec", column="month", value=month)

    doi = fields.get("doi")
    if doi is not None and not DOI_RE.match(doi):
        problem("malformed-doi", "DOI must look like 10.NNNN/suffix (no URL prefix)", "doi", doi)

    url = fields.get("url")
    if url is not None and not is_url(url):
        problem("malformed-url", "URL must be absolute http(s) without spaces", "url", url)

    for name in TEXT_FIELDS:
        text = fields.get(name)
        if text is None:
            continue
        wrapped = URL_COMMAND_RE.findall(text)
        for target in wrapped:
            if not is_url(target):
                problem(
                    "malformed-url", "URL must be absolute http(s) without spaces", name, target
                )
        for bare in re.findall(r"(?:https?://|www\.)[^\s;,)}]+", URL_COMMAND_RE.sub("", text)):
            problem(
                "bare-url",
                f"write the URL in {name!r} as \\url{{{bare}}}: LaTeX stops at a bare _ or %, "
                "and pandoc and Zotero read \\url{...}",
                name,
                bare,
            )
        if name == "annote" and not wrapped:
            problem(
                "missing-url",
                "'annote' records where the entry was checked: name at least one \\url{...}",
                name,
                text,
            )

    for name in ("author", "editor"):
        for person in _persons(fields.get(name, "")):
            if person == "others" or _fully_braced(person):
                continue
            if person.count(",") not in (1, 2):
                problem(
                    "name-form",
                    f"write each person in {name!r} surname first, 'Kim, Sung-han' (a comma "
                    "after the surname; 'Nye, Jr., Joseph S.' with a suffix), so that every tool "
                    "reads the same surname; brace a corporate name: {Council on Foreign "
                    "Relations}",
                    name,
                    person,
                )

    for name in LIST_FIELDS:
        value = fields.get(name)
        if value is None:
            continue
        parts = _split_top_level_and(value)
        if len(parts) > 1 and not all(_fully_braced(part) for part in parts):
            problem(
                "ambiguous-and",
                f"biblatex and pandoc split {name!r} at ' and ' into separate names; brace a "
                "single name that contains 'and' ({Center for Strategic and International "
                "Studies}), and brace each of several names ({A} and {B})",
                name,
                value,
            )

    for name, value in fields.items():
        if not _brace_balance_ok(value):
            problem("unbalanced-braces", "braces in the value do not balance", name, value)
    return problems


def check_text(text: str, file: str = "references.bib") -> list[Problem]:
    """Every problem in a BibTeX text, located by line; an empty list means the text is valid."""
    problems: list[Problem] = []
    library = _parse(text)
    seen: dict[str, int | None] = {}
    for block in library.blocks:
        if isinstance(block, DuplicateBlockKeyBlock):
            key = _raw_key(block)
            first = seen.get(key or "")
            problems.append(
                Problem(
                    file,
                    _entry_line(block),
                    None,
                    key,
                    "duplicate-key",
                    f"entry {key!r}: key already used by the entry on line {first}",
                )
            )
        elif isinstance(block, ParsingFailedBlock):
            key = _raw_key(block)
            problems.append(
                Problem(
                    file,
                    _entry_line(block),
                    None,
                    key,
                    "parse-error",
                    f"entry {key!r}: malformed entry (unbalanced braces, missing comma or "
                    "closing brace); the parser could not read it",
                )
            )
        elif isinstance(block, Entry):
            seen.setdefault(block.key, _entry_line(block))
            problems.extend(_check_entry(block, file))
    return problems


def check_bibliography(path: Path = BIB_PATH) -> list[Problem]:
    """Validate a .bib file: every problem at once, never stopping at the first."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [Problem(_rel(path), None, None, None, "unreadable", str(exc))]
    return check_text(text, _rel(path))


# --------------------------------------------------------------------------- canonical form

_TOKEN_RE = re.compile(r"[A-Za-z][A-Za-z']*(?:\.[A-Za-z]+)*\.?")


def _is_protectable(core: str) -> bool:
    letters = core.replace(".", "")
    capitals = sum(ch.isupper() for ch in letters)
    is_acronym = capitals >= 2 and letters.isupper()
    return core in PROPER_NOUNS or is_acronym


def protect_proper_nouns(title: str) -> str:
    """Brace proper nouns and acronyms that are not already inside braces.

    Why: BibTeX styles, pybtex and pandoc's citeproc lower-case title words for sentence case;
    ``{Korea}``, ``{NATO}`` and ``{East} {Asian}`` survive that.
    Text already inside braces and LaTeX commands are left alone, so the function is idempotent.
    """
    out: list[str] = []
    depth = 0
    i = 0
    while i < len(title):
        char = title[i]
        if char == "\\":
            command = re.match(r"\\(?:[A-Za-z]+|.)", title[i:])
            assert command is not None
            out.append(command.group(0))
            i += len(command.group(0))
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        if depth == 0 and char.isalpha() and (i == 0 or not title[i - 1].isalnum()):
            token = _TOKEN_RE.match(title, i)
            if token:
                word = token.group(0)
                core, suffix = word, ""
                if core.endswith("'s"):
                    core, suffix = core[:-2], "'s"
                if core.endswith(".") and "." not in core[:-1]:
                    core, suffix = core[:-1], "." + suffix
                following = _NEXT_WORD_RE.match(title, token.end())
                compass = (
                    core in COMPASS_WORDS
                    and following is not None
                    and _is_protectable(following.group(1))
                )
                if _is_protectable(core) or compass:
                    out.append("{" + core + "}" + suffix)
                else:
                    out.append(word)
                i = token.end()
                continue
        out.append(char)
        i += 1
    return "".join(out)


def _field_sort_key(name: str) -> tuple[int, str]:
    try:
        return (FIELD_ORDER.index(name), name)
    except ValueError:
        return (len(FIELD_ORDER), name)


def format_entry(entry: Entry) -> str:
    """One entry in the edition's layout: lower-case type and field names, two-space indent,
    braced values (months as the standard jan ... dec macros), fixed field order, trailing comma.
    """
    fields = _fields(entry)
    lines = [f"@{entry.entry_type.lower()}{{{entry.key},"]
    for name in sorted(fields, key=_field_sort_key):
        value = " ".join(fields[name].split())
        if name in TITLE_FIELDS:
            value = protect_proper_nouns(value)
        if name == "month" and value.lower()[:3] in MONTHS:
            lines.append(f"  month = {value.lower()[:3]},")
        else:
            lines.append(f"  {name} = {{{value}}},")
    lines.append("}")
    return "\n".join(lines)


def canonical_from_text(text: str) -> str:
    """Canonical form of a (valid) BibTeX text: entries sorted by key, blank line between them.

    Comments and @string/@preamble blocks are not kept: the edition uses none, and a single
    layout is what makes the file diff cleanly.
    """
    library = _parse(text)
    entries = sorted(library.entries, key=lambda entry: entry.key)
    return "\n\n".join(format_entry(entry) for entry in entries) + "\n"


def canonical_text(path: Path = BIB_PATH) -> str:
    """The canonical text of a .bib file (its content unchanged, only the layout)."""
    return canonical_from_text(Path(path).read_text(encoding="utf-8"))


def write_atomic(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` at once: a crash leaves the old file, never half a file."""
    path = Path(path)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(tmp_name, path.stat().st_mode & 0o777)
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def unified_diff(path: Path, current: str, canonical: str) -> str:
    """What ``--write`` would change, as a unified diff."""
    name = _rel(Path(path))
    return "".join(
        difflib.unified_diff(
            current.splitlines(keepends=True),
            canonical.splitlines(keepends=True),
            fromfile=f"{name} (current)",
            tofile=f"{name} (canonical)",
        )
    )


# --------------------------------------------------------------------------- citations in the book


def _split_top_level(content: str) -> Iterable[str]:
    """Split a role's content on commas outside braces ({pp. 1, 3} keeps its comma)."""
    depth, start = 0, 0
    for index, char in enumerate(content):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == "," and depth == 0:
            yield content[start:index]
            start = index + 1
    yield content[start:]


def keys_in_role(content: str) -> list[str]:
    """Keys in the content of one cite role: ``{see}a2000x{p. 3}, b2001y`` -> [a2000x, b2001y]."""
    keys = []
    for part in _split_top_level(content):
        part = re.sub(r"^\s*\{[^{}]*\}", "", part.strip())
        part = re.sub(r"\{[^{}]*\}\s*$", "", part).strip()
        if part:
            keys.append(part)
    return keys


def cited_keys_in_text(text: str) -> set[str]:
    """Keys cited by {cite...} roles in one MyST text."""
    return {key for match in CITE_ROLE_RE.finditer(text) for key in keys_in_role(match.group(1))}


def cited_keys(book_dir: Path = BOOK_DIR) -> set[str]:
    """Every key cited in book/**/*.md through a {cite...} role, with pre/post text stripped."""
    keys: set[str] = set()
    for path in sorted(Path(book_dir).rglob("*.md")):
        if "_build" in path.parts:
            continue
        keys |= cited_keys_in_text(path.read_text(encoding="utf-8"))
    return keys


def entry_keys(path: Path = BIB_PATH) -> set[str]:
    """Keys of the entries the parser could read."""
    return {entry.key for entry in _parse(Path(path).read_text(encoding="utf-8")).entries}


# --------------------------------------------------------------------------- command line


def main(argv: Sequence[str] | None = None) -> int:
    """Validate references.bib; with --write rewrite it canonically, with --check compare only."""
    parser = argparse.ArgumentParser(
        prog="python -m nea_edition.checks.bibliography", description=__doc__
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help="rewrite the file in canonical form")
    mode.add_argument("--check", action="store_true", help="fail (with a diff) if not canonical")
    parser.add_argument("path", nargs="?", type=Path, default=BIB_PATH, help="the .bib file")
    args = parser.parse_args(argv)

    problems = check_bibliography(args.path)
    if problems:
        print(report(problems), file=sys.stderr)
        print(f"{_rel(args.path)} left unchanged.", file=sys.stderr)
        return 1
    current = args.path.read_text(encoding="utf-8")
    canonical = canonical_from_text(current)
    if args.write:
        if canonical != current:
            write_atomic(args.path, canonical)
            print(f"{_rel(args.path)}: rewritten in canonical form.")
        else:
            print(f"{_rel(args.path)}: already canonical.")
        return 0
    if canonical != current:
        sys.stdout.write(unified_diff(args.path, current, canonical))
        print(
            f"{_rel(args.path)} is not in canonical form: run `nox -s bib`.",
            file=sys.stderr,
        )
        return 1
    print(f"{_rel(args.path)}: valid and canonical ({len(entry_keys(args.path))} entries).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
