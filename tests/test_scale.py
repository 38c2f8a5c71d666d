"""What a charter's size costs: N partners and N pledges made to all of them stay linear."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup

from conftest import SiteBuilder


def everyone(n: int) -> str:
    """A valid charter of `n` partners, each of which makes one pledge to all the others."""
    partners = "".join(f"  - id: p-{i:04d}\n    name: Partner organisation {i}\n"
                       for i in range(n))
    pledges = "".join(f"  - id: P-{i:04d}\n    by: p-{i:04d}\n    to: [all]\n"
                      f"    text: Pledge {i} to every partner.\n    owner: Lead {i}\n"
                      "    status: active\n" for i in range(n))
    return (f"title: Everyone\nsummary: Everyone pledges to everyone.\nhub: p-0000\n"
            f"partners:\n{partners}vision:\n  statement: All of us.\npledges:\n{pledges}")


def published_bytes(site: Path) -> int:
    """What the build published from the charters: every page and feed but the theme's."""
    return sum(p.stat().st_size for p in site.rglob("*") if p.is_file()
               and p.relative_to(site).parts[0] not in ("assets", "stylesheets", "javascripts",
                                                         "search", "guide", "images"))


def test_pledges_to_all_cost_linear_output_and_every_partner_page_links_to_them(
        site_builder: SiteBuilder, tmp_path: Path) -> None:
    sizes = {}
    for n in (100, 300):
        site = site_builder({"everyone.yaml": everyone(n)})
        sizes[n] = published_bytes(site)
        page = BeautifulSoup((site / "partners" / "p-0007" / "index.html").read_text("utf-8"),
                             "html.parser")
        assert f"{n - 1} pledges to all partners" in page.get_text(" ")
        register = (site / "pledges" / "index.html").read_text("utf-8")
        assert "P-0099" in register
        # The page that would grow fastest: each partner listed once, not once per pledge.
        assert register.count("p-0005") < 10
        (tmp_path / "project").rename(tmp_path / f"project-{n}")
    # Three times the partners and pledges: about three times the output, not nine.
    assert 2.5 * sizes[100] < sizes[300] < 4 * sizes[100], sizes
