"""Charters in, Markdown pages out. Pure: the build date and every input are parameters."""

from __future__ import annotations

import datetime as dt
import functools
import html
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import jinja2
from markupsafe import Markup

from generator import text
from generator.model import Charter, Mechanism, Metric, Partner, Pledge
from generator.spec import STAGE_LABELS

STATUS_LABELS = {"proposed": "Proposed", "active": "Active", "at-risk": "At risk", "met": "Met",
                 "missed": "Missed", "withdrawn": "Withdrawn"}
# Symbols sit beside the words so status never depends on colour (WCAG 1.4.1).
STATUS_SYMBOLS = {"proposed": "○", "active": "◐", "at-risk": "⚠", "met": "✓", "missed": "✗",
                  "withdrawn": "–"}
TRACK_SYMBOLS = {"met": "✓", "on track": "↗", "off track": "⚠", "no data": "–"}
# After a status or a date that is past: words and a symbol, never colour alone.
OVERDUE_BADGE = Markup(' <span class="cc-badge cc-overdue">⚠ Overdue</span>')
SECTORS = {"health": "Health", "education": "Education", "social-care": "Social care",
           "local-government": "Local government", "voluntary": "Voluntary", "research": "Research",
           "industry": "Industry", "other": "Other"}
MODES = {"face-to-face": "Face-to-face", "on-site": "On-site visit", "virtual": "Virtual",
         "written": "Written"}


@dataclass(frozen=True)
class Extras:
    """What other parts of the product add to the pages, each optional."""

    # charter id -> the call that renders its self-assessment page's Markdown
    self_assessment: Mapping[str, Callable[[], str]] = field(default_factory=dict)
    # charter id -> the call that renders its history page's Markdown
    history: Mapping[str, Callable[[], str]] = field(default_factory=dict)
    # charter id -> {"" or pledge id -> date it last changed}
    last_changed: Mapping[str, Mapping[str, dt.date]] = field(default_factory=dict)
    # pictures: name -> function returning inline SVG
    pictures: Mapping[str, Callable[..., str]] = field(default_factory=dict)
    feeds: bool = False


def _finalize(value: Any) -> Markup:
    # Every {{ }} is escaped as one-line text unless it is already Markup: our own macros,
    # template literals and the output of the `block`, `id` and `svg` filters.
    if isinstance(value, Markup):
        return value
    return Markup(text.inline(value))


def _join(items: Iterable[Any], separator: str = "") -> Markup:
    # Jinja's own join would only HTML-escape the items, leaving Markdown syntax live.
    return Markup(text.inline(separator)).join(_finalize(item) for item in items)


def _replace(value: Any, old: str, new: str) -> Markup:
    return Markup(text.inline(str(value).replace(old, new)))


@functools.cache
def environment() -> jinja2.Environment:
    """The one Jinja environment: templates are ours, values are data.

    Made once per process, so `mkdocs serve` does not recompile the templates on every save.
    """
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("generator", "templates"),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # Autoescape makes macro output and template text Markup; `_finalize` then escapes
        # every value for Markdown (which HTML escaping alone would not).
        autoescape=True,
        finalize=_finalize,
    )
    env.filters["join"] = _join
    env.filters["replace"] = _replace
    env.filters["block"] = lambda v, indent="": Markup(text.indent(text.block(v), indent))
    env.filters["id"] = _id
    env.filters["status"] = status_badge
    env.filters["svg"] = inline_svg
    env.filters["figure"] = figure
    env.filters["raw"] = Markup  # HTML we escaped ourselves, inside a raw HTML block
    env.filters["number"] = number
    env.globals.update(STATUS_LABELS=STATUS_LABELS, STAGES=STAGE_LABELS, SECTORS=SECTORS,
                       MODES=MODES, TRACK_SYMBOLS=TRACK_SYMBOLS, OVERDUE_BADGE=OVERDUE_BADGE,
                       html_escape=html.escape,
                       text_equivalent=text_equivalent)
    return env


def _id(value: str) -> Markup:
    # Ids are validated against the id patterns (letters, digits, - _ .), so they are safe
    # in URLs and anchors; inline() would turn '_' into a reference and break the link.
    return Markup(value)


_SVG_TEXT = re.compile(r">([^<]+)<")
_MARKDOWN_SYNTAX = {c: f"&#{ord(c)};" for c in "\\`*_{}[]()#+-.!|~^=:"}


_REFERENCE = re.compile(r"(&(?:#[0-9]+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);)")
_TO_REFERENCES = str.maketrans(_MARKDOWN_SYNTAX)


def _protect_text(match: re.Match[str]) -> str:
    # Character references already in the SVG stay as they are; the text around them changes.
    parts = _REFERENCE.split(match.group(1))
    return ">" + "".join(p if i % 2 else p.translate(_TO_REFERENCES)
                         for i, p in enumerate(parts)) + "<"


def inline_svg(svg: str) -> Markup:
    """An SVG placed inside Markdown text: Markdown still reads the text between its tags, so
    every character that could start Markdown syntax there becomes a character reference."""
    return Markup(_SVG_TEXT.sub(_protect_text, svg))


def figure(svg: str) -> Markup:
    """An SVG on a line of its own. Markdown does not know <svg> as a block, so a <div> around
    it makes the whole picture one raw HTML block that Markdown leaves alone (the templates
    keep it at the start of a line with blank lines around; tests/test_safety.py checks)."""
    return Markup(f'<div class="cc-figure">{svg}</div>')


def text_equivalent(summary: str, sentences: Iterable[str]) -> Markup:
    """A picture's text equivalent, folded away under a summary (one raw HTML block)."""
    items = "".join(f"<li>{html.escape(s)}</li>" for s in sentences)
    return Markup(f'<details class="cc-text-equivalent"><summary>{html.escape(summary)}</summary>'
                  f"<ul>{items}</ul></details>")


def status_badge(status: str) -> Markup:
    """A badge that says the status in words and a symbol, coloured only as a bonus."""
    return Markup(f'<span class="cc-badge cc-status-{status}">{STATUS_SYMBOLS[status]} '
                  f'{STATUS_LABELS[status]}</span>')


def number(value: float | None, unit: str | None = None) -> Markup:
    """A value as people write it: no trailing .0, the unit after it."""
    if value is None:
        return Markup("–")
    shown = f"{value:,.2f}".rstrip("0").rstrip(".") if isinstance(value, float) else f"{value:,}"
    if unit:
        shown += unit if unit == "%" else f" {unit}"
    return Markup(text.inline(shown).replace("&#45;", "−", 1) if shown.startswith("-") else
                  text.inline(shown))


@dataclass(frozen=True)
class PledgeRow:
    """A pledge with the charter it belongs to, as the cross-charter pages need it."""

    charter: Charter
    pledge: Pledge
    overdue: bool

    @property
    def sort_key(self) -> tuple[Any, ...]:
        return (not self.overdue, self.pledge.due or dt.date.max, self.charter.id, self.pledge.id)


def pledge_rows(charters: Iterable[Charter], today: dt.date) -> list[PledgeRow]:
    return [PledgeRow(c, p, p.is_overdue(today)) for c in charters for p in c.pledges]


def partner_directory(charters: Sequence[Charter]) -> dict[str, Partner]:
    """Every partner across charters; the same id in two charters is one organisation."""
    found: dict[str, Partner] = {}
    for charter in charters:
        for partner in charter.partners:
            found.setdefault(partner.id, partner)
    return dict(sorted(found.items(), key=lambda kv: kv[1].name.lower()))


def to_names(charter: Charter, pledge: Pledge) -> list[str]:
    if "all" in pledge.to:
        return ["All partners"]
    return [charter.partner(pid).name for pid in pledge.to]


def status_counts(pledges: Iterable[Pledge]) -> dict[str, int]:
    counts = dict.fromkeys(STATUS_LABELS, 0)
    for pledge in pledges:
        counts[pledge.status] += 1
    return {k: v for k, v in counts.items() if v}


def render_site(charters: Sequence[Charter], today: dt.date, extras: Extras = Extras()
                ) -> dict[str, str]:
    """Every generated page, keyed by its path under the docs folder."""
    return {path: render() for path, render in site_plan(charters, today, extras).items()}


def site_plan(charters: Sequence[Charter], today: dt.date, extras: Extras = Extras()
              ) -> dict[str, Callable[[], str]]:
    """Every generated page's path, with the call that renders it.

    Listing the pages is cheap and rendering them is not, so a publisher can list them first
    and render them later or elsewhere (the plugin renders them in a second process).
    """
    env = environment()
    rows = pledge_rows(charters, today)
    partners = partner_directory(charters)
    common = {"today": today, "extras": extras, "to_names": to_names,
              "status_counts": status_counts, "reaches": reaches, "measured_by": measured_by,
              "percent": percent, "involved_ids": involved_ids,
              "off_track_metrics": off_track_metrics, "pledge_table": pledge_table,
              "register_table": register_table,
              "pledge_block": pledge_block, "partner_link": partner_link}
    made, received, involved = by_partner(charters, rows)
    plan: dict[str, Callable[[], str]] = {}
    charter_page = env.get_template("charter.md.j2")
    for charter in charters:
        plan[f"charters/{charter.id}/index.md"] = functools.partial(
            charter_page.render, c=charter,
            overdue={p.id for p in charter.pledges if p.is_overdue(today)},
            changed=extras.last_changed.get(charter.id, {}), **common)
        if charter.id in extras.self_assessment:
            plan[f"charters/{charter.id}/self-assessment.md"] = (
                extras.self_assessment[charter.id])
        if charter.id in extras.history:
            plan[f"charters/{charter.id}/history.md"] = extras.history[charter.id]
    partner_page = env.get_template("partner.md.j2")
    for pid, partner in partners.items():
        plan[f"partners/{pid}/index.md"] = functools.partial(
            partner_page.render, partner=partner,
            made=sorted(made[pid], key=lambda r: r.sort_key),
            received=sorted(received[pid], key=lambda r: r.sort_key),
            charters=involved[pid], **common)
    # The pages that read every charter come last: whoever renders in plan order while
    # MkDocs reads in it starts with a page that takes milliseconds, not the whole register.
    plan["index.md"] = functools.partial(env.get_template("home.md.j2").render,
                               charters=charters, rows=rows, partners=partners, **common)
    plan["charters/index.md"] = functools.partial(env.get_template("charters.md.j2").render,
                                        charters=charters, **common)
    plan["partners/index.md"] = functools.partial(env.get_template("partners.md.j2").render,
                                        partners=partners, involved=involved, **common)
    plan["pledges/index.md"] = functools.partial(env.get_template("register.md.j2").render,
                                       rows=sorted(rows, key=lambda r: (r.charter.id, r.pledge.id)),
                                       partners=partners, **common)
    return plan


def partner_link(partner: Partner, root: str) -> Markup:
    return Markup(f"[{text.inline(partner.name)}]({root}partners/{partner.id}/index.md)")


def pledge_block(c: Charter, pledge: Pledge, overdue: bool, changed: dt.date | None,
                 root: str, today: dt.date) -> Markup:
    """One pledge on its charter's page, under a heading whose anchor is the pledge's id.

    Plain Python rather than a macro: a charter page has dozens of pledges, and this is the
    hottest part of rendering (several times faster, the same escaping: ids are validated,
    every other value goes through `text`)."""
    e = text.inline
    flag = OVERDUE_BADGE if overdue else ""
    to = ("All partners" if "all" in pledge.to
          else ", ".join(partner_link(c.partner(pid), root) for pid in pledge.to))
    if pledge.due is None:
        due = "no due date"
    elif overdue:
        due = f"{pledge.due} (overdue by {e((today - pledge.due).days)} days)"
    else:
        due = str(pledge.due)
    lines = [f"#### {e(pledge.id)} {{ #{pledge.id} .cc-pledge }}", "",
             f"{status_badge(pledge.status)}{flag}", "", text.block(pledge.text), "",
             f"- **By:** {partner_link(c.partner(pledge.by), root)}", f"- **To:** {to}",
             f"- **Owner:** {e(pledge.owner)}", f"- **Due:** {due}"]
    if pledge.metrics:
        lines.append("- **Measured by:** " + ", ".join(
            f"[{e(c.metric(mid).name)}]({root}charters/{c.id}/index.md#metric-{mid})"
            for mid in pledge.metrics))
    if changed:
        lines.append(f"- **Last changed:** {e(changed)}")
    return Markup("\n".join(lines) + "\n")


def register_table(rows: Iterable[PledgeRow]) -> Markup:
    """The register: every pledge, each row marked with what its filter script reads."""
    e = text.inline
    lines = ["| Pledge | Charter | By | To | Commitment | Owner | Due | Status |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        p, c = r.pledge, r.charter
        flag = OVERDUE_BADGE if r.overdue else ""
        lines.append(f'| <span data-cc-row data-status="{p.status}" data-partners='
                     f'"{involved_ids(r)}"></span>[{e(p.id)}](../charters/{c.id}/index.md#{p.id})'
                     f" | {e(c.title)} | {e(c.partner(p.by).name)} | "
                     f"{e(', '.join(to_names(c, p)))} | {e(p.text)} | {e(p.owner)} | "
                     f"{p.due or '–'} | {status_badge(p.status)}{flag} |")
    return Markup("\n".join(lines))


def pledge_table(rows: Iterable[PledgeRow], root: str, by: bool = False) -> Markup:
    """A Markdown table of pledges across charters (a partner page has hundreds of rows, so
    this is plain Python rather than a template loop: several times faster, same escaping)."""
    e = text.inline
    lines = [f"| Pledge | Charter | {'By' if by else 'To'} | Commitment | Owner | Due | Status |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        p, c = r.pledge, r.charter
        who = c.partner(p.by).name if by else ", ".join(to_names(c, p))
        flag = OVERDUE_BADGE if r.overdue else ""
        lines.append(f"| [{e(p.id)}]({root}charters/{c.id}/index.md#{p.id}) | {e(c.title)} | "
                     f"{e(who)} | {e(p.text)} | {e(p.owner)} | {p.due or '–'} | "
                     f"{status_badge(p.status)}{flag} |")
    return Markup("\n".join(lines) + "\n")


def by_partner(charters: Sequence[Charter], rows: Iterable[PledgeRow]) -> tuple[
        dict[str, list[PledgeRow]], dict[str, list[PledgeRow]], dict[str, list[Charter]]]:
    """Pledges each partner made and received, and its charters, in one pass (linear)."""
    made: dict[str, list[PledgeRow]] = {}
    received: dict[str, list[PledgeRow]] = {}
    involved: dict[str, list[Charter]] = {}
    for charter in charters:
        for partner in charter.partners:
            made.setdefault(partner.id, [])
            received.setdefault(partner.id, [])
            involved.setdefault(partner.id, []).append(charter)
    for row in rows:
        made[row.pledge.by].append(row)
        for pid in row.charter.recipients(row.pledge):
            received[pid].append(row)
    return made, received, involved


def reaches(charter: Charter, mechanism: Mechanism) -> str:
    if "all" in mechanism.partners:
        return "All partners"
    return ", ".join(charter.partner(pid).name for pid in mechanism.partners)


def measured_by(charter: Charter, metric: Metric) -> list[Pledge]:
    return [p for p in charter.pledges if metric.id in p.metrics]


def percent(progress: float | None) -> str:
    """Progress toward target as a percentage, clamped to 0-100 for display."""
    return "–" if progress is None else f"{round(max(0.0, min(progress, 1.0)) * 100)}%"


def involved_ids(row: PledgeRow) -> str:
    """Space-separated ids of the maker and every recipient, for the register's filter."""
    return " ".join((row.pledge.by, *row.charter.recipients(row.pledge)))


def off_track_metrics(charters: Iterable[Charter], today: dt.date) -> list[tuple[Charter, Metric]]:
    return [(c, m) for c in charters for m in c.metrics if m.track(today) == "off track"]
