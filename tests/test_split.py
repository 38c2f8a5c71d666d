"""generator.split: jobs done from both ends, by this process and a forked child."""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import time
from functools import partial

import pytest

from generator.split import Split
from generator.worker import can_fork

needs_fork = pytest.mark.skipif(not can_fork(), reason="the child needs fork (Linux)")
COUNT = 24


def _the_child() -> multiprocessing.Process:
    (child,) = [p for p in multiprocessing.active_children() if p.name == "charters-convert"]
    return child


def _square(index: int) -> int:
    time.sleep(0.01)  # long enough for the child to get going before the two meet
    return index * index


def _do_all(split: Split) -> list[int]:
    """What a build does: each job from the child if it did it, else here."""
    results = []
    for index in range(COUNT):
        done = split.take(index)
        results.append(done.result if done is not None else _square(index))
    return results


@needs_fork
def test_the_two_meet_in_the_middle_with_every_result_right() -> None:
    split = Split(COUNT, _square)
    try:
        assert split.in_background
        assert _do_all(split) == [index * index for index in range(COUNT)]
        assert 0 < split.taken < COUNT  # both did some, each job once
    finally:
        split.close()


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
        _the_child().join()  # it claimed the last job, failed it and stopped
        assert split.take(COUNT - 1) is None  # told, not left waiting
        assert [split.take(index) for index in range(COUNT - 1)] == [None] * (COUNT - 1)
        assert split.taken == 0
    finally:
        split.close()


def _slow(index: int) -> int:
    time.sleep(60)
    return index


@needs_fork
def test_a_child_that_is_killed_leaves_its_jobs_to_this_process() -> None:
    split = Split(COUNT, _slow)
    try:
        time.sleep(0.2)  # the child has claimed the last job and is at it
        os.kill(_the_child().pid, signal.SIGKILL)
        assert split.take(COUNT - 1) is None
        assert split.take(0) is None
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
        _the_child().join()  # every job done there: nothing was claimed here
        done = split.take(COUNT - 1)
        assert done is not None
        assert done.result == COUNT - 1
        assert "job" not in caplog.text
        done.log()
        assert [r.getMessage() for r in caplog.records] == [f"job {COUNT - 1}"]
        assert caplog.records[0].name == "test.split"
    finally:
        split.close()


@needs_fork
def test_closing_stops_the_child_and_removes_its_files() -> None:
    split = Split(COUNT, _slow)
    folder = split.folder
    assert folder is not None
    assert folder.is_dir()
    split.close()
    split.close()
    deadline = time.monotonic() + 10
    while folder.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not folder.exists()
    assert split.take(0) is None  # after closing, every job is done here
