"""The self-assessment rating form as raw HTML: a pillar's radio groups, and the export controls.

The form works with the keyboard and screen readers without any script;
`theme/javascripts/self-assessment.js` adds saving, scores and export. Each block has no blank
lines and no indented lines, so Markdown passes it through whole. Charter text goes through
`generator.text.html`.
"""

from __future__ import annotations

from collections.abc import Sequence

from generator.model import Charter, Pillar
from generator.selfassess.assessments import RATINGS, Checklist, about_others
from generator.text import html


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
    """The "Send your answers" section: partner, role, round, export, copy, download, reset.

    `suggested_round` is what an empty Round box means (the quarter of the day of answering); the
    script shows the quarter of the day the page is used, by the same rule."""
    # Hidden until the script shows it: without JavaScript only the note is seen.
    options = "".join(f'<option value="{_attr(c.id)}">{html(c.title)}</option>'
                      for c in checklists)
    partners = "".join(f'<option value="{_attr(p.id)}">{html(p.name)}</option>'
                       for p in charter.partners)
    key = f"charters:{charter.id}:self-assessment"
    rnd = _attr(suggested_round)
    form = [
        f'<div class="sa-form" data-charter="{_attr(charter.id)}" data-storage-key="{_attr(key)}">',
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
        'aria-describedby="sa-round-hint"> <span id="sa-round-hint" class="sa-hint">Leave empty '
        f'for this quarter, <span class="sa-round-now">{rnd}</span>.</span></p>',
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
            "Choose the checklist, then export. Your name is not needed; your partner and role "
            "group are optional and only ever counted, in groups of at least the threshold. "
            "Download the file (or copy it into an e-mail) and send it to the partnership's "
            "secretariat, who merge everyone's answers into one round's counts with "
            "`charters assess merge`.", "",
            "\n".join(form), ""]
