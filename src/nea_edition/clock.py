"""The edition's "today": the date of the last commit, never the build machine's clock.

A figure that runs "to today" (the incumbent's bar, the last year of the matrix) would otherwise
make two builds of the same commit differ when they run on different days. Following the
reproducible-builds convention, ``SOURCE_DATE_EPOCH`` (seconds since 1970, UTC) names the
moment the sources were last changed; ``nea_edition.build`` sets it from ``git log`` for the
Sphinx run and the notebooks it executes. Outside a build (a notebook opened by hand, a test)
the same rule applies: the variable if set, else the last commit, else the clock.

Dates are those of Korea Standard Time (UTC+9), like every date in ``data/``.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

KST = dt.timezone(dt.timedelta(hours=9), "KST")


def last_commit_epoch(root: Path) -> int | None:
    """Commit time of ``HEAD`` in ``root`` (seconds since the epoch), or None outside git."""
    try:
        out = subprocess.run(
            ["git", "log", "-1", "--format=%ct"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return int(out) if out.isdigit() else None


def source_date_epoch(root: Path | None = None) -> int:
    """``SOURCE_DATE_EPOCH`` if set, else the last commit's time, else now."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if value.isdigit():
        return int(value)
    if root is None:
        from nea_edition.paths import repo_root

        root = repo_root()
    commit = last_commit_epoch(root)
    return commit if commit is not None else int(dt.datetime.now(dt.UTC).timestamp())


def today(root: Path | None = None) -> dt.date:
    """The edition's today, in Korea Standard Time."""
    return dt.datetime.fromtimestamp(source_date_epoch(root), KST).date()


#: Every commit, newest first, as a NUL-marked timestamp followed by the files it touched.
GIT_LOG_NAMES = ("git", "log", "--format=%x00%ct", "--name-only", "--relative", "--no-renames")


def last_changed(root: Path) -> dict[str, dt.date]:
    """The day (KST) of the last commit that touched each tracked file, by POSIX path from
    ``root``; empty outside git. One ``git log`` for the whole tree, newest commit first, so a
    file's first appearance is its last change (the "Last updated" line of every page)."""
    try:
        out = subprocess.run(
            GIT_LOG_NAMES,
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    found: dict[str, dt.date] = {}
    day: dt.date | None = None
    for line in out.splitlines():
        if line.startswith("\0"):
            stamp = line[1:].strip()
            day = dt.datetime.fromtimestamp(int(stamp), KST).date() if stamp.isdigit() else None
        elif line and day is not None:
            found.setdefault(line, day)
    return found
