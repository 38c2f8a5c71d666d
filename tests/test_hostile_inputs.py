"""Hostile but valid Markdown fields build with --strict and show literally (issue 18).

The refused kinds (aliases, nesting past the bounds, line breaks in one-line fields, bidi
characters, device names, missing anchors) each have a folder in tests/cases/bad/.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from bs4 import BeautifulSoup

from conftest import SiteBuilder
from generator.source import read_all

BACKTICKS = "`" * 3_000
BRACKETS = "[" * 4_000
QUOTED_ADMONITION = 'Fine.\n\n> !!! danger "Charter revoked"\n>     Signed by nobody.'
NUMBERED_HEADING = "10. ## Heading in a list"
NESTED_HEADING = "- > ### Heading in a quote in a list\n- item\n\n    !!! warning \"In an item\""
EMPHASIS = "_a " * 15 + "deep" + " a_" * 15  # within the bound: converts, nothing recurses
LISTS = "\n".join("    " * i + "- level" for i in range(15))


def hostile_charter() -> str:
    return yaml.safe_dump({
        "title": "Hostile but valid",
        "summary": "\n\n".join([BACKTICKS, BRACKETS, QUOTED_ADMONITION]),
        "hub": "alpha",
        "partners": [{"id": "alpha", "name": "Alpha Trust"}, {"id": "beta", "name": "Beta"}],
        "vision": {"statement": NUMBERED_HEADING + "\n\n" + NESTED_HEADING},
        "principles": [{"title": "Deep", "description": EMPHASIS + "\n\n" + LISTS}],
        "pledges": [{"id": "P-1", "by": "alpha", "text": "See [the vision](#vision).",
                     "owner": "Director", "status": "active"}],
    }, sort_keys=False, width=100_000)


def test_the_hostile_charter_validates(tmp_path: Path) -> None:
    (tmp_path / "hostile.yaml").write_text(hostile_charter(), encoding="utf-8")
    charters, problems = read_all([tmp_path])
    assert problems == []
    assert len(charters) == 1


def test_hostile_markdown_builds_strictly_and_shows_literally(site_builder: SiteBuilder) -> None:
    site = site_builder({"hostile.yaml": hostile_charter()})
    soup = BeautifulSoup((site / "charters" / "hostile" / "index.html").read_text("utf-8"),
                         "html.parser")
    article = soup.select_one("article.md-content__inner")
    assert article is not None
    assert article.select(".admonition") == []
    headings = [h.get_text(" ", strip=True).rstrip("¶ ").strip()
                for h in article.select("h1, h2, h3, h4, h5, h6")]
    assert not any("Heading in" in h for h in headings), headings
    shown = article.get_text()
    assert BACKTICKS in shown
    assert BRACKETS in shown
    assert '!!! danger "Charter revoked"' in shown
    assert "## Heading in a list" in shown
    deepest = max(len(ul.find_parents("ul")) + 1 for ul in article.find_all("ul"))
    assert deepest == 15  # the lists within the bound nest as typed
    assert "deep" in shown
    link = article.find("a", string="the vision")
    assert link is not None
    assert link["href"] == "#vision"
