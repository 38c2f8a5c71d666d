"""The real site, built by MkDocs with the plugin, read back as parsed HTML."""

from __future__ import annotations

import datetime as dt
import json
import logging
import multiprocessing
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag
from mkdocs.exceptions import Abort

from conftest import ROOT, SiteBuilder, build, make_project
from generator.render import STATUS_SYMBOLS
from generator.source import read_all
from generator.spec import STATUS_LABELS

CHARTERS, _ = read_all([ROOT / "charters"])


def page(site: Path, url: str) -> BeautifulSoup:
    path = site / url / "index.html" if not url.endswith(".html") else site / url
    if not path.exists():  # a page that is not a folder's index: `history.html`
        path = site / f"{url}.html"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def content(soup: BeautifulSoup) -> Tag:
    article = soup.select_one("article.md-content__inner")
    assert article is not None
    return article


def text(element: Tag) -> str:
    return " ".join(element.get_text(" ").split())


def test_every_charter_has_its_page_with_partners_pledges_and_metrics(example_site: Path) -> None:
    for charter in CHARTERS:
        soup = page(example_site, f"charters/{charter.id}")
        body = content(soup)
        assert text(body.h1).startswith(charter.title)
        partners = body.select_one("#partners + table") or body.find_all("table")[0]
        for partner in charter.partners:
            assert partner.name in text(partners)
        for pledge in charter.pledges:
            heading = body.find(id=pledge.id)
            assert heading is not None, pledge.id
            assert heading.name == "h4", pledge.id
        for metric in charter.metrics:
            assert body.find(id=f"metric-{metric.id}") is not None
            assert metric.name in text(body)


def test_a_pledge_appears_on_the_page_of_its_maker_and_of_each_partner_it_is_made_to(
        example_site: Path) -> None:
    for charter in CHARTERS:
        for pledge in charter.pledges:
            everyone = "all" in pledge.to
            recipients = [p.id for p in charter.partners] if everyone else list(pledge.to)
            for pid in {pledge.by, *recipients}:
                body = content(page(example_site, f"partners/{pid}"))
                links = [a["href"].replace("index.html", "")
                         for a in body.find_all("a", href=True)]
                # A pledge to all is listed once, on its charter, and each partner's page
                # links there: N partners and N such pledges stay N rows, not N squared.
                wanted = (f"charters/{charter.id}/#pledges" if everyone and pid != pledge.by
                          else f"charters/{charter.id}/#{pledge.id}")
                assert any(h.endswith(wanted) for h in links), (
                    f"{pledge.id} missing on partners/{pid}")


def test_made_and_received_sections_hold_the_right_pledges(example_site: Path) -> None:
    body = content(page(example_site, "partners/university-of-wessex"))
    made = body.find(id="made").find_next("table")
    received = body.find(id="received").find_next("table")
    assert "WX-005" in text(made)
    assert "WX-007" in text(made)
    assert "WX-002" in text(received)   # to the university by name
    assert "WX-001" not in text(received)  # to all: counted under the charter instead
    assert "1 pledge to all partners" in text(body)
    assert "WX-005" not in text(received)  # its own pledge to all is not owed to itself
    assert "RF-1" not in text(received)  # 'all' means the partners of that charter only


def test_the_register_lists_every_pledge_with_filter_data(example_site: Path) -> None:
    body = content(page(example_site, "pledges"))
    rows = body.select("[data-cc-row]")
    assert len(rows) == sum(len(c.pledges) for c in CHARTERS)
    statuses = {r["data-status"] for r in rows}
    assert statuses <= {"proposed", "active", "at-risk", "met", "missed", "withdrawn"}
    assert body.select_one("form[data-cc-filter][hidden]") is not None  # shown by its script


def test_the_home_page_has_every_charter_and_the_health_summary(example_site: Path) -> None:
    body = content(page(example_site, ""))
    for charter in CHARTERS:
        assert charter.title in text(body)
    summary = text(body.select_one(".cc-summary"))
    assert "overdue pledges" in summary
    assert "charters past their health check" in summary
    # Riverside's review_by (2026-11-01) is before the build date.
    past = body.find(id="charters-past-their-health-check").find_next("table")
    assert "Riverside Food Poverty Alliance" in text(past)


@pytest.mark.parametrize(("build_date", "overdue"), [
    ("2026-11-26", {"WX-002", "WX-003", "WX-006"}),
    ("2026-08-01", {"WX-003"}),
    ("2025-01-01", set()),
])
def test_overdue_flags_follow_the_build_date(site_builder: SiteBuilder, build_date: str,
                                             overdue: set[str]) -> None:
    site = site_builder(build_date=build_date)
    body = content(page(site, "charters/wessex-healthcare-education"))
    flagged = set()
    for heading in body.select("h4.cc-pledge"):
        badges = heading.find_next("p")
        if badges.select_one(".cc-overdue"):
            flagged.add(heading["id"])
    assert flagged == overdue


def test_the_edit_link_of_a_charter_page_opens_its_yaml(example_site: Path) -> None:
    soup = page(example_site, "charters/wessex-healthcare-education")
    edit = soup.select_one('a[title="Edit this page"]')
    assert edit is not None
    assert edit["href"] == ("https://git.example.org/partnership/charters/edit/main/"
                            "charters/wessex-healthcare-education.yaml")


def test_generated_pages_without_a_charter_have_no_edit_link(example_site: Path) -> None:
    # Their source is generated: an edit link would open a file that does not exist.
    for url in ("partners/solent-nhs-trust", "pledges", "charters", ""):
        assert page(example_site, url).select_one('a[title="Edit this page"]') is None, url
    assert page(example_site, "guide/writing-a-charter.html").select_one(
        'a[title="Edit this page"]') is not None  # hand-written pages keep theirs


def test_the_published_html_names_no_build_folder_or_cache_digest(
        site_builder: SiteBuilder, tmp_path: Path) -> None:
    site = site_builder(history=True)  # no git here: the history pages say why
    for path in site.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "<!-- charters:" not in text, path
        # As written, or as charter text is escaped in Markdown (`_` becomes &#95;).
        for folder in (str(tmp_path), str(tmp_path).replace("_", "&#95;")):
            assert folder not in text, path
    assert "not in a git repository" in (site / "changes.html").read_text(encoding="utf-8")


def test_generated_pages_stay_out_of_the_nav(example_site: Path) -> None:
    nav = page(example_site, "").select_one("nav.md-nav--primary")
    hrefs = [a["href"] for a in nav.find_all("a", href=True)]
    assert not any("charters/wessex" in h or "partners/solent" in h for h in hrefs)
    assert any(h.rstrip("/").endswith("pledges") for h in hrefs)


def test_feeds_are_published_and_linked(example_site: Path) -> None:
    for path in ("charters.json", "pledges.csv", "pledges.ics",
                 "partners/solent-nhs-trust/pledges.csv"):
        assert (example_site / path).is_file(), path
    links = [a["href"] for a in content(page(example_site, "")).find_all("a", href=True)]
    assert "charters.json" in links
    assert "pledges.ics" in links


EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.I)
LOADING = {"script": "src", "img": "src", "iframe": "src", "source": "src", "audio": "src",
           "video": "src", "embed": "src", "object": "data", "image": "href", "use": "href"}


def test_no_page_loads_anything_from_another_host(example_site: Path) -> None:
    pages = list(example_site.rglob("*.html"))
    assert len(pages) > 10
    for path in pages:
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for tag, attribute in LOADING.items():
            for element in soup.find_all(tag):
                value = element.get(attribute) or element.get("xlink:href") or ""
                assert not EXTERNAL.match(value), f"{path}: <{tag}> loads {value}"
        for link in soup.find_all("link", href=True):
            if set(link.get("rel", [])) & {"stylesheet", "preload", "icon", "manifest",
                                            "modulepreload", "preconnect", "dns-prefetch"}:
                assert not EXTERNAL.match(link["href"]), f"{path}: <link> loads {link['href']}"
    for css in example_site.rglob("*.css"):
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", css.read_text(encoding="utf-8")):
            assert not EXTERNAL.match(url), f"{css}: loads {url}"
        assert "@import url(http" not in css.read_text(encoding="utf-8")


def test_the_same_charters_and_date_build_byte_identical_html(
        site_builder: SiteBuilder, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    first = site_builder()
    first_files = {p.relative_to(first): p.read_bytes() for p in first.rglob("*") if p.is_file()}
    shutil.rmtree(first.parent)  # the second build starts from nothing, like a fresh clone
    again = site_builder()
    again_files = {p.relative_to(again): p.read_bytes() for p in again.rglob("*") if p.is_file()}
    assert first_files.keys() == again_files.keys()
    # sitemap.xml.gz carries gzip's own timestamp: what MkDocs stamps, not what we render.
    differing = [str(p) for p in first_files if first_files[p] != again_files[p]
                 and p.name != "sitemap.xml.gz"]
    assert differing == []


def test_a_build_starts_no_process_and_leaves_nothing_in_the_temporary_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the build started a process")

    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setenv("TMPDIR", str(temporary))
    monkeypatch.setattr(tempfile, "tempdir", None)  # read TMPDIR again
    monkeypatch.setattr(os, "fork", refuse)
    monkeypatch.setattr(multiprocessing.Process, "start", refuse)
    monkeypatch.setattr(subprocess, "Popen", refuse)
    site = build(make_project(tmp_path / "project"))
    assert (site / "charters" / "riverside-food-poverty" / "index.html").is_file()
    assert list(temporary.iterdir()) == []


def test_the_parallel_option_is_accepted_and_ignored(
        site_builder: SiteBuilder, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="mkdocs.plugins.charters")
    site = site_builder(parallel=True)
    assert (site / "pledges" / "index.html").is_file()
    assert "the 'parallel' option is ignored" in caplog.text


def test_a_date_input_is_required_to_be_a_date(site_builder: SiteBuilder,
                                               caplog: pytest.LogCaptureFixture) -> None:
    with pytest.raises(Abort):
        site_builder(build_date="tomorrow")
    assert "build_date 'tomorrow' is not a date YYYY-MM-DD" in caplog.text


def test_an_invalid_charter_fails_the_build_with_every_positioned_problem(
        site_builder: SiteBuilder, caplog: pytest.LogCaptureFixture) -> None:
    charters = {"good.yaml": (ROOT / "charters" / "riverside-food-poverty.yaml").read_text(),
                "bad.yaml": "title: x\nsummary: y\nhub: a\npartners: []\nvision: {statement: v}\n",
                "worse.yaml": "title: [\n"}
    caplog.set_level(logging.ERROR)
    with pytest.raises(Abort):
        site_builder(charters)
    message = caplog.text
    assert "charters/bad.yaml:4:11: partners: needs at least 2 items, found 0" in message
    assert "charters/bad.yaml:3:6: hub: unknown partner 'a'" in message
    assert "charters/worse.yaml:2:1: YAML syntax:" in message


def test_build_date_defaults_to_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.plugin import build_date

    assert build_date(None, {"SOURCE_DATE_EPOCH": "1790000000"}) == dt.date(2026, 9, 21)
    assert build_date(None, {"CHARTERS_BUILD_DATE": "2027-01-02"}) == dt.date(2027, 1, 2)
    assert build_date("2025-05-05", {"CHARTERS_BUILD_DATE": "2027-01-02"}) == dt.date(2025, 5, 5)


def test_pictures_on_the_page_show_names_exactly_as_typed(example_site: Path) -> None:
    body = content(page(example_site, "charters/wessex-healthcare-education"))
    drawn = body.select_one("svg.cc-engagement-map")
    assert drawn is not None
    labels = text(drawn)
    assert "St Aldhelm's Hospice" in labels
    assert "&#" not in labels
    assert "&amp;" not in labels
    for svg in body.find_all("svg"):
        assert svg.find(["em", "strong", "a", "code"]) is None, "Markdown reached into an SVG"


def test_a_page_with_live_markup_is_never_published(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from conftest import build, make_project

    config = make_project(tmp_path / "project")
    (config.parent / "docs" / "raw.md").write_text(
        "# Raw\n\n<img src=x onerror=alert(1)>\n", encoding="utf-8")
    (config.parent / "docs" / "also.md").write_text(
        "# Also\n\n<p><a href='javascript:alert(1)'>x</a></p>\n", encoding="utf-8")
    with pytest.raises(Abort):
        build(config)
    assert "charters: refusing to publish live markup" in caplog.text
    named = ["\nraw.md: it holds event attribute in <img>" in caplog.text,
             "\nalso.md: it holds 'javascript:alert(1)' link in <a>" in caplog.text]
    assert any(named), caplog.text  # the build stops at the first, before writing any page
    written = [p for p in (config.parent / "site").rglob("*.html")]
    assert written == []


def test_a_site_without_git_history_builds_strict_and_says_so_on_each_history_page(
        site_builder: SiteBuilder, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="mkdocs.plugins.charters")
    site = site_builder(history=True)  # a temporary folder: not in git
    assert "charters: history is unavailable: " in caplog.text
    body = content(page(site, "charters/riverside-food-poverty/history"))
    assert "History is unavailable because" in text(body)


def test_a_rendering_bug_fails_the_build_and_names_the_page(
        site_builder: SiteBuilder, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    # Validated charters cannot make rendering fail; if a bug does, the build stops with the
    # page and the cause rather than publishing a site without it.
    from generator import render

    def broken(*args: object, **kwargs: object) -> str:
        raise RuntimeError("a bug in the partner table")

    monkeypatch.setattr(render, "pledge_table", broken)
    with pytest.raises(Abort):
        site_builder()
    assert "rendering partners/city-public-health/index.md failed" in caplog.text
    assert "a bug in the partner table" in caplog.text


def test_search_finds_a_pledge_by_id_text_partner_and_owner_but_not_pictures_or_forms(
        example_site: Path) -> None:
    import json

    docs = json.loads((example_site / "search" / "search_index.json").read_text("utf-8"))["docs"]
    pledge = [d for d in docs if d["location"].endswith("#WX-008")]
    assert len(pledge) == 1
    text = " ".join(pledge[0]["text"].split())
    assert pledge[0]["title"] == "WX-008"
    assert "Second two nurses a year" in text  # its text
    assert "Solent NHS Trust" in text  # who made it
    assert "Deputy Chief Nurse" in text  # its owner
    everything = json.dumps(docs)
    assert "Engagement map of" not in everything  # a picture's labels
    assert "I know who needs to be at the table" not in everything  # the rating form
    pages = {d["location"].split("#")[0] for d in docs}
    assert "charters/wessex-healthcare-education/index.html" in pages
    left_in = [p for p in pages if p.startswith("pledges/") or (
        p.startswith("charters/") and p.endswith(("self-assessment.html", "history.html")))]
    assert left_in == []  # forms, history and the register are left out


def test_a_partner_pages_feed_buttons_stand_apart_from_its_list_of_charters(
        example_site: Path) -> None:
    body = content(page(example_site, "partners/university-of-wessex"))
    button = body.select_one("a.md-button")
    assert button is not None
    assert "Charters:" not in text(button.parent)


def test_text_past_ascii_reads_as_written_though_generated_pages_are_kept_narrow(
        site_builder: SiteBuilder, tmp_path: Path) -> None:
    # MkDocs keeps every page's Markdown and HTML to the end of a build, and Python stores a
    # string at the width of its widest character: a few characters past U+00FF (badges,
    # quotes, an emoji) are kept as references, which read the same everywhere; a text mostly
    # in another script is kept as written (references would cost it more).
    source = tmp_path / "source"
    shutil.copytree(ROOT / "charters", source)
    charter = source / "riverside-food-poverty.yaml"
    title = "Café Zoë’s “Food” Alliance ✓ 日本 😀"
    dense = "地域の食料支援を一緒に進めます。" * 12
    yaml_text = charter.read_text(encoding="utf-8").replace(
        "title: Riverside Food Poverty Alliance", f"title: {title}", 1)
    first = re.search(r"^    text: (.+)$", yaml_text, re.M)
    assert first is not None
    yaml_text = yaml_text.replace(first[0], f"    text: {dense}", 1)
    charter.write_text(yaml_text, encoding="utf-8")
    wessex = source / "wessex-healthcare-education.yaml"
    wessex.write_text(wessex.read_text(encoding="utf-8").replace(
        "title: Wessex Healthcare Education Partnership", "title: Wessex ✓ Partnership", 1),
        encoding="utf-8")
    site = site_builder(source)
    cache = site.parent / ".cache" / "charters" / "docs"
    narrow = (cache / "charters" / "wessex-healthcare-education" / "index.md").read_text(
        encoding="utf-8")
    assert max(map(ord, narrow)) <= 0xFF  # one byte a character
    assert "&#10003;" in narrow
    wide = (cache / "charters" / "riverside-food-poverty" / "index.md").read_text(
        encoding="utf-8")
    assert dense in wide  # as written
    soup = page(site, "charters/riverside-food-poverty")
    assert text(content(soup).h1).removesuffix(" ¶") == title
    assert soup.title is not None
    assert soup.title.get_text().startswith(title)
    assert dense in text(content(soup))
    badges = {text(b) for b in content(page(site, "charters/wessex-healthcare-education"))
              .select(".cc-badge[class*=cc-status-]")}
    assert badges
    assert badges <= {f"{STATUS_SYMBOLS[s]} {label}"  # symbols past Latin-1
                      for s, label in STATUS_LABELS.items()}
    assert title in text(content(page(site, "")))
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert any(doc["title"] == title for doc in index["docs"])
    assert any(doc["title"] == "Wessex ✓ Partnership" for doc in index["docs"])


def test_the_signature_blocks_print_with_the_charter_but_stay_out_of_search(
        example_site: Path) -> None:
    body = content(page(example_site, "charters/wessex-healthcare-education"))
    section = body.select_one("section.cc-print-only.cc-signatures")
    assert section is not None
    assert "Signed for each partner" in text(section)
    index = (example_site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "Signed for each partner" not in index
    assert "Signature" not in {doc["title"] for doc in json.loads(index)["docs"]}


def test_pledge_headings_are_placed_as_the_sites_own_markdown_writes_them(
        example_site: Path, tmp_path: Path) -> None:
    # Placed after conversion (Markdown then reads only the pledges' text), each heading is
    # what the site's Markdown set-up makes of `#### ID { #ID .cc-pledge }`.
    import markdown
    from mkdocs.config import load_config

    from generator.plugin import _writes_headings
    from generator.render import pledge_heading_markdown

    config = load_config(str(ROOT / "mkdocs.yml"))
    assert _writes_headings(config)
    md = markdown.Markdown(extensions=config.markdown_extensions,
                           extension_configs=config.mdx_configs)
    soup = page(example_site, "charters/riverside-food-poverty/index.html")
    headings = content(soup).select("h4.cc-pledge")
    assert len(headings) >= 3
    for h in headings:
        made = BeautifulSoup(md.reset().convert(pledge_heading_markdown(str(h["id"]))),
                             "html.parser")
        assert str(h) == str(made.h4)
        badge = h.find_next_sibling()
        assert badge is not None
        assert badge.name == "p"
        assert badge.select("span.cc-badge")
    # A link to a pledge in the page's own Markdown finds its anchor (MkDocs checks them).
    assert content(soup).select('a[href^="#RF-"]')

    # A site whose headings differ (another permalink) keeps pledge headings in Markdown.
    config = make_project(tmp_path / "other")
    text = config.read_text(encoding="utf-8").replace("permalink: true", 'permalink: "#"')
    assert 'permalink: "#"' in text
    config.write_text(text, encoding="utf-8")
    assert not _writes_headings(load_config(str(config)))
    # Nor one whose pages list pledges in their contents.
    deeper = make_project(tmp_path / "deeper")
    text = deeper.read_text(encoding="utf-8")
    deeper.write_text(text.replace("toc_depth: 3", "toc_depth: 4"), encoding="utf-8")
    assert "toc_depth: 4" in deeper.read_text(encoding="utf-8")
    assert not _writes_headings(load_config(str(deeper)))
    other = page(build(config), "charters/riverside-food-poverty/index.html")
    headings = content(other).select("h4.cc-pledge")
    assert headings
    assert all(h.select_one("a.headerlink").text == "#" for h in headings)


def test_a_pledge_id_that_is_also_a_headings_slug_leaves_every_id_on_the_page_unique(
        tmp_path: Path) -> None:
    # A lower-case pledge id can be the slug Markdown gives another heading (here the title):
    # such a pledge's heading stays in Markdown, whose toc keeps the two ids apart.
    config = make_project(tmp_path / "project")
    path = config.parent / "charters" / "riverside-food-poverty.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count("RF-3") == 1
    path.write_text(text.replace("RF-3", "riverside-food-poverty-alliance"), encoding="utf-8")
    soup = page(build(config), "charters/riverside-food-poverty/index.html")
    ids = [str(e["id"]) for e in soup.select("[id]")]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    pledge = soup.select_one("h4.cc-pledge#riverside-food-poverty-alliance")
    assert pledge is not None
    assert soup.select_one("h1")["id"] != "riverside-food-poverty-alliance"
