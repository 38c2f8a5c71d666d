"""Timing shared by the benchmarks: best of several runs, alternating which goes first."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable


def best_of(runs: int, work: dict[str, Callable[[], object]]) -> dict[str, float]:
    """Best wall time of each piece of work over `runs` rounds, alternating the order."""
    best = dict.fromkeys(work, float("inf"))
    names = list(work)
    for i in range(runs):
        for name in names if i % 2 == 0 else reversed(names):
            gc.collect()  # so one piece of work does not pay for another's garbage
            start = time.perf_counter()
            work[name]()
            best[name] = min(best[name], time.perf_counter() - start)
    return best
