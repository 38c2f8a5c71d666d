"""Render a plan of outputs in a second process while MkDocs converts the pages it already has.

MkDocs builds on one core. The plugin validates the charters itself (errors and warnings
belong to the build), then hands the pure rendering left in the plan to a forked child, which
renders every output in plan order and sends it back in batches. MkDocs asks for each page
when it reads it, after the child has rendered it: a page takes milliseconds to render and a
hundred times longer to convert. On a two-core machine that takes the rendering off the
build's time.

The child inherits the plan (templates compiled, charters validated), so only results cross
the pipe. Each end of the pipe has one owner, so either side sees the other's end: the parent
gets end-of-file if the child dies, even in the middle of a message, and the child's next send
fails if the parent dies, so neither waits forever. Where forking is unsafe or unavailable
(anything but Linux, or a process already running threads, such as `mkdocs serve`), or fails,
everything renders in this process on demand instead, with the same results.
"""

from __future__ import annotations

import multiprocessing
import sys
import threading
import traceback
import weakref
from collections.abc import Callable, Mapping
from multiprocessing.connection import Connection
from typing import Any

Plan = Mapping[str, Callable[[], Any]]
_BATCH = 32
_STOP_SECONDS = 5.0


class WorkerError(RuntimeError):
    """The child stopped or failed while rendering: a bug, since the input was validated."""


def can_fork() -> bool:
    """True where a fork is safe: Linux (macOS system libraries are not fork-safe), and no
    other thread that could hold a lock the child needs."""
    return sys.platform == "linux" and threading.active_count() == 1


class Outputs:
    """A plan's outputs by path, rendered ahead in a child process or here on demand."""

    def __init__(self, plan: Plan, *, background: bool = True) -> None:
        self._plan = plan
        self._ready: dict[str, Any] = {}
        self._failure: WorkerError | None = None
        self._process: Any = None
        self._reader: Connection | None = None
        if background and can_fork():
            self._start()

    def _start(self) -> None:
        context = multiprocessing.get_context("fork")
        reader, writer = context.Pipe(duplex=False)
        process = context.Process(target=_render_all, args=(self._plan, reader, writer),
                                  name="charters-render", daemon=True)
        try:
            process.start()
        except OSError:  # no memory or process slot for a fork: render here instead
            reader.close()
            return
        finally:
            writer.close()  # the child's copy is the only writer: its end is our end-of-file
        self._process, self._reader = process, reader
        # Stops the child if this object is dropped without close(), e.g. by a host process
        # that catches an interrupt and carries on.
        self._finalizer = weakref.finalize(self, _stop, process, reader)

    @property
    def in_background(self) -> bool:
        return self._process is not None

    def get(self, path: str) -> Any:
        """The output at `path`, waiting for the child to render it if need be."""
        if path not in self._plan:
            raise KeyError(path)
        while path not in self._ready and self._reader is not None:
            self._receive()
        if path in self._ready:
            return self._ready[path]
        if self._failure is not None:
            raise self._failure
        # Never sent (no child) or asked for again after the child finished: rendering is
        # pure, so rendering it here gives the same output.
        return self._plan[path]()

    def _receive(self) -> None:
        assert self._reader is not None
        try:
            batch, failed, error = self._reader.recv()
        except (EOFError, OSError):
            code = self._stop()
            self._failure = WorkerError(f"the rendering process stopped (exit code {code}) "
                                        "before it finished")
            return
        # What arrived before a failure is still good: the failure is raised when a page
        # that did not arrive is asked for, so MkDocs names the page that failed.
        self._ready.update(batch)
        if error is not None:
            self._failure = WorkerError(f"rendering {failed} failed:\n{error}")
            self._stop()
        elif not batch:  # an empty batch: the end
            self._stop()

    def _stop(self) -> int | None:
        code = None
        if self._process is not None:
            code = _stop(self._process, self._reader)
            self._finalizer.detach()
        self._process, self._reader = None, None
        return code

    def close(self) -> None:
        """Stop the child, finished or not, and let go of the outputs; safe to call again."""
        self._stop()
        self._ready.clear()


def _stop(process: Any, reader: Connection | None) -> int | None:
    if reader is not None:
        reader.close()  # a child still sending gets a broken pipe
    if process.is_alive():
        process.terminate()  # one still rendering is not needed any more either
        process.join(_STOP_SECONDS)
    if process.is_alive():  # ignored the signal: a handler the host process installed
        process.kill()
    process.join()
    return process.exitcode  # type: ignore[no-any-return]


def _render_all(plan: Plan, reader: Connection, writer: Connection) -> None:
    # Only the parent reads: with our copy of its end closed, a send fails if it is gone.
    reader.close()
    # Outputs go in batches that double up to _BATCH: the first page is sent at once, and
    # the rest cost a few dozen messages instead of one hand-over between processes each.
    batch: list[tuple[str, Any]] = []
    size = 1
    try:
        for path, render in plan.items():
            try:
                batch.append((path, render()))
            except BaseException:
                writer.send((batch, path, traceback.format_exc()))
                return
            if len(batch) >= size:
                writer.send((batch, None, None))
                batch, size = [], min(2 * size, _BATCH)
        if batch:
            writer.send((batch, None, None))
        writer.send(([], None, None))  # the end: an empty batch
    except OSError:
        pass  # a send failed: the parent is gone or stopped listening, so nobody needs the rest
    finally:
        writer.close()
