"""Author-year citations in round brackets and an author-year reference list.

sphinxcontrib-bibtex's built-in ``author_year`` style puts citations in square brackets
("[Kim, 2009]"). We register a variant, ``author_year_round``, that prints "(Kim, 2009)" for
parenthetical citations and "Kim (2009)" for textual ones. The reference list uses pybtex's
``plain`` formatting with names surname first ("Kim, Sung-han"), sorted by author, year and
title, as an author-year bibliography reads; its numeric labels are hidden by the edition's
stylesheet (``book/_static/edition.css``). ``_config.yml`` selects both. The list also renders
biblatex's ``@collection`` (edited volumes), which plain pybtex does not know.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint
from typing import Any

import pybtex.plugin
from pybtex.plugin import register_plugin as register_pybtex_plugin
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.sorting.author_year_title import SortingStyle as AuthorYearTitleSorting
from sphinx.application import Sphinx
from sphinxcontrib.bibtex.plugin import register_plugin
from sphinxcontrib.bibtex.style.referencing import BracketStyle
from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle


def _round() -> BracketStyle:
    return BracketStyle(left="(", right=")")


@dataclass
class RoundAuthorYearStyle(AuthorYearReferenceStyle):
    """``author_year`` with parentheses instead of square brackets."""

    bracket_parenthetical: BracketStyle = field(default_factory=_round)
    bracket_textual: BracketStyle = field(default_factory=_round)
    bracket_author: BracketStyle = field(default_factory=_round)
    bracket_label: BracketStyle = field(default_factory=_round)
    bracket_year: BracketStyle = field(default_factory=_round)


class EditionSorting(AuthorYearTitleSorting):
    """pybtex's author-year-title order, where a work without an author sorts by its editors.

    pybtex looks at editors only for ``@book``, so an edited volume typed as biblatex's
    ``@collection`` would sort before every author; and a braced corporate name
    (``{North Atlantic Treaty Organization}``) would sort by its brace, after every letter.
    """

    def sorting_key(self, entry: Any) -> tuple[str, str, str]:
        return (
            self.author_editor_key(entry),
            entry.fields.get("year", ""),
            entry.fields.get("title", ""),
        )

    def person_key(self, person: Any) -> str:
        return super().person_key(person).replace("{", "").replace("}", "")


class EditionBibliographyStyle(PlainStyle):
    """pybtex ``plain``, with surnames first and an author-year-title order."""

    default_name_style = "lastfirst"
    default_sorting_style = "edition_author_year_title"

    def get_collection_template(self, e: Any) -> Any:
        """biblatex's ``@collection`` (an edited volume), which pybtex does not know.

        references.bib types edited volumes as biblatex does, so that biber finds the editors it
        requires; pybtex's book template already names the editors when there is no author.
        """
        return self.get_book_template(e)


@functools.cache
def _entry_points(selection: tuple[tuple[str, str], ...]) -> tuple[EntryPoint, ...]:
    return tuple(importlib_entry_points(**dict(selection)))


def cached_entry_points(**selection: str) -> tuple[EntryPoint, ...]:
    """``importlib.metadata.entry_points(group=..., name=...)``, looked up once per process.

    pybtex looks a plugin up in the installed distributions' metadata every time it formats
    a citation or an entry (about 300 times in one build of this book, each a scan of every
    installed distribution: some 1.5 s of a cold build). What is installed does not change
    while Sphinx runs, and plugins registered at run time are still checked first, by pybtex
    itself, so remembering the answer changes nothing but the time.
    """
    return _entry_points(tuple(sorted(selection.items())))


importlib_entry_points = pybtex.plugin.entry_points


def setup(app: Sphinx) -> dict[str, Any]:
    pybtex.plugin.entry_points = cached_entry_points  # type: ignore[assignment]
    register_pybtex_plugin("pybtex.style.sorting", "edition_author_year_title", EditionSorting)
    register_pybtex_plugin("pybtex.style.formatting", "edition", EditionBibliographyStyle)
    register_plugin(
        "sphinxcontrib.bibtex.style.referencing", "author_year_round", RoundAuthorYearStyle
    )
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
