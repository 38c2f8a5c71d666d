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
from generator.review.history import SHORT, anchors, collect, history_markdown, short
from generator.review.whatchanged import (
    PULLS,
    changes_markdown,
    pull_requests,
    recent,
    repository,
)
from generator.source import read_all
from generator.text import inline

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
def commits(charters_dir: Path) -> dict[str, str]:
    """Each commit's short hash, by its subject."""
    history = collect(charters_dir.parent, charters_dir)
    return {e.subject: e.commit for entries in history.entries.values() for e in entries}


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


MAY, APRIL, FEBRUARY = ("Move HH-2 and drop HH-3", "Bay: <b>words</b> & ]]> (#7)",
                         "HH-1 is at risk (#12)")
SUBJECTS = ["Harbour Health Partnership: Move HH-2 and drop HH-3",
            "Bay Partnership: Bay: <b>words</b> & ]]> (#7)",
            "Bay Partnership: Start the bay charter",
            "Harbour Health Partnership: HH-1 is at risk (#12)",
            "Harbour Health Partnership: Start the harbour charter"]


# --- the page ---------------------------------------------------------------------------------

def test_the_page_lists_every_charters_changes_newest_first_with_authors_and_links(
        charters_dir: Path, commits: dict[str, str]) -> None:
    charters, _ = read_all([charters_dir])
    page = changes_markdown(collect(charters_dir.parent, charters_dir), charters, TODAY,
                            repo_url=REPO)
    headings = [line for line in page.splitlines() if line.startswith("## ")]
    assert headings == [
        f"## 2026-05-01: Harbour Health Partnership {{ #harbour-{commits[MAY]} }}",
        f"## 2026-04-15: Bay Partnership {{ #bay-{commits[APRIL]} }}",
        f"## 2026-03-30: Bay Partnership {{ #bay-{commits['Start the bay charter']} }}",
        f"## 2026-02-20: Harbour Health Partnership {{ #harbour-{commits[FEBRUARY]} }}",
        "## 2026-01-10: Harbour Health Partnership "
        f"{{ #harbour-{commits['Start the harbour charter']} }}"]
    # The whole subject is the paragraph under the heading, as text.
    assert "\n\nBay&#58; &#60;b&#62;words&#60;/b&#62; &amp; &#93;&#93;&#62; (&#35;7)\n\n" in page
    may = page[page.index("## 2026-05-01"):page.index("## 2026-04-15")]
    assert "\n\nMove HH-2 and drop HH-3\n\n" in may
    assert ("[Harbour Health Partnership](charters/harbour/index.md) · commit " in may)
    # Its entry on the history page, by the same anchor.
    assert (f" by Ada · [its history](charters/harbour/history.md#harbour-{commits[MAY]})"
            in may)
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


LONG = ("Self-assessment: rounds the charter declares chosen alike by the page, an empty box "
        "and assess merge; a copy-to-e-mail text; a summary that prints on two A4 pages; "
        "engagement figures quoted by the engagement questions (#17, #16)")


@pytest.fixture(scope="module")
def long_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The five commits, and a sixth whose subject is a paragraph naming two pull requests."""
    charters_dir = make_repo(tmp_path_factory.mktemp("long") / "repo")
    commit(charters_dir.parent, {"bay.yaml": BAY.replace("Director", "Deputy")}, LONG, "Grace",
           "2026-06-01T09:00:00+00:00")
    return charters_dir


def test_a_long_subject_has_a_short_heading_and_is_shown_whole_under_it(
        long_repo: Path) -> None:
    charters, _ = read_all([long_repo])
    history = collect(long_repo.parent, long_repo)
    page = changes_markdown(history, charters, TODAY, repo_url=REPO)
    june = history.entries["bay"][0]
    # What changed: the date and the charter; the subject is the paragraph under them.
    heading = f"## 2026-06-01: Bay Partnership {{ #bay-{june.commit} }}\n\n"
    assert heading + inline(LONG) + "\n\n" in page
    # Its history page: the date and the subject cut at a word, then the whole subject.
    own = history_markdown(next(c for c in charters if c.id == "bay"), history)
    cut = "Self-assessment: rounds the charter declares chosen alike by the page, an empty…"
    assert len(cut) <= 80
    assert f"## 2026-06-01: {inline(cut)} {{ #bay-{june.commit} }}\n\n{inline(LONG)}\n\n" \
        in own
    # A subject short enough is its heading, and not said twice.
    assert own.count("Start the bay charter") == 1
    # Headings stay short on both pages whatever the subject.
    for markdown in (page, own):
        assert all(len(line) < 12 + 80 + 40 for line in markdown.splitlines()
                   if line.startswith("## "))


def test_a_subject_naming_several_pull_requests_links_each_on_the_page_and_in_the_feeds(
        long_repo: Path) -> None:
    charters, _ = read_all([long_repo])
    page = changes_markdown(collect(long_repo.parent, long_repo), charters, TODAY,
                            repo_url=REPO)
    june = page[page.index("## 2026-06-01"):page.index("## 2026-05-01")]
    assert f" · pull requests [#17]({REPO}/pull/17), [#16]({REPO}/pull/16) · " in june
    feed = parse(outputs(long_repo, site_url=SITE, repo_url=REPO)["charters/bay/changes.atom"])
    entry = feed.entries[0]
    assert entry.title == f"Bay Partnership: {LONG}"  # a feed's titles keep the whole subject
    assert [(link.title, link.href) for link in entry.links if link.rel == "related"][-2:] == [
        ("pull request #17", f"{REPO}/pull/17"), ("pull request #16", f"{REPO}/pull/16")]


def test_a_heading_is_cut_at_a_word_with_an_ellipsis_only_when_too_long() -> None:
    assert short("Move HH-2 and drop HH-3") == "Move HH-2 and drop HH-3"
    assert short("one two three four", 12) == "one two…"
    assert short("one, two, three", 10) == "one, two…"  # no comma left before the ellipsis
    assert short("x" * 100, 10) == "x" * 9 + "…"  # one long word is cut through
    assert short("a " + "x" * 100, 10) == "a xxxxxxx…"  # rather than leave a stub
    assert short("a\x01b " * 40).startswith("a\u2401b a\u2401b")  # controls shown, as always
    assert len(short("word " * 100)) <= SHORT


def test_anchors_are_the_charter_and_commit_and_unique_on_a_page(long_repo: Path) -> None:
    history = collect(long_repo.parent, long_repo)
    bay = history.entries["bay"]
    assert anchors(bay) == [f"bay-{e.commit}" for e in bay]
    # The same commit twice (two files of one charter, or short hashes alike) stays apart.
    assert anchors([bay[0], bay[0], bay[1]]) == [
        f"bay-{bay[0].commit}", f"bay-{bay[0].commit}-2", f"bay-{bay[1].commit}"]


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
    assert pull_requests("Merge pull request #3 from x/y", REPO + "/") == [
        ("pull request #3", f"{REPO}/pull/3")]
    assert pull_requests("Tidy (!9)", "https://gitlab.example.org/org/charters") == [
        ("merge request !9", "https://gitlab.example.org/org/charters/-/merge_requests/9")]
    assert pull_requests("Tidy (#9)", None) == []
    assert pull_requests("Tidy", REPO) == []
    assert pull_requests("Tidy (#9)", "javascript:alert(1)//") == []
    assert pull_requests("Tidy (#9)", 'https://x.org/a"onmouseover=b') == []
    assert pull_requests("Use &#9; here", REPO) == []


def test_every_pull_request_a_subject_names_is_linked_in_order_and_once() -> None:
    assert pull_requests("Engagement figures quoted (#17, #16)", REPO) == [
        ("pull request #17", f"{REPO}/pull/17"), ("pull request #16", f"{REPO}/pull/16")]
    assert pull_requests("Fix #2 and #02 again (#15, #2)", REPO) == [
        ("pull request #2", f"{REPO}/pull/2"), ("pull request #15", f"{REPO}/pull/15")]
    gitlab = "https://gitlab.example.org/org/charters"
    # On GitLab `#` names issues: only `!` is a merge request.
    assert [words for words, _ in pull_requests("Tidy #4 (!9, !8, !9)", gitlab)] == [
        "merge request !9", "merge request !8"]
    many = " ".join(f"#{n}" for n in range(1, 40))
    assert [address for _, address in pull_requests(many, REPO)] == [
        f"{REPO}/pull/{n}" for n in range(1, PULLS + 1)]


def test_the_repository_is_repo_url_or_read_from_a_full_edit_uri() -> None:
    assert repository(REPO, "edit/main/docs/") == REPO
    assert repository(None, f"{REPO}/edit/main/docs/") == REPO
    assert repository(None, "https://gitlab.example.org/org/charters/-/edit/main/docs/") == (
        "https://gitlab.example.org/org/charters")
    assert repository(None, "edit/main/docs/") is None
    assert repository(None, None) is None


# --- the feeds --------------------------------------------------------------------------------

def test_the_site_feed_is_atom_with_every_change_newest_first(site: dict[str, Any],
                                                              commits: dict[str, str]) -> None:
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
        ("alternate", f"{SITE}charters/harbour/history.html#harbour-{commits[MAY]}"),
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


def test_without_a_site_address_links_are_relative_to_the_feed(charters_dir: Path,
                                                               commits: dict[str, str]) -> None:
    plain = outputs(charters_dir)
    feed = parse(plain["charters/harbour/changes.atom"])
    assert feed.feed.link == "../../charters/harbour/history.html"
    [may_links] = [e.links for e in feed.entries[:1]]
    may = f"charters/harbour/history.html#harbour-{commits[MAY]}"
    assert {link.href for link in may_links} == {f"../../{may}", "../../charters/harbour/#HH-2"}
    assert parse(plain["changes.atom"]).entries[0].link == may


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


def built_site(folder: Path, history: bool) -> Path:
    """A real, strict MkDocs build of this project's site with the repository's charters
    and, last, a commit whose subject is a paragraph."""
    config = make_project(folder, {}, {"history": history})
    make_repo(folder)  # the project's own (empty) charters folder gains the history
    commit(folder, {"bay.yaml": BAY.replace("Director", "Deputy")}, LONG, "Grace",
           "2026-06-01T09:00:00+00:00")
    return build(config)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_site(tmp_path_factory.mktemp("built") / "project", history=True)


def test_mkdocs_builds_the_page_and_the_feeds_strictly_with_every_link_found(
        built: Path) -> None:
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


# Each heading of the page's article and each line of its table of contents, in lines as
# drawn, with the paragraph after the first heading.
DRAWN = """() => {
  const lines = el => Math.round(el.getBoundingClientRect().height /
                                 parseFloat(getComputedStyle(el).lineHeight));
  const headings = [...document.querySelectorAll("article h2")];
  return {headings: headings.map(lines),
          contents: [...document.querySelectorAll(".md-sidebar--secondary .md-nav__link")]
            .map(el => el.textContent.trim().length),
          first: headings[0].nextElementSibling.textContent};
}"""


@pytest.mark.browser
def test_on_a_phone_each_heading_takes_four_lines_at_most_with_the_subject_beneath(
        built: Path) -> None:
    from published import chromium, local_page

    with chromium() as browser, local_page(browser, viewport={"width": 390, "height": 844},
                                           is_mobile=True) as phone:
        # Under each heading, the whole subject; a subject short enough is not said twice.
        for path, first in (("changes.html", LONG),
                            ("charters/bay/history.html", LONG),
                            ("charters/harbour/history.html", "Commit ")):
            phone.goto((built / path).as_uri())
            drawn = phone.evaluate(DRAWN)
            assert drawn["headings"], path
            # Not a screenful: the date and at most SHORT characters of words.
            assert max(drawn["headings"]) <= 4, (path, drawn["headings"])
            assert max(drawn["contents"]) <= 12 + SHORT, path  # the date, the words
            assert " ".join(drawn["first"].split()).startswith(first), path


def feed_links(page: Path) -> list[tuple[str, str]]:
    """(title, href) of each Atom feed a page's head offers for autodiscovery."""
    head = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").head
    assert head is not None
    return [(link["title"], link["href"]) for link in head.find_all("link")
            if link.get("rel") == ["alternate"] and link.get("type") == "application/atom+xml"]


def test_every_page_offers_the_site_feed_and_charter_and_partner_pages_their_own(
        built: Path) -> None:
    pages = sorted(built.rglob("*.html"))
    own = {"charters/bay/index.html", "charters/harbour/index.html",
           "partners/bay-council/index.html", "partners/harbour-college/index.html",
           "partners/harbour-hospital/index.html"}
    assert own <= {page.relative_to(built).as_posix() for page in pages}
    for page in pages:
        where = page.relative_to(built).as_posix()
        found = feed_links(page)
        # MkDocs writes the 404 page's addresses from the site's root, its stylesheets' too:
        # it is served at any address. Every other page's are relative to it.
        hrefs = [href.removeprefix("/") if where == "404.html" else href
                 for _, href in found]
        assert all(not h.startswith(("/", "http:", "https:")) for h in hrefs), where
        files = [(built / "404.html" if where == "404.html" else page).parent / h
                 for h in hrefs]
        assert all(f.is_file() for f in files), (where, hrefs)
        targets = [f.resolve().relative_to(built.resolve()).as_posix() for f in files]
        expected = ["changes.atom"]
        if where in own:  # the feed of its own, beside the page
            expected.append(where.replace("index.html", "changes.atom"))
        assert targets == expected, where
        # Each link is named as its feed names itself (the site's: as the site is named).
        titles = [title for title, _ in found]
        assert titles[0] == "Partnership Charters: what changed"
        assert titles[1:] == [parse(f.read_bytes()).feed.title for f in files[1:]], where


def test_without_history_no_page_offers_a_feed(tmp_path: Path) -> None:
    off = built_site(tmp_path / "project", history=False)
    assert not list(off.rglob("*.atom"))
    pages = list(off.rglob("*.html"))
    assert (off / "charters" / "harbour" / "index.html") in pages
    assert (off / "partners" / "bay-council" / "index.html") in pages
    assert [page for page in pages if feed_links(page)] == []


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
    h2 = BeautifulSoup(page, "html.parser").h2
    assert h2.text.startswith("2026-02-10: </title><script>alert('title')</script> Hostile & ")
    assert h2.find_next_sibling("p").text == "Retitle </title><script>x</script> (#5)"
    # The charter's feed, named in its page's head by its title, as an attribute's text.
    raw = (built / "charters" / "hostile" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert('title')" not in raw
    head = BeautifulSoup(raw, "html.parser").head
    assert head is not None
    assert [link["title"] for link in head.find_all("link", type="application/atom+xml")] == [
        "Partnership Charters: what changed",
        "</title><script>alert('title')</script> Hostile & Co ]]>: what changed"]
    for path in ("changes.atom", "charters/hostile/changes.atom"):
        raw = (built / path).read_bytes()
        assert b"<script" not in raw
        assert b"<iframe" not in raw
        feed = parse(raw)
        assert [e.title for e in feed.entries][-1] == (
            "</title><script>alert('title')</script> Hostile & Co ]]>: "
            "<script>alert('subject')</script> ]]> &")
        assert all("<script" not in e.content[0].value for e in feed.entries)
