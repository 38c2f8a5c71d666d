"""The `charters` command: exit codes, messages, help for every command, and the README."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import BUILD_DATE, CASES, ROOT
from generator.cli import main, parser

COMMANDS = ["validate", "new", "render", "diff", "owners", "signoff", "assess"]


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator.cli", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=60)


def test_validate_exits_0_and_says_so_when_every_charter_is_valid() -> None:
    result = run("validate")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("2 charters valid")


def test_validate_exits_1_and_prints_every_problem_in_every_file_without_a_traceback() -> None:
    result = run("validate", "tests/cases/bad")
    assert result.returncode == 0  # the folder itself holds no charters, only case folders
    cases = sorted(str(p.relative_to(ROOT)) for p in (CASES / "bad").iterdir())
    result = run("validate", *cases)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    expected = "".join((CASES / "bad" / Path(c).name / "expected.txt").read_text()
                       for c in cases).splitlines()
    assert sorted(lines[:-1]) == sorted(expected)
    assert re.fullmatch(r"\d+ problems in \d+ files", lines[-1])


def test_github_format_adds_an_annotation_per_problem() -> None:
    result = run("validate", "--format", "github", "tests/cases/bad/bad-references")
    annotations = result.stdout.splitlines()
    assert result.returncode == 1
    assert annotations[0] == ("::error file=tests/cases/bad/bad-references/charter.yaml,line=13,"
                              "col=9::pledges[0].by: unknown partner 'alhpa' (did you mean "
                              "'alpha'?)")
    assert len(annotations) == len(result.stderr.splitlines()) - 1


def test_misuse_exits_2() -> None:
    assert run("validate", "--format", "xml").returncode == 2
    assert run("frobnicate").returncode == 2
    assert run("new", "Not An Id").returncode == 2


def test_a_missing_path_is_a_positioned_problem() -> None:
    result = run("validate", "no/such/folder")
    assert result.returncode == 1
    assert result.stderr.startswith("no/such/folder:1:1: no such file or folder")


def test_new_writes_a_starter_that_validates_and_never_overwrites(tmp_path: Path) -> None:
    assert main(["new", "city-health", "--dir", str(tmp_path)]) == 0
    written = tmp_path / "city-health.yaml"
    assert written.is_file()
    assert main(["validate", str(written)]) == 0
    before = written.read_bytes()
    assert main(["new", "city-health", "--dir", str(tmp_path)]) == 2
    assert written.read_bytes() == before


def test_render_writes_markdown_for_another_publisher(tmp_path: Path) -> None:
    out = tmp_path / "md"
    assert main(["render", "--out", str(out), "--date", BUILD_DATE.isoformat()]) == 0
    assert (out / "charters" / "wessex-healthcare-education" / "index.md").is_file()


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_and_is_in_the_readme(command: str,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([command, "--help"])
    assert exited.value.code == 0
    assert f"usage: charters {command}" in capsys.readouterr().out
    assert f"charters {command}" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_parser_knows_exactly_the_documented_commands() -> None:
    sub = next(a for a in parser()._actions if a.dest == "command")
    assert sorted(sub.choices) == sorted(COMMANDS)  # type: ignore[attr-defined]


ASSESSMENT_CASES = sorted(p for p in (CASES / "bad-assessments").iterdir() if p.is_dir())


@pytest.mark.parametrize("case", ASSESSMENT_CASES, ids=[p.name for p in ASSESSMENT_CASES])
def test_validate_finds_what_the_self_assessment_build_would_refuse(
        case: Path, in_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from conftest import check_golden

    assert main(["validate", str(case.relative_to(in_root))]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert lines[-1] == f"{len(lines) - 1} problem{'s' * (len(lines) != 2)} in 1 file"
    check_golden(case / "expected.txt", "".join(f"{line}\n" for line in lines[:-1]))


def test_a_file_name_with_a_newline_cannot_inject_workflow_commands(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "x\n::stop-commands::abc\n::error file=y"
    folder.mkdir()
    (folder / "bad.yaml").write_text("title: [\n", encoding="utf-8")
    assert main(["validate", "--format", "github", str(folder)]) == 1
    captured = capsys.readouterr()
    annotations = captured.out.splitlines()
    assert len(annotations) == 1
    assert annotations[0].startswith("::error file=")
    assert "::stop-commands::" not in captured.out
    assert all(line.count("\n") == 0 for line in captured.err.splitlines())
    assert len(captured.err.splitlines()) == 2  # the problem and the count
