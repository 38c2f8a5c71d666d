"""Self-assessment rounds a charter declares: checked with positions, and one rule for the round
an answer belongs to, shared by the page, the response files and `charters assess merge`."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml

from generator.cli import main
from generator.errors import ChartersError
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
        "a plain e-mail address: use letters, digits and '.', '_', '+' or '-' before the @ and a "
        "domain after it, with no '?', '&', '%', ':' or spaces, like "
        "'partnership-office@example.org'",
        f"charters/demo.yaml:{line[5]}:15: self_assessment.rounds[0].closes: 2026-08-30 is "
        "before the round opens (2026-09-01)",
        f"charters/demo.yaml:{line[6]}:11: self_assessment.rounds[1].id: '2026 spring' is not "
        "valid here; expected something like '2026-autumn'",
        f"charters/demo.yaml:{line[7]}:14: self_assessment.rounds[1].opens: 2026-04-01 is not "
        "after the round above opens (2026-09-01); list rounds oldest first",
        f"charters/demo.yaml:{line[8]}:11: self_assessment.rounds[2].id: duplicate round id "
        f"'2026-autumn' (first on line {line[3]})",
        f"charters/demo.yaml:{line[14]}:14: self_assessment.rounds[4].opens: 2027-06-15 is "
        "before the last day of the round above (2027-06-30); rounds may not overlap: open it "
        "on a later day",
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


def rounds_problems(charters: Path, rounds: str) -> list[str]:
    """The problems of the demo charter with `rounds` in place of its own, lines counted from
    `self_assessment:` (line 1)."""
    text = (charters / "demo.yaml").read_text(encoding="utf-8").replace(ROUNDS, rounds)
    first = text.count("\n", 0, text.index("self_assessment:"))
    _, problems = parse_charter(text.encode(), "charters/demo.yaml")
    return [re.sub(r"^charters/demo\.yaml:(\d+):", lambda m: f"{int(m[1]) - first}:", str(p))
            for p in problems]


def test_a_round_opening_on_the_day_the_one_above_closes_is_said_to_open_on_that_day(
        charters: Path) -> None:
    touching = ROUNDS.replace("opens: 2026-09-01", "opens: 2026-06-30")
    assert rounds_problems(charters, touching) == [
        "8:14: self_assessment.rounds[1].opens: 2026-06-30 is on the last day of the round "
        "above (2026-06-30); rounds may not overlap: open it on a later day"]


def test_the_days_either_side_of_a_boundary_fall_in_their_own_rounds(charters: Path) -> None:
    text = (charters / "demo.yaml").read_text(encoding="utf-8").replace(
        "opens: 2026-09-01", "opens: 2026-07-01")
    charter, problems = parse_charter(text.encode(), "charters/demo.yaml")
    assert problems == []
    assert charter is not None
    days = {"2026-03-31": "2026-spring",  # before any round opens: the first
            "2026-06-30": "2026-spring", "2026-07-01": "2026-autumn",
            "2026-11-30": "2026-autumn", "2027-05-01": "2026-autumn"}  # after the last closes
    assert {d: round_on(charter, dt.date.fromisoformat(d)) for d in days} == days


def test_round_ids_that_cannot_name_a_file_are_reported_with_their_positions(
        charters: Path) -> None:
    long = "r" * 101
    bad = ROUNDS.replace("id: 2026-spring", "id: con").replace("id: 2026-autumn", f"id: {long}")
    assert rounds_problems(charters, bad) == [
        "4:11: self_assessment.rounds[0].id: 'con' is a device name on Windows, which cannot "
        "store a file named after it; choose another id, like 'con-1'",
        "7:11: self_assessment.rounds[1].id: is 101 characters long; an id has at most 100"]


@pytest.mark.parametrize("round_", ["r" * 300, "con", "../../etc/passwd"])
def test_merge_refuses_a_round_that_cannot_name_a_file_in_one_line_and_writes_nothing(
        charters: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], round_: str) -> None:
    answer = tmp_path / "answer.yaml"
    answer.write_text("checklist: health-check\ndate: 2026-10-12\nanswers:\n  vision-1: 3\n",
                      encoding="utf-8")
    code = main(["assess", "merge", str(answer), "--charter", "demo", "--round", round_,
                 "--charters", str(charters)])
    err = capsys.readouterr().err
    assert code == 1
    assert len(err.splitlines()) == 1, err
    assert "Traceback" not in err
    assert "round '" in err
    assert not (charters / "demo" / "assessments").exists()


@pytest.mark.parametrize("address", [
    "office@demo.example?cc=someone%40elsewhere.example",  # a header added to every e-mail
    "office@demo.example&body=hello",
    "javascript:alert(1)//@demo.example",
    "office@demo.example#x",
    "<b>office</b>@demo.example",
    "office@demo.example\\u202e",  # reorders what the reader sees
    "office@demo.example\\x07",
    "office@demo.example\\nBcc: someone@elsewhere.example",
    "office@demo.example\\u2028",
])
def test_a_secretariat_that_is_not_a_plain_address_is_reported_with_its_position(
        charters: Path, address: str) -> None:
    bad = ROUNDS.replace("secretariat: office@demo.example", f'secretariat: "{address}"')
    problems = rounds_problems(charters, bad)
    assert len(problems) == 1, problems
    assert problems[0].startswith("2:16: self_assessment.secretariat: '")
    assert "is not a plain e-mail address" in problems[0]
    assert "\n" not in problems[0]


def test_a_secretariat_longer_than_mail_delivers_to_is_reported(charters: Path) -> None:
    address = "o" * 250 + "@demo.example"
    bad = ROUNDS.replace("secretariat: office@demo.example", f"secretariat: {address}")
    assert rounds_problems(charters, bad) == [
        "2:16: self_assessment.secretariat: is 263 characters long; an e-mail address has at "
        "most 254"]


def test_the_pages_mailto_link_is_the_plain_address(charters: Path) -> None:
    from generator.selfassess.assessments import checklists_for
    from generator.selfassess.rating_form import send_form

    (charter,), _ = read_all([charters / "demo.yaml"])
    html = "\n".join(send_form(charter, checklists_for(charter), "2026-autumn"))
    assert 'href="mailto:office@demo.example"' in html
    assert 'data-secretariat="office@demo.example"' in html


def test_the_scripts_round_check_accepts_exactly_what_the_format_accepts() -> None:
    """The script spells its pattern as it likes; every short string gets the same answer."""
    import itertools

    from generator.spec import ROUND_PATTERN

    script = (Path(__file__).parent.parent / "theme" / "javascripts" / "self-assessment.js"
              ).read_text(encoding="utf-8")
    found = re.search(r"var ROUND = /(.+)/;", script)
    assert found is not None
    browser, python = re.compile(found[1]), re.compile(ROUND_PATTERN)
    for n in range(1, 5):
        for chars in itertools.product("aZ0-_. /é\n", repeat=n):
            text = "".join(chars)
            assert bool(browser.fullmatch(text)) == bool(python.fullmatch(text)), repr(text)


def test_merge_refuses_answers_that_name_no_round_and_were_given_in_another_declared_round(
        charters: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Spring's answers merged late, once autumn is open: without --round they would have
    been counted in autumn."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for day in (14, 15, 16):
        (inbox / f"2026-05-{day}-health-check.yaml").write_text(
            f"checklist: health-check\ndate: 2026-05-{day}\nanswers:\n  vision-1: 2\n",
            encoding="utf-8")
    with pytest.raises(ChartersError) as refused:
        run_merge(sorted(inbox.iterdir()), charters, "demo", None, 3, today=dt.date(2026, 9, 2))
    lines = [str(p) for p in refused.value.problems]
    assert len(lines) == 3
    assert lines[0].endswith("2026-05-14-health-check.yaml:2:7: date: this response names no "
                             "round and was given on 2026-05-14, in round 2026-spring, not "
                             "2026-autumn; merge it with --round 2026-spring, or leave it out")
    assert not (charters / "demo" / "assessments").exists()
    written = run_merge(sorted(inbox.iterdir()), charters, "demo", "2026-spring", 3)
    assert written.name == "2026-spring.yaml"


@pytest.mark.parametrize("option", ["--round", "--charter"])
def test_a_round_or_charter_with_control_characters_is_refused_on_one_line(
        charters: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str) -> None:
    answer = tmp_path / "answer.yaml"
    answer.write_text("checklist: health-check\ndate: 2026-10-12\nanswers:\n  vision-1: 3\n",
                      encoding="utf-8")
    args = {"--round": "2026-autumn", "--charter": "demo"} | {option: "a\nb\x1b[2J\u202ec"}
    code = main(["assess", "merge", str(answer), "--charters", str(charters),
                 *(part for pair in args.items() for part in pair)])
    err = capsys.readouterr().err
    assert code == 1
    assert err.count("\n") == 1, err
    assert "\x1b" not in err
    assert "\u202e" not in err
    assert "a\\nb\\x1b[2J\\u202ec" in err
