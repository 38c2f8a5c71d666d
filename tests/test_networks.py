"""Wider networks: the networks a partner brings in, listed on its charter's page."""

from __future__ import annotations

from pathlib import Path

from test_site import content, page, text


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
