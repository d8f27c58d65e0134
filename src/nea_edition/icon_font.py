"""The theme's icon font cut to the icons the site shows, and their rules kept alone.

pydata-sphinx-theme styles its icons with Font Awesome 6: one rule per icon in its stylesheet
(``.fa-bars:before{content:"\\f0c9"}``, about 1,900 of them) and one font of every solid icon,
``fa-solid-900.woff2`` (156 kB). Every page draws a handful (the menu, search, the mode switch,
the arrows), so every page fetched the whole font, and Lighthouse's mobile run counted its
download in each page's largest contentful paint (about 0.8 s of 2.9 s on a text page).

Here, when the built pages' stylesheets are bundled (``nea_edition.stylesheets``):

* an icon rule is kept when a page or a script of the built site names one of its classes
  (``fa-bars``); only rules of exactly that form (``.fa-NAME:before`` selectors and one
  ``content``) are ever dropped, so nothing else in the cascade can change;
* the font is cut with fontTools' subsetter to the code points the kept stylesheet still
  refers to (its icon rules, and the theme's own icon variables such as
  ``--pst-icon-admonition-note``), and the bundle's ``@font-face`` points at the cut font.

A page that shows an icon therefore always finds its glyph; an icon nobody shows costs nothing.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterable
from pathlib import Path

#: The fonts that are cut, relative to ``_static`` (the ones the pages actually fetch).
FONTS = ("vendor/fontawesome/webfonts/fa-solid-900.woff2",)
CUT_NAME = "nea-icons-{key}.woff2"

#: A whole rule of icon selectors only: it must start where a rule starts (after a rule or a
#: block opens, or after the bundle's file comment), or ``.x .fa-y:before{...}`` and
#: ``.x,.fa-y:before{...}`` would lose their icon part and break the rule before them.
ICON_RULE = re.compile(
    r"(?:(?<=[{}])|(?<=\*/\n)|^)((?:\.fa-[a-z0-9-]+::?before,?)+)\{content:\"[^\"]*\"\}"
)
ICON_CLASS = re.compile(r"fa-[a-z0-9-]+")
#: A CSS escape (``\f0c9``) or a character of Unicode's private use areas, where icons live.
ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})")
PRIVATE_USE = re.compile("[\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd]")


def icon_classes(files: Iterable[Path]) -> set[str]:
    """Every ``fa-...`` word in the given pages and scripts."""
    names: set[str] = set()
    for path in files:
        names.update(ICON_CLASS.findall(path.read_text(encoding="utf-8", errors="replace")))
    return names


def keep_used_icon_rules(css: str, used: set[str]) -> str:
    """``css`` less the icon rules none of whose classes is in ``used``."""

    def keep(match: re.Match[str]) -> str:
        selectors = match.group(1).rstrip(",").split(",")
        names = {re.sub(r"::?before$", "", s)[1:] for s in selectors}
        return match.group(0) if names & used else ""

    return ICON_RULE.sub(keep, css)


def code_points(css: str) -> set[int]:
    """The code points a stylesheet can ask a font for: its escapes and private-use characters."""
    points = {int(h, 16) for h in ESCAPE.findall(css)}
    points.update(ord(c) for c in PRIVATE_USE.findall(css))
    return {p for p in points if 0 < p <= 0x10FFFF}


def cut_font(source: Path, points: set[int]) -> bytes:
    """``source`` (a WOFF2 font) with only the glyphs of ``points``, as WOFF2, reproducibly."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(str(source), recalcTimestamp=False)
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options=options)
    subsetter.populate(unicodes=sorted(points))
    subsetter.subset(font)
    out = io.BytesIO()
    font.flavor = "woff2"
    font.save(out)
    return out.getvalue()


def cut_icons(css: str, static: Path, used: set[str]) -> str:
    """The bundle ``css`` (in ``static``, the site's ``_static``) with unused icon rules
    dropped and each cut font in place of its font.

    A cut font is named by what it is cut from and to (the source font's bytes and the code
    points), so a build that finds it already there does not cut it again.
    """
    css = keep_used_icon_rules(css, used)
    points = code_points(css)
    for font in FONTS:
        reference = f"url({font})"
        source = static / font
        if reference not in css or not source.is_file():
            continue
        key = hashlib.sha256(source.read_bytes())
        key.update(",".join(map(str, sorted(points))).encode())
        name = CUT_NAME.format(key=key.hexdigest()[:12])
        if not (static / name).is_file():
            (static / name).write_bytes(cut_font(source, points))
        css = css.replace(reference, f"url({name})")
    return css
