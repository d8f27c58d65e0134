"""A change to data/ reaches the rebuilt page; a rebuild with nothing changed runs no notebook.

jupyter-cache keys notebooks on their code only, so without ``nea_edition.site.extension``'s
fingerprint cell a CSV edit would leave the old figure in place. This test builds a temporary
copy of the repository (never the working tree), edits one CSV value, rebuilds through the
normal build driver (no ``--all``), and looks for the new value in the page; the value carries
a ``<script>`` so the test also checks that data text arrives escaped and never runs. A last
rebuild with nothing changed must execute no notebook. Slow: three builds, a few minutes.
"""

from __future__ import annotations

import html
import os
from pathlib import Path

import pytest

from devtools import bench
from devtools.localserver import serve
from nea_edition.site import warm_kernels

pytestmark = pytest.mark.build

ROOT = Path(__file__).resolve().parents[1]
PAGE = "book/02-strategic-thought/figure-administrations.html"
MARK = "DATACHANGE-7f3a"
PAYLOAD = f"{MARK} <script>alert(1)</script>"


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory: pytest.TempPathFactory) -> dict:
    copy = bench.copy_repo(ROOT, tmp_path_factory.mktemp("data-change") / "repo")
    first = bench.build(copy, "cold")
    assert first.exit_code == 0, "the cold build of the copy failed"
    before = (copy / "_build" / "html" / PAGE).read_text(encoding="utf-8")
    csv_path = copy / "data" / "administrations.csv"
    text = csv_path.read_text(encoding="utf-8")
    assert "Nordpolitik (Northern Policy)" in text
    csv_path.write_text(text.replace("Nordpolitik (Northern Policy)", PAYLOAD, 1), "utf-8")
    second = bench.build(copy, "one CSV changed")
    after = (copy / "_build" / "html" / PAGE).read_text(encoding="utf-8")
    third = bench.build(copy, "no change")
    forced = bench.build(copy, "no change, Sphinx pass forced", "--force")
    return {
        "copy": copy,
        "first": first,
        "second": second,
        "third": third,
        "forced": forced,
        "before": before,
        "after": after,
    }


def notebook_pages() -> list[Path]:
    """The book's MyST notebooks: pages whose front matter names a kernel."""
    return [p for p in (ROOT / "book").rglob("*.md") if "kernelspec:" in p.read_text("utf-8")]


def test_cold_build_executes_every_notebook(rebuilt: dict) -> None:
    assert rebuilt["first"].executed == len(notebook_pages()) >= 4


def declaring(table: str) -> list[str]:
    """The notebook pages whose front matter declares ``table`` among their inputs."""
    from nea_edition.site.notebook_inputs import declared_tables

    return sorted(
        p.relative_to(ROOT).with_suffix("").as_posix()
        for p in notebook_pages()
        if table in (declared_tables(p.read_text("utf-8")) or ())
    )


def test_a_csv_change_reaches_the_page(rebuilt: dict) -> None:
    assert rebuilt["second"].exit_code == 0
    assert rebuilt["second"].executed >= 1
    assert MARK not in rebuilt["before"]
    assert MARK in rebuilt["after"]


def test_a_csv_change_reexecutes_the_notebooks_that_read_it_and_no_other(rebuilt: dict) -> None:
    executed = rebuilt["second"].executed_pages
    assert executed == declaring("administrations")
    assert "book/02-strategic-thought/figure-administrations" in executed
    # the membership matrix reads no administration: it must not run again
    assert "book/04-security-cooperation/figure-membership-matrix" not in executed
    # their kernels started while Sphinx was starting up, one per core (site.warm_kernels)
    assert rebuilt["second"].warm == executed[: os.cpu_count() or 1]


def test_no_kernel_starts_early_when_no_notebook_input_changed(rebuilt: dict) -> None:
    assert rebuilt["forced"].exit_code == 0
    assert not rebuilt["forced"].warm
    assert warm_kernels.STARTED_MESSAGE not in rebuilt["forced"].log


def test_the_changed_text_arrives_escaped(rebuilt: dict) -> None:
    page = rebuilt["after"]
    # the raw tag never appears; in the table it is an HTML entity, in the chart JSON \u003c
    assert "<script>alert(1)</script>" not in page
    assert html.escape(PAYLOAD, quote=False) in page  # data table cell
    assert "\\u003cscript\\u003e" in page or "\\u0026lt;script" in page  # chart spec


def test_a_rebuild_with_nothing_changed_executes_nothing(rebuilt: dict) -> None:
    assert rebuilt["third"].exit_code == 0
    assert rebuilt["third"].executed == 0
    # Past the build driver's up-to-date check, Sphinx and jupyter-cache still run nothing.
    assert rebuilt["forced"].exit_code == 0
    assert rebuilt["forced"].executed == 0


@pytest.mark.browser
def test_the_changed_text_shows_as_text_in_the_browser(rebuilt: dict, browser) -> None:
    site = rebuilt["copy"] / "_build" / "html"
    dialogs: list[str] = []
    with serve(site) as base:
        page = browser.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(f"{base}/{PAGE}")
        # (charts are drawn as they come into view: bring it there, as a reader would)
        page.locator(".nea-chart").first.scroll_into_view_if_needed()
        page.wait_for_selector('html[data-nea-charts-drawn="1"]', timeout=20_000)
        cell = page.locator("details.nea-data td", has_text=MARK).first
        assert cell.text_content() == PAYLOAD  # shown as text
        # hover text: plotly decodes the entities and draws the characters as SVG text
        hover = page.locator(".nea-chart-plot").evaluate(
            """gd => {
                const who = 'Roh Tae-woo';
                const i = gd.data.findIndex(t => t.type === 'bar' && t.y.includes(who));
                const j = gd.data[i].y.indexOf(who);
                Plotly.Fx.hover(gd, [{curveNumber: i, pointNumber: j}]);
                return document.querySelector('.hoverlayer').textContent;
            }"""
        )
        assert PAYLOAD in hover
        assert page.locator(".hoverlayer script").count() == 0
        page.close()
    assert not dialogs
