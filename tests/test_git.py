"""Reading git: every path NUL-separated, every blob read by its hash, whatever a name holds."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from generator.cli import main
from generator.review import git

BASE = (Path(__file__).parent / "cases" / "diff" / "base.yaml").read_text(encoding="utf-8")

pytestmark = pytest.mark.git


def run_git(root: Path, *args: str) -> str:
    env = {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org",
           "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.org",
           "GIT_AUTHOR_DATE": "2026-01-10T09:00:00+00:00", "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_COMMITTER_DATE": "2026-01-10T09:00:00+00:00",
           "HOME": str(root), "PATH": "/usr/bin:/bin:/usr/local/bin"}
    return subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, text=True,
                          check=True).stdout


def commit_files(root: Path, files: dict[str, str], message: str) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    run_git(root, "add", "-A")
    run_git(root, "commit", "-q", "-m", message)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    run_git(tmp_path, "init", "-q", "-b", "main")
    return tmp_path


def test_files_whose_names_hold_a_newline_are_read_with_their_own_content(root: Path) -> None:
    commit_files(root, {"charters/a\nb.yaml": "first\n", "charters/b.yaml": "second\n",
                        "charters/c\n.yaml": "third\n", "charters/sub/d.yaml": "nested\n",
                        "e.yaml": "outside\n"}, "Files")
    listed = git.list_files(root, "HEAD", "charters")
    assert list(listed) == ["charters/a\nb.yaml", "charters/b.yaml", "charters/c\n.yaml"]
    blobs = git.read_blobs(root, listed.values())
    assert [blobs[listed[name]] for name in listed] == [b"first\n", b"second\n", b"third\n"]


def test_read_blobs_refuses_anything_but_a_hash(root: Path) -> None:
    commit_files(root, {"charters/b.yaml": "second\n"}, "One")
    with pytest.raises(ValueError, match="object hashes"):
        git.read_blobs(root, ["HEAD:charters/b.yaml"])


def test_diff_reads_each_committed_charter_as_itself_beside_a_newline_file_name(
        root: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    commit_files(root, {"charters/harbour.yaml": BASE, "charters/zz.yaml": BASE}, "Two")
    # Read one name a line, "charters/a\nb.yaml" was two requests and every later charter took
    # the content of the one before: zz.yaml read as harbour.yaml, and no problem reported.
    commit_files(root, {"charters/a\nb.yaml": BASE,
                        "charters/zz.yaml": BASE.replace("owner: Registrar", "owner: Dean")},
                 "A bad name")
    monkeypatch.chdir(root)
    code = main(["diff", "HEAD~1", "HEAD", "--format", "json"])
    out, err = capsys.readouterr()
    assert (code, out) == (1, "")
    assert "is not a valid charter id" in err
    assert err.endswith("1 problem in 1 file\n")
    assert "harbour.yaml" not in err
    assert "zz.yaml" not in err


def test_the_root_of_a_repository_whose_folder_name_ends_in_a_space_is_found(
        tmp_path: Path) -> None:
    root = tmp_path / "charters repo "
    root.mkdir()
    run_git(root, "init", "-q", "-b", "main")
    (root / "charters").mkdir()
    assert git.toplevel(root / "charters") == root
