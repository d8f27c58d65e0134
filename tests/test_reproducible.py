"""Two clean builds of one commit, in two different directories, are byte-identical.

The site must not depend on where it was built or when: no absolute paths, no build dates
(the edition's date comes from the last commit, ``nea_edition.clock``), no random ids, no
unordered output. Each build starts from nothing in its own folder, the folders of different
names and depths; the first executes every notebook afresh, so the two sites also come from two
different executions of each notebook. In CI the second is the session's own site in
``_build/html``, which ``nox -s tests`` has just built from a fresh clone; elsewhere that site
may hold files an earlier configuration left (Sphinx never deletes an output it no longer
writes), so a second copy is built. Both print the PDF (Chromium). Slow: one or two builds.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import ROOT, chromium_missing_reason, copy_repo, run_build, tree_digest

pytestmark = [pytest.mark.build, pytest.mark.browser]


def test_two_clean_builds_in_two_directories_are_byte_identical(
    site_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    if chromium_missing_reason():
        pytest.skip(chromium_missing_reason())
    first = copy_repo(tmp_path_factory.mktemp("one") / "edition", jupyter_cache=False)
    if os.environ.get("CI"):
        second = ROOT
    else:
        second = copy_repo(tmp_path_factory.mktemp("two") / "a" / "deeper" / "copy")
    for copy in (first, second):
        if copy == ROOT:
            continue
        done = run_build(copy, pdf=True)
        assert done.returncode == 0, f"the build in {copy} failed:\n{done.stdout[-3000:]}"
    one, two = tree_digest(first / "_build" / "html"), tree_digest(second / "_build" / "html")
    assert sorted(one) == sorted(two), "the two sites hold different files"
    differing = [name for name in one if one[name] != two[name]]
    assert not differing, f"files that differ between the two builds: {differing}"
    assert len(one) > 50  # a whole site was compared, not an empty folder
    for name in ("index.html", "book/index.html", "searchindex.js", "edition.pdf"):
        assert name in one
    # nothing in the site names the folder it was built in
    for copy in (first, second):
        for path in (copy / "_build" / "html").rglob("*.html"):
            assert str(copy) not in path.read_text(encoding="utf-8"), path
