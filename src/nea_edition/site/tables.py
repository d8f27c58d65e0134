"""Sphinx adapter for the readers' tables: sources linked, sorting and filtering, the data ZIP.

Three jobs, all for the html builder:

* **Bibliography keys in data tables.** The tables under the figures are drawn in notebooks,
  which cannot know where a key's entry is on the Bibliography page; ``figures.render`` gives
  such a source a placeholder link (``data-nea-bibkey``). When a page is written, the link is
  pointed at the key's entry in the reference list, with the entry's text as its ``title``
  (which ``nea-cite.js`` turns into a preview that opens on hover, focus and tap, as for the
  citations in the text). A key the reference list does not hold (it lists the works the
  pages cite) links to the Bibliography page, whose downloadable ``references.bib`` has it.
* **Assets.** Pages with a data table, a table to read (``ReaderTable``), the agenda's
  item list or the Data page's column tables get ``nea-tables.js`` (sorting and filtering,
  the agenda filter, the column tables' roles on narrow screens) and ``nea-tables.css``, from
  this package's ``site/static/``; other pages load neither.
* **The data set as one ZIP.** ``{data-download-all}`` on the Data page links
  ``downloads/<name>.zip``: every CSV of ``data/``, ``datapackage.json``, the data's README,
  ``references.bib`` (the keys in the ``source`` columns) and ``LICENSE-TEXT.md``, under one
  folder laid out as in the repository (so the README's ``../references.bib`` is right). It is
  written at the end of every build, from the files alone: names sorted, every entry dated
  ``SOURCE_DATE_EPOCH`` (``nea_edition.clock``, in Korea Standard Time like every date of the
  edition), fixed permissions and compression. An incremental and a clean build of one commit
  therefore write the same bytes.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
import zipfile
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from nea_edition import clock
from nea_edition.citation import release

logger = logging.getLogger(__name__)

#: Where the ZIP goes, relative to the site's root.
DOWNLOADS_DIR = "downloads"
#: The markers of what needs the tables' script on a page.
TABLE_MARKERS = ("data-nea-table", "nea-agenda-filter", "data-schema", "nea-reader-table")
#: The Data page's column tables (``schema_directive``), which are docutils tables.
SCHEMA_CLASS = "data-schema"

_BIBKEY_LINK = re.compile(
    r'<a class="nea-bibkey" href="#nea-bib-([^"]+)" data-nea-bibkey="([^"]+)">'
)


# ----------------------------------------------------------------------------------------------
# bibliography keys in the data tables


def _entries(app: Sphinx) -> dict[str, tuple[str, str, str]]:
    """Key -> (docname of its reference list, the entry's id, its text), for cited keys."""
    domain = app.env.get_domain("cite")
    import pybtex.plugin

    plaintext = pybtex.plugin.find_plugin("pybtex.backends", "plaintext")()
    out: dict[str, tuple[str, str, str]] = {}
    for citation in getattr(domain, "citations", []):
        if citation.key in out:
            continue
        entry = citation.tooltip_entry or citation.formatted_entry
        text = entry.text.render(plaintext).replace("\\url ", "") if entry else ""
        out[citation.key] = (citation.bibliography_key.docname, citation.citation_id, text)
    return out


def _bibliography_doc(app: Sphinx) -> str | None:
    domain = app.env.get_domain("cite")
    docs = sorted({key.docname for key in getattr(domain, "bibliographies", {})})
    return docs[0] if docs else None


def resolve_bibkeys(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Point every data table's bibliography-key link at the key's reference-list entry."""
    raws = [
        node
        for node in doctree.findall(nodes.raw)
        if node.get("format") == "html" and "data-nea-bibkey" in node.astext()
    ]
    if not raws:
        return
    entries = _entries(app)
    fallback = _bibliography_doc(app)

    def link(match: re.Match[str]) -> str:
        key = html.unescape(match.group(2))
        if key in entries:
            target_doc, ident, text = entries[key]
            href = app.builder.get_relative_uri(docname, target_doc) + "#" + ident
            title = f' title="{html.escape(text)}"' if text else ""
        elif fallback:
            href, title = app.builder.get_relative_uri(docname, fallback), ""
        else:
            href, title = "#", ""
        return (
            f'<a class="nea-bibkey reference internal" href="{html.escape(href)}"{title}'
            f' data-nea-bibkey="{match.group(2)}">'
        )

    for node in raws:
        text = _BIBKEY_LINK.sub(link, node.astext())
        node.replace_self(nodes.raw("", text, format="html"))


# ----------------------------------------------------------------------------------------------
# assets


def page_needs_tables(doctree: nodes.Node | None) -> bool:
    if doctree is None:
        return False
    for node in doctree.findall(nodes.raw):
        text = node.astext()
        if any(marker in text for marker in TABLE_MARKERS):
            return True
    return any(SCHEMA_CLASS in node.get("classes", []) for node in doctree.findall(nodes.table))


def add_assets(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    if page_needs_tables(doctree):
        app.add_js_file("nea-tables.js", priority=620, defer="defer")
        app.add_css_file("nea-tables.css", priority=620)


# ----------------------------------------------------------------------------------------------
# the data set as one ZIP


def zip_stem() -> str:
    """The ZIP's name without suffix, and its top folder: ``nea-edition-data-1.1.0``."""
    return f"nea-edition-data-{release.VERSION}"


def zip_members(root: Path) -> list[tuple[str, Path]]:
    """(name in the ZIP, file) for everything the ZIP holds, sorted by name."""
    data = root / "data"
    files = [p for p in data.iterdir() if p.is_file() and p.suffix in (".csv", ".json", ".md")]
    files += [root / "references.bib", root / "LICENSE-TEXT.md"]
    stem = zip_stem()
    members = [(f"{stem}/{p.relative_to(root).as_posix()}", p) for p in files if p.is_file()]
    return sorted(members)


def zip_date_time(epoch: int) -> tuple[int, int, int, int, int, int]:
    """A ZIP entry's date and time for ``epoch``, in Korea Standard Time (ZIP's floor 1980)."""
    moment = dt.datetime.fromtimestamp(epoch, clock.KST)
    floor = dt.datetime(1980, 1, 1, tzinfo=clock.KST)
    moment = max(moment, floor)
    return (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)


def build_zip(root: Path, epoch: int | None = None) -> bytes:
    """The ZIP's bytes: a function of the files and ``epoch`` alone."""
    stamp = zip_date_time(clock.source_date_epoch(root) if epoch is None else epoch)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, path in zip_members(root):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so that the permissions below are read
            info.external_attr = 0o644 << 16
            archive.writestr(info, path.read_bytes(), compresslevel=9)
    return buffer.getvalue()


def _root(app: Sphinx) -> Path:
    return Path(app.srcdir)


class zip_link_placeholder(nodes.General, nodes.Element):  # docutils names nodes so
    """Where the Data page's link to the ZIP goes; filled in when the page is written."""


class DataDownloadAll(SphinxDirective):
    """``{data-download-all}``: a link to the data set as one ZIP, with its size and contents."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        root = _root(self.env.app)
        for _, path in zip_members(root):
            self.env.note_dependency(str(path))
        self.env.note_dependency(str(root / "data"))
        size = len(build_zip(root, epoch=0))
        node = zip_link_placeholder()
        node["size"] = size
        node["count"] = sum(1 for name, _ in zip_members(root) if name.endswith(".csv"))
        return [node]


def _size(size: int) -> str:
    return f"{size / 1024:,.0f} KB" if size >= 1024 else f"{size} bytes"


def fill_zip_link(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    for node in list(doctree.findall(zip_link_placeholder)):
        if app.builder.format != "html":
            node.parent.remove(node)
            continue
        depth = app.builder.get_target_uri(docname).count("/")
        href = "../" * depth + f"{DOWNLOADS_DIR}/{zip_stem()}.zip"
        markup = (
            '<p class="nea-download-all">'
            f'<a class="nea-download-all-link" href="{html.escape(href)}" download>'
            "All the data as one ZIP file</a> "
            f"({zip_stem()}.zip, {_size(node['size'])}): "
            f"the {node['count']} CSV files, <code>datapackage.json</code>, the data's README, "
            "<code>references.bib</code> (for the keys in the <code>source</code> columns) "
            "and the licence, <code>LICENSE-TEXT.md</code>.</p>"
        )
        node.replace_self(nodes.raw("", markup, format="html"))


def write_zip(app: Sphinx, exception: Exception | None) -> None:
    """Write the ZIP into the site (only if its bytes changed, so the file's time keeps)."""
    if exception is not None or app.builder.format != "html":
        return
    path = Path(app.outdir) / DOWNLOADS_DIR / f"{zip_stem()}.zip"
    data = build_zip(_root(app))
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in path.parent.glob("nea-edition-data-*.zip"):
        if stale != path:
            stale.unlink()
    if not path.is_file() or path.read_bytes() != data:
        path.write_bytes(data)


def setup(app: Sphinx) -> dict[str, Any]:
    # nea-tables.js and nea-tables.css live in site/static/, which nea_edition.site.charts serves.
    app.add_node(zip_link_placeholder)
    app.add_directive("data-download-all", DataDownloadAll)
    app.connect("doctree-resolved", resolve_bibkeys)
    app.connect("doctree-resolved", fill_zip_link)
    app.connect("html-page-context", add_assets)
    app.connect("build-finished", write_zip)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
