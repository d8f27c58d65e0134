"""Links to weak hosts stay few, and each one says why nothing better is cited.

A weak host is a wiki or a copy of one, a document mirror or user-upload site, a news or
press-release aggregator, a blog, or a defunct library aggregator: a page there is at best a copy
of someone else's text. The edition prefers governments, international bodies, wire services,
newspapers and journals, and allows at most ``MAX_WEAK`` links to weak hosts across
``data/*.csv``, ``book/**/*.md`` and ``references.bib``, counted per URL occurrence.

Each remaining link must carry its reason in the same unit (the CSV row, the Markdown paragraph,
the BibTeX entry), written with the phrase ``no primary copy stored`` followed by what was looked
for. The unit, not the line, because a CSV note or a bib ``annote`` states the reason beside the
URL and a paragraph may wrap.

Not counted as weak: wire copy carried under licence with its byline (Reuters on The Star or
Yahoo Finance, AP on local papers), the Asia News Network, and academic or archival sites that
reproduce documents under their own name (CVCE, an Argentine institute's yearbook).

Run ``pytest tests/test_weak_sources.py -s`` to see the list.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from helpers import ROOT

MAX_WEAK = 10
REASON = "no primary copy stored"

#: Weak hosts and what they are. A listed host also covers its subdomains (vi.scribd.com).
WEAK_HOSTS: dict[str, str] = {
    # wikis and their copies
    "wikipedia.org": "wiki",
    "wikiwand.com": "wiki copy",
    "namu.wiki": "wiki",
    "unamwiki.org": "wiki copy (Namuwiki)",
    "alphawiki.org": "wiki copy (Namuwiki)",
    "infogalactic.com": "wiki fork",
    "wikisum.wiki": "wiki summary",
    "theinfolist.com": "wiki copy",
    "cryer.org.uk": "wiki copy",
    "faninu.com": "wiki copy",
    "en-academic.com": "wiki copy",
    "wn.com": "wiki copy",
    "bankpedia.org": "wiki-like glossary",
    # document mirrors and user uploads
    "docslib.org": "document mirror",
    "vdocuments.net": "document mirror",
    "vdocuments.mx": "document mirror",
    "vdocuments.us": "document mirror",
    "vdocument.in": "document mirror",
    "fdocuments.net": "document mirror",
    "fdocuments.in": "document mirror",
    "fdocuments.us": "document mirror",
    "fdokumen.com": "document mirror",
    "dokumen.tips": "document mirror",
    "documents.pub": "document mirror",
    "cupdf.com": "document mirror",
    "mafiadoc.com": "document mirror",
    "paperzz.com": "document mirror",
    "azkurs.org": "document mirror",
    "lawsdocbox.com": "document mirror",
    "pdfslide.us": "document mirror",
    "pdfslide.net": "document mirror",
    "studylib.net": "document mirror",
    "studyres.com": "document mirror",
    "zbook.org": "document mirror",
    "yumpu.com": "document mirror",
    "scribd.com": "user upload",
    "slideshare.net": "user upload",
    "youscribe.com": "user upload",
    "hri.org": "document mirror",
    "bits.de": "document mirror",
    "globalsecurity.org": "mirror",
    "yy.chazidian.com": "mirror",
    # aggregators
    "einpresswire.com": "press-release aggregator",
    "newser.com": "aggregator",
    "unn.ua": "aggregator",
    "zabitah.com": "aggregator",
    "jang.com.pk": "aggregator",
    "dailysabah.com": "aggregator",
    "devdiscourse.com": "aggregator",
    "news.az": "aggregator",
    "crbcnews.com": "aggregator",
    "newscentral.site": "aggregator",
    "namibiadailynews.info": "aggregator",
    "thedailyworldbulletin.com": "aggregator",
    "news.b2blocal.com": "aggregator",
    "news.hanna-ai.com": "aggregator (machine-written)",
    "laprensalatina.com": "aggregator",
    "finanznachrichten.de": "aggregator",
    "ibtimes.com": "aggregator",
    "oann.com": "aggregator",
    "americancourant.pages.dev": "aggregator",
    "m.newsplatform.co.kr": "aggregator",
    "jawawa.id": "mirror (news archive copies)",
    "discovery.researcher.life": "abstract index",
    "questia.com": "defunct library aggregator",
    # blogs and forums
    "blogspot.com": "blog",
    "wordpress.com": "blog",
    "wp.me": "blog",
    "asianintegration.org": "blog-like review site",
    "csuchen.de": "forum",
    "sputniknews.africa": "state outlet",
}

URL_HOST = re.compile(r"https?://([^/\s<>\"'()\[\]{},|`;]+)", re.I)
BLANK_LINE = re.compile(r"\n\s*\n")


def weak_kind(host: str) -> str | None:
    """What a weak host is, or None for any other host."""
    host = host.lower().split(":")[0].removeprefix("www.")
    for weak, kind in WEAK_HOSTS.items():
        if host == weak or host.endswith("." + weak):
            return kind
    return None


def units(root: Path = ROOT) -> list[tuple[str, str]]:
    """(where, text) for every CSV row, Markdown paragraph and BibTeX entry."""
    found: list[tuple[str, str]] = []
    for path in sorted((root / "data").glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            for number, row in enumerate(csv.reader(handle), start=1):
                found.append((f"{path.relative_to(root)} row {number}", " ".join(row)))
    for path in sorted((root / "book").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        start = 0
        for gap in [*BLANK_LINE.finditer(text), None]:
            end = gap.start() if gap else len(text)
            line = text.count("\n", 0, start) + 1
            found.append((f"{path.relative_to(root)} line {line}", text[start:end]))
            start = gap.end() if gap else end
    bib = (root / "references.bib").read_text(encoding="utf-8")
    for entry in re.split(r"\n(?=@)", bib):
        key = re.match(r"@\w+\{([^,]+),", entry.strip())
        found.append((f"references.bib {key.group(1) if key else '(preamble)'}", entry))
    return found


def weak_links(root: Path = ROOT) -> list[tuple[str, str, str, bool]]:
    """(where, host, kind, has reason) for every URL occurrence on a weak host."""
    links = []
    for where, text in units(root):
        for host in URL_HOST.findall(text):
            kind = weak_kind(host)
            if kind:
                links.append((where, host.lower(), kind, REASON in text.lower()))
    return links


def listing(links: list[tuple[str, str, str, bool]]) -> str:
    return "\n".join(
        f"  {where}: {host} ({kind}){'' if ok else '  <- no reason'}"
        for where, host, kind, ok in links
    )


@pytest.mark.parametrize(
    ("host", "kind"),
    [
        ("en.wikipedia.org", "wiki"),
        ("vi.scribd.com", "user upload"),
        ("www.einpresswire.com", "press-release aggregator"),
        ("roymitsuoka.blogspot.com", "blog"),
        ("www.koreaherald.com", None),
        ("osce.org", None),
        ("ascribd.com", None),
    ],
)
def test_weak_kind(host: str, kind: str | None) -> None:
    assert weak_kind(host) == kind


def test_at_most_ten_weak_links() -> None:
    links = weak_links()
    print(f"\n{len(links)} links to weak hosts:\n{listing(links)}")
    assert len(links) <= MAX_WEAK, (
        f"{len(links)} links to weak hosts, at most {MAX_WEAK} allowed: replace some with a "
        f"primary or reputable page\n{listing(links)}"
    )


def test_every_weak_link_says_why() -> None:
    missing = [link for link in weak_links() if not link[3]]
    assert not missing, (
        f"each link to a weak host needs its reason in the same row, paragraph or entry, "
        f"written as '{REASON}: ...'\n{listing(missing)}"
    )


def test_the_count_sees_links_in_every_kind_of_file(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "book" / "part").mkdir(parents=True)
    (tmp_path / "data" / "t.csv").write_text(
        'id,source,note\na,https://docslib.org/doc/1,"no primary copy stored: x"\n',
        encoding="utf-8",
    )
    (tmp_path / "book" / "part" / "p.md").write_text(
        "Text ([copy](https://www.scribd.com/document/1)).\n\nOther paragraph.\n",
        encoding="utf-8",
    )
    (tmp_path / "references.bib").write_text(
        "@online{a2000b,\n  url = {https://en.wikipedia.org/wiki/X},\n"
        "  annote = {No primary copy stored: y},\n}\n",
        encoding="utf-8",
    )
    links = weak_links(tmp_path)
    assert [(host, ok) for _, host, _, ok in links] == [
        ("docslib.org", True),
        ("www.scribd.com", False),
        ("en.wikipedia.org", True),
    ]
