"""The five stages of a partnership as a cycle, the current one outlined and labelled."""

from __future__ import annotations

import math

from generator.pictures.base import (
    Box,
    bounds,
    coords,
    esc,
    lines_box,
    num,
    outside_box,
    svg,
    text_lines,
    uid,
    wrap,
)
from generator.spec import STAGE_LABELS, STAGES


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
                     f'<polygon class="cc-arrowhead" points="{coords(head)}"/>')
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
