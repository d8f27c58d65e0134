"""Checks of the edition's inputs, run before anything is built.

``validation`` checks every table in ``data/`` against ``datapackage.json`` and the edition's
cross-table rules (``python -m nea_edition.checks.validation``); ``bibliography`` validates
``references.bib`` and writes it in canonical form (``python -m nea_edition.checks.bibliography``).
Both report every problem at once in the shape of ``errors.Problem``.

Nothing is imported here, so ``python -m`` runs either module without importing it twice.
"""
