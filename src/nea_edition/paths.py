"""Where things live in the repository, resolved once so every caller agrees."""

from __future__ import annotations

import os
from pathlib import Path


def repo_root() -> Path:
    """The repository root: the folder holding ``_config.yml``.

    ``NEA_EDITION_ROOT`` overrides it, so tests can build a temporary copy of the book.
    Otherwise we walk up from the working directory (notebooks run inside ``book/``), then
    from this file (an editable install lives in the checkout). An installed package outside
    a checkout finds the book only from the working directory or ``NEA_EDITION_ROOT``; the
    last resort is the working directory itself, where a missing ``_config.yml`` then fails
    with a plain "file not found" naming it.
    """
    env = os.environ.get("NEA_EDITION_ROOT")
    if env:
        return Path(env).resolve()
    here = Path(__file__).resolve()
    for folder in (Path.cwd(), *Path.cwd().parents, *here.parents):
        if (folder / "_config.yml").is_file() and (folder / "data").is_dir():
            return folder
    return Path.cwd()


ROOT = repo_root()
DATA_DIR = ROOT / "data"
BOOK_DIR = ROOT / "book"
BIB_FILE = ROOT / "references.bib"
BUILD_DIR = ROOT / "_build"
SITE_DIR = BUILD_DIR / "html"


#: Environment variables through which the build driver, the Sphinx extension and the notebooks
#: they run talk to each other (each is explained where it is read).
VALIDATED_ENV = "NEA_EDITION_VALIDATED"  # the build validated data/ before Sphinx started
DECLARED_TABLES_ENV = "NEA_EDITION_TABLES"  # the tables a notebook's front matter declares
