"""Everything the site publishes from the charters, as one mapping of path to content.

Both ways out use it: the MkDocs plugin adds the entries as virtual files, and
`charters render --out DIR` writes them to disk.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from generator.errors import ChartersError, Problem
from generator.feeds import feed_plan
from generator.model import Charter
from generator.pictures import svg
from generator.render import Extras, site_plan
from generator.review.history import collect, history_markdown, last_changed
from generator.selfassess.assessments import check_charter_assessments
from generator.selfassess.page import self_assessment_markdown
from generator.selfassess.responses import load_responses
from generator.source import read_all

log = logging.getLogger("mkdocs.plugins.charters")


# The build-time pictures the templates draw, by the name they use.
PICTURES: dict[str, Callable[..., Any]] = {
    "engagement_map": svg.engagement_map, "engagement_text": svg.engagement_text,
    "metric_chart": svg.metric_chart, "sparkline": svg.sparkline, "stage_cycle": svg.stage_cycle,
}


def build_outputs(charters_dir: Path, today: dt.date, *, threshold: int = 3,
                  history: bool = True) -> tuple[list[Charter], dict[str, str | bytes]]:
    """Read, validate and render every charter; raise ChartersError listing every problem."""
    charters, plan = plan_outputs(charters_dir, today, threshold=threshold, history=history)
    return charters, {path: make() for path, make in plan.items()}


def plan_outputs(charters_dir: Path, today: dt.date, *, threshold: int = 3, history: bool = True
                 ) -> tuple[list[Charter], dict[str, Callable[[], str | bytes]]]:
    """Read and validate every charter, and list every output with the call that makes it.

    Everything that can fail on bad input (or log a warning) happens here; what is left in
    the plan is pure rendering, which another process can do (see `generator.worker`).
    Pages come first in the order MkDocs reads them, then the feeds, which it copies last.
    """
    charters, problems = read_all([charters_dir])
    self_assessment: dict[str, Callable[[], str]] = {}
    problems += _self_assessments(charters_dir, charters, today, threshold, self_assessment)
    if problems:
        raise ChartersError(problems)
    history_pages, last_changed = _history(charters_dir, charters) if history else ({}, {})
    extras = Extras(self_assessment=self_assessment, history=history_pages,
                    last_changed=last_changed, pictures=PICTURES, feeds=True)
    plan: dict[str, Callable[[], str | bytes]] = dict(site_plan(charters, today, extras))
    plan.update(feed_plan(charters, today))
    return charters, plan


def _self_assessments(charters_dir: Path, charters: list[Charter], today: dt.date,
                      threshold: int, pages: dict[str, Callable[[], str]]) -> list[Problem]:
    responses, problems = load_responses(charters_dir, charters)
    for charter in charters:
        if charter.assessments:  # nothing to cross-check otherwise
            # Its own bytes, so positions are right wherever the build runs from.
            source = (charters_dir / f"{charter.id}.yaml").read_bytes()
            problems += check_charter_assessments(charter, source)
    for charter in charters:
        pages[charter.id] = partial(self_assessment_markdown,
                                    charter, responses.get(charter.id, []), today, threshold)
    return list(problems)


def _history(charters_dir: Path, charters: list[Charter]
             ) -> tuple[dict[str, Callable[[], str]], dict[str, dict[str, dt.date]]]:
    folder = charters_dir.resolve()
    found = collect(folder.parent, folder)
    if not found.available:
        log.warning(f"charters: history is unavailable: {found.reason}")
    for note in found.notes:
        log.info(f"charters: history: {note}")
    pages: dict[str, Callable[[], str]] = {
        c.id: partial(history_markdown, c, found) for c in charters}
    changed = {c.id: last_changed(found, c.id) for c in charters} if found.available else {}
    return pages, changed
