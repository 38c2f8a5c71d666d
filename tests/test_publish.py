"""generator.publish: a build made again from its cache equals a build made from nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import BUILD_DATE, ROOT
from generator.publish import Cache, Settings, build_site
from generator.render import Output

SETTINGS = Settings(BUILD_DATE, history=False, placeholders=True)


class Disk:
    """A sink that keeps what was put, as the plugin's page cache keeps files."""

    def __init__(self) -> None:
        self.files: dict[str, str | bytes] = {}
        self.put_now: set[str] = set()

    def has(self, path: str) -> bool:
        return path in self.files

    def put(self, path: str, output: Output) -> None:
        self.files[path] = output.content
        self.put_now.add(path)


@pytest.fixture
def short_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    """Lists of two rows a page: the register and partners' lists spread over several."""
    from generator import render

    monkeypatch.setattr(render, "PAGE_ROWS", 2)


def built_copy(tmp_path: Path) -> tuple[Path, Cache, Disk]:
    """A copy of the example charters, built once into a cache and a disk."""
    charters = tmp_path / "charters"
    shutil.copytree(ROOT / "charters", charters)
    cache, disk = Cache(), Disk()
    build_site(charters, SETTINGS, disk, cache)
    return charters, cache, disk


def fresh(charters: Path) -> dict[str, str | bytes]:
    disk = Disk()
    build_site(charters, SETTINGS, disk)
    return disk.files


def test_an_edit_makes_again_exactly_what_reads_the_edited_charter(tmp_path: Path) -> None:
    charters = tmp_path / "charters"
    shutil.copytree(ROOT / "charters", charters)
    cache, disk = Cache(), Disk()
    first = build_site(charters, SETTINGS, disk, cache)
    assert first.rendered == len(disk.files)  # nothing cached yet: everything made

    disk.put_now.clear()
    again = build_site(charters, SETTINGS, disk, cache)
    assert (again.rendered, disk.put_now) == (0, set())  # nothing changed: nothing made

    path = charters / "riverside-food-poverty.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "Share anonymised", "Share freshly edited"), encoding="utf-8")
    build_site(charters, SETTINGS, disk, cache)
    made = disk.put_now
    assert "charters/riverside-food-poverty/index.md" in made
    assert "partners/city-public-health/index.md" in made  # RF-1's maker
    assert "pledges/index.md" in made
    assert "pledges.csv" in made
    assert "charters/wessex-healthcare-education/index.md" not in made
    assert "partners/solent-nhs-trust/index.md" not in made  # only in the other charter
    # What the cache kept and what it made again is, to the byte, a build from nothing.
    assert disk.files == fresh(charters)


def test_a_new_build_date_makes_everything_again(tmp_path: Path) -> None:
    cache, disk = Cache(), Disk()
    build_site(ROOT / "charters", SETTINGS, disk, cache)
    disk.put_now.clear()
    later = Settings(BUILD_DATE.replace(year=BUILD_DATE.year + 1), history=False,
                     placeholders=True)
    site = build_site(ROOT / "charters", later, disk, cache)
    assert site.rendered == len(disk.files)
    assert disk.put_now == set(disk.files)


def test_renaming_a_partner_in_the_registry_makes_its_pages_again(tmp_path: Path) -> None:
    charters, cache, disk = built_copy(tmp_path)
    registry = charters / "partners.yaml"
    text = registry.read_text(encoding="utf-8")
    assert "name: Solent NHS Trust" in text
    registry.write_text(text.replace("name: Solent NHS Trust", "name: Solent Health"),
                        encoding="utf-8")
    disk.put_now.clear()
    build_site(charters, SETTINGS, disk, cache)
    assert "charters/wessex-healthcare-education/index.md" in disk.put_now
    assert "Solent Health" in str(disk.files["partners/solent-nhs-trust/index.md"])
    assert disk.files == fresh(charters)


def test_a_page_of_a_list_is_made_again_when_an_earlier_page_gains_a_row(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import render

    monkeypatch.setattr(render, "PAGE_ROWS", 4)  # the register spreads over several pages
    charters, cache, disk = built_copy(tmp_path)
    assert "pledges/page_3.md" in disk.files
    path = charters / "riverside-food-poverty.yaml"  # its pledges come first in the register
    text = path.read_text(encoding="utf-8")
    rf3 = ("  - id: RF-3\n    by: riverside-food-bank\n    text: Host every steering group "
           "meeting at the food bank, with a meal.\n    owner: Coordinator\n    status: active\n")
    assert rf3 in text
    path.write_text(text.replace(rf3, ""), encoding="utf-8")
    build_site(charters, SETTINGS, disk, cache)
    # Later pages hold other rows now, though none of their charters changed.
    assert disk.files == fresh(charters)


def test_the_page_cache_does_not_take_a_file_another_build_rewrote_for_its_own(
        tmp_path: Path) -> None:
    import os

    from generator.plugin import _PageCache

    cache = _PageCache(tmp_path)
    assert not cache.has("index.md")
    cache.put("index.md", Output("# Ours\n"))
    assert cache.has("index.md")
    (tmp_path / "index.md").write_text("# Another build's\n", encoding="utf-8")
    os.utime(tmp_path / "index.md", ns=(1, 1))
    assert not cache.has("index.md")


@pytest.mark.parametrize(("edit", "before", "after"), [
    # A pledge's text, status, due date and recipients; a charter's title; a partner's name.
    ("riverside-food-poverty.yaml", "Train six volunteers", "Train seven volunteers"),
    ("riverside-food-poverty.yaml", "2027-02-28\n    status: proposed",
     "2027-02-28\n    status: at-risk"),
    ("riverside-food-poverty.yaml", "due: 2027-02-28", "due: 2025-02-28"),
    ("riverside-food-poverty.yaml", "to: [riverside-food-bank]", "to: [all]"),
    ("riverside-food-poverty.yaml", "title: Riverside Food Poverty Alliance",
     "title: Riverside Food Alliance"),
    ("partners.yaml", "name: Solent NHS Trust", "name: Solent Health"),
])
def test_list_pages_named_by_what_their_rows_show_are_never_stale(
        tmp_path: Path, short_lists: None, edit: str, before: str,
        after: str) -> None:
    # The register and the partners' pages name their rows by what each shows (RowPrints),
    # not by whole charters: a save remakes fewer pages, and never leaves one stale.
    charters, cache, disk = built_copy(tmp_path)
    path = charters / edit
    text = path.read_text(encoding="utf-8")
    assert before in text
    path.write_text(text.replace(before, after, 1), encoding="utf-8")
    disk.put_now.clear()
    build_site(charters, SETTINGS, disk, cache)
    assert disk.put_now  # the edit shows somewhere
    assert disk.files == fresh(charters)


def test_an_edit_to_one_pledge_remakes_only_the_list_pages_that_show_it(
        tmp_path: Path, short_lists: None) -> None:
    charters, cache, disk = built_copy(tmp_path)
    lists = {p for p in disk.files if p.startswith(("pledges/", "partners/")) and
             p.endswith(".md")}
    path = charters / "riverside-food-poverty.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "Train six volunteers", "Train seven volunteers"), encoding="utf-8")
    disk.put_now.clear()
    build_site(charters, SETTINGS, disk, cache)
    remade = disk.put_now & lists
    # RF-2's row is on one page of its maker's list, one of its recipient's and one of the
    # register's; the other pages listing the charter's pledges stay as they were.
    assert len([p for p in remade if p.startswith("pledges/")]) == 1
    assert len([p for p in remade if p.startswith("partners/community-research-unit/")]) == 1
    assert len([p for p in remade if p.startswith("partners/riverside-food-bank/")]) == 1
    # Other partners' pages are made again only for the charter's engagement log, which
    # their first page shows: never the further pages of their lists.
    others = remade - {p for p in remade if p.startswith(
        ("pledges/", "partners/community-research-unit/", "partners/riverside-food-bank/"))}
    assert all(p.endswith("/index.md") for p in others)
    assert len([p for p in lists if p.startswith("pledges/")]) > 3
    assert disk.files == fresh(charters)


def test_the_register_follows_a_change_in_the_order_of_a_charters_partners(
        tmp_path: Path) -> None:
    # The register's filter lists a pledge's recipients in its charter's partner order.
    charters = tmp_path / "charters"
    shutil.copytree(ROOT / "charters", charters)
    path = charters / "riverside-food-poverty.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("    by: city-public-health\n", "    by: city-public-health\n"
                        "    to: [community-research-unit, riverside-food-bank]\n", 1)
    path.write_text(text, encoding="utf-8")
    cache, disk = Cache(), Disk()
    build_site(charters, SETTINGS, disk, cache)
    start = text.index("  - id: riverside-food-bank")
    middle = text.index("  - id: city-public-health")
    end = text.index("\nvision:")
    swapped = text[:start] + text[middle:end].rstrip("\n") + "\n" + text[start:middle] + \
        text[end:]
    assert swapped != text
    assert len(swapped) == len(text)
    path.write_text(swapped, encoding="utf-8")
    build_site(charters, SETTINGS, disk, cache)
    assert disk.files == fresh(charters)


def test_lines_added_above_a_pledge_remake_no_list_page(
        tmp_path: Path, short_lists: None) -> None:
    # RF-1's text on three lines of YAML reads the same: the pledges below it move down the
    # file, and no row shows where a pledge is written.
    charters, cache, disk = built_copy(tmp_path)
    path = charters / "riverside-food-poverty.yaml"
    text = path.read_text(encoding="utf-8")
    one = "    text: Share anonymised free-school-meal and benefit data for the Riverside wards.\n"
    three = ("    text: >-\n      Share anonymised free-school-meal\n"
             "      and benefit data for the Riverside wards.\n")
    assert one in text
    path.write_text(text.replace(one, three), encoding="utf-8")
    disk.put_now.clear()
    build_site(charters, SETTINGS, disk, cache)
    assert "charters/riverside-food-poverty/index.md" in disk.put_now
    assert not [p for p in disk.put_now if p.startswith("pledges/") or "/made_" in p
                or "/received_" in p]
    assert disk.files == fresh(charters)
