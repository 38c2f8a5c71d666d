"""`make site` publishes atomically: a link swapped over site/, whatever fails, races or is killed.

The first tests drive generator.sitedir with a stand-in for MkDocs (a few lines of Python that
write a page or fail), so they are fast; the last ones run the real `make site` on a copy of the
example project, a few builds of about a second each.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import generator.sitedir as sitedir
from conftest import ROOT

# Writes a small site into --site-dir, or fails the way MkDocs does when told to.
FAKE_MKDOCS = """
import sys
from pathlib import Path
out = Path(sys.argv[sys.argv.index("--site-dir") + 1])
if sys.argv[1] == "crash":
    print("INFO    -  Building documentation")
    print("Traceback (most recent call last):")
    print('  File "mkdocs/commands/build.py", line 1, in build')
    print("OSError: [Errno 28] No space left on device: 'site/index.html'")
    sys.exit(1)
(out / "pages").mkdir(parents=True, exist_ok=True)
(out / "pages" / "one.html").write_text(sys.argv[1])
(out / "index.html").write_text(sys.argv[1])
"""


def fake(what: str) -> list[str]:
    return [sys.executable, "-c", FAKE_MKDOCS, what]


def entries(builds: Path) -> list[str]:
    return sorted(p.name for p in builds.iterdir() if p.name != ".lock")


def test_the_site_is_a_link_to_a_complete_build_and_the_previous_build_goes(
        tmp_path: Path) -> None:
    site = tmp_path / "site"
    sitedir.publish(site, fake("first"))
    first = os.readlink(site)
    assert first.startswith(".site-builds/build-")
    assert (site / "index.html").read_text() == "first"
    assert (tmp_path / first).stat().st_mode & 0o755 == 0o755  # a web server may read it
    sitedir.publish(site, fake("second"))
    assert (site / "index.html").read_text() == "second"
    assert entries(tmp_path / ".site-builds") == [Path(os.readlink(site)).name]


def test_a_site_folder_left_by_the_old_makefile_is_replaced_by_the_link(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("old layout")
    sitedir.publish(site, fake("new"))
    assert site.is_symlink()
    assert (site / "index.html").read_text() == "new"
    assert entries(tmp_path / ".site-builds") == [Path(os.readlink(site)).name]


def test_a_folder_named_site_that_no_build_made_is_refused_and_kept(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "notes.txt").write_text("mine")
    with pytest.raises(sitedir.PublishError, match="move it away"):
        sitedir.publish(site, fake("new"))
    assert (site / "notes.txt").read_text() == "mine"
    assert entries(tmp_path / ".site-builds") == []


def test_a_build_that_crashes_says_why_in_one_line_and_keeps_the_site(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    sitedir.publish(Path("site"), fake("published"))
    before = os.readlink("site")
    monkeypatch.setattr(sitedir, "MKDOCS", ("-c", FAKE_MKDOCS, "crash"))
    assert sitedir.main([]) == 1
    assert capsys.readouterr().err == (
        "make site: the build failed: OSError: [Errno 28] No space left on device: "
        "'site/index.html'; site/ is unchanged\n")
    assert (os.readlink("site"), Path("site/index.html").read_text()) == (before, "published")
    assert entries(tmp_path / ".site-builds") == [Path(before).name]


def test_a_full_disk_while_publishing_is_one_line_and_keeps_the_site(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    sitedir.publish(Path("site"), fake("published"))
    before = os.readlink("site")

    def full(*args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(sitedir, "MKDOCS", ("-c", FAKE_MKDOCS, "new"))
    monkeypatch.setattr(sitedir.os, "replace", full)
    assert sitedir.main([]) == 1
    assert capsys.readouterr().err == (
        "make site: cannot publish site/: No space left on device; site/ is unchanged\n")
    assert (os.readlink("site"), Path("site/index.html").read_text()) == (before, "published")
    assert entries(tmp_path / ".site-builds") == [Path(before).name]


def test_a_folder_a_running_build_holds_is_kept_until_it_is_free(tmp_path: Path) -> None:
    site = tmp_path / "site"
    builds = tmp_path / ".site-builds"
    (builds / "build-running").mkdir(parents=True)
    (builds / "notes").mkdir()  # not a name this mechanism gives: never removed
    held = os.open(builds / "build-running", os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(held, fcntl.LOCK_EX)
        sitedir.publish(site, fake("one"))
        assert entries(builds) == sorted([Path(os.readlink(site)).name, "build-running", "notes"])
    finally:
        os.close(held)
    sitedir.publish(site, fake("two"))
    assert entries(builds) == sorted([Path(os.readlink(site)).name, "notes"])


def test_a_run_lets_go_of_its_published_folder_before_the_next_run_may_publish(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Two runs that finish together: the second waits for the lock on .site-builds/ while the
    # first publishes, then removes the first's folder, which it can only if the first has let
    # go of it by then (CI once kept it: `make site` twice at once left a folder behind).
    site = tmp_path / "site"
    sitedir.publish(site, fake("first"))
    free_when_unlocked: list[bool] = []
    real = sitedir._locked

    @contextlib.contextmanager
    def watched(path: Path, *, blocking: bool = True) -> Iterator[int | None]:
        with real(path, blocking=blocking) as fd:
            yield fd
        if path.name == ".lock":  # what a run waiting for this lock finds of the site's folder
            with real(site.resolve(), blocking=False) as free:
                free_when_unlocked.append(free is not None)

    monkeypatch.setattr(sitedir, "_locked", watched)
    sitedir.publish(site, fake("second"))
    assert (site / "index.html").read_text() == "second"
    assert free_when_unlocked == [True, True]  # the first folder, then the one just published


# --- the real `make site` ------------------------------------------------------------------------

# A hook that stops MkDocs at one step of its build until the test has killed what it kills.
STALL_HOOK = """
import os, time
from pathlib import Path

_pages = 0

def _stall(step):
    if os.environ.get("STALL_AT") != step:
        return
    here = Path(os.environ["STALL_DIR"])
    (here / f"reached-{os.getpid()}-{os.getppid()}").touch()
    deadline = time.monotonic() + 60
    while not (here / "go").exists() and time.monotonic() < deadline:
        time.sleep(0.01)

def on_post_page(output, page, config):
    global _pages
    _pages += 1
    if _pages == 5:
        _stall("mid_pages")
    return output

def on_post_build(config):
    _stall("post_build")
"""


class Project:
    """A copy of the example project, committed to git (the history page needs it)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        for name in ("docs", "theme", "charters"):
            shutil.copytree(ROOT / name, root / name)
        for name in ("mkdocs.yml", "Makefile", "pyproject.toml"):
            shutil.copy2(ROOT / name, root / name)
        # The venv is this one, already installed: the Makefile's stamp must not look stale.
        os.utime(root / "pyproject.toml", (0, 0))
        self.stamp = root / "stamp"
        self.stamp.touch()
        (root / "stall.py").write_text(STALL_HOOK, encoding="utf-8")
        with (root / "mkdocs.yml").open("a", encoding="utf-8") as f:
            f.write("\nhooks:\n  - stall.py\n")
        self.tmp = root / "tmp"  # the temporary folder of every build: must stay empty
        self.tmp.mkdir()
        self.stall = root / "stall"
        self.stall.mkdir()
        self.env = {"PATH": os.environ["PATH"], "HOME": str(root), "TMPDIR": str(self.tmp),
                    "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "Test",
                    "GIT_AUTHOR_EMAIL": "test@example.org", "GIT_COMMITTER_NAME": "Test",
                    "GIT_COMMITTER_EMAIL": "test@example.org", "STALL_DIR": str(self.stall)}
        for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "Start"]):
            subprocess.run(["git", *args], cwd=root, env=self.env, check=True,
                           capture_output=True)

    def make(self, stall: str = "") -> subprocess.Popen[str]:
        return subprocess.Popen(
            ["make", "site", f"VENV={ROOT / '.venv'}", f"STAMP={self.stamp}"], cwd=self.root,
            env={**self.env, "STALL_AT": stall}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, start_new_session=True)

    def site(self) -> subprocess.CompletedProcess[str]:
        run = self.make()
        out, err = run.communicate(timeout=300)
        return subprocess.CompletedProcess(run.args, run.returncode, out, err)

    def files(self) -> list[str]:
        site = self.root / "site"
        return sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())

    def leftovers(self) -> list[str]:
        current = Path(os.readlink(self.root / "site")).name
        return [n for n in entries(self.root / ".site-builds") if n != current]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    made = Project(tmp_path_factory.mktemp("project"))
    done = made.site()
    assert (done.returncode, done.stderr) == (0, ""), done.stderr
    assert done.stdout.endswith("site/ is ready: open site/index.html, or run 'make serve'\n")
    return made


def wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 60
    while not condition():
        assert time.monotonic() < deadline, f"test setup: never saw {what}"
        time.sleep(0.005)


def test_two_make_site_runs_at_once_each_publish_the_complete_site(project: Project) -> None:
    single = project.files()
    assert "index.html" in single
    assert "charters/riverside-food-poverty/index.html" in single
    runs = [project.make(), project.make()]
    for run in runs:
        run.communicate(timeout=300)
    assert [run.returncode for run in runs] == [0, 0]
    assert project.files() == single
    assert project.leftovers() == []
    assert list(project.tmp.iterdir()) == []


@pytest.mark.parametrize(("step", "victim"), [
    ("mid_pages", "all"),       # make, sitedir and MkDocs die with pages half written
    ("mid_pages", "mkdocs"),    # MkDocs dies: sitedir sees the build fail
    ("post_build", "sitedir"),  # the runner dies; MkDocs finishes a build nobody publishes
    ("post_build", "make"),     # make dies; its recipe carries on and publishes
])
def test_a_kill_at_any_step_leaves_a_complete_site_and_the_next_run_clears_up(
        project: Project, step: str, victim: str) -> None:
    single = project.files()
    for old in project.stall.iterdir():
        old.unlink()
    run = project.make(stall=step)
    wait_for(lambda: any(project.stall.iterdir()), f"MkDocs reaching {step}")
    [marker] = project.stall.iterdir()
    mkdocs_pid, sitedir_pid = (int(n) for n in marker.name.split("-")[1:])
    if victim == "all":
        os.killpg(run.pid, signal.SIGKILL)
    else:
        os.kill({"mkdocs": mkdocs_pid, "sitedir": sitedir_pid, "make": run.pid}[victim],
                signal.SIGKILL)
    (project.stall / "go").touch()
    run.communicate(timeout=60)
    wait_for(lambda: not Path(f"/proc/{mkdocs_pid}").exists()
             or Path(f"/proc/{mkdocs_pid}/stat").read_text().split(") ")[1].startswith("Z"),
             "the build ending")
    assert project.files() == single
    assert list(project.tmp.iterdir()) == []
    assert len(project.leftovers()) <= 1  # at most the killed run's own folder
    done = project.site()
    assert done.returncode == 0, done.stderr
    assert project.files() == single
    assert project.leftovers() == []


def test_a_link_to_a_missing_anchor_fails_make_site_and_keeps_the_site(project: Project) -> None:
    # In a page of docs/: `charters validate` checks the charters' own links (--quiet let this
    # one through, mkdocs#4126).
    before = (os.readlink(project.root / "site"), project.files())
    page = project.root / "docs" / "guide" / "writing-a-charter.md"
    text = page.read_text(encoding="utf-8")
    try:
        page.write_text(text + "\nSee [the pledges](#no-such-anchor).\n", encoding="utf-8")
        done = project.site()
    finally:
        page.write_text(text, encoding="utf-8")
    assert done.returncode != 0
    assert "contains a link '#no-such-anchor', but there is no such anchor" in done.stderr
    assert "make site: the build failed (exit 1); site/ is unchanged\n" in done.stderr
    assert "Traceback" not in done.stderr
    assert "INFO" not in done.stderr
    assert "site/ is ready" not in done.stdout
    assert (os.readlink(project.root / "site"), project.files()) == before
    assert project.leftovers() == []
