"""Sphinx adapter for the charts: their script and stylesheet on chart pages, and plotly.js.

The notebooks render charts as ``<div class="nea-chart">`` holding the figure as JSON
(``nea_edition.figures.render.chart_html``). Pages whose doctree contains one get one deferred
script, ``_static/nea-charts.js`` (from this package's ``site/static/``), and its stylesheet;
the script fetches plotly.js (named in its ``data-plotly`` attribute) only when a chart comes
into view or the reader first scrolls, then draws the charts in the space their placeholders
reserve. Other pages load neither.

The plotly.js is ``site/static/plotly-edition-<version>.min.js``, a partial bundle with only
the trace types the edition draws (scatter, bar, heatmap), built from plotly.js's own sources
by ``tools/plotly-bundle/build.sh`` from its lock: 0.41 MB gzipped instead of 1.47 MB for the
full bundle. Its version must equal that of the plotly.js bundled with the installed ``plotly``
package, which wrote the figure JSON, and every trace on every page must be of a type it holds:
otherwise the build fails and says how to rebuild the bundle (a silent fall-back to the 4.8 MB
full bundle would go unnoticed). The version in the file name makes browsers fetch the new file
after an upgrade.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError
from sphinx.util import logging

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).with_name("static")
#: The marker ``figures.render.chart_html`` writes; a page containing it needs plotly.js.
CHART_MARKER = 'class="nea-chart"'
#: Trace types in the edition's partial bundle (tools/plotly-bundle/entry.js).
PARTIAL_TRACES = frozenset({"bar", "heatmap", "scatter"})
REBUILD = "run tools/plotly-bundle/build.sh (see README, Locked dependencies)"


def plotly_js_version() -> str:
    """Version of the plotly.js bundled with the installed plotly package (not plotly.py's)."""
    from plotly.offline import get_plotlyjs_version

    return get_plotlyjs_version()


def partial_bundle_name() -> str:
    return f"plotly-edition-{plotly_js_version()}.min.js"


def check_partial_bundle(app: Sphinx, config: Config) -> None:
    """Fail at once when the partial bundle is not of the plotly.js that wrote the figures."""
    name = partial_bundle_name()
    if not (STATIC_DIR / name).is_file():
        present = sorted(p.name for p in STATIC_DIR.glob("plotly-edition-*.min.js"))
        raise ConfigError(
            f"{STATIC_DIR / name}: no partial plotly.js bundle for plotly.js"
            f" {plotly_js_version()} (the installed plotly package's); present: {present}."
            f" After a plotly upgrade, {REBUILD}."
        )


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


def add_static_path(app: Sphinx, config: Config) -> None:
    """Serve ``nea-charts.js``, its stylesheet and the plotly.js bundle from ``_static``."""
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

    Added for this page alone (``app.add_js_file`` in ``html-page-context`` is Sphinx's
    documented way to give one page an asset), so other pages stay clean.
    """
    if not page_has_chart(doctree):
        return
    missing = chart_trace_types(doctree) - PARTIAL_TRACES
    if missing:
        logger.warning(
            f"the charts use trace types the partial plotly.js lacks: {sorted(missing)}; add"
            f" them to tools/plotly-bundle/entry.js and PARTIAL_TRACES, then {REBUILD}",
            location=pagename,
        )
    app.add_js_file(
        "nea-charts.js", priority=601, defer="defer", **{"data-plotly": partial_bundle_name()}
    )
    app.add_css_file("nea-charts.css", priority=600)


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("config-inited", add_static_path)
    app.connect("config-inited", check_partial_bundle)
    app.connect("html-page-context", add_chart_assets)
    return {"version": "0.3", "parallel_read_safe": True, "parallel_write_safe": True}
