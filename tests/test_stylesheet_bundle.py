"""One stylesheet per page (site/stylesheet_bundle.py): the same styles, in the same order.

The bundle exists so that a page's text paints after one request for styles instead of twelve
(Lighthouse's mobile first contentful paint: about 2.7 s before, 1.2 s after). What must not
change is what the styles do: every source file is in the bundle whole, in the page's order,
with its imports inlined and its relative URLs still pointing at the same files.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sphinx.errors import ExtensionError

from nea_edition.localserver import site_pages
from nea_edition.site.stylesheet_bundle import BUNDLE_NAME, bundle_text, flatten

BUNDLE = re.compile(re.escape(BUNDLE_NAME).replace(r"\{key\}", r"[0-9a-f]{12}"))


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_imports_are_inlined_and_urls_follow_the_bundle(tmp_path: Path) -> None:
    out = write(
        tmp_path,
        {
            "_static/basic.css": "div.body { margin: 0 }\n",
            "_static/styles/theme.css": '@charset "utf-8";\n/* c */\n@import "../basic.css";\n',
            "_static/styles/main.css": (
                "@font-face { src: url('../vendor/fa.woff2?v=1#x') }\n"
                "a { background: url(data:image/svg+xml;x) }\n"
                "b { background: url(/abs.png) url(https://example.org/x.png) }\n"
                "/*# sourceMappingURL=main.css.map */\n"
            ),
        },
    )
    text = bundle_text(out, ["_static/styles/theme.css", "_static/styles/main.css"])
    assert text.index("div.body { margin: 0 }") < text.index("@font-face")
    assert "@import" not in text and "@charset" not in text and "sourceMappingURL" not in text
    assert "url('vendor/fa.woff2?v=1#x')" in text  # from _static/, where the bundle is
    assert "url(data:image/svg+xml;x)" in text and "url(/abs.png)" in text
    assert "url(https://example.org/x.png)" in text


@pytest.mark.parametrize(
    ("css", "message"),
    [
        ('a { color: red }\n@import "late.css";\n', "@import after its first rule"),
        ('@import "https://example.org/x.css";\n', "not a local file"),
        ('@import "self.css";\n', "imports itself"),
    ],
)
def test_an_import_the_bundle_cannot_honour_fails_the_build(
    tmp_path: Path, css: str, message: str
) -> None:
    out = write(tmp_path, {"_static/self.css": css})
    with pytest.raises(ExtensionError, match=message):
        flatten(out, "_static/self.css", "_static")


def test_a_missing_stylesheet_is_named(tmp_path: Path) -> None:
    with pytest.raises(ExtensionError, match=r"cannot read .*nowhere\.css"):
        bundle_text(tmp_path, ["_static/nowhere.css"])


def _links(html: str) -> list[str]:
    head = BeautifulSoup(html, "html.parser").head
    return [link["href"] for link in head.find_all("link", rel="stylesheet")]


def test_every_page_links_one_stylesheet_holding_all_of_the_themes(site_dir: Path) -> None:
    bundles = set()
    for page in site_pages(site_dir):
        links = _links((site_dir / page).read_text(encoding="utf-8"))
        assert len(links) == 1, (page, links)
        resolved = (site_dir / page).parent / links[0]
        name = resolved.resolve().relative_to(site_dir.resolve()).as_posix()
        assert BUNDLE.fullmatch(name), (page, name)
        bundles.add(resolved.resolve())
    static = site_dir / "_static"
    for bundle in bundles:
        text = bundle.read_text(encoding="utf-8")
        # The theme first (Sphinx's basic.css through its @import), the edition's own last.
        order = ["_static/basic.css", "_static/styles/pydata-sphinx-theme.css"]
        order += ["_static/pygments.css", "_static/edition.css", "_static/print.css"]
        positions = [text.index(f"/* {name} */") for name in order]
        assert positions == sorted(positions), bundle.name
        # Each source whole: its last rule is in the bundle unchanged (URLs aside).
        for name in order[2:]:
            source = (site_dir / name).read_text(encoding="utf-8").strip()
            assert source.splitlines()[-1] in text, (bundle.name, name)
    fonts = re.findall(r"url\(['\"]?([^'\")?#]+\.woff2)", "".join(b.read_text() for b in bundles))
    assert fonts, "the theme's icon font is referenced"
    for font in fonts:
        assert (static / font).is_file(), font
