"""Serve a built site from 127.0.0.1 and open it in headless Chromium: for tests and the benchmark.

The browser is Debian's Chromium (``apt-get install chromium``), driven by Playwright; the
machines this project runs on cannot download Playwright's own browser builds.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import io
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# The browser and its offline flags are the PDF printer's (one place for both).
from nea_edition.pdf import CHROMIUM, CHROMIUM_ARGS  # noqa: F401 (re-exported to tests)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Static files without a log line per request."""

    def log_message(self, format: str, *args: object) -> None:
        pass


#: What GitHub Pages compresses: text, scripts, styles, JSON and SVG; never fonts or images that
#: are compressed already.
COMPRESSIBLE = re.compile(r"^(text/|application/(javascript|json|xml)|image/svg\+xml)")
#: GitHub Pages' caching header on every response.
PAGES_CACHE_CONTROL = "max-age=600"


@functools.lru_cache(maxsize=512)
def _gzipped(path: str, mtime_ns: int) -> bytes:
    """Compress each file once, as a server with pre-compressed or cached responses does."""
    return gzip.compress(Path(path).read_bytes(), compresslevel=6)


class PagesHandler(QuietHandler):
    """Static files as GitHub Pages serves them, for Lighthouse (``devtools.lighthouse``).

    Text is gzip-compressed (level 6) when the client accepts it, every response says
    ``Cache-Control: max-age=600``, and a missing file is a 404. Lighthouse's scores depend
    on these (compression and cache lifetime are audited), so measuring against a plain
    ``http.server`` would judge a site that is never published. A subclass may compress
    other types (``compressible``) or cache otherwise (``cache_control``).
    """

    compressible = COMPRESSIBLE
    cache_control = PAGES_CACHE_CONTROL

    def end_headers(self) -> None:
        self.send_header("Cache-Control", self.cache_control)
        super().end_headers()

    def send_head(self):  # type: ignore[no-untyped-def]
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?", 1)[0].endswith("/"):
            path = path / "index.html"
        ctype = self.guess_type(str(path))
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts and path.is_file() and self.compressible.match(ctype)):
            return super().send_head()
        stat = path.stat()
        body = _gzipped(str(path), stat.st_mtime_ns)
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Last-Modified", self.date_time_string(int(stat.st_mtime)))
        self.end_headers()
        return io.BytesIO(body)


def site_pages(site: Path) -> list[str]:
    """Every page of a built site, as paths relative to it: what axe and Lighthouse visit.

    That is every ``.html`` file outside ``_static`` and ``_sources``, less Jupyter Book's
    root ``index.html``, a bare ``<meta http-equiv="Refresh">`` to ``book/index.html`` that a
    browser leaves before anything is drawn (its target is audited as a page of its own).
    """
    pages = []
    for path in sorted(site.rglob("*.html")):
        relative = path.relative_to(site)
        if relative.parts[0] in {"_static", "_sources", "_images"}:
            continue
        if relative == Path("index.html") and 'http-equiv="Refresh"' in path.read_text(
            encoding="utf-8"
        ):
            continue
        pages.append(relative.as_posix())
    return pages


@contextmanager
def serve(
    directory: Path, handler: type[http.server.SimpleHTTPRequestHandler] = QuietHandler
) -> Iterator[str]:
    """Serve ``directory`` on a free loopback port; yields the base URL, stops on exit."""
    bound = functools.partial(handler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), bound)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
