"""Pages printed to A4 PDF by Chromium and read back (pypdf), as a board would get them on paper.

A charter prints as the document the partners sign: its title and as-of date, every pledge
whole on one page, a signature block for each partner, numbered pages, and nothing that only
works on a screen. Partner pages and the register print every column; the self-assessment
prints one pillar to a page. Nothing is wider than the printable area.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from conftest import BUILD_DATE
from published import kind_of, pages, printable_page, published_site

pytestmark = pytest.mark.browser

SCREEN_ONLY = ("Also as data", "Edit this page", "Pledge register", "Back to top")

# Elements laid out wider than the printable area under print styles.
TOO_WIDE = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll("article *")].filter(el => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.right > width + 1;
  }).map(el => el.tagName.toLowerCase() + "." + (el.getAttribute("class") || "")).slice(0, 5);
}"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return published_site(tmp_path_factory)


@pytest.fixture(scope="module")
def printer() -> Iterator[Any]:
    """A page laid out at the printable width, with print styles, that prints to PDF."""
    with printable_page() as page:
        page.emulate_media(media="print")
        yield page


def printed(printer: Any, site: Path, path: str) -> list[str]:
    """The text of each printed page of `path`, whitespace folded; checks nothing overflows."""
    printer.goto(site.joinpath(path).as_uri())
    assert printer.evaluate(TOO_WIDE) == [], f"{path}: wider than the printable area"
    pdf = PdfReader(io.BytesIO(printer.pdf(prefer_css_page_size=True)))
    return [page.extract_text() for page in pdf.pages]


# The smallest words a printed picture may carry: 6 pt, the usual floor on paper, in CSS px.
PRINT_READABLE_PX = 6 * 96 / 72

# Each engagement map as printed: its smallest words (scaled to the page), its top-most word,
# its last word.
MAPS = """() => [...document.querySelectorAll("article svg.cc-engagement-map")].map(svg => {
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  const texts = [...svg.querySelectorAll("text")];
  const top = texts.reduce((a, b) => b.getBBox().y < a.getBBox().y ? b : a);
  const own = el => [...el.childNodes].filter(n => n.nodeType === Node.TEXT_NODE)
    .map(n => n.data).join("");  // not its <title>
  const line = t => own(t.querySelector("tspan") || t);
  return {smallest: Math.min(...texts.map(t => parseFloat(getComputedStyle(t).fontSize))) * scale,
          first: line(top), last: line(texts[texts.length - 1])};
})"""


def html(site: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup(site.joinpath(path).read_text(encoding="utf-8"), "html.parser")


def charters(site: Path) -> dict[str, dict[str, Any]]:
    data = json.loads((site / "charters.json").read_text(encoding="utf-8"))
    return {c["id"]: c for c in data["charters"]}


def test_each_charter_prints_as_a_document_to_sign(printer: Any, site: Path) -> None:
    found = charters(site)
    assert found
    for charter_id, charter in found.items():
        path = f"charters/{charter_id}/index.html"
        texts = printed(printer, site, path)
        whole = "\n".join(texts)
        pledges, partners = charter["pledges"], charter["partners"]
        # Compact: at most a page for the opening sections, one for every two pledges and one
        # per metric (each with its chart), and one for signatures.
        assert 1 <= len(texts) <= 2 + len(pledges) // 2 + len(charter["metrics"]) + 1, len(texts)
        assert texts[0].find(charter["title"].split(",")[0]) != -1
        assert f"As of {BUILD_DATE.isoformat()}" in texts[0]
        for number, text in enumerate(texts, start=1):
            assert f"Page {number} of {len(texts)}" in text, (path, number)
        for words in SCREEN_ONLY:
            assert words not in whole, (path, words)
        signatures = whole[whole.index("Signatures"):]
        for partner in partners:
            assert partner["name"].split(",")[0] in signatures, partner["name"]
        assert signatures.count("Signature") - 1 >= len(partners)  # the heading, then a line each
        assert signatures.count("Date") >= len(partners)


def test_no_pledge_is_split_across_printed_pages(printer: Any, site: Path) -> None:
    for charter_id, charter in charters(site).items():
        texts = printed(printer, site, f"charters/{charter_id}/index.html")
        ids = {p["id"] for p in charter["pledges"]}
        placed = 0
        for text in texts:
            lines = [line.strip() for line in text.splitlines()]
            heads = [i for i, line in enumerate(lines) if line in ids]
            for start, end in zip(heads, [*heads[1:], len(lines)], strict=False):
                block = " ".join(lines[start:end])
                for fact in ("By:", "Owner:", "Due:"):
                    assert fact in block, (charter_id, lines[start], fact)
                placed += 1
        assert placed == len(ids), f"{charter_id}: every pledge printed, each once"


def test_the_engagement_map_prints_whole_on_one_page_in_words_of_at_least_6_pt(
        printer: Any, site: Path) -> None:
    # The map shrinks to the printable width: a wider map (one network named on one long line)
    # printed its mechanism numbers at 5.5 pt.
    for charter_id in charters(site):
        path = f"charters/{charter_id}/index.html"
        texts = [" ".join(t.split()) for t in printed(printer, site, path)]
        [found] = printer.evaluate(MAPS)
        assert found["smallest"] >= PRINT_READABLE_PX, (path, found)
        on = [i for i, t in enumerate(texts) if found["last"] in t]
        assert on, (path, found["last"])
        assert found["first"] in texts[on[0]], (path, "the map is cut across pages")


@pytest.mark.parametrize("kind", ["partner", "register"])
def test_partner_pages_and_the_register_print_every_column(
        printer: Any, site: Path, kind: str) -> None:
    path = next(p for p in pages(site) if kind_of(p) == kind)
    headers = [th.get_text(" ", strip=True) for th in html(site, path).select("article th")]
    assert "Status" in headers
    texts = printed(printer, site, path)
    first = texts[0]
    heading = html(site, path).select_one("article h1")
    assert heading is not None
    assert heading.get_text(strip=True).rstrip("¶") in first  # the first page is not blank
    whole = " ".join(" ".join(texts).split())
    for header in set(headers):
        assert header in whole, (path, header)
    statuses = [b.get_text(" ", strip=True)
                for b in html(site, path).select("article td .cc-badge")]
    assert statuses
    for badge in statuses:  # the last column is printed whole, not cut at the page's edge
        assert " ".join(badge.split()) in whole, (path, badge)
    if kind == "partner":  # its facts share a line with its (screen-only) data buttons
        assert "Sector:" in whole


def test_the_self_assessment_prints_one_pillar_to_a_page(printer: Any, site: Path) -> None:
    path = next(p for p in pages(site) if kind_of(p) == "self-assessment")
    soup = html(site, path)
    titles = []
    for pillar in soup.select(".sa-pillar"):
        heading = pillar.find_previous("h3")
        assert heading is not None
        titles.append(" ".join(heading.get_text(" ", strip=True).rstrip("¶").split()))
    assert len(titles) > 3
    texts = [" ".join(t.split()) for t in printed(printer, site, path)]
    where = [next(i for i, t in enumerate(texts) if re.sub(r"\s*¶$", "", title) in t)
             for title in titles]
    assert len(set(where)) == len(where), dict(zip(titles, where, strict=True))
