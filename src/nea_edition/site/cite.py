"""Cite this page: a short box on every page with the reference, BibTeX and RIS.

Every page but the front page ends with a "Cite this page" box: the page's reference formatted
by the edition's own reference-list style (``bibtex_default_style``, the pybtex style the
Bibliography page uses, so a cite box reads like an entry of the reference list), and its
BibTeX and RIS, each to copy or to download. The Data page's box also cites the data set. On
the front page the ``edition-citations`` directive gives the same for the edition, its data
set and the original paper.

* **What a work is.** ``Work`` holds what a reference manager needs (type, authors, title,
  container, chapter number, publisher, date, version, address of the page); ``to_bibtex``,
  ``to_ris`` and ``display_entry`` turn it into BibTeX (biblatex fields: ``version``,
  ``@dataset``), RIS and a pybtex entry for display. The edition's facts come from
  ``nea_edition.site.release``; the paper is read from ``references.bib`` (key
  ``release.PAPER_KEY``) with its fields as they are there, less edition-only bookkeeping.
* **Downloads** are files the build writes into ``cite/`` at the site's root (``<page>.bib``,
  ``<page>.ris``; ``edition``, ``dataset`` and the paper's key for the front page), linked
  with ``download`` so the browser saves them. Nothing depends on a server.
* **Copy buttons** are plain buttons that ``_static/nea-cite.js`` (this package's
  ``site/static/``) unhides and wires to the Clipboard API, with a selection fallback where that
  API is unavailable (``file://``). Without JavaScript the buttons stay hidden and the texts
  and downloads still work. Nothing loads from another origin.
* **Addresses and access dates.** With a base URL (``NEA_EDITION_BASE_URL``, see
  ``metadata``) each reference carries the page's absolute URL (BibTeX ``url``, RIS ``UR``, and
  a link after the formatted reference). Without one the build cannot know where the site will
  be read, so each of the edition's own works carries its address relative to the page
  (``data-nea-cite-href``) and ``nea-cite.js`` writes the absolute URL in, from the address the
  reader's browser has (over http or https only: a ``file://`` path means nothing to anyone
  else). The access date (BibTeX ``urldate``, ``YYYY-MM-DD`` as biblatex reads it; RIS ``Y2``,
  RIS's access-date tag, ``YYYY/MM/DD``; "Accessed YYYY-MM-DD." after the formatted reference)
  can only be known when a reader uses the page: the script fills in the reader's today when
  the page opens and again at each copy or download (the downloads are then made in the
  browser from the same text). Without JavaScript the texts and the static files have the URL
  when the build knew it, and no access date. RIS ``DA`` stays the date of the version.
* **Author and publisher.** The edition is self-published: its corporate author, "The editors
  of the open analytic edition", is also its publisher (``release.PUBLISHER``). Every format a
  reader copies feeds a citation style, and the styles print author and publisher both, so
  the reference would name the editors twice ("The editors ... Title. The editors ..., 2026").
  APA (7th ed., 9.24 and 10.2) and the DataCite style leave the publisher out when it is the
  author, and CSL styles (Zotero, Mendeley) cannot compare the two fields to do it themselves.
  So the formatted reference, the BibTeX and the RIS leave the publisher out whenever it is one
  of the authors (``publisher_of``), and keep it when it differs (the original paper's Council
  on Foreign Relations). The page metadata (Highwire ``citation_publisher``, JSON-LD
  ``publisher``, in ``metadata``) keeps it: those are data for indexers, not text a style
  prints.

The box is built only by the ``html`` builder: other builders (the PDF's single-page build,
LaTeX) drop it, since a PDF has its own way to be cited. Output is deterministic: ids and file
names come from document names, never from counters or randomness.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, ClassVar, Literal

from docutils import nodes
from pybtex.backends.html import Backend as HtmlBackend
from pybtex.database import Entry, Person, parse_file
from pybtex.plugin import find_plugin
from pybtex.richtext import Text
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from nea_edition.site import release

logger = logging.getLogger(__name__)

#: The page whose downloads are the data set (its box cites the data set too).
DATA_DOCNAME = "book/data"
#: Folder at the site's root holding the downloadable .bib and .ris files.
CITE_DIR = "cite"
#: Marker class of every box; tests and the html-page-context hook look for it.
BOX_CLASS = "nea-cite"
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")  # fmt: skip
BIBTEX_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                 "dec")  # fmt: skip

Kind = Literal["book", "chapter", "dataset", "report"]


# ----------------------------------------------------------------------------------------------
# works


@dataclass(frozen=True)
class Name:
    """An author: a person (family and given names) or a body with one name (``corporate``)."""

    family: str
    given: str = ""
    corporate: bool = False

    @property
    def inverted(self) -> str:
        """``Kim, Sung-han`` for a person; a body's name as it is."""
        if self.corporate or not self.given:
            return self.family
        return f"{self.family}, {self.given}"

    @property
    def natural(self) -> str:
        """``Sung-han Kim`` for a person; a body's name as it is."""
        return self.family if self.corporate or not self.given else f"{self.given} {self.family}"


@dataclass(frozen=True)
class Work:
    """One citable thing: the edition, one of its pages, its data set or the original paper."""

    key: str
    kind: Kind
    title: str
    authors: tuple[Name, ...]
    year: int
    month: int | None = None
    day: int | None = None
    #: The book a chapter is part of.
    container: str | None = None
    #: Chapter or section number within the book ("2.1").
    chapter: str | None = None
    publisher: str | None = None
    address: str | None = None
    #: For a report: the kind of report ("Working paper").
    report_type: str | None = None
    version: str | None = None
    url: str | None = None
    note: str | None = None
    language: str = release.LANGUAGE
    #: The title as BibTeX source (braces protecting case), when it came from a .bib file.
    title_latex: str | None = None
    #: Extra BibTeX fields copied as they are (the paper's own fields).
    bibtex_extra: tuple[tuple[str, str], ...] = field(default=())

    BIBTEX_TYPES: ClassVar[dict[str, str]] = {
        "book": "book",
        "chapter": "incollection",
        "dataset": "dataset",
        "report": "techreport",
    }
    RIS_TYPES: ClassVar[dict[str, str]] = {
        "book": "BOOK",
        "chapter": "CHAP",
        "dataset": "DATA",
        "report": "RPRT",
    }

    @property
    def iso_date(self) -> str:
        """``2026-12-02``, ``2009-12`` or ``2009``: as precise as the work's date is known."""
        parts = [f"{self.year:04d}"]
        if self.month:
            parts.append(f"{self.month:02d}")
            if self.day:
                parts.append(f"{self.day:02d}")
        return "-".join(parts)


EDITION_AUTHORS = tuple(Name(name, corporate=True) for name in release.AUTHORS)


def edition_work(url: str | None = None) -> Work:
    """The edition as a whole, at its current version."""
    date = release.RELEASE_DATE
    return Work(
        key=release.EDITION_KEY,
        kind="book",
        title=release.TITLE,
        authors=EDITION_AUTHORS,
        year=date.year,
        month=date.month,
        day=date.day,
        publisher=release.PUBLISHER,
        version=release.VERSION,
        url=url,
    )


def page_work(docname: str, title: str, number: str | None, url: str | None = None) -> Work:
    """One page of the edition, as a chapter (or section) of the book."""
    return replace(
        edition_work(),
        key=f"{release.EDITION_KEY}-{page_slug(docname)}",
        kind="chapter",
        title=title,
        container=release.TITLE,
        chapter=number,
        url=url,
    )


def dataset_work(datapackage: dict[str, Any], url: str | None = None) -> Work:
    """The edition's data set (the tables in data/, described by datapackage.json)."""
    date = release.RELEASE_DATE
    return replace(
        edition_work(),
        key=f"editors{date.year}data",
        kind="dataset",
        title=str(datapackage.get("title") or f"Data of {release.TITLE}"),
        url=url,
    )


def _plain(latex: str) -> str:
    """A BibTeX field as plain text: braces and LaTeX markup gone, ``--`` as an en dash."""
    return " ".join(Text.from_latex(latex).render_as("text").split())


#: Fields of an entry in references.bib that record the edition's checking of the entry (where
#: it was verified), not part of the reference a reader copies.
NON_STANDARD_FIELDS = frozenset({"verified", "annote", "annotation"})


def work_from_bib(entry: Entry, key: str) -> Work:
    """A work from a references.bib entry (the original paper), fields kept as they are."""
    fields = {name.lower(): value for name, value in entry.fields.items()}
    month = fields.get("month", "")
    month_number = next(
        (i + 1 for i, name in enumerate(MONTHS) if month.lower() in (name.lower(), name[:3])),
        None,
    )
    authors = tuple(
        Name(
            family=_plain(" ".join(person.prelast_names + person.last_names)),
            given=_plain(" ".join(person.first_names + person.middle_names)),
        )
        for person in entry.persons.get("author", [])
    )
    kind: Kind = {"techreport": "report", "book": "book", "incollection": "chapter"}.get(
        entry.type.lower(), "report"
    )
    return Work(
        key=key,
        kind=kind,
        title=_plain(fields["title"]),
        title_latex=fields["title"],
        authors=authors,
        year=int(fields["year"]),
        month=month_number,
        publisher=_plain(fields.get("institution") or fields.get("publisher") or "") or None,
        address=_plain(fields["address"]) if "address" in fields else None,
        report_type=_plain(fields["type"]) if "type" in fields else None,
        url=fields.get("url"),
        note=_plain(fields["note"]) if "note" in fields else None,
        bibtex_extra=tuple(
            (name, value)
            for name, value in entry.fields.items()
            if name.lower() not in {"title", "year", "month", "author", "url"}
            and name.lower() not in NON_STANDARD_FIELDS
        ),
    )


def paper_work(bibfile: Path, key: str = release.PAPER_KEY) -> Work:
    """The original paper, from the edition's bibliography."""
    data = parse_file(str(bibfile), bib_format="bibtex")
    return work_from_bib(data.entries[key], key)


def publisher_of(work: Work) -> str | None:
    """The publisher a citation names: none when it is one of the authors (see the docstring)."""
    if not work.publisher:
        return None
    authors = {name.natural.casefold() for name in work.authors}
    return None if work.publisher.casefold() in authors else work.publisher


def page_slug(docname: str) -> str:
    """A file-name-safe page name: ``book/02-x/index`` -> ``02-x``, ``book/a/b`` -> ``a-b``."""
    parts = docname.split("/")
    if parts and parts[0] == "book" and len(parts) > 1:
        parts = parts[1:]
    if len(parts) > 1 and parts[-1] == "index":
        parts = parts[:-1]
    return re.sub(r"[^A-Za-z0-9._-]+", "-", "-".join(parts)).strip("-") or "index"


# ----------------------------------------------------------------------------------------------
# BibTeX and RIS

_LATEX_SPECIAL = re.compile(r"([&%$#_])")


def latex_escape(text: str) -> str:
    """Plain text as a BibTeX field value (the few characters LaTeX treats specially)."""
    text = text.replace("\\", r"\textbackslash{}").replace("{", r"\{").replace("}", r"\}")
    return _LATEX_SPECIAL.sub(r"\\\1", text).replace("~", r"\textasciitilde{}")


def _bib_name(name: Name) -> str:
    # A body's name in double braces: BibTeX and biber then never split it into given and family.
    return "{" + latex_escape(name.family) + "}" if name.corporate else latex_escape(name.inverted)


def to_bibtex(work: Work) -> str:
    """The work as one BibTeX entry (biblatex's ``version`` and ``@dataset`` where they apply)."""
    title = work.title_latex or "{" + latex_escape(work.title) + "}"
    fields: list[tuple[str, str]] = [
        ("author", " and ".join(_bib_name(name) for name in work.authors)),
        ("title", title),
    ]
    if work.container:
        fields.append(("booktitle", "{" + latex_escape(work.container) + "}"))
    if work.chapter:
        fields.append(("chapter", work.chapter))
    extra = dict(work.bibtex_extra)
    if work.kind == "report":
        fields += [(name, value) for name, value in work.bibtex_extra]
    elif publisher_of(work):
        fields.append(("publisher", latex_escape(publisher_of(work) or "")))
    fields.append(("year", str(work.year)))
    lines = [f"@{Work.BIBTEX_TYPES[work.kind]}{{{work.key},"]
    for name, value in fields:
        lines.append(f"  {name} = {{{value}}},")
    if work.month:
        lines.append(f"  month = {BIBTEX_MONTHS[work.month - 1]},")
    if work.version:
        lines.append(f"  version = {{{work.version}}},")
    if work.url:
        lines.append(f"  url = {{{work.url}}},")
    if work.kind != "report" and work.note and "note" not in extra:
        lines.append(f"  note = {{{latex_escape(work.note)}}},")
    lines.append("}")
    return "\n".join(lines) + "\n"


def to_ris(work: Work) -> str:
    """The work as one RIS record (the tags Zotero, EndNote and Mendeley import)."""
    tags: list[tuple[str, str]] = [("TY", Work.RIS_TYPES[work.kind])]
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


# ----------------------------------------------------------------------------------------------
# the formatted reference


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
    persons = {"author": [Person(_bib_name(name)) for name in work.authors]}
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


# ----------------------------------------------------------------------------------------------
# the box


@dataclass(frozen=True)
class Citable:
    """A work as a box shows it: a heading (front page only), its files and its text."""

    work: Work
    #: File name (without suffix) of the downloads in ``cite/``.
    stem: str
    heading: str | None = None
    #: The work's page, relative to the page showing the box: for the script to make the
    #: absolute URL from when the build had no base URL (the edition's own works only).
    href: str | None = None


def box_html(
    citables: Sequence[Citable],
    *,
    style_name: str,
    to_root: str,
    box_id: str,
    title: str | None,
    heading_level: int = 2,
) -> str:
    """The box: for each work its reference, copy buttons, downloads and the two texts.

    ``to_root`` is the relative path from the page to the site's root ("../" or ""), so the
    download links work from any folder and from ``file://``.
    """
    # A <section> named by its heading, not an <aside>: a complementary landmark inside <main>
    # breaks axe's landmark-complementary-is-top-level rule.
    parts = [
        f'<section class="{BOX_CLASS}" id="{box_id}" aria-labelledby="{box_id}-title">'
        if title
        else f'<div class="{BOX_CLASS}" id="{box_id}">'
    ]
    if title:
        parts.append(
            f'<h{heading_level} class="{BOX_CLASS}-title" id="{box_id}-title">'
            f"{html.escape(title)}</h{heading_level}>"
        )
    sub = heading_level + 1 if title else heading_level
    for citable in citables:
        work = citable.work
        ident = f"{box_id}-{citable.stem}"
        href_attr = (
            f' data-nea-cite-href="{html.escape(citable.href)}"'
            if citable.href and not work.url
            else ""
        )
        parts.append(f'<div class="{BOX_CLASS}-work"{href_attr}>')
        if citable.heading:
            parts.append(
                f'<h{sub} class="{BOX_CLASS}-heading">{html.escape(citable.heading)}</h{sub}>'
            )
        parts.append(f'<p class="{BOX_CLASS}-reference">{format_reference(work, style_name)}</p>')
        actions = []
        for label, suffix in (("BibTeX", "bib"), ("RIS", "ris")):
            target = f"{ident}-{suffix}"
            href = html.escape(f"{to_root}{CITE_DIR}/{citable.stem}.{suffix}")
            actions.append(
                f'<button type="button" class="{BOX_CLASS}-copy" data-nea-copy="{target}" hidden>'
                f"Copy {label}</button>"
                f' <a class="{BOX_CLASS}-download" href="{href}" download>Download {label}</a>'
            )
        parts.append(
            f'<p class="{BOX_CLASS}-actions">'
            + " ".join(actions)
            + f' <span class="{BOX_CLASS}-status" role="status"></span></p>'
        )
        # tabindex: a scrollable <pre> must be reachable from the keyboard (axe).
        parts.append(
            f'<details class="{BOX_CLASS}-texts"><summary>Show BibTeX and RIS</summary>'
            f'<p class="{BOX_CLASS}-label">BibTeX</p>'
            f'<pre id="{ident}-bib" class="{BOX_CLASS}-text" tabindex="0">'
            f"{html.escape(to_bibtex(work))}</pre>"
            f'<p class="{BOX_CLASS}-label">RIS</p>'
            f'<pre id="{ident}-ris" class="{BOX_CLASS}-text" tabindex="0">'
            f"{html.escape(to_ris(work))}</pre></details>"
        )
        parts.append("</div>")
    parts.append("</section>" if title else "</div>")
    return "\n".join(parts)


# Lower case, as docutils names its node classes.
class citations_placeholder(nodes.General, nodes.Element):
    """Where the front page's citations go; replaced when the page is written."""


class EditionCitations(SphinxDirective):
    """``{edition-citations}``: the edition, its data set and the original paper, to cite."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        return [citations_placeholder()]


def _datapackage(srcdir: Path) -> dict[str, Any]:
    path = srcdir / "data" / "datapackage.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def _page_url(app: Sphinx, docname: str) -> str | None:
    from nea_edition.site.addresses import base_url

    base = base_url(app.config)
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
        dataset = dataset_work(_datapackage(Path(app.srcdir)), data_url)
        citables.append(Citable(dataset, "dataset", heading=None, href=here))
    return citables


def front_citables(app: Sphinx) -> list[Citable]:
    """The front page's three: the edition, its data set and the original paper."""
    root = app.config.root_doc
    has_data = DATA_DOCNAME in app.env.all_docs
    bibfiles = [Path(app.srcdir) / name for name in app.config.bibtex_bibfiles]
    paper_file = next(
        (path for path in bibfiles if release.PAPER_KEY in path.read_text(encoding="utf-8")),
        None,
    )
    citables = [
        Citable(
            edition_work(_page_url(app, root)),
            "edition",
            "The edition",
            href=_relative(app, root, root).rsplit("/", 1)[-1],
        ),
        Citable(
            dataset_work(
                _datapackage(Path(app.srcdir)),
                _page_url(app, DATA_DOCNAME) if has_data else None,
            ),
            "dataset",
            "Its data",
            href=_relative(app, root, DATA_DOCNAME) if has_data else None,
        ),
    ]
    if paper_file is not None:
        citables.append(Citable(paper_work(paper_file), release.PAPER_KEY, "The original paper"))
    return citables


def write_files(outdir: Path, citables: Iterable[Citable]) -> None:
    """The downloads: ``cite/<stem>.bib`` and ``.ris`` (rewritten only when they change)."""
    folder = outdir / CITE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    for citable in citables:
        for suffix, text in (("bib", to_bibtex(citable.work)), ("ris", to_ris(citable.work))):
            path = folder / f"{citable.stem}.{suffix}"
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                path.write_text(text, encoding="utf-8")


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
