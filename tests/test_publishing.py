"""Making the site one's own: the README's plugin options as written, and the site's address.

With `site_url` set, the sitemap lists every page, each page names its full address, and the
calendars' and the CSV's links to a pledge are absolute and open the pledge on the built site.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from urllib.parse import urldefrag, urlparse
from xml.etree import ElementTree

import icalendar
import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import ROOT, build
from published import SITE_URL, commit, pages, project, published_site

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return published_site(tmp_path_factory)


def readme_plugin_block() -> str:
    """The YAML block under the README's "The plugin's options" heading, as written."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## The plugin's options"):]
    found = re.search(r"```yaml\n(.*?)```", section, re.DOTALL)
    assert found is not None
    return found.group(1)


def on_the_site(url: str, site: Path) -> tuple[Path, str]:
    """The built file an absolute link of the site opens, and the anchor it scrolls to."""
    assert url.startswith(SITE_URL), url
    address, anchor = urldefrag(url)
    path = address[len(SITE_URL):]
    target = site / path
    return (target / "index.html" if path.endswith("/") or not path else target), anchor


def test_the_readme_plugin_options_build_exactly_as_written(tmp_path: Path) -> None:
    block = readme_plugin_block()
    assert "build_date: 2026-11-26" in block  # unquoted: YAML reads it as a date
    config = project(tmp_path / "readme")
    text = config.read_text(encoding="utf-8")
    # Swap the plugins for the README's block, verbatim; the rest of mkdocs.yml stays.
    plugins = yaml.safe_load(block)["plugins"]
    assert any(isinstance(p, dict) and "charters" in p for p in plugins)
    start = text.index("plugins:\n")
    end = re.compile(r"^[^\s-]", re.MULTILINE).search(text, start + len("plugins:\n"))
    assert end is not None
    config.write_text(text[:start] + block + text[end.start():], encoding="utf-8")
    commit(tmp_path / "readme")  # the block asks for history from git
    site = build(config)
    assert (site / "charters" / "wessex-healthcare-education" / "index.html").is_file()
    assert "overdue" in (site / "pledges.csv").read_text(encoding="utf-8-sig")


def test_the_sitemap_lists_every_page_at_its_full_address(site: Path) -> None:
    root = ElementTree.fromstring((site / "sitemap.xml").read_bytes())
    listed = {(loc.text or "").strip() for loc in root.iter(f"{SITEMAP}loc")}
    assert {SITE_URL + p for p in pages(site)} <= listed
    assert all(u.startswith(SITE_URL) for u in listed)


def test_each_page_names_its_full_address(site: Path) -> None:
    for path in pages(site):
        soup = BeautifulSoup((site / path).read_text(encoding="utf-8"), "html.parser")
        canonical = soup.find("link", rel="canonical")
        assert canonical is not None, path
        target, _ = on_the_site(str(canonical["href"]), site)
        assert target == site / path or target == (site / path).parent / "index.html", path


def test_calendar_links_are_absolute_and_open_the_pledge_on_the_built_site(site: Path) -> None:
    feeds = sorted(site.rglob("pledges.ics"))
    assert len(feeds) >= 3  # the site's, each charter's and each partner's
    checked = 0
    for feed in feeds:
        calendar = icalendar.Calendar.from_ical(feed.read_bytes())
        for event in calendar.walk("VEVENT"):
            url = str(event["URL"])
            assert url in str(event["DESCRIPTION"])
            target, anchor = on_the_site(url, site)
            assert target.is_file(), url
            if anchor:
                assert f'id="{anchor}"' in target.read_text(encoding="utf-8"), url
                checked += 1
    assert checked > 0


def test_csv_links_are_absolute_and_open_the_pledge_on_the_built_site(site: Path) -> None:
    rows = list(csv.DictReader(io.StringIO((site / "pledges.csv").read_text(
        encoding="utf-8-sig"), newline="")))
    assert rows
    for row in rows:
        target, anchor = on_the_site(row["url"], site)
        assert anchor == row["pledge"]
        assert f'id="{anchor}"' in target.read_text(encoding="utf-8"), row["url"]
        assert urlparse(row["url"]).path.endswith(f"/charters/{row['charter']}/")


def test_the_guide_gives_the_cron_line_and_the_time_of_the_daily_rebuild() -> None:
    guide = (ROOT / "docs" / "guide" / "start-your-own-site.md").read_text(encoding="utf-8")
    cron = re.search(r"^(\d+) (\d+) \* \* \* (.*)$", guide, re.MULTILINE)
    assert cron is not None
    assert "make site" in cron.group(3)
    assert "git pull" in cron.group(3).split("make site")[0]  # up to date before it builds
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "charters.yml").read_text(
        encoding="utf-8"))
    minute, hour = workflow[True]["schedule"][0]["cron"].split()[:2]
    assert f"each day at {int(hour):02}:{int(minute):02} UTC" in guide


def test_the_guide_has_a_windows_section_without_make() -> None:
    guide = (ROOT / "docs" / "guide" / "start-your-own-site.md").read_text(encoding="utf-8")
    windows = guide[guide.index("## Windows"):]
    windows = windows[:windows.index("\n## ", 1)]
    blocks = re.findall(r"```powershell\n(.*?)```", windows, re.DOTALL)
    assert blocks
    assert not any(re.search(r"\bmake\b", b) for b in blocks)
    assert any("mkdocs build --strict" in b for b in blocks)
    assert any("schtasks" in b for b in blocks)


def test_charter_and_partner_pages_give_their_calendars_full_address(site: Path) -> None:
    charter = BeautifulSoup((site / "charters" / "wessex-healthcare-education" / "index.html")
                            .read_text("utf-8"), "html.parser").get_text(" ")
    assert f"{SITE_URL}charters/wessex-healthcare-education/pledges.ics" in charter
    partner = BeautifulSoup((site / "partners" / "solent-nhs-trust" / "index.html")
                            .read_text("utf-8"), "html.parser").get_text(" ")
    assert f"{SITE_URL}partners/solent-nhs-trust/pledges.ics" in partner
