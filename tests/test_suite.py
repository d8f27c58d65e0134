"""The test suite's own rules: what pytest-xdist must keep together.

``pytest -n auto --dist loadgroup`` (the default, ``pyproject.toml``) spreads tests over one
worker per core. A module- or session-scoped fixture is computed once per worker that runs a
test using it, so the modules that define an expensive one are pinned to one worker by
``helpers.XDIST_GROUPS`` (``conftest.py`` adds the marks). A module missing from it would still
pass, only slower: this test keeps the map complete.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

from helpers import XDIST_GROUPS

TESTS = Path(__file__).resolve().parent


def shared_fixtures(path: Path) -> set[str]:
    """Names of the module- or session-scoped fixtures a file defines."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.FunctionDef):
            continue
        for decorator in node.decorator_list:
            if isinstance(decorator, ast.Call) and any(
                k.arg == "scope"
                and isinstance(k.value, ast.Constant)
                and k.value.value in ("module", "session")
                for k in decorator.keywords
            ):
                found.add(node.name)
    return found


def uses(path: Path, fixture: str) -> bool:
    """Whether a test or fixture of the file takes ``fixture`` as an argument."""
    return any(
        isinstance(node, ast.FunctionDef) and fixture in {a.arg for a in node.args.args}
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
    )


def test_every_module_with_a_shared_fixture_runs_in_one_worker() -> None:
    modules = sorted(TESTS.glob("test_*.py"))
    assert len(modules) > 20
    ungrouped = [p.name for p in modules if shared_fixtures(p) and p.name not in XDIST_GROUPS]
    assert not ungrouped, f"add these to helpers.XDIST_GROUPS: {ungrouped}"
    assert not set(XDIST_GROUPS) - {p.name for p in modules}, "XDIST_GROUPS names no such module"


def test_the_page_visits_are_made_once() -> None:
    """Every module using conftest's page visits (a session fixture) is in one group."""
    users = {p.name for p in TESTS.glob("test_*.py") if uses(p, "page_visits")}
    assert users, "no module uses page_visits"
    assert {XDIST_GROUPS.get(name) for name in users} == {"page-visits"}


def test_the_map_reader_sees_a_module_fixture(tmp_path: Path) -> None:
    planted = tmp_path / "test_planted.py"
    planted.write_text(
        "import pytest\n\n@pytest.fixture(scope='module')\ndef costly(page_visits):\n"
        "    return 1\n\n@pytest.fixture\ndef cheap():\n    return 2\n",
        encoding="utf-8",
    )
    assert shared_fixtures(planted) == {"costly"}
    assert uses(planted, "page_visits")


def test_loadgroup_keeps_a_group_in_one_worker(tmp_path: Path) -> None:
    """pytest-xdist's grouping works with the installed pytest (it silently stopped on 9.2).

    A planted suite of two modules whose tests all carry one group runs with two workers:
    every test must report the same worker. If this fails, the suite still passes but each
    worker recomputes the shared fixtures (see the pin in pyproject.toml).
    """
    for name in ("test_one.py", "test_two.py"):
        (tmp_path / name).write_text(
            "import pytest\n\npytestmark = pytest.mark.xdist_group('together')\n\n"
            "@pytest.mark.parametrize('i', range(6))\ndef test_it(i):\n    pass\n",
            encoding="utf-8",
        )
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-n", "2", "--dist", "loadgroup", "-v", "-p",
         "no:cacheprovider", "-c", os.devnull, "--rootdir", str(tmp_path), str(tmp_path)],
        capture_output=True, text=True, check=False, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:]
    workers = set(re.findall(r"^\[(gw\d+)\] .*PASSED", done.stdout, re.M))
    assert len(re.findall(r"PASSED", done.stdout)) == 12, done.stdout[-2000:]
    assert len(workers) == 1, f"the group was split over {sorted(workers)}:\n{done.stdout}"
