"""Two clean builds of one commit, in two different directories, are byte-identical.

The site must not depend on where it was built or when: no absolute paths, no build dates
(the edition's date comes from the last commit, ``nea_edition.clock``), no random ids, no
unordered output. Each build starts from a fresh copy of the working tree, with no
``_build``, in folders of different names and depths, each with the repository's history (the
pages' last-updated dates come from it). The first copy executes every notebook afresh; the
second takes the executions of the main build's jupyter-cache, so the two sites also come from
two different executions of each notebook. Both print the PDF (Chromium). Slow: two clean
builds.
"""

from __future__ import annotations

import pytest
from helpers import chromium_missing_reason, copy_repo, run_build, tree_digest

pytestmark = [pytest.mark.build, pytest.mark.browser]


def test_two_clean_builds_in_two_directories_are_byte_identical(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    if chromium_missing_reason():
        pytest.skip(chromium_missing_reason())
    first = copy_repo(tmp_path_factory.mktemp("one") / "edition", jupyter_cache=False, git=True)
    second = copy_repo(tmp_path_factory.mktemp("two") / "a" / "deeper" / "copy", git=True)
    for copy in (first, second):
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
