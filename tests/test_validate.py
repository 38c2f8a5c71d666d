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


def lines_of(text: str) -> list[str]:
    """Lines as editors count them: only \\n, \\r\\n and \\r end one."""
    import re

    return re.split(r"\r\n|\r|\n", text)


def test_every_problem_is_one_printable_line_inside_its_file(in_root: Path) -> None:
    import unicodedata

    _, problems = read_all([c.relative_to(in_root) for c in BAD])
    for problem in problems:
        shown = str(problem)
        assert not any(unicodedata.category(ch) in ("Cc", "Zl", "Zp") for ch in shown), shown
        data = Path(problem.path).read_bytes().decode("utf-8", "replace")
        lines = lines_of(data)
        assert 1 <= problem.line <= len(lines), shown
        assert 1 <= problem.column <= len(lines[problem.line - 1]) + 1, shown


def test_a_file_over_the_limit_is_reported_with_its_real_size(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"title: x\n" + b"# padding\n" * 300_000)
    _, problems = read_all([big])
    assert [p.message for p in problems] == ["file is 3,000,009 bytes; the limit is 1,048,576"]


@pytest.mark.parametrize("name", ["con", "nul", "aux", "prn", "com1", "lpt9"])
def test_a_windows_device_name_is_refused_as_a_charter_file_name(name: str) -> None:
    from generator.source import charter_id

    _, problems = charter_id(f"charters/{name}.yaml")
    assert [p.message for p in problems] == [
        f"file name '{name}.yaml' is a device name on Windows, which cannot store it; choose "
        f"another charter id, like '{name}-partnership.yaml'"]


@pytest.mark.parametrize(("name", "reserved"), [
    ("con", True), ("CON", True), ("nul.txt", True), ("Lpt1.2", True), ("com9", True),
    ("com0", False), ("console", False), ("con-1", False), ("lpt10", False),
])
def test_reserved_names_are_the_windows_device_names(name: str, reserved: bool) -> None:
    from generator.spec import reserved_name

    assert reserved_name(name) is reserved


def test_the_anchors_charter_text_may_link_to_are_the_ones_its_page_has(in_root: Path) -> None:
    # One list (spec.charter_anchors) for the validator; the page template writes its own
    # `{ #id }` attributes: they must agree, for charters with and without optional sections.
    import re

    from conftest import BUILD_DATE, render_pages
    from generator.load import load_bytes
    from generator.render import Extras
    from generator.spec import charter_anchors
    from generator.validate import validate

    charters, _ = read_all([Path("charters")])
    pages = render_pages(charters, BUILD_DATE, Extras())
    seen_optional = set()
    for charter in charters:
        root, _ = load_bytes(Path(charter.path).read_bytes(), charter.path)
        assert root is not None
        data, _ = validate(root, charter.path)
        assert data is not None
        page = pages[f"charters/{charter.id}/index.md"]
        on_page = set(re.findall(r"\{ #([^\s}]+)", page))
        assert set(charter_anchors(data)) == on_page, charter.id
        seen_optional |= {"principles", "rules-of-engagement"} - on_page
    assert seen_optional, "an example without principles or rules would test the optional ones"
