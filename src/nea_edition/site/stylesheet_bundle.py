"""Every page's stylesheets as one file: text paints after one request for styles, not twelve.

Lighthouse's mobile run (``nea_edition.lighthouse``) found every page's first contentful paint
at 2.6 to 3.2 s, held up by stylesheets: the theme and the extensions link twelve of them in
``<head>`` (pydata-sphinx-theme's two, Pygments, sphinx-book-theme, togglebutton, copybutton,
myst-nb, sphinx-design, the edition's own), and the theme's first one loads Sphinx's
``basic.css`` through ``@import``, one more round trip after it. On a phone's connection each
request waits for a connection of its own before any byte arrives, and the page draws nothing
until the last one is in. The same styles concatenated into one file bring the first paint
to about 1.2 s (performance 88 -> 100 on a text page).

The bundle is the page's own list of stylesheets, in the order the page would load them, with
nothing added, dropped or reordered, so the cascade is unchanged:

* ``@import`` at the head of a file is replaced by the imported file (that is how
  ``basic.css`` arrives);
* relative ``url(...)`` references (fonts, images) are rewritten for the bundle's place in
  ``_static/``;
* ``@charset`` lines and source-map comments go: they would be wrong mid-file.

The theme's icon rules are the one exception: those of icons no page shows are left out, and
the icon font is cut to the rest (``icon_font``: 156 kB -> 3 kB a page).

A stylesheet that carries attributes of its own (a ``media`` query, say) or lives elsewhere than
``_static/`` keeps its own ``<link>``, after the bundle. Pages whose lists differ (a chart page
adds the charts' styles) get a bundle each, named by the list, and every bundle is written
again from the current files at the end of every build, so a page Sphinx did not rewrite still
gets today's styles.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging

from nea_edition.site.icon_font import cut_icons, icon_classes

logger = logging.getLogger(__name__)

#: What pydata-sphinx-theme's ``_webpack.head_pre_assets()`` links before Sphinx's stylesheets.
THEME_FIRST = ("_static/styles/theme.css", "_static/styles/pydata-sphinx-theme.css")
#: Where bundles go, and what they are called (by the list of files they hold).
BUNDLE_NAME = "_static/nea-styles-{key}.css"
#: Attributes a stylesheet link may have and still be bundled.
PLAIN_ATTRIBUTES = {"rel", "type", "priority"}
#: Which bundles exist and what each holds, beside the doctrees (kept between builds, never
#: published): pages Sphinx does not rewrite keep linking their bundle, which must stay current.
MANIFEST = "nea-stylesheet-bundles.json"
#: The bundles this build's pages link, on the builder; written when the build has finished
#: (myst-nb writes its stylesheet only then).
BUILT_ATTR = "nea_stylesheet_bundles"

IMPORT = re.compile(r"""^\s*@import\s+(?:url\()?\s*(['"]?)([^'")\s]+)\1\s*\)?\s*;""")
CHARSET = re.compile(r"""^\s*@charset\s+["'][^"']*["']\s*;""")
SOURCE_MAP = re.compile(r"/\*#\s*sourceMappingURL=[^*]*\*/")
URL = re.compile(r"""url\(\s*(['"]?)([^'")]+?)\1\s*\)""")


def _rewrite_urls(css: str, source: str, target_dir: str) -> str:
    """Relative ``url(...)`` in ``css`` (a file at ``source``) made relative to ``target_dir``."""
    source_dir = posixpath.dirname(source)

    def rewrite(match: re.Match[str]) -> str:
        quote, url = match.groups()
        if re.match(r"^(?:[a-z][a-z0-9+.-]*:|/|#)", url, re.I):
            return match.group(0)  # data:, http:, absolute or fragment: not a file beside us
        path, _, rest = url.partition("?")
        path, hash_sep, fragment = path.partition("#")
        resolved = posixpath.normpath(posixpath.join(source_dir, path))
        new = posixpath.relpath(resolved, target_dir)
        new += ("?" + rest if rest else "") + (hash_sep + fragment if hash_sep else "")
        return f"url({quote}{new}{quote})"

    return URL.sub(rewrite, css)


def flatten(outdir: Path, filename: str, target_dir: str, seen: tuple[str, ...] = ()) -> str:
    """The stylesheet ``filename`` (relative to ``outdir``), its leading imports inlined."""
    if filename in seen:
        raise ExtensionError(f"stylesheet bundle: {filename} imports itself ({' -> '.join(seen)})")
    path = outdir / filename
    try:
        css = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ExtensionError(f"stylesheet bundle: cannot read {path}: {error}") from error
    css = SOURCE_MAP.sub("", css)
    parts: list[str] = []
    while True:
        css = re.sub(r"^\s*(?:/\*.*?\*/\s*)*", "", css, count=1, flags=re.S)  # leading comments
        if charset := CHARSET.match(css):
            css = css[charset.end() :]
            continue
        imported = IMPORT.match(css)
        if not imported:
            break
        target = imported.group(2)
        if re.match(r"^(?:[a-z][a-z0-9+.-]*:|/)", target, re.I):
            raise ExtensionError(
                f"stylesheet bundle: {filename} imports {target}, not a local file"
            )
        name = posixpath.normpath(posixpath.join(posixpath.dirname(filename), target))
        parts.append(flatten(outdir, name, target_dir, (*seen, filename)))
        css = css[imported.end() :]
    if re.search(r"@import\b", css):
        raise ExtensionError(f"stylesheet bundle: {filename} has an @import after its first rule")
    parts.append(f"/* {filename} */\n" + _rewrite_urls(css.strip(), filename, target_dir))
    return "\n".join(parts)


def bundle_text(outdir: Path, files: list[str]) -> str:
    """The bundle of ``files``: each flattened, in order."""
    target_dir = posixpath.dirname(BUNDLE_NAME)
    return "\n".join(flatten(outdir, name, target_dir) for name in files) + "\n"


def _static_name(filename: str) -> str:
    """A stylesheet's path relative to the output folder (Sphinx may give it without _static/)."""
    name = filename.split("?", 1)[0]
    return name if name.startswith("_static/") else f"_static/{name}"


def page_stylesheets(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Give the page ``nea_stylesheets``: its bundle first, then what cannot be bundled."""
    if app.builder.format != "html":
        return
    bundled = list(THEME_FIRST)
    separate: list[tuple[str, str]] = []
    # In the order the page would link them: Sphinx sorts by priority (stably) only after
    # this event, so the same sort is made here.
    ordered = sorted(context.get("css_files", []), key=lambda css: getattr(css, "priority", 500))
    for css in ordered:
        filename = getattr(css, "filename", None)
        attributes = dict(getattr(css, "attributes", {}))
        if attributes.get("rel", "stylesheet") != "stylesheet":
            raise ExtensionError(f"stylesheet bundle: {filename} is linked as {attributes['rel']}")
        if not filename or "://" in filename or set(attributes) - PLAIN_ATTRIBUTES:
            separate.append((str(filename or css), attributes.get("media", "")))
            continue
        name = _static_name(filename)
        if name not in bundled:
            bundled.append(name)
    key = hashlib.sha256("\n".join(bundled).encode()).hexdigest()[:12]
    name = BUNDLE_NAME.format(key=key)
    made: dict[str, list[str]] | None = getattr(app.builder, BUILT_ATTR, None)
    if made is None:
        made = {}
        setattr(app.builder, BUILT_ATTR, made)
    made[name] = bundled
    context["nea_stylesheets"] = [(name, ""), *separate]


def write_bundle(outdir: Path, name: str, files: list[str], icons: set[str]) -> None:
    """Write the bundle ``name`` unless it already holds exactly this text.

    ``icons`` are the icon classes the site uses: the others' rules are dropped and the icon
    font is cut to match (``icon_font``).
    """
    text = cut_icons(bundle_text(outdir, files), outdir / "_static", icons)
    path = outdir / name
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def refresh_bundles(app: Sphinx, exception: Exception | None) -> None:
    """Write every bundle from today's stylesheets, also those linked by pages not rewritten."""
    if exception is not None or app.builder.format != "html":
        return
    manifest = Path(app.doctreedir) / MANIFEST
    try:
        bundles: dict[str, list[str]] = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        bundles = {}
    bundles.update(getattr(app.builder, BUILT_ATTR, None) or {})
    outdir = Path(app.outdir)
    icons = icon_classes([*outdir.rglob("*.html"), *(outdir / "_static").rglob("*.js")])
    for name, files in sorted(bundles.items()):
        write_bundle(outdir, name, files, icons)
    manifest.write_text(json.dumps(bundles, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def setup(app: Sphinx) -> dict[str, Any]:
    # After every handler that adds a stylesheet to the page (the charts' own, the index's).
    app.connect("html-page-context", page_stylesheets, priority=995)
    # After myst-nb's handler, which writes its stylesheet into _static at that point.
    app.connect("build-finished", refresh_bundles, priority=900)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
