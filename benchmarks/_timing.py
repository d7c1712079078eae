"""Timing helpers shared by the benchmark scripts (each script prints ratios measured in its own run)."""
from __future__ import annotations

import time
from typing import Any, Callable


def seconds(fn: Callable[[], Any]) -> float:
    """Wall time of one call of ``fn``."""
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def runs(fn: Callable[[], Any], repeat: int) -> list[float]:
    """Wall times of ``repeat`` calls of ``fn``; take the median or the minimum as the script documents."""
    return [seconds(fn) for _ in range(repeat)]
