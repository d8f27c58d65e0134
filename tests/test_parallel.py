"""Every extension the site loads is safe for Sphinx's parallel read and write, truly.

Each of the edition's extensions declares ``parallel_read_safe`` and ``parallel_write_safe``.
Sphinx believes them: with ``-j 2`` it reads pages in worker processes and merges their
environments (``env-merge-info``), and writes pages in worker processes, whose changes to
anything global are lost. A declaration that is wrong shows as a page that differs from a
serial build's, so a small book with citations, index terms, endnotes and the data page is
built both ways with the build driver's own strict command and the two sites are compared.
A third-party extension that does not declare itself makes Sphinx warn, which ``-W`` turns
into a failure here too.

One does: ``sphinx_multitoc_numbering``, which ``sphinx_external_toc`` (the reader of
``_toc.yml``) always loads, declares neither flag, so Sphinx builds the edition itself
serially, and with ``-W`` refuses ``-j`` (``test_the_full_configuration_cannot_run_in_parallel``
records it, so that an upstream fix shows). The small book here therefore has a ``toctree``
instead of a ``_toc.yml`` and leaves ``sphinx_external_toc`` out; every other extension of
the edition's configuration, the edition's own included, runs in parallel.
"""

from __future__ import annotations

import importlib
import re
import subprocess
from pathlib import Path
from unittest import mock

import pytest
import yaml
from helpers import ROOT, build_env, make_small_book, tree_digest

from nea_edition import build as book_build
from nea_edition.paths import VALIDATED_ENV

PAGES = {
    "index": "# Front\n\nA front page that cites {cite:t}`kim2009regionalism`.\n\n"
    "```{toctree}\npage1\npage2\npage3\npage4\nbiblio\n```\n",
    **{
        f"page{n}": (
            f"# Page {n}\n\n```{{index}} parallel term {n}\n```\n\n"
            f"The parallel term {n} is discussed here, with the Six-Party Talks and the"
            f" ASEAN Regional Forum {{cite:p}}`armitage2000mature`.\n\n"
            "## A section\n\nMore text about the Northeast Asia Cooperation Dialogue.\n"
        )
        for n in range(1, 5)
    },
    "biblio": "# Bibliography\n\n```{bibliography}\n```\n",
}


def sphinx(
    book: Path, out: str, *extra: str, check: bool = True
) -> subprocess.CompletedProcess[str]:
    command = book_build.sphinx_command(book, fresh=True, with_pdf=False)
    staging = str(book_build.staging_dir(book) / "_build")
    # not quiet: Sphinx then says when it reads and writes in worker processes
    command = [part.replace(staging, str(book / out)) for part in command if part != "-q"]
    done = subprocess.run(
        [*command, *extra],
        cwd=book,
        env={**build_env(book), VALIDATED_ENV: "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    if check:
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done


def test_every_edition_extension_declares_itself_parallel_safe() -> None:
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    ours = [e for e in config["sphinx"]["config"]["extensions"] if e.startswith("nea_edition.")]
    assert len(ours) >= 10
    for name in ours:
        declared = importlib.import_module(name).setup(mock.MagicMock())
        assert declared["parallel_read_safe"] is True, name
        assert declared["parallel_write_safe"] is True, name


@pytest.mark.build
def test_the_full_configuration_cannot_run_in_parallel(tmp_path: Path) -> None:
    pages = {"index": "# Front\n", **{f"page{n}": f"# Page {n}\n" for n in range(8)}}
    book = make_small_book(tmp_path / "book-root", pages)
    book_build.write_sphinx_conf(book)
    done = sphinx(book, "parallel", "-j", "2", check=False)
    assert done.returncode != 0
    assert "sphinx_multitoc_numbering extension does not declare" in done.stdout + done.stderr


@pytest.mark.build
def test_a_parallel_build_writes_the_same_site_as_a_serial_one(tmp_path: Path) -> None:
    book = make_small_book(tmp_path / "book-root", PAGES)
    conf = book_build.write_sphinx_conf(book)
    included = ", ".join(f"'book/{name}.md'" for name in PAGES)
    with conf.open("a", encoding="utf-8") as handle:
        handle.write(
            "\nextensions = [e for e in extensions"
            " if not e.startswith(('sphinx_external', 'sphinx_multitoc'))]\n"
            f"root_doc = 'book/index'\ninclude_patterns = [{included}]\n"
        )
    sphinx(book, "serial")
    parallel = sphinx(book, "parallel", "-j", "2")
    assert "doing serial" not in parallel.stdout + parallel.stderr
    # Sphinx names the chunk of pages each worker handled: "writing output... [100%] a .. b"
    for phase in ("reading sources", "writing output"):
        chunk = rf"{phase}\.\.\. \[\s*\d+%\] \S+ \.\. \S+"
        assert re.search(chunk, parallel.stdout), f"Sphinx did not do its {phase} in parallel"
    serial_site, parallel_site = tree_digest(book / "serial" / "html"), None
    parallel_site = tree_digest(book / "parallel" / "html")
    for site in (serial_site, parallel_site):
        site.pop(".buildinfo", None)
    assert sorted(serial_site) == sorted(parallel_site)
    differ = [name for name in serial_site if serial_site[name] != parallel_site[name]]
    assert not differ, f"pages that differ between the serial and the parallel build: {differ}"
    index = (book / "parallel" / "html" / "genindex.html").read_text(encoding="utf-8")
    assert all(f"parallel term {n}" in index for n in range(1, 5))
