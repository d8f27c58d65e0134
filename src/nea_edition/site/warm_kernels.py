"""Kernels started while Sphinx starts up, for the notebooks whose inputs changed.

A notebook's run is mostly fixed cost: a Python kernel starting (about half a second) and
importing pandas, plotly and the edition's package (about as long again), before about a tenth
of a second of its own work. Sphinx, meanwhile, spends a second and a half importing Jupyter
Book, myst-nb and the theme and loading its environment before it reaches the notebook
prefill (``site.notebook_cache``). The two are independent, so the Sphinx process starts the
kernels first (``nea_edition.jupyter_book_process`` calls ``start`` before it imports Jupyter
Book), on the other core, and the prefill hands each one its notebook when it gets there.

Which notebooks: those whose inputs fingerprint (``site.notebook_inputs``) differs from the one
recorded at the end of the last successful build (``write_record``), at most one per core: the
ones the prefill will most likely have to run. This is only a guess made early, and nothing
rests on it. The prefill still decides what runs, by jupyter-cache's match; a warm kernel it
does not need is shut down unused, and a notebook without one gets a fresh kernel as before.

A warm kernel is started as nbclient would start it (the notebook's kernelspec, its folder as
working directory, the same environment) and has only *imported* modules, silently
(``PRELOAD``, no history, no execution count), before the notebook runs in it through
nbclient, so the executed notebook, its outputs and their cache entry are the same as from a
fresh kernel (``tests/test_warm_kernels.py`` compares them). nbclient is handed the kernel
with a client already connected, so it skips the start-up handshake it would repeat.
"""

from __future__ import annotations

import asyncio
import atexit
import json
import os
import queue
import threading
import time
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from nea_edition import validation_gate
from nea_edition.site.notebook_inputs import Fingerprints, declared_tables, front_matter
from nea_edition.toc import toc_pages

#: The record's file name, in Sphinx's doctree folder.
RECORD_NAME = "nea-notebook-inputs.json"
#: What the Sphinx process prints when it starts kernels early (the tests look for it).
STARTED_MESSAGE = "[nea] Kernels started early for the notebooks whose inputs changed"
#: What a warm kernel imports before its notebook: what every notebook of the edition imports.
PRELOAD = "import myst_nb.ext.glue, nea_edition.data, nea_edition.figures"
#: How long a kernel may take to start and import (a slow machine; beyond it, no warm kernel).
STARTUP_TIMEOUT = 120

#: Environment variables a kernel must not inherit (a pipe only the Sphinx process holds).
_PRIVATE_ENV = (validation_gate.GATE_ENV,)


class WarmKernel:
    """One kernel for one notebook, started in a thread of its own and waiting for it."""

    def __init__(self, docname: str, cwd: Path, kernel_name: str) -> None:
        self.docname = docname
        self.cwd = cwd
        self.kernel_name = kernel_name
        self._jobs: queue.Queue[tuple[Any, dict[str, Any], Future[Any]] | None] = queue.Queue()
        self._ready: Future[bool] = Future()
        self._thread = threading.Thread(target=self._serve, name=f"warm kernel {docname}")
        self._thread.start()

    def _serve(self) -> None:
        try:
            asyncio.run(self._main())
        except BaseException as error:  # never leave a waiting prefill hanging
            if not self._ready.done():
                self._ready.set_result(False)
            self._fail_pending(error)

    def _fail_pending(self, error: BaseException) -> None:
        while True:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                return
            if job is not None and not job[2].done():
                job[2].set_exception(error)

    async def _main(self) -> None:
        from jupyter_client.manager import AsyncKernelManager

        env = {k: v for k, v in os.environ.items() if k not in _PRIVATE_ENV}
        manager = AsyncKernelManager(kernel_name=self.kernel_name)
        await manager.start_kernel(cwd=str(self.cwd), env=env)
        client = manager.client()
        client.start_channels()
        try:
            self._ready.set_result(await self._preload(client))
            job = await asyncio.to_thread(self._jobs.get)
            if job is None:  # released unused (``run`` hands over a job only once warm)
                return
            notebook, options, done = job
            try:
                done.set_result(await self._execute(manager, client, notebook, options))
            except BaseException as error:
                done.set_exception(error)
        finally:
            client.stop_channels()
            await manager.shutdown_kernel(now=True)

    async def _preload(self, client: Any) -> bool:
        """Import ``PRELOAD`` silently and make sure the client hears the kernel.

        False if the kernel cannot (then it is not used). This is jupyter_client's
        ``wait_for_ready`` less its last step, a fifth of a second spent draining IOPub: the
        kernel's "idle" after the imports shows that IOPub is connected, and nbclient, which
        gets this client ready, ignores every message that does not answer its own requests.
        """
        from queue import Empty

        deadline = time.monotonic() + STARTUP_TIMEOUT

        def left() -> float:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("the kernel did not start in time")
            return remaining

        try:
            while True:  # the kernel answers once it is up; ask again every second until then
                client.kernel_info()
                try:
                    reply = await client.get_shell_msg(timeout=min(1.0, left()))
                except Empty:
                    continue
                if reply["msg_type"] == "kernel_info_reply":
                    break
            msg_id = client.execute(PRELOAD, silent=True, store_history=False, allow_stdin=False)
            while True:
                reply = await client.get_shell_msg(timeout=left())
                if reply["parent_header"].get("msg_id") == msg_id:
                    break
            if reply["content"].get("status") != "ok":
                return False
            while True:
                message = await client.get_iopub_msg(timeout=min(5.0, left()))
                if (
                    message["parent_header"].get("msg_id") == msg_id
                    and message["msg_type"] == "status"
                    and message["content"].get("execution_state") == "idle"
                ):
                    client.allow_stdin = False
                    return True
        except Exception:
            return False

    async def _execute(
        self, manager: Any, kernel_client: Any, notebook: Any, options: dict[str, Any]
    ) -> Any:
        """Run the notebook as ``jupyter_cache``'s ``single_nb_execution`` would, in this kernel.

        nbclient is handed the kernel's manager and its ready client, so it starts neither.
        """
        from jupyter_cache.executors.utils import ExecutionResult
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError, CellTimeoutError

        timeout, allow_errors = options["timeout"], options["allow_errors"]
        execution = notebook.metadata.get("execution", {})
        timeout = execution.get("timeout", timeout)
        allow_errors = execution.get("allow_errors", allow_errors)
        client = NotebookClient(
            notebook,
            km=manager,
            timeout=timeout,
            allow_errors=allow_errors,
            record_timing=False,
            resources={"metadata": {"path": str(self.cwd)}},
        )
        client.kc = kernel_client
        error = exc_string = None
        start = time.perf_counter()
        try:
            await client.async_execute()
        except (CellExecutionError, CellTimeoutError) as err:
            import traceback

            error, exc_string = err, traceback.format_exc()
        return ExecutionResult(
            notebook, str(self.cwd), time.perf_counter() - start, error, exc_string
        )

    def is_warm(self) -> bool:
        """Wait until the kernel has started and imported ``PRELOAD``; False if it could not."""
        return self._ready.result()

    def run(self, notebook: Any, *, timeout: int | None, allow_errors: bool) -> Any:
        """Execute ``notebook`` here; None if this kernel cannot (then run it afresh).

        A failure of the kernel itself (not of a cell: that is in the result, as from
        ``single_nb_execution``) also gives None: nbclient clears each cell's outputs before
        running it, so the fresh run starts from the notebook as it was.
        """
        kernelspec = notebook.metadata.get("kernelspec", {})
        if kernelspec.get("name") != self.kernel_name or not self.is_warm():
            self.release()
            return None
        done: Future[Any] = Future()
        self._jobs.put((notebook, {"timeout": timeout, "allow_errors": allow_errors}, done))
        try:
            return done.result()
        except Exception:
            return None

    def release(self) -> None:
        """Shut the kernel down unused (a no-op once it has run its notebook)."""
        self._jobs.put(None)

    def join(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)


#: Kernels started and not yet handed to a notebook, and every kernel started.
_WARM: dict[str, WarmKernel] = {}
_STARTED: list[WarmKernel] = []
_LOCK = threading.Lock()


def changed_notebooks(root: Path, record: Path) -> list[tuple[str, Path, str]]:
    """(docname, path, kernel name) of each notebook page whose inputs differ from the record."""
    try:
        recorded = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        recorded = {}
    fingerprints = Fingerprints(root)
    changed = []
    root_doc, pages = toc_pages(root)
    for docname in sorted({root_doc, *(page.docname for page in pages)}):
        path = root / f"{docname}.md"
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        kernelspec = front_matter(text).get("kernelspec")
        tables = declared_tables(text)
        if not isinstance(kernelspec, dict) or tables is None:
            continue
        if recorded.get(docname) != fingerprints.of(tables):
            changed.append((docname, path, str(kernelspec.get("name", "python3"))))
    return changed


def start(root: Path, record: Path | None) -> list[str]:
    """Start a kernel for each of the first notebooks (one per core) whose inputs changed.

    Returns their docnames. Every kernel is shut down by the time the process exits, used or not.
    """
    if record is None:
        return []
    try:
        changed = changed_notebooks(root, record)[: os.cpu_count() or 1]
    except Exception:  # a guess, never a reason to fail the build: Sphinx reports real errors
        return []
    if not changed:
        return []
    import jupyter_client.manager  # noqa: F401  (imported here once, not in two threads at once)

    with _LOCK:
        for docname, path, kernel_name in changed:
            kernel = WarmKernel(docname, path.parent.resolve(), kernel_name)
            _WARM[docname] = kernel
            _STARTED.append(kernel)
    atexit.register(release_all)
    return [docname for docname, _, _ in changed]


def take(docname: str) -> WarmKernel | None:
    """The warm kernel started for ``docname``, handed over once (None if there is none)."""
    with _LOCK:
        return _WARM.pop(docname, None)


def release_all() -> None:
    """Shut down every warm kernel not taken, and wait until every kernel started has stopped.

    Run after the prefill and at exit: the Sphinx process ends without the interpreter's
    teardown (``jupyter_book_process``), so no kernel may be left for it to stop.
    """
    with _LOCK:
        left = list(_WARM.values())
        _WARM.clear()
        started = list(_STARTED)
        _STARTED.clear()
    for kernel in left:
        kernel.release()
    for kernel in started:
        kernel.join(timeout=30)


def write_record(doctreedir: Path, fingerprints: dict[str, str]) -> None:
    """Record the inputs of every notebook page as this (successful) build read it."""
    path = doctreedir / RECORD_NAME
    text = json.dumps(dict(sorted(fingerprints.items())), indent=1) + "\n"
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
