"""Lighthouse over HTTP/2: built sites served by nginx as GitHub Pages serves them.

A developer tool, outside the edition's package (which never imports it), standard library
only. It measures page speed the way a reader on GitHub Pages meets it: HTTP/2 over TLS, gzip,
``Cache-Control: max-age=600``. Lighthouse's simulated throttling models a page's connections
from the requests it observed, so the protocol matters: over HTTP/1.x each stylesheet or script
waits for a connection of its own (six at most), over HTTP/2 they share one.

Usage (from the repository root)::

    python tools/bench/http2_lighthouse.py SITE [SITE ...] [--baseline] [--runs 3]
        [--pages book/index.html book/data.html ...] [--reference NAME] [--compare A:B ...]
        [--out docs/benchmark.md] [--json docs/benchmark.json]
    python tools/bench/http2_lighthouse.py SITE --serve      # serve only, until Ctrl-C

``SITE`` is a built site folder (``_build/html``), or ``NAME=FOLDER`` to name it in the report
(several sites are measured side by side, e.g. variants of one build). Without ``--pages`` every
HTML page of the first site is audited (not ``_static``, ``genindex``, ``search``, the root
redirect). ``--baseline`` adds a stock Jupyter Book (``jupyter-book create``, built unchanged
with the ``jupyter-book`` found beside this Python or on PATH, so run it with the build
virtualenv's Python, ``.nox/build/bin/python``), all of whose pages are audited too.
``--reference NAME`` adds a table of what that site gains over each other one, ``--compare A:B``
one of what A gains over B. ``--from-json FILE`` renders the report of an earlier run again.

How it measures:

* each site gets its own nginx (``/usr/sbin/nginx``, run in the foreground as a child process,
  with a generated configuration, a self-signed certificate from ``openssl req -x509`` and its
  pid, logs and temporary files in a temporary folder), listening on a free port of 127.0.0.1
  with TLS and HTTP/2, gzip for the types GitHub Pages compresses, ``max-age=600``;
* curl checks each server before any audit: that it answers over HTTP/2, and gzips HTML, CSS
  and JavaScript when asked; the report records what curl saw;
* Lighthouse is the npm package pinned in ``tools/a11y/package-lock.json`` (``npm ci`` there
  if node_modules is missing), run through its CLI in its default configuration (mobile,
  simulated throttling), one fresh headless Chromium (``/usr/bin/chromium``) per audit, so no
  connection or cache survives from one audit to the next;
* every page is audited ``--runs`` times (default 3), interleaved: run 1 of page 1 on every site
  in turn, then page 2, ..., then run 2, so load on a shared machine falls on all sites alike.
  Each metric is reported as its median over the runs, with min-max.

Results: JSON (every run) and a Markdown report. A block of the existing Markdown report
between ``<!-- keep -->`` and ``<!-- /keep -->`` (conclusions written by hand) is carried over
into the new one.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
NGINX = Path("/usr/sbin/nginx")
CHROMIUM = Path("/usr/bin/chromium")
LIGHTHOUSE_DIR = ROOT / "tools" / "a11y"
LIGHTHOUSE_CLI = LIGHTHOUSE_DIR / "node_modules" / "lighthouse" / "cli" / "index.js"
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--ignore-certificate-errors",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
#: Lighthouse's four categories, each scored 0-100 in the tables (perf., a11y, best practices, SEO).
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
#: Lighthouse audit id -> key in the results.
METRICS = {
    "first-contentful-paint": "fcp_ms",
    "largest-contentful-paint": "lcp_ms",
    "total-blocking-time": "tbt_ms",
    "cumulative-layout-shift": "cls",
    "speed-index": "si_ms",
    "total-byte-weight": "bytes",
}
#: What GitHub Pages compresses (nginx always compresses text/html once gzip is on).
GZIP_TYPES = (
    "text/css",
    "text/javascript",
    "application/javascript",
    "application/json",
    "application/ld+json",
    "image/svg+xml",
    "application/xml",
    "text/xml",
    "text/plain",
    "text/csv",
)
#: The content types the server sends, by extension (as GitHub Pages does for these).
MIME_TYPES = {
    "text/html": "html htm",
    "text/css": "css",
    "application/javascript": "js mjs",
    "application/json": "json map",
    "image/svg+xml": "svg svgz",
    "application/xml": "xml",
    "text/plain": "txt bib ris md",
    "text/csv": "csv",
    "image/png": "png",
    "image/jpeg": "jpg jpeg",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/x-icon": "ico",
    "font/woff": "woff",
    "font/woff2": "woff2",
    "font/ttf": "ttf",
    "application/pdf": "pdf",
    "application/wasm": "wasm",
}
#: Pages never audited when pages are found automatically.
SKIP_PAGES = {"genindex.html", "search.html", "py-modindex.html"}
KEEP = re.compile(r"<!-- keep -->.*?<!-- /keep -->", re.S)


# ----------------------------------------------------------------------------------------------
# nginx over HTTP/2


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def nginx_version() -> tuple[int, ...]:
    out = subprocess.run([str(NGINX), "-v"], capture_output=True, text=True).stderr
    found = re.search(r"nginx/(\d+)\.(\d+)\.(\d+)", out)
    if not found:
        raise RuntimeError(f"cannot read nginx's version from {out!r}")
    return tuple(int(n) for n in found.groups())


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (EC P-256, two days), and its key."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def nginx_config(site: Path, folder: Path, port: int, cert: Path, key: Path) -> str:
    """nginx's whole configuration: one TLS + HTTP/2 server of ``site``, paths in ``folder``."""
    # nginx 1.25.1 made HTTP/2 a directive of its own; 1.22 (Debian 12) has only the listen flag.
    if nginx_version() >= (1, 25, 1):
        listen = f"listen 127.0.0.1:{port} ssl;\n        http2 on;"
    else:
        listen = f"listen 127.0.0.1:{port} ssl http2;"
    # As root the workers would run as nobody, who may not read the site: keep our own user.
    user = "user root root;\n" if os.geteuid() == 0 else ""
    types = "\n".join(f"        {mime} {exts};" for mime, exts in MIME_TYPES.items())
    temp = "\n".join(
        f"    {kind}_temp_path {folder / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    not_found = "error_page 404 /404.html;" if (site / "404.html").is_file() else ""
    return f"""# generated by tools/bench/http2_lighthouse.py
{user}daemon off;
master_process on;
worker_processes 1;
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} warn;
events {{ worker_connections 512; }}
http {{
    types {{
{types}
    }}
    default_type application/octet-stream;
    access_log {folder / "access.log"};
{temp}
    sendfile on;
    tcp_nodelay on;
    keepalive_timeout 65;
    charset utf-8;
    charset_types text/css application/javascript text/plain text/xml image/svg+xml;
    gzip on;
    gzip_comp_level 6;
    gzip_min_length 256;
    gzip_vary on;
    gzip_proxied any;
    gzip_types {" ".join(GZIP_TYPES)};
    server {{
        {listen}
        server_name 127.0.0.1 localhost;
        ssl_certificate {cert};
        ssl_certificate_key {key};
        ssl_protocols TLSv1.2 TLSv1.3;
        root {site};
        index index.html;
        add_header Cache-Control "max-age=600" always;
        {not_found}
        location / {{
            try_files $uri $uri/ $uri.html =404;
        }}
    }}
}}
"""


@dataclass
class Server:
    site: Path
    base: str
    folder: Path


@contextlib.contextmanager
def serve(site: Path) -> Iterator[Server]:
    """nginx serving ``site`` on https://127.0.0.1:PORT (HTTP/2) until the block ends."""
    if not NGINX.is_file():
        raise RuntimeError(f"{NGINX} not found (apt-get install nginx-light or nginx)")
    with tempfile.TemporaryDirectory(prefix="nea-nginx-") as tmp:
        folder = Path(tmp)
        cert, key = make_certificate(folder)
        port = free_port()
        conf = folder / "nginx.conf"
        conf.write_text(nginx_config(site.resolve(), folder, port, cert, key), encoding="utf-8")
        # -e (1.19.5+): the error log before the configuration is read, not /var/log/nginx.
        proc = subprocess.Popen(
            [str(NGINX), "-p", str(folder), "-c", str(conf), "-e", str(folder / "error.log")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            deadline = time.monotonic() + 10
            while True:
                if proc.poll() is not None:
                    log = (folder / "error.log").read_text(errors="replace")
                    raise RuntimeError(f"nginx exited ({proc.returncode}):\n{log[-2000:]}")
                with (
                    contextlib.suppress(OSError),
                    socket.create_connection(("127.0.0.1", port), timeout=0.2),
                ):
                    break
                if time.monotonic() > deadline:
                    raise RuntimeError("nginx did not listen within 10 s")
                time.sleep(0.05)
            yield Server(site=site, base=f"https://127.0.0.1:{port}", folder=folder)
        finally:
            proc.send_signal(signal.SIGQUIT)  # graceful stop of the master and its worker
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def curl_check(base: str, paths: list[str]) -> list[dict[str, Any]]:
    """What curl sees of ``paths`` over HTTP/2 with ``Accept-Encoding: gzip``: protocol,
    status, content type and encoding, cache header, bytes on the wire."""
    seen = []
    for path in paths:
        proc = subprocess.run(
            [
                "curl",
                "-sk",
                "--http2",
                "-H",
                "Accept-Encoding: gzip",
                "-o",
                os.devnull,
                "-D",
                "-",
                "-w",
                "\n%{http_version} %{size_download}",
                f"{base}/{path}",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        lines = proc.stdout.strip().splitlines()
        version, size = lines[-1].split()
        headers = {}
        for line in lines[1:-1]:
            name, _, value = line.partition(":")
            if value:
                headers[name.strip().lower()] = value.strip()
        seen.append(
            {
                "path": path,
                "status_line": lines[0].strip(),
                "http_version": version,
                "content_type": headers.get("content-type", ""),
                "content_encoding": headers.get("content-encoding", ""),
                "cache_control": headers.get("cache-control", ""),
                "bytes_on_wire": int(size),
                "bytes_on_disk": None,
            }
        )
    head = subprocess.run(
        ["curl", "-skI", "--http2", f"{base}/"], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    seen.insert(
        0, {"path": "/ (curl -skI --http2)", "status_line": head[0].strip() if head else ""}
    )
    return seen


def check_server(server: Server, pages: list[str]) -> list[dict[str, Any]]:
    """curl's view of the server: the first page, one stylesheet and one script."""
    static = server.site / "_static"
    css = sorted(static.rglob("*.css"), key=lambda p: -p.stat().st_size)[:1]
    js = sorted(static.rglob("*.js"), key=lambda p: -p.stat().st_size)[:1]
    paths = [pages[0], *(p.relative_to(server.site).as_posix() for p in css + js)]
    seen = curl_check(server.base, paths)
    for entry in seen[1:]:
        entry["bytes_on_disk"] = (server.site / entry["path"]).stat().st_size
        if entry["http_version"] != "2":
            raise RuntimeError(
                f"{server.base}/{entry['path']} came over HTTP/{entry['http_version']}"
            )
        if entry["content_encoding"] != "gzip":
            raise RuntimeError(f"{server.base}/{entry['path']} was not gzipped: {entry}")
    return seen


# ----------------------------------------------------------------------------------------------
# Lighthouse


def ensure_lighthouse() -> None:
    if not shutil.which("node"):
        raise RuntimeError("node not found (apt-get install nodejs npm)")
    if not CHROMIUM.is_file():
        raise RuntimeError(f"{CHROMIUM} not found (apt-get install chromium)")
    if not LIGHTHOUSE_CLI.is_file():
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=LIGHTHOUSE_DIR,
            check=True,
        )


def lighthouse(url: str, out: Path) -> dict[str, Any]:
    """One Lighthouse audit of ``url`` (default config: mobile, simulated throttling)."""
    cmd = [
        "node",
        str(LIGHTHOUSE_CLI),
        url,
        "--output=json",
        f"--output-path={out}",
        "--quiet",
        "--disable-full-page-screenshot",
        f"--chrome-flags={' '.join(CHROMIUM_FLAGS)}",
    ]
    env = {**os.environ, "CHROME_PATH": str(CHROMIUM)}
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0 or not out.is_file():
        raise RuntimeError(
            f"Lighthouse failed on {url} ({proc.returncode}):\n{proc.stderr[-3000:]}"
        )
    lhr = json.loads(out.read_text(encoding="utf-8"))
    if lhr.get("runtimeError"):
        raise RuntimeError(f"Lighthouse on {url}: {lhr['runtimeError']}")
    return lhr


def summarise(lhr: dict[str, Any], base: str) -> dict[str, Any]:
    """One audit's numbers, and which protocols its requests came over."""
    run: dict[str, Any] = {}
    for category in CATEGORIES:
        score = lhr["categories"].get(category, {}).get("score")
        run[category] = None if score is None else round(score * 100)
    for audit_id, key in METRICS.items():
        value = lhr["audits"].get(audit_id, {}).get("numericValue")
        run[key] = None if value is None else (int(value) if key == "bytes" else round(value, 3))
    items = lhr["audits"].get("network-requests", {}).get("details", {}).get("items", [])
    run["requests"] = len(items)
    run["protocols"] = sorted({str(i.get("protocol")) for i in items})
    run["offsite_requests"] = [i["url"] for i in items if not i["url"].startswith(base)]
    run["benchmark_index"] = lhr.get("environment", {}).get("benchmarkIndex")
    return run


# ----------------------------------------------------------------------------------------------
# sites, pages, the stock book


@dataclass
class Site:
    name: str
    folder: Path
    pages: list[str] = field(default_factory=list)


def site_pages(folder: Path) -> list[str]:
    """Every HTML page of a built site worth auditing, front page first."""
    pages = []
    for path in sorted(folder.rglob("*.html")):
        rel = path.relative_to(folder).as_posix()
        if rel.startswith(("_", ".")) or rel in SKIP_PAGES or "/_" in rel:
            continue
        if rel == "index.html" and "http-equiv" in path.read_text(errors="replace")[:2000]:
            continue  # Jupyter Book's redirect to the root page
        pages.append(rel)
    pages.sort(key=lambda p: (p not in ("book/index.html", "intro.html", "index.html"), p))
    return pages


def jupyter_book() -> str:
    beside = Path(sys.executable).with_name("jupyter-book")
    found = str(beside) if beside.is_file() else shutil.which("jupyter-book")
    if not found:
        raise RuntimeError("jupyter-book not found: run this with .nox/build/bin/python")
    return found


def build_stock_book(workdir: Path) -> tuple[Path, str]:
    """``jupyter-book create`` a sample book in ``workdir``, built unchanged; its site, version."""
    exe = jupyter_book()
    book = workdir / "stock-book"
    subprocess.run([exe, "create", str(book)], check=True, capture_output=True)
    proc = subprocess.run([exe, "build", str(book)], capture_output=True, text=True, check=False)
    site = book / "_build" / "html"
    if proc.returncode != 0 or not (site / "intro.html").is_file():
        raise RuntimeError(f"the stock Jupyter Book did not build:\n{proc.stdout[-3000:]}")
    version = subprocess.run([exe, "--version"], capture_output=True, text=True).stdout
    return site, " ".join(version.split())


# ----------------------------------------------------------------------------------------------
# the run


def audit_all(
    sites: list[Site], runs: int, work: Path, log: Any = sys.stderr
) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    """Serve every site at once and audit its pages, interleaved; curl checks and all runs."""
    checks: dict[str, Any] = {}
    results: dict[str, dict[str, list[dict[str, Any]]]] = {s.name: {} for s in sites}
    with contextlib.ExitStack() as stack:
        servers = {s.name: stack.enter_context(serve(s.folder)) for s in sites}
        for s in sites:
            checks[s.name] = check_server(servers[s.name], s.pages)
        total = runs * sum(len(s.pages) for s in sites)
        done = 0
        longest = max(len(s.pages) for s in sites)
        for run in range(runs):
            for index in range(longest):
                for s in sites:
                    if index >= len(s.pages):
                        continue
                    page = s.pages[index]
                    base = servers[s.name].base
                    out = work / f"{s.name}-{index}-{run}.json"
                    start = time.perf_counter()
                    lhr = lighthouse(f"{base}/{page}", out)
                    out.unlink()
                    summary = summarise(lhr, base)
                    summary["seconds"] = round(time.perf_counter() - start, 1)
                    results[s.name].setdefault(page, []).append(summary)
                    if "about" not in checks:
                        checks["about"] = {
                            "lighthouse": lhr["lighthouseVersion"],
                            "form_factor": lhr["configSettings"]["formFactor"],
                            "throttling": lhr["configSettings"]["throttlingMethod"],
                        }
                    done += 1
                    print(
                        f"[{done}/{total}] {s.name} {page} run {run + 1}:"
                        f" perf {summary['performance']} FCP {summary['fcp_ms']:.0f} ms"
                        f" LCP {summary['lcp_ms']:.0f} ms ({summary['seconds']} s)",
                        file=log,
                        flush=True,
                    )
    return checks, results


def stats(values: list[float | None]) -> dict[str, float] | None:
    vals = [v for v in values if v is not None]
    if not vals:
        return None
    return {"median": statistics.median(vals), "min": min(vals), "max": max(vals)}


def aggregate(runs: list[dict[str, Any]]) -> dict[str, Any]:
    keys = [*CATEGORIES, *METRICS.values(), "requests"]
    return {k: stats([r[k] for r in runs]) for k in keys}


# ----------------------------------------------------------------------------------------------
# the report


def fmt(stat: dict[str, float] | None, kind: str) -> str:
    if stat is None:
        return "n/a"

    def one(v: float) -> str:
        if kind == "kb":
            return f"{v / 1000:,.0f}"
        if kind == "cls":
            return f"{v:.3f}"
        return f"{v:.0f}"

    low, high = one(stat["min"]), one(stat["max"])
    spread = "" if low == high else f" ({low}-{high})"
    return one(stat["median"]) + spread


def table(rows: list[tuple[str, str, dict[str, Any]]]) -> list[str]:
    lines = [
        "| page | site | perf. | a11y | b. p. | SEO | FCP (ms) | LCP (ms) | TBT (ms) | CLS | kB"
        " | requests |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for page, name, agg in rows:
        scores = " | ".join(fmt(agg.get(c), "n") for c in CATEGORIES)
        lines.append(
            f"| {page} | {name} | {scores} | {fmt(agg['fcp_ms'], 'n')}"
            f" | {fmt(agg['lcp_ms'], 'n')} | {fmt(agg['tbt_ms'], 'n')} | {fmt(agg['cls'], 'cls')}"
            f" | {fmt(agg['bytes'], 'kb')} | {fmt(agg['requests'], 'n')} |"
        )
    return lines


def comparisons(data: dict[str, Any]) -> list[tuple[str, str]]:
    """The pairs (A, B) to table: the reference against every other site, then ``--compare``."""
    pairs = []
    if ref := data.get("reference"):
        for name, site in data["sites"].items():
            if name != ref and not site.get("baseline"):
                pairs.append((ref, name))
    pairs += [tuple(p.split(":", 1)) for p in data.get("compare") or []]
    return pairs


def differences(data: dict[str, Any], pairs: list[tuple[str, str]]) -> list[str]:
    """What A gains over B for each pair, page by page and as a mean over the pages."""
    lines = [
        "What site A gains over site B, per page (difference of medians; positive = A is"
        " better: more performance points, fewer ms or kB), and the mean over the pages:",
        "",
        "| A | B | page | perf. points | FCP ms | LCP ms | TBT ms | kB |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for better, other in pairs:
        ref = data["sites"][better]["pages"]
        sums: dict[str, list[float]] = {}
        for page, agg in data["sites"][other]["pages"].items():
            if page not in ref:
                continue
            r = ref[page]["summary"]
            a = agg["summary"]
            gain = {
                "perf": r["performance"]["median"] - a["performance"]["median"],
                "fcp": a["fcp_ms"]["median"] - r["fcp_ms"]["median"],
                "lcp": a["lcp_ms"]["median"] - r["lcp_ms"]["median"],
                "tbt": a["tbt_ms"]["median"] - r["tbt_ms"]["median"],
                "kb": (a["bytes"]["median"] - r["bytes"]["median"]) / 1000,
            }
            for k, v in gain.items():
                sums.setdefault(k, []).append(v)
            lines.append(
                f"| {better} | {other} | {page} | {gain['perf']:+.0f} | {gain['fcp']:+.0f}"
                f" | {gain['lcp']:+.0f} | {gain['tbt']:+.0f} | {gain['kb']:+,.0f} |"
            )
        if sums:
            mean = {k: statistics.mean(v) for k, v in sums.items()}
            lines.append(
                f"| **{better}** | **{other}** | **mean of pages** | **{mean['perf']:+.1f}**"
                f" | **{mean['fcp']:+.0f}** | **{mean['lcp']:+.0f}** | **{mean['tbt']:+.0f}**"
                f" | **{mean['kb']:+,.0f}** |"
            )
    return [*lines, ""]


def protocol_lines(data: dict[str, Any]) -> list[str]:
    """Per site, the protocols Lighthouse recorded and any request that left the server."""
    lines = ["- Protocols of the requests as Lighthouse recorded them (`network-requests`):"]
    for name, site in data["sites"].items():
        runs = [r for page in site["pages"].values() for r in page["runs"]]
        protocols = sorted({p or "none (failed)" for r in runs for p in r["protocols"]})
        offsite = sorted({u for r in runs for u in r["offsite_requests"]})
        away = f"; requests off the local server: {', '.join(offsite)}" if offsite else ""
        lines.append(f"  - `{name}`: {', '.join(protocols)}{away}.")
    return lines


def render(data: dict[str, Any], keep: str) -> str:
    about = data["about"]
    lines = [
        "# Page speed over HTTP/2",
        "",
        f"Generated by `tools/bench/http2_lighthouse.py` on {data['date']}"
        f" ({data['seconds'] / 60:.0f} min).",
        "",
    ]
    if keep:
        lines += [keep, ""]
    lines += [
        "## How it was measured",
        "",
        f"- Lighthouse {about['lighthouse']} (npm, `tools/a11y/package-lock.json`), default"
        f" configuration: {about['form_factor']}, {about['throttling']} throttling; CLI, one"
        f" fresh headless {about['chromium']} per audit. Lighthouse's CPU benchmark index:"
        f" median {about['benchmark_index']:.0f} (range {about['benchmark_min']:.0f}-"
        f"{about['benchmark_max']:.0f}).",
        f"- {about['runs']} runs per page and site, interleaved across sites (page by page, site"
        " by site, then the next run); each cell is the median, with min-max in brackets.",
        f"- Server: {about['nginx']} on 127.0.0.1, TLS (self-signed certificate, Chromium"
        " with `--ignore-certificate-errors`) and HTTP/2, `gzip on` (level 6) for HTML, CSS,"
        " JavaScript, JSON, SVG, XML, text; `Cache-Control: max-age=600`, as GitHub Pages.",
        *protocol_lines(data),
        "",
        "curl's view of each server before the audits (`curl -sk --http2 -H"
        " 'Accept-Encoding: gzip'`; first row `curl -skI --http2 .../`), on the first audited page"
        " and the largest stylesheet and script in `_static` (linked by a page or not):",
        "",
        "| site | path | status | HTTP | type | encoding | cache | bytes sent / on disk |",
        "| --- | --- | --- | --- | --- | --- | --- | ---: |",
    ]
    for name, seen in data["curl"].items():
        for e in seen:
            if "http_version" not in e:
                lines.append(f"| {name} | {e['path']} | `{e['status_line']}` | | | | | |")
                continue
            lines.append(
                f"| {name} | {e['path']} | `{e['status_line']}` | {e['http_version']}"
                f" | {e['content_type']} | {e['content_encoding']} | {e['cache_control']}"
                f" | {e['bytes_on_wire']:,} / {e['bytes_on_disk']:,} |"
            )
    lines += ["", "## Results", ""]
    names = [n for n, s in data["sites"].items() if not s.get("baseline")]
    pages = list(data["sites"][names[0]]["pages"]) if names else []
    rows = [
        (page, name, data["sites"][name]["pages"][page]["summary"])
        for page in pages
        for name in names
        if page in data["sites"][name]["pages"]
    ]
    lines += [*table(rows), ""]
    for name, site in data["sites"].items():
        if site.get("baseline"):
            lines += [
                f"Stock Jupyter Book ({site['baseline']}: `jupyter-book create`, built"
                " unchanged), served and audited the same way in the same run:",
                "",
                *table([(p, name, a["summary"]) for p, a in site["pages"].items()]),
                "",
            ]
    if pairs := comparisons(data):
        lines += ["## Differences", "", *differences(data, pairs)]
    lines += [
        "Sites:",
        "",
        *(f"- `{n}`: {s['folder']}" for n, s in data["sites"].items()),
        "",
    ]
    return "\n".join(lines)


def parse_site(spec: str) -> Site:
    name, sep, folder = spec.partition("=")
    path = Path(folder if sep else spec)
    if not sep:
        name = path.resolve().name
    if not path.is_dir():
        raise SystemExit(f"{path} is not a folder")
    return Site(name=name, folder=path.resolve())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sites", nargs="*", help="built site folders, or NAME=FOLDER")
    parser.add_argument("--pages", nargs="*", help="pages to audit (default: all of them)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline", action="store_true", help="add a stock Jupyter Book")
    parser.add_argument("--baseline-pages", nargs="*", help="its pages (default: all)")
    parser.add_argument("--reference", help="site whose gains over the others are tabled")
    parser.add_argument(
        "--compare", nargs="*", default=[], metavar="A:B", help="also table A's gains over B"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmark.md")
    parser.add_argument("--json", type=Path, help="default: --out with .json")
    parser.add_argument("--serve", action="store_true", help="serve the first site; no audit")
    parser.add_argument("--from-json", type=Path, help="only render the report of that JSON")
    args = parser.parse_args(argv)
    if args.from_json:
        data = json.loads(args.from_json.read_text(encoding="utf-8"))
        data["reference"] = args.reference or data.get("reference")
        data["compare"] = args.compare or data.get("compare") or []
        write_report(data, args.out, args.json)
        return 0
    sites = [parse_site(s) for s in args.sites]
    if not sites:
        parser.error("give at least one site")
    if len({s.name for s in sites}) != len(sites):
        raise SystemExit("two sites have the same name: name them NAME=FOLDER")
    if args.serve:
        with serve(sites[0].folder) as server:
            print(json.dumps(check_server(server, site_pages(server.site)), indent=1))
            print(f"serving {server.site} on {server.base}/ (Ctrl-C stops)")
            with contextlib.suppress(KeyboardInterrupt):
                signal.pause()
        return 0
    ensure_lighthouse()
    for s in sites:
        s.pages = args.pages or site_pages(sites[0].folder)
        missing = [p for p in s.pages if not (s.folder / p).is_file()]
        if missing:
            raise SystemExit(f"{s.name} has no {', '.join(missing)}")
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="nea-bench-") as tmp:
        work = Path(tmp)
        baseline = None
        if args.baseline:
            stock, baseline = build_stock_book(work)
            pages = args.baseline_pages or site_pages(stock)
            sites.append(Site(name="stock-jupyter-book", folder=stock, pages=pages))
        checks, results = audit_all(sites, args.runs, work)
        chromium = subprocess.run([str(CHROMIUM), "--version"], capture_output=True, text=True)
        nginx = subprocess.run([str(NGINX), "-v"], capture_output=True, text=True).stderr
        all_runs = [r for site in results.values() for page in site.values() for r in page]
        bench = [r["benchmark_index"] for r in all_runs if r["benchmark_index"]]
        about = {
            **checks.pop("about"),
            "chromium": chromium.stdout.strip(),
            "nginx": nginx.strip().replace("nginx version: ", ""),
            "runs": args.runs,
            "benchmark_index": statistics.median(bench),
            "benchmark_min": min(bench),
            "benchmark_max": max(bench),
            "protocols": sorted({p for r in all_runs for p in r["protocols"]}),
        }
        offsite = sorted({u for r in all_runs for u in r["offsite_requests"]})
        data = {
            "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "seconds": round(time.perf_counter() - start),
            "about": about,
            "curl": checks,
            "reference": args.reference,
            "compare": args.compare,
            "offsite_requests": offsite,
            "sites": {
                s.name: {
                    "folder": "stock Jupyter Book (temporary)"
                    if s.folder.is_relative_to(work)
                    else str(s.folder),
                    "baseline": baseline if s.name == "stock-jupyter-book" else None,
                    "pages": {
                        page: {"summary": aggregate(runs), "runs": runs}
                        for page, runs in results[s.name].items()
                    },
                }
                for s in sites
            },
        }
    write_report(data, args.out, args.json)
    return 0


def write_report(data: dict[str, Any], out: Path, out_json: Path | None) -> None:
    """The JSON (first, so a failure to render loses no run), then the Markdown report."""
    out_json = out_json or out.with_suffix(".json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out_json.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    keep = ""
    if out.is_file() and (found := KEEP.search(out.read_text(encoding="utf-8"))):
        keep = found.group(0)
    out.write_text(render(data, keep), encoding="utf-8")
    print(f"wrote {out} and {out_json}")


if __name__ == "__main__":
    raise SystemExit(main())
