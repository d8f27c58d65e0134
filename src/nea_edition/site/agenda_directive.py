"""The afterword's item-by-item record, rendered from ``data/agenda.csv`` and ``data/events.csv``.

Why a directive and not a notebook: each item needs a target that the section pages can link to
(``{ref}`agenda-<id>```), and a label registered in Sphinx's standard domain only comes from the
page's own parse. The directive reads the two CSVs at build time (recording them as the page's
dependencies, so an edit re-reads it), writes MyST text, and hands it to the MyST parser, so
that the generated ``{doc}``, ``{ref}`` and ``{cite:p}`` roles resolve like hand-written ones.
Each item is a rubric named ``agenda-<id>``, numbered A1, A2, ... in the table's order, the
numbers the scorecard figure shows.

In MyST::

    ```{agenda-items}
    ```

    ```{agenda-scale}
    ```

    ```{agenda-links}
    ```

    ```{agenda-codebook}
    ```

    ```{agenda-excluded}
    ```

``agenda-links`` goes on each section page: its own items, linked to the afterword, with
outcomes. ``agenda-codebook`` renders the codebook (``data/agenda_rules.csv``), each rule a
rubric named ``agenda-rule-<id>`` that every item links to from its outcome;
``agenda-excluded`` lists the paper's statements that are not scored
(``data/agenda_excluded.csv``), each with its page and the reason.

Above the items, ``agenda-items`` puts a filter: outcome and scope as check boxes, the
paper's section as a list, each value with its number of items, from the schema's enums and
``data/paper_sections.csv``. ``nea-tables.js`` runs it (``nea_edition.site.tables`` adds the
script); the theme's ``pst-js-only`` class hides it when scripts do not run, so a reader
without JavaScript sees the whole list and no controls that do nothing. Each item's rubric
carries the classes the script filters on: ``nea-status-<status>``, ``nea-scope-<scope>`` and
``nea-section-<number>`` (the section rubrics carry the last as well).
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from itertools import groupby
from pathlib import Path
from types import ModuleType
from typing import Any

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from nea_edition.checks.validation import split_keys
from nea_edition.site.endnotes_directive import escape, read_rows, source_markdown

AGENDA_CSV = Path("data") / "agenda.csv"
RULES_CSV = Path("data") / "agenda_rules.csv"
EXCLUDED_CSV = Path("data") / "agenda_excluded.csv"
EVENTS_CSV = Path("data") / "events.csv"
SECTIONS_CSV = Path("data") / "paper_sections.csv"
DESCRIPTOR = Path("data") / "datapackage.json"


def _agenda() -> ModuleType:
    """The agenda's data module, imported only when a directive runs.

    It imports pandas, which would otherwise load at every Sphinx start-up (about 0.4 s), also
    in a rebuild that reads no page with an agenda directive.
    """
    from nea_edition.data import agenda

    return agenda


def _sources(value: str) -> str:
    return "; ".join(source_markdown(source) for source in split_keys(value))


def items_markdown(
    agenda: list[dict[str, str]],
    events: list[dict[str, str]],
    sections: list[dict[str, str]] | None = None,
) -> str:
    """MyST text for every item, grouped by the paper's section, in the table's order.

    ``sections`` are the rows of ``data/paper_sections.csv``, read from the repository's data
    folder when not given.
    """
    data = _agenda()
    if sections is None:
        from nea_edition import paths

        sections = read_rows(paths.DATA_DIR / SECTIONS_CSV.name)
    titles = {int(row["number"]): row["title"] for row in sections}
    by_id = {row["id"]: row for row in events}
    numbered = [dict(row, number=f"A{i}") for i, row in enumerate(agenda, start=1)]
    out: list[str] = []
    for section, rows in groupby(numbered, key=lambda r: data.section_number(r["section"])):
        out += [
            "```{rubric} " + f"Section {section}: {titles[section]}",
            f":class: nea-agenda-section nea-section-{section}",
            "```",
            "",
        ]
        for row in rows:
            status = data.PLAIN.get(row["status"], row["status"])
            rule = f"; decided by {{ref}}`agenda-rule-{row['rule']}`" if row.get("rule") else ""
            out += [
                "```{rubric} " + f"{row['number']}. {escape(row['item'])}",
                f":name: agenda-{row['id']}",
                f":class: nea-agenda-item nea-status-{row['status']}"
                f" nea-scope-{row['scope']} nea-section-{section}",
                "```",
                "",
                f"**{status.capitalize()}** (as of {row['as_of']}{rule}) · {row['kind']} · to act:"
                f" {escape(row['actors'].replace(';', ', '))} · {row['scope']}, {row['domain']}"
                f" · from {{doc}}`/{row['section']}`",
                "",
                escape(row["assessment"]),
                "",
                "*Evidence:*",
                "",
            ]
            for event_id in split_keys(row["evidence"]):
                event = by_id[event_id]
                out.append(
                    f"- {event['date']}: {escape(event['event'])}"
                    f" ({source_markdown(event['source'])})"
                )
            out += ["", f"*Sources:* {_sources(row['source'])}.", ""]
            if row.get("note"):
                out += [f"*Close call:* {escape(row['note'])}", ""]
    return "\n".join(out)


def filter_html(
    agenda: list[dict[str, str]], descriptor: dict[str, Any], sections: list[dict[str, str]]
) -> str:
    """The agenda filter's form: outcomes and scopes to tick, a section to choose, a reset.

    Shown from the first paint when scripts run (the theme's ``pst-js-only`` class hides it
    when they do not), so that revealing it does not shift the page; its status line starts
    as ``nea-tables.js`` words it. Values come from the schema's enums (in their
    order) and the section list; each shows how many items it holds, and values no item has
    are left out.
    """
    data = _agenda()
    resource = next(r for r in descriptor["resources"] if r["name"] == "agenda")
    enums = {
        f["name"]: f.get("constraints", {}).get("enum", []) for f in resource["schema"]["fields"]
    }
    statuses = Counter(row["status"] for row in agenda)
    scopes = Counter(row["scope"] for row in agenda)
    numbers = Counter(data.section_number(row["section"]) for row in agenda)
    esc = html.escape

    def boxes(name: str, legend: str, values: list[str], counts: Counter, plain: dict) -> str:
        out = [f'<fieldset class="nea-agenda-filter-group"><legend>{esc(legend)}</legend>']
        for value in values:
            if not counts.get(value):
                continue
            text = plain.get(value, value)
            out.append(
                f'<label><input type="checkbox" name="{name}" value="{esc(value)}" checked>'
                f' {esc(text.capitalize())} <span class="nea-agenda-filter-count">'
                f"({counts[value]})</span></label>"
            )
        out.append("</fieldset>")
        return "".join(out)

    options = ['<option value="">All sections</option>']
    for row in sections:
        number = int(row["number"])
        if numbers.get(number):
            options.append(
                f'<option value="{number}">{number}. {esc(row["title"])} ({numbers[number]})'
                "</option>"
            )
    return (
        '<form class="nea-agenda-filter pst-js-only" aria-label="Filter the agenda items">'
        + boxes("outcome", "Outcome", enums.get("status", []), statuses, data.PLAIN)
        + boxes("scope", "Scope", enums.get("scope", []), scopes, {})
        + '<div class="nea-agenda-filter-group nea-agenda-filter-section">'
        '<label for="nea-agenda-filter-section">Section of the paper</label> '
        '<select id="nea-agenda-filter-section" name="section">'
        + "".join(options)
        + "</select></div>"
        '<div class="nea-agenda-filter-actions">'
        '<button type="button" class="nea-agenda-filter-reset">Show all items</button>'
        f' <p class="nea-agenda-filter-status" role="status">Showing all {len(agenda)} items.</p>'
        "</div>"
        "</form>"
    )


#: "endnote 15" or "note 15" in an item's statement: linked to the note's entry (Endnotes page).
NOTE_MENTION = re.compile(r"\b((?:[Ee]nd)?note) (\d+)\b")


def _note_link(match: re.Match[str]) -> str:
    return f"{{ref}}`{match.group(1)} {match.group(2)} <endnote-{match.group(2)}>`"


def links_markdown(agenda: list[dict[str, str]], docname: str) -> str:
    """MyST bullets linking a section page to its own items in the afterword, with outcomes.

    The item's statement is the bullet's text and only "item A12" is the link, so that link
    texts name their target in a few words rather than a whole sentence.
    """
    data = _agenda()
    out = []
    for number, row in enumerate(agenda, start=1):
        if row["section"] == docname:
            status = data.PLAIN.get(row["status"], row["status"])
            statement = NOTE_MENTION.sub(_note_link, escape(row["item"].rstrip(".")))
            out.append(
                f"- {statement} ({{ref}}`item A{number} <agenda-{row['id']}>`): **{status}**."
            )
    if not out:
        return "The afterword lists no item of the agenda from this page.\n"
    return "\n".join(out) + "\n"


def scale_markdown(descriptor: dict[str, Any]) -> str:
    """A definition list of the outcome scale, from the schema (its only source)."""
    resource = next(r for r in descriptor["resources"] if r["name"] == "agenda")
    spec = next(f for f in resource["schema"]["fields"] if f["name"] == "status")
    definitions = spec.get("enumDescriptions", {})
    data = _agenda()
    out = []
    for value in spec["constraints"]["enum"]:
        out += [
            f"{data.PLAIN.get(value, value).capitalize()} (`{value}`)",
            f": {definitions[value]}",
            "",
        ]
    return "\n".join(out)


def codebook_markdown(rules: list[dict[str, str]], agenda: list[dict[str, str]]) -> str:
    """The codebook: each rule a rubric (``agenda-rule-<id>``), what it yields, its text."""
    data = _agenda()
    used: dict[str, int] = {}
    for row in agenda:
        used[row.get("rule", "")] = used.get(row.get("rule", ""), 0) + 1
    out: list[str] = []
    for rule in rules:
        status = rule["status"]
        yields = (
            f"yields **{data.PLAIN.get(status, status)}** (`{status}`)"
            if status
            else "a general rule: yields no status"
        )
        applies = "any item" if rule["applies_to"] == "any" else f"{rule['applies_to']}s only"
        count = used.get(rule["id"], 0)
        decided = f"decided {count} item{'s' if count != 1 else ''}" if status else ""
        out += [
            "```{rubric} " + escape(rule["title"]),
            f":name: agenda-rule-{rule['id']}",
            ":class: nea-agenda-rule",
            "```",
            "",
            " · ".join(part for part in (yields, f"applies to {applies}", decided) if part)
            + f" · id `{rule['id']}`",
            "",
            escape(rule["text"]),
            "",
        ]
    return "\n".join(out)


def excluded_markdown(rows: list[dict[str, str]]) -> str:
    """The statements not scored: each with the page it comes from and the reason."""
    if not rows:
        return "Every statement of the paper that could be scored is on the scorecard.\n"
    return (
        "\n".join(
            f"- From {{doc}}`/{row['section']}`: "
            f"{NOTE_MENTION.sub(_note_link, escape(row['statement']))}"
            f" *Not scored:* {escape(row['reason'])}"
            for row in rows
        )
        + "\n"
    )


class _AgendaDirective(SphinxDirective):
    has_content = False
    required_arguments = 0
    optional_arguments = 0

    def _path(self, relative: Path) -> Path:
        path = Path(self.env.srcdir) / relative
        self.env.note_dependency(str(path))
        return path

    def _parse(self, text: str, source: Path, css: str) -> list[nodes.Node]:
        container = nodes.container(classes=[css])
        self.state.nested_parse(StringList(text.splitlines(), source=str(source)), 0, container)
        return [container]


class AgendaItems(_AgendaDirective):
    """Every agenda item with its outcome, assessment, evidence and sources."""

    def run(self) -> list[nodes.Node]:
        # Validated before the build started (nea_edition.checks.validation): only rendered here.
        agenda = read_rows(self._path(AGENDA_CSV))
        events = read_rows(self._path(EVENTS_CSV))
        sections = read_rows(self._path(SECTIONS_CSV))
        descriptor = json.loads(self._path(DESCRIPTOR).read_text(encoding="utf-8"))
        form = nodes.raw("", filter_html(agenda, descriptor, sections), format="html")
        items = self._parse(items_markdown(agenda, events, sections), AGENDA_CSV, "nea-agenda")
        return [form, *items]


class AgendaLinks(_AgendaDirective):
    """On a section page: its items of the agenda, linked to the afterword, with outcomes."""

    def run(self) -> list[nodes.Node]:
        agenda = read_rows(self._path(AGENDA_CSV))
        return self._parse(links_markdown(agenda, self.env.docname), AGENDA_CSV, "nea-agenda-links")


class AgendaScale(_AgendaDirective):
    """The outcome scale with the meaning of each step, as ``datapackage.json`` defines it."""

    def run(self) -> list[nodes.Node]:
        descriptor = json.loads(self._path(DESCRIPTOR).read_text(encoding="utf-8"))
        return self._parse(scale_markdown(descriptor), DESCRIPTOR, "nea-agenda-scale")


class AgendaCodebook(_AgendaDirective):
    """The codebook's rules, each with what it yields and how many items it decided."""

    def run(self) -> list[nodes.Node]:
        rules = read_rows(self._path(RULES_CSV))
        agenda = read_rows(self._path(AGENDA_CSV))
        return self._parse(codebook_markdown(rules, agenda), RULES_CSV, "nea-agenda-codebook")


class AgendaExcluded(_AgendaDirective):
    """The paper's statements that the scorecard does not score, with the reasons."""

    def run(self) -> list[nodes.Node]:
        rows = read_rows(self._path(EXCLUDED_CSV))
        return self._parse(excluded_markdown(rows), EXCLUDED_CSV, "nea-agenda-excluded")


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the directives (listed in _config.yml ``extra_extensions``)."""
    app.add_directive("agenda-items", AgendaItems)
    app.add_directive("agenda-scale", AgendaScale)
    app.add_directive("agenda-links", AgendaLinks)
    app.add_directive("agenda-codebook", AgendaCodebook)
    app.add_directive("agenda-excluded", AgendaExcluded)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
