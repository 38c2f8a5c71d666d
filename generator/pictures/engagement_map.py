"""The engagement map: the hub, a spoke to every partner, direct links, mechanism markers, the
partners' wider networks as an outer ring, a key.

What was declared (the mechanisms) is the spoke's dash style and its markers; what happened
(meetings attended in the 12 months to the build date, from the engagement log) is the width of
a band under the spoke, and the count in words in the spoke's <title> and the picture's <desc>.
`engagement_text` says in sentences what the picture shows, for the page and the SVG's <desc>.
"""

from __future__ import annotations

import datetime as dt
import math

from generator.model import Charter, Mechanism, Partner
from generator.pictures.base import Box, bounds, coords, esc, num, svg, text_lines, uid
from generator.pictures.map_layout import NETWORK_R, Link, MapLayout, map_layout
from generator.spec import SECTORS

IN_PERSON = ("face-to-face", "on-site")


def mechanism_text(mechanism: Mechanism) -> str:
    """'Partnership board (face-to-face, quarterly)'."""
    extra = f", {mechanism.frequency}" if mechanism.frequency else ""
    return f"{mechanism.name} ({mechanism.mode}{extra})"


def partner_text(partner: Partner) -> str:
    """'Solent NHS Trust (health)'."""
    return f"{partner.name} ({partner.sector or 'sector not given'})"


def attended_text(charter: Charter, partner_id: str, today: dt.date) -> str:
    """'attended 3 of the 7 meetings that reach it in the 12 months to 2026-11-30'."""
    e = charter.engagement_of(partner_id, today)
    noun = "meeting" if e.expected == 1 else "meetings"
    return (f"attended {e.attended} of the {e.expected} {noun} that reach it in the 12 months "
            f"to {today.isoformat()}")


def networks_text(partner: Partner) -> str:
    """'; brings in the wider networks A and B' (empty when it names none)."""
    if not partner.networks:
        return ""
    noun = "network" if len(partner.networks) == 1 else "networks"
    names = list(partner.networks)
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"; brings in the wider {noun} {listed}"


def engagement_text(charter: Charter, today: dt.date | None = None) -> list[str]:
    """Plain sentences saying what the engagement map shows, one per partner, hub first.

    With `today` (the build date) and an engagement log, each says the meetings attended."""
    hub = charter.partner(charter.hub)
    others = [p for p in charter.partners if p.id != charter.hub]
    names = {p.id: p.name for p in charter.partners}
    logged = today is not None and bool(charter.meetings)
    out = [f"{partner_text(hub)} is the hub; every other partner is linked to it"
           f"{networks_text(hub)}."]
    for partner in others:
        reached = [mechanism_text(m) for m in charter.engagement.mechanisms
                   if m.reaches(partner.id)]
        how = ("reached by " + "; ".join(reached) if reached
               else "not reached by any engagement mechanism")
        ties = sorted({names[b if a == partner.id else a] for a, b in charter.engagement.links
                       if partner.id in (a, b) and charter.hub not in (a, b)
                       and a in names and b in names and a != b})
        also = f"; also linked directly to {' and '.join(ties)}" if ties else ""
        met = f"; {attended_text(charter, partner.id, today)}" if logged and today else ""
        out.append(f"{partner_text(partner)} is linked to the hub {hub.name}; {how}{also}{met}"
                   f"{networks_text(partner)}.")
    return out


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
    return f'<polygon {at} points="{coords(pts)}"/>'


# Widths of the band under a spoke: the partner with the most meetings attended gets the widest.
# The narrowest shows 2 units either side of its 2-unit spoke: at 4 it read, printed or on a
# scaled-down map, as the bare spoke of a partner that attended none.
BAND_MIN, BAND_MAX = 6.0, 16.0


def band_width(count: int, most: int) -> float:
    """How wide the band is for `count` meetings attended, when the most any partner attended
    is `most`: wider for more, none for none."""
    if count <= 0 or most <= 0:
        return 0.0
    return BAND_MIN + (BAND_MAX - BAND_MIN) * (count - 1) / max(most - 1, 1)


def engagement_map(charter: Charter, today: dt.date | None = None) -> str:
    """The hub, a spoke to every partner, extra links, mechanism markers, names, the partners'
    wider networks and a legend; with `today` (the build date), meetings attended as well."""
    ident = uid("map", charter.id)
    lay = map_layout(charter)
    mechanisms = charter.engagement.mechanisms
    partners = {p.id: p for p in charter.partners}
    logged = today if charter.meetings else None
    attended = ({n.partner_id: charter.engagement_of(n.partner_id, logged).attended
                 for n in lay.nodes} if logged else {})
    most = max(attended.values(), default=0)
    links = [_link(link, partners) for link in lay.links]
    bands, spokes, marks, shapes = [], [], [], []
    for node in lay.nodes:
        reached = [(k, m) for k, m in enumerate(mechanisms) if m.reaches(node.partner_id)]
        kind = ("none" if not reached else "inperson"
                if any(m.mode in IN_PERSON for _, m in reached) else "remote")
        dash = {"inperson": "", "remote": ' stroke-dasharray="7 4"',
                "none": ' stroke-dasharray="1 4"'}[kind]
        partner = partners[node.partner_id]
        said = f"{partner.name}: {_DECLARED[kind]}"
        if logged:
            said += f"; {attended_text(charter, node.partner_id, logged)}"
            width = band_width(attended[node.partner_id], most)
            if width:
                bands.append(_band(width, node.x, node.y, said))
        spokes.append(f'<line class="cc-spoke cc-spoke-{kind}" stroke-width="2"{dash} x1="0" '
                      f'y1="0" x2="{num(node.x)}" y2="{num(node.y)}"><title>{esc(said)}</title>'
                      f"</line>")
        for k, m in reached:
            r = lay.marker_radii[k]
            marks.append(marker(k, m, r * math.cos(node.angle), r * math.sin(node.angle),
                                lay.marker_r, f" reaches {partners[node.partner_id].name}"))
        shapes.append(f'<g class="cc-node"><title>{esc(partner_text(partner))}</title>'
                      f"{shape(partner.sector, node.x, node.y, node.r, _sector_cls(partner))}</g>")
    hub = partners[charter.hub]
    shapes.append(f'<g class="cc-node cc-hub"><title>{esc(partner_text(hub))}, the hub</title>'
                  f"{shape(hub.sector, 0, 0, lay.hub.r, _sector_cls(hub) + ' cc-hub-shape')}</g>")
    words = [text_lines(list(lb.lines), lb.box, lb.anchor, lb.size,
                        "cc-label cc-hub-label" if lb.partner_id == charter.hub else "cc-label")
             for lb in lay.labels]
    apexes = [_apex(link) for link in lay.links]
    area = bounds([lb.box for lb in lay.labels] + [n.box for n in lay.networks]
                  + [n.box for n in (lay.hub, *lay.nodes)] + apexes, 10)
    spare = max(0.0, 560 - (area.x1 - area.x0)) / 2  # centre a small map over the legend
    area = Box(area.x0 - spare, area.y0, area.x1 + spare, area.y1)
    legend, bottom = map_legend(charter, area, logged, most)
    body = "".join(bands + links + spokes + shapes + marks + words + _networks(lay, partners))
    body += legend
    desc = " ".join(engagement_text(charter, logged))
    return svg(ident, Box(area.x0, area.y0, area.x1, bottom),
               f"Engagement map of {charter.title}", desc, body, "cc-engagement-map")


_DECLARED = {"inperson": "reached in person by at least one mechanism",
             "remote": "reached only virtually or in writing",
             "none": "reached by no mechanism"}


def _band(width: float, x: float, y: float, said: str) -> str:
    # Under the spoke, in the text colour made faint, so it shows in any palette and in print.
    return (f'<line class="cc-attended" stroke="currentColor" stroke-opacity="0.3" '
            f'stroke-linecap="round" stroke-width="{num(width)}" x1="0" y1="0" x2="{num(x)}" '
            f'y2="{num(y)}"><title>{esc(said)}</title></line>')


def _networks(lay: MapLayout, partners: dict[str, Partner]) -> list[str]:
    """The outer ring: each network a small ring node with its name, beyond its partner's."""
    out = []
    for n in lay.networks:
        cx, cy = n.ring
        whose = partners[n.partner_id].name
        lines = "".join(f'<tspan x="{num(n.text_x)}" y="{num(y)}">{esc(line)}</tspan>'
                        for line, y in zip(n.lines, n.baselines, strict=True))
        said = (f"{n.count} more wider networks {whose} brings in: {n.name}" if n.count > 1
                else f"{n.name}: a wider network {whose} brings in")
        out.append(f'<g class="cc-network"><title>{esc(said)}</title>'
                   f'<circle class="cc-network-node" fill="none" '
                   f'stroke="currentColor" stroke-width="1.5" cx="{num(cx)}" cy="{num(cy)}" '
                   f'r="{num(NETWORK_R)}"/><text class="cc-label cc-network-label" '
                   f'font-size="{num(n.size)}" text-anchor="{n.anchor}">{lines}</text></g>')
    return out


def _sector_cls(partner: Partner) -> str:
    return f"cc-shape cc-sector-{partner.sector if partner.sector in SECTORS else 'other'}"


def _apex(link: Link) -> Box:
    """Round the middle of a link's curve, which may reach past every node and label (two
    partners either side of the hub): the picture's frame must hold it."""
    x, y = link.at(0.5)
    return Box(x - 3, y - 3, x + 3, y + 3)


def _link(link: Link, partners: dict[str, Partner]) -> str:
    a, b, (cx, cy) = link.a, link.b, link.control
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


def map_legend(charter: Charter, area: Box, today: dt.date | None = None,
               most: int = 0) -> tuple[str, float]:
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
    if today is not None:
        samples = sorted({most, (most + 1) // 2, 1} - {0}, reverse=True)
        groups.append((f"Meetings attended in the 12 months to {today.isoformat()}", [
            *((_legend_band(band_width(k, most)),
               f"band: attended {k} meeting{'s' if k != 1 else ''}") for k in samples),
            (_legend_line("cc-spoke cc-spoke-inperson", ""), "no band: attended none")]))
    if any(p.networks for p in charter.partners):
        groups.append(("Outer ring", [(_legend_network(),
                                       "a partner's wider network")]))
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


def _legend_band(width: float) -> str:
    return (f'<line class="cc-attended" stroke="currentColor" stroke-opacity="0.3" '
            f'stroke-linecap="round" stroke-width="{num(width)}" x1="-6" y1="0" x2="6" y2="0"/>'
            + _legend_line("cc-spoke cc-spoke-inperson", ""))


def _legend_network() -> str:
    return (f'<circle class="cc-network-node" fill="none" stroke="currentColor" '
            f'stroke-width="1.5" cx="0" cy="0" r="{num(NETWORK_R)}"/>')


def _legend_line(cls: str, dash: str) -> str:
    pattern = f' stroke-dasharray="{dash}"' if dash else ""
    return f'<line class="{cls}" stroke-width="2"{pattern} x1="-9" y1="0" x2="9" y2="0"/>'
