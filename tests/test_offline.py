"""One build read two ways: from a web server under a sub-path, and from disk (a shared drive).

Both ways, in Chromium: every navigation and table link lands on a page (never a folder
listing), search finds a pledge by its id, the register's filter filters, and the
self-assessment records an answer; no page loads anything from off this machine.
"""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag, urlparse

import pytest
from bs4 import BeautifulSoup

from published import chromium, local_page, pages, published_site, serve

pytestmark = pytest.mark.browser

LINKS = ".md-header a[href], .md-tabs a[href], .md-nav a[href], article table a[href]"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return published_site(tmp_path_factory)


@pytest.fixture(scope="module")
def http_base(site: Path) -> Iterator[str]:
    with serve(site) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


@pytest.fixture(params=["file", "http"])
def base(request: pytest.FixtureRequest, site: Path, http_base: str) -> str:
    """Where the site is read from: the folder on disk, or the server under /partnerships/."""
    return site.as_uri() + "/" if request.param == "file" else http_base


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    with local_page(browser) as pg:
        yield pg


def first_pledge(site: Path) -> tuple[str, str]:
    """(charter id, pledge id) of the first pledge in the published charters.json."""
    data = json.loads((site / "charters.json").read_text(encoding="utf-8"))
    charter = next(c for c in data["charters"] if c["pledges"])
    return charter["id"], charter["pledges"][0]["id"]


def html_at(url: str) -> str:
    """What the browser gets at `url` (no fragment): a file, or the server's answer."""
    parsed = urlparse(url)
    if parsed.scheme == "file":
        target = Path(unquote(parsed.path))
        assert target.is_file(), f"{url}: no such file (a folder opens as a listing from disk)"
        return target.read_text(encoding="utf-8")
    with urllib.request.urlopen(url) as response:  # raises on 404
        return str(response.read().decode("utf-8"))


def test_every_navigation_and_table_link_lands_on_a_page_of_the_site(
        page: Any, site: Path, base: str) -> None:
    targets: dict[str, set[str]] = {}  # page address -> anchors linked to on it
    for path in pages(site):
        page.goto(base + path)
        for href in page.eval_on_selector_all(LINKS, "links => links.map(a => a.href)"):
            if urlparse(href).scheme in ("file", "http"):
                address, anchor = urldefrag(href)
                targets.setdefault(address, set()).add(anchor)
    assert len(targets) > 10
    for address, anchors in targets.items():
        assert address.startswith(base), f"{address} is outside the site"
        html = html_at(address)  # a data file (CSV, calendar) need only be there
        if not urlparse(address).path.endswith(".html"):
            continue
        assert "md-content" in html, f"{address}: not a page of the site"
        assert "Directory listing" not in html, f"{address}: a folder listing"
        ids = {t["id"] for t in BeautifulSoup(html, "html.parser").find_all(id=True)}
        assert anchors - {""} <= ids, f"{address}: no anchor {anchors - {''} - ids}"


def test_search_finds_a_pledge_by_its_id(page: Any, site: Path, base: str) -> None:
    charter, pledge = first_pledge(site)
    page.goto(base + "index.html")
    search = page.locator("input[data-md-component=search-query]")
    search.click()  # the box shows at this width; from disk it was missing before
    search.press_sequentially(pledge)  # Material searches on key presses
    # Results link to the pledge's heading (search.highlight adds ?h=... before the anchor).
    hit = page.locator(f'.md-search-result__item a[href$="#{pledge}"]').first
    hit.wait_for()
    target = urlparse(hit.get_attribute("href") or "")
    assert target.path.endswith(f"/charters/{charter}/index.html")
    hit.click()
    page.wait_for_url(f"**/charters/{charter}/index.html*#{pledge}")
    assert page.locator(f"h4[id='{pledge}']").is_visible()


def test_the_register_filter_shows_only_the_pledges_it_asks_for(
        page: Any, base: str) -> None:
    page.goto(base + "pledges/index.html")
    count = page.locator("[data-cc-filter-count]")
    assert page.locator("form[data-cc-filter]").is_visible()
    rows = page.locator("[data-cc-row]")
    statuses = [rows.nth(i).get_attribute("data-status") for i in range(rows.count())]
    status = next(s for s in statuses if 0 < statuses.count(s) < len(statuses))
    page.select_option("[data-cc-filter-status]", status)
    shown = page.locator("tbody tr:visible")
    assert shown.count() == statuses.count(status)
    assert re.match(rf"{statuses.count(status)} of \d+ pledges? shown", count.inner_text())
    for i in range(shown.count()):
        assert shown.nth(i).locator(f'[data-cc-row][data-status="{status}"]').count() == 1


def test_the_self_assessment_records_an_answer_and_keeps_it(
        page: Any, site: Path, base: str) -> None:
    path = next(p for p in pages(site) if p.endswith("/self-assessment.html"))
    page.goto(base + path)
    assert page.locator(".sa-nojs").is_hidden()  # its script ran
    pillar = page.locator(".sa-pillar").first
    score = pillar.locator(".sa-score")
    before = score.inner_text()
    assert " 0 of " in before
    option = pillar.locator("input[type=radio][value='3']").first
    option.check()
    assert " 1 of " in score.inner_text()
    assert "average 3 of 4" in score.inner_text()
    page.reload()
    assert pillar.locator("input[type=radio][value='3']").first.is_checked()


def test_the_published_address_of_a_pledge_still_opens_it_from_the_server(
        page: Any, site: Path, http_base: str) -> None:
    # charters/<id>/#<pledge> is in e-mails, calendars and pull requests: the server serves the
    # folder's index.html, so the links the site now writes (index.html) did not break it.
    charter, pledge = first_pledge(site)
    page.goto(f"{http_base}charters/{charter}/#{pledge}")
    assert page.locator(f"h4[id='{pledge}']").is_visible()
    assert page.evaluate("location.hash") == f"#{pledge}"
