"""The self-assessment rating form as raw HTML: a pillar's radio groups, and the export controls.

The form works with the keyboard and screen readers without any script;
`theme/javascripts/self-assessment.js` adds saving, scores and export. Each block has no blank
lines and no indented lines, so Markdown passes it through whole. Charter text goes through
`generator.text.html`.
"""

from __future__ import annotations

from collections.abc import Sequence

from generator.model import Charter, Pillar
from generator.selfassess.assessments import RATINGS, Checklist
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
        lines.append(f'<fieldset class="sa-statement" data-statement="{_attr(st.id)}">'
                     f"<legend>{html(st.text)}</legend>")
        lines.append('<div class="sa-options">' + "".join(
            f'<label class="sa-option" for="{_attr(name)}-{i}"><input type="radio" '
            f'name="{_attr(name)}" id="{_attr(name)}-{i}" value="{i}">'
            f"<span>{i} {word}</span></label>"
            for i, word in enumerate(RATINGS, 1)) + "</div></fieldset>")
    lines.append(f'<p class="sa-score" aria-live="polite">{html(label)}: 0 of '
                 f"{len(pillar.statements)} answered</p>")
    lines.append("</div>")
    return "\n".join(lines)


def send_form(charter: Charter, checklists: Sequence[Checklist]) -> list[str]:
    """The "Send your answers" section: respondent, export, copy, download and reset."""
    # Hidden until the script shows it: without JavaScript only the note is seen.
    options = "".join(f'<option value="{_attr(c.id)}">{html(c.title)}</option>'
                      for c in checklists)
    partners = "".join(f'<option value="{_attr(p.id)}">{html(p.name)}</option>'
                       for p in charter.partners)
    key = f"charters:{charter.id}:self-assessment"
    form = [
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
            "\n".join(form), ""]
