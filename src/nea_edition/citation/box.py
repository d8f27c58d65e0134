"""The "Cite this page" box: for each work its reference, copy buttons, downloads and texts.

* **The reference** is formatted by ``reference.format_reference`` in the edition's
  reference-list style; BibTeX and RIS follow in a ``<details>``.
* **Downloads** are files in ``cite/`` at the site's root (``<page>.bib``, ``<page>.ris``;
  ``edition``, ``dataset`` and the paper's key for the front page; ``write_files`` writes
  them), linked with ``download`` so the browser saves them. Nothing depends on a server.
* **Copy buttons** are plain buttons that ``_static/nea-cite.js`` (``site/static/``) unhides and
  wires to the Clipboard API, with a selection fallback where that API is unavailable
  (``file://``). Without JavaScript the buttons stay hidden and the texts and downloads still
  work. Nothing loads from another origin.
* **Addresses and access dates.** With a base URL each reference carries the page's absolute
  URL (BibTeX ``url``, RIS ``UR``, and a link after the formatted reference). Without one the
  build cannot know where the site will be read, so each of the edition's own works carries
  its address relative to the page (``data-nea-cite-href``) and ``nea-cite.js`` writes the
  absolute URL in, from the address the reader's browser has (over http or https only: a
  ``file://`` path means nothing to anyone else). The access date (BibTeX ``urldate``,
  ``YYYY-MM-DD`` as biblatex reads it; RIS ``Y2``, ``YYYY/MM/DD``; "Accessed YYYY-MM-DD." after
  the formatted reference) can only be known when a reader uses the page: the script fills in
  the reader's today when the page opens and again at each copy or download (the downloads
  are then made in the browser from the same text). Without JavaScript the texts and the
  static files have the URL when the build knew it, and no access date. RIS ``DA`` stays the
  date of the version.

Output is deterministic: ids and file names come from the caller's names, never from counters
or randomness.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from nea_edition.citation.bibtex import to_bibtex
from nea_edition.citation.model import Work
from nea_edition.citation.reference import format_reference
from nea_edition.citation.ris import to_ris

#: Folder at the site's root holding the downloadable .bib and .ris files.
CITE_DIR = "cite"
#: Marker class of every box; tests and the html-page-context hook look for it.
BOX_CLASS = "nea-cite"


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


def write_files(outdir: Path, citables: Iterable[Citable]) -> None:
    """The downloads: ``cite/<stem>.bib`` and ``.ris`` (rewritten only when they change)."""
    folder = outdir / CITE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    for citable in citables:
        for suffix, text in (("bib", to_bibtex(citable.work)), ("ris", to_ris(citable.work))):
            path = folder / f"{citable.stem}.{suffix}"
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                path.write_text(text, encoding="utf-8")
