"""The edition as a citable work: its version, release date and bibliographic facts, in one place.

Everything that names the edition (the Highwire tags and JSON-LD of every page, the cite
boxes, Sphinx's ``version``/``release``, the front page, the PDF) reads these constants, and a
test checks that ``CITATION.cff`` and ``data/datapackage.json`` carry the same version and date.

The release date is fixed here rather than taken from the clock or the last commit: a version
names one state of the text and data, and its date must not move when a later commit (a typo
fixed on the way to the next version) changes the last-commit date. Build dates, where a page
needs one, still come from ``nea_edition.clock``.

To release a new version: raise ``VERSION`` (major: chapters restructured or a data column
removed or renamed; minor: new pages, tables, columns or rows; patch: corrections of text or
values), set ``RELEASE_DATE`` (Korea Standard Time, like every date of the edition), describe
the change at the top of ``book/changes.md``, and update ``version`` and ``date-released`` in
``CITATION.cff`` and ``version`` in ``data/datapackage.json`` (the tests say where they differ).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

#: The edition's version (semantic versioning, as in the module docstring).
VERSION = "1.1.0"
#: The day this version was released, in Korea Standard Time.
RELEASE_DATE = dt.date(2026, 12, 7)

#: The edition's title as it is cited (CITATION.cff's ``title``).
TITLE = "Northeast Asian Regionalism in Korea: An Analytic Edition"
#: The edition's authors: a corporate author (one name, never split into given and family).
AUTHORS: tuple[str, ...] = ("The editors of the open analytic edition",)
#: Self-published: the editors are the publisher.
PUBLISHER = AUTHORS[0]
#: BCP 47 language of the text.
LANGUAGE = "en"
#: The licence of the text and data (SPDX identifier and its deed).
LICENSE = "CC-BY-4.0"
LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"
#: Where the whole edition as one PDF lands, relative to the site's root.
PDF_NAME = "edition.pdf"
#: Bibliography key of the original paper in references.bib.
PAPER_KEY = "kim2009regionalism"
#: Bibliography key of the edition in references.bib.
EDITION_KEY = "editors2026edition"


@dataclass(frozen=True)
class Release:
    """One version of the edition: what a reader cites when they say which state they used."""

    version: str
    date: dt.date

    @property
    def label(self) -> str:
        """``Version 1.0.0, released 2026-12-02``: how pages and the PDF show it."""
        return f"Version {self.version}, released {self.date.isoformat()}"


CURRENT = Release(VERSION, RELEASE_DATE)
