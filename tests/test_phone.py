"""Every page on a phone (390 px wide) in Chromium: nothing makes the page scroll sideways.

Tables and wide pictures may scroll inside their own box; a picture whose words would shrink
below a readable size either keeps its drawn size in such a box or has its words next to it
(the map in words, the measurements table, the stage named in the text). Every picture's
words lie inside it and clear of each other as Chromium draws them. A few checks at desktop
width and in the dark palette cover what the phone rules leave alone (rows of buttons).
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


def with_pictures(site: Path) -> list[str]:
    """The pages that draw pictures: charters, self-assessments and the home page."""
    return [p for p in pages(site) if kind_of(p) in ("charter", "self-assessment", "home")]


def test_pictures_on_a_phone_stay_readable_or_have_their_words_beside_them(
        phone: Any, site: Path) -> None:
    checked = 0
    for path in with_pictures(site):
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


# Every picture's words as Chromium lays them out (getBBox, in the picture's own units): those
# outside its frame (cut off), and pairs of words that cover each other. A picture's layout
# estimates text widths; this checks the estimate against real glyphs.
WORDS_IN_FRAME = """() => [...document.querySelectorAll("article svg.cc-svg")].map(svg => {
  const frame = svg.viewBox.baseVal;
  const toSvg = svg.getScreenCTM().inverse();
  const boxes = [...svg.querySelectorAll("text")].map(t => {
    const b = t.getBBox(), m = toSvg.multiply(t.getScreenCTM());
    const at = (x, y) => new DOMPoint(x, y).matrixTransform(m);
    const a = at(b.x, b.y), c = at(b.x + b.width, b.y + b.height);
    return {words: t.textContent, x0: a.x, y0: a.y, x1: c.x, y1: c.y};
  }).filter(b => b.x1 > b.x0);
  const out = boxes.filter(b => b.x0 < frame.x - 0.5 || b.y0 < frame.y - 0.5 ||
    b.x1 > frame.x + frame.width + 0.5 || b.y1 > frame.y + frame.height + 0.5);
  const clash = [];
  boxes.forEach((a, i) => boxes.slice(i + 1).forEach(b => {
    if (a.x0 < b.x1 - 0.5 && b.x0 < a.x1 - 0.5 && a.y0 < b.y1 - 0.5 && b.y0 < a.y1 - 0.5)
      clash.push([a.words, b.words]);
  }));
  return {name: svg.getAttribute("class"), words: boxes.length,
          outside: out.map(b => b.words), clash};
})"""


def test_every_pictures_words_lie_inside_its_frame_and_clear_of_each_other(
        phone: Any, site: Path) -> None:
    maps = 0
    for path in with_pictures(site):
        phone.goto(site.joinpath(path).as_uri())
        for picture in phone.evaluate(WORDS_IN_FRAME):
            assert (picture["outside"], picture["clash"]) == ([], []), (path, picture)
            maps += "cc-engagement-map" in picture["name"] and picture["words"] > 0
    assert maps >= 2  # each example charter's map was measured


# Pairs of buttons in one paragraph closer than 4 px, side by side or one row over another.
CROWDED_BUTTONS = """() => [...document.querySelectorAll("article p")].flatMap(p => {
  const boxes = [...p.querySelectorAll(":scope > .md-button")].map(b => b.getBoundingClientRect());
  const near = [];
  boxes.forEach((a, i) => boxes.slice(i + 1).forEach(b => {
    const gap = Math.max(b.left - a.right, a.left - b.right, b.top - a.bottom, a.top - b.bottom);
    if (gap < 4) near.push([p.textContent.trim().slice(0, 40), Math.round(gap)]);
  }));
  return near;
})"""


def test_a_row_of_buttons_that_wraps_on_a_desktop_keeps_its_buttons_apart(
        browser: Any, site: Path) -> None:
    # A partner page's three buttons (CSV, calendar, feed) take two rows in the content column.
    wrapped = 0
    with local_page(browser, viewport={"width": 1280, "height": 800}) as desktop:
        paths = [p for p in pages(site) if kind_of(p) in ("partner", "charter")]
        for path in [*paths, "changes.html"]:
            desktop.goto(site.joinpath(path).as_uri())
            assert desktop.evaluate(CROWDED_BUTTONS) == [], path
            wrapped += desktop.evaluate("""() => [...document.querySelectorAll("article p")]
              .some(p => new Set([...p.querySelectorAll(":scope > .md-button")]
                .map(b => b.getBoundingClientRect().top)).size > 1)""")
    assert wrapped  # some row did wrap, so the rows' spacing was measured too


def test_buttons_read_at_4_5_to_1_in_the_dark_palette(browser: Any, site: Path) -> None:
    from axe_playwright_python.sync_playwright import Axe

    with local_page(browser, viewport={"width": 1280, "height": 800}) as desktop:
        for kind in ("partner", "charter"):
            path = next(p for p in pages(site) if kind_of(p) == kind)
            desktop.goto(site.joinpath(path).as_uri())
            desktop.add_style_tag(content="* { transition: none !important; }")
            # What the palette toggle does to the page (Material's script, palette.ts)
            desktop.evaluate("document.body.setAttribute('data-md-color-scheme', 'slate')")
            results = Axe().run(desktop, context={"include": [["article .md-button"]]},
                                options={"runOnly": {"type": "rule", "values": ["color-contrast"]}})
            checked = results.response["passes"] + results.response["violations"]
            assert checked, path  # the buttons were looked at
            assert results.response["violations"] == [], (path, [
                n["failureSummary"] for v in results.response["violations"] for n in v["nodes"]])
