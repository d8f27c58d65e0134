"""The build driver validates the data while Sphinx starts; Sphinx reads nothing before the verdict.

Validating ``data/`` and ``references.bib`` takes most of a second (frictionless among it), and
so does starting Sphinx with Jupyter Book, myst-nb and the theme. Neither needs the other until
Sphinx is about to read a page or run a notebook, so the driver (``nea_edition.build``) starts
Sphinx first and validates meanwhile, on the other core. It hands Sphinx the read end of a pipe;
the edition's extension waits on it before the read (``env-before-read-docs``, ahead of the
notebook prefill), so no page is read, no notebook executed and no page written until the data
have been found valid:

* ``valid``: Sphinx goes on (notebooks then skip their own validation, ``VALIDATED_ENV``);
* anything else, ``refused`` or the pipe closed without a verdict (the driver failed): Sphinx
  stops at once with ``REFUSED_EXIT``, and the driver reports the problems.

Run without the driver, Sphinx has no gate and validates for itself at ``config-inited``
(``site.extension.validate_unless_validated``).
"""

from __future__ import annotations

import os

#: The environment variable holding the number of the pipe's read end in the Sphinx process.
GATE_ENV = "NEA_EDITION_VALIDATION_GATE"
VALID = b"valid"
REFUSED = b"refused"
#: Sphinx's exit status when the driver refused the data (the driver reports the problems).
REFUSED_EXIT = 3


def open_gate() -> tuple[int, int]:
    """A pipe: (read end for the Sphinx process, write end for the driver's verdict)."""
    return os.pipe()


def send_verdict(write_end: int, *, valid: bool) -> None:
    """Tell Sphinx whether the data are valid, then close the pipe.

    A Sphinx process that already stopped (a configuration error, say) has closed its end;
    its own error is in its output, so the verdict is simply dropped.
    """
    try:
        os.write(write_end, VALID if valid else REFUSED)
    except BrokenPipeError:
        pass
    finally:
        os.close(write_end)


def await_verdict() -> bool | None:
    """In the Sphinx process: wait for the driver's verdict (None when there is no gate).

    The variable is removed once read, so the processes Sphinx starts (notebook kernels) never
    see a pipe they do not hold, and a second call does not wait again.
    """
    value = os.environ.pop(GATE_ENV, None)
    if value is None:
        return None
    with os.fdopen(int(value), "rb") as gate:
        return gate.read() == VALID
