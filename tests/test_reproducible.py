"""Two clean builds of one commit, in two different directories, are byte-identical.

The site must not depend on where it was built or when: no absolute paths, no build dates
(the edition's date comes from the last commit, ``nea_edition.clock``), no random ids, no
unordered output. Each build starts from a fresh copy of the working tree with no ``_build``,
so jupyter-cache and Sphinx start cold; the copies' folders have different names and depths.
Slow: two cold builds.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from devtools import bench

pytestmark = pytest.mark.build

ROOT = Path(__file__).resolve().parents[1]


def tree_digest(site: Path) -> dict[str, str]:
    """Relative path -> SHA-256 of every file of a built site."""
    return {
        path.relative_to(site).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(site.rglob("*"))
        if path.is_file()
    }


def test_two_clean_builds_in_two_directories_are_byte_identical(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    first = bench.copy_repo(ROOT, tmp_path_factory.mktemp("one") / "edition")
    second = bench.copy_repo(ROOT, tmp_path_factory.mktemp("two") / "a" / "deeper" / "copy")
    for copy in (first, second):
        assert bench.build(copy, "clean", pdf=True).exit_code == 0, f"the build in {copy} failed"
    one, two = tree_digest(first / "_build" / "html"), tree_digest(second / "_build" / "html")
    assert sorted(one) == sorted(two), "the two sites hold different files"
    differing = [name for name in one if one[name] != two[name]]
    assert not differing, f"files that differ between the two builds: {differing}"
    assert len(one) > 50  # a whole site was compared, not an empty folder
    for name in ("index.html", "book/index.html", "searchindex.js"):
        assert name in one
    # nothing in the site names the folder it was built in
    for copy in (first, second):
        site = copy / "_build" / "html"
        for path in site.rglob("*.html"):
            assert str(copy) not in path.read_text(encoding="utf-8"), path
