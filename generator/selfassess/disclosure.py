"""What a merged round may show without letting anyone's answers be worked out by subtraction.

`merge` already keeps each count to `threshold` people and, within one kind of group (partners,
or roles), leaves none or at least `threshold` people outside the groups shown. Two more ways to
subtract are closed here: a partner group against a role group in the same file (`cross_safe`),
and a new merge of a round against the file committed before it, which git keeps (`against`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import yaml

from generator.errors import ChartersError
from generator.selfassess.responses import Response

# Per group shown: {"respondents": n, "statements": {statement id: counts}}.
Groups = dict[str, dict[str, Any]]


def cross_safe(responses: Sequence[Response], partners: Groups, roles: Groups,
               partner: Callable[[Response], str], role: Callable[[Response], str],
               threshold: int) -> None:
    """Drop statements from role groups (in place) until, per statement, every partner-by-role
    cell of its raters holds none or at least `threshold` people."""
    for sid in sorted({sid for g in roles.values() for sid in g["statements"]}):
        raters = [r for r in responses if any(s == sid for s, _ in r.answers)]
        by_partner = {k for k, g in partners.items() if sid in g["statements"]}
        by_role = {k for k, g in roles.items() if sid in g["statements"]}
        while by_role:
            cells: dict[tuple[str, str], int] = {}
            for r in raters:
                cell = (partner(r) if partner(r) in by_partner else "",
                        role(r) if role(r) in by_role else "")
                cells[cell] = cells.get(cell, 0) + 1
            if all(n >= threshold for n in cells.values()):
                break
            size = {k: sum(n for (_, rk), n in cells.items() if rk == k) for k in by_role}
            smallest = min(by_role, key=lambda k: (size[k], k))
            by_role.remove(smallest)
            del roles[smallest]["statements"][sid]


Where = tuple[str, str, str, str]  # checklist, raters, group ('' for everyone), statement


def _histograms(text: str) -> dict[Where, tuple[int, ...]]:
    """Every count list of a merged round's text, by where it is."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return {}  # not a merged round: `charters validate` reports it
    found: dict[Where, tuple[int, ...]] = {}
    for item in _list(data.get("checklists") if isinstance(data, dict) else None):
        if not isinstance(item, dict):
            continue
        head = (str(item.get("checklist")), str(item.get("raters") or ""))
        groups = [("", item)] + [(f"{kind} {name}", group) for kind in ("partners", "roles")
                                 for name, group in _map(item.get(kind)).items()]
        for group, holder in groups:
            for sid, counts in _map(_map(holder).get("statements")).items():
                if isinstance(counts, list) and all(isinstance(n, int) for n in counts):
                    found[(*head, group, str(sid))] = tuple(counts)
    return found


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _map(value: object) -> dict[Any, Any]:
    return value if isinstance(value, dict) else {}


def _contains(big: Sequence[int], small: Sequence[int]) -> bool:
    """Whether the people behind `small` could all be among those behind `big`."""
    return len(big) == len(small) and all(b >= s for b, s in zip(big, small, strict=True))


def _refusal(round_: str, head: tuple[str, str], sid: str, before: int, now: int,
             threshold: int) -> str:
    """Why a new merge of a committed round is refused, and what the secretariat can do."""
    what = f"'{sid}' of the {head[0]} checklist" + (f" ({head[1]}-ratings)" if head[1] else "")
    if before == now:
        how = (f"the same {now} people with different ratings (an answer changed or replaced), "
               "so comparing the two files would show that answer")
    else:
        moved = abs(now - before)
        who = "1 person's answers" if moved == 1 else f"{moved} people's answers"
        how = (f"{now} people where the committed file counts {before}, so comparing the two "
               f"files would show {who}")
    return (f"round {round_} is merged already, and git keeps every committed version of its "
            f"file: this merge would count {what} from {how}. Nothing was written. Merge this "
            f"round again once at least {before + threshold} people have rated it (the "
            f"threshold is {threshold}), or merge only the new files into a round of their own "
            "with --round NAME. (If the merged file was never committed, delete it and merge "
            "again.)")


def against(previous: str, items: list[dict[str, object]], round_: str, threshold: int) -> None:
    """Keep the new merge of a round from giving away the answers added since the last one.

    Git keeps the file committed before, so any old count and any new one may be subtracted.
    A changed count for everyone must differ from the old one by at least `threshold` people,
    or the merge is refused. A group's count that could hold an old count (or be held in one)
    but for fewer than `threshold` people is left out of the new file."""
    before = _histograms(previous)
    if not before:
        return
    for item in items:
        head = (str(item["checklist"]), str(item.get("raters") or ""))
        statements = _map(item["statements"])
        for sid, counts in sorted(statements.items()):
            old = before.get((*head, "", sid))
            moved = abs(sum(counts) - sum(old)) if old is not None else threshold
            if old is not None and tuple(counts) != old and moved < threshold:
                raise ChartersError(_refusal(round_, head, sid, sum(old), sum(counts),
                                             threshold))
        olds: dict[str, list[tuple[int, ...]]] = {}
        for (checklist, raters, _, sid), counts in before.items():
            if (checklist, raters) == head:
                olds.setdefault(sid, []).append(counts)
        for kind in ("partners", "roles"):
            for group in _map(item.get(kind)).values():
                shown_ = group["statements"]
                for sid, counts in sorted(shown_.items()):
                    for old in olds.get(sid, []):
                        apart = abs(sum(counts) - sum(old))
                        nested = _contains(counts, old) or _contains(old, counts)
                        if tuple(counts) != old and nested and apart < threshold:
                            del shown_[sid]
                            break
