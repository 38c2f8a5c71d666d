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
    MetricChange,
    PledgeChange,
    Value,
)
from generator.text import inline

_LABELS = {"by": "made by", "to": "made to", "statement": "vision", "review_by": "review by",
           "target_date": "target date"}
_PROSE = ("text", "summary", "statement")


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


def field_line(change: FieldChange) -> str:
    """One field's change in words, e.g. `due: 2026-09-30 → 2026-10-14 (14 days later)`."""
    label = _LABELS.get(change.field, change.field)
    if change.field in _PROSE and isinstance(change.old, str) and isinstance(change.new, str):
        return f"{label}: {word_diff(change.old, change.new)}"
    line = f"{label}: {_shown(change.old)} → {_shown(change.new)}"
    if change.days:
        unit = "day" if abs(change.days) == 1 else "days"
        line += f" ({abs(change.days)} {unit} {'later' if change.days > 0 else 'earlier'})"
    return line


def _nested(head: str, lines: Iterable[str]) -> list[str]:
    return [f"- {head}", *(f"    - {line}" for line in lines)]


def _pledge_lines(p: PledgeChange) -> list[str]:
    name = f"pledge **{inline(p.id)}**"
    if p.kind != "changed":
        return [f"- {name} {p.kind} (by {inline(p.by)}, to {_shown(p.to)}): {inline(p.text)}"]
    lines = [field_line(f) for f in p.fields]
    if p.old_id is not None:
        lines.insert(0, f"id changed {inline(p.old_id)} → {inline(p.id)}")
    return _nested(f"{name} changed", lines)


def _metric_lines(m: MetricChange) -> list[str]:
    name = f"metric **{inline(m.id)}** ({inline(m.name)})"
    lines = [field_line(f) for f in m.fields]
    lines += [f"new measurement: {x.date.isoformat()}: {x.value:g}" for x in m.new_measurements]
    lines += [f"measurement removed: {x.date.isoformat()}: {x.value:g}"
              for x in m.removed_measurements]
    return _nested(f"{name} {m.kind}", lines) if lines else [f"- {name} {m.kind}"]


def _item_lines(what: str, items: Sequence[ItemChange]) -> list[str]:
    out = []
    for i in items:
        text = (word_diff(i.old or "", i.new or "") if i.kind == "edited"
                else inline(i.new if i.kind == "added" else i.old))
        out.append(f"- {what} {i.kind}: {text}")
    return out


def charter_lines(change: CharterChange) -> list[str]:
    """The Markdown bullet list of everything that changed in one charter."""
    out = [f"- {field_line(f)}" for f in change.fields]
    for p in change.partners:
        head = f"partner **{inline(p.name)}** ({inline(p.id)}) {p.kind}"
        out += _nested(head, map(field_line, p.fields)) if p.fields else [f"- {head}"]
    out += _item_lines("vision outcome", change.outcomes)
    out += _item_lines("principle", change.principles)
    out += _item_lines("rule of engagement", change.rules_of_engagement)
    out += _item_lines("engagement mechanism", change.mechanisms)
    for pledge in change.pledges:
        out += _pledge_lines(pledge)
    for metric in change.metrics:
        out += _metric_lines(metric)
    return out


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


def _summary(changes: ChangeSet) -> str:
    if not changes.charters:
        return "# Charter changes\n\nNo charter changes.\n"
    out = ["# Charter changes", ""]
    for c in changes.charters:
        lines = charter_lines(c) or ["- no change to the content"]
        out += [f"## {inline(c.title)}", "", _where(c), "", *lines, ""]
    out += ["## Who must sign off", ""]
    owed = [c for c in changes.charters if c.sign_off]
    if not owed:
        out += ["No pledge changed, so no partner's sign-off is required.", ""]
    for c in owed:
        out += [f"### {inline(c.title)}", ""]
        out += [f"- **{inline(s.name)}**{f' ({inline(s.lead)})' if s.lead else ''}: "
                f"{', '.join(inline(p) for p in s.pledges)}" for s in c.sign_off]
        out.append("")
    return "\n".join(out)


def _json_value(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def to_json(changes: ChangeSet) -> str:
    """The same content as `to_markdown`, as JSON with stable keys for bots."""
    return json.dumps(asdict(changes), default=_json_value, indent=2, sort_keys=True,
                      ensure_ascii=False) + "\n"
