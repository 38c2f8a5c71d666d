"""Self-assessment rounds a charter declares: checked with positions, and one rule for the round
an answer belongs to, shared by the page, the response files and `charters assess merge`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from generator.cli import main
from generator.selfassess.merge import run_merge
from generator.selfassess.responses import parse_response, round_on
from generator.source import parse_charter, read_all
from generator.starter import write_starter

ROUNDS = """\
self_assessment:
  secretariat: office@demo.example
  rounds:
    - id: 2026-spring
      opens: 2026-04-01
      closes: 2026-06-30
    - id: 2026-autumn
      opens: 2026-09-01
      closes: 2026-11-30
"""


@pytest.fixture
def charters(tmp_path: Path) -> Path:
    folder = tmp_path / "charters"
    path = write_starter("demo", folder, dt.date(2026, 1, 5))
    path.write_text(path.read_text(encoding="utf-8") + ROUNDS, encoding="utf-8")
    return folder


def test_an_answer_belongs_to_the_round_that_last_opened_else_the_first(charters: Path) -> None:
    (charter,), problems = read_all([charters / "demo.yaml"])
    assert problems == []
    assert charter.secretariat == "office@demo.example"
    days = ["2026-01-10", "2026-04-01", "2026-06-30", "2026-08-15", "2026-09-01", "2026-12-20"]
    assert [round_on(charter, dt.date.fromisoformat(d)) for d in days] == [
        "2026-spring", "2026-spring", "2026-spring", "2026-spring", "2026-autumn", "2026-autumn"]


def test_without_declared_rounds_an_answer_belongs_to_its_quarter(tmp_path: Path) -> None:
    path = write_starter("plain", tmp_path, dt.date(2026, 1, 5))
    (charter,), _ = read_all([path])
    assert round_on(charter, dt.date(2026, 9, 30)) == "2026-Q3"
    assert round_on(charter, dt.date(2026, 10, 1)) == "2026-Q4"


def test_a_response_without_a_round_takes_the_charters_round(charters: Path) -> None:
    (charter,), _ = read_all([charters / "demo.yaml"])
    data = b"checklist: health-check\ndate: 2026-10-12\nanswers:\n  vision-1: 3\n"
    response, problems = parse_response(data, "x/2026-10-12-health-check.yaml", charter)
    assert problems == []
    assert response is not None
    assert (response.round, response.stated_round) == ("2026-autumn", False)


BAD = """\
self_assessment:
  secretariat: not an address
  rounds:
    - id: 2026-autumn
      opens: 2026-09-01
      closes: 2026-08-30
    - id: 2026 spring
      opens: 2026-04-01
    - id: 2026-autumn
      opens: 2026-10-01
    - id: 2027-spring
      opens: 2027-04-01
      closes: 2027-06-30
    - id: 2027-summer
      opens: 2027-06-15
"""


def test_bad_rounds_are_reported_with_their_positions(charters: Path) -> None:
    text = (charters / "demo.yaml").read_text(encoding="utf-8").replace(ROUNDS, BAD)
    first = text.count("\n", 0, text.index("self_assessment:")) + 1
    _, problems = parse_charter(text.encode(), "charters/demo.yaml")
    got = [str(p) for p in problems]
    line = {n: first + n for n in range(15)}
    assert got == [
        f"charters/demo.yaml:{line[1]}:16: self_assessment.secretariat: 'not an address' is not "
        "valid here; expected something like 'partnership-office@example.org'",
        f"charters/demo.yaml:{line[5]}:15: self_assessment.rounds[0].closes: 2026-08-30 is "
        "before the round opens (2026-09-01)",
        f"charters/demo.yaml:{line[6]}:11: self_assessment.rounds[1].id: '2026 spring' is not "
        "valid here; expected something like '2026-autumn'",
        f"charters/demo.yaml:{line[7]}:14: self_assessment.rounds[1].opens: 2026-04-01 is not "
        "after the round above opens (2026-09-01); list rounds oldest first",
        f"charters/demo.yaml:{line[8]}:11: self_assessment.rounds[2].id: duplicate round id "
        f"'2026-autumn' (first on line {line[3]})",
        f"charters/demo.yaml:{line[14]}:14: self_assessment.rounds[4].opens: 2027-06-15 is "
        "before the round above closes (2027-06-30); rounds may not overlap",
    ]


def test_merge_without_a_round_uses_the_round_open_today_as_the_page_suggests(
        charters: Path, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for i in range(3):  # two with no round (the empty box), one with the suggested round
        stated = "round: 2026-autumn\n" if i == 0 else ""
        (inbox / f"2026-11-2{i}-health-check.yaml").write_text(
            f"checklist: health-check\ndate: 2026-11-2{i}\n{stated}answers:\n  vision-1: {i + 1}\n",
            encoding="utf-8")
    # The round closed on 2026-11-30 and none has opened since: late answers still count in it.
    written = run_merge(sorted(inbox.iterdir()), charters, "demo", None, 3,
                        today=dt.date(2026, 12, 5))
    assert written == charters / "demo" / "assessments" / "2026-autumn.yaml"
    data = yaml.safe_load(written.read_text(encoding="utf-8"))
    assert data["merged"] == "2026-autumn"
    assert data["checklists"][0]["statements"] == {"vision-1": [1, 1, 1, 0]}


def test_the_merge_command_takes_no_round_and_says_what_it_defaults_to(
        capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["assess", "merge", "--help"])
    assert "default: the charter's round open today" in " ".join(capsys.readouterr().out.split())


def test_editors_schema_takes_the_rounds_and_refuses_a_bad_round_id(charters: Path) -> None:
    from test_schema import as_json, schema

    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(schema())
    data = as_json(yaml.safe_load((charters / "demo.yaml").read_text(encoding="utf-8")))
    assert validator.is_valid(data)
    data["self_assessment"]["rounds"][0]["id"] = "2026 spring"
    assert not validator.is_valid(data)
