"""Sphinx adapter that repairs MyST's double-escaped ampersands in link targets.

MyST-Parser stores a Markdown link's target HTML-escaped (``?a=1&amp;b=2``) and Sphinx's HTML
writer escapes it again, so the page's ``href`` reads ``?a=1&amp;amp;b=2`` and a browser
requests ``b`` as ``amp;b``: the query string is lost (executablebooks/MyST-Parser#760 and
#1028, open). Before the pages are written, every external reference's target gets its
ampersands back. Only the five characters an escaper produces are unescaped, and only in
targets with a scheme, so a target that was never escaped passes unchanged; once MyST stops
escaping, this does nothing. ``tests/test_links.py`` checks every built ``href`` against the
sources' URLs, so either way a broken query string fails the tests.
"""

from __future__ import annotations

import re
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

_ENTITY = re.compile(r"&(amp|lt|gt|quot|#39);")
_CHARS = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "#39": "'"}


def unescape_target(uri: str) -> str:
    """``https://x/?a=1&amp;b=2`` -> ``https://x/?a=1&b=2``; other targets unchanged."""
    if not re.match(r"[a-z][a-z0-9+.-]*:", uri, re.IGNORECASE):
        return uri
    return _ENTITY.sub(lambda m: _CHARS[m.group(1)], uri)


class UnescapeLinkTargets(SphinxPostTransform):
    """Give external references their literal targets back (see the module docstring)."""

    default_priority = 5

    def run(self, **kwargs: Any) -> None:
        for node in self.document.findall(nodes.reference):
            if "refuri" in node:
                node["refuri"] = unescape_target(node["refuri"])


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_post_transform(UnescapeLinkTargets)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
