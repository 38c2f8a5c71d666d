"""What changed: the site-wide page and the Atom feeds (site, charter, partner), from git."""

from __future__ import annotations

import datetime as dt
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import feedparser
import pytest
from bs4 import BeautifulSoup

from conftest import build, make_project
from generator.publish import Collect, Settings, build_site
from generator.review.history import collect
from generator.review.whatchanged import changes_markdown, pull_request, recent, repository
from generator.source import read_all

BASE = (Path(__file__).parent / "cases" / "diff" / "base.yaml").read_text(encoding="utf-8")
HOSTILE = "<script>alert(1)</script> & ]]> done"
BAY = """title: Bay Partnership
summary: A hospital and a council.
hub: harbour-hospital
partners:
  - id: harbour-hospital
    name: Harbour Hospital
  - id: bay-council
    name: Bay Council
vision:
  statement: A healthier bay.
pledges:
  - id: BB-1
    by: bay-council
    text: Open a clinic by the quay.
    owner: Director
    status: active
"""
TODAY = dt.date(2026, 11, 26)
SITE = "https://intranet.example.org/partnerships/"
REPO = "https://github.com/example/charters"
ATOM = "http://www.w3.org/2005/Atom"

pytestmark = pytest.mark.git


def git(root: Path, *args: str, author: str = "Test", date: str = "") -> str:
    env = {"GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": "test@example.org",
           "GIT_COMMITTER_NAME": author, "GIT_COMMITTER_EMAIL": "test@example.org",
           "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(root), "PATH": "/usr/bin:/bin:/usr/local/bin"}
    if date:
        env |= {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    return subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, text=True,
                          check=True).stdout


def commit(root: Path, files: dict[str, str | None], message: str, author: str,
           date: str) -> None:
    for name, text in files.items():
        if text is None:
            (root / "charters" / name).unlink()
        else:
            (root / "charters" / name).write_text(text, encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message, author=author, date=date)


def make_repo(root: Path) -> Path:
    """Five commits by three authors to two charters; the fourth writes hostile text."""
    (root / "charters").mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "-b", "main")
    commit(root, {"harbour.yaml": BASE}, "Start the harbour charter", "Ada",
           "2026-01-10T09:00:00+00:00")
    at_risk = BASE.replace("status: active\n  - id: HH-2", "status: at-risk\n  - id: HH-2")
    commit(root, {"harbour.yaml": at_risk}, "HH-1 is at risk (#12)", "Alan",
           "2026-02-20T15:30:00+00:00")
    commit(root, {"bay.yaml": BAY}, "Start the bay charter", "Grace",
           "2026-03-30T08:00:00+01:00")
    commit(root, {"bay.yaml": BAY.replace("Open a clinic by the quay.", HOSTILE)},
           "Bay: <b>words</b> & ]]> (#7)", "O'Brien & Sons", "2026-04-15T12:00:00-04:00")
    moved = at_risk.replace("due: 2026-12-31", "due: 2027-01-31")
    moved = moved[:moved.index("  - id: HH-3")] + moved[moved.index("\nmetrics:") + 1:]
    commit(root, {"harbour.yaml": moved}, "Move HH-2 and drop HH-3", "Ada",
           "2026-05-01T10:00:00+02:00")
    return root / "charters"


@pytest.fixture(scope="module")
def charters_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_repo(tmp_path_factory.mktemp("whatchanged") / "repo")


def outputs(charters_dir: Path, today: dt.date = TODAY, **settings: Any) -> dict[str, Any]:
    sink = Collect()
    build_site(charters_dir, Settings(today, **settings), sink)
    return {path: out.content for path, out in sink.outputs.items()}


@pytest.fixture(scope="module")
def site(charters_dir: Path) -> dict[str, Any]:
    return outputs(charters_dir, site_url=SITE, repo_url=REPO)


def parse(feed: bytes) -> Any:
    parsed = feedparser.parse(feed)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


def titles(feed: bytes) -> list[str]:
    return [e.title for e in parse(feed).entries]


SUBJECTS = ["Harbour Health Partnership: Move HH-2 and drop HH-3",
            "Bay Partnership: Bay: <b>words</b> & ]]> (#7)",
            "Bay Partnership: Start the bay charter",
            "Harbour Health Partnership: HH-1 is at risk (#12)",
            "Harbour Health Partnership: Start the harbour charter"]


# --- the page ---------------------------------------------------------------------------------

def test_the_page_lists_every_charters_changes_newest_first_with_authors_and_links(
        charters_dir: Path) -> None:
    charters, _ = read_all([charters_dir])
    page = changes_markdown(collect(charters_dir.parent, charters_dir), charters, TODAY,
                            repo_url=REPO)
    headings = [line for line in page.splitlines() if line.startswith("## ")]
    assert headings == ["## 2026-05-01: Move HH-2 and drop HH-3",
                        "## 2026-04-15: Bay&#58; &#60;b&#62;words&#60;/b&#62; &amp; "
                        "&#93;&#93;&#62; (&#35;7)",
                        "## 2026-03-30: Start the bay charter",
                        "## 2026-02-20: HH-1 is at risk (&#35;12)",
                        "## 2026-01-10: Start the harbour charter"]
    may = page[page.index("## 2026-05-01"):page.index("## 2026-04-15")]
    assert ("[Harbour Health Partnership](charters/harbour/index.md) · commit " in may)
    assert " by Ada · [its history](charters/harbour/history.md)" in may
    assert "- pledge **HH-2** changed\n    - due: 2026-12-31 → 2027-01-31 (31 days later)" in may
    assert "- pledge **HH-3** removed" in may
    # HH-3 has no anchor left to link to.
    assert "See [pledge HH-2](charters/harbour/index.md#HH-2)." in may
    february = page[page.index("## 2026-02-20"):page.index("## 2026-01-10")]
    assert f" by Alan · [pull request #12]({REPO}/pull/12) · " in february
    assert "    - status: active → at-risk" in february
    april = page[page.index("## 2026-04-15"):page.index("## 2026-03-30")]
    assert " by O'Brien &amp; Sons · [pull request #7]" in april
    assert "<script" not in page
    assert "[Follow these changes (Atom feed)](changes.atom)" in page


def test_the_page_covers_the_twelve_months_to_the_build_date(charters_dir: Path) -> None:
    history = collect(charters_dir.parent, charters_dir)
    charters, _ = read_all([charters_dir])
    later = changes_markdown(history, charters, dt.date(2027, 4, 20))
    assert "between 2026-04-20 and 2027-04-20" in later
    assert [line[:13] for line in later.splitlines() if line.startswith("## ")] == [
        "## 2026-05-01"]
    none = changes_markdown(history, charters, dt.date(2028, 1, 1))
    assert "No committed change to the charters between 2027-01-01 and 2028-01-01." in none
    assert "[Follow these changes (Atom feed)](changes.atom)" in none


def test_recent_is_bounded_and_counts_what_it_leaves_out(charters_dir: Path) -> None:
    history = collect(charters_dir.parent, charters_dir)
    shown, total = recent(history, limit=2)
    assert ([c.entry.subject for c in shown], total) == (
        ["Move HH-2 and drop HH-3", "Bay: <b>words</b> & ]]> (#7)"], 5)
    bay, count = recent(history, ["bay"])
    assert ([c.charter for c in bay], count) == (["bay", "bay"], 2)


def test_a_bounded_page_says_how_many_it_leaves_to_the_history_pages(
        charters_dir: Path) -> None:
    charters, _ = read_all([charters_dir])
    page = changes_markdown(collect(charters_dir.parent, charters_dir), charters, TODAY,
                            limit=2)
    assert "The latest 2 of the 5 changes to the charters between" in page
    assert sum(line.startswith("## ") for line in page.splitlines()) == 2


def test_pull_requests_are_linked_on_github_and_gitlab_only_with_a_plain_address() -> None:
    assert pull_request("Merge pull request #3 from x/y", REPO + "/") == (
        "pull request #3", f"{REPO}/pull/3")
    assert pull_request("Fix #2 (#15)", REPO) == ("pull request #15", f"{REPO}/pull/15")
    assert pull_request("Tidy (!9)", "https://gitlab.example.org/org/charters") == (
        "merge request !9", "https://gitlab.example.org/org/charters/-/merge_requests/9")
    assert pull_request("Tidy (#9)", None) is None
    assert pull_request("Tidy", REPO) is None
    assert pull_request("Tidy (#9)", "javascript:alert(1)//") is None
    assert pull_request("Tidy (#9)", 'https://x.org/a"onmouseover=b') is None
    assert pull_request("Use &#9; here", REPO) is None


def test_the_repository_is_repo_url_or_read_from_a_full_edit_uri() -> None:
    assert repository(REPO, "edit/main/docs/") == REPO
    assert repository(None, f"{REPO}/edit/main/docs/") == REPO
    assert repository(None, "https://gitlab.example.org/org/charters/-/edit/main/docs/") == (
        "https://gitlab.example.org/org/charters")
    assert repository(None, "edit/main/docs/") is None
    assert repository(None, None) is None


# --- the feeds --------------------------------------------------------------------------------

def test_the_site_feed_is_atom_with_every_change_newest_first(site: dict[str, Any]) -> None:
    feed = parse(site["changes.atom"])
    assert feed.feed.title == "Partnership charters: what changed"
    assert feed.feed.id == "tag:partnership-charters,2026:changes.atom"
    assert feed.feed.updated == "2026-05-01T10:00:00+02:00"
    assert {(link.rel, link.href) for link in feed.feed.links} == {
        ("self", f"{SITE}changes.atom"), ("alternate", f"{SITE}changes.html")}
    assert [e.title for e in feed.entries] == SUBJECTS
    assert [e.author for e in feed.entries] == ["Ada", "O'Brien & Sons", "Grace", "Alan", "Ada"]
    assert [e.updated_parsed[:4] for e in feed.entries] == [
        (2026, 5, 1, 8), (2026, 4, 15, 16), (2026, 3, 30, 7), (2026, 2, 20, 15),
        (2026, 1, 10, 9)]  # in UTC
    ids = [e.id for e in feed.entries]
    assert len(set(ids)) == 5
    assert all(i.startswith("tag:partnership-charters,2026:") for i in ids)
    may, april, _, february, _ = feed.entries
    assert {(link.rel, link.href) for link in may.links} == {
        ("alternate", f"{SITE}charters/harbour/history.html"),
        ("related", f"{SITE}charters/harbour/#HH-2")}
    assert ("related", f"{REPO}/pull/12") in {(link.rel, link.href) for link in february.links}
    assert ("related", f"{REPO}/pull/7") in {(link.rel, link.href) for link in april.links}
    assert [t.term for t in may.tags] == ["harbour"]
    html = may.content[0].value
    assert "due: 2026-12-31 → 2027-01-31 (31 days later)" in html
    assert "pledge <strong>HH-3</strong> removed" in html
    assert f'<a href="{SITE}charters/harbour/#HH-2">pledge HH-2</a>' in html


def test_a_charter_feed_holds_only_that_charters_changes(site: dict[str, Any]) -> None:
    assert titles(site["charters/bay/changes.atom"]) == SUBJECTS[1:3]
    harbour = parse(site["charters/harbour/changes.atom"])
    assert [e.title for e in harbour.entries] == [SUBJECTS[0], *SUBJECTS[3:]]
    assert harbour.feed.title == "Harbour Health Partnership: what changed"
    assert harbour.feed.link == f"{SITE}charters/harbour/history.html"
    # One change has one id in every feed it is in, so a reader shows it once.
    site_ids = {e.title: e.id for e in parse(site["changes.atom"]).entries}
    assert all(site_ids[e.title] == e.id for e in harbour.entries)


def test_a_partner_feed_holds_the_changes_to_the_charters_it_is_in(
        site: dict[str, Any]) -> None:
    assert titles(site["partners/harbour-hospital/changes.atom"]) == SUBJECTS
    assert titles(site["partners/harbour-college/changes.atom"]) == [SUBJECTS[0],
                                                                     *SUBJECTS[3:]]
    council = parse(site["partners/bay-council/changes.atom"])
    assert [e.title for e in council.entries] == SUBJECTS[1:3]
    assert council.feed.title == "Bay Council: what changed in its charters"
    assert council.feed.link == f"{SITE}partners/bay-council/"


def test_charter_text_subjects_and_names_stay_text_in_the_feeds(site: dict[str, Any]) -> None:
    raw = site["charters/bay/changes.atom"]
    root = ET.fromstring(raw)  # well-formed XML, with no CDATA to break out of
    assert b"CDATA" not in raw
    texts = [e.findtext(f"{{{ATOM}}}title") for e in root.iter(f"{{{ATOM}}}entry")]
    assert texts[0] == "Bay Partnership: Bay: <b>words</b> & ]]> (#7)"
    [content] = [e.findtext(f"{{{ATOM}}}content") for e in root.iter(f"{{{ATOM}}}entry")][:1]
    assert content is not None
    assert "<script" not in content  # the entry's HTML shows the words, runs nothing
    assert "&#60;script&#62;alert(1)&#60;/script&#62; &amp; &#93;&#93;&#62; done" in content
    html = parse(raw).entries[0].content[0].value
    assert "<script" not in html
    assert "alert(1)" in html


def test_without_a_site_address_links_are_relative_to_the_feed(charters_dir: Path) -> None:
    plain = outputs(charters_dir)
    feed = parse(plain["charters/harbour/changes.atom"])
    assert feed.feed.link == "../../charters/harbour/history.html"
    [may_links] = [e.links for e in feed.entries[:1]]
    assert {link.href for link in may_links} == {"../../charters/harbour/history.html",
                                                "../../charters/harbour/#HH-2"}
    assert parse(plain["changes.atom"]).entries[0].link == "charters/harbour/history.html"


def test_the_feeds_read_no_clock(charters_dir: Path, site: dict[str, Any]) -> None:
    later = outputs(charters_dir, dt.date(2030, 1, 1), site_url=SITE, repo_url=REPO)
    feeds = [path for path in site if path.endswith(".atom")]
    assert len(feeds) == 1 + 2 + 3  # the site's, two charters', three partners'
    assert all(later[path] == site[path] for path in feeds)


@pytest.mark.parametrize("how", ["shallow clone", "no git"])
def test_without_history_the_page_says_why_and_the_feeds_are_empty_but_valid(
        charters_dir: Path, tmp_path: Path, how: str) -> None:
    if how == "shallow clone":
        folder = tmp_path / "shallow"
        git(tmp_path, "clone", "-q", "--depth", "1", f"file://{charters_dir.parent}",
            str(folder))
    else:
        folder = tmp_path / "copy"
        (folder / "charters").mkdir(parents=True)
        for path in charters_dir.glob("*.yaml"):
            (folder / "charters" / path.name).write_bytes(path.read_bytes())
    made = outputs(folder / "charters", site_url=SITE)
    assert "History is unavailable because " in made["changes.md"]
    if how == "shallow clone":
        assert "shallow clone" in made["changes.md"]
    for path in ("changes.atom", "charters/bay/changes.atom",
                 "partners/bay-council/changes.atom"):
        feed = parse(made[path])
        assert (feed.entries, feed.feed.updated) == ([], "2026-11-26T00:00:00Z")


def test_the_pages_link_the_page_and_the_feeds_only_when_history_is_on(
        charters_dir: Path, site: dict[str, Any]) -> None:
    assert "charters/harbour/changes.atom" in site
    assert "[what changed](changes.md)" in site["index.md"]
    assert "[as a feed](changes.atom)" in site["charters/harbour/index.md"]
    assert "[Changes to its charters as a feed](changes.atom)" in \
        site["partners/bay-council/index.md"]
    assert site["changes.md"].startswith("---\nsearch:\n  exclude: true\n---\n")
    off = outputs(charters_dir, history=False)
    assert not [path for path in off if path == "changes.md" or path.endswith(".atom")]
    assert "changes" not in off["index.md"]
    assert "changes.atom" not in off["charters/harbour/index.md"]
    assert "changes.atom" not in off["partners/bay-council/index.md"]


def test_mkdocs_builds_the_page_and_the_feeds_strictly_with_every_link_found(
        tmp_path: Path) -> None:
    project = tmp_path / "project"
    config = make_project(project, {}, {"history": True})
    make_repo(project)  # the project's own (empty) charters folder gains the history
    built = build(config)
    page = (built / "changes.html").read_text(encoding="utf-8")
    assert 'href="charters/harbour/index.html#HH-2"' in page
    # mkdocs.yml has no repo_url; its full edit_uri names the repository.
    assert 'href="https://git.example.org/partnership/charters/pull/12"' in page
    index = (built / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "Harbour Hospital" in index
    assert "Move HH-2" not in index  # the page repeats the history pages, also unsearched
    charter = (built / "charters" / "harbour" / "index.html").read_text(encoding="utf-8")
    assert 'href="changes.atom"' in charter
    assert parse((built / "partners" / "bay-council" / "changes.atom").read_bytes()).entries


class Remember:
    """A sink that keeps what it was given, and says which outputs the last build made."""

    def __init__(self) -> None:
        self.outputs: dict[str, Any] = {}
        self.made: list[str] = []

    def has(self, path: str) -> bool:
        return path in self.outputs

    def put(self, path: str, output: Any) -> None:
        self.outputs[path] = output
        self.made.append(path)


def test_the_preview_remakes_only_the_feeds_a_new_commit_changes(tmp_path: Path) -> None:
    from generator.publish import Cache

    charters_dir = make_repo(tmp_path / "repo")
    sink, cache = Remember(), Cache()
    settings = Settings(TODAY, site_url=SITE)
    build_site(charters_dir, settings, sink, cache)
    sink.made.clear()
    build_site(charters_dir, settings, sink, cache)
    assert sink.made == []
    commit(tmp_path / "repo", {"bay.yaml": BAY.replace("Director", "Deputy")}, "BB-1's owner",
           "Grace", "2026-06-01T09:00:00+00:00")
    build_site(charters_dir, settings, sink, cache)
    atom = sorted(path for path in sink.made if path.endswith(".atom"))
    assert atom == ["changes.atom", "charters/bay/changes.atom",
                    "partners/bay-council/changes.atom", "partners/harbour-hospital/changes.atom"]
    assert "changes.md" in sink.made
    assert titles(sink.outputs["changes.atom"].content)[0] == "Bay Partnership: BB-1's owner"


def test_a_removed_charters_changes_stay_listed_without_links_to_its_pages(
        tmp_path: Path) -> None:
    charters_dir = make_repo(tmp_path / "repo")
    commit(tmp_path / "repo", {"bay.yaml": None}, "Close the bay charter", "Grace",
           "2026-06-01T09:00:00+00:00")
    made = outputs(charters_dir, site_url=SITE)
    page = made["changes.md"]
    june = page[page.index("## 2026-06-01"):page.index("## 2026-05-01")]
    assert "Bay Partnership (no longer on the site) · commit " in june
    assert "Charter removed." in june
    assert "charters/bay/" not in page
    feed = parse(made["changes.atom"])
    assert feed.entries[0].title == "Bay Partnership: Close the bay charter"
    assert {link.href for e in feed.entries if e.title.startswith("Bay")
            for link in e.links} == {f"{SITE}changes.html"}
    assert "partners/bay-council/changes.atom" not in made
    assert titles(made["partners/harbour-hospital/changes.atom"]) == SUBJECTS[:1] + SUBJECTS[3:]


def test_the_hostile_charter_builds_strictly_with_its_changes_shown_as_text(
        tmp_path: Path) -> None:
    hostile = (Path(__file__).parent / "cases" / "hostile" / "charters" / "hostile.yaml"
               ).read_text(encoding="utf-8")
    project = tmp_path / "project"
    config = make_project(project, {"hostile.yaml": hostile}, {"history": True})
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "<script>alert('subject')</script> ]]> &", author="A",
        date="2026-01-10T09:00:00+00:00")
    commit(project, {"hostile.yaml": hostile.replace("Hostile & Co", "Hostile & Co ]]>")},
           "Retitle </title><script>x</script> (#5)", "<B> & Co", "2026-02-10T09:00:00+00:00")
    built = build(config)  # the plugin refuses a page with live markup: this one has none
    page = (built / "changes.html").read_text(encoding="utf-8")
    assert "<script>x" not in page
    assert "Retitle </title><script>x</script> (#5)" in BeautifulSoup(page, "html.parser").h2.text
    for path in ("changes.atom", "charters/hostile/changes.atom"):
        raw = (built / path).read_bytes()
        assert b"<script" not in raw
        assert b"<iframe" not in raw
        feed = parse(raw)
        assert [e.title for e in feed.entries][-1] == (
            "</title><script>alert('title')</script> Hostile & Co ]]>: "
            "<script>alert('subject')</script> ]]> &")
        assert all("<script" not in e.content[0].value for e in feed.entries)
