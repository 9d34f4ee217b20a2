"""What each worker process does first: run below the web app's priority, and die with the process that started
it. A server killed with `kill -9` cannot stop its pools, and its workers (a face model each, about 220 MB) were
left running under init, a new pair added by every restart (issue 20). This module imports nothing of Hearth's
database layer, so a worker spawned with it loads only what its jobs need."""

import contextlib
import ctypes
import os
import signal
import threading
import time

PR_SET_PDEATHSIG = 1  # linux/prctl.h
WATCH_SECONDS = 1.0


def start_worker(parent_pid: int, niceness: int) -> None:
    """The pool initializer: lower the priority, then end with the parent."""
    os.nice(niceness)
    _die_with(parent_pid)


def _die_with(parent_pid: int) -> None:
    # The kernel's signal covers most cases at once, but it follows the thread that spawned the worker, not its
    # process, and is Linux only: a watch on the parent's pid covers the rest within a second.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent_pid:  # the parent died before the line above took effect
        os._exit(1)
    threading.Thread(target=_watch, args=(parent_pid,), name='parent-watch', daemon=True).start()


def _watch(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(WATCH_SECONDS)
    os._exit(1)
