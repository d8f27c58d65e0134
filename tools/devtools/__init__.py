"""Developer tools: the benchmark, the Lighthouse runner and the local server.

They use the edition (``nea_edition``); the edition never imports them. Run them with
``tools`` on the path, as nox does: ``PYTHONPATH=tools python -m devtools.bench``.
"""
