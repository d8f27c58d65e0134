"""Sphinx directive and role that put ``data/datapackage.json`` on the Data page.

The columns of each table are described once, in the Data Package descriptor that readers'
tools also read. The Data page shows them through this extension instead of a second,
hand-written copy that would drift from the schema:

```{data-resource} memberships
```

emits the table's description, its row count, its keys and a table of its columns (name,
type, required, allowed values, description). ``{data-rows}`memberships``` is the row count
alone, for running text. Both record the CSV and the descriptor as dependencies of the page,
so Sphinx rebuilds it when the data change.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective, SphinxRole

from nea_edition import csvfile
from nea_edition.checks.validation import descriptor_path, load_descriptor

logger = logging.getLogger(__name__)

_TYPE_NAMES = {
    "string": "text",
    "integer": "whole number",
    "number": "number",
    "boolean": "true / false",
    "date": "date",
}

#: Patterns shown in words rather than as regular expressions.
_PATTERN_NAMES = {
    "^[0-9]{4}(-[0-9]{2}-[0-9]{2})?$": "YYYY-MM-DD or YYYY",
    "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$": "YYYY-MM-DD, YYYY-MM or YYYY",
    "^[A-Z]{3}$": "three capital letters",
    "^[A-Z][A-Z0-9_]*$": "capital letters, digits and _",
}


def data_dir(app: Sphinx) -> Path:
    """``nea_data_dir`` from the configuration, else ``data/`` under the book's source root."""
    configured = app.config.nea_data_dir
    return Path(configured) if configured else Path(app.srcdir) / "data"


def row_count(path: Path) -> int:
    """Data rows in a CSV: records that are not blank, minus the header."""
    return len(csvfile.rows(path)[1])


def _label(resource: str) -> str:
    """The Data page's section label for a table: ``data-acting-presidents`` etc."""
    return "data-" + resource.replace("_", "-")


def _literal_list(values: list[Any], separator: str = ", ") -> list[nodes.Node]:
    out: list[nodes.Node] = []
    for i, value in enumerate(values):
        if i:
            out.append(nodes.Text(separator))
        out.append(nodes.literal(text=str(value)))
    return out


def _ref(target: str, text: str, docname: str) -> addnodes.pending_xref:
    """A normal Sphinx cross-reference to a section label (so it is checked at build time)."""
    ref = addnodes.pending_xref(
        "", refdomain="std", reftype="ref", reftarget=target, refexplicit=True, refdoc=docname
    )
    ref += nodes.inline(text=text)
    return ref


class _Base:
    """Shared: find the descriptor and a resource, and register them as page dependencies.

    Mixed into a SphinxDirective or SphinxRole, which provide ``env`` and ``get_location``.
    """

    env: Any
    get_location: Any

    def _resource(self, name: str) -> tuple[dict[str, Any], Path] | None:
        folder = data_dir(self.env.app)
        descriptor_file = descriptor_path(folder)
        self.env.note_dependency(str(descriptor_file))
        try:
            descriptor = load_descriptor(folder)
        except (OSError, ValueError) as exc:
            logger.warning("cannot read %s: %s", descriptor_file, exc, location=self.get_location())
            return None
        for resource in descriptor["resources"]:
            if resource["name"] == name:
                csv_file = folder / resource["path"]
                self.env.note_dependency(str(csv_file))
                return resource, csv_file
        logger.warning("no table %r in %s", name, descriptor_file, location=self.get_location())
        return None


class DataRowsRole(_Base, SphinxRole):
    """``{data-rows}`name``` -> the number of data rows in that table, as text."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        found = self._resource(self.text.strip())
        if not found:
            return [nodes.Text("?")], []
        _, csv_file = found
        if not csv_file.is_file():
            logger.warning("missing table %s", csv_file, location=self.get_location())
            return [nodes.Text("?")], []
        return [nodes.Text(f"{row_count(csv_file):,}")], []


#: Small numbers read better as words in running text ("ten small tables").
NUMBER_WORDS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
]


class DataTableCountRole(_Base, SphinxRole):
    """``{data-tables}`count``` -> how many tables ``datapackage.json`` describes, in words.

    A role rather than a notebook cell: Sphinx records the descriptor as the page's
    dependency, so adding a table re-reads the page without executing any notebook.
    """

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        folder = data_dir(self.env.app)
        self.env.note_dependency(str(descriptor_path(folder)))
        count = len(load_descriptor(folder)["resources"])
        word = NUMBER_WORDS[count] if count < len(NUMBER_WORDS) else str(count)
        return [nodes.Text(word)], []


class DataResourceDirective(_Base, SphinxDirective):
    """Description, row count, keys and a column table for one table of datapackage.json."""

    required_arguments = 1
    has_content = False

    def run(self) -> list[nodes.Node]:
        name = self.arguments[0].strip()
        found = self._resource(name)
        if not found:
            return []
        resource, csv_file = found
        schema = resource["schema"]
        out: list[nodes.Node] = []

        if resource.get("description"):
            out.append(nodes.paragraph(text=resource["description"]))

        facts = nodes.paragraph()
        if csv_file.is_file():
            facts += nodes.Text(f"{row_count(csv_file):,} rows in ")
        else:
            logger.warning("missing table %s", csv_file, location=self.get_location())
            facts += nodes.Text("Not yet published: ")
        facts += nodes.literal(text=resource["path"])
        key = schema.get("primaryKey")
        if key:
            key = [key] if isinstance(key, str) else key
            facts += nodes.Text(". Each row is identified by ")
            facts += _literal_list(key, " + ")
            facts += nodes.Text(" (unique)")
        for fk in schema.get("foreignKeys", []):
            ref = fk["reference"]
            facts += nodes.Text("; ")
            facts += _literal_list(
                fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
            )
            facts += nodes.Text(" takes its values from ")
            facts += _literal_list(
                ref["fields"] if isinstance(ref["fields"], list) else [ref["fields"]]
            )
            facts += nodes.Text(" in ")
            facts += _ref(_label(ref["resource"]), f"{ref['resource']}.csv", self.env.docname)
        facts += nodes.Text(".")
        out.append(facts)
        out.append(self._columns_table(resource))
        return out

    def _columns_table(self, resource: dict[str, Any]) -> nodes.table:
        schema = resource["schema"]
        key = schema.get("primaryKey") or []
        key = [key] if isinstance(key, str) else key
        foreign = {
            f: fk["reference"]
            for fk in schema.get("foreignKeys", [])
            for f in (fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]])
        }
        headers = ["Column", "Type", "Required", "Allowed values", "Description"]
        widths = [14, 12, 8, 24, 42]

        table = nodes.table(classes=["data-schema"])
        table["ids"].append(f"columns-{resource['name'].replace('_', '-')}")
        group = nodes.tgroup(cols=len(headers))
        table += group
        for width in widths:
            group += nodes.colspec(colwidth=width)
        head = nodes.thead()
        group += head
        head += self._row([nodes.paragraph(text=h) for h in headers])
        body = nodes.tbody()
        group += body

        for field in schema["fields"]:
            constraints = field.get("constraints", {})
            name = nodes.paragraph()
            name += nodes.literal(text=field["name"])
            type_ = nodes.paragraph(text=_TYPE_NAMES.get(field["type"], field["type"]))
            required = constraints.get("required") or field["name"] in key
            needed = nodes.paragraph(text="yes" if required else "no")
            allowed = nodes.paragraph()
            if "enum" in constraints:
                allowed += _literal_list(constraints["enum"])
            elif "pattern" in constraints:
                pattern = constraints["pattern"]
                if pattern in _PATTERN_NAMES:
                    allowed += nodes.Text(_PATTERN_NAMES[pattern])
                else:
                    allowed += nodes.Text("matching ")
                    allowed += nodes.literal(text=pattern)
            elif field["name"] in foreign:
                ref = foreign[field["name"]]
                ref_field = ref["fields"][0] if isinstance(ref["fields"], list) else ref["fields"]
                allowed += nodes.Text("a value of ")
                allowed += nodes.literal(text=ref_field)
                allowed += nodes.Text(" in ")
                allowed += _ref(_label(ref["resource"]), f"{ref['resource']}.csv", self.env.docname)
            elif field["type"] == "boolean":
                allowed += _literal_list(["true", "false"])
            low, high = constraints.get("minimum"), constraints.get("maximum")
            if low is not None and high is not None:
                allowed += nodes.Text(f"{low} to {high}")
            elif low is not None:
                allowed += nodes.Text(f"at least {low}")
            if not allowed.children:
                allowed += nodes.Text("any")
            description = nodes.paragraph(text=field.get("description", ""))
            body += self._row([name, type_, needed, allowed, description])
        return table

    @staticmethod
    def _row(cells: list[nodes.Node]) -> nodes.row:
        row = nodes.row()
        for cell in cells:
            entry = nodes.entry()
            entry += cell
            row += entry
        return row


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("nea_data_dir", None, "env")
    app.add_directive("data-resource", DataResourceDirective)
    app.add_role("data-rows", DataRowsRole())
    app.add_role("data-tables", DataTableCountRole())
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
