"""Every built page's stylesheets as one file, and the theme's icon font cut to the icons shown.

Measured on an HTTP/2 server with gzip, as GitHub Pages serves the site (``docs/benchmark.md``):
each page links about twelve stylesheets, and the theme's first one pulls in Sphinx's
``basic.css`` through ``@import``, one more round trip before anything paints. The same styles
in one file bring first contentful paint about a second sooner on a phone (Lighthouse +5.6
points on average); cutting the theme's 156 kB icon font to the handful of icons the pages
show gains a further +3.6 points (``icon_font``).

This works on the built site, after Sphinx and before the PDF and publishing
(``nea_edition.build``), so it needs nothing of Sphinx's or the theme's internals: it reads
each page's ``<link rel="stylesheet">`` tags in the order the page has them, concatenates those
files (each leading ``@import`` replaced by the imported file, relative ``url(...)`` rewritten
for the bundle's place, ``@charset`` and source-map comments dropped), writes the bundle under a
name made from its content, and puts one ``<link>`` where the first one stood. Nothing is added,
dropped or reordered, so the cascade is unchanged. A stylesheet from another origin, or linked
with a ``media`` or other attribute, keeps its own link. Bundles and cut fonts that no page links
any more are removed, so an incremental build leaves exactly what a clean one does.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path

from nea_edition import icon_font

#: Where bundles go, and what they are called (by their content).
BUNDLE_NAME = "_static/nea-styles-{key}.css"
#: Attributes a stylesheet link may have and still be bundled.
PLAIN_ATTRIBUTES = {"rel", "type", "href"}

IMPORT = re.compile(r"""^\s*@import\s+(?:url\()?\s*(['"]?)([^'")\s]+)\1\s*\)?\s*;""")
CHARSET = re.compile(r"""^\s*@charset\s+["'][^"']*["']\s*;""")
SOURCE_MAP = re.compile(r"/\*#\s*sourceMappingURL=[^*]*\*/")
URL = re.compile(r"""url\(\s*(['"]?)([^'")]+?)\1\s*\)""")
LINK = re.compile(r"<link\b[^>]*>", re.I)


class StylesheetError(RuntimeError):
    """A stylesheet that cannot be bundled as it stands (the message names the file)."""


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


def flatten(site: Path, filename: str, target_dir: str, seen: tuple[str, ...] = ()) -> str:
    """The stylesheet ``filename`` (relative to ``site``), its leading imports inlined."""
    if filename in seen:
        raise StylesheetError(f"{filename} imports itself ({' -> '.join(seen)})")
    path = site / filename
    try:
        css = path.read_text(encoding="utf-8")
    except OSError as error:
        raise StylesheetError(f"cannot read {path}: {error}") from error
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
            raise StylesheetError(f"{filename} imports {target}, not a file of the site")
        name = posixpath.normpath(posixpath.join(posixpath.dirname(filename), target))
        parts.append(flatten(site, name, target_dir, (*seen, filename)))
        css = css[imported.end() :]
    if re.search(r"@import\b", css):
        raise StylesheetError(f"{filename} has an @import after its first rule")
    parts.append(f"/* {filename} */\n" + _rewrite_urls(css.strip(), filename, target_dir))
    return "\n".join(parts)


class _Attributes(HTMLParser):
    """The attributes of one start tag."""

    def __init__(self, tag: str) -> None:
        super().__init__(convert_charrefs=True)
        self.attrs: dict[str, str] = {}
        self.feed(tag)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attrs = {k: v or "" for k, v in attrs}


def page_stylesheets(html: str, page: str) -> list[tuple[re.Match[str], str | None]]:
    """Each ``<link rel="stylesheet">`` of the page's head, with its site-relative file, or
    None when it must keep its own link (another origin, or a media or other attribute)."""
    head = html[: html.find("</head>")] if "</head>" in html else html
    found = []
    for match in LINK.finditer(head):
        attrs = _Attributes(match.group(0)).attrs
        if attrs.get("rel", "").lower() != "stylesheet":
            continue
        href = attrs.get("href", "")
        plain = not set(attrs) - PLAIN_ATTRIBUTES
        local = href and not re.match(r"^(?:[a-z][a-z0-9+.-]*:|//)", href, re.I)
        if plain and local:
            path = href.split("?", 1)[0].split("#", 1)[0]
            # Root-relative links (the 404 page's, which must work at any depth) name the file
            # from the site's root.
            base = "" if path.startswith("/") else posixpath.dirname(page)
            found.append((match, posixpath.normpath(posixpath.join(base, path.lstrip("/")))))
        else:
            found.append((match, None))
    return found


def bundle_site(site: Path) -> int:
    """Bundle the stylesheets of every page of ``site`` in place; returns the bundles written."""
    # The site's pages; _static and the other underscore folders hold copied files (the
    # theme's own webpack-macros.html among them), not pages.
    pages = sorted(
        p for p in site.rglob("*.html") if not p.relative_to(site).parts[0].startswith("_")
    )
    plans: dict[Path, tuple[str, list[tuple[re.Match[str], str | None]]]] = {}
    bundles: dict[str, list[str]] = {}
    for path in pages:
        html = path.read_text(encoding="utf-8")
        links = page_stylesheets(html, path.relative_to(site).as_posix())
        files = [name for _, name in links if name]
        if len(files) < 2:
            continue
        key = hashlib.sha256("\n".join(files).encode()).hexdigest()[:12]
        bundles.setdefault(key, files)
        plans[path] = (key, links)
    used_icons = icon_font.icon_classes([*pages, *(site / "_static").rglob("*.js")])
    names: dict[str, str] = {}
    target_dir = posixpath.dirname(BUNDLE_NAME)
    for key, files in sorted(bundles.items()):
        text = "\n".join(flatten(site, name, target_dir) for name in files) + "\n"
        text = icon_font.cut_icons(text, site / "_static", used_icons)
        digest = hashlib.sha256(text.encode()).hexdigest()[:12]
        names[key] = BUNDLE_NAME.format(key=digest)
        (site / names[key]).write_text(text, encoding="utf-8")
    for path, (key, links) in plans.items():
        html = path.read_text(encoding="utf-8")
        page = path.relative_to(site).as_posix()
        rooted = any(
            'href="/' in match.group(0) and 'href="//' not in match.group(0)
            for match, name in links
            if name
        )
        href = (
            "/" + names[key]
            if rooted
            else posixpath.relpath(names[key], posixpath.dirname(page) or ".")
        )
        out, last, first = [], 0, True
        for match, name in links:
            if not name:
                continue
            out.append(html[last : match.start()])
            if first:
                out.append(f'<link rel="stylesheet" href="{href}" />')
                first = False
            last = match.end()
        out.append(html[last:])
        path.write_text("".join(out), encoding="utf-8")
    keep = set(names.values())
    for stale in (site / "_static").glob("nea-styles-*.css"):
        if f"_static/{stale.name}" not in keep:
            stale.unlink()
    fonts = {
        m for n in keep for m in re.findall(r"nea-icons-[0-9a-f]+\.woff2", (site / n).read_text())
    }
    for stale in (site / "_static").glob("nea-icons-*.woff2"):
        if stale.name not in fonts:
            stale.unlink()
    return len(names)
