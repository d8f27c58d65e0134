"""Every task of the edition, one nox session each. `nox -l` lists them.

Sessions share one dependency list (pyproject.toml). Virtualenvs are reused between runs and
dependencies are reinstalled only when pyproject.toml changes (a stamp in the venv records its
hash), so a second run of any session installs nothing.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import nox

ROOT = Path(__file__).parent
nox.options.reuse_venv = "yes"
nox.options.sessions = ["lint", "tests"]
nox.options.error_on_missing_interpreters = True


def install(session: nox.Session, extras: str = "") -> None:
    """Install the project (editable) with extras, unless this venv already has this pyproject."""
    spec = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    stamp = Path(session.virtualenv.location) / ".nea-edition-installed"
    if stamp.is_file() and stamp.read_text() == spec:
        session.log("dependencies up to date (pyproject.toml unchanged); not reinstalling")
        return
    target = f".[{extras}]" if extras else "."
    session.install("-e", target)
    stamp.write_text(spec)


def validate_data(session: nox.Session) -> None:
    session.run("python", "-m", "nea_edition.validation")


def build_book(session: nox.Session) -> None:
    """Validate the data, then build strictly; nea_edition.build refuses to build bad data."""
    session.run("python", "-m", "nea_edition.build", *session.posargs)


@nox.session
def validate(session: nox.Session) -> None:
    """Validate data/ and references.bib (seconds; builds nothing)."""
    install(session)
    validate_data(session)


@nox.session
def build(session: nox.Session) -> None:
    """Build the site strictly into _build/html (replaced only when the build succeeds)."""
    install(session)
    build_book(session)


@nox.session
def tests(session: nox.Session) -> None:
    """Validate, build, then run the test suite (browser tests use /usr/bin/chromium)."""
    install(session, "test")
    build_book(session)
    session.run("pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff: lint and format check."""
    install(session, "lint")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def bib(session: nox.Session) -> None:
    """Validate references.bib and rewrite it in canonical form."""
    install(session)
    session.run("python", "-m", "nea_edition.bibliography", "--write", *session.posargs)


@nox.session
def serve(session: nox.Session) -> None:
    """Preview the built site on http://127.0.0.1:8000 (build first with `nox -s build`)."""
    site = ROOT / "_build" / "html"
    if not (site / "index.html").is_file():
        session.error("No site yet: run `nox -s build` first.")
    port = session.posargs[0] if session.posargs else "8000"
    session.run(
        "python", "-m", "http.server", port, "--bind", "127.0.0.1", "--directory", str(site)
    )


@nox.session
def bench(session: nox.Session) -> None:
    """Measure build times and page weight; writes book/_generated/benchmark.md."""
    install(session, "test")
    session.run("python", "-m", "nea_edition.bench", *session.posargs)


@nox.session(venv_backend="none")
def clean(session: nox.Session) -> None:
    """Remove build output and caches (not the nox virtualenvs)."""
    for path in (ROOT / "_build", ROOT / ".pytest_cache", ROOT / ".ruff_cache"):
        if path.exists():
            session.log(f"removing {path}")
            shutil.rmtree(path)
