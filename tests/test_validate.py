"""Bad input gets a clear, positioned error and nothing else: one fixture per kind."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from conftest import CASES, check_golden
from generator.source import read_all

BAD = sorted(p for p in (CASES / "bad").iterdir() if p.is_dir())


@pytest.mark.parametrize("case", BAD, ids=[p.name for p in BAD])
def test_each_kind_of_bad_input_is_reported_with_file_line_and_column(case: Path,
                                                                       in_root: Path) -> None:
    started = time.perf_counter()
    charters, problems = read_all([case.relative_to(in_root)])
    elapsed = time.perf_counter() - started
    assert charters == []
    assert problems, "a bad charter must produce at least one problem"
    text = "".join(f"{p}\n" for p in problems)
    check_golden(case / "expected.txt", text)
    assert elapsed < 1.0, f"took {elapsed:.2f}s"


def test_every_problem_line_starts_with_path_line_and_column(in_root: Path) -> None:
    _, problems = read_all([c.relative_to(in_root) for c in BAD])
    for problem in problems:
        path, line, column, message = str(problem).split(":", 3)
        assert path.startswith("tests/cases/bad/")
        assert int(line) >= 1
        assert int(column) >= 1
        assert message.strip()


def test_every_file_is_reported_in_one_run(in_root: Path) -> None:
    _, problems = read_all([c.relative_to(in_root) for c in BAD])
    assert {p.path.split("/")[3] for p in problems} == {c.name for c in BAD}


def test_the_examples_are_valid(in_root: Path) -> None:
    charters, problems = read_all([Path("charters")])
    assert problems == []
    assert len(charters) >= 2


def test_an_alias_bomb_is_not_expanded() -> None:
    text = (CASES / "bad" / "alias-bomb" / "charter.yaml").read_bytes()
    from generator.source import parse_charter

    started = time.perf_counter()
    charter, problems = parse_charter(text, "charter.yaml")
    assert charter is None
    assert len(problems) <= 100
    assert time.perf_counter() - started < 0.5


def test_a_huge_file_is_refused_before_parsing() -> None:
    from generator.source import parse_charter

    _, problems = parse_charter(b"title: x\n" + b"# padding\n" * 500_000, "big.yaml")
    assert [p.message for p in problems] == ["file is 5,000,009 bytes; the limit is 1,048,576"]


def test_unknown_partner_suggests_the_closest_declared_id(in_root: Path) -> None:
    _, problems = read_all([Path("tests/cases/bad/bad-references")])
    messages = [str(p) for p in problems]
    assert ("tests/cases/bad/bad-references/charter.yaml:13:9: pledges[0].by: unknown partner "
            "'alhpa' (did you mean 'alpha'?)") in messages


def test_links_and_special_files_are_refused_without_being_read(tmp_path: Path) -> None:
    import os

    (tmp_path / "passwd.yaml").symlink_to("/etc/passwd")
    (tmp_path / "zero.yaml").symlink_to("/dev/zero")
    os.mkfifo(tmp_path / "pipe.yaml")
    (tmp_path / "folder.yaml").mkdir()
    started = time.perf_counter()
    charters, problems = read_all([tmp_path])
    assert charters == []
    assert sorted((Path(p.path).name, p.message) for p in problems) == [
        ("passwd.yaml", "is a symbolic link; charters and responses must be plain files"),
        ("pipe.yaml", "is not a plain file"),
        ("zero.yaml", "is a symbolic link; charters and responses must be plain files"),
    ]
    assert time.perf_counter() - started < 1.0
