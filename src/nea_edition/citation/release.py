"""The edition as a citable work: its version, release date and bibliographic facts.

``CITATION.cff`` at the repository's root is the one place they are written (as documenteer
does): GitHub's "Cite this repository" reads it, and this module reads it for everything that
names the edition (the Highwire tags and JSON-LD of every page, the cite boxes, Sphinx's
``version``/``release``, the front page, the PDF). ``data/datapackage.json``'s ``version`` and
the ``editors2026edition`` entry of ``references.bib`` repeat the version for the tools that read
those files; the tests check that they agree with ``CITATION.cff``.

The release date is fixed there rather than taken from the clock or the last commit: a version
names one state of the text and data, and its date must not move when a later commit (a typo
fixed on the way to the next version) changes the last-commit date. Build dates, where a page
needs one, still come from ``nea_edition.clock``.

To release a new version: raise ``version`` in ``CITATION.cff`` (major: chapters restructured
or a data column removed or renamed; minor: new pages, tables, columns or rows; patch:
corrections of text or values) and set ``date-released`` (Korea Standard Time, like every date
of the edition) in both places the file gives them; describe the change at the top of
``book/changes.md``; set the same version in ``data/datapackage.json`` and the
``editors2026edition`` note (the tests say where they differ).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from nea_edition import paths


@cache
def citation_file() -> dict[str, Any]:
    """``CITATION.cff`` of the book being built, else of the checkout this package lives in."""
    here = Path(__file__).resolve()
    for folder in (paths.ROOT, *here.parents):
        path = folder / "CITATION.cff"
        if path.is_file():
            return yaml.safe_load(path.read_text(encoding="utf-8"))
    raise FileNotFoundError(f"no CITATION.cff in {paths.ROOT} or above {here}")


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


_CFF = citation_file()
#: The edition's version (semantic versioning, as in the module docstring).
VERSION = str(_CFF["version"])
#: The day this version was released, in Korea Standard Time.
RELEASE_DATE = _date(_CFF["date-released"])
#: The edition's title as it is cited.
TITLE = str(_CFF["title"])
#: The edition's authors: corporate authors (one name, never split into given and family).
AUTHORS: tuple[str, ...] = tuple(str(a["name"]) for a in _CFF["authors"])
#: Self-published: the editors are the publisher.
PUBLISHER = AUTHORS[0]
#: What the edition is, and the words to find it by.
ABSTRACT = " ".join(str(_CFF.get("abstract", "")).split())
KEYWORDS: tuple[str, ...] = tuple(str(k) for k in _CFF.get("keywords", []))
#: BCP 47 language of the text.
LANGUAGE = "en"
#: The licence of the text and data (SPDX identifier and its deed); the code's is MIT.
LICENSE = str(_CFF["license"][0])
#: Every licence the edition carries (text and data, then code).
LICENSES: tuple[str, ...] = tuple(str(x) for x in _CFF["license"])
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
