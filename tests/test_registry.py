"""One organisation, one id: `charters/partners.yaml`, and the same id named twice."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from conftest import ROOT
from generator.cli import main
from generator.source import read_all
from generator.starter import starter_text

REGISTRY = """\
partners:
  - id: harbour-hospital
    name: Harbour Hospital
    sector: health
    reviewers: ["@harbour/nursing"]
  - id: harbour-college
    name: Harbour College
"""
BY_ID = """\
title: Harbour Health Partnership
summary: A hospital and a college train nurses together.
hub: harbour-hospital
partners:
  - id: harbour-hospital
    lead: Ada Lovelace, Chief Nurse
    signed: 2026-01-05
  - id: harbour-college
vision:
  statement: Every nurse trained here stays to work here.
"""


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "charters").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path / "charters"


def validate(capsys: pytest.CaptureFixture[str], *paths: str) -> tuple[int, str, str]:
    code = main(["validate", *paths])
    out, err = capsys.readouterr()
    return code, out, err


def test_two_starters_giving_one_id_two_names_is_an_error_with_both_positions(
        folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Two charters written from the starter by hand, as before `charters new` checked ids.
    for cid, name in (("alpha", "Alpha Hospital"), ("beta", "Beta County Council")):
        text = starter_text(cid, dt.date(2026, 1, 5)).replace("Lead Partner Organisation", name)
        (folder / f"{cid}.yaml").write_text(text, encoding="utf-8")
    code, _, err = validate(capsys)
    assert code == 1
    assert err.splitlines() == [
        "charters/beta.yaml:16:11: partner 'lead-partner' is 'Beta County Council' here but "
        "'Alpha Hospital' in charters/alpha.yaml:16:11",
        "1 problem in 1 file"]


def test_new_never_gives_an_id_another_charter_uses(
        folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "alpha"]) == 0
    alpha = folder / "alpha.yaml"
    alpha.write_text(alpha.read_text(encoding="utf-8").replace(
        "Lead Partner Organisation", "Alpha Hospital"), encoding="utf-8")
    (folder / "partners.yaml").write_text(
        "partners:\n  - id: beta-second-partner\n    name: Someone Else\n", encoding="utf-8")
    assert main(["new", "beta"]) == 0
    beta = (folder / "beta.yaml").read_text(encoding="utf-8")
    assert "  - id: beta-lead-partner\n" in beta
    assert "hub: beta-lead-partner " in beta
    assert "  - id: beta-second-partner-3\n" in beta  # beta-second-partner is taken too
    assert "lead-partner\n" not in beta.replace("beta-lead-partner", "")
    beta_text = beta.replace("Lead Partner Organisation", "Beta County Council")
    (folder / "beta.yaml").write_text(beta_text, encoding="utf-8")
    capsys.readouterr()
    assert validate(capsys)[0] == 0


def test_a_charter_names_partners_by_id_and_takes_name_sector_and_reviewers_from_the_registry(
        folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (folder / "partners.yaml").write_text(REGISTRY, encoding="utf-8")
    (folder / "harbour.yaml").write_text(BY_ID, encoding="utf-8")
    charters, problems = read_all([folder])
    assert problems == []
    [charter] = charters
    hospital, college = charter.partners
    assert (hospital.name, hospital.sector, hospital.reviewers, hospital.lead, hospital.signed
            ) == ("Harbour Hospital", "health", ("@harbour/nursing",), "Ada Lovelace, Chief Nurse",
                  dt.date(2026, 1, 5))
    assert (college.name, college.sector, college.reviewers) == ("Harbour College", None, ())
    code, out, err = validate(capsys)
    assert (code, out) == (0, "1 charter valid (charters/harbour.yaml)\n")
    # A partner without reviewers is a warning, not a problem: the hub approves in its place.
    assert err == ("charters/harbour.yaml:8:5: warning: partners[1]: 'harbour-college' has no "
                   "reviewers, so it cannot approve a pull request; the hub partner "
                   "'harbour-hospital' approves in its place (give it reviewers: in "
                   "charters/partners.yaml)\n")


def test_an_inline_name_or_sector_the_registry_gives_differently_is_an_error(
        folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (folder / "partners.yaml").write_text(REGISTRY, encoding="utf-8")
    (folder / "harbour.yaml").write_text(BY_ID.replace(
        "    lead: Ada Lovelace, Chief Nurse\n",
        "    name: Harbour General Hospital\n    sector: social-care\n"
        "    lead: Ada Lovelace, Chief Nurse\n"), encoding="utf-8")
    code, _, err = validate(capsys)
    assert code == 1
    assert err.splitlines() == [
        "charters/harbour.yaml:6:11: partner 'harbour-hospital' is 'Harbour General Hospital' "
        "here but 'Harbour Hospital' in charters/partners.yaml:3:11",
        "charters/harbour.yaml:7:13: partner 'harbour-hospital' is in sector 'social-care' "
        "here but 'health' in charters/partners.yaml:4:13",
        "2 problems in 1 file"]


def test_an_inline_declaration_that_agrees_keeps_working(
        folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (folder / "partners.yaml").write_text(REGISTRY, encoding="utf-8")
    (folder / "harbour.yaml").write_text(BY_ID.replace(
        "  - id: harbour-college\n", "  - id: harbour-college\n    name: Harbour College\n"
        "    sector: education\n"), encoding="utf-8")
    [charter], problems = read_all([folder])
    assert problems == []
    assert charter.partners[1].sector == "education"  # the registry gives none: no conflict


def test_a_partner_named_nowhere_says_where_to_declare_it(
        folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (folder / "partners.yaml").write_text(REGISTRY, encoding="utf-8")
    (folder / "harbour.yaml").write_text(BY_ID.replace("harbour-college", "harbour-council"),
                                         encoding="utf-8")
    code, _, err = validate(capsys)
    assert code == 1
    assert err.splitlines()[0] == (
        "charters/harbour.yaml:8:5: partners[1]: missing required key 'name' (Name of the "
        "organisation); or declare 'harbour-council' in charters/partners.yaml")


def test_the_registry_is_not_a_charter_and_its_own_problems_are_positioned(
        folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (folder / "partners.yaml").write_text(REGISTRY, encoding="utf-8")
    (folder / "harbour.yaml").write_text(BY_ID, encoding="utf-8")
    assert validate(capsys)[:2] == (0, "1 charter valid (charters/harbour.yaml)\n")
    assert validate(capsys, "charters/partners.yaml")[0] == 0  # as a pre-commit hook passes it
    (folder / "partners.yaml").write_text(
        REGISTRY.replace("    sector: health\n", "    sector: hospital\n    lead: Ada\n")
        + "  - id: harbour-college\n    name: Again\n", encoding="utf-8")
    code, _, err = validate(capsys, "charters/partners.yaml")
    assert code == 1
    assert err.splitlines() == [
        "charters/partners.yaml:4:13: partners[0].sector: 'hospital' is not one of health, "
        "education, social-care, local-government, voluntary, research, industry, other",
        "charters/partners.yaml:5:5: partners[0]: unknown key 'lead' (expected one of: id, "
        "name, sector, reviewers)",
        "charters/partners.yaml:9:9: partners[2].id: duplicate partner id 'harbour-college' "
        "(first on line 7)",
        "3 problems in 1 file"]


def test_the_example_charters_take_their_partners_from_the_registry() -> None:
    charters, problems = read_all([ROOT / "charters"])
    assert problems == []
    assert [c.id for c in charters] == ["riverside-food-poverty", "wessex-healthcare-education"]
    wessex = charters[1]
    assert wessex.partner("solent-nhs-trust").name == "Solent NHS Trust"
    assert wessex.partner("solent-nhs-trust").reviewers == ("@solent-nhs/education",)
    assert wessex.partner("dorset-council").sector == "local-government"
