"""Sphinx extension for the edition: site hygiene, self-hosted charts and data-aware caching.

1. Thebe. Jupyter Book 1.x always loads ``sphinx_thebe``. Even with launch buttons off, it
   writes a ``THEBE_JS_URL`` pointing at unpkg.com into every page (twice) plus a binder
   configuration block, which breaks the rule that the site loads nothing from another origin
   and produces a console error. The edition has no live kernels, so we unhook it entirely.

2. Charts. The notebooks render charts as ``<div class="nea-chart">`` holding the figure as
   JSON (``nea_edition.figures.render.chart_html``). Pages whose doctree contains one get one
   deferred script, ``_static/nea-charts.js`` (from this package's ``site/static/``), and its
   stylesheet; the script fetches the site's own plotly.js (named in its ``data-plotly``
   attribute) only when a chart comes into view or the reader first scrolls, then draws the
   charts in the space their placeholders reserve. Other pages load neither. Which plotly.js:

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
   ``data/*.csv`` would leave stale figures. Each notebook page declares in its front matter
   the tables it reads (``nea_edition: {tables: [...]}``). At ``source-read`` we put first in
   the page a hidden (``remove-cell``) code cell holding the fingerprint of exactly those
   inputs: each declared table's CSV and schema, the package modules the notebooks import (the
   figure and data subpackages and what they use; not ``site/``, ``build.py``, ``bench.py``),
   the plotly version and the edition's date. The cell also tells ``load_tables`` which tables
   the notebook may read: any other fails on use, so a declaration cannot silently fall short.
   The cell is part of the cache key, so

   * a change to a table gives the notebooks that read it, and only those, a new key: each
     is executed once and cached under it;
   * nothing they read changed: same key, cache hit, nothing executed;
   * reverting the data finds the earlier record again (no stale record is ever served,
     because the key *is* the inputs).

   Sphinx itself only re-reads documents whose source changed, so ``env-get-outdated`` also
   returns every notebook page whose recorded fingerprint differs from the current one. And
   before the read, ``notebook_cache.prefill`` executes the notebooks the cache lacks in
   parallel, one kernel per core, so a cold build does not wait for them one by one.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.errors import ExtensionError
from sphinx.util import logging

from nea_edition.paths import VALIDATED_ENV
from nea_edition.site.notebook_inputs import (
    Fingerprints,
    declared_tables,
    inputs_cell,
    is_notebook_source,
)

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).with_name("static")
#: The marker ``figures.render.chart_html`` writes; a page containing it needs plotly.js.
CHART_MARKER = 'class="nea-chart"'
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
    """On chart pages only: the drawing script (deferred) and its styles; plotly.js waits.

    The page does not load plotly.js itself: ``nea-charts.js`` fetches the file named in its
    ``data-plotly`` attribute (from ``_static``, beside it) when a chart comes into view or
    the reader first scrolls, so the text never waits for half a megabyte of script.
    Called through the builder, not ``app.add_js_file``, so nothing lands in the registry:
    Sphinx restores each page's script list after writing it, so other pages stay clean.
    """
    if not page_has_chart(doctree):
        return
    builder = app.builder
    script = plotly_for_page(doctree)
    if script == plotly_js_name():
        app._nea_needs_full_plotly = True  # type: ignore[attr-defined]
    builder.add_js_file("nea-charts.js", priority=601, defer="defer", **{"data-plotly": script})
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


def _fingerprints(app: Sphinx) -> Fingerprints:
    cached = getattr(app, "_nea_fingerprints", None)
    if cached is None:
        cached = Fingerprints(Path(app.srcdir))
        app._nea_fingerprints = cached  # type: ignore[attr-defined]
    return cached


def _notebook_inputs(app: Sphinx, docname: str, text: str) -> tuple[str, ...] | None:
    """A notebook's declared tables; a notebook that declares none is refused (warning)."""
    tables = declared_tables(text)
    if tables is None:
        logger.warning(
            "notebook page declares no inputs: add `nea_edition: {tables: [...]}` (the tables "
            "it reads, possibly []) to its front matter, so that it re-executes when they "
            "change and only then",
            location=docname,
        )
    return tables


def with_inputs_cell(app: Sphinx, docname: str, text: str) -> tuple[str, str] | None:
    """A notebook page's source with its inputs cell first, and its fingerprint.

    None for a page that is not a notebook (or declares no inputs: refused with a warning).
    The one place the executed source is made, for the read and for the parallel prefill.
    """
    if not is_notebook_source(text):
        return None
    tables = _notebook_inputs(app, docname, text)
    if tables is None:
        return None
    fingerprint = _fingerprints(app).of(tables)
    end = text.find("\n---", 3) + len("\n---")
    body = text[end:].lstrip("\n")
    return text[:end] + "\n\n" + inputs_cell(fingerprint, tables) + body, fingerprint


def inject_fingerprint(app: Sphinx, docname: str, source: list[str]) -> None:
    """Put the inputs cell first in each notebook page and remember its fingerprint."""
    made = with_inputs_cell(app, docname, source[0])
    if made is None:
        return
    source[0], fingerprint = made
    store = getattr(app.env, ENV_ATTR, None)
    if store is None:
        store = {}
        setattr(app.env, ENV_ATTR, store)
    store[docname] = fingerprint


def prefill_notebook_cache(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Execute the notebooks about to be read that jupyter-cache lacks, in parallel.

    myst-nb executes notebooks one after another as Sphinx reads them, each in its own
    kernel, so a cold build waits for every kernel in turn. Here the notebooks Sphinx is about
    to read are made exactly as the read will make them (``with_inputs_cell``); those the
    cache does not match are executed side by side, one kernel per core, and stored under the
    key myst-nb will look up. The read then finds them cached. A notebook that fails here is
    simply not stored: myst-nb executes it again and reports the error as usual.
    """
    from nea_edition.site import warm_kernels
    from nea_edition.site.notebook_cache import prefill

    sources = {}
    for docname in sorted(docnames):
        path = Path(env.doc2path(docname))
        if path.suffix != ".md":
            continue
        made = with_inputs_cell(app, docname, path.read_text(encoding="utf-8"))
        if made is not None:
            sources[docname] = (path, made[0])
    try:
        if sources:
            prefill(env, sources, logger)
    finally:
        warm_kernels.release_all()  # those the cache did not need: no kernel outlives the read


def outdated_by_inputs(
    app: Sphinx,
    env: BuildEnvironment,
    added: set[str],
    changed: set[str],
    removed: set[str],
) -> Iterable[str]:
    """Notebook pages read with other inputs than today's: Sphinx must read them again."""
    store: dict[str, str] = getattr(env, ENV_ATTR, {})
    stale = []
    for doc, fingerprint in sorted(store.items()):
        if doc not in env.found_docs or doc in removed or doc in changed:
            continue
        tables = declared_tables(Path(env.doc2path(doc)).read_text(encoding="utf-8"))
        if tables is None or _fingerprints(app).of(tables) != fingerprint:
            stale.append(doc)
    if stale:
        logger.info(f"[nea] inputs changed: re-reading {', '.join(stale)}")
    return stale


def validate_unless_validated(app: Sphinx, config: Config) -> None:
    """Refuse bad data even when Sphinx is run without the edition's build driver.

    ``nea_edition.build`` validates while Sphinx starts, says so (``VALIDATED_ENV``) and gates
    the read on its verdict (``await_validation``); notebooks then skip validation. Run any
    other way, the check happens here, once.
    """
    if os.environ.get(VALIDATED_ENV) == "1":
        return
    from nea_edition.checks.errors import report
    from nea_edition.checks.validation import validate

    srcdir = Path(app.srcdir)
    problems = validate(srcdir / "data", srcdir / "references.bib")
    if problems:
        raise ExtensionError("the data are not valid:\n" + report(problems))
    os.environ[VALIDATED_ENV] = "1"


def await_validation(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Read no page and run no notebook before the build driver has found the data valid.

    The driver validates while Sphinx starts up (``nea_edition.validation_gate``); this waits
    for its verdict, before the notebook prefill. On a refusal Sphinx stops here, having read
    and written nothing, and the driver lists the problems.
    """
    from nea_edition import validation_gate

    if validation_gate.await_verdict() is False:
        logger.info("[nea] the build driver refused the data: stopping before any page is read")
        raise SystemExit(validation_gate.REFUSED_EXIT)


def record_notebook_inputs(app: Sphinx, exception: Exception | None) -> None:
    """After a good build, record each notebook's inputs: the next build's early kernels."""
    if exception is None:
        from nea_edition.site import warm_kernels

        warm_kernels.write_record(Path(app.doctreedir), getattr(app.env, ENV_ATTR, {}))


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
    app.connect("config-inited", validate_unless_validated)
    app.connect("source-read", inject_fingerprint)
    app.connect("env-get-outdated", outdated_by_inputs)
    app.connect("env-before-read-docs", await_validation, priority=100)  # before the prefill
    app.connect("env-before-read-docs", prefill_notebook_cache)
    app.connect("env-purge-doc", purge_doc)
    app.connect("env-merge-info", merge_info)
    app.connect("html-page-context", add_chart_assets)
    app.connect("build-finished", copy_plotly_js)
    app.connect("build-finished", record_notebook_inputs)
    return {"version": "0.2", "parallel_read_safe": True, "parallel_write_safe": True}
