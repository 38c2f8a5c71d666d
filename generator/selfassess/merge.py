"""`charters assess merge`: many people's response files in, one round's counts out.

The merged file is what gets committed and published: per statement, how many people gave each
rating, and the same per partner or role group where it is safe. It names nobody and keeps no
free text. A count is written only when it cannot be taken apart again:

- a statement's counts appear only when at least `threshold` people rated it;
- a group (a partner, or a role such as 'board member') appears only with at least `threshold`
  people, and a statement within it only when at least `threshold` of them rated it;
- within one kind of group, the people left outside the shown groups are none or at least
  `threshold` (for the group sizes and for each statement), or the total minus the groups would
  be a few people's answers: the smallest group is dropped until that holds;
- across the two kinds, for each statement, every cell of partner by role (the shown groups,
  plus 'the rest' of each kind) holds none or at least `threshold` of its raters. Partners and
  roles are counted separately, but a partner group and a role group that differ by one person
  (three board members of one trust among four board members) would give away that person's
  answer by subtraction. Every published count is a sum of whole cells, so no subtraction of
  them isolates fewer than `threshold` people. Where a cell is smaller, the role groups leave
  that statement, smallest first, until every cell holds;
- merging a round again, git keeps the file committed before: a changed count for everyone must
  differ from the old one by at least `threshold` people (else the merge is refused), and a
  group's count that could hold an old count, or be held in one, but for fewer people is left
  out (`disclosure.against`).

Output is sorted throughout, so merging the same answers in any order gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from pathlib import Path

import yaml

from generator import spec as s
from generator.errors import ChartersError, Problem, printable
from generator.model import Charter
from generator.selfassess.aggregate import count_responses
from generator.selfassess.assessments import Checklist, checklists_for
from generator.selfassess.disclosure import Groups, against, cross_safe
from generator.selfassess.responses import ROUND_PATTERN, Response, parse_response, round_on
from generator.selfassess.tally import MARK
from generator.source import read_input, shown

HEADER = ("# Written by `charters assess merge`: how many people gave each rating, never who.\n"
          "# Do not edit; merge the response files again instead.\n")


def read_responses(files: Sequence[Path], charter: Charter) -> list[Response]:
    """Every file checked against `charter`; raises with all the problems found."""
    problems: list[Problem] = []
    out: list[Response] = []
    for file in files:
        display = shown(file)
        data, found = read_input(file, display)
        problems += found
        if data is None:
            continue
        response, found = parse_response(data, display, charter, committed=False)
        problems += found
        if response is not None:
            out.append(response)
    if problems:
        raise ChartersError(sorted(problems))
    return out


def _counts(ratings: Sequence[int]) -> list[int]:
    return [sum(1 for v in ratings if v == n) for n in (1, 2, 3, 4)]


def _rated(responses: Sequence[Response]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for r in responses:
        for sid, v in r.answers:
            out.setdefault(sid, []).append(v)
    return out


def _statements(checklist: Checklist, responses: Sequence[Response], threshold: int
                ) -> dict[str, list[int]]:
    rated = _rated(responses)
    return {sid: _counts(rated[sid]) for sid in checklist.statement_ids()
            if len(rated.get(sid, ())) >= threshold}


def _safe_groups(groups: dict[str, list[Response]], everyone: Sequence[Response],
                 threshold: int) -> dict[str, list[Response]]:
    """The groups that can be shown, so that nobody is left alone outside them."""
    shown_ = {k: v for k, v in groups.items() if len(v) >= threshold}
    while shown_:
        rest = len(everyone) - sum(len(v) for v in shown_.values())
        if rest == 0 or rest >= threshold:
            return shown_
        smallest = min(shown_, key=lambda k: (len(shown_[k]), k))
        del shown_[smallest]
    return shown_


def _group_statements(checklist: Checklist, shown_: dict[str, list[Response]],
                      everyone: Sequence[Response], threshold: int
                      ) -> dict[str, dict[str, list[int]]]:
    """Per group, the statements it can show: enough raters inside, and none or enough outside."""
    total = _rated(everyone)
    inside = {k: _rated(v) for k, v in shown_.items()}
    out: dict[str, dict[str, list[int]]] = {k: {} for k in shown_}
    for sid in checklist.statement_ids():
        showing = [k for k in sorted(shown_) if len(inside[k].get(sid, ())) >= threshold]
        while showing:
            rest = len(total.get(sid, ())) - sum(len(inside[k][sid]) for k in showing)
            if rest == 0 or rest >= threshold:
                break
            showing.remove(min(showing, key=lambda k: (len(inside[k][sid]), k)))
        for k in showing:
            out[k][sid] = _counts(inside[k][sid])
    return out


def _groups(checklist: Checklist, responses: Sequence[Response], key: Callable[[Response], str],
            threshold: int) -> Groups:
    groups: dict[str, list[Response]] = {}
    for r in responses:
        if key(r):
            groups.setdefault(key(r), []).append(r)
    shown_ = _safe_groups(groups, responses, threshold)
    statements = _group_statements(checklist, shown_, responses, threshold)
    return {k: {"respondents": len(shown_[k]), "statements": statements[k]}
            for k in sorted(shown_)}


def _partner(charter: Charter) -> Callable[[Response], str]:
    partners = {p.id for p in charter.partners}
    return lambda r: r.partner or (r.respondent if r.respondent in partners else "")


def _role(charter: Charter) -> Callable[[Response], str]:
    partners = {p.id for p in charter.partners}
    return lambda r: (r.role or (r.respondent if r.respondent not in partners else "")).lower()


def _one(charter: Charter, checklist: Checklist, responses: Sequence[Response], raters: str,
         threshold: int) -> dict[str, object]:
    counted = count_responses(checklist, responses, threshold)
    statements = _statements(checklist, responses, threshold)
    rated = _rated(responses)
    item: dict[str, object] = {"checklist": checklist.id}
    if raters:
        item["raters"] = raters
    item |= {
        "date": max(r.date for r in responses),
        "respondents": len(responses),
        "pillars": {p.id: {"rated": counted.people[p.id], "counted": counted.counted[p.id]}
                    for p in checklist.pillars if counted.people[p.id]},
        "statements": statements,
        "left-out": [sid for sid in checklist.statement_ids() if sid in rated
                     and sid not in statements],
    }
    partner, role = _partner(charter), _role(charter)
    partners = _groups(checklist, responses, partner, threshold)
    roles = _groups(checklist, responses, role, threshold)
    cross_safe(responses, partners, roles, partner, role, threshold)
    for name, found in (("partners", partners), ("roles", roles)):
        if found:
            item[name] = found
    return item


def check_round(round_: str) -> None:
    """Raise unless `round_` can name the round's merged file, `<round>.yaml`."""
    if not re.fullmatch(ROUND_PATTERN, round_):  # it may hold anything: show it on one line
        raise ChartersError(f"round '{printable(round_[:40])}' may hold letters, digits and "
                            "- _ . only, like 2026-Q4")
    if len(round_) > s.MAX_ID_CHARS:
        raise ChartersError(f"round '{round_[:40]}…' is {len(round_):,} characters long; a "
                            f"round names a file, so it has at most {s.MAX_ID_CHARS}")
    if s.reserved_name(round_):
        raise ChartersError(f"round '{round_}' is a device name on Windows, which cannot store "
                            f"a file named after it; choose another, like '{round_}-1'")


def merge(charter: Charter, responses: Sequence[Response], round_: str, threshold: int,
          previous: str | None = None) -> str:
    """The merged round as YAML text; raises when a checklist has too few respondents.

    `previous` is the round's merged file as committed before, if any (see
    `disclosure.against`)."""
    check_round(round_)
    problems = [Problem(r.path, *r.round_at, "round",
                        f"this response is for round {r.round}, not {round_}; leave it out or "
                        "merge it into its own round") for r in responses
                if r.stated_round and r.round != round_]
    if charter.rounds:  # a response that names no round is in the declared round of its date
        problems += [Problem(r.path, *r.round_at, "date",
                             f"this response names no round and was given on {r.date}, in "
                             f"round {r.round}, not {round_}; merge it with --round {r.round}, "
                             "or leave it out") for r in responses
                     if not r.stated_round and r.round != round_]
    if problems:
        raise ChartersError(sorted(problems))
    items = []
    for checklist in checklists_for(charter):
        mine = [r for r in responses if r.checklist == checklist.id]
        parts = ([("self", [r for r in mine if not r.subject]),
                  ("others", [r for r in mine if r.subject])]
                 if checklist.id == "partner-leader" else [("", mine)])
        for raters, group in parts:
            if not group:
                continue
            if len(group) < threshold:
                what = f"'{checklist.id}'" + (f" ({raters}-ratings)" if raters else "")
                raise ChartersError(
                    f"round {round_}: {what} has {len(group)} respondent"
                    f"{'s' * (len(group) != 1)}, fewer than the threshold {threshold}; wait for "
                    "more answers or leave those files out")
            items.append(_one(charter, checklist, group, raters, threshold))
    if not items:
        raise ChartersError("no responses to merge")
    if previous is not None:
        against(previous, items, round_, threshold)
    data = {MARK: round_, "charter": charter.id, "threshold": threshold, "checklists": items}
    return HEADER + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100,
                                   default_flow_style=None)


def run_merge(files: Sequence[Path], charters_dir: Path, charter_id: str, round_: str | None,
              threshold: int, today: dt.date | None = None) -> Path:
    """Check `files`, merge them and write `charters/<id>/assessments/<round>.yaml`.

    Without `round_`, the round is the one an empty Round box means on `today` (default: the
    date today): the charter's round that last opened, else the quarter."""
    charter = load_charter(charters_dir, charter_id)
    round_ = round_ or round_on(charter, today or dt.date.today())
    check_round(round_)  # before it names a file to read
    out = charters_dir / charter_id / "assessments" / f"{round_}.yaml"
    # A file mangled out of UTF-8 holds no counts to subtract: read what can be read.
    previous = out.read_text(encoding="utf-8", errors="replace") if out.is_file() else None
    text = merge(charter, read_responses(files, charter), round_, threshold, previous)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    return out


def load_charter(charters_dir: Path, charter_id: str) -> Charter:
    """The charter `charters_dir/<id>.yaml`, valid, or an error saying what is wrong."""
    from generator.source import read_all

    path = charters_dir / f"{charter_id}.yaml"
    if not path.is_file():
        raise ChartersError(printable(f"no charter '{charter_id}' ({shown(path)} does not "
                                      "exist)"))
    charters, problems = read_all([path])
    if problems or not charters:
        raise ChartersError(problems)
    return charters[0]
