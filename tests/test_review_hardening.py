"""What changed and the history pages against hostile commits, large commits and renamed
charters; `diff` on the self-assessment settings; the sign-off rule as the guide states it."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from test_whatchanged import BASE, SITE, commit, git, make_repo, outputs, parse

from generator.review.changes import charter_lines
from generator.review.compare import compare_charter, entries
from generator.review.whatchanged import LINES
from generator.source import parse_charter
from generator.spec import BIDI_CONTROLS, MAX_LINE_CHARS
from generator.starter import write_starter

ROOT = Path(__file__).parent.parent
SHOWN = ("changes.md", "charters/harbour/history.md", "changes.atom",
         "charters/harbour/changes.atom")


def texts(made: dict[str, Any]) -> dict[str, str]:
    return {path: made[path].decode() if isinstance(made[path], bytes) else made[path]
            for path in SHOWN}


@pytest.mark.git
def test_reordering_and_c1_characters_in_subjects_and_authors_are_shown_not_obeyed(
        tmp_path: Path) -> None:
    charters_dir = make_repo(tmp_path / "repo")
    commit(tmp_path / "repo", {"harbour.yaml": BASE.replace("Chief Nurse\n", "Head Nurse\n", 1)},
           "Fix \u202egnp.exe\u202c the owner \u2067x\u2069 \u0085 \u009b31m",
           "Mallory \u202eyrollaM", "2026-06-01T09:00:00+00:00")
    made = texts(outputs(charters_dir, site_url=SITE))
    for path, text in made.items():
        assert not set(text) & set(BIDI_CONTROLS), path
        assert not re.search("[\x80-\x9f]", text), path
        assert "Fix \ufffdgnp.exe\ufffd the owner" in text, path
    entry = parse(made["changes.atom"].encode()).entries[0]
    assert entry.author == "Mallory \ufffdyrollaM"


@pytest.mark.git
def test_a_very_long_subject_is_cut_to_a_one_line_fields_length_everywhere(
        tmp_path: Path) -> None:
    charters_dir = make_repo(tmp_path / "repo")
    subject = "*" * 5 + "x" * 20_000
    commit(tmp_path / "repo", {"harbour.yaml": BASE.replace("Chief Nurse\n", "Head Nurse\n", 1)},
           subject, "A" * 20_000, "2026-06-01T09:00:00+00:00")
    made = texts(outputs(charters_dir, site_url=SITE))
    kept = "x" * (MAX_LINE_CHARS - 6) + "\u2026"
    for path, text in made.items():
        assert kept in text, path
        assert "x" * (MAX_LINE_CHARS - 5) not in text, path
        assert "A" * MAX_LINE_CHARS not in text, path
    feed = parse(made["changes.atom"].encode())
    assert feed.entries[0].title.endswith(kept)


@pytest.mark.git
def test_one_large_commit_shows_a_bounded_change_that_points_to_its_history(
        tmp_path: Path) -> None:
    charters_dir = make_repo(tmp_path / "repo")
    many = "".join(f"  - id: HH-{i}\n    by: harbour-hospital\n    text: Pledge number {i}.\n"
                   f"    owner: Chief Nurse\n    status: proposed\n" for i in range(10, 60))
    now = (charters_dir / "harbour.yaml").read_text(encoding="utf-8")
    grown = now.replace("\nmetrics:", "\n" + many + "metrics:")
    commit(tmp_path / "repo", {"harbour.yaml": grown}, "Fifty pledges", "Ada",
           "2026-06-01T09:00:00+00:00")
    made = outputs(charters_dir, site_url=SITE)
    page = made["changes.md"]
    june = page[page.index("## 2026-06-01"):page.index("## 2026-05-01")]
    assert len([line for line in june.splitlines() if line.startswith("- pledge")]) == LINES
    assert (f"- … and {50 - LINES} more lines: see "
            "[its history](charters/harbour/history.md#harbour-") in june  # the entry there
    history = made["charters/harbour/history.md"]
    assert "Pledge number 59." in history  # the history page keeps every line
    see = next(line for line in june.splitlines() if line.startswith("See "))
    assert see.count("[pledge HH-") == LINES
    entry = parse(made["changes.atom"]).entries[0]
    assert len(entry.links) <= LINES + 2  # its history, a pull request, the pledges
    html = entry.content[0].value
    assert "Pledge number 59." not in html
    assert re.search(f'<a href="{re.escape(SITE)}charters/harbour/history.html#harbour-'
                     '[0-9a-f]{7}">its history</a>', html)


@pytest.mark.git
def test_feed_entry_ids_use_the_full_hash_and_survive_renaming_the_charter(
        tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    charters_dir = make_repo(repo)
    before = {e.title: e.id for e in parse(outputs(charters_dir)["changes.atom"]).entries}
    assert all(re.fullmatch(r"tag:partnership-charters,2026:(bay|harbour)/[0-9a-f]{40}", i)
               for i in before.values()), before
    git(repo, "mv", "charters/bay.yaml", "charters/bay-partnership.yaml")
    git(repo, "commit", "-q", "-m", "Rename the bay charter", date="2026-06-01T09:00:00+00:00")
    feed = parse(outputs(charters_dir)["changes.atom"])
    after = {e.title: e.id for e in feed.entries}
    assert feed.entries[0].id.startswith("tag:partnership-charters,2026:bay-partnership/")
    # Every change listed before is listed again under the same id: no reader shows it twice.
    assert {t: after[t] for t in before} == before


def test_diff_names_a_changed_secretariat_and_rounds_and_asks_every_partner(
        tmp_path: Path) -> None:
    path = write_starter("demo", tmp_path, dt.date(2026, 1, 5))
    base = path.read_text(encoding="utf-8")

    def charter(address: str, opens: str) -> Any:
        text = (f"{base}self_assessment:\n  secretariat: {address}\n  rounds:\n"
                f"    - id: 2026-spring\n      opens: {opens}\n      closes: 2026-06-30\n")
        found, problems = parse_charter(text.encode(), "charters/demo.yaml")
        assert problems == []
        return found

    change = compare_charter(charter("office@demo.example", "2026-04-01"),
                             charter("office@elsewhere.example", "2026-04-15"))
    assert charter_lines(change) == [
        "- self-assessment secretariat: office@demo.example → office@elsewhere.example",
        "- self-assessment rounds: 2026-spring from 2026-04-01 to 2026-06-30 → 2026-spring from "
        "2026-04-15 to 2026-06-30"]
    everyone = ("lead-partner", "second-partner")
    assert list(entries(change)) == [("self-assessment secretariat", everyone),
                                     ("self-assessment rounds", everyone)]


def test_the_guide_states_the_sign_off_rule_for_updates_networks_the_log_and_notes() -> None:
    guide = (ROOT / "docs" / "review-workflow.md").read_text(encoding="utf-8")
    rule = guide[guide.index("### Who must sign off: the rule"):]
    rule = " ".join(rule[:rule.index("\n### ", 5)].split())
    assert "A pledge's updates count as part of the pledge" in rule
    assert "the **wider networks** it brings in" in rule
    shared = rule[rule.index("**Everything else is shared**"):]
    assert "**the engagement log**" in shared
    assert "**a measurement's note or source**" in shared
    assert "the self-assessment's secretariat and rounds" in shared


def test_two_commits_whose_short_hashes_collide_are_two_entries(tmp_path: Path) -> None:
    from generator.review.history import Entry, History
    from generator.review.whatchanged import atom_plan
    from generator.source import read_all

    path = write_starter("demo", tmp_path, dt.date(2026, 1, 5))
    (charter,), _ = read_all([path])
    change = compare_charter(None, charter)
    same = [Entry(dt.date(2026, 2, day), f"2026-02-{day:02d}T09:00:00+00:00", "abc1234",
                  f"Commit {day}", change, "Ada", f"abc1234{day:033d}") for day in (2, 1)]
    plan = atom_plan(History(True, entries={"demo": tuple(same)}), [charter],
                     dt.date(2026, 3, 1))
    feed = parse(plan["changes.atom"]())
    assert [e.title for e in feed.entries] == [f"{charter.title}: Commit 2",
                                               f"{charter.title}: Commit 1"]
    assert len({e.id for e in feed.entries}) == 2


@pytest.mark.git
def test_a_hostile_commit_reaches_no_page_feed_or_search_index_alive(tmp_path: Path) -> None:
    from bs4 import BeautifulSoup

    from conftest import build, make_project

    project = tmp_path / "project"
    config = make_project(project, {}, {"history": True})
    make_repo(project)
    subject = ("{{ config.site_name }} {% raw %} [x](javascript:alert(1)) <script>alert(2)"
               "</script> # \u202eevil\u202c \x1b[31m !!! note ~~40~~ (#3)")
    commit(project, {"harbour.yaml": BASE.replace("Chief Nurse\n", "Head Nurse\n", 1)},
           subject, "<img src=x onerror=alert(3)> \u2066", "2026-06-01T09:00:00+00:00")
    built = build(config)  # strict: and the plugin refuses a page with live markup
    for path in ("changes.html", "charters/harbour/history.html", "changes.atom",
                 "charters/harbour/changes.atom", "search/search_index.json"):
        text = (built / path).read_text(encoding="utf-8")
        assert not set(text) & set(BIDI_CONTROLS), path
        assert "\x1b" not in text, path
        assert "<script>alert(2)" not in text, path
        assert "<img src=x" not in text, path
        assert 'href="javascript' not in text.lower(), path
    page = BeautifulSoup((built / "changes.html").read_text(encoding="utf-8"), "html.parser")
    # The subject, whole under its heading on What changed, cut in the heading on the history
    # page: text in both.
    said = next(p for p in page.find_all("p") if "config.site_name" in p.text)
    assert said.text.startswith("{{ config.site_name }} {% raw %} "
                                "[x](javascript:alert(1)) <script>alert(2)</script> # ")
    assert "\u241b[31m !!! note ~~40~~ (#3)" in said.text
    assert not said.find_all(["script", "del", "s", "a"])
    own = BeautifulSoup((built / "charters" / "harbour" / "history.html").read_text(
        encoding="utf-8"), "html.parser")
    heading = next(h for h in own.find_all("h2") if "config.site_name" in h.text)
    assert heading.text == ("2026-06-01: {{ config.site_name }} {% raw %} "
                            "[x](javascript:alert(1))\u2026\u00b6")  # and the permalink's ¶
    assert not heading.find_all(["script", "del", "s"])
    assert [a["class"] for a in heading.find_all("a")] == [["headerlink"]]  # the ¶ alone


@pytest.mark.git
def test_hostile_meetings_networks_updates_notes_and_sources_stay_text_in_what_changed(
        tmp_path: Path) -> None:
    hostile = (ROOT / "tests" / "cases" / "hostile" / "charters" / "hostile.yaml").read_text(
        encoding="utf-8")
    evil = "<img src=x onerror=alert(9)> [z](javascript:alert(9)) {{ x }} # h"
    first = hostile[:hostile.index("\nmeetings:") + 1]  # no engagement log yet
    h00 = hostile.index("- id: H-00")
    at = hostile.index("\n- id: ", h00) + 1
    grown = (hostile[:at] + f"  - date: '2025-12-01'\n    text: '{evil}'\n" + hostile[at:])
    grown = grown.replace("  networks:\n", f"  networks:\n  - '{evil}'\n", 1)
    grown = grown.replace("    value: 2\nengagement:",
                          f"    value: 2\n    note: '{evil}'\n    source: '{evil}'\nengagement:")
    repo = tmp_path / "repo"
    (repo / "charters").mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    commit(repo, {"hostile.yaml": first}, "Start", "Ada", "2026-05-01T09:00:00+00:00")
    commit(repo, {"hostile.yaml": grown}, "Log, networks, update, notes", "Ada",
           "2026-06-01T09:00:00+00:00")
    made = outputs(repo / "charters", site_url=SITE)  # a feed with live markup fails the build
    page = made["changes.md"]
    june = page[page.index("## 2026-06-01"):]
    for needle in ("meeting added", "networks:", "update added: 2025-12-01", "measurement "
                   "2026-01-01 note", "measurement 2026-01-01 source"):
        assert needle in june, needle
    assert "<img" not in june
    assert "](javascript" not in june
    assert "{{" not in june
    html = parse(made["changes.atom"]).entries[0].content[0].value
    assert "<img" not in html
    assert "javascript&#58;alert(9)" in html  # shown as words, never as a link
    assert 'href="javascript' not in html
