"""A signature belongs to a version: what changed in a charter after each partner signed it.

Pure: the charters and their git history in, per charter and partner the changes since the
commit that set the partner's `signed:` date out. Routine records do not make a signature
stale: a measurement added to a metric, and other partners signing. Everything else does,
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
    """The change without what never unsettles a signature: signatures and new measurements."""
    partners = []
    for p in change.partners:
        kept = tuple(f for f in p.fields if f.field != "signed")
        if kept or p.kind != "changed":
            partners.append(replace(p, fields=kept))
    metrics = tuple(replace(m, new_measurements=()) for m in change.metrics
                    if m.kind != "changed" or m.fields or m.changed_measurements
                    or m.removed_measurements)
    return replace(change, partners=tuple(partners), metrics=metrics)


def _set_signature(change: CharterChange, partner_id: str) -> bool:
    """True when this change gave the partner its signature (by joining or by signing)."""
    return any(p.id == partner_id and (p.kind == "joined" or any(
        f.field == "signed" for f in p.fields)) for p in change.partners)


def changes_since_signed(charters: Iterable[Charter], history: History) -> SinceSigned:
    """Per charter id, per partner that has signed: the labels of the changes committed after
    the commit that set its `signed:` date, oldest first, each once; [] when nothing changed
    since. None for every partner when the history is unavailable (a shallow clone), and for
    a partner whose signing commit is not in the history (a signature not yet committed).
    """
    out: SinceSigned = {}
    for charter in charters:
        signed = [p.id for p in charter.partners if p.signed is not None]
        oldest_first = list(reversed(history.entries.get(charter.id, ())))
        found: dict[str, list[str] | None] = {}
        for pid in signed:
            if not history.available:
                found[pid] = None
                continue
            start = next((i for i in range(len(oldest_first) - 1, -1, -1)
                          if _set_signature(oldest_first[i].change, pid)), None)
            if start is None:
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
