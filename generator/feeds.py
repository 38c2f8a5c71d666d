"""Machine-readable feeds of the charters: JSON, CSV for spreadsheets and iCalendar for calendars.

Every function takes the validated charters (sorted by id) and the build date and returns the
file's bytes, so the same build always writes the same bytes. Paths are site-relative; with the
site's address (`site_url`, from mkdocs.yml) the calendars' and the CSV's links to each pledge
are absolute, so they open from Outlook or Excel.

`charters.json` writes every key of every object, `null` or `[]` when the charter leaves a field
out, in the order of `generator/schema/charters-json.schema.json`: the charter format's order,
with computed fields (`url`, `source`, `past_review`, `overdue`, `latest`, `progress`, `track`)
beside the field they come from, and `line` (where the item starts in its YAML file) last.

`pledges.csv` is for Excel: BOM, CRLF, text on one line, formula-like cells quoted with `'`.
`pledges.ics` keeps one UID per pledge (`pledge-<charter>.<pledge>@partnership-charters`) so a
calendar updates an edited pledge in place; a partner with nothing dated gets an empty calendar.
There is one for the whole site, one per partner and one per charter. Each event says where the
pledge stands, as the site does:

- due (proposed, active or at risk, due date not passed): "Due: …" on the due date, with a
  reminder two weeks before;
- overdue (still open, due date passed): "Overdue: …" on the build date, so it stays in this
  week's view of a calendar while the site is rebuilt daily, and says when it was due; no
  reminder (it would be in the past);
- met or missed: kept on its due date as a record, "Met: …" or "Missed: …", no reminder;
- withdrawn: kept, "Withdrawn: …", with STATUS:CANCELLED, which calendars strike through.

Charter health checks (`review_by`) follow the same rule: "Health check due: …" with a reminder,
or "Health check overdue: …" on the build date.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import partial
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Any

from generator.model import Charter, Metric, PerCharter, Pledge, charters_of_partners
from generator.spec import STATUS_LABELS

SCHEMA_PATH = "schema/charters-json.schema.json"
# How long before a due date a subscribed calendar reminds its reader.
REMINDER = dt.timedelta(days=14)
FORMAT = 1
UID_DOMAIN = "partnership-charters"
CSV_COLUMNS = ("charter", "charter_title", "pledge", "by", "by_name", "to", "text", "owner", "due",
               "status", "overdue", "metrics", "url")
# OWASP CSV injection: a spreadsheet runs a cell starting with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NEWLINES = re.compile(r"[ \t]*(?:\r\n|\r|\n)\s*")
# RFC 5545 TEXT may hold no control character but tab; a newline is escaped, not kept.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_SUMMARY_CHARS = 60


def feed_plan(charters: Sequence[Charter], today: dt.date, *,
              site_url: str | None = None, made: Made | None = None,
              more: Mapping[str, Callable[[], bytes]] | None = None
              ) -> dict[str, Callable[[], bytes]]:
    """Every feed's path, in path order, with the call that makes it; `more` adds the feeds
    other parts make (the Atom feeds of what changed, from git)."""
    # Each pledge's CSV line and calendar event are made once and shared by every feed that
    # lists it: the whole register, its maker's and each recipient's.
    made = made if made is not None and made.fits(today, site_url) else Made(today, site_url)
    plan: dict[str, Callable[[], bytes]] = {
        "charters.json": partial(charters_json, charters, today, made=made),
        "pledges.csv": partial(pledges_csv, charters, today, site_url=site_url, made=made),
        "pledges.ics": partial(pledges_ics, charters, today, site_url=site_url, made=made),
        SCHEMA_PATH: published_schema,
    }
    # Each partner's feeds read only its own charters, so the work stays linear.
    involved = charters_of_partners(charters)
    for partner_id in sorted(involved):
        base = f"partners/{partner_id}/"
        own = involved[partner_id]
        plan[base + "pledges.csv"] = partial(pledges_csv, own, today, partner_id,
                                             site_url=site_url, made=made)
        plan[base + "pledges.ics"] = partial(pledges_ics, own, today, partner_id,
                                             site_url=site_url, made=made)
    for charter in charters:
        plan[f"charters/{charter.id}/pledges.ics"] = partial(
            pledges_ics, [charter], today, site_url=site_url, made=made,
            name=f"{charter.title}: pledges")
    plan.update(more or {})
    return dict(sorted(plan.items()))


def published_schema() -> bytes:
    """The JSON Schema of `charters.json`, as shipped in the package."""
    return (resources.files("generator") / SCHEMA_PATH).read_bytes()


# --- JSON -------------------------------------------------------------------------------------

def charters_json(charters: Sequence[Charter], today: dt.date, *, made: Made | None = None
                  ) -> bytes:
    """Every charter as validated plus computed fields, as UTF-8 JSON, one charter a line."""
    made = made if made is not None and made.today == today else Made(today)
    lines = [made.json_line(c) for c in charters]
    body = "[\n    " + ",\n    ".join(lines) + "\n  ]" if lines else "[]"
    return (f'{{\n  "format": {FORMAT},\n  "build_date": "{today.isoformat()}",\n'
            f'  "charters": {body}\n}}\n').encode()


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def _source(path: str) -> str:
    """The charter's file as the build's working folder sees it, never a machine's own folders.

    Read from the repository's root, that is `charters/x.yaml`. Built from elsewhere, the path a
    charter is read under is absolute (or climbs with `..`): then it is `<folder>/<file>`, relative
    to the charters folder's parent, so the feed holds no path of the build machine.
    """
    relative = PurePosixPath(path)
    if not Path(path).is_absolute() and ".." not in relative.parts and len(relative.parts) > 1:
        return relative.as_posix()
    return "/".join(Path(os.path.abspath(path)).parts[-2:])  # relative ones: to the working folder


def _charter(c: Charter, today: dt.date) -> dict[str, Any]:
    return {
        "id": c.id, "url": f"charters/{c.id}/", "source": _source(c.path), "title": c.title,
        "summary": c.summary, "stage": c.stage, "established": _iso(c.established),
        "review_by": _iso(c.review_by), "past_review": c.is_past_review(today), "hub": c.hub,
        "partners": [{"id": p.id, "name": p.name, "sector": p.sector, "lead": p.lead,
                      "signed": _iso(p.signed), "reviewers": list(p.reviewers),
                      "networks": list(p.networks), "line": p.line}
                     for p in c.partners],
        "vision": {"statement": c.vision.statement, "outcomes": list(c.vision.outcomes)},
        "principles": [{"title": p.title, "description": p.description} for p in c.principles],
        "rules_of_engagement": list(c.rules_of_engagement),
        "pledges": [{"id": p.id, "by": p.by, "to": list(p.to), "text": p.text, "owner": p.owner,
                     "due": _iso(p.due), "overdue": p.is_overdue(today), "status": p.status,
                     "metrics": list(p.metrics),
                     "updates": [{"date": u.date.isoformat(), "text": u.text,
                                  "status": u.status, "due": _iso(u.due),
                                  "previous_due": _iso(u.previous_due), "reason": u.reason,
                                  "line": u.line} for u in p.updates],
                     "line": p.line} for p in c.pledges],
        "metrics": [_metric(m, today) for m in c.metrics],
        "engagement": {
            "mechanisms": [{"name": m.name, "mode": m.mode, "frequency": m.frequency,
                            "partners": list(m.partners)} for m in c.engagement.mechanisms],
            "links": [[a, b] for a, b in c.engagement.links],
        },
        "meetings": [{"date": m.date.isoformat(), "mechanism": m.mechanism, "host": m.host,
                      "mode": m.mode, "attended": list(m.attended), "note": m.note,
                      "line": m.line} for m in c.meetings],
        "assessments": [
            {"checklist": a.checklist, "title": a.title,
             "pillars": [{"id": p.id, "title": p.title,
                          "statements": [{"id": s.id, "text": s.text} for s in p.statements]}
                         for p in a.pillars]}
            for a in c.assessments
        ],
    }


def _metric(m: Metric, today: dt.date) -> dict[str, Any]:
    latest, progress = m.latest, m.progress()
    return {
        "id": m.id, "name": m.name, "unit": m.unit, "direction": m.direction,
        "baseline": m.baseline, "target": m.target, "target_date": _iso(m.target_date),
        "measurements": [{"date": x.date.isoformat(), "value": x.value, "note": x.note,
                          "source": x.source} for x in m.measurements],
        "latest": None if latest is None else {"date": latest.date.isoformat(),
                                               "value": latest.value, "note": latest.note,
                                               "source": latest.source},
        "progress": None if progress is None else round(progress, 4),
        "track": m.track(today), "line": m.line,
    }


# --- shared by CSV and iCalendar --------------------------------------------------------------

def _selected(charter: Charter, partner_id: str | None) -> Iterator[tuple[Pledge, str]]:
    """(pledge, role) for every pledge of a charter, or those a partner made or was made by
    name. A pledge to all partners is in its charter's feed and the site's, once: listed in
    every partner's feed too, N partners and N such pledges would make N squared events."""
    for pledge in charter.pledges:
        if partner_id is None:
            yield pledge, ""
        elif pledge.by == partner_id:
            yield pledge, "made"
        elif "all" not in pledge.to and partner_id in pledge.to:
            yield pledge, "received"


def _plain(text: str) -> str:
    """One line: line breaks and the spaces around them folded to one space."""
    return _NEWLINES.sub(" ", text).rstrip()


def _to_names(charter: Charter, pledge: Pledge) -> str:
    if "all" in pledge.to:
        return "All partners"
    return "; ".join(charter.partner(p).name for p in pledge.to)


def _anchor(charter: Charter, pledge: Pledge) -> str:
    return f"charters/{charter.id}/#{pledge.id}"


# --- CSV --------------------------------------------------------------------------------------

def _cell(value: str) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def pledges_csv(charters: Sequence[Charter], today: dt.date, partner_id: str | None = None, *,
                site_url: str | None = None, made: Made | None = None) -> bytes:
    """Pledges as CSV for Excel (BOM, CRLF); a partner's adds a leading `role` column."""
    made = made or Made(today, site_url)
    header = _csv_line(CSV_COLUMNS if partner_id is None else ("role", *CSV_COLUMNS))
    lines = [header]
    for charter in charters:
        for pledge, role in _selected(charter, partner_id):
            line = made.csv_line(charter, pledge)
            lines.append(line if partner_id is None else f"{role},{line}")
    # The BOM tells Excel the file is UTF-8; without it Excel guesses the local code page.
    return ("\ufeff" + "".join(lines)).encode("utf-8")


def _csv_line(cells: Sequence[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(cells)
    return out.getvalue()


# --- iCalendar (RFC 5545) ---------------------------------------------------------------------

def ics_text(value: str) -> str:
    """A TEXT value escaped per RFC 5545 3.3.11."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return _CONTROL.sub("", value.replace("\n", "\\n"))


def fold(line: str) -> str:
    """One content line, folded so no physical line exceeds 75 octets, CRLF-terminated."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line + "\r\n"
    parts: list[str] = []
    start, limit = 0, 75
    while start < len(data):
        end = min(start + limit, len(data))
        # Split between characters, never inside one: back off over UTF-8 continuation bytes.
        while end < len(data) and data[end] & 0xC0 == 0x80:
            end -= 1
        parts.append(data[start:end].decode("utf-8"))
        start, limit = end, 74  # continuation lines start with a space
    return "\r\n ".join(parts) + "\r\n"


def _state(pledge: Pledge, today: dt.date) -> str:
    """The word an event's summary starts with: where the pledge stands on the build date."""
    if pledge.is_overdue(today):
        return "Overdue"
    if pledge.is_open():
        return "Due"
    return STATUS_LABELS[pledge.status]


def _summary(charter: Charter, pledge: Pledge, today: dt.date) -> str:
    text = _plain(pledge.text).strip()
    if len(text) > _SUMMARY_CHARS:
        text = text[:_SUMMARY_CHARS].rsplit(" ", 1)[0].rstrip(" ,;:.") + "…"
    return f"{_state(pledge, today)}: {pledge.id} {charter.partner(pledge.by).name}: {text}"


def _event(uid: str, today: dt.date, day: dt.date, summary: str, description: list[str],
           category: str, url: str | None, cancelled: bool = False,
           remind: bool = False) -> list[str]:
    # SEQUENCE is left out (0): the feed keeps no history to count edits with, and clients
    # subscribed to a METHOD:PUBLISH calendar replace each event by UID on every refresh.
    lines = [
        "BEGIN:VEVENT",
        f"UID:{uid}@{UID_DOMAIN}",
        f"DTSTAMP:{today:%Y%m%d}T000000Z",
        f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
        f"DTEND;VALUE=DATE:{day + dt.timedelta(days=1):%Y%m%d}",
        "SUMMARY:" + ics_text(summary),
        "DESCRIPTION:" + ics_text("\n".join(description)),
        "CATEGORIES:" + ics_text(category),
        "TRANSP:TRANSPARENT",  # a due date does not make anyone busy
    ]
    if cancelled:
        lines.append("STATUS:CANCELLED")
    if url is not None:
        lines.append("URL:" + url)
    if remind:
        # Relative to the start of an all-day event: local midnight, two weeks before.
        lines += ["BEGIN:VALARM", "ACTION:DISPLAY", "DESCRIPTION:" + ics_text(summary),
                  f"TRIGGER:-P{REMINDER.days}D", "END:VALARM"]
    return [*lines, "END:VEVENT"]


def _link(path: str, site_url: str | None) -> tuple[str, str | None]:
    """The page as shown in a description, and as a URL property when the site URL is known."""
    if not site_url:
        return path, None
    full = site_url.rstrip("/") + "/" + path
    return full, full


def pledges_ics(charters: Sequence[Charter], today: dt.date, partner_id: str | None = None, *,
                site_url: str | None = None, made: Made | None = None,
                name: str | None = None) -> bytes:
    """Due dates of pledges and charter health checks as an iCalendar feed."""
    made = made or Made(today, site_url)
    if name is None and partner_id is None:
        name = "Partnership charters: pledges"
    elif name is None:
        names = [p.name for c in charters for p in c.partners if p.id == partner_id]
        if not names:
            raise ValueError(f"no charter has a partner '{partner_id}'")
        name = f"{names[0]}: pledges"
    head = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Partnership Charters//EN",
            "CALSCALE:GREGORIAN", "METHOD:PUBLISH", "X-WR-CALNAME:" + ics_text(name)]
    parts = [fold(line) for line in head]
    for charter in charters:
        if charter.review_by is not None and (partner_id is None or charter.involves(partner_id)):
            parts.append(made.review_event(charter))
        for pledge, _ in _selected(charter, partner_id):
            if pledge.due is not None:
                parts.append(made.pledge_event(charter, pledge))
    parts.append(fold("END:VCALENDAR"))
    return "".join(parts).encode("utf-8")


class Made:
    """Each pledge's CSV line and calendar events, and each charter's line of
    `charters.json`, made on first use and then reused: by every
    feed that lists the pledge, and by later builds in the same process (the preview) for as
    long as its charter is the same object, which a parse cache keeps it while its file is
    unchanged."""

    def __init__(self, today: dt.date, site_url: str | None = None) -> None:
        self.today, self.site_url = today, site_url
        self._csv: PerCharter[str] = PerCharter()  # by pledge id
        self._events: PerCharter[str] = PerCharter()  # by pledge id; "" its review
        self._json: PerCharter[str] = PerCharter()  # "": its line

    def fits(self, today: dt.date, site_url: str | None) -> bool:
        """Whether what it made holds for a build on `today` at `site_url`."""
        return (today, site_url) == (self.today, self.site_url)

    def keep_only(self, charters: Sequence[Charter]) -> None:
        """Forget what it made for charters no longer read (a preview edits them)."""
        for table in (self._csv, self._events, self._json):
            table.keep_only(charters)

    def json_line(self, charter: Charter) -> str:
        """The charter in `charters.json`: one line, which keeps the file readable and its
        diffs small and lets the json module's C encoder do the work (it has no `indent`).
        allow_nan=False: the validator only lets finite numbers through; fail loudly if one
        slips."""
        line = self._json.get(charter, "")
        if line is None:
            line = json.dumps(_charter(charter, self.today), ensure_ascii=False,
                              allow_nan=False)
            self._json.put(charter, "", line)
        return line

    def csv_line(self, charter: Charter, pledge: Pledge) -> str:
        line = self._csv.get(charter, pledge.id)
        if line is None:
            row = [
                charter.id, charter.title, pledge.id, pledge.by, charter.partner(pledge.by).name,
                _to_names(charter, pledge), _plain(pledge.text), pledge.owner,
                _iso(pledge.due) or "", pledge.status,
                "yes" if pledge.is_overdue(self.today) else "no",
                "; ".join(pledge.metrics), _link(_anchor(charter, pledge), self.site_url)[0],
            ]
            line = _csv_line([_cell(v) for v in row])
            self._csv.put(charter, pledge.id, line)
        return line

    def review_event(self, charter: Charter) -> str:
        event = self._events.get(charter, "")  # pledge ids are never empty
        if event is None:
            assert charter.review_by is not None
            shown, url = _link(f"charters/{charter.id}/", self.site_url)
            late = charter.is_past_review(self.today)
            event = _folded(_event(
                f"review-{charter.id}", self.today, self.today if late else charter.review_by,
                f"Health check {'overdue' if late else 'due'}: {charter.title}",
                [f"The partners review the charter {charter.title} by "
                 + (f"{charter.review_by.isoformat()}: "
                    f"overdue by {(self.today - charter.review_by).days} days." if late
                    else "this date."),
                 f"Page: {shown}"], "health-check", url, remind=not late))
            self._events.put(charter, "", event)
        return event

    def pledge_event(self, charter: Charter, pledge: Pledge) -> str:
        event = self._events.get(charter, pledge.id)
        if event is None:
            assert pledge.due is not None
            shown, url = _link(_anchor(charter, pledge), self.site_url)
            overdue = pledge.is_overdue(self.today)
            status = pledge.status + (" (overdue)" if overdue else "")
            due = pledge.due.isoformat() + (
                f" (overdue by {(self.today - pledge.due).days} days)" if overdue else "")
            # Charter ids never contain '.', so the first '.' splits the UID unambiguously.
            event = _folded(_event(
                f"pledge-{charter.id}.{pledge.id}", self.today,
                self.today if overdue else pledge.due, _summary(charter, pledge, self.today),
                [pledge.text.strip(), "",
                 f"By: {charter.partner(pledge.by).name}",
                 f"To: {_to_names(charter, pledge)}", f"Owner: {pledge.owner}",
                 f"Due: {due}", f"Status: {status}", f"Charter: {charter.title}",
                 f"Page: {shown}"],
                pledge.status, url, cancelled=pledge.status == "withdrawn",
                remind=pledge.is_open() and not overdue))
            self._events.put(charter, pledge.id, event)
        return event


def _folded(lines: list[str]) -> str:
    return "".join(fold(line) for line in lines)
