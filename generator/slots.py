"""HTML the generator builds itself (pictures, forms, long tables), kept out of Markdown.

Python-Markdown would only pass such HTML through, slowly, and the search plugin would index
its chart labels and radio buttons. So a page's Markdown holds an empty placeholder element
for each piece (or a piece holds the placeholder of the piece after it, `Slots.within`), and
the piece is made after conversion and after search has read the page (`fill`, called by the
plugin as mkdocs-autorefs fixes its links). Charter text cannot make a placeholder:
`generator.text` turns every '<' it holds into a reference.

Without placeholders (`charters render --out`, for other publishers) each piece is written
into the Markdown in its self-contained form instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from markupsafe import Markup

# A link resolver: a generated path under docs/ (with an optional '#anchor') to the URL that
# reaches it from the page being filled.
Link = Callable[[str], str]
# What makes one piece's HTML, given the page's link resolver.
Maker = Callable[[Link], str]

# A placeholder may name the anchor its piece holds: MkDocs reads ids in a page's raw HTML to
# check the links to them.
_PLACEHOLDER = re.compile(r'<(div|span) data-cc-slot="(t?\d+)"(?: id="[^"<>&]*")?></\1>')


@dataclass
class Slots:
    """The pieces of one page, numbered in the order the page places them."""

    placeholders: bool = True
    made: dict[str, Maker] = field(default_factory=dict)

    def block(self, make: Maker, inline: Callable[[], str], *, searchable: bool = False,
              anchor: str | None = None) -> Markup:
        """A block of HTML on lines of its own; `inline` is its self-contained Markdown form.

        A `searchable` block is placed before the search plugin reads the page, the others
        after it. `anchor`: the id of an element in the piece (a validated id), which the
        placeholder declares for MkDocs' check of the page's links to it."""
        if not self.placeholders:
            return Markup(inline())
        named = f' id="{anchor}"' if anchor else ""
        return Markup(f'<div data-cc-slot="{self._add(make, searchable)}"{named}></div>')

    def span(self, make: Maker, inline: Callable[[], str]) -> Markup:
        """HTML inside a line of text or a table cell, placed after search."""
        if not self.placeholders:
            return Markup(inline())
        return Markup(f'<span data-cc-slot="{self._add(make, False)}"></span>')

    def within(self, make: Maker) -> str:
        """The placeholder of a piece placed after search, for another piece's HTML to hold
        (the site only). `fill` does not read again what it places, so the piece holding it
        must be `searchable` (placed first); the plugin refuses a page left with a
        placeholder."""
        return f'<div data-cc-slot="{self._add(make, False)}"></div>'

    def _add(self, make: Maker, searchable: bool) -> str:
        key = f"{'t' if searchable else ''}{len(self.made)}"
        self.made[key] = make
        return key


class Together:
    """Two pieces in one placeholder, one after the other (each raw HTML block costs
    Markdown's conversion, so neighbouring pieces share one)."""

    __slots__ = ("first", "second")

    def __init__(self, first: Maker, second: Maker) -> None:
        self.first, self.second = first, second

    def __call__(self, link: Link) -> str:
        return f"{self.first(link)}\n{self.second(link)}"


def unfilled(html: str) -> bool:
    """Whether a placeholder is left in `html` (charter text cannot write one)."""
    return _PLACEHOLDER.search(html) is not None


def searchable(key: str) -> bool:
    """Whether the piece under `key` is placed before search reads the page."""
    return key.startswith("t")


def fill(html: str, made: Mapping[str, Maker], link: Link) -> str:
    """The page's HTML with the placeholders of the pieces in `made` replaced by them."""
    if not made:
        return html
    return _PLACEHOLDER.sub(lambda m: made[m.group(2)](link) if m.group(2) in made
                            else m.group(0), html)


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
