"""Timing shared by the benchmarks: several runs, alternating which goes first."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable


def timings(runs: int, work: dict[str, Callable[[], object]]) -> dict[str, list[float]]:
    """Wall time of each piece of work in each of `runs` rounds, alternating the order.

    Alternating spreads slow and fast spells of a shared machine over both sides.
    """
    times: dict[str, list[float]] = {name: [] for name in work}
    names = list(work)
    for i in range(runs):
        for name in names if i % 2 == 0 else reversed(names):
            gc.collect()  # so one piece of work does not pay for another's garbage
            start = time.perf_counter()
            work[name]()
            times[name].append(time.perf_counter() - start)
    return times


def best_of(runs: int, work: dict[str, Callable[[], object]]) -> dict[str, float]:
    """Best wall time of each piece of work over `runs` rounds, alternating the order."""
    return {name: min(times) for name, times in timings(runs, work).items()}
