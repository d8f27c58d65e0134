"""Sphinx adapter for data-aware notebook caching: a notebook re-runs when what it reads changes.

jupyter-cache keys a notebook on its code cells only, so editing ``data/*.csv`` would leave
stale figures. Each notebook page declares in its front matter the tables it reads
(``nea_edition: {tables: [...]}``). At ``source-read`` we put first in the page a hidden
(``remove-cell``) code cell holding the fingerprint of exactly those inputs
(``nea_edition.notebook_inputs``): each declared table's CSV and schema, the package modules
the notebooks import, the plotly version and the edition's date. The cell also tells
``load_tables`` which tables the notebook may read: any other fails on use, so a declaration
cannot silently fall short. The cell is part of the cache key, so

* a change to a table gives the notebooks that read it, and only those, a new key: each is
  executed once and cached under it;
* nothing they read changed: same key, cache hit, nothing executed;
* reverting the data finds the earlier record again (no stale record is ever served, because
  the key *is* the inputs).

Sphinx itself only re-reads documents whose source changed, so ``env-get-outdated`` also
returns every notebook page whose recorded fingerprint differs from the current one. myst-nb
executes what the cache lacks, as it always does.

When Sphinx is run without the edition's build driver, the data are validated here first.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.errors import ExtensionError
from sphinx.util import logging

from nea_edition.notebook_inputs import (
    Fingerprints,
    declared_tables,
    inputs_cell,
    is_notebook_source,
)
from nea_edition.paths import VALIDATED_ENV

logger = logging.getLogger(__name__)

#: The fingerprint each notebook page was read with, kept in the environment with the page.
ENV_ATTR = "nea_input_fingerprints"


@cache
def _fingerprints(srcdir: str) -> Fingerprints:
    """One per process: the inputs cannot change while Sphinx runs."""
    return Fingerprints(Path(srcdir))


def with_inputs_cell(app: Sphinx, docname: str, text: str) -> tuple[str, str] | None:
    """A notebook page's source with its inputs cell first, and its fingerprint.

    None for a page that is not a notebook, or one that declares no inputs (refused with a
    warning, which the strict build turns into an error).
    """
    if not is_notebook_source(text):
        return None
    tables = declared_tables(text)
    if tables is None:
        logger.warning(
            "notebook page declares no inputs: add `nea_edition: {tables: [...]}` (the tables "
            "it reads, possibly []) to its front matter, so that it re-executes when they "
            "change and only then",
            location=docname,
        )
        return None
    fingerprint = _fingerprints(str(app.srcdir)).of(tables)
    end = text.find("\n---", 3) + len("\n---")
    body = text[end:].lstrip("\n")
    return text[:end] + "\n\n" + inputs_cell(fingerprint, tables) + body, fingerprint


def inject_fingerprint(app: Sphinx, docname: str, source: list[str]) -> None:
    """Put the inputs cell first in each notebook page and remember its fingerprint."""
    made = with_inputs_cell(app, docname, source[0])
    if made is None:
        return
    source[0], fingerprint = made
    _store(app.env)[docname] = fingerprint


def _store(env: BuildEnvironment) -> dict[str, str]:
    if not hasattr(env, ENV_ATTR):
        setattr(env, ENV_ATTR, {})
    return getattr(env, ENV_ATTR)


def outdated_by_inputs(
    app: Sphinx,
    env: BuildEnvironment,
    added: set[str],
    changed: set[str],
    removed: set[str],
) -> Iterable[str]:
    """Notebook pages read with other inputs than today's: Sphinx must read them again."""
    stale = []
    for doc, fingerprint in sorted(_store(env).items()):
        if doc not in env.found_docs or doc in removed or doc in changed:
            continue
        tables = declared_tables(Path(env.doc2path(doc)).read_text(encoding="utf-8"))
        if tables is None or _fingerprints(str(app.srcdir)).of(tables) != fingerprint:
            stale.append(doc)
    if stale:
        logger.info(f"[nea] inputs changed: re-reading {', '.join(stale)}")
    return stale


def validate_unless_validated(app: Sphinx, config: Config) -> None:
    """Refuse bad data even when Sphinx is run without the edition's build driver.

    ``nea_edition.build`` validates before it starts Sphinx and says so (``VALIDATED_ENV``);
    run any other way, the check happens here, once.
    """
    if os.environ.get(VALIDATED_ENV) == "1":
        return
    from nea_edition.checks.errors import report
    from nea_edition.checks.validation import validate

    srcdir = Path(app.srcdir)
    problems = validate(srcdir / "data", srcdir / "references.bib")
    if problems:
        raise ExtensionError("the data are not valid:\n" + report(problems))
    os.environ[VALIDATED_ENV] = "1"


def purge_doc(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _store(env).pop(docname, None)


def merge_info(
    app: Sphinx, env: BuildEnvironment, docnames: Iterable[str], other: BuildEnvironment
) -> None:
    """Parallel reads: bring the fingerprints recorded by worker processes home."""
    theirs = getattr(other, ENV_ATTR, {})
    store = _store(env)
    for doc in docnames:
        if doc in theirs:
            store[doc] = theirs[doc]


def mystnb_stylesheet_first(app: Sphinx) -> None:
    """Put myst-nb's stylesheet in the output before any page is written.

    myst-nb copies ``_static/mystnb.<hash>.css`` only at ``build-finished``, after the pages,
    and Sphinx gives a stylesheet link its ``?v=`` checksum only when the file is already in
    the output: a clean build's pages linked it without one and every later build's with one,
    so an incremental build differed from a clean one (tests/test_incremental.py). Copying it
    at start-up with myst-nb's own function gives every build the same links.
    """
    if app.builder.format != "html":
        return
    try:  # myst-nb's own build-finished handler, not documented API: guarded (README)
        from myst_nb.sphinx_ext import add_global_html_resources
    except ImportError:
        logger.info("[nea] myst-nb moved add_global_html_resources: stylesheet copied late")
        return
    Path(app.outdir, "_static").mkdir(parents=True, exist_ok=True)
    add_global_html_resources(app, None)


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("config-inited", validate_unless_validated)
    app.connect("builder-inited", mystnb_stylesheet_first)
    app.connect("source-read", inject_fingerprint)
    app.connect("env-get-outdated", outdated_by_inputs)
    app.connect("env-purge-doc", purge_doc)
    app.connect("env-merge-info", merge_info)
    return {"version": "0.3", "parallel_read_safe": True, "parallel_write_safe": True}
