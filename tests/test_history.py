"""History from git: per-pledge last-changed dates, the history page, and shallow clones."""

from __future__ import annotations

import ast
import datetime as dt
import re
import subprocess
from pathlib import Path

import pytest

import generator.review.diff
import generator.review.history
from generator.model import Charter
from generator.review.history import collect, history_markdown, last_changed
from generator.source import parse_charter

BASE = (Path(__file__).parent / "cases" / "diff" / "base.yaml").read_text(encoding="utf-8")
JAN, FEB = "2026-01-10T09:00:00+00:00", "2026-02-20T15:30:00+00:00"
MAR = "2026-03-30T08:00:00+01:00"

pytestmark = pytest.mark.git


def git(root: Path, *args: str, date: str = JAN) -> str:
    env = {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org",
           "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.org",
           "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date, "GIT_CONFIG_NOSYSTEM": "1",
           "HOME": str(root), "PATH": "/usr/bin:/bin:/usr/local/bin"}
    return subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, text=True,
                          check=True).stdout


def commit(root: Path, text: str, message: str, date: str) -> None:
    (root / "charters" / "harbour.yaml").write_text(text, encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message, date=date)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """Three commits on three dates: create, change HH-1, change HH-2."""
    root = tmp_path / "repo"
    (root / "charters").mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    commit(root, BASE, "Start the harbour charter", JAN)
    step = BASE.replace("status: active\n  - id: HH-2", "status: at-risk\n  - id: HH-2")
    commit(root, step, "HH-1 is at risk", FEB)
    commit(root, step.replace("due: 2026-12-31", "due: 2027-01-31"), "Move HH-2 | *later*", MAR)
    return root


def charter(text: str = BASE) -> Charter:
    made, problems = parse_charter(text.encode(), "charters/harbour.yaml")
    assert made is not None, problems
    return made


def test_each_pledge_keeps_the_date_of_the_commit_that_changed_it(repo: Path) -> None:
    history = collect(repo, Path("charters"))
    assert (history.available, history.reason, history.notes) == (True, "", ())
    assert last_changed(history, "harbour") == {
        "": dt.date(2026, 3, 30),
        "HH-1": dt.date(2026, 2, 20),  # the March commit changed HH-2 in the same file
        "HH-2": dt.date(2026, 3, 30),
        "HH-3": dt.date(2026, 1, 10),
    }


def test_a_commit_that_changes_only_comments_moves_no_date(repo: Path) -> None:
    text = (repo / "charters" / "harbour.yaml").read_text(encoding="utf-8")
    commit(repo, "# a comment only\n" + text, "Add a comment", "2026-04-01T10:00:00+00:00")
    assert last_changed(collect(repo, Path("charters")), "harbour")[""] == dt.date(2026, 3, 30)


def test_the_history_page_lists_changes_newest_first_in_the_words_of_diff(repo: Path) -> None:
    history = collect(repo, repo / "charters")
    page = history_markdown(charter(), history)
    assert page.startswith("# History: Harbour Health Partnership\n\n")
    march = page.index("## 2026-03-30: Move HH-2 &#124; &#42;later&#42; { #harbour-")
    february = page.index("## 2026-02-20: HH-1 is at risk { #harbour-")
    january = page.index("## 2026-01-10: Start the harbour charter { #harbour-")
    assert march < february < january
    assert "- pledge **HH-2** changed\n    - due: 2026-12-31 → 2027-01-31 (31 days later)\n" in page
    assert "- pledge **HH-1** changed\n    - status: active → at-risk\n" in page
    assert "Charter created." in page[january:]
    [entry] = [e for e in history.entries["harbour"] if e.subject.startswith("Move")]
    assert (entry.timestamp, len(entry.commit)) == ("2026-03-30T08:00:00+01:00", 7)


def test_a_version_that_does_not_validate_is_skipped_with_a_note(repo: Path) -> None:
    good = (repo / "charters" / "harbour.yaml").read_text(encoding="utf-8")
    commit(repo, good.replace("stage: convene", "stage: [convene"), "Break it",
           "2026-04-01T10:00:00+00:00")
    commit(repo, good.replace("owner: Registrar", "owner: Dean"), "Fix it and change HH-3",
           "2026-04-02T10:00:00+00:00")
    history = collect(repo, Path("charters"))
    [note] = history.notes
    assert note.startswith("charters/harbour.yaml at ")
    assert "is skipped" in note
    dates = last_changed(history, "harbour")
    assert (dates["HH-1"], dates["HH-3"]) == (dt.date(2026, 2, 20), dt.date(2026, 4, 2))


def test_a_renamed_charter_keeps_its_history(repo: Path) -> None:
    git(repo, "mv", "charters/harbour.yaml", "charters/harbour-health.yaml")
    git(repo, "commit", "-q", "-m", "Rename", date="2026-05-01T10:00:00+00:00")
    dates = last_changed(collect(repo, Path("charters")), "harbour-health")
    assert (dates["HH-1"], dates["HH-2"]) == (dt.date(2026, 2, 20), dt.date(2026, 3, 30))


def test_a_shallow_clone_gives_no_dates_and_says_why(repo: Path, tmp_path: Path) -> None:
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    history = collect(clone, Path("charters"))
    assert (history.available, dict(history.entries), last_changed(history, "harbour")) == (
        False, {}, {})
    assert "shallow clone" in history.reason
    assert "fetch-depth: 0" in history.reason
    page = history_markdown(charter(), history)
    assert "History is unavailable because the repository is a shallow clone" in page
    assert "2026" not in page


def test_a_folder_outside_git_gives_no_history(tmp_path: Path) -> None:
    (tmp_path / "charters").mkdir()
    history = collect(tmp_path, Path("charters"))
    assert history.available is False
    assert "not in a git repository" in history.reason


def test_a_subject_with_control_characters_keeps_the_history_and_shows_them(repo: Path) -> None:
    text = (repo / "charters" / "harbour.yaml").read_text(encoding="utf-8")
    evil = ":000000 100644 evil \x01 subject \x1f end"  # the old separators, and a raw-line start
    commit(repo, text.replace("owner: Registrar", "owner: Dean"), evil, "2026-04-01T10:00:00+00:00")
    git(repo, "mv", "charters/harbour.yaml", "charters/harbour-health.yaml")
    git(repo, "commit", "-q", "-m", "Rename \x01 it", date="2026-05-01T10:00:00+00:00")
    history = collect(repo, Path("charters"))
    assert (history.available, history.reason, history.notes) == (True, "", ())
    assert [e.subject for e in history.entries["harbour-health"]][:2] == ["Rename \x01 it", evil]
    assert last_changed(history, "harbour-health")["HH-3"] == dt.date(2026, 4, 1)
    renamed, _ = parse_charter(BASE.encode(), "charters/harbour-health.yaml")
    assert renamed is not None
    page = history_markdown(renamed, history)
    assert "\x01" not in page
    assert "\x1f" not in page
    assert "## 2026-04-01: &#58;000000 100644 evil \u2401 subject \u241f end { #harbour-" in page
    # Anchors keep the charter's id when the commit was made.
    assert "## 2026-05-01: Rename \u2401 it { #harbour-health-" in page


def test_a_merge_commit_between_changes_does_not_lose_the_next_change(repo: Path) -> None:
    text = (repo / "charters" / "harbour.yaml").read_text(encoding="utf-8")
    git(repo, "checkout", "-q", "-b", "side")
    commit(repo, text.replace("owner: Registrar", "owner: Dean"), "On the side",
           "2026-04-01T10:00:00+00:00")
    git(repo, "checkout", "-q", "main")
    (repo / "charters" / "other.txt").write_text("not a charter\n", encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Unrelated", date="2026-04-02T10:00:00+00:00")
    git(repo, "merge", "-q", "--no-ff", "side", "-m", "Merge side",
        date="2026-04-03T10:00:00+00:00")
    commit(repo, (repo / "charters" / "harbour.yaml").read_text(encoding="utf-8")
           .replace("owner: Principal", "owner: Dean"), "After the merge",
           "2026-04-04T10:00:00+00:00")
    history = collect(repo, Path("charters"))
    dates = last_changed(history, "harbour")
    assert (history.available, dates["HH-3"], dates["HH-2"]) == (
        True, dt.date(2026, 4, 1), dt.date(2026, 4, 4))


def test_history_takes_the_comparison_from_compare_and_changes_not_through_diff() -> None:
    tree = ast.parse(Path(generator.review.history.__file__).read_text(encoding="utf-8"))
    sources = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert {"generator.review.compare", "generator.review.changes"} <= sources
    assert "generator.review.diff" not in sources
    assert not hasattr(generator.review.diff, "__all__")
    assert not {"CharterChange", "charter_lines", "compare_charter"} & set(
        vars(generator.review.diff))


def raw_commit(root: Path, message: str, committer: str) -> None:
    """Commit the index with a hand-written committer line, as any git client may write it."""
    tree = git(root, "write-tree").strip()
    parent = git(root, "rev-parse", "HEAD").strip()
    text = (f"tree {tree}\nparent {parent}\nauthor Test <test@example.org> 1775000000 +0000\n"
            f"committer {committer}\n\n{message}\n")
    made = subprocess.run(["git", "hash-object", "-t", "commit", "-w", "--stdin"], cwd=root,
                          input=text, capture_output=True, text=True, check=True).stdout.strip()
    git(root, "update-ref", "refs/heads/main", made)


def stage(root: Path, old: str, new: str) -> None:
    path = root / "charters" / "harbour.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} is not in the charter"
    path.write_text(text.replace(old, new), encoding="utf-8")
    git(root, "add", "-A")


def test_a_commit_with_an_out_of_range_time_zone_is_dated_in_utc_with_a_note(repo: Path) -> None:
    stage(repo, "owner: Registrar", "owner: Dean")
    # 1775000000 is 2026-03-31T23:33:20Z; +2500 would make it 2026-04-02 locally.
    raw_commit(repo, "From far away", "Test <test@example.org> 1775000000 +2500")
    commit(repo, (repo / "charters" / "harbour.yaml").read_text(encoding="utf-8")
           .replace("owner: Principal", "owner: Dean"), "After it", "2026-04-04T10:00:00+00:00")
    history = collect(repo, Path("charters"))
    assert history.available, history.reason
    [note] = history.notes
    assert note.endswith("has the committer time zone '+25:00', out of range: its date is read "
                         "in UTC")
    [entry] = [e for e in history.entries["harbour"] if e.subject == "From far away"]
    assert (entry.date, entry.timestamp) == (dt.date(2026, 3, 31), "2026-03-31T23:33:20+00:00")
    dates = last_changed(history, "harbour")
    assert (dates["HH-3"], dates["HH-2"]) == (dt.date(2026, 3, 31), dt.date(2026, 4, 4))


def test_a_commit_whose_date_git_cannot_read_is_left_out_and_later_changes_stay(repo: Path
                                                                                 ) -> None:
    stage(repo, "owner: Registrar", "owner: Dean")
    raw_commit(repo, "Undated", "Test <test@example.org> yesterday +0000")
    commit(repo, (repo / "charters" / "harbour.yaml").read_text(encoding="utf-8")
           .replace("owner: Principal", "owner: Dean"), "After it", "2026-04-04T10:00:00+00:00")
    history = collect(repo, Path("charters"))
    assert history.available, history.reason
    [note] = history.notes
    assert note.endswith("has a committer date git cannot read: its changes are not listed")
    subjects = [e.subject for e in history.entries["harbour"]]
    assert subjects == ["After it", "Move HH-2 | *later*", "HH-1 is at risk",
                        "Start the harbour charter"]
    dates = last_changed(history, "harbour")
    assert (dates["HH-3"], dates["HH-2"]) == (dt.date(2026, 1, 10), dt.date(2026, 4, 4))


def test_history_is_ordered_by_the_moment_of_each_commit_whatever_its_zone(repo: Path) -> None:
    stage(repo, "owner: Registrar", "owner: Dean")
    git(repo, "commit", "-q", "-m", "At one in London", date="2026-04-02T01:00:00+00:00")
    stage(repo, "owner: Principal", "owner: Dean")
    # Later by the clock (04:30 UTC), earlier by its local date and as text.
    git(repo, "commit", "-q", "-m", "Late evening in Chicago", date="2026-04-01T23:30:00-05:00")
    history = collect(repo, Path("charters"))
    assert [e.subject for e in history.entries["harbour"]][:3] == [
        "Late evening in Chicago", "At one in London", "Move HH-2 | *later*"]
    assert last_changed(history, "harbour")["HH-2"] == dt.date(2026, 4, 1)
    page = history_markdown(charter(), history)
    assert page.index("## 2026-04-01: Late evening") < page.index("## 2026-04-02: At one")


def test_a_file_name_with_a_newline_shifts_no_other_charter(repo: Path) -> None:
    (repo / "charters" / "zz\n.yaml").write_text(BASE, encoding="utf-8")
    (repo / "charters" / "other.yaml").write_text(BASE, encoding="utf-8")
    stage(repo, "owner: Registrar", "owner: Dean")
    git(repo, "commit", "-q", "-m", "Three files", date="2026-04-02T10:00:00+00:00")
    history = collect(repo, Path("charters"))
    assert history.available, history.reason
    assert last_changed(history, "harbour")["HH-3"] == dt.date(2026, 4, 2)
    assert last_changed(history, "harbour")["HH-1"] == dt.date(2026, 2, 20)
    assert [e.change.kind for e in history.entries["other"]] == ["added"]


def test_the_history_page_strikes_removed_words_and_names_the_author(repo: Path) -> None:
    changed = BASE.replace("Offer forty placements", "Offer fifty placements")
    assert changed != BASE
    commit(repo, changed, "Reword HH-1", "2026-04-02T10:00:00+00:00")
    page = history_markdown(charter(changed), collect(repo, repo / "charters"))
    assert "<del>forty</del> **fifty**" in page
    assert "~~" not in page
    assert re.search(r"^Commit [0-9a-f]{7} by Test\.$", page, re.M)
