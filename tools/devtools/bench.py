"""Benchmark of the build and of the pages (``nox -s bench``): a measurement, never a test.

Build, in a temporary copy of the repository (never in the working tree), without the PDF
(printing is timed on its own):

1. cold build (no ``_build``): every notebook executes;
2. rebuild with nothing changed: the up-to-date check, no Sphinx pass;
3. rebuild after one CSV value changed: only the notebook that reads it executes;
4. the PDF printed on top of a forced build.

Targets on the project's 2-core machine: cold at most 20 s, no change at most 1 s, one CSV at
most 60% of cold. "Executed" is the build's own line ("Notebooks executed: ...").

Pages: Lighthouse over HTTP/2 with gzip, as GitHub Pages serves them (``tools/bench``, nginx
with a self-signed certificate), beside a stock Jupyter Book in the same run.

Results go to stdout, ``docs/benchmark.json`` and ``docs/benchmark-build.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from nea_edition import clock
from nea_edition.paths import repo_root

IGNORE = shutil.ignore_patterns(
    "_build", ".nox", ".git", ".venv", "node_modules", "__pycache__", "test-artifacts", "conf.py"
)
CHANGED_CSV = "data/administrations.csv"
TARGETS = {"cold_s": 20.0, "no_change_s": 1.0, "one_csv_share": 0.60}


@dataclass
class BuildRun:
    name: str
    seconds: float
    exit_code: int
    executed: list[str] = field(default_factory=list)
    up_to_date: bool = False


def build(root: Path, name: str, *extra: str, pdf: bool = False) -> BuildRun:
    """One strict build of ``root`` through the project's build driver, timed."""
    # A copy has no .git: give it the edition date of the checkout it was copied from.
    env = {
        **os.environ,
        "SOURCE_DATE_EPOCH": str(clock.source_date_epoch(repo_root())),
        "NEA_EDITION_ROOT": str(root),
        "NEA_EDITION_PDF": "on" if pdf else "off",
    }
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "nea_edition.build", "--root", str(root), *extra],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    log = proc.stdout + proc.stderr
    if proc.returncode != 0:
        print(log[-4000:], file=sys.stderr)
    # the build's own line: "Notebooks executed: book/a.md, book/b.md" (or "none (...)")
    line = re.search(r"^Notebooks executed: (.*)$", log, re.M)
    executed = [] if not line or line.group(1).startswith("none") else line.group(1).split(", ")
    return BuildRun(
        name=name,
        seconds=round(seconds, 2),
        exit_code=proc.returncode,
        executed=sorted(executed),
        up_to_date="Site is up to date" in log,
    )


def change_one_csv(root: Path) -> str:
    """Edit one value of one CSV (a policy banner), keeping the table valid."""
    path = root / CHANGED_CSV
    text = path.read_text(encoding="utf-8")
    new = text.replace("Nordpolitik (Northern Policy)", "Nordpolitik (Northern Policy) [bench]", 1)
    if new == text:
        raise RuntimeError(f"{CHANGED_CSV}: the value the benchmark edits is gone")
    path.write_text(new, encoding="utf-8")
    return f"{CHANGED_CSV}: Roh Tae-woo's policy_banner + ' [bench]'"


def measure_builds(source: Path) -> dict:
    with tempfile.TemporaryDirectory(prefix="nea-bench-") as tmp:
        root = Path(tmp) / "edition"
        shutil.copytree(source, root, ignore=IGNORE)
        cold = build(root, "cold")
        same = build(root, "no change")
        changed = change_one_csv(root)
        one = build(root, "one CSV changed")
        printed = build(root, "forced build with the PDF", "--force", pdf=True)
    runs = [cold, same, one, printed]
    share = one.seconds / cold.seconds if cold.seconds else float("nan")
    return {
        "runs": [asdict(r) for r in runs],
        "changed": changed,
        "one_csv_share": round(share, 3),
        "targets": TARGETS,
        "met": {
            "cold_s": cold.seconds <= TARGETS["cold_s"],
            "no_change_s": same.seconds <= TARGETS["no_change_s"],
            "one_csv_share": share <= TARGETS["one_csv_share"],
        },
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
    }


def render_markdown(result: dict) -> str:
    lines = [
        "# Build benchmark",
        "",
        f"Measured by `nox -s bench` on {result['machine']['cpus']} CPUs, Python"
        f" {result['machine']['python']}, {result['machine']['platform']}. Each build runs"
        " `python -m nea_edition.build` in a fresh copy of the repository; the first three"
        " without the PDF.",
        "",
        "| build | seconds | notebooks executed | up to date |",
        "| --- | ---: | --- | --- |",
    ]
    for run in result["runs"]:
        executed = ", ".join(run["executed"]) or "none"
        lines.append(
            f"| {run['name']} | {run['seconds']:.1f} | {executed} |"
            f" {'yes' if run['up_to_date'] else 'no'} |"
        )
    met = result["met"]
    lines += [
        "",
        f"One CSV changed ({result['changed']}): {result['one_csv_share']:.0%} of the cold build.",
        "",
        "Targets (2-core machine): cold at most 20 s"
        f" ({'met' if met['cold_s'] else 'missed'}), no change at most 1 s"
        f" ({'met' if met['no_change_s'] else 'missed'}), one CSV at most 60% of cold"
        f" ({'met' if met['one_csv_share'] else 'missed'}).",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=None, help="repository (default: this one)")
    parser.add_argument("--out", type=Path, default=None, help="folder for the reports")
    parser.add_argument(
        "--no-lighthouse", action="store_true", help="time the builds only (no page audit)"
    )
    args = parser.parse_args(argv)
    root = (args.root or repo_root()).resolve()
    out = args.out or root / "docs"
    out.mkdir(parents=True, exist_ok=True)
    result = measure_builds(root)
    (out / "benchmark-build.json").write_text(json.dumps(result, indent=1) + "\n")
    markdown = render_markdown(result)
    (out / "benchmark-build.md").write_text(markdown)
    print(markdown)
    if not args.no_lighthouse:
        site = root / "_build" / "html"
        if not (site / "index.html").is_file():
            print("no built site for Lighthouse: run `nox -s build` first", file=sys.stderr)
            return 1
        tool = root / "tools" / "bench" / "http2_lighthouse.py"
        return subprocess.run(
            [
                sys.executable,
                str(tool),
                str(site),
                "--baseline",
                "--out",
                str(out / "benchmark.md"),
            ],
            check=False,
        ).returncode
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
