"""Every page on a phone (390 px wide) in Chromium: nothing makes the page scroll sideways.

Tables and wide pictures may scroll inside their own box; a picture whose words would shrink
below a readable size either keeps its drawn size in such a box or has its words next to it
(the map in words, the measurements table, the stage named in the text).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from published import KINDS, chromium, kind_of, local_page, pages, published_site

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
READABLE_PX = 8.95  # the smallest text a picture may show at phone width: 9 px, rounded

# Elements wider than the screen that are not inside a box that scrolls them.
LOOSE = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = el => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const style = getComputedStyle(p);
      const inside = p.getBoundingClientRect().right <= width + 1;
      if (["auto", "scroll"].includes(style.overflowX) && inside) return true;
    }
    return false;
  };
  return [...document.querySelectorAll("body *")].filter(el => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.right > width + 1 && !scrolls(el);
  }).map(el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
         (el.getAttribute("class") ? "." + el.getAttribute("class").split(" ").join(".") : ""))
    .slice(0, 5);
}"""

# Each picture with words: its smallest text as shown, whether it scrolls in its own box, and
# whether its words are also on the page beside it.
PICTURES = """() => [...document.querySelectorAll("article svg")].filter(svg =>
    svg.querySelector("text") && svg.viewBox.baseVal && svg.viewBox.baseVal.width).map(svg => {
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  const sizes = [...svg.querySelectorAll("text")].map(
    t => parseFloat(getComputedStyle(t).fontSize));
  const next = (svg.closest(".cc-figure, figure") || svg).nextElementSibling;
  const is = name => svg.classList.contains(name);
  const words =
    // the map in words, or a table of the same figures
    !!(next && next.matches("details.cc-text-equivalent, table, .md-typeset__scrollwrap")) ||
    // a chart with no measurements yet says so
    (is("cc-metric-chart") && !!next && next.matches("p")) ||
    // the stage cycle's stage is named in words above it
    (is("cc-stage-cycle") && !!document.querySelector(".cc-stage"));
  return {name: svg.getAttribute("class"), smallest: Math.min(...sizes) * scale, words};
})"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return published_site(tmp_path_factory)


@pytest.fixture(scope="module")
def phone(browser: Any) -> Iterator[Any]:
    with local_page(browser, viewport=PHONE, is_mobile=True, has_touch=True) as pg:
        yield pg


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


def test_no_page_of_any_kind_scrolls_sideways_on_a_phone(phone: Any, site: Path) -> None:
    seen: set[str] = set()
    wide: dict[str, Any] = {}
    for path in pages(site):
        phone.goto(site.joinpath(path).as_uri())
        width = phone.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            wide[path] = (width, phone.evaluate(LOOSE))
        seen.add(kind_of(path) or path)
    assert set(KINDS) <= seen  # every kind of page was looked at
    assert wide == {}


def test_pictures_on_a_phone_stay_readable_or_have_their_words_beside_them(
        phone: Any, site: Path) -> None:
    checked = 0
    for path in pages(site):
        if kind_of(path) not in ("charter", "self-assessment", "home"):
            continue
        phone.goto(site.joinpath(path).as_uri())
        for picture in phone.evaluate(PICTURES):
            checked += 1
            assert picture["smallest"] >= READABLE_PX or picture["words"], (path, picture)
    assert checked > 3


def test_the_engagement_map_keeps_its_drawn_size_in_a_box_of_its_own(
        phone: Any, site: Path) -> None:
    path = next(p for p in pages(site) if kind_of(p) == "charter")
    phone.goto(site.joinpath(path).as_uri())
    found = phone.evaluate(PICTURES)
    maps = [p for p in found if "cc-engagement-map" in p["name"]]
    assert maps
    assert all(p["smallest"] >= READABLE_PX for p in maps), maps
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_pledges_on_a_phone_show_their_status_first_and_within_the_screen(
        phone: Any, site: Path) -> None:
    for kind in ("register", "partner"):
        path = next(p for p in pages(site) if kind_of(p) == kind)
        phone.goto(site.joinpath(path).as_uri())
        rows = phone.evaluate("""() => [...document.querySelectorAll("article tbody tr")]
          .filter(row => row.querySelector(".cc-badge[class*='cc-status-']")).map(row => {
            const cells = [...row.children].map(c => c.getBoundingClientRect());
            const badge = row.querySelector(".cc-badge").closest("td").getBoundingClientRect();
            return {top: badge.top <= Math.min(...cells.map(c => c.top)),
                    inside: badge.left >= 0 && badge.right <= innerWidth};
          })""")
        assert rows, path
        assert all(r == {"top": True, "inside": True} for r in rows), (path, rows)


def test_the_register_filter_still_filters_the_cards_on_a_phone(phone: Any, site: Path) -> None:
    phone.goto(site.joinpath("pledges/index.html").as_uri())
    total = phone.locator("article tbody tr:visible").count()
    phone.select_option("[data-cc-filter-status]", "met")
    shown = phone.locator("article tbody tr:visible").count()
    assert 0 < shown < total


def test_other_wide_tables_scroll_inside_their_own_box(phone: Any, site: Path) -> None:
    path = next(p for p in pages(site) if kind_of(p) == "charter")
    phone.goto(site.joinpath(path).as_uri())
    boxes = phone.evaluate("""() => [...document.querySelectorAll("article table")]
      .filter(t => t.getBoundingClientRect().width > innerWidth).map(t => {
        const box = t.closest(".md-typeset__scrollwrap, .sa-table-wrap");
        return box ? getComputedStyle(box).overflowX : "no box";
      })""")
    assert boxes  # the metrics table is wider than a phone
    assert set(boxes) == {"auto"}


def test_a_partner_pages_tables_fit_a_desktop_screen_without_scrolling(
        browser: Any, site: Path) -> None:
    with local_page(browser, viewport={"width": 1280, "height": 800}) as desktop:
        for path in [p for p in pages(site) if kind_of(p) == "partner"]:
            desktop.goto(site.joinpath(path).as_uri())
            boxes = desktop.evaluate("""() => [...document.querySelectorAll(
                "article .md-typeset__scrollwrap")].map(b => b.scrollWidth - b.clientWidth)""")
            assert boxes, path
            assert max(boxes) <= 1, (path, boxes)  # the Status column is in sight
