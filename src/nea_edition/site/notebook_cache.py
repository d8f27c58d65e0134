"""Fill jupyter-cache ahead of Sphinx's read, executing the missing notebooks in parallel.

myst-nb's ``cache`` mode executes a notebook only when Sphinx reads its page, and Sphinx reads
pages one at a time, so a cold build pays every kernel start-up and run in turn (five or six
notebooks of about two seconds each on this project). The notebooks do not depend on one another,
so ``prefill`` runs the ones the cache lacks side by side, one kernel per core, then stores each
under the very key myst-nb will compute when it reads the page: jupyter-cache's hash of the
notebook's code cells and kernelspec, taken from the same notebook text myst-nb will parse.

Nothing here decides *whether* a notebook is current: that stays jupyter-cache's match. If the
text myst-nb reads differed in any way, the key would not match and myst-nb would simply execute
the notebook itself, as without this module.

A notebook whose kernel the Sphinx process started early (``site.warm_kernels``) runs in it;
the others get a fresh kernel each, as myst-nb would start it.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from nea_edition.site import warm_kernels

#: What the benchmark and tests look for in the log, one line per notebook executed here.
EXECUTED_MESSAGE = "[nea] Executed notebook ahead of the read"
#: Appended to that line for a notebook run in a kernel started early (``site.warm_kernels``).
WARM_MESSAGE = "in a kernel started early"

#: How a kernel ends once its notebook has run. nbclient's default, "graceful", asks the kernel
#: to shut down and waits while it tears down pandas, plotly and the figure (about 0.6 s per
#: notebook here); every output has been received by then, so the kernel is stopped at once.
SHUTDOWN = "immediate"


def prefill(env: Any, sources: dict[str, tuple[Path, str]], logger: Any) -> list[str]:
    """Execute and cache every notebook of ``sources`` (docname -> (path, text)) not cached.

    Returns the docnames executed and cached here. A single stale notebook (the usual case
    after one table changed) is run here too rather than left to myst-nb, for the quicker end
    of its kernel (``SHUTDOWN``).
    """
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn
    from jupyter_cache.executors.utils import single_nb_execution
    from myst_nb.core.read import create_nb_reader

    config = env.mystnb_config
    if config.execution_mode != "cache" or not config.execution_cache_path:
        return []
    cache = get_cache(config.execution_cache_path)
    missing: list[tuple[str, Path, Any, Any]] = []
    for docname, (path, text) in sorted(sources.items()):
        reader = create_nb_reader(str(path), env.myst_config, config, text)
        if reader is None:
            continue
        notebook = reader.read(text)
        try:
            cache.match_cache_notebook(notebook)
        except KeyError:
            missing.append((docname, path, notebook, reader.read_fmt))
    if not missing:
        return []

    def execute(item: tuple[str, Path, Any, Any]) -> tuple[Any, bool]:
        """The execution result, and whether it ran in a kernel started early."""
        docname, path, notebook, _ = item
        warm = warm_kernels.take(docname)
        if warm is not None:
            result = warm.run(
                notebook,
                timeout=config.execution_timeout,
                allow_errors=config.execution_allow_errors,
            )
            if result is not None:
                return result, True
        cwd = str(path.parent.resolve())
        result = single_nb_execution(
            notebook,
            cwd=cwd,
            allow_errors=config.execution_allow_errors,
            timeout=config.execution_timeout,
            meta_override=True,
            shutdown_kernel=SHUTDOWN,
        )
        return result, False

    workers = min(len(missing), os.cpu_count() or 1)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(execute, missing))
    done = []
    for (docname, path, notebook, read_fmt), (result, warm) in zip(missing, results, strict=True):
        if result.err is not None:
            continue  # myst-nb executes it again while reading, and reports the error
        if read_fmt is not None:
            stage = cache.add_nb_to_project(str(path), read_data=read_fmt)
        else:
            stage = cache.add_nb_to_project(str(path))
        cache.cache_notebook_bundle(
            CacheBundleIn(notebook, stage.uri, data={"execution_seconds": result.time}),
            check_validity=False,
            overwrite=True,
        )
        how = f", {WARM_MESSAGE}" if warm else ""
        logger.info(f"{EXECUTED_MESSAGE}: {docname} ({result.time:.2f} s{how})")
        done.append(docname)
    return done
