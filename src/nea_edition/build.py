"""Build the book strictly and publish it atomically.

Sphinx writes pages as it goes, so a build that fails halfway would leave a half-written site.
We therefore build into ``_build/staging`` (kept between runs, so Sphinx and jupyter-cache can
skip unchanged work) and only when the build succeeded copy it to ``_build/html`` with a
rename, which is atomic on one filesystem. A failed build leaves the last good site in place.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

from nea_edition import validation
from nea_edition.errors import report
from nea_edition.paths import repo_root


def staging_dir(root: Path) -> Path:
    """The persistent working build (doctrees, jupyter cache, staged HTML)."""
    return root / "_build" / "staging"


def run_sphinx(root: Path, *, builder: str = "html", extra: list[str] | None = None) -> int:
    """Run Jupyter Book's Sphinx build strictly: every warning is an error, all listed at once."""
    cmd = [
        str(Path(sys.executable).with_name("jupyter-book")),
        "build",
        str(root),
        "--path-output",
        str(staging_dir(root)),
        "--builder",
        builder,
        "-W",
        "--keep-going",
        *(extra or []),
    ]
    return subprocess.call(cmd, cwd=root)


def publish(root: Path) -> Path:
    """Swap the staged HTML into ``_build/html`` without ever exposing a partial site."""
    staged = staging_dir(root) / "_build" / "html"
    site = root / "_build" / "html"
    incoming = site.with_name("html.incoming")
    outgoing = site.with_name("html.outgoing")
    for leftover in (incoming, outgoing):
        if leftover.exists():
            shutil.rmtree(leftover)
    shutil.copytree(staged, incoming)
    if site.exists():
        site.rename(outgoing)
    incoming.rename(site)
    if outgoing.exists():
        shutil.rmtree(outgoing)
    return site


def validate_inputs(root: Path) -> int:
    """Validate data/ and references.bib; any problem stops the build before a page is written."""
    problems = validation.validate(root / "data", root / "references.bib")
    if problems:
        print(report(problems), file=sys.stderr)
        print(
            f"\nBuild REFUSED: fix the data first; the last good site in {root / '_build' / 'html'}"
            " was left untouched.",
            file=sys.stderr,
        )
        return 1
    return 0


def build(root: Path | None = None, *, extra: list[str] | None = None) -> int:
    """Validate, build and, only on success, publish. Returns a process exit code."""
    root = root or repo_root()
    code = validate_inputs(root) or run_sphinx(root, extra=extra)
    if code != 0:
        print(
            f"\nBuild FAILED (exit {code}); the last good site in {root / '_build' / 'html'}"
            " was left untouched.",
            file=sys.stderr,
        )
        return code
    site = publish(root)
    print(f"\nBuild succeeded: site published to {site}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=None, help="book root (default: this repo)")
    parser.add_argument("--all", action="store_true", help="rebuild every page (Sphinx -E)")
    args = parser.parse_args(argv)
    return build(args.root, extra=["--all"] if args.all else None)


if __name__ == "__main__":
    raise SystemExit(main())
