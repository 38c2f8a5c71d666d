"""The Markdown of `charters/<id>/self-assessment.md`: questions, the rating form, the aggregate.

The questions come from `questions` and the form's raw HTML from `rating_form`; this module puts
the page together and shows what the committed responses say. Charter text goes through
`generator.text.html` in HTML and `generator.text` in Markdown.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from html import escape

from generator.model import Charter, Pillar
from generator.selfassess.aggregate import (
    Answer,
    ChecklistSummary,
    PillarSummary,
    bar_chart_svg,
    summarise,
)
from generator.selfassess.assessments import RATINGS, Checklist, checklists_for
from generator.selfassess.questions import plural, questions
from generator.selfassess.rating_form import pillar_fieldsets, send_form
from generator.selfassess.responses import round_on
from generator.slots import Link, Maker, Slots, Together
from generator.text import html, inline

SCALE_WHY = (
    "There is no middle option on purpose: a neutral midpoint lets people sit on the fence, and a "
    "partnership learns more from an honest lean one way or the other."
)


def self_assessment_markdown(charter: Charter, responses: Sequence[Answer], today: dt.date,
                             threshold: int, slots: Slots | None = None) -> str:
    """The full Markdown of the charter's self-assessment page.

    The form and the charts are HTML we build: with `slots` they are placed after conversion
    (`generator.slots`), without they are written into the Markdown."""
    slots = slots or Slots(placeholders=False)
    checklists = checklists_for(charter)
    out = [f"# Self-assessment: {inline(charter.title)}", "",
           _prose(slots, charter, _how_to(charter, threshold)), ""]
    for checklist in checklists:
        out += _checklist(charter, checklist, today, slots)
    # Its heading and words, then its HTML.
    *intro, form, _ = send_form(charter, checklists, round_on(charter, today))
    out += [*intro, _html(slots, lambda: form), ""]
    out += _aggregate(charter, checklists, responses, threshold, slots, today)
    return "\n".join(out).rstrip("\n") + "\n"


@dataclass(frozen=True)
class Code:
    text: str


@dataclass(frozen=True)
class Strong:
    text: str


@dataclass(frozen=True)
class Link_:
    label: str
    target: str  # a page beside this one ("index.md"), or "#an-anchor" on it


# Our own prose, written once and given two ways: Markdown for `charters render --out`, HTML
# placed after conversion on the site (the page is not searched: Markdown would only spend
# time on it). Parts are text of ours (no Markdown syntax in it) and the marks above.
Part = str | Code | Strong | Link_


@dataclass(frozen=True)
class Para:
    parts: Sequence[Part]


@dataclass(frozen=True)
class Steps:
    """A numbered list."""

    items: Sequence[Sequence[Part]]


Block = Para | Steps


def _how_to(charter: Charter, threshold: int) -> list[Block]:
    scale: list[Part] = ["Rating scale: "]
    for i, word in enumerate(RATINGS, 1):
        scale += [", " if i > 1 else "", Strong(str(i)), f" {word}"]
    return [
        Para(["Back to the ", Link_("charter", "index.md"), ". This page helps the partnership "
              "look at itself: the partner leader pillars are for each leader's self-reflection "
              "and for 360-degree feedback from colleagues; the health check is for the "
              "partnership board."]),
        Steps([
            ["Talk through the questions for this charter under each pillar."],
            ["Rate each statement. Your answers are kept in this browser only, for this "
             "charter, until you export them."],
            ["Under ", Link_("Send your answers", "#send-your-answers"), ", export a response "
             "file and send it to the partnership's secretariat (no name needed). The "
             "secretariat merges everyone's files with ", Code("charters assess merge"),
             " and commits only the counts to ", Code(f"charters/{charter.id}/assessments/"),
             "."],
            [f"Once at least {threshold} people have rated a statement, it counts in its "
             "pillar's picture under ", Link_("What the partnership says",
                                               "#what-the-partnership-says"),
             ". Nobody's own answers are ever shown, and the merged counts never hold them "
             "either."]]),
        Para([*scale, f". {SCALE_WHY}"]),
    ]


def _prose(slots: Slots, charter: Charter, blocks: Sequence[Block]) -> str:
    """Our prose as one block: HTML placed after conversion, or Markdown."""
    return str(slots.block(partial(prose_html, blocks, charter.id),
                           partial(prose_markdown, blocks)))


def prose_markdown(blocks: Sequence[Block]) -> str:
    def parts(found: Sequence[Part]) -> str:
        return "".join(p if isinstance(p, str) else f"`{p.text}`" if isinstance(p, Code)
                       else f"**{p.text}**" if isinstance(p, Strong)
                       else f"[{p.label}]({p.target})" for p in found)
    return "\n\n".join(
        "\n".join(f"{n}. {parts(item)}" for n, item in enumerate(block.items, 1))
        if isinstance(block, Steps) else parts(block.parts) for block in blocks)


def prose_html(blocks: Sequence[Block], charter_id: str, link: Link) -> str:
    def parts(found: Sequence[Part]) -> str:
        # Text escaped as Markdown escapes it (quotes stay as they are).
        return "".join(
            escape(p, quote=False) if isinstance(p, str)
            else f"<code>{escape(p.text, quote=False)}</code>" if isinstance(p, Code)
            else f"<strong>{escape(p.text, quote=False)}</strong>" if isinstance(p, Strong)
            else f'<a href="{html(_href(p.target, charter_id, link))}">'
                 f"{escape(p.label, quote=False)}</a>"
            for p in found)
    return "\n".join(
        "<ol>\n" + "\n".join(f"<li>{parts(item)}</li>" for item in block.items) + "\n</ol>"
        if isinstance(block, Steps) else f"<p>{parts(block.parts)}</p>" for block in blocks)


def _href(target: str, charter_id: str, link: Link) -> str:
    return target if target.startswith("#") else link(f"charters/{charter_id}/{target}")


def _html(slots: Slots, make: Callable[[], str]) -> str:
    """HTML we build, as one block: made after conversion, or raw in the Markdown."""
    return str(slots.block(lambda link: make(), make))


def _checklist(charter: Charter, checklist: Checklist, today: dt.date, slots: Slots
               ) -> list[str]:
    out = [f"## {inline(checklist.title)}", ""]
    if checklist.intro:
        out += [inline(checklist.intro), ""]
    asked = questions(charter, checklist.id, today)
    for pillar in checklist.pillars:
        title = pillar.title or pillar.id
        current = checklist.id == "partner-leader" and pillar.id == charter.stage
        label = pillar.id.replace("-", " ").capitalize()
        heading = f"{label}: {title}" if checklist.id == "partner-leader" else title
        out += [f"### {inline(heading)}{' (your current stage)' if current else ''}", ""]
        lead = [Para([Strong("Your current stage."), f" This partnership is at the "
                      f"{charter.stage} stage, so this pillar matters most now."])] \
            if current else []
        prompts = asked.get(pillar.id, [])
        # Prompts to talk through, not boxes to tick: a list, placed with the pillar's form.
        out += [str(slots.block(
            _led(lead, charter.id, partial(_pillar_html, charter, prompts, checklist.id,
                                           pillar, label, current)),
            partial(_pillar_markdown, lead, prompts, checklist.id, pillar, label, current))),
            ""]
    return out


def _led(lead: Sequence[Block], charter_id: str, make: Maker) -> Maker:
    """A piece of HTML with our prose before it."""
    return Together(partial(prose_html, lead, charter_id), make) if lead else make


def _led_markdown(lead: Sequence[Block], made: str) -> str:
    return f"{prose_markdown(lead)}\n\n{made}" if lead else made


_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]*)\)")


def _pillar_markdown(lead: Sequence[Block], prompts: Sequence[str], checklist: str,
                     pillar: Pillar, label: str, current: bool) -> str:
    lines = ["Questions for this charter:", "", *(f"- {q}" for q in prompts), ""] \
        if prompts else []
    return _led_markdown(lead, "\n".join(
        [*lines, pillar_fieldsets(checklist, pillar, label, current)]))


def _linked(charter: Charter, prompt: str, link: Link) -> str:
    """A prompt made by `questions` as HTML: charter text escaped by `generator.text`
    (character references, which HTML reads as Markdown does) and Markdown links of ours to
    the charter's page, made HTML links."""
    def anchor(found: re.Match[str]) -> str:
        target = link(f"charters/{charter.id}/{found[2]}")
        return f'<a href="{html(target)}">{found[1]}</a>'
    return _LINK.sub(anchor, prompt)


def _pillar_html(charter: Charter, prompts: Sequence[str], checklist: str, pillar: Pillar,
                 label: str, current: bool, link: Link) -> str:
    items = "".join(f"<li>{_linked(charter, q, link)}</li>" for q in prompts)
    head = (f'<p>Questions for this charter:</p>\n<ul class="sa-prompts">{items}</ul>\n'
            if prompts else "")
    return head + pillar_fieldsets(checklist, pillar, label, current)


def _aggregate(charter: Charter, checklists: Sequence[Checklist], responses: Sequence[Answer],
               threshold: int, slots: Slots, today: dt.date) -> list[str]:
    out = ["## What the partnership says", "",
           "From the merged rounds (and any response files) in "
           f"`charters/{charter.id}/assessments/`. Individual answers are never shown: a "
           "pillar's figures count only the statements at least "
           f"{threshold} people rated in the round, and appear once one of its statements has "
           "that many ratings.", "",
           # Hidden until the script can print: it prints this part alone, for a board's papers.
           _html(slots, lambda: '<p class="sa-print" hidden><button type="button" '
                 'class="md-button" data-action="print-summary">Print this summary</button></p>'),
           ""]
    for checklist in checklists:
        summary = summarise(checklist, responses, threshold)
        out += [f"### {inline(checklist.title)}: the picture", ""]
        if summary.round is None:
            out += ["No round merged yet.", ""]
        else:
            out += _summary(summary, threshold, slots)
        out += _talk_about(charter, summary, questions(charter, checklist.id, today), slots)
        others = summarise(checklist, responses, threshold, raters="others")
        if others.round is not None:
            # 360-degree ratings of colleagues, pooled over every leader rated: never one
            # leader's (that is `charters assess report`, a file for the leader alone).
            out += [f"### {inline(checklist.title)}: as colleagues see their leaders", "",
                    "360-degree ratings, pooled over all the leaders rated, apart from "
                    "self-ratings.", ""]
            out += _summary(others, threshold, slots)
    return out


def _talk_about(charter: Charter, summary: ChecklistSummary, asked: dict[str, list[str]],
                slots: Slots) -> list[str]:
    """The charter's questions beside each pillar's latest figures, for a board to discuss:
    a list of ours, made as HTML after conversion (the page is not searched)."""
    rows: list[tuple[str, str, list[str]]] = []
    for p in summary.pillars:
        if not asked.get(p.id):
            continue
        if p.shown:
            since = (f"; change since {inline(summary.previous)}: {_change(p)}"
                     if summary.previous else "")
            figures = (f"{p.respondents} {'person' if p.respondents == 1 else 'people'}, "
                       f"ratings {' / '.join(str(n) for n in p.counts)} (not yet / partly / "
                       f"mostly / fully), median {p.median:g}{since}")
            apart = next((d for d in summary.disagreements if d.pillar == p.id), None)
            if apart is not None:
                figures += (f"; furthest apart: {inline(apart.text)} ({RATINGS[apart.low - 1]} to "
                            f"{RATINGS[apart.high - 1]})")
        elif summary.round is None:
            figures = "no responses yet"
        else:
            figures = f"too few ratings to show; needs {plural(p.needed, 'more response')}"
        rows.append((inline(p.title), figures, asked[p.id]))
    if not rows:
        return []

    def markdown() -> str:
        return "\n".join(line for title, figures, prompts in rows for line in (
            f"- **{title}** ({figures})", *(f"    - {q}" for q in prompts)))

    def as_html(link: Link) -> str:
        return '<ul class="sa-talk">' + "".join(
            f"<li><strong>{title}</strong> ({figures})<ul>"
            + "".join(f"<li>{_linked(charter, q, link)}</li>" for q in prompts) + "</ul></li>"
            for title, figures, prompts in rows) + "</ul>"

    lead = [Para(["Questions for this charter, with the latest round:"])]
    return [str(slots.block(_led(lead, charter.id, as_html),
                            lambda: _led_markdown(lead, markdown()))), ""]


def _change(p: PillarSummary) -> str:
    if p.change is None:
        return "n/a"
    return "no change" if p.change == 0 else f"{p.change:+g}"


def _table(summary: ChecklistSummary) -> str:
    """The text equivalent of the charts, as raw HTML: a focusable region when it scrolls."""
    title = html(summary.checklist.title)
    head = "".join(f'<th scope="col">{h}</th>' for h in (
        "Pillar", "People", *(f"{i} {w}" for i, w in enumerate(RATINGS, 1)), "Median",
        "Change"))
    rows = []
    for p in summary.pillars:
        cells = (f'<td colspan="6">needs {plural(p.needed, "more response")}</td>' if not p.shown
                 else "".join(f"<td>{n}</td>" for n in p.counts)
                 + f"<td>{p.median:g}</td><td>{_change(p)}</td>")
        rows.append(f'<tr><th scope="row">{html(p.title)}</th><td>{p.respondents}</td>'
                    f"{cells}</tr>")
    return "\n".join([
        f'<div class="sa-table-wrap" role="region" aria-label="{title}: figures" tabindex="0">',
        f'<table class="sa-table"><caption>{title}: ratings in round '
        f"{html(summary.round or '')}. People: how many people's ratings make up the row; "
        "1 to 4: how many ratings of each, one per person for each statement counted."
        "</caption>", f"<thead><tr>{head}</tr></thead><tbody>",
        *rows, "</tbody></table></div>"])


def _summary(summary: ChecklistSummary, threshold: int, slots: Slots) -> list[str]:
    since = f", compared with round {inline(summary.previous)}" if summary.previous else ""
    out = [f"Latest round: {inline(summary.round)} "
           f"({summary.respondents} {'person' if summary.respondents == 1 else 'people'} "
           f"answered){since}.", "",
           _table(summary), ""]
    figures = [
        f'<figure class="sa-figure"><figcaption>{html(p.title)} (median {p.median:g} '
        f"of 4)</figcaption>{bar_chart_svg(p, p.title)}</figure>"
        for p in summary.pillars if p.shown]
    if figures:
        charts = "\n".join(['<div class="sa-charts">', *figures, "</div>"])
        out += [_html(slots, lambda: charts), ""]
    partial = [p for p in summary.pillars if p.shown and p.left_out]
    if partial:
        out += ["Some statements are left out of the figures to protect individual answers:", ""]
        out += [f"- {inline(p.title)}: {plural(p.left_out, 'statement')} left out, because fewer "
                f"than {threshold} people rated {'it' if p.left_out == 1 else 'them'}."
                for p in partial]
        out.append("")
    if any(not p.shown for p in summary.pillars):
        out += [f"A pillar stays hidden until one of its statements has ratings from at least "
                f"{threshold} people, to protect individual answers.", ""]
    if summary.disagreements:
        out += ["Where to talk: the statements rated furthest apart.", ""]
        out += [f"- {inline(d.text)} (ratings from {RATINGS[d.low - 1]} to "
                f"{RATINGS[d.high - 1]})" for d in summary.disagreements]
        out.append("")
    return out
