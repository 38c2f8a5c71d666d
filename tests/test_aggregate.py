from __future__ import annotations

import datetime as dt

from generator.selfassess.aggregate import bar_chart_svg, rounds, summarise
from generator.selfassess.assessments import builtin_checklists
from generator.selfassess.responses import Response

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


def partial(who: str, day: int, rnd: str, **ratings: int) -> Response:
    answers = tuple(sorted((sid.replace("_", "-"), v) for sid, v in ratings.items()))
    return Response("c", f"{who}.yaml", "health-check", who, dt.date(2026, 1, day), rnd, answers)


def test_two_people_rating_one_statement_each_do_not_unlock_a_pillar_for_the_third():
    rs = [response("a", 1, "r", [4, 4, 4, 4]), partial("b", 2, "r", vision_1=1),
          partial("c", 3, "r", vision_2=1)]
    summary = summarise(HEALTH, rs, threshold=3)
    vision = summary.pillars[0]
    assert (vision.shown, vision.respondents, vision.needed) == (False, 3, 1)
    assert (vision.counts, vision.median, vision.change) == ((0, 0, 0, 0), None, None)
    assert summary.disagreements == ()


def test_only_statements_rated_by_enough_people_make_up_the_figures():
    rs = [response("a", 1, "r", [4, 4, 4, 4]), partial("b", 2, "r", vision_1=1),
          partial("c", 3, "r", vision_1=1)]
    vision = summarise(HEALTH, rs, threshold=3).pillars[0]
    # vision-1 alone has three raters; a's other three ratings would make the figures a's own.
    assert (vision.counts, vision.median) == ((2, 0, 0, 1), 1.0)
    assert (vision.shown, vision.respondents, vision.left_out) == (True, 3, 3)


def test_a_partial_responses_lone_statement_counts_when_enough_people_rated_it():
    full = [response(w, 1, "r", [2, 2, 2, 2]) for w in "abc"]
    rs = [*full, partial("d", 2, "r", vision_2=4)]
    vision = summarise(HEALTH, rs, threshold=3).pillars[0]
    assert (vision.shown, vision.respondents, vision.left_out) == (True, 4, 0)
    assert vision.counts == (0, 12, 0, 1)


def test_with_a_higher_threshold_only_the_statement_everyone_rated_counts():
    full = [response(w, 1, "r", [2, 2, 2, 2]) for w in "abc"]
    summary = summarise(HEALTH, [*full, partial("d", 2, "r", vision_2=4)], threshold=4)
    vision = summary.pillars[0]
    assert (vision.counts, vision.median) == ((0, 3, 0, 1), 2.0)
    assert (vision.shown, vision.respondents, vision.left_out) == (True, 4, 3)
    assert [d.statement for d in summary.disagreements] == ["vision-2"]


def test_a_partial_response_alone_in_a_pillar_shows_how_many_more_it_needs():
    full = [response(w, 1, "r", [2, 2, 2, 2]) for w in "abc"]
    rules = summarise(HEALTH, [*full, partial("d", 2, "r", rules_1=4)], threshold=3).pillars[1]
    assert (rules.shown, rules.respondents, rules.needed) == (False, 1, 2)
    assert rules.left_out == 1


def test_the_previous_round_follows_the_same_rule_for_the_change():
    old = [response("a", 1, "r1", [1, 1, 1, 1]), partial("b", 2, "r1", vision_1=4),
           partial("c", 3, "r1", vision_2=4)]
    new = [response(w, 9, "r2", [3, 3, 3, 3]) for w in "abc"]
    assert summarise(HEALTH, old + new, threshold=3).pillars[0].change is None
    old.append(partial("d", 4, "r1", vision_1=4))  # vision-1 now has three raters: 1, 4, 4
    assert summarise(HEALTH, old + new, threshold=3).pillars[0].change == -1.0


def test_a_statement_rated_far_apart_by_too_few_people_is_not_named():
    rs = [response(w, 1, "r", [2, 3]) for w in "abc"]
    rs += [partial("d", 2, "r", vision_4=1), partial("e", 2, "r", vision_4=4)]
    summary = summarise(HEALTH, rs, threshold=3)
    assert summary.disagreements == ()
    assert summary.pillars[0].left_out == 1


def test_one_respondent_answering_twice_is_counted_once():
    rs = [response("a", 1, "r", [1, 1]), response("a", 2, "r", [4, 4]),
          response("b", 3, "r", [2, 2])]
    summary = summarise(HEALTH, rs, threshold=3)
    assert summary.respondents == 2
    assert (summary.pillars[0].shown, summary.pillars[0].needed) == (False, 1)
