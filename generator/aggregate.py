"""What committed responses say, pillar by pillar, without revealing any one respondent. Pure.

Privacy rule: a pillar's figures appear only when at least `threshold` respondents answered it in
the round, and a statement is named as contested only when `threshold` respondents rated it.
Below that the page says how many more responses are needed, and nothing else.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from generator.assessments import RATINGS, Checklist
from generator.responses import Response

DEFAULT_THRESHOLD = 3
TOP_DISAGREEMENTS = 3


@dataclass(frozen=True)
class PillarSummary:
    """A pillar's ratings in one round; the figures are empty unless `shown`."""

    id: str
    title: str
    respondents: int
    shown: bool
    needed: int  # more respondents needed before the figures show
    counts: tuple[int, int, int, int] = (0, 0, 0, 0)  # how many ratings of 1, 2, 3, 4
    median: float | None = None
    change: float | None = None  # median now minus median in the previous round


@dataclass(frozen=True)
class Disagreement:
    """A statement the respondents rated far apart: where the partnership should talk."""

    pillar: str
    statement: str
    text: str
    iqr: float
    low: int
    high: int


@dataclass(frozen=True)
class ChecklistSummary:
    """One checklist's latest round, compared with the one before."""

    checklist: Checklist
    round: str | None
    previous: str | None
    respondents: int
    pillars: tuple[PillarSummary, ...]
    disagreements: tuple[Disagreement, ...]


def rounds(responses: Sequence[Response]) -> list[str]:
    """Round names, oldest first (by their latest response date, then name)."""
    last: dict[str, dt.date] = {}
    for r in responses:
        last[r.round] = max(last.get(r.round, r.date), r.date)
    return sorted(last, key=lambda name: (last[name], name))


def _pillar_ratings(checklist: Checklist, responses: Sequence[Response]
                    ) -> dict[str, tuple[int, list[int]]]:
    """Per pillar: how many respondents answered any of it, and all their ratings."""
    pillar_of = checklist.statement_ids()
    out: dict[str, tuple[int, list[int]]] = {}
    for p in checklist.pillars:
        people, ratings = 0, []
        for r in responses:
            mine = [v for sid, v in r.answers if pillar_of.get(sid) == p.id]
            people += bool(mine)
            ratings += mine
        out[p.id] = (people, ratings)
    return out


def summarise(checklist: Checklist, responses: Sequence[Response],
              threshold: int = DEFAULT_THRESHOLD) -> ChecklistSummary:
    """The latest round of `responses` to `checklist`, safe to publish."""
    mine = [r for r in responses if r.checklist == checklist.id]
    names = rounds(mine)
    latest = names[-1] if names else None
    previous = names[-2] if len(names) > 1 else None
    now = [r for r in mine if r.round == latest]
    before = _pillar_ratings(checklist, [r for r in mine if r.round == previous])
    pillars = []
    for p, (people, ratings) in zip(checklist.pillars, _pillar_ratings(checklist, now).values(),
                                    strict=True):
        title = p.title or p.id
        if people < threshold:
            pillars.append(PillarSummary(p.id, title, people, False, threshold - people))
            continue
        counts = (ratings.count(1), ratings.count(2), ratings.count(3), ratings.count(4))
        median = float(statistics.median(ratings))
        old_people, old_ratings = before.get(p.id, (0, []))
        change = (median - float(statistics.median(old_ratings))
                  if previous is not None and old_people >= threshold else None)
        pillars.append(PillarSummary(p.id, title, people, True, 0, counts, median, change))
    return ChecklistSummary(checklist, latest, previous, len(now), tuple(pillars),
                            _disagreements(checklist, now, pillars, threshold))


def _disagreements(checklist: Checklist, responses: Sequence[Response],
                   pillars: Sequence[PillarSummary], threshold: int) -> tuple[Disagreement, ...]:
    shown = {p.id for p in pillars if p.shown}
    found = []
    for p in checklist.pillars:
        if p.id not in shown:
            continue
        for st in p.statements:
            ratings = sorted(v for r in responses for sid, v in r.answers if sid == st.id)
            if len(ratings) < threshold or ratings[0] == ratings[-1]:
                continue
            q1, _, q3 = statistics.quantiles(ratings, n=4, method="inclusive")
            found.append(Disagreement(p.id, st.id, st.text, q3 - q1, ratings[0], ratings[-1]))
    found.sort(key=lambda d: (-d.iqr, -(d.high - d.low), d.statement))
    return tuple(found[:TOP_DISAGREEMENTS])


def bar_chart_svg(pillar: PillarSummary, label: str) -> str:
    """The pillar's distribution as a one-line inline SVG (Markdown passes it through raw)."""
    row, left, width = 26, 70, 220
    top = max(max(pillar.counts), 1)
    spoken = ", ".join(f"{word} {n}" for word, n in zip(RATINGS, pillar.counts, strict=True))
    title = f"{label}: ratings from {pillar.respondents} respondents: {spoken}"
    parts = [
        f'<svg class="sa-chart" role="img" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {left + width + 40} {row * 4}" width="{left + width + 40}" '
        f'height="{row * 4}"><title>{escape(title, quote=True)}</title>'
    ]
    for i, (word, n) in enumerate(zip(RATINGS, pillar.counts, strict=True)):
        y = i * row
        bar = round(width * n / top)
        parts.append(
            f'<text class="sa-chart-label" x="{left - 6}" y="{y + 17}" text-anchor="end">'
            f"{escape(word)}</text>"
            f'<rect class="sa-bar sa-bar-{i + 1}" x="{left}" y="{y + 4}" width="{bar}" '
            f'height="{row - 8}"></rect>'
            f'<text class="sa-chart-count" x="{left + bar + 6}" y="{y + 17}">{n}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
