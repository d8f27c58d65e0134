"""Shared code for the analytic edition of Kim Sung-han's 'Northeast Asian Regionalism in Korea'.

Notebooks, nox sessions and tests import from here so that each rule (how a table is loaded,
validated, drawn or cited) is written once.
"""
