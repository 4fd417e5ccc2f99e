"""How many CPUs this process may use, and how the reading pools start their processes."""

from __future__ import annotations

import multiprocessing
import os
import sys


def available_cpus() -> int:
    """The CPUs this process may run on (its affinity, not the machine's count)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def reading_context():
    """How reading processes start. Not fork: the run may have threads (progress bar, writer,
    an in-process model) whose locks a forked child would inherit held. A fork server starts
    clean."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def pool_can_start() -> bool:
    """A fork server or spawn child re-imports the main script by its path: a script fed on
    stdin (`python - <<EOF`) has none, and every child would fail. Read in this process then."""
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    return path is None or os.path.exists(path)


def in_reading_worker() -> bool:
    """A process of a reading pool reads its own pages: no pool inside a pool."""
    return multiprocessing.parent_process() is not None
