"""The edition speaks in its own words: no run of 12+ words is shared with the 2009 paper.

The paper is copyrighted and never ships with the edition. The check needs the paper's text,
which the project's workspace keeps in ../shared/seed/; on a reader's machine it is absent and
the test skips with that reason. In CI the folder is present, so the test runs.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("NEA_SHARED_DIR", ROOT.parent / "shared"))
TOOL = SHARED / "tools" / "paper_overlap.py"
PAPER = SHARED / "seed" / "kim-2009-northeast-asian-regionalism-in-korea.txt"


def _missing() -> str | None:
    for needed in (TOOL, PAPER):
        if not needed.is_file():
            return f"{needed} is absent: the paper is not distributed with the edition"
    return None


@pytest.mark.skipif(_missing() is not None and not os.environ.get("CI"), reason=str(_missing()))
def test_no_twelve_word_run_is_shared_with_the_paper() -> None:
    assert _missing() is None, f"in CI the paper must be present: {_missing()}"
    result = subprocess.run(
        [sys.executable, str(TOOL), str(ROOT), "--paper", str(PAPER)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode != 2, f"paper_overlap.py usage error: {result.stderr}"
    assert result.returncode == 0, (
        "passages repeat the paper word for word; rewrite them:\n" + result.stdout
    )


PARAPHRASE_TOOL = SHARED / "tools" / "paraphrase_check.py"


@pytest.mark.skipif(
    (_missing() is not None or not PARAPHRASE_TOOL.is_file()) and not os.environ.get("CI"),
    reason=f"{PARAPHRASE_TOOL} or the paper is absent: the paper is not distributed",
)
def test_summaries_are_short_and_do_not_track_the_paper() -> None:
    """At most 3% of the book's sentences paraphrase the paper closely; each section's summary
    on the edition's pages stays at or under 40% of the section's words (the checker's
    defaults, which are the issue's limits)."""
    assert _missing() is None and PARAPHRASE_TOOL.is_file(), "in CI the checker must be present"
    result = subprocess.run(
        [
            sys.executable,
            str(PARAPHRASE_TOOL),
            str(ROOT),
            "--paper",
            str(PAPER),
            "--max-share",
            "0.03",
            "--max-summary",
            "0.40",
            "--show",
            "20",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode != 2, f"paraphrase_check.py usage error: {result.stderr}"
    assert result.returncode == 0, (
        "the book follows the paper too closely or summarises it at too great length:\n"
        + result.stdout[-4000:]
    )
