"""Rendering in a second process: the same outputs as rendering here, and failures that say so."""

from __future__ import annotations

import multiprocessing
import os
import random
import threading
import time
from pathlib import Path

import pytest

from conftest import BUILD_DATE, ROOT
from generator.publish import build_outputs, plan_outputs
from generator.worker import Outputs, WorkerError, can_fork

needs_fork = pytest.mark.usefixtures("single_threaded")


@pytest.fixture
def single_threaded() -> None:
    """Where the platform forks, this process must be fit to: no test may leave a thread."""
    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("this platform cannot fork")
    assert threading.enumerate() == [threading.main_thread()], "a thread was left running"
    assert can_fork()


@needs_fork
def test_the_background_renders_what_this_process_would_in_any_order_asked() -> None:
    _, expected = build_outputs(ROOT / "charters", BUILD_DATE, history=False)
    _, plan = plan_outputs(ROOT / "charters", BUILD_DATE, history=False)
    paths = list(plan)
    random.Random(7).shuffle(paths)  # MkDocs may ask in another order than the plan's
    outputs = Outputs(plan)
    try:
        assert outputs.in_background
        assert {path: outputs.get(path) for path in paths} == expected
    finally:
        outputs.close()


def test_without_the_background_each_output_renders_when_asked() -> None:
    calls: list[str] = []
    plan = {"a.md": lambda: calls.append("a") or "A", "b.md": lambda: calls.append("b") or "B"}
    outputs = Outputs(plan, background=False)
    assert not outputs.in_background
    assert outputs.get("b.md") == "B"
    assert calls == ["b"]
    with pytest.raises(KeyError):
        outputs.get("c.md")


def test_a_process_with_threads_renders_in_process() -> None:
    # Forking while another thread may hold a lock can deadlock the child (mkdocs serve runs
    # a server thread), so the background is used only by a single-threaded process.
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not can_fork()
        assert not Outputs({"a.md": lambda: "A"}).in_background
    finally:
        stop.set()
        thread.join()


@needs_fork
def test_an_error_in_the_background_fails_with_its_traceback() -> None:
    def broken() -> str:
        raise ZeroDivisionError("the renderer divided by zero")

    outputs = Outputs({"a.md": lambda: "A", "b.md": broken, "c.md": lambda: "C"})
    try:
        with pytest.raises(WorkerError, match=r"rendering b\.md failed") as error:
            outputs.get("b.md")
        assert "ZeroDivisionError: the renderer divided by zero" in str(error.value)
        assert outputs.get("a.md") == "A"  # rendered before the failure: still good
        with pytest.raises(WorkerError, match=r"rendering b\.md failed"):
            outputs.get("c.md")
    finally:
        outputs.close()


@needs_fork
def test_a_background_that_dies_fails_instead_of_hanging() -> None:
    outputs = Outputs({"a.md": lambda: os._exit(3)})
    try:
        with pytest.raises(WorkerError, match=r"stopped \(exit code 3\)"):
            outputs.get("a.md")
    finally:
        outputs.close()


@needs_fork
def test_closing_stops_a_background_still_at_work(tmp_path: Path) -> None:
    started = tmp_path / "started"

    def slow() -> str:
        started.touch()
        time.sleep(60)
        return "never"

    outputs = Outputs({"a.md": lambda: "A", "b.md": slow})
    process = outputs._process
    assert outputs.get("a.md") == "A"
    while not started.exists():
        time.sleep(0.01)
    outputs.close()
    assert not process.is_alive()
    outputs.close()  # twice is harmless
