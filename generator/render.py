"""Charters in, Markdown pages out. Pure: the build date and every input are parameters."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import jinja2
from markupsafe import Markup

from generator import tables, text
from generator.formats import value_text
from generator.model import (
    IN_PERSON_GAP,
    Charter,
    Mechanism,
    Metric,
    Partner,
    PartnerEngagement,
    PerCharter,
    Pledge,
    charters_of_partners,
    times_a_year,
)
from generator.slots import Link, Maker, Slots, Together, figure, inline_svg
from generator.spec import (
    IN_PERSON_MODES,
    MODE_LABELS,
    SECTOR_LABELS,
    STAGE_LABELS,
    STATUS_LABELS,
)
from generator.tables import Cell

# Symbols sit beside the words so status never depends on colour (WCAG 1.4.1).
STATUS_SYMBOLS = {"proposed": "○", "active": "◐", "at-risk": "⚠", "met": "✓", "missed": "✗",
                  "withdrawn": "–"}
TRACK_SYMBOLS = {"met": "✓", "on track": "↗", "off track": "⚠", "no data": "–"}
# After a status or a date that is past: words and a symbol, never colour alone.
OVERDUE_BADGE = Markup(' <span class="cc-badge cc-overdue">⚠ Overdue</span>')
# Rows on one page of a long list (the register, a partner's pledges, the charters): about
# 0.15 MB of HTML, so no page grows with the whole site, and a page changed by one edit is
# quick to make again.
PAGE_ROWS = 200
# Rows in each list on the home page, which summarises and links to the rest.
HOME_ROWS = 20
# Generated pages left out of the search index: forms and history say nothing a reader
# searches for, and would only make every reader's browser download more.
NOT_SEARCHED = "---\nsearch:\n  exclude: true\n---\n\n"


@dataclass(frozen=True)
class Output:
    """One generated file: its content, and the HTML pieces its placeholders stand for."""

    content: str | bytes
    slots: Mapping[str, Maker] = field(default_factory=dict)


@dataclass(frozen=True)
class Planned:
    """One output, the charters it reads (None: all of them), and the call that makes it.

    `place` names what else the output shows: for a page of a list, where it sits (its
    number, how many pages and rows there are) and its rows by what each shows (`RowPrints`),
    so that it changes when an earlier page gains a row or one of its own rows changes."""

    reads: tuple[str, ...] | None
    make: Callable[[], Output]
    place: str = ""


@dataclass(frozen=True)
class Extras:
    """What other parts of the product add to the pages, each optional."""

    # charter id -> the call that renders its self-assessment page's Markdown, with its slots
    self_assessment: Mapping[str, Callable[[Slots], str]] = field(default_factory=dict)
    # charter id -> the call that renders its history page's Markdown
    history: Mapping[str, Callable[[], str]] = field(default_factory=dict)
    # charter id -> {"" or pledge id -> date it last changed}
    last_changed: Mapping[str, Mapping[str, dt.date]] = field(default_factory=dict)
    # charter id -> partner id -> what changed since it signed ([]: nothing; None: unknown)
    since_signed: Mapping[str, Mapping[str, list[str] | None]] = field(default_factory=dict)
    # the site's address when it is set (mkdocs.yml's site_url), for subscribing to feeds
    site_url: str | None = None
    # the call that renders the site-wide "What changed" page, which has Atom feeds beside it
    # and on each charter's and partner's page (None: history is off, so there are none)
    what_changed: Callable[[], str] | None = None
    # how many partners' signatures predate a change, for the health summary (None: unknown)
    stale_signatures: int | None = None
    # charter id -> the version a printed copy is of ("commit 1a2b3c4 of 2026-11-20")
    versions: Mapping[str, str] = field(default_factory=dict)
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
    env.filters["block"] = lambda v, indent="": Markup(text.indent(text.block(v), indent))
    env.filters["id"] = _id
    env.filters["yaml"] = lambda v: Markup(text.yaml_string(v))  # in a page's front matter
    env.filters["status"] = status_badge
    env.filters["raw"] = Markup  # HTML we escaped ourselves, inside a raw HTML block
    env.filters["number"] = number
    env.globals.update(STATUS_LABELS=STATUS_LABELS, STAGES=STAGE_LABELS, SECTORS=SECTOR_LABELS,
                       MODES=MODE_LABELS, IN_PERSON_MODES=IN_PERSON_MODES,
                       TRACK_SYMBOLS=TRACK_SYMBOLS, OVERDUE_BADGE=OVERDUE_BADGE,
                       html_escape=text.html,
                       text_equivalent=text_equivalent)
    return env


def _id(value: str) -> Markup:
    # Ids are validated against the id patterns (letters, digits, - _ .), so they are safe
    # in URLs and anchors; inline() would turn '_' into a reference and break the link.
    return Markup(value)


def text_equivalent(summary: str, sentences: Iterable[str]) -> Markup:
    """A picture's text equivalent, folded away under a summary (one raw HTML block)."""
    items = "".join(f"<li>{text.html(s)}</li>" for s in sentences)
    return Markup(f'<details class="cc-text-equivalent"><summary>{text.html(summary)}</summary>'
                  f"<ul>{items}</ul></details>")


def text_equivalent_of(c: Charter, pictures: Mapping[str, Callable[..., Any]],
                       today: dt.date) -> Callable[..., str]:
    """The engagement map's text equivalent, with the meetings each partner attended, as a
    block of ours (either way out)."""
    return lambda *link: str(text_equivalent("The map in words",
                                             pictures["engagement_text"](c, today)))


def status_badge(status: str) -> Markup:
    """A badge that says the status in words and a symbol, coloured only as a bonus."""
    return Markup(f'<span class="cc-badge cc-status-{status}">{STATUS_SYMBOLS[status]} '
                  f'{STATUS_LABELS[status]}</span>')


def number(value: float | None, unit: str | None = None) -> Markup:
    """A value as people write it (`generator.formats.value_text`), for Markdown."""
    return Markup("–") if value is None else Markup(text.inline(value_text(value, unit)))


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


class RowPrints(PerCharter[str]):
    """What each pledge's row shows (on the register and partners' pages), as a short digest.

    A list page's key names its rows by these, not by whole charters: under `mkdocs serve` an
    edit to one pledge remakes the pages that show it, not every page that lists any pledge of
    its charter. Kept per charter object, which the parse cache keeps while its file is
    unchanged, so a build works out only the edited charters' rows."""

    def of(self, r: PledgeRow) -> str:
        made = self.get(r.charter, r.pledge.id)
        if made is None:
            made = _row_print(r.charter, r.pledge)
            self.put(r.charter, r.pledge.id, made)
        return f"{made}!" if r.overdue else made


def _row_print(c: Charter, p: Pledge) -> str:
    # Everything a row of `p` can show: its charter's id and title, its maker and recipients
    # (names and the order the register's filter lists them in), and the pledge itself.
    names = tuple((x.id, x.name) for x in row_partners(c, p))
    # Not where in its file it is: a line added above a pledge shows on no row.
    unplaced = replace(p, line=0, updates=tuple(
        replace(u, line=0) for u in p.updates))
    shown = repr((c.id, c.title, names, c.recipients(p), unplaced)).encode()
    return hashlib.blake2b(shown, digest_size=8).hexdigest()


def row_partners(c: Charter, p: Pledge) -> Sequence[Partner]:
    """The partners a pledge's row names: its maker and recipients, or for a pledge to all,
    its charter's partners."""
    return c.partners if "all" in p.to else [c.partner(pid) for pid in (p.by, *p.to)]


def needing_update(rows: Iterable[PledgeRow], today: dt.date) -> list[PledgeRow]:
    """At-risk, overdue or missed pledges with no update in the 90 days before `today`."""
    return [r for r in rows if r.pledge.needs_update(today)]


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


def _ours(slots: Slots, made: str) -> Markup:
    """A block of HTML the template wrote (charter text in it escaped), for print and not for
    search: placed after search has read the page, or written as it is."""
    made = str(made)
    return slots.block(lambda link: made, lambda: made)


def _page(template: str, placeholders: bool, *, headings: bool = False, **context: Any
          ) -> Callable[[], Output]:
    """The call that renders one template into an Output, with its own slots (and with
    `headings`, its pledges' headings among them: see `pledge_blocks`)."""
    compiled = environment().get_template(template)

    def make() -> Output:
        slots = Slots(placeholders)
        markdown = compiled.render(
            slots=slots, picture=functools.partial(_picture, slots, context["extras"].pictures),
            pledge_table=functools.partial(pledge_table, slots),
            register_table=functools.partial(register_table, slots),
            pledge_blocks=functools.partial(pledge_blocks, slots, headings and placeholders),
            table=functools.partial(tables.table, slots),
            bullets=functools.partial(tables.bullets, slots), ours=functools.partial(_ours, slots),
            **context)
        return Output(markdown, slots.made)
    return make


def _picture(slots: Slots, pictures: Mapping[str, Callable[..., str]], name: str, *args: Any,
             inline: bool = False, **kwargs: Any) -> Markup:
    draw = pictures.get(name)
    if draw is None:
        return Markup("–") if inline else Markup("")
    if inline:
        return slots.span(lambda link: draw(*args, **kwargs),
                          lambda: inline_svg(draw(*args, **kwargs)))
    return slots.block(lambda link: figure(draw(*args, **kwargs)),
                       lambda: figure(draw(*args, **kwargs)))


def pages_of(rows: Sequence[Any], size: int | None = None) -> list[Sequence[Any]]:
    """A long list cut into pages of at most `size` rows (PAGE_ROWS); an empty list is one
    empty page."""
    size = size or PAGE_ROWS
    return [rows[i:i + size] for i in range(0, len(rows), size)] or [rows[:0]]


def _by_urgency(rows: Iterable[PledgeRow]) -> list[PledgeRow]:
    """A partner's pledges, overdue first and then by due date."""
    return sorted(rows, key=lambda r: r.sort_key)


def _first_overdue(ordered: Sequence[PledgeRow]) -> list[PledgeRow]:
    # The most overdue, a few (`ordered` by urgency puts them first): the lists below have
    # every one.
    return [r for r in ordered[:HOME_ROWS] if r.overdue]


def page_path(folder: str, first: str, name: str, number: int) -> str:
    """Page `number` (from 1) of a list: `folder/first.md`, then `folder/name_2.md`, ...

    The underscore keeps these apart from charter and partner ids, which never hold one."""
    return f"{folder}/{first}.md" if number == 1 else f"{folder}/{name}_{number}.md"


def pager(folder: str, first: str, name: str, number: int, total: int) -> Markup:
    """'Page 2 of 5' with a link to every page of the list."""
    if total == 1:
        return Markup("")
    here = page_path(folder, first, name, number)
    links = [f"**{n}**" if n == number
             else f"[{n}]({_relative(page_path(folder, first, name, n), here)})"
             for n in range(1, total + 1)]
    return Markup(f"Page {number} of {total}: {' · '.join(links)}")


def _relative(target: str, here: str) -> str:
    """A Markdown link from the page at `here` to the page at `target`, both under docs/."""
    up = here.count("/")
    return "../" * up + target


def site_plan(charters: Sequence[Charter], today: dt.date, extras: Extras = Extras(), *,
              placeholders: bool = True, headings: bool = False, problems: Sequence[str] = (),
              prints: RowPrints | None = None) -> dict[str, Planned]:
    """Every generated page's path, the charters it reads, and the call that renders it.

    Listing the pages is cheap and rendering them is not: a publisher lists them all, and
    renders only those whose inputs changed since it last did (see `generator.publish`).
    With `placeholders`, pictures, forms and long tables are left out of the Markdown and made
    after conversion (`generator.slots`); without, every page is self-contained. With
    `headings` too, so are the pledges' headings and status badges (`pledge_blocks`).
    `prints` keeps what rows show between builds (see `RowPrints`).
    """
    rows = pledge_rows(charters, today)
    shown = (prints or RowPrints()).of
    partners = partner_directory(charters)
    common: dict[str, Any] = {"today": today, "extras": extras, "to_names": to_names,
              "status_counts": status_counts, "reaches": reaches, "measured_by": measured_by,
              "percent": percent, "off_track_metrics": off_track_metrics,
              "partner_link": partner_link, "pager": pager, "partner_rows": partner_rows,
              "mechanism_rows": mechanism_rows, "metric_rows": metric_rows,
              "measurement_rows": measurement_rows, "text_equivalent_of": text_equivalent_of,
              "track_text": track_text, "measurement_headers": measurement_headers,
              "charter_rows": charter_rows, "directory_rows": directory_rows,
              "counts_text": counts_text,
              "later": functools.partial,
              "partners_of": partners_of, "charters_to_all": charters_to_all,
              "needing_update": needing_update, "engagement_rows": engagement_rows,
              "meeting_rows": meeting_rows, "not_met_in_person": not_met_in_person,
              "partner_engagement_rows": partner_engagement_rows,
              "health_lists": health_lists, "to_all_items": to_all_items,
              "HOME_ROWS": HOME_ROWS}
    made, received, to_all, involved = by_partner(charters, rows)
    plan: dict[str, Planned] = {}
    for charter in charters:
        own: dict[str, list[Pledge]] = {}
        for pledge in charter.pledges:
            own.setdefault(pledge.by, []).append(pledge)
        plan[f"charters/{charter.id}/index.md"] = Planned((charter.id,), _page(
            "charter.md.j2", placeholders, headings=headings, c=charter, own=own,
            overdue={p.id for p in charter.pledges if p.is_overdue(today)},
            changed=extras.last_changed.get(charter.id, {}), **common))
        if charter.id in extras.self_assessment:
            plan[f"charters/{charter.id}/self-assessment.md"] = Planned(
                (charter.id,), _self_assessment(extras.self_assessment[charter.id], placeholders))
        if charter.id in extras.history:
            plan[f"charters/{charter.id}/history.md"] = Planned(
                (charter.id,), _plain(extras.history[charter.id], NOT_SEARCHED))
    for pid, partner in partners.items():
        made_ordered, received_ordered = _by_urgency(made[pid]), _by_urgency(received[pid])
        made_pages, received_pages = pages_of(made_ordered), pages_of(received_ordered)
        folder = f"partners/{pid}"
        # Its rows are named by what they show (`_place`); it reads whole charters only for
        # the partner itself (its first charter) and the engagement logs.
        overdue_made = _first_overdue(made_ordered)
        overdue_received = _first_overdue(received_ordered)
        overdue_counts = (sum(r.overdue for r in made[pid]), sum(r.overdue for r in received[pid]))
        shows = (involved[pid][0].id, *(c.id for c in involved[pid][1:] if c.meetings))
        place = "|".join((
            repr(([(c.id, c.title) for c in involved[pid][:HOME_ROWS]], len(involved[pid]),
                  [(c.id, c.title, n) for c, n in to_all[pid]], len(made_pages),
                  len(received_pages), overdue_counts)),
            _place(overdue_made, 0, 0, len(made[pid]), shown),
            _place(overdue_received, 0, 0, len(received[pid]), shown),
            _place(made_pages[0], 1, 0, 0, shown), _place(received_pages[0], 1, 0, 0, shown)))
        plan[f"{folder}/index.md"] = Planned(shows, _page(
            "partner.md.j2", placeholders, partner=partner, made=made_pages[0],
            received=received_pages[0], made_pages=len(made_pages),
            received_pages=len(received_pages), to_all=to_all[pid],
            overdue_made=overdue_made, overdue_received=overdue_received,
            overdue_counts=overdue_counts, charters=involved[pid], **common), place)
        for kind, chunks in (("made", made_pages), ("received", received_pages)):
            for number, part in enumerate(chunks[1:], 2):
                # Such a page reads the charter the partner's name comes from, and its rows by
                # what they show: a save remakes only the page that shows the pledge.
                plan[page_path(folder, "index", kind, number)] = Planned(
                    (involved[pid][0].id,), _page(
                        "partner-more.md.j2", placeholders, partner=partner, kind=kind,
                        rows=part, number=number, total=len(chunks), folder=folder, **common),
                    _place(part, number, len(chunks), len(made[pid] if kind == "made"
                                                          else received[pid]), shown))
    # The pages that read every charter.
    if extras.what_changed is not None:  # repeats the history pages: left out of search too
        plan["changes.md"] = Planned(None, _plain(extras.what_changed, NOT_SEARCHED))
    plan["index.md"] = Planned(None, _page(
            "home.md.j2", placeholders, problems=problems,
                                           charters=charters, rows=rows, **common))
    charter_pages = pages_of(list(charters))
    for number, chunk in enumerate(charter_pages, 1):
        # Named by the rows it shows (a few cells each), not the charters it lists.
        plan[page_path("charters", "index", "page", number)] = Planned((), _page(
            "charters.md.j2", placeholders, charters=chunk, number=number,
            total=len(charter_pages), count=len(charters), **common),
            f"{number}/{len(charter_pages)}/{len(charters)}:{charter_rows(chunk, today)!r}")
    partner_pages = pages_of(list(partners.items()))
    for number, chunk in enumerate(partner_pages, 1):
        plan[page_path("partners", "index", "page", number)] = Planned((), _page(
            "partners.md.j2", placeholders, partners=dict(chunk),
            involved=involved, number=number, total=len(partner_pages),
            count=len(partners), **common),
            f"{number}/{len(partner_pages)}/{len(partners)}:"
            f"{directory_rows(dict(chunk), involved)!r}")
    register = pages_of(sorted(rows, key=lambda r: (r.charter.id, r.pledge.id)))
    for number, chunk in enumerate(register, 1):
        plan[page_path("pledges", "index", "page", number)] = Planned((), _page(
            "register.md.j2", placeholders, rows=chunk, number=number,
            total=len(register), count=len(rows), **common),
            _place(chunk, number, len(register), len(rows), shown))
    return plan


def _place(rows: Iterable[PledgeRow], number: int, total: int, count: int,
           shown: Callable[[PledgeRow], str]) -> str:
    # A page of a list: its number, the list's pages and rows, and the rows it holds, each by
    # what it shows.
    return f"{number}/{total}/{count}:" + ",".join(
        f"{r.charter.id}#{r.pledge.id}={shown(r)}" for r in rows)


def _self_assessment(render: Callable[[Slots], str], placeholders: bool
                     ) -> Callable[[], Output]:
    def make() -> Output:
        slots = Slots(placeholders)
        return Output(NOT_SEARCHED + render(slots), slots.made)
    return make


def _plain(render: Callable[[], str], head: str = "") -> Callable[[], Output]:
    return lambda: Output(head + render())


def partner_link(partner: Partner, root: str) -> Markup:
    return Markup(f"[{text.inline(partner.name)}]({root}partners/{partner.id}/index.md)")


def pledge_blocks(slots: Slots, headings: bool, c: Charter, pledges: Sequence[Pledge],
                  overdue: Container[str], changed: Mapping[str, dt.date], root: str,
                  today: dt.date) -> Markup:
    """Pledges on their charter's page, each under a heading whose anchor is its id.

    Plain Python rather than a macro: a charter page has dozens of pledges, and this is the
    hottest part of rendering. Each pledge's facts are a searchable list placed after
    conversion. With `headings`, so are its heading and status badge, written as the site's
    Markdown would write them (`pledge_heading`), and one placeholder holds a pledge's facts
    and the next one's heading (each raw HTML block costs conversion): Markdown then reads
    only the pledges' own text."""
    lines: list[str] = []
    before: Maker | None = None  # the facts of the pledge above, still to be placed
    for pledge in pledges:
        due = pledge.id in overdue
        if headings and any(ch.isupper() for ch in pledge.id):
            # Made when placed (a site holds thousands until then). Only an id with a
            # capital letter, which no heading's slug can take: Markdown's toc, which does
            # not see a placed heading, could otherwise give another heading the same id.
            head: Maker = functools.partial(_pledge_head, pledge.id, pledge.status, due)
            if before is not None:
                head = Together(before, head)
            lines += [slots.block(head, _nothing, searchable=True, anchor=pledge.id), ""]
        else:
            if before is not None:
                lines += [slots.block(before, _nothing, searchable=True), ""]
            lines += [pledge_heading_markdown(pledge.id), "", _badges(pledge.status, due), ""]
        before = None
        facts = functools.partial(_pledge_facts, c, pledge, due, changed.get(pledge.id), today)
        lines += [text.block(pledge.text), ""]
        # Who made it and who owns it are searched for; the rest is placed after search reads
        # the page, which keeps the index small (two lists that read as one).
        if headings and slots.placeholders and not pledge.updates:
            before = tables.fact_lists(slots, facts, _SEARCHED)
        else:
            lines += [tables.facts(slots, facts, _SEARCHED, root), ""]
        if pledge.updates:
            lines += ["**All updates**", "", *update_lines(pledge)]
    if before is not None:
        lines += [slots.block(before, _nothing, searchable=True), ""]
    return Markup("\n".join(lines))


def pledge_heading_markdown(pledge_id: str) -> str:
    """A pledge's heading in Markdown: its id, which is also its anchor."""
    return f"#### {text.inline(pledge_id)} {{ #{pledge_id} .cc-pledge }}"


def pledge_heading(pledge_id: str) -> str:
    """The HTML that Python-Markdown's toc extension (with `permalink: true`) writes for
    `pledge_heading_markdown`; the plugin places pledge headings as this only where the
    site's Markdown configuration writes the same (`generator.plugin`)."""
    return (f'<h4 class="cc-pledge" id="{pledge_id}">{text.inline(pledge_id)}<a '
            f'class="headerlink" href="#{pledge_id}" title="Permanent link">&para;</a></h4>')


def _badges(status: str, overdue: bool) -> str:
    return f"{status_badge(status)}{OVERDUE_BADGE if overdue else ''}"


def _pledge_head(pledge_id: str, status: str, overdue: bool, link: Link) -> str:
    return f"{pledge_heading(pledge_id)}\n<p>{_badges(status, overdue)}</p>"


def _nothing() -> str:
    return ""


def update_lines(pledge: Pledge) -> list[str]:
    """A pledge's updates as a Markdown list, oldest first, each with what it changed."""
    out = []
    for u in pledge.updates:
        changes = []
        if u.status:
            changes.append(f"status {STATUS_LABELS[u.status]}")
        if u.due:
            changes.append(f"due moved from {u.previous_due} to {u.due}"
                           + (f": {text.inline(u.reason)}" if u.reason else ""))
        head = f"- **{u.date}**" + (f" ({'; '.join(changes)})" if changes else "")
        out += [head, ""] + ["    " + line if line else "" for line in
                             text.block(u.text).splitlines()] + [""]
    return out


def _one_line(value: str) -> str:
    return " ".join(value.split())


def latest_update_text(pledge: Pledge) -> str | None:
    """'2026-08-15: What happened.' for the latest update, as plain text, or None."""
    u = pledge.latest_update
    return None if u is None else f"{u.date}: {_one_line(u.text)}"


def due_text(pledge: Pledge) -> str:
    """'2026-12-01', or 'due 2026-09-01, revised to 2026-12-01 on 2026-08-15' once moved."""
    if pledge.due is None:
        return "no due date"
    revised = pledge.due_revised_on
    if revised is None or pledge.original_due is None:
        return str(pledge.due)
    return f"{pledge.original_due}, revised to {pledge.due} on {revised}"


_SEARCHED = ("By", "Owner")


def _pledge_facts(c: Charter, pledge: Pledge, overdue: bool, changed: dt.date | None,
                  today: dt.date) -> tables.Facts:
    to = ([Cell("All partners")] if "all" in pledge.to else
          [Cell(c.partner(pid).name, f"partners/{pid}/index.md") for pid in pledge.to])
    due = due_text(pledge)
    if overdue and pledge.due is not None:
        due += f" (overdue by {(today - pledge.due).days} days)"
    items: list[tuple[str, Sequence[Cell]]] = [
        ("By", [Cell(c.partner(pledge.by).name, f"partners/{pledge.by}/index.md")]),
        ("Owner", [Cell(pledge.owner)]), ("To", to), ("Due", [Cell(due)])]
    latest = latest_update_text(pledge)
    if latest:
        items.append(("Latest update", [Cell(latest)]))
    if pledge.metrics:
        items.append(("Measured by", [Cell(c.metric(mid).name,
                                           f"charters/{c.id}/index.md#metric-{mid}")
                                      for mid in pledge.metrics]))
    if changed:
        items.append(("Last changed", [Cell(str(changed))]))
    return items


def _pledge_cells(r: PledgeRow, columns: Sequence[str], marker: bool) -> list[Cell]:
    p, c = r.pledge, r.charter
    flag = OVERDUE_BADGE if r.overdue else ""
    values = {
        "Pledge": Cell(p.id, f"charters/{c.id}/index.md#{p.id}",
                       before=_filter_marker(r) if marker else ""),
        "Charter": Cell(c.title),
        "By": Cell(c.partner(p.by).name),
        "To": Cell(", ".join(to_names(c, p))),
        "Commitment": Cell(p.text, note=_latest_note(p)),
        "Owner": Cell(p.owner),
        "Due": Cell(_due_cell(p)),
        "Status": Cell(html=str(status_badge(p.status) + flag)),
    }
    return [values[name] for name in columns]


def _latest_note(p: Pledge) -> str:
    latest = latest_update_text(p)
    return f"Latest update {latest}" if latest else ""


def _due_cell(p: Pledge) -> str:
    return "–" if p.due is None else due_text(p)


def _filter_marker(r: PledgeRow) -> str:
    # What the register's filter script reads: the status, the maker and named recipients,
    # and for a pledge to all the charter, whose partners the page lists once.
    p = r.pledge
    named = " ".join((p.by, *(() if "all" in p.to else r.charter.recipients(p))))
    everyone = f' data-all="{r.charter.id}"' if "all" in p.to else ""
    return f'<span data-cc-row data-status="{p.status}" data-partners="{named}"{everyone}></span>'


REGISTER_COLUMNS = ("Pledge", "Charter", "By", "To", "Commitment", "Owner", "Due", "Status")


def register_table(slots: Slots, rows: Sequence[PledgeRow], root: str) -> Markup:
    """The register: each row marked with what its filter script reads."""
    return tables.table(slots, REGISTER_COLUMNS,
                        lambda: [_pledge_cells(r, REGISTER_COLUMNS, True) for r in rows], root)


def pledge_table(slots: Slots, rows: Sequence[PledgeRow], root: str, by: bool = False
                 ) -> Markup:
    """A table of pledges across charters, on a partner's page."""
    columns = ("Pledge", "Charter", "By" if by else "To", "Commitment", "Owner", "Due", "Status")
    return tables.table(slots, columns,
                        lambda: [_pledge_cells(r, columns, False) for r in rows], root)


def partner_rows(c: Charter, since: Mapping[str, list[str] | None]) -> list[list[Cell]]:
    """The charter's partners: who, what sector, its lead, and whether it has signed, and
    what changed since (a signature belongs to the version it signed)."""
    return [[Cell(p.name + (" (hub)" if p.id == c.hub else ""), f"partners/{p.id}/index.md"),
             Cell(SECTOR_LABELS[p.sector] if p.sector else "–"), Cell(p.lead or "–"),
             _signed(p, since.get(p.id))] for p in c.partners]


def _signed(p: Partner, since: list[str] | None) -> Cell:
    if p.signed is None:
        return Cell(html='<span class="cc-badge cc-unsigned">✗ Not signed</span>')
    if not since:
        return Cell(f"✓ signed {p.signed}")
    return Cell(f"signed {p.signed}; since then: {', '.join(since)}",
                html=' <span class="cc-badge cc-stale-signature">⚠ Predates changes</span>')


def charter_rows(charters: Iterable[Charter], today: dt.date) -> list[list[Cell]]:
    """The list of charters: each with its stage, partners, pledges and next health check."""
    return [[Cell(c.title, f"charters/{c.id}/index.md"),
             Cell(c.stage.capitalize() if c.stage else "–"), Cell(str(len(c.partners))),
             Cell(counts_text(c.pledges)),
             Cell(str(c.review_by) if c.review_by else "–",
                  html=OVERDUE_BADGE if c.is_past_review(today) else "")]
            for c in charters]


def directory_rows(partners: Mapping[str, Partner], involved: Mapping[str, Sequence[Charter]]
                   ) -> list[list[Cell]]:
    """The list of partners: each with its sector and how many charters it is in."""
    return [[Cell(p.name, f"partners/{pid}/index.md"),
             Cell(SECTOR_LABELS[p.sector] if p.sector else "–"), Cell(str(len(involved[pid])))]
            for pid, p in partners.items()]


def counts_text(pledges: Iterable[Pledge]) -> str:
    """'2 active · 1 met', or 'none'."""
    return " · ".join(f"{n} {STATUS_LABELS[s].lower()}"
                      for s, n in status_counts(pledges).items()) or "none"


def mechanism_rows(c: Charter, today: dt.date | None = None) -> list[list[Cell]]:
    """How the partners meet: in person first, as the practice holds nothing replaces it.
    With `today`, how often each met in the 12 months to then, against its frequency."""
    rows = []
    for m in c.engagement.mechanisms:
        mode = (Cell(html=f'<span class="cc-badge cc-in-person">In person: '
                          f"{text.html(MODE_LABELS[m.mode].lower())}</span>")
                if m.mode in IN_PERSON_MODES else Cell(MODE_LABELS[m.mode]))
        row = [Cell(m.name), mode, Cell(m.frequency or "–"), Cell(reaches(c, m))]
        if today is not None:
            row.append(Cell(held_text(c, m, today)))
        rows.append(row)
    return rows


def held_text(c: Charter, m: Mechanism, today: dt.date) -> str:
    """'3 times; its frequency means 4' or '2 times'."""
    held = c.held(m, today)
    said = f"{held} time{'s' * (held != 1)}"
    expected = times_a_year(m.frequency)
    return said if expected is None else f"{said}; its frequency means {expected}"


def engagement_rows(c: Charter, today: dt.date) -> list[list[Cell]]:
    """Each partner's engagement, from the log: last in person, attended, hosted."""
    return [[Cell(p.name, f"partners/{p.id}/index.md"),
             *_engagement_cells(c.engagement_of(p.id, today), today)] for p in c.partners]


def partner_engagement_rows(partner_id: str, charters: Iterable[Charter], today: dt.date
                            ) -> list[list[Cell]]:
    """One partner's engagement in each charter that keeps a log, for its own page."""
    return [[Cell(c.title, f"charters/{c.id}/index.md#meetings"),
             *_engagement_cells(c.engagement_of(partner_id, today), today)]
            for c in charters if c.meetings]


def _engagement_cells(e: PartnerEngagement, today: dt.date) -> list[Cell]:
    share = (f"{e.attended} of {e.expected} ({round(100 * e.attended / e.expected)}%)"
             if e.expected else "none held")
    last = str(e.last_in_person) if e.last_in_person else "not in the log"
    gap = e.last_in_person is None or today - e.last_in_person > IN_PERSON_GAP
    flag = ' <span class="cc-badge cc-overdue">⚠ Over six months</span>' if gap else ""
    return [Cell(last, html=flag), Cell(share), Cell(str(e.hosted))]


def meeting_rows(c: Charter) -> list[list[Cell]]:
    """The engagement log, newest first."""
    return [[Cell(str(m.date)), Cell(m.mechanism), Cell(MODE_LABELS[m.mode]),
             Cell(c.partner(m.host).name if m.host else "–"),
             Cell(", ".join(c.partner(pid).name for pid in m.attended)), Cell(m.note or "")]
            for m in reversed(c.meetings)]


def not_met_in_person(charters: Iterable[Charter], today: dt.date
                      ) -> list[tuple[Charter, PartnerEngagement]]:
    """Partners of charters that keep an engagement log, not met in person for six months."""
    return [(c, e) for c in charters for e in c.not_met_in_person(today)]


def metric_rows(c: Charter, today: dt.date, pictures: Mapping[str, Callable[..., str]]
                ) -> list[list[Cell]]:
    """Each metric: where it started, stands and aims, and whether it is on track."""
    rows = []
    for m in c.metrics:
        latest, track = m.latest, m.track(today)
        spark = pictures.get("sparkline")
        rows.append([
            Cell(m.name, f"charters/{c.id}/index.md#metric-{m.id}"),
            Cell(_value(m.baseline, m.unit)),
            Cell(f"{_value(latest.value, m.unit)} ({latest.date})" if latest else "–"),
            Cell(_value(m.target, m.unit)), Cell(percent(m.progress())),
            Cell(html=f'<span class="cc-badge cc-track-{track.replace(" ", "-")}">'
                      f"{TRACK_SYMBOLS[track]} {track.capitalize()}</span>"),
            Cell(svg=functools.partial(spark, m, scope=c.id)) if spark else Cell("–")])
    return rows


def track_text(m: Metric, today: dt.date) -> str:
    """Why the metric's badge says what it says, in words, by the rule the badge uses:
    '66% is 47% of the way from 58% to 75%, with 60% of the time to 2027-09-01 gone:
    off track.'"""
    track, elapsed = m.judgement(today)
    latest, progress = m.latest, m.progress()
    if latest is None:
        return "No measurements yet."
    now = value_text(latest.value, m.unit)
    if m.target is None:
        return f"{now} on {latest.date}; no target is set to judge it against."
    target = value_text(m.target, m.unit)
    if track == "met":
        return f"{now} has reached the target of {target}: met."
    if progress is None or m.baseline is None:
        if len(m.measurements) < 2:
            return f"{now} is the only measurement and there is no baseline: no movement yet."
        first = value_text(m.measurements[0].value, m.unit)
        better = "better" if track == "on track" else "no better"
        return f"{now} is {better} than the first measurement, {first}: {track}."
    base = value_text(m.baseline, m.unit)
    if progress < 0:
        way = f"{now} is further from {target} than the baseline, {base}"
    else:
        way = f"{now} is {percent(progress)} of the way from {base} to {target}"
    if elapsed is not None:
        return f"{way}, with {percent(elapsed)} of the time to {m.target_date} gone: {track}."
    if progress < 0:
        return f"{way}: {track}."
    moved = "better" if track == "on track" else "no better"
    return f"{way}, {moved} than the baseline: {track}."


def measurement_headers(m: Metric) -> list[str]:
    """The measurements table's columns: a note or a source only when one is given."""
    return ["Date", "Value", *(["Note"] if any(x.note for x in m.measurements) else []),
            *(["Source"] if any(x.source for x in m.measurements) else [])]


def measurement_rows(m: Metric) -> list[list[Cell]]:
    """Each measurement, with what lies behind it and where it comes from."""
    notes, sources = (any(x.note for x in m.measurements),
                      any(x.source for x in m.measurements))
    return [[Cell(str(x.date)), Cell(_value(x.value, m.unit)),
             *([Cell(x.note or "")] if notes else []),
             *([Cell(x.source or "")] if sources else [])] for x in m.measurements]


def _value(value: float | None, unit: str | None) -> str:
    return "–" if value is None else value_text(value, unit)


def partners_of(rows: Iterable[PledgeRow]) -> list[Partner]:
    """The partners a list of pledges involves, by name: for a filter over those rows."""
    found: dict[str, Partner] = {}
    for r in rows:
        for partner in row_partners(r.charter, r.pledge):
            found.setdefault(partner.id, partner)
    return sorted(found.values(), key=lambda p: (p.name.lower(), p.id))


def health_lists(rows: Iterable[PledgeRow]) -> tuple[list[PledgeRow], list[PledgeRow],
                                                     list[PledgeRow]]:
    """The pledges overdue, those at risk and not overdue, and those missed, in one pass (the
    home page's summary reads every pledge of the site)."""
    overdue: list[PledgeRow] = []
    at_risk: list[PledgeRow] = []
    missed: list[PledgeRow] = []
    for r in rows:
        status = r.pledge.status
        if r.overdue:
            overdue.append(r)
        elif status == "at-risk":
            at_risk.append(r)
        if status == "missed":
            missed.append(r)
    return overdue, at_risk, missed


def to_all_items(to_all: Iterable[tuple[Charter, int]]) -> list[list[Cell]]:
    """A partner's charters with pledges to all their partners, and how many, as list items."""
    return [[Cell(c.title, link=f"charters/{c.id}/index.md#pledges",
                  html=f": {n} pledge{'s' if n != 1 else ''} to all partners")]
            for c, n in to_all]


def charters_to_all(rows: Iterable[PledgeRow]) -> list[Charter]:
    """The charters with a pledge to all partners among `rows`, each once."""
    return list({r.charter.id: r.charter for r in rows if "all" in r.pledge.to}.values())


def by_partner(charters: Sequence[Charter], rows: Iterable[PledgeRow]) -> tuple[
        dict[str, list[PledgeRow]], dict[str, list[PledgeRow]],
        dict[str, list[tuple[Charter, int]]], dict[str, list[Charter]]]:
    """Per partner, in one pass: the pledges it made, those made to it by name, how many each
    charter made to all its partners (listed once per charter, not once per partner: the
    pages stay linear in the charters' size), and its charters."""
    involved = charters_of_partners(charters)
    made: dict[str, list[PledgeRow]] = {pid: [] for pid in involved}
    received: dict[str, list[PledgeRow]] = {pid: [] for pid in involved}
    to_all: dict[str, list[tuple[Charter, int]]] = {pid: [] for pid in involved}
    for charter in charters:
        everyone = [p.by for p in charter.pledges if "all" in p.to]
        if everyone:
            own = {pid: everyone.count(pid) for pid in set(everyone)}
            for partner in charter.partners:
                if len(everyone) > own.get(partner.id, 0):  # a partner owes itself nothing
                    to_all[partner.id].append((charter, len(everyone) - own.get(partner.id, 0)))
    for row in rows:
        made[row.pledge.by].append(row)
        if "all" not in row.pledge.to:
            for pid in row.charter.recipients(row.pledge):
                received[pid].append(row)
    return made, received, to_all, involved


def reaches(charter: Charter, mechanism: Mechanism) -> str:
    if "all" in mechanism.partners:
        return "All partners"
    return ", ".join(charter.partner(pid).name for pid in mechanism.partners)


def measured_by(charter: Charter, metric: Metric) -> list[Pledge]:
    return [p for p in charter.pledges if metric.id in p.metrics]


def percent(progress: float | None) -> str:
    """Progress toward target as a percentage, clamped to 0-100 for display."""
    return "–" if progress is None else f"{round(max(0.0, min(progress, 1.0)) * 100)}%"


def off_track_metrics(charters: Iterable[Charter], today: dt.date) -> list[tuple[Charter, Metric]]:
    return [(c, m) for c in charters for m in c.metrics if m.track(today) == "off track"]
