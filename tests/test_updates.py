"""Pledge updates: dated notes that say why a pledge stands where it does, and what moved."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from test_site import content, page, text

from conftest import BUILD_DATE, ROOT
from generator.model import Pledge, Update
from generator.render import due_text, latest_update_text
from generator.source import read_all
from generator.validate import stale_pledges

CHARTERS, _ = read_all([ROOT / "charters"])
WESSEX = next(c for c in CHARTERS if c.id == "wessex-healthcare-education")


def _pledge(status: str = "at-risk", due: dt.date | None = dt.date(2026, 12, 1),
            *updates: Update) -> Pledge:
    return Pledge("P-1", "alpha", "Something.", "Director", status, due=due, updates=updates)


def test_a_moved_due_date_keeps_the_original_and_says_when_it_moved() -> None:
    moved = Update(dt.date(2026, 8, 15), "Slipping.", due=dt.date(2026, 12, 1),
                   previous_due=dt.date(2026, 9, 1), reason="Funding late")
    pledge = _pledge("at-risk", dt.date(2026, 12, 1), moved)
    assert pledge.original_due == dt.date(2026, 9, 1)
    assert due_text(pledge) == "2026-09-01, revised to 2026-12-01 on 2026-08-15"
    assert due_text(_pledge()) == "2026-12-01"


def test_the_latest_update_is_the_last_one_folded_to_one_line() -> None:
    pledge = _pledge("at-risk", None, Update(dt.date(2026, 1, 1), "First."),
                     Update(dt.date(2026, 3, 1), "Second,\non two lines."))
    assert latest_update_text(pledge) == "2026-03-01: Second, on two lines."
    assert latest_update_text(_pledge()) is None


def test_a_pledge_in_trouble_needs_an_update_within_90_days() -> None:
    today = dt.date(2026, 11, 26)
    recent = Update(today - dt.timedelta(days=90), "Recent.")
    old = Update(today - dt.timedelta(days=91), "Old.")
    assert _pledge("at-risk").needs_update(today)
    assert not _pledge("at-risk", None, recent).needs_update(today)
    assert _pledge("at-risk", None, old).needs_update(today)
    assert _pledge("missed", None, old).needs_update(today)
    assert _pledge("active", dt.date(2026, 11, 1)).needs_update(today)  # overdue
    assert not _pledge("active", dt.date(2026, 12, 1)).needs_update(today)
    assert not _pledge("met", dt.date(2026, 1, 1)).needs_update(today)


def test_stale_pledges_of_the_examples_are_warned_about_with_their_line() -> None:
    warnings = stale_pledges([WESSEX], BUILD_DATE)
    flagged = {w.message.split()[0] for w in warnings}
    assert flagged == {"WX-002", "WX-006", "WX-008"}  # WX-003 was updated on 2026-10-02
    wx8 = next(w for w in warnings if w.message.startswith("WX-008"))
    line = next(p.line for p in WESSEX.pledges if p.id == "WX-008")
    assert (wx8.path, wx8.line) == (WESSEX.path, line)
    assert "WX-008 is missed with no update in the 90 days before 2026-11-26" in wx8.message


def test_the_site_shows_the_latest_update_and_the_revised_due_date(example_site: Path) -> None:
    charter = content(page(example_site, "charters/wessex-healthcare-education"))
    block = charter.find(id="WX-003")
    assert block is not None
    section = []
    for sibling in block.find_next_siblings():
        if sibling.name in ("h3", "h4"):
            break
        section.append(text(sibling))
    shown = " ".join(section)
    assert "Latest update: 2026-10-02: 11 of 15 placements open." in shown
    assert "2026-05-31, revised to 2026-07-31 on 2026-03-20" in shown
    assert "Two community teams lost their practice educators" in shown  # all updates
    for url in ("partners/dorset-county-hospital", "pledges"):
        body = text(content(page(example_site, url)))
        assert "Latest update 2026-10-02: 11 of 15 placements open." in body, url
        assert "2026-05-31, revised to 2026-07-31 on 2026-03-20" in body, url


def test_the_health_summary_counts_pledges_in_trouble_without_a_recent_update(
        example_site: Path) -> None:
    summary = text(content(page(example_site, "")).select_one(".cc-summary"))
    stale = len(stale_pledges(CHARTERS, BUILD_DATE))
    assert f"{stale} at risk, overdue or missed with no update in 90 days" in summary
    assert stale > 0
