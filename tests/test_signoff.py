"""`charters signoff`: each partner a change needs has approved, judged from the reviews GitHub
returns (fixtures in tests/cases/signoff/, in the shape of `GET /repos/{o}/{r}/pulls/{n}/reviews`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_diff import BASE, Repo, edit

from conftest import CASES
from generator.cli import main
from generator.review.signoff import approvals, parse_reviews

FIXTURES = CASES / "signoff"
# The hospital approves as one person, the college as a team, the council has no reviewers
# (the hub, the hospital, approves in its place).
CHARTER = (BASE.replace('["@harbour/nursing"]', '["@ada-lovelace"]')
           .replace('["@harbour-college/charter", "@harbour/nursing"]',
                    '["@harbour-college/charter"]')
           .replace("\nvision:", "  - id: harbour-council\n    name: Harbour Council\n\nvision:"))

pytestmark = pytest.mark.git


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Repo:
    """A pull request that changes HH-1, a pledge to all: every partner must approve."""
    made = Repo(tmp_path)
    made.write("harbour.yaml", CHARTER)
    made.commit("Start the harbour charter")
    edit(made, "forty placements", "fifty placements")
    made.commit("Fifty placements")
    monkeypatch.chdir(tmp_path)
    return made


def signoff(capsys: pytest.CaptureFixture[str], fixture: str, *extra: str) -> tuple[int, str]:
    code = main(["signoff", "HEAD~1", "HEAD", "--reviews", str(FIXTURES / fixture), *extra])
    out, err = capsys.readouterr()
    assert err == ""
    return code, out


TEAMS = ("--teams", str(FIXTURES / "teams.yaml"))


def test_approvals_from_every_partner_pass_with_the_team_members_known(
        repo: Repo, capsys: Any) -> None:
    code, out = signoff(capsys, "every-partner.json", *TEAMS, "--author", "grace-hopper")
    assert code == 0
    assert out == (
        "Harbour Health Partnership\n"
        "  approved  harbour-hospital (Harbour Hospital): approved by @ada-lovelace\n"
        "  approved  harbour-college (Harbour College): approved by @alan-turing\n"
        "  approved  harbour-council (Harbour Council): declares no reviewers, so the hub "
        "partner harbour-hospital approves in its place; approved by @ada-lovelace\n"
        "\n"
        "Every partner whose sign-off the change needs has approved.\n")


def test_approvals_from_one_partner_only_fail_naming_the_partner_still_missing(
        repo: Repo, capsys: Any) -> None:
    code, out = signoff(capsys, "one-partner-only.json", *TEAMS)
    assert code == 1
    assert ("  missing   harbour-college (Harbour College): needs an approval from one of "
            "@harbour-college/charter\n") in out
    assert out.endswith("\n1 partner still to approve: harbour-college\n")


def test_a_later_request_for_changes_cancels_that_reviewers_approval(
        repo: Repo, capsys: Any) -> None:
    code, out = signoff(capsys, "changes-requested-later.json", *TEAMS)
    assert code == 1
    assert out.endswith("\n1 partner still to approve: harbour-college\n")


def test_a_dismissed_approval_does_not_count(repo: Repo, capsys: Any) -> None:
    code, out = signoff(capsys, "dismissed.json", *TEAMS)
    assert code == 1
    # The hospital's approval was dismissed: neither it nor the council it stands in for has one.
    assert out.endswith("\n2 partners still to approve: harbour-hospital, harbour-council\n")
    assert ("  missing   harbour-council (Harbour Council): declares no reviewers, so the hub "
            "partner harbour-hospital approves in its place; needs an approval from one of "
            "@ada-lovelace\n") in out


def test_the_authors_approval_of_their_own_pull_request_does_not_count(
        repo: Repo, capsys: Any) -> None:
    code, out = signoff(capsys, "author-approves.json", *TEAMS, "--author", "alan-turing")
    assert code == 1
    assert out.endswith("\n1 partner still to approve: harbour-college\n")
    code, _ = signoff(capsys, "author-approves.json", *TEAMS, "--author", "grace-hopper")
    assert code == 0  # the same approval from someone else's pull request counts


def test_a_team_whose_members_are_unknown_cannot_approve_and_the_message_says_why(
        repo: Repo, capsys: Any) -> None:
    code, out = signoff(capsys, "every-partner.json")
    assert code == 1
    assert ("needs an approval from one of @harbour-college/charter (members of "
            "@harbour-college/charter unknown: pass --teams)\n") in out


def test_pages_written_back_to_back_by_gh_paginate_are_read_as_one_list(
        repo: Repo, capsys: Any) -> None:
    assert signoff(capsys, "two-pages.json", *TEAMS)[0] == 0
    reviews = parse_reviews((FIXTURES / "two-pages.json").read_text(encoding="utf-8"), "x")
    assert [r["user"]["login"] for r in reviews] == ["ada-lovelace", "alan-turing", "ada-lovelace"]


def test_reviewers_added_by_the_pull_request_itself_cannot_approve_for_the_partner(
        repo: Repo, capsys: Any) -> None:
    edit(repo, '["@harbour-college/charter"]', '["@ada-lovelace"]')
    repo.commit("Let the hospital's reviewer approve for the college too")
    code = main(["signoff", "HEAD~2", "HEAD", "--reviews",
                 str(FIXTURES / "one-partner-only.json")])
    out = capsys.readouterr().out
    assert code == 1
    assert out.endswith("\n1 partner still to approve: harbour-college\n")


def test_list_teams_names_the_teams_whose_members_decide(repo: Repo, capsys: Any) -> None:
    assert main(["signoff", "HEAD~1", "HEAD", "--list-teams"]) == 0
    assert capsys.readouterr().out == "@harbour-college/charter\n"


def test_no_charter_change_needs_no_approval(repo: Repo, capsys: Any) -> None:
    code = main(["signoff", "HEAD", "HEAD", "--reviews", str(FIXTURES / "dismissed.json")])
    assert (code, capsys.readouterr().out) == (
        0, "No charter changed, so no partner's sign-off is needed.\n")


def test_reviews_that_are_not_the_api_list_are_a_positioned_problem(
        repo: Repo, capsys: Any, tmp_path: Path) -> None:
    bad = tmp_path / "reviews.json"
    bad.write_text('[{"user": {"login": "ada"}, "state": "APPROVED"},\n  oops]\n',
                   encoding="utf-8")
    code = main(["signoff", "HEAD~1", "HEAD", "--reviews", str(bad)])
    _, err = capsys.readouterr()
    assert code == 1
    assert err.startswith("reviews.json:2:3: not JSON: Expecting value")
    bad.write_text('{"message": "Not Found"}', encoding="utf-8")
    assert main(["signoff", "HEAD~1", "HEAD", "--reviews", str(bad)]) == 1
    assert "expected the JSON list of reviews GitHub returns" in capsys.readouterr().err


def test_signoff_without_reviews_is_misuse(repo: Repo, capsys: Any) -> None:
    assert main(["signoff", "HEAD~1", "HEAD"]) == 2
    assert "--reviews FILE is required" in capsys.readouterr().err


def test_the_latest_deciding_review_per_user_counts_and_logins_ignore_case() -> None:
    def review(login: str, state: str, when: str | None) -> dict[str, Any]:
        return {"user": {"login": login}, "state": state, "submitted_at": when}

    reviews = [review("Ada", "CHANGES_REQUESTED", "2026-01-02"),
               review("ada", "APPROVED", "2026-01-03"),
               review("bob", "APPROVED", "2026-01-01"),
               review("bob", "COMMENTED", "2026-01-04"),
               review("eve", "PENDING", None)]
    assert approvals(reviews, author=None) == {"ada", "bob"}
    assert approvals(reviews, author="@BOB") == {"ada"}
