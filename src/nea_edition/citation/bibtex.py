"""A work as one BibTeX entry, with biblatex's ``version`` and ``@dataset`` where they apply.

Readers load it into BibTeX, biber, pandoc and reference managers: a corporate author is kept
whole in double braces, LaTeX's special characters are escaped, and the publisher is left out
when it is one of the authors (``model.publisher_of``).
"""

from __future__ import annotations

import re

from nea_edition.citation.model import Name, Work, publisher_of

#: The entry type of each kind of work.
ENTRY_TYPES = {
    "book": "book",
    "chapter": "incollection",
    "dataset": "dataset",
    "report": "techreport",
}
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")

_LATEX_SPECIAL = re.compile(r"([&%$#_])")


def latex_escape(text: str) -> str:
    """Plain text as a BibTeX field value (the few characters LaTeX treats specially)."""
    text = text.replace("\\", r"\textbackslash{}").replace("{", r"\{").replace("}", r"\}")
    return _LATEX_SPECIAL.sub(r"\\\1", text).replace("~", r"\textasciitilde{}")


def bib_name(name: Name) -> str:
    """One author as BibTeX names them: ``Family, Given``, or a body's name in double braces.

    The braces make BibTeX and biber keep a body's name whole, never split into given and
    family names.
    """
    return "{" + latex_escape(name.family) + "}" if name.corporate else latex_escape(name.inverted)


def to_bibtex(work: Work) -> str:
    """The work as one BibTeX entry (biblatex's ``version`` and ``@dataset`` where they apply)."""
    title = work.title_latex or "{" + latex_escape(work.title) + "}"
    fields: list[tuple[str, str]] = [
        ("author", " and ".join(bib_name(name) for name in work.authors)),
        ("title", title),
    ]
    if work.container:
        fields.append(("booktitle", "{" + latex_escape(work.container) + "}"))
    if work.chapter:
        fields.append(("chapter", work.chapter))
    extra = dict(work.bibtex_extra)
    if work.kind == "report":
        fields += [(name, value) for name, value in work.bibtex_extra]
    elif publisher_of(work):
        fields.append(("publisher", latex_escape(publisher_of(work) or "")))
    fields.append(("year", str(work.year)))
    lines = [f"@{ENTRY_TYPES[work.kind]}{{{work.key},"]
    for name, value in fields:
        lines.append(f"  {name} = {{{value}}},")
    if work.month:
        lines.append(f"  month = {MONTHS[work.month - 1]},")
    if work.version:
        lines.append(f"  version = {{{work.version}}},")
    if work.url:
        lines.append(f"  url = {{{work.url}}},")
    if work.kind != "report" and work.note and "note" not in extra:
        lines.append(f"  note = {{{latex_escape(work.note)}}},")
    lines.append("}")
    return "\n".join(lines) + "\n"
