"""The self-assessment rating form as raw HTML: a pillar's radio groups, and the export controls.

The form works with the keyboard and screen readers without any script;
`theme/javascripts/self-assessment.js` adds saving, scores and export. Each block has no blank
lines and no indented lines, so Markdown passes it through whole. Charter text goes through
`generator.text.html`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from generator.model import Charter, Pillar
from generator.selfassess.assessments import RATINGS, Checklist, about_others
from generator.text import html, inline


def _attr(text: object) -> str:
    return html(text)


def pillar_fieldsets(checklist: str, pillar: Pillar, label: str, current: bool) -> str:
    """One pillar's statements as radio groups, then its live score: one raw HTML block."""
    classes = "sa-pillar sa-current" if current else "sa-pillar"
    lines = [f'<div class="{classes}" data-checklist="{_attr(checklist)}" '
             f'data-pillar="{_attr(pillar.id)}" data-label="{_attr(label)}">']
    for st in pillar.statements:
        name = f"sa-{checklist}-{st.id}"
        # The partner leader statements also rate a colleague (360): the script shows the
        # wording for them when a leader is named.
        others = (f' data-others="{_attr(about_others(st.text))}" data-self="{_attr(st.text)}"'
                  if checklist == "partner-leader" and about_others(st.text) != st.text else "")
        lines.append(f'<fieldset class="sa-statement" data-statement="{_attr(st.id)}">'
                     f"<legend{others}>{html(st.text)}</legend>")
        lines.append('<div class="sa-options">' + "".join(
            f'<label class="sa-option" for="{_attr(name)}-{i}"><input type="radio" '
            f'name="{_attr(name)}" id="{_attr(name)}-{i}" value="{i}">'
            f"<span>{i} {word}</span></label>"
            for i, word in enumerate(RATINGS, 1)) + "</div></fieldset>")
    lines.append(f'<p class="sa-score" aria-live="polite">{html(label)}: 0 of '
                 f"{len(pillar.statements)} answered</p>")
    lines.append("</div>")
    return "\n".join(lines)


def send_form(charter: Charter, checklists: Sequence[Checklist], suggested_round: str
              ) -> list[str]:
    """The "Send your answers" section: partner, role, round, export, copy, download, e-mail,
    reset.

    `suggested_round` is what an empty Round box means on the build date (`responses.round_on`);
    the script shows the round of the day the page is used, by the same rule and the charter's
    rounds, which it reads from `data-rounds`."""
    # Hidden until the script shows it: without JavaScript only the note is seen.
    options = "".join(f'<option value="{_attr(c.id)}">{html(c.title)}</option>'
                      for c in checklists)
    partners = "".join(f'<option value="{_attr(p.id)}">{html(p.name)}</option>'
                       for p in charter.partners)
    key = f"charters:{charter.id}:self-assessment"
    rnd = _attr(suggested_round)
    rounds = json.dumps([{"id": r.id, "opens": r.opens.isoformat(),
                          "closes": r.closes.isoformat() if r.closes else ""}
                         for r in charter.rounds], separators=(",", ":"))
    which = "the current round" if charter.rounds else "this quarter"
    to = charter.secretariat or ""
    # Opens the respondent's own mail program, so it works offline; the script fills it in.
    mailto = (f' <a class="md-button sa-mailto" href="mailto:{_attr(to)}">Open it in your '
              "e-mail program</a>" if to else "")
    form = [
        f'<div class="sa-form" data-charter="{_attr(charter.id)}" data-storage-key="{_attr(key)}" '
        f'data-title="{_attr(charter.title)}" data-rounds="{_attr(rounds)}" '
        f'data-secretariat="{_attr(to)}">',
        '<p class="sa-nojs"><strong>Answering here needs JavaScript.</strong> Without it you can '
        "still read the statements and use them in a meeting, and write a response file by hand "
        "(see the guide).</p>",
        '<div class="sa-controls" hidden>',
        f'<p><label for="sa-checklist">Checklist</label> <select id="sa-checklist">{options}'
        "</select></p>",
        '<p class="sa-subject-row"><label for="sa-subject">Whose leadership you rate</label> '
        '<input type="text" id="sa-subject" placeholder="leave empty for your own" '
        'autocomplete="off" aria-describedby="sa-subject-hint"> <span id="sa-subject-hint" '
        'class="sa-hint">For 360-degree feedback on a colleague (partner leader checklist): '
        "the id the secretariat gave that leader.</span></p>",
        '<p><label for="sa-partner">Your partner (optional)</label> <select id="sa-partner">'
        f'<option value="">Not given</option>{partners}</select></p>',
        '<p><label for="sa-role">Your role group (optional)</label> <input type="text" '
        'id="sa-role" placeholder="Board member" autocomplete="off"></p>',
        '<p><label for="sa-round">Round (optional)</label> <input type="text" id="sa-round" '
        f'placeholder="{rnd}" data-suggested="{rnd}" autocomplete="off" '
        f'aria-describedby="sa-round-hint"> <span id="sa-round-hint" class="sa-hint">Leave empty '
        f'for {which}, <span class="sa-round-now">{rnd}</span>.</span></p>',
        '<p class="sa-buttons"><button type="button" class="md-button md-button--primary" '
        'data-action="export">Export</button> <button type="button" class="md-button" '
        'data-action="reset">Reset all answers</button></p>',
        '<p class="sa-status" role="status" aria-live="polite"></p>',
        '<p><label for="sa-export">Response file</label></p>',
        '<textarea id="sa-export" readonly rows="10" spellcheck="false"></textarea>',
        '<p class="sa-buttons"><button type="button" class="md-button" data-action="copy">Copy'
        '</button> <button type="button" class="md-button" data-action="download">Download'
        "</button></p>",
        '<div class="sa-email" hidden>',
        '<p><label for="sa-email-text">E-mail to send</label></p>',
        '<textarea id="sa-email-text" readonly rows="10" spellcheck="false"></textarea>',
        '<p class="sa-buttons"><button type="button" class="md-button" '
        f'data-action="copy-email">Copy e-mail text</button>{mailto}</p>',
        "</div>",
        "</div>",
        "</div>",
    ]
    return ["## Send your answers", "",
            "Choose the checklist, then export. Your name is not needed; your partner and role "
            "group are optional and only ever counted, in groups of at least the threshold. "
            "Download the file, or copy the e-mail text the page writes for you, and send it "
            f"to the partnership's secretariat{f' ({inline(to)})' if to else ''}, who merge "
            "everyone's answers into one round's counts with `charters assess merge`.", "",
            "\n".join(form), ""]
