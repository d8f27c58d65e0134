"""The Index (genindex.html): persons, institutions, agreements and concepts, each with every page
that discusses it.

Checked on the built site: the Index has an entry for every institution, president and acting
president in the data and for the concepts the chapters index by hand; every locator leads to an
anchor that exists, on a page that names the term at that place; no page is listed twice under
one term; and every page's navigation links to the Index. The matcher that finds data terms in
pages is tested on its own too (longest name wins, ambiguous surnames are never guessed).
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup, Tag
from helpers import make_small_book, run_build

from nea_edition.site import index_entries

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"

#: Entries the chapters index by hand (the curated list), with what the place each locator leads
#: to must say (a regular expression, case-insensitive).
CONCEPTS: dict[str, str] = {
    "Katzenstein, Peter J.": r"Katzenstein",
    "Calder, Kent E.": r"Calder",
    "organization gap": r"organi[sz]ation gap",
    "historical institutionalism": r"historical institutionalism",
    "realism": r"realis[mt]",
    "minilateralism": r"minilateral",
    "virtual alliance": r"virtual alliance",
    "human security": r"human[- ]security",
    "hub-and-spoke": r"hub-and-spoke|spokes",
    "Sunshine Policy": r"Sunshine Policy",
    "Nordpolitik": r"Nordpolitik",
    # The glossary defines both; the hand-written entries are the glossary terms themselves.
    "OPCON": r"OPCON|operational control",
    "GSOMIA": (r"GSOMIA|intelligence agreement|information-sharing agreement"),
    "Six-Party joint statement (2005)": r"joint statement",
    "Washington Declaration (2023)": r"Washington Declaration",
    "Camp David summit (2023)": r"Camp David",
}

#: Further hand-written entries whose places are checked the same way.
MORE_ENTRIES: dict[str, str] = {
    "Asian NATO": r"Asian NATO|Northeast NATO",
    "balancer": r"balancer",
    "Global Korea": r"Global Korea",
    "Indo-Pacific Strategy (South Korea)": r"Indo-Pacific",
    "Northeast Asia Peace and Cooperation Initiative (NAPCI)": (
        r"Northeast Asian? Peace and Cooperation Initiative|Northeast Asian peace initiative"
        r"|\bNAPCI\b"
    ),
    "Northeast Asia Security Dialogue (NEASED)": r"NEASED",
    "East Asia Economic Caucus (EAEC)": r"East Asia Economic Caucus|EAEC",
    "Trilateral Secretariat (U.S.\u2013Japan\u2013ROK)": r"secretariat",
    "Kim Sung-han; in public office": (
        r"National Security Office|national security adviser|Vice Minister"
    ),
    "strategic culture": r"strategic culture",
    "track two": r"track[- ]two",
    "Vision 3000": r"Vision 3000",
    "Obama, Barack": r"Obama",
    "Cossa, Ralph A.": r"Cossa",
    "Nye, Joseph S.": r"Nye",
    "paradox of alliance and multilateralism": r"paradox",
    "North Atlantic Treaty Organization (NATO); Strategic Concept (1999)": r"Strategic Concept",
}


# ----------------------------------------------------------------------------------------------
# Reading the built Index


@dataclass
class Entry:
    """One entry of the Index: its locators (href, bold?) and "see" references."""

    name: str
    locators: list[tuple[str, bool]] = field(default_factory=list)
    see: list[tuple[str, str]] = field(default_factory=list)  #: (target text, href)


def _entry(li: Tag, name: str) -> Entry:
    entry = Entry(name)
    for link in li.select(":scope > .nea-index-locators > a"):
        entry.locators.append((str(link["href"]), "nea-index-main" in link.get("class", [])))
    for see in li.select(":scope > .nea-index-see"):
        link = see.find("a")
        entry.see.append((see.get_text(" ", strip=True), str(link["href"]) if link else ""))
    return entry


@pytest.fixture(scope="module")
def index_page(site_dir: Path) -> BeautifulSoup:
    path = site_dir / "genindex.html"
    assert path.is_file(), "the build writes no Index page"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="module")
def entries(index_page: BeautifulSoup) -> dict[str, Entry]:
    """Every entry and subentry ("main; sub") of the Index, by name."""
    found: dict[str, Entry] = {}
    for li in index_page.select("ul.nea-index-entries > li"):
        name = li.select_one(":scope > .nea-index-term").get_text(strip=True)
        found[name] = _entry(li, name)
        for sub in li.select(":scope > ul > li"):
            subname = sub.select_one(":scope > .nea-index-term").get_text(strip=True)
            found[f"{name}; {subname}"] = _entry(sub, f"{name}; {subname}")
    assert found, "the Index holds no entry"
    return found


@cache
def _page(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _resolve(site_dir: Path, base: str, href: str) -> tuple[Path, str]:
    """The file and fragment an href on the page ``base`` (relative to the site) leads to."""
    url = urlsplit(urljoin(f"http://site/{base}", href))
    return site_dir / url.path.lstrip("/"), url.fragment


def _chart_strings(element: Tag) -> str:
    """The labels and hover texts of the charts inside ``element`` (what a reader can see)."""
    texts = []
    for script in element.select("script.nea-chart-spec"):
        texts += list(index_entries._strings(json.loads(script.string or "null")))
    return " ".join(texts)


#: Elements an index target can sit inside; the element itself is then the place.
BLOCKS = frozenset({"p", "dt", "dd", "li", "figure", "figcaption", "td", "th", "caption"})


def place_text(element: Tag) -> str:
    """What the place an anchor marks says: the element with the id (a paragraph, a heading's
    section, a figure); for an empty target span, the block it sits in or else the block that
    follows it. A section's first block counts with the section's heading."""
    while element.name == "span" and not element.get_text(strip=True):
        if element.parent is not None and element.parent.name in BLOCKS:
            element = element.parent
            break
        following = element.find_next_sibling()
        if following is None:
            break
        element = following
    text = f"{element.get_text(' ')} {_chart_strings(element)}"
    if element.name == "figure":
        # A figure's place includes its "Data behind the figure" table, which follows it.
        data = element.find_next(["details"], class_="nea-data")
        if data is not None:
            text += " " + data.get_text(" ")
    previous = element.find_previous_sibling()
    if previous is not None and re.fullmatch(r"h[1-6]", previous.name or ""):
        text = f"{previous.get_text(' ')} {text}"
    return re.sub(r"\s+", " ", text)


def _data_regexes() -> dict[str, list[re.Pattern[str]]]:
    """How each data term may be named at its place: the extension's own forms for
    institutions, and its other names (the glossary's "TCS" is the secretariat's short form,
    which prose matching leaves out because the data's views use it as the summit's id); for
    people also the bare surname, which hand-written entries stand on."""
    forms: dict[str, list[re.Pattern[str]]] = {}
    for term in index_entries.vocabulary(DATA):
        patterns = term.patterns + term.figure_patterns
        patterns += [re.compile(rf"\b{re.escape(alias)}\b") for alias in sorted(term.aliases)]
        if term.category == "person":
            surname = term.entry.split()[0]
            patterns = [*patterns, re.compile(rf"\b{re.escape(surname)}\b")]
        forms[term.entry] = patterns
    return forms


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# ----------------------------------------------------------------------------------------------
# What the Index holds


def test_every_institution_in_the_data_has_an_entry(entries: dict[str, Entry]) -> None:
    names = list(entries)
    for row in _rows("institutions.csv"):
        plain = re.sub(r"\s*\(until .*\)$", "", row["name"])
        matching = [
            n
            for n in names
            if plain in n or re.sub(r" \([^)]*\)$", "", n).endswith(plain.split(" ", 2)[-1])
        ]
        assert matching, f"institutions.csv {row['id']} ({plain}) has no Index entry"
        assert any(entries[n].locators for n in matching), f"{plain}: an entry without pages"
    # The names readers know, abbreviation included; the working group under the talks.
    for name in (
        "ASEAN Regional Forum (ARF)",
        "Asia-Pacific Economic Cooperation (APEC)",
        "Six-Party Talks (SPT)",
        "Six-Party Talks (SPT); Working Group on a Northeast Asia Peace and Security Mechanism"
        " (NEAPSM WG)",
        "Organization for Security and Co-operation in Europe (OSCE)",
        # a short form readers meet that is neither the id nor the name (short_name)
        "Trilateral Cooperation Secretariat (TCS)",
        "China-Japan-ROK Trilateral Summit (CJK summit)",
        "ASEAN Defence Ministers' Meeting-Plus (ADMM-Plus)",
    ):
        assert entries.get(name) and entries[name].locators, f"no entry {name!r}"
    csce = entries["Conference on Security and Co-operation in Europe (CSCE)"]
    assert csce.see == [
        (
            "see Organization for Security and Co-operation in Europe (OSCE)",
            "#idx-organization-for-security-and-co-operation-in-europe-osce",
        )
    ], "the former name refers to the OSCE entry"


def test_every_president_and_acting_president_has_an_entry(entries: dict[str, Entry]) -> None:
    people = [(r["president"], "president") for r in _rows("administrations.csv")]
    people += [(r["name"], "acting president") for r in _rows("acting_presidents.csv")]
    for name, role in people:
        matching = [n for n in entries if n.startswith(f"{name} ({role} ")]
        assert len(matching) == 1, f"{name} ({role}): {len(matching)} Index entries"
        assert entries[matching[0]].locators, f"{matching[0]}: an entry without pages"
    assert "Roh Moo-hyun (president 2003\u20132008)" in entries
    assert "Lee Jae-myung (president since 2025)" in entries
    assert "Han Duck-soo (acting president 2024\u20132025)" in entries, "two stints, one entry"


def test_the_concepts_and_persons_indexed_by_hand_have_entries(entries: dict[str, Entry]) -> None:
    missing = [name for name in CONCEPTS if not (entries.get(name) and entries[name].locators)]
    assert not missing, f"no Index entry with pages for {missing}"


# ----------------------------------------------------------------------------------------------
# Where its locators lead


def test_every_locator_leads_to_an_existing_anchor(
    site_dir: Path, index_page: BeautifulSoup
) -> None:
    body = index_page.select_one("section.nea-index")
    links = body.select("a[href]")
    assert len(links) > 200, "suspiciously few links in the Index"
    broken = []
    for link in links:
        path, fragment = _resolve(site_dir, "genindex.html", str(link["href"]))
        if not path.is_file():
            broken.append(f"{link['href']}: no such page")
        elif fragment and _page(path).find(id=fragment) is None:
            broken.append(f"{link['href']}: no element with id {fragment!r}")
    assert not broken, "\n".join(broken)


def test_every_locator_leads_to_a_place_that_names_the_term(
    site_dir: Path, entries: dict[str, Entry]
) -> None:
    regexes = {
        name: [re.compile(r, re.IGNORECASE)] for name, r in {**CONCEPTS, **MORE_ENTRIES}.items()
    }
    regexes.update(_data_regexes())
    checked, wrong = 0, []
    for name, entry in entries.items():
        for href, _ in entry.locators:
            if name not in regexes:
                continue
            path, fragment = _resolve(site_dir, "genindex.html", href)
            element = _page(path).find(id=fragment)
            assert element is not None, href
            text = place_text(element)
            checked += 1
            if not any(pattern.search(text) for pattern in regexes[name]):
                wrong.append(f"{name}: {href} says {text[:160]!r}")
    assert checked > 150
    assert not wrong, "\n".join(wrong)


def test_an_abbreviation_alone_refers_to_the_entry_that_spells_it_out(
    entries: dict[str, Entry],
) -> None:
    """Sphinx indexes every glossary term, so "NEASED" stood beside "Northeast Asia Security
    Dialogue (NEASED)" with the glossary as its page: it now refers to that entry, which lists
    the glossary among its pages."""
    folded = 0
    for name, entry in entries.items():
        fuller = [other for other in entries if other.endswith(f" ({name})")]
        if len(fuller) != 1:
            continue
        assert not entry.locators, f"{name} has pages of its own beside {fuller[0]}"
        assert entry.see and entry.see[0][0] == f"see {fuller[0]}", (name, entry.see)
        folded += 1
    assert folded >= 3
    full = entries["Northeast Asia Security Dialogue (NEASED)"]
    assert any(href.startswith("book/glossary.html#") for href, _ in full.locators)
    # A body of the data is one entry under its name with the form readers meet, as "ASEAN
    # Regional Forum (ARF)" is: the glossary's "ADMM-Plus" and the pages that say "ADMM-Plus"
    # are among its pages, and no entry of its own stands beside it.
    admm = entries["ASEAN Defence Ministers' Meeting-Plus (ADMM-Plus)"]
    pages = {href.split("#")[0] for href, _ in admm.locators}
    assert {"book/glossary.html", "book/06-after-2009.html"} <= pages, pages
    for alone in ("ADMM-Plus", "ARF", "CJK summit", "TCS"):
        assert alone not in entries, f"{alone!r} has an entry of its own"


def test_a_term_lists_each_page_once_and_never_the_bibliography(
    entries: dict[str, Entry],
) -> None:
    for name, entry in entries.items():
        pages = [href.partition("#")[0] for href, _ in entry.locators]
        assert len(pages) == len(set(pages)), f"{name}: a page listed twice: {pages}"
        assert "book/bibliography.html" not in pages, f"{name}: indexed from the bibliography"


def test_a_heading_on_the_term_is_its_main_locator(
    site_dir: Path, entries: dict[str, Entry]
) -> None:
    """ "Roh Moo-hyun: where does Washington stand?" makes that page his main (bold) one."""
    roh = entries["Roh Moo-hyun (president 2003\u20132008)"]
    main = [href for href, bold in roh.locators if bold]
    assert main == [
        "book/02-strategic-thought/regional-cooperation.html#roh-moo-hyun-where-does-washington-stand"
    ]
    assert len(roh.locators) >= 5


def test_locators_are_labelled_with_page_number_and_title(index_page: BeautifulSoup) -> None:
    """A chapter's locator carries its number; sections are unnumbered (_toc.yml numbers the
    chapters only, as the paper numbers none of its sections)."""
    labels = {a.get_text(strip=True) for a in index_page.select(".nea-index-locators a")}
    assert "Making Trilateralism Workable" in labels
    assert "5\u00a0Conclusion" in labels
    assert not any(re.fullmatch(r"\[\d+\]", label) for label in labels)


# ----------------------------------------------------------------------------------------------
# How readers reach it


def test_every_page_links_to_the_index_from_its_navigation(site_dir: Path) -> None:
    pages = sorted(p for p in site_dir.rglob("*.html") if "_static" not in p.parts)
    assert len(pages) > 15
    for path in pages:
        relative = path.relative_to(site_dir).as_posix()
        nav = _page(path).select_one("nav.bd-docs-nav")
        if nav is None:
            continue  # search.html has a navigation too; pages without one are not Sphinx's
        links = [a for a in nav.select("a[href]") if a.get_text(strip=True) == "Index"]
        assert len(links) == 1, f"{relative}: {len(links)} Index links in the navigation"
        target, _ = _resolve(site_dir, relative, str(links[0]["href"]))
        assert target == site_dir / "genindex.html", f"{relative}: Index link goes to {target}"


# ----------------------------------------------------------------------------------------------
# The matcher, alone


@pytest.fixture(scope="module")
def terms() -> list[index_entries.Term]:
    return index_entries.vocabulary(DATA)


def _found(text: str, terms: list[index_entries.Term]) -> list[str]:
    return [term.entry for _, _, term in index_entries.find_terms(text, terms)]


def test_the_longest_name_wins(terms: list[index_entries.Term]) -> None:
    assert _found("the ASEAN Regional Forum met", terms) == ["ASEAN Regional Forum (ARF)"]
    assert _found("ASEAN Plus Three and ASEAN", terms) == [
        "ASEAN Plus Three (APT)",
        "Association of Southeast Asian Nations (ASEAN)",
    ]
    assert _found("the China\u2013Japan\u2013ROK Trilateral Cooperation Secretariat", terms) == [
        "Trilateral Cooperation Secretariat (TCS)"
    ]
    assert _found("the China\u2013Japan\u2013Korea summits lapsed", terms) == [
        "China-Japan-ROK Trilateral Summit (CJK summit)"
    ]
    assert _found("the ADMM-Plus met; the CJK summit did not", terms) == [
        "ASEAN Defence Ministers' Meeting-Plus (ADMM-Plus)",
        "China-Japan-ROK Trilateral Summit (CJK summit)",
    ]


def test_a_short_form_names_its_body_not_the_body_whose_id_it_is(
    terms: list[index_entries.Term],
) -> None:
    """An entry written "TCS" (the glossary's) joins the secretariat, whose short form it is,
    not the summit, whose id it is in the data."""
    assert [t.entry for t in terms if "TCS" in t.aliases] == [
        "Trilateral Cooperation Secretariat (TCS)"
    ]


def test_names_are_found_across_line_breaks_and_dash_spellings(
    terms: list[index_entries.Term],
) -> None:
    assert _found("the Trilateral Coordination and\nOversight Group", terms) == [
        "Trilateral Coordination and Oversight Group (TCOG)"
    ]
    assert _found("NATO-like alliances, not .../ARFChairmansStatement", terms) == [
        "North Atlantic Treaty Organization (NATO)"
    ]
    assert _found("Kim Dae-Jung and Yoon Suk-yeol", terms) == [
        "Kim Dae-jung (president 1998\u20132003)",
        "Yoon Suk Yeol (president 2022\u20132025)",
    ]


def test_ambiguous_surnames_are_never_guessed(terms: list[index_entries.Term]) -> None:
    # Kim is the author; two presidents are Roh, three people in the data are Lee.
    assert _found("Kim argues; Roh said; Lee's government", terms) == []
    # A unique presidential surname alone is the president, unless a given name follows.
    assert _found("Yoon's term", terms) == ["Yoon Suk Yeol (president 2022\u20132025)"]
    assert _found("Moon Chung-in wrote", terms) == []
    # Ids that only the data's own views use are not read in prose.
    assert _found("the TCS and NEAPSM_WG", terms) == []
    assert [t.entry for _, _, t in index_entries.find_terms("TCS", terms, figure=True)] == [
        "China-Japan-ROK Trilateral Summit (CJK summit)"
    ]


def test_glossary_links_count_as_the_pages_own_words(terms: list[index_entries.Term]) -> None:
    """ "the Six-Party Talks ({term}`SPT`)": a glossary link names the term on the page (the
    first use of every term is one), while other cross-references stay unread."""
    from docutils import nodes
    from sphinx import addnodes

    def xref(text: str, reftype: str) -> addnodes.pending_xref:
        return addnodes.pending_xref(
            "", nodes.inline("", text), refdomain="std", reftype=reftype, reftarget=text
        )

    paragraph = nodes.paragraph()
    paragraph += [nodes.Text("talks went on in "), xref("SPT", "term"), nodes.Text(" and ")]
    paragraph += xref("ARF", "ref")
    assert index_entries.text_of(paragraph) == "talks went on in SPT and"
    assert _found(index_entries.text_of(paragraph), terms) == ["Six-Party Talks (SPT)"]
    document = nodes.document(None, None)
    document += paragraph
    places = index_entries.occurrences(document, terms)
    assert [terms[i].entry for i in places] == ["Six-Party Talks (SPT)"]


# ----------------------------------------------------------------------------------------------
# The generated entries follow the data


@pytest.mark.build
def test_a_renamed_institution_is_reindexed_without_touching_the_pages(tmp_path: Path) -> None:
    """The entries come from data/ (which Sphinx does not watch): a rename there must reach
    the Index although no page changed."""
    book = make_small_book(
        tmp_path / "book-root",
        {
            "index": "# Front\n\nA front page.\n",
            "page": "# Page\n\nThe Northeast Asia Cooperation Dialogue met.\n\n"
            "The Tumen Club met too.\n",
        },
    )

    def build_and_read_index() -> str:
        done = run_build(book)
        assert done.returncode == 0, done.stdout + done.stderr
        return (book / "_build" / "html" / "genindex.html").read_text(encoding="utf-8")

    first = build_and_read_index()
    assert "Northeast Asia Cooperation Dialogue (NEACD)" in first
    assert "Tumen Club" not in first

    institutions = book / "data" / "institutions.csv"
    text = institutions.read_text(encoding="utf-8")
    assert ",Northeast Asia Cooperation Dialogue," in text
    institutions.write_text(
        text.replace(",Northeast Asia Cooperation Dialogue,", ",Tumen Club,"), encoding="utf-8"
    )
    second = build_and_read_index()
    assert "Tumen Club (NEACD)" in second, "the renamed body is indexed where the page names it"
    assert "Northeast Asia Cooperation Dialogue (NEACD)" not in second
