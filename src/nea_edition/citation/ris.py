"""A work as one RIS record: the tags Zotero, EndNote and Mendeley import.

``DA`` is the date of the version; the access date (``Y2``) is the reader's today, which only
the browser knows (the cite box's script adds it), so it is never written here.
"""

from __future__ import annotations

from nea_edition.citation.model import Work, publisher_of

#: The record type of each kind of work.
RECORD_TYPES = {"book": "BOOK", "chapter": "CHAP", "dataset": "DATA", "report": "RPRT"}


def to_ris(work: Work) -> str:
    """The work as one RIS record (the tags Zotero, EndNote and Mendeley import)."""
    tags: list[tuple[str, str]] = [("TY", RECORD_TYPES[work.kind])]
    tags += [("AU", name.inverted) for name in work.authors]
    tags.append(("TI", work.title))
    if work.container:
        tags.append(("T2", work.container))
    if work.chapter:
        tags.append(("SE", work.chapter))
    tags.append(("PY", str(work.year)))
    if work.month:
        date = f"{work.year:04d}/{work.month:02d}"
        tags.append(("DA", f"{date}/{work.day:02d}" if work.day else date))
    if work.report_type:
        tags.append(("M3", work.report_type))
    if publisher_of(work):
        tags.append(("PB", publisher_of(work) or ""))
    if work.address:
        tags.append(("CY", work.address))
    if work.version:
        tags.append(("ET", work.version))
    tags.append(("LA", work.language))
    if work.url:
        tags.append(("UR", work.url))
    if work.note:
        tags.append(("N1", work.note))
    tags.append(("ER", ""))
    return "".join(f"{tag}  - {value}".rstrip() + "\n" for tag, value in tags)
