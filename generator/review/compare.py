"""What a change to the charters means: pledges, metrics and partners compared field by field.

Pure: charters in, a ChangeSet out. `changes` renders it and `diff` reads the charters from git.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from generator.model import Charter, Measurement, Metric, Partner, Pledge

Value = str | float | int | tuple[str, ...] | None


@dataclass(frozen=True)
class FieldChange:
    """One field's old and new value; `days` is how far a date moved (positive = later)."""

    field: str
    old: Value
    new: Value
    days: int | None = None


@dataclass(frozen=True)
class ItemChange:
    """An entry of a list of texts (principles, rules, outcomes) added, removed or edited."""

    kind: str  # added | removed | edited
    old: str | None
    new: str | None


@dataclass(frozen=True)
class PledgeChange:
    kind: str  # added | removed | changed
    id: str
    old_id: str | None  # set when the id changed but the pledge is the same
    by: str
    to: tuple[str, ...]
    text: str
    fields: tuple[FieldChange, ...] = ()


# A pledge's change with its old and new version, which say who must sign it off.
_Found = tuple[PledgeChange, Pledge | None, Pledge | None]


@dataclass(frozen=True)
class MetricChange:
    kind: str  # added | removed | changed
    id: str
    name: str
    fields: tuple[FieldChange, ...] = ()
    new_measurements: tuple[Measurement, ...] = ()
    removed_measurements: tuple[Measurement, ...] = ()


@dataclass(frozen=True)
class PartnerChange:
    kind: str  # joined | left | changed
    id: str
    name: str
    fields: tuple[FieldChange, ...] = ()


@dataclass(frozen=True)
class SignOff:
    """A partner who must agree, and why: the changed pledges it makes or receives."""

    partner: str
    name: str
    lead: str | None
    pledges: tuple[str, ...]


@dataclass(frozen=True)
class CharterChange:
    kind: str  # added | removed | changed | renamed
    id: str
    title: str
    old_path: str | None
    new_path: str | None
    fields: tuple[FieldChange, ...] = ()
    outcomes: tuple[ItemChange, ...] = ()
    principles: tuple[ItemChange, ...] = ()
    rules_of_engagement: tuple[ItemChange, ...] = ()
    mechanisms: tuple[ItemChange, ...] = ()
    partners: tuple[PartnerChange, ...] = ()
    pledges: tuple[PledgeChange, ...] = ()
    metrics: tuple[MetricChange, ...] = ()
    sign_off: tuple[SignOff, ...] = ()

    def is_empty(self) -> bool:
        """True when nothing a reader would care about changed (comments, order of keys)."""
        return self.kind == "changed" and not any(
            (self.fields, self.outcomes, self.principles, self.rules_of_engagement,
             self.mechanisms, self.partners, self.pledges, self.metrics))


@dataclass(frozen=True)
class ChangeSet:
    charters: tuple[CharterChange, ...]


def _plain(value: object) -> Value:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return tuple(str(v) for v in value)
    return value  # type: ignore[return-value]  # str, number or None by the model's types


def _fields(old: object, new: object, names: Iterable[str]) -> tuple[FieldChange, ...]:
    out = []
    for name in names:
        a, b = getattr(old, name), getattr(new, name)
        if a != b:
            days = (b - a).days if isinstance(a, dt.date) and isinstance(b, dt.date) else None
            out.append(FieldChange(name, _plain(a), _plain(b), days))
    return tuple(out)


def _items(old: Sequence[str], new: Sequence[str]) -> tuple[ItemChange, ...]:
    """List entries added, removed, or edited in place (same position, replaced one for one)."""
    out: list[ItemChange] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "replace" and i2 - i1 == j2 - j1:
            out += [ItemChange("edited", a, b) for a, b in zip(old[i1:i2], new[j1:j2], strict=True)]
        elif op != "equal":
            out += [ItemChange("removed", a, None) for a in old[i1:i2]]
            out += [ItemChange("added", None, b) for b in new[j1:j2]]
    return tuple(out)


def _same_text(a: Pledge, b: Pledge) -> bool:
    return a.by == b.by and a.text.split() == b.text.split()


def _pledges(old: Sequence[Pledge], new: Sequence[Pledge]) -> list[_Found]:
    """Each pledge added, removed or changed, with its old and new version (None if absent)."""
    before, after = {p.id: p for p in old}, {p.id: p for p in new}
    gone = [p for p in old if p.id not in after]
    came = [p for p in new if p.id not in before]
    renamed: dict[str, Pledge] = {}  # new id -> old pledge
    for p in came:
        match = next((q for q in gone if _same_text(q, p) and q not in renamed.values()), None)
        if match is not None:
            renamed[p.id] = match
    names = ("by", "to", "text", "owner", "status", "due", "metrics")
    out: list[_Found] = []
    for p in new:
        was = before.get(p.id) or renamed.get(p.id)
        if was is None:
            out.append((PledgeChange("added", p.id, None, p.by, p.to, p.text), None, p))
        elif (changed := _fields(was, p, names)) or was.id != p.id:
            out.append((PledgeChange("changed", p.id, was.id if was.id != p.id else None,
                                     p.by, p.to, p.text, changed), was, p))
    out += [(PledgeChange("removed", p.id, None, p.by, p.to, p.text), p, None)
            for p in gone if p not in renamed.values()]
    return out


def _metrics(old: Sequence[Metric], new: Sequence[Metric]) -> tuple[MetricChange, ...]:
    before, after = {m.id: m for m in old}, {m.id: m for m in new}
    names = ("name", "unit", "direction", "baseline", "target", "target_date")
    out: list[MetricChange] = []
    for m in new:
        was = before.get(m.id)
        if was is None:
            out.append(MetricChange("added", m.id, m.name, (), m.measurements))
            continue
        added = tuple(x for x in m.measurements if x not in was.measurements)
        dropped = tuple(x for x in was.measurements if x not in m.measurements)
        changed = _fields(was, m, names)
        if changed or added or dropped:
            out.append(MetricChange("changed", m.id, m.name, changed, added, dropped))
    out += [MetricChange("removed", m.id, m.name) for m in old if m.id not in after]
    return tuple(out)


def _partners(old: Sequence[Partner], new: Sequence[Partner]) -> tuple[PartnerChange, ...]:
    before, after = {p.id: p for p in old}, {p.id: p for p in new}
    out: list[PartnerChange] = []
    for p in new:
        was = before.get(p.id)
        if was is None:
            out.append(PartnerChange("joined", p.id, p.name))
        elif changed := _fields(was, p, ("name", "sector", "lead", "signed", "reviewers")):
            out.append(PartnerChange("changed", p.id, p.name, changed))
    out += [PartnerChange("left", p.id, p.name) for p in old if p.id not in after]
    return tuple(out)


def _bound(charter: Charter, pledge: Pledge | None) -> list[str]:
    """The partners one version of a pledge binds: its maker, then those it is made to."""
    return [] if pledge is None else [pledge.by, *charter.recipients(pledge)]


def _sign_off(found: Sequence[_Found], old: Charter, new: Charter) -> tuple[SignOff, ...]:
    """Everyone a changed pledge bound before or binds after, each once, in partner order.

    A receiver dropped from a pledge loses the promise, so it must agree as much as one added.
    """
    people = [*new.partners, *old.partners]
    known = {p.id: p for p in reversed(people)}  # the newer name and lead win
    order = list(dict.fromkeys(p.id for p in people))
    owed: dict[str, list[str]] = {}
    for change, was, now in found:
        for pid in [*_bound(old, was), *_bound(new, now)]:
            owed.setdefault(pid, [])
            if change.id not in owed[pid]:
                owed[pid].append(change.id)
    return tuple(SignOff(pid, known[pid].name if pid in known else pid,
                         known[pid].lead if pid in known else None, tuple(owed[pid]))
                 for pid in sorted(owed, key=lambda x: (order.index(x) if x in order else 1e9, x)))


def _outline(m: Charter) -> list[str]:
    return [f"{x.name} ({x.mode}{', ' + x.frequency if x.frequency else ''}; "
            f"with {', '.join(x.partners)})" for x in m.engagement.mechanisms]


def compare_charter(old: Charter | None, new: Charter | None) -> CharterChange:
    """What changed from one version of a charter to the next (either may be None)."""
    first = new or old
    assert first is not None, "compare_charter needs at least one charter"
    empty = Charter("", "", "", "", "", (), first.vision)
    a, b = old or empty, new or empty
    kind = ("added" if old is None else "removed" if new is None
            else "renamed" if a.path != b.path else "changed")
    found = _pledges(a.pledges, b.pledges)
    pledges = tuple(change for change, _, _ in found)
    fields = () if old is None or new is None else (
        _fields(a, b, ("title", "summary", "hub", "stage", "established", "review_by"))
        + _fields(a.vision, b.vision, ("statement",))
        + (() if a.assessments == b.assessments else (FieldChange("assessments", "…", "…"),)))
    return CharterChange(
        kind, first.id, first.title, old.path if old else None, new.path if new else None, fields,
        _items(a.vision.outcomes, b.vision.outcomes),
        _items([f"{p.title}: {p.description}" for p in a.principles],
               [f"{p.title}: {p.description}" for p in b.principles]),
        _items(a.rules_of_engagement, b.rules_of_engagement),
        _items(_outline(a), _outline(b)),
        _partners(a.partners, b.partners), pledges, _metrics(a.metrics, b.metrics),
        _sign_off(found, a, b))


def _likeness(a: Charter, b: Charter) -> float:
    """How much of two charters is the same, for telling a renamed file from delete plus add."""
    if compare_charter(a, replace(b, id=a.id, path=a.path)).is_empty():
        return 1.0
    mine = {(p.by, " ".join(p.text.split())) for p in a.pledges} | {p.id for p in a.pledges}
    theirs = {(p.by, " ".join(p.text.split())) for p in b.pledges} | {p.id for p in b.pledges}
    shared = len(mine & theirs) / max(len(mine), len(theirs), 1)
    return max(shared, 0.5 if a.title == b.title else 0.0)


def compare(old: Sequence[Charter], new: Sequence[Charter]) -> ChangeSet:
    """Every charter added, removed, renamed or changed between two sets of charters."""
    before, after = {c.id: c for c in old}, {c.id: c for c in new}
    gone = [c for c in old if c.id not in after]
    pairs: list[tuple[Charter | None, Charter | None]] = []
    for c in sorted(new, key=lambda x: x.id):
        was = before.get(c.id)
        if was is None:
            scored = sorted(((_likeness(g, c), g.id, g) for g in gone), key=lambda s: (-s[0], s[1]))
            if scored and scored[0][0] >= 0.5:
                was = scored[0][2]
                gone.remove(was)
        pairs.append((was, c))
    pairs += [(c, None) for c in sorted(gone, key=lambda x: x.id)]
    changes = (compare_charter(a, b) for a, b in pairs)
    return ChangeSet(tuple(c for c in changes if not c.is_empty()))
