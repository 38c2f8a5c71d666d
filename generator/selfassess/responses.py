"""Committed self-assessment responses: `charters/<id>/assessments/*.yaml`, checked and loaded.

A response names its checklist and maps statement ids to ratings. The statement ids depend on
the checklist (and the charter's own statements), so `answers:` is checked by hand after the
rest of the file has been walked against RESPONSE.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from generator import spec as s
from generator.errors import Problem
from generator.load import load_bytes
from generator.model import Charter
from generator.selfassess.assessments import RATINGS, Checklist, checklists_for
from generator.selfassess.tally import Tally, is_merged, parse_merged
from generator.source import read_all, read_input, shown
from generator.validate import BAD, INT, STR, Walker, suggest

ROUND_PATTERN = s.ROUND_PATTERN
WORDS = {word.replace(" ", "-"): i + 1 for i, word in enumerate(RATINGS)}
_ID = re.compile(s.ID_PATTERN)

RESPONSE = s.Map({
    "checklist": s.Field(s.Text(pattern=s.ID_PATTERN, example="health-check"),
                         "partner-leader, health-check, or a checklist of the charter's own.",
                         required=True),
    "respondent": s.Field(s.Text(), "Older files only: who answered, as a partner id or a "
                                    "role. Leave it out; give partner: and role:, which are "
                                    "only ever counted."),
    "partner": s.Field(s.Text(pattern=s.ID_PATTERN, example="wessex-etb"),
                       "Optional: the partner you answer for, to count answers by partner."),
    "role": s.Field(s.Text(), "Optional: a role group such as 'Board member', to count by."),
    "subject": s.Field(s.Text(pattern=s.ID_PATTERN, example="wessex-etb-lead"),
                       "partner-leader only: the leader you rate (360-degree feedback); "
                       "leave out to rate yourself."),
    "date": s.Field(s.Date(), "When the response was given.", required=True),
    "round": s.Field(s.Text(pattern=ROUND_PATTERN, example="2026-Q4"),
                     "Groups responses; defaults to the charter's round open on the date "
                     "(else the date's quarter, like 2026-Q4)."),
    "answers": s.Field(s.Map(), "The ratings, as statement id: 1 to 4 (or not-yet, partly, mostly, "
                                "fully).", required=True),
})


@dataclass(frozen=True)
class Response:
    """One person's ratings for one checklist of one charter."""

    charter: str
    path: str
    checklist: str
    respondent: str
    date: dt.date
    round: str
    answers: tuple[tuple[str, int], ...]  # (statement id, rating 1..4), sorted by id
    partner: str = ""  # the partner the respondent answers for, to group by; optional
    role: str = ""  # a role group such as 'board member', to group by; optional
    subject: str = ""  # 360-degree: the leader rated ('' when rating oneself)
    stated_round: bool = True  # whether the file gave its round (else the date's quarter)
    round_at: tuple[int, int] = (1, 1)  # where the round is decided: `round:`, else `date:`


def default_round(date: dt.date) -> str:
    """The quarter of a date, like 2026-Q4."""
    return f"{date.year}-Q{(date.month - 1) // 3 + 1}"


def round_on(charter: Charter, date: dt.date) -> str:
    """The round an answer given on `date` belongs to when it names none: the charter's round
    that last opened on or before it (the first, before any has opened), else its quarter.

    theme/javascripts/self-assessment.js suggests the round by the same rule (a browser test
    checks that they agree)."""
    if not charter.rounds:
        return default_round(date)
    opened = [r for r in charter.rounds if r.opens <= date]
    return (opened[-1] if opened else charter.rounds[0]).id


def parse_response(data: bytes, path: str, charter: Charter, *, committed: bool = True
                   ) -> tuple[Response | None, list[Problem]]:
    """One response file of `charter`; `path` names it in problems. A file to be merged is
    never `committed`, so its name (as an e-mail program saved it) does not matter."""
    problems = _file_name_problems(path) if committed else []
    root, found = load_bytes(data, path)
    if root is None:
        return None, problems + found
    walker = Walker(path)
    answers_node: yaml.Node | None = None
    if isinstance(root, yaml.MappingNode):
        pairs = []
        for key, value in root.value:
            if isinstance(key, yaml.ScalarNode) and key.value == "answers":
                answers_node = value
                value = yaml.MappingNode("tag:yaml.org,2002:map", [], value.start_mark)
            pairs.append((key, value))
        root = yaml.MappingNode(root.tag, pairs, root.start_mark, root.end_mark)
    values = walker.value(root, RESPONSE, ())
    if values is BAD:
        return None, problems + walker.problems
    checklists = {c.id: c for c in checklists_for(charter)}
    checklist = checklists.get(values.get("checklist", ""))
    if "checklist" in values and checklist is None:
        node = _value_node(root, "checklist")
        walker.report(node, ("checklist",), f"unknown checklist '{values['checklist']}'"
                      f"{suggest(values['checklist'], checklists)} "
                      f"(this charter has: {', '.join(checklists)})")
    respondent = values.get("respondent")
    partners = [p.id for p in charter.partners]
    if respondent and _ID.fullmatch(respondent) and respondent not in partners:
        hint = suggest(respondent, partners)
        if hint:  # an id close to a partner's is a typo; anything else is a role
            walker.report(_value_node(root, "respondent"), ("respondent",),
                          f"unknown partner '{respondent}'{hint}")
    partner = values.get("partner", "")
    if partner and partner not in partners:
        walker.report(_value_node(root, "partner"), ("partner",),
                      f"unknown partner '{partner}'{suggest(partner, partners)} "
                      f"(this charter's partners: {', '.join(partners)})")
    if values.get("subject") and values.get("checklist") not in (None, "partner-leader"):
        walker.report(_value_node(root, "subject"), ("subject",),
                      "only the partner-leader checklist rates a leader; remove subject:")
    answers = _answers(walker, answers_node, checklist) if answers_node is not None else []
    problems += walker.problems
    if problems:
        return None, sorted(problems)
    date: dt.date = values["date"]
    mark = _value_node(root, "round" if values.get("round") else "date").start_mark
    return Response(charter.id, path, values["checklist"], respondent or "", date,
                    values.get("round") or round_on(charter, date), tuple(sorted(answers)),
                    partner, " ".join(values.get("role", "").split()), values.get("subject", ""),
                    bool(values.get("round")),
                    (mark.line + 1, mark.column + 1)), []


def _answers(walker: Walker, node: yaml.Node,
             checklist: Checklist | None) -> list[tuple[str, int]]:
    if not isinstance(node, yaml.MappingNode):
        walker.report(node, ("answers",), "expected a mapping of statement id: rating, "
                                          "for example\n  answers:\n    convene-1: 3")
        return []
    if not node.value:
        walker.report(node, ("answers",), "has no answers; rate at least one statement")
    known = checklist.statement_ids() if checklist is not None else {}
    out: list[tuple[str, int]] = []
    seen: set[str] = set()
    for key, value in node.value:
        if not isinstance(key, yaml.ScalarNode):
            shape = "a list" if isinstance(key, yaml.SequenceNode) else "a mapping"
            walker.report(key, ("answers",), f"statement ids are plain words, found {shape}")
            continue
        sid = str(key.value)
        path: tuple[str | int, ...] = ("answers", sid)
        if sid in seen:
            walker.report(key, path, f"statement '{sid}' is answered twice; keep one")
            continue
        seen.add(sid)
        if checklist is not None and sid not in known:
            walker.report(key, ("answers",), f"unknown statement '{sid}' in checklist "
                          f"'{checklist.id}'{suggest(sid, known)}")
            continue
        rating = _rating(value)
        if rating is None:
            shown_value = value.value if isinstance(value, yaml.ScalarNode) else "a list or mapping"
            walker.report(value, path, f"rating '{shown_value}' is not 1, 2, 3 or 4 "
                                       "(or not-yet, partly, mostly, fully)")
            continue
        out.append((sid, rating))
    return out


def _rating(node: yaml.Node) -> int | None:
    if not isinstance(node, yaml.ScalarNode):
        return None
    if node.tag == INT and node.value in ("1", "2", "3", "4"):
        return int(node.value)
    if node.tag == STR:
        return WORDS.get(node.value.strip().lower().replace(" ", "-"))
    return None


def _value_node(root: yaml.Node, key: str) -> yaml.Node:
    for k, v in root.value if isinstance(root, yaml.MappingNode) else ():
        if isinstance(k, yaml.ScalarNode) and k.value == key:
            found: yaml.Node = v
            return found
    return root


_COPY = re.compile(r" ?\(\d+\)\Z")  # a browser's renamed copy: 'x (1).yaml'


def _file_name_problems(path: str) -> list[Problem]:
    name = path.rsplit("/", 1)[-1]
    stem = name[: -len(".yaml")] if name.endswith(".yaml") else None
    if stem is not None:
        stem = _COPY.sub("", stem)
    if stem is None or not _ID.fullmatch(stem):
        return [Problem(path, 1, 1, "", f"file name '{name}' is not allowed: use lowercase "
                                         "letters, digits and hyphens, then .yaml, like "
                                         "'2026-10-12-solent-nhs-trust.yaml'")]
    return []


def _files(charters_dir: Path, charter_id: str) -> list[Path]:
    folder = charters_dir / charter_id / "assessments"
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))


def load_responses(charters_dir: Path, charters: Sequence[Charter]
                   ) -> tuple[dict[str, list[Response | Tally]], list[Problem]]:
    """Every committed response and merged round of each charter (by charter id), and every
    problem found."""
    out: dict[str, list[Response | Tally]] = {}
    problems: list[Problem] = []
    for charter in charters:
        responses: list[Response] = []
        tallies: list[Tally] = []
        for file in _files(charters_dir, charter.id):
            display = shown(file)
            data, found = read_input(file, display)
            problems += found
            if data is None:
                continue
            if is_merged(data):
                more, found = parse_merged(data, display, charter)
                tallies += more
            else:
                response, found = parse_response(data, display, charter)
                if response is not None:
                    responses.append(response)
            problems += found
        problems += _duplicates(responses)
        out[charter.id] = sorted([*responses, *tallies], key=lambda r: (r.date, r.path))
    return out, sorted(problems)


def individual_warnings(charters_dir: Path, charters: Sequence[Charter]) -> list[Problem]:
    """One warning per charter whose folder still holds individual response files."""
    warnings = []
    for charter in charters:
        files = [f for f in _files(charters_dir, charter.id)
                 if f.suffix == ".yaml" and not is_merged(f.read_bytes())]
        if files:
            warnings.append(Problem(  # at the first of them: a file, as editors open it
                shown(sorted(files)[0]), 1, 1, "assessments",
                f"{len(files)} individual response file{'s' * (len(files) != 1)} in this "
                "folder: anyone with "
                "the repository reads each person's answers; merge them with `charters assess "
                f"merge FILES... --charter {charter.id} --round ROUND`, then remove them"))
    return warnings


def _duplicates(responses: Sequence[Response]) -> list[Problem]:
    """One respondent answers a checklist once per round, or the aggregate counts them twice."""
    first: dict[tuple[str, str, str, str], str] = {}
    problems = []
    for r in sorted(responses, key=lambda r: r.path):
        if not r.respondent:  # unnamed: each file is one person
            continue
        key = (r.checklist, r.round, r.respondent, r.subject)
        if key in first:
            problems.append(Problem(r.path, 1, 1, "respondent",
                                    f"'{r.respondent}' already answered '{r.checklist}' in round "
                                    f"{r.round} ({first[key]}); remove one or give a round:"))
        else:
            first[key] = r.path
    return problems


def check_folders(paths: Sequence[Path]) -> list[Problem]:
    """Problems in the responses under each charters folder in `paths` (files are skipped)."""
    problems: list[Problem] = []
    for folder in paths:
        if not folder.is_dir():
            continue
        charters, _ = read_all([folder])  # the charters' own problems are reported elsewhere
        problems += load_responses(folder, charters)[1]
        known = {c.id for c in charters}
        for sub in sorted(p for p in folder.iterdir() if p.is_dir()):
            orphan = not (folder / f"{sub.name}.yaml").exists()
            if orphan and sub.name not in known and (sub / "assessments").is_dir():
                problems.append(Problem(shown(sub / "assessments"), 1, 1, "",
                                        f"no charter '{sub.name}.yaml' beside this folder; "
                                        "responses live in charters/<charter id>/assessments/"))
    return sorted(problems)


def is_response_file(path: Path) -> bool:
    """Whether `path` is a file in an `assessments/` folder, so a response rather than a charter."""
    return path.parent.name == "assessments" and not path.is_dir()


def check_response_file(path: Path) -> list[Problem]:
    """Problems in `charters/<id>/assessments/x.yaml`, checked against its charter."""
    display = shown(path)
    if not path.is_file():
        return [Problem(display, 1, 1, "", "no such file")]
    if not is_response_file(path):
        return [Problem(display, 1, 1, "", "not a response file: responses live in "
                                           "charters/<charter id>/assessments/")]
    charters_dir = path.parent.parent.parent
    charter_id = path.parent.parent.name
    charter_file = charters_dir / f"{charter_id}.yaml"
    if not charter_file.is_file():
        return [Problem(display, 1, 1, "", f"no charter '{charter_id}.yaml' beside the folder "
                                           f"'{charter_id}'; responses live in "
                                           "charters/<charter id>/assessments/")]
    charters, problems = read_all([charter_file])
    if not charters:
        # Statement ids and partners come from the charter, so its own problems come first.
        return sorted([*problems, Problem(display, 1, 1, "", f"cannot check this response until "
                                                             f"{shown(charter_file)} is valid")])
    # The whole folder is loaded so that a second answer from the same respondent is caught too.
    return [p for p in load_responses(charters_dir, charters)[1] if p.path == display]
