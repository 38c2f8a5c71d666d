"""Charter text is data: every payload builds with --strict, shows as typed, and runs nowhere."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import CASES, SiteBuilder

sys.path.insert(0, str(CASES / "hostile"))
from payloads import ONE_LINE_OPENERS, PAYLOADS, TITLE

DANGEROUS_URL = re.compile(r"^\s*(?:javascript|data|vbscript)\s*:", re.I)
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "data", "xlink:href", "poster")


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from conftest import build, make_project

    folder = tmp_path_factory.mktemp("hostile")
    return build(make_project(folder, CASES / "hostile" / "charters"))


def pages(site: Path) -> list[tuple[Path, BeautifulSoup]]:
    return [(p, BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser"))
            for p in sorted(site.rglob("*.html"))]


def squash(text: str) -> str:
    return " ".join(text.split())


def test_the_hostile_charter_is_valid_and_regenerates_identically() -> None:
    import yaml

    from payloads import charter

    on_disk = (CASES / "hostile" / "charters" / "hostile.yaml").read_text(encoding="utf-8")
    assert yaml.safe_load(on_disk) == charter()


def test_no_script_event_attribute_or_dangerous_url_survives(hostile_site: Path) -> None:
    for path, soup in pages(hostile_site):
        for element in soup.find_all(True):
            for name, value in element.attrs.items():
                assert not name.lower().startswith("on"), f"{path}: {element.name} has {name}"
                if name.lower() in URL_ATTRIBUTES:
                    assert not DANGEROUS_URL.match(str(value)), f"{path}: {name}={value}"
        for script in soup.find_all("script"):
            src = script.get("src")
            if src:
                local = src.split("?")[0]
                base = hostile_site if local.startswith("/") else path.parent  # 404.html
                assert "://" not in src
                assert (base / local.lstrip("/")).resolve().is_file(), src
            else:
                assert "alert" not in script.get_text(), f"{path}: live inline script"
        article = soup.select_one("article")
        if article is not None:
            for tag in ("iframe", "object", "embed", "style", "img", "base", "form[action]"):
                assert article.select_one(tag) is None or tag == "form[action]", f"{path}: <{tag}>"


def test_titles_are_escaped_in_title_header_and_heading(hostile_site: Path) -> None:
    soup = BeautifulSoup((hostile_site / "charters" / "hostile" / "index.html")
                         .read_text(encoding="utf-8"), "html.parser")
    assert soup.title is not None
    assert soup.title.get_text() == f"{TITLE} - Partnership Charters"
    assert len(soup.head.find_all("script", src=False)) == len(
        [s for s in soup.head.find_all("script") if not s.get("src")])
    assert squash(soup.select_one(".md-header__topic:last-child").get_text()) == squash(TITLE)
    h1 = soup.select_one("article h1")
    assert squash(h1.get_text()).startswith(squash(TITLE))


def test_each_payload_is_shown_as_typed(hostile_site: Path) -> None:
    soup = BeautifulSoup((hostile_site / "charters" / "hostile" / "index.html")
                         .read_text(encoding="utf-8"), "html.parser")
    shown = squash(soup.select_one("article").get_text(" "))
    for payload in PAYLOADS + ONE_LINE_OPENERS:
        assert squash(payload) in shown, payload


def test_one_line_fields_open_no_heading_admonition_list_or_cell(hostile_site: Path) -> None:
    for path, soup in pages(hostile_site):
        article = soup.select_one("article")
        if article is None:
            continue
        assert article.select_one(".admonition") is None, path
        for heading in article.find_all(re.compile("^h[1-6]$")):
            assert "Not a heading" not in heading.get_text(), path
        for table in article.find_all("table"):
            header = len(table.select("thead th"))
            for row in table.select("tbody tr"):
                assert len(row.find_all("td")) == header, f"{path}: a '|' split a cell"


def test_the_search_index_holds_no_live_markup_from_charters(hostile_site: Path) -> None:
    index = json.loads((hostile_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    for doc in index["docs"]:
        for field in ("title", "text"):
            for live in ("<script", "<iframe", "<img", "<style", "<a href=\"javascript"):
                assert live not in doc[field], f"{doc['location']}: {live} in {field}"


def test_every_text_field_of_every_hostile_page_builds_strict(site_builder: SiteBuilder) -> None:
    # A second build of the same fixture, through the fixture builder, must also be clean.
    site = site_builder(CASES / "hostile" / "charters")
    assert (site / "charters" / "hostile" / "index.html").is_file()
    assert (site / "partners" / "alpha" / "index.html").is_file()


def test_the_hostile_pages_match_their_golden_files() -> None:
    # Safety is checked in the built HTML above; this pins the exact Markdown, so a change of
    # escaping that stays safe but shows text differently is seen in review.
    from conftest import BUILD_DATE, check_golden
    from generator.publish import build_outputs

    _, outputs = build_outputs(CASES / "hostile" / "charters", BUILD_DATE, history=False)
    pages = {path: text for path, text in outputs.items() if path.endswith(".md")}
    assert "charters/hostile/index.md" in pages
    for path, text in pages.items():
        assert isinstance(text, str)
        check_golden(CASES / "hostile" / "golden" / path, text)
