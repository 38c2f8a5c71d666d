"""The charter as frozen dataclasses, and what can be computed from it. No I/O here."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from generator.spec import IN_PERSON_MODES

OPEN_STATUSES = ("proposed", "active", "at-risk")
# How far behind the time elapsed a metric may be and still count as on track.
TRACK_TOLERANCE = 0.05


@dataclass(frozen=True)
class Partner:
    id: str
    name: str
    sector: str | None = None
    lead: str | None = None
    signed: dt.date | None = None
    reviewers: tuple[str, ...] = ()
    line: int = 0
    column: int = 0
    networks: tuple[str, ...] = ()  # wider networks it brings into the partnership


@dataclass(frozen=True)
class Vision:
    statement: str
    outcomes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Principle:
    title: str
    description: str


@dataclass(frozen=True)
class Update:
    """A dated note on a pledge, with the status or due date it set, if any."""

    date: dt.date
    text: str
    status: str | None = None
    due: dt.date | None = None
    previous_due: dt.date | None = None
    reason: str | None = None
    line: int = 0


@dataclass(frozen=True)
class Pledge:
    id: str
    by: str
    text: str
    owner: str
    status: str
    to: tuple[str, ...] = ("all",)
    due: dt.date | None = None
    metrics: tuple[str, ...] = ()
    line: int = 0
    updates: tuple[Update, ...] = ()

    @property
    def latest_update(self) -> Update | None:
        return self.updates[-1] if self.updates else None

    @property
    def original_due(self) -> dt.date | None:
        """The due date first agreed: the one the first revision replaced, else `due`."""
        for u in self.updates:
            if u.due is not None:
                return u.previous_due
        return self.due

    @property
    def due_revised_on(self) -> dt.date | None:
        """When the due date was last moved, or None if it never was."""
        moved = [u.date for u in self.updates if u.due is not None]
        return moved[-1] if moved else None

    def needs_update(self, today: dt.date, days: int = 90) -> bool:
        """At risk, overdue or missed, with no update in the `days` before `today`."""
        if not (self.status in ("at-risk", "missed") or self.is_overdue(today)):
            return False
        latest = self.latest_update
        return latest is None or (today - latest.date).days > days

    def is_open(self) -> bool:
        """Still to be delivered: proposed, active or at risk."""
        return self.status in OPEN_STATUSES

    def is_overdue(self, today: dt.date) -> bool:
        """Open and past its due date on `today` (the build date)."""
        return self.due is not None and self.due < today and self.is_open()


@dataclass(frozen=True)
class Measurement:
    date: dt.date
    value: float
    note: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class Metric:
    id: str
    name: str
    direction: str
    unit: str | None = None
    baseline: float | None = None
    target: float | None = None
    target_date: dt.date | None = None
    measurements: tuple[Measurement, ...] = ()
    line: int = 0

    @property
    def latest(self) -> Measurement | None:
        return self.measurements[-1] if self.measurements else None

    def progress(self) -> float | None:
        """Share of the way from baseline to target the latest value has come (may be <0 or >1)."""
        latest = self.latest
        if latest is None or self.baseline is None or self.target is None:
            return None
        span = self.target - self.baseline
        if span == 0:
            return 1.0 if self.reached(latest.value) else 0.0
        return (latest.value - self.baseline) / span

    def reached(self, value: float) -> bool:
        if self.target is None:
            return False
        return value >= self.target if self.direction == "increase" else value <= self.target

    def track(self, today: dt.date) -> str:
        """'met', 'on track', 'off track' or 'no data', judged on `today` (the build date).

        With a target date, on track means at least as far along as the time elapsed since the
        first measurement; without one, it means better than the baseline.
        """
        return self.judgement(today)[0]

    def judgement(self, today: dt.date) -> tuple[str, float | None]:
        """The track (see `track`) and the share of the time to the target date gone, when
        that is what the track was judged against: one rule for the badge and its words."""
        latest, progress = self.latest, self.progress()
        if latest is None or self.target is None:
            return "no data", None
        if self.reached(latest.value):
            return "met", None
        if progress is None:  # no baseline: judge against the first measurement
            if len(self.measurements) < 2:
                return "no data", None  # one value shows no movement yet
            first = self.measurements[0].value
            better = latest.value > first if self.direction == "increase" else latest.value < first
            return ("on track" if better else "off track"), None
        if self.target_date is not None and self.measurements:
            start = self.measurements[0].date
            total = (self.target_date - start).days
            if total > 0:
                elapsed = min(max((today - start).days / total, 0.0), 1.0)
                return ("on track" if progress >= elapsed - TRACK_TOLERANCE
                        else "off track"), elapsed
        return ("on track" if progress > 0 else "off track"), None


@dataclass(frozen=True)
class Mechanism:
    name: str
    mode: str
    frequency: str | None = None
    partners: tuple[str, ...] = ("all",)

    def reaches(self, partner_id: str) -> bool:
        return "all" in self.partners or partner_id in self.partners


@dataclass(frozen=True)
class Engagement:
    mechanisms: tuple[Mechanism, ...] = ()
    links: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Meeting:
    """A meeting or visit that took place: an entry of the charter's engagement log."""

    date: dt.date
    mechanism: str  # a mechanism's name
    mode: str  # the meeting's own mode, else its mechanism's
    attended: tuple[str, ...]
    host: str | None = None
    note: str | None = None
    line: int = 0

    def in_person(self) -> bool:
        return self.mode in IN_PERSON_MODES


# Words of a mechanism's `frequency` and how many times a year they mean, first match wins.
FREQUENCIES = (("fortnightly", 26), ("weekly", 52), ("monthly", 12), ("quarterly", 4),
               ("twice a year", 2), ("six-monthly", 2), ("half-yearly", 2), ("once a year", 1),
               ("annually", 1), ("yearly", 1), ("annual", 1))
YEAR = dt.timedelta(days=365)
# How long without meeting in person before the health summary flags a partner.
IN_PERSON_GAP = dt.timedelta(days=183)


def times_a_year(frequency: str | None) -> int | None:
    """How many times a year a mechanism's frequency says it meets, or None if it does not say."""
    words = (frequency or "").lower()
    return next((n for word, n in FREQUENCIES if word in words), None)


@dataclass(frozen=True)
class PartnerEngagement:
    """What the engagement log says of one partner, on a given day."""

    partner: str
    last_in_person: dt.date | None
    attended: int  # meetings it took part in, of those in the last 12 months that reach it
    expected: int
    hosted: int  # meetings it hosted in the last 12 months


@dataclass(frozen=True)
class Statement:
    id: str
    text: str


@dataclass(frozen=True)
class Pillar:
    id: str
    statements: tuple[Statement, ...]
    title: str | None = None


@dataclass(frozen=True)
class Assessment:
    """Statements a charter adds to a built-in checklist, or a checklist of its own."""

    checklist: str
    pillars: tuple[Pillar, ...]
    title: str | None = None


@dataclass(frozen=True)
class AssessmentRound:
    """A self-assessment round the charter declares: answers from `opens` on count in it."""

    id: str
    opens: dt.date
    closes: dt.date | None = None
    line: int = 0


@dataclass(frozen=True)
class Charter:
    id: str
    path: str
    title: str
    summary: str
    hub: str
    partners: tuple[Partner, ...]
    vision: Vision
    stage: str | None = None
    established: dt.date | None = None
    review_by: dt.date | None = None
    principles: tuple[Principle, ...] = ()
    rules_of_engagement: tuple[str, ...] = ()
    pledges: tuple[Pledge, ...] = ()
    metrics: tuple[Metric, ...] = ()
    engagement: Engagement = Engagement()
    assessments: tuple[Assessment, ...] = ()
    meetings: tuple[Meeting, ...] = ()  # oldest first
    rounds: tuple[AssessmentRound, ...] = ()  # self-assessment rounds, oldest first
    secretariat: str | None = None  # e-mail address self-assessment answers are sent to

    def mechanism(self, name: str) -> Mechanism:
        return next(m for m in self.engagement.mechanisms if m.name == name)

    def engagement_of(self, partner_id: str, today: dt.date) -> PartnerEngagement:
        """A partner's last in-person contact, and its meetings attended and hosted in the
        12 months to `today`, from the engagement log."""
        past = [m for m in self.meetings if m.date <= today]
        met = [m.date for m in past
               if m.in_person() and (partner_id in m.attended or m.host == partner_id)]
        year = [m for m in past if m.date > today - YEAR]
        reaching = [m for m in year if self.mechanism(m.mechanism).reaches(partner_id)
                    or partner_id in m.attended]
        return PartnerEngagement(
            partner_id, max(met, default=None),
            sum(partner_id in m.attended for m in reaching), len(reaching),
            sum(m.host == partner_id for m in year))

    def held(self, mechanism: Mechanism, today: dt.date) -> int:
        """How many times the mechanism met in the 12 months to `today`."""
        return sum(1 for m in self.meetings
                   if m.mechanism == mechanism.name and today - YEAR < m.date <= today)

    def not_met_in_person(self, today: dt.date) -> list[PartnerEngagement]:
        """Partners with no in-person contact in the six months to `today`; only for a
        charter that keeps an engagement log."""
        if not self.meetings:
            return []
        found = [self.engagement_of(p.id, today) for p in self.partners]
        return [e for e in found
                if e.last_in_person is None or today - e.last_in_person > IN_PERSON_GAP]

    def partner(self, partner_id: str) -> Partner:
        return self._by_id[partner_id]  # type: ignore[return-value]

    def metric(self, metric_id: str) -> Metric:
        return self._by_id[f"metric:{metric_id}"]  # type: ignore[return-value]

    @functools.cached_property
    def _by_id(self) -> dict[str, Partner | Metric]:
        # Looked up once per pledge on every page: a scan would make a page of N pledges
        # among N partners cost N squared.
        found: dict[str, Partner | Metric] = {f"metric:{m.id}": m for m in self.metrics}
        found.update((p.id, p) for p in self.partners)
        return found

    def recipients(self, pledge: Pledge) -> tuple[str, ...]:
        """Ids of the partners a pledge is made to: `all` expanded to this charter's partners,
        in partner order, without duplicates and never the maker itself."""
        wanted = None if "all" in pledge.to else set(pledge.to)
        return tuple(p.id for p in self.partners
                     if p.id != pledge.by and (wanted is None or p.id in wanted))

    def involves(self, partner_id: str) -> bool:
        return any(p.id == partner_id for p in self.partners)

    def is_past_review(self, today: dt.date) -> bool:
        return self.review_by is not None and self.review_by < today


def build(data: dict[str, Any], charter_id: str, path: str) -> Charter:
    """Turn validated plain data into a Charter."""
    engagement = data.get("engagement", {})
    return Charter(
        id=charter_id,
        path=path,
        title=data["title"],
        summary=data["summary"],
        hub=data["hub"],
        stage=data.get("stage"),
        established=data.get("established"),
        review_by=data.get("review_by"),
        partners=tuple(
            Partner(p["id"], p["name"], p.get("sector"), p.get("lead"), p.get("signed"),
                    tuple(p.get("reviewers", ())), p["_line"], p.get("_column", 0),
                    tuple(p.get("networks", ())))
            for p in data["partners"]
        ),
        vision=Vision(data["vision"]["statement"], tuple(data["vision"].get("outcomes", ()))),
        principles=tuple(Principle(p["title"], p["description"])
                         for p in data.get("principles", ())),
        rules_of_engagement=tuple(data.get("rules_of_engagement", ())),
        pledges=tuple(
            Pledge(p["id"], p["by"], p["text"], p["owner"], p["status"],
                   tuple(p.get("to", ("all",))), p.get("due"), tuple(p.get("metrics", ())),
                   p["_line"],
                   tuple(Update(u["date"], u["text"], u.get("status"), u.get("due"),
                                u.get("previous_due"), u.get("reason"), u["_line"])
                         for u in p.get("updates", ())))
            for p in data.get("pledges", ())
        ),
        metrics=tuple(
            Metric(m["id"], m["name"], m["direction"], m.get("unit"), m.get("baseline"),
                   m.get("target"), m.get("target_date"),
                   tuple(Measurement(x["date"], x["value"], x.get("note"), x.get("source"))
                         for x in m.get("measurements", ())),
                   m["_line"])
            for m in data.get("metrics", ())
        ),
        engagement=Engagement(
            tuple(Mechanism(m["name"], m["mode"], m.get("frequency"),
                            tuple(m.get("partners", ("all",))))
                  for m in engagement.get("mechanisms", ())),
            tuple((a, b) for a, b in engagement.get("links", ())),
        ),
        meetings=tuple(sorted(
            (Meeting(m["date"], m["mechanism"],
                     m.get("mode") or next(x["mode"] for x in engagement.get("mechanisms", ())
                                           if x["name"] == m["mechanism"]),
                     tuple(m["attended"]), m.get("host"), m.get("note"), m["_line"])
             for m in data.get("meetings", ())), key=lambda m: m.date)),
        assessments=tuple(
            Assessment(a["checklist"],
                       tuple(Pillar(p["id"], tuple(Statement(x["id"], x["text"])
                                                   for x in p["statements"]), p.get("title"))
                             for p in a["pillars"]),
                       a.get("title"))
            for a in data.get("assessments", ())
        ),
        rounds=tuple(AssessmentRound(r["id"], r["opens"], r.get("closes"), r["_line"])
                     for r in data.get("self_assessment", {}).get("rounds", ())),
        secretariat=data.get("self_assessment", {}).get("secretariat"),
    )


def charters_of_partners(charters: Iterable[Charter]) -> dict[str, list[Charter]]:
    """Each partner's charters, in the order given: one pass, for pages and feeds per partner."""
    found: dict[str, list[Charter]] = {}
    for charter in charters:
        for partner in charter.partners:
            found.setdefault(partner.id, []).append(charter)
    return found


_V = TypeVar("_V")


class PerCharter(Generic[_V]):
    """Values worked out from one charter (a pledge's feed line, what its row shows), by key,
    kept for as long as that same charter object is read: a parse cache keeps it while its
    file is unchanged, so a preview works out again only what an edited charter gives."""

    def __init__(self) -> None:
        self._known: dict[int, tuple[Charter, dict[str, _V]]] = {}

    def get(self, charter: Charter, key: str) -> _V | None:
        found = self._known.get(id(charter))
        return found[1].get(key) if found is not None and found[0] is charter else None

    def put(self, charter: Charter, key: str, value: _V) -> None:
        found = self._known.get(id(charter))
        if found is None or found[0] is not charter:
            found = self._known[id(charter)] = (charter, {})
        found[1][key] = value

    def keep_only(self, charters: Iterable[Charter]) -> None:
        """Forget what it holds for charters no longer read (a preview edits them)."""
        live = {id(c) for c in charters}
        self._known = {k: v for k, v in self._known.items() if k in live}
