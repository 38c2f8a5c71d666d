"""Feeds: charters.json against its schema, pledges.csv for spreadsheets, pledges.ics for calendars.

Golden files live in tests/cases/feeds/golden/; regenerate them with
`.venv/bin/python -m pytest tests/test_feeds.py --update-golden` and review the diff.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

import icalendar
import pytest
from jsonschema import Draft202012Validator

from conftest import ROOT, check_golden, feed_files
from generator import spec
from generator.feeds import (
    CSV_COLUMNS,
    SCHEMA_PATH,
    charters_json,
    fold,
    ics_text,
    pledges_csv,
    pledges_ics,
    published_schema,
)
from generator.model import Charter
from generator.source import parse_charter, read_all

CASES = ROOT / "tests" / "cases" / "feeds"
TODAY = dt.date(2026, 8, 1)
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def fixture(name: str, *edits: tuple[str, str]) -> Charter:
    path = f"tests/cases/feeds/{name}.yaml"
    text = (CASES / f"{name}.yaml").read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text
        text = text.replace(old, new)
    charter, problems = parse_charter(text.encode("utf-8"), path)
    assert charter is not None, problems
    return charter


def examples() -> list[Charter]:
    charters, problems = read_all([ROOT / "charters"])
    assert not problems
    assert len(charters) >= 2
    return charters


def validator() -> Draft202012Validator:
    schema = json.loads(published_schema())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def csv_rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith("\ufeff".encode())
    text = data.decode("utf-8").removeprefix("\ufeff")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def events(data: bytes) -> dict[str, Any]:
    calendar = icalendar.Calendar.from_ical(data)
    found = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert len(found) == len(calendar.walk("VEVENT")), "UIDs must be unique"
    return found


def pledge_uid(charter: Charter, pledge_id: str) -> str:
    return f"pledge-{charter.id}.{pledge_id}@partnership-charters"


# --- charters.json ----------------------------------------------------------------------------

def test_charters_json_of_the_examples_validates_against_the_published_schema() -> None:
    data = json.loads(charters_json(examples(), TODAY))
    assert list(validator().iter_errors(data)) == []
    assert [c["id"] for c in data["charters"]] == sorted(c["id"] for c in data["charters"])


@pytest.mark.parametrize("name", ["minimal-charter", "complete-charter", "formula-injection"])
def test_charters_json_validates_with_optional_fields_absent_or_present(name: str) -> None:
    data = json.loads(charters_json([fixture(name)], TODAY))
    assert list(validator().iter_errors(data)) == []


def test_fields_a_charter_leaves_out_are_null_or_empty_lists() -> None:
    charter = json.loads(charters_json([fixture("minimal-charter")], TODAY))["charters"][0]
    assert (charter["stage"], charter["established"], charter["review_by"]) == (None, None, None)
    assert charter["past_review"] is False
    assert charter["partners"][0] == {"id": "first-org", "name": "First Org", "sector": None,
                                      "lead": None, "signed": None, "reviewers": [], "networks": [],
                                      "line": 6}
    assert charter["vision"] == {"statement": "Work together.", "outcomes": []}
    for key in ("principles", "rules_of_engagement", "pledges", "metrics", "assessments"):
        assert charter[key] == []
    assert charter["engagement"] == {"mechanisms": [], "links": []}


def test_computed_fields_are_judged_on_the_build_date() -> None:
    data = json.loads(charters_json([fixture("complete-charter")], TODAY))
    assert data["format"] == 1
    assert data["build_date"] == "2026-08-01"
    charter = data["charters"][0]
    assert charter["url"] == "charters/complete-charter/"
    assert charter["source"] == "tests/cases/feeds/complete-charter.yaml"
    assert charter["past_review"] is True  # review_by 2026-07-01
    overdue = {p["id"]: p["overdue"] for p in charter["pledges"]}
    assert overdue == {"HH-1": False, "HH-2": True, "HH-3": False, "HH-4": False}
    placements, vacancies = charter["metrics"]
    assert placements["latest"] == {"date": "2026-06-30", "value": 62.5,
                                    "note": "Two wards reopened",
                                    "source": 'Trust HR system ("ESR")'}
    assert placements["progress"] == 0.4167  # (62.5 - 50) / (80 - 50), rounded
    # 42% of the way with 54% of the time from first measurement to target date gone
    assert placements["track"] == "off track"
    assert (vacancies["latest"], vacancies["progress"], vacancies["track"]) == (None, None,
                                                                                "no data")
    assert charter["pledges"][3]["to"] == ["all"]  # the default is written out


def test_charters_json_is_byte_identical_across_runs() -> None:
    charters = [*examples(), fixture("complete-charter")]
    assert charters_json(charters, TODAY) == charters_json(list(charters), TODAY)
    assert feed_files(charters, TODAY) == feed_files(list(charters), TODAY)


def test_charters_json_keys_follow_the_order_of_the_schema() -> None:
    schema = json.loads(published_schema())

    def check(value: Any, node: dict[str, Any]) -> None:
        if "oneOf" in node:
            node = node["oneOf"][0] if value is not None else node["oneOf"][1]
        if "$ref" in node:
            node = schema["$defs"][node["$ref"].rsplit("/", 1)[1]]
        if isinstance(value, dict):
            assert list(value) == list(node["properties"])
            assert node["required"] == list(node["properties"])
            for key, item in value.items():
                check(item, node["properties"][key])
        elif isinstance(value, list) and "items" in node:
            for item in value:
                check(item, node["items"])

    check(json.loads(charters_json([fixture("complete-charter")], TODAY)), schema)


def test_schema_enums_and_patterns_agree_with_the_charter_format() -> None:
    defs = json.loads(published_schema())["$defs"]
    assert defs["charter"]["properties"]["stage"]["enum"] == [*spec.STAGES, None]
    assert defs["partner"]["properties"]["sector"]["enum"] == [*spec.SECTORS, None]
    assert defs["pledge"]["properties"]["status"]["enum"] == list(spec.STATUSES)
    assert defs["metric"]["properties"]["direction"]["enum"] == list(spec.DIRECTIONS)
    mechanism = defs["charter"]["properties"]["engagement"]["properties"]["mechanisms"]["items"]
    assert mechanism["properties"]["mode"]["enum"] == list(spec.MODES)
    assert defs["pledge"]["properties"]["id"]["pattern"] == spec.PLEDGE_ID_PATTERN
    assert defs["partnerId"]["pattern"] == spec.ID_PATTERN


def test_charters_json_is_readable_utf8_with_a_trailing_newline() -> None:
    data = charters_json([fixture("complete-charter")], TODAY)
    text = data.decode("utf-8")
    assert "naïve café 日本語" in text
    assert text.endswith("}\n")
    assert text.startswith('{\n  "format": 1,\n  "build_date": "2026-08-01",\n')


# --- pledges.csv ------------------------------------------------------------------------------

def test_csv_round_trips_every_pledge_of_the_examples() -> None:
    charters = examples()
    rows = csv_rows(pledges_csv(charters, TODAY))
    expected = [(c.id, p.id, p.by, p.owner, p.status, p.due.isoformat() if p.due else "")
                for c in charters for p in c.pledges]
    assert [(r["charter"], r["pledge"], r["by"], r["owner"], r["status"], r["due"])
            for r in rows] == expected
    assert list(rows[0]) == list(CSV_COLUMNS)


def test_csv_is_for_excel_with_a_bom_and_crlf_line_endings() -> None:
    data = pledges_csv([fixture("complete-charter")], TODAY)
    assert data.startswith(b"\xef\xbb\xbfcharter,charter_title,pledge,")
    assert data.endswith(b"\r\n")
    assert data.count(b"\n") == data.count(b"\r\n") == 5  # header and four pledges


def test_csv_folds_text_to_one_line_and_names_the_recipients() -> None:
    rows = {r["pledge"]: r for r in csv_rows(pledges_csv([fixture("complete-charter")], TODAY))}
    assert rows["HH-1"]["text"] == ("Run a shared skills lab, open to every partner, five days a "
                                    "week; book via the portal. Second line with a backslash \\ "
                                    "and a tab\tinside.")
    assert rows["HH-1"]["to"] == "All partners"
    assert rows["HH-3"]["to"] == "Harbour College; Quay Hospital, NHS Trust"
    assert rows["HH-3"]["by_name"] == "Lighthouse Care; Homes & Hospice"
    assert rows["HH-1"]["metrics"] == "placements; vacancies"
    assert (rows["HH-2"]["overdue"], rows["HH-3"]["overdue"]) == ("yes", "no")
    assert rows["HH-4"]["due"] == ""
    assert rows["HH-2"]["url"] == "charters/complete-charter/#HH-2"


def test_formula_injection_cells_get_an_apostrophe_and_nothing_else() -> None:
    charter = fixture("formula-injection")
    rows = {r["pledge"]: r for r in csv_rows(pledges_csv([charter], TODAY))}
    assert rows["FI-1"]["text"] == "'=cmd|' /C calc'!A0"
    assert rows["FI-1"]["owner"] == "'+1"
    assert rows["FI-2"]["text"] == "'-2"
    assert rows["FI-2"]["owner"] == "'@SUM(1)"
    assert rows["FI-3"]["text"] == "'\tTabbed text"
    assert rows["FI-3"]["owner"] == "'\tTabbed owner"  # a one-line field holds no \r
    assert rows["FI-1"]["charter_title"] == "'" + charter.title
    assert (rows["FI-1"]["by_name"], rows["FI-2"]["by_name"]) == ("'@Alpha", "'-Beta")
    assert rows["FI-2"]["to"] == "'@Alpha"
    assert rows["FI-4"]["text"] == "Plain text stays plain."
    assert rows["FI-4"]["owner"] == "Plain owner"
    for row in rows.values():
        for value in row.values():
            assert not value.startswith(DANGEROUS), value


# A partner's feeds hold what it made and what was made to it by name; a pledge to all partners
# is in its charter's feed once, not in every partner's (N partners, N pledges: N squared).
@pytest.mark.parametrize(("partner", "made", "received"), [
    ("harbour-college", ["HH-1", "HH-4"], ["HH-2", "HH-3"]),
    ("quay-hospital", ["HH-2"], ["HH-3"]),
    ("lighthouse-care", ["HH-3"], []),
])
def test_partner_csv_holds_exactly_the_pledges_it_made_and_was_made_by_name(
        partner: str, made: list[str], received: list[str]) -> None:
    rows = csv_rows(pledges_csv([fixture("complete-charter")], TODAY, partner))
    assert list(rows[0]) == ["role", *CSV_COLUMNS]
    assert sorted(r["pledge"] for r in rows if r["role"] == "made") == made
    assert sorted(r["pledge"] for r in rows if r["role"] == "received") == received


def test_partner_csv_of_the_examples_matches_the_model() -> None:
    charters = examples()
    for partner in sorted({p.id for c in charters for p in c.partners}):
        rows = csv_rows(pledges_csv(charters, TODAY, partner))
        expected = [(c.id, p.id, "made" if p.by == partner else "received")
                    for c in charters if c.involves(partner)
                    for p in c.pledges if p.by == partner
                    or ("all" not in p.to and partner in c.recipients(p))]
        assert expected  # every example partner makes or receives something
        assert [(r["charter"], r["pledge"], r["role"]) for r in rows] == expected


# --- pledges.ics ------------------------------------------------------------------------------

def test_ics_has_one_event_per_dated_pledge_on_its_due_date_or_today_when_overdue() -> None:
    charters = [*examples(), fixture("complete-charter")]
    found = events(pledges_ics(charters, TODAY))
    dated = {pledge_uid(c, p.id): TODAY if p.is_overdue(TODAY) else p.due
             for c in charters for p in c.pledges if p.due}
    assert TODAY in dated.values()  # the examples have an overdue pledge
    assert {uid for uid in found if uid.startswith("pledge-")} == set(dated)
    for uid, day in dated.items():
        assert found[uid].decoded("DTSTART") == day
        assert found[uid].decoded("DTEND") == day + dt.timedelta(days=1)


def test_each_event_says_where_its_pledge_stands() -> None:
    charter = fixture("complete-charter", ("status: active", "status: met"))
    found = events(pledges_ics([charter], TODAY))
    summaries = {uid.split("@")[0]: str(e["SUMMARY"]).split(":")[0] for uid, e in found.items()}
    assert summaries == {"review-complete-charter": "Health check overdue",
                         "pledge-complete-charter.HH-1": "Met",
                         "pledge-complete-charter.HH-2": "Overdue",
                         "pledge-complete-charter.HH-3": "Withdrawn"}
    later = events(pledges_ics([fixture("complete-charter")], dt.date(2026, 1, 1)))
    assert {str(e["SUMMARY"]).split(":")[0] for uid, e in later.items()
            if uid.startswith("pledge-")} == {"Due", "Withdrawn"}
    assert str(later["review-complete-charter@partnership-charters"]["SUMMARY"]).startswith(
        "Health check due: ")


def test_an_overdue_pledge_shows_today_and_says_when_it_was_due() -> None:
    charter = fixture("complete-charter")
    hh2 = events(pledges_ics([charter], TODAY))[pledge_uid(charter, "HH-2")]
    assert hh2.decoded("DTSTART") == TODAY
    assert "\nDue: 2026-03-31 (overdue by 123 days)\n" in str(hh2["DESCRIPTION"])


def test_only_what_is_still_due_has_a_reminder_two_weeks_before() -> None:
    charter = fixture("complete-charter")
    for today, reminded in [(TODAY, {"HH-1"}), (dt.date(2026, 1, 1), {"HH-1", "HH-2", "review"})]:
        found = events(pledges_ics([charter], today))
        # "review" for the health check, the pledge id for a pledge
        alarms = {uid.split("@")[0].split(".")[-1].removeprefix("review-complete-charter")
                  or "review": e.walk("VALARM") for uid, e in found.items()}
        with_alarm = {key for key, found_alarms in alarms.items() if found_alarms}
        assert with_alarm == reminded, today
        for found_alarms in alarms.values():
            for alarm in found_alarms:
                assert alarm.decoded("TRIGGER") == -dt.timedelta(days=14)
                assert str(alarm["ACTION"]) == "DISPLAY"
                assert str(alarm["DESCRIPTION"]).startswith(("Due: ", "Health check due: "))


def test_ics_calendar_properties_and_deterministic_stamp() -> None:
    data = pledges_ics([fixture("complete-charter")], TODAY)
    assert data.startswith(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Partnership Charters//EN"
                           b"\r\nCALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\n")
    assert data.endswith(b"END:VCALENDAR\r\n")
    assert data.count(b"DTSTAMP:20260801T000000Z\r\n") == 4  # three dated pledges, one review
    assert b"SEQUENCE" not in data


def test_ics_lines_are_at_most_75_octets_and_crlf_terminated() -> None:
    charters = [*examples(), fixture("complete-charter"), fixture("formula-injection")]
    for data in feed_files(charters, TODAY).values():
        if not data.startswith(b"BEGIN:VCALENDAR"):
            continue
        lines = data.split(b"\r\n")
        assert lines[-1] == b""
        for line in lines[:-1]:
            assert b"\n" not in line
            assert b"\r" not in line
            assert len(line) <= 75
            line.decode("utf-8")  # a fold never splits a character


def test_fold_never_splits_a_multibyte_character() -> None:
    for text in ("é" * 100, "日本語" * 40, "a" + "🙂" * 30, "x" * 75, "x" * 76):
        folded = fold("SUMMARY:" + text).encode("utf-8")
        physical = folded.split(b"\r\n")
        assert all(len(p) <= 75 for p in physical)
        assert [p.decode("utf-8") for p in physical]
        assert folded.decode("utf-8").replace("\r\n ", "") == "SUMMARY:" + text + "\r\n"
    assert fold("x" * 75) == "x" * 75 + "\r\n"


def test_ics_text_escapes_backslash_semicolon_comma_and_newline() -> None:
    assert ics_text("a\\b;c,d\ne\r\nf") == "a\\\\b\\;c\\,d\\ne\\nf"
    assert ics_text("bell\x07 and\ttab") == "bell and\ttab"


def test_ics_escaping_round_trips_through_a_calendar_parser() -> None:
    charter = fixture("complete-charter")
    found = events(pledges_ics([charter], TODAY))
    hh1 = found[pledge_uid(charter, "HH-1")]
    description = str(hh1["DESCRIPTION"])
    assert description.startswith(charter.pledges[0].text.strip() + "\n\nBy: Harbour College\n")
    assert "To: All partners\n" in description
    assert "Page: charters/complete-charter/#HH-1" in description
    assert "Due: 2026-09-30\n" in description
    hh3 = found[pledge_uid(charter, "HH-3")]
    assert str(hh3["SUMMARY"]) == ("Withdrawn: HH-3 Lighthouse Care; Homes & Hospice: "
                                   "Second a palliative care educator to the college.")
    assert "To: Harbour College; Quay Hospital, NHS Trust\n" in str(hh3["DESCRIPTION"])
    hh2 = found[pledge_uid(charter, "HH-2")]
    assert str(hh2["SUMMARY"]).startswith("Overdue: HH-2 Quay Hospital, NHS Trust: Offer 30 ")
    assert str(hh2["SUMMARY"]).endswith("…")
    assert "naïve café 日本語" in str(hh2["DESCRIPTION"])
    assert "Status: at-risk (overdue)" in str(hh2["DESCRIPTION"])


def test_withdrawn_pledges_are_cancelled_and_categories_carry_the_status() -> None:
    charter = fixture("complete-charter")
    found = events(pledges_ics([charter], TODAY))
    statuses = {uid: (str(e.get("STATUS", "")), e["CATEGORIES"].cats)
                for uid, e in found.items()}
    assert statuses == {
        "review-complete-charter@partnership-charters": ("", ["health-check"]),
        pledge_uid(charter, "HH-1"): ("", ["active"]),
        pledge_uid(charter, "HH-2"): ("", ["at-risk"]),
        pledge_uid(charter, "HH-3"): ("CANCELLED", ["withdrawn"]),
    }


def test_review_dates_become_health_check_events() -> None:
    charter = fixture("complete-charter")
    uid = "review-complete-charter@partnership-charters"
    review = events(pledges_ics([charter], dt.date(2026, 6, 1)))[uid]
    assert str(review["SUMMARY"]) == "Health check due: Harbour Health, Care & Learning Partnership"
    assert review.decoded("DTSTART") == dt.date(2026, 7, 1)
    late = events(pledges_ics([charter], TODAY))[uid]  # review_by 2026-07-01 has passed
    assert str(late["SUMMARY"]) == ("Health check overdue: "
                                    "Harbour Health, Care & Learning Partnership")
    assert late.decoded("DTSTART") == TODAY
    assert "by 2026-07-01: overdue by 31 days." in str(late["DESCRIPTION"])


def test_uids_stay_stable_when_a_pledge_is_edited() -> None:
    before = events(pledges_ics([fixture("complete-charter")], TODAY))
    edited = fixture("complete-charter", ("Offer 30 nursing placements", "Offer 35 placements"),
                     ("due: 2026-03-31", "due: 2026-12-15"))
    after = events(pledges_ics([edited], TODAY))
    assert set(after) == set(before)
    uid = pledge_uid(edited, "HH-2")
    assert after[uid].decoded("DTSTART") == dt.date(2026, 12, 15)
    assert before[uid].decoded("DTSTART") == TODAY  # overdue before the edit
    assert str(after[uid]["SUMMARY"]).startswith("Due: HH-2 Quay Hospital, NHS Trust: Offer 35 ")
    assert after[uid]["SUMMARY"] != before[uid]["SUMMARY"]
    for other in set(before) - {uid}:
        assert before[other].to_ical() == after[other].to_ical()


def test_partner_ics_holds_made_and_received_pledges_and_its_charters_reviews() -> None:
    complete, minimal = fixture("complete-charter"), fixture("minimal-charter")
    found = events(pledges_ics([complete, minimal], TODAY, "lighthouse-care"))
    # HH-3 it made; HH-1 is made to all (in the charter's feed); HH-4 has no due date.
    assert set(found) == {"review-complete-charter@partnership-charters",
                          pledge_uid(complete, "HH-3")}
    # X- properties are TEXT (RFC 5545 3.8.8.2), so the name is escaped like any other text.
    calendar = pledges_ics([complete], TODAY, "lighthouse-care")
    assert b"\r\nX-WR-CALNAME:Lighthouse Care\\; Homes & Hospice: pledges\r\n" in calendar
    # `to: [all]` in another charter does not reach a partner of this one.
    assert events(pledges_ics([complete, minimal], TODAY, "first-org")) == {}
    assert csv_rows(pledges_csv([complete, minimal], TODAY, "first-org")) == []


def test_url_property_appears_only_with_a_site_url() -> None:
    charter = fixture("complete-charter")
    assert b"\r\nURL:" not in pledges_ics([charter], TODAY)
    found = events(pledges_ics([charter], TODAY, site_url="https://intranet.example/charters/"))
    hh1 = found[pledge_uid(charter, "HH-1")]
    assert str(hh1["URL"]) == "https://intranet.example/charters/charters/complete-charter/#HH-1"
    assert "Page: https://intranet.example/charters/charters/complete-charter/#HH-1" in str(
        hh1["DESCRIPTION"])


def test_with_a_site_url_every_feed_links_each_pledge_absolutely() -> None:
    charter = fixture("complete-charter")
    site = "https://intranet.example/partnerships/"
    files = feed_files([charter], TODAY, site_url=site)
    for path, data in files.items():
        if path.endswith(".csv"):
            urls = [r["url"] for r in csv_rows(data)]
            assert urls, path
            assert all(u.startswith(site + "charters/complete-charter/#HH-") for u in urls), path
        elif path.endswith(".ics"):
            found = events(data)
            assert found, path
            assert all(str(e["URL"]).startswith(site + "charters/complete-charter/")
                       for e in found.values()), path
    without = feed_files([charter], TODAY)
    assert csv_rows(without["pledges.csv"])[0]["url"] == "charters/complete-charter/#HH-1"


def test_each_charter_has_its_own_calendar_beside_the_site_and_partner_ones() -> None:
    complete, minimal = fixture("complete-charter"), fixture("minimal-charter")
    files = feed_files([complete, minimal], TODAY)
    assert (b"\r\nX-WR-CALNAME:Harbour Health\\, Care & Learning Partnership: pledges\r\n"
            in files["charters/complete-charter/pledges.ics"])
    site = events(files["pledges.ics"])
    assert set(events(files["charters/complete-charter/pledges.ics"])) == {
        uid for uid in site if "complete-charter" in uid}
    assert events(files["charters/minimal-charter/pledges.ics"]) == {}


# --- feed_files and golden files --------------------------------------------------------------

def test_feed_files_lists_every_feed_in_path_order() -> None:
    files = feed_files([fixture("complete-charter"), fixture("minimal-charter")], TODAY)
    partners = ["first-org", "harbour-college", "lighthouse-care", "quay-hospital", "second-org"]
    expected = ["charters.json", "pledges.csv", "pledges.ics", SCHEMA_PATH] + [
        f"partners/{p}/pledges.{ext}" for p in partners for ext in ("csv", "ics")] + [
        f"charters/{c}/pledges.ics" for c in ("complete-charter", "minimal-charter")]
    assert list(files) == sorted(expected)
    assert files[SCHEMA_PATH] == (ROOT / "generator" / SCHEMA_PATH).read_bytes()


def test_feeds_match_the_golden_files() -> None:
    charters = [fixture("complete-charter"), fixture("formula-injection"),
                fixture("minimal-charter")]
    files = feed_files(charters, TODAY)
    del files[SCHEMA_PATH]  # the schema is its own reviewed file
    golden = CASES / "golden"
    for path, data in files.items():
        check_golden(golden / path, data)
    on_disk = sorted(p.relative_to(golden).as_posix() for p in golden.rglob("*") if p.is_file())
    assert on_disk == sorted(files), "golden files for feeds that no longer exist: remove them"
