"""What a citable work is, and the works the edition's site cites.

``Work`` holds what a reference manager needs: type, authors, title, container, chapter number,
publisher, date, version and the address of the page. The formatters (``bibtex``, ``ris``,
``reference``, ``meta_tags``, ``jsonld``) turn one into text; this module makes the four kinds
the site cites:

* the edition as a whole (``edition_work``) and each of its pages, as a chapter of the book
  (``page_work``), from the edition's facts in ``release`` (read from ``CITATION.cff``);
* the data set (``dataset_work``), titled by ``data/datapackage.json``;
* the original paper (``paper_work``), read from ``references.bib`` (key
  ``release.PAPER_KEY``) with its fields as they are there, less the edition's bookkeeping.

**Author and publisher.** The edition is self-published: its corporate author, "The editors of
the open analytic edition", is also its publisher (``release.PUBLISHER``). Every format a
reader copies feeds a citation style, and the styles print author and publisher both, so the
reference would name the editors twice ("The editors ... Title. The editors ..., 2026"). APA
(7th ed., 9.24 and 10.2) and the DataCite style leave the publisher out when it is the author,
and CSL styles (Zotero, Mendeley) cannot compare the two fields to do it themselves. So the
formatted reference, the BibTeX and the RIS leave the publisher out whenever it is one of the
authors (``publisher_of``), and keep it when it differs (the original paper's Council on
Foreign Relations). The page metadata (Highwire ``citation_publisher``, JSON-LD ``publisher``)
keeps it: those are data for indexers, not text a style prints.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from pybtex.database import Entry, parse_file
from pybtex.richtext import Text

from nea_edition.citation import release

#: The page that offers the data set: its cite box and its metadata cite the data set too.
DATA_DOCNAME = "book/data"
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")  # fmt: skip

Kind = Literal["book", "chapter", "dataset", "report"]


@dataclass(frozen=True)
class Name:
    """An author: a person (family and given names) or a body with one name (``corporate``)."""

    family: str
    given: str = ""
    corporate: bool = False

    @property
    def inverted(self) -> str:
        """``Kim, Sung-han`` for a person; a body's name as it is."""
        if self.corporate or not self.given:
            return self.family
        return f"{self.family}, {self.given}"

    @property
    def natural(self) -> str:
        """``Sung-han Kim`` for a person; a body's name as it is."""
        return self.family if self.corporate or not self.given else f"{self.given} {self.family}"


@dataclass(frozen=True)
class Work:
    """One citable thing: the edition, one of its pages, its data set or the original paper."""

    key: str
    kind: Kind
    title: str
    authors: tuple[Name, ...]
    year: int
    month: int | None = None
    day: int | None = None
    #: The book a chapter is part of.
    container: str | None = None
    #: Chapter or section number within the book ("2.1").
    chapter: str | None = None
    publisher: str | None = None
    address: str | None = None
    #: For a report: the kind of report ("Working paper").
    report_type: str | None = None
    version: str | None = None
    url: str | None = None
    note: str | None = None
    language: str = release.LANGUAGE
    #: The title as BibTeX source (braces protecting case), when it came from a .bib file.
    title_latex: str | None = None
    #: Extra BibTeX fields copied as they are (the paper's own fields).
    bibtex_extra: tuple[tuple[str, str], ...] = field(default=())

    @property
    def iso_date(self) -> str:
        """``2026-12-02``, ``2009-12`` or ``2009``: as precise as the work's date is known."""
        parts = [f"{self.year:04d}"]
        if self.month:
            parts.append(f"{self.month:02d}")
            if self.day:
                parts.append(f"{self.day:02d}")
        return "-".join(parts)


EDITION_AUTHORS = tuple(Name(name, corporate=True) for name in release.AUTHORS)


def publisher_of(work: Work) -> str | None:
    """The publisher a citation names: none when it is one of the authors (see the docstring)."""
    if not work.publisher:
        return None
    authors = {name.natural.casefold() for name in work.authors}
    return None if work.publisher.casefold() in authors else work.publisher


# ----------------------------------------------------------------------------------------------
# the edition, its pages and its data set


def edition_work(url: str | None = None) -> Work:
    """The edition as a whole, at its current version."""
    date = release.RELEASE_DATE
    return Work(
        key=release.EDITION_KEY,
        kind="book",
        title=release.TITLE,
        authors=EDITION_AUTHORS,
        year=date.year,
        month=date.month,
        day=date.day,
        publisher=release.PUBLISHER,
        version=release.VERSION,
        url=url,
    )


def page_slug(docname: str) -> str:
    """A file-name-safe page name: ``book/02-x/index`` -> ``02-x``, ``book/a/b`` -> ``a-b``."""
    parts = docname.split("/")
    if parts and parts[0] == "book" and len(parts) > 1:
        parts = parts[1:]
    if len(parts) > 1 and parts[-1] == "index":
        parts = parts[:-1]
    return re.sub(r"[^A-Za-z0-9._-]+", "-", "-".join(parts)).strip("-") or "index"


def page_work(docname: str, title: str, number: str | None, url: str | None = None) -> Work:
    """One page of the edition, as a chapter (or section) of the book."""
    return replace(
        edition_work(),
        key=f"{release.EDITION_KEY}-{page_slug(docname)}",
        kind="chapter",
        title=title,
        container=release.TITLE,
        chapter=number,
        url=url,
    )


def read_datapackage(root: Path) -> dict[str, Any]:
    """``data/datapackage.json`` under ``root`` (the book's source folder); empty without one."""
    path = root / "data" / "datapackage.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def dataset_work(datapackage: dict[str, Any], url: str | None = None) -> Work:
    """The edition's data set (the tables in data/, described by datapackage.json)."""
    date = release.RELEASE_DATE
    return replace(
        edition_work(),
        key=f"editors{date.year}data",
        kind="dataset",
        title=str(datapackage.get("title") or f"Data of {release.TITLE}"),
        url=url,
    )


# ----------------------------------------------------------------------------------------------
# the original paper, from references.bib


def _plain(latex: str) -> str:
    """A BibTeX field as plain text: braces and LaTeX markup gone, ``--`` as an en dash."""
    return " ".join(Text.from_latex(latex).render_as("text").split())


#: Fields of an entry in references.bib that record the edition's checking of the entry (where
#: it was verified), not part of the reference a reader copies.
NON_STANDARD_FIELDS = frozenset({"verified", "annote", "annotation"})


def work_from_bib(entry: Entry, key: str) -> Work:
    """A work from a references.bib entry (the original paper), fields kept as they are."""
    fields = {name.lower(): value for name, value in entry.fields.items()}
    month = fields.get("month", "")
    month_number = next(
        (i + 1 for i, name in enumerate(MONTHS) if month.lower() in (name.lower(), name[:3])),
        None,
    )
    authors = tuple(
        Name(
            family=_plain(" ".join(person.prelast_names + person.last_names)),
            given=_plain(" ".join(person.first_names + person.middle_names)),
        )
        for person in entry.persons.get("author", [])
    )
    kind: Kind = {"techreport": "report", "book": "book", "incollection": "chapter"}.get(
        entry.type.lower(), "report"
    )
    return Work(
        key=key,
        kind=kind,
        title=_plain(fields["title"]),
        title_latex=fields["title"],
        authors=authors,
        year=int(fields["year"]),
        month=month_number,
        publisher=_plain(fields.get("institution") or fields.get("publisher") or "") or None,
        address=_plain(fields["address"]) if "address" in fields else None,
        report_type=_plain(fields["type"]) if "type" in fields else None,
        url=fields.get("url"),
        note=_plain(fields["note"]) if "note" in fields else None,
        bibtex_extra=tuple(
            (name, value)
            for name, value in entry.fields.items()
            if name.lower() not in {"title", "year", "month", "author", "url"}
            and name.lower() not in NON_STANDARD_FIELDS
        ),
    )


def paper_work(bibfile: Path, key: str = release.PAPER_KEY) -> Work:
    """The original paper, from the edition's bibliography."""
    data = parse_file(str(bibfile), bib_format="bibtex")
    return work_from_bib(data.entries[key], key)


def find_paper(bibfiles: Iterable[Path]) -> Work | None:
    """The original paper from the first of these .bib files that holds it, else None."""
    for path in bibfiles:
        if path.is_file() and release.PAPER_KEY in path.read_text(encoding="utf-8"):
            return paper_work(path)
    return None
