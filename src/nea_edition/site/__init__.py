"""The Sphinx side of the edition, loaded through ``sphinx.extra_extensions`` in ``_config.yml``.

``extension`` (site hygiene, self-hosted charts from ``static/``, data-aware notebook caching),
``schema_directive`` (the Data page's column tables from ``datapackage.json``),
``endnotes_directive`` (the endnote concordance and errata) and ``citation_style`` (author-year
citations). None of it runs in a notebook: editing it never re-executes one.
"""
