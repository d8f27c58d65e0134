"""The Sphinx side of the edition: adapters only, each one an extension with ``setup(app)``.

Every module here is named in ``_config.yml`` (``sphinx.config.extensions``), which is the list
of what the site loads, in load order; the README's layout says in one line what each holds.
They read what only the build knows (documents, doctrees, the builder) and call the edition's
Sphinx-free code (``nea_edition.data``, ``figures``, ``citation``, ``toc``) for everything
else. None of it runs in a notebook: editing it never re-executes one.
"""
