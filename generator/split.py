"""A list of jobs done from both ends: this process from the front, a forked child from the back.

MkDocs converts pages one at a time, in order, on one core. With `Split`, a child does the same
jobs from the last one backwards while this process works forwards, and they meet in the
middle. Before doing a job, each side claims it in memory both share; the child stops at the
first job this process has claimed. A job the child did is handed over as a file, with what
it logged; a job it did not do (it failed, stopped or never got there) this process does
itself. The child can only save time: the caller decides whether a result it hands over is
still right (generator.plugin compares what the job was done on), and does the job itself if
not.

Two sides may claim the same job at the same moment; then both do it, and this process uses
its own result. That costs one job's time, at most once, and needs no lock.
"""

from __future__ import annotations

import logging
import mmap
import multiprocessing
import pickle
import shutil
import struct
import tempfile
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from generator.worker import Child, KeepRecords, can_fork, log_records, remove_in_background

_FREE, _BUILD, _CHILD = 0, 1, 2  # who claimed a job
_INDEX = struct.Struct("<i")


@dataclass
class Done:
    """A job the child did: its result, and what doing it logged (`log()` shows it here)."""

    result: Any
    records: list[logging.LogRecord] = field(default_factory=list)

    def log(self) -> None:
        log_records(self.records)


class Split:
    """Jobs 0 to count-1, done by `job(index)` in a child from the back if one can be forked.

    The child first waits for `ready(index)`: a job whose input is not there yet holds no
    claim, so this process never waits for a child that is itself waiting. Ask `take(index)`
    before doing a job here: it returns the child's `Done`, waiting for the job if the child
    is at it, or None when the job is this process's to do.
    """

    def __init__(self, count: int, job: Callable[[int], Any], *,
                 ready: Callable[[int], object] = lambda index: None, background: bool = True
                 ) -> None:
        self._claims = mmap.mmap(-1, max(count, 1))  # shared with a child forked from here
        self._done: set[int] = set()
        self.folder: Path | None = None
        self._child: Child | None = None
        self._reader: Connection | None = None
        if background and count and can_fork():
            folder = Path(tempfile.mkdtemp(prefix="charters-split-"))
            reader, writer = multiprocessing.get_context("fork").Pipe(duplex=False)
            self._child = Child.start(_work_backwards, "charters-convert", [reader], [writer],
                                      self._claims, count, job, ready, folder)
            if self._child is None:
                shutil.rmtree(folder, ignore_errors=True)  # empty: nothing worth a process
            else:
                self._reader, self.folder = reader, folder
                self._remove = weakref.finalize(self, remove_in_background, folder)

    @property
    def in_background(self) -> bool:
        return self.folder is not None

    def take(self, index: int) -> Done | None:
        """The child's work on job `index`, or None: do it here (and it is then claimed)."""
        if self._claims[index] == _FREE:
            self._claims[index] = _BUILD
            return None
        if self._claims[index] == _BUILD:  # claimed here before, or both claimed it at once
            return None
        while index not in self._done and self._reader is not None:
            self._receive()
        if index not in self._done:  # the child stopped before it finished the job
            return None
        assert self.folder is not None
        done = pickle.loads((self.folder / str(index)).read_bytes())
        assert isinstance(done, Done)
        return done

    def _receive(self) -> None:
        assert self._reader is not None
        try:
            (index,) = _INDEX.unpack(self._reader.recv_bytes())
        except (EOFError, OSError):
            self._end()  # finished, failed or killed: whatever is left is done here
            return
        self._done.add(index)

    def _end(self) -> None:
        if self._child is not None:
            self._child.stop()
        self._child, self._reader = None, None

    def close(self) -> None:
        """Stop the child, finished or not, and have its files removed; safe to call again.
        Every job asked for afterwards is this process's to do."""
        self._end()
        self._done.clear()
        if self.folder is not None and self._remove.detach() is not None:
            remove_in_background(self.folder)


def ends_first(items: list[str]) -> list[str]:
    """First, last, second, second to last...: the order to make the inputs of jobs done from
    both ends, so that each side finds its first ones made."""
    order = []
    front, back = 0, len(items) - 1
    while front <= back:
        order.append(items[front])
        if back != front:
            order.append(items[back])
        front, back = front + 1, back - 1
    return order


def _work_backwards(writer: Connection, claims: mmap.mmap, count: int,
                    job: Callable[[int], Any], ready: Callable[[int], object],
                    folder: Path) -> None:
    records: list[logging.LogRecord] = []
    _keep_logs(records)
    try:
        for index in reversed(range(count)):
            ready(index)
            if claims[index] != _FREE:
                return  # met the build's process
            claims[index] = _CHILD
            result = job(index)
            (folder / str(index)).write_bytes(
                pickle.dumps(Done(result, records[:]), pickle.HIGHEST_PROTOCOL))
            records.clear()
            writer.send_bytes(_INDEX.pack(index))
    except BaseException:  # the build does this job itself, and meets the error there
        return
    finally:
        writer.close()


def _keep_logs(records: list[logging.LogRecord]) -> None:
    # What a job logs goes to the build with its result, and is shown there only if the build
    # uses the result: a job the build does itself logs there itself. Every logger that would
    # show a record keeps it instead, once: none propagates it further.
    keep = KeepRecords(records)
    for logger in [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]:
        if isinstance(logger, logging.Logger) and (logger.handlers or logger.name == "root"):
            logger.handlers, logger.propagate = [keep], False
