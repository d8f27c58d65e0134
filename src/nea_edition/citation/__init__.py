"""The edition as a citable work, and every form a citation of it takes, without Sphinx.

A model, formatters and nothing else (the split LSST's technote makes between its metadata
model, its formatters and its templates); the Sphinx adapters ``site.cite`` and
``site.metadata`` read the page being built and call these functions.

``release`` reads the edition's facts from ``CITATION.cff``; ``model`` holds ``Name`` and
``Work`` and makes the works the site cites (the edition, a page, the data set, the original
paper from ``references.bib``); ``bibtex``, ``ris`` and ``reference`` write a work as BibTeX,
RIS and a formatted reference (pybtex); ``box`` the "Cite this page" box's HTML;
``meta_tags`` the Highwire Press and Open Graph tags and ``jsonld`` the schema.org JSON-LD of a
page's head; ``addresses`` the site's base URL, absolute URLs and the sitemap.

Nothing here imports Sphinx, docutils or ``nea_edition.site`` (``tests/test_architecture.py``
checks it), so every format can be tested, and used, without building the book.
"""
