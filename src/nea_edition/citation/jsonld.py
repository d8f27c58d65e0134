"""The schema.org JSON-LD of a page's head.

The front page is a ``Book``; every other page a ``Chapter`` ``isPartOf`` that Book; the Data
page also a ``Dataset`` whose ``distribution`` lists the CSV files the page offers for
download. All of them are ``isBasedOn`` the original paper, a ``Report``. Dictionaries are
plain data; ``json_ld_script`` writes them as one ``@graph``.
"""

from __future__ import annotations

import json
from typing import Any

from nea_edition.citation import release
from nea_edition.citation.model import Name, Work

SCHEMA = "https://schema.org"


def _agent(name: Name) -> dict[str, Any]:
    if name.corporate or not name.given:
        return {"@type": "Organization", "name": name.family}
    return {
        "@type": "Person",
        "name": name.natural,
        "givenName": name.given,
        "familyName": name.family,
    }


def paper_ld(paper: Work) -> dict[str, Any]:
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


def _common(work: Work) -> dict[str, Any]:
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
    book: Work,
    paper: Work | None,
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
    page: Work, book: dict[str, Any], paper: Work | None, description: str | None
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
    dataset: Work,
    datapackage: dict[str, Any],
    downloads: list[tuple[str, str]],
    book: dict[str, Any],
    paper: Work | None,
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
