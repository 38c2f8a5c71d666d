"""What committed responses say, pillar by pillar, without revealing any one respondent. Pure.

Privacy rule: a statement's ratings count only when at least `threshold` respondents rated it in
the round. A pillar's figures (spread, median, change, chart) are built from those statements
alone, in each round; statements rated by fewer people are left out and counted, so the page can
say so. A pillar with no such statement shows how many more responses it needs, and nothing else.
Only those statements can be named as contested. Counting people per pillar is not enough: with
three respondents, two of whom rated one statement each, the figures would be mostly one person's.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from generator.model import Pillar
from generator.selfassess.assessments import RATINGS, Checklist
from generator.selfassess.responses import Response
from generator.text import html

DEFAULT_THRESHOLD = 3
TOP_DISAGREEMENTS = 3


@dataclass(frozen=True)
class PillarSummary:
    """A pillar's ratings in one round; the figures are empty unless `shown`."""

    id: str
    title: str
    respondents: int  # behind the figures when shown; else who rated any of its statements
    shown: bool
    needed: int  # more respondents its most-rated statement needs before the figures show
    counts: tuple[int, int, int, int] = (0, 0, 0, 0)  # how many ratings of 1, 2, 3, 4
    median: float | None = None
    change: float | None = None  # median now minus median in the previous round
    left_out: int = 0  # statements rated, but by fewer than the threshold: not in the figures


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


def _latest_each(responses: Sequence[Response]) -> list[Response]:
    """One response per respondent, the latest: loading rejects a second, but never count twice."""
    last: dict[str, Response] = {}
    for r in sorted(responses, key=lambda r: (r.date, r.path)):
        last[r.respondent] = r
    return sorted(last.values(), key=lambda r: (r.date, r.path))


def _by_statement(responses: Sequence[Response]) -> dict[str, list[int]]:
    """Each statement's ratings in one round, one per respondent."""
    out: dict[str, list[int]] = {}
    for r in _latest_each(responses):
        for sid, v in r.answers:
            out.setdefault(sid, []).append(v)
    return out


@dataclass(frozen=True)
class _Backed:
    """A pillar's ratings in one round, kept only from statements `threshold` people rated."""

    people: int  # respondents who rated any statement of the pillar
    counted: int  # respondents behind the kept ratings
    ratings: list[int]
    left_out: int  # statements rated, but by fewer than `threshold` people
    most: int  # raters of the pillar's most-rated statement


def _backed(pillar: Pillar, responses: Sequence[Response], threshold: int) -> _Backed:
    rated = _by_statement(responses)
    ids = [st.id for st in pillar.statements]
    kept = {sid for sid in ids if len(rated.get(sid, ())) >= threshold}
    people = counted = 0
    for r in _latest_each(responses):
        mine = {sid for sid, _ in r.answers}
        people += bool(mine & set(ids))
        counted += bool(mine & kept)
    return _Backed(people, counted, [v for sid in ids if sid in kept for v in rated[sid]],
                   sum(1 for sid in ids if sid not in kept and rated.get(sid)),
                   max((len(rated.get(sid, ())) for sid in ids), default=0))


def summarise(checklist: Checklist, responses: Sequence[Response],
              threshold: int = DEFAULT_THRESHOLD) -> ChecklistSummary:
    """The latest round of `responses` to `checklist`, safe to publish."""
    mine = [r for r in responses if r.checklist == checklist.id]
    names = rounds(mine)
    latest = names[-1] if names else None
    previous = names[-2] if len(names) > 1 else None
    now = [r for r in mine if r.round == latest]
    before = [r for r in mine if r.round == previous]
    pillars = []
    for p in checklist.pillars:
        title = p.title or p.id
        b = _backed(p, now, threshold)
        if not b.ratings:
            # The most-rated statement is the nearest to showing, so it sets how many are needed.
            pillars.append(PillarSummary(p.id, title, b.people, False, threshold - b.most,
                                         left_out=b.left_out))
            continue
        counts = (b.ratings.count(1), b.ratings.count(2), b.ratings.count(3), b.ratings.count(4))
        median = float(statistics.median(b.ratings))
        old = _backed(p, before, threshold).ratings if previous is not None else []
        change = median - float(statistics.median(old)) if old else None
        pillars.append(PillarSummary(p.id, title, b.counted, True, 0, counts, median, change,
                                     b.left_out))
    return ChecklistSummary(checklist, latest, previous, len(_latest_each(now)), tuple(pillars),
                            _disagreements(checklist, now, threshold))


def _disagreements(checklist: Checklist, responses: Sequence[Response],
                   threshold: int) -> tuple[Disagreement, ...]:
    """Statements rated far apart, among those backed by `threshold` people, as in the figures."""
    rated = _by_statement(responses)
    found = []
    for p in checklist.pillars:
        for st in p.statements:
            ratings = sorted(rated.get(st.id, ()))
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
        f'height="{row * 4}"><title>{html(title)}</title>'
    ]
    for i, (word, n) in enumerate(zip(RATINGS, pillar.counts, strict=True)):
        y = i * row
        bar = round(width * n / top)
        parts.append(
            f'<text class="sa-chart-label" x="{left - 6}" y="{y + 17}" text-anchor="end">'
            f"{html(word)}</text>"
            f'<rect class="sa-bar sa-bar-{i + 1}" x="{left}" y="{y + 4}" width="{bar}" '
            f'height="{row - 8}"></rect>'
            f'<text class="sa-chart-count" x="{left + bar + 6}" y="{y + 17}">{n}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
