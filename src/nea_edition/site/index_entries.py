"""The edition's index: entries generated from the data, a readable Index page, a link to it.

A reader of a scholarly edition expects an index of persons, institutions, agreements and
concepts with every page that discusses each. Sphinx builds one (``genindex.html``) from
``index`` nodes in the pages, but only from the nodes someone wrote. This extension adds the
rest and makes the page readable:

1. Entries from the data. Every institution of ``data/institutions.csv`` and every president
   and acting president of ``data/administrations.csv`` and ``data/acting_presidents.csv``
   becomes a *term*: the name readers know ("ASEAN Regional Forum (ARF)", "ASEAN Defence
   Ministers' Meeting-Plus (ADMM-Plus)" with the table's ``short_name``, "Roh Moo-hyun
   (president 2003-2008)") and the forms the pages use for it (full name, abbreviation or short
   form, a former name, a few curated variants below). At read time, a transform finds the
   first place on each page where a term occurs, in running text, a heading, a figure caption
   or a figure's data (table or chart), and puts an ``index`` node there whose target is that
   paragraph, heading or figure, so the Index links to the right place. One locator per term
   and page: the Index lists pages, like page numbers in print. A term named in a heading of
   the page is marked as the page's main treatment (bold in the Index) and linked to that
   heading.

   Text that is not the page's own is skipped: code, links to sources (their text names the
   source, not the subject), cross-references (but not glossary links: their text is the
   page's own word for the term) and citations. The bibliography page is not
   indexed (``nea_index_exclude_docs``): its titles mention institutions without discussing
   them; nor is the Data page (its column descriptions name bodies as examples); nor are
   generated reports included into a page (``nea_index_skip_sources``: the benchmark) or
   anything inside an element of class ``nea-noindex``.

2. Entries written in the pages. Persons and concepts that are not in the data (Katzenstein,
   "organization gap", minilateralism...) get MyST ``{index}`` directives placed just before
   the paragraph that discusses them. An entry there that names a data term by one of its
   forms (``{index} Lee Myung-bak``, ``{index} ARF``) is rewritten to the term's index name,
   so hand-written and generated entries fall under one heading; and a page with a
   hand-written entry for a term gets no generated one (no second locator to the same page).

3. The Index page. Sphinx's default lists a term's links as "[1], [2]", which tells a reader
   nothing. ``templates/genindex.html`` lists each term's pages by number and title, in reading
   order, as the navigation does, with "see" references that jump to their target entry.

4. Navigation. Jupyter Book's ``_toc.yml`` cannot name ``genindex`` (sphinx-external-toc
   rejects it as a missing file), but Sphinx's toctrees accept it as a generated page. A
   transform appends it to the root document's last toctree (the "Apparatus" part), so the
   sidebar of every page links to the Index.

5. Caching. The generated entries depend on the data, which Sphinx does not watch: when the
   vocabulary changes, every page is read again (``env-get-outdated``).
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.transforms import SphinxTransform
from sphinx.util import logging

from nea_edition import csvfile, toc

logger = logging.getLogger(__name__)

TEMPLATES_DIR = Path(__file__).with_name("templates")
#: The Index page's stylesheet, in ``site/static`` (served by ``charts.py``).
CSS_FILE = "nea-index.css"
ENV_ATTR = "nea_index_vocabulary"
EN_DASH = "\u2013"

# ----------------------------------------------------------------------------------------------
# Curated knowledge the other tables cannot carry: data/index_forms.csv (validated with the data)


@dataclass(frozen=True)
class Forms:
    """The rows of ``index_forms.csv``, by rule."""

    variants: dict[str, tuple[str, ...]]
    not_abbreviations: frozenset[str]
    subentry_of: dict[str, str]
    never_alone: frozenset[str]


def index_forms(data_dir: Path) -> Forms:
    """How the pages name some bodies and people: further forms, non-abbreviations, nesting."""
    rows = [row for _, row in _read_csv(data_dir / "index_forms.csv")]

    def subjects(rule: str) -> list[dict[str, str]]:
        return [row for row in rows if row["rule"] == rule]

    variants: dict[str, tuple[str, ...]] = {}
    for row in subjects("variant"):
        variants[row["subject"]] = (*variants.get(row["subject"], ()), row["value"])
    return Forms(
        variants=variants,
        not_abbreviations=frozenset(row["subject"] for row in subjects("not-abbreviation")),
        subentry_of={row["subject"]: row["value"] for row in subjects("subentry-of")},
        never_alone=frozenset(row["subject"] for row in subjects("never-alone")),
    )


#: Content inside an element of this class is not searched for terms.
NOINDEX_CLASS = "nea-noindex"

#: Where a term occurs: the kind of place decides how the Index links to it.
HEADING, TEXT, FIGURE = "heading", "text", "figure"


# ----------------------------------------------------------------------------------------------
# 1. The vocabulary


@dataclass
class Term:
    """One index heading and the forms in which the pages name it."""

    entry: str  #: the index entry, "main" or "main; subentry"
    category: str  #: person or institution
    patterns: list[re.Pattern[str]] = field(default_factory=list)
    #: Forms matched only in figures (charts and their data tables show the data's ids).
    figure_patterns: list[re.Pattern[str]] = field(default_factory=list)
    #: Literal forms a hand-written ``{index}`` entry may use for this term.
    aliases: set[str] = field(default_factory=set)
    see: list[tuple[str, str]] = field(default_factory=list)  #: ("see" entries: from, to)


def _flexible(literal: str) -> str:
    """A regex for a name as written, tolerant of line breaks and hyphen/en dash spelling."""
    parts = re.split(r"(\s+|[-\u2013])", literal.strip())
    out = []
    for part in parts:
        if not part:
            continue
        if part.isspace():
            out.append(r"\s+")
        elif part in ("-", EN_DASH):
            out.append(r"[-\u2013]")
        else:
            out.append(re.escape(part))
    return "".join(out)


def _word(regex: str, flags: int = 0) -> re.Pattern[str]:
    """``regex`` as a whole word: not inside another word or an address ("NATO-like" is
    NATO, ".../ARFChairmansStatement" is not the ARF)."""
    return re.compile(rf"(?<![\w/.]){regex}(?!\w)", flags)


def _read_csv(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows with their line numbers (the header is line 1)."""
    if not path.is_file():
        return
    _, rows = csvfile.rows(path)
    for number, row in enumerate(rows, start=2):
        yield number, {k: v.strip() for k, v in row.items()}


_FORMER = re.compile(r"\(until (\d{4}): (?P<name>[^,()]+?)(?:, (?P<abbr>[A-Z]{2,8}))?\)")


def institution_terms(data_dir: Path) -> list[Term]:
    """One term per row of ``institutions.csv``: name (and abbreviation) as readers know it."""
    path = data_dir / "institutions.csv"
    rows = list(_read_csv(path))
    forms_of = index_forms(data_dir)
    display: dict[str, str] = {}
    names: dict[str, str] = {}
    #: the short form readers meet in prose, where it is neither the id nor the name
    #: ("ADMM-Plus", "CJK summit", the secretariat's "TCS")
    short_forms: dict[str, str] = {}
    for _, row in rows:
        ident, name = row["id"], row["name"]
        plain = _FORMER.sub("", name).strip()
        names[ident] = plain
        abbreviation = (
            re.fullmatch(r"[A-Z]{2,8}", ident) and ident not in forms_of.not_abbreviations
        )
        short = row["short_name"].strip()
        if not abbreviation and short and short not in (ident, plain):
            short_forms[ident] = short
        shown = ident if abbreviation else short_forms.get(ident)
        display[ident] = f"{plain} ({shown})" if shown else plain
    shown_short = set(short_forms.values())
    terms = []
    for _, row in rows:
        ident, name = row["id"], row["name"]
        plain = names[ident]
        entry = display[ident]
        parent = forms_of.subentry_of.get(ident)
        if parent in display:
            sub = plain
            if sub.startswith(names[parent]):
                sub = sub[len(names[parent]) :].strip()
            if ident in short_forms:
                sub = f"{sub} ({short_forms[ident]})"
            entry = f"{display[parent]}; {sub[:1].upper()}{sub[1:]}"
        term = Term(entry=entry, category="institution")
        forms = [plain]
        former = _FORMER.search(name)
        if former:
            forms.append(former["name"])
            term.see.append(
                (f"{former['name']} ({former['abbr']})", entry)
                if former["abbr"]
                else (former["name"], entry)
            )
            if former["abbr"]:
                term.patterns.append(_word(re.escape(former["abbr"])))
                term.aliases.add(former["abbr"])
        for form in forms:
            flags = re.IGNORECASE if len(form.split()) > 1 else 0
            term.patterns.append(_word(_flexible(form), flags))
            term.aliases.add(form)
        if ident in short_forms:  # its short form is matched in prose; the id only in data
            short = short_forms[ident]
            # (unless it is another row's id, as the secretariat's "TCS" is the summit's: the
            # data's views show ids, and there it means the other row)
            if short not in names:
                flags = re.IGNORECASE if len(short.split()) > 1 else 0
                term.patterns.append(_word(_flexible(short), flags))
            term.aliases.add(short)
            term.figure_patterns.append(_word(re.escape(ident)))
        elif display[ident] != plain:  # a real abbreviation: matched in prose too
            term.patterns.append(_word(re.escape(ident)))
        else:  # an id only the data's own views show (chart labels, tables)
            term.figure_patterns.append(_word(re.escape(ident)))
        term.aliases |= {entry, display[ident]}
        # An id that is another body's short form names that body for readers (the glossary's
        # "TCS" is the secretariat, not the summit whose id it is).
        if ident not in shown_short:
            term.aliases.add(ident)
        term.patterns += [_word(v) for v in forms_of.variants.get(ident, ())]
        terms.append(term)
    return terms


def _years(start: str, end: str) -> str:
    first, last = start[:4], end[:4]
    if not last:
        return f"since {first}"
    return first if first == last else f"{first}{EN_DASH}{last}"


@dataclass
class _Person:
    name: str
    role: str  #: "president" or "acting president"
    start: str
    end: str


def person_terms(data_dir: Path) -> list[Term]:
    """One term per president and per acting president (all of a person's stints in one)."""
    people = [
        _Person(row["president"], "president", row["term_start"], row["term_end"])
        for _, row in _read_csv(data_dir / "administrations.csv")
    ]
    acting: dict[str, _Person] = {}
    for _, row in _read_csv(data_dir / "acting_presidents.csv"):
        if row["name"] in acting:
            acting[row["name"]].end = row["end"]
        else:
            acting[row["name"]] = _Person(row["name"], "acting president", row["start"], row["end"])
    people += acting.values()
    surnames = [person.name.split()[0] for person in people]
    never_alone = index_forms(data_dir).never_alone
    terms = []
    for person in people:
        surname, *given = person.name.split()
        term = Term(
            entry=f"{person.name} ({person.role} {_years(person.start, person.end)})",
            category="person",
        )
        given_regex = r"[-\s]?".join(re.escape(p) for p in re.split(r"[-\s]+", " ".join(given)))
        term.patterns.append(_word(rf"{re.escape(surname)}\s+{given_regex}", re.IGNORECASE))
        # A surname alone names a president only when no one else in the tables bears it;
        # not when a Korean given name follows ("Moon Chung-in" is someone else).
        unique = surnames.count(surname) == 1 and surname not in never_alone
        if person.role == "president" and unique:
            term.patterns.append(_word(rf"{re.escape(surname)}(?![-\s]+[A-Z][a-z]*-[a-z]+)"))
        term.aliases |= {person.name, term.entry}
        terms.append(term)
    return terms


def vocabulary(data_dir: Path) -> list[Term]:
    """Every term generated from the data."""
    return institution_terms(data_dir) + person_terms(data_dir)


def vocabulary_fingerprint(terms: Iterable[Term]) -> str:
    """Changes exactly when the generated entries could: a name, a date in a heading, a form.

    Not the files' bytes: editing a policy banner or a source must not re-read every page.
    """
    described = [
        [
            term.entry,
            [p.pattern for p in term.patterns],
            [p.pattern for p in term.figure_patterns],
            sorted(term.aliases),
            term.see,
        ]
        for term in terms
    ]
    return hashlib.sha256(json.dumps(described, ensure_ascii=False).encode()).hexdigest()


# ----------------------------------------------------------------------------------------------
# 2. Finding terms in a page


def find_terms(
    text: str, terms: Iterable[Term], *, figure: bool = False
) -> list[tuple[int, int, Term]]:
    """Non-overlapping occurrences, the longest form winning ("ASEAN Regional Forum" is not
    also "ASEAN"), in text order."""
    found: list[tuple[int, int, Term]] = []
    for term in terms:
        for pattern in term.patterns + (term.figure_patterns if figure else []):
            found += [(m.start(), m.end(), term) for m in pattern.finditer(text)]
    found.sort(key=lambda hit: (-(hit[1] - hit[0]), hit[0]))
    # One flag per character already claimed by a longer form: checking a hit against this
    # costs its own length, where comparing it with every hit taken so far was quadratic (a
    # chart's text holds thousands of hits, and that made reading the pages take seconds).
    claimed = bytearray(len(text))
    taken: list[tuple[int, int, Term]] = []
    for start, end, term in found:
        if claimed.find(1, start, end) == -1:
            claimed[start:end] = b"\1" * (end - start)
            taken.append((start, end, term))
    return sorted(taken, key=lambda hit: hit[0])


#: Inline content that is not the page's own text about its subject.
SKIPPED = (
    nodes.literal,
    nodes.literal_block,
    nodes.raw,
    nodes.reference,
    nodes.footnote_reference,
    nodes.citation_reference,
    nodes.substitution_reference,
    nodes.comment,
    nodes.system_message,
    nodes.target,
    nodes.image,
    nodes.math,
    addnodes.pending_xref,
    addnodes.index,
)
TEXT_BLOCKS = (nodes.paragraph, nodes.title, nodes.term, nodes.caption, nodes.rubric, nodes.line)


def _skipped(node: nodes.Node) -> bool:
    """Inline content the Index does not read. A glossary link (``{term}``) is the exception:
    its text is the page's own word for the subject, linked to its definition, so "the ASEAN
    Regional Forum ({term}`ARF`)" names the ARF as plain "ARF" would."""
    if isinstance(node, addnodes.pending_xref) and node.get("reftype") == "term":
        return False
    return isinstance(node, SKIPPED)


def text_of(node: nodes.Node) -> str:
    """A block's own words, whitespace collapsed; skipped inline content becomes a space."""
    parts: list[str] = []

    def walk(current: nodes.Node) -> None:
        if isinstance(current, nodes.Text):
            parts.append(str(current))
        elif _skipped(current):
            parts.append(" ")
        else:
            for child in current.children:
                walk(child)

    for child in node.children:
        walk(child)
    return re.sub(r"\s+", " ", "".join(parts)).strip()


class _VisibleText(HTMLParser):
    """Text a figure shows: its HTML outside scripts, plus the strings of its chart spec."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._script: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._script = dict(attrs).get("class") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._script = None
        elif tag in ("td", "th", "p", "li", "div", "summary", "tr"):
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if self._script is None:
            self.parts.append(data)
        elif "nea-chart-spec" in self._script:
            with contextlib.suppress(ValueError):  # not JSON: nothing a reader sees
                self.parts += [_strip_tags(s) for s in _strings(json.loads(data))]


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _strip_tags(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", text))


def figure_text(raw: nodes.raw) -> str:
    """What a reader can see of an HTML output: a data table, a chart's labels and hovers."""
    parser = _VisibleText()
    parser.feed(raw.astext())
    parser.close()
    return re.sub(r"\s+", " ", " | ".join(parser.parts))


@dataclass
class Place:
    """Where a term occurs first on a page (or in a heading of it)."""

    kind: str
    node: nodes.Element
    main: bool


def occurrences(
    document: nodes.document, terms: list[Term], skip_sources: Iterable[str] = ()
) -> dict[int, Place]:
    """For each term (by position in ``terms``), the place the Index should link to.

    Blocks from a file under one of ``skip_sources`` (an included, generated report) and
    blocks inside an element of class ``nea-noindex`` are not searched.
    """
    index = {id(term): i for i, term in enumerate(terms)}
    skip = tuple(skip_sources)
    first: dict[int, Place] = {}
    for node in document.findall(lambda n: isinstance(n, (*TEXT_BLOCKS, nodes.raw))):
        if _inside_skipped(node) or (skip and (node.source or "").startswith(skip)):
            continue
        if isinstance(node, nodes.raw):
            if "html" not in node.get("format", "").split():
                continue
            hits = find_terms(figure_text(node), terms, figure=True)
            kind = FIGURE
        else:
            hits = find_terms(text_of(node), terms)
            heading = isinstance(node, nodes.title) and isinstance(node.parent, nodes.section)
            kind = HEADING if heading else TEXT
        for _, _, term in hits:
            i = index[id(term)]
            known = first.get(i)
            if known is None or (kind == HEADING and not known.main):
                first[i] = Place(kind, node, kind == HEADING)
    return first


def _inside_skipped(node: nodes.Node) -> bool:
    parent = node.parent
    while parent is not None:
        if _skipped(parent) or isinstance(parent, (nodes.citation, addnodes.toctree)):
            return True
        if isinstance(parent, nodes.Element) and NOINDEX_CLASS in parent.get("classes", []):
            return True
        parent = parent.parent
    return False


def slug(text: str) -> str:
    """An ASCII id for an index term ("ASEAN Regional Forum (ARF)" -> asean-regional-forum-arf)."""
    text = re.sub(r"[\u2010-\u2015]", "-", text)  # hyphens and dashes
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "term"


# ----------------------------------------------------------------------------------------------
# 3. The transforms


def _data_dir(config: Config, srcdir: str | Path) -> Path:
    configured = getattr(config, "nea_data_dir", None) if "nea_data_dir" in config else None
    return Path(configured) if configured else Path(srcdir) / "data"


def _terms(app: Sphinx) -> list[Term]:
    """The vocabulary, read once per process."""
    cached = getattr(app, "_nea_index_terms", None)
    if cached is None:
        cached = vocabulary(_data_dir(app.config, app.srcdir))
        app._nea_index_terms = cached  # type: ignore[attr-defined]
    return cached


class IndexFromData(SphinxTransform):
    """Put an index entry where each data term first occurs on the page.

    Runs before ``SphinxDomains`` (850), which collects the page's index nodes.
    """

    default_priority = 840

    def apply(self, **kwargs: Any) -> None:
        if self.env.docname in self.config.nea_index_exclude_docs:
            return
        terms = _terms(self.app)
        self._output_indexes: dict[int, addnodes.index] = {}
        by_alias = {alias: term for term in terms for alias in term.aliases}
        written = self._normalise_written_entries(by_alias)
        skip = [str(Path(self.app.srcdir) / p) for p in self.config.nea_index_skip_sources]
        places = occurrences(self.document, terms, skip)
        for i, place in sorted(places.items(), key=lambda item: item[0]):
            term = terms[i]
            if term.entry in written:
                continue
            target = self._target(place, term)
            entries = [("single", term.entry, target, "main" if place.main else "", None)]
            entries += [("see", f"{frm}; {to}", target, "", None) for frm, to in term.see]
            index_node = addnodes.index(entries=entries, inline=False)
            self._attach(place, index_node)

    def _normalise_written_entries(self, by_alias: dict[str, Term]) -> set[str]:
        """Rewrite hand-written entries that name a data term to its index name; return the
        entries the page already has."""
        present: set[str] = set()
        for node in self.document.findall(addnodes.index):
            rewritten = []
            for entry_type, value, target, main, key in node["entries"]:
                if entry_type == "single":
                    head, _, rest = value.partition(";")
                    term = by_alias.get(head.strip())
                    if term is not None:
                        value = term.entry + (
                            f"; {rest.strip()}" if rest and ";" not in term.entry else ""
                        )
                    present.add(value)
                rewritten.append((entry_type, value, target, main, key))
            node["entries"] = rewritten
        return present

    def _target(self, place: Place, term: Term) -> str:
        """The id the Index links to: the heading's section, or the paragraph (given an id
        named after the first term found in it when it has none)."""
        node = place.node
        if place.kind == HEADING:
            node = node.parent
        if place.kind == FIGURE:
            return ""  # a target of its own, made in _attach
        if not node["ids"]:
            new_id = self._new_id(f"idx-{slug(_short_name(term.entry))}")
            node["ids"].append(new_id)
            self.document.ids[new_id] = node
        return node["ids"][0]

    def _attach_to_output(self, raw: nodes.raw, index_node: addnodes.index) -> None:
        """Anchor a term found in a notebook output (chart or data table): the figure's own
        id, or a target just before the output. One anchor per output, shared by its terms."""
        anchors = self._output_indexes
        figure = _output_anchor(raw)
        key = id(figure if figure is not None else raw)
        existing = anchors.get(key)
        if existing is not None:
            target_id = existing["entries"][0][2]
            existing["entries"] += [
                (t, v, target_id, m, k) for t, v, _, m, k in index_node["entries"]
            ]
            return
        parent = raw.parent
        at = parent.index(raw)
        if figure is not None:
            target_id = figure["ids"][0]
        else:
            target_id = self._new_id("idx-output")
            target = nodes.target("", "", ids=[target_id])
            self.document.ids[target_id] = target
            parent.insert(at, target)
            at += 1
        index_node["entries"] = [(t, v, target_id, m, k) for t, v, _, m, k in index_node["entries"]]
        parent.insert(at, index_node)
        anchors[key] = index_node

    def _new_id(self, base: str) -> str:
        candidate, n = base, 1
        while candidate in self.document.ids:
            n += 1
            candidate = f"{base}-{n}"
        return candidate

    def _attach(self, place: Place, index_node: addnodes.index) -> None:
        node = place.node
        if place.kind == HEADING:
            section = node.parent
            section.insert(section.index(node) + 1, index_node)
        elif place.kind == FIGURE:
            self._attach_to_output(node, index_node)
        else:
            node.insert(0, index_node)


def _output_anchor(raw: nodes.raw) -> nodes.Element | None:
    """The figure a notebook output belongs to, if it is one (its id is the anchor)."""
    parent = raw.parent
    while parent is not None and not isinstance(parent, nodes.section):
        if isinstance(parent, nodes.figure) and parent["ids"]:
            return parent
        parent = parent.parent
    return None


def _main_part(entry: str) -> str:
    return entry.partition(";")[0].strip()


def _short_name(entry: str) -> str:
    """The heading without a dated gloss: "Roh Tae-woo (president 1988-1993)" -> Roh Tae-woo."""
    return re.sub(r"\s*\([^()]*\d[^()]*\)$", "", _main_part(entry))


class IndexInNavigation(SphinxTransform):
    """Append the generated Index page to the root document's last toctree (the sidebar)."""

    default_priority = 120  # after sphinx-external-toc inserts the toctrees (100)

    #: Builders that write a ``genindex.html`` (singlehtml and the PDF's do not).
    builders = frozenset({"html", "dirhtml"})

    def apply(self, **kwargs: Any) -> None:
        if self.env.docname != self.config.root_doc or self.app.builder.name not in self.builders:
            return
        toctrees = list(self.document.findall(addnodes.toctree))
        if not toctrees:
            return
        last = toctrees[-1]
        if not any(ref == "genindex" for _, ref in last["entries"]):
            last["entries"].append((self.config.nea_index_title, "genindex"))


# ----------------------------------------------------------------------------------------------
# 4. The Index page


def page_label(env: BuildEnvironment, docname: str) -> str:
    """ "3.5 Making Trilateralism Workable": the page's number and title, as in the sidebar."""
    number = env.toc_secnumbers.get(docname, {}).get("")
    title = env.titles[docname].astext() if docname in env.titles else docname
    # A no-break space keeps the number with the title when a locator wraps.
    return f"{'.'.join(map(str, number))}\u00a0{title}" if number else title


@dataclass
class Locator:
    label: str
    href: str
    main: bool
    docname: str


@dataclass
class Item:
    name: str
    ident: str
    locators: list[Locator]
    subitems: list[Item] = field(default_factory=list)
    #: "see" and "see also" references: (kind, target entry, href of the target's entry)
    see: list[tuple[str, str, str]] = field(default_factory=list)


def build_index(
    genindex: list[tuple[str, list[tuple[str, list[Any]]]]],
    env: BuildEnvironment,
    builder: Any,
) -> list[tuple[str, list[Item]]]:
    """Sphinx's ``genindexentries`` as letters of items whose locators name their pages."""
    # Longest first: under singlehtml every page's uri is "index.html#document-<docname>".
    doc_uris = sorted(
        ((builder.get_relative_uri("genindex", doc), doc) for doc in env.found_docs),
        key=lambda pair: -len(pair[0]),
    )

    def doc_of(uri: str) -> tuple[str, str]:
        """The document a link leads to, and the anchor in it."""
        for prefix, doc in doc_uris:
            if uri == prefix or uri.startswith(prefix + "#"):
                return doc, uri[len(prefix) + 1 :]
        page, _, target = uri.partition("#")
        return page, target

    ordered = toc.reading_order(Path(env.srcdir))
    ordered += sorted(set(env.found_docs) - set(ordered))
    order = {doc: i for i, doc in enumerate(ordered)}
    idents: dict[str, str] = {}

    def ident(name: str) -> str:
        if name not in idents:
            base, n = f"idx-{slug(name)}", 1
            candidate = base
            while candidate in idents.values():
                n += 1
                candidate = f"{base}-{n}"
            idents[name] = candidate
        return idents[name]

    positions: dict[str, dict[str, int]] = dict(getattr(env, ID_ORDER_ATTR, {}))

    def position(doc: str, target: str) -> int:
        """Where an anchor sits in its page (document order of ids)."""
        if doc not in positions:  # not recorded when read (a page read before this version)
            try:
                positions[doc] = id_order(env.get_doctree(doc))
            except (OSError, KeyError):
                positions[doc] = {}
        return positions[doc].get(target, len(positions[doc]))

    def locators(links: list[tuple[str, str]]) -> list[Locator]:
        """One locator per page, like a page number: the page's main (heading) place if it
        has one, else its first."""
        best: dict[str, tuple[tuple[bool, int], Locator]] = {}
        for main, uri in links:
            doc, target = doc_of(uri)
            rank = (not main, position(doc, target))
            if doc not in best or rank < best[doc][0]:
                best[doc] = (rank, Locator(page_label(env, doc), uri, bool(main), doc))
        out = [locator for _, locator in best.values()]
        out.sort(key=lambda loc: (order.get(loc.docname, len(order)), loc.href))
        return out

    letters = []
    see_texts: list[tuple[Item, str]] = []
    for letter, entries in genindex:
        items = []
        for name, (links, subitems, _key) in entries:
            item = Item(name, ident(name), locators(links))
            for subname, sublinks in subitems:
                for prefix in ("see also ", "see "):
                    if subname.startswith(prefix) and not sublinks:
                        see_texts.append((item, subname))
                        break
                else:
                    item.subitems.append(
                        Item(subname, ident(f"{name}; {subname}"), locators(sublinks))
                    )
            items.append(item)
        letters.append((letter, items))
    for item, text in see_texts:
        prefix = "see also " if text.startswith("see also ") else "see "
        target = text[len(prefix) :]
        href = f"#{idents[target]}" if target in idents else ""
        item.see.append((prefix.strip(), target, href))
    _fold_abbreviations(letters, order)
    return letters


def _fold_abbreviations(letters: list[tuple[str, list[Item]]], order: dict[str, int]) -> None:
    """An abbreviation indexed on its own beside the one entry that spells it out ("NEASED"
    and "Northeast Asia Security Dialogue (NEASED)"; Sphinx indexes every glossary term):
    its pages join that entry, and it becomes a "see" reference to it, as in a printed index.
    """
    items = [item for _, entries in letters for item in entries]
    for item in items:
        if item.subitems or item.see or not item.locators:
            continue
        fuller = [other for other in items if other.name.endswith(f" ({item.name})")]
        if len(fuller) != 1:
            continue
        target = fuller[0]
        pages = {locator.docname for locator in target.locators}
        target.locators += [loc for loc in item.locators if loc.docname not in pages]
        target.locators.sort(key=lambda loc: (order.get(loc.docname, len(order)), loc.href))
        item.locators = []
        item.see.append(("see", target.name, f"#{target.ident}"))


def add_index_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """On the Index page: the readable index, and its stylesheet."""
    if pagename != "genindex" or "genindexentries" not in context:
        return
    context["nea_index"] = build_index(context["genindexentries"], app.env, app.builder)
    app.builder.add_css_file(CSS_FILE, priority=600)


# ----------------------------------------------------------------------------------------------
# 5. Setup and caching


def add_templates(app: Sphinx, config: Config) -> None:
    """Our ``genindex.html`` replaces Sphinx's (the edition's own templates still come first)."""
    if str(TEMPLATES_DIR) not in config.templates_path:
        config.templates_path.append(str(TEMPLATES_DIR))


#: Where each page's ids sit, recorded as the page is read (``RecordIdOrder``).
ID_ORDER_ATTR = "nea_index_id_order"


def id_order(doctree: nodes.Node) -> dict[str, int]:
    """Every id of a page, numbered in document order (the first place an id appears)."""
    order: dict[str, int] = {}
    for node in doctree.findall(nodes.Element):
        for node_id in node.get("ids", []):
            order.setdefault(node_id, len(order))
    return order


class RecordIdOrder(SphinxTransform):
    """Record the order of a page's ids as it is read, for the Index's locators.

    The Index names, for each entry, the place in each page that comes first. Finding it at
    write time meant unpickling every page's doctree in every build (a fifth of a second);
    the order is the doctree's as Sphinx stores it, so it is taken once, after every other
    read transform, and kept in the environment with the page.
    """

    default_priority = 999

    def apply(self, **kwargs: Any) -> None:
        _id_orders(self.env)[self.env.docname] = id_order(self.document)


def _id_orders(env: BuildEnvironment) -> dict[str, dict[str, int]]:
    """The environment's record of id orders, made on first use."""
    if not hasattr(env, ID_ORDER_ATTR):
        setattr(env, ID_ORDER_ATTR, {})
    return getattr(env, ID_ORDER_ATTR)


def purge_id_order(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    getattr(env, ID_ORDER_ATTR, {}).pop(docname, None)


def merge_id_order(
    app: Sphinx, env: BuildEnvironment, docnames: Iterable[str], other: BuildEnvironment
) -> None:
    """Parallel reads: bring the orders recorded by worker processes home."""
    theirs = getattr(other, ID_ORDER_ATTR, {})
    store = _id_orders(env)
    for doc in docnames:
        if doc in theirs:
            store[doc] = theirs[doc]


def outdated_by_vocabulary(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> Iterable[str]:
    """Every page, when a table the generated entries come from has changed."""
    current = vocabulary_fingerprint(vocabulary(_data_dir(app.config, app.srcdir)))
    previous = getattr(env, ENV_ATTR, None)
    setattr(env, ENV_ATTR, current)
    if previous is None or previous == current:
        return []
    logger.info("[nea] index vocabulary changed: re-reading every page")
    return sorted(env.found_docs - removed)


def setup(app: Sphinx) -> dict[str, Any]:
    # The bibliography's titles and the Data page's examples name bodies without discussing them.
    app.add_config_value(
        "nea_index_exclude_docs", ["book/bibliography", "book/data"], "env", [list]
    )
    # Generated reports included into pages (the benchmark on the matrix page).
    app.add_config_value("nea_index_skip_sources", ["book/_generated/"], "env", [list])
    app.add_config_value("nea_index_title", "Index", "env", [str])
    app.connect("config-inited", add_templates)
    app.add_transform(IndexFromData)
    app.add_transform(IndexInNavigation)
    app.add_transform(RecordIdOrder)
    app.connect("env-purge-doc", purge_id_order)
    app.connect("env-merge-info", merge_id_order)
    app.connect("env-get-outdated", outdated_by_vocabulary)
    app.connect("html-page-context", add_index_context)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
