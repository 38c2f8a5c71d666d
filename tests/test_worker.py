"""Work in second processes: the same results as working here, and failures that say so."""

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
from generator.errors import ChartersError, Problem
from generator.publish import build_outputs, plan_outputs
from generator.split import ends_first
from generator.worker import Checks, Outputs, WorkerError, can_fork

needs_fork = pytest.mark.usefixtures("single_threaded")


def as_bytes(content: str | bytes) -> bytes:
    return content.encode() if isinstance(content, str) else content


def read(outputs: Outputs, path: str) -> bytes:
    """An output as MkDocs gets it: made here, or read from the file the child wrote."""
    content = outputs.get(path)
    if content is None:
        source = outputs.source(path)
        assert source is not None
        return Path(source).read_bytes()
    return as_bytes(content)


@pytest.fixture(params=[True, False], ids=["in-a-child", "here"])
def background(request: pytest.FixtureRequest) -> bool:
    """Both ways: in a child process where the platform forks, and in this process."""
    if request.param and not can_fork():
        pytest.skip("works in the build's own process on this platform")
    return bool(request.param)


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
    paths = list(expected)
    random.Random(7).shuffle(paths)  # MkDocs may ask in another order than the plan's
    # The child reads and validates the charters itself, from the start.
    outputs = Outputs(lambda: plan_outputs(ROOT / "charters", BUILD_DATE, history=False)[1])
    try:
        assert outputs.in_background
        assert outputs.paths() == list(expected)
        assert {path: read(outputs, path) for path in paths} == {
            path: as_bytes(content) for path, content in expected.items()}
    finally:
        outputs.close()


def test_without_the_background_each_output_renders_when_asked() -> None:
    calls: list[str] = []
    plan = {"a.md": lambda: calls.append("a") or "A", "b.md": lambda: calls.append("b") or "B"}
    outputs = Outputs(lambda: plan, background=False)
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
        assert not Outputs(lambda: {"a.md": lambda: "A"}).in_background
    finally:
        stop.set()
        thread.join()


@needs_fork
def test_an_error_in_the_background_fails_with_its_traceback() -> None:
    def broken() -> str:
        raise ZeroDivisionError("the renderer divided by zero")

    # Rendered in the order given: a.md, d.md, then b.md fails before c.md.
    outputs = Outputs(lambda: {"a.md": lambda: "A", "b.md": broken, "c.md": lambda: "C",
                               "d.md": lambda: "D"}, order=ends_first)
    try:
        with pytest.raises(WorkerError, match=r"rendering b\.md failed") as error:
            outputs.get("b.md")
        assert "ZeroDivisionError: the renderer divided by zero" in str(error.value)
        assert read(outputs, "a.md") == b"A"  # rendered before the failure: still good
        assert read(outputs, "d.md") == b"D"
        with pytest.raises(WorkerError, match=r"rendering b\.md failed"):
            outputs.get("c.md")
    finally:
        outputs.close()


@needs_fork
@pytest.mark.parametrize(("render", "kill", "code"), [
    (lambda: os._exit(3), False, "3"),  # dies before it writes anything
    (lambda: time.sleep(60) or "x", True, "-9"),  # killed while it renders
])
def test_a_background_that_dies_fails_instead_of_hanging(
        render: Callable[[], str], kill: bool, code: str) -> None:
    outputs = Outputs(lambda: {"a.md": render})
    try:
        if kill:
            outputs.paths()  # the plan has come: it is rendering
            os.kill(outputs._child.process.pid, signal.SIGKILL)
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

    outputs = Outputs(lambda: {"a.md": lambda: "A", "b.md": slow})
    process = outputs._child.process
    assert read(outputs, "a.md") == b"A"
    folder = outputs.folder
    assert folder is not None
    assert folder.is_dir()
    while not started.exists():
        time.sleep(0.01)
    outputs.close()
    assert not process.is_alive()
    # Its files go with it, removed by a process the build does not wait for.
    assert _gone(folder, within=10.0), "the staging folder outlived its build"
    outputs.close()  # twice is harmless


@needs_fork
def test_the_children_end_when_the_build_process_dies(tmp_path: Path) -> None:
    # A killed build runs no clean-up: each child must notice on its own and not linger. The
    # checker goes at once, even though the renderer, forked after it and busy for 3 s, was
    # born holding a copy of the build's end of the checker's pipe (so it closes it).
    script = tmp_path / "build.py"
    script.write_text(
        "import os, signal, sys, time\n"
        "from generator.worker import Checks, Outputs\n"
        "checks = Checks(str.split)\n"
        "outputs = Outputs(lambda: {'slow.md': lambda: time.sleep(3) or 'x',\n"
        "                           **{f'{i}.md': (lambda: 'x' * 1_000_000) for i in range(9)}})\n"
        "print(checks._child.process.pid, outputs._child.process.pid, flush=True)\n"
        "time.sleep(0.5)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n", encoding="utf-8")
    pids = tmp_path / "pids"
    with pids.open("w", encoding="utf-8") as out:  # a file: a pipe would wait for the children
        # TMPDIR: the staging folder a killed build cannot remove stays in this test's folder.
        subprocess.run([sys.executable, str(script)], cwd=ROOT, stdout=out, check=False,
                       env={**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(tmp_path)})
    checker, renderer = (int(pid) for pid in pids.read_text(encoding="utf-8").split())
    try:
        assert _ends(checker, within=1.0), "the checking process outlived its build process"
        assert _ends(renderer, within=10.0), "the rendering process outlived its build process"
    finally:
        for pid in (checker, renderer):
            if not _ends(pid, within=0):
                os.kill(pid, signal.SIGKILL)


def _eventually(condition: Callable[[], bool], within: float) -> bool:
    """True once `condition()` is, asking again until `within` seconds have passed."""
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def _gone(path: Path, within: float) -> bool:
    """True once `path` no longer exists."""
    return _eventually(lambda: not path.exists(), within)


def _ends(pid: int, within: float) -> bool:
    """True once `pid` is gone, or a zombie waiting for PID 1 to reap it."""
    status = Path(f"/proc/{pid}/status")
    return _eventually(lambda: not status.exists()
                       or "\nState:\tZ" in status.read_text(encoding="utf-8"), within)


@needs_fork
def test_an_output_asked_for_again_is_the_same() -> None:
    # MkDocs reads each file once, but a plugin may copy a file and read the copy.
    outputs = Outputs(lambda: {"a.md": lambda: "A", "b.md": lambda: "B"})
    try:
        assert [read(outputs, p) for p in ("a.md", "b.md", "a.md")] == [b"A", b"B", b"A"]
    finally:
        outputs.close()


def test_a_fork_that_fails_renders_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    import multiprocessing.process

    def no_fork(self: object) -> None:
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(multiprocessing.process.BaseProcess, "start", no_fork)
    outputs = Outputs(lambda: {"a.md": lambda: "A"})
    assert not outputs.in_background
    assert outputs.get("a.md") == "A"


@needs_fork
def test_a_copied_or_moved_page_keeps_its_content(tmp_path: Path) -> None:
    # Plugins copy Files (copy, deepcopy) and move them (i18n plugins change src_uri).
    import copy

    from mkdocs.config import load_config

    from conftest import make_project
    from generator.plugin import RenderedFile

    config = load_config(str(make_project(tmp_path / "project")))
    config.plugins._current_plugin = "charters"  # as during the plugin's on_files
    outputs = Outputs(lambda: {"x/index.md": lambda: "# X\n"})
    try:
        file = RenderedFile.of(config, outputs, "x/index.md")
        assert file.abs_src_path is not None  # read from the file the child writes
        shallow, deep = copy.copy(file), copy.deepcopy(file)
        file.src_uri = "fr/x/index.md"
        assert file.content_string == shallow.content_string == deep.content_string == "# X\n"
        assert deep.outputs is None
    finally:
        outputs.close()


def test_problems_and_warnings_from_reading_reach_the_build(
        background: bool, caplog: pytest.LogCaptureFixture) -> None:
    # Read in the child, but reported here: the build logs them, and --strict counts them.
    import logging

    problem = Problem("charters/a.yaml", 3, 7, "pledges[0]", "owner is missing")

    def make_plan() -> dict[str, Callable[[], str]]:
        logging.getLogger("test.worker").warning("history is unavailable: %s", "no git")
        raise ChartersError([problem])

    outputs = Outputs(make_plan, background=background, logger="test.worker")
    try:
        assert outputs.in_background is background
        for _ in range(2):  # asked again, the same answer
            with pytest.raises(ChartersError) as error:
                outputs.paths()
            assert error.value.problems == [problem]
        assert [(r.name, r.levelname, r.getMessage()) for r in caplog.records] == [
            ("test.worker", "WARNING", "history is unavailable: no git")]
        with pytest.raises(ChartersError):
            outputs.get("a.md")
    finally:
        outputs.close()


@needs_fork
def test_a_background_that_dies_before_reading_fails_instead_of_hanging() -> None:
    outputs = Outputs(lambda: os._exit(4))
    try:
        with pytest.raises(WorkerError, match=r"stopped \(exit code 4\) before it read"):
            outputs.paths()
    finally:
        outputs.close()


@needs_fork
def test_an_output_asked_for_after_closing_fails_plainly() -> None:
    outputs = Outputs(lambda: {"a.md": lambda: "A", "b.md": lambda: "B"})
    assert read(outputs, "a.md") == b"A"
    outputs.close()
    with pytest.raises(WorkerError, match=r"b\.md was asked for after its outputs were closed"):
        outputs.get("b.md")


def _odd(text: str) -> list[str]:
    return [f"{len(text)} is odd"] if len(text) % 2 else []


def test_checks_find_the_same_in_either_process(background: bool) -> None:
    checks = Checks(_odd, background=background)
    try:
        assert checks.in_background is background
        for i in range(200):
            checks.submit(f"{i}.html", "x" * (i * 1001))  # some larger than a pipe holds
        expected = {f"{i}.html": [f"{i * 1001} is odd"] for i in range(200) if i % 2}
        assert checks.findings() == expected
        assert checks.findings() == expected  # asked again, the same answer
    finally:
        checks.close()


@needs_fork
def test_a_check_that_fails_or_a_checker_that_dies_fails_the_check() -> None:
    # Fail closed: pages that were not checked are never taken for clean ones.
    def broken(text: str) -> list[str]:
        raise ZeroDivisionError("the check divided by zero")

    for pages in (1, 100):  # 100 large ones: still sending when the check fails
        checks = Checks(broken)
        try:
            for i in range(pages):
                assert checks.submit(f"{i}.html", "x" * 100_000) == []
            with pytest.raises(WorkerError, match=r"checking the pages failed") as error:
                checks.findings()
            assert "ZeroDivisionError: the check divided by zero" in str(error.value)
        finally:
            checks.close()
    checks = Checks(_odd)
    try:
        os.kill(checks._child.process.pid, signal.SIGKILL)
        checks._child.process.join()
        for i in range(100):  # a send to a dead child fails at once, or after a full pipe
            checks.submit(f"{i}.html", "x" * 100_000)
        with pytest.raises(WorkerError, match=r"stopped \(exit code -9\) before it checked"):
            checks.findings()
    finally:
        checks.close()


@needs_fork
def test_checks_closed_before_their_findings_never_pass_for_clean() -> None:
    checks = Checks(_odd)
    checks.submit("a.html", "x")
    checks.close()
    with pytest.raises(WorkerError, match=r"closed before their findings came"):
        checks.findings()


def test_a_text_checked_here_or_after_the_findings_were_taken_is_reported_at_once(
        background: bool) -> None:
    # A page MkDocs converts after the build took the findings is checked all the same.
    checks = Checks(_odd, background=background)
    try:
        assert checks.submit("a.html", "x") == ([] if background else ["1 is odd"])
        assert checks.findings() == {"a.html": ["1 is odd"]}
        assert checks.submit("b.html", "xxx") == ["3 is odd"]
        assert checks.submit("c.html", "xx") == []
        assert checks.findings() == {"a.html": ["1 is odd"], "b.html": ["3 is odd"]}
    finally:
        checks.close()


def test_what_rendering_logs_reaches_the_build(background: bool,
                                               caplog: pytest.LogCaptureFixture) -> None:
    import logging

    def render() -> str:
        logging.getLogger("test.worker").warning("a pledge is odd")
        return "A"

    outputs = Outputs(lambda: {"a.md": render, "b.md": lambda: "B"}, background=background,
                      logger="test.worker")
    try:
        assert read(outputs, "a.md") == b"A"
        assert read(outputs, "b.md") == b"B"
        assert [(r.name, r.getMessage()) for r in caplog.records] == [
            ("test.worker", "a pledge is odd")]
    finally:
        outputs.close()


def test_a_staging_folder_is_removed_in_the_background_or_here(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.worker import remove_in_background

    def staged(name: str) -> Path:
        folder = tmp_path / name
        (folder / "charters" / "a").mkdir(parents=True)
        (folder / "charters" / "a" / "index.md").write_text("x", encoding="utf-8")
        return folder

    folder = staged("by-rm")
    remove_in_background(folder)
    assert _gone(folder, within=10.0)

    folder = staged("here")
    monkeypatch.setenv("PATH", "")  # no sh to start: removed before the call returns
    remove_in_background(folder)
    assert not folder.exists()

