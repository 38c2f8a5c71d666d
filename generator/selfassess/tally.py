"""Merged rounds: `charters/<id>/assessments/<round>.yaml` as `charters assess merge` writes it.

A merged file holds, per checklist, how many people gave each rating to each statement that at
least `threshold` of them rated, and nothing about any one person. The site reads it in place of
the individual response files it replaces.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import yaml

from generator import spec as s
from generator.errors import Problem
from generator.load import load_bytes
from generator.model import Charter
from generator.selfassess.assessments import checklists_for

MARK = "merged"  # the top-level key that tells a merged round from one person's response


@dataclass(frozen=True)
class Tally:
    """One checklist's ratings in one merged round: people counted, never people listed."""

    charter: str
    path: str
    checklist: str
    round: str
    date: dt.date  # the latest answer's date, which orders rounds
    respondents: int
    threshold: int
    pillars: tuple[tuple[str, int, int], ...]  # (pillar id, rated any, behind the counts)
    statements: tuple[tuple[str, tuple[int, int, int, int]], ...]  # people at each rating
    left_out: tuple[str, ...]  # rated by fewer than the threshold: no counts kept
    raters: str = ""  # partner-leader: 'self' or 'others' (360-degree), pooled over leaders


def is_merged(data: bytes) -> bool:
    """Whether a file in `assessments/` is a merged round (cheap: its top-level keys)."""
    return any(line.startswith(f"{MARK}:") for line in data.decode("utf-8", "replace")
               .splitlines())


def parse_merged(data: bytes, path: str, charter: Charter) -> tuple[list[Tally], list[Problem]]:
    """The tallies of one merged file; a file edited out of shape is reported, not guessed."""
    root, problems = load_bytes(data, path)
    if root is None:
        return [], problems
    try:
        value = yaml.safe_load(data)
        return _tallies(value, path, charter), []
    except (ValueError, TypeError, KeyError, AttributeError, yaml.YAMLError) as e:
        line = getattr(root, "start_mark", None)
        return [], [Problem(path, (line.line + 1) if line else 1, 1, "",
                            f"not a merged round as `charters assess merge` writes it ({e}); "
                            "merge the response files again instead of editing this file")]


def _counts(value: Any) -> tuple[int, int, int, int]:
    counts = tuple(int(n) for n in value)
    if len(counts) != 4 or any(n < 0 for n in counts):
        raise ValueError(f"expected four counts, found {value!r}")
    return counts


def _tallies(value: Any, path: str, charter: Charter) -> list[Tally]:
    known = {c.id: c for c in checklists_for(charter)}
    rnd = str(value[MARK])
    # Shown on the page and named in its file: the words `assess merge` allows, nothing else.
    if not re.fullmatch(s.ROUND_PATTERN, rnd) or len(rnd) > s.MAX_ID_CHARS:
        raise ValueError(f"round '{rnd[:40]}' may hold letters, digits and - _ . only, at most "
                         f"{s.MAX_ID_CHARS} of them")
    threshold = int(value["threshold"])
    out = []
    for item in value["checklists"]:
        checklist = str(item["checklist"])
        if checklist not in known:
            raise ValueError(f"unknown checklist '{checklist}'")
        ids = known[checklist].statement_ids()
        statements = tuple((str(k), _counts(v)) for k, v in (item.get("statements") or {}).items())
        left_out = tuple(str(x) for x in item.get("left-out") or ())
        for sid in [k for k, _ in statements] + list(left_out):
            if sid not in ids:
                raise ValueError(f"unknown statement '{sid}' in checklist '{checklist}'")
        date = item["date"]
        if not isinstance(date, dt.date):
            raise ValueError(f"date '{date}' is not YYYY-MM-DD")
        pillars = tuple((str(k), int(v["rated"]), int(v["counted"]))
                        for k, v in (item.get("pillars") or {}).items())
        out.append(Tally(charter.id, path, checklist, rnd, date, int(item["respondents"]),
                         threshold, pillars, statements, left_out,
                         str(item.get("raters") or "")))
    return out
