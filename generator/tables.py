"""Tables and lists of facts, written once and published two ways.

On the site they are HTML that `generator.slots` places after conversion: Python-Markdown
never parses their cells, which are most of a charter's or a register's page, and MkDocs never
resolves their links one by one. For `charters render --out` the same cells are Markdown.
A cell's text is charter text: escaped by `generator.text` on either way out.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Sequence
from dataclasses import dataclass

from markupsafe import Markup

from generator import text
from generator.slots import Link, Maker, Slots, inline_svg


@dataclass(frozen=True)
class Cell:
    """One cell: text shown as typed, optionally a link, then HTML of ours and a picture."""

    text: str = ""
    # A generated page's path under docs/, with an optional '#anchor'.
    link: str | None = None
    html: str = ""  # our own markup after the text (a badge)
    before: str = ""  # our own markup before it (what a filter script reads)
    svg: Callable[[], str] | None = None  # a picture after it, drawn when published
    note: str = ""  # a second line of text, shown as typed below the rest (a latest update)


def _markdown_cell(cell: Cell, root: str) -> str:
    shown = text.inline(cell.text) if cell.text else ""
    if cell.link:
        shown = f"[{shown}]({root}{cell.link})"
    picture = str(inline_svg(cell.svg())) if cell.svg else ""
    return cell.before + shown + cell.html + picture + _note(cell.note, text.inline)


def _html_cell(cell: Cell, link: Link) -> str:
    shown = text.html(cell.text)
    if cell.link:
        shown = f'<a href="{text.html(link(cell.link))}">{shown}</a>'
    return (cell.before + shown + cell.html + (cell.svg() if cell.svg else "")
            + _note(cell.note, text.html))


def _note(note: str, escape: Callable[[str], str]) -> str:
    # Escaped for where it goes: Markdown (inline HTML's text is still Markdown) or HTML.
    return f'<br><span class="cc-cell-note">{escape(note)}</span>' if note else ""


Rows = Sequence[Sequence[Cell]]


def table(slots: Slots, headers: Sequence[str], rows: Rows | Callable[[], Rows], root: str, *,
          searchable: bool = False) -> Markup:
    """A table: HTML placed after conversion, or a Markdown table for other publishers.

    `searchable` tables are placed before the search plugin reads the page. Given as a call,
    the rows are made only when the table is: a build does not hold every table's cells."""

    def markdown() -> str:
        made = rows() if callable(rows) else rows
        lines = ["| " + " | ".join(headers) + " |", "| " + " | ".join("---" for _ in headers)
                 + " |"]
        lines += ["| " + " | ".join(_markdown_cell(c, root) for c in row) + " |" for row in made]
        return "\n".join(lines) + "\n"

    def html(link: Link) -> str:
        made = rows() if callable(rows) else rows
        head = "".join(f'<th scope="col">{text.html(h)}</th>' for h in headers)
        body = "\n".join("<tr>" + "".join(f"<td>{_html_cell(c, link)}</td>" for c in row)
                         + "</tr>" for row in made)
        return f"<table>\n<thead>\n<tr>{head}</tr>\n</thead>\n<tbody>\n{body}\n</tbody>\n</table>"

    return slots.block(html, markdown, searchable=searchable)


def bullets(slots: Slots, items: Callable[[], Rows], root: str) -> Markup:
    """A bulleted list, each item its cells one after the other: HTML placed before search
    reads the page (a long list of links costs Markdown a lookup of each), or Markdown for
    other publishers."""

    def markdown() -> str:
        return "\n".join("- " + "".join(_markdown_cell(c, root) for c in item)
                         for item in items())

    def html(link: Link) -> str:
        body = "".join("<li>" + "".join(_html_cell(c, link) for c in item) + "</li>\n"
                       for item in items())
        return f"<ul>\n{body}</ul>"

    return slots.block(html, markdown, searchable=True)


Facts = Sequence[tuple[str, Sequence[Cell]]]


class _FactList:
    """One of the two lists (`first`: the facts whose label is in `labels`; else the others),
    as HTML made when the page is filled, followed by `then` (the second list's placeholder,
    which the first brings). A charter page holds one pair per pledge until it is built, so
    this is a small object, not a nest of closures."""

    __slots__ = ("first", "items", "labels", "then")

    def __init__(self, items: Callable[[], Facts], labels: Container[str], first: bool,
                 then: str = "") -> None:
        self.items, self.labels, self.first, self.then = items, labels, first, then

    def __call__(self, link: Link) -> str:
        shown = "\n".join(
            f"<li><strong>{label}:</strong> " + ", ".join(_html_cell(c, link) for c in cells)
            + "</li>" for label, cells in self.items() if (label in self.labels) == self.first)
        made = f'<ul class="cc-facts-list">\n{shown}\n</ul>'
        return f"{made}\n{self.then}" if self.then else made


def _none() -> str:
    return ""


def facts(slots: Slots, items: Callable[[], Facts], searched: Container[str], root: str
          ) -> Markup:
    """Two lists of labelled facts that read as one ('By: …', 'Owner: …', then 'Due: …'),
    made when they are placed: those `searched` by label before the search plugin reads the
    page, the rest after it. One placeholder holds both (each raw HTML block costs
    conversion): the first list brings the second's placeholder with it."""
    if not slots.placeholders:
        made = items()
        return Markup("\n\n".join("\n".join(
            f"- **{label}:** " + ", ".join(_markdown_cell(c, root) for c in cells)
            for label, cells in made if (label in searched) == first) + "\n"
            for first in (True, False)))
    return slots.block(fact_lists(slots, items, searched), _none, searchable=True)


def fact_lists(slots: Slots, items: Callable[[], Facts], searched: Container[str]) -> Maker:
    """The two lists of `facts` as one piece, for a placeholder of the caller's (the site only):
    the first list, bringing the second's placeholder with it."""
    later = slots.within(_FactList(items, searched, False))
    return _FactList(items, searched, True, later)
