"""The Sphinx side of the edition, loaded through ``sphinx.extra_extensions`` in ``_config.yml``.

``extension`` (site hygiene, self-hosted charts from ``static/``, data-aware notebook caching),
``schema_directive`` (the Data page's column tables from ``datapackage.json``),
``endnotes_directive`` (the endnote concordance and errata), ``citation_style`` (author-year
citations), ``release`` (the edition's version and date), ``metadata`` (citation metadata in every
page's head) and ``cite`` (the "Cite this page" boxes).
None of it runs in a notebook: editing it never re-executes one.
"""
