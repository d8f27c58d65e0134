"""Sphinx extension for the edition: site hygiene, self-hosted charts and data-aware caching.

1. Thebe. Jupyter Book 1.x always loads ``sphinx_thebe``. Even with launch buttons off, it
   writes a ``THEBE_JS_URL`` pointing at unpkg.com into every page (twice) plus a binder
   configuration block, which breaks the rule that the site loads nothing from another origin
   and produces a console error. The edition has no live kernels, so we unhook it entirely.

2. Charts. The notebooks render charts as ``<div class="nea-chart">`` holding the figure as
   JSON (``nea_edition.figures.render.chart_html``). Pages whose doctree contains one get two
   deferred scripts: the site's own plotly.js and ``_static/nea-charts.js`` (from this
   package's ``site/static/``), which draws them. Other pages load neither. Which plotly.js:

   * ``site/static/plotly-edition-<version>.min.js``, a partial bundle of plotly.js with only the
     trace types the edition draws (scatter, bar, heatmap), built from plotly.js's own sources
     by ``tools/plotly-bundle/build.sh`` (MIT, licence beside it): 0.41 MB gzipped instead of
     1.47 MB for the full bundle (0.50 MB for plotly.js's official cartesian bundle), and less
     script for the browser to parse before a chart can draw. It is used on a page when every
     trace type on it is in the bundle and its version is exactly the plotly.js bundled with
     the installed ``plotly`` package, which wrote the figure JSON;
   * otherwise the full ``plotly.min.js`` of the installed ``plotly`` package, copied into
     ``_static/plotly-<version>.min.js`` at build time (not vendored: 4.8 MB, and always the
     version that wrote the JSON). After a plotly upgrade every page silently falls back to
     it until the partial bundle is rebuilt (``tools/plotly-bundle/build.sh``).

   The version in each file name makes browsers fetch the new file after an upgrade.

3. Data-aware caching. jupyter-cache keys a notebook on its code cells only, so editing
   ``data/*.csv`` would leave stale figures. At ``source-read`` we append to every notebook
   page a hidden (``remove-cell``) code cell holding a fingerprint: the SHA-256 of
   ``data/*.csv``, ``data/datapackage.json``, the package modules the notebooks import (the
   figure and data subpackages and what they use; not ``site/``, ``build.py``, ``bench.py``)
   and the plotly version. The cell becomes part of the cache key, so

   * a data change gives the notebook a new key: it is executed once and cached under it;
   * nothing changed: same key, cache hit, nothing executed;
   * reverting the data finds the earlier record again (no stale record is ever served,
     because the key *is* the data).

   Sphinx itself only re-reads documents whose source changed, so ``env-get-outdated`` also
   returns every notebook page whose recorded fingerprint differs from the current one.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).with_name("static")
#: The ``nea_edition`` package, whose modules the notebooks import (``figures/``, ``data/``...).
PACKAGE_DIR = Path(__file__).resolve().parents[1]
#: Package modules (paths relative to ``PACKAGE_DIR``) that run only at build or bench time:
#: editing them cannot change a figure. Everything under ``NOT_IN_NOTEBOOKS_DIRS`` is skipped too.
NOT_IN_NOTEBOOKS = frozenset({"build.py", "bench.py", "checks/bibliography.py"})
#: Subpackages that never run in a notebook: the Sphinx side (this module among them).
NOT_IN_NOTEBOOKS_DIRS = frozenset({"site"})
#: The marker ``figures.render.chart_html`` writes; a page containing it needs plotly.js.
CHART_MARKER = 'class="nea-chart"'
#: First line of the injected cell; tests and the benchmark look for it.
FINGERPRINT_PREFIX = "# nea-edition inputs fingerprint:"
ENV_ATTR = "nea_input_fingerprints"


# ----------------------------------------------------------------------------------------------
# 1. thebe


def _is_thebe(name: object) -> bool:
    return "thebe" in str(name).lower()


def remove_thebe(app: Sphinx, config: Config) -> None:
    """Disconnect every sphinx_thebe event handler and drop its registered assets."""
    for listeners in app.events.listeners.values():
        listeners[:] = [
            listener
            for listener in listeners
            if not getattr(listener.handler, "__module__", "").startswith("sphinx_thebe")
        ]
    app.registry.js_files = [js for js in app.registry.js_files if not _is_thebe(js[0])]
    app.registry.css_files = [css for css in app.registry.css_files if not _is_thebe(css[0])]


# ----------------------------------------------------------------------------------------------
# 2. charts


def plotly_js_source() -> Path:
    """The minified plotly.js bundled with the installed plotly package."""
    import plotly

    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def plotly_js_version() -> str:
    """Version of the bundled plotly.js (not of plotly.py), used in the served file name."""
    from plotly.offline import get_plotlyjs_version

    return get_plotlyjs_version()


def plotly_js_name() -> str:
    return f"plotly-{plotly_js_version()}.min.js"


#: Trace types in the edition's partial bundle (tools/plotly-bundle/entry.js).
PARTIAL_TRACES = frozenset({"bar", "heatmap", "scatter"})


def partial_bundle_name() -> str | None:
    """The vendored partial bundle's file name if it matches the installed plotly.js."""
    name = f"plotly-edition-{plotly_js_version()}.min.js"
    return name if (STATIC_DIR / name).is_file() else None


_SPEC = re.compile(r'<script type="application/json" class="nea-chart-spec">(.*?)</script>', re.S)


def chart_trace_types(doctree: nodes.Node) -> set[str]:
    """Every trace type the page's charts use, frames included (scatter when unspecified)."""
    types: set[str] = set()
    for node in doctree.findall(nodes.raw):
        for payload in _SPEC.findall(node.astext()):
            spec = json.loads(payload)
            traces = list(spec.get("data", []))
            for frame in spec.get("frames", []):
                traces += frame.get("data", [])
            types |= {t.get("type", "scatter") for t in traces}
    return types


def plotly_for_page(doctree: nodes.Node) -> str:
    """The smallest plotly.js that can draw every chart on the page."""
    partial = partial_bundle_name()
    if partial and chart_trace_types(doctree) <= PARTIAL_TRACES:
        return partial
    return plotly_js_name()


def add_static_path(app: Sphinx, config: Config) -> None:
    """Serve ``nea-charts.js`` and ``nea-charts.css`` from ``_static``."""
    if str(STATIC_DIR) not in config.html_static_path:
        config.html_static_path.append(str(STATIC_DIR))


def page_has_chart(doctree: nodes.Node | None) -> bool:
    """True when a notebook output on the page is a chart from ``figures.render.chart_html``."""
    if doctree is None:
        return False
    return any(
        node.get("format") == "html" and CHART_MARKER in node.astext()
        for node in doctree.findall(nodes.raw)
    )


def add_chart_assets(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: nodes.Node | None,
) -> None:
    """On chart pages only: plotly.js, then the drawing script, both deferred (non-blocking).

    Called through the builder, not ``app.add_js_file``, so nothing lands in the registry:
    Sphinx restores each page's script list after writing it, so other pages stay clean.
    """
    if not page_has_chart(doctree):
        return
    builder = app.builder
    script = plotly_for_page(doctree)
    if script == plotly_js_name():
        app._nea_needs_full_plotly = True  # type: ignore[attr-defined]
    builder.add_js_file(script, priority=600, defer="defer")
    builder.add_js_file("nea-charts.js", priority=601, defer="defer")
    builder.add_css_file("nea-charts.css", priority=600)


def copy_plotly_js(app: Sphinx, exception: Exception | None) -> None:
    """Put the installed plotly.min.js into ``_static`` when a page written needs it."""
    if exception is not None or getattr(app.builder, "format", "") != "html":
        return
    if not getattr(app, "_nea_needs_full_plotly", False):
        return
    source = plotly_js_source()
    target = Path(app.outdir) / "_static" / plotly_js_name()
    if target.is_file() and target.stat().st_size == source.stat().st_size:
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


# ----------------------------------------------------------------------------------------------
# 3. data-aware caching


def input_files(srcdir: Path) -> list[Path]:
    """Every file whose content can change what a notebook draws."""
    data = srcdir / "data"
    files = sorted(data.glob("*.csv"))
    if (data / "datapackage.json").is_file():
        files.append(data / "datapackage.json")
    files += sorted(p for p in PACKAGE_DIR.rglob("*.py") if notebook_module(p))
    return files


def notebook_module(path: Path) -> bool:
    """Whether a module of the package can run in a notebook (and so change what it draws)."""
    relative = path.relative_to(PACKAGE_DIR)
    if relative.parts[0] in NOT_IN_NOTEBOOKS_DIRS or "__pycache__" in relative.parts:
        return False
    return relative.as_posix() not in NOT_IN_NOTEBOOKS


def inputs_fingerprint(srcdir: Path) -> str:
    """SHA-256 over names and contents of ``input_files`` plus the plotly version."""
    import plotly

    digest = hashlib.sha256(f"plotly {plotly.__version__}\n".encode())
    for path in input_files(srcdir):
        name = path.relative_to(srcdir) if path.is_relative_to(srcdir) else path.name
        digest.update(f"{name}\n".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _fingerprint(app: Sphinx) -> str:
    """Computed once per build: the inputs cannot change while Sphinx runs."""
    cached = getattr(app, "_nea_fingerprint", None)
    if cached is None:
        cached = inputs_fingerprint(Path(app.srcdir))
        app._nea_fingerprint = cached  # type: ignore[attr-defined]
    return cached


def is_notebook_source(text: str) -> bool:
    """A MyST Markdown notebook: front matter that declares a kernel."""
    if not text.startswith("---"):
        return False
    end = text.find("\n---", 3)
    return end != -1 and "kernelspec" in text[:end]


def fingerprint_cell(fingerprint: str) -> str:
    """The hidden code cell appended to each notebook; it only carries the fingerprint."""
    return (
        "\n\n```{code-cell} ipython3\n:tags: [remove-cell]\n\n"
        f"{FINGERPRINT_PREFIX} {fingerprint}\n"
        "# (added at build time by nea_edition.site.extension so that jupyter-cache re-executes\n"
        "# this notebook when data/ or the figure code change)\n```\n"
    )


def inject_fingerprint(app: Sphinx, docname: str, source: list[str]) -> None:
    """Append the fingerprint cell to notebook pages and remember which one each page got."""
    if not is_notebook_source(source[0]):
        return
    fingerprint = _fingerprint(app)
    source[0] = source[0].rstrip("\n") + fingerprint_cell(fingerprint)
    store = getattr(app.env, ENV_ATTR, None)
    if store is None:
        store = {}
        setattr(app.env, ENV_ATTR, store)
    store[docname] = fingerprint


def outdated_by_inputs(
    app: Sphinx,
    env: BuildEnvironment,
    added: set[str],
    changed: set[str],
    removed: set[str],
) -> Iterable[str]:
    """Notebook pages read with other inputs than today's: Sphinx must read them again."""
    store: dict[str, str] = getattr(env, ENV_ATTR, {})
    current = _fingerprint(app)
    stale = sorted(
        doc
        for doc, fingerprint in store.items()
        if fingerprint != current and doc in env.found_docs and doc not in removed
    )
    if stale:
        logger.info(f"[nea] data or figure code changed: re-reading {', '.join(stale)}")
    return stale


def purge_doc(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    getattr(env, ENV_ATTR, {}).pop(docname, None)


def merge_info(
    app: Sphinx, env: BuildEnvironment, docnames: Iterable[str], other: BuildEnvironment
) -> None:
    """Parallel reads: bring the fingerprints recorded by worker processes home."""
    store = getattr(env, ENV_ATTR, None)
    if store is None:
        store = {}
        setattr(env, ENV_ATTR, store)
    theirs = getattr(other, ENV_ATTR, {})
    for doc in docnames:
        if doc in theirs:
            store[doc] = theirs[doc]


def setup(app: Sphinx) -> dict[str, Any]:
    # config-inited fires after every extension's setup(), so sphinx_thebe is registered by then.
    app.connect("config-inited", remove_thebe, priority=900)
    app.connect("config-inited", add_static_path)
    app.connect("source-read", inject_fingerprint)
    app.connect("env-get-outdated", outdated_by_inputs)
    app.connect("env-purge-doc", purge_doc)
    app.connect("env-merge-info", merge_info)
    app.connect("html-page-context", add_chart_assets)
    app.connect("build-finished", copy_plotly_js)
    return {"version": "0.2", "parallel_read_safe": True, "parallel_write_safe": True}
