"""The site's public address: one setting, read and checked in one place, and the sitemap.

``NEA_EDITION_BASE_URL`` (the Pages workflow sets it), else ``html.baseurl`` in
``_config.yml`` (which the Sphinx adapter ``site.metadata`` passes in, and reports a bad value
of as a Sphinx configuration error). With a base URL the pages' metadata and cite boxes carry
absolute URLs and the site gets a ``sitemap.xml``; without one they carry none.
"""

from __future__ import annotations

import html
import os
from urllib.parse import urlsplit

#: The one setting for the site's public address.
BASE_URL_ENV = "NEA_EDITION_BASE_URL"


class BaseURLError(ValueError):
    """A base URL that is not an absolute http(s) address (the message names the setting)."""


def normalise_base_url(value: str | None, *, source: str = BASE_URL_ENV) -> str | None:
    """``https://host/path/`` (always one trailing slash), or None when unset or blank.

    Anything but an absolute http(s) address is an error, reported with where the value came
    from, rather than a site full of broken canonical links.
    """
    value = (value or "").strip()
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise BaseURLError(
            f"{source}={value!r}: the site's base URL must be an absolute http(s) address "
            "such as https://example.org/edition/ (no query or fragment)"
        )
    return value.rstrip("/") + "/"


def base_url(configured: str | None) -> str | None:
    """The site's base URL: ``NEA_EDITION_BASE_URL``, else ``configured``, else None.

    ``configured`` is the configuration's ``html_baseurl`` (``html.baseurl`` in ``_config.yml``).
    """
    env = os.environ.get(BASE_URL_ENV, "")
    if env.strip():
        return normalise_base_url(env)
    return normalise_base_url(configured, source="html_baseurl (html.baseurl)")


def absolute(base: str | None, path: str) -> str | None:
    """``base`` + a site-root-relative ``path``, or None without a base."""
    return base + path.lstrip("/") if base else None


def sitemap_xml(urls: list[str]) -> str:
    """A sitemaps.org ``urlset`` of these URLs, in the order given."""
    entries = "".join(f"<url><loc>{html.escape(url)}</loc></url>" for url in urls)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>\n'
    )
