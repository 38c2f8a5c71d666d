"""`charters diff`: semantic changes between two git revisions, checked field by field."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from generator.cli import main
from generator.review.changes import to_markdown, word_diff
from generator.review.compare import compare
from generator.source import parse_charter

BASE = (Path(__file__).parent / "cases" / "diff" / "base.yaml").read_text(encoding="utf-8")


class Repo:
    """A throwaway git repository holding charters/, committed step by step."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.git("init", "-q", "-b", "main")
        (root / "charters").mkdir()

    def git(self, *args: str, date: str = "2026-01-10T09:00:00+00:00") -> str:
        env = {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org",
               "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.org",
               "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date, "GIT_CONFIG_NOSYSTEM": "1",
               "HOME": str(self.root), "PATH": "/usr/bin:/bin:/usr/local/bin"}
        done = subprocess.run(["git", *args], cwd=self.root, env=env, capture_output=True,
                              text=True, check=True)
        return done.stdout

    def write(self, name: str, text: str) -> None:
        (self.root / "charters" / name).write_text(text, encoding="utf-8")

    def commit(self, message: str, date: str = "2026-01-10T09:00:00+00:00") -> None:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message, date=date)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Repo:
    made = Repo(tmp_path)
    made.write("harbour.yaml", BASE)
    made.commit("Start the harbour charter")
    monkeypatch.chdir(tmp_path)
    return made


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["diff", *args])
    out, err = capsys.readouterr()
    return code, out, err


def as_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    code, out, err = run(capsys, *args, "--format", "json")
    assert (code, err) == (0, "")
    data: dict[str, Any] = json.loads(out)
    return data


def edit(repo: Repo, old: str, new: str, name: str = "harbour.yaml") -> None:
    path = repo.root / "charters" / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} is not in the charter"
    path.write_text(text.replace(old, new), encoding="utf-8")


pytestmark = pytest.mark.git


def test_a_status_change_is_shown_with_old_and_new_value(repo: Repo, capsys: Any) -> None:
    edit(repo, "    due: 2026-09-30\n    status: active",
         "    due: 2026-09-30\n    status: at-risk")
    data = as_json(capsys)
    [charter] = data["charters"]
    assert (charter["kind"], charter["id"]) == ("changed", "harbour")
    [pledge] = charter["pledges"]
    assert (pledge["kind"], pledge["id"], pledge["old_id"]) == ("changed", "HH-1", None)
    assert pledge["fields"] == [
        {"field": "status", "old": "active", "new": "at-risk", "days": None}]
    code, out, _ = run(capsys)
    assert code == 0
    assert "- pledge **HH-1** changed\n    - status: active → at-risk\n" in out


def test_a_moved_due_date_counts_the_days_later_and_earlier(repo: Repo, capsys: Any) -> None:
    edit(repo, "due: 2026-09-30", "due: 2026-10-14")
    edit(repo, "due: 2026-12-31", "due: 2026-12-28")
    pledges = as_json(capsys)["charters"][0]["pledges"]
    assert [p["fields"] for p in pledges] == [
        [{"field": "due", "old": "2026-09-30", "new": "2026-10-14", "days": 14}],
        [{"field": "due", "old": "2026-12-31", "new": "2026-12-28", "days": -3}],
    ]
    _, out, _ = run(capsys)
    assert "    - due: 2026-09-30 → 2026-10-14 (14 days later)\n" in out
    assert "    - due: 2026-12-31 → 2026-12-28 (3 days earlier)\n" in out


def test_a_new_measurement_is_listed_under_its_metric(repo: Repo, capsys: Any) -> None:
    edit(repo, "        value: 24\n",
         "        value: 24\n      - date: 2026-07-31\n        value: 31\n")
    [metric] = as_json(capsys)["charters"][0]["metrics"]
    assert (metric["kind"], metric["id"], metric["fields"]) == ("changed", "placements", [])
    assert metric["new_measurements"] == [{"date": "2026-07-31", "value": 31}]
    assert metric["removed_measurements"] == []
    _, out, _ = run(capsys)
    assert ("- metric **placements** (Placements offered each year) changed\n"
            "    - new measurement: 2026-07-31: 31\n") in out


def test_a_renamed_file_is_reported_as_a_rename(repo: Repo, capsys: Any) -> None:
    repo.git("mv", "charters/harbour.yaml", "charters/harbour-health.yaml")
    repo.commit("Rename the charter")
    [charter] = as_json(capsys, "HEAD~1", "HEAD")["charters"]
    assert (charter["kind"], charter["old_path"], charter["new_path"]) == (
        "renamed", "charters/harbour.yaml", "charters/harbour-health.yaml")
    assert charter["pledges"] == charter["partners"] == charter["sign_off"] == []
    _, out, _ = run(capsys, "HEAD~1", "HEAD")
    assert "Renamed from charters/harbour.yaml to charters/harbour-health.yaml." in out
    assert "added" not in out
    assert "removed" not in out


def test_a_pledge_whose_id_changed_with_the_same_text_is_one_change(repo: Repo,
                                                                    capsys: Any) -> None:
    edit(repo, "  - id: HH-3\n", "  - id: HC-1\n")
    [pledge] = as_json(capsys)["charters"][0]["pledges"]
    assert (pledge["kind"], pledge["old_id"], pledge["id"], pledge["fields"]) == (
        "changed", "HH-3", "HC-1", [])
    _, out, _ = run(capsys)
    assert "- pledge **HC-1** changed\n    - id changed HH-3 → HC-1\n" in out


def test_a_yaml_error_on_either_side_is_reported_with_its_position(repo: Repo,
                                                                   capsys: Any) -> None:
    edit(repo, "stage: convene\n", "stage: [convene\n")
    code, out, err = run(capsys)
    assert (code, out) == (1, "")
    assert err.splitlines()[0] == (
        "charters/harbour.yaml:5:10: YAML syntax: did not find expected ',' or ']' "
        "(parsing a flow sequence that starts at line 4, column 8)")
    assert "Traceback" not in err
    repo.commit("Break the charter")
    code, _, err = run(capsys, "HEAD", "HEAD~1")  # the broken version is now the base
    assert code == 1
    assert err.startswith("charters/harbour.yaml:5:10: YAML syntax:")


def test_a_link_in_the_working_tree_is_refused_not_read(repo: Repo, capsys: Any) -> None:
    (repo.root / "charters" / "zero.yaml").symlink_to("/dev/zero")
    code, out, err = run(capsys)
    assert (code, out) == (1, "")
    assert err.splitlines()[0] == ("charters/zero.yaml:1:1: is a symbolic link; charters and "
                                   "responses must be plain files")


def test_a_partner_joining_is_listed_and_must_sign_pledges_made_to_all(repo: Repo,
                                                                       capsys: Any) -> None:
    edit(repo, "vision:\n", "  - id: harbour-council\n    name: Harbour Council\n"
                            "    lead: Grace Hopper, Director\n\nvision:\n")
    edit(repo, "forty placements", "fifty placements")
    charter = as_json(capsys)["charters"][0]
    assert charter["partners"] == [
        {"kind": "joined", "id": "harbour-council", "name": "Harbour Council", "fields": []}]
    assert charter["sign_off"] == [
        {"partner": "harbour-hospital", "name": "Harbour Hospital",
         "lead": "Ada Lovelace, Chief Nurse", "pledges": ["HH-1"]},
        {"partner": "harbour-college", "name": "Harbour College",
         "lead": "Alan Turing, Principal", "pledges": ["HH-1"]},
        {"partner": "harbour-council", "name": "Harbour Council",
         "lead": "Grace Hopper, Director", "pledges": ["HH-1"]},
    ]
    _, out, _ = run(capsys)
    assert "- partner **Harbour Council** (harbour-council) joined\n" in out
    assert "    - text: Offer ~~forty~~ **fifty** placements a year on the wards.\n" in out
    assert out.endswith("## Who must sign off\n\n### Harbour Health Partnership\n\n"
                        "- **Harbour Hospital** (Ada Lovelace, Chief Nurse): HH-1\n"
                        "- **Harbour College** (Alan Turing, Principal): HH-1\n"
                        "- **Harbour Council** (Grace Hopper, Director): HH-1\n")


def test_sign_off_names_the_maker_and_the_named_receivers_once_each(repo: Repo,
                                                                    capsys: Any) -> None:
    edit(repo, "status: proposed", "status: active")
    edit(repo, "owner: Registrar", "owner: Dean")
    [charter] = as_json(capsys)["charters"]
    assert [(s["partner"], s["pledges"]) for s in charter["sign_off"]] == [
        ("harbour-hospital", ["HH-2", "HH-3"]), ("harbour-college", ["HH-2", "HH-3"])]


def test_the_default_base_is_the_merge_base_with_main(repo: Repo, capsys: Any) -> None:
    repo.git("checkout", "-q", "-b", "feature")
    edit(repo, "stage: convene", "stage: balance")
    repo.commit("Move to balance")
    edit(repo, "review_by: 2027-01-31", "review_by: 2027-03-02")  # uncommitted: the working tree
    fields = as_json(capsys)["charters"][0]["fields"]
    assert fields == [{"field": "stage", "old": "convene", "new": "balance", "days": None},
                      {"field": "review_by", "old": "2027-01-31", "new": "2027-03-02", "days": 30}]


def test_an_unknown_revision_is_a_usage_error(repo: Repo, capsys: Any) -> None:
    code, out, err = run(capsys, "no-such-branch")
    assert (code, out) == (2, "")
    assert err.startswith("charters diff: unknown revision 'no-such-branch'")


def test_no_change_says_so(repo: Repo, capsys: Any) -> None:
    assert run(capsys) == (0, "# Charter changes\n\nNo charter changes.\n", "")


def test_outside_a_git_repository_is_a_usage_error(tmp_path: Path, capsys: Any,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys)
    assert code == 2
    assert "not inside a git repository" in err


def _charter(text: str, name: str = "harbour.yaml") -> Any:
    charter, problems = parse_charter(text.encode(), f"charters/{name}")
    assert problems == []
    return charter


def test_compare_tells_a_renamed_and_edited_charter_from_delete_plus_add() -> None:
    old = _charter(BASE)
    new = _charter(BASE.replace("title: Harbour Health", "title: Harbour Care")
                   .replace("status: proposed", "status: active"), "harbour-care.yaml")
    [change] = compare([old], [new]).charters
    assert (change.kind, change.id, change.old_path) == (
        "renamed", "harbour-care", "charters/harbour.yaml")
    assert [(p.id, [f.field for f in p.fields]) for p in change.pledges] == [("HH-2", ["status"])]


def test_compare_reports_unrelated_charters_as_removed_and_added() -> None:
    other = _charter(BASE.replace("text: Offer", "text: Fund").replace("text: Run", "text: Fund")
                     .replace("text: Publish", "text: Fund").replace("HH-", "XX-")
                     .replace("title: Harbour Health", "title: Inland"), "inland.yaml")
    kinds = [(c.kind, c.id) for c in compare([_charter(BASE)], [other]).charters]
    assert kinds == [("added", "inland"), ("removed", "harbour")]


def test_charter_text_in_the_summary_cannot_inject_markdown() -> None:
    shown = word_diff("Offer *forty* places", "Offer <b>fifty</b> places [x](javascript:y)")
    assert "<b>" not in shown
    assert "*forty*" not in shown
    assert "](javascript" not in shown
    assert shown.startswith("Offer ~~&#42;forty&#42;~~ **&#60;b&#62;fifty&#60;/b&#62;**")
    old = _charter(BASE)
    new = _charter(BASE.replace("title: Harbour Health Partnership", "title: '# <script>'"))
    out = to_markdown(compare([old], [new]))
    assert "<script>" not in out
    assert "\n# <" not in out


RIVERSIDE = (Path(__file__).parents[1] / "charters" / "riverside-food-poverty.yaml").read_text(
    encoding="utf-8")
COUNCIL = ("  - id: harbour-council\n    name: Harbour Council\n"
           "    lead: Grace Hopper, Director\n\nvision:\n")


def _owed(old: str, new: str, name: str = "harbour.yaml") -> list[tuple[str, tuple[str, ...]]]:
    [change] = compare([_charter(old, name)], [_charter(new, name)]).charters
    return [(s.partner, s.pledges) for s in change.sign_off]


def test_a_receiver_dropped_from_a_pledge_must_sign_off_as_well_as_the_new_one() -> None:
    moved = RIVERSIDE.replace("to: [riverside-food-bank]", "to: [city-public-health]")
    assert _owed(RIVERSIDE, moved, "riverside-food-poverty.yaml") == [
        ("riverside-food-bank", ("RF-2",)), ("city-public-health", ("RF-2",)),
        ("community-research-unit", ("RF-2",))]


def test_a_pledge_that_changes_maker_needs_the_old_and_the_new_maker() -> None:
    old = BASE.replace("vision:\n", COUNCIL)
    new = old.replace("    by: harbour-college\n    to: [harbour-hospital]",
                      "    by: harbour-council\n    to: [harbour-hospital]")
    assert _owed(old, new) == [("harbour-hospital", ("HH-2",)), ("harbour-college", ("HH-2",)),
                               ("harbour-council", ("HH-2",))]


def test_a_pledge_to_all_changed_as_a_partner_leaves_needs_the_leaver_too() -> None:
    old = BASE.replace("vision:\n", COUNCIL)
    new = BASE.replace("forty placements", "fifty placements")
    [change] = compare([_charter(old)], [_charter(new)]).charters
    assert [(s.partner, s.name, s.pledges) for s in change.sign_off] == [
        ("harbour-hospital", "Harbour Hospital", ("HH-1",)),
        ("harbour-college", "Harbour College", ("HH-1",)),
        ("harbour-council", "Harbour Council", ("HH-1",))]


def test_a_removed_pledge_is_signed_off_by_its_old_parties_and_an_added_one_by_its_new() -> None:
    old = BASE.replace("vision:\n", COUNCIL)
    new = (BASE.replace("  - id: HH-3\n", "  - id: HH-4\n    to: [harbour-hospital]\n")
           .replace("Publish the course timetable", "Publish the exam timetable"))
    assert _owed(old, new) == [("harbour-hospital", ("HH-4", "HH-3")),
                               ("harbour-college", ("HH-4", "HH-3")),
                               ("harbour-council", ("HH-3",))]


def test_mentions_in_charter_text_cannot_ping_anyone_from_the_pull_request_comment() -> None:
    old = _charter(BASE)
    new = _charter(BASE.replace("title: Harbour Health Partnership", "title: '@everyone Harbour'")
                   .replace("Ada Lovelace, Chief Nurse", "'@harbour/all, Chief Nurse'")
                   .replace('["@harbour/nursing"]', '["@harbour/wards"]')
                   .replace("forty placements", "forty placements for @org/everyone"))
    out = to_markdown(compare([old], [new]))
    assert out.count("@") == out.count("@\u2060") == 8
    assert "@org/everyone" not in out
    shown = out.replace("\u2060", "")  # what a reader sees: the text unchanged
    assert "## @everyone Harbour\n" in shown
    assert "- text: Offer forty placements **for @org/everyone** a year on the wards.\n" in shown
    assert "    - reviewers: @harbour/nursing → @harbour/wards\n" in shown
    assert "- **Harbour Hospital** (@harbour/all, Chief Nurse): HH-1\n" in shown
