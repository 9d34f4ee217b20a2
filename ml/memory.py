"""Giving freed memory back to the system.

glibc's malloc keeps what a process frees for its next allocations rather than returning it, so a process that once
needed a lot (a model loading, a large photo read) keeps that much resident. `malloc_trim` returns the free pages of
every arena; it takes a few milliseconds, so it is called after such a step, not after every allocation.
"""

import contextlib
import ctypes
import subprocess
import sys
from pathlib import Path


def _libc_malloc_trim():
    with contextlib.suppress(OSError, AttributeError):  # glibc only
        return ctypes.CDLL('libc.so.6').malloc_trim
    return None


_MALLOC_TRIM = _libc_malloc_trim()


def give_back_freed_memory() -> None:
    """Return the memory freed so far to the system (no-op where the C library is not glibc)."""
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)


M_ARENA_MAX = -8  # mallopt's parameter number, from glibc's malloc.h


def share_arenas(count: int) -> None:
    """Let the threads started from now on share `count` malloc arenas, rather than glibc's one per thread up to
    8 per core, each keeping its own freed memory (what MALLOC_ARENA_MAX does from the environment)."""
    with contextlib.suppress(OSError, AttributeError):  # glibc only
        ctypes.CDLL('libc.so.6').mallopt(M_ARENA_MAX, count)


ROOT = Path(__file__).resolve().parents[1]


def run_apart(module: str, *args: object) -> None:
    """`python -m module args` in a child process, for a one-time step that imports much for little (a model's
    conversion imports `onnx`: 17 MB that a long-running process would keep to its end)."""
    done = subprocess.run([sys.executable, '-m', module, *map(str, args)], cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f'{module} failed: {done.stderr.strip()[-2000:]}')
