"""Accessibility repairs for markup that Python, not a template, writes (axe-core finds none left).

``tests/test_a11y.py`` runs axe-core (WCAG 2.1 A and AA plus best practice) on every page in
light and dark mode and filters nothing. Three of the faults it found on the stock output are
written by Python code, so they are repaired here; the others are in the edition's templates
(``book/_templates/``: the search button, the landmarks) and stylesheet
(``book/_static/edition.css``: link contrast in tables).

1. ``summary-name``: pydata-sphinx-theme turns every navigation entry with children into a
   ``<details>`` whose ``<summary>`` holds only a decorative chevron, so a screen reader
   announces an unnamed "disclosure triangle" (69 on the site). The sidebar's
   ``generate_toctree_html`` is wrapped so that each such summary is named after its entry:
   "Pages under 2. Northeast Asian Regionalism ...".

2. ``aria-deprecated-role``, ``aria-allowed-role``, ``aria-required-children``: docutils writes
   the reference list as ``<div role="list">`` holding ``<div role="doc-biblioentry">``.
   DPUB-ARIA 1.1 deprecates ``doc-biblioentry`` (it is not allowed on a ``div`` either), and a
   list must own list items, so every entry becomes ``role="listitem"``. The list and the
   entries' ids stay as they were, so every citation link still resolves.

3. ``label-content-name-mismatch``: myst-nb's "Show code cell source" toggles carry
   ``aria-label="Toggle hidden content"``, a name that does not contain the words a sighted
   reader sees (WCAG 2.5.3, label in name: speech users say what they see). Without the
   aria-label the summary is named by its visible text, "Show code cell source".
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

from bs4 import BeautifulSoup
from docutils import nodes
from myst_nb.sphinx_ import HideCodeCellNode, depart_HideCellInput
from sphinx.application import Sphinx
from sphinx.writers.html5 import HTML5Translator

#: How a navigation toggle is named; a screen reader adds "collapsed" or "expanded".
TOGGLE_NAME = "Pages under {title}"


def name_toctree_toggles(soup: BeautifulSoup) -> None:
    """Give each unnamed ``<summary>`` in the sidebar navigation the name of its entry.

    The summary sits in ``li.has-children > details``; its entry's link is the ``li``'s own
    ``a.reference``. A summary that already has text (a caption) or a name is left alone, so
    calling this twice on the theme's cached soup changes nothing.
    """
    for summary in soup.select("li.has-children > details > summary"):
        if summary.get("aria-label") or summary.get_text(strip=True):
            continue
        item = summary.find_parent("li")
        link = item.find("a", class_="reference", recursive=False) if item else None
        if link is None:
            continue
        summary["aria-label"] = TOGGLE_NAME.format(title=" ".join(link.get_text().split()))


def wrap_toctree_generator(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Wrap the theme's ``generate_toctree_html`` (set at priority 500) to name its toggles."""
    original: Callable[..., Any] | None = context.get("generate_toctree_html")
    if original is None or getattr(original, "nea_names_toggles", False):
        return

    def generate_toctree_html(kind: str, *args: Any, **kwargs: Any) -> Any:
        result = original(kind, *args, **kwargs)
        if kind == "sidebar" and isinstance(result, BeautifulSoup):
            name_toctree_toggles(result)
        return result

    generate_toctree_html.nea_names_toggles = True  # type: ignore[attr-defined]
    context["generate_toctree_html"] = generate_toctree_html


def visit_citation(self: HTML5Translator, node: nodes.citation) -> None:
    """docutils' ``visit_citation`` with ``role="listitem"`` instead of ``doc-biblioentry``."""
    if not isinstance(node.previous_sibling(), type(node)):
        self.body.append('<div role="list" class="citation-list">\n')
    self.body.append(self.starttag(node, "div", classes=[node.tagname], role="listitem"))


def depart_citation(self: HTML5Translator, node: nodes.citation) -> None:
    """docutils' ``depart_citation``: close the entry, and the list after the last one."""
    self.body.append("</div>\n")
    if not isinstance(node.next_node(descend=False, siblings=True), type(node)):
        self.body.append("</div>\n")


def visit_hide_cell_input(self: HTML5Translator, node: HideCodeCellNode) -> None:
    """myst-nb's code-cell toggle, named by its visible prompt rather than an aria-label."""
    classes = " ".join(node["classes"])
    self.body.append(f'<details class="admonition hide {classes}">\n')
    self.body.append("<summary>\n")
    self.body.append(f'<p class="collapsed admonition-title">{escape(node["prompt_show"])}</p>\n')
    self.body.append(f'<p class="expanded admonition-title">{escape(node["prompt_hide"])}</p>\n')
    self.body.append("</summary>\n")


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("html-page-context", wrap_toctree_generator, priority=900)
    app.add_node(nodes.citation, override=True, html=(visit_citation, depart_citation))
    app.add_node(
        HideCodeCellNode, override=True, html=(visit_hide_cell_input, depart_HideCellInput)
    )
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
