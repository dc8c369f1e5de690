"""Measure the extra memory a call allocates with `tracemalloc` (a figure, never a timing)."""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

MAX_EXTRA_BYTES = 64 * 1024 * 1024
"""The bound every hostile image must stay under (issue 3, "Done when")."""


def peak_extra(fn: Callable[[], T]) -> tuple[T, int]:
    """Run `fn` and return its result with the peak of memory allocated while it ran."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base, _ = tracemalloc.get_traced_memory()
        result = fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak - base
