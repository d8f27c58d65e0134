"""What a notebook page reads, fingerprinted: the key under which its execution is cached.

jupyter-cache keys a notebook on its code cells only. The edition puts first in each notebook
page a hidden cell holding the fingerprint of exactly what it reads (``inputs_cell``): the
tables its front matter declares (``nea_edition: {tables: [...]}``), the package modules the
notebooks import, the plotly version and the edition's date (``site.extension`` explains the
scheme). This module needs neither Sphinx nor docutils, so that the Sphinx process can tell
which notebooks must run before it has even imported Sphinx (``site.warm_kernels``).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from nea_edition.paths import DECLARED_TABLES_ENV

#: The ``nea_edition`` package, whose modules the notebooks import (``figures/``, ``data/``...).
PACKAGE_DIR = Path(__file__).resolve().parents[1]
#: Package modules (paths relative to ``PACKAGE_DIR``) that run only at build or bench time:
#: editing them cannot change a figure. Everything under ``NOT_IN_NOTEBOOKS_DIRS`` is skipped too.
NOT_IN_NOTEBOOKS = frozenset(
    {
        "build.py",
        "bench.py",
        "checks/bibliography.py",
        "jupyter_book_process.py",
        "validation_gate.py",
    }
)
#: Subpackages that never run in a notebook: the Sphinx side (this module among them).
NOT_IN_NOTEBOOKS_DIRS = frozenset({"site"})
#: First line of the injected cell; tests and the benchmark look for it.
FINGERPRINT_PREFIX = "# nea-edition inputs fingerprint:"


def notebook_module(path: Path) -> bool:
    """Whether a module of the package can run in a notebook (and so change what it draws)."""
    relative = path.relative_to(PACKAGE_DIR)
    if relative.parts[0] in NOT_IN_NOTEBOOKS_DIRS or "__pycache__" in relative.parts:
        return False
    return relative.as_posix() not in NOT_IN_NOTEBOOKS


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
    for path in sorted(p for p in PACKAGE_DIR.rglob("*.py") if notebook_module(p)):
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
        "# (added at build time by nea_edition.site.extension: jupyter-cache re-executes this\n"
        "# notebook when a table it declares, the figure code or the edition's date changes)\n"
        "import os\n\n"
        f"os.environ[{DECLARED_TABLES_ENV!r}] = {','.join(tables)!r}\n```\n\n"
    )
