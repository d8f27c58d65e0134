"""The ``<meta>`` tags of a page's head that cite it: Highwire Press and Open Graph.

Modelled on LSST's technote (``technote/metadata/highwire.py`` and ``opengraph.py``), adapted
to a book of many pages:

* **Highwire Press** ``citation_*`` tags, which Zotero's connector and Google Scholar read:
  title, one ``citation_author`` per author, publication date (Google Scholar's
  ``YYYY/MM/DD``), publisher, language and ``citation_pdf_url`` (the whole edition as one PDF).
  A chapter (every page but the front page) also gets ``citation_inbook_title`` and
  ``citation_book_title``, so Zotero files it as a book section with that book title. The
  front page *is* the book: it carries no book title of its own, which would make a reference
  manager file the book as a chapter of itself.
* **Open Graph** ``og:title``, ``og:description``, ``og:type``, ``og:site_name`` and, with a
  base URL, ``og:url``. No ``og:image``: the edition's figures are plotly charts drawn in the
  browser, and a static picture of one can only be made by a browser, which the build does not
  require. A hand-made thumbnail would not be the figure.
"""

from __future__ import annotations

import html

from nea_edition.citation import release
from nea_edition.citation.model import Work


def meta(attribute: str, name: str, content: str) -> str:
    """One ``<meta>`` tag with its content escaped for an attribute value."""
    return f'<meta {attribute}="{html.escape(name)}" content="{html.escape(content)}" />'


def highwire_date(work: Work) -> str:
    """Google Scholar's form of a date: ``2026/12/02`` (or ``2009/12``, ``2009``)."""
    return work.iso_date.replace("-", "/")


def highwire_tags(work: Work, *, pdf_url: str | None) -> list[str]:
    """The Highwire Press ``citation_*`` tags of one page (a chapter or the book itself)."""
    tags = [meta("name", "citation_title", work.title)]
    tags += [meta("name", "citation_author", name.inverted) for name in work.authors]
    tags.append(meta("name", "citation_publication_date", highwire_date(work)))
    if work.container:
        tags.append(meta("name", "citation_inbook_title", work.container))
        tags.append(meta("name", "citation_book_title", work.container))
    if work.publisher:
        tags.append(meta("name", "citation_publisher", work.publisher))
    tags.append(meta("name", "citation_language", work.language))
    if pdf_url:
        tags.append(meta("name", "citation_pdf_url", pdf_url))
    if work.url:
        tags.append(meta("name", "citation_fulltext_html_url", work.url))
    return tags


def opengraph_tags(
    *, title: str, description: str | None, og_type: str, url: str | None, date: str | None
) -> list[str]:
    """Open Graph: title, description, type, site name, and the URL when there is a base."""
    tags = [
        meta("property", "og:title", title),
        meta("property", "og:type", og_type),
        meta("property", "og:site_name", release.TITLE),
    ]
    if description:
        tags.insert(1, meta("property", "og:description", description))
    if url:
        tags.append(meta("property", "og:url", url))
    if date and og_type == "book":
        tags.append(meta("property", "book:release_date", date))
    elif date and og_type == "article":
        tags.append(meta("property", "article:published_time", date))
    return tags
