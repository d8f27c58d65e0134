"""The one way the edition reads a CSV file: UTF-8, strict quoting, each record with its line.

Validation (``checks.validation``) reads every table through :func:`records` so that it can
name the line of each problem; the typed tables (``data.tables``), and through them the Sphinx
directives and the Index, read through :func:`rows`. Both see the same cells.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path


class CsvSyntaxError(ValueError):
    """A record that cannot be read (a quote left open, say), with the line it starts on."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


def decode(raw: bytes) -> tuple[str, bool]:
    """The text of a CSV file, and whether it began with a byte-order mark (then dropped).

    Bytes that are not UTF-8 survive as surrogates (``surrogateescape``), so that validation
    can point at them and nothing is lost silently.
    """
    text = raw.decode("utf-8", errors="surrogateescape")
    if text.startswith("\ufeff"):
        return text[1:], True
    return text, False


def records(text: str) -> list[tuple[int, list[str]]]:
    """Every record of a CSV text with the line it starts on; raises :class:`CsvSyntaxError`."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    found: list[tuple[int, list[str]]] = []
    previous_end = 0
    try:
        for row in reader:
            found.append((previous_end + 1, row))
            previous_end = reader.line_num
    except csv.Error as exc:
        raise CsvSyntaxError(previous_end + 1, str(exc)) from exc
    return found


def rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """The header and the non-blank rows of a CSV file, each row a dict of its cells."""
    text, _ = decode(Path(path).read_bytes())
    body = [row for _, row in records(text) if any(cell.strip() for cell in row)]
    if not body:
        return [], []
    header = body[0]
    return header, [dict(zip(header, row, strict=False)) for row in body[1:]]
