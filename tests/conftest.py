"""Shared fixtures: the built site, a local server for it, and headless Chromium.

The nox ``tests`` session builds the book strictly before pytest runs, so the tests read the
site in ``_build/html``. Run alone, pytest builds it first if it is missing. Browser tests use
Debian's Chromium through Playwright's Python API: Playwright's own browser download cannot
work on a machine without general internet access, and CI installs ``chromium`` with apt.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from devtools.localserver import CHROMIUM, CHROMIUM_ARGS, serve
from helpers import ROOT, chromium_missing_reason

from nea_edition import build as book_build

ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="session")
def site_dir() -> Path:
    """The built site; built strictly here when a plain ``pytest`` run finds none."""
    site = ROOT / "_build" / "html"
    if not (site / "index.html").is_file():
        assert book_build.build(ROOT) == 0, "the strict build failed"
    return site


@pytest.fixture(scope="session")
def site_url(site_dir: Path) -> Iterator[str]:
    """Serve the site from 127.0.0.1 on a free port, as `nox -s serve` does."""
    with serve(site_dir) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """A headless Debian Chromium driven by Playwright."""
    reason = chromium_missing_reason()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests must run in CI: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """Where browser tests keep screenshots for people to look at (gitignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
