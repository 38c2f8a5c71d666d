"""`charters diff`: semantic changes between two git revisions, checked field by field."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from conftest import check_golden
from generator.cli import main
from generator.review.changes import to_json, to_markdown, word_diff
from generator.review.compare import compare, entries
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


def started(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, charter: str, message: str
            ) -> Repo:
    """A repository whose first commit holds `charter` as harbour.yaml, worked in."""
    made = Repo(tmp_path)
    made.write("harbour.yaml", charter)
    made.commit(message)
    monkeypatch.chdir(tmp_path)
    return made


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Repo:
    return started(tmp_path, monkeypatch, BASE, "Start the harbour charter")


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
    assert ("- pledge **HH-1** changed · sign-off: harbour-hospital, harbour-college\n"
            "    - status: active → at-risk\n") in out


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
    assert metric["new_measurements"] == [{"date": "2026-07-31", "value": 31, "note": None,
                                         "source": None}]
    assert metric["removed_measurements"] == metric["changed_measurements"] == []
    assert metric["rewrites_history"] is False
    _, out, _ = run(capsys)
    assert ("- metric **placements** (Placements offered each year) changed · sign-off: "
            "harbour-hospital, harbour-college\n    - new measurement: 2026-07-31: 31\n") in out
    assert "rewrites recorded history" not in out


def test_a_renamed_file_is_reported_as_a_rename(repo: Repo, capsys: Any) -> None:
    repo.git("mv", "charters/harbour.yaml", "charters/harbour-health.yaml")
    repo.commit("Rename the charter")
    [charter] = as_json(capsys, "HEAD~1", "HEAD")["charters"]
    assert (charter["kind"], charter["old_path"], charter["new_path"]) == (
        "renamed", "charters/harbour.yaml", "charters/harbour-health.yaml")
    assert charter["pledges"] == charter["partners"] == []
    assert charter["signoff"] == ["harbour-hospital", "harbour-college"]  # the address changed
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
    assert ("- pledge **HC-1** changed · sign-off: harbour-hospital, harbour-college\n"
            "    - id changed HH-3 → HC-1\n") in out


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
    everyone = ["harbour-hospital", "harbour-college", "harbour-council"]
    assert charter["partners"] == [
        {"kind": "joined", "id": "harbour-council", "name": "Harbour Council", "fields": [],
         "signoff": everyone}]
    assert charter["sign_off"] == [
        {"partner": "harbour-hospital", "name": "Harbour Hospital",
         "lead": "Ada Lovelace, Chief Nurse", "reviewers": ["@harbour/nursing"],
         "changes": ["harbour-council joined", "HH-1 text"], "stand_in": None,
         "approvers": ["@harbour/nursing"]},
        {"partner": "harbour-college", "name": "Harbour College",
         "lead": "Alan Turing, Principal",
         "reviewers": ["@harbour-college/charter", "@harbour/nursing"],
         "changes": ["harbour-council joined", "HH-1 text"], "stand_in": None,
         "approvers": ["@harbour-college/charter", "@harbour/nursing"]},
        {"partner": "harbour-council", "name": "Harbour Council",
         "lead": "Grace Hopper, Director", "reviewers": [],
         "changes": ["harbour-council joined", "HH-1 text"], "stand_in": "harbour-hospital",
         "approvers": ["@harbour/nursing"]},
    ]
    _, out, _ = run(capsys)
    assert ("- partner **Harbour Council** (harbour-council) joined · sign-off: "
            "harbour-hospital, harbour-college, harbour-council\n") in out
    assert "    - text: Offer ~~forty~~ **fifty** placements a year on the wards.\n" in out
    assert out.replace("\u2060", "").endswith(
        "## Who must sign off\n\n"
        "Each partner below approves this pull request through one of the handles shown; "
        "`charters signoff` checks that every one of them has.\n\n"
        "### Harbour Health Partnership\n\n"
        "- **Harbour Hospital** (harbour-hospital; Ada Lovelace, Chief Nurse): approved by one "
        "of @harbour/nursing. For: harbour-council joined; HH-1 text\n"
        "- **Harbour College** (harbour-college; Alan Turing, Principal): approved by one of "
        "@harbour-college/charter, @harbour/nursing. For: harbour-council joined; HH-1 text\n"
        "- **Harbour Council** (harbour-council; Grace Hopper, Director): declares no "
        "reviewers, so the hub partner harbour-hospital approves in its place: one of "
        "@harbour/nursing. For: harbour-council joined; HH-1 text\n")


def test_sign_off_names_the_maker_and_the_named_receivers_once_each(repo: Repo,
                                                                    capsys: Any) -> None:
    edit(repo, "status: proposed", "status: active")
    edit(repo, "owner: Registrar", "owner: Dean")
    [charter] = as_json(capsys)["charters"]
    assert [(s["partner"], s["changes"]) for s in charter["sign_off"]] == [
        ("harbour-hospital", ["HH-2 status", "HH-3 owner"]),
        ("harbour-college", ["HH-2 status", "HH-3 owner"])]


def test_the_default_base_is_the_merge_base_with_main(repo: Repo, capsys: Any) -> None:
    repo.git("checkout", "-q", "-b", "feature")
    edit(repo, "stage: convene", "stage: balance")
    repo.commit("Move to balance")
    edit(repo, "review_by: 2027-01-31", "review_by: 2027-03-02")  # uncommitted: the working tree
    fields = as_json(capsys)["charters"][0]["fields"]
    both = ["harbour-hospital", "harbour-college"]
    assert fields == [
        {"field": "stage", "old": "convene", "new": "balance", "days": None, "signoff": both},
        {"field": "review_by", "old": "2027-01-31", "new": "2027-03-02", "days": 30,
         "signoff": both}]


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
    return [(s.partner, s.changes) for s in change.sign_off]


def test_a_receiver_dropped_from_a_pledge_must_sign_off_as_well_as_the_new_one() -> None:
    moved = RIVERSIDE.replace("to: [riverside-food-bank]", "to: [city-public-health]")
    assert _owed(RIVERSIDE, moved, "riverside-food-poverty.yaml") == [
        ("riverside-food-bank", ("RF-2 made to",)), ("city-public-health", ("RF-2 made to",)),
        ("community-research-unit", ("RF-2 made to",))]


def test_a_pledge_that_changes_maker_needs_the_old_and_the_new_maker() -> None:
    old = BASE.replace("vision:\n", COUNCIL)
    new = old.replace("    by: harbour-college\n    to: [harbour-hospital]",
                      "    by: harbour-council\n    to: [harbour-hospital]")
    assert _owed(old, new) == [("harbour-hospital", ("HH-2 made by",)),
                               ("harbour-college", ("HH-2 made by",)),
                               ("harbour-council", ("HH-2 made by",))]


def test_a_pledge_to_all_changed_as_a_partner_leaves_needs_the_leaver_too() -> None:
    old = BASE.replace("vision:\n", COUNCIL)
    new = BASE.replace("forty placements", "fifty placements")
    [change] = compare([_charter(old)], [_charter(new)]).charters
    assert [(s.partner, s.name, s.changes) for s in change.sign_off] == [
        ("harbour-hospital", "Harbour Hospital", ("harbour-council left", "HH-1 text")),
        ("harbour-college", "Harbour College", ("harbour-council left", "HH-1 text")),
        ("harbour-council", "Harbour Council", ("harbour-council left", "HH-1 text"))]


def test_a_removed_pledge_is_signed_off_by_its_old_parties_and_an_added_one_by_its_new() -> None:
    old = BASE.replace("vision:\n", COUNCIL)
    new = (BASE.replace("  - id: HH-3\n", "  - id: HH-4\n    to: [harbour-hospital]\n")
           .replace("Publish the course timetable", "Publish the exam timetable"))
    left = "harbour-council left"
    assert _owed(old, new) == [("harbour-hospital", (left, "HH-4 added", "HH-3 removed")),
                               ("harbour-college", (left, "HH-4 added", "HH-3 removed")),
                               ("harbour-council", (left, "HH-3 removed"))]


def test_mentions_in_charter_text_cannot_ping_anyone_from_the_pull_request_comment() -> None:
    old = _charter(BASE)
    new = _charter(BASE.replace("title: Harbour Health Partnership", "title: '@everyone Harbour'")
                   .replace("Ada Lovelace, Chief Nurse", "'@harbour/all, Chief Nurse'")
                   .replace('["@harbour/nursing"]', '["@harbour/wards"]')
                   .replace("forty placements", "forty placements for @org/everyone"))
    out = to_markdown(compare([old], [new]))
    assert out.count("@") == out.count("@\u2060") == 11
    assert "@org/everyone" not in out
    shown = out.replace("\u2060", "")  # what a reader sees: the text unchanged
    assert "## @everyone Harbour\n" in shown
    assert "- text: Offer forty placements **for @org/everyone** a year on the wards.\n" in shown
    assert "    - reviewers: @harbour/nursing → @harbour/wards\n" in shown
    assert "- **Harbour Hospital** (harbour-hospital; @harbour/all, Chief Nurse): " in shown


# --- the sign-off rule, one row per kind of change ----------------------------------------------

H, C, K = "harbour-hospital", "harbour-college", "harbour-council"
EVERYONE = (H, C, K)
TABLE_BASE = (
    BASE.replace("    lead: Ada Lovelace, Chief Nurse\n",
                 "    lead: Ada Lovelace, Chief Nurse\n    signed: 2026-01-05\n")
    .replace("    lead: Alan Turing, Principal\n",
             "    lead: Alan Turing, Principal\n    sector: education\n    signed: 2026-01-06\n")
    .replace("\nvision:\n  statement: Every nurse trained in the harbour towns stays to work "
             "there.\n",
             "  - id: harbour-council\n    name: Harbour Council\n\n"
             "vision:\n  statement: Every nurse trained in the harbour towns stays to work "
             "there.\n  outcomes:\n    - More nurses stay\n\n"
             "rules_of_engagement:\n  - Decisions by consensus.\n")
    .replace("        value: 24\n",
             "        value: 24\n      - date: 2026-06-30\n        value: 28\n"
             "  - id: retention\n    name: Nurses still here after a year\n"
             "    direction: increase\n")
    + "\nengagement:\n  mechanisms:\n    - name: Board\n      mode: face-to-face\n"
      "  links:\n    - [harbour-college, harbour-council]\n")
HH2 = TABLE_BASE[TABLE_BASE.index("  - id: HH-2\n"):TABLE_BASE.index("  - id: HH-3\n")]
HH3 = TABLE_BASE[TABLE_BASE.index("  - id: HH-3\n"):TABLE_BASE.index("\nmetrics:")]
NEW_PLEDGE = ("  - id: HH-4\n    by: harbour-council\n    to: [harbour-college]\n"
              "    text: Pay for the bus to the college.\n    owner: Clerk\n    status: active\n")
ASSESSMENT = ("assessments:\n  - checklist: partner-leader\n    pillars:\n      - id: convene\n"
              "        statements:\n          - {id: convene-harbour-1, text: We meet.}\n")

# (what changes, the edits, the labels of the change, whose sign-off it needs, history rewritten)
ROWS = [
    ("title", [("title: Harbour Health", "title: Harbour Care")], ["title"], EVERYONE),
    ("summary", [("A hospital and a college", "A hospital, a college and a council")],
     ["summary"], EVERYONE),
    ("hub", [("hub: harbour-hospital", "hub: harbour-college")], ["hub"], EVERYONE),
    ("stage", [("stage: convene", "stage: balance")], ["stage"], EVERYONE),
    ("review date", [("review_by: 2027-01-31", "review_by: 2027-02-28")], ["review by"],
     EVERYONE),
    ("established", [("stage: convene\n", "stage: convene\nestablished: 2025-12-01\n")],
     ["established"], EVERYONE),
    ("vision", [("stays to work there.", "stays to work here.")], ["vision"], EVERYONE),
    ("outcome", [("    - More nurses stay\n", "    - More nurses stay\n    - Fewer leave\n")],
     ["vision outcomes"], EVERYONE),
    ("principle", [("does for learners.", "does for patients.")], ["principles"], EVERYONE),
    ("rule", [("by consensus.", "by vote.")], ["rules of engagement"], EVERYONE),
    ("mechanism", [("mode: face-to-face", "mode: virtual")], ["engagement mechanisms"],
     EVERYONE),
    ("link", [("[harbour-college, harbour-council]", "[harbour-hospital, harbour-council]")],
     ["engagement links"], EVERYONE),
    ("assessments", [("\nengagement:", f"\n{ASSESSMENT}\nengagement:")], ["assessments"],
     EVERYONE),
    ("partner joined", [("  - id: harbour-council\n", "  - id: harbour-port\n"
                         "    name: Harbour Port\n  - id: harbour-council\n")],
     ["harbour-port joined"], (H, C, "harbour-port", K)),
    ("partner left", [("  - id: harbour-council\n    name: Harbour Council\n", ""),
                      ("  links:\n    - [harbour-college, harbour-council]\n", "")],
     ["harbour-council left", "engagement links"], EVERYONE),
    ("partner name", [("name: Harbour College", "name: Harbour Nursing College")],
     ["harbour-college name"], (C,)),
    ("partner lead", [("Alan Turing, Principal", "Grace Hopper, Principal")],
     ["harbour-college lead"], (C,)),
    ("partner sector", [("sector: education", "sector: research")], ["harbour-college sector"],
     (C,)),
    ("partner reviewers", [('"@harbour-college/charter", ', "")], ["harbour-college reviewers"],
     (C,)),
    ("signature added", [("    name: Harbour Council\n",
                          "    name: Harbour Council\n    signed: 2026-02-01\n")],
     ["harbour-council signature"], (K,)),
    ("signature removed", [("    signed: 2026-01-06\n", "")], ["harbour-college signature"], (C,)),
    ("signature re-dated", [("signed: 2026-01-05", "signed: 2026-03-05")],
     ["harbour-hospital signature"], (H,)),
    ("pledge to all", [("forty placements", "fifty placements")], ["HH-1 text"], EVERYONE),
    ("pledge to one", [("due: 2026-12-31", "due: 2027-01-31")], ["HH-2 due date"], (H, C)),
    ("pledge status", [("status: proposed", "status: active")], ["HH-2 status"], (H, C)),
    ("pledge owner", [("owner: Registrar", "owner: Dean")], ["HH-3 owner"], EVERYONE),
    ("pledge added", [("\nmetrics:", f"{NEW_PLEDGE}\nmetrics:")], ["HH-4 added"], (C, K)),
    ("pledge removed", [(HH2, "")], ["HH-2 removed"], (H, C)),
    ("pledge order", [(HH3, ""), ("pledges:\n", f"pledges:\n{HH3}")], ["order"], EVERYONE),
    ("metric target", [("target: 40", "target: 35")], ["metric placements target"], EVERYONE),
    ("metric baseline", [("baseline: 20", "baseline: 18")], ["metric placements baseline"],
     EVERYONE),
    ("metric unit", [("unit: placements", "unit: places")], ["metric placements unit"],
     EVERYONE),
    ("metric target date", [("    target: 40\n", "    target: 40\n    target_date: 2027-12-31\n")],
     ["metric placements target date"], EVERYONE),
    ("metric added", [("\nengagement:", "  - id: waiting\n    name: Weeks waiting\n"
                                       "    direction: decrease\n\nengagement:")],
     ["metric waiting added"], EVERYONE),
    ("metric removed", [("  - id: retention\n    name: Nurses still here after a year\n"
                         "    direction: increase\n", "")], ["metric retention removed"], EVERYONE),
    ("measurement added", [("        value: 28\n",
                            "        value: 28\n      - date: 2026-09-30\n        value: 31\n")],
     ["metric placements new measurement"], EVERYONE),
]
HISTORY_ROWS = [  # a recorded value rewritten: every partner, and flagged
    ("measurement changed", [("value: 28", "value: 26")],
     ["metric placements measurement rewritten"], EVERYONE),
    ("measurement removed", [("      - date: 2026-06-30\n        value: 28\n", "")],
     ["metric placements measurement removed"], EVERYONE),
]


@pytest.fixture
def table_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Repo:
    made = Repo(tmp_path)
    made.write("harbour.yaml", TABLE_BASE)
    made.commit("Start the harbour charter")
    monkeypatch.chdir(tmp_path)
    return made


def _signoffs(charter: dict[str, Any]) -> list[list[str]]:
    """The `signoff` of every single change listed in a charter's JSON."""
    sections = ("fields", "partners", "outcomes", "principles", "rules_of_engagement",
                "mechanisms", "links", "pledges", "metrics")
    return [item["signoff"] for key in sections for item in charter[key]]


def _check_row(repo: Repo, capsys: Any, labels: list[str], who: tuple[str, ...],
               flagged: bool) -> None:
    [charter] = as_json(capsys, "HEAD")["charters"]
    whole = charter["kind"] in ("added", "removed")  # its parts are listed, the whole is signed
    found = [charter["signoff"]] if whole else _signoffs(charter) or [charter["signoff"]]
    assert found == [list(who)] * len(found)
    assert charter["signoff"] == list(who)
    assert [(s["partner"], s["changes"]) for s in charter["sign_off"]] == [
        (pid, labels) for pid in who]
    assert charter["rewrites_history"] is flagged
    code, out, _ = run(capsys, "HEAD")
    assert code == 0
    assert "No charter changes" not in out
    assert "no partner's sign-off" not in out
    assert "no change to the content" not in out or charter["kind"] != "changed"
    owed = out[out.index("## Who must sign off"):]
    assert [line[line.index("(") + 1:].split(";")[0].split(")")[0]
            for line in owed.splitlines() if line.startswith("- **")] == list(who)
    assert ("rewrites recorded history" in out) is flagged


@pytest.mark.parametrize(("edits", "labels", "who"),
                         [pytest.param(e, labels, who, id=name) for name, e, labels, who in ROWS])
def test_each_kind_of_change_needs_the_partners_the_rule_names(
        table_repo: Repo, capsys: Any, edits: list[tuple[str, str]], labels: list[str],
        who: tuple[str, ...]) -> None:
    for old, new in edits:
        edit(table_repo, old, new)
    _check_row(table_repo, capsys, labels, who, flagged=False)


@pytest.mark.parametrize(("edits", "labels", "who"), [
    pytest.param(e, labels, who, id=name) for name, e, labels, who in HISTORY_ROWS])
def test_a_rewritten_or_removed_measurement_needs_everyone_and_is_flagged(
        table_repo: Repo, capsys: Any, edits: list[tuple[str, str]], labels: list[str],
        who: tuple[str, ...]) -> None:
    for old, new in edits:
        edit(table_repo, old, new)
    _check_row(table_repo, capsys, labels, who, flagged=True)
    _, out, _ = run(capsys, "HEAD")
    assert out.startswith("# Charter changes\n\n> **Warning: this change rewrites recorded "
                          "history.** A measurement already recorded is changed or removed in "
                          "Harbour Health Partnership, metric placements. Every partner must "
                          "agree.\n")


def test_a_changed_measurement_is_one_change_not_an_addition_and_a_removal(
        table_repo: Repo, capsys: Any) -> None:
    edit(table_repo, "value: 28", "value: 26")
    [metric] = as_json(capsys, "HEAD")["charters"][0]["metrics"]
    assert (metric["new_measurements"], metric["removed_measurements"]) == ([], [])
    assert metric["changed_measurements"] == [{"date": "2026-06-30", "old": 28, "new": 26}]
    _, out, _ = run(capsys, "HEAD")
    assert ("    - measurement **changed**: 2026-06-30: 28 → 26 (rewrites recorded history)\n"
            in out)


@pytest.mark.parametrize("how", ["added", "removed", "renamed"])
def test_a_charter_added_removed_or_renamed_needs_every_partner(table_repo: Repo, capsys: Any,
                                                                how: str) -> None:
    if how == "added":
        table_repo.write("other.yaml", TABLE_BASE.replace("HH-", "OT-").replace(
            "Offer", "Fund").replace("Run", "Fund").replace("Publish", "Fund"))
    elif how == "removed":
        (table_repo.root / "charters" / "harbour.yaml").unlink()
    else:
        table_repo.git("mv", "charters/harbour.yaml", "charters/harbour-care.yaml")
    [charter] = as_json(capsys, "HEAD")["charters"]
    assert charter["kind"] == how
    # Removing the charter removes its recorded measurements too: flagged like any removal.
    _check_row(table_repo, capsys, [f"charter {how}"], EVERYONE, flagged=how == "removed")


def test_the_order_of_mapping_keys_alone_is_no_change(table_repo: Repo, capsys: Any) -> None:
    edit(table_repo, "    owner: Registrar\n    status: active\n",
         "    status: active\n    owner: Registrar\n")
    assert run(capsys, "HEAD") == (0, "# Charter changes\n\nNo charter changes.\n", "")


REGISTRY = ("partners:\n  - id: harbour-hospital\n    name: Harbour Hospital\n"
            "    reviewers: ['@harbour/nursing']\n")


def test_a_name_changed_in_the_registry_is_a_change_to_each_charter_naming_the_partner(
        table_repo: Repo, capsys: Any) -> None:
    table_repo.write("partners.yaml", REGISTRY)
    edit(table_repo, "    name: Harbour Hospital\n", "")
    table_repo.commit("Declare the hospital in the registry")
    assert run(capsys, "HEAD~1", "HEAD") == (0, "# Charter changes\n\nNo charter changes.\n", "")
    table_repo.write("partners.yaml", REGISTRY.replace("Harbour Hospital", "Harbour Infirmary"))
    [charter] = as_json(capsys, "HEAD")["charters"]
    assert [(p["id"], p["fields"], p["signoff"]) for p in charter["partners"]] == [
        (H, [{"field": "name", "old": "Harbour Hospital", "new": "Harbour Infirmary",
              "days": None}], [H])]


# --- updates, measurement notes and sources, the engagement log, wider networks -----------------

CASES = Path(__file__).parent / "cases" / "diff"
LOGGED = (CASES / "logged.yaml").read_text(encoding="utf-8")
ALL3 = "harbour-hospital, harbour-college, harbour-council"
HH1_UPDATE = ("        status: at-risk\n  - id: HH-2\n",
              "        status: at-risk\n      - date: 2026-08-15\n"
              "        text: Refurbishment overran.\n        due: 2026-12-31\n"
              "        previous_due: 2026-09-30\n        reason: Wards reopen in December\n"
              "  - id: HH-2\n")
HH1_DUE = ("    due: 2026-09-30\n    status: at-risk\n",
           "    due: 2026-12-31\n    status: at-risk\n")
NEW_MEETING = ("meetings:\n", "meetings:\n  - date: 2026-05-12\n    mechanism: Board\n"
               "    mode: virtual\n    host: harbour-council\n"
               "    attended: [harbour-hospital, harbour-council]\n")
OLD_MEETING = ("  - date: 2026-02-10\n    mechanism: Board\n    host: harbour-college\n"
               "    attended: [harbour-hospital, harbour-college]\n"
               "    note: Agreed the placement plan\n")


@pytest.fixture
def logged_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Repo:
    return started(tmp_path, monkeypatch, LOGGED, "Start the harbour charter with its log")


def test_an_update_that_revises_the_due_date_is_listed_with_the_date_it_moved(
        logged_repo: Repo, capsys: Any) -> None:
    edit(logged_repo, *HH1_UPDATE)
    edit(logged_repo, *HH1_DUE)
    [pledge] = as_json(capsys)["charters"][0]["pledges"]
    assert pledge["fields"] == [
        {"field": "due", "old": "2026-09-30", "new": "2026-12-31", "days": 92}]
    assert pledge["updates"] == [{"kind": "added", "old": None, "new": {
        "date": "2026-08-15", "text": "Refurbishment overran.", "status": None,
        "due": "2026-12-31", "previous_due": "2026-09-30", "reason": "Wards reopen in December"}}]
    _, out, _ = run(capsys)
    assert (f"- pledge **HH-1** changed · sign-off: {ALL3}\n"
            "    - due: 2026-09-30 → 2026-12-31 (92 days later)\n"
            "    - update added: 2026-08-15: Refurbishment overran. (due revised 2026-09-30 → "
            "2026-12-31 (92 days later): Wards reopen in December)\n") in out
    assert "For: HH-1 due date, new update\n" in out.replace("\u2060", "")


def test_an_update_edited_in_place_shows_its_words_struck_and_added(
        logged_repo: Repo, capsys: Any) -> None:
    edit(logged_repo, "Two wards closed", "Three wards closed")
    [pledge] = as_json(capsys)["charters"][0]["pledges"]
    [update] = pledge["updates"]
    assert update["kind"] == "edited"
    assert (update["old"]["text"], update["new"]["text"]) == (
        "Two wards closed for refurbishment.", "Three wards closed for refurbishment.")
    _, out, _ = run(capsys)
    assert ("    - update edited: 2026-03-02: ~~Two~~ **Three** wards closed for refurbishment. "
            "(status → at-risk)\n") in out


def test_an_update_whose_status_changed_says_what_it_set_before_and_after() -> None:
    old = _charter(LOGGED)
    new = _charter(LOGGED.replace("        status: at-risk\n  - id: HH-2\n",
                                  "  - id: HH-2\n"))
    assert ("    - update edited: 2026-03-02: Two wards closed for refurbishment. "
            "(status → at-risk) → (set nothing)\n") in to_markdown(compare([old], [new]))


def test_an_update_removed_is_listed_as_removed() -> None:
    old = _charter(LOGGED)
    new = _charter(LOGGED.replace("    updates:\n      - date: 2026-03-02\n"
                                  "        text: Two wards closed for refurbishment.\n"
                                  "        status: at-risk\n", ""))
    changes = compare([old], [new])
    [change] = changes.charters
    [pledge] = change.pledges
    assert [(u.kind, u.old is not None, u.new) for u in pledge.updates] == [
        ("removed", True, None)]
    assert (f"- pledge **HH-1** changed · sign-off: {ALL3}\n    - update removed: 2026-03-02: "
            "Two wards closed for refurbishment. (status → at-risk)\n") in to_markdown(changes)
    assert next((s.partner, s.changes) for s in change.sign_off) == (
        "harbour-hospital", ("HH-1 update removed",))


def test_a_measurements_note_and_source_are_listed_and_rewrite_no_history(
        logged_repo: Repo, capsys: Any) -> None:
    edit(logged_repo, "        source: Ward rota\n",
         "        source: Ward rota (January extract)\n        note: Winter pressures\n"
         "      - date: 2026-06-30\n        value: 28\n        source: Ward rota\n"
         "        note: Wards reopened\n")
    [charter] = as_json(capsys)["charters"]
    [metric] = charter["metrics"]
    assert metric["noted_measurements"] == [
        {"date": "2026-01-31", "field": "note", "old": None, "new": "Winter pressures"},
        {"date": "2026-01-31", "field": "source", "old": "Ward rota",
         "new": "Ward rota (January extract)"}]
    assert metric["new_measurements"] == [{"date": "2026-06-30", "value": 28,
                                           "note": "Wards reopened", "source": "Ward rota"}]
    assert (metric["rewrites_history"], charter["rewrites_history"]) == (False, False)
    _, out, _ = run(capsys)
    assert (f"- metric **placements** (Placements offered each year) changed · sign-off: {ALL3}\n"
            "    - new measurement: 2026-06-30: 28 (source: Ward rota; note: Wards reopened)\n"
            "    - measurement 2026-01-31 note: none → Winter pressures\n"
            "    - measurement 2026-01-31 source: Ward rota → Ward rota (January extract)\n"
            ) in out
    assert "rewrites recorded history" not in out
    assert ("For: metric placements new measurement, measurement note, measurement source\n"
            in out.replace("\u2060", ""))


def test_meetings_added_to_and_removed_from_the_log_are_listed_in_their_own_section(
        logged_repo: Repo, capsys: Any) -> None:
    edit(logged_repo, *NEW_MEETING)
    edit(logged_repo, OLD_MEETING, "")
    [charter] = as_json(capsys)["charters"]
    assert charter["meetings"] == [
        {"kind": "removed", "new": None, "signoff": ALL3.split(", "),
         "old": "2026-02-10: Board (face-to-face, hosted by harbour-college); attended by "
                "harbour-hospital, harbour-college; note: Agreed the placement plan"},
        {"kind": "added", "old": None, "signoff": ALL3.split(", "),
         "new": "2026-05-12: Board (virtual, hosted by harbour-council); attended by "
                "harbour-hospital, harbour-council"}]
    _, out, _ = run(capsys)
    assert ("### Engagement log\n\n"
            "- meeting removed: 2026-02-10&#58; Board (face-to-face, hosted by harbour-college); "
            "attended by harbour-hospital, harbour-college; note&#58; Agreed the placement plan"
            f" · sign-off: {ALL3}\n"
            "- meeting added: 2026-05-12&#58; Board (virtual, hosted by harbour-council); "
            f"attended by harbour-hospital, harbour-council · sign-off: {ALL3}\n") in out


def test_a_meeting_whose_attendance_changed_is_one_meeting_edited() -> None:
    old = _charter(LOGGED)
    new = _charter(LOGGED.replace("attended: [harbour-hospital, harbour-college]",
                                  "attended: [harbour-hospital, harbour-college, harbour-council]"))
    [change] = compare([old], [new]).charters
    assert [(m.kind, m.old is not None, m.new is not None) for m in change.meetings] == [
        ("edited", True, True)]
    assert ("- meeting edited: 2026-02-10&#58; Board (face-to-face, hosted by harbour-college); "
            "attended by harbour-hospital, ~~harbour-college;~~ **harbour-college, "
            "harbour-council;** note&#58; Agreed the placement plan · sign-off: "
            f"{ALL3}\n") in to_markdown(compare([old], [new]))
    assert [what for what, _ in entries(change)] == ["engagement log"]


def test_a_partners_wider_networks_changed_need_only_that_partner(logged_repo: Repo,
                                                                  capsys: Any) -> None:
    edit(logged_repo, "networks: [Harbour GP federation]",
         "networks: [Harbour GP federation, 'Harbour, Quay and Docks primary care network']")
    [charter] = as_json(capsys)["charters"]
    assert charter["partners"] == [{
        "kind": "changed", "id": "harbour-hospital", "name": "Harbour Hospital",
        "signoff": ["harbour-hospital"],
        "fields": [{"field": "networks", "old": ["Harbour GP federation"],
                    "new": ["Harbour GP federation",
                            "Harbour, Quay and Docks primary care network"],
                    "days": None}]}]
    _, out, _ = run(capsys)
    assert ("- partner **Harbour Hospital** (harbour-hospital) changed · sign-off: "
            "harbour-hospital\n    - networks: Harbour GP federation → Harbour GP federation; "
            "Harbour, Quay and Docks primary care network\n") in out


def test_updates_and_meetings_moved_down_the_file_are_no_change(logged_repo: Repo,
                                                                capsys: Any) -> None:
    edit(logged_repo, "title: Harbour", "\n\n# Reformatted\ntitle: Harbour")
    assert run(capsys) == (0, "# Charter changes\n\nNo charter changes.\n", "")


def test_every_new_kind_of_change_reads_as_its_golden_files() -> None:
    """One change of every new kind, as the comment and as JSON (pytest --update-golden)."""
    edited = LOGGED
    for old, new in (HH1_UPDATE, HH1_DUE, NEW_MEETING, (OLD_MEETING, ""),
                     ("Two wards closed", "Three wards closed"),
                     ("        source: Ward rota\n",
                      "        source: Ward rota (January extract)\n"),
                     ("networks: [Harbour GP federation]",
                      "networks: [Harbour GP federation, Harbour primary care network]")):
        assert old in edited
        edited = edited.replace(old, new)
    changes = compare([_charter(LOGGED)], [_charter(edited)])
    check_golden(CASES / "new-fields.md", to_markdown(changes))
    check_golden(CASES / "new-fields.json", to_json(changes))
