"""The Markdown of `charters/<id>/self-assessment.md`: questions, the rating form, the aggregate.

The rating form is raw HTML (fieldsets of radios) so that it works with the keyboard and screen
readers without any script; `theme/javascripts/self-assessment.js` adds saving, scores and
export. Each raw HTML block has no blank lines and no indented lines, so Markdown passes it
through whole. Charter text goes through `html.escape` in HTML and `generator.text` in Markdown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape

from generator.aggregate import ChecklistSummary, PillarSummary, bar_chart_svg, summarise
from generator.assessments import RATINGS, Checklist, checklists_for
from generator.model import Charter, Pillar
from generator.responses import Response
from generator.text import inline

SCALE_WHY = (
    "There is no middle option on purpose: a neutral midpoint lets people sit on the fence, and a "
    "partnership learns more from an honest lean one way or the other."
)


def _attr(text: object) -> str:
    return escape(str(text), quote=True)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


def self_assessment_markdown(charter: Charter, responses: Sequence[Response], today: dt.date,
                             threshold: int) -> str:
    """The full Markdown of the charter's self-assessment page."""
    checklists = checklists_for(charter)
    out = [f"# Self-assessment: {inline(charter.title)}", "", *_how_to(charter, threshold)]
    for checklist in checklists:
        out += _checklist(charter, checklist, today)
    out += _form(charter, checklists)
    out += _aggregate(charter, checklists, responses, threshold)
    return "\n".join(out).rstrip("\n") + "\n"


def _how_to(charter: Charter, threshold: int) -> list[str]:
    scale = ", ".join(f"**{i}** {word}" for i, word in enumerate(RATINGS, 1))
    return [
        "Back to the [charter](index.md). This page helps the partnership look at itself: the "
        "partner leader pillars are for each leader's self-reflection and for 360-degree "
        "feedback from colleagues; the health check is for the partnership board.",
        "",
        "1. Talk through the questions for this charter under each pillar.",
        "2. Rate each statement. Your answers are kept in this browser only, for this charter, "
        "until you export them.",
        "3. Under [Send your answers](#send-your-answers), choose who you answer as, export a "
        "response file, and commit it to "
        f"`charters/{charter.id}/assessments/` through a pull request.",
        f"4. Once at least {threshold} people have answered a pillar, the partnership's picture "
        "appears under [What the partnership says](#what-the-partnership-says). Nobody's own "
        "answers are ever shown.",
        "",
        f"Rating scale: {scale}. {SCALE_WHY}",
        "",
    ]


def _checklist(charter: Charter, checklist: Checklist, today: dt.date) -> list[str]:
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
        if current:
            out += [f"**Your current stage.** This partnership is at the {charter.stage} stage, "
                    "so this pillar matters most now.", ""]
        if asked.get(pillar.id):
            out += ["Questions for this charter:", ""]
            out += [f"- [ ] {q}" for q in asked[pillar.id]]
            out.append("")
        out += [_fieldsets(checklist.id, pillar, label, current), ""]
    return out


def _fieldsets(checklist: str, pillar: Pillar, label: str, current: bool) -> str:
    """One pillar's statements as radio groups, then its live score: one raw HTML block."""
    classes = "sa-pillar sa-current" if current else "sa-pillar"
    lines = [f'<div class="{classes}" data-checklist="{_attr(checklist)}" '
             f'data-pillar="{_attr(pillar.id)}" data-label="{_attr(label)}">']
    for st in pillar.statements:
        name = f"sa-{checklist}-{st.id}"
        lines.append(f'<fieldset class="sa-statement" data-statement="{_attr(st.id)}">'
                     f"<legend>{escape(st.text)}</legend>")
        lines.append('<div class="sa-options">' + "".join(
            f'<label class="sa-option" for="{_attr(name)}-{i}"><input type="radio" '
            f'name="{_attr(name)}" id="{_attr(name)}-{i}" value="{i}">'
            f"<span>{i} {word}</span></label>"
            for i, word in enumerate(RATINGS, 1)) + "</div></fieldset>")
    lines.append(f'<p class="sa-score" aria-live="polite">{escape(label)}: 0 of '
                 f"{len(pillar.statements)} answered</p>")
    lines.append("</div>")
    return "\n".join(lines)


def _form(charter: Charter, checklists: Sequence[Checklist]) -> list[str]:
    """Respondent, export, copy, download and reset: hidden until the script shows them."""
    options = "".join(f'<option value="{_attr(c.id)}">{escape(c.title)}</option>'
                      for c in checklists)
    partners = "".join(f'<option value="{_attr(p.id)}">{escape(p.name)}</option>'
                       for p in charter.partners)
    key = f"charters:{charter.id}:self-assessment"
    html = [
        f'<div class="sa-form" data-charter="{_attr(charter.id)}" data-storage-key="{_attr(key)}">',
        '<p class="sa-nojs"><strong>Answering here needs JavaScript.</strong> Without it you can '
        "still read the statements and use them in a meeting, and write a response file by hand "
        "(see the guide).</p>",
        '<div class="sa-controls" hidden>',
        f'<p><label for="sa-checklist">Checklist</label> <select id="sa-checklist">{options}'
        "</select></p>",
        '<p><label for="sa-respondent">Answering for partner</label> <select id="sa-respondent">'
        f'<option value="">None: I give my role below</option>{partners}</select></p>',
        '<p><label for="sa-role">Or your role</label> <input type="text" id="sa-role" '
        'placeholder="Board member" autocomplete="off"></p>',
        '<p><label for="sa-round">Round (optional)</label> <input type="text" id="sa-round" '
        'placeholder="2026-autumn" autocomplete="off"></p>',
        '<p class="sa-buttons"><button type="button" class="md-button md-button--primary" '
        'data-action="export">Export</button> <button type="button" class="md-button" '
        'data-action="reset">Reset all answers</button></p>',
        '<p class="sa-status" role="status" aria-live="polite"></p>',
        '<p><label for="sa-export">Response file</label></p>',
        '<textarea id="sa-export" readonly rows="10" spellcheck="false"></textarea>',
        '<p class="sa-buttons"><button type="button" class="md-button" data-action="copy">Copy'
        '</button> <button type="button" class="md-button" data-action="download">Download'
        "</button></p>",
        "</div>",
        "</div>",
    ]
    return ["## Send your answers", "",
            "Choose the checklist and who you answer for (a partner, or your role if you answer "
            "as a person), then export. Commit the file as it is: the build checks it.", "",
            "\n".join(html), ""]


def _aggregate(charter: Charter, checklists: Sequence[Checklist], responses: Sequence[Response],
               threshold: int) -> list[str]:
    out = ["## What the partnership says", "",
           f"From the response files committed in `charters/{charter.id}/assessments/`. Individual "
           f"answers are never shown: a pillar's figures appear once at least {threshold} people "
           "have answered it in the latest round.", ""]
    for checklist in checklists:
        summary = summarise(checklist, responses, threshold)
        out += [f"### {inline(checklist.title)}: the picture", ""]
        if summary.round is None:
            out += ["No responses committed yet.", ""]
            continue
        out += _summary(summary, threshold)
    return out


def _change(p: PillarSummary) -> str:
    if p.change is None:
        return "n/a"
    return "no change" if p.change == 0 else f"{p.change:+g}"


def _table(summary: ChecklistSummary) -> str:
    """The text equivalent of the charts, as raw HTML: a focusable region when it scrolls."""
    title = escape(summary.checklist.title)
    head = "".join(f'<th scope="col">{h}</th>' for h in (
        "Pillar", "Respondents", *(f"{i} {w}" for i, w in enumerate(RATINGS, 1)), "Median",
        "Change"))
    rows = []
    for p in summary.pillars:
        cells = (f'<td colspan="6">needs {_plural(p.needed, "more response")}</td>' if not p.shown
                 else "".join(f"<td>{n}</td>" for n in p.counts)
                 + f"<td>{p.median:g}</td><td>{_change(p)}</td>")
        rows.append(f'<tr><th scope="row">{escape(p.title)}</th><td>{p.respondents}</td>'
                    f"{cells}</tr>")
    return "\n".join([
        f'<div class="sa-table-wrap" role="region" aria-label="{title}: figures" tabindex="0">',
        f'<table class="sa-table"><caption>{title}: ratings in round '
        f"{escape(summary.round or '')}</caption>", f"<thead><tr>{head}</tr></thead><tbody>",
        *rows, "</tbody></table></div>"])


def _summary(summary: ChecklistSummary, threshold: int) -> list[str]:
    since = f", compared with round {inline(summary.previous)}" if summary.previous else ""
    out = [f"Latest round: {inline(summary.round)} "
           f"({_plural(summary.respondents, 'response')}){since}.", "",
           _table(summary), ""]
    figures = [
        f'<figure class="sa-figure"><figcaption>{escape(p.title)} (median {p.median:g} '
        f"of 4)</figcaption>{bar_chart_svg(p, p.title)}</figure>"
        for p in summary.pillars if p.shown]
    if figures:
        out += ['<div class="sa-charts">', *figures, "</div>", ""]
    hidden = [p for p in summary.pillars if not p.shown]
    if hidden:
        out += [f"Pillars with fewer than {threshold} respondents are hidden to protect "
                "individual answers.", ""]
    if summary.disagreements:
        out += ["Where to talk: the statements rated furthest apart.", ""]
        out += [f"- {inline(d.text)} (ratings from {RATINGS[d.low - 1]} to "
                f"{RATINGS[d.high - 1]})" for d in summary.disagreements]
        out.append("")
    return out


def _see(name: str, anchor: str) -> str:
    return f"(see [{name}](index.md#{anchor}))"


def _names(charter: Charter, ids: Sequence[str]) -> str:
    return ", ".join(inline(charter.partner(i).name) for i in ids)


def _pledges(ids: Sequence[str]) -> str:
    return ", ".join(f"[{inline(i)}](index.md#{i})" for i in ids)


def questions(charter: Charter, checklist: str, today: dt.date) -> dict[str, list[str]]:
    """Questions about this charter for each pillar, each linked to the part that answers it."""
    unsigned = [p.id for p in charter.partners if p.signed is None]
    no_lead = [p.id for p in charter.partners if not p.lead]
    makers = {p.by for p in charter.pledges}
    silent = [p.id for p in charter.partners if p.id not in makers]
    undated = [p.id for p in charter.pledges if p.due is None and p.is_open()]
    overdue = [p.id for p in charter.pledges if p.is_overdue(today)]
    at_risk = [p.id for p in charter.pledges if p.status == "at-risk"]
    missed = [p.id for p in charter.pledges if p.status == "missed"]
    unmeasured = [p.id for p in charter.pledges if not p.metrics and p.is_open()]
    off_track = [m for m in charter.metrics if m.track(today) == "off track"]
    no_data = [m for m in charter.metrics if m.track(today) == "no data"]
    mechanisms = charter.engagement.mechanisms
    unreached = [p.id for p in charter.partners if not any(m.reaches(p.id) for m in mechanisms)]
    in_person = [m for m in mechanisms if m.mode in ("face-to-face", "on-site")]
    # Link only to sections the charter page has: an empty section has no anchor to land on.
    present = {"partners", "vision", "principles" * bool(charter.principles),
               "rules-of-engagement" * bool(charter.rules_of_engagement),
               "pledges" * bool(charter.pledges), "metrics" * bool(charter.metrics),
               "engagement" * bool(mechanisms or charter.engagement.links)}

    def see(name: str, anchor: str) -> str:
        return _see(name, anchor) if anchor in present else ""

    partners = see("partners", "partners")
    q: dict[str, list[str]] = {}
    if checklist == "partner-leader":
        q["convene"] = [f"Are the right {_plural(len(charter.partners), 'partner')} at the table, "
                        f"and is anyone missing? {partners}"]
        if unsigned:
            q["convene"].append(f"Partners who have not signed: {_names(charter, unsigned)} "
                                f"{partners}")
        q["balance"] = [f"Does every partner have an equal say, as our principles promise? "
                        f"{see('principles', 'principles')}"]
        if silent:
            q["balance"].append(f"Partners who have made no pledge: {_names(charter, silent)} "
                                f"{see('pledges', 'pledges')}")
        q["adapt"] = [f"Do our ways of meeting suit every partner? "
                      f"{see('engagement', 'engagement')}"]
        q["focus"] = [f"Which pledges need attention first? {see('pledges', 'pledges')}"]
        if overdue:
            q["focus"].append(f"Overdue pledges: {_pledges(overdue)}")
        if at_risk:
            q["focus"].append(f"Pledges at risk: {_pledges(at_risk)}")
        q["future"] = [f"Is our shared vision still right? {see('vision', 'vision')}"]
        if charter.review_by is not None:
            late = "was due" if charter.is_past_review(today) else "is due"
            q["future"].append(f"The charter's review {late} by {charter.review_by.isoformat()}.")
        return q
    if checklist != "health-check":
        return q
    q["vision"] = [f"Is our shared vision still right? {see('vision', 'vision')}"]
    if not charter.vision.outcomes:
        q["vision"].append(f"No outcomes listed yet {see('vision', 'vision')}")
    if not charter.principles:
        q["vision"].append("No principles written down yet")
    if charter.rules_of_engagement:
        q["rules"] = [f"Do we follow our {_plural(len(charter.rules_of_engagement), 'rule')} of "
                      f"engagement? {see('rules of engagement', 'rules-of-engagement')}"]
    else:
        q["rules"] = ["No rules of engagement yet: how do we decide, and what happens when a "
                      "pledge slips?"]
    q["qualities"] = [f"Do partners keep their pledges? {see('pledges', 'pledges')}"]
    if missed:
        q["qualities"].append(f"Missed pledges: {_pledges(missed)}")
    if overdue:
        q["qualities"].append(f"Overdue pledges: {_pledges(overdue)}")
    if unsigned:
        q["qualities"].append(f"Partners who have not signed: {_names(charter, unsigned)} "
                              f"{partners}")
    if no_lead:
        q["qualities"].append(f"Partners without a named lead: {_names(charter, no_lead)} "
                              f"{partners}")
    metrics = see("metrics", "metrics")
    if not charter.metrics:
        q["measures"] = ["No metrics yet: how will we know the partnership is delivering?"]
    else:
        q["measures"] = [f"Do our {_plural(len(charter.metrics), 'metric')} show whether we are "
                         f"achieving our vision? {metrics}"]
    if off_track:
        q["measures"].append("Metrics off track: "
                             + ", ".join(inline(m.name) for m in off_track) + f" {metrics}")
    if no_data:
        q["measures"].append("Metrics without a target or data: "
                             + ", ".join(inline(m.name) for m in no_data) + f" {metrics}")
    if undated:
        q["measures"].append(f"Pledges without a due date: {_pledges(undated)}")
    if unmeasured and charter.metrics:
        q["measures"].append(f"Open pledges no metric measures: {_pledges(unmeasured)}")
    engagement = see("engagement", "engagement")
    q["engagement"] = [f"Does each partner feel part of the partnership? {engagement}"]
    if not mechanisms:
        q["engagement"].append("No engagement mechanisms yet: how and how often do we meet?")
    elif not in_person:
        q["engagement"].append(f"No face-to-face or on-site meetings {engagement}")
    if mechanisms and unreached:
        q["engagement"].append(f"Partners no mechanism reaches: {_names(charter, unreached)} "
                               f"{engagement}")
    return q
