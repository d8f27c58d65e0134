"""Sphinx extension for the edition: site hygiene that Jupyter Book 1.x does not offer as settings.

Jupyter Book 1.x always loads ``sphinx_thebe``. Even with launch buttons off, it writes a
``THEBE_JS_URL`` pointing at unpkg.com into every page (twice) plus a binder configuration
block, which breaks the rule that the site loads nothing from another origin and produces a
console error. The edition has no live kernels, so we unhook sphinx_thebe entirely.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config


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


def setup(app: Sphinx) -> dict[str, Any]:
    # config-inited fires after every extension's setup(), so sphinx_thebe is registered by then.
    app.connect("config-inited", remove_thebe, priority=900)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
