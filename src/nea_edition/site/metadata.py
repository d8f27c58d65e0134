"""Citation metadata in every page's head: Highwire Press tags, schema.org JSON-LD, a
description, Open Graph, and (with a base URL) canonical links and a sitemap.

Reference managers and search engines read a page's ``<head>``, not its text. Modelled on
LSST's technote (``technote/metadata/highwire.py`` and ``opengraph.py``), adapted to a book of
many pages:

* **Highwire Press** ``citation_*`` tags, which Zotero's connector and Google Scholar read:
  title, one ``citation_author`` per author, publication date (Google Scholar's
  ``YYYY/MM/DD``), publisher, language and ``citation_pdf_url`` (the whole edition as one PDF,
  ``release.PDF_NAME`` at the site's root). Every page but the front page is a chapter of the
  book, so it also gets ``citation_inbook_title`` and ``citation_book_title`` (Zotero files it
  as a book section with that book title). The front page *is* the book: it carries no book
  title of its own, which would make a reference manager file the book as a chapter of itself.
* **schema.org JSON-LD**: the front page a ``Book``; every other page a ``Chapter``
  ``isPartOf`` that Book; the Data page also a ``Dataset`` whose ``distribution`` lists the
  CSV files the page offers for download (read from Sphinx's own download registry, so it
  lists exactly what the page links to); all of them ``isBasedOn`` the original paper, read
  from ``references.bib``.
* **A description** (``<meta name="description">``) from the page's front matter
  (``description:``) or else its first paragraph of prose, cut at a word near 160 characters,
  and **Open Graph** ``og:title``, ``og:description``, ``og:type`` and ``og:site_name``.
  No ``og:image``: the edition's figures are plotly charts drawn in the browser, and a
  static picture of one can only be made by a browser (kaleido drives Chromium), which the
  build does not require. A hand-made thumbnail would not be the figure.
* **The base URL** is one setting, the environment variable ``NEA_EDITION_BASE_URL``
  (``.github/workflows/pages.yml`` sets it to the Pages address; ``html.baseurl`` in
  ``_config.yml`` is the fallback). When set, it becomes ``html_baseurl`` (so Sphinx writes
  ``<link rel="canonical">``), ``sitemap.xml`` lists every page, and ``citation_pdf_url``,
  ``og:url`` and every URL in the JSON-LD are absolute. When it is not set, none of these
  appear: the PDF and data links stay relative and nothing else changes.

The version and release date (``nea_edition.site.release``) become Sphinx's ``version`` and
``release``, the ``html_context`` values ``edition_version``, ``edition_release_date`` and
``edition_version_label``, and the MyST substitutions ``{{ edition_version }}`` and
``{{ edition_release_date }}``, for the front page, the Changes page and the PDF.

Everything emitted is a function of the sources and the configuration: no clock, no absolute
paths, no random ids, dictionaries written with sorted keys where order is not meaningful.
"""

from __future__ import annotations

import html
import json
import os
import posixpath
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging

from nea_edition import toc
from nea_edition.site import cite, release
from nea_edition.site.addresses import absolute, base_url

logger = logging.getLogger(__name__)

#: Descriptions are cut near this many characters (what search results show).
DESCRIPTION_LIMIT = 160
#: Pages without a document of their own.
SPECIAL_DESCRIPTIONS = {
    "genindex": "Index of the persons, institutions, agreements and concepts the edition "
    "discusses, with the pages that discuss them.",
    "search": "Search the pages of the analytic edition of Northeast Asian Regionalism in Korea.",
    "404": "This address is not a page of the analytic edition of Northeast Asian Regionalism in "
    "Korea; search it, or start from its contents.",
}
SCHEMA = "https://schema.org"


# ----------------------------------------------------------------------------------------------
# descriptions

#: Paragraphs inside these are not the page's prose (notes, tables, captions, code cells...).
_NOT_PROSE = (
    nodes.Admonition,
    nodes.topic,
    nodes.sidebar,
    nodes.footnote,
    nodes.citation,
    nodes.table,
    nodes.field_list,
    nodes.docinfo,
    nodes.caption,
    nodes.legend,
    nodes.system_message,
    nodes.line_block,
    nodes.raw,
)


def _is_prose(node: nodes.Node) -> bool:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, _NOT_PROSE):
            return False
        if isinstance(parent, nodes.container) and "cell" in parent.get("classes", []):
            return False
        parent = parent.parent
    return True


def first_paragraph(doctree: nodes.Node | None, *, minimum: int = 40) -> str | None:
    """The text of the page's first paragraph of prose (at least ``minimum`` characters)."""
    if doctree is None:
        return None
    for paragraph in doctree.findall(nodes.paragraph):
        text = " ".join(paragraph.astext().split())
        if len(text) >= minimum and _is_prose(paragraph):
            return text
    return None


def summarise(text: str, limit: int = DESCRIPTION_LIMIT) -> str:
    """``text`` cut at the last word that fits in ``limit`` characters, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    if cut.count("(") > cut.count(")"):  # never leave a bracket open: cut before it
        cut = cut[: cut.rindex("(")]
    return cut.rstrip(" ,;:.-\u2013\u2014") + "\u2026"


def page_description(metadata: dict[str, Any], doctree: nodes.Node | None) -> str | None:
    """Front matter ``description`` if the page has one, else its first paragraph."""
    given = metadata.get("description")
    if isinstance(given, str) and given.strip():
        return " ".join(given.split())
    text = first_paragraph(doctree)
    return summarise(text) if text else None


# ----------------------------------------------------------------------------------------------
# tags


def meta(attribute: str, name: str, content: str) -> str:
    """One ``<meta>`` tag with its content escaped for an attribute value."""
    return f'<meta {attribute}="{html.escape(name)}" content="{html.escape(content)}" />'


def highwire_date(work: cite.Work) -> str:
    """Google Scholar's form of a date: ``2026/12/02`` (or ``2009/12``, ``2009``)."""
    return work.iso_date.replace("-", "/")


def highwire_tags(work: cite.Work, *, pdf_url: str | None) -> list[str]:
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


# ----------------------------------------------------------------------------------------------
# JSON-LD


def _agent(name: cite.Name) -> dict[str, Any]:
    if name.corporate or not name.given:
        return {"@type": "Organization", "name": name.family}
    return {
        "@type": "Person",
        "name": name.natural,
        "givenName": name.given,
        "familyName": name.family,
    }


def paper_ld(paper: cite.Work) -> dict[str, Any]:
    """The original paper as schema.org sees it: a Report by its author, from its publisher."""
    data: dict[str, Any] = {
        "@type": "Report",
        "name": paper.title,
        "author": [_agent(name) for name in paper.authors],
        "datePublished": paper.iso_date,
        "inLanguage": paper.language,
    }
    if paper.publisher:
        data["publisher"] = {"@type": "Organization", "name": paper.publisher}
    if paper.report_type:
        data["genre"] = paper.report_type
    if paper.url:
        data["url"] = paper.url
    return data


def _common(work: cite.Work) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": work.title,
        "author": [_agent(name) for name in work.authors],
        "datePublished": work.iso_date,
        "inLanguage": work.language,
        "license": release.LICENSE_URL,
    }
    if work.publisher:
        data["publisher"] = {"@type": "Organization", "name": work.publisher}
    if work.version:
        data["version"] = work.version
    if work.url:
        data["@id"] = work.url
        data["url"] = work.url
    return data


def book_ld(
    book: cite.Work,
    paper: cite.Work | None,
    *,
    pdf_url: str | None,
    parts: list[tuple[str, str | None]] | None = None,
) -> dict[str, Any]:
    """The edition as a schema.org Book; ``parts`` are its pages (name, URL) in reading order."""
    data = {"@type": "Book", **_common(book), "bookEdition": book.version}
    if paper is not None:
        data["isBasedOn"] = paper_ld(paper)
    if pdf_url:
        data["encoding"] = {
            "@type": "MediaObject",
            "contentUrl": pdf_url,
            "encodingFormat": "application/pdf",
        }
    if parts:
        data["hasPart"] = [
            {"@type": "Chapter", "name": name, **({"url": url} if url else {})}
            for name, url in parts
        ]
    return data


def chapter_ld(
    page: cite.Work, book: dict[str, Any], paper: cite.Work | None, description: str | None
) -> dict[str, Any]:
    """One page as a schema.org Chapter of the Book."""
    data: dict[str, Any] = {"@type": "Chapter", **_common(page), "isPartOf": book}
    if page.chapter:
        data["position"] = page.chapter
    if description:
        data["description"] = description
    if paper is not None:
        data["isBasedOn"] = paper_ld(paper)
    return data


def dataset_ld(
    dataset: cite.Work,
    datapackage: dict[str, Any],
    downloads: list[tuple[str, str]],
    book: dict[str, Any],
    paper: cite.Work | None,
) -> dict[str, Any]:
    """The data set as a schema.org Dataset; ``downloads`` are (file name, URL) of its CSVs."""
    titles = {
        resource.get("path"): resource.get("title") or resource.get("name")
        for resource in datapackage.get("resources", [])
    }
    data: dict[str, Any] = {
        "@type": "Dataset",
        **_common(dataset),
        "creator": [_agent(name) for name in dataset.authors],
        "isPartOf": book,
        "distribution": [
            {
                "@type": "DataDownload",
                "name": name,
                "contentUrl": url,
                "encodingFormat": "text/csv",
                **({"description": titles[name]} if titles.get(name) else {}),
            }
            for name, url in downloads
        ],
    }
    data.pop("author")
    if datapackage.get("description"):
        data["description"] = datapackage["description"]
    if datapackage.get("keywords"):
        data["keywords"] = list(datapackage["keywords"])
    if paper is not None:
        data["isBasedOn"] = paper_ld(paper)
    return data


def json_ld_script(graph: list[dict[str, Any]]) -> str:
    """The ``<script type="application/ld+json">`` element (``</`` escaped, as JSON allows)."""
    payload = json.dumps(
        {"@context": SCHEMA, "@graph": graph}, ensure_ascii=False, separators=(",", ":")
    )
    return '<script type="application/ld+json">' + payload.replace("</", "<\\/") + "</script>"


# ----------------------------------------------------------------------------------------------
# Sphinx


def configure(app: Sphinx, config: Config) -> None:
    """Base URL -> html_baseurl and sitemap; version -> Sphinx, html_context, substitutions."""
    base = base_url(config)
    config.html_baseurl = base or ""
    repository = os.environ.get(REPOSITORY_ENV, "").strip()
    if repository:
        # sphinx-book-theme's documented options: a repository button and an issues button
        # ("open an issue"), the way readers report an error.
        config.html_theme_options = {
            **config.html_theme_options,
            "repository_url": repository,
            "repository_branch": "main",
            "use_repository_button": True,
            "use_issues_button": True,
        }
    config.version = release.VERSION
    config.release = release.VERSION
    context = dict(config.html_context)
    context.update(
        edition_version=release.VERSION,
        edition_release_date=release.RELEASE_DATE.isoformat(),
        edition_version_label=release.CURRENT.label,
        edition_pdf=release.PDF_NAME,
    )
    config.html_context = context
    substitutions = dict(getattr(config, "myst_substitutions", {}) or {})
    substitutions.update(
        edition_version=release.VERSION,
        edition_release_date=release.RELEASE_DATE.isoformat(),
    )
    config.myst_substitutions = substitutions


#: The repository's address (the Pages workflow sets it from its own repository): with it,
#: every page gets the theme's repository and issue buttons.
REPOSITORY_ENV = "NEA_EDITION_REPOSITORY_URL"
#: Pages that are not the edition's content and stay out of the sitemap.
SITEMAP_EXCLUDES = ("search", "genindex")


def sitemap_xml(urls: list[str]) -> str:
    """A sitemaps.org ``urlset`` of these URLs, in the order given."""
    entries = "".join(f"<url><loc>{html.escape(url)}</loc></url>" for url in urls)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>\n'
    )


def write_sitemap(app: Sphinx, exception: Exception | None) -> None:
    """``sitemap.xml``: every page of the environment, sorted, when the site has a base URL.

    Made from the environment rather than from the pages written in this run, so that every
    build, incremental or clean, writes the same file.
    """
    base = app.config.html_baseurl
    if exception is not None or app.builder.format != "html" or not base:
        return
    docs = sorted(set(app.env.found_docs) - set(SITEMAP_EXCLUDES))
    urls = [absolute(base, app.builder.get_target_uri(doc)) for doc in docs]
    Path(app.outdir, "sitemap.xml").write_text(sitemap_xml(urls), encoding="utf-8")


def has_pdf(app: Sphinx) -> bool:
    """Whether this build prints the PDF (the driver sets the tag ``edition_pdf`` exactly then)."""
    return app.tags.has("edition_pdf")


def _paper(app: Sphinx) -> cite.Work | None:
    cached = getattr(app, "_nea_paper", False)
    if cached is False:
        cached = None
        for name in app.config.bibtex_bibfiles:
            path = Path(app.srcdir) / name
            if path.is_file() and release.PAPER_KEY in path.read_text(encoding="utf-8"):
                cached = cite.paper_work(path)
                break
        app._nea_paper = cached  # type: ignore[attr-defined]
    return cached


def csv_downloads(
    app: Sphinx, docname: str, pathto: Any, base: str | None
) -> list[tuple[str, str]]:
    """(file name, URL) of every CSV the page offers with ``{download}``, sorted by name."""
    found = []
    for filename, (docnames, dest) in app.env.dlfiles.items():
        if docname in docnames and filename.endswith(".csv"):
            target = f"_downloads/{dest}"
            found.append(
                (posixpath.basename(filename), absolute(base, target) or pathto(target, 1))
            )
    return sorted(found)


def head_tags(
    app: Sphinx, pagename: str, context: dict[str, Any], doctree: nodes.Node | None
) -> list[str]:
    """Everything this module adds to one page's ``<head>``."""
    env = app.env
    base = base_url(app.config)
    pathto = context["pathto"]
    is_doc = pagename in env.all_docs
    root = app.config.root_doc
    if is_doc:
        title = env.titles[pagename].astext()
        description = page_description(env.metadata.get(pagename, {}), doctree)
    else:
        title = " ".join(html.unescape(str(context.get("title", pagename))).split())
        description = SPECIAL_DESCRIPTIONS.get(pagename)
    page_url = absolute(base, app.builder.get_target_uri(pagename))
    tags = []
    if description and 'name="description"' not in str(context.get("metatags", "")):
        tags.append(meta("name", "description", description))
    book = cite.edition_work(absolute(base, app.builder.get_target_uri(root)))
    og_type = "book" if pagename == root else "article" if is_doc else "website"
    tags += opengraph_tags(
        title=release.TITLE if pagename == root else title,
        description=description,
        og_type=og_type,
        url=page_url,
        date=book.iso_date,
    )
    if not is_doc:
        return tags
    pdf_url = (
        (absolute(base, release.PDF_NAME) or pathto(release.PDF_NAME, 1)) if has_pdf(app) else None
    )
    paper = _paper(app)
    if pagename == root:
        parts = [
            (env.titles[doc].astext(), absolute(base, app.builder.get_target_uri(doc)))
            for doc in toc.reading_order(Path(app.srcdir))[1:]
            if doc in env.all_docs
        ]
        tags += highwire_tags(book, pdf_url=pdf_url)
        graph = [book_ld(book, paper, pdf_url=pdf_url, parts=parts)]
    else:
        number = env.toc_secnumbers.get(pagename, {}).get("")
        page = cite.page_work(
            pagename, title, ".".join(map(str, number)) if number else None, page_url
        )
        tags += highwire_tags(page, pdf_url=pdf_url)
        book_data = book_ld(book, None, pdf_url=None)
        graph = [chapter_ld(page, book_data, paper, description)]
        if pagename == cite.DATA_DOCNAME:
            datapackage = cite._datapackage(Path(app.srcdir))
            dataset = cite.dataset_work(datapackage, page_url)
            downloads = csv_downloads(app, pagename, pathto, base)
            graph.append(dataset_ld(dataset, datapackage, downloads, book_data, paper))
    tags.append(json_ld_script(graph))
    return tags


def add_head_tags(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: nodes.Node | None,
) -> None:
    """Append this page's tags to the theme's ``metatags`` (rendered inside ``<head>``)."""
    if app.builder.format != "html":
        return
    tags = head_tags(app, pagename, context, doctree)
    context["metatags"] = str(context.get("metatags", "")) + "\n    " + "\n    ".join(tags)


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("config-inited", configure)
    app.connect("html-page-context", add_head_tags)
    app.connect("build-finished", write_sitemap)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
