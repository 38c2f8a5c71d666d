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
from generator.selfassess.tally import Tally
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


Answer = Response | Tally  # one person's response file, or a merged round's counts


def rounds(items: Sequence[Answer]) -> list[str]:
    """Round names, oldest first (by their latest response date, then name)."""
    last: dict[str, dt.date] = {}
    for r in items:
        last[r.round] = max(last.get(r.round, r.date), r.date)
    return sorted(last, key=lambda name: (last[name], name))


def _latest_each(responses: Sequence[Response]) -> list[Response]:
    """One response per respondent, the latest: loading rejects a second, but never count twice.

    A response without a respondent (collected for merging) is one person: its own file."""
    last: dict[str, Response] = {}
    for r in sorted(responses, key=lambda r: (r.date, r.path)):
        last[r.respondent or f"\0{r.path}"] = r
    return sorted(last.values(), key=lambda r: (r.date, r.path))


@dataclass(frozen=True)
class Round:
    """One round of one checklist, counted: from response files or from a merged round."""

    respondents: int
    rated: dict[str, list[int]]  # statement id -> its ratings, one per person who rated it
    people: dict[str, int]  # pillar id -> people who rated any of its statements
    counted: dict[str, int]  # pillar id -> people behind its statements that `threshold` rated
    left_out: frozenset[str]  # statements rated by fewer than `threshold` people


def count_responses(checklist: Checklist, responses: Sequence[Response], threshold: int
                    ) -> Round:
    """A round's response files, counted; the latest per named respondent."""
    each = _latest_each(responses)
    rated: dict[str, list[int]] = {}
    for r in each:
        for sid, v in r.answers:
            rated.setdefault(sid, []).append(v)
    kept = {sid for sid, vs in rated.items() if len(vs) >= threshold}
    people: dict[str, int] = {}
    counted: dict[str, int] = {}
    for p in checklist.pillars:
        ids = {st.id for st in p.statements}
        mine = [{sid for sid, _ in r.answers} & ids for r in each]
        people[p.id] = sum(1 for m in mine if m)
        counted[p.id] = sum(1 for m in mine if m & kept)
    return Round(len(each), rated, people, counted, frozenset(set(rated) - kept))


def _from_tally(checklist: Checklist, tally: Tally, threshold: int) -> Round:
    rated = {sid: [v for v, n in enumerate(counts, 1) for _ in range(n)]
             for sid, counts in tally.statements}
    kept = {sid for sid, vs in rated.items() if len(vs) >= threshold}
    owner = checklist.statement_ids()
    dropped = {owner.get(sid) for sid in set(rated) - kept}
    people = {pid: n for pid, n, _ in tally.pillars}
    # A higher threshold than the merge's drops statements: the most-rated kept one is then the
    # number of people known to be behind the pillar's figures.
    counted = {pid: (c if pid not in dropped else max(
        (len(vs) for sid, vs in rated.items() if sid in kept and owner.get(sid) == pid),
        default=0)) for pid, _, c in tally.pillars}
    return Round(tally.respondents, {sid: vs for sid, vs in rated.items() if sid in kept},
                  people, counted, frozenset(set(tally.left_out) | (set(rated) - kept)))


def _round(checklist: Checklist, items: Sequence[Answer], name: str | None,
           threshold: int) -> Round:
    """A round, from its merged counts if it was merged, else from its response files."""
    tallies = [t for t in items if isinstance(t, Tally) and t.round == name]
    if tallies:
        return _from_tally(checklist, tallies[-1], threshold)
    return count_responses(checklist, [r for r in items if isinstance(r, Response)
                                       and r.round == name], threshold)


@dataclass(frozen=True)
class _Backed:
    """A pillar's ratings in one round, kept only from statements `threshold` people rated."""

    people: int  # respondents who rated any statement of the pillar
    counted: int  # respondents behind the kept ratings
    ratings: list[int]
    left_out: int  # statements rated, but by fewer than `threshold` people
    most: int  # raters of the pillar's most-rated statement


def _backed(pillar: Pillar, view: Round, threshold: int) -> _Backed:
    ids = [st.id for st in pillar.statements]
    kept = [sid for sid in ids if sid not in view.left_out and len(view.rated.get(sid, ())) >=
            threshold]
    left = [sid for sid in ids if sid not in kept and (view.rated.get(sid) or sid in
                                                       view.left_out)]
    most = max((len(view.rated.get(sid, ())) for sid in ids), default=0)
    if left and not kept:  # a merged round keeps no count for these: at least one rated them
        most = max(most, 1)
    return _Backed(view.people.get(pillar.id, 0), view.counted.get(pillar.id, 0),
                   [v for sid in kept for v in view.rated[sid]], len(left), most)


def _mine(checklist: Checklist, items: Sequence[Answer], raters: str) -> list[Answer]:
    """The checklist's answers by `raters`: 'self' (no subject named) or 'others' (360)."""
    out: list[Answer] = []
    for r in items:
        if r.checklist != checklist.id:
            continue
        who = (r.raters or "self") if isinstance(r, Tally) else ("others" if r.subject else "self")
        if who == raters:
            out.append(r)
    return out


def summarise(checklist: Checklist, responses: Sequence[Answer],
              threshold: int = DEFAULT_THRESHOLD, raters: str = "self") -> ChecklistSummary:
    """The latest round of `responses` to `checklist`, safe to publish.

    `responses` may mix response files and merged rounds; a merged round replaces the files of
    its round. `raters` picks self-ratings or 360-degree ratings of others."""
    mine = _mine(checklist, responses, raters)
    names = rounds(mine)
    latest = names[-1] if names else None
    previous = names[-2] if len(names) > 1 else None
    now = _round(checklist, mine, latest, threshold)
    before = _round(checklist, mine, previous, threshold)
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
    return ChecklistSummary(checklist, latest, previous, now.respondents, tuple(pillars),
                            _disagreements(checklist, now, threshold))


def _disagreements(checklist: Checklist, view: Round,
                   threshold: int) -> tuple[Disagreement, ...]:
    """Statements rated far apart, among those backed by `threshold` people, as in the figures."""
    rated = view.rated
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
