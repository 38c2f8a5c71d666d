"""`charters signoff`: has every partner a change needs approved the pull request?

CODEOWNERS cannot say "one approval from each of these teams", so this check does. It reads
the pull request's reviews as GitHub's REST API returns them (`GET /repos/{owner}/{repo}/pulls/
{n}/reviews`): per user the latest review that approves, requests changes or is dismissed
counts (a comment changes nothing), and the author's own approval never counts. A partner is
satisfied by an approval from one of its `reviewers:` (a handle, or a team whose members
`--teams` lists); a partner without reviewers by one of the hub partner's.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from generator.errors import ChartersError, Problem, UsageError
from generator.model import Charter
from generator.review.compare import ChangeSet, SignOff
from generator.source import read_input, shown

# What each review state does to that user's approval; other states (COMMENTED, PENDING) none.
_COUNTS = {"APPROVED": True, "CHANGES_REQUESTED": False, "DISMISSED": False}


@dataclass(frozen=True)
class Verdict:
    """One partner's sign-off on one charter: who approved for it, if anyone."""

    charter: str
    sign_off: SignOff
    approved_by: tuple[str, ...]


def _read(path: Path) -> str:
    data, problems = read_input(path, shown(path))
    if data is None:
        raise ChartersError(problems)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise ChartersError([Problem(shown(path), 1, 1, "", "is not UTF-8 text")]) from None


def parse_reviews(text: str, path: str) -> list[dict[str, Any]]:
    """The reviews in `text`: one JSON array, or several back to back (`gh api --paginate`)."""
    decoder = json.JSONDecoder()
    reviews: list[dict[str, Any]] = []
    at = 0
    while True:
        while at < len(text) and text[at].isspace():
            at += 1
        if at == len(text):
            return reviews
        try:
            page, at = decoder.raw_decode(text, at)
        except json.JSONDecodeError as e:
            raise ChartersError([Problem(path, e.lineno, e.colno, "", f"not JSON: {e.msg}")]
                                ) from None
        if not isinstance(page, list) or not all(
                isinstance(r, dict) and isinstance(r.get("user"), dict)
                and isinstance(r["user"].get("login"), str) and isinstance(r.get("state"), str)
                for r in page):
            raise ChartersError([Problem(path, 1, 1, "", "expected the JSON list of reviews "
                                         "GitHub returns: [{\"user\": {\"login\": ...}, "
                                         "\"state\": \"APPROVED\", ...}]")])
        reviews += page


def approvals(reviews: Sequence[Mapping[str, Any]], author: str | None) -> set[str]:
    """The logins (lowercase) whose latest deciding review approves, never the author's."""
    latest: dict[str, bool] = {}
    # GitHub lists reviews oldest first; a submitted time, where given, settles the order.
    ordered = sorted(enumerate(reviews), key=lambda r: (str(r[1].get("submitted_at") or ""), r[0]))
    for _, review in ordered:
        state = _COUNTS.get(str(review["state"]).upper())
        if state is not None:
            latest[review["user"]["login"].lower()] = state
    latest.pop((author or "").lower().lstrip("@"), None)
    return {login for login, approved in latest.items() if approved}


def parse_teams(text: str, path: str) -> dict[str, set[str]]:
    """`@org/team: [login, ...]` (YAML or JSON) as lowercase handles and logins."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise ChartersError([Problem(path, line, column, "", f"not YAML or JSON: {e}")]) from None
    if data is None:
        return {}
    if not isinstance(data, dict) or not all(
            isinstance(k, str) and (v is None or (isinstance(v, list) and all(
                isinstance(m, str) for m in v))) for k, v in data.items()):
        raise ChartersError([Problem(path, 1, 1, "", "expected a mapping of team handles to "
                                     "member logins, like '\"@org/team\": [alice, bob]'")])
    return {"@" + k.lower().lstrip("@"): {m.lower().lstrip("@") for m in v or ()}
            for k, v in data.items()}


def _approvers(handle: str, approved: set[str], teams: Mapping[str, set[str]]) -> list[str]:
    """Who among the approvals counts for one reviewer handle."""
    name = handle.lower()
    if not name.startswith("@"):
        return []  # an e-mail address: the git host reports logins, not addresses
    if "/" in name:
        return sorted(approved & teams.get(name, set()))
    return [name[1:]] if name[1:] in approved else []


def verdicts(changes: ChangeSet, approved: set[str],
             teams: Mapping[str, set[str]]) -> list[Verdict]:
    """For every partner whose sign-off the change needs, who approved for it."""
    out = []
    for charter in changes.charters:
        for s in charter.sign_off:
            by = sorted({login for h in s.approvers for login in _approvers(h, approved, teams)})
            out.append(Verdict(charter.title, s, tuple(by)))
    return out


def team_handles(changes: ChangeSet) -> list[str]:
    """The team handles whose members decide this change's sign-off."""
    return sorted({h.lower() for c in changes.charters for s in c.sign_off for h in s.approvers
                   if h.startswith("@") and "/" in h})


def _line(v: Verdict, teams: Mapping[str, set[str]]) -> str:
    s = v.sign_off
    name = f"{s.partner} ({s.name})"
    place = (f"declares no reviewers, so the hub partner {s.stand_in} approves in its place; "
             if s.stand_in else "")
    if v.approved_by:
        return f"  approved  {name}: {place}approved by {', '.join('@' + a for a in v.approved_by)}"
    if not s.approvers:
        return (f"  missing   {name}: declares no reviewers and has no hub partner to approve "
                "in its place, so nobody can approve for it: give it reviewers:")
    unknown = [h for h in s.approvers if "/" in h and h.lower() not in teams]
    hint = (f" (members of {', '.join(unknown)} unknown: pass --teams)" if unknown else "")
    return (f"  missing   {name}: {place}needs an approval from one of "
            f"{', '.join(s.approvers)}{hint}")


def report(found: Sequence[Verdict], teams: Mapping[str, set[str]]) -> tuple[str, list[str]]:
    """The check's text, and the ids of the partners still to approve."""
    if not found:
        return "No charter changed, so no partner's sign-off is needed.\n", []
    out: list[str] = []
    for title in dict.fromkeys(v.charter for v in found):
        out += [title, *(_line(v, teams) for v in found if v.charter == title), ""]
    missing = list(dict.fromkeys(v.sign_off.partner for v in found if not v.approved_by))
    if missing:
        out.append(f"{len(missing)} partner{'s' * (len(missing) != 1)} still to approve: "
                   f"{', '.join(missing)}")
    else:
        out.append("Every partner whose sign-off the change needs has approved.")
    return "\n".join(out) + "\n", missing


def run_signoff(changes: ChangeSet, reviews: Path | None, teams: Path | None,
                author: str | None, list_teams: bool) -> tuple[str, int]:
    """The check's output and exit code: 0 when every partner needed approved, else 1."""
    if list_teams:
        handles = team_handles(changes)
        return "".join(f"{h}\n" for h in handles), 0
    if reviews is None:
        raise UsageError("--reviews FILE is required: the pull request's reviews as JSON, from "
                         "gh api repos/OWNER/REPO/pulls/N/reviews")
    approved = approvals(parse_reviews(_read(reviews), shown(reviews)), author)
    members = parse_teams(_read(teams), shown(teams)) if teams is not None else {}
    text, missing = report(verdicts(changes, approved, members), members)
    return text, 1 if missing else 0


def unreviewed(charters: Iterable[Charter]) -> list[Problem]:
    """A warning for each partner that declares no reviewers: it cannot approve on the host."""
    out = []
    for charter in charters:
        for i, p in enumerate(charter.partners):
            if p.reviewers:
                continue
            instead = (f"the hub partner '{charter.hub}' approves in its place"
                       if p.id != charter.hub else "nobody can approve in its place")
            out.append(Problem(charter.path, p.line, p.column or 1, f"partners[{i}]",
                               f"'{p.id}' has no reviewers, so it cannot approve a pull request; "
                               f"{instead} (give it reviewers: in charters/partners.yaml)"))
    return out
