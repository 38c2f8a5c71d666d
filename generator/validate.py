"""Check YAML nodes against the format in `spec` and turn them into plain values.

One walk over the nodes both checks and converts, reporting every problem with its line and
column. Cross-references (partners, metrics, unique ids) are checked after the walk.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Sequence
from typing import Any

import yaml

from generator import spec as s
from generator import text
from generator.errors import Problem

_T = "tag:yaml.org,2002:"
STR, INT, FLOAT, BOOL, NULL, TIMESTAMP, MERGE = (
    _T + "str", _T + "int", _T + "float", _T + "bool", _T + "null", _T + "timestamp", _T + "merge",
)
_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\Z")
_FLOAT = re.compile(r"[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?\Z")
_BARE_EXPONENT = re.compile(r"[-+]?[0-9]+[eE][-+]?[0-9]+\Z")
_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})\Z")
_KIND = {BOOL: "a boolean", INT: "a number", FLOAT: "a number", NULL: "empty (null)",
         TIMESTAMP: "a date"}
MAX_NUMBER_CHARS = 30
_BREAK = re.compile(f"[{s.LINE_BREAKS}]")
_BIDI = re.compile(f"[{s.BIDI_CONTROLS}]")
_ID_PATTERNS = (s.ID_PATTERN, s.PLEDGE_ID_PATTERN, s.ROUND_PATTERN)  # file names and anchors
MAX_PROBLEMS = 100  # per file: past this, the rest is noise from one early mistake

Path = tuple[str | int, ...]
BAD = object()  # a value that failed its check; the walk goes on without it


def where(path: Path) -> str:
    """`('pledges', 2, 'by')` as `pledges[2].by`."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def suggest(word: str, choices: Iterable[str]) -> str:
    """' (did you mean 'x'?)' when a choice is close to the word, else ''."""
    # Imported here: only invalid charters need it, and `charters validate` runs as a
    # pre-commit hook where every millisecond of start-up counts.
    import difflib

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "my-id"


def _shown(node: yaml.Node) -> str:
    # Only called with scalar nodes, whose value is the text as written.
    value: str = node.value
    return value if len(value) <= 40 else value[:37] + "..."


class Walker:
    """Walks one file's nodes; collects problems, references and declarations."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []
        self.refs: list[tuple[str, str, Path, yaml.Node]] = []
        self.decls: list[tuple[str, str, Path, yaml.Node]] = []
        self.anchors: list[tuple[str, Path, yaml.Node]] = []  # '#x' links in Markdown fields
        self._patterns: dict[str, re.Pattern[str]] = {}

    def report(self, node: yaml.Node, path: Path, message: str) -> None:
        mark = node.start_mark
        self.problems.append(
            Problem(self.path, mark.line + 1, mark.column + 1, where(path), message))

    def value(self, node: yaml.Node, spec: s.Spec, path: Path) -> Any:
        """Check one node against its spec and return its plain value, or BAD."""
        if isinstance(spec, s.Map):
            return self._map(node, spec, path)
        if isinstance(spec, s.Seq):
            return self._seq(node, spec, path)
        if not isinstance(node, yaml.ScalarNode):
            shape = "a list" if isinstance(node, yaml.SequenceNode) else "a mapping"
            self.report(node, path, f"expected {_expected(spec)}, found {shape}")
            return BAD
        if isinstance(spec, s.Text):
            return self._text(node, spec, path)
        if isinstance(spec, s.Enum):
            return self._enum(node, spec, path)
        if isinstance(spec, s.Date):
            return self._date(node, path)
        return self._number(node, path)

    def _map(self, node: yaml.Node, spec: s.Map, path: Path) -> Any:
        if not isinstance(node, yaml.MappingNode):
            found = "a list" if isinstance(node, yaml.SequenceNode) else f"'{_shown(node)}'"
            keys = ", ".join(list(spec.fields)[:3])
            hint = f"; write keys such as {keys}:" if spec.fields else ""
            self.report(node, path, f"expected a mapping, found {found}{hint}")
            return BAD
        fields = spec.fields
        out: dict[str, Any] = {}
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.report(key_node, path, "keys must be plain words, not lists or mappings")
                continue
            key = key_node.value
            if key_node.tag == MERGE:
                self.report(key_node, path,
                            "merge keys ('<<') are not supported; write the keys out")
                continue
            if key in seen:
                self.report(key_node, (*path, key),
                            f"duplicate key '{key}' (first on line {seen[key]}); keep one")
                continue
            seen[key] = key_node.start_mark.line + 1
            field = fields.get(key)
            if field is None:
                if len(self.problems) >= MAX_PROBLEMS:
                    continue  # past the cap nothing more is shown: skip the costly suggestion
                hint = suggest(key, fields) or f" (expected one of: {', '.join(fields)})"
                self.report(key_node, path, f"unknown key '{key}'{hint}")
                continue
            value = self.value(value_node, field.spec, (*path, key))
            if value is not BAD:
                out[key] = value
        for key, field in fields.items():
            if field.required and key not in seen:
                self.report(node, path, f"missing required key '{key}' ({field.doc.rstrip('.')})")
        if spec.keep_line:
            out["_line"] = node.start_mark.line + 1
        return out

    def _seq(self, node: yaml.Node, spec: s.Seq, path: Path) -> Any:
        if not isinstance(node, yaml.SequenceNode):
            found = "a mapping" if isinstance(node, yaml.MappingNode) else f"'{_shown(node)}'"
            self.report(node, path, f"expected a list, found {found}; write each item on a "
                                    "line of its own starting with '- '")
            return BAD
        items = node.value
        if len(items) < spec.min:
            self.report(node, path, f"needs at least {spec.min} item{'s' * (spec.min > 1)}, "
                                    f"found {len(items)}")
        if spec.max is not None and len(items) > spec.max:
            self.report(node, path, f"takes at most {spec.max} items, found {len(items)}")
        out = []
        for i, item in enumerate(items):
            value = self.value(item, spec.item, (*path, i))
            if value is not BAD:
                out.append(value)
        return out

    def _wrong_scalar(self, node: yaml.ScalarNode, path: Path, expected: str) -> object:
        raw = node.value
        if node.tag == NULL:
            self.report(node, path,
                        f"is empty; expected {expected} (give a value or remove the key)")
        elif node.tag == INT and ":" in raw:
            self.report(node, path, f"'{raw}' is read by YAML 1.1 as a base-60 number; "
                                    f"expected {expected}: put it in quotes (\"{raw}\")")
        elif node.tag in _KIND:
            self.report(node, path, f"'{_shown(node)}' is read by YAML as {_KIND[node.tag]}; "
                                    f"expected {expected}: put it in quotes (\"{raw}\")")
        else:
            self.report(node, path, f"expected {expected}, found '{_shown(node)}'")
        return BAD

    def _text(self, node: yaml.ScalarNode, spec: s.Text, path: Path) -> Any:
        if node.tag != STR:
            return self._wrong_scalar(node, path, "text")
        value: str = node.value
        if spec.pattern is None:
            if not value.strip():
                self.report(node, path, "is empty; expected text")
                return BAD
            if spec.multiline:
                if not self._markdown(value, path, node):
                    return BAD
            else:
                message = _one_line(value)
                if message:
                    self.report(node, path, message)
                    return BAD
        else:
            pattern = self._patterns.get(spec.pattern)
            if pattern is None:
                pattern = self._patterns[spec.pattern] = re.compile(spec.pattern)
            if not pattern.fullmatch(value):
                self.report(node, path, _bad_id(value, spec))
                return BAD
            if spec.pattern in _ID_PATTERNS and len(value) > s.MAX_ID_CHARS:
                self.report(node, path, f"is {len(value):,} characters long; an id has at most "
                                        f"{s.MAX_ID_CHARS}")
                return BAD
            if spec.pattern == s.EMAIL_PATTERN and len(value) > s.MAX_EMAIL_CHARS:
                self.report(node, path, f"is {len(value):,} characters long; an e-mail address "
                                        f"has at most {s.MAX_EMAIL_CHARS}")
                return BAD
        if spec.ref:
            self.refs.append((spec.ref, value, path, node))
        if spec.declares:
            if spec.declares == "partner" and s.reserved_name(value):  # partners/ID/ pages
                self.report(node, path, f"'{value}' is a device name on Windows, which cannot "
                                        f"store a file or folder named after it; choose "
                                        f"another id, like '{value}-1'")
            self.decls.append((spec.declares, value, path, node))
        return value

    def _markdown(self, value: str, path: Path, node: yaml.ScalarNode) -> bool:
        """Check a Markdown field against the bounds of `text`; False when it passes one."""
        beyond = text.beyond_bounds(value)
        if beyond:
            line, what = beyond
            if node.style == "|":  # a literal block: its lines are the file's, from the next
                mark = node.start_mark
                self.problems.append(Problem(self.path, mark.line + 1 + line, 1, where(path), what))
            else:  # folded or quoted: YAML joined its lines, so say which line of the text
                self.report(node, path, f"line {line} of the text {what}" if line > 1 else what)
            return False
        for anchor in text.anchor_links(value):
            self.anchors.append((anchor, path, node))
        return True

    def _enum(self, node: yaml.ScalarNode, spec: s.Enum, path: Path) -> Any:
        allowed = ", ".join(spec.values)
        if node.tag == NULL:
            return self._wrong_scalar(node, path, f"one of {allowed}")
        if node.tag != STR or node.value not in spec.values:
            self.report(node, path, f"'{_shown(node)}' is not one of {allowed}"
                                    f"{suggest(node.value, spec.values)}")
            return BAD
        return node.value

    def _date(self, node: yaml.ScalarNode, path: Path) -> Any:
        match = _DATE.match(node.value) if node.tag in (STR, TIMESTAMP) else None
        if match is None:
            if node.tag == TIMESTAMP:
                self.report(node, path, f"'{node.value}' has a time; expected a date YYYY-MM-DD")
                return BAD
            if node.tag == STR:
                self.report(node, path, f"expected a date YYYY-MM-DD, found '{_shown(node)}'")
                return BAD
            return self._wrong_scalar(node, path, "a date YYYY-MM-DD")
        try:
            return dt.date(*(int(g) for g in match.groups()))
        except ValueError:
            self.report(node, path, f"'{node.value}' is not a real date")
            return BAD

    def _number(self, node: yaml.ScalarNode, path: Path) -> Any:
        raw = node.value.strip()
        if len(raw) > MAX_NUMBER_CHARS and node.tag in (INT, FLOAT, STR):
            # Python refuses to convert very long integers, and no measurement needs them.
            self.report(node, path, f"'{_shown(node)}' is too long for a number "
                                    f"(at most {MAX_NUMBER_CHARS} characters)")
            return BAD
        if node.tag == INT and _INT.match(raw):
            return int(raw)
        if node.tag == FLOAT and _FLOAT.match(raw):
            value = float(raw)
            if math.isfinite(value):
                return value
            self.report(node, path, f"'{raw}' is too large for a number")
            return BAD
        if node.tag == STR and not node.style and _BARE_EXPONENT.match(raw):
            mantissa, _, exponent = raw.lower().partition("e")
            sign = "" if exponent[0] in "+-" else "+"
            self.report(node, path, f"'{raw}' is text to YAML 1.1 readers; write "
                                    f"{float(raw):g} or {mantissa}.0e{sign}{exponent}")
        elif node.tag == STR and node.style and (_INT.match(raw) or _FLOAT.match(raw)):
            self.report(node, path,
                        f"expected a number, found the text \"{raw}\"; remove the quotes")
        elif node.tag == INT:
            self.report(node, path, f"'{raw}' is not a plain decimal number; write it in decimal "
                                    "digits (YAML 1.1 reads leading zeros, '_', ':' and 0x oddly)")
        elif node.tag == FLOAT:
            self.report(node, path, f"'{raw}' is not a finite decimal number")
        elif node.tag == STR:
            self.report(node, path, f"expected a number, found '{_shown(node)}'")
        else:
            return self._wrong_scalar(node, path, "a number")
        return BAD


def _one_line(value: str) -> str | None:
    """What is wrong with a one-line field's value, or None."""
    if _BREAK.search(value):
        return ("holds a line break; this field is one line of text (only Markdown fields such "
                "as summary and text take several lines)")
    bidi = _BIDI.search(value)
    if bidi:
        return (f"holds U+{ord(bidi.group()):04X}, a character that changes the order text is "
                "shown in, so readers would not see what is stored; remove it")
    if len(value) > s.MAX_LINE_CHARS:
        return (f"is {len(value):,} characters long; a one-line field has at most "
                f"{s.MAX_LINE_CHARS:,}")
    return None


def _expected(spec: s.Spec) -> str:
    if isinstance(spec, s.Text):
        return "text"
    if isinstance(spec, s.Enum):
        return "one of " + ", ".join(spec.values)
    if isinstance(spec, s.Date):
        return "a date YYYY-MM-DD"
    return "a number"


def _bad_id(value: str, spec: s.Text) -> str:
    if spec.pattern == s.ID_PATTERN:
        return (f"'{value[:40]}' is not a valid id: use lowercase letters, digits and single "
                f"hyphens, like '{_slug(value)[:40]}'")
    if spec.pattern == s.PLEDGE_ID_PATTERN:
        return (f"'{value[:40]}' is not a valid pledge id: use letters, digits and "
                "single '-', '_' or '.' between them, like 'SV-001'")
    if spec.pattern == s.EMAIL_PATTERN:  # it becomes a mailto: link
        return (f"'{value[:60]}' is not a plain e-mail address: use letters, digits and "
                "'.', '_', '+' or '-' before the @ and a domain after it, with no '?', '&', "
                f"'%', ':' or spaces, like '{spec.example}'")
    return f"'{value[:40]}' is not valid here; expected something like '{spec.example}'"


def check_references(walker: Walker) -> None:
    """Every reference names something declared; every declared id is unique."""
    declared: dict[str, dict[str, int]] = {"partner": {}, "metric": {}, "pledge": {},
                                           "mechanism": {}}
    for kind, value, path, node in walker.decls:
        first = declared[kind].get(value)
        if first is not None:
            noun = "name" if kind == "mechanism" else "id"
            walker.report(node, path,
                          f"duplicate {kind} {noun} '{value}' (first on line {first})")
        elif kind == "partner" and value == "all":
            walker.report(node, path,
                          "'all' is reserved (it means every partner); choose another id")
        else:
            declared[kind][value] = node.start_mark.line + 1
    for kind, value, path, node in walker.refs:
        if kind == "partner-or-all":
            if value == "all":
                continue
            kind = "partner"
        names = declared[kind]
        if value not in names:
            hint = suggest(value, names) or (f" (declared: {', '.join(names)})" if names else "")
            walker.report(node, path, f"unknown {kind} '{value}'{hint}")


def check_order(walker: Walker, root: yaml.Node, data: dict[str, Any]) -> None:
    """Checks that need several values at once: dates ascending, links between two partners."""
    for i, metric in enumerate(data.get("metrics", [])):
        dates = [m["date"] for m in metric.get("measurements", []) if "date" in m]
        for j in range(1, len(dates)):
            if dates[j] <= dates[j - 1]:
                node = _node_at(root, ("metrics", i, "measurements", j))
                if node is not None:
                    walker.report(node, ("metrics", i, "measurements", j, "date"),
                                  f"{dates[j]} is not after {dates[j - 1]}; list measurements "
                                  "oldest first, one per date")
    for i, pledge in enumerate(data.get("pledges", [])):
        _check_updates(walker, root, i, pledge)
    _check_rounds(walker, root, data.get("self_assessment", {}).get("rounds", []))
    for i, link in enumerate(data.get("engagement", {}).get("links", [])):
        if len(link) == 2 and link[0] == link[1]:
            node = _node_at(root, ("engagement", "links", i))
            if node is not None:
                walker.report(node, ("engagement", "links", i),
                              f"a link joins two different partners, found '{link[0]}' twice")


def _check_updates(walker: Walker, root: yaml.Node, i: int, pledge: dict[str, Any]) -> None:
    """A pledge's updates: dates in order, and the last status and due date they set are the
    pledge's own, each due date moved from the one before."""
    updates = pledge.get("updates", [])
    here: Path = ("pledges", i, "updates")

    def report(j: int, key: str, message: str) -> None:
        node = _node_at(root, (*here, j, key)) or _node_at(root, (*here, j))
        if node is not None:
            walker.report(node, (*here, j, key), message)

    last_status: tuple[int, str] | None = None
    last_due: tuple[int, Any] | None = None
    for j, update in enumerate(updates):
        if j and "date" in update and "date" in updates[j - 1]:
            before = updates[j - 1]["date"]
            if update["date"] < before:
                report(j, "date", f"{update['date']} is before the update above it ({before}); "
                                  "list updates oldest first")
        if "status" in update:
            last_status = (j, update["status"])
        if "due" in update:
            if "previous_due" not in update:
                report(j, "due", "a moved due date keeps the one it replaces: add previous_due: "
                                 "with the date it was due before")
            elif last_due is not None and update["previous_due"] != last_due[1]:
                report(j, "previous_due", f"{update['previous_due']} is not the due date the "
                                          f"update above set ({last_due[1]})")
            if "reason" not in update:
                report(j, "due", "say why the due date moved: add reason:")
            last_due = (j, update["due"])
        elif "previous_due" in update or "reason" in update:
            key = "previous_due" if "previous_due" in update else "reason"
            report(j, key, f"{key}: goes with a new due date; add due: or remove {key}:")
    if last_status is not None and "status" in pledge and last_status[1] != pledge["status"]:
        report(last_status[0], "status",
               f"the last status update sets '{last_status[1]}' but the pledge's status is "
               f"'{pledge['status']}'; make them agree or add an update that sets "
               f"'{pledge['status']}'")
    if last_due is not None and last_due[1] != pledge.get("due"):
        report(last_due[0], "due",
               f"the last due date update sets {last_due[1]} but the pledge's due is "
               f"{pledge.get('due', 'not given')}; make them agree")


def _check_rounds(walker: Walker, root: yaml.Node, rounds: list[dict[str, Any]]) -> None:
    """Self-assessment rounds: unique ids, oldest first, each closing before the next opens,
    so that every answer's date falls in one round."""
    here: Path = ("self_assessment", "rounds")

    def report(j: int, key: str, message: str) -> None:
        node = _node_at(root, (*here, j, key)) or _node_at(root, (*here, j))
        if node is not None:
            walker.report(node, (*here, j, key), message)

    first: dict[str, int] = {}
    for j, r in enumerate(rounds):
        if "id" in r:
            if s.reserved_name(r["id"]):  # its merged file is named after it
                report(j, "id", f"'{r['id']}' is a device name on Windows, which cannot store "
                                f"a file named after it; choose another id, like '{r['id']}-1'")
            if r["id"] in first:
                report(j, "id", f"duplicate round id '{r['id']}' (first on line {first[r['id']]})")
            else:
                first[r["id"]] = r["_line"]
        if "opens" in r and "closes" in r and r["closes"] < r["opens"]:
            report(j, "closes", f"{r['closes']} is before the round opens ({r['opens']})")
        before = rounds[j - 1] if j else {}
        if "opens" in r and "opens" in before:
            if r["opens"] <= before["opens"]:
                report(j, "opens", f"{r['opens']} is not after the round above opens "
                                   f"({before['opens']}); list rounds oldest first")
            elif "closes" in before and r["opens"] <= before["closes"]:
                on = "on" if r["opens"] == before["closes"] else "before"
                report(j, "opens", f"{r['opens']} is {on} the last day of the round above "
                                   f"({before['closes']}); rounds may not overlap: open it "
                                   "on a later day")


def stale_pledges(charters: Iterable[Any], today: dt.date, days: int = 90) -> list[Problem]:
    """Warnings: at-risk, overdue or missed pledges with no update in the `days` before
    `today`. Takes model.Charter values (typed loosely: the model imports nothing from here)."""
    out = []
    for c in charters:
        for i, p in enumerate(c.pledges):
            if p.needs_update(today, days):
                state = ("missed" if p.status == "missed" else
                         "overdue" if p.is_overdue(today) else "at risk")
                last = p.latest_update
                since = f"the last on {last.date}" if last else "none yet"
                out.append(Problem(c.path, p.line, 1, f"pledges[{i}]",
                                   f"{p.id} is {state} with no update in the {days} days "
                                   f"before {today} ({since}); add an entry under updates: "
                                   "saying why and what is being done"))
    return out


def check_anchors(walker: Walker, data: dict[str, Any]) -> None:
    """Every '#anchor' a Markdown field links to is on the charter's page."""
    if not walker.anchors:
        return
    anchors = ["#" + a for a in s.charter_anchors(data)]
    known = set(anchors)
    sections = ", ".join(a for a in anchors if a[1:] in s.CHARTER_SECTIONS)
    for anchor, path, node in walker.anchors:
        if anchor not in known:
            walker.report(node, path, f"links to '{anchor[:60]}', which is not on the charter's "
                                      f"page{suggest(anchor, anchors)}; link to #PLEDGE-ID, "
                                      f"#metric-ID or a section ({sections})")


def _node_at(node: yaml.Node, path: Sequence[str | int]) -> yaml.Node | None:
    for part in path:
        if isinstance(part, int) and isinstance(node, yaml.SequenceNode):
            if part >= len(node.value):
                return None
            node = node.value[part]
        elif isinstance(part, str) and isinstance(node, yaml.MappingNode):
            found = [v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == part]
            if not found:
                return None
            node = found[0]
        else:
            return None
    return node


def validate(root: yaml.Node, path: str) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Check a charter's root node; return its plain data when there are no problems."""
    walker = Walker(path)
    data = walker.value(root, s.CHARTER, ())
    if data is BAD:
        walker.problems[-1] = Problem(
            path, walker.problems[-1].line, walker.problems[-1].column, "",
            "the top level must be a mapping of keys such as title:, summary:, hub:, partners:")
        return None, walker.problems
    check_references(walker)
    check_order(walker, root, data)
    check_anchors(walker, data)
    problems = sorted(walker.problems)
    if len(problems) > MAX_PROBLEMS:
        last = problems[MAX_PROBLEMS - 1]
        more = len(problems) - MAX_PROBLEMS + 1
        problems = [*problems[: MAX_PROBLEMS - 1],
                    Problem(path, last.line, last.column, "",
                            f"{more} more problems not shown; fix these first")]
    return (None if problems else data), problems
