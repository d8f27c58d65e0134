"""Author-year citations in round brackets, as humanities and social-science readers expect.

sphinxcontrib-bibtex's built-in ``author_year`` style puts citations in square brackets
("[Kim, 2009]"). We register a variant, ``author_year_round``, that prints "(Kim, 2009)" for
parenthetical citations and "Kim (2009)" for textual ones; ``_config.yml`` selects it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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


def setup(app: Sphinx) -> dict[str, Any]:
    register_plugin(
        "sphinxcontrib.bibtex.style.referencing", "author_year_round", RoundAuthorYearStyle
    )
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
