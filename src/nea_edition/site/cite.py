"""Cite this page: the Sphinx side of the "Cite this page" boxes.

Every page but the front page ends with a "Cite this page" box: the page's reference, its
BibTeX and RIS, each to copy or to download. The Data page's box also cites the data set. On
the front page the ``edition-citations`` directive gives the same for the edition, its data
set and the original paper.

What a work is and how each form of it is written is ``nea_edition.citation`` (``model``,
``box`` and the formatters). This adapter reads what only the build knows (the page's title,
section number and address, the configured style and bibliography) and puts the box into the
page: ``add_boxes`` at ``doctree-resolved``, the copy script and the box's style at
``html-page-context`` on pages with a box.

The box is built only by the ``html`` builder: other builders (the PDF's single-page build,
LaTeX) drop it, since a PDF has its own way to be cited. Output is deterministic: ids and file
names come from document names, never from counters or randomness.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from nea_edition.citation import addresses, release
from nea_edition.citation.box import BOX_CLASS, Citable, box_html, write_files
from nea_edition.citation.model import (
    DATA_DOCNAME,
    dataset_work,
    edition_work,
    find_paper,
    page_slug,
    page_work,
    read_datapackage,
)


# Lower case, as docutils names its node classes.
class citations_placeholder(nodes.General, nodes.Element):
    """Where the front page's citations go; replaced when the page is written."""


class EditionCitations(SphinxDirective):
    """``{edition-citations}``: the edition, its data set and the original paper, to cite."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        return [citations_placeholder()]


def _page_url(app: Sphinx, docname: str) -> str | None:
    base = addresses.base_url(app.config.html_baseurl)
    return base + app.builder.get_target_uri(docname) if base else None


def _page_number(app: Sphinx, docname: str) -> str | None:
    numbers = app.env.toc_secnumbers.get(docname, {}).get("")
    return ".".join(str(n) for n in numbers) if numbers else None


def _relative(app: Sphinx, fromdoc: str, todoc: str) -> str:
    """``todoc``'s page as a link from ``fromdoc``'s (its own file name for the page itself)."""
    return app.builder.get_relative_uri(fromdoc, todoc) or app.builder.get_target_uri(todoc)


def citables_for(app: Sphinx, docname: str) -> list[Citable]:
    """What a page's box cites: the page, and on the Data page the data set as well."""
    title = app.env.titles[docname].astext() if docname in app.env.titles else docname
    page = page_work(docname, title, _page_number(app, docname), _page_url(app, docname))
    here = _relative(app, docname, docname).rsplit("/", 1)[-1]
    citables = [Citable(page, page_slug(docname), href=here)]
    if docname == DATA_DOCNAME:
        data_url = _page_url(app, DATA_DOCNAME)
        dataset = dataset_work(read_datapackage(Path(app.srcdir)), data_url)
        citables.append(Citable(dataset, "dataset", heading=None, href=here))
    return citables


def front_citables(app: Sphinx) -> list[Citable]:
    """The front page's three: the edition, its data set and the original paper."""
    root = app.config.root_doc
    has_data = DATA_DOCNAME in app.env.all_docs
    paper = find_paper(Path(app.srcdir) / name for name in app.config.bibtex_bibfiles)
    citables = [
        Citable(
            edition_work(_page_url(app, root)),
            "edition",
            "The edition",
            href=_relative(app, root, root).rsplit("/", 1)[-1],
        ),
        Citable(
            dataset_work(
                read_datapackage(Path(app.srcdir)),
                _page_url(app, DATA_DOCNAME) if has_data else None,
            ),
            "dataset",
            "Its data",
            href=_relative(app, root, DATA_DOCNAME) if has_data else None,
        ),
    ]
    if paper is not None:
        citables.append(Citable(paper, release.PAPER_KEY, "The original paper"))
    return citables


def add_boxes(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Fill the front page's placeholder and end every other page with its box."""
    placeholders = list(doctree.findall(citations_placeholder))
    if app.builder.name != "html":
        for node in placeholders:
            node.parent.remove(node)
        return
    style_name = app.config.bibtex_default_style
    depth = app.builder.get_target_uri(docname).count("/")
    to_root = "../" * depth
    outdir = Path(app.outdir)
    for node in placeholders:
        citables = front_citables(app)
        write_files(outdir, citables)
        markup = box_html(
            citables, style_name=style_name, to_root=to_root, box_id="nea-cite-front",
            title=None, heading_level=3,
        )  # fmt: skip
        node.replace_self(nodes.raw("", markup, format="html"))
    if docname == app.config.root_doc:
        return
    citables = citables_for(app, docname)
    write_files(outdir, citables)
    markup = box_html(
        citables, style_name=style_name, to_root=to_root, box_id="nea-cite",
        title="Cite this page",
    )  # fmt: skip
    doctree.append(nodes.raw("", markup, format="html"))


def page_has_box(doctree: nodes.Node | None) -> bool:
    """Whether a written page carries a cite box (so it needs the copy script)."""
    if doctree is None:
        return False
    marker = f'class="{BOX_CLASS}"'
    return any(marker in node.astext() for node in doctree.findall(nodes.raw))


def add_assets(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """The copy script and the box's style, on pages with a box only."""
    if page_has_box(doctree):
        app.builder.add_js_file("nea-cite.js", priority=610, defer="defer")
        app.builder.add_css_file("nea-cite.css", priority=610)


def setup(app: Sphinx) -> dict[str, Any]:
    # nea-cite.js and nea-cite.css live in site/static/, which nea_edition.site.charts serves.
    app.add_node(citations_placeholder)
    app.add_directive("edition-citations", EditionCitations)
    app.connect("doctree-resolved", add_boxes)
    app.connect("html-page-context", add_assets)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
