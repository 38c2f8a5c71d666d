"""Rendering in a second process: the same outputs as rendering here, and failures that say so."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from conftest import BUILD_DATE, ROOT
from generator.publish import build_outputs, plan_outputs
from generator.worker import Outputs, WorkerError, can_fork

needs_fork = pytest.mark.usefixtures("single_threaded")


@pytest.fixture
def single_threaded() -> None:
    """Where the platform forks, this process must be fit to: no test may leave a thread."""
    if sys.platform != "linux":
        pytest.skip("renders in the build's own process on this platform")
    assert threading.enumerate() == [threading.main_thread()], "a thread was left running"
    assert can_fork()


@pytest.fixture(autouse=True)
def deadline() -> Iterator[None]:
    """A hang is a failure here, not a stuck test run."""
    def expired(*_: object) -> None:
        raise TimeoutError("the test waited more than 30 s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(30)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


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
@pytest.mark.parametrize(("render", "kill", "code"), [
    (lambda: os._exit(3), False, "3"),  # dies before it sends anything
    # killed while the pipe is full of a large message only partly read
    (lambda: "x" * 50_000_000, True, "-9"),
])
def test_a_background_that_dies_fails_instead_of_hanging(
        render: Callable[[], str], kill: bool, code: str) -> None:
    outputs = Outputs({"a.md": render})
    try:
        if kill:
            time.sleep(0.5)  # long enough to render and start sending
            os.kill(outputs._process.pid, signal.SIGKILL)
        with pytest.raises(WorkerError, match=rf"stopped \(exit code {code}\)"):
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


@needs_fork
def test_the_background_ends_when_the_build_process_dies(tmp_path: Path) -> None:
    # A killed build runs no clean-up: the child must notice on its own and not linger.
    script = tmp_path / "build.py"
    script.write_text(
        "import os, signal, sys, time\n"
        "from generator.worker import Outputs\n"
        "outputs = Outputs({f'{i}.md': (lambda: 'x' * 1_000_000) for i in range(100)})\n"
        "print(outputs._process.pid, flush=True)\n"
        "time.sleep(0.5)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n", encoding="utf-8")
    result = subprocess.run([sys.executable, str(script)], cwd=ROOT, capture_output=True,
                            text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, check=False)
    child = int(result.stdout.split()[0])
    status = Path(f"/proc/{child}/status")
    for _ in range(100):
        if not status.exists() or "\nState:\tZ" in status.read_text(encoding="utf-8"):
            return  # gone, or a zombie waiting for PID 1 to reap it
        time.sleep(0.05)
    os.kill(child, signal.SIGKILL)
    pytest.fail("the rendering process outlived its build process")


@needs_fork
def test_an_output_asked_for_again_is_the_same() -> None:
    # MkDocs reads each file once, but a plugin may copy a file and read the copy.
    outputs = Outputs({"a.md": lambda: "A", "b.md": lambda: "B"})
    try:
        assert [outputs.get("a.md"), outputs.get("b.md"), outputs.get("a.md")] == ["A", "B", "A"]
    finally:
        outputs.close()


def test_a_fork_that_fails_renders_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    import multiprocessing.process

    def no_fork(self: object) -> None:
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(multiprocessing.process.BaseProcess, "start", no_fork)
    outputs = Outputs({"a.md": lambda: "A"})
    assert not outputs.in_background
    assert outputs.get("a.md") == "A"


@needs_fork
def test_a_copied_or_moved_page_keeps_its_content(tmp_path: Path) -> None:
    # Plugins copy Files (copy, deepcopy) and move them (i18n plugins change src_uri).
    import copy

    from mkdocs.config import load_config

    from conftest import make_project
    from generator.plugin import PENDING, RenderedFile

    config = load_config(str(make_project(tmp_path / "project")))
    config.plugins._current_plugin = "charters"  # as during the plugin's on_files
    outputs = Outputs({"x/index.md": lambda: "# X\n"})
    try:
        file = RenderedFile.generated(config, "x/index.md", content=PENDING)
        assert isinstance(file, RenderedFile)
        file.outputs, file.output_path = outputs, "x/index.md"
        shallow, deep = copy.copy(file), copy.deepcopy(file)
        file.src_uri = "fr/x/index.md"
        assert file.content_string == shallow.content_string == deep.content_string == "# X\n"
        assert deep.outputs is None
    finally:
        outputs.close()
