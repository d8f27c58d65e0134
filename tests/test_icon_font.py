"""The icon font cut to the icons the site shows (site/icon_font.py).

What matters to a reader: every icon a page shows still has its glyph, and the page no longer
fetches 156 kB of icons it never draws. The site test reads the cut font's character map with
fontTools and checks it against every icon class the built pages use.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from fontTools.ttLib import TTFont

from nea_edition.localserver import site_pages
from nea_edition.site.icon_font import FONTS, code_points, cut_font, keep_used_icon_rules

THEME_CSS = Path("_static") / "styles" / "pydata-sphinx-theme.css"
ICON_RULE = re.compile(r"((?:\.fa-[a-z0-9-]+::?before,?)+)\{content:\"\\([0-9a-f]+)\"\}")


def test_only_icon_rules_nobody_uses_are_dropped() -> None:
    css = (
        '.a{color:red}.fa-bars:before,.fa-navicon:before{content:"\\f0c9"}'
        '.fa-sun:before{content:"\\f185"}.fa-solid:before{content:var(--fa)}'
        '.fa-moon:before{content:"\\f186";color:red}'
    )
    kept = keep_used_icon_rules(css, {"fa-navicon"})
    assert '.fa-bars:before,.fa-navicon:before{content:"\\f0c9"}' in kept  # one alias is used
    assert "fa-sun" not in kept  # nobody shows it
    # Rules of any other form stay, whatever their classes.
    assert ".a{color:red}" in kept and ".fa-solid:before{content:var(--fa)}" in kept
    assert '.fa-moon:before{content:"\\f186";color:red}' in kept
    # An icon selector inside another rule's selector list is that rule's, and stays.
    mixed = '.x .fa-sun:before{content:"\\f185"}.y,.fa-sun:before{content:"\\f185"}'
    assert keep_used_icon_rules(mixed, set()) == mixed


def test_code_points_are_the_escapes_and_private_use_characters() -> None:
    assert code_points('a{content:"\\f0c9"} b{--pst-icon-x:"\uf05a"} c{font:x}') == {
        0xF0C9,
        0xF05A,
    }


def font_points(data: bytes | Path) -> set[int]:
    font = TTFont(data if isinstance(data, Path) else io.BytesIO(data))
    return set(font.getBestCmap())


def test_the_cut_font_holds_exactly_the_asked_glyphs(site_dir: Path) -> None:
    source = site_dir / "_static" / FONTS[0]
    cut = cut_font(source, {0xF0C9, 0xF185})
    assert font_points(cut) == {0xF0C9, 0xF185}
    assert len(cut) < source.stat().st_size / 10
    assert cut_font(source, {0xF0C9, 0xF185}) == cut  # no timestamp: reproducible


def test_every_icon_a_page_shows_has_its_glyph(site_dir: Path) -> None:
    theme = (site_dir / THEME_CSS).read_text(encoding="utf-8")
    glyph_of: dict[str, int] = {}
    for selectors, point in ICON_RULE.findall(theme):
        for selector in selectors.rstrip(",").split(","):
            glyph_of[re.sub(r"::?before$", "", selector)[1:]] = int(point, 16)
    # What the full font could draw (brand icons, say, come from another font, left whole).
    solid = font_points(site_dir / "_static" / FONTS[0])
    checked = 0
    for page in site_pages(site_dir):
        html = (site_dir / page).read_text(encoding="utf-8")
        bundle = re.search(r'href="([^"]*nea-styles-[0-9a-f]+\.css)"', html)
        assert bundle, page
        css = ((site_dir / page).parent / bundle.group(1)).read_text(encoding="utf-8")
        font = re.search(r"url\((nea-icons-[0-9a-f]{12}\.woff2)\)", css)
        assert font, f"{page}: the bundle's icon font is the cut one"
        points = font_points(site_dir / "_static" / font.group(1))
        for name in set(re.findall(r'class="[^"]*\b(fa-[a-z0-9-]+)', html)) & set(glyph_of):
            if glyph_of[name] in solid:
                assert glyph_of[name] in points, (page, name)
                checked += 1
        # The theme's own icons (admonitions, external links...) are asked for by variable.
        for value in re.findall(r"--pst-icon-[a-z-]+:\"([^\"]+)\"", css):
            assert all(ord(c) in points for c in value if ord(c) in solid), value
    assert checked > 0
    assert (
        not (site_dir / "_static" / FONTS[0])
        .with_suffix(".woff2")
        .samefile(site_dir / "_static" / font.group(1))
    )
