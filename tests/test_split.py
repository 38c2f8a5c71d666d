"""generator.split: jobs done from both ends, by this process and a forked child."""

from __future__ import annotations

import logging
import os
import signal
import time
from functools import partial
from pathlib import Path

import pytest

from generator.split import Split, ends_first

needs_fork = pytest.mark.usefixtures("single_threaded")
COUNT = 24


def _child_done(split: Split) -> None:
    """Wait for the child to end: every job it was going to do is done."""
    assert split._child is not None
    split._child.process.join(30)
    assert not split._child.process.is_alive()


def _square(index: int, log: Path | None = None) -> int:
    if log is not None:  # who did which job, appended whole by either process
        with log.open("a", encoding="ascii") as f:
            f.write(f"{index}\n")
    time.sleep(0.02)  # long enough for the child to get going before the two meet
    return index * index


@needs_fork
def test_the_two_meet_in_the_middle_each_job_done_once(tmp_path: Path) -> None:
    log = tmp_path / "jobs"
    split = Split(COUNT, partial(_square, log=log))
    try:
        assert split.in_background
        results, from_child = [], 0
        for index in range(COUNT):
            done = split.take(index)
            from_child += done is not None
            results.append(done.result if done is not None else _square(index, log))
        assert results == [index * index for index in range(COUNT)]
        assert 0 < from_child < COUNT  # both did some
    finally:
        split.close()
    done_jobs = log.read_text(encoding="ascii").split()
    # Both may claim the job where they meet at the same moment: at most that one twice.
    assert set(done_jobs) == {str(index) for index in range(COUNT)}
    assert len(done_jobs) - COUNT in (0, 1)


def test_without_a_child_every_job_is_done_here() -> None:
    split = Split(COUNT, _square, background=False)
    assert not split.in_background
    assert [split.take(index) for index in range(COUNT)] == [None] * COUNT
    split.close()


def _fails_in_the_child(parent: int, index: int) -> int:
    if os.getpid() != parent:
        raise RuntimeError("only in the child")
    return index


@needs_fork
def test_a_job_that_fails_in_the_child_is_done_here_without_waiting_forever() -> None:
    split = Split(COUNT, partial(_fails_in_the_child, os.getpid()))
    try:
        _child_done(split)  # it claimed the last job, failed it and stopped
        assert split.take(COUNT - 1) is None  # told, not left waiting
        assert [split.take(index) for index in range(COUNT - 1)] == [None] * (COUNT - 1)
    finally:
        split.close()


def _slow(index: int) -> int:
    time.sleep(60)
    return index


@needs_fork
def test_a_child_that_is_killed_leaves_its_jobs_to_this_process() -> None:
    split = Split(COUNT, _slow)
    try:
        deadline = time.monotonic() + 30
        while split._claims[COUNT - 1] == 0 and time.monotonic() < deadline:
            time.sleep(0.01)  # until the child has claimed the last job: it is at it
        assert split._child is not None
        os.kill(split._child.process.pid, signal.SIGKILL)
        assert split.take(COUNT - 1) is None
        assert split.take(0) is None
    finally:
        split.close()


def _not_ready_until(flag: Path, index: int) -> None:
    while not flag.exists():
        time.sleep(0.01)


@needs_fork
def test_a_child_waiting_for_a_job_s_input_holds_no_claim_on_it(tmp_path: Path) -> None:
    # The build never waits for a child that is itself waiting, say for a file the build
    # will never let the renderer write.
    split = Split(COUNT, _square, ready=partial(_not_ready_until, tmp_path / "flag"))
    try:
        started = time.monotonic()
        assert split.take(COUNT - 1) is None
        assert time.monotonic() - started < 1
    finally:
        split.close()


def _logs(index: int) -> int:
    logging.getLogger("test.split").warning("job %d", index)
    return index


@needs_fork
def test_what_a_job_logs_in_the_child_is_shown_only_when_its_result_is_used(
        caplog: pytest.LogCaptureFixture) -> None:
    split = Split(COUNT, _logs)
    try:
        _child_done(split)  # every job done there: nothing was claimed here
        done = split.take(COUNT - 1)
        assert done is not None
        assert done.result == COUNT - 1
        assert "job" not in caplog.text
        done.log()
        assert [r.getMessage() for r in caplog.records] == [f"job {COUNT - 1}"]
        assert caplog.records[0].name == "test.split"
    finally:
        split.close()


def _logs_a_traceback(index: int) -> int:
    try:
        raise ValueError("the job's own error")
    except ValueError:
        logging.getLogger("test.split").exception("job %d carried on", index)
    return index


@needs_fork
def test_a_traceback_logged_in_the_child_is_shown_here(caplog: pytest.LogCaptureFixture
                                                       ) -> None:
    split = Split(COUNT, _logs_a_traceback)
    try:
        _child_done(split)
        done = split.take(0)
        assert done is not None
        done.log()
        assert "job 0 carried on" in caplog.text
        assert "ValueError: the job's own error" in caplog.text
    finally:
        split.close()


@needs_fork
def test_closing_stops_the_child_and_removes_its_files() -> None:
    split = Split(COUNT, _slow)
    folder = split.folder
    assert folder is not None
    assert folder.is_dir()
    assert split._child is not None
    process = split._child.process
    split.close()
    split.close()
    assert not process.is_alive()
    deadline = time.monotonic() + 10
    while folder.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not folder.exists()
    assert split.take(0) is None  # after closing, every job is done here


def test_inputs_are_made_both_ends_first() -> None:
    assert ends_first(list("abcde")) == list("aebdc")
    assert ends_first(list("abcd")) == list("adbc")
    assert ends_first([]) == []
