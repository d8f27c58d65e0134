"""Every task of the edition, one nox session each. `nox -l` lists them.

Every session installs exact versions, with hashes, from the lock: ``uv.lock`` is the resolved
environment and ``requirements/{build,tests,lint}.txt`` are its exports, one per kind of session
(``nox -s lock`` regenerates all of them). pip installs them with ``--require-hashes``, then the
package itself in editable mode with ``--no-deps --no-build-isolation``, so nothing unpinned is
ever fetched. Virtualenvs are reused between runs and reinstalled only when their lock file
changes (a stamp in the venv records its hash), so a second run of any session installs nothing.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import nox

ROOT = Path(__file__).parent
LOCKS = ROOT / "requirements"
nox.options.reuse_venv = "yes"
nox.options.sessions = ["lint", "tests"]
nox.options.error_on_missing_interpreters = True

#: The uv that resolves the lock (``nox -s lock``); pinned so that the lock's format is stable.
UV = "uv==0.13.9"
#: Each export of uv.lock: which dependency groups it holds, and whether the package is installed.
EXPORTS = {
    "build": (["--group", "build-backend"], True),
    "tests": (["--group", "build-backend", "--group", "test"], True),
    "lint": (["--only-group", "lint"], False),
}


def install(session: nox.Session, lock: str) -> None:
    """Install ``requirements/<lock>.txt`` (exact, hashed), then the package, unless unchanged."""
    requirements = LOCKS / f"{lock}.txt"
    spec = hashlib.sha256(requirements.read_bytes()).hexdigest()
    stamp = Path(session.virtualenv.location) / ".nea-edition-installed"
    if stamp.is_file() and stamp.read_text() == spec:
        session.log(f"dependencies up to date ({requirements.name} unchanged); not reinstalling")
        return
    session.install("--require-hashes", "--no-deps", "-r", str(requirements))
    if EXPORTS[lock][1]:
        session.install("--no-deps", "--no-build-isolation", "-e", str(ROOT))
    stamp.write_text(spec)


#: Developer tools (tools/devtools: benchmark, Lighthouse runner, local server) import as
#: ``devtools``; the edition's package never imports them.
DEVTOOLS_ENV = {"PYTHONPATH": str(ROOT / "tools")}


def install_node_tools(session: nox.Session) -> None:
    """axe-core and Lighthouse: ``npm ci`` in tools/a11y, unless it already matches its lock."""
    session.run("python", "-m", "devtools.lighthouse", "install", env=DEVTOOLS_ENV)


def validate_data(session: nox.Session) -> None:
    session.run("python", "-m", "nea_edition.checks.validation")


def build_book(session: nox.Session, *args: str, env: dict[str, str] | None = None) -> None:
    """Validate the data, then build strictly; nea_edition.build refuses to build bad data."""
    session.run("python", "-m", "nea_edition.build", *args, env=env)


@nox.session
def validate(session: nox.Session) -> None:
    """Validate data/ and references.bib (seconds; builds nothing)."""
    install(session, "build")
    validate_data(session)


@nox.session
def build(session: nox.Session) -> None:
    """Build the site strictly into _build/html (replaced only when the build succeeds)."""
    install(session, "build")
    build_book(session, *session.posargs)


@nox.session
def pdf(session: nox.Session) -> None:
    """Build the site with the whole edition as one PDF, _build/html/edition.pdf (needs Chromium).

    The same build as ``nox -s build``, with the PDF required: without Chromium it fails
    instead of building the site without the PDF.
    """
    install(session, "build")
    build_book(session, *session.posargs, env={"NEA_EDITION_PDF": "on"})


@nox.session
def tests(session: nox.Session) -> None:
    """Validate, build, then run the test suite (browser tests use /usr/bin/chromium).

    Arguments after ``--`` go to pytest alone: ``nox -s tests -- -k figures -x``.
    """
    install(session, "tests")
    install_node_tools(session)
    build_book(session)
    session.run("pytest", *session.posargs)


def dependency_group(name: str) -> list[str]:
    """The requirements of one ``[dependency-groups]`` entry of pyproject.toml, as written."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return [str(r) for r in project["dependency-groups"][name]]


@nox.session(name="tests-latest", reuse_venv=False)
def tests_latest(session: nox.Session) -> None:
    """The canary: the newest releases pyproject.toml's ranges allow, ignoring the lock.

    Builds the site from scratch and runs the whole test suite in a fresh virtualenv (never
    reused), so an upgrade that breaks the edition shows here before ``nox -s lock --
    --upgrade`` moves the lock. CI does not run it.
    """
    session.install("--upgrade", *dependency_group("build-backend"), *dependency_group("test"))
    session.install("--upgrade", "-e", str(ROOT))
    install_node_tools(session)
    build_book(session, "--all", "--force")
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
    install(session, "build")
    session.run("python", "-m", "nea_edition.checks.bibliography", "--write", *session.posargs)


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
    """Time the builds (cold, no change, one CSV, with the PDF): docs/benchmark-build.md and .json.

    Page speed is `tools/bench/http2_lighthouse.py` (nginx, HTTP/2), run on its own.
    """
    install(session, "tests")
    install_node_tools(session)
    session.run("python", "-m", "devtools.bench", *session.posargs, env=DEVTOOLS_ENV)


@nox.session(venv_backend="none")
def clean(session: nox.Session) -> None:
    """Remove build output and caches (not the nox virtualenvs)."""
    for path in (ROOT / "_build", ROOT / ".pytest_cache", ROOT / ".ruff_cache"):
        if path.exists():
            session.log(f"removing {path}")
            shutil.rmtree(path)


@nox.session
def lock(session: nox.Session) -> None:
    """Re-resolve uv.lock from pyproject.toml and export requirements/*.txt (with a pinned uv).

    ``nox -s lock`` keeps every pin that still satisfies pyproject.toml;
    ``nox -s lock -- --upgrade`` (or ``-- --upgrade-package NAME``) moves to newer releases.
    """
    session.install(UV)
    session.run("uv", "lock", *session.posargs)
    LOCKS.mkdir(exist_ok=True)
    for name, (groups, _) in EXPORTS.items():
        session.run(
            "uv", "export", "--frozen", "--format", "requirements-txt", "--no-emit-project",
            "--no-dev", *groups, "--output-file", f"requirements/{name}.txt",
        )  # fmt: skip
    # nox itself, for .ci/run and the README's first command (requirements/nox.in names it).
    session.run(
        "uv", "pip", "compile", "--quiet", "--generate-hashes", "--universal",
        "--python-version", "3.11", "requirements/nox.in", "-o", "requirements/nox.txt",
    )  # fmt: skip
