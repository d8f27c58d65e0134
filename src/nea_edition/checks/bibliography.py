"""The edition's bibliography (``references.bib``): validation, one canonical form, cited keys.

Why this module exists: the paper's thirty endnotes became a BibTeX file that three chapters
cite at once. A typo in a key, a half-edited entry or a second spelling of the same work would
surface only as a late Sphinx warning, far from its cause. So the file is checked here first,
every problem is reported in one run with the line and the key
(``nea_edition.checks.errors.Problem``), and the file is kept in a single canonical layout so
that diffs between versions show content changes only.

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

from nea_edition.checks.errors import Problem, report


def is_url(text: str) -> bool:
    """True for an absolute http(s) URL with a host and no spaces (bib fields and data sources)."""
    parts = urlsplit(text)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and not re.search(r"\s", text)


#: Default location, relative to the repository root.
ROOT = Path(__file__).resolve().parents[3]
BIB_PATH = ROOT / "references.bib"
BOOK_DIR = ROOT / "book"

#: Fields each entry type must have. A tuple inside the tuple means "one of these". The set of
#: keys is also the set of entry types the edition accepts: pybtex's ``plain`` style renders all
#: of them, and anything else (a typo such as ``@artcle``) would silently fall back or fail late.
REQUIRED_FIELDS: dict[str, tuple[str | tuple[str, ...], ...]] = {
    "article": ("author", "title", "journal", "year"),
    "book": (("author", "editor"), "title", "publisher", "year"),
    "incollection": ("author", "title", "booktitle", "publisher", "year"),
    "inproceedings": ("author", "title", "booktitle", "year"),
    "techreport": ("author", "title", "institution", "year"),
    "misc": ("title", "year"),
    "online": ("title", "year"),
    "phdthesis": ("author", "title", "school", "year"),
    "unpublished": ("author", "title", "note"),
}

#: Canonical field order: who, what, where in the container, who published, when, how to find it,
#: then the edition's remarks. Fields not listed follow in alphabetical order.
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
    "date",
    "isbn",
    "issn",
    "doi",
    "url",
    "urldate",
    "note",
    "verified",
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
                problem("missing-field", f"@{etype} needs the field {shown}", column=options[0])

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

    for name in ("url", "verified"):
        raw = fields.get(name)
        if raw is None:
            continue
        urls = [raw] if name == "url" else re.findall(r"\S+://\S+|www\.\S+", raw)
        if name == "verified" and not urls:
            problem("malformed-url", "'verified' must name at least one URL", name, raw)
        for url in urls:
            url = url.rstrip(";,)")
            if not is_url(url):
                problem("malformed-url", "URL must be absolute http(s) without spaces", name, url)

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

    Why: BibTeX styles may lower-case title words; ``{Korea}`` and ``{NATO}`` survive that.
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
                if _is_protectable(core):
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
