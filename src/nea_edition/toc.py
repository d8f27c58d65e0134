"""The pages of ``_toc.yml`` in reading order, read without Sphinx: the edition's one order.

The PDF (``pdf``) prints them in this order; the pages' metadata (``site.metadata``) list the
book's parts in it, and the Index (``site.index_entries``) sorts its locators by it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml


@dataclass(frozen=True)
class TocPage:
    """One page of ``_toc.yml``: its docname, depth (0 = chapter) and part caption."""

    docname: str
    depth: int
    part: str | None


def toc_pages(root: Path) -> tuple[str, list[TocPage]]:
    """The root page and every other page of ``_toc.yml``, in reading order."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    strip = re.compile(r"\.(md|ipynb)$")
    pages: list[TocPage] = []

    def walk(entries: list[dict], depth: int, part: str | None) -> None:
        for entry in entries:
            if "file" in entry:
                pages.append(TocPage(strip.sub("", entry["file"]), depth, part))
            walk(entry.get("sections", []), depth + 1, part)

    for part in toc.get("parts", []):
        walk(part.get("chapters", []), 0, part.get("caption"))
    walk(toc.get("chapters", []), 0, None)
    return strip.sub("", toc["root"]), pages


def reading_order(root: Path) -> list[str]:
    """Every docname of ``_toc.yml``, the root page first."""
    first, pages = toc_pages(root)
    return [first, *(page.docname for page in pages)]
