from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest

from generator.model import AssessmentRound, Charter, Partner
from generator.selfassess.page import self_assessment_markdown
from generator.selfassess.responses import Response, load_responses
from generator.source import read_all

ROOT = Path(__file__).resolve().parents[1]
TODAY = dt.date(2026, 11, 26)


@pytest.fixture(scope="module")
def page():
    charters, _ = read_all([ROOT / "charters"])
    responses, problems = load_responses(ROOT / "charters", charters)
    assert problems == []
    charter = next(c for c in charters if c.id == "wessex-healthcare-education")
    return self_assessment_markdown(charter, responses[charter.id], TODAY, 3)


def test_the_page_flags_what_the_charter_is_missing_with_links(page):
    assert page.startswith("# Self-assessment: Wessex Healthcare Education Partnership\n")
    # Prompts to talk through, not boxes that look ticked.
    assert "- Partners who have not signed: St Aldhelm's Hospice (see " \
           "[partners](index.md#partners))" in page
    assert "- Pledges without a due date: [WX-007](index.md#WX-007)" in page
    assert "- [ ]" not in page
    assert "(see [vision](index.md#vision))" in page


def test_the_current_stage_is_named_in_text(page):
    assert "### Balance&#58; Balance their perspectives (your current stage)" in page
    assert '<div class="sa-pillar sa-current" data-checklist="partner-leader" ' \
           'data-pillar="balance"' in page


def test_raw_html_blocks_have_no_blank_or_indented_lines(page):
    blocks = [b for b in page.split("\n\n") if b.startswith("<div")]
    assert len(blocks) == 13  # 10 pillars, the form, the health check's table and charts
    for block in blocks:
        assert block.endswith("</div>")  # closed before the blank line that ends a raw block
        assert not re.search(r"^ {4}", block, re.M)


def test_every_statement_has_four_labelled_radios_with_deterministic_ids(page):
    assert page.count('<fieldset class="sa-statement"') == 45
    assert ('<label class="sa-option" for="sa-health-check-vision-1-4"><input type="radio" '
            'name="sa-health-check-vision-1" id="sa-health-check-vision-1-4" value="4">'
            "<span>4 fully</span></label>") in page


def test_the_aggregate_reads_the_merged_rounds_and_never_names_respondents(page):
    aggregate = page.split("## What the partnership says", 1)[1]
    # The two partner leader responses were too few to merge: no round, no figures.
    leader = aggregate[:aggregate.index("Partnership health check: the picture")]
    assert "No round merged yet." in leader
    assert "<table" not in leader
    assert "Board chair" not in page
    assert "Partnership director" not in page
    assert "compared with round 2026-spring" in aggregate


def test_hostile_charter_text_is_escaped_in_html_and_markdown():
    charters, _ = read_all([ROOT / "charters"])
    charter = charters[0]
    evil = dataclasses.replace(charter, title="<script>x</script>", partners=(
        Partner("evil", '"><img src=x onerror=alert(1)>'), *charter.partners))
    page = self_assessment_markdown(evil, [], TODAY, 3)
    assert "<script>" not in page
    assert "<img" not in page
    assert '&#34;&gt;&lt;img src=x onerror=alert(1)&gt;' in page  # generator.text.html


def health(who: str, **ratings: int) -> Response:
    answers = tuple(sorted((sid.replace("_", "-"), v) for sid, v in ratings.items()))
    return Response("wessex-healthcare-education", f"{who}.yaml", "health-check", who,
                    dt.date(2026, 10, 1), "r", answers)


def wessex() -> Charter:
    charters, _ = read_all([ROOT / "charters" / "wessex-healthcare-education.yaml"])
    # The example without its declared rounds and secretariat: `with_rounds` adds them back.
    return dataclasses.replace(charters[0], rounds=(), secretariat=None)


def test_a_pillar_backed_by_one_full_response_and_two_single_ratings_shows_no_figures():
    rs = [health("a", vision_1=4, vision_2=4, vision_3=4, vision_4=4), health("b", vision_1=1),
          health("c", vision_2=1)]
    aggregate = self_assessment_markdown(wessex(), rs, TODAY, 3).split(
        "## What the partnership says", 1)[1]
    assert ('<tr><th scope="row">What is our shared vision?</th><td>3</td>'
            '<td colspan="6">needs 1 more response</td></tr>') in aggregate
    assert "sa-chart" not in aggregate
    assert "A pillar stays hidden until one of its statements has ratings from at least 3 " \
           "people, to protect individual answers." in aggregate


def test_the_page_says_how_many_statements_were_left_out_of_a_pillars_figures():
    full = {f"vision_{i}": 2 for i in range(1, 5)}
    rs = [health("a", **full), health("b", vision_1=3), health("c", vision_1=3)]
    aggregate = self_assessment_markdown(wessex(), rs, TODAY, 3).split(
        "## What the partnership says", 1)[1]
    assert ('<tr><th scope="row">What is our shared vision?</th><td>3</td><td>0</td><td>1</td>'
            "<td>2</td><td>0</td><td>3</td><td>n/a</td></tr>") in aggregate
    assert "- What is our shared vision&#63;: 3 statements left out, because fewer than 3 people " \
           "rated them." in aggregate
    assert "ratings from 3 respondents: not yet 0, partly 1, mostly 2, fully 0" in aggregate


def test_the_summary_counts_people_and_sets_the_charters_questions_beside_the_latest_round(page):
    summary = page[page.index("## What the partnership says"):]
    assert "Latest round: 2026-autumn (4 people answered), compared with round 2026-spring." \
        in summary
    assert '<th scope="col">People</th>' in summary
    assert "People: how many people's ratings make up the row" in summary
    talk = summary[summary.index("Partnership health check: the picture"):]
    talk = talk[talk.index("Questions for this charter, with the latest round:"):]
    assert "- **What is our shared vision&#63;** (4 people, ratings 2 / 5 / 7 / 2 (not yet / " \
           "partly / mostly / fully), median 3; change since 2026-spring: +1)\n" \
           "    - Is our shared vision still right? (see [vision](index.md#vision))\n" in talk
    assert "    - Missed pledges: [WX-008](index.md#WX-008)\n" in talk
    leader = summary[summary.index("Partner leader pillars: the picture"):]
    assert "- **Focus the group** (no responses yet)\n" in leader


def test_the_round_box_suggests_what_an_empty_box_means(page):
    # The example declares its rounds: the box suggests the one open on the build date.
    assert 'placeholder="2026-autumn" data-suggested="2026-autumn"' in page
    page = self_assessment_markdown(wessex(), [], TODAY, 3)  # no rounds declared: the quarter
    assert 'placeholder="2026-Q4" data-suggested="2026-Q4"' in page
    assert "Leave empty for this quarter, " in page


def with_rounds(**fields: object) -> Charter:
    rounds = (AssessmentRound("2026-spring", dt.date(2026, 4, 1), dt.date(2026, 6, 30)),
              AssessmentRound("2026-autumn", dt.date(2026, 9, 1), dt.date(2026, 11, 30)))
    return dataclasses.replace(wessex(), rounds=rounds, **fields)


def test_with_declared_rounds_the_box_suggests_the_round_open_on_the_build_date():
    page = self_assessment_markdown(with_rounds(), [], TODAY, 3)
    assert 'placeholder="2026-autumn" data-suggested="2026-autumn"' in page
    assert 'Leave empty for the current round, <span class="sa-round-now">2026-autumn</span>.' \
        in page
    # The script reads the rounds to suggest the round of the day the page is used.
    assert ('data-rounds="[{&#34;id&#34;:&#34;2026-spring&#34;,&#34;opens&#34;:&#34;2026-04-01'
            '&#34;,&#34;closes&#34;:&#34;2026-06-30&#34;}') in page


def test_the_e_mail_goes_to_the_declared_secretariat_and_needs_no_name():
    page = self_assessment_markdown(with_rounds(secretariat="office@wessex.example"), [], TODAY,
                                    3)
    assert 'data-secretariat="office@wessex.example"' in page
    assert '<a class="md-button sa-mailto" href="mailto:office@wessex.example">' in page
    assert 'data-action="copy-email">Copy e-mail text</button>' in page
    assert "Your name is not needed" in page
    plain = self_assessment_markdown(wessex(), [], TODAY, 3)
    assert 'data-secretariat=""' in plain
    assert "mailto:" not in plain  # no address to send to: the e-mail text says whom to ask


def test_the_engagement_questions_quote_the_engagement_log(page):
    summary = page[page.index("## What the partnership says"):]
    talk = summary[summary.index("Partnership health check: the picture"):]
    engagement = talk[talk.index("- **How do we engage our partners"):]
    assert ("    - Meetings held in the 12 months to 2026-11-26: Partnership board 4 times (its "
            "frequency means 4), ") in engagement
    assert "    - Last met in person: Wessex Education and Training Board 2026-11-03, " \
        in engagement
    assert "    - Partners not met in person for six months: St Aldhelm's Hospice " \
           "(2026-04-22) (see [meetings](index.md#meetings))" in engagement


def test_the_pages_own_prose_is_the_same_as_html_and_as_markdown() -> None:
    # Written once (selfassess.page's blocks), placed as HTML on the site and written as
    # Markdown by `charters render --out`: Python-Markdown makes the one into the other.
    import markdown

    from generator.selfassess.page import (
        Para,
        Strong,
        _how_to,
        prose_html,
        prose_markdown,
    )

    charters, _ = read_all([ROOT / "charters"])
    cases = [_how_to(c, n) for c in charters for n in (1, 3)]
    cases.append([Para([Strong("Your current stage."), " It's here & now."])])
    for blocks in cases:
        beside = prose_html(blocks, "x", lambda target: target.rsplit("/", 1)[-1])
        assert beside == markdown.markdown(prose_markdown(blocks))
