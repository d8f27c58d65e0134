"""Jupyter Book's ``build`` command, as the build driver runs it: the same CLI, a quicker exit.

When Sphinx has written the site and the environment, a Python process still spends most of a
second tearing down what the build left in memory (every module, doctree and template of
Jupyter Book, Sphinx, myst-nb and the theme) before it exits. Nothing of that reaches a file:
Sphinx, jupyter-cache and the edition write and close every file before the command returns.
So once the command has returned, the exit handlers have run and the output is flushed, the
process ends at once with its exit code. The exit handlers must run: sphinx-sitemap starts a
``multiprocessing`` manager, a forked process that only its handler stops, and left running it
would hold the build's output pipes open (a caller reading them would wait for ever).

Arguments are Jupyter Book's own:
``python -m nea_edition.jupyter_book_process build ROOT ...``.
"""

from __future__ import annotations

import atexit
import os
import sys


def main(argv: list[str]) -> int:
    """Run ``jupyter-book ARGV`` and return its exit code (click's, as the CLI would exit).

    Before Jupyter Book is even imported, the kernels of the notebooks whose inputs changed
    start on the other core (``site.warm_kernels``), when the build driver names the record
    of the last build's inputs.
    """
    from nea_edition.paths import NOTEBOOK_RECORD_ENV

    record = os.environ.get(NOTEBOOK_RECORD_ENV)
    if argv[:1] == ["build"] and len(argv) > 1 and record:
        from pathlib import Path

        from nea_edition.site import warm_kernels

        started = warm_kernels.start(Path(argv[1]), Path(record))
        if started:
            print(f"{warm_kernels.STARTED_MESSAGE}: {', '.join(started)}", flush=True)

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
    atexit._run_exitfuncs()  # what a normal exit runs first; only the teardown after it is skipped
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
