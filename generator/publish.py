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
from typing import Any

from generator.errors import ChartersError, Problem
from generator.feeds import feed_plan
from generator.model import Charter
from generator.pictures import svg
from generator.render import Extras, Output, Planned, site_plan
from generator.review.history import History, collect, history_markdown, last_changed
from generator.selfassess.assessments import check_charter_assessments
from generator.selfassess.page import self_assessment_markdown
from generator.selfassess.responses import load_responses
from generator.source import ParseCache, read_all

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
    site_url: str | None = None


@dataclass
class Cache:
    """What earlier builds in this process read and rendered, keyed by content, so that
    `mkdocs serve` reads, checks and renders again only what a save changed."""

    charters: ParseCache = field(default_factory=ParseCache)
    assessments: dict[tuple[str, bytes], list[Problem]] = field(default_factory=dict)
    rendered: dict[str, tuple[bytes, Output]] = field(default_factory=dict)


@dataclass(frozen=True)
class Site:
    """What a build publishes: the outputs by path under docs/, and the charters behind them.

    `problems` is empty unless the build was asked to publish around them (the preview)."""

    charters: list[Charter]
    outputs: dict[str, Output]
    problems: list[Problem] = field(default_factory=list)
    rendered: int = 0  # how many outputs were rendered rather than taken from the cache


def build_site(charters_dir: Path, settings: Settings, cache: Cache | None = None, *,
               tolerate: bool = False) -> Site:
    """Read, check and render every charter.

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
    extras = Extras(
        self_assessment=self_assessment,
        history={} if history is None else {
            c.id: partial(history_markdown, c, history) for c in charters},
        last_changed={} if history is None or not history.available else {
            c.id: last_changed(history, c.id) for c in charters},
        pictures=PICTURES, feeds=True)
    plan = site_plan(charters, settings.today, extras, placeholders=settings.placeholders)
    for path, make in feed_plan(charters, settings.today, site_url=settings.site_url).items():
        plan[path] = Planned(None, partial(_feed, make))
    digests = _digests(charters, cache, responses, settings, history)
    outputs, rendered = _render(plan, digests, cache)
    return Site(charters, outputs, problems, rendered)


def build_outputs(charters_dir: Path, today: dt.date, *, threshold: int = 3,
                  history: bool = True) -> tuple[list[Charter], dict[str, str | bytes]]:
    """Every output, self-contained, as `charters render --out` writes them."""
    site = build_site(charters_dir, Settings(today, threshold, history))
    return site.charters, {path: out.content for path, out in site.outputs.items()}


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
        log.warning(f"charters: history is unavailable: {found.reason}")
    for note in found.notes:
        log.info(f"charters: history: {note}")
    return found


def _digests(charters: Iterable[Charter], cache: Cache, responses: Mapping[str, Any],
             settings: Settings, history: History | None) -> dict[str, bytes]:
    # What each charter's pages depend on, as one digest: the settings, its file, its
    # responses and its history.
    common = repr(settings).encode()
    if history is not None:
        common += repr((history.available, history.reason)).encode()
    found = {}
    for charter in charters:
        digest = hashlib.blake2b(common, digest_size=16)
        digest.update(cache.charters.digests.get(charter.path, charter.path.encode()))
        digest.update(repr(responses.get(charter.id, [])).encode())
        if history is not None and history.available:
            digest.update(repr(history.entries.get(charter.id, ())).encode())
        found[charter.id] = digest.digest()
    return found


def _render(plan: Mapping[str, Planned], digests: Mapping[str, bytes], cache: Cache
            ) -> tuple[dict[str, Output], int]:
    """Every output, rendered again only when a charter it reads has changed."""
    everything = hashlib.blake2b(b"".join(digests[c] for c in sorted(digests)),
                                 digest_size=16).digest()
    outputs: dict[str, Output] = {}
    rendered: dict[str, tuple[bytes, Output]] = {}
    count = 0
    for path, planned in plan.items():
        if planned.reads is None:
            key = everything
        else:
            key = hashlib.blake2b(b"".join(digests[c] for c in planned.reads),
                                  digest_size=16).digest()
        old = cache.rendered.get(path)
        if old is not None and old[0] == key:
            output = old[1]
        else:
            try:
                output, count = planned.make(), count + 1
            except Exception as e:  # a bug, never bad input: name the page and stop
                raise ChartersError(f"rendering {path} failed: {type(e).__name__}: {e}") from e
            if output.slots and isinstance(output.content, str):
                # What its placeholders will show is not in its Markdown: the digest of what
                # they are made from is, so the page changes (and `mkdocs serve --dirty`
                # converts it again) exactly when they would.
                output = Output(f"{output.content}\n<!-- charters: {key.hex()} -->\n",
                                output.slots)
        rendered[path] = (key, output)
        outputs[path] = output
    cache.rendered = rendered
    return outputs, count


def problems_page(problems: Iterable[Problem]) -> str:
    """A page that shows, in the preview, why a charter cannot be published yet."""
    from generator.text import html

    items = "\n".join(f"<li><code>{html(str(p))}</code></li>" for p in problems)
    return ("# This charter has problems\n\n"
            "The preview shows this page until the charter is fixed; `mkdocs build` refuses "
            "it. Each problem gives the file, line and column:\n\n"
            f'<ul class="cc-problems">\n{items}\n</ul>\n')
