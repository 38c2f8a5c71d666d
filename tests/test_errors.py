"""A problem prints as one line, in a terminal and as a GitHub annotation, whatever it holds."""

from __future__ import annotations

import pytest

from generator.errors import Problem, printable


@pytest.mark.parametrize(("raw", "shown"), [
    ("a\nb", "a\\nb"), ("a\r\nb", "a\\r\\nb"), ("tab\there", "tab\\there"),
    ("\x1b[2K\x1b[1GAll 3 charters valid", "\\x1b[2K\\x1b[1GAll 3 charters valid"),
    ("next\x85line", "next\\x85line"), ("a\u2028b\u2029c", "a\\u2028b\\u2029c"),
    ("evil\u202egnp.exe", "evil\\u202egnp.exe"), ("\u2066isolate\u2069", "\\u2066isolate\\u2069"),
    ("plain, café – ok", "plain, café – ok"),
])
def test_printable_escapes_control_and_reordering_characters_only(raw: str, shown: str) -> None:
    assert printable(raw) == shown


def test_a_problem_is_one_line_whatever_its_path_and_message_hold() -> None:
    problem = Problem("charters/a\nb.yaml", 3, 4, "title", "'x\ry' \x1b[31mred")
    assert str(problem) == "charters/a\\nb.yaml:3:4: title: 'x\\ry' \\x1b[31mred"


def test_an_annotation_escapes_its_properties_as_the_workflow_command_format_requires() -> None:
    problem = Problem("odd,name:100%.yaml", 2, 7, "", "50% done\nnext")
    assert problem.github() == (
        "::error file=odd%2Cname%3A100%25.yaml,line=2,col=7::50%25 done%0Anext")


def test_a_file_name_cannot_inject_a_workflow_command() -> None:
    problem = Problem("x.yaml\n::stop-commands::token\n::warning file=y", 1, 1, "", "m")
    line = problem.github()
    assert "\n" not in line
    assert "\r" not in line
    assert line.startswith("::error file=x.yaml%0A%3A%3Astop-commands%3A%3Atoken%0A")
    assert line.count("::") == 2  # the command's own two
