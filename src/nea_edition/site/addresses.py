"""The site's public address: one setting, read and checked in one place.

``NEA_EDITION_BASE_URL`` (the Pages workflow sets it), else ``html.baseurl`` in
``_config.yml``. Used by the pages' metadata (``metadata``) and the cite boxes (``cite``).
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from sphinx.config import Config
from sphinx.errors import ConfigError

#: The one setting for the site's public address.
BASE_URL_ENV = "NEA_EDITION_BASE_URL"


def normalise_base_url(value: str | None, *, source: str = BASE_URL_ENV) -> str | None:
    """``https://host/path/`` (always one trailing slash), or None when unset or blank.

    Anything but an absolute http(s) address is a configuration error, reported with where
    the value came from, rather than a site full of broken canonical links.
    """
    value = (value or "").strip()
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ConfigError(
            f"{source}={value!r}: the site's base URL must be an absolute http(s) address "
            "such as https://example.org/edition/ (no query or fragment)"
        )
    return value.rstrip("/") + "/"


def base_url(config: Config) -> str | None:
    """The site's base URL: ``NEA_EDITION_BASE_URL``, else ``html_baseurl``, else None."""
    env = os.environ.get(BASE_URL_ENV, "")
    if env.strip():
        return normalise_base_url(env)
    return normalise_base_url(config.html_baseurl, source="html_baseurl (html.baseurl)")


def absolute(base: str | None, path: str) -> str | None:
    """``base`` + a site-root-relative ``path``, or None without a base."""
    return base + path.lstrip("/") if base else None
