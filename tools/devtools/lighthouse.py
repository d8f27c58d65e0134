"""Lighthouse on every page of a built site: the scores the tests assert and the bench reports.

How it is measured: the npm ``lighthouse`` package, pinned in
``tools/a11y/package-lock.json`` and installed with ``npm ci`` (``python -m
devtools.lighthouse install``, which nox runs), in its default configuration: a mobile run
with simulated throttling. Chromium is Debian's (``CHROME_PATH=/usr/bin/chromium``), headless,
with the offline flags of ``devtools.localserver``. Pages come from a local server that
serves them as GitHub Pages does (gzip, ``Cache-Control: max-age=600``:
``localserver.PagesHandler``), since compression and caching are audited.

One Node process and one Chromium run every page in turn (``tools/a11y/lighthouse-pages.mjs``);
starting Chromium once per page would cost more than auditing it. The tests ask only for the
two categories they assert (best practices, SEO), which need no trace and no throttled load;
the bench asks for all four.

Nothing here reaches the network: Lighthouse's error reporting is off, chrome-launcher turns off
Chromium's background services, and every request a run makes is to the local server (the tests
check that from the report's own list of requests).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from devtools.localserver import CHROMIUM, CHROMIUM_ARGS, PagesHandler, serve, site_pages
from nea_edition.paths import repo_root

TOOLS_DIR = repo_root() / "tools" / "a11y"
RUNNER = "lighthouse-pages.mjs"
#: axe-core's browser build, from the same lock (tests/test_a11y.py injects it into each page).
AXE_JS = Path("node_modules") / "axe-core" / "axe.min.js"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
#: What the tests ask Lighthouse for: every page at 100 in each. Performance is the bench's,
#: not a test's; accessibility is axe-core's (tests/test_a11y.py), which runs every rule
#: Lighthouse's accessibility score counts, with the same axe-core, on every page in four
#: viewports and modes, so a Lighthouse run of it would only repeat one of them.
ASSERTED = ("best-practices", "seo")
#: Metrics of the bench table: Lighthouse audit id -> column.
METRICS = {
    "first-contentful-paint": "fcp_ms",
    "largest-contentful-paint": "lcp_ms",
    "total-blocking-time": "tbt_ms",
    "cumulative-layout-shift": "cls",
    "total-byte-weight": "bytes",
}
STAMP = ".nea-edition-installed"
#: Lighthouse waits after first paint, after load, for a quiet network and an idle CPU (a
#: second each by default) so that its performance metrics see the page settle. Without the
#: performance category nothing needs that: the page has loaded (Lighthouse always waits for
#: the load event) and the edition's pages fetch nothing after it (charts draw when scrolled
#: to), so the tests' runs wait a tenth of that (documented settings, lighthouse(url, flags)).
NO_WAITING = {
    "pauseAfterFcpMs": 100,
    "pauseAfterLoadMs": 100,
    "networkQuietThresholdMs": 100,
    "cpuQuietThresholdMs": 100,
}
#: SEO's two accessibility audits, ``document-title`` and ``image-alt``, are axe-core's rules
#: of those names: the only audits outside the accessibility category that need Lighthouse to
#: run axe on the page. Without that category, the tests leave them to their own axe runs
#: (tests/test_a11y.py checks they run them), and Lighthouse skips axe.
AXE_AUDITS_OUTSIDE_ACCESSIBILITY = ["document-title", "image-alt"]


def settings_for(categories: tuple[str, ...] | None) -> dict[str, Any]:
    """Lighthouse settings for a run of ``categories`` (None: all four, as the bench runs)."""
    if categories is None or "performance" in categories:
        return {}
    settings: dict[str, Any] = dict(NO_WAITING)
    if "accessibility" not in categories:
        settings["skipAudits"] = AXE_AUDITS_OUTSIDE_ACCESSIBILITY
    return settings


# ----------------------------------------------------------------------------------------------
# the tools: node, npm ci, the runner


def tools_missing_reason(tools: Path = TOOLS_DIR) -> str | None:
    """Why Lighthouse or axe-core cannot run here, or None."""
    if not shutil.which("node"):
        return "node not found (install Node.js 18.16 or newer: apt-get install nodejs npm)"
    if not CHROMIUM.is_file():
        return f"{CHROMIUM} not found (apt-get install chromium)"
    for needed in (tools / "node_modules" / "lighthouse", tools / AXE_JS):
        if not needed.exists():
            return f"{needed} missing: run `python -m devtools.lighthouse install`"
    if not installed_matches_lock(tools):
        return f"{tools}/node_modules is not what package-lock.json pins: run `... install`"
    return None


def _lock_hash(tools: Path) -> str:
    return hashlib.sha256((tools / "package-lock.json").read_bytes()).hexdigest()


def installed_matches_lock(tools: Path = TOOLS_DIR) -> bool:
    stamp = tools / "node_modules" / STAMP
    return stamp.is_file() and stamp.read_text() == _lock_hash(tools)


def install(tools: Path = TOOLS_DIR) -> bool:
    """``npm ci`` in ``tools`` unless node_modules already holds exactly what the lock pins.

    ``npm ci`` installs the lock's exact versions and checks each package's integrity hash;
    it deletes node_modules first, so it runs only when package-lock.json changed (a stamp in
    node_modules records the lock's hash). Returns whether it installed anything.
    """
    if installed_matches_lock(tools):
        return False
    subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=tools, check=True
    )
    (tools / "node_modules" / STAMP).write_text(_lock_hash(tools))
    return True


def run_lighthouse(
    urls: list[str],
    out: Path,
    categories: tuple[str, ...] | None = None,
    tools: Path = TOOLS_DIR,
) -> list[dict[str, Any]]:
    """Lighthouse's report (LHR) for each URL, in order; one Chromium for all of them."""
    out.mkdir(parents=True, exist_ok=True)
    spec = {
        "urls": urls,
        "out": str(out),
        "categories": list(categories) if categories else None,
        # The list of requests, to show that a run stayed on the local server; in the
        # performance category, so asked for by name when only the others are.
        "audits": ["network-requests"],
        "chromeFlags": ["--headless=new", *CHROMIUM_ARGS],
        "settings": settings_for(categories),
    }
    spec_path = out / "spec.json"
    spec_path.write_text(json.dumps(spec), encoding="utf-8")
    env = {**os.environ, "CHROME_PATH": str(CHROMIUM)}
    proc = subprocess.run(
        ["node", str(tools / RUNNER), str(spec_path)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    reports = []
    for index in range(len(urls)):
        path = out / f"{index}.json"
        reports.append(json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None)
    if proc.returncode != 0 or any(r is None for r in reports):
        raise RuntimeError(
            f"Lighthouse failed (exit {proc.returncode}):\n{proc.stderr[-4000:]}\n"
            + "\n".join(
                f"{u}: {r.get('runtimeError') if r else 'no report'}"
                for u, r in zip(urls, reports, strict=True)
                if not r or r.get("runtimeError")
            )
        )
    return reports


# ----------------------------------------------------------------------------------------------
# reading a report


@dataclass
class PageScores:
    page: str
    scores: dict[str, int | None]
    fcp_ms: float | None = None
    lcp_ms: float | None = None
    tbt_ms: float | None = None
    cls: float | None = None
    bytes: int | None = None
    #: every request the page made, as URLs (to check that none left the local server)
    requests: list[str] = field(default_factory=list)
    #: per category, the audits that did not pass: "id: title (where)"
    failures: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def failing_audits(lhr: dict[str, Any], category: str) -> list[str]:
    """The audits of ``category`` that cost it points, each with up to three of its nodes."""
    failed = []
    for ref in lhr["categories"][category]["auditRefs"]:
        audit = lhr["audits"][ref["id"]]
        if ref.get("weight", 0) == 0 or audit.get("score") is None or audit["score"] >= 1:
            continue
        where = []
        for item in (audit.get("details") or {}).get("items", [])[:3]:
            node = item.get("node") if isinstance(item, dict) else None
            where.append(
                (node or {}).get("selector") or str(item.get("url") or item.get("source") or "")
            )
        detail = f" ({'; '.join(w for w in where if w)})" if any(where) else ""
        failed.append(f"{ref['id']}: {audit['title']}{detail}")
    return failed


def summarise(page: str, lhr: dict[str, Any]) -> PageScores:
    """What the bench table and the tests need from one report."""
    scores = {}
    failures = {}
    for name, category in lhr["categories"].items():
        score = category.get("score")
        scores[name] = None if score is None else round(score * 100)
        if score is not None and score < 1:
            failures[name] = failing_audits(lhr, name)
    result = PageScores(page=page, scores=scores, failures=failures)
    for audit_id, column in METRICS.items():
        audit = lhr["audits"].get(audit_id)
        if audit and audit.get("numericValue") is not None:
            value = audit["numericValue"]
            setattr(result, column, int(value) if column == "bytes" else round(value, 3))
    network = lhr["audits"].get("network-requests", {}).get("details", {}).get("items", [])
    result.requests = [item["url"] for item in network]
    result.warnings = list(lhr.get("runWarnings", []))
    return result


def measure_site(
    site: Path, categories: tuple[str, ...] | None = None, runs: int = 1
) -> tuple[list[PageScores], dict[str, Any]]:
    """Lighthouse on every page of ``site`` (``localserver.site_pages``), served like Pages.

    With ``runs`` > 1 each page is audited that many times and the run with the median
    performance score is kept (Lighthouse's own advice for noisy metrics). Returns the pages
    and a description of the run (Lighthouse and Chromium versions, the CPU benchmark).
    """
    pages = site_pages(site)
    with serve(site, PagesHandler) as base, tempfile.TemporaryDirectory() as tmp:
        urls = [f"{base}/{page}" for page in pages] * runs
        reports = run_lighthouse(urls, Path(tmp), categories)
    results = []
    for index, page in enumerate(pages):
        candidates = [summarise(page, reports[index + k * len(pages)]) for k in range(runs)]
        candidates.sort(key=lambda p: p.scores.get("performance") or 0)
        kept = candidates[len(candidates) // 2]
        kept.requests = [u.replace(base, "", 1) if u.startswith(base) else u for u in kept.requests]
        results.append(kept)
    first = reports[0]
    chromium = subprocess.run([str(CHROMIUM), "--version"], capture_output=True, text=True)
    about = {
        "lighthouse": first["lighthouseVersion"],
        "chromium": chromium.stdout.strip(),
        "benchmark_index": statistics.median(
            r["environment"].get("benchmarkIndex", 0) for r in reports
        ),
        "form_factor": first["configSettings"]["formFactor"],
        "throttling": first["configSettings"]["throttlingMethod"],
        "runs": runs,
    }
    return results, about


# ----------------------------------------------------------------------------------------------
# the stock Jupyter Book baseline


def build_stock_book(workdir: Path) -> Path:
    """``jupyter-book create`` a stock book in ``workdir`` and build it; returns its site.

    The same locked jupyter-book (and so the same Sphinx and themes) the edition is built
    with, from the virtualenv this runs in, with the template's configuration untouched.
    """
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    book = workdir / "stock-book"
    subprocess.run([str(jupyter_book), "create", str(book)], check=True, capture_output=True)
    proc = subprocess.run(
        [str(jupyter_book), "build", str(book)], capture_output=True, text=True, check=False
    )
    site = book / "_build" / "html"
    if proc.returncode != 0 or not (site / "intro.html").is_file():
        raise RuntimeError(f"the stock Jupyter Book did not build:\n{proc.stdout[-3000:]}")
    return site


def bench(site: Path, runs: int = 1) -> dict[str, Any]:
    """The bench's Lighthouse stage: every page of ``site`` and of a stock Jupyter Book."""
    start = time.perf_counter()
    edition, about = measure_site(site, runs=runs)
    with tempfile.TemporaryDirectory(prefix="nea-stock-book-") as tmp:
        stock, _ = measure_site(build_stock_book(Path(tmp)), runs=runs)
    from importlib.metadata import version

    return {
        "about": {**about, "jupyter_book": version("jupyter-book")},
        "seconds": round(time.perf_counter() - start, 1),
        "edition": [asdict(p) for p in edition],
        "stock": [asdict(p) for p in stock],
    }


def _row(page: dict[str, Any]) -> str:
    s = page["scores"]

    def num(value: float | None, fmt: str) -> str:
        return "n/a" if value is None else format(value, fmt)

    return (
        f"| {page['page']} | {num(s.get('performance'), 'd')} | {num(s.get('accessibility'), 'd')}"
        f" | {num(s.get('best-practices'), 'd')} | {num(s.get('seo'), 'd')}"
        f" | {num(page['fcp_ms'] and page['fcp_ms'] / 1000, '.1f')}"
        f" | {num(page['lcp_ms'] and page['lcp_ms'] / 1000, '.1f')}"
        f" | {num(page['tbt_ms'], '.0f')} | {num(page['cls'], '.3f')}"
        f" | {num(page['bytes'] and page['bytes'] / 1000, ',.0f')} |"
    )


def render_markdown(result: dict[str, Any]) -> str:
    """The bench's Lighthouse section: a table for the edition, one for the stock book."""
    about = result["about"]
    header = [
        "| page | perf. | access. | best pr. | SEO | FCP (s) | LCP (s) | TBT (ms) | CLS | kB |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    lines = [
        "### Lighthouse",
        "",
        f"Lighthouse {about['lighthouse']} in its default run ({about['form_factor']},"
        f" {about['throttling']}d throttling) with {about['chromium']}, headless; Lighthouse's"
        f" CPU benchmark index on this machine: {about['benchmark_index']:.0f}. Each page"
        f" audited {about['runs']} time(s), the run with the median performance score kept."
        " Pages served from 127.0.0.1 as GitHub Pages serves them (gzip,"
        " `Cache-Control: max-age=600`). kB: bytes transferred as Lighthouse counts them."
        f" Took {result['seconds']:.0f} s.",
        "",
        *header,
        *(_row(p) for p in result["edition"]),
        "",
        f"Stock Jupyter Book ({about['jupyter_book']}: `jupyter-book create`, built unchanged"
        " with the same locked versions), measured the same way:",
        "",
        *header,
        *(_row(p) for p in result["stock"]),
        "",
    ]
    costs: dict[str, dict[str, int]] = {}
    for page in result["edition"]:
        for category, fails in page["failures"].items():
            for fail in fails:
                audit = fail.split(" (")[0]
                costs.setdefault(category, {}).setdefault(audit, 0)
                costs[category][audit] += 1
    if costs:
        lines += ["What costs the edition points (audit: pages):", ""]
        for category, audits in sorted(costs.items()):
            listed = "; ".join(f"{a} ({n})" for a, n in sorted(audits.items()))
            lines.append(f"- {category}: {listed}")
        lines.append("")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("install", help="npm ci in tools/a11y unless already as locked")
    run = sub.add_parser("run", help="Lighthouse on every page of a built site")
    run.add_argument("--site", type=Path, default=repo_root() / "_build" / "html")
    run.add_argument("--categories", nargs="*", default=None, choices=CATEGORIES)
    run.add_argument("--runs", type=int, default=1)
    run.add_argument("--stock", action="store_true", help="also the stock Jupyter Book")
    args = parser.parse_args(argv)
    if args.command == "install":
        print("installed" if install() else "tools/a11y/node_modules already as locked")
        return 0
    if args.stock:
        result = bench(args.site, runs=args.runs)
        print(render_markdown(result))
        return 0
    pages, about = measure_site(args.site, tuple(args.categories or ()) or None, args.runs)
    print(json.dumps(about))
    for p in pages:
        print(p.page, p.scores, p.fcp_ms, p.lcp_ms, p.tbt_ms, p.cls, p.bytes)
        for category, fails in p.failures.items():
            for fail in fails:
                print(f"    {category}: {fail}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
