"""The charter format, version 1, written down once.

The validator walks YAML nodes against these declarations and the JSON Schema for editors is
generated from them, so the two cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
PLEDGE_ID_PATTERN = r"^[A-Za-z0-9]+(?:[-_.][A-Za-z0-9]+)*$"
# A git-host handle (@user), a team (@org/team), or an e-mail address: what CODEOWNERS takes.
REVIEWER_PATTERN = (r"^(?:@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:/[A-Za-z0-9._-]+)?"
                    r"|[^@\s]+@[^@\s]+\.[^@\s]+)$")
# A plain address, as a mailto: link carries it unchanged: no `?`, `&`, `%`, `#`, `:` or space
# (which would add headers, a body or a scheme to the link), no control or reordering character.
EMAIL_PATTERN = (r"^[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                 r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")
# A self-assessment round (2026-autumn, 2026-Q4): the name of its merged file. The same words as
# PLEDGE_ID_PATTERN, spelled apart so that a bad round is not reported as a bad pledge id.
ROUND_PATTERN = r"^[0-9A-Za-z]+(?:[-_.][0-9A-Za-z]+)*$"

# Names Windows keeps for devices, with or without an extension: an id becomes a file or folder
# name (charters/ID.yaml, partners/ID/), which a Windows checkout or an IIS host cannot hold.
WINDOWS_RESERVED = frozenset(
    ["con", "prn", "aux", "nul", *(f"{d}{n}" for d in ("com", "lpt") for n in range(1, 10))])
# Characters that reorder the text around them: a name holding one shows reversed or disguised.
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# Line breaks as Python and YAML 1.1 know them: none belongs in a one-line field.
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
MAX_ID_CHARS = 100  # ids become file names and anchors
MAX_LINE_CHARS = 1_000  # a one-line field: a name, a title, an owner
MAX_EMAIL_CHARS = 254  # the longest address mail can deliver to (RFC 5321)


def reserved_name(value: str) -> bool:
    """True when Windows cannot store a file named `value` (CON, nul.txt, Lpt1.2)."""
    return value.split(".", 1)[0].lower() in WINDOWS_RESERVED


# The sections of a charter's page, by anchor, with the key that must be non-empty for the
# section to be there (None: always there). Besides these, the page has an anchor for each
# pledge (its id) and each metric (metric-ID): the anchors charter text may link to.
CHARTER_SECTIONS: dict[str, str | None] = {
    "partners": None, "vision": None, "principles": "principles",
    "rules-of-engagement": "rules_of_engagement", "engagement": None, "meetings": "meetings",
    "pledges": None,
    "metrics": None,
}


def charter_anchors(data: Mapping[str, Any]) -> list[str]:
    """Every anchor on the page of the charter whose validated values are `data`."""
    sections = [a for a, key in CHARTER_SECTIONS.items() if key is None or data.get(key)]
    pledges = [p["id"] for p in data.get("pledges", ()) if "id" in p]
    metrics = [f"metric-{m['id']}" for m in data.get("metrics", ()) if "id" in m]
    return sections + pledges + metrics


STAGES = ("convene", "balance", "adapt", "focus", "future")
# The partner leader's task at each stage, in the words of the practice the product follows.
STAGE_LABELS = {
    "convene": "Bring the group together",
    "balance": "Balance their perspectives",
    "adapt": "Adapt yourself to the group's needs",
    "focus": "Focus the group",
    "future": "Take them toward a collaborative vision of the future",
}
SECTORS = ("health", "education", "social-care", "local-government", "voluntary", "research",
           "industry", "other")
STATUSES = ("proposed", "active", "at-risk", "met", "missed", "withdrawn")
DIRECTIONS = ("increase", "decrease")
MODES = ("face-to-face", "on-site", "virtual", "written")
# How each value reads on a page: one home for every label.
STATUS_LABELS = {"proposed": "Proposed", "active": "Active", "at-risk": "At risk", "met": "Met",
                 "missed": "Missed", "withdrawn": "Withdrawn"}
# What each status means, and who sets it. Every change to a charter is a pull request that the
# partner making the pledge and the partners it is made to approve (docs/review-workflow.md);
# this says who proposes each step. Printed in docs/guide/reference.md (generator.reference).
STATUS_MEANINGS = {
    "proposed": ("Put forward, not yet agreed.",
                 "The partner making the pledge, when it adds the pledge."),
    "active": ("Agreed, and being delivered.",
               "The partner making it, once the partners it is made to agree to it."),
    "at-risk": ("Agreed, but delivery or the due date is in doubt.",
                "The partner making it, or the secretariat, as soon as it is in doubt."),
    "met": ("Delivered.",
            "The partner making it; the partners it is made to confirm it by approving."),
    "missed": ("Not delivered, and no longer expected; kept as a record.",
               "The partner making it or the secretariat, agreed by the partners it is made to."),
    "withdrawn": ("No longer pursued, by agreement; kept as a record.",
                  "The partner making it, agreed by the partners it is made to."),
}
SECTOR_LABELS = {"health": "Health", "education": "Education", "social-care": "Social care",
                 "local-government": "Local government", "voluntary": "Voluntary",
                 "research": "Research", "industry": "Industry", "other": "Other"}
MODE_LABELS = {"face-to-face": "Face-to-face", "on-site": "On-site visit", "virtual": "Virtual",
               "written": "Written"}
# The modes that bring people together in person, which the practice holds nothing replaces.
IN_PERSON_MODES = ("face-to-face", "on-site")


@dataclass(frozen=True)
class Text:
    """A string. `ref` names what it must point at; `declares` what it introduces."""

    multiline: bool = False
    pattern: str | None = None
    example: str | None = None
    ref: str | None = None
    declares: str | None = None


@dataclass(frozen=True)
class Date:
    """A calendar date written YYYY-MM-DD."""


@dataclass(frozen=True)
class Number:
    """A finite decimal number."""


@dataclass(frozen=True)
class Enum:
    """One of a fixed set of words."""

    values: tuple[str, ...]


@dataclass(frozen=True)
class Seq:
    """A list of items of one kind."""

    item: Spec
    min: int = 0
    max: int | None = None


@dataclass(frozen=True)
class Field:
    """A key of a mapping."""

    spec: Spec
    doc: str
    required: bool = False


@dataclass(frozen=True)
class Map:
    """A mapping with known keys; `keep_line` records where each item starts."""

    fields: Mapping[str, Field] = field(default_factory=dict)
    keep_line: bool = False


Spec = Text | Date | Number | Enum | Seq | Map

PARTNER_ID = Text(pattern=ID_PATTERN, example="city-council")


def _partner_ref(allow_all: bool) -> Text:
    return Text(pattern=ID_PATTERN, example="city-council",
                ref="partner-or-all" if allow_all else "partner")


ASSESSMENT = Map({
    "checklist": Field(Text(pattern=ID_PATTERN, example="partner-leader"),
                       "A built-in checklist (partner-leader, health-check) to extend, "
                       "or the id of a checklist of this charter's own.", required=True),
    "title": Field(Text(), "Title of a checklist of the charter's own."),
    "pillars": Field(Seq(Map({
        "id": Field(Text(pattern=ID_PATTERN, example="convene"), "Pillar id.", required=True),
        "title": Field(Text(), "Pillar title (for a new pillar)."),
        "statements": Field(Seq(Map({
            "id": Field(Text(pattern=PLEDGE_ID_PATTERN, example="convene-local-1"),
                        "Stable id of the statement, used by committed responses.", required=True),
            "text": Field(Text(), "The statement a respondent rates.", required=True),
        }), min=1), "Statements to rate.", required=True),
    }), min=1), "Pillars and their statements.", required=True),
})

# How the charter collects self-assessment answers (generator.selfassess): where respondents
# send them, and the rounds they are counted in. An answer belongs to the round that last opened
# on or before its date (the first round, before any has opened); without rounds, to its quarter.
SELF_ASSESSMENT = Map({
    "secretariat": Field(Text(pattern=EMAIL_PATTERN, example="partnership-office@example.org"),
                         "E-mail address respondents send their answers to; the page then "
                         "offers an e-mail ready to send."),
    "rounds": Field(Seq(Map({
        "id": Field(Text(pattern=ROUND_PATTERN, example="2026-autumn"),
                    "Name of the round, unique in the charter: its merged file's name.",
                    required=True),
        "opens": Field(Date(), "First day of the round.", required=True),
        "closes": Field(Date(), "Last day answers are asked for (shown on the page); answers "
                                "after it still count in this round until the next opens."),
    }, keep_line=True), min=1), "Self-assessment rounds, oldest first, not overlapping."),
})

# A dated note on a pledge. A change of status or due date is recorded here as well as on the
# pledge itself, so the pledge always reads as it stands and the original due date is kept.
UPDATE = Map({
    "date": Field(Date(), "When the update was written.", required=True),
    "text": Field(Text(multiline=True), "What happened, why, and what is being done (Markdown).",
                  required=True),
    "status": Field(Enum(STATUSES), "The pledge's new status, when this update changed it."),
    "due": Field(Date(), "The pledge's new due date, when this update moved it."),
    "previous_due": Field(Date(), "The due date it replaced (with due:)."),
    "reason": Field(Text(), "Why the due date moved (with due:)."),
}, keep_line=True)

CHARTER = Map({
    "title": Field(Text(), "Name of the partnership charter.", required=True),
    "summary": Field(Text(multiline=True), "What the partnership is for (Markdown).",
                     required=True),
    "stage": Field(Enum(STAGES), "The partnership's stage of development."),
    "established": Field(Date(), "When the partnership was established."),
    "review_by": Field(Date(), "Date of the next health check."),
    "hub": Field(_partner_ref(False), "The partner at the centre of the engagement model.",
                 required=True),
    "partners": Field(Seq(Map({
        "id": Field(Text(pattern=ID_PATTERN, example="city-council", declares="partner"),
                    "Unique id: lowercase letters, digits, hyphens.", required=True),
        "name": Field(Text(), "Name of the organisation; leave it out when "
                              "charters/partners.yaml declares this id."),
        "sector": Field(Enum(SECTORS), "Sector of the organisation."),
        "lead": Field(Text(), "The named lead, 'Name, Role'."),
        "signed": Field(Date(), "When this partner signed the charter."),
        "reviewers": Field(Seq(Text(pattern=REVIEWER_PATTERN, example="@org/team")),
                           "Git-host handles or teams who review changes for this partner."),
        "networks": Field(Seq(Text()), "Wider networks this partner brings in, by name "
                                       "(for example 'Dorset GP federation')."),
    }, keep_line=True), min=2), "The partner organisations, two or more.", required=True),
    "vision": Field(Map({
        "statement": Field(Text(multiline=True), "The shared vision (Markdown).", required=True),
        "outcomes": Field(Seq(Text()), "Outcomes the partnership works toward."),
    }), "The shared vision.", required=True),
    "principles": Field(Seq(Map({
        "title": Field(Text(), "Short name of the principle.", required=True),
        "description": Field(Text(multiline=True), "What it means (Markdown).", required=True),
    })), "Principles the partners share."),
    "rules_of_engagement": Field(Seq(Text(multiline=True)), "Rules of engagement (Markdown)."),
    "pledges": Field(Seq(Map({
        "id": Field(Text(pattern=PLEDGE_ID_PATTERN, example="SV-001", declares="pledge"),
                    "Unique, stable id of the pledge.", required=True),
        "by": Field(_partner_ref(False), "The partner making the pledge.", required=True),
        "to": Field(Seq(_partner_ref(True), min=1),
                    "Partners the pledge is made to, or 'all' (the default)."),
        "text": Field(Text(multiline=True), "The commitment (Markdown).", required=True),
        "owner": Field(Text(), "The role accountable for it.", required=True),
        "due": Field(Date(), "When it is due."),
        "status": Field(Enum(STATUSES), "Where it stands.", required=True),
        "metrics": Field(Seq(Text(pattern=ID_PATTERN, example="placements", ref="metric")),
                         "Metrics that measure it."),
        "updates": Field(Seq(UPDATE), "Dated progress notes, oldest first: why it stands "
                                      "where it does and what is being done."),
    }, keep_line=True)), "What each partner commits to."),
    "metrics": Field(Seq(Map({
        "id": Field(Text(pattern=ID_PATTERN, example="placements", declares="metric"),
                    "Unique id of the metric.", required=True),
        "name": Field(Text(), "What is measured.", required=True),
        "unit": Field(Text(), "Unit of the values."),
        "direction": Field(Enum(DIRECTIONS), "Which way is better.", required=True),
        "baseline": Field(Number(), "Value at the start."),
        "target": Field(Number(), "Value aimed for."),
        "target_date": Field(Date(), "When the target should be reached."),
        "measurements": Field(Seq(Map({
            "date": Field(Date(), "When it was measured.", required=True),
            "value": Field(Number(), "The value.", required=True),
            "note": Field(Text(), "What lies behind the value, in a line."),
            "source": Field(Text(), "Where the value comes from: a report, a system, a survey."),
        })), "Measurements, dates ascending."),
    }, keep_line=True)), "How the partnership knows it is delivering."),
    "engagement": Field(Map({
        "mechanisms": Field(Seq(Map({
            "name": Field(Text(declares="mechanism"), "Name of the mechanism, unique in the "
                                                      "charter: meetings: name it.",
                          required=True),
            "mode": Field(Enum(MODES), "How partners meet.", required=True),
            "frequency": Field(Text(), "How often, e.g. 'monthly'."),
            "partners": Field(Seq(_partner_ref(True), min=1),
                              "Partners it reaches, or 'all' (the default)."),
        })), "How partners are engaged."),
        "links": Field(Seq(Seq(_partner_ref(False), min=2, max=2)),
                       "Ties between nodes besides the hub's spokes: pairs of partner ids."),
    }), "The engagement model: a hub linked to stakeholder nodes."),
    "meetings": Field(Seq(Map({
        "date": Field(Date(), "When it took place.", required=True),
        "mechanism": Field(Text(ref="mechanism"), "Which engagement mechanism it was, by name.",
                           required=True),
        "host": Field(_partner_ref(False), "The partner whose site hosted it."),
        "mode": Field(Enum(MODES), "How partners met, when not the mechanism's usual mode."),
        "attended": Field(Seq(_partner_ref(False), min=1), "Partners who took part.",
                          required=True),
        "note": Field(Text(), "What it was about or decided, in a line."),
    }, keep_line=True)), "The engagement log: meetings and visits that took place."),
    "assessments": Field(Seq(ASSESSMENT), "Statements or whole checklists this charter adds "
                                          "to its self-assessment."),
    "self_assessment": Field(SELF_ASSESSMENT, "How self-assessment answers are collected: the "
                                              "rounds and where to send them."),
})


# charters/partners.yaml: each organisation once for the whole site (see generator.registry).
REGISTRY = Map({
    "partners": Field(Seq(Map({
        "id": Field(Text(pattern=ID_PATTERN, example="city-council", declares="partner"),
                    "Unique id, used by every charter that names this partner.", required=True),
        "name": Field(Text(), "Name of the organisation.", required=True),
        "sector": Field(Enum(SECTORS), "Sector of the organisation."),
        "reviewers": Field(Seq(Text(pattern=REVIEWER_PATTERN, example="@org/team")),
                           "Git-host handles or teams who approve changes for this partner."),
    }, keep_line=True)), "The partner organisations of every charter on the site.",
        required=True),
})


def to_json_schema(spec: Spec = CHARTER) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) that describes what the validator accepts."""
    schema = _schema(spec)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://partnership-charters.invalid/schema/charter-v1.json",
        "title": "Partnership charter, format version 1",
        **schema,
    }


def _schema(spec: Spec) -> dict[str, Any]:
    if isinstance(spec, Text):
        out: dict[str, Any] = {"type": "string", "pattern": spec.pattern or r"\S"}
        if spec.pattern in (ID_PATTERN, PLEDGE_ID_PATTERN):
            out["maxLength"] = MAX_ID_CHARS
        elif spec.pattern is None and not spec.multiline:
            out["maxLength"] = MAX_LINE_CHARS
            banned = "".join(f"\\u{ord(c):04x}" for c in LINE_BREAKS + BIDI_CONTROLS)
            out["not"] = {"pattern": f"[{banned}]"}
        if spec.declares == "partner":
            # `all` means every partner in `to:` lists; a device name cannot be a folder.
            devices = "|".join(sorted(WINDOWS_RESERVED))
            out["not"] = {"anyOf": [{"const": "all"}, {"pattern": f"^(?:{devices})$"}]}
        return out
    if isinstance(spec, Date):
        return {"type": "string", "format": "date"}
    if isinstance(spec, Number):
        return {"type": "number"}
    if isinstance(spec, Enum):
        return {"enum": list(spec.values)}
    if isinstance(spec, Seq):
        out = {"type": "array", "items": _schema(spec.item)}
        if spec.min:
            out["minItems"] = spec.min
        if spec.max is not None:
            out["maxItems"] = spec.max
        return out
    props = {name: {"description": f.doc, **_schema(f.spec)} for name, f in spec.fields.items()}
    required = [name for name, f in spec.fields.items() if f.required]
    out = {"type": "object", "properties": props, "additionalProperties": False}
    if required:
        out["required"] = required
    return out
