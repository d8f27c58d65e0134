"""What a notebook page reads, fingerprinted: the key under which its execution is cached.

jupyter-cache keys a notebook on its code cells only. The edition puts first in each notebook
page a hidden cell holding the fingerprint of exactly what it reads (``inputs_cell``): the
tables its front matter declares (``nea_edition: {tables: [...]}``), the package modules the
notebooks import, the plotly version and the edition's date (``site.notebook_keys`` explains
the scheme). This module needs neither Sphinx nor docutils.

Which modules count is an allow-list computed from the notebooks' own entry points: the
modules ``NOTEBOOK_IMPORTS`` import, followed through every ``nea_edition`` import, including
imports inside functions. Editing the PDF printer, the build driver or a Sphinx adapter
therefore re-executes no notebook; editing a figure or the data layer re-executes those that
use it.
"""

from __future__ import annotations

import ast
import hashlib
import json
from pathlib import Path
from typing import Any

from nea_edition.paths import DECLARED_TABLES_ENV

#: The ``nea_edition`` package, whose modules the notebooks import (``figures/``, ``data/``...).
PACKAGE_DIR = Path(__file__).resolve().parent
#: What notebook pages import (their code cells: ``from nea_edition import data, figures``).
NOTEBOOK_IMPORTS = ("nea_edition.data", "nea_edition.figures")
#: First line of the injected cell; tests look for it.
FINGERPRINT_PREFIX = "# nea-edition inputs fingerprint:"


def module_file(name: str) -> Path | None:
    """The source file of a ``nea_edition`` module or package, if it exists."""
    parts = name.split(".")[1:]
    base = PACKAGE_DIR.joinpath(*parts)
    for candidate in (base / "__init__.py", base.with_suffix(".py")):
        if candidate.is_file():
            return candidate
    return None


def _imported(path: Path, name: str) -> set[str]:
    """The ``nea_edition`` modules one module imports, anywhere in its body."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            found.add(module)
            found |= {f"{module}.{a.name}" for a in node.names}  # a submodule imported by name
    return {m for m in found if m.startswith("nea_edition.") and module_file(m) is not None}


def notebook_modules(entry: tuple[str, ...] = NOTEBOOK_IMPORTS) -> list[Path]:
    """Every package module a notebook can run: the closure of ``entry``'s imports."""
    todo, seen = list(entry), set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        path = module_file(name)
        if path is not None:
            todo += sorted(_imported(path, name))
            parent = name.rpartition(".")[0]
            if parent:
                todo.append(parent)  # importing a.b.c runs a.b's __init__ first
    return sorted({p for n in seen if (p := module_file(n)) is not None})


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def code_fingerprint() -> str:
    """The notebook-side package modules, the plotly version and the edition's date.

    Every notebook depends on these: the figure code draws, plotly writes the JSON, and the
    figures run to the edition's today (``nea_edition.clock``, the last commit's date).
    """
    import plotly

    from nea_edition import clock

    digest = hashlib.sha256(f"plotly {plotly.__version__}\nedition date {clock.today()}\n".encode())
    for path in notebook_modules():
        digest.update(f"{path.relative_to(PACKAGE_DIR).as_posix()}\n".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def table_fingerprint(data_dir: Path, name: str) -> str:
    """One table as a notebook reads it: its CSV and its schema in ``datapackage.json``."""
    descriptor = json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8"))
    resource = next((r for r in descriptor["resources"] if r["name"] == name), None)
    if resource is None:
        raise ValueError(f"no table {name!r} in {data_dir / 'datapackage.json'}")
    csv = (data_dir / resource["path"]).read_bytes()
    return _sha(json.dumps(resource, sort_keys=True).encode() + b"\0" + csv)


def front_matter(text: str) -> dict[str, Any]:
    """The YAML front matter of a MyST page ({} when it has none)."""
    import yaml

    if not text.startswith("---"):
        return {}
    end = text.find("\n---", 3)
    if end == -1:
        return {}
    data = yaml.safe_load(text[3:end]) or {}
    return data if isinstance(data, dict) else {}


def is_notebook_source(text: str) -> bool:
    """A MyST Markdown notebook: front matter that declares a kernel."""
    return "kernelspec" in front_matter(text)


def declared_tables(text: str) -> tuple[str, ...] | None:
    """The tables a notebook page declares it reads (``nea_edition: {tables: [...]}``)."""
    settings = front_matter(text).get("nea_edition")
    if not isinstance(settings, dict) or not isinstance(settings.get("tables"), list):
        return None
    return tuple(sorted(str(name) for name in settings["tables"]))


class Fingerprints:
    """Per-build cache of the fingerprints: the inputs cannot change while Sphinx runs."""

    def __init__(self, srcdir: Path) -> None:
        self.data_dir = srcdir / "data"
        self._code: str | None = None
        self._tables: dict[str, str] = {}

    def of(self, tables: tuple[str, ...]) -> str:
        """The fingerprint of a notebook that reads ``tables``: the code and those tables."""
        if self._code is None:
            self._code = code_fingerprint()
        digest = hashlib.sha256(self._code.encode())
        for name in tables:
            if name not in self._tables:
                self._tables[name] = table_fingerprint(self.data_dir, name)
            digest.update(f"\n{name} {self._tables[name]}".encode())
        return digest.hexdigest()


def inputs_cell(fingerprint: str, tables: tuple[str, ...]) -> str:
    """The hidden first cell of each notebook: its inputs, as jupyter-cache's key sees them.

    It tells ``nea_edition.data.load_tables`` which tables the page may read (the others
    fail on use), and carries their fingerprint, so the cell's text changes exactly when
    one of them, the figure code or the edition's date does.
    """
    return (
        "```{code-cell} ipython3\n:tags: [remove-cell]\n\n"
        f"{FINGERPRINT_PREFIX} {fingerprint}\n"
        "# (added at build time by nea_edition.site.notebook_keys: jupyter-cache re-executes this\n"
        "# notebook when a table it declares, the figure code or the edition's date changes)\n"
        "import os\n\n"
        f"os.environ[{DECLARED_TABLES_ENV!r}] = {','.join(tables)!r}\n```\n\n"
    )
