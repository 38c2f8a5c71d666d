"""What a change to the charters means, section by section, and whose sign-off each part needs.

Pure: charters in, a ChangeSet out. `changes` renders it and `diff` reads the charters from git.

The sign-off rule, the one `docs/review-workflow.md` states:

- a pledge needs its maker and every partner it is made to (every partner of the charter when
  it is made to `all`), before the change and after it;
- a pledge's updates (progress notes, with the status or due date they set) are part of the
  pledge: they need its maker and every partner it is made to;
- a partner's own entry (name, sector, lead, reviewers, signature, wider networks) needs that
  partner;
- a recorded measurement rewritten or removed needs every partner, and is flagged; a note or
  source added to one, or changed, needs every partner too but leaves its value as recorded;
- everything else is shared (title, summary, hub, stage, dates, vision and outcomes,
  principles, rules of engagement, engagement, the engagement log of meetings, metrics,
  assessments, the self-assessment's secretariat and rounds, partners joining or leaving, the
  order of entries, a charter added, removed or renamed) and needs every partner: every
  partner the charter names before or after the change.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace

from generator.model import Charter, Measurement, Meeting, Metric, Partner, Pledge, Update

Value = str | float | int | tuple[str, ...] | None

# Field names in words, for the comment, the history page and the "changed since signed" list.
LABELS = {"by": "made by", "to": "made to", "statement": "vision", "review_by": "review by",
          "target_date": "target date", "due": "due date", "signed": "signature",
          "secretariat": "self-assessment secretariat", "rounds": "self-assessment rounds"}


def label(field: str) -> str:
    """A field's name in words: `target_date` is "target date"."""
    return LABELS.get(field, field.replace("_", " "))


@dataclass(frozen=True)
class FieldChange:
    """One field's old and new value; `days` is how far a date moved (positive = later)."""

    field: str
    old: Value
    new: Value
    days: int | None = None


@dataclass(frozen=True)
class CharterField(FieldChange):
    """A change to a field of the charter itself, with the partners who must agree to it."""

    signoff: tuple[str, ...] = ()


@dataclass(frozen=True)
class ItemChange:
    """An entry of a list of texts (principles, rules, outcomes) added, removed or edited."""

    kind: str  # added | removed | edited
    old: str | None
    new: str | None
    signoff: tuple[str, ...] = ()


@dataclass(frozen=True)
class UpdateNote:
    """A pledge's update as the diff shows it: where it sits in the file is left out."""

    date: dt.date
    text: str
    status: str | None = None
    due: dt.date | None = None
    previous_due: dt.date | None = None
    reason: str | None = None


@dataclass(frozen=True)
class UpdateChange:
    """An update of a pledge added, removed or edited in place."""

    kind: str  # added | removed | edited
    old: UpdateNote | None
    new: UpdateNote | None


@dataclass(frozen=True)
class PledgeChange:
    kind: str  # added | removed | changed
    id: str
    old_id: str | None  # set when the id changed but the pledge is the same
    by: str
    to: tuple[str, ...]
    text: str
    fields: tuple[FieldChange, ...] = ()
    signoff: tuple[str, ...] = ()
    updates: tuple[UpdateChange, ...] = ()


# A pledge's change with its old and new version, which say who must sign it off.
_Found = tuple[PledgeChange, Pledge | None, Pledge | None]


@dataclass(frozen=True)
class MeasurementChange:
    """A recorded value replaced by another for the same date: history rewritten."""

    date: dt.date
    old: float
    new: float


@dataclass(frozen=True)
class MeasurementNote:
    """A recorded measurement's `note` or `source` added, changed or removed; its value kept."""

    date: dt.date
    field: str  # note | source
    old: str | None
    new: str | None


@dataclass(frozen=True)
class MetricChange:
    kind: str  # added | removed | changed
    id: str
    name: str
    fields: tuple[FieldChange, ...] = ()
    new_measurements: tuple[Measurement, ...] = ()
    removed_measurements: tuple[Measurement, ...] = ()
    changed_measurements: tuple[MeasurementChange, ...] = ()
    rewrites_history: bool = False  # a recorded measurement changed or removed
    signoff: tuple[str, ...] = ()
    noted_measurements: tuple[MeasurementNote, ...] = ()


@dataclass(frozen=True)
class PartnerChange:
    kind: str  # joined | left | changed
    id: str
    name: str
    fields: tuple[FieldChange, ...] = ()
    signoff: tuple[str, ...] = ()


@dataclass(frozen=True)
class SignOff:
    """A partner who must agree, why (the changes it must agree to), and who may approve.

    `approvers` are the handles whose approval counts for it: its own `reviewers`, or, when it
    declares none, the hub partner's (`stand_in` then names the hub).
    """

    partner: str
    name: str
    lead: str | None
    reviewers: tuple[str, ...]
    changes: tuple[str, ...]
    stand_in: str | None = None
    approvers: tuple[str, ...] = ()


@dataclass(frozen=True)
class CharterChange:
    kind: str  # added | removed | changed | renamed
    id: str
    title: str
    old_path: str | None
    new_path: str | None
    fields: tuple[CharterField, ...] = ()
    outcomes: tuple[ItemChange, ...] = ()
    principles: tuple[ItemChange, ...] = ()
    rules_of_engagement: tuple[ItemChange, ...] = ()
    mechanisms: tuple[ItemChange, ...] = ()
    links: tuple[ItemChange, ...] = ()
    partners: tuple[PartnerChange, ...] = ()
    pledges: tuple[PledgeChange, ...] = ()
    metrics: tuple[MetricChange, ...] = ()
    signoff: tuple[str, ...] = ()  # everyone who must agree to some part of it
    sign_off: tuple[SignOff, ...] = ()
    rewrites_history: bool = False
    meetings: tuple[ItemChange, ...] = ()  # the engagement log, one line per meeting

    def is_empty(self) -> bool:
        """True when nothing a reader would care about changed (comments, order of keys)."""
        return self.kind == "changed" and not any(
            (self.fields, self.outcomes, self.principles, self.rules_of_engagement,
             self.mechanisms, self.links, self.meetings, self.partners, self.pledges,
             self.metrics))


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


def _shared(changes: Iterable[FieldChange], everyone: tuple[str, ...]) -> tuple[CharterField, ...]:
    return tuple(CharterField(c.field, c.old, c.new, c.days, everyone) for c in changes)


def _items(old: Sequence[str], new: Sequence[str],
           everyone: tuple[str, ...]) -> tuple[ItemChange, ...]:
    """List entries added, removed, or edited in place (same position, replaced one for one)."""
    out: list[ItemChange] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "replace" and i2 - i1 == j2 - j1:
            out += [ItemChange("edited", a, b, everyone)
                    for a, b in zip(old[i1:i2], new[j1:j2], strict=True)]
        elif op != "equal":
            out += [ItemChange("removed", a, None, everyone) for a in old[i1:i2]]
            out += [ItemChange("added", None, b, everyone) for b in new[j1:j2]]
    return tuple(out)


def _note(u: Update) -> UpdateNote:
    return UpdateNote(u.date, u.text, u.status, u.due, u.previous_due, u.reason)


def _updates(old: Sequence[Update], new: Sequence[Update]) -> tuple[UpdateChange, ...]:
    """A pledge's updates added, removed, or edited: an update of the same date on both sides
    is the same update (the n-th of that date, when there are several)."""
    out: list[UpdateChange] = []
    for day in sorted({u.date for u in (*old, *new)}):
        was = [_note(u) for u in old if u.date == day]
        now = [_note(u) for u in new if u.date == day]
        out += [UpdateChange("edited", a, b) for a, b in zip(was, now, strict=False) if a != b]
        out += [UpdateChange("removed", a, None) for a in was[len(now):]]
        out += [UpdateChange("added", None, b) for b in now[len(was):]]
    return tuple(out)


def _same_text(a: Pledge, b: Pledge) -> bool:
    return a.by == b.by and a.text.split() == b.text.split()


def _bound(charter: Charter, pledge: Pledge | None) -> list[str]:
    """The partners one version of a pledge binds: its maker, then those it is made to."""
    return [] if pledge is None else [pledge.by, *charter.recipients(pledge)]


def _pledges(a: Charter, b: Charter, order: Sequence[str]) -> list[_Found]:
    """Each pledge added, removed or changed, with its old and new version (None if absent).

    Its sign-off: everyone the pledge bound before or binds after, since a receiver dropped
    from a pledge loses the promise and must agree as much as one added.
    """
    old, new = a.pledges, b.pledges
    before, after = {p.id: p for p in old}, {p.id: p for p in new}
    gone = [p for p in old if p.id not in after]
    came = [p for p in new if p.id not in before]
    renamed: dict[str, Pledge] = {}  # new id -> old pledge
    for p in came:
        match = next((q for q in gone if _same_text(q, p) and q not in renamed.values()), None)
        if match is not None:
            renamed[p.id] = match
    names = ("by", "to", "text", "owner", "status", "due", "metrics")

    def who(was: Pledge | None, now: Pledge | None) -> tuple[str, ...]:
        return _ordered([*_bound(a, was), *_bound(b, now)], order)

    out: list[_Found] = []
    for p in new:
        was = before.get(p.id) or renamed.get(p.id)
        if was is None:
            out.append((PledgeChange("added", p.id, None, p.by, p.to, p.text, (),
                                     who(None, p), _updates((), p.updates)), None, p))
            continue
        changed, updates = _fields(was, p, names), _updates(was.updates, p.updates)
        if changed or updates or was.id != p.id:
            out.append((PledgeChange("changed", p.id, was.id if was.id != p.id else None,
                                     p.by, p.to, p.text, changed, who(was, p), updates), was, p))
    out += [(PledgeChange("removed", p.id, None, p.by, p.to, p.text, (), who(p, None)), p, None)
            for p in gone if p not in renamed.values()]
    return out


def _metrics(old: Sequence[Metric], new: Sequence[Metric],
             everyone: tuple[str, ...]) -> tuple[MetricChange, ...]:
    before, after = {m.id: m for m in old}, {m.id: m for m in new}
    names = ("name", "unit", "direction", "baseline", "target", "target_date")
    out: list[MetricChange] = []
    for m in new:
        was = before.get(m.id)
        if was is None:
            out.append(MetricChange("added", m.id, m.name, (), m.measurements, signoff=everyone))
            continue
        then = {x.date: x.value for x in was.measurements}
        now = {x.date: x.value for x in m.measurements}
        added = tuple(x for x in m.measurements if x.date not in then)
        dropped = tuple(x for x in was.measurements if x.date not in now)
        rewritten = tuple(MeasurementChange(x.date, then[x.date], x.value)
                          for x in m.measurements if then.get(x.date, x.value) != x.value)
        noted = _noted(was.measurements, m.measurements)
        changed = _fields(was, m, names)
        if changed or added or dropped or rewritten or noted:
            out.append(MetricChange("changed", m.id, m.name, changed, added, dropped, rewritten,
                                    bool(dropped or rewritten), everyone, noted))
    out += [MetricChange("removed", m.id, m.name, (), (), m.measurements, (),
                         bool(m.measurements), everyone)
            for m in old if m.id not in after]
    return tuple(out)


def _rounds(a: Charter, b: Charter) -> tuple[FieldChange, ...]:
    """The self-assessment rounds, if changed: '2026-spring from 2026-04-01 to 2026-06-30'."""
    old, new = (tuple(f"{r.id} from {r.opens.isoformat()}"
                      + (f" to {r.closes.isoformat()}" if r.closes else "") for r in c.rounds)
                for c in (a, b))
    return (FieldChange("rounds", old or None, new or None),) if old != new else ()


def _noted(old: Sequence[Measurement], new: Sequence[Measurement]) -> tuple[MeasurementNote, ...]:
    """Notes and sources of measurements recorded on both sides that changed."""
    then = {x.date: x for x in old}
    return tuple(MeasurementNote(x.date, name, getattr(then[x.date], name), getattr(x, name))
                 for x in new if x.date in then for name in ("note", "source")
                 if getattr(then[x.date], name) != getattr(x, name))


def _partners(old: Sequence[Partner], new: Sequence[Partner],
              everyone: tuple[str, ...]) -> tuple[PartnerChange, ...]:
    before, after = {p.id: p for p in old}, {p.id: p for p in new}
    out: list[PartnerChange] = []
    for p in new:
        was = before.get(p.id)
        if was is None:
            out.append(PartnerChange("joined", p.id, p.name, (), everyone))
        elif changed := _fields(was, p, ("name", "sector", "lead", "signed", "reviewers",
                                         "networks")):
            out.append(PartnerChange("changed", p.id, p.name, changed, (p.id,)))
    out += [PartnerChange("left", p.id, p.name, (), everyone) for p in old if p.id not in after]
    return tuple(out)


def _ordered(ids: Iterable[str], order: Sequence[str]) -> tuple[str, ...]:
    """Each id once, in the order the partners are listed (unknown ids last, sorted)."""
    rank: dict[str, int] = {}
    for i, pid in enumerate(order):
        rank.setdefault(pid, i)
    return tuple(sorted(set(ids), key=lambda x: (rank.get(x, len(rank)), x)))


def _outline(m: Charter) -> list[str]:
    return [f"{x.name} ({x.mode}{', ' + x.frequency if x.frequency else ''}; "
            f"with {', '.join(x.partners)})" for x in m.engagement.mechanisms]


def _meeting_text(m: Meeting) -> str:
    """'2026-03-10: Partnership board (face-to-face, hosted by solent-nhs-trust); attended by
    wessex-etb, solent-nhs-trust; note: …'."""
    host = f", hosted by {m.host}" if m.host else ""
    note = f"; note: {m.note}" if m.note else ""
    return (f"{m.date.isoformat()}: {m.mechanism} ({m.mode}{host}); "
            f"attended by {', '.join(m.attended)}{note}")


def _meetings(old: Sequence[Meeting], new: Sequence[Meeting],
              everyone: tuple[str, ...]) -> tuple[ItemChange, ...]:
    """Meetings of the log added, removed, or edited: the same date and mechanism on both
    sides is the same meeting, so a meeting logged late is never read as another one edited."""
    keys = sorted({(m.date, m.mechanism) for m in (*old, *new)})
    out: list[ItemChange] = []
    for key in keys:
        was = [_meeting_text(m) for m in old if (m.date, m.mechanism) == key]
        now = [_meeting_text(m) for m in new if (m.date, m.mechanism) == key]
        out += [ItemChange("edited", a, b, everyone)
                for a, b in zip(was, now, strict=False) if a != b]
        out += [ItemChange("removed", a, None, everyone) for a in was[len(now):]]
        out += [ItemChange("added", None, b, everyone) for b in now[len(was):]]
    return tuple(out)


def _without_lines(c: Charter) -> Charter:
    """The charter with the line numbers (where things are, not what they say) set to 0."""
    return replace(c, path="", partners=tuple(replace(p, line=0, column=0) for p in c.partners),
                   pledges=tuple(replace(p, line=0, updates=tuple(replace(u, line=0)
                                                                  for u in p.updates))
                                 for p in c.pledges),
                   metrics=tuple(replace(m, line=0) for m in c.metrics),
                   meetings=tuple(replace(m, line=0) for m in c.meetings))


_UPDATE_LABELS = {"added": "new update", "edited": "update edited", "removed": "update removed"}


def entries(change: CharterChange) -> Iterator[tuple[str, tuple[str, ...]]]:
    """Every part of a charter's change as a short label and its sign-off, in section order.

    Labels read like "WX-003 due date", "rules of engagement", "solent-nhs-trust signature".
    """
    if change.kind != "changed":
        yield f"charter {change.kind}", change.signoff
        if change.kind != "renamed":
            return  # the whole charter is the change; its parts are listed for the reader only
    for f in change.fields:
        yield label(f.field), f.signoff
    for p in change.partners:
        what = ", ".join(label(f.field) for f in p.fields) if p.fields else p.kind
        yield f"{p.id} {what}", p.signoff
    for section, items in (("vision outcomes", change.outcomes), ("principles", change.principles),
                           ("rules of engagement", change.rules_of_engagement),
                           ("engagement mechanisms", change.mechanisms),
                           ("engagement links", change.links),
                           ("engagement log", change.meetings)):
        if items:
            yield section, items[0].signoff  # every item of a section is shared alike
    for pledge in change.pledges:
        parts = ([] if pledge.old_id is None else ["id"]) + [label(f.field) for f in pledge.fields]
        parts += [_UPDATE_LABELS[k] for k in ("added", "edited", "removed")
                  if any(u.kind == k for u in pledge.updates)]
        what = ", ".join(parts) if pledge.kind == "changed" else pledge.kind
        yield f"{pledge.id} {what}", pledge.signoff
    for m in change.metrics:
        parts = [label(f.field) for f in m.fields]
        parts += ["new measurement"] * bool(m.new_measurements)
        parts += ["measurement rewritten"] * bool(m.changed_measurements)
        parts += ["measurement removed"] * bool(m.removed_measurements and m.kind == "changed")
        parts += [f"measurement {name}" for name in ("note", "source")
                  if any(n.field == name for n in m.noted_measurements)]
        what = ", ".join(parts) if m.kind == "changed" else m.kind
        yield f"metric {m.id} {what}", m.signoff


def _sign_off(change: CharterChange, old: Charter, new: Charter) -> tuple[SignOff, ...]:
    """Everyone some part of the change needs, with the changes and who may approve for them.

    Reviewers come from the charter before the change where the partner was in it, so a pull
    request cannot name its own author as a partner's reviewer and approve for that partner.
    """
    trusted = {p.id: p for p in [*new.partners, *old.partners]}  # the older version wins
    newer = {p.id: p for p in [*old.partners, *new.partners]}  # the newer name and lead win
    hub_id = old.hub or new.hub
    hub = trusted.get(hub_id)
    owed: dict[str, list[str]] = {}
    for what, who in entries(change):
        for pid in who:
            owed.setdefault(pid, [])
            if what not in owed[pid]:
                owed[pid].append(what)
    out = []
    for pid in _ordered(owed, [p.id for p in [*new.partners, *old.partners]]):
        partner, shown = trusted.get(pid), newer.get(pid)
        reviewers = partner.reviewers if partner else ()
        stand_in = hub_id if not reviewers and hub is not None and pid != hub_id else None
        approvers = reviewers or (hub.reviewers if stand_in and hub else ())
        out.append(SignOff(pid, shown.name if shown else pid, shown.lead if shown else None,
                           reviewers, tuple(owed[pid]), stand_in, approvers))
    return tuple(out)


def compare_charter(old: Charter | None, new: Charter | None) -> CharterChange:
    """What changed from one version of a charter to the next (either may be None)."""
    first = new or old
    assert first is not None, "compare_charter needs at least one charter"
    empty = Charter("", "", "", "", "", (), first.vision)
    a, b = old or empty, new or empty
    kind = ("added" if old is None else "removed" if new is None
            else "renamed" if a.path != b.path else "changed")
    order = [p.id for p in [*b.partners, *a.partners]]
    everyone = _ordered(order, order)
    found = _pledges(a, b, order)
    pledges = tuple(change for change, _, _ in found)
    fields = () if old is None or new is None else _shared(
        _fields(a, b, ("title", "summary", "hub", "stage", "established", "review_by"))
        + _fields(a.vision, b.vision, ("statement",))
        + (() if a.assessments == b.assessments else (FieldChange("assessments", "…", "…"),))
        + _fields(a, b, ("secretariat",)) + _rounds(a, b),
        everyone)
    change = CharterChange(
        kind, first.id, first.title, old.path if old else None, new.path if new else None, fields,
        _items(a.vision.outcomes, b.vision.outcomes, everyone),
        _items([f"{p.title}: {p.description}" for p in a.principles],
               [f"{p.title}: {p.description}" for p in b.principles], everyone),
        _items(a.rules_of_engagement, b.rules_of_engagement, everyone),
        _items(_outline(a), _outline(b), everyone),
        _items([" and ".join(x) for x in a.engagement.links],
               [" and ".join(x) for x in b.engagement.links], everyone),
        _partners(a.partners, b.partners, everyone), pledges,
        _metrics(a.metrics, b.metrics, everyone),
        meetings=_meetings(a.meetings, b.meetings, everyone))
    if (old is not None and new is not None and change.is_empty()
            and _without_lines(a) != _without_lines(b)):
        # Something no section names changed (the order of partners, pledges or metrics):
        # still a change, and still everyone's, never "nothing changed".
        change = replace(change, fields=(CharterField("order", "…", "…", None, everyone),))
    who = (everyone if kind != "changed" else
           _ordered((pid for _, ids in entries(change) for pid in ids), order))
    change = replace(change, signoff=who,
                     rewrites_history=any(m.rewrites_history for m in change.metrics))
    return replace(change, sign_off=_sign_off(change, a, b))


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
