"""`charters assess merge`: many people's answers in, one round's counts out, nobody named."""

from __future__ import annotations

import itertools
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from generator.cli import main
from generator.errors import ChartersError
from generator.selfassess.aggregate import summarise
from generator.selfassess.assessments import checklists_for
from generator.selfassess.merge import run_merge
from generator.selfassess.responses import individual_warnings, load_responses
from generator.source import read_all
from generator.starter import write_starter

CHARTER = "demo"  # a starter charter: partners lead-partner and second-partner

# Five people from lead-partner and one from second-partner (a group under the threshold),
# who typed a role that names them.
ANSWERS = [
    ("lead-partner", "Board member", {"vision-1": 1, "vision-2": 2, "rules-1": 4}),
    ("lead-partner", "Board member", {"vision-1": 2, "vision-2": 2, "rules-1": 3}),
    ("lead-partner", "board member", {"vision-1": 3, "vision-2": 4}),
    ("lead-partner", "", {"vision-1": 4, "vision-2": 3}),
    ("lead-partner", "", {"vision-1": 4, "vision-2": 1, "rules-1": 2}),
    ("second-partner", "Head of Education, Jane Roe", {"vision-1": 1, "vision-2": 4,
                                                       "rules-2": 4}),
]


def response_text(partner: str, role: str, answers: dict[str, int], *, date: str = "2026-11-02",
                  extra: str = "") -> str:
    lines = ["checklist: health-check", f"partner: {partner}", f"date: {date}"]
    if role:
        lines.append(f"role: {role}")
    lines += [extra] if extra else []
    lines += ["answers:", *(f"  {k}: {v}" for k, v in answers.items())]
    return "\n".join(lines) + "\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    charters = tmp_path / "charters"
    charters.mkdir()
    write_starter(CHARTER, charters)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for i, (partner, role, answers) in enumerate(ANSWERS):
        (inbox / f"2026-11-02-health-check-{i}.yaml").write_text(
            response_text(partner, role, answers), encoding="utf-8")
    return tmp_path


def files(project: Path) -> list[Path]:
    return sorted((project / "inbox").iterdir())


def merged(project: Path, order: list[Path], threshold: int = 3) -> bytes:
    out = run_merge(order, project / "charters", CHARTER, "2026-Q4", threshold)
    assert out == project / "charters" / CHARTER / "assessments" / "2026-Q4.yaml"
    return out.read_bytes()


def test_the_merged_round_counts_people_per_rating_and_names_nobody(project: Path) -> None:
    data = yaml.safe_load(merged(project, files(project)))
    (item,) = data["checklists"]
    assert (item["checklist"], item["respondents"]) == ("health-check", 6)
    assert item["statements"] == {"vision-1": [2, 1, 1, 2], "vision-2": [1, 2, 1, 2],
                                  "rules-1": [0, 1, 1, 1]}
    # rules-2 was rated by one person: listed as left out, with no counts.
    assert item["left-out"] == ["rules-2"]
    text = merged(project, files(project)).decode()
    for private in ("Jane Roe", "head of education", "second-partner", "2026-11-02-health"):
        assert private not in text.lower()


def test_a_group_under_the_threshold_never_appears(project: Path) -> None:
    item = yaml.safe_load(merged(project, files(project)))["checklists"][0]
    # lead-partner has five people, the rest one: the one outside would be total minus
    # lead-partner, so lead-partner is not shown either.
    assert "partners" not in item
    # 'board member' (three people, any case) leaves three others outside: safe to show, but
    # only the statements at least three of its people rated.
    assert item["roles"] == {"board member": {
        "respondents": 3, "statements": {"vision-1": [1, 1, 1, 0], "vision-2": [0, 2, 0, 1]}}}


def test_a_group_is_shown_when_those_outside_it_are_enough_too(project: Path) -> None:
    for i, answers in enumerate([{"vision-1": 2}, {"vision-1": 3}]):
        (project / "inbox" / f"more-{i}.yaml").write_text(
            response_text("second-partner", "", answers), encoding="utf-8")
    item = yaml.safe_load(merged(project, files(project)))["checklists"][0]
    partners = item["partners"]
    assert sorted(partners) == ["lead-partner", "second-partner"]
    assert partners["second-partner"] == {"respondents": 3, "statements": {"vision-1": [1, 1, 1,
                                                                                        0]}}


def test_merging_in_any_order_gives_the_same_bytes(project: Path) -> None:
    given = files(project)
    first = merged(project, given)
    for order in itertools.islice(itertools.permutations(given), 1, 40, 7):
        assert merged(project, list(order)) == first
    assert merged(project, list(reversed(given))) == first


def test_a_round_below_the_threshold_is_refused_and_nothing_is_written(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    given = [str(p) for p in files(project)[:2]]
    code = main(["assess", "merge", *given, "--charter", CHARTER, "--round", "2026-Q4",
                 "--charters", str(project / "charters")])
    assert code == 1
    err = capsys.readouterr().err
    assert err == ("charters assess: round 2026-Q4: 'health-check' has 2 respondents, fewer "
                   "than the threshold 3; wait for more answers or leave those files out\n")
    assert not (project / "charters" / CHARTER / "assessments").exists()


def test_a_bad_response_file_is_reported_with_its_position(project: Path,
                                                            capsys: pytest.CaptureFixture[str]
                                                            ) -> None:
    bad = project / "inbox" / "bad.yaml"
    bad.write_text(response_text("lead-partnr", "", {"vision-1": 7}), encoding="utf-8")
    code = main(["assess", "merge", *map(str, files(project)), "--charter", CHARTER,
                 "--round", "2026-Q4", "--charters", str(project / "charters")])
    assert code == 1
    lines = capsys.readouterr().err.splitlines()
    assert lines[0].endswith("bad.yaml:2:10: partner: unknown partner 'lead-partnr' (did you "
                             "mean 'lead-partner'?) (this charter's partners: lead-partner, "
                             "second-partner)")
    assert lines[1].endswith("bad.yaml:5:13: answers.vision-1: rating '7' is not 1, 2, 3 or 4 "
                             "(or not-yet, partly, mostly, fully)")


def test_a_response_for_another_round_is_refused(project: Path) -> None:
    (project / "inbox" / "late.yaml").write_text(
        response_text("lead-partner", "", {"vision-1": 2}, extra="round: 2027-Q1"),
        encoding="utf-8")
    with pytest.raises(ChartersError, match="this response is for round 2027-Q1, not 2026-Q4"):
        merged(project, files(project))


def test_the_site_reads_the_merged_round_like_the_files_it_replaces(project: Path) -> None:
    charters_dir = project / "charters"
    folder = charters_dir / CHARTER / "assessments"
    folder.mkdir(parents=True)
    for f in files(project):
        shutil.copy(f, folder / f.name)
    charters, _ = read_all([charters_dir / f"{CHARTER}.yaml"])
    loaded, problems = load_responses(charters_dir, charters)
    assert problems == []
    health = checklists_for(charters[0])[1]
    from_files = summarise(health, loaded[CHARTER])
    assert individual_warnings(charters_dir, charters)[0].message.startswith(
        "6 individual response files in this folder: anyone with the repository reads each "
        "person's answers; "
        "merge them with `charters assess merge FILES... --charter demo")
    for f in folder.iterdir():
        f.unlink()
    merged(project, files(project))
    loaded, problems = load_responses(charters_dir, charters)
    assert problems == []
    assert individual_warnings(charters_dir, charters) == []
    from_merged = summarise(health, loaded[CHARTER])
    assert from_merged.pillars == from_files.pillars
    assert from_merged.respondents == from_files.respondents == 6
    assert from_merged.disagreements == from_files.disagreements


def test_validate_warns_about_individual_files_and_names_the_merge_command(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = project / "charters" / CHARTER / "assessments"
    folder.mkdir(parents=True)
    shutil.copy(files(project)[0], folder / "2026-11-02-health-check (1).yaml")  # a renamed copy
    assert main(["validate", str(project / "charters")]) == 0
    err = capsys.readouterr().err
    # At the first such file, so an editor or a pull request's annotation opens it.
    assert ("assessments/2026-11-02-health-check (1).yaml:1:1: warning: assessments: 1 "
            "individual response file in this folder: anyone with the repository reads each "
            "person's answers; merge them with `charters assess merge FILES... --charter demo "
            "--round ROUND`, then remove them") in err
    merged(project, files(project))
    (folder / "2026-11-02-health-check (1).yaml").unlink()
    assert main(["validate", str(project / "charters")]) == 0
    assert "individual response" not in capsys.readouterr().err


def leader_text(subject: str, ratings: dict[str, int], partner: str = "lead-partner") -> str:
    head = ["checklist: partner-leader", f"partner: {partner}", "date: 2026-11-03"]
    head += [f"subject: {subject}"] if subject else []
    return "\n".join([*head, "answers:", *(f"  {k}: {v}" for k, v in ratings.items())]) + "\n"


@pytest.fixture
def leaders(project: Path) -> list[Path]:
    """Three leaders rate themselves; four colleagues rate 'jo-lead' (one rated 'sam-lead')."""
    inbox = project / "leaders"
    inbox.mkdir()
    answers = {
        "self-1": ("", {"convene-1": 4, "convene-2": 4}),
        "self-2": ("", {"convene-1": 3, "convene-2": 3}),
        "self-3": ("", {"convene-1": 4, "convene-2": 2}),
        "jo-1": ("jo-lead", {"convene-1": 1, "convene-2": 2}),
        "jo-2": ("jo-lead", {"convene-1": 2, "convene-2": 2}),
        "jo-3": ("jo-lead", {"convene-1": 2, "convene-2": 1}),
        "jo-4": ("jo-lead", {"convene-1": 1, "focus-1": 4}),
    }
    for name, (subject, ratings) in answers.items():
        (inbox / f"{name}.yaml").write_text(leader_text(subject, ratings), encoding="utf-8")
    return sorted(inbox.iterdir())


def test_self_ratings_and_colleagues_ratings_are_merged_apart(project: Path,
                                                              leaders: list[Path]) -> None:
    text = merged(project, leaders)
    items = yaml.safe_load(text)["checklists"]
    assert [(i["raters"], i["respondents"]) for i in items] == [("self", 3), ("others", 4)]
    assert items[0]["statements"] == {"convene-1": [0, 0, 1, 2], "convene-2": [0, 1, 1, 1]}
    assert items[1]["statements"] == {"convene-1": [2, 2, 0, 0], "convene-2": [1, 2, 0, 0]}
    assert b"jo-lead" not in text  # who was rated is not in the counts the site reads

    charters, _ = read_all([project / "charters" / f"{CHARTER}.yaml"])
    tallies, problems = load_responses(project / "charters", charters)
    assert problems == []
    leader = checklists_for(charters[0])[0]
    self_view = summarise(leader, tallies[CHARTER])
    others_view = summarise(leader, tallies[CHARTER], raters="others")
    assert (self_view.respondents, self_view.pillars[0].median) == (3, 3.5)
    assert (others_view.respondents, others_view.pillars[0].median) == (4, 2.0)


def test_statements_are_worded_for_the_leader_rated() -> None:
    from generator.selfassess.assessments import about_others

    assert about_others("I bring partners together.") == "They bring partners together."
    assert about_others("I seek out views that differ from mine and my own.") == \
        "They seek out views that differ from theirs and their own."
    assert about_others("Every partner has signed.") == "Every partner has signed."


def test_the_report_sets_the_leaders_own_rating_beside_colleagues(project: Path,
                                                                   leaders: list[Path]) -> None:
    own = [leaders[4]]  # self-1: convene 4, 4
    about_jo = [p for p in leaders if p.name.startswith("jo-")]
    out = project / "jo-lead-360.md"
    assert main(["assess", "report", *map(str, own + about_jo), "--subject", "jo-lead",
                 "--charter", CHARTER, "--charters", str(project / "charters"),
                 "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "| Bring the group together | 4 | 2 | 4 |" in text
    # focus-1 was rated by one colleague: below the threshold, so not shown.
    assert "| Focus the group | not rated | too few to show | needs 2 more |" in text
    assert "4 colleagues answered" in text


def test_the_report_refuses_too_few_colleagues_another_leader_and_the_sites_folders(
        project: Path, leaders: list[Path]) -> None:
    from generator.selfassess.report import run_report

    about_jo = [p for p in leaders if p.name.startswith("jo-")]
    charters_dir = project / "charters"
    with pytest.raises(ChartersError, match="'jo-lead' has 2 colleague responses, fewer than"):
        run_report(about_jo[:2], charters_dir, CHARTER, "jo-lead", 3, project / "r.md")
    with pytest.raises(ChartersError, match="this response is about 'jo-lead', not 'sam-lead'"):
        run_report(about_jo, charters_dir, CHARTER, "sam-lead", 3, project / "r.md")
    with pytest.raises(ChartersError, match="which the site publishes"):
        run_report(about_jo, charters_dir, CHARTER, "jo-lead", 3, charters_dir / "r.md")
    assert not (charters_dir / "r.md").exists()
    assert not (project / "r.md").exists()


def test_a_subject_is_only_for_the_partner_leader_checklist(project: Path) -> None:
    bad = project / "inbox" / "bad.yaml"
    bad.write_text(response_text("lead-partner", "", {"vision-1": 2}, extra="subject: jo-lead"),
                   encoding="utf-8")
    with pytest.raises(ChartersError, match=re.escape(
            "bad.yaml:4:10: subject: only the partner-leader checklist rates a leader; remove "
            "subject:")):
        merged(project, files(project))


def test_a_threshold_below_one_is_misuse(project: Path) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["assess", "merge", "x.yaml", "--charter", CHARTER, "--round", "r",
              "--threshold", "0"])
    assert exited.value.code == 2


def test_a_merged_file_edited_out_of_shape_is_reported_not_guessed(project: Path) -> None:
    path = Path(run_merge(files(project), project / "charters", CHARTER, "2026-Q4", 3))
    path.write_text(path.read_text(encoding="utf-8").replace("vision-1: [2, 1, 1, 2]",
                                                             "vision-1: [2, 1]"), encoding="utf-8")
    charters, _ = read_all([project / "charters" / f"{CHARTER}.yaml"])
    _, problems = load_responses(project / "charters", charters)
    assert [p.message for p in problems] == [
        "not a merged round as `charters assess merge` writes it (expected four counts, found "
        "[2, 1]); merge the response files again instead of editing this file"]


def nested_groups(project: Path) -> list[Path]:
    """Three board members from lead-partner, a fourth board member from no partner, and three
    people who gave neither: 'board member' minus lead-partner would be the fourth's answers."""
    inbox = project / "nested"
    inbox.mkdir()
    people = [("lead-partner", "Board member", 1), ("lead-partner", "Board member", 2),
              ("lead-partner", "Board member", 2), ("", "Board member", 4),
              ("", "", 3), ("", "", 3), ("", "", 1)]
    for i, (partner, role, rating) in enumerate(people):
        head = ["checklist: health-check", "date: 2026-11-02"]
        head += [f"partner: {partner}"] if partner else []
        head += [f"role: {role}"] if role else []
        (inbox / f"{i}.yaml").write_text("\n".join([*head, "answers:", f"  vision-1: {rating}",
                                                    ""]), encoding="utf-8")
    return sorted(inbox.iterdir())


def test_a_partner_group_and_a_role_group_never_differ_by_fewer_than_the_threshold(
        project: Path) -> None:
    item = yaml.safe_load(merged(project, nested_groups(project)))["checklists"][0]
    # Each kind alone is safe: lead-partner (3) leaves 4 outside, 'board member' (4) leaves 3.
    assert item["partners"]["lead-partner"]["statements"] == {"vision-1": [1, 2, 0, 0]}
    # But board members minus lead-partner's would be the fourth board member's rating, so the
    # role group keeps its size and loses the statement.
    assert item["roles"]["board member"] == {"respondents": 4, "statements": {}}
    # Whatever is published, every difference of two counts is at least three people's.
    counts = [item["statements"]["vision-1"],
              *(g["statements"]["vision-1"] for kind in ("partners", "roles")
                for g in item.get(kind, {}).values() if "vision-1" in g["statements"])]
    for a, b in itertools.combinations(counts, 2):
        if all(x >= y for x, y in zip(a, b, strict=True)):
            assert sum(a) - sum(b) in (0, *range(3, 100)), (a, b)


def test_merging_a_round_again_with_fewer_new_answers_than_the_threshold_is_refused(
        project: Path) -> None:
    path = project / "charters" / CHARTER / "assessments" / "2026-Q4.yaml"
    first = merged(project, files(project))
    late = project / "inbox" / "late-0.yaml"
    late.write_text(response_text("lead-partner", "", {"vision-1": 4}), encoding="utf-8")
    # git keeps the first file: the new counts minus the old would be the late answer.
    with pytest.raises(ChartersError, match=re.escape(
            "round 2026-Q4 is merged already, and git keeps every committed version of its "
            "file: this merge would count 'vision-1' of the health-check checklist from 7 people "
            "where the committed file counts 6, so comparing the two files would show 1 "
            "person's answers. Nothing was written. Merge this round again once at least 9 "
            "people have rated it")):
        run_merge(files(project), project / "charters", CHARTER, "2026-Q4", 3)
    assert path.read_bytes() == first
    for i in (1, 2):
        (project / "inbox" / f"late-{i}.yaml").write_text(
            response_text("lead-partner", "", {"vision-1": 4}), encoding="utf-8")
    grown = yaml.safe_load(merged(project, files(project)))["checklists"][0]
    assert grown["respondents"] == 9


def test_a_group_in_a_new_merge_never_differs_from_an_old_count_by_fewer_than_the_threshold(
        project: Path) -> None:
    """Three board members answered first; four more came, one of them a board member. Each
    file alone is safe, but the new 'board member' minus the old would be the late one's."""
    inbox = project / "inbox"
    for f in files(project):
        f.unlink()

    def answer(name: str, partner: str, role: str, rating: int) -> None:
        text = response_text(partner, role, {"vision-1": rating})
        (inbox / f"{name}.yaml").write_text(text if partner else text.replace(
            "partner: \n", ""), encoding="utf-8")

    for i, rating in enumerate((2, 3, 4)):
        answer(f"first-{i}", "", "Board member", rating)
    before = yaml.safe_load(merged(project, files(project)))["checklists"][0]
    assert before["roles"]["board member"]["statements"] == {"vision-1": [0, 1, 1, 1]}
    for i in range(3):
        answer(f"late-{i}", "lead-partner", "", 1)
    answer("late-3", "", "Board member", 4)
    item = yaml.safe_load(merged(project, files(project)))["checklists"][0]
    assert item["statements"] == {"vision-1": [3, 1, 1, 2]}  # four more people: shown
    assert item["partners"]["lead-partner"]["statements"] == {"vision-1": [3, 0, 0, 0]}
    # [0, 1, 1, 2] now against [0, 1, 1, 1] before: shown in size only.
    assert item["roles"]["board member"] == {"respondents": 4, "statements": {}}
    # The same answers merged afresh (no file before) would have shown it.
    (project / "charters" / CHARTER / "assessments" / "2026-Q4.yaml").unlink()
    fresh = yaml.safe_load(merged(project, files(project)))["checklists"][0]
    assert fresh["roles"]["board member"]["statements"] == {"vision-1": [0, 1, 1, 2]}


def test_merging_again_with_an_answer_changed_among_the_same_people_is_refused_in_words(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Someone sends corrected answers and the secretariat swaps the file: the same number of
    people, but the new counts minus the old would show how that person changed their mind."""
    path = project / "charters" / CHARTER / "assessments" / "2026-Q4.yaml"
    first = merged(project, files(project))
    changed = files(project)[0]
    changed.write_text(changed.read_text(encoding="utf-8").replace("vision-1: 1", "vision-1: 4"),
                       encoding="utf-8")
    code = main(["assess", "merge", *map(str, files(project)), "--charter", CHARTER,
                 "--round", "2026-Q4", "--charters", str(project / "charters")])
    err = capsys.readouterr().err
    assert code == 1
    assert len(err.splitlines()) == 1, err
    assert ("would count 'vision-1' of the health-check checklist from the same 6 people with "
            "different ratings (an answer changed or replaced), so comparing the two files "
            "would show that answer. Nothing was written.") in err
    assert "once at least 9 people have rated it" in err
    assert "0 people" not in err
    assert path.read_bytes() == first


def test_merging_with_partner_and_role_groups_gives_the_same_bytes_in_every_order(
        project: Path) -> None:
    inbox = project / "inbox"
    for i, (partner, role) in enumerate([("second-partner", "Board member"),
                                         ("second-partner", "Board member"),
                                         ("second-partner", "Nurse"), ("lead-partner", "Nurse"),
                                         ("lead-partner", "Nurse")]):
        (inbox / f"more-{i}.yaml").write_text(
            response_text(partner, role, {"vision-1": 1 + i % 4, "rules-2": 4 - i % 4}),
            encoding="utf-8")
    everyone = files(project)
    made = {merged(project, order) for order in
            (everyone, everyone[::-1], everyone[3:] + everyone[:3], everyone[1::2] + everyone[::2])}
    assert len(made) == 1
    item = yaml.safe_load(made.pop())["checklists"][0]
    assert set(item["partners"]) == {"lead-partner", "second-partner"}  # groups are exercised


def test_a_response_for_another_round_is_reported_at_its_round_line(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    late = project / "inbox" / "late.yaml"
    late.write_text(response_text("lead-partner", "", {"vision-1": 2}, extra="round: 2027-Q1"),
                    encoding="utf-8")
    code = main(["assess", "merge", *map(str, files(project)), "--charter", CHARTER,
                 "--round", "2026-Q4", "--charters", str(project / "charters")])
    err = capsys.readouterr().err
    assert code == 1
    assert "late.yaml:4:8: round: this response is for round 2027-Q1, not 2026-Q4" in err


def test_a_merged_file_that_is_not_utf8_is_merged_over_without_a_traceback(
        project: Path) -> None:
    path = project / "charters" / CHARTER / "assessments" / "2026-Q4.yaml"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"merged: 2026-Q4\n\xff\xfe\n")
    assert yaml.safe_load(merged(project, files(project)))["merged"] == "2026-Q4"


def test_merge_takes_files_as_an_e_mail_program_saved_them(project: Path) -> None:
    """The files never reach the repository, so their names need not be ids."""
    for i, path in enumerate(files(project)):
        path.rename(path.with_name(f"Answers from Partner {i}.YAML"))
    assert yaml.safe_load(merged(project, files(project)))["checklists"][0]["respondents"] == 6


def test_a_committed_response_file_still_needs_a_plain_name(project: Path) -> None:
    from generator.selfassess.responses import check_response_file

    folder = project / "charters" / CHARTER / "assessments"
    folder.mkdir(parents=True)
    path = folder / "Answers from Tom.yaml"
    path.write_text(response_text("lead-partner", "", {"vision-1": 2}), encoding="utf-8")
    assert [p.message for p in check_response_file(path)] == [
        "file name 'Answers from Tom.yaml' is not allowed: use lowercase letters, digits and "
        "hyphens, then .yaml, like '2026-10-12-solent-nhs-trust.yaml'"]


@pytest.mark.parametrize("round_", ["<b>r</b>", "2026-\u202eQ4", "r" * 101, "a\nb"])
def test_a_merged_files_round_edited_to_other_words_is_reported_with_its_line(
        project: Path, round_: str) -> None:
    path = Path(run_merge(files(project), project / "charters", CHARTER, "2026-Q4", 3))
    path.write_text(path.read_text(encoding="utf-8").replace(
        "merged: 2026-Q4", f"merged: {json.dumps(round_)}"),  # YAML reads JSON strings
        encoding="utf-8")
    charters, _ = read_all([project / "charters" / f"{CHARTER}.yaml"])
    _, problems = load_responses(project / "charters", charters)
    assert len(problems) == 1
    assert str(problems[0]).count("\n") == 0
    assert "may hold letters, digits and - _ . only, at most 100 of them" in problems[0].message
    assert "\u202e" not in str(problems[0])
