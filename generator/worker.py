"""Render a plan of outputs in a second process while MkDocs converts the pages it already has.

MkDocs builds on one core. The plugin validates the charters itself (errors and warnings
belong to the build), then hands the pure rendering left in the plan to a forked child, which
renders every output in plan order and queues it. MkDocs asks for each page when it reads it,
long after the child has rendered it: a page takes milliseconds to render and a hundred times
longer to convert. On a two-core machine that takes the plugin's rendering off the build's time.

Forking is the only way used: the child inherits the plan (templates compiled, charters
validated), so nothing is pickled but the results. Where forking is unsafe or unavailable
(Windows, or a process already running threads, such as `mkdocs serve`), everything renders
in this process on demand instead, with the same results.
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
import traceback
from collections.abc import Callable, Mapping
from typing import Any

Plan = Mapping[str, Callable[[], Any]]
_BATCH = 32
_POLL_SECONDS = 0.5


class WorkerError(RuntimeError):
    """The child stopped or failed while rendering: a bug, since the input was validated."""


def can_fork() -> bool:
    """True when a fork is available and safe: no other thread may hold a lock the child needs."""
    return ("fork" in multiprocessing.get_all_start_methods()
            and threading.active_count() == 1)


class Outputs:
    """A plan's outputs by path, rendered ahead in a child process or here on demand."""

    def __init__(self, plan: Plan, *, background: bool = True) -> None:
        self._plan = plan
        self._ready: dict[str, Any] = {}
        self._failure: WorkerError | None = None
        self._process: Any = None
        self._queue: Any = None
        if background and can_fork():
            context = multiprocessing.get_context("fork")
            self._queue = context.Queue()
            self._process = context.Process(target=_render_all, args=(plan, self._queue),
                                            name="charters-render", daemon=True)
            self._process.start()

    @property
    def in_background(self) -> bool:
        return self._process is not None

    def get(self, path: str) -> Any:
        """The output at `path`, waiting for the child to render it if need be."""
        if path not in self._plan:
            raise KeyError(path)
        if self._process is None:
            return self._plan[path]()
        while path not in self._ready:
            if self._failure is not None:
                raise self._failure
            self._receive()
        return self._ready.pop(path)

    def _receive(self) -> None:
        try:
            batch, failed, error = self._queue.get(timeout=_POLL_SECONDS)
        except queue.Empty:
            if not self._process.is_alive():
                raise WorkerError(f"the rendering process stopped (exit code "
                                  f"{self._process.exitcode}) before it finished") from None
            return
        self._ready.update(batch)
        # What arrived before a failure is still good: the failure is raised when a page
        # that did not arrive is asked for, so MkDocs names the page that failed.
        if error is not None:
            self._failure = WorkerError(f"rendering {failed} failed:\n{error}")
        elif not batch:
            self._failure = WorkerError("the rendering process finished without this output")

    def close(self) -> None:
        """Stop the child, finished or not; safe to call more than once."""
        if self._process is not None:
            if self._process.is_alive():
                self._process.terminate()
            self._process.join()
            self._queue.close()
            self._process = None
        self._ready.clear()


def _render_all(plan: Plan, results: Any) -> None:
    # Outputs go in batches that double up to _BATCH: the first page is sent at once, and
    # the rest cost a few dozen messages instead of one hand-over between processes each.
    batch: list[tuple[str, Any]] = []
    size = 1
    path = ""
    try:
        for path, render in plan.items():
            batch.append((path, render()))
            if len(batch) >= size:
                results.put((batch, None, None))
                batch, size = [], min(2 * size, _BATCH)
        if batch:
            results.put((batch, None, None))
        results.put(([], None, None))  # the end: an empty batch
    except BaseException:
        results.put((batch, path, traceback.format_exc()))
    finally:
        results.close()
        results.join_thread()  # flush everything queued before the child exits
