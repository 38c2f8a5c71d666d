"""The self-assessment checklists: the built-in ones shipped as package data, plus a charter's own.

The charter validator knows the shape of `assessments:` but not the built-in checklists, so the
cross-checks that need them (unknown pillar, duplicate statement id, a new checklist without a
title) live here and re-walk the charter's YAML to report positions.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml

from generator import spec as s
from generator.errors import Problem
from generator.load import load_bytes
from generator.model import Charter, Pillar, Statement
from generator.validate import BAD, Walker, _node_at, suggest

BUILT_IN = ("partner-leader", "health-check")
RATINGS = ("not yet", "partly", "mostly", "fully")  # 1..4; no midpoint, so people commit

CHECKLIST = s.Map({
    "id": s.Field(s.Text(pattern=s.ID_PATTERN), "Checklist id (the file name).", required=True),
    "title": s.Field(s.Text(), "Checklist title.", required=True),
    "intro": s.Field(s.Text(), "One paragraph saying who answers it and why.", required=True),
    "pillars": s.Field(s.Seq(s.Map({
        "id": s.Field(s.Text(pattern=s.ID_PATTERN), "Pillar id.", required=True),
        "title": s.Field(s.Text(), "Pillar title.", required=True),
        "statements": s.Field(s.Seq(s.Map({
            "id": s.Field(s.Text(pattern=s.PLEDGE_ID_PATTERN), "Stable id.", required=True),
            "text": s.Field(s.Text(), "Statement to rate.", required=True),
        }), min=4, max=6), "Four to six statements.", required=True),
    }), min=1), "Pillars.", required=True),
})


@dataclass(frozen=True)
class Checklist:
    """A checklist as shown on the page: built-in statements plus any the charter adds."""

    id: str
    title: str
    intro: str
    pillars: tuple[Pillar, ...]

    def statement_ids(self) -> dict[str, str]:
        """Every statement id mapped to the id of its pillar."""
        return {st.id: p.id for p in self.pillars for st in p.statements}


_FIRST_PERSON = {"i am": "they are", "i was": "they were", "i'm": "they're", "i": "they",
                 "me": "them", "my": "their", "mine": "theirs", "myself": "themselves"}
_PERSON_WORDS = re.compile(r"\b(?:I am|I was|I'm|I|me|my|mine|myself)\b", re.IGNORECASE)


def about_others(text: str) -> str:
    """A first-person statement worded for rating a colleague: 'I bring' -> 'They bring'.

    Singular 'they' takes the same verb form as 'I' ('I know', 'they know'), so only the
    pronouns change (and 'am'/'was' after 'I')."""
    def swap(found: re.Match[str]) -> str:
        word = _FIRST_PERSON[found[0].lower()]
        return word[0].upper() + word[1:] if found.start() == 0 else word

    return _PERSON_WORDS.sub(swap, text)


def parse_checklist(data: bytes, path: str) -> tuple[Checklist | None, list[Problem]]:
    """One package checklist file, checked against CHECKLIST; unique ids across the file."""
    root, problems = load_bytes(data, path)
    if root is None:
        return None, problems
    walker = Walker(path)
    value = walker.value(root, CHECKLIST, ())
    if value is BAD or walker.problems:
        return None, sorted(walker.problems)
    seen: set[str] = set()
    for i, pillar in enumerate(value["pillars"]):
        for j, st in enumerate(pillar["statements"]):
            if st["id"] in seen:
                node = _node_at(root, ("pillars", i, "statements", j, "id"))
                walker.report(node or root, ("pillars", i, "statements", j, "id"),
                              f"duplicate statement id '{st['id']}'")
            seen.add(st["id"])
    if walker.problems:
        return None, sorted(walker.problems)
    return Checklist(value["id"], value["title"], value["intro"], tuple(
        Pillar(p["id"], tuple(Statement(x["id"], x["text"]) for x in p["statements"]), p["title"])
        for p in value["pillars"])), []


def check_package_checklists() -> list[Problem]:
    """Problems in the checklists shipped with the package (a test keeps this empty)."""
    problems: list[Problem] = []
    for name in BUILT_IN:
        found = resources.files("generator").joinpath("checklists", f"{name}.yaml")
        checklist, more = parse_checklist(found.read_bytes(), f"generator/checklists/{name}.yaml")
        problems += more
        if checklist is not None and checklist.id != name:
            problems.append(Problem(f"generator/checklists/{name}.yaml", 1, 1, "id",
                                    f"id '{checklist.id}' must match the file name '{name}'"))
    return problems


@functools.lru_cache(maxsize=1)  # read once per process: every charter page uses them
def builtin_checklists() -> tuple[Checklist, ...]:
    """The partner leader pillars and the health check, as shipped in the package."""
    out = []
    for name in BUILT_IN:
        data = resources.files("generator").joinpath("checklists", f"{name}.yaml").read_bytes()
        checklist, problems = parse_checklist(data, f"generator/checklists/{name}.yaml")
        if checklist is None:  # a packaging bug, caught by the tests, never by a user
            raise RuntimeError("\n".join(str(p) for p in problems))
        out.append(checklist)
    return tuple(out)


def checklists_for(charter: Charter) -> tuple[Checklist, ...]:
    """The built-in checklists with the charter's statements merged in, then its own checklists.

    Assumes `check_charter_assessments` found no problems; anything odd is skipped, not raised.
    """
    extra: dict[str, dict[str, list[Statement]]] = {}
    own: list[Checklist] = []
    for a in charter.assessments:
        if a.checklist in BUILT_IN:
            for p in a.pillars:
                extra.setdefault(a.checklist, {}).setdefault(p.id, []).extend(p.statements)
        elif a.title is not None:
            pillars = tuple(Pillar(p.id, p.statements, p.title or p.id) for p in a.pillars)
            own.append(Checklist(a.checklist, a.title, "", pillars))
    out = []
    for c in builtin_checklists():
        more = extra.get(c.id, {})
        pillars = tuple(Pillar(p.id, p.statements + tuple(more.get(p.id, ())), p.title)
                        for p in c.pillars)
        out.append(Checklist(c.id, c.title, c.intro, pillars))
    return tuple(out + own)


def check_charter_assessments(charter: Charter, source: bytes | None = None) -> list[Problem]:
    """Cross-check a charter's `assessments:` against the built-in checklists.

    `source` is the charter file's bytes, used for positions; when omitted the file at
    `charter.path` is read, and when that fails problems point at line 1.
    """
    root = _assessments_node(charter.path, source)
    problems: list[Problem] = []

    def report(path: tuple[str | int, ...], message: str) -> None:
        node = _node_at(root, ("assessments", *path)) if root is not None else None
        line, column = ((node.start_mark.line + 1, node.start_mark.column + 1)
                        if node is not None else (1, 1))
        where = "assessments" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)
        problems.append(Problem(charter.path, line, column, where, message))

    builtin = {c.id: c for c in builtin_checklists()}
    seen: dict[str, dict[str, str]] = {c.id: {sid: "built in" for sid in c.statement_ids()}
                                       for c in builtin.values()}
    own_titles: dict[str, bool] = {}
    for i, a in enumerate(charter.assessments):
        base = builtin.get(a.checklist)
        if base is None:
            own_titles[a.checklist] = own_titles.get(a.checklist, False) or a.title is not None
        elif a.title is not None:
            report((i, "title"), f"'{a.checklist}' is a built-in checklist and keeps its title; "
                                 "remove title: or choose a new checklist id")
        pillar_ids = [p.id for p in base.pillars] if base else []
        for j, p in enumerate(a.pillars):
            if base is not None and p.id not in pillar_ids:
                report((i, "pillars", j, "id"),
                       f"'{a.checklist}' has no pillar '{p.id}'{suggest(p.id, pillar_ids)} "
                       f"(its pillars: {', '.join(pillar_ids)})")
            if base is None and p.title is None:
                report((i, "pillars", j), f"pillar '{p.id}' of the new checklist "
                                          f"'{a.checklist}' needs a title:")
            ids = seen.setdefault(a.checklist, {})
            for k, st in enumerate(p.statements):
                if st.id in ids:
                    first = ids[st.id]
                    report((i, "pillars", j, "statements", k, "id"),
                           f"duplicate statement id '{st.id}' in checklist '{a.checklist}' "
                           f"({'a built-in statement' if first == 'built in' else first}); "
                           "choose another id")
                else:
                    ids[st.id] = f"first at assessments[{i}].pillars[{j}]"
    for i, a in enumerate(charter.assessments):
        if a.checklist not in builtin and not own_titles.get(a.checklist):
            hint = suggest(a.checklist, BUILT_IN)
            report((i, "checklist"),
                   f"'{a.checklist}' is not a built-in checklist{hint}; a checklist of this "
                   "charter's own needs a title: (add 'title: Our own questions' under "
                   f"'- checklist: {a.checklist}')")
    return sorted(problems)


def _assessments_node(path: str, source: bytes | None) -> yaml.Node | None:
    if source is None:
        try:
            source = Path(path).read_bytes()
        except OSError:
            return None
    root, _ = load_bytes(source, path)
    return root
