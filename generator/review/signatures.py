"""A signature belongs to a version: what changed in a charter after each partner signed it.

Pure: the charters and their git history in, per charter and partner the changes since the
commit that set the partner's `signed:` date out. Routine records do not make a signature
stale: a measurement added to a metric, partners signing, and who reviews for a partner on
the git host (`reviewers:`). Everything else does,
in the words `charters diff` uses ("WX-003 due date", "rules of engagement").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from generator.model import Charter
from generator.review.compare import CharterChange, entries
from generator.review.history import History

# Per charter id, per signed partner id: the changes since it signed, or None when unknown.
SinceSigned = dict[str, dict[str, list[str] | None]]


def _material(change: CharterChange) -> CharterChange:
    """The change without what never unsettles a signature: signatures, reviewers and new
    measurements."""
    partners = []
    for p in change.partners:
        kept = tuple(f for f in p.fields if f.field not in ("signed", "reviewers"))
        if kept or p.kind != "changed":
            partners.append(replace(p, fields=kept))
    metrics = tuple(replace(m, new_measurements=()) for m in change.metrics
                    if m.kind != "changed" or m.fields or m.changed_measurements
                    or m.removed_measurements)
    return replace(change, partners=tuple(partners), metrics=metrics)


def _signature(change: CharterChange, partner_id: str) -> str | None:
    """What this change did to the partner's signature: "joined" (it came with the partner),
    the date it was set to (ISO), "" when it was removed, or None when it was not touched."""
    for p in change.partners:
        if p.id == partner_id and p.kind == "joined":
            return "joined"
        if p.id == partner_id:
            for f in p.fields:
                if f.field == "signed":
                    return str(f.new) if f.new is not None else ""
    return None


def changes_since_signed(charters: Iterable[Charter], history: History) -> SinceSigned:
    """Per charter id, per partner that has signed: the labels of the changes committed after
    the commit that set its `signed:` date, oldest first, each once; [] when nothing changed
    since. None for every partner when the history is unavailable (a shallow clone), and for
    a partner whose signing commit is not in the history (a signature not yet committed).
    """
    out: SinceSigned = {}
    for charter in charters:
        signed = {p.id: p.signed.isoformat() for p in charter.partners if p.signed is not None}
        oldest_first = list(reversed(history.entries.get(charter.id, ())))
        found: dict[str, list[str] | None] = {}
        for pid in signed:
            if not history.available:
                found[pid] = None
                continue
            start = next((i for i in range(len(oldest_first) - 1, -1, -1)
                          if _signature(oldest_first[i].change, pid) is not None), None)
            if start is None or _signature(oldest_first[start].change, pid) not in (
                    "joined", signed[pid]):
                found[pid] = None
                continue
            labels: list[str] = []
            for entry in oldest_first[start + 1:]:
                labels += [what for what, _ in entries(_material(entry.change))
                           if what not in labels]
            found[pid] = labels
        out[charter.id] = found
    return out


def stale_signatures(since: SinceSigned) -> int:
    """How many partners' signatures predate a change (for the home page's health summary)."""
    return sum(1 for partners in since.values() for labels in partners.values() if labels)
