from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from generator.selfassess.assessments import (
    builtin_checklists,
    check_charter_assessments,
    check_package_checklists,
    checklists_for,
    parse_checklist,
)
from generator.source import parse_charter

ROOT = Path(__file__).resolve().parents[1]
BASE = (ROOT / "charters" / "riverside-food-poverty.yaml").read_bytes()


def charter_with(extra: str):
    data = BASE + b"\n" + extra.encode()
    charter, problems = parse_charter(data, "charters/riverside-food-poverty.yaml")
    assert problems == []
    assert charter is not None
    return charter, data


def test_package_checklists_are_valid():
    assert check_package_checklists() == []


def test_builtin_checklists_have_the_five_pillars_each():
    leader, health = builtin_checklists()
    assert [p.id for p in leader.pillars] == ["convene", "balance", "adapt", "focus", "future"]
    assert [p.id for p in health.pillars] == ["vision", "rules", "qualities", "measures",
                                              "engagement"]
    assert leader.pillars[0].title == "Bring the group together"
    assert all(4 <= len(p.statements) <= 6 for c in (leader, health) for p in c.pillars)


def test_a_checklist_with_too_few_statements_is_reported_with_its_line():
    text = (b"id: x\ntitle: X\nintro: Y\npillars:\n  - id: a\n    title: A\n    statements:\n"
            b"      - {id: a-1, text: One}\n")
    checklist, problems = parse_checklist(text, "x.yaml")
    assert checklist is None
    assert [str(p) for p in problems] == [
        "x.yaml:8:7: pillars[0].statements: needs at least 4 items, found 1"]


def test_charter_statements_join_a_builtin_pillar_and_own_checklists_follow():
    charter, _ = charter_with(
        "assessments:\n"
        "  - checklist: health-check\n"
        "    pillars:\n"
        "      - id: vision\n"
        "        statements:\n"
        "          - {id: vision-local-1, text: Our food banks share the vision.}\n"
        "  - checklist: volunteers\n"
        "    title: Volunteer check\n"
        "    pillars:\n"
        "      - id: care\n"
        "        title: Caring for volunteers\n"
        "        statements:\n"
        "          - {id: care-1, text: Volunteers are thanked.}\n")
    assert check_charter_assessments(charter, BASE) == []
    _leader, health, own = checklists_for(charter)
    assert health.pillars[0].statements[-1].id == "vision-local-1"
    assert own.title == "Volunteer check"
    assert own.statement_ids() == {"care-1": "care"}


def test_unknown_pillar_duplicate_id_and_missing_title_are_reported_with_positions():
    charter, data = charter_with(
        "assessments:\n"
        "  - checklist: partner-leader\n"
        "    pillars:\n"
        "      - id: convine\n"
        "        statements:\n"
        "          - {id: convene-1, text: Duplicate of a built-in id.}\n"
        "  - checklist: own-list\n"
        "    pillars:\n"
        "      - id: one\n"
        "        statements:\n"
        "          - {id: one-1, text: A statement.}\n")
    lines = data.decode().splitlines()
    first = lines.index("  - checklist: partner-leader") + 1
    messages = [str(p) for p in check_charter_assessments(charter, data)]
    path = "charters/riverside-food-poverty.yaml"
    assert messages == [
        f"{path}:{first + 2}:13: assessments[0].pillars[0].id: 'partner-leader' has no pillar "
        "'convine' (did you mean 'convene'?) (its pillars: convene, balance, adapt, focus, future)",
        f"{path}:{first + 4}:18: assessments[0].pillars[0].statements[0].id: duplicate statement "
        "id 'convene-1' in checklist 'partner-leader' (a built-in statement); choose another id",
        f"{path}:{first + 5}:16: assessments[1].checklist: 'own-list' is not a built-in "
        "checklist; a checklist of this charter's own needs a title: (add 'title: Our own "
        "questions' under '- checklist: own-list')",
        f"{path}:{first + 7}:9: assessments[1].pillars[0]: pillar 'one' of the new checklist "
        "'own-list' needs a title:",
    ]


def test_problems_point_at_line_one_when_the_file_cannot_be_read():
    charter, _ = charter_with(
        "assessments:\n  - checklist: partner-leader\n    pillars:\n      - id: nope\n"
        "        statements:\n          - {id: n-1, text: X}\n")
    moved = dataclasses.replace(charter, path="/nonexistent/charter.yaml")
    (problem,) = check_charter_assessments(moved)
    assert (problem.line, problem.column) == (1, 1)


@pytest.mark.parametrize("checklist", ["partner-leader", "health-check"])
def test_statement_ids_are_unique_across_each_builtin_checklist(checklist):
    found = next(c for c in builtin_checklists() if c.id == checklist)
    ids = [s.id for p in found.pillars for s in p.statements]
    assert len(ids) == len(set(ids))
