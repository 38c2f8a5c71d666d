"""The field reference (`docs/guide/reference.md`), written from the format's one declaration.

Every field, its type, whether it is required, its allowed values and what it holds come from
`spec.CHARTER`; the pledge statuses from `spec.STATUS_MEANINGS`; the self-assessment response
file from `selfassess.responses.RESPONSE`; the merged round as `selfassess.merge` writes it.
`tests/test_reference.py` fails when the page in docs/ is not what this module writes
(`pytest tests/test_reference.py --update-golden` rewrites it), so the page cannot drift from
what the validator accepts.
"""

from __future__ import annotations

from collections.abc import Iterator

from generator import spec as s
from generator.model import OPEN_STATUSES
from generator.selfassess.assessments import RATINGS
from generator.selfassess.responses import RESPONSE, ROUND_PATTERN

# Patterns by what they mean to someone writing YAML, not as regular expressions.
_PATTERNS = {
    s.ID_PATTERN: "lowercase letters, digits and single hyphens",
    s.PLEDGE_ID_PATTERN: "letters and digits, with single `-`, `_` or `.` between them",
    ROUND_PATTERN: "letters and digits, with single `-`, `_` or `.` between them",
    s.EMAIL_PATTERN: "an e-mail address",
    s.REVIEWER_PATTERN: "a git-host handle `@name`, a team `@org/team`, or an e-mail address",
}
_REFS = {
    "partner": "the id of a partner of this charter",
    "partner-or-all": "the id of a partner of this charter, or `all`",
    "metric": "the id of a metric of this charter",
    "mechanism": "the name of an engagement mechanism of this charter",
}
_DECLARES = {"partner": "unique among the partners", "pledge": "unique among the pledges",
             "metric": "unique among the metrics",
             "mechanism": "unique among the mechanisms"}

HEADER = """\
# Every field of a charter

<!-- Written by generator/reference.py from generator/spec.py: do not edit by hand.
     `pytest tests/test_reference.py --update-golden` rewrites it. -->

This page lists every field a charter file may hold, as the validator reads it: its type,
whether it is required, the values it allows and what it is for. It is generated from the one
declaration of the format that the validator and the editors' JSON Schema are also made from,
so it always says what `charters validate` accepts. A field not listed here is an error.
[Writing a charter](writing-a-charter.md) explains how to write one.
"""


def reference_markdown() -> str:
    """The whole reference page as Markdown."""
    parts = [HEADER]
    for title, anchor, mapping in _maps(s.CHARTER, "", "charter"):
        parts.append(_section(title, anchor, mapping))
    parts.append(_statuses())
    parts.append(_responses())
    parts.append(_merged())
    return "\n".join(parts)


def _anchor(path: str) -> str:
    return "field-" + ("-".join(w for w in path.replace("[]", "").split(".") if w) or "charter")


def _maps(spec: s.Spec, path: str, title: str) -> Iterator[tuple[str, str, s.Map]]:
    """Every mapping in the declaration, outermost first, with its path (`pledges[]`)."""
    if isinstance(spec, s.Seq):
        yield from _maps(spec.item, path + "[]", title)
    elif isinstance(spec, s.Map):
        yield title, _anchor(path), spec
        for name, field in spec.fields.items():
            inner = f"{path}.{name}" if path else name
            yield from _maps(field.spec, inner, f"`{_shown(field.spec, inner)}`")


def _shown(spec: s.Spec, path: str) -> str:
    return path + "[]" if isinstance(spec, s.Seq) and not path.endswith("[]") else path


def _section(title: str, anchor: str, mapping: s.Map) -> str:
    heading = "The top level" if title == "charter" else title
    rows = ["| Field | Type | Required | Allowed values | What it holds |",
            "| --- | --- | --- | --- | --- |"]
    for name, field in mapping.fields.items():
        rows.append(f"| `{name}` | {_type(field.spec, anchor, name)} | "
                    f"{'yes' if field.required else 'no'} | {_allowed(field.spec)} | "
                    f"{_cell(field.doc)} |")
    return f"## {heading} {{ #{anchor} }}\n\n" + "\n".join(rows) + "\n"


def _type(spec: s.Spec, anchor: str, name: str) -> str:
    if isinstance(spec, s.Text):
        return "text (Markdown, may run over several lines)" if spec.multiline else "text"
    if isinstance(spec, s.Date):
        return "date, YYYY-MM-DD"
    if isinstance(spec, s.Number):
        return "number"
    if isinstance(spec, s.Enum):
        return "one word of a list"
    if isinstance(spec, s.Seq):
        count = ""
        if spec.max is not None and spec.max == spec.min:
            count = f" (exactly {spec.min})"
        elif spec.min:
            count = f" ({spec.min} or more)"
        return f"list{count}, each: {_type(spec.item, anchor, name)}"
    child = f"{anchor}-{name}" if anchor != "field-charter" else f"field-{name}"
    return f"mapping, see [below](#{child})"


def _allowed(spec: s.Spec) -> str:
    if isinstance(spec, s.Seq):
        return _allowed(spec.item)
    if isinstance(spec, s.Enum):
        return ", ".join(f"`{v}`" for v in spec.values)
    if isinstance(spec, s.Text):
        found = [_REFS[spec.ref]] if spec.ref else []
        if spec.pattern:
            found.append(_PATTERNS.get(spec.pattern, f"matching `{spec.pattern}`"))
        if spec.declares:
            found.append(_DECLARES.get(spec.declares, "unique"))
        if spec.declares == "partner":
            found.append("not `all`")
        if spec.example:
            found.append(f"for example `{spec.example}`")
        return "; ".join(found) or "any"
    return "any"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _statuses() -> str:
    rows = ["| Status | Shown as | What it means | Who sets it |", "| --- | --- | --- | --- |"]
    for status in s.STATUSES:
        meaning, who = s.STATUS_MEANINGS[status]
        rows.append(f"| `{status}` | {s.STATUS_LABELS[status]} | {meaning} | {who} |")
    return ("## What each pledge status means { #pledge-statuses }\n\n"
            "A pledge's `status` is one of these. Every change to it is a pull request that the "
            "partner making the pledge and the partners it is made to approve (see [the review "
            "workflow](../review-workflow.md)); the last column says who proposes the change."
            "\n\n"
            + "\n".join(rows) + "\n\n"
            "*Overdue* is not a status: the site computes it. A pledge that is "
            + ", ".join(f"`{x}`" for x in OPEN_STATUSES[:-1]) + f" or `{OPEN_STATUSES[-1]}`"
            + " and past its `due` date on the day the site is built is flagged overdue.\n")


def _responses() -> str:
    rows = ["| Field | Type | Required | Allowed values | What it holds |",
            "| --- | --- | --- | --- | --- |"]
    for name, field in RESPONSE.fields.items():
        kind = ("mapping of statement id to rating" if isinstance(field.spec, s.Map)
                else _type(field.spec, "field-response", name))
        rows.append(f"| `{name}` | {kind} | {'yes' if field.required else 'no'} | "
                    f"{_allowed(field.spec)} | {_cell(field.doc)} |")
    ratings = ", ".join(f"{i} ({word})" for i, word in enumerate(RATINGS, start=1))
    return ("## A self-assessment response file { #field-response }\n\n"
            "The self-assessment page exports one person's answers as a small YAML file. The "
            "respondent sends it to the partnership's secretariat (by e-mail: the page writes "
            "the e-mail too); nobody commits it. The secretariat merges a round's files with "
            "`charters assess merge` into [a merged round](#merged-round), the only file the "
            "repository keeps (see [Self-assessment](self-assessment.md)).\n\n"
            + "\n".join(rows) + "\n\n"
            f"Ratings: {ratings}; the words may be written instead of the numbers, with "
            "hyphens for spaces (`not-yet`). Without `round`, a response counts in the "
            "charter's round that last opened on or before its `date` (see "
            "[`self_assessment`](#field-self_assessment)), else in the date's quarter.\n\n"
            "```yaml\nchecklist: partner-leader\npartner: solent-nhs-trust\n"
            "role: Board member\ndate: 2026-11-20\nanswers:\n  convene-1: 3\n"
            "  convene-2: partly\n```\n")


# The keys of a merged round, in the order `charters assess merge` writes them.
_MERGED = (
    ("merged", "The round, like `2026-autumn`: also the file's name."),
    ("charter", "The charter's id."),
    ("threshold", "The fewest people behind any count in the file."),
    ("checklists[]", "One entry per checklist answered; the partner leader checklist has one "
                     "for self-ratings (`raters: self`) and one for ratings of colleagues "
                     "(`raters: others`, 360-degree feedback, pooled over every leader rated)."),
    ("checklists[].date", "The latest answer's date, which orders the rounds."),
    ("checklists[].respondents", "How many people answered."),
    ("checklists[].pillars", "Per pillar, `rated`: the people who rated any of its statements, "
                             "and `counted`: the people behind its counts."),
    ("checklists[].statements", "Per statement at least `threshold` people rated, how many gave "
                                "each rating: `[not yet, partly, mostly, fully]`."),
    ("checklists[].left-out", "Statements rated by fewer people: listed, with no counts."),
    ("checklists[].partners, .roles", "Per partner or role group of at least `threshold` "
                                      "people, where nobody can be told apart by subtraction: "
                                      "`respondents` and `statements`, as above."),
)


def _merged() -> str:
    rows = ["| Key | What it holds |", "| --- | --- |"]
    rows += [f"| `{key}` | {_cell(doc)} |" for key, doc in _MERGED]
    return ("## A merged round { #merged-round }\n\n"
            "`charters assess merge FILES... --charter ID` writes "
            "`charters/<id>/assessments/<round>.yaml` from the response files of one round, "
            "and the site reads it. It names nobody and keeps no per-person record and no free "
            "text: only how many people gave each rating. Do not edit it: merge the files "
            "again (the same files in any order give the same bytes).\n\n"
            + "\n".join(rows) + "\n\n"
            "Response files committed one by one under `charters/<id>/assessments/` (the older "
            "route, with `respondent:`) are still read and counted, but `charters validate` "
            "warns that anyone with the repository can read them and names the `charters "
            "assess merge` command that replaces them. Merge them, then delete them.\n")
