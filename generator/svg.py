"""Pictures for charter pages as inline SVG strings: no script, no fonts, no network.

Each picture is one line starting with `<svg`, so Markdown passes it through as a raw HTML
block. Colours come from CSS classes (theme/stylesheets/charts.css) so they follow the palette;
meaning is carried by shape, dash style and words as well, never by colour alone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import math
import re
from dataclasses import dataclass

from generator.model import Charter, Mechanism, Metric, Partner
from generator.spec import SECTORS, STAGES

STAGE_LABELS = {
    "convene": "Bring the group together",
    "balance": "Balance their perspectives",
    "adapt": "Adapt yourself to the group's needs",
    "focus": "Focus the group",
    "future": "Take them toward a collaborative vision of the future",
}
IN_PERSON = ("face-to-face", "on-site")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
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
    return html.escape(_NOT_XML.sub("", text), quote=True)


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
    return f"{x:.1f}".removesuffix(".0").replace("-0", "0") if abs(x) >= 0.05 else "0"


def value_text(value: float, unit: str | None) -> str:
    """A measured value with its unit: '58%', '420 parcels', '15.5%'."""
    shown = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0")
    if not unit:
        return shown
    return shown + unit if unit == "%" else f"{shown} {unit}"


def month_text(day: dt.date) -> str:
    """'Jun 2025', the same in every locale."""
    return f"{_MONTHS[day.month - 1]} {day.year}"


def date_text(day: dt.date) -> str:
    """'30 Jun 2025', the same in every locale."""
    return f"{day.day} {month_text(day)}"


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


# --- Stage cycle -------------------------------------------------------------------------------

def stage_cycle(stage: str | None, *, scope: str = "") -> str:
    """The five stages as a cycle of nodes and arrows, the current one outlined and labelled."""
    ident = uid("stage", scope, stage or "none")
    radius, node_r, size = 140.0, 44.0, 12.0
    parts: list[str] = []
    boxes: list[Box] = []
    angles = [math.radians(-90 + 72 * k) for k in range(len(STAGES))]
    gap = 2 * math.asin((node_r + 7) / (2 * radius))
    for k, name in enumerate(STAGES):
        a0, a1 = angles[k] + gap, angles[k] + math.radians(72) - gap
        p0 = (radius * math.cos(a0), radius * math.sin(a0))
        p1 = (radius * math.cos(a1), radius * math.sin(a1))
        tx, ty = -math.sin(a1), math.cos(a1)  # clockwise tangent at the arrow's tip
        head = [(p1[0], p1[1]), (p1[0] - 10 * tx - 5 * ty, p1[1] - 10 * ty + 5 * tx),
                (p1[0] - 10 * tx + 5 * ty, p1[1] - 10 * ty - 5 * tx)]
        parts.append(f'<path class="cc-arrow" fill="none" stroke-width="2" d="M{num(p0[0])} '
                     f'{num(p0[1])}A{num(radius)} {num(radius)} 0 0 1 {num(p1[0])} {num(p1[1])}"/>'
                     f'<polygon class="cc-arrowhead" points="{_points(head)}"/>')
        x, y = radius * math.cos(angles[k]), radius * math.sin(angles[k])
        current = name == stage
        word = name.capitalize()
        cls = "cc-stage cc-current" if current else "cc-stage"
        ring = (f'<circle class="cc-current-ring" fill="none" stroke-width="2" '
                f'stroke-dasharray="4 3" cx="{num(x)}" cy="{num(y)}" r="{num(node_r + 6)}"/>'
                if current else "")
        note = (f'<text class="cc-current-text" font-size="10" text-anchor="middle" x="{num(x)}" '
                f'y="{num(y + 16)}">current stage</text>' if current else "")
        parts.append(f'<g class="{cls}"><title>{esc(word)}: {esc(STAGE_LABELS[name])}'
                     f'{" (current stage)" if current else ""}</title>{ring}'
                     f'<circle class="cc-stage-node" stroke-width="{4 if current else 1.5}" '
                     f'cx="{num(x)}" cy="{num(y)}" r="{num(node_r)}"/>'
                     f'<text class="cc-stage-name" font-size="14" text-anchor="middle" '
                     f'x="{num(x)}" y="{num(y + (0 if current else 5))}">{k + 1}. {word}</text>'
                     f"{note}</g>")
        lines = wrap(STAGE_LABELS[name], 22)
        w, h = lines_box(lines, size)
        reach = node_r + (14 if current else 8)
        box, anchor = outside_box(x + reach * math.cos(angles[k]), y + reach * math.sin(angles[k]),
                                  angles[k], w, h)
        parts.append(text_lines(lines, box, anchor, size, "cc-stage-desc"))
        boxes += [box, Box(x - node_r - 7, y - node_r - 7, x + node_r + 7, y + node_r + 7)]
    where = (f"The current stage is {stage.capitalize()}: {STAGE_LABELS[stage]}."
             if stage in STAGE_LABELS else "No current stage is recorded.")
    desc = "A cycle of five stages: " + "; ".join(
        f"{k + 1}. {n.capitalize()}, {STAGE_LABELS[n].lower()}" for k, n in enumerate(STAGES))
    return svg(ident, bounds(boxes, 8), "Stages of the partnership", f"{desc}. {where}",
               "".join(parts), "cc-stage-cycle")


def _points(points: list[tuple[float, float]]) -> str:
    return " ".join(f"{num(x)},{num(y)}" for x, y in points)


def mechanism_text(mechanism: Mechanism) -> str:
    """'Partnership board (face-to-face, quarterly)'."""
    extra = f", {mechanism.frequency}" if mechanism.frequency else ""
    return f"{mechanism.name} ({mechanism.mode}{extra})"


def partner_text(partner: Partner) -> str:
    """'Solent NHS Trust (health)'."""
    return f"{partner.name} ({partner.sector or 'sector not given'})"


def engagement_text(charter: Charter) -> list[str]:
    """Plain sentences saying what the engagement map shows, one per partner, hub first."""
    hub = charter.partner(charter.hub)
    others = [p for p in charter.partners if p.id != charter.hub]
    names = {p.id: p.name for p in charter.partners}
    out = [f"{partner_text(hub)} is the hub; every other partner is linked to it."]
    for partner in others:
        reached = [mechanism_text(m) for m in charter.engagement.mechanisms
                   if m.reaches(partner.id)]
        how = ("reached by " + "; ".join(reached) if reached
               else "not reached by any engagement mechanism")
        ties = sorted({names[b if a == partner.id else a] for a, b in charter.engagement.links
                       if partner.id in (a, b) and charter.hub not in (a, b)
                       and a in names and b in names and a != b})
        also = f"; also linked directly to {' and '.join(ties)}" if ties else ""
        out.append(f"{partner_text(partner)} is linked to the hub {hub.name}; {how}{also}.")
    return out


# --- Engagement map ----------------------------------------------------------------------------

# Sides of the regular polygon for each sector's node; 0 is a circle, 4 a square, -4 a diamond.
_SHAPES = {"health": 0, "education": 4, "social-care": -4, "local-government": 6,
           "voluntary": 3, "research": 5, "industry": 2, "other": 8}


def shape(sector: str | None, x: float, y: float, r: float, cls: str) -> str:
    """The node shape for a sector, about 2r across, centred on (x, y)."""
    sides = _SHAPES.get(sector or "other", 8)
    at = f'class="{cls}" stroke-width="1.5"'
    if sides == 0:
        return f'<circle {at} cx="{num(x)}" cy="{num(y)}" r="{num(r)}"/>'
    if sides == 4:
        return (f'<rect {at} x="{num(x - 0.88 * r)}" y="{num(y - 0.88 * r)}" '
                f'width="{num(1.76 * r)}" height="{num(1.76 * r)}"/>')
    if sides == 2:  # industry: a rounded rectangle, wider than tall
        return (f'<rect {at} x="{num(x - 1.1 * r)}" y="{num(y - 0.75 * r)}" rx="{num(r / 3)}" '
                f'width="{num(2.2 * r)}" height="{num(1.5 * r)}"/>')
    n = abs(sides)
    scale = {3: 1.3, 4: 1.25, 5: 1.12, 6: 1.08, 8: 1.05}[n]
    turn = -math.pi / 2 if sides != 8 else -math.pi / 2 + math.pi / 8
    pts = [(x + scale * r * math.cos(turn + 2 * math.pi * i / n),
            y + scale * r * math.sin(turn + 2 * math.pi * i / n) + (0.3 * r if n == 3 else 0))
           for i in range(n)]
    return f'<polygon {at} points="{_points(pts)}"/>'


@dataclass(frozen=True)
class Label:
    """A partner's name as drawn: its wrapped lines, the box they fill, and their alignment."""

    partner_id: str
    lines: tuple[str, ...]
    box: Box
    anchor: str
    size: float


@dataclass(frozen=True)
class Node:
    """A partner's node: centre, size and the box its shape stays inside."""

    partner_id: str
    x: float
    y: float
    r: float
    angle: float

    @property
    def box(self) -> Box:
        reach = 1.3 * self.r
        return Box(self.x - reach, self.y - reach, self.x + reach, self.y + reach)


@dataclass(frozen=True)
class MapLayout:
    """Everything the engagement map places, so tests can check it with the same geometry."""

    hub: Node
    nodes: tuple[Node, ...]
    labels: tuple[Label, ...]  # the hub's label first
    ring: float
    marker_radii: tuple[float, ...]  # one ring distance per mechanism
    marker_r: float


def map_layout(charter: Charter) -> MapLayout:
    """Place the hub, the partners around it, their labels and the mechanism markers."""
    others = [p for p in charter.partners if p.id != charter.hub]
    count = len(others)
    size = 12.0 if count <= 8 else 11.0
    chars = 22 if count <= 6 else 18
    node_r, hub_r, marker_r = (16.0 if count <= 10 else 14.0), 24.0, 7.0
    hub_lines = wrap(charter.partner(charter.hub).name, 22)
    w, h = lines_box(hub_lines, size)
    hub_box = Box(-w / 2, hub_r * 1.3 + 4, w / 2, hub_r * 1.3 + 4 + h)
    hub_label = Label(charter.hub, tuple(hub_lines), hub_box, "middle", size)
    # Markers start beyond the hub's label, so the label is never covered.
    start = math.hypot(max(w / 2, hub_r), hub_box.y1) + marker_r + 6
    radii = tuple(start + k * (2 * marker_r + 5) for k in range(len(charter.engagement.mechanisms)))
    inner = (radii[-1] + marker_r if radii else start) + node_r * 1.3 + 8
    spacing = count * (2.6 * node_r + 10) / (2 * math.pi)
    hub = Node(charter.hub, 0.0, 0.0, hub_r, 0.0)
    ring = max(inner, spacing, 90.0)
    while True:  # widen the ring until no label touches another label or any node
        nodes = tuple(Node(p.id, ring * math.cos(a), ring * math.sin(a), node_r, a)
                      for p, a in zip(others, _angles(count), strict=True))
        labels = [hub_label]
        for node, partner in zip(nodes, others, strict=True):
            lines = wrap(partner.name, chars)
            w, h = lines_box(lines, size)
            box, anchor = _clear_of(node, w, h)
            labels.append(Label(partner.id, tuple(lines), box, anchor, size))
        if not overlapping(labels, (hub, *nodes)) or ring > 2000:
            return MapLayout(hub, nodes, tuple(labels), ring, radii, marker_r)
        ring += 6


def _clear_of(node: Node, w: float, h: float) -> tuple[Box, str]:
    # Step out along the spoke until the label clears its own node's box.
    reach = 1.3 * node.r
    while True:
        reach += 2
        box, anchor = outside_box(node.x + reach * math.cos(node.angle),
                                  node.y + reach * math.sin(node.angle), node.angle, w, h)
        if not box.overlaps(node.box):
            return box, anchor


def _angles(count: int) -> list[float]:
    start = -180 if count == 2 else -90  # two partners sit either side: a wide, short picture
    return [math.radians(start + 360 * k / count) for k in range(count)]


def overlapping(labels: list[Label], nodes: tuple[Node, ...]) -> list[tuple[str, str]]:
    """Pairs (label, label or node) whose boxes overlap: none in a good layout."""
    found = [(a.partner_id, b.partner_id) for i, a in enumerate(labels) for b in labels[i + 1:]
             if a.box.overlaps(b.box)]
    found += [(a.partner_id, "node " + n.partner_id) for a in labels for n in nodes
              if a.box.overlaps(n.box)]
    return found


def engagement_map(charter: Charter) -> str:
    """The hub, a spoke to every partner, extra links, mechanism markers, names and a legend."""
    ident = uid("map", charter.id)
    lay = map_layout(charter)
    mechanisms = charter.engagement.mechanisms
    partners = {p.id: p for p in charter.partners}
    where = {n.partner_id: n for n in lay.nodes}
    links, spokes, marks, shapes = [], [], [], []
    for a, b in charter.engagement.links:
        if a in where and b in where and a != b:  # hub links are its spokes already
            links.append(_link(where[a], where[b], lay.ring, partners))
    for node in lay.nodes:
        reached = [(k, m) for k, m in enumerate(mechanisms) if m.reaches(node.partner_id)]
        kind = ("none" if not reached else "inperson"
                if any(m.mode in IN_PERSON for _, m in reached) else "remote")
        dash = {"inperson": "", "remote": ' stroke-dasharray="7 4"',
                "none": ' stroke-dasharray="1 4"'}[kind]
        spokes.append(f'<line class="cc-spoke cc-spoke-{kind}" stroke-width="2"{dash} x1="0" '
                      f'y1="0" x2="{num(node.x)}" y2="{num(node.y)}"/>')
        for k, m in reached:
            r = lay.marker_radii[k]
            marks.append(marker(k, m, r * math.cos(node.angle), r * math.sin(node.angle),
                                lay.marker_r, f" reaches {partners[node.partner_id].name}"))
        partner = partners[node.partner_id]
        shapes.append(f'<g class="cc-node"><title>{esc(partner_text(partner))}</title>'
                      f"{shape(partner.sector, node.x, node.y, node.r, _sector_cls(partner))}</g>")
    hub = partners[charter.hub]
    shapes.append(f'<g class="cc-node cc-hub"><title>{esc(partner_text(hub))}, the hub</title>'
                  f"{shape(hub.sector, 0, 0, lay.hub.r, _sector_cls(hub) + ' cc-hub-shape')}</g>")
    words = [text_lines(list(lb.lines), lb.box, lb.anchor, lb.size,
                        "cc-label cc-hub-label" if lb.partner_id == charter.hub else "cc-label")
             for lb in lay.labels]
    area = bounds([lb.box for lb in lay.labels] + [n.box for n in (lay.hub, *lay.nodes)], 10)
    spare = max(0.0, 560 - (area.x1 - area.x0)) / 2  # centre a small map over the legend
    area = Box(area.x0 - spare, area.y0, area.x1 + spare, area.y1)
    legend, bottom = map_legend(charter, area)
    body = "".join(links + spokes + shapes + marks + words) + legend
    desc = " ".join(engagement_text(charter))
    return svg(ident, Box(area.x0, area.y0, area.x1, bottom),
               f"Engagement map of {charter.title}", desc, body, "cc-engagement-map")


def _sector_cls(partner: Partner) -> str:
    return f"cc-shape cc-sector-{partner.sector if partner.sector in SECTORS else 'other'}"


def _link(a: Node, b: Node, ring: float, partners: dict[str, Partner]) -> str:
    # Curve through the inside of the ring, round the hub, so a link never reads as two spokes.
    turn = (b.angle - a.angle) % (2 * math.pi)
    mid = a.angle + turn / 2 if turn <= math.pi else b.angle + (2 * math.pi - turn) / 2
    cx, cy = 0.9 * ring * math.cos(mid), 0.9 * ring * math.sin(mid)
    names = f"{partners[a.partner_id].name} and {partners[b.partner_id].name}"
    return (f'<path class="cc-link" fill="none" stroke-width="2.5" stroke-dasharray="10 3 2 3" '
            f'd="M{num(a.x)} {num(a.y)}Q{num(cx)} {num(cy)} {num(b.x)} {num(b.y)}">'
            f"<title>Direct link between {esc(names)}</title></path>")


def marker(k: int, mechanism: Mechanism, x: float, y: float, r: float, tail: str) -> str:
    """A numbered mechanism marker: a filled circle in person, an open square at a distance."""
    if mechanism.mode in IN_PERSON:
        glyph = f'<circle class="cc-marker-inperson" cx="{num(x)}" cy="{num(y)}" r="{num(r)}"/>'
    else:
        glyph = (f'<rect class="cc-marker-remote" stroke-width="1.5" x="{num(x - r)}" '
                 f'y="{num(y - r)}" width="{num(2 * r)}" height="{num(2 * r)}"/>')
    return (f'<g class="cc-marker"><title>{k + 1}. {esc(mechanism_text(mechanism))}{esc(tail)}'
            f'</title>{glyph}<text class="cc-marker-text" font-size="9" text-anchor="middle" '
            f'x="{num(x)}" y="{num(y + 3.2)}">{k + 1}</text></g>')


def map_legend(charter: Charter, area: Box) -> tuple[str, float]:
    """The key under the map; returns its SVG and the y where it ends."""
    width = max(area.x1 - area.x0, 560) - 20
    sectors = sorted({p.sector if p.sector in SECTORS else "other" for p in charter.partners},
                     key=SECTORS.index)
    groups: list[tuple[str, list[tuple[str, str]]]] = [
        ("Sector (node shape)", [(shape(s, 0, 0, 7, f"cc-shape cc-sector-{s}"), s)
                                 for s in sectors]),
        ("Lines", [(_legend_line("cc-spoke cc-spoke-inperson", ""), "met in person"),
                   (_legend_line("cc-spoke cc-spoke-remote", "7 4"), "virtual or written only"),
                   (_legend_line("cc-spoke cc-spoke-none", "1 4"), "no mechanism"),
                   (_legend_line("cc-link", "10 3 2 3"), "direct link between partners")]),
    ]
    if charter.engagement.mechanisms:
        groups.append(("Mechanisms (markers on the lines)", [
            (marker(k, m, 0, 0, 7, ""), mechanism_text(m))
            for k, m in enumerate(charter.engagement.mechanisms)]))
    y, parts = area.y1 + 8, []
    for heading, items in groups:
        # Mechanism names and frequencies are long: they get whole lines.
        cols = 1 if heading.startswith("Mechanisms") else max(1, int(width // 250))
        col_w = width / cols
        parts.append(f'<text class="cc-legend-heading" font-size="12" x="{num(area.x0 + 10)}" '
                     f'y="{num(y + 12)}">{esc(heading)}</text>')
        y += 20
        for i, (glyph, words) in enumerate(items):
            x = area.x0 + 10 + (i % cols) * col_w
            row_y = y + (i // cols) * 20
            fit = max(4, int((col_w - 34) / (0.62 * 11)))
            shown = words if len(words) <= fit else words[: fit - 1].rstrip() + "…"
            parts.append(f'<g transform="translate({num(x + 9)} {num(row_y + 9)})">{glyph}</g>'
                         f'<text class="cc-legend-text" font-size="11" x="{num(x + 26)}" '
                         f'y="{num(row_y + 13)}"><title>{esc(words)}</title>{esc(shown)}</text>')
        y += ((len(items) + cols - 1) // cols) * 20 + 6
    return "".join(parts), y + 4


def _legend_line(cls: str, dash: str) -> str:
    pattern = f' stroke-dasharray="{dash}"' if dash else ""
    return f'<line class="{cls}" stroke-width="2"{pattern} x1="-9" y1="0" x2="9" y2="0"/>'


# --- Metrics -----------------------------------------------------------------------------------

def nice_ticks(low: float, high: float, most: int = 6) -> list[float]:
    """Round tick values covering low..high, at most about `most` of them."""
    raw = (high - low) / max(most - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.ceil(low / step - 1e-9)
    return [round(i * step, 10) for i in range(first, math.floor(high / step + 1e-9) + 1)]


def month_ticks(first: dt.date, last: dt.date, most: int) -> list[dt.date]:
    """First days of months between the two dates, spaced so at most `most` fit."""
    span = (last.year - first.year) * 12 + last.month - first.month + 1
    step = next(s for s in (1, 2, 3, 6, 12, 24, 60, 120) if span / s <= most or s == 120)
    months = range(first.year * 12 + first.month - (0 if first.day == 1 else -1),
                   last.year * 12 + last.month + 1)
    return [dt.date((m - 1) // 12, (m - 1) % 12 + 1, 1) for m in months
            if (m - 1) % step == 0 and dt.date((m - 1) // 12, (m - 1) % 12 + 1, 1) <= last]


def _value_range(values: list[float]) -> tuple[float, float]:
    low, high = min(values), max(values)
    pad = (high - low) * 0.1 or max(abs(high) * 0.1, 1.0)
    return low - pad, high + pad


def _better(metric: Metric) -> str:
    return "Higher is better" if metric.direction == "increase" else "Lower is better"


def metric_chart(metric: Metric, today: dt.date, *, scope: str = "") -> str:
    """Measurements over time, with baseline, target, the latest value and which way is better."""
    ident = uid("chart", scope, metric.id)
    points = sorted(metric.measurements, key=lambda m: m.date)
    refs = [(v, n) for v, n in ((metric.baseline, "Baseline"), (metric.target, "Target"))
            if v is not None]
    low, high = _value_range([p.value for p in points] + [v for v, _ in refs])
    ticks = nice_ticks(low, high)
    percent = "%" if metric.unit == "%" else None
    tick_words = [value_text(t, percent) for t in ticks]
    ref_words = [f"{n} {value_text(v, metric.unit)}" for v, n in refs]
    left = max([text_width(w, 11) + 12 for w in tick_words] + [36.0])  # room for a month label
    right = max([text_width(w, 11) for w in ref_words] + [20]) + 12
    width, height, top = 600.0, 260.0, 34.0
    plot = Box(left, top, width - right, height - 30)
    dates = [p.date for p in points] + ([metric.target_date] if metric.target_date else [])
    if not points or today >= points[0].date:
        dates.append(today)  # so a chart that has not been updated for a while shows the gap
    first, last = min(dates), max(dates)
    if first == last:
        first, last = first - dt.timedelta(days=45), last + dt.timedelta(days=45)

    def x_of(day: dt.date) -> float:
        return plot.x0 + (plot.x1 - plot.x0) * (day - first).days / (last - first).days

    def y_of(value: float) -> float:
        return plot.y1 - (plot.y1 - plot.y0) * (value - low) / (high - low)

    parts = [f'<rect class="cc-plot" x="{num(plot.x0)}" y="{num(plot.y0)}" '
             f'width="{num(plot.x1 - plot.x0)}" height="{num(plot.y1 - plot.y0)}"/>']
    for t, w in zip(ticks, tick_words, strict=True):
        parts.append(f'<line class="cc-grid" x1="{num(plot.x0)}" x2="{num(plot.x1)}" '
                     f'y1="{num(y_of(t))}" y2="{num(y_of(t))}"/><text class="cc-tick" '
                     f'font-size="11" text-anchor="end" x="{num(plot.x0 - 6)}" '
                     f'y="{num(y_of(t) + 4)}">{esc(w)}</text>')
    for day in month_ticks(first, last, max(2, int((plot.x1 - plot.x0) // 80))):
        parts.append(f'<line class="cc-grid" x1="{num(x_of(day))}" x2="{num(x_of(day))}" '
                     f'y1="{num(plot.y1)}" y2="{num(plot.y1 + 4)}"/><text class="cc-tick" '
                     f'font-size="11" text-anchor="middle" x="{num(x_of(day))}" '
                     f'y="{num(plot.y1 + 17)}">{month_text(day)}</text>')
    if first <= today <= last:
        parts.append(f'<line class="cc-today" stroke-dasharray="2 3" x1="{num(x_of(today))}" '
                     f'x2="{num(x_of(today))}" y1="{num(plot.y0)}" y2="{num(plot.y1)}"><title>'
                     f'Today, {date_text(today)}</title></line><text class="cc-tick" '
                     f'font-size="10" text-anchor="middle" x="{num(x_of(today))}" '
                     f'y="{num(plot.y0 - 4)}">today</text>')
    ref_ys = _spread([y_of(v) for v, _ in refs], 13)
    for (v, n), words, label_y in zip(refs, ref_words, ref_ys, strict=True):
        dash = "8 4" if n == "Baseline" else "3 3"
        parts.append(f'<line class="cc-ref cc-{n.lower()}" stroke-width="2" '
                     f'stroke-dasharray="{dash}" x1="{num(plot.x0)}" x2="{num(plot.x1)}" '
                     f'y1="{num(y_of(v))}" y2="{num(y_of(v))}"><title>{esc(words)}</title></line>'
                     f'<text class="cc-ref-text" font-size="11" x="{num(plot.x1 + 6)}" '
                     f'y="{num(label_y + 4)}">{esc(words)}</text>')
    if points:
        xy = [(x_of(p.date), y_of(p.value)) for p in points]
        parts.append(f'<polyline class="cc-line" fill="none" stroke-width="2.5" '
                     f'points="{_points(xy)}"/>')
        for p, (x, y) in zip(points, xy, strict=True):
            parts.append(f'<circle class="cc-point" cx="{num(x)}" cy="{num(y)}" r="4.5"><title>'
                         f"{date_text(p.date)}: {esc(value_text(p.value, metric.unit))}"
                         "</title></circle>")
        x, y = xy[-1]
        words = "latest " + value_text(points[-1].value, metric.unit)
        rising = len(xy) == 1 or xy[-2][1] > y  # the line comes up from below: label above
        label_y = y - 10 if rising and y - 10 > plot.y0 + 12 else y + 19
        room = x - plot.x0 > text_width(words, 12) + 10  # else it would leave the chart
        parts.append(f'<text class="cc-latest" font-size="12" '
                     f'text-anchor="{"end" if room else "start"}" '
                     f'x="{num(x - 6 if room else x + 6)}" y="{num(label_y)}">{esc(words)}</text>')
    else:
        parts.append(f'<text class="cc-empty" font-size="13" text-anchor="middle" '
                     f'x="{num((plot.x0 + plot.x1) / 2)}" y="{num((plot.y0 + plot.y1) / 2)}">'
                     "No measurements yet</text>")
    arrow = "↑" if metric.direction == "increase" else "↓"
    unit = f"Values in {metric.unit}" if metric.unit and not percent else ""
    parts.append(f'<text class="cc-direction" font-size="12" x="{num(plot.x0)}" y="14">'
                 f"{arrow} {_better(metric)}</text><text class=\"cc-tick\" font-size=\"11\" "
                 f'text-anchor="end" x="{num(plot.x1)}" y="14">{esc(unit)}</text>')
    desc = f"{metric_summary(metric)}. {_better(metric)}. Status: {metric.track(today)}."
    return svg(ident, Box(0, 0, width, height), metric.name, desc, "".join(parts),
               "cc-metric-chart")


def _spread(ys: list[float], gap: float) -> list[float]:
    """Label positions near `ys` but at least `gap` apart, in the same order."""
    if len(ys) < 2 or abs(ys[0] - ys[1]) >= gap:
        return ys
    mid = (ys[0] + ys[1]) / 2
    up = -gap / 2 if ys[0] <= ys[1] else gap / 2
    return [mid + up, mid - up]


def metric_summary(metric: Metric) -> str:
    """'58 → 66%, target 75%': first and latest values, and the target."""
    points = sorted(metric.measurements, key=lambda m: m.date)
    if not points:
        seen = "No measurements yet"
    elif len(points) == 1:
        seen = value_text(points[0].value, metric.unit)
    else:
        seen = (f"{value_text(points[0].value, None)} → "
                f"{value_text(points[-1].value, metric.unit)}")
    goal = f", target {value_text(metric.target, metric.unit)}" if metric.target is not None else ""
    return seen + goal


def sparkline(metric: Metric, *, scope: str = "") -> str:
    """A 100 by 24 line of the measurements and the target, for tables."""
    ident = uid("spark", scope, metric.id)
    points = sorted(metric.measurements, key=lambda m: m.date)
    values = [p.value for p in points] + ([metric.target] if metric.target is not None else [])
    low, high = _value_range(values or [0.0])
    days = [p.date.toordinal() for p in points]
    span = (max(days) - min(days)) if len(days) > 1 else 0

    def y_of(value: float) -> float:
        return 22 - 20 * (value - low) / (high - low)

    parts = []
    if metric.target is not None:
        parts.append(f'<line class="cc-ref cc-target" stroke-dasharray="3 2" x1="2" x2="98" '
                     f'y1="{num(y_of(metric.target))}" y2="{num(y_of(metric.target))}"/>')
    if points:
        xy = [(2 + 92 * (d - days[0]) / span if span else 50.0, y_of(p.value))
              for d, p in zip(days, points, strict=True)]
        if len(xy) > 1:
            parts.append(f'<polyline class="cc-line" fill="none" stroke-width="1.5" '
                         f'points="{_points(xy)}"/>')
        parts.append(f'<circle class="cc-point" cx="{num(xy[-1][0])}" cy="{num(xy[-1][1])}" '
                     'r="2.5"/>')
    else:
        parts.append('<line class="cc-grid" stroke-dasharray="1 3" x1="2" x2="98" y1="12" '
                     'y2="12"/>')
    summary = metric_summary(metric)
    return svg(ident, Box(0, 0, 100, 24), summary, f"{metric.name}: {summary}. {_better(metric)}.",
               "".join(parts), "cc-sparkline")
