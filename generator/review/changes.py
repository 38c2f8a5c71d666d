"""A ChangeSet in words: the pull-request comment (Markdown), the same as JSON, and word diffs.

The same words serve the pull-request comment and the history pages.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict

from generator.review.compare import (
    ChangeSet,
    CharterChange,
    FieldChange,
    ItemChange,
    MeasurementNote,
    MetricChange,
    PartnerChange,
    PledgeChange,
    SignOff,
    UpdateChange,
    UpdateNote,
    Value,
    label,
)
from generator.text import inline

# The field names history pages have always shown; the "changed since signed" labels and the
# sign-off list use `compare.label`, which says "due date" where these say "due".
_LABELS = {"by": "made by", "to": "made to", "statement": "vision", "review_by": "review by",
           "target_date": "target date", **{f: label(f) for f in ("secretariat", "rounds")}}
_PROSE = ("text", "summary", "statement")
REWRITES = "rewrites recorded history"


def _shown(value: Value) -> str:
    if value is None:
        return "none"
    if isinstance(value, tuple):
        return inline(", ".join(value)) if value else "none"
    if isinstance(value, float):
        return f"{value:g}"
    return inline(value)


def word_diff(old: str, new: str) -> str:
    """Markdown showing removed words as ~~struck~~ and added words as **bold** runs."""
    a, b = old.split(), new.split()
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(inline(" ".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(f"~~{inline(' '.join(a[i1:i2]))}~~")
        if j2 > j1:
            out.append(f"**{inline(' '.join(b[j1:j2]))}**")
    return " ".join(out)


def _moved(days: int | None) -> str:
    """' (14 days later)', ' (1 day earlier)', or nothing."""
    if not days:
        return ""
    unit = "day" if abs(days) == 1 else "days"
    return f" ({abs(days)} {unit} {'later' if days > 0 else 'earlier'})"


def field_line(change: FieldChange) -> str:
    """One field's change in words, e.g. `due: 2026-09-30 → 2026-10-14 (14 days later)`."""
    name = _LABELS.get(change.field, change.field)
    if change.field in _PROSE and isinstance(change.old, str) and isinstance(change.new, str):
        return f"{name}: {word_diff(change.old, change.new)}"
    if change.field == "networks":  # a network's name may hold a comma
        old, new = (inline("; ".join(v)) if isinstance(v, tuple) and v else _shown(v)
                    for v in (change.old, change.new))
        return f"{name}: {old} → {new}"
    return f"{name}: {_shown(change.old)} → {_shown(change.new)}{_moved(change.days)}"


def _set_by(u: UpdateNote) -> str:
    """What an update set, in brackets: ' (status → at-risk; due revised 2026-05-31 →
    2026-07-31 (61 days later): the reason)'."""
    parts = [f"status → {inline(u.status)}"] if u.status else []
    if u.due is not None:
        days = (u.due - u.previous_due).days if u.previous_due is not None else None
        was = u.previous_due.isoformat() if u.previous_due is not None else "none"
        reason = f": {inline(u.reason)}" if u.reason else ""
        parts.append(f"due revised {was} → {u.due.isoformat()}{_moved(days)}{reason}")
    return f" ({'; '.join(parts)})" if parts else ""


def update_line(u: UpdateChange) -> str:
    """One update of a pledge added, removed or edited, with the status and due date it set."""
    if u.kind == "edited" and u.old is not None and u.new is not None:  # same date
        text = (word_diff(u.old.text, u.new.text) if u.old.text != u.new.text
                else inline(u.new.text))
        before, after = _set_by(u.old), _set_by(u.new)
        if before != after:  # what the update set changed as well
            after = f"{before or ' (set nothing)'} →{after or ' (set nothing)'}"
        return f"update edited: {u.new.date.isoformat()}: {text}{after}"
    note = u.new if u.kind == "added" else u.old
    assert note is not None, "an update added or removed has its note"
    return f"update {u.kind}: {note.date.isoformat()}: {inline(note.text)}{_set_by(note)}"


def _measurement_note(n: MeasurementNote) -> str:
    """'measurement 2026-06-30 source: none → Trust placement system'."""
    return f"measurement {n.date.isoformat()} {n.field}: {_shown(n.old)} → {_shown(n.new)}"


def _nested(head: str, lines: Iterable[str]) -> list[str]:
    return [f"- {head}", *(f"    - {line}" for line in lines)]


def _who(signoff: tuple[str, ...], show: bool) -> str:
    return f" · sign-off: {', '.join(inline(p) for p in signoff)}" if show else ""


def _pledge_lines(p: PledgeChange, show: bool = False) -> list[str]:
    name = f"pledge **{inline(p.id)}**"
    if p.kind != "changed":
        head = (f"{name} {p.kind} (by {inline(p.by)}, to {_shown(p.to)}): {inline(p.text)}"
                f"{_who(p.signoff, show)}")
        return _nested(head, map(update_line, p.updates)) if p.updates else [f"- {head}"]
    lines = [field_line(f) for f in p.fields] + [update_line(u) for u in p.updates]
    if p.old_id is not None:
        lines.insert(0, f"id changed {inline(p.old_id)} → {inline(p.id)}")
    return _nested(f"{name} changed{_who(p.signoff, show)}", lines)


def _metric_lines(m: MetricChange, show: bool = False) -> list[str]:
    name = f"metric **{inline(m.id)}** ({inline(m.name)})"
    lines = [field_line(f) for f in m.fields]
    lines += [f"new measurement: {x.date.isoformat()}: {x.value:g}{_noted(x.note, x.source)}"
              for x in m.new_measurements]
    lines += [_measurement_note(n) for n in m.noted_measurements]
    lines += [f"measurement **changed**: {x.date.isoformat()}: {x.old:g} → {x.new:g} ({REWRITES})"
              for x in m.changed_measurements]
    lines += [f"measurement removed: {x.date.isoformat()}: {x.value:g} ({REWRITES})"
              for x in m.removed_measurements]
    head = f"{name} {m.kind}{_who(m.signoff, show)}"
    return _nested(head, lines) if lines else [f"- {head}"]


def _noted(note: str | None, source: str | None) -> str:
    """' (source: Trust placement system; note: Two wards closed)', or nothing."""
    parts = [f"{name}: {inline(value)}" for name, value in (("source", source), ("note", note))
             if value]
    return f" ({'; '.join(parts)})" if parts else ""


def _partner_lines(p: PartnerChange, show: bool = False) -> list[str]:
    head = f"partner **{inline(p.name)}** ({inline(p.id)}) {p.kind}{_who(p.signoff, show)}"
    return _nested(head, map(field_line, p.fields)) if p.fields else [f"- {head}"]


def _item_lines(what: str, items: Sequence[ItemChange], show: bool = False) -> list[str]:
    out = []
    for i in items:
        text = (word_diff(i.old or "", i.new or "") if i.kind == "edited"
                else inline(i.new if i.kind == "added" else i.old))
        out.append(f"- {what} {i.kind}: {text}{_who(i.signoff, show)}")
    return out


def _sections(change: CharterChange, show: bool) -> list[tuple[str, list[str]]]:
    """The change's lines grouped by the section of the charter they belong to."""
    return [
        ("Charter", [f"- {field_line(f)}{_who(f.signoff, show)}" for f in change.fields]),
        ("Partners", [line for p in change.partners for line in _partner_lines(p, show)]),
        ("Vision and outcomes", _item_lines("vision outcome", change.outcomes, show)),
        ("Principles", _item_lines("principle", change.principles, show)),
        ("Rules of engagement", _item_lines("rule of engagement", change.rules_of_engagement,
                                            show)),
        ("Engagement", _item_lines("engagement mechanism", change.mechanisms, show)
         + _item_lines("engagement link", change.links, show)),
        ("Engagement log", _item_lines("meeting", change.meetings, show)),
        ("Pledges", [line for p in change.pledges for line in _pledge_lines(p, show)]),
        ("Metrics", [line for m in change.metrics for line in _metric_lines(m, show)]),
    ]


def charter_lines(change: CharterChange) -> list[str]:
    """The Markdown bullet list of everything that changed in one charter."""
    return [line for _, lines in _sections(change, False) for line in lines]


def _where(change: CharterChange) -> str:
    path = inline(change.new_path or change.old_path)
    if change.kind == "renamed":
        return f"Renamed from {inline(change.old_path)} to {path}."
    return {"added": f"New charter: {path}.", "removed": f"Charter removed: {path}.",
            "changed": f"File: {path}."}[change.kind]


def to_markdown(changes: ChangeSet) -> str:
    """The pull-request summary: each charter's changes, then who must sign off."""
    # A bot posts this as a comment, where `@org/team` in any charter text would notify people.
    # A word joiner after every `@` (our own words have none) breaks the mention, not the look.
    return _summary(changes).replace("@", "@\u2060")


def handles(handles: Sequence[str]) -> str:
    """Reviewer handles as a list in words."""
    return ", ".join(inline(h) for h in handles)


def sign_off_line(s: SignOff) -> str:
    """One partner who must approve: name, id and lead, the handles that count, and what for."""
    lead = f"; {inline(s.lead)}" if s.lead else ""
    if s.reviewers:
        who = f"approved by one of {handles(s.reviewers)}"
    elif s.stand_in and s.approvers:
        who = (f"declares no reviewers, so the hub partner {inline(s.stand_in)} approves in its "
               f"place: one of {handles(s.approvers)}")
    else:
        who = ("declares no reviewers and has no hub partner to approve in its place, so nobody "
               "can approve for it: give it `reviewers:`")
    return (f"- **{inline(s.name)}** ({inline(s.partner)}{lead}): {who}. "
            f"For: {'; '.join(inline(c) for c in s.changes)}")


def _summary(changes: ChangeSet) -> str:
    if not changes.charters:
        return "# Charter changes\n\nNo charter changes.\n"
    out = ["# Charter changes", ""]
    rewritten = [(c, m) for c in changes.charters for m in c.metrics if m.rewrites_history]
    if rewritten:
        out += ["> **Warning: this change rewrites recorded history.** A measurement already "
                "recorded is changed or removed in "
                + "; ".join(f"{inline(c.title)}, metric {inline(m.id)}" for c, m in rewritten)
                + ". Every partner must agree.", ""]
    for c in changes.charters:
        out += [f"## {inline(c.title)}", "", _where(c), ""]
        shown = [(title, lines) for title, lines in _sections(c, True) if lines]
        if not shown:
            out += [f"- no change to the content · sign-off: "
                    f"{', '.join(inline(p) for p in c.signoff)}", ""]
        for title, lines in shown:
            out += [f"### {title}", "", *lines, ""]
    out += ["## Who must sign off", "",
            "Each partner below approves this pull request through one of the handles shown; "
            "`charters signoff` checks that every one of them has.", ""]
    for c in changes.charters:
        out += [f"### {inline(c.title)}", "", *map(sign_off_line, c.sign_off), ""]
    return "\n".join(out)


def _json_value(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def to_json(changes: ChangeSet) -> str:
    """The same content as `to_markdown`, as JSON with stable keys for bots."""
    return json.dumps(asdict(changes), default=_json_value, indent=2, sort_keys=True,
                      ensure_ascii=False) + "\n"
