"""Build the book strictly and publish it atomically.

Sphinx writes pages as it goes, so a build that fails halfway would leave a half-written site.
We therefore build into ``_build/staging`` (kept between runs, so Sphinx and jupyter-cache can
skip unchanged work) and only when the build succeeded copy it to ``_build/html`` with a
rename, which is atomic on one filesystem. A failed build leaves the last good site in place.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from nea_edition import clock, validation_gate
from nea_edition.checks import validation
from nea_edition.checks.errors import Problem, report
from nea_edition.paths import NOTEBOOK_RECORD_ENV, VALIDATED_ENV, repo_root
from nea_edition.site import warm_kernels


def staging_dir(root: Path) -> Path:
    """The persistent working build (doctrees, jupyter cache, staged HTML)."""
    return root / "_build" / "staging"


def start_sphinx(
    root: Path, *, builder: str = "html", extra: list[str] | None = None, gate: int | None = None
) -> subprocess.Popen[bytes]:
    """Start Jupyter Book's Sphinx build, strictly: every warning is an error, all listed at once.

    ``gate`` is the read end of a ``validation_gate`` pipe: Sphinx then reads no page before
    the driver's verdict on the data arrives through it.
    """
    cmd = [
        sys.executable,
        "-m",
        "nea_edition.jupyter_book_process",  # the jupyter-book CLI, without the slow exit
        "build",
        str(root),
        "--path-output",
        str(staging_dir(root)),
        "--builder",
        builder,
        "-W",
        "--keep-going",
        *(extra or []),
    ]
    # The edition's "today" is the last commit's, for Sphinx and every notebook it executes,
    # so two builds of one commit agree whatever day they run (nea_edition.clock).
    # The driver validates the data (validate_and_build_site), so no notebook does again.
    env = {
        **os.environ,
        "SOURCE_DATE_EPOCH": str(clock.source_date_epoch(root)),
        VALIDATED_ENV: "1",
    }
    if gate is not None:
        env[validation_gate.GATE_ENV] = str(gate)
    # Where the extension records each notebook's inputs after a good build: from it the next
    # Sphinx process knows which kernels to start before it even imports Sphinx.
    env[NOTEBOOK_RECORD_ENV] = str(
        staging_dir(root) / "_build" / ".doctrees" / warm_kernels.RECORD_NAME
    )
    return subprocess.Popen(cmd, cwd=root, env=env, pass_fds=() if gate is None else (gate,))


def validate_and_build_site(root: Path, *, extra: list[str] | None = None) -> int:
    """Validate the inputs while Sphinx starts up, and let Sphinx read only valid data.

    The two take most of a second each and need nothing from each other until Sphinx is about
    to read a page (``nea_edition.validation_gate``), so they run side by side. Problems are
    reported once Sphinx has stopped, so that its output and the report do not interleave.
    """
    read_end, write_end = validation_gate.open_gate()
    try:
        sphinx = start_sphinx(root, extra=extra, gate=read_end)
    except BaseException:
        os.close(write_end)
        raise
    finally:
        os.close(read_end)
    valid = False
    try:
        problems = validation.validate(root / "data", root / "references.bib")
        valid = not problems
    finally:
        # If the validator itself fails, Sphinx is told "refused" and stops as well.
        validation_gate.send_verdict(write_end, valid=valid)
        code = sphinx.wait()
    if problems:
        refuse(root, problems)
        return 1
    return code


def publish(root: Path) -> Path:
    """Swap the staged HTML into ``_build/html`` without ever exposing a partial site."""
    staged = staging_dir(root) / "_build" / "html"
    site = root / "_build" / "html"
    incoming = site.with_name("html.incoming")
    outgoing = site.with_name("html.outgoing")
    for leftover in (incoming, outgoing):
        if leftover.exists():
            shutil.rmtree(leftover)
    # .buildinfo records a hash of the configuration, absolute paths included: it serves
    # Sphinx's incremental builds in staging and means nothing to a reader, so the published
    # site leaves it out (two checkouts of one commit then publish byte-identical sites).
    shutil.copytree(
        staged,
        incoming,
        ignore=shutil.ignore_patterns(".buildinfo"),
        copy_function=_reuse_published(staged, site),
    )
    if site.exists():
        site.rename(outgoing)
    incoming.rename(site)
    if outgoing.exists():
        shutil.rmtree(outgoing)
    return site


def _reuse_published(staged: Path, site: Path) -> Callable[[str, str], object]:
    """A copy function that hard-links a file unchanged since the last publication.

    Sphinx rewrites only the pages a change touches, and a rewritten file gets a new
    modification time; a staged file whose size and modification time (kept by ``copy2``) still
    match its published copy is that copy, so the new site links to it rather than copying
    the 14 MB site afresh (rsync's quick check). Nothing ever writes into a published site
    (it is only renamed and removed), so a linked file cannot change under a reader.
    """

    def copy(source: str, target: str) -> object:
        published = site / Path(source).relative_to(staged)
        try:
            old, new = published.stat(), os.stat(source)
            if (old.st_size, old.st_mtime_ns) == (new.st_size, new.st_mtime_ns):
                os.link(published, target)
                return target
        except OSError:
            pass  # not published before, or no hard links here: copy it
        return shutil.copy2(source, target)

    return copy


def refuse(root: Path, problems: list[Problem]) -> None:
    """Report every problem in data/ and references.bib: the build stops, nothing is published."""
    print(report(problems), file=sys.stderr)
    print(
        f"\nBuild REFUSED: fix the data first; the last good site in {root / '_build' / 'html'}"
        " was left untouched.",
        file=sys.stderr,
    )


#: Everything a build reads. A change to any of these files, to the Python version or to the
#: version of any distribution the build uses makes the next build run; otherwise the site is
#: up to date.
CONTENT_FILES = ("_toc.yml", "references.bib")
CONTENT_DIRS = ("book", "data")
#: The inputs that shape how every page is rendered (configuration, the edition's Sphinx
#: extensions, installed versions). Sphinx's incremental build re-reads only changed pages and
#: does not notice all of these, so a change here makes the next build start from a fresh
#: environment (Sphinx -E); notebooks still come from jupyter-cache.
SETUP_FILES = ("_config.yml", "pyproject.toml")
SETUP_DIRS = ("src/nea_edition",)


def _digest_files(root: Path, files: tuple[str, ...], dirs: tuple[str, ...]) -> hashlib._Hash:
    digest = hashlib.sha256()
    paths = [root / name for name in files]
    for folder in dirs:
        paths += [
            p for p in (root / folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts
        ]
    for path in sorted(p for p in paths if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest


#: The distribution whose requirements (without extras) are what a build uses.
PROJECT = "nea-edition"


def build_distributions(project: str = PROJECT) -> list[str]:
    """``name==version`` of every installed distribution the build needs, sorted.

    The closure of the project's own requirements (extras requested along the way included,
    environment markers honoured), not everything that happens to be installed: the tests'
    virtualenv holds pytest and Playwright too, and a build there must count as the same
    build as one in the build's own virtualenv when the shared versions agree (they come from
    one lock). Only what can change the site is fingerprinted.
    """
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    found: dict[str, str] = {}
    todo: list[tuple[str, frozenset[str]]] = [(project, frozenset())]
    done: set[tuple[str, frozenset[str]]] = set()
    while todo:
        name, extras = todo.pop()
        key = (canonicalize_name(name), extras)
        if key in done:
            continue
        done.add(key)
        try:
            dist = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            continue  # an optional requirement not installed cannot shape the build
        found[canonicalize_name(dist.metadata["Name"])] = dist.version
        for text in dist.requires or []:
            requirement = Requirement(text)
            wanted = [{"extra": ""}] + [{"extra": extra} for extra in extras]
            if requirement.marker and not any(requirement.marker.evaluate(e) for e in wanted):
                continue
            todo.append((requirement.name, frozenset(requirement.extras)))
    return sorted(f"{name}=={version}" for name, version in found.items())


def installed_state() -> str:
    """A digest of what is installed where this interpreter imports from.

    Every installed distribution has a ``*.dist-info`` (or ``*.egg-info``) folder named with
    its version, made anew when it is installed, upgraded or reinstalled: their names and
    modification times change whenever ``build_distributions`` could.
    """
    digest = hashlib.sha256(sys.prefix.encode())
    for folder in sys.path:
        try:
            entries = sorted(os.scandir(folder or "."), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            if entry.name.endswith((".dist-info", ".egg-info")):
                digest.update(f"\n{folder}/{entry.name} {entry.stat().st_mtime_ns}".encode())
    return digest.hexdigest()


def cached_build_distributions(cache: Path) -> list[str]:
    """``build_distributions()``, remembered in ``cache`` while ``installed_state`` holds.

    Reading the metadata of a hundred distributions takes a fifth of a second of every build,
    the up-to-date check included; listing their folders takes a few milliseconds.
    """
    state = installed_state()
    try:
        known = json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    entry = known.get(sys.prefix)
    if isinstance(entry, dict) and entry.get("state") == state:
        return list(entry["distributions"])
    versions = build_distributions()
    known[sys.prefix] = {"state": state, "distributions": versions}
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps(known, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return versions


#: Environment variables that change every page: the site's base URL (canonical links, sitemap,
#: absolute URLs in the metadata; nea_edition.site.metadata).
SETUP_ENV = ("NEA_EDITION_BASE_URL",)


def setup_fingerprint(root: Path) -> str:
    """SHA-256 of the configuration, the package, the versions the build uses and ``SETUP_ENV``."""
    digest = _digest_files(root, SETUP_FILES, SETUP_DIRS)
    versions = cached_build_distributions(root / "_build" / "build-distributions.json")
    digest.update("\n".join([sys.version, str(root.resolve()), *versions]).encode())
    for name in SETUP_ENV:
        digest.update(f"\n{name}={os.environ.get(name, '').strip()}".encode())
    return digest.hexdigest()


def content_fingerprint(root: Path) -> str:
    """SHA-256 of the pages, the data, the bibliography and the edition's date.

    The date (``clock.today``, from the last commit) is an input like the pages: figures run
    to it, so a commit on a later day is a new build even if no page changed.
    """
    digest = _digest_files(root, CONTENT_FILES, CONTENT_DIRS)
    digest.update(f"edition date {clock.today(root).isoformat()}".encode())
    return digest.hexdigest()


def stamp_file(root: Path) -> Path:
    """Where the fingerprints of the inputs of the last successful build are kept."""
    return root / "_build" / "last-good-build.json"


def build(root: Path | None = None, *, extra: list[str] | None = None, force: bool = False) -> int:
    """Validate, build and, only on success, publish. Returns a process exit code.

    Like make, it first compares every input with the last successful build: when nothing
    changed, the published site is already what a build would produce, so nothing runs
    (``force`` runs the Sphinx pass anyway; its own caches still skip unchanged pages and
    notebooks). When the configuration, the package or an installed version changed, Sphinx
    starts from a fresh environment so that every page is rendered with the new setup.
    """
    root = root or repo_root()
    current = {"setup": setup_fingerprint(root), "content": content_fingerprint(root)}
    stamp = stamp_file(root)
    try:
        last = json.loads(stamp.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        last = {}
    site_index = root / "_build" / "html" / "index.html"
    if last == current and site_index.is_file() and not force and not extra:
        print(f"Site is up to date: no input changed since the last build ({site_index}).")
        return 0
    extra = list(extra or [])
    if last.get("setup") not in (None, current["setup"]) and "--all" not in extra:
        print("Configuration, package or installed versions changed: rebuilding every page.")
        extra.append("--all")
    code = validate_and_build_site(root, extra=extra)
    if code == 0:
        # The whole edition as one PDF, printed from the staged pages where Chromium is present.
        from nea_edition import pdf

        code = pdf.build_step(staging_dir(root) / "_build" / "html", root)
    if code != 0:
        print(
            f"\nBuild FAILED (exit {code}); the last good site in {root / '_build' / 'html'}"
            " was left untouched.",
            file=sys.stderr,
        )
        return code
    site = publish(root)
    stamp.write_text(json.dumps(current, indent=1) + "\n", encoding="utf-8")
    print(f"\nBuild succeeded: site published to {site}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=None, help="book root (default: this repo)")
    parser.add_argument("--all", action="store_true", help="rebuild every page (Sphinx -E)")
    parser.add_argument(
        "--force", action="store_true", help="run Sphinx even when no input has changed"
    )
    args = parser.parse_args(argv)
    return build(args.root, extra=["--all"] if args.all else None, force=args.force)


if __name__ == "__main__":
    # The driver ends as soon as its work is done and its output flushed: it has imported the
    # validator (frictionless and its dependencies), whose teardown would add a fifth of a
    # second to every build. It starts no process that outlives it and has no exit handler.
    status = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
