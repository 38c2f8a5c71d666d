"""Where the engagement map puts things: the hub, partners on a ring, labels clear of each other.

Each partner's wider networks are the outer ring: small ring-shaped nodes listed beyond its
name, further from the hub than the name is, so hub, nodes and networks read from the centre
out. Pure geometry, no SVG: `engagement_map` draws what `map_layout` places, and tests check
the same layout for overlaps.
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
    shown: str
    box: Box  # the ring node and the name together
    anchor: str  # "start": ring then name; "end": name then ring
    size: float
    count: int = 1  # more than 1: the networks past MAX_NETWORKS, named together in `name`

    @property
    def ring(self) -> tuple[float, float]:
        """Centre of the ring node: on the side of the box that faces its partner's name."""
        y = (self.box.y0 + self.box.y1) / 2
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
class MapLayout:
    """Everything the engagement map places, so tests can check it with the same geometry."""

    hub: Node
    nodes: tuple[Node, ...]
    labels: tuple[Label, ...]  # the hub's label first
    ring: float
    marker_radii: tuple[float, ...]  # one ring distance per mechanism
    marker_r: float
    networks: tuple[NetworkLabel, ...] = ()  # the outer ring, partner by partner


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
            return MapLayout(hub, nodes, tuple(labels), ring, radii, marker_r, tuple(networks))
        ring += 6


# A partner's networks past this many share one entry, "and 3 more", which names them in its
# <title>; the charter page lists them all.
MAX_NETWORKS = 8


def shorten(name: str, chars: int) -> str:
    """A network's name on one line of at most `chars` characters, cut with an ellipsis."""
    name = " ".join(name.split())
    return name if len(name) <= chars else name[: chars - 1].rstrip() + "…"


# A network as drawn: its full name (for the <title>), the name shown, how many it stands for.
_Shown = tuple[str, str, int]


def _networks_of(networks: tuple[str, ...], chars: int) -> list[_Shown]:
    """Each network drawn, on one line; past MAX_NETWORKS, the rest as one last entry."""
    if len(networks) <= MAX_NETWORKS:
        return [(n, shorten(n, chars + 12), 1) for n in networks]
    shown, rest = networks[:MAX_NETWORKS - 1], networks[MAX_NETWORKS - 1:]
    return [*((n, shorten(n, chars + 12), 1) for n in shown),
            ("; ".join(rest), f"and {len(rest)} more", len(rest))]


def _ring_widths(names: list[_Shown], size: float) -> list[float]:
    return [2 * NETWORK_R + _NETWORK_GAP + text_width(shown, size - 1.5) for _, shown, _ in names]


def _block_size(w: float, h: float, size: float,
                names: list[_Shown]) -> tuple[float, float]:
    """Width and height of a partner's name with its networks under or over it."""
    step = (size - 1.5) * 1.3
    return (max([w, *_ring_widths(names, size)]),
            h + (len(names) * step + 2 if names else 0))


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
    out = []
    for k, ((name, shown, count), rw) in enumerate(zip(names, rings, strict=True)):
        y = first + k * step
        bx0 = left[anchor] - rw if side == "end" else left[anchor]
        # A little less than a step, so that rounding never makes neighbours touch.
        out.append(NetworkLabel(partner_id, name, shown, Box(bx0, y, bx0 + rw, y + step - 1),
                                side, small, count))
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
