"""What changed across the site: the page `changes.md` and Atom feeds (RFC 4287), from git.

Both read the History that `history.collect` builds: one entry per commit and charter, in the
words of `charters diff`. The page and the feeds are bounded (the page: the 12 months to the
build date; each: the latest LIMIT changes, each change at most LINES lines, its subject and
author at most a one-line field's length), so neither grows with the whole history or one
large commit; each charter's history page keeps every change. An entry's heading is short (the
date and the charter; the subject, which may be a paragraph, is under it) and its anchor is the
one it has on the history page, which the page and the feeds link to.

A feed is the same on every build of the same commits: `updated` is its newest entry's commit
date (the build date when it has none), ids are `tag:` URIs made of the charter's id when the
commit was made and the commit's full hash (so a charter renamed later keeps its entries' ids),
links are absolute when the site's address is known and relative to the feed if not.
Charter text, subjects and names are data: every one is escaped as XML text, and the entries'
HTML is made by Markdown from the same escaped lines as the site's pages.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from markdown import Markdown

from generator.mdsafety import makeExtension, unsafe_html
from generator.model import Charter, charters_of_partners
from generator.review.history import (
    Entry,
    History,
    anchors,
    byline,
    change_lines,
    heading,
    kind_text,
    readable,
    short,
    subject,
    unavailable,
    unique,
    visible,
)
from generator.text import inline

PAGE = "changes.md"
FEED = "changes.atom"  # the site's; each charter's and partner's sits in its own folder
LIMIT = 100  # changes on the page and in each feed
LINES = 30  # lines of one change shown on the page and in a feed; its history page has them all
WINDOW = dt.timedelta(days=365)  # the page lists the 12 months to the build date
# Stable across builds and sites' addresses; the date is when these ids were first minted.
TAG = "tag:partnership-charters,2026:"
GUIDE = "guide/calendars.md#what-changed"
# `#123` in a subject names a pull request: GitHub's `Title (#123)` and `Merge pull request #123`
# (an issue's number too, `Fix #2 (#15)`: GitHub sends /pull/2 on to the issue).
_PULL = re.compile(r"(?<![\w&])#([0-9]{1,9})\b")
_MERGE_REQUEST = re.compile(r"(?<![\w&])!([0-9]{1,9})\b")
PULLS = 10  # pull requests linked from one change at most: a subject rarely names more
# XML 1.0 allows no other character: controls become their pictures, the rest U+FFFD.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class Change:
    """One commit's changes to one charter, with the charter's id and the entry's anchor on
    the charter's history page."""

    charter: str
    entry: Entry
    anchor: str = ""


def recent(history: History, charter_ids: Iterable[str] | None = None,
           since: dt.date | None = None, limit: int = LIMIT) -> tuple[list[Change], int]:
    """The latest changes (newest first) to the charters named (None: every one), at most
    `limit` of them, and how many there are in all; only those on or after `since` if given."""
    if not history.available:
        return [], 0
    ids = sorted(history.entries) if charter_ids is None else sorted(set(charter_ids))
    found = [(-_moment(e), cid, i, e, anchor) for cid in ids
             for i, (e, anchor) in enumerate(zip(history.entries.get(cid, ()),
                                                 anchors(history.entries.get(cid, ())),
                                                 strict=True))
             if since is None or e.date >= since]
    found.sort(key=lambda item: item[:3])  # the newest moment first; git's order breaks ties
    return [Change(cid, e, anchor) for _, cid, _, e, anchor in found[:limit]], len(found)


def _moment(entry: Entry) -> float:
    return dt.datetime.fromisoformat(entry.timestamp).timestamp()


def pull_requests(subject: str, repo_url: str | None) -> list[tuple[str, str]]:
    """Each pull request a commit subject names, in order and once, as (words, address), when
    the repository is known: GitHub's `#123`, GitLab's `!123`; at most PULLS of them."""
    base = _repository(repo_url)
    if base is None:
        return []
    gitlab = "gitlab" in (urlsplit(base).hostname or "")
    numbers: dict[str, None] = {}
    for found in (_MERGE_REQUEST if gitlab else _PULL).finditer(subject):
        numbers[found[1].lstrip("0") or "0"] = None  # `#007` is `#7`
        if len(numbers) == PULLS:
            break
    if gitlab:
        return [(f"merge request !{n}", f"{base}/-/merge_requests/{n}") for n in numbers]
    return [(f"pull request #{n}", f"{base}/pull/{n}") for n in numbers]


def _pull_links(pulls: Sequence[tuple[str, str]]) -> str:
    """`[pull request #12](…)`, or `pull requests [#17](…), [#16](…)` (Markdown)."""
    if len(pulls) == 1:
        return f"[{pulls[0][0]}]({pulls[0][1]})"
    kind, _, _ = pulls[0][0].rpartition(" ")
    return f"{kind}s " + ", ".join(f"[{words.rpartition(' ')[2]}]({address})"
                                   for words, address in pulls)


def repository(repo_url: str | None, edit_uri: str | None) -> str | None:
    """The repository's web address: mkdocs.yml's `repo_url`, else read from a full `edit_uri`
    (`https://host/org/repo/edit/main/docs/`), which mkdocs.yml suggests instead of a
    `repo_url` so that Material does not call GitHub's API from readers' browsers."""
    if repo_url:
        return repo_url
    found = re.match(r"(https?://[^?#]+?)/(?:-/edit|edit|_edit)/", edit_uri or "")
    return found[1] if found else None


def _repository(repo_url: str | None) -> str | None:
    # mkdocs.yml's repo_url, used only if it is a plain web address that a Markdown link and an
    # XML attribute carry as it is.
    if not repo_url or not re.fullmatch(r"https?://[^\s()<>\"'&\\]+", repo_url):
        return None
    return repo_url.rstrip("/")


# --- the page ---------------------------------------------------------------------------------

def changes_markdown(history: History, charters: Sequence[Charter], today: dt.date, *,
                     repo_url: str | None = None, limit: int = LIMIT) -> str:
    """The page `changes.md`: the charters' changes in the 12 months to `today`, newest first."""
    out = ["# What changed", ""]
    if not history.available:
        return "\n".join([*out, unavailable(history), ""])
    since = today - WINDOW
    shown, total = recent(history, since=since, limit=limit)
    feeds = (f"[Follow these changes (Atom feed)]({FEED}){{ .md-button }}\n\n"
             "Each charter's page and each partner's page has a feed of its own "
             f"([how to follow a feed]({GUIDE})).")
    if not shown:
        out += [f"No committed change to the charters between {since} and {today}.", "",
                feeds, ""]
        return "\n".join(out)
    which = (f"The latest {len(shown)} of the {total} changes" if total > len(shown)
             else "Every change")
    out += [f"{which} to the charters between {since} and {today}, newest first, from the "
            "commits that made them. Each charter's history page, behind the History button "
            "on its page, has every change since it began: see [the charters](charters/index.md).",
            "", feeds, ""]
    pages = {c.id: c for c in charters}
    # The heading names the charter (the subject may be a paragraph long), with the anchor the
    # change has on its history page, unique here too (a commit changes several charters).
    ids = unique(change.anchor for change in shown)
    for change, anchor in zip(shown, ids, strict=True):
        e, charter = change.entry, pages.get(change.charter)
        title = short(charter.title if charter is not None else e.change.title)
        out += [heading(e, inline(title), anchor), "", subject(e), "",
                *_body(change, pages, repo_url, _page_link)]
    return "\n".join(out)


def _page_link(path: str) -> str:
    return path  # the page sits at the site's root, where site paths are relative ones


def _body(change: Change, pages: Mapping[str, Charter], repo_url: str | None,
          link: Callable[[str], str]) -> list[str]:
    """One change in Markdown: which charter, which commit, by whom, what changed, links."""
    e, cid = change.entry, change.charter
    charter = pages.get(cid)
    title = inline(charter.title if charter is not None else e.change.title)
    facts = [f"[{title}]({link(f'charters/{cid}/index.md')})" if charter is not None
             else f"{title} (no longer on the site)"]
    facts.append(f"commit {inline(e.commit)}{byline(e)}")
    pulls = pull_requests(e.subject, repo_url)
    if pulls:
        facts.append(_pull_links(pulls))
    if charter is not None:
        facts.append(f"[its history]({link(_history_path(change))})")
    out = [" · ".join(facts), ""]
    kind = kind_text(e.change)
    out += [kind, ""] if kind else []
    lines = change_lines(e.change)
    if len(lines) > LINES:  # one commit may rewrite a whole charter: its history has it all
        rest = len(lines) - LINES
        where = (f"[its history]({link(_history_path(change))})" if charter is not None
                 else "the history of the charter")
        lines = [*lines[:LINES], f"- … and {rest} more line{'s' * (rest > 1)}: see {where}"]
    out += [*lines, ""] if lines else []
    targets = _targets(change, charter)
    if targets:
        out += ["See " + ", ".join(f"[{inline(words)}]({link(path)})" for words, path in targets)
                + ".", ""]
    return out


def _history_path(change: Change) -> str:
    """The change on its charter's history page."""
    path = f"charters/{change.charter}/history.md"
    return f"{path}#{change.anchor}" if change.anchor else path


def _targets(change: Change, charter: Charter | None) -> list[tuple[str, str]]:
    """(words, site path) of each pledge and metric the change touched that the charter's page
    still shows, where its anchor is (the first LINES of them); none for a new charter, whose
    page is all new."""
    if charter is None or change.entry.change.kind == "added":
        return []
    pledges = {p.id for p in charter.pledges}
    metrics = {m.id for m in charter.metrics}
    base = f"charters/{charter.id}/index.md#"
    return ([(f"pledge {p.id}", base + p.id) for p in change.entry.change.pledges
             if p.kind != "removed" and p.id in pledges]
            + [(f"metric {charter.metric(m.id).name}", f"{base}metric-{m.id}")
               for m in change.entry.change.metrics if m.kind != "removed" and m.id in metrics]
            )[:LINES]


# --- the feeds --------------------------------------------------------------------------------

def atom_plan(history: History, charters: Sequence[Charter], today: dt.date, *,
              site_url: str | None = None, repo_url: str | None = None
              ) -> dict[str, Callable[[], bytes]]:
    """Every Atom feed's path with the call that makes it: the site's, each charter's and each
    partner's (the changes to the charters it is in)."""
    pages = {c.id: c for c in charters}
    made: dict[tuple[str, str, int], str] = {}  # an entry's XML, shared by the feeds it is in
    feed = functools.partial(_feed, history, pages, today, site_url, repo_url, made)
    plan: dict[str, Callable[[], bytes]] = {
        FEED: functools.partial(feed, None, FEED, "changes.md",
                                "Partnership charters: what changed")}
    for c in charters:
        plan[f"charters/{c.id}/{FEED}"] = functools.partial(
            feed, [c.id], f"charters/{c.id}/{FEED}", f"charters/{c.id}/history.md",
            f"{c.title}: what changed")
    for pid, theirs in sorted(charters_of_partners(charters).items()):
        plan[f"partners/{pid}/{FEED}"] = functools.partial(
            feed, [c.id for c in theirs], f"partners/{pid}/{FEED}", f"partners/{pid}/index.md",
            f"{theirs[0].partner(pid).name}: what changed in its charters")
    return plan


def _feed(history: History, pages: Mapping[str, Charter], today: dt.date, site_url: str | None,
          repo_url: str | None, made: dict[tuple[str, str, int], str],
          charter_ids: Sequence[str] | None, path: str, page: str, title: str) -> bytes:
    depth = path.count("/")
    link = functools.partial(_url, site_url, depth)
    shown, _ = recent(history, charter_ids)
    updated = shown[0].entry.timestamp if shown else f"{today.isoformat()}T00:00:00Z"
    out = ['<?xml version="1.0" encoding="utf-8"?>',
           '<feed xmlns="http://www.w3.org/2005/Atom">',
           f"  <id>{TAG}{_text(path)}</id>",
           f"  <title>{_text(title)}</title>",
           f"  <updated>{updated}</updated>",
           f'  <link rel="self" type="application/atom+xml" href="{_text(link(path))}"/>',
           f'  <link rel="alternate" type="text/html" href="{_text(link(page))}"/>',
           "  <generator>Partnership Charters</generator>"]
    for change in shown:
        key = (change.charter, change.entry.revision, depth)  # short hashes may collide
        if key not in made:
            made[key] = _entry(change, pages, repo_url, link)
        out.append(made[key])
    out.append("</feed>")
    return ("\n".join(out) + "\n").encode("utf-8")


def _url(site_url: str | None, depth: int, path: str) -> str:
    """A site path (`charters/x/index.md#P-1`) as the address a feed reader opens: from the
    site's address when known, else relative to the feed's folder."""
    path, _, anchor = path.partition("#")
    if path.endswith("index.md"):
        path = path.removesuffix("index.md")
    elif path.endswith(".md"):
        path = path.removesuffix(".md") + ".html"
    path += f"#{anchor}" if anchor else ""
    base = site_url.rstrip("/") + "/" if site_url else "../" * depth
    return base + path


def _entry(change: Change, pages: Mapping[str, Charter], repo_url: str | None,
           link: Callable[[str], str]) -> str:
    e, cid = change.entry, change.charter
    charter = pages.get(cid)
    name = charter.title if charter is not None else e.change.title
    home = link(_history_path(change) if charter is not None else PAGE)
    links = [f'    <link rel="alternate" type="text/html" href="{_text(home)}"/>']
    links += [f'    <link rel="related" type="text/html" title="{_text(words)}" '
              f'href="{_text(link(path))}"/>' for words, path in _targets(change, charter)]
    links += [f'    <link rel="related" type="text/html" title="{_text(words)}" '
              f'href="{_text(address)}"/>' for words, address in pull_requests(e.subject, repo_url)]
    html = _html("\n".join(_body(change, pages, repo_url, link)))
    return "\n".join([
        "  <entry>",
        # The charter's id when the commit was made: a charter renamed since keeps its entries'
        # ids, so readers do not show its old changes again as new.
        f"    <id>{TAG}{_text(e.change.id)}/{_text(e.revision)}</id>",
        f"    <title>{_text(f'{name}: {readable(e.subject)}')}</title>",
        f"    <updated>{e.timestamp}</updated>",
        f"    <author><name>{_text(readable(e.author).strip() or 'unknown')}</name></author>",
        f'    <category term="{_text(cid)}" label="{_text(name)}"/>',
        *links,
        f'    <content type="html">{_text(html)}</content>',
        "  </entry>"])


@functools.cache
def _markdown() -> Markdown:
    return Markdown(extensions=[makeExtension()])


def _html(markdown: str) -> str:
    # The same escaped lines as the page, converted as MkDocs would with the same last line of
    # defence; MkDocs never sees a feed, so its links are addresses already (`_url`).
    html = _markdown().reset().convert(markdown)
    found = unsafe_html(html)
    if found:  # fail closed, as the plugin does on a page: charter text cannot do this
        raise ValueError(f"a feed entry would hold live markup: {'; '.join(found)}")
    return html


def _text(value: str) -> str:
    """Text or an attribute value in XML: escaped, with no character XML forbids."""
    value = _NOT_XML.sub("\ufffd", visible(value))  # controls are pictures already
    return (value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))
