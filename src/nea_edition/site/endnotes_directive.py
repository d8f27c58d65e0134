"""Sphinx directives that render the endnote concordance and the errata from ``data/``.

Why a directive: the Endnotes page must never drift from ``data/endnotes.csv`` and
``data/errata.csv``, which the data package also publishes. Copying the tables into Markdown by
hand would let them diverge. The directives read the CSV files at build time, write MyST text and
hand it to the MyST parser (``nested_parse``), so ``{cite:p}``, ``{cite:t}`` and ``{doc}`` roles in
the generated text resolve exactly as in a hand-written page, and sphinxcontrib-bibtex lists the
works on the one Bibliography page.

In MyST::

    ```{endnote-concordance}
    ```

    ```{endnote-errata}
    ```
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from nea_edition import csvfile
from nea_edition.checks.validation import split_keys

ENDNOTES_CSV = Path("data") / "endnotes.csv"
ERRATA_CSV = Path("data") / "errata.csv"

KIND_LABEL = {
    "citation": "cites a work",
    "comment": "comment only, no work cited",
    "citation-and-comment": "cites a work and comments",
}


# --------------------------------------------------------------------------- reading


def read_rows(path: Path) -> list[dict[str, str]]:
    """Rows of a UTF-8 CSV file as dicts (values stripped)."""
    _, rows = csvfile.rows(Path(path))
    return [{k: v.strip() for k, v in row.items()} for row in rows]


# --------------------------------------------------------------------------- MyST generation

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def escape(text: str) -> str:
    """Escape characters that Markdown would read as markup in free text from the CSV."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def cite(keys: Sequence[str], pages: str = "", role: str = "cite:p") -> str:
    """A sphinxcontrib-bibtex role; a pinpoint (e.g. ``p. 34``) goes to the first key."""
    parts = [f"{key}{{{pages}}}" if pages and i == 0 else key for i, key in enumerate(keys)]
    return f"{{{role}}}`{', '.join(parts)}`"


def concordance_markdown(rows: list[dict[str, str]]) -> str:
    """MyST text for every note: where it stands, what it cites, the paraphrased comment."""
    out: list[str] = []
    first_note_of: dict[str, int] = {}
    for row in sorted(rows, key=lambda r: int(r["note"])):
        note = int(row["note"])
        keys = split_keys(row["keys"])
        out += ["```{rubric} Note " + str(note), f":name: endnote-{note}", "```", ""]
        line = f"In {{doc}}`/{row['section']}` ({KIND_LABEL.get(row['kind'], row['kind'])})."
        out += [line, ""]
        if keys:
            text = f"Cites {cite(keys, row['pages'])}."
            repeats = [f"note {first_note_of[k]}" for k in keys if k in first_note_of]
            if repeats:
                text += f" Same work as {', '.join(repeats)}."
            out += [text, ""]
        else:
            out += [f"The comment is the paper's own {cite(['kim2009regionalism'])}.", ""]
        if row["comment"]:
            out += [f"*In the edition's words:* {escape(row['comment'])}", ""]
        for key in keys:
            first_note_of.setdefault(key, note)
    return "\n".join(out)


def source_markdown(source: str) -> str:
    """A source as MyST: a URL becomes a link named by its host, anything else a citation key."""
    if source.startswith(("http://", "https://")):
        host = urlparse(source).netloc.removeprefix("www.")
        return f"[{host}]({source})"
    return cite([source])


def errata_markdown(rows: list[dict[str, str]]) -> str:
    """MyST bullet list: what the paper printed, what the record says, which source shows it."""
    out: list[str] = []
    for row in sorted(rows, key=lambda r: (int(r["note"]), r["key"])):
        note = int(row["note"])
        out.append(
            f"- {{ref}}`Note {note} <endnote-{note}>`, {cite([row['key']], role='cite:t')}, "
            f"{escape(row['field'])}: printed “{escape(row['printed'])}”; "
            f"corrected: “{escape(row['corrected'])}”. "
            f"{escape(row['explanation'])} Source: {source_markdown(row['source'])}."
        )
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- directives


class _CsvDirective(SphinxDirective):
    """Shared machinery: find the CSV under the source root, record the dependency, parse text."""

    has_content = False
    required_arguments = 0
    optional_arguments = 0
    csv_path: Path = ENDNOTES_CSV

    def _rows(self, relative: Path) -> list[dict[str, str]]:
        path = Path(self.env.srcdir) / relative
        self.env.note_dependency(str(path))
        return read_rows(path)

    def _parse(self, text: str) -> list[nodes.Node]:
        container = nodes.container(classes=["nea-endnotes"])
        self.state.nested_parse(
            StringList(text.splitlines(), source=str(self.csv_path)), 0, container
        )
        return [container]


class EndnoteConcordance(_CsvDirective):
    """Render data/endnotes.csv: one block per note of the paper."""

    csv_path = ENDNOTES_CSV

    def run(self) -> list[nodes.Node]:
        # The tables were validated before the build started (nea_edition.checks.validation, which
        # the build driver runs first): here they are only rendered.
        return self._parse(concordance_markdown(self._rows(ENDNOTES_CSV)))


class EndnoteErrata(_CsvDirective):
    """Render data/errata.csv: printed value, verified value, source, explanation."""

    csv_path = ERRATA_CSV

    def run(self) -> list[nodes.Node]:
        return self._parse(errata_markdown(self._rows(ERRATA_CSV)))


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the two directives (listed in _config.yml ``extra_extensions``)."""
    app.add_directive("endnote-concordance", EndnoteConcordance)
    app.add_directive("endnote-errata", EndnoteErrata)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
