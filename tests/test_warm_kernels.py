"""Kernels started early: which notebooks get one, and that a notebook runs the same in it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest
from jupyter_cache.executors.utils import single_nb_execution

from nea_edition.site import warm_kernels
from nea_edition.site.notebook_inputs import Fingerprints, declared_tables
from nea_edition.toc import toc_pages

ROOT = Path(__file__).resolve().parents[1]
FIGURE = "book/02-strategic-thought/figure-administrations"


@pytest.fixture
def book(tmp_path: Path) -> Path:
    """The edition's pages, data and table of contents (no build output)."""
    root = tmp_path / "root"
    shutil.copytree(ROOT / "book", root / "book", ignore=shutil.ignore_patterns("_generated"))
    shutil.copytree(ROOT / "data", root / "data")
    shutil.copy(ROOT / "_toc.yml", root / "_toc.yml")
    return root


def notebooks(root: Path) -> list[str]:
    root_doc, pages = toc_pages(root)
    return sorted(
        docname
        for docname in {root_doc, *(page.docname for page in pages)}
        if (root / f"{docname}.md").is_file()
        and "kernelspec" in (root / f"{docname}.md").read_text(encoding="utf-8")
    )


def record_of(root: Path) -> dict[str, str]:
    """The record a good build of ``root`` would leave: every notebook's inputs as they are."""
    fingerprints = Fingerprints(root)
    return {
        docname: fingerprints.of(declared_tables((root / f"{docname}.md").read_text("utf-8")))
        for docname in notebooks(root)
    }


def test_without_a_record_every_notebook_counts_as_changed(book: Path) -> None:
    changed = warm_kernels.changed_notebooks(book, book / "no-record.json")
    assert [docname for docname, _, _ in changed] == notebooks(book)
    assert FIGURE in notebooks(book)
    assert all(kernel == "python3" for _, _, kernel in changed)


def test_only_the_notebooks_that_read_a_changed_table_count_as_changed(book: Path) -> None:
    record = book / "record.json"
    warm_kernels.write_record(book, record_of(book))
    shutil.move(book / warm_kernels.RECORD_NAME, record)
    assert warm_kernels.changed_notebooks(book, record) == []

    csv = book / "data" / "administrations.csv"
    csv.write_text(csv.read_text("utf-8").replace("Nordpolitik", "Nordpolitik!", 1), "utf-8")
    changed = [docname for docname, _, _ in warm_kernels.changed_notebooks(book, record)]
    readers = [
        docname
        for docname in notebooks(book)
        if "administrations" in (declared_tables((book / f"{docname}.md").read_text("utf-8")) or ())
    ]
    assert changed == readers
    assert FIGURE in changed
    assert "book/04-security-cooperation/figure-membership-matrix" not in changed


def test_the_record_is_rewritten_only_when_it_changes(tmp_path: Path) -> None:
    warm_kernels.write_record(tmp_path, {"b": "2", "a": "1"})
    path = tmp_path / warm_kernels.RECORD_NAME
    assert json.loads(path.read_text("utf-8")) == {"a": "1", "b": "2"}
    before = path.stat().st_mtime_ns
    warm_kernels.write_record(tmp_path, {"a": "1", "b": "2"})
    assert path.stat().st_mtime_ns == before


def test_no_record_named_means_no_kernel(book: Path) -> None:
    assert warm_kernels.start(book, None) == []


PROBE = [
    "import os, sys\nprint(os.getcwd())",
    "from nea_edition import figures\nfigures.__name__",
    "print(sorted(k for k in os.environ if k.startswith('NEA_EDITION_VALIDATION')))",
    "'nea_edition.figures' in sys.modules, 6 * 7",
]


def probe_notebook() -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in PROBE]
    return notebook


def outputs(notebook: nbformat.NotebookNode) -> list[tuple[object, list[dict]]]:
    return [(cell.execution_count, cell.outputs) for cell in notebook.cells]


def test_a_notebook_runs_in_a_warm_kernel_exactly_as_in_a_fresh_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same outputs, same execution counts, same working directory and environment."""
    fresh = probe_notebook()
    result = single_nb_execution(
        fresh, cwd=str(tmp_path), timeout=120, allow_errors=False, shutdown_kernel="immediate"
    )
    assert result.err is None

    # A warm kernel starts before the validation gate is read (and its variable removed):
    # it must not inherit the variable the fresh kernel, started after the gate, never sees.
    monkeypatch.setenv("NEA_EDITION_VALIDATION_GATE", "99")
    kernel = warm_kernels.WarmKernel("probe", tmp_path, "python3")
    warm = probe_notebook()
    try:
        assert kernel.is_warm(), "the kernel started and imported what the notebooks import"
        warm_result = kernel.run(warm, timeout=120, allow_errors=False)
    finally:
        kernel.release()
        kernel.join(timeout=60)
    assert warm_result is not None and warm_result.err is None
    assert outputs(warm) == outputs(fresh)
    assert [cell.execution_count for cell in warm.cells] == [1, 2, 3, 4]
    assert str(tmp_path) in warm.cells[0].outputs[0]["text"]


def test_an_unused_warm_kernel_is_shut_down(tmp_path: Path) -> None:
    kernel = warm_kernels.WarmKernel("unused", tmp_path, "python3")
    kernel.release()
    kernel.join(timeout=60)
    assert not kernel._thread.is_alive()


def test_a_notebook_for_another_kernel_is_not_run_in_a_warm_one(tmp_path: Path) -> None:
    kernel = warm_kernels.WarmKernel("other", tmp_path, "python3")
    notebook = probe_notebook()
    notebook.metadata["kernelspec"]["name"] = "ir"
    try:
        assert kernel.run(notebook, timeout=120, allow_errors=False) is None
    finally:
        kernel.join(timeout=60)
    assert not kernel._thread.is_alive()
    assert all(cell.execution_count is None for cell in notebook.cells)
