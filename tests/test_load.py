"""YAML text to positioned nodes: positions as editors count them, and what is refused."""

from __future__ import annotations

import pytest

from generator.load import Lines, load_all, load_bytes
from generator.source import parse_charter

VALID = (b"title: T\nsummary: S\nhub: a\npartners:\n  - {id: a, name: A}\n  - {id: b, name: B}\n"
         b"vision: {statement: V}\n")


def positions(data: bytes) -> list[tuple[int, int, str]]:
    _, problems = parse_charter(data, "c.yaml")
    return [(p.line, p.column, p.message) for p in problems]


@pytest.mark.parametrize("newline", [b"\n", b"\r\n", b"\r"])
def test_lines_end_at_lf_crlf_and_cr_alone(newline: bytes) -> None:
    data = (VALID + b"bogus: 1\n").replace(b"\n", newline)
    assert [(line, column) for line, column, _ in positions(data)] == [(8, 1)]


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"])
def test_a_unicode_line_separator_is_refused_where_it_is_and_later_lines_stay_right(
        separator: str) -> None:
    data = f"# comment{separator}still the comment\n".encode() + VALID + b"bogus: 1\n"
    found = positions(data)
    assert found[0][:2] == (1, 10)
    assert f"U+{ord(separator):04X}" in found[0][2]
    assert "line break to YAML but not to editors" in found[0][2]
    assert found[1:] == [(9, 1, "unknown key 'bogus' (expected one of: title, summary, stage, "
                                "established, review_by, hub, partners, vision, principles, "
                                "rules_of_engagement, pledges, metrics, engagement, meetings, "
                                "assessments, self_assessment)")]


@pytest.mark.parametrize("char", ["\x01", "\x1b", "\x7f", "\x9b", "\ufffe", "\uffff"])
def test_a_character_yaml_refuses_gives_one_positioned_problem(char: str) -> None:
    data = VALID.replace(b"summary: S", f"summary: S{char}x".encode())
    assert positions(data) == [(2, 11, f"control character U+{ord(char):04X} is not allowed in "
                                        f"YAML; remove it, or write \\u{ord(char):04x} inside "
                                        "double quotes")]


def test_many_refused_characters_are_counted_not_listed() -> None:
    data = VALID.replace(b"summary: S", b"summary: S" + b"\x01" * 50)
    found = positions(data)
    assert len(found) == 20
    assert found[-1][2].endswith("(and 30 more such characters after this)")


@pytest.mark.parametrize("text", ["---", "---\n", "...\n", "---\n...\n", "# only\n---\n"])
def test_a_file_of_document_markers_is_empty_at_line_one(text: str) -> None:
    assert positions(text.encode()) == [(1, 1, "file is empty; a charter needs at least title, "
                                               "summary, hub, partners and vision (run `charters "
                                               "new ID` for a starter)")]


def test_a_syntax_error_at_the_end_of_the_file_points_inside_it() -> None:
    assert [p[:2] for p in positions(b"title: [a")] == [(1, 10)]


def test_anchors_and_aliases_are_refused_before_any_node_is_built() -> None:
    data = (VALID.replace(b"summary: S", b"summary: &s S")
            + b"principles:\n  - {title: x, description: *s}\n")
    node, problems = load_bytes(data, "c.yaml")
    assert node is None
    assert [(p.line, p.column, p.message[:12]) for p in problems] == [
        (2, 10, "anchor '&s':"), (9, 29, "alias '*s': ")]


def test_text_problems_come_back_with_the_nodes_so_one_run_finds_everything() -> None:
    node, problems = load_all(VALID.replace(b"title: T", b"title: T\x01"), "c.yaml")
    assert node is not None
    assert len(problems) == 1
    node, problems = load_bytes(VALID.replace(b"title: T", b"title: T\x01"), "c.yaml")
    assert node is None


def test_positions_count_characters_not_bytes() -> None:
    lines = Lines("é\r\nab\rc\nd")
    assert [lines.position(i) for i in (0, 3, 4, 6, 8)] == [(1, 1), (2, 1), (2, 2), (3, 1), (4, 1)]
    assert lines.clamp(9, 1) == (4, 2)


@pytest.mark.parametrize(("text", "position"), [
    ("--- #c", (1, 7)), ("%YAML 1.1\n---", (2, 4)), ("--- |\n", (1, 5)), ("x", (1, 1)),
])
def test_a_document_that_is_not_a_mapping_is_reported_inside_the_file(
        text: str, position: tuple[int, int]) -> None:
    assert [p[:2] for p in positions(text.encode())] == [position]
