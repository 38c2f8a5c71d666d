"""The engagement log: meetings that took place, and what they say of each partner."""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from test_site import content, page, text

from conftest import BUILD_DATE, ROOT
from generator.feeds import charters_json
from generator.model import PartnerEngagement, times_a_year
from generator.render import held_text
from generator.source import read_all

CHARTERS, _ = read_all([ROOT / "charters"])
WESSEX = next(c for c in CHARTERS if c.id == "wessex-healthcare-education")
RIVERSIDE = next(c for c in CHARTERS if c.id == "riverside-food-poverty")
SVG = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize(("frequency", "expected"), [
    ("quarterly, rotating between partners' sites", 4), ("fortnightly", 26), ("monthly", 12),
    ("Twice a year", 2), ("once a year", 1), ("as the survey needs", None), (None, None),
])
def test_a_frequency_in_words_says_how_often_a_year(frequency: str | None,
                                                    expected: int | None) -> None:
    assert times_a_year(frequency) == expected


def test_each_partners_figures_come_from_the_log_of_the_last_12_months() -> None:
    hospice = WESSEX.engagement_of("st-aldhelms-hospice", BUILD_DATE)
    # Boards of 2025-12-09 and 2026-03-10 and its own visit of 2026-04-22, of four boards and
    # the three placement visits that reach it.
    assert hospice == PartnerEngagement("st-aldhelms-hospice", dt.date(2026, 4, 22), 3, 7, 1)
    # The board of 2026-06-16 was virtual: it is no in-person contact for the hospital.
    hospital = WESSEX.engagement_of("dorset-county-hospital", dt.date(2026, 6, 30))
    assert hospital.last_in_person == dt.date(2026, 3, 10)
    assert hospital.hosted == 1


def test_a_mechanism_is_held_against_its_declared_frequency() -> None:
    board = WESSEX.mechanism("Partnership board")
    assert WESSEX.held(board, BUILD_DATE) == 4
    assert held_text(WESSEX, board, BUILD_DATE) == "4 times; its frequency means 4"
    assert held_text(WESSEX, board, dt.date(2026, 1, 1)) == "1 time; its frequency means 4"


def test_partners_not_met_in_person_for_six_months_are_flagged_only_where_a_log_is_kept(
        ) -> None:
    assert [e.partner for e in WESSEX.not_met_in_person(BUILD_DATE)] == ["st-aldhelms-hospice"]
    assert not RIVERSIDE.meetings
    assert RIVERSIDE.not_met_in_person(BUILD_DATE) == []


def test_charters_json_carries_the_log_with_each_meetings_mode() -> None:
    data = json.loads(charters_json([WESSEX], BUILD_DATE))["charters"][0]
    virtual = next(m for m in data["meetings"] if m["date"] == "2026-06-16")
    assert virtual["mode"] == "virtual"
    assert virtual["host"] == "dorset-county-hospital"
    first = data["meetings"][0]
    assert (first["mechanism"], first["mode"]) == ("Partnership board", "face-to-face")


def test_the_site_shows_each_partners_engagement_and_flags_the_health_summary(
        example_site: Path) -> None:
    body = content(page(example_site, "charters/wessex-healthcare-education"))
    log = body.find(id="meetings")
    assert log is not None
    table = log.find_next("table")
    rows = {text(tr.find("td")): [text(td) for td in tr.find_all("td")]
            for tr in table.find_all("tr") if tr.find("td")}
    assert rows["St Aldhelm's Hospice"][1:] == ["2026-04-22 ⚠ Over six months", "3 of 7 (43%)",
                                                "1"]
    assert rows["University of Wessex, Faculty of Health Sciences"][1:] == [
        "2026-11-03", "9 of 9 (100%)", "1"]
    home = content(page(example_site, ""))
    assert "1 partners not met in person for six months" in text(home.select_one(".cc-summary"))
    flagged = home.find(id="partners-not-met-in-person-for-six-months").find_next("table")
    assert "St Aldhelm's Hospice" in text(flagged)
    assert "Solent NHS Trust" not in text(flagged)


def test_a_partners_page_gives_its_engagement_in_each_charter_with_a_log(
        example_site: Path) -> None:
    hospice = content(page(example_site, "partners/st-aldhelms-hospice"))
    table = hospice.find(id="engagement").find_next("table")
    [row] = [[text(td) for td in tr.find_all("td")] for tr in table.find_all("tr")
             if tr.find("td")]
    assert row == ["Wessex Healthcare Education Partnership", "2026-04-22 ⚠ Over six months",
                   "3 of 7 (43%)", "1"]
    food_bank = content(page(example_site, "partners/riverside-food-bank"))
    assert food_bank.find(id="engagement") is None  # its charter keeps no log


def _map(site: Path, charter_id: str) -> ET.Element:
    body = content(page(site, f"charters/{charter_id}"))
    [picture] = body.select("svg.cc-engagement-map")
    return ET.fromstring(str(picture))


def test_the_charter_pages_map_weighs_each_spoke_by_the_meetings_its_partner_attended(
        example_site: Path) -> None:
    root = _map(example_site, WESSEX.id)
    bands = {"".join(e.find(f"{SVG}title").itertext()): float(e.get("stroke-width", "nan"))
             for e in root.iter(f"{SVG}line")
             if e.get("class") == "cc-attended" and e.find(f"{SVG}title") is not None}
    counts = {p.name: WESSEX.engagement_of(p.id, BUILD_DATE) for p in WESSEX.partners
              if p.id != WESSEX.hub}
    assert len(bands) == len(counts)
    by_partner = {said.split(":")[0]: width for said, width in bands.items()}
    for name, e in counts.items():
        said = next(s for s in bands if s.startswith(f"{name}:"))
        assert said.endswith(f"attended {e.attended} of the {e.expected} meetings that reach it "
                             f"in the 12 months to {BUILD_DATE.isoformat()}")
    # The same figures as the table under the map: more meetings, a wider band.
    ranked = sorted(counts, key=lambda n: counts[n].attended)
    widths = [by_partner[n] for n in ranked]
    assert widths == sorted(widths)
    assert by_partner["St Aldhelm's Hospice"] < by_partner[
        "University of Wessex, Faculty of Health Sciences"]
    legend = "".join(root.itertext())
    assert f"Meetings attended in the 12 months to {BUILD_DATE.isoformat()}" in legend


def test_a_charter_without_a_log_draws_no_bands(example_site: Path) -> None:
    root = _map(example_site, RIVERSIDE.id)
    assert not [e for e in root.iter() if e.get("class") == "cc-attended"]
    assert "Meetings attended" not in "".join(root.itertext())
