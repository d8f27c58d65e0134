"""A clean build of the commit in another directory is byte-identical to the session's site.

The site must not depend on where it was built or when: no absolute paths, no build dates
(the edition's date comes from the last commit, ``nea_edition.clock``), no random ids, no
unordered output. The test copies the working tree, with no ``_build`` and no jupyter-cache, to
a folder of another name and depth, with the repository's history (the pages' last-updated
dates come from it), builds it from nothing, PDF included, and compares it file by file with
the site the session tests (``_build/html``). The copy executes every notebook afresh, so the
two sites also come from two different executions of each notebook. In CI the session's site
is itself a clean build of a fresh clone; on a working copy it may be an incremental one,
which must publish the same files too (``tests/test_incremental.py``), so a file that only it
has is named as what an earlier build left behind. Slow: a clean build and a print.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import ROOT, chromium_missing_reason, copy_repo, run_build, tree_digest

pytestmark = [pytest.mark.build, pytest.mark.browser]


def test_a_clean_build_in_another_directory_is_byte_identical_to_the_sessions_site(
    site_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    if chromium_missing_reason():
        pytest.skip(chromium_missing_reason())
    assert (site_dir / "edition.pdf").is_file(), "the session's build printed no PDF"
    copy = copy_repo(
        tmp_path_factory.mktemp("elsewhere") / "a" / "deeper" / "edition",
        jupyter_cache=False,
        git=True,
    )
    done = run_build(copy, pdf=True)
    assert done.returncode == 0, f"the build in {copy} failed:\n{done.stdout[-3000:]}"
    session, clean = tree_digest(site_dir), tree_digest(copy / "_build" / "html")
    left_over = sorted(set(session) - set(clean))
    assert not left_over, (
        f"files in {site_dir} that a clean build does not write (left by an earlier build?"
        f" `nox -s clean build` builds from nothing): {left_over}"
    )
    assert sorted(session) == sorted(clean), "the two sites hold different files"
    differing = [name for name in session if session[name] != clean[name]]
    assert not differing, f"files that differ between the two builds: {differing}"
    assert len(session) > 50  # a whole site was compared, not an empty folder
    for name in ("index.html", "book/index.html", "searchindex.js", "edition.pdf"):
        assert name in session
    # nothing in either site names the folder it was built in
    for root, site in ((copy, copy / "_build" / "html"), (ROOT, site_dir)):
        for path in site.rglob("*.html"):
            assert str(root) not in path.read_text(encoding="utf-8"), path
