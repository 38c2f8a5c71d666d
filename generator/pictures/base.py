"""What every SVG picture shares: escaping, ids, coordinates, text measuring and the <svg> frame.

Each picture is one line starting with `<svg`, so Markdown passes it through as a raw HTML
block. Colours come from CSS classes (theme/stylesheets/charts.css) so they follow the palette;
meaning is carried by shape, dash style and words as well, never by colour alone.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass

from generator.text import html

# Characters XML 1.0 cannot carry at all, not even as references; YAML "\x01" can produce them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Box:
    """An axis-aligned rectangle in SVG user units."""

    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: Box) -> bool:
        """True when the two rectangles share any area."""
        return (self.x0 < other.x1 and other.x0 < self.x1
                and self.y0 < other.y1 and other.y0 < self.y1)


def esc(text: str) -> str:
    """Text made safe as XML character data or a quoted attribute value."""
    return html(_NOT_XML.sub("", text))


def text_width(text: str, size: float) -> float:
    """Estimated width of `text` at font `size`: generous, so real text fits inside the box."""
    wide, narrow = "MWmw@%", "iljtfrI.,:;'|!() "
    units = sum(0.95 if c in wide else 0.4 if c in narrow else 0.72 if c.isupper() else 0.6
                for c in text)
    return units * size


def wrap(text: str, chars: int, lines: int = 3) -> list[str]:
    """Words wrapped to `chars` per line, at most `lines` lines, the last cut with an ellipsis."""
    out: list[str] = []
    for word in text.split():
        while len(word) > chars:  # a word too long for any line is split by force
            out.append(word[:chars])
            word = word[chars:]
        if out and len(out[-1]) + 1 + len(word) <= chars:
            out[-1] += " " + word
        else:
            out.append(word)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1][: chars - 1].rstrip() + "…"
    return out or [""]


def uid(kind: str, *parts: str) -> str:
    """A deterministic id for one picture, unique per kind and parts."""
    slugs = (re.sub(r"[^a-z0-9]+", "-", p.lower()).strip("-") for p in parts)
    slug = "-".join(s for s in slugs if s)
    digest = hashlib.sha1("\x1f".join((kind, *parts)).encode()).hexdigest()[:6]
    return f"cc-{kind}-{slug}-{digest}" if slug else f"cc-{kind}-{digest}"


def num(x: float) -> str:
    """A coordinate with at most one decimal."""
    return f"{x:.1f}".removesuffix(".0") if abs(x) >= 0.05 else "0"  # never "-0"


def coords(xy: list[tuple[float, float]]) -> str:
    """Coordinate pairs as a `points` attribute value."""
    return " ".join(f"{num(x)},{num(y)}" for x, y in xy)


def text_lines(lines: list[str], box: Box, anchor: str, size: float, cls: str) -> str:
    """A <text> of stacked lines filling `box`, aligned by `anchor` (start, middle or end)."""
    x = {"start": box.x0, "middle": (box.x0 + box.x1) / 2, "end": box.x1}[anchor]
    step = size * 1.25
    spans = "".join(f'<tspan x="{num(x)}" y="{num(box.y0 + step * i + size)}">'
                    f"{esc(line)}</tspan>" for i, line in enumerate(lines))
    return (f'<text class="{cls}" font-size="{num(size)}" text-anchor="{anchor}">'
            f"{spans}</text>")


def lines_box(lines: list[str], size: float) -> tuple[float, float]:
    """Width and height of stacked lines at font `size`."""
    return max(text_width(line, size) for line in lines), size * 1.25 * len(lines) + size * 0.35


def outside_box(x: float, y: float, angle: float, w: float, h: float) -> tuple[Box, str]:
    """Where a w-by-h label goes, just outside (x, y) as seen from a centre at `angle`."""
    c, s = math.cos(angle), math.sin(angle)
    if c > 0.2:
        anchor, x0 = "start", x
    elif c < -0.2:
        anchor, x0 = "end", x - w
    else:
        anchor, x0 = "middle", x - w / 2
    y0 = y - h * (1 - s) / 2  # above the point at the top, below it at the bottom
    return Box(x0, y0, x0 + w, y0 + h), anchor


def svg(ident: str, box: Box, title: str, desc: str, body: str, cls: str) -> str:
    """The outer <svg> element, labelled by its own <title> and <desc>."""
    w, h = box.x1 - box.x0, box.y1 - box.y0
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="cc-svg {cls}" role="img" '
            f'id="{ident}" aria-labelledby="{ident}-title {ident}-desc" width="{num(w)}" '
            f'height="{num(h)}" viewBox="{num(box.x0)} {num(box.y0)} {num(w)} {num(h)}">'
            f'<title id="{ident}-title">{esc(title)}</title>'
            f'<desc id="{ident}-desc">{esc(desc)}</desc>{body}</svg>')


def bounds(boxes: list[Box], margin: float) -> Box:
    """The smallest box holding all `boxes`, plus `margin` on every side."""
    return Box(min(b.x0 for b in boxes) - margin, min(b.y0 for b in boxes) - margin,
               max(b.x1 for b in boxes) + margin, max(b.y1 for b in boxes) + margin)
