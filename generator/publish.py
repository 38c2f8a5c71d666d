"""Everything the site publishes from the charters: read, check, plan, render what changed.

Both ways out use it: the MkDocs plugin publishes the outputs as files that MkDocs reads like
those in docs/, and `charters render --out DIR` writes them to disk, self-contained.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Protocol

from generator.errors import ChartersError, Problem
from generator.feeds import Made, feed_plan
from generator.model import Charter, charters_of_partners
from generator.pictures import svg
from generator.render import Extras, Output, Planned, RowPrints, site_plan
from generator.review.history import History, collect, history_markdown, last_changed
from generator.review.signatures import changes_since_signed, stale_signatures
from generator.review.whatchanged import atom_plan, changes_markdown
from generator.selfassess.assessments import check_charter_assessments
from generator.selfassess.page import self_assessment_markdown
from generator.selfassess.responses import load_responses
from generator.slots import Maker
from generator.source import ParseCache, read_all
from generator.text import html

log = logging.getLogger("mkdocs.plugins.charters")


# The build-time pictures the templates draw, by the name they use.
PICTURES: dict[str, Callable[..., Any]] = {
    "engagement_map": svg.engagement_map, "engagement_text": svg.engagement_text,
    "metric_chart": svg.metric_chart, "sparkline": svg.sparkline, "stage_cycle": svg.stage_cycle,
}


@dataclass(frozen=True)
class Settings:
    """What a build depends on besides the charters: one value each, read at the edge."""

    today: dt.date
    threshold: int = 3
    history: bool = True
    # True for the site: pictures, forms and long tables made after conversion.
    placeholders: bool = False
    # True where the site's Markdown writes a pledge's heading as `render.pledge_heading`
    # does: then pledge headings are placed after conversion too.
    headings: bool = False
    site_url: str | None = None
    repo_url: str | None = None  # mkdocs.yml's, for links to the pull requests commits name


@dataclass
class Cache:
    """What earlier builds in this process read and rendered, keyed by content, so that
    `mkdocs serve` reads, checks and renders again only what a save changed."""

    charters: ParseCache = field(default_factory=ParseCache)
    assessments: dict[tuple[str, bytes], list[Problem]] = field(default_factory=dict)
    # each pledge's feed lines, kept while its charter is unchanged
    feeds: Made = field(default_factory=lambda: Made(dt.date.min))
    # what each pledge's row on a list page shows, kept while its charter is unchanged
    rows: RowPrints = field(default_factory=RowPrints)
    # path -> the digest of what it was made from, and its slots (its content is not kept)
    rendered: dict[str, tuple[bytes, Mapping[str, Maker]]] = field(default_factory=dict)


class Sink(Protocol):
    """Where a build's outputs go as they are made, so that no build holds them all."""

    def has(self, path: str) -> bool:
        """True if the output at `path` is there, as this process last put it."""

    def put(self, path: str, output: Output) -> None:
        """Publish one output."""


class Collect:
    """A sink that keeps every output: for `charters render --out` and the tests."""

    def __init__(self) -> None:
        self.outputs: dict[str, Output] = {}

    def has(self, path: str) -> bool:
        return False

    def put(self, path: str, output: Output) -> None:
        self.outputs[path] = output


@dataclass(frozen=True)
class Site:
    """What a build published: every output's path and slots, and the charters behind them.

    `problems` is empty unless the build was asked to publish around them (the preview)."""

    charters: list[Charter]
    slots: dict[str, Mapping[str, Maker]]  # path -> its slots, for every output
    problems: list[Problem] = field(default_factory=list)
    rendered: int = 0  # how many outputs were made rather than left as they were


def build_site(charters_dir: Path, settings: Settings, sink: Sink, cache: Cache | None = None,
               *, tolerate: bool = False) -> Site:
    """Read, check and render every charter, handing each output to `sink` as it is made.

    An output whose inputs have not changed since this cache last made it, and which the sink
    still has, is not made again.

    Raises ChartersError with every problem found; with `tolerate`, publishes the charters
    that have none instead and returns the problems with the site (the preview shows them).
    """
    cache = cache if cache is not None else Cache()
    charters, problems = read_all([charters_dir], cache.charters)
    responses, found = load_responses(charters_dir, charters)
    problems += found
    for charter in charters:
        problems += _assessment_problems(charter, cache)
    problems = sorted(set(problems))
    if problems:
        if not tolerate:
            raise ChartersError(problems)
        broken = {p.path for p in problems}
        charters = [c for c in charters if c.path not in broken]
    history = _history(charters_dir) if settings.history else None
    self_assessment = {
        c.id: partial(self_assessment_markdown, c, responses.get(c.id, []), settings.today,
                      settings.threshold) for c in charters}
    since_signed = {} if history is None else changes_since_signed(charters, history)
    extras = Extras(
        self_assessment=self_assessment,
        history={} if history is None else {
            c.id: partial(history_markdown, c, history) for c in charters},
        last_changed={} if history is None or not history.available else {
            c.id: last_changed(history, c.id) for c in charters},
        since_signed=since_signed,
        stale_signatures=stale_signatures(since_signed)
        if history is not None and history.available else None,
        versions={} if history is None else _versions(charters, history),
        site_url=_with_slash(settings.site_url), pictures=PICTURES, feeds=True,
        what_changed=None if history is None else partial(
            changes_markdown, history, charters, settings.today, repo_url=settings.repo_url))
    cache.rows.keep_only(charters)
    plan = site_plan(charters, settings.today, extras, placeholders=settings.placeholders,
                     headings=settings.headings, problems=[str(p) for p in problems],
                     prints=cache.rows)
    for cid, found in _by_charter(problems, charters_dir).items():
        # The preview shows a broken charter's problems where its page was.
        plan[f"charters/{cid}/index.md"] = Planned(None, partial(_problems_page, found))
    involved = {pid: [c.id for c in found]
                for pid, found in charters_of_partners(charters).items()}
    if not cache.feeds.fits(settings.today, settings.site_url):
        cache.feeds = Made(settings.today, settings.site_url)
    cache.feeds.keep_only(charters)
    atom = {} if history is None else atom_plan(
        history, charters, settings.today, site_url=settings.site_url, repo_url=settings.repo_url)
    for path, make in feed_plan(charters, settings.today, site_url=settings.site_url,
                                made=cache.feeds, more=atom).items():
        plan[path] = Planned(_feed_reads(path, involved), partial(_feed, make))
    digests = _digests(charters, cache, responses, settings, history)
    digests["\0problems"] = hashlib.blake2b(repr(problems).encode(), digest_size=16).digest()
    slots, rendered = _render(plan, digests, cache, sink)
    return Site(charters, slots, problems, rendered)


def build_outputs(charters_dir: Path, today: dt.date, *, threshold: int = 3,
                  history: bool = True) -> tuple[list[Charter], dict[str, str | bytes]]:
    """Every output, self-contained, as `charters render --out` writes them."""
    sink = Collect()
    site = build_site(charters_dir, Settings(today, threshold, history), sink)
    return site.charters, {path: out.content for path, out in sink.outputs.items()}


def _with_slash(url: str | None) -> str | None:
    return None if not url else url if url.endswith("/") else url + "/"


def _feed_reads(path: str, involved: Mapping[str, list[str]]) -> tuple[str, ...] | None:
    # A charter's feed reads that charter, a partner's the charters it is in; the rest, all.
    parts = path.split("/")
    if len(parts) == 3 and parts[0] == "charters":
        return (parts[1],)
    if len(parts) == 3 and parts[0] == "partners":
        return tuple(involved.get(parts[1], ()))
    return None


def _feed(make: Callable[[], bytes]) -> Output:
    return Output(make())


def _assessment_problems(charter: Charter, cache: Cache) -> list[Problem]:
    if not charter.assessments:  # nothing to cross-check otherwise
        return []
    digest = cache.charters.digests.get(charter.path, b"")
    key = (charter.path, digest)
    if key not in cache.assessments:
        # Its own bytes, so positions are right wherever the build runs from.
        source = Path(charter.path).read_bytes() if Path(charter.path).is_file() else b""
        cache.assessments[key] = check_charter_assessments(charter, source)
    return cache.assessments[key]


def _history(charters_dir: Path) -> History:
    folder = charters_dir.resolve()
    found = collect(folder.parent, folder)
    if not found.available:
        # Said on every history page; a download or shallow clone still builds (strict).
        log.info(f"charters: history is unavailable: {found.reason}")
    for note in found.notes:
        log.info(f"charters: history: {note}")
    return found


def _versions(charters: Iterable[Charter], history: History) -> dict[str, str]:
    # A printed charter says which version it is: the last commit that changed it.
    found = {}
    for charter in charters:
        entries = history.entries.get(charter.id, ())
        if history.available and entries:
            found[charter.id] = f"commit {entries[0].commit} of {entries[0].date.isoformat()}"
    return found


def _digests(charters: Iterable[Charter], cache: Cache, responses: Mapping[str, Any],
             settings: Settings, history: History | None) -> dict[str, bytes]:
    # What each charter's pages depend on, as one digest: the settings, its file, its
    # responses and its history.
    common = repr(settings).encode()
    if history is not None:  # whether, not why: the reason names the build machine's folders
        common += repr(history.available).encode()
    # Also on its own, for the pages that name what they show rather than the charters.
    found = {"\0settings": hashlib.blake2b(common, digest_size=16).digest()}
    for charter in charters:
        digest = hashlib.blake2b(common, digest_size=16)
        digest.update(cache.charters.versions.get(charter.path, charter.path.encode()))
        digest.update(repr(responses.get(charter.id, [])).encode())
        if history is not None and history.available:
            digest.update(repr(history.entries.get(charter.id, ())).encode())
        found[charter.id] = digest.digest()
    return found


def _render(plan: Mapping[str, Planned], digests: Mapping[str, bytes], cache: Cache,
            sink: Sink) -> tuple[dict[str, Mapping[str, Maker]], int]:
    """Every output made and handed to `sink`, unless a charter it reads has not changed."""
    everything = hashlib.blake2b(b"".join(digests[c] for c in sorted(digests)),
                                 digest_size=16).digest()
    slots: dict[str, Mapping[str, Maker]] = {}
    rendered: dict[str, tuple[bytes, Mapping[str, Maker]]] = {}
    count = 0
    for path, planned in plan.items():
        key = hashlib.blake2b(everything if planned.reads is None else
                              b"".join(digests[c] for c in planned.reads), digest_size=16)
        key.update(digests["\0settings"])
        key.update(planned.place.encode())
        digest = key.digest()
        old = cache.rendered.get(path)
        if old is not None and old[0] == digest and sink.has(path):
            rendered[path] = old
            slots[path] = old[1]
            continue
        try:
            output = planned.make()
        except Exception as e:  # a bug, never bad input: name the page and stop
            raise ChartersError(f"rendering {path} failed: {type(e).__name__}: {e}") from e
        count += 1
        if output.slots and isinstance(output.content, str):
            # What its placeholders will show is not in its Markdown: the digest of what
            # they are made from is, so the page changes (and `mkdocs serve --dirty`
            # converts it again) exactly when they would.
            output = Output(f"{output.content}\n<!-- charters: {digest.hex()} -->\n",
                            output.slots)
        sink.put(path, output)
        rendered[path] = (digest, output.slots)
        slots[path] = output.slots
    cache.rendered = rendered
    return slots, count


def _problems_page(problems: Iterable[Problem]) -> Output:
    items = "\n".join(f"<li><code>{html(str(p))}</code></li>" for p in problems)
    return Output("# This charter has problems\n\n"
                  "The preview shows this page until the charter is fixed; `mkdocs build` "
                  "refuses it. Each problem gives the file, line and column:\n\n"
                  f'<ul class="cc-problems">\n{items}\n</ul>\n')


def _by_charter(problems: Iterable[Problem], charters_dir: Path) -> dict[str, list[Problem]]:
    # The charter each problem's file belongs to: `x.yaml`, or anything under `x/`.
    found: dict[str, list[Problem]] = {}
    for problem in problems:
        try:
            relative = Path(problem.path).resolve().relative_to(charters_dir.resolve())
        except ValueError:
            continue
        parts = relative.parts
        if len(parts) > 1 or (parts and parts[0].endswith(".yaml")):
            cid = parts[0].removesuffix(".yaml")
            if cid != "partners":  # the partner registry concerns every charter
                found.setdefault(cid, []).append(problem)
    return found
