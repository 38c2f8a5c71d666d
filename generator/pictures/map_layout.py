"""Where the engagement map puts things: the hub, partners on a ring, labels clear of each other.

Each partner's wider networks are the outer ring: small ring-shaped nodes listed beyond its
name, further from the hub than the name is, so hub, nodes and networks read from the centre
out. A network's name wraps like a partner's: one long name on one line widened the whole
picture, and so shrank all its words on a page or on paper. Pure geometry, no SVG:
`engagement_map` draws what `map_layout` places, and tests check the same layout for overlaps.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from generator.model import Charter
from generator.pictures.base import Box, lines_box, outside_box, text_width, wrap

# A network's node: a ring this wide, then a gap before its name.
NETWORK_R = 3.5
_NETWORK_GAP = 4.0


@dataclass(frozen=True)
class Label:
    """A partner's name as drawn: its wrapped lines, the box they fill, and their alignment."""

    partner_id: str
    lines: tuple[str, ...]
    box: Box
    anchor: str
    size: float


@dataclass(frozen=True)
class NetworkLabel:
    """One wider network a partner brings in: its ring node and its (maybe shortened) name."""

    partner_id: str
    name: str  # in full, for the <title>
    lines: tuple[str, ...]  # as drawn: wrapped, at most NETWORK_LINES, the last maybe cut
    box: Box  # the ring node and the name together
    anchor: str  # "start": ring then name; "end": name then ring
    size: float
    count: int = 1  # more than 1: the networks past MAX_NETWORKS, named together in `name`

    @property
    def step(self) -> float:
        """The distance from one line of the name to the next."""
        return self.size * 1.3

    @property
    def baselines(self) -> tuple[float, ...]:
        """Where each line of the name sits, centred in its row."""
        return tuple(self.box.y0 + k * self.step + (self.step - 1 + self.size) / 2 - 1
                     for k in range(len(self.lines)))

    @property
    def ring(self) -> tuple[float, float]:
        """Centre of the ring node: beside the name's first line, on the side of the box that
        faces its partner's name."""
        y = self.box.y0 + (self.step - 1) / 2
        if self.anchor == "end":
            return self.box.x1 - NETWORK_R, y
        return self.box.x0 + NETWORK_R, y

    @property
    def text_x(self) -> float:
        """Where the name is anchored."""
        return (self.box.x1 if self.anchor == "end" else self.box.x0) + (
            -1 if self.anchor == "end" else 1) * (2 * NETWORK_R + _NETWORK_GAP)


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
class Link:
    """A direct link between two partners: a curve from node `a` to node `b` bent towards
    `control`."""

    a: Node
    b: Node
    control: tuple[float, float]

    def at(self, t: float) -> tuple[float, float]:
        """The point of the curve a fraction `t` of the way along it."""
        (ax, ay), (cx, cy), (bx, by) = (self.a.x, self.a.y), self.control, (self.b.x, self.b.y)
        u = 1 - t
        return u * u * ax + 2 * u * t * cx + t * t * bx, u * u * ay + 2 * u * t * cy + t * t * by


@dataclass(frozen=True)
class MapLayout:
    """Everything the engagement map places, so tests can check it with the same geometry."""

    hub: Node
    nodes: tuple[Node, ...]
    labels: tuple[Label, ...]  # the hub's label first
    ring: float
    marker_radii: tuple[float, ...]  # one ring distance per mechanism
    marker_r: float
    networks: tuple[NetworkLabel, ...] = ()  # the outer ring, partner by partner
    markers: tuple[tuple[float, float], ...] = ()  # the centre of every marker on a spoke
    links: tuple[Link, ...] = ()  # between partners, the hub's own being its spokes


def map_layout(charter: Charter) -> MapLayout:
    """Place the hub, the partners around it, their labels and the mechanism markers."""
    others = [p for p in charter.partners if p.id != charter.hub]
    count = len(others)
    size = 12.0 if count <= 8 else 11.0
    chars = 22 if count <= 6 else 18
    node_r, hub_r, marker_r = (16.0 if count <= 10 else 14.0), 24.0, 7.0
    hub_partner = charter.partner(charter.hub)
    hub_lines = wrap(hub_partner.name, 22)
    w, h = lines_box(hub_lines, size)
    hub_names = _networks_of(hub_partner.networks, chars)
    bw, bh = _block_size(w, h, size, hub_names)
    hub_block = Box(-bw / 2, hub_r * 1.3 + 4, bw / 2, hub_r * 1.3 + 4 + bh)
    hub_label, hub_networks = _split(hub_block, "middle", False, charter.hub, hub_lines, (w, h),
                                     size, hub_names)
    # Markers start beyond the hub's label and networks, so they are never covered.
    start = math.hypot(max(bw / 2, hub_r), hub_block.y1) + marker_r + 6
    radii = tuple(start + k * (2 * marker_r + 5) for k in range(len(charter.engagement.mechanisms)))
    inner = (radii[-1] + marker_r if radii else start) + node_r * 1.3 + 8
    spacing = count * (2.6 * node_r + 10) / (2 * math.pi)
    hub = Node(charter.hub, 0.0, 0.0, hub_r, 0.0)
    ring = max(inner, spacing, 90.0)
    while True:  # widen the ring until no label touches another label or any node
        nodes = tuple(Node(p.id, ring * math.cos(a), ring * math.sin(a), node_r, a)
                      for p, a in zip(others, _angles(count), strict=True))
        labels, networks = [hub_label], list(hub_networks)
        for node, partner in zip(nodes, others, strict=True):
            lines = wrap(partner.name, chars)
            w, h = lines_box(lines, size)
            names = _networks_of(partner.networks, chars)
            bw, bh = _block_size(w, h, size, names)
            block, anchor = _clear_of(node, bw, bh)
            label, rings = _split(block, anchor, math.sin(node.angle) < -0.2, partner.id, lines,
                                  (w, h), size, names)
            labels.append(label)
            networks += rings
        if not overlapping(labels, (hub, *nodes), networks) or ring > 2000:
            break
        ring += 6
    markers = tuple((r * math.cos(node.angle), r * math.sin(node.angle)) for node in nodes
                    for r, m in zip(radii, charter.engagement.mechanisms, strict=True)
                    if m.reaches(node.partner_id))
    where = {n.partner_id: n for n in nodes}
    keep_off = [lb.box for lb in labels] + [n.box for n in networks]
    links = tuple(_link(where[a], where[b], ring, (hub, *nodes), markers, marker_r, keep_off)
                  for a, b in charter.engagement.links if a in where and b in where and a != b)
    return MapLayout(hub, nodes, tuple(labels), ring, radii, marker_r, tuple(networks), markers,
                     links)


# A partner's networks past this many share one entry, "and 3 more", which names them in its
# <title>; the charter page lists them all.
MAX_NETWORKS = 8
# Lines a network's name may take, wrapped as its partner's name is; a longer one is cut with
# an ellipsis (its <title> and the charter page have it whole).
NETWORK_LINES = 2

# A network as drawn: its full name (for the <title>), its lines, how many it stands for.
_Shown = tuple[str, tuple[str, ...], int]


def _networks_of(networks: tuple[str, ...], chars: int) -> list[_Shown]:
    """Each network drawn, wrapped; past MAX_NETWORKS, the rest as one last entry."""
    def drawn(name: str) -> tuple[str, ...]:
        return tuple(wrap(name, chars, NETWORK_LINES))

    if len(networks) <= MAX_NETWORKS:
        return [(n, drawn(n), 1) for n in networks]
    shown, rest = networks[:MAX_NETWORKS - 1], networks[MAX_NETWORKS - 1:]
    return [*((n, drawn(n), 1) for n in shown),
            ("; ".join(rest), (f"and {len(rest)} more",), len(rest))]


def _ring_widths(names: list[_Shown], size: float) -> list[float]:
    return [2 * NETWORK_R + _NETWORK_GAP + max(text_width(line, size - 1.5) for line in lines)
            for _, lines, _ in names]


def _block_size(w: float, h: float, size: float,
                names: list[_Shown]) -> tuple[float, float]:
    """Width and height of a partner's name with its networks under or over it."""
    step = (size - 1.5) * 1.3
    rows = sum(len(lines) for _, lines, _ in names)
    return (max([w, *_ring_widths(names, size)]),
            h + (rows * step + 2 if names else 0))


def _split(block: Box, anchor: str, outward_up: bool, partner_id: str, lines: list[str],
           wh: tuple[float, float], size: float,
           names: list[_Shown]) -> tuple[Label, list[NetworkLabel]]:
    """A partner's name and its networks inside their block: the name nearest its node, the
    networks further out (above the name when the block is above the hub)."""
    w, h = wh
    small = size - 1.5
    step = small * 1.3
    rings = _ring_widths(names, size)
    name_y = block.y1 - h if outward_up else block.y0
    x0 = {"start": block.x0, "end": block.x1 - w, "middle": (block.x0 + block.x1 - w) / 2}[anchor]
    label = Label(partner_id, tuple(lines), Box(x0, name_y, x0 + w, name_y + h), anchor, size)
    first = block.y0 if outward_up else block.y0 + h + 2
    side = "end" if anchor == "end" else "start"
    widest = max(rings, default=0.0)
    left = {"start": block.x0, "end": block.x1, "middle": (block.x0 + block.x1 - widest) / 2}
    out, y = [], first
    for (name, shown, count), rw in zip(names, rings, strict=True):
        bx0 = left[anchor] - rw if side == "end" else left[anchor]
        # A little less than its rows, so that rounding never makes neighbours touch.
        out.append(NetworkLabel(partner_id, name, shown,
                                Box(bx0, y, bx0 + rw, y + len(shown) * step - 1),
                                side, small, count))
        y += len(shown) * step
    return label, out


def _clear_of(node: Node, w: float, h: float) -> tuple[Box, str]:
    # Step out along the spoke until the label clears its own node's box.
    reach = 1.3 * node.r
    while True:
        reach += 2
        box, anchor = outside_box(node.x + reach * math.cos(node.angle),
                                  node.y + reach * math.sin(node.angle), node.angle, w, h)
        if not box.overlaps(node.box):
            return box, anchor


# How far out a link's curve is pulled, as a share of the ring: 0.9 first, then as little
# more or less as keeps it off every marker, node and name it would otherwise cross.
_BENDS = (0.9, 1.0, 0.8, 1.1, 0.7, 1.2, 0.6, 1.3, 0.5)


def _link(a: Node, b: Node, ring: float, nodes: tuple[Node, ...],
          markers: tuple[tuple[float, float], ...], marker_r: float, boxes: list[Box]) -> Link:
    """The link from `a` to `b`, curving through the inside of the ring round the hub (so it
    never reads as two spokes), bent so that it crosses a spoke between markers, not over one
    (a link drawn through marker 2 read as part of it)."""
    turn = (b.angle - a.angle) % (2 * math.pi)
    mid = a.angle + turn / 2 if turn <= math.pi else b.angle + (2 * math.pi - turn) / 2
    others = [n.box for n in nodes if n.partner_id not in (a.partner_id, b.partner_id)]
    reach = marker_r + 3  # the marker, half the link's width and a little air
    clear = reach * reach
    obstacles = (*others, *boxes)

    def hits(link: Link) -> int:
        points = [link.at(k / 48) for k in range(1, 48)]
        # Only what lies near the curve's bounding box can be crossed: the rest is not tried.
        xs, ys = [x for x, _ in points], [y for _, y in points]
        x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
        near = [(mx, my) for mx, my in markers
                if x0 - reach < mx < x1 + reach and y0 - reach < my < y1 + reach]
        boxes_near = [box for box in obstacles
                      if box.x0 < x1 and x0 < box.x1 and box.y0 < y1 and y0 < box.y1]
        return sum(any((x - mx) ** 2 + (y - my) ** 2 < clear for x, y in points)
                   for mx, my in near) + sum(
            any(box.x0 < x < box.x1 and box.y0 < y < box.y1 for x, y in points)
            for box in boxes_near)

    # The first of the least crossed: 0.9 when nothing is (most links), found without
    # trying the others.
    best, fewest = None, 0
    for k in _BENDS:
        link = Link(a, b, (k * ring * math.cos(mid), k * ring * math.sin(mid)))
        crossed = hits(link)
        if crossed == 0:
            return link
        if best is None or crossed < fewest:
            best, fewest = link, crossed
    assert best is not None
    return best


def _angles(count: int) -> list[float]:
    start = -180 if count == 2 else -90  # two partners sit either side: a wide, short picture
    return [math.radians(start + 360 * k / count) for k in range(count)]


def overlapping(labels: list[Label], nodes: tuple[Node, ...],
                networks: Sequence[NetworkLabel] = ()) -> list[tuple[str, str]]:
    """Pairs (label or network, label, network or node) whose boxes overlap: none in a good
    layout."""
    named = [(lb.partner_id, lb.box) for lb in labels]
    named += [(f"network {n.name} of {n.partner_id}", n.box) for n in networks]
    found = [(a, b) for i, (a, abox) in enumerate(named) for b, bbox in named[i + 1:]
             if abox.overlaps(bbox)]
    found += [(a, "node " + n.partner_id) for a, box in named for n in nodes
              if box.overlaps(n.box)]
    return found
