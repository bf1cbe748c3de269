"""Giving memory back to the operating system after a request that needed much of it."""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import cache
from typing import Any


@cache
def _malloc_trim() -> Any:
    name = ctypes.util.find_library("c")
    try:
        return getattr(ctypes.CDLL(name), "malloc_trim", None) if name else None
    except OSError:
        return None


def release_freed_memory() -> None:
    """Hand the freed pages of the C heap back to the operating system (glibc's ``malloc_trim``; nothing
    where the C library has no such function).

    An upload of 100,000 values frees what it built when its answer is sent, but the allocator keeps most
    of those pages for the process: a worker held 80 to 100 MB more after each large upload, and the next
    one started from there. Trimming costs a few milliseconds, so it runs after requests that allocated
    much, not after every request."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
