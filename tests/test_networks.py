"""Wider networks: the networks a partner brings in, listed on its charter's page."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from pathlib import Path

from test_site import content, page, text

from conftest import ROOT
from generator.pictures.map_layout import map_layout, overlapping
from generator.source import read_all

SVG = "{http://www.w3.org/2000/svg}"


def test_the_charter_page_lists_each_partners_wider_networks(example_site: Path) -> None:
    body = content(page(example_site, "charters/wessex-healthcare-education"))
    heading = body.find("strong", string="Wider networks")
    assert heading is not None
    items = [text(li) for li in heading.find_next("ul").find_all("li")]
    assert items == [
        "Dorset County Hospital NHS Foundation Trust: Dorset GP federation; "
        "Dorset Integrated Care System",
        "Dorset Council, Adult Social Care: Dorset care home providers' forum",
    ]


def test_the_charter_pages_map_draws_each_network_as_a_ring_node_beyond_its_partner(
        example_site: Path) -> None:
    body = content(page(example_site, "charters/wessex-healthcare-education"))
    [picture] = body.select("svg.cc-engagement-map")
    root = ET.fromstring(str(picture))
    drawn = [("".join(g.find(f"{SVG}title").itertext()),  # type: ignore[union-attr]
              " ".join("".join(line.itertext()) for line in g.iter(f"{SVG}tspan")))
             for g in root.iter(f"{SVG}g") if g.get("class") == "cc-network"]
    hospital = "Dorset County Hospital NHS Foundation Trust"
    assert drawn == [
        (f"Dorset GP federation: a wider network {hospital} brings in", "Dorset GP federation"),
        (f"Dorset Integrated Care System: a wider network {hospital} brings in",
         "Dorset Integrated Care System"),
        ("Dorset care home providers' forum: a wider network Dorset Council, Adult Social Care "
         "brings in", "Dorset care home providers' forum"),
    ]
    rings = [g.find(f"{SVG}circle") for g in root.iter(f"{SVG}g") if g.get("class") == "cc-network"]
    assert all(r is not None and r.get("class") == "cc-network-node" for r in rings)
    words = next(d for d in body.select("details.cc-text-equivalent"))
    assert ("brings in the wider networks Dorset GP federation and Dorset Integrated Care System"
            in text(words))


def test_the_layout_puts_a_partners_networks_further_out_than_its_node() -> None:
    charters, problems = read_all([ROOT / "charters"])
    assert problems == []
    wessex = next(c for c in charters if c.id == "wessex-healthcare-education")
    layout = map_layout(wessex)
    nodes = {n.partner_id: n for n in layout.nodes}
    assert [(n.partner_id, n.name) for n in layout.networks] == [
        ("dorset-county-hospital", "Dorset GP federation"),
        ("dorset-county-hospital", "Dorset Integrated Care System"),
        ("dorset-council", "Dorset care home providers' forum")]
    for net in layout.networks:
        node = nodes[net.partner_id]
        x, y = net.ring
        assert math.hypot(x, y) > math.hypot(node.x, node.y)
    assert overlapping(list(layout.labels), (layout.hub, *layout.nodes), layout.networks) == []
