"""HTML the generator builds itself (pictures, forms, long tables), kept out of Markdown.

Python-Markdown would only pass such HTML through, slowly, and the search plugin would index
its chart labels and radio buttons. So a page's Markdown holds an empty placeholder element
for each piece, and the piece is made after conversion and after search has read the page
(`fill`, called by the plugin as mkdocs-autorefs fixes its links). Charter text cannot make a
placeholder: `generator.text` turns every '<' it holds into a reference.

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

_PLACEHOLDER = re.compile(r'<(div|span) data-cc-slot="(\d+)"></\1>')


@dataclass
class Slots:
    """The pieces of one page, numbered in the order the page places them."""

    placeholders: bool = True
    made: dict[str, Maker] = field(default_factory=dict)

    def block(self, make: Maker, inline: Callable[[], str]) -> Markup:
        """A block of HTML on lines of its own; `inline` is its self-contained Markdown form."""
        if not self.placeholders:
            return Markup(inline())
        return Markup(f'<div data-cc-slot="{self._add(make)}"></div>')

    def span(self, make: Maker, inline: Callable[[], str]) -> Markup:
        """HTML inside a line of text or a table cell."""
        if not self.placeholders:
            return Markup(inline())
        return Markup(f'<span data-cc-slot="{self._add(make)}"></span>')

    def _add(self, make: Maker) -> str:
        key = str(len(self.made))
        self.made[key] = make
        return key


def fill(html: str, made: Mapping[str, Maker], link: Link) -> str:
    """The page's HTML with every placeholder replaced by the piece it stands for."""
    if not made:
        return html
    return _PLACEHOLDER.sub(lambda m: made[m.group(2)](link) if m.group(2) in made
                            else m.group(0), html)
