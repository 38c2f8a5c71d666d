"""Where the engagement map puts things: the hub, partners on a ring, labels clear of each other.

Pure geometry, no SVG: `engagement_map` draws what `map_layout` places, and tests check the
same layout for overlaps.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from generator.model import Charter
from generator.pictures.base import Box, lines_box, outside_box, wrap


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
