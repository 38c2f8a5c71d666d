"""The plugin's own work, done in second processes while MkDocs converts pages on the first.

MkDocs builds on one core. As a build starts, the plugin forks two children:

- `Outputs` reads, validates and renders the charters into a staging folder. The build's
  process gets the list of outputs (or the problems), then MkDocs reads each output from its
  file, as it reads docs/, once the child has written it; by then it long has: a page takes
  milliseconds to render and a hundred times longer to convert. The build's process never
  holds the charters, and holds the pages no more than it holds any page in docs/.
- `Checks` runs the last-line HTML check on each page MkDocs has converted, and hands over its
  findings when the build asks, before anything is written.

Once MkDocs has listed the pages, a third child converts them from the back (generator.split,
which uses the machinery here).

Forked as the build starts, before the build's process has read a charter, the children share
little memory with it. Each end of each pipe has one owner, so either side sees the other go:
the build gets end-of-file if a child dies, even in the middle of a message, and a child's
next send or receive fails if the build dies, so neither waits forever. Where forking is
unsafe or unavailable (anything but Linux, or a process already running threads, such as
`mkdocs serve`), or fails, the same functions run in this process instead, with the same
results.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import shutil
import subprocess
import sys
import tempfile
import threading
import traceback
import weakref
from collections.abc import Callable, Mapping
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from generator.errors import ChartersError

Plan = Mapping[str, Callable[[], Any]]
_BATCH = 32
_STOP_SECONDS = 5.0
# This process's ends of every child's pipes: a child forked later closes its copies, so that
# only the build's process holds them and each child sees exactly its own peers go.
_PARENT_ENDS: weakref.WeakSet[Connection] = weakref.WeakSet()


class WorkerError(RuntimeError):
    """A child stopped or failed: a bug, since its input was validated."""


def can_fork() -> bool:
    """True where a fork is safe: Linux (macOS system libraries are not fork-safe), and no
    other thread that could hold a lock the child needs."""
    return sys.platform == "linux" and threading.active_count() == 1


class Child:
    """A forked child and this process's ends of its pipes; stopped with the object."""

    def __init__(self, process: Any, ends: list[Connection]) -> None:
        self.process, self.ends = process, ends
        # Stops the child if its owner is dropped without stop(), e.g. by a host process that
        # catches an interrupt and carries on.
        self._finalizer = weakref.finalize(self, _stop, process, ends)

    @classmethod
    def start(cls, target: Callable[..., None], name: str, ours: list[Connection],
              theirs: list[Connection], *args: Any) -> Child | None:
        """Fork `target(*theirs, *args)`; None (and every end closed) if the fork fails."""
        process = multiprocessing.get_context("fork").Process(
            target=_enter, args=(target, ours, theirs, args), name=name, daemon=True)
        try:
            process.start()
        except OSError:  # no memory or process slot for a fork
            for end in ours:
                end.close()
            return None
        finally:
            for end in theirs:  # the child's copies are the only ones: their end is our EOF
                end.close()
        _PARENT_ENDS.update(ours)
        return cls(process, ours)

    def stop(self) -> int | None:
        """Close our ends, stop the child whatever it is doing, and return its exit code."""
        self._finalizer.detach()
        return _stop(self.process, self.ends)


def _enter(target: Callable[..., None], ours: list[Connection], theirs: list[Connection],
           args: tuple[Any, ...]) -> None:
    # With our copies of the build's ends closed, a send or receive fails if it is gone.
    for end in [*ours, *_PARENT_ENDS]:
        end.close()
    target(*theirs, *args)


def _stop(process: Any, ends: list[Connection]) -> int | None:
    for end in ends:
        end.close()  # a child still sending gets a broken pipe, one receiving end-of-file
    if process.is_alive():
        process.terminate()  # one still at work is not needed any more either
        process.join(_STOP_SECONDS)
    if process.is_alive():  # ignored the signal: a handler the host process installed
        process.kill()
    process.join()
    return process.exitcode  # type: ignore[no-any-return]


class Outputs:
    """The outputs of `make_plan()`, by path: planned and rendered ahead in a child process
    into files under `folder`, or here on demand (`folder` is None).

    `make_plan` reads and validates (raising ChartersError), and returns what is left: a plan
    of pure rendering calls by path. What it logs to the logger named `logger` is logged here.
    The child renders the plan's paths in the order `order(paths)` gives (every path once).
    """

    def __init__(self, make_plan: Callable[[], Plan], *, background: bool = True,
                 logger: str = "generator", order: Callable[[list[str]], list[str]] = list
                 ) -> None:
        self._make_plan = make_plan
        self._plan: Plan | None = None  # only when rendering here
        self._paths: list[str] | None = None
        self._known: set[str] = set()
        self._problems: ChartersError | None = None
        self._written: set[str] = set()
        self.folder: Path | None = None
        self._failure: WorkerError | None = None
        self._child: Child | None = None
        self._reader: Connection | None = None
        if background and can_fork():
            folder = Path(tempfile.mkdtemp(prefix="charters-build-"))
            reader, writer = multiprocessing.get_context("fork").Pipe(duplex=False)
            self._child = Child.start(_plan_and_render, "charters-render", [reader], [writer],
                                      make_plan, logger, order, folder)
            if self._child is None:
                shutil.rmtree(folder, ignore_errors=True)
            else:
                self._reader, self.folder = reader, folder
                # Goes with this object, even if close() is never called.
                self._remove = weakref.finalize(self, shutil.rmtree, folder, ignore_errors=True)

    @property
    def in_background(self) -> bool:
        """True if the outputs are made in a child (even once it has finished)."""
        return self.folder is not None

    def paths(self) -> list[str]:
        """Every output's path in plan order, once the charters are read and validated.

        Raises ChartersError with every problem, after logging what reading them logged.
        """
        if self._paths is None and self._problems is None and self._failure is None:
            if self._reader is not None:
                self._receive_plan()
            else:
                try:
                    self._plan = self._make_plan()
                except ChartersError as e:
                    self._problems = e
                else:
                    self._set_paths(list(self._plan))
        if self._problems is not None:
            raise self._problems
        if self._failure is not None:
            raise self._failure
        assert self._paths is not None
        return self._paths

    def _set_paths(self, paths: list[str]) -> None:
        self._paths, self._known = paths, set(paths)

    def source(self, path: str) -> str | None:
        """The file the child writes the output at `path` to; None if it is made here."""
        return None if self.folder is None else str(self.folder / path)

    def get(self, path: str) -> Any:
        """The output at `path`, made here; or None once the child has written it to
        `source(path)`, waiting for that if need be."""
        if path in self._written:
            return None
        if path not in self._known and path not in self.paths():
            raise KeyError(path)
        while path not in self._written and self._reader is not None:
            self._receive()
        if path in self._written:
            return None
        if self._failure is not None:
            raise self._failure
        if self._plan is None:
            raise WorkerError(f"{path} was asked for after its outputs were closed")
        return self._plan[path]()  # rendering here: pure, so asking again renders the same

    def _receive_plan(self) -> None:
        assert self._reader is not None
        try:
            kind, value, records = self._reader.recv()
        except (EOFError, OSError):
            self._end("before it read the charters")
            return
        log_records(records)
        if kind == "plan":
            self._set_paths(value)
        elif kind == "problems":
            self._problems = ChartersError(value)
            self._end()
        else:
            self._failure = WorkerError(f"reading the charters failed:\n{value}")
            self._end()

    def _receive(self) -> None:
        assert self._reader is not None
        try:
            batch, failed, error, records = self._reader.recv()
        except (EOFError, OSError):
            self._end("before it finished")
            return
        log_records(records)
        # What was written before a failure is still good: the failure is raised when a page
        # that was not is asked for, so MkDocs names the page that failed.
        self._written.update(batch)
        if error is not None:
            self._failure = WorkerError(f"rendering {failed} failed:\n{error}")
            self._end()
        elif not batch:  # an empty batch: the end
            self._end()

    def _end(self, early: str = "") -> None:
        code = self._child.stop() if self._child is not None else None
        self._child, self._reader = None, None
        if early:
            self._failure = WorkerError(f"the rendering process stopped (exit code {code}) "
                                        f"{early}")

    def close(self) -> None:
        """Stop the child, finished or not, and have its files removed; safe to call again.

        The files go in a process of their own, which the build does not wait for: deleting
        a 100-charter site's files took a quarter of a second of the build on a disk mounted
        with `discard`.
        """
        self._end()
        self._written.clear()
        if self.folder is not None and self._remove.detach() is not None:
            remove_in_background(self.folder)


def remove_in_background(folder: Path) -> None:
    """Remove `folder` in a process this one does not wait for; here if that cannot start."""
    try:
        # sh starts rm and returns at once; rm, in a session of its own, outlives a Ctrl-C
        # sent to the build, and PID 1 reaps it. No output, and none of our open files.
        subprocess.run(["sh", "-c", 'rm -rf -- "$0" &', str(folder)], check=True,
                       start_new_session=True, stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        shutil.rmtree(folder, ignore_errors=True)


def _plan_and_render(writer: Connection, make_plan: Callable[[], Plan], logger: str,
                     order: Callable[[list[str]], list[str]], folder: Path) -> None:
    records: list[logging.LogRecord] = []
    try:
        log = logging.getLogger(logger)
        # This process's copy of the logger keeps what it is given: the build's shows it.
        log.handlers, log.propagate = [KeepRecords(records)], False
        try:
            plan = make_plan()
        except ChartersError as e:
            writer.send(("problems", e.problems, records))
            return
        except BaseException:
            writer.send(("failed", traceback.format_exc(), records))
            return
        writer.send(("plan", list(plan), records[:]))
        records.clear()
        _render_all(plan, order, writer, folder, records)
    except OSError:
        pass  # a send failed: the build is gone or stopped listening, so nobody needs the rest
    finally:
        writer.close()


class KeepRecords(logging.Handler):
    """Keeps the records it is given, as text, for `log_records` in another process."""

    def __init__(self, records: list[logging.LogRecord]) -> None:
        super().__init__()
        self.records = records

    def emit(self, record: logging.LogRecord) -> None:
        # As text: the arguments and a traceback's objects may not cross a pipe, and their
        # text is all that is shown.
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.msg, record.args, record.exc_info = record.getMessage(), None, None
        self.records.append(record)


def log_records(records: list[logging.LogRecord]) -> None:
    for record in records:  # logged in the child, shown and counted (--strict) here
        logging.getLogger(record.name).handle(record)


def _render_all(plan: Plan, order: Callable[[list[str]], list[str]], writer: Connection,
                folder: Path, records: list[logging.LogRecord]) -> None:
    from generator.output import write_output  # only the child renders (see _plan)

    # Written paths go in batches that double up to _BATCH: the first page is announced at
    # once, and the rest cost a few dozen messages instead of one hand-over each.
    batch: list[str] = []
    size = 1
    for path in order(list(plan)):
        render = plan[path]
        try:
            write_output(folder, path, render())
        except BaseException:
            writer.send((batch, path, traceback.format_exc(), records))
            return
        batch.append(path)
        if len(batch) >= size:
            writer.send((batch, None, None, records[:]))  # what rendering logged, too
            records.clear()
            batch, size = [], min(2 * size, _BATCH)
    if batch:
        writer.send((batch, None, None, records[:]))
        records.clear()
    writer.send(([], None, None, records))  # the end: an empty batch


class Checks:
    """`check(text)` run on each text submitted by name, in a child process or here.

    `findings()` waits for every text submitted to be checked and returns the findings by
    name. A text submitted here, or after the findings were taken, is checked at once.
    """

    def __init__(self, check: Callable[[str], list[str]], *, background: bool = True) -> None:
        self._check = check
        self._found: dict[str, list[str]] = {}
        self._failure: WorkerError | None = None
        self._child: Child | None = None
        self._sender: Connection | None = None
        self._reader: Connection | None = None
        if background and can_fork():
            context = multiprocessing.get_context("fork")
            texts, sender = context.Pipe(duplex=False)
            reader, results = context.Pipe(duplex=False)
            self._child = Child.start(_check_all, "charters-check", [sender, reader],
                                      [texts, results], check)
            if self._child is not None:
                self._sender, self._reader = sender, reader

    @property
    def in_background(self) -> bool:
        return self._child is not None

    def submit(self, name: str, text: str) -> list[str]:
        """Check `text`: in the child (returns [], see `findings`), or here (returns what
        it finds, which `findings` also reports)."""
        if self._sender is None:
            if self._failure is not None:
                return []  # findings() raises it: nothing here can pass for clean
            found = self._check(text)
            if found:
                self._found[name] = found
            return found
        try:
            self._sender.send((name, text))
        except OSError:  # the child is gone, or stopped reading after a failed check
            self._collect()
        return []

    def findings(self) -> dict[str, list[str]]:
        """Every finding by name, once every text submitted has been checked."""
        if self._sender is not None:
            # If the child is gone, or stopped reading, what it has to say follows anyway.
            with contextlib.suppress(OSError):
                self._sender.send(None)  # the end
            self._collect()
        if self._failure is not None:
            raise self._failure
        return dict(self._found)

    def _collect(self) -> None:
        assert self._reader is not None
        try:
            found, error = self._reader.recv()
        except (EOFError, OSError):
            self._end("before it checked every page")
            return
        self._found.update(found)
        if error is not None:
            self._failure = WorkerError(f"checking the pages failed:\n{error}")
        self._end()

    def _end(self, early: str = "") -> None:
        code = self._child.stop() if self._child is not None else None
        self._child, self._sender, self._reader = None, None, None
        if early:
            self._failure = WorkerError(f"the checking process stopped (exit code {code}) "
                                        f"{early}")

    def close(self) -> None:
        """Stop the child, finished or not; safe to call again."""
        if self._child is not None and self._failure is None:
            # Fail closed: what it had not reported yet must not pass for clean.
            self._failure = WorkerError("the checks were closed before their findings came")
        self._end()


def _check_all(texts: Connection, results: Connection, check: Callable[[str], list[str]]
               ) -> None:
    found: dict[str, list[str]] = {}
    error = None
    try:
        while (item := texts.recv()) is not None:
            name, text = item
            findings = check(text)
            if findings:
                found[name] = findings
    except (EOFError, OSError):
        texts.close()
        results.close()
        return  # the build is gone
    except BaseException:
        error = traceback.format_exc()
    # Stop reading first: a build still sending gets a broken pipe, and reads this instead.
    texts.close()
    try:
        results.send((found, error))
    except OSError:
        pass  # the build is gone
    finally:
        results.close()
