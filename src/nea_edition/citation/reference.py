"""A work as a formatted reference (HTML), in a pybtex style.

The cite boxes format with the edition's reference-list style (``bibtex_default_style``, the
pybtex style the Bibliography page uses, registered by ``site.citation_style``), so a cite box
reads like an entry of the reference list.
"""

from __future__ import annotations

import html
from typing import Any

from pybtex.backends.html import Backend as HtmlBackend
from pybtex.database import Entry, Person
from pybtex.plugin import find_plugin

from nea_edition.citation.bibtex import bib_name, latex_escape
from nea_edition.citation.model import MONTHS, Work, publisher_of


class _PlainHtml(HtmlBackend):
    """pybtex's HTML backend without its ``bibtex-protected`` spans (case is kept anyway)."""

    def format_protected(self, text: str) -> str:
        return text


def display_entry(work: Work) -> Entry:
    """The work as a pybtex entry for the reference-list style (no URL or version: see below)."""
    title = work.title_latex or "{" + latex_escape(work.title) + "}"
    fields: dict[str, str] = {"title": title, "year": str(work.year)}
    if work.month:
        fields["month"] = MONTHS[work.month - 1]
    entry_type = {"book": "book", "chapter": "incollection", "dataset": "misc"}.get(
        work.kind, "techreport"
    )
    if work.kind == "report":
        fields["institution"] = latex_escape(work.publisher or "")
        if work.report_type:
            fields["type"] = latex_escape(work.report_type)
        if work.address:
            fields["address"] = latex_escape(work.address)
    elif publisher_of(work):
        fields["publisher"] = latex_escape(publisher_of(work) or "")
    if work.container:
        fields["booktitle"] = "{" + latex_escape(work.container) + "}"
    if work.chapter:
        fields["chapter"] = work.chapter
    if work.kind == "dataset":
        fields["howpublished"] = "Data set"
    persons = {"author": [Person(bib_name(name)) for name in work.authors]}
    return Entry(entry_type, fields=fields, persons=persons)


def _style(style_name: str) -> Any:
    """The pybtex style, where a book without a publisher (see ``publisher_of``) is allowed.

    pybtex's book template requires a publisher; this one prints the book's sentence of
    publication with whatever it has (address, edition, date), as its chapter template does.
    """
    from pybtex.style.formatting import toplevel
    from pybtex.style.formatting.unsrt import date
    from pybtex.style.template import optional_field, sentence

    base = find_plugin("pybtex.style.formatting", style_name)

    class Style(base):  # type: ignore[misc, valid-type]
        def get_book_template(self, e: Entry) -> Any:
            if "publisher" in e.fields:
                return super().get_book_template(e)
            return toplevel[
                self.format_author_or_editor(e),
                self.format_btitle(e, "title"),
                self.format_volume_and_series(e),
                sentence[
                    optional_field("address"),
                    self.format_edition(e),
                    date,
                ],
                sentence[optional_field("note")],
            ]

    return Style()


def format_reference(work: Work, style_name: str) -> str:
    """The reference as HTML in the given pybtex style, then its version and URL.

    The version and URL are added here, after the style's own sentences, because pybtex's
    styles have no version field and would print a URL before it. The access date follows the
    URL in the browser (``nea-cite.js``), which alone knows the reader's today.
    """
    style = _style(style_name)
    formatted = style.format_entry(work.key, display_entry(work))
    text = " ".join(formatted.text.render(_PlainHtml()).split())
    if work.version:
        text += f" Version {html.escape(work.version)}."
    if work.url:
        url = html.escape(work.url)
        text += f' <a href="{url}">{url}</a>.'
    return text
