"""One shape for every problem found in the edition's inputs (data tables, bibliography).

Validation never stops at the first problem: each checker returns a list of ``Problem`` so a
single run reports all of them, each naming file, line, column, value and the rule broken.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """A single violation, located as precisely as the input allows.

    ``line`` is the 1-based line in the file as a text editor shows it (the CSV header is line 1),
    or None when the problem concerns the whole file. ``column`` is the column name (CSV) or the
    field name (BibTeX), or None.
    """

    file: str
    line: int | None
    column: str | None
    value: str | None
    rule: str
    message: str = ""

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
        parts = [where]
        if self.column is not None:
            parts.append(f"column {self.column!r}")
        if self.value is not None:
            shown = self.value if len(self.value) <= 80 else self.value[:77] + "..."
            parts.append(f"value {shown!r}")
        parts.append(f"rule {self.rule}")
        text = ": ".join([parts[0], ", ".join(parts[1:])])
        return f"{text}: {self.message}" if self.message else text


class ValidationError(Exception):
    """Raised by loaders when inputs break rules; carries every problem found."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.file, p.line or 0, p.column or ""))
        super().__init__(report(self.problems))


def report(problems: Iterable[Problem]) -> str:
    """Human-readable multi-line report, one problem per line, with a count."""
    problems = list(problems)
    lines = [str(p) for p in problems]
    lines.append(f"{len(problems)} problem(s) found.")
    return "\n".join(lines)
