"""Citation metadata in every page's head, and the site's configuration from the edition's facts.

Reference managers and search engines read a page's ``<head>``, not its text. The tags
themselves are written by ``nea_edition.citation`` (``meta_tags``: Highwire Press and Open
Graph; ``jsonld``: schema.org); this adapter reads what only the build knows and adds them to
every page:

* **What each page is.** The front page is the book (Highwire tags of the book, a JSON-LD
  ``Book`` listing its pages in reading order); every other page a chapter of it (with its
  section number); the Data page also the data set, whose ``distribution`` lists the CSV files
  the page offers for download, read from Sphinx's own download registry so it lists exactly
  what the page links to. All of them are based on the original paper, read from
  ``references.bib``. ``citation_pdf_url`` and the JSON-LD's PDF appear only when the build
  prints the PDF (``release.PDF_NAME`` at the site's root).
* **A description** (``<meta name="description">``, ``og:description``) from the page's front
  matter (``description:``) or else its first paragraph of prose, cut at a word near 160
  characters.
* **The base URL** is one setting, the environment variable ``NEA_EDITION_BASE_URL``
  (``.github/workflows/pages.yml`` sets it to the Pages address; ``html.baseurl`` in
  ``_config.yml`` is the fallback), read by ``citation.addresses``; a bad value is reported here
  as a configuration error. When set, it becomes ``html_baseurl`` (so Sphinx writes
  ``<link rel="canonical">``), ``sitemap.xml`` lists every page, and ``citation_pdf_url``,
  ``og:url`` and every URL in the JSON-LD are absolute. When it is not set, none of these
  appear: the PDF and data links stay relative and nothing else changes.

The version and release date (``nea_edition.citation.release``) become Sphinx's ``version`` and
``release``, the ``html_context`` values ``edition_version``, ``edition_release_date`` and
``edition_version_label``, and the MyST substitutions ``{{ edition_version }}`` and
``{{ edition_release_date }}``, for the front page, the Changes page and the PDF.

Everything emitted is a function of the sources and the configuration: no clock, no absolute
paths, no random ids, dictionaries written with sorted keys where order is not meaningful.
"""

from __future__ import annotations

import html
import os
import posixpath
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError

from nea_edition import toc
from nea_edition.citation import addresses, release
from nea_edition.citation.addresses import absolute, sitemap_xml
from nea_edition.citation.jsonld import book_ld, chapter_ld, dataset_ld, json_ld_script
from nea_edition.citation.meta_tags import highwire_tags, meta, opengraph_tags
from nea_edition.citation.model import (
    DATA_DOCNAME,
    Work,
    dataset_work,
    edition_work,
    find_paper,
    page_work,
    read_datapackage,
)

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
# Sphinx


def configure(app: Sphinx, config: Config) -> None:
    """Base URL -> html_baseurl and sitemap; version -> Sphinx, html_context, substitutions."""
    try:
        base = addresses.base_url(config.html_baseurl)
    except addresses.BaseURLError as error:
        raise ConfigError(str(error)) from error
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


def _paper(app: Sphinx) -> Work | None:
    cached = getattr(app, "_nea_paper", False)
    if cached is False:
        cached = find_paper(Path(app.srcdir) / name for name in app.config.bibtex_bibfiles)
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
    base = addresses.base_url(app.config.html_baseurl)
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
    book = edition_work(absolute(base, app.builder.get_target_uri(root)))
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
        page = page_work(pagename, title, ".".join(map(str, number)) if number else None, page_url)
        tags += highwire_tags(page, pdf_url=pdf_url)
        book_data = book_ld(book, None, pdf_url=None)
        graph = [chapter_ld(page, book_data, paper, description)]
        if pagename == DATA_DOCNAME:
            datapackage = read_datapackage(Path(app.srcdir))
            dataset = dataset_work(datapackage, page_url)
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
