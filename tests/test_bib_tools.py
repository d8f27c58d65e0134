"""references.bib in the tools readers feed it to: biber (biblatex), pandoc's citeproc, the site.

Why these tests run the real programs: a .bib file can satisfy the edition's own validator and
still come out wrong in a reader's tool. biber drops a field its data model does not know and
reports an entry that lacks a mandatory field; pandoc splits "Center for Strategic and
International Studies" into two publishers, lower-cases an unbraced "East" for sentence case and
prints "Kim Sung-Han" for an unprotected name. So the tests hand the file to Debian's ``biber``
and ``pandoc`` and assert on what comes out: no warning from biber, and in pandoc every entry,
its names surname first with no markup left, the capitals of its proper nouns, the editors and
book title of its edited volume, and its publishers.

Zotero's BibTeX import is not run here (there is no Zotero on a build machine). What the file
relies on in it was read from its translator (``BibTeX.js`` in zotero/translators): ``annote`` is
imported as a note with ``\\url`` stripped, ``@collection`` and ``@booklet`` become books,
``@misc`` a document, ``@online`` a web page, and braces protect case.

In CI (the ``CI`` variable set) a missing ``biber`` or ``pandoc`` fails the tests; elsewhere they
skip. ``.ci/run`` installs both.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import bibtexparser
import pytest

from nea_edition.checks import bibliography as bib

ROOT = Path(__file__).resolve().parents[1]
BIB = ROOT / "references.bib"
FIXTURES = Path(__file__).parent / "fixtures" / "bib"


def tool(name: str) -> str:
    """The path of a command-line tool; fail in CI when it is missing, skip elsewhere."""
    path = shutil.which(name)
    if path:
        return path
    reason = f"{name} not found (Debian: apt-get install {name})"
    if os.environ.get("CI"):
        pytest.fail(f"{name} must run in CI: {reason}")
    pytest.skip(reason)


def entries() -> dict[str, dict[str, str]]:
    """Every entry of references.bib: key -> fields (as written, braces kept), plus its type."""
    library = bibtexparser.parse_string(BIB.read_text(encoding="utf-8"))
    return {
        e.key: {**{f.key.lower(): str(f.value) for f in e.fields}, "@type": e.entry_type.lower()}
        for e in library.entries
    }


def unbrace(text: str) -> str:
    """A BibTeX value as a reader's tool prints it: braces gone, ``\\&`` an ampersand."""
    return " ".join(text.replace("\\&", "&").replace("{", "").replace("}", "").split())


# --------------------------------------------------------------------------------- biber


def run_biber(source: Path, workdir: Path) -> tuple[list[str], str]:
    """biber's datamodel check on a copy of ``source``: its warnings and the file it wrote."""
    biber = tool("biber")
    copy = workdir / "input.bib"
    shutil.copy(source, copy)
    out = workdir / "output.bib"
    result = subprocess.run(
        [biber, "--tool", "--validate-datamodel", "--output-file", str(out), str(copy)],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    log = result.stdout + result.stderr
    assert result.returncode == 0, log
    problems = [line for line in log.splitlines() if line.startswith(("WARN", "ERROR"))]
    return problems, out.read_text(encoding="utf-8")


def test_biber_accepts_references_bib(tmp_path: Path) -> None:
    """No missing mandatory field, no field invalid in biblatex's data model, nothing dropped."""
    problems, written = run_biber(BIB, tmp_path)
    assert problems == [], "\n".join(problems)
    keys = {m.lower() for m in re.findall(r"^@\w+\{([^,]+),", written, flags=re.M)}
    assert keys == set(entries()), "biber did not read every entry"
    # The edition's bookkeeping reached biber in a standard field (annote -> annotation).
    annotated = len(re.findall(r"^\s*annote\s*=", BIB.read_text(encoding="utf-8"), flags=re.M))
    assert annotated > 0
    assert written.lower().count("annotation") == annotated


def sample_bib() -> str:
    """One entry of every type the edition accepts, with every field that type may have."""
    values = {
        "author": "Doe, Jane",
        "editor": "Roe, Richard",
        "title": "A Title",
        "booktitle": "A Book Title",
        "journal": "A Journal",
        "type": "Working paper",
        "series": "A Series",
        "volume": "4",
        "number": "2",
        "chapter": "3",
        "pages": "1--20",
        "edition": "2",
        "institution": "{An Institute}",
        "organization": "{An Organization}",
        "school": "{A University}",
        "publisher": "{A Press}",
        "howpublished": "Printed privately",
        "address": "{Seoul}",
        "year": "2000",
        "isbn": "978-0-306-40615-7",
        "issn": "0028-0836",
        "doi": "10.1000/xyz123",
        "url": "https://example.org/work",
        "urldate": "2001-02-03",
        "note": "A note",
        "annote": "Checked against \\url{https://example.org/record}",
    }
    blocks = []
    for etype, allowed in sorted(bib.ALLOWED_FIELDS.items()):
        surname = "roe" if "author" not in allowed else "doe"
        lines = [f"@{etype}{{{surname}2000{etype},"]
        for name in sorted(allowed, key=bib.FIELD_ORDER.index):
            lines.append("  month = jan," if name == "month" else f"  {name} = {{{values[name]}}},")
        blocks.append("\n".join([*lines, "}"]))
    return "\n\n".join(blocks) + "\n"


def test_every_type_and_field_the_edition_allows_is_valid_for_biber(tmp_path: Path) -> None:
    """The validator's tables (ALLOWED_FIELDS, REQUIRED_FIELDS) match biblatex's data model."""
    text = sample_bib()
    assert bib.check_text(text, "sample.bib") == [], "the edition's own validator refuses it"
    source = tmp_path / "sample.bib"
    source.write_text(text, encoding="utf-8")
    problems, written = run_biber(source, tmp_path)
    assert problems == [], "\n".join(problems)
    assert len(re.findall(r"^@", written, flags=re.M)) == len(bib.ALLOWED_FIELDS)


@pytest.mark.parametrize(
    ("fixture", "biber_says"),
    [
        ("unknown-field.bib", "Field 'verified' invalid in data model"),
        ("field-wrong-type.bib", "Invalid field 'publisher' for entrytype 'online'"),
        ("editor-only-book.bib", "Missing mandatory field 'author'"),
    ],
)
def test_what_biber_refuses_the_validator_refuses(
    fixture: str, biber_says: str, tmp_path: Path
) -> None:
    """The edition's validator catches these before biber does, at the field's line."""
    problems, _ = run_biber(FIXTURES / fixture, tmp_path)
    assert any(biber_says in line for line in problems), problems
    assert [p.rule for p in bib.check_bibliography(FIXTURES / fixture)] in (
        ["unknown-field"],
        ["missing-field"],
    )


# --------------------------------------------------------------------------------- pandoc


def run_pandoc(*args: str, stdin: str | None = None) -> str:
    """pandoc's output; any warning on stderr fails the test."""
    pandoc = tool("pandoc")
    result = subprocess.run(
        [pandoc, *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "", result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def csl() -> dict[str, dict]:
    """references.bib as pandoc reads it (a .bib file is biblatex to ``--bibliography``)."""
    items = json.loads(run_pandoc(str(BIB), "-f", "biblatex", "-t", "csljson"))
    return {item["id"]: item for item in items}


@pytest.fixture(scope="module")
def rendered() -> dict[str, str]:
    """Every entry rendered by ``pandoc --citeproc`` (its default Chicago author-date style),
    as the text a reader sees, by key."""
    out = run_pandoc(
        "-f",
        "markdown",
        "-t",
        "html",
        "--wrap=none",
        "--citeproc",
        "--bibliography",
        str(BIB),
        stdin="---\nnocite: '@*'\n---\n",
    )
    found = re.findall(r'<div id="ref-([^"]+)" class="csl-entry"[^>]*>(.*?)</div>', out, re.S)
    return {
        key: html.unescape(" ".join(re.sub(r"<[^>]+>", "", body).split())) for key, body in found
    }


@pytest.fixture(scope="module")
def plain() -> str:
    return run_pandoc(
        "-f", "markdown", "-t", "plain", "--wrap=none", "--citeproc", "--bibliography", str(BIB),
        stdin="---\nnocite: '@*'\n---\n",
    )  # fmt: skip


def test_pandoc_renders_every_entry(csl: dict, rendered: dict, plain: str) -> None:
    keys = set(entries())
    assert set(csl) == keys
    assert set(rendered) == keys
    assert len([p for p in plain.split("\n\n") if p.strip()]) == len(keys)


def strings(value: object) -> list[str]:
    """Every string inside a CSL-JSON value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


def test_no_markup_reaches_the_reader(csl: dict, rendered: dict, plain: str) -> None:
    """Braces, backslashes and TeX quotes are all read, none printed."""
    for key, item in csl.items():
        for text in strings(item):
            assert not re.search(r"[{}\\]|``|''", text), (key, text)
    for text in [*rendered.values(), plain]:
        assert not re.search(r"[{}\\]", text), text


def test_names_are_read_surname_first(csl: dict) -> None:
    """Each person comes out with the surname written before the comma; a braced corporate
    name stays one literal name; 'and others' becomes et al."""
    for key, fields in entries().items():
        for role in ("author", "editor"):
            people = bib._persons(fields.get(role, ""))
            names = csl[key].get(role, [])
            assert len(names) == len(people), (key, role, names)
            for person, name in zip(people, names, strict=True):
                if person == "others" or person.startswith("{"):
                    assert name == {"literal": unbrace(person)}, (key, name)
                    continue
                parts = [part.strip() for part in person.split(",")]
                assert name["family"] == parts[0], (key, name)
                assert name["given"] == parts[-1], (key, name)
                if len(parts) == 3:
                    assert name["suffix"] == parts[1], (key, name)
    assert csl["kim2009regionalism"]["author"] == [{"family": "Kim", "given": "Sung-han"}]


def test_rendered_names(rendered: dict) -> None:
    assert rendered["armitage2000mature"].startswith(
        "Armitage, Richard L., Kurt M. Campbell, Robert A. Manning, Joseph S. Nye Jr., et al. 2000."
    )
    assert rendered["nye1995deep"].startswith("Nye, Joseph S., Jr. 1995.")
    assert rendered["kim1999military"].startswith("Kim, Sung-han. 1999.")
    assert rendered["rozman2008south"].startswith(
        "Rozman, Gilbert, In-Taek Hyun, and Shin-wha Lee, eds. 2008."
    )
    assert rendered["nato1999strategic"].startswith("North Atlantic Treaty Organization. 1999.")


#: Titles as pandoc stores them for CSL: in sentence case, so only protected words keep their
#: capitals. Each line is a proper noun (or a name) that must survive.
SENTENCE_CASE_TITLES = {
    "kim2009regionalism": ("title", "Northeast Asian regionalism in Korea"),
    "calder2004regionalism": ("title", "the “organization gap” in Northeast Asia"),
    "hemmer2002nato": ("title", "Why is there no NATO in Asia?"),
    "hopmann1999building": ("title", "Building security in post-Cold War Eurasia: The OSCE"),
    "mccalla1996nato": ("title", "NATO\u2019s persistence after the Cold War"),
    "armitage2000mature": ("title", "The United States and Japan: Advancing toward a mature"),
    "anonymous2009interview": ("title", "Interview with Kim Sung-han"),
    "nato1999strategic": ("title", "The Alliance\u2019s Strategic Concept"),
    "rozman2008south": ("title", "South Korean strategic thought toward Asia"),
    "bluehouse2009global": ("title", "The national security strategy of the Republic of Korea"),
    "kang1999managing": ("container-title", "Conference on East Asian Security"),
    "soeya2009china": ("container-title", "8th Korea-Japan Millennium Forum on the Global"),
}


@pytest.mark.parametrize(
    ("key", "variable", "expected"), [(k, *v) for k, v in SENTENCE_CASE_TITLES.items()]
)
def test_proper_nouns_keep_their_capitals(
    csl: dict, key: str, variable: str, expected: str
) -> None:
    assert expected in csl[key][variable], csl[key][variable]


def test_every_braced_word_keeps_its_case(csl: dict) -> None:
    """Whatever references.bib braces in a title or book title reaches pandoc as written."""
    for key, fields in entries().items():
        for field, variable in (("title", "title"), ("booktitle", "container-title")):
            source = fields.get(field, "")
            for protected in re.findall(r"\{([^{}]+)\}", source):
                assert unbrace(protected) in csl[key][variable], (key, protected)


def test_title_case_styles_keep_names_and_prefixes(rendered: dict) -> None:
    """Chicago title-cases the sentence-case titles again; names and prefixes stay as written."""
    assert "“Interview with Kim Sung-han.”" in rendered["anonymous2009interview"]
    assert "for Co-operation.”" in rendered["kristol2005memorandum"]
    assert "“Why Is There No NATO in Asia?" in rendered["hemmer2002nato"]
    assert (
        "Post-Cold War Eurasia: The OSCE and U.S. Foreign Policy" in rendered["hopmann1999building"]
    )


def test_edited_volumes_show_editors_and_book_title(csl: dict, rendered: dict) -> None:
    chapter = csl["pierson2002historical"]
    assert chapter["type"] == "chapter"
    assert chapter["container-title"] == "Political science: The state of the discipline"
    assert [n["family"] for n in chapter["editor"]] == ["Katznelson", "Milner"]
    assert [n["family"] for n in chapter["author"]] == ["Pierson", "Skocpol"]
    assert (
        "In Political Science: The State of the Discipline, edited by Ira Katznelson and "
        "Helen V. Milner, 693\u2013721." in rendered["pierson2002historical"]
    )
    for key, shown in (
        ("cossa1999virtual", "Cossa, Ralph, ed. 1999."),
        ("katzenstein1997network", "Katzenstein, Peter J., and Takashi Shiraishi, eds. 1997."),
        ("rozman2008south", "Rozman, Gilbert, In-Taek Hyun, and Shin-wha Lee, eds. 2008."),
    ):
        assert csl[key]["type"] == "book" and "author" not in csl[key] and csl[key]["editor"]
        assert rendered[key].startswith(shown), rendered[key]
    for key in ("kang1999managing", "kim2004envisioning", "soeya2009china"):
        booktitle = unbrace(entries()[key]["booktitle"])
        assert csl[key]["type"] == "paper-conference"
        assert f"In {booktitle}." in rendered[key], rendered[key]


def test_publishers_and_institutions_appear_whole(csl: dict, rendered: dict) -> None:
    """A publisher with 'and' in its name stays one publisher; two braced publishers stay two."""
    checked = 0
    for key, fields in entries().items():
        for field in ("publisher", "institution", "organization", "school"):
            if field not in fields:
                continue
            names = [unbrace(part) for part in bib._split_top_level_and(fields[field])]
            assert csl[key]["publisher"] == "; ".join(names), (key, csl[key].get("publisher"))
            for name in names:
                assert name in rendered[key], (key, name)
            checked += 1
    assert checked >= 10
    assert (
        "Washington, DC: Center for Strategic and International Studies."
        in rendered["cossa1999virtual"]
    )
    assert (
        "New York; Washington, DC: W. W. Norton & Company; American Political Science "
        in rendered["pierson2002historical"]
    )
    assert (
        "Peaceworks 31. Washington, DC: United States Institute of Peace."
        in rendered["hopmann1999building"]
    )


def test_entry_types_map_to_csl_types(csl: dict) -> None:
    expected = {
        "article": {"article-journal"},
        "book": {"book"},
        "booklet": {"pamphlet"},
        "collection": {"book"},
        "incollection": {"chapter"},
        "inproceedings": {"paper-conference"},
        "techreport": {"report"},
        "online": {"webpage"},
        # CSL has no type for BibTeX's misc: pandoc 2.x leaves it empty, later ones say document.
        "misc": {"", "document"},
    }
    for key, fields in entries().items():
        assert csl[key].get("type", "") in expected[fields["@type"]], (key, csl[key].get("type"))


def test_where_an_entry_was_checked_reaches_pandoc(csl: dict) -> None:
    """``annote`` becomes CSL's annote, with its URLs as plain addresses."""
    for key, fields in entries().items():
        if "annote" not in fields:
            continue
        urls = bib.URL_COMMAND_RE.findall(fields["annote"])
        assert urls
        for url in urls:
            assert url in csl[key]["annote"], (key, url)


# --------------------------------------------------------------------------------- the site


def test_site_bibliography_renders_the_tool_friendly_entries(site_dir: Path) -> None:
    """The Bibliography page (pybtex via sphinxcontrib-bibtex) reads the same file: edited
    volumes show their editors, protected names keep their case, and the download is the file."""
    page = (site_dir / "book" / "bibliography.html").read_text(encoding="utf-8")
    text = html.unescape(" ".join(re.sub(r"<[^>]+>", " ", page).split()))
    text = re.sub(r"\s+([.,:;])", r"\1", text)
    assert "Cossa, Ralph, editor." in text
    assert "Katzenstein, Peter J. and Shiraishi, Takashi, editors." in text
    assert "In Katznelson, Ira and Milner, Helen V., editors, Political Science" in text
    assert "Interview with Kim Sung-han." in text
    assert "Center for Strategic and International Studies, Washington, DC, 1999." in text
    assert "Conference on East Asian Security" in text
    # Author-year order, edited volumes and corporate authors included (pybtex alone would put
    # @collection entries first and braced names last).
    cited = re.findall(r'<div class="citation"[^>]*>(.*?)</div>', page, re.S)
    firsts = [
        html.unescape(re.sub(r"<[^>]+>", " ", body)).split("]", 1)[-1].split()[0].lower()
        for body in cited
    ]
    assert len(firsts) == len(entries())
    assert firsts == sorted(firsts), firsts
    links = re.findall(r'href="([^"]*references\.bib)"', page)
    assert links, "no download link to references.bib"
    for link in links:
        downloaded = (site_dir / "book" / link).resolve()
        assert downloaded.read_bytes() == BIB.read_bytes(), link
