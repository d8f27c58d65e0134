"""Every script the theme and Sphinx put in ``<head>`` loads with ``defer``: text paints first.

Lighthouse's mobile run (``nea_edition.lighthouse``) found each text page's first paint held up
by eight synchronous scripts in ``<head>`` (``documentation_options.js``, ``doctools.js``,
``sphinx_highlight.js``, ``clipboard.min.js``, ``copybutton.js``, ``sphinx-book-theme.js``,
``togglebutton.js``, ``design-tabs.js``): a browser must fetch and run each before it draws any
text, about 1.8 s of the simulated phone's 2.9 s first contentful paint. None of them draws
anything before the document is parsed (each waits for ``DOMContentLoaded`` or acts on a
click), so all of them can be deferred: deferred scripts run in document order once parsing
ends, before ``DOMContentLoaded``, so the order they rely on is kept.

Inline scripts cannot be deferred, and two kinds appear among them:

* declarations the deferred files read later (``let toggleHintShow = ...``,
  ``var togglebuttonSelector = ...``): they stay as they are and simply run earlier;
* pydata-sphinx-theme's ``DOCUMENTATION_OPTIONS.pagename = ...``, which writes into the object
  ``documentation_options.js`` defines, so it must run after that file: it becomes
  ``type="module"``. A module script is deferred too and runs in document order with the
  deferred files (HTML's list of scripts that run when parsing has finished).

The search page adds three scripts of its own outside ``script_files``;
``book/_templates/search.html`` defers those as well.
"""

from __future__ import annotations

import re
from typing import Any

from sphinx.application import Sphinx
from sphinx.builders.html._assets import _JavaScript

#: Inline scripts that use what a deferred file defines, so must run after it.
AFTER_DEFERRED = re.compile(r"^\s*DOCUMENTATION_OPTIONS\.")
#: What a script tag's type may be for ``defer`` to apply (no type means JavaScript).
CLASSIC = {None, "", "text/javascript", "application/javascript"}


def deferred(script: _JavaScript) -> _JavaScript:
    """``script`` as it loads on the edition's pages: deferred, or unchanged where it must be."""
    attributes = dict(script.attributes)
    if attributes.get("type") not in CLASSIC:
        return script
    if script.filename:
        if "async" in attributes or "defer" in attributes:
            return script
        attributes["defer"] = "defer"
    elif AFTER_DEFERRED.match(attributes.get("body", "")):
        attributes["type"] = "module"
    else:
        return script
    return _JavaScript(script.filename, priority=script.priority, **attributes)


def defer_scripts(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Replace the page's ``script_files`` (after every other handler added its own)."""
    scripts = context.get("script_files")
    if scripts:
        context["script_files"] = [
            deferred(s) if isinstance(s, _JavaScript) else s for s in scripts
        ]


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("html-page-context", defer_scripts, priority=990)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
