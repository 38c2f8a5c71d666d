"""When each charter and each pledge last changed, read from git, in the same words as `diff`.

One `git log --raw` lists every commit that touched the charters folder with the blob hashes
before and after; one `git cat-file --batch` reads those blobs; each version goes through the
usual loader, and `compare.compare_charter` says what each commit changed. Dates are committer
dates: the clock is never read, so a build is the same wherever and whenever it runs.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import GitError
from generator.model import Charter
from generator.registry import FILE_NAME, Registry, is_registry, parse_registry
from generator.review import git
from generator.review.changes import charter_lines
from generator.review.compare import CharterChange, compare_charter
from generator.source import parse_charter
from generator.spec import BIDI_CONTROLS, MAX_LINE_CHARS
from generator.text import CONTROL_PICTURES, inline

_NO_BLOB = "0" * 40
_STRUCK = re.compile(r"~~(.+?)~~")
_ANCHOR_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")  # ids are validated: this is a last guard
# A heading's words at most: a subject kept to git's customary 72 characters stays whole, and
# on a phone (390 px) a heading takes four lines at most; the paragraph under the heading has
# the whole subject.
SHORT = 80
_HEX = "0123456789abcdef"
_ZONE = re.compile(r"([+-])([0-9]{2}):([0-9]{2})\Z")  # the end of %cI
SHALLOW = ("the repository is a shallow clone, so the dates of older changes are not known; "
           "fetch the full history (actions/checkout with fetch-depth: 0, "
           "or git fetch --unshallow)")


@dataclass(frozen=True)
class Entry:
    """One commit's changes to one charter."""

    date: dt.date
    timestamp: str  # the committer date, ISO 8601 with its offset
    commit: str  # short hash
    subject: str
    change: CharterChange
    author: str = ""  # the commit's author name, as git has it
    revision: str = ""  # the full hash, unique where the short one may not be (a feed's ids)


@dataclass(frozen=True)
class History:
    """Per charter id, its changes (newest first) and when it and each pledge last changed."""

    available: bool
    reason: str = ""
    entries: Mapping[str, tuple[Entry, ...]] = field(default_factory=dict)
    changed: Mapping[str, Mapping[str, dt.date]] = field(default_factory=dict)
    notes: tuple[str, ...] = ()


@dataclass
class _Commit:
    short: str
    when: dt.datetime | None  # None when git cannot read the committer date
    subject: str
    files: list[tuple[str, str | None, str, str | None]]  # old blob, old path, new blob, new path
    author: str = ""
    full: str = ""


def _log(root: Path, folder: str) -> tuple[list[_Commit], list[str]]:
    # Every field and path ends in NUL, the one byte a commit message or a path cannot hold, so
    # a subject can say anything and paths come unquoted. --no-abbrev also lengthens %h.
    out = git.run(root, "log", "--reverse", "--raw", "-z", "--no-abbrev", "-M", "--no-color",
                  "--format=%H%x00%ct%x00%cI%x00%an%x00%s", "--", f"{folder}/" if folder else ".")
    tokens = out.split("\0")
    commits: list[_Commit] = []
    notes: list[str] = []
    at = 0
    while at < len(tokens) and tokens[at]:
        full, seconds, iso, author, subject = tokens[at:at + 5]
        if len(full) != 40 or set(full) - set(_HEX):
            raise ValueError(f"`git log` gave {full[:40]!r} where a commit hash belongs")
        at += 5
        files = []
        # Raw lines follow the subject (the first after a newline); a merge commit has none.
        while at < len(tokens) and tokens[at].lstrip("\n").startswith(":"):
            _, _, old, new, status = tokens[at].lstrip("\n").split(" ")
            count = 2 if status[0] in "RC" else 1
            paths = tokens[at + 1:at + 1 + count]
            if len(paths) != count:
                raise ValueError("`git log` output ends in the middle of a file list")
            at += 1 + count
            old_path: str | None
            if count == 2:
                old_path, new_path = paths
                old_path = None if status[0] == "C" else old_path  # a copy leaves the old file
            else:
                old_path = new_path = paths[0]
            files.append((old, old_path if old != _NO_BLOB else None,
                          new, new_path if new != _NO_BLOB else None))
        when, note = _when(seconds, iso)
        if note:
            notes.append(f"commit {full[:7]} {note}")
        commits.append(_Commit(full[:7], when, subject, files, author, full))
    return commits, notes


def _when(seconds: str, iso: str) -> tuple[dt.datetime | None, str]:
    """The committer date of one commit, read from git's seconds and its ISO form's offset.

    git keeps what a commit object says: a zone like +2500 (which `git fsck --strict` accepts)
    is out of Python's range, and a date git cannot parse comes as empty seconds. Neither may
    block a build; the commit's date is then read in UTC, or the commit is left out of the dates.
    """
    try:
        utc = dt.datetime.fromtimestamp(int(seconds), dt.UTC)
    except (ValueError, OverflowError, OSError):
        return None, "has a committer date git cannot read: its changes are not listed"
    zone = _ZONE.search(iso)
    if zone is None or int(zone[2]) > 23 or int(zone[3]) > 59:
        shown = zone[0] if zone else iso[-6:]
        return utc, f"has the committer time zone {shown!r}, out of range: its date is read in UTC"
    offset = dt.timedelta(hours=int(zone[2]), minutes=int(zone[3]))
    try:
        return utc.astimezone(dt.timezone(-offset if zone[1] == "-" else offset)), ""
    except OverflowError:  # a moment at the very end of year 9999, pushed past it by the zone
        return utc, "has a committer date at the end of year 9999: its date is read in UTC"


def _charter_file(path: str | None, folder: str) -> str | None:
    """`path` if it is a charter file directly inside the folder, else None."""
    prefix = f"{folder}/" if folder else ""
    if path is None or not path.startswith(prefix) or not path.endswith(".yaml"):
        return None
    if is_registry(path):
        return None  # the partner registry, read as each commit leaves it
    return path if "/" not in path[len(prefix):] else None


# Control characters in a commit subject (git keeps all but NUL) shown as their Unicode
# pictures, so a page shows that they are there instead of carrying them invisibly; characters
# that reorder the text around them (which have no pictures) and C1 controls as U+FFFD.
_PICTURES = str.maketrans({**CONTROL_PICTURES, **dict.fromkeys(range(0x80, 0xA0), "\ufffd"),
                           **dict.fromkeys(map(ord, BIDI_CONTROLS), "\ufffd")})


def visible(value: str) -> str:
    """Text with its control and reordering characters shown, not acted on."""
    return value.translate(_PICTURES)


def readable(value: str) -> str:
    """A commit's subject or author as a page shows it: `visible`, and at most as long as a
    charter's one-line field (git sets no bound, and a long line of escaped characters is slow
    to convert)."""
    if len(value) > MAX_LINE_CHARS:
        value = value[:MAX_LINE_CHARS - 1] + "\u2026"
    return visible(value)


def short(value: str, limit: int = SHORT) -> str:
    """`value` as `readable` shows it, cut to at most `limit` characters at a word boundary
    with '…' when it is longer (a heading, and its line in a table of contents)."""
    value = readable(value)
    if len(value) <= limit:
        return value
    cut = value[:limit]  # the ellipsis takes the place of the space it is cut at
    space = cut.rfind(" ")
    # A word longer than half the limit is cut through rather than leave a stub of a heading.
    cut = cut[:space] if space >= limit // 2 else value[:limit - 1]
    return cut.rstrip(" ,;:-–—") + "…"


def anchors(entries: Iterable[Entry]) -> list[str]:
    """Each entry's anchor on a page: the charter's id when the commit was made and the
    commit's short hash (`harbour-1a2b3c4`), the same on every build and after a rename; a
    second entry with the same one (two files, or short hashes that collide) gains `-2`."""
    return unique(_ANCHOR_UNSAFE.sub("-", f"{e.change.id}-{e.commit}") for e in entries)


def unique(names: Iterable[str]) -> list[str]:
    """The names in order, each repeated one with `-2`, `-3`… added."""
    seen: set[str] = set()
    out = []
    for name in names:
        found, n = name, 1
        while found in seen:
            n += 1
            found = f"{name}-{n}"
        seen.add(found)
        out.append(found)
    return out


def heading(entry: Entry, words: str, anchor: str) -> str:
    """An entry's Markdown heading, `## 2026-05-01: words`, with an explicit anchor so that
    links to it survive a change of words; `words` is Markdown already."""
    return f"## {entry.date.isoformat()}: {words} {{ #{anchor} }}"


def subject(entry: Entry) -> str:
    """The commit's whole subject (Markdown), as a paragraph under the entry's heading."""
    return inline(readable(entry.subject))


def byline(entry: Entry) -> str:
    """' by Ada Lovelace' (Markdown), or nothing when git has no author name."""
    return f" by {inline(readable(entry.author))}" if entry.author.strip() else ""


def change_lines(change: CharterChange) -> list[str]:
    """`diff`'s Markdown lines for one change; none for a new charter (its text is its page)."""
    # `diff` marks removed words ~~so~~ for GitHub; the site's Markdown has no ~~, so
    # they become <del>. Charter text never holds a bare `~` (inline escapes it).
    return [_STRUCK.sub(r"<del>\1</del>", line) for line in
            (charter_lines(change) if change.kind != "added" else [])]


def kind_text(change: CharterChange) -> str | None:
    """'Charter created.', 'Charter removed.' or 'File renamed from …' (Markdown); else None."""
    return {"added": "Charter created.", "removed": "Charter removed.",
            "renamed": f"File renamed from {inline(change.old_path)}."}.get(change.kind)


def _unavailable(reason: str) -> History:
    return History(False, reason)


def collect(repo_root: Path, charters_dir: Path) -> History:
    """The history of every charter file in `charters_dir` (absolute or under `repo_root`)."""
    root = git.toplevel(repo_root)
    if root is None:
        # Said on the published pages: the reason names no folder of the build machine.
        return _unavailable("the charters folder is not in a git repository "
                            "(or git is not installed)")
    try:
        if git.is_shallow(root):
            return _unavailable(SHALLOW)
        if git.resolve(root, "HEAD") is None:
            return _unavailable("the repository has no commits yet")
        where = repo_root / charters_dir
        where = where if where.is_dir() else charters_dir  # relative to the working folder
        folder = where.resolve().relative_to(root.resolve()).as_posix()
        folder = "" if folder == "." else folder
        commits, notes = _log(root, folder)
        blobs = git.read_blobs(root, [sha for c in commits for f in c.files
                                      for sha in (f[0], f[2]) if sha != _NO_BLOB])
    except (GitError, ValueError) as e:
        return _unavailable(f"git could not read the history: {e}")
    return _walk(commits, blobs, folder, notes)


def _walk(commits: list[_Commit], blobs: Mapping[str, bytes | None], folder: str,
          notes: list[str]) -> History:
    parsed: dict[tuple[str, str, bytes], Charter | None] = {}
    good: dict[str, Charter] = {}  # the last version of each path that validated
    entries: dict[str, list[Entry]] = {}
    times: dict[str, dict[str, dt.datetime]] = {}

    registry_path = f"{folder}/{FILE_NAME}" if folder else FILE_NAME
    registry: Registry | None = None  # as the commits so far leave it

    def version(sha: str, path: str, commit: str, registry: Registry | None) -> Charter | None:
        key = (sha, path, registry.digest if registry is not None else b"")
        if key not in parsed:
            data = blobs.get(sha)
            charter, problems = (parse_charter(data, path, registry) if data is not None
                                 else (None, []))
            if problems:
                notes.append(f"{path} at {commit} is skipped: it does not validate ({problems[0]})")
            parsed[key] = charter
        return parsed[key]

    for c in commits:
        earlier = registry  # the version before this commit reads the registry before it
        for _, _, new_sha, new_path in (f for f in c.files if registry_path in (f[1], f[3])):
            data = blobs.get(new_sha) if new_path == registry_path else None
            registry = parse_registry(data, registry_path)[0] if data is not None else None
        for old_sha, old_path, new_sha, new_path in c.files:
            old_path, new_path = _charter_file(old_path, folder), _charter_file(new_path, folder)
            before = version(old_sha, old_path, c.short, earlier) if old_path else None
            before = before or (good.get(old_path) if old_path else None)
            after = version(new_sha, new_path, c.short, registry) if new_path else None
            if new_path and after is None:
                continue  # a version that does not validate: wait for the next good one
            if old_path and old_path != new_path:
                good.pop(old_path, None)
            if after is not None and new_path:
                good[new_path] = after
            if before is None and after is None:
                continue
            change = compare_charter(before, after)
            if before is not None and after is not None and before.id != after.id:
                entries[after.id] = entries.pop(before.id, []) + entries.get(after.id, [])
                times[after.id] = {**times.pop(before.id, {}), **times.get(after.id, {})}
            if change.is_empty() or c.when is None:
                continue  # a commit without a readable date still moves the versions on
            entries.setdefault(change.id, []).append(
                Entry(c.when.date(), c.when.isoformat(), c.short, c.subject, change, c.author,
                      c.full))
            marks = times.setdefault(change.id, {})
            for moved in (p.old_id for p in change.pledges if p.old_id):
                marks.pop(moved, None)  # the pledge lives on under its new id
            for key in ["", *(p.id for p in change.pledges)]:
                if key not in marks or marks[key] <= c.when:
                    marks[key] = c.when
    # Newest first by the moment each commit was made, whatever its zone; git's order breaks ties.
    return History(
        True, "",
        {cid: tuple(sorted(reversed(es), key=lambda e: dt.datetime.fromisoformat(e.timestamp),
                           reverse=True))
         for cid, es in sorted(entries.items())},
        {cid: {k: w.date() for k, w in sorted(marks.items())}
         for cid, marks in sorted(times.items())},
        tuple(notes))


def last_changed(history: History, charter_id: str) -> dict[str, dt.date]:
    """When the charter ("") and each of its pledges last changed; empty if unknown."""
    if not history.available:
        return {}
    return dict(history.changed.get(charter_id, {}))


def unavailable(history: History) -> str:
    """What a page says when git cannot give the history (Markdown)."""
    return f"History is unavailable because {inline(history.reason)}."


def history_markdown(charter: Charter, history: History) -> str:
    """The page `charters/<id>/history/`: every change to the charter, newest first."""
    out = [f"# History: {inline(charter.title)}", ""]
    if not history.available:
        out += [unavailable(history), ""]
        return "\n".join(out)
    entries = history.entries.get(charter.id, ())
    if not entries:
        out += ["No committed change to this charter yet.", ""]
    else:
        out += ["Every change to this charter, newest first, from the commits that made it.", ""]
    for e, anchor in zip(entries, anchors(entries), strict=True):
        kind = kind_text(e.change)
        words = short(e.subject)
        out += [heading(e, inline(words), anchor), ""]
        out += [subject(e), ""] if words != readable(e.subject) else []  # cut: shown whole
        out += [f"Commit {inline(e.commit)}{byline(e)}.{' ' + kind if kind else ''}", ""]
        lines = change_lines(e.change)
        out += [*lines, ""] if lines else []
    return "\n".join(out)
