"""Jupyter Book's ``build`` command, as the build driver runs it: the same CLI, a quicker exit.

When Sphinx has written the site and the environment, a Python process still spends most of a
second tearing down what the build left in memory (every module, doctree and template of
Jupyter Book, Sphinx, myst-nb and the theme) before it exits. Nothing of that reaches a file:
Sphinx, jupyter-cache and the edition write and close every file before the command returns.
So once the command has returned and its output is flushed, the process ends at once with
its exit code. Arguments are Jupyter Book's own (``python -m nea_edition.jupyter_book_process
build ROOT ...``).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str]) -> int:
    """Run ``jupyter-book ARGV`` and return its exit code (click's, as the CLI would exit)."""
    from jupyter_book.cli.main import main as jupyter_book

    try:
        jupyter_book.main(args=argv, prog_name="jupyter-book", standalone_mode=True)
    except SystemExit as stop:
        code = stop.code
        if code is None:
            return 0
        if isinstance(code, int):
            return code
        print(code, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    status = main(sys.argv[1:])
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
