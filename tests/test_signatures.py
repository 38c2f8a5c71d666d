"""A signature belongs to a version: the changes committed after each partner signed."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from test_diff import BASE, Repo

from generator.review.history import collect
from generator.review.signatures import changes_since_signed, stale_signatures
from generator.source import read_all

pytestmark = pytest.mark.git

SIGNED = BASE.replace("    lead: Ada Lovelace, Chief Nurse\n",
                      "    lead: Ada Lovelace, Chief Nurse\n    signed: 2026-01-05\n")
JAN, FEB, MAR, APR = (f"2026-0{m}-10T09:00:00+00:00" for m in (1, 2, 3, 4))


def since(repo: Repo) -> dict[str, dict[str, list[str] | None]]:
    charters, problems = read_all([repo.root / "charters"])
    assert problems == []
    return changes_since_signed(charters, collect(repo.root, Path("charters")))


def step(repo: Repo, old: str, new: str, message: str, date: str) -> None:
    path = repo.root / "charters" / "harbour.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} is not in the charter"
    path.write_text(text.replace(old, new), encoding="utf-8")
    repo.commit(message, date=date)


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    """The hospital signs when the charter is created; the college signs in February."""
    made = Repo(tmp_path)
    made.write("harbour.yaml", SIGNED)
    made.commit("Start the harbour charter", date=JAN)
    step(made, "due: 2026-12-31", "due: 2027-03-31", "Move HH-2", FEB)
    step(made, "    lead: Alan Turing, Principal\n",
         "    lead: Alan Turing, Principal\n    signed: 2026-02-20\n", "The college signs", FEB)
    return made


def test_changes_after_a_partner_signed_are_listed_in_diff_words_and_before_it_are_not(
        repo: Repo) -> None:
    step(repo, "stage: convene", "stage: balance", "Balance", MAR)
    step(repo, "        value: 24\n", "        value: 24\n      - date: 2026-03-31\n"
                                      "        value: 30\n", "Record March", MAR)
    step(repo, "\npledges:", "\nrules_of_engagement:\n  - Decide by consensus.\n\npledges:",
         "Add a rule", APR)
    step(repo, "owner: Registrar", "owner: Dean", "HH-3 owner", APR)
    assert since(repo) == {"harbour": {
        "harbour-hospital": ["HH-2 due date", "stage", "rules of engagement", "HH-3 owner"],
        "harbour-college": ["stage", "rules of engagement", "HH-3 owner"]}}


def test_a_new_measurement_a_signature_and_new_reviewers_leave_a_signature_current(
        repo: Repo) -> None:
    step(repo, "        value: 24\n", "        value: 24\n      - date: 2026-03-31\n"
                                      "        value: 30\n", "Record March", MAR)
    step(repo, '["@harbour/nursing"]', '["@harbour/wards"]', "New reviewers", MAR)
    assert since(repo)["harbour"]["harbour-college"] == []
    # ...but the hospital signed before HH-2 moved, so its signature predates that change.
    assert since(repo)["harbour"]["harbour-hospital"] == ["HH-2 due date"]


def test_re_signing_makes_the_signature_current_again(repo: Repo) -> None:
    step(repo, "signed: 2026-01-05", "signed: 2026-03-01", "The hospital signs again", MAR)
    found = since(repo)
    assert found == {"harbour": {"harbour-hospital": [], "harbour-college": []}}
    assert stale_signatures(found) == 0


def test_a_rewritten_measurement_unsettles_every_signature(repo: Repo) -> None:
    step(repo, "value: 24", "value: 22", "Correct January", MAR)
    found = since(repo)["harbour"]
    assert found == {"harbour-hospital": ["HH-2 due date", "metric placements measurement "
                                          "rewritten"],
                     "harbour-college": ["metric placements measurement rewritten"]}
    assert stale_signatures({"harbour": found}) == 2


def test_unsigned_partners_are_left_out_and_a_signature_not_yet_committed_is_unknown(
        repo: Repo) -> None:
    path = repo.root / "charters" / "harbour.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "signed: 2026-02-20", "signed: 2026-02-21"), encoding="utf-8")
    assert since(repo)["harbour"] == {"harbour-hospital": ["HH-2 due date"],
                                      "harbour-college": None}
    path.write_text(BASE, encoding="utf-8")  # nobody signed
    repo.commit("Nobody signed", date=APR)
    assert since(repo) == {"harbour": {}}


def test_a_shallow_clone_says_unknown_for_every_signature(repo: Repo, tmp_path: Path) -> None:
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo.root}", str(clone)],
                   check=True, capture_output=True)
    charters, _ = read_all([clone / "charters"])
    assert changes_since_signed(charters, collect(clone, Path("charters"))) == {
        "harbour": {"harbour-hospital": None, "harbour-college": None}}


def test_history_reads_charters_that_name_partners_from_the_registry(repo: Repo) -> None:
    registry = ("partners:\n  - id: harbour-hospital\n    name: Harbour Hospital\n"
                "  - id: harbour-college\n    name: Harbour College\n")
    (repo.root / "charters" / "partners.yaml").write_text(registry, encoding="utf-8")
    step(repo, "    name: Harbour College\n", "", "Declare the partners once", MAR)
    step(repo, "owner: Registrar", "owner: Dean", "HH-3 owner", APR)
    history = collect(repo.root, Path("charters"))
    assert history.notes == ()
    assert [e.subject for e in history.entries["harbour"]][:2] == ["HH-3 owner",
                                                                  "The college signs"]
    assert since(repo)["harbour"]["harbour-college"] == ["HH-3 owner"]


def test_the_built_site_shows_a_signature_that_predates_a_change_on_the_page_and_home(
        repo: Repo) -> None:
    from bs4 import BeautifulSoup

    from conftest import BUILD_DATE, build, make_project

    # The site project lives in the repository, so the plugin reads the same history.
    config = make_project(repo.root / "site-project", repo.root / "charters",
                          {"history": True, "build_date": BUILD_DATE.isoformat()})
    text = config.read_text(encoding="utf-8").replace("charters_dir: charters",
                                                      "charters_dir: ../charters")
    config.write_text(text, encoding="utf-8")
    site = build(config)
    page = BeautifulSoup((site / "charters" / "harbour" / "index.html").read_text("utf-8"),
                         "html.parser")
    partners = " ".join(page.select_one("#partners").find_next("table").get_text(" ").split())
    assert "signed 2026-01-05; since then: HH-2 due date ⚠ Predates changes" in partners
    assert "✓ signed 2026-02-20" in partners  # the college signed after the move
    home = BeautifulSoup((site / "index.html").read_text("utf-8"), "html.parser")
    summary = " ".join(home.select_one(".cc-summary").get_text(" ").split())
    assert "1 signatures that predate changes" in summary
