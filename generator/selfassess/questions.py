"""Questions the self-assessment page asks about one charter, pillar by pillar.

Each question points at the part of the charter page that answers it: unsigned partners,
overdue pledges, metrics off track, partners no engagement mechanism reaches, and, from the
engagement log, how often each mechanism met and when each partner was last met in person.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from generator.model import Charter, Mechanism, times_a_year
from generator.pictures.engagement_map import IN_PERSON
from generator.text import inline


def plural(n: int, word: str) -> str:
    """'1 partner', '3 partners'."""
    return f"{n} {word}{'s' * (n != 1)}"


def _see(name: str, anchor: str) -> str:
    return f"(see [{name}](index.md#{anchor}))"


def _names(charter: Charter, ids: Sequence[str]) -> str:
    return ", ".join(inline(charter.partner(i).name) for i in ids)


def _pledges(ids: Sequence[str]) -> str:
    return ", ".join(f"[{inline(i)}](index.md#{i})" for i in ids)


def questions(charter: Charter, checklist: str, today: dt.date) -> dict[str, list[str]]:
    """Questions about this charter for each pillar, each linked to the part that answers it."""
    unsigned = [p.id for p in charter.partners if p.signed is None]
    no_lead = [p.id for p in charter.partners if not p.lead]
    makers = {p.by for p in charter.pledges}
    silent = [p.id for p in charter.partners if p.id not in makers]
    undated = [p.id for p in charter.pledges if p.due is None and p.is_open()]
    overdue = [p.id for p in charter.pledges if p.is_overdue(today)]
    at_risk = [p.id for p in charter.pledges if p.status == "at-risk"]
    missed = [p.id for p in charter.pledges if p.status == "missed"]
    unmeasured = [p.id for p in charter.pledges if not p.metrics and p.is_open()]
    off_track = [m for m in charter.metrics if m.track(today) == "off track"]
    no_data = [m for m in charter.metrics if m.track(today) == "no data"]
    mechanisms = charter.engagement.mechanisms
    unreached = [p.id for p in charter.partners if not any(m.reaches(p.id) for m in mechanisms)]
    in_person = [m for m in mechanisms if m.mode in IN_PERSON]
    # Link only to sections the charter page has: an empty section has no anchor to land on.
    present = {"partners", "vision", "principles" * bool(charter.principles),
               "rules-of-engagement" * bool(charter.rules_of_engagement),
               "pledges" * bool(charter.pledges), "metrics" * bool(charter.metrics),
               "engagement" * bool(mechanisms or charter.engagement.links),
               "meetings" * bool(charter.meetings)}

    def see(name: str, anchor: str) -> str:
        return _see(name, anchor) if anchor in present else ""

    partners = see("partners", "partners")
    q: dict[str, list[str]] = {}
    if checklist == "partner-leader":
        q["convene"] = [f"Are the right {plural(len(charter.partners), 'partner')} at the table, "
                        f"and is anyone missing? {partners}"]
        if unsigned:
            q["convene"].append(f"Partners who have not signed: {_names(charter, unsigned)} "
                                f"{partners}")
        q["balance"] = [f"Does every partner have an equal say, as our principles promise? "
                        f"{see('principles', 'principles')}"]
        if silent:
            q["balance"].append(f"Partners who have made no pledge: {_names(charter, silent)} "
                                f"{see('pledges', 'pledges')}")
        q["adapt"] = [f"Do our ways of meeting suit every partner? "
                      f"{see('engagement', 'engagement')}", *_not_met(charter, today, see)]
        q["focus"] = [f"Which pledges need attention first? {see('pledges', 'pledges')}"]
        if overdue:
            q["focus"].append(f"Overdue pledges: {_pledges(overdue)}")
        if at_risk:
            q["focus"].append(f"Pledges at risk: {_pledges(at_risk)}")
        q["future"] = [f"Is our shared vision still right? {see('vision', 'vision')}"]
        if charter.review_by is not None:
            late = "was due" if charter.is_past_review(today) else "is due"
            q["future"].append(f"The charter's review {late} by {charter.review_by.isoformat()}.")
        return q
    if checklist != "health-check":
        return q
    q["vision"] = [f"Is our shared vision still right? {see('vision', 'vision')}"]
    if not charter.vision.outcomes:
        q["vision"].append(f"No outcomes listed yet {see('vision', 'vision')}")
    if not charter.principles:
        q["vision"].append("No principles written down yet")
    if charter.rules_of_engagement:
        q["rules"] = [f"Do we follow our {plural(len(charter.rules_of_engagement), 'rule')} of "
                      f"engagement? {see('rules of engagement', 'rules-of-engagement')}"]
    else:
        q["rules"] = ["No rules of engagement yet: how do we decide, and what happens when a "
                      "pledge slips?"]
    q["qualities"] = [f"Do partners keep their pledges? {see('pledges', 'pledges')}"]
    if missed:
        q["qualities"].append(f"Missed pledges: {_pledges(missed)}")
    if overdue:
        q["qualities"].append(f"Overdue pledges: {_pledges(overdue)}")
    if unsigned:
        q["qualities"].append(f"Partners who have not signed: {_names(charter, unsigned)} "
                              f"{partners}")
    if no_lead:
        q["qualities"].append(f"Partners without a named lead: {_names(charter, no_lead)} "
                              f"{partners}")
    metrics = see("metrics", "metrics")
    if not charter.metrics:
        q["measures"] = ["No metrics yet: how will we know the partnership is delivering?"]
    else:
        q["measures"] = [f"Do our {plural(len(charter.metrics), 'metric')} show whether we are "
                         f"achieving our vision? {metrics}"]
    if off_track:
        q["measures"].append("Metrics off track: "
                             + ", ".join(inline(m.name) for m in off_track) + f" {metrics}")
    if no_data:
        q["measures"].append("Metrics without a target or data: "
                             + ", ".join(inline(m.name) for m in no_data) + f" {metrics}")
    if undated:
        q["measures"].append(f"Pledges without a due date: {_pledges(undated)}")
    if unmeasured and charter.metrics:
        q["measures"].append(f"Open pledges no metric measures: {_pledges(unmeasured)}")
    engagement = see("engagement", "engagement")
    q["engagement"] = [f"Does each partner feel part of the partnership? {engagement}"]
    if not mechanisms:
        q["engagement"].append("No engagement mechanisms yet: how and how often do we meet?")
    elif not in_person:
        q["engagement"].append(f"No face-to-face or on-site meetings {engagement}")
    if mechanisms and unreached:
        q["engagement"].append(f"Partners no mechanism reaches: {_names(charter, unreached)} "
                               f"{engagement}")
    q["engagement"] += _logged(charter, today, see)
    return q


def _not_met(charter: Charter, today: dt.date, see: Callable[[str, str], str]) -> list[str]:
    """Partners the engagement log has not seen in person for six months, as the health
    summary flags them."""
    gone = charter.not_met_in_person(today)
    if not gone:
        return []
    said = ", ".join(f"{inline(charter.partner(e.partner).name)} "
                     f"({e.last_in_person or 'never in the log'})" for e in gone)
    return [f"Partners not met in person for six months: {said} {see('meetings', 'meetings')}"]


def _held(charter: Charter, m: Mechanism, today: dt.date) -> str:
    """'Partnership board 3 times (its frequency means 4)', in the charter page's words."""
    expected = times_a_year(m.frequency)
    return (f"{inline(m.name)} {plural(charter.held(m, today), 'time')}"
            + (f" (its frequency means {expected})" if expected is not None else ""))


def _logged(charter: Charter, today: dt.date, see: Callable[[str, str], str]) -> list[str]:
    """The engagement log's figures, the same as the charter page's: meetings held against
    each mechanism's frequency, each partner's last in-person contact, and who is overdue."""
    if not charter.meetings:
        return []
    meetings = see("meetings", "meetings")
    held = ", ".join(_held(charter, m, today) for m in charter.engagement.mechanisms)
    seen = {p.id: charter.engagement_of(p.id, today).last_in_person for p in charter.partners}
    last = ", ".join(f"{inline(p.name)} {seen[p.id] or 'never in the log'}"
                     for p in charter.partners)
    return [f"Meetings held in the 12 months to {today.isoformat()}: {held} {meetings}",
            f"Last met in person: {last} {meetings}", *_not_met(charter, today, see)]
