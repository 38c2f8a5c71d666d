from __future__ import annotations

import dataclasses
import datetime as dt
import shutil

import pytest

from conftest import ROOT, check_golden
from generator.selfassess.responses import (
    check_folders,
    check_response_file,
    default_round,
    is_response_file,
    load_responses,
    parse_response,
)
from generator.source import read_all

CASES = ROOT / "tests" / "cases" / "responses"


@pytest.fixture(scope="module")
def charter():
    charters, problems = read_all([ROOT / "charters" / "wessex-healthcare-education.yaml"])
    assert problems == []
    # These tests are about the default rule (the quarter of the date): the example's
    # declared rounds are taken away.
    return dataclasses.replace(charters[0], rounds=(), secretariat=None)


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir()))
def test_each_bad_response_reports_the_expected_problems(case, charter):
    folder = CASES / case
    path = f"charters/wessex-healthcare-education/assessments/{case}.yaml"
    response, problems = parse_response((folder / "response.yaml").read_bytes(), path, charter)
    assert response is None
    got = "".join(f"{p}\n" for p in problems)
    check_golden(folder / "expected.txt", got)


def test_a_good_response_loads_with_words_and_a_default_round(charter):
    data = (b"checklist: partner-leader\nrespondent: Board member\ndate: 2026-10-12\n"
            b"answers:\n  convene-2: not-yet\n  convene-1: 4\n")
    response, problems = parse_response(data, "x/2026-10-12-board.yaml", charter)
    assert problems == []
    assert response is not None
    assert response.answers == (("convene-1", 4), ("convene-2", 1))
    assert response.round == "2026-Q4"
    assert response.respondent == "Board member"


def test_default_round_is_the_quarter_of_the_date():
    assert [default_round(dt.date(2026, m, 1)) for m in (1, 3, 4, 12)] == [
        "2026-Q1", "2026-Q1", "2026-Q2", "2026-Q4"]


def test_a_badly_named_file_is_reported(charter):
    data = (b"checklist: health-check\nrespondent: wessex-etb\ndate: 2026-10-12\n"
            b"answers: {vision-1: 2}\n")
    _, problems = parse_response(data, "a/Board Reply.yml", charter)
    assert [p.message for p in problems] == [
        "file name 'Board Reply.yml' is not allowed: use lowercase letters, digits and hyphens, "
        "then .yaml, like '2026-10-12-solent-nhs-trust.yaml'"]


def test_the_example_responses_load_without_problems():
    charters, _ = read_all([ROOT / "charters"])
    responses, problems = load_responses(ROOT / "charters", charters)
    assert problems == []
    # Merged rounds only: nobody's own answers are in the repository.
    assert [(t.round, t.checklist) for t in responses["wessex-healthcare-education"]] == [
        ("2026-spring", "health-check"), ("2026-autumn", "health-check")]
    assert all(type(t).__name__ == "Tally" for t in responses["wessex-healthcare-education"])
    assert check_folders([ROOT / "charters"]) == []


def test_the_same_respondent_twice_in_a_round_and_an_orphan_folder_are_reported(tmp_path):
    shutil.copy(ROOT / "charters" / "wessex-healthcare-education.yaml", tmp_path)
    shutil.copy(ROOT / "charters" / "partners.yaml", tmp_path)
    folder = tmp_path / "wessex-healthcare-education" / "assessments"
    folder.mkdir(parents=True)
    text = ("checklist: health-check\nrespondent: wessex-etb\ndate: 2026-10-1{}\n"
            "answers: {{vision-1: 2}}\n")
    (folder / "a.yaml").write_text(text.format(1))
    (folder / "b.yaml").write_text(text.format(2))
    (tmp_path / "gone" / "assessments").mkdir(parents=True)
    messages = sorted(p.message for p in check_folders([tmp_path]))
    assert len(messages) == 2
    assert messages[0].startswith(
        "'wessex-etb' already answered 'health-check' in round 2026-autumn")
    assert messages[1].startswith("no charter 'gone.yaml' beside this folder")


def test_a_response_file_validated_on_its_own_is_checked_against_its_charter(tmp_path):
    shutil.copy(ROOT / "charters" / "wessex-healthcare-education.yaml", tmp_path)
    shutil.copy(ROOT / "charters" / "partners.yaml", tmp_path)
    folder = tmp_path / "wessex-healthcare-education" / "assessments"
    folder.mkdir(parents=True)
    text = "checklist: health-check\nrespondent: {}\ndate: 2026-10-12\nanswers: {{{}: 2}}\n"
    (folder / "a.yaml").write_text(text.format("wessex-etb", "vision-1"))
    (folder / "b.yaml").write_text(text.format("wessex-etb", "vision-2"))
    (folder / "c.yaml").write_text(text.format("dorset-council", "vision-9"))
    assert is_response_file(folder / "a.yaml")
    assert not is_response_file(tmp_path / "wessex-healthcare-education.yaml")
    assert check_response_file(folder / "a.yaml") == []
    [twice] = check_response_file(folder / "b.yaml")
    assert twice.message.startswith(
        "'wessex-etb' already answered 'health-check' in round 2026-autumn")
    [unknown] = check_response_file(folder / "c.yaml")
    assert unknown.message.startswith("unknown statement 'vision-9' in checklist 'health-check'")
    assert (unknown.line, unknown.column) == (4, 11)


def test_a_response_whose_charter_is_missing_or_invalid_says_so(tmp_path):
    folder = tmp_path / "gone" / "assessments"
    folder.mkdir(parents=True)
    response = folder / "a.yaml"
    response.write_text("checklist: health-check\nrespondent: x\ndate: 2026-10-12\n"
                        "answers: {vision-1: 2}\n")
    assert [p.message for p in check_response_file(response)] == [
        "no charter 'gone.yaml' beside the folder 'gone'; responses live in "
        "charters/<charter id>/assessments/"]
    (tmp_path / "gone.yaml").write_text("title: 1\n")
    problems = check_response_file(response)
    assert problems[-1].message == f"cannot check this response until {tmp_path}/gone.yaml is valid"
    assert any(p.path.endswith("gone.yaml") for p in problems[:-1])


def test_a_browsers_renamed_copy_is_accepted_but_other_odd_names_are_not(charter):
    data = b"checklist: health-check\ndate: 2026-10-12\nanswers:\n  vision-1: 3\n"
    for name in ("2026-10-12-health-check (1).yaml", "2026-10-12-health-check(12).yaml"):
        response, problems = parse_response(data, f"x/{name}", charter)
        assert problems == [], name
        assert response is not None
    _, problems = parse_response(data, "x/Health Check.yaml", charter)
    assert [p.message.split(":")[0] for p in problems] == ["file name 'Health Check.yaml' is not "
                                                          "allowed"]


def test_an_unnamed_response_gives_its_partner_and_role_group_only(charter):
    data = (b'checklist: health-check\npartner: wessex-etb\nrole: "  Board   member "\n'
            b"date: 2026-10-12\nanswers:\n  vision-1: 3\n")
    response, problems = parse_response(data, "x/a.yaml", charter)
    assert problems == []
    assert response is not None
    assert (response.respondent, response.partner, response.role) == ("", "wessex-etb",
                                                                      "Board member")
    assert (response.round, response.stated_round) == ("2026-Q4", False)
