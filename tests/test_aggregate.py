from __future__ import annotations

import datetime as dt

from generator.aggregate import bar_chart_svg, rounds, summarise
from generator.assessments import builtin_checklists
from generator.responses import Response

HEALTH = builtin_checklists()[1]


def response(who: str, day: int, rnd: str, vision: list[int], rules: list[int] = ()) -> Response:
    answers = [(f"vision-{i}", v) for i, v in enumerate(vision, 1)]
    answers += [(f"rules-{i}", v) for i, v in enumerate(rules, 1)]
    return Response("c", f"{who}.yaml", "health-check", who, dt.date(2026, 1, day), rnd,
                    tuple(sorted(answers)))


def test_rounds_are_ordered_by_their_latest_date():
    rs = [response("a", 20, "b-round", [1]), response("b", 5, "a-round", [2])]
    assert rounds(rs) == ["a-round", "b-round"]


def test_a_pillar_below_the_threshold_shows_only_how_many_more_are_needed():
    rs = [response("a", 1, "r", [1, 2], [4]), response("b", 2, "r", [3, 3])]
    summary = summarise(HEALTH, rs, threshold=3)
    vision = summary.pillars[0]
    assert (vision.shown, vision.respondents, vision.needed) == (False, 2, 1)
    assert (vision.counts, vision.median) == ((0, 0, 0, 0), None)
    assert summary.disagreements == ()


def test_spread_median_change_and_disagreement_for_the_latest_round():
    old = [response(w, 1, "r1", [2, 2]) for w in "abc"]
    new = [response("a", 9, "r2", [1, 3]), response("b", 9, "r2", [4, 3]),
           response("c", 9, "r2", [3, 3])]
    summary = summarise(HEALTH, old + new, threshold=3)
    vision = summary.pillars[0]
    assert (summary.round, summary.previous, summary.respondents) == ("r2", "r1", 3)
    assert (vision.counts, vision.median, vision.change) == ((1, 0, 4, 1), 3.0, 1.0)
    assert [d.statement for d in summary.disagreements] == ["vision-1"]
    assert summary.pillars[1].shown is False  # nobody rated rules


def test_the_chart_is_one_escaped_line_with_a_title():
    rs = [response(w, 1, "r", [1, 4]) for w in "abc"]
    pillar = summarise(HEALTH, rs, threshold=3).pillars[0]
    svg = bar_chart_svg(pillar, "<Vision & co>")
    assert "\n" not in svg
    assert svg.startswith('<svg class="sa-chart" role="img"')
    assert "<title>&lt;Vision &amp; co&gt;: ratings from 3 respondents: not yet 3, partly 0, " \
           "mostly 0, fully 3</title>" in svg
