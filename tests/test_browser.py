"""The self-assessment page in a real browser: Debian's chromium, driven by Playwright.

One site is built per session in a temporary folder and served on 127.0.0.1; the answering test
rebuilds it after committing the response it exported. No request may leave localhost.
"""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

from generator.selfassess.merge import merge
from generator.selfassess.responses import parse_response, round_on
from generator.source import read_all

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
CHARTER = "wessex-healthcare-education"
# Pages are files, not folders (use_directory_urls: false), so the site also opens from disk.
PAGE = f"charters/{CHARTER}/self-assessment.html"
ROLES = ("Board chair", "Partnership director")  # respondents before the rounds were merged
SUBJECT = "jo-bloggs-lead"  # the leader rated in 360-degree responses
SECRETARIAT = "partnership-office@wessex-etb.example"
TODAY = dt.datetime(2026, 11, 26, 12, 0)  # the browser's clock in the answering test
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def build(project: Path) -> None:
    env = {**os.environ, "CHARTERS_BUILD_DATE": "2026-11-26", "NO_MKDOCS_2_WARNING": "1"}
    mkdocs = Path(sys.executable).with_name("mkdocs")
    result = subprocess.run([str(mkdocs), "build", "--strict", "-d", "site"], cwd=project,
                            env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="session")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site-project")
    shutil.copy(ROOT / "mkdocs.yml", out)
    for name in ("theme", "docs", "charters"):
        shutil.copytree(ROOT / name, out / name)
    charter = out / "charters" / f"{CHARTER}.yaml"
    # The example declares the rounds its merged files are named after, and a secretariat.
    assert f"secretariat: {SECRETARIAT}" in charter.read_text(encoding="utf-8")
    # 360-degree responses about one leader, committed as they should not be: the site still
    # shows only ratings pooled over leaders, never whom they rate.
    for i, partner in enumerate(["wessex-etb", "solent-nhs-trust", "dorset-council"]):
        (out / "charters" / CHARTER / "assessments" / f"2026-11-0{i + 1}-about-{SUBJECT}.yaml"
         ).write_text(f"checklist: partner-leader\nsubject: {SUBJECT}\npartner: {partner}\n"
                      f"date: 2026-11-0{i + 1}\nanswers:\n  focus-1: {i + 2}\n  focus-2: 3\n")
    build(out)
    shutil.copytree(out / "site", out / "pristine")  # for the privacy test, before any change
    return out


# Module scope: the server's thread and the browser end with this module, so the site builds
# of later tests run single-threaded, as `mkdocs build` does, and may render in a second process.
@pytest.fixture(scope="module")
def server(project: Path) -> Iterator[str]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(project / "site"))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()
    thread.join()


@pytest.fixture(scope="module")
def browser():
    sync = pytest.importorskip("playwright.sync_api")
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("Debian chromium is not installed")
    with sync.sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(accept_downloads=True)
    pg = context.new_page()
    requests: list[str] = []
    pg.on("request", lambda r: requests.append(r.url))
    yield pg
    context.close()
    outside = [u for u in requests
               if urlparse(u).scheme not in ("data", "blob")
               and urlparse(u).hostname not in ("127.0.0.1", "localhost")]
    assert outside == [], f"requests left localhost: {outside}"


def score(pg, pillar: str) -> str:
    return pg.locator(f'.sa-pillar[data-pillar="{pillar}"] .sa-score').inner_text()


def tab_to(pg, name: str) -> None:
    for _ in range(300):
        pg.keyboard.press("Tab")
        if pg.evaluate("document.activeElement && document.activeElement.name") == name:
            return
    raise AssertionError(f"Tab never reached the radio group {name}")


def export(pg) -> str:
    pg.locator('button[data-action="export"]').click()
    return pg.locator("#sa-export").input_value()


def test_answering_with_the_keyboard_persists_exports_and_changes_the_aggregate(
        page, server, project):
    url = server + PAGE
    page.clock.set_fixed_time(TODAY)
    page.goto(url)
    assert page.locator(".sa-nojs").is_hidden()
    assert score(page, "convene") == "Convene: 0 of 5 answered"
    tab_to(page, "sa-partner-leader-convene-1")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")  # moves to and checks "2 partly"
    assert score(page, "convene") == "Convene: 1 of 5 answered, average 2 of 4"
    page.keyboard.press("Tab")  # the next statement's radio group
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert score(page, "convene") == "Convene: 2 of 5 answered, average 3 of 4"
    for _ in range(8):  # the rest of the pillar, so the response backs it fully
        page.keyboard.press("Tab")
        page.keyboard.press("Space")
    page.reload()
    assert page.locator("#sa-partner-leader-convene-1-2").is_checked()
    assert page.locator("#sa-partner-leader-convene-2-4").is_checked()
    assert score(page, "convene").startswith("Convene: 5 of 5 answered")

    # One partner leader response, its round box left empty, exported with the keyboard.
    page.select_option("#sa-partner", "dorset-county-hospital")
    page.locator('button[data-action="export"]').focus()
    page.keyboard.press("Enter")
    exported = page.locator("#sa-export").input_value()
    assert exported.startswith("checklist: partner-leader\npartner: dorset-county-hospital\n")
    assert "round:" not in exported
    with page.expect_download() as info:
        page.locator('button[data-action="download"]').click()
    name = info.value.suggested_filename
    assert name == "2026-11-26-partner-leader-dorset-county-hospital.yaml"

    # Switching checklist clears the box: the other checklist's file is never left to copy.
    page.select_option("#sa-checklist", "health-check")
    assert page.locator("#sa-export").input_value() == ""
    assert page.locator("#sa-email-text").input_value() == ""
    assert page.locator("#sa-subject").is_hidden()
    # A health check response, with the round the box suggests typed in.
    suggested = page.locator("#sa-round").get_attribute("placeholder")
    for i in range(1, 5):
        page.locator(f"#sa-health-check-vision-{i}-3").check()
    page.fill("#sa-round", suggested)
    health = export(page)
    assert health.startswith("checklist: health-check\npartner: dorset-county-hospital\n")
    assert f'round: "{suggested}"' in health
    with page.expect_download() as info:
        page.locator('button[data-action="download"]').click()
    health_name = info.value.suggested_filename
    assert health_name == "2026-11-26-health-check-dorset-county-hospital.yaml"

    # Both files are valid (the browser's renamed copy too) and merge into one round.
    charters, _ = read_all([project / "charters" / f"{CHARTER}.yaml"])
    charter = charters[0]
    assert suggested == round_on(charter, TODAY.date()) == "2026-autumn"
    target = project / "charters" / CHARTER / "assessments" / name
    response, problems = parse_response(exported.encode(), str(target), charter)
    assert problems == []
    assert response is not None
    assert dict(response.answers)["convene-2"] == 4
    other, problems = parse_response(health.encode(), health_name.replace(".yaml", " (1).yaml"),
                                     charter)
    assert problems == []
    assert other is not None
    assert response.round == other.round == suggested
    merged = yaml.safe_load(merge(charter, [response, other], suggested, threshold=1))
    assert merged["merged"] == suggested
    assert [c["checklist"] for c in merged["checklists"]] == ["partner-leader", "health-check"]

    # Three leaders answer alike (the older route: response files in the folder, still read):
    # the pillar's figures show once three people back them.
    assert "No round merged yet." in page.content()
    for i in range(3):
        target.with_name(f"2026-11-26-leader-{i}.yaml").write_text(exported)
    build(project)
    page.goto(url)
    table = page.locator("table").filter(has_text="Bring the group together").first
    row = next(r for r in table.inner_text().splitlines()
               if r.startswith("Bring the group together"))
    cells = row.split("\t")
    assert cells[1] == "3"  # three respondents now back the pillar, so its figures show
    assert sum(int(c) for c in cells[2:6]) == 15
    assert float(cells[6]) >= 1
    assert page.locator('svg.sa-chart title', has_text="Bring the group together").count() == 1

    page.screenshot(path="/tmp/self-assessment-light.png", full_page=False)
    page.evaluate("document.body.setAttribute('data-md-color-scheme', 'slate')")
    page.locator("#what-the-partnership-says").scroll_into_view_if_needed()
    page.screenshot(path="/tmp/self-assessment-dark.png")


def test_the_round_box_and_the_file_agree_on_the_round_on_any_day(page, server, project):
    """The script's rule and generator.selfassess.responses.round_on agree: before the first
    round, inside each, between them, and after the last."""
    charters, _ = read_all([project / "charters" / f"{CHARTER}.yaml"])
    for day in ("2026-01-15", "2026-04-01", "2026-07-31", "2026-09-01", "2027-02-01"):
        page.clock.set_fixed_time(dt.datetime.fromisoformat(f"{day}T10:00"))
        page.goto(server + PAGE)
        expected = round_on(charters[0], dt.date.fromisoformat(day))
        assert page.locator("#sa-round").get_attribute("placeholder") == expected, day
        assert page.locator("#sa-round-hint").inner_text() == \
            f"Leave empty for the current round, {expected}.", day
        page.select_option("#sa-checklist", "health-check")
        page.locator("#sa-health-check-vision-1-2").check()
        response, problems = parse_response(export(page).encode(), "x/a.yaml", charters[0])
        assert problems == []
        assert response is not None
        assert response.round == expected, day
    # A charter that declares no rounds: the quarter of the day.
    page.clock.set_fixed_time(dt.datetime(2026, 9, 30, 23, 0))
    page.goto(server + "charters/riverside-food-poverty/self-assessment.html")
    assert page.locator("#sa-round").get_attribute("placeholder") == "2026-Q3"
    assert page.locator("#sa-round-hint").inner_text() == "Leave empty for this quarter, 2026-Q3."


def test_the_e_mail_says_what_to_send_to_whom_and_is_cleared_with_the_export(
        page, server):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server[:-1])
    page.clock.set_fixed_time(TODAY)
    page.goto(server + PAGE)
    email = page.locator("#sa-email-text")
    assert email.is_hidden()
    page.select_option("#sa-checklist", "health-check")
    page.locator("#sa-health-check-rules-1-4").check()
    exported = export(page)
    assert email.is_visible()
    text = email.input_value()
    assert text.startswith(f"To: {SECRETARIAT}\nSubject: Self-assessment answers: Partnership "
                           "health check, round 2026-autumn\n\n")
    assert "2026-11-26-health-check.yaml" in text
    assert "No name is needed" in text
    assert text.endswith("\n\n" + exported)
    page.get_by_role("button", name="Copy e-mail text").click()
    # The clipboard answers asynchronously: the status follows once it has.
    page.wait_for_function("document.querySelector('.sa-status').innerText"
                           " === 'Copied the e-mail text.'", timeout=5000)
    assert page.evaluate("navigator.clipboard.readText()") == text
    # Or straight into the respondent's own e-mail program: a mailto: link, nothing sent.
    href = page.locator("a.sa-mailto").get_attribute("href")
    assert href.startswith(f"mailto:{SECRETARIAT}?subject=Self-assessment%20answers%3A%20")
    assert "rules-1%3A%204" in href
    assert "%0D%0A" in href
    assert "%0A" not in href.replace("%0D%0A", "")
    # Switching checklist clears both, so neither can be sent for the wrong checklist.
    page.select_option("#sa-checklist", "partner-leader")
    assert page.locator("#sa-export").input_value() == ""
    assert email.is_hidden()
    assert email.input_value() == ""


def test_the_send_form_after_an_export_has_no_axe_violations(page, server):
    from axe_playwright_python.sync_playwright import Axe

    page.goto(server + PAGE)
    page.select_option("#sa-checklist", "health-check")
    page.locator("#sa-health-check-rules-1-4").check()
    export(page)
    assert page.locator("#sa-email-text").is_visible()
    page.get_by_role("button", name="Copy e-mail text").hover()  # a button's hover colours too
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    violations = results.response["violations"]
    assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]][:3],
                               [n.get("failureSummary") for n in v["nodes"]][:1])
                              for v in violations]


@pytest.mark.parametrize("path", ["", f"charters/{CHARTER}/", "partners/solent-nhs-trust/", PAGE,
                                  "pledges/", f"charters/{CHARTER}/history.html"])
def test_pages_have_no_axe_violations_at_wcag_22_aa(page, server, path):
    from axe_playwright_python.sync_playwright import Axe

    page.goto(server + path)
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    violations = results.response["violations"]
    readable = "\n".join(f"{v['id']}: {v['help']}: " + "; ".join(
        n["target"][0] if isinstance(n["target"][0], str) else str(n["target"])
        for n in v["nodes"][:5]) for v in violations)
    assert violations == [], readable


def test_no_single_respondent_can_be_read_from_the_built_html_or_search_index(project):
    site = project / "pristine"
    html = (site / PAGE).read_text()
    index = json.loads((site / "search" / "search_index.json").read_text())
    texts = [html, json.dumps(index)] + [p.read_text() for p in site.rglob("*.html")]
    for role in ROLES:
        assert not any(role in t for t in texts), role
    # 360-degree ratings: pooled apart from self-ratings, and never naming the leader rated.
    assert "as colleagues see their leaders" in html
    assert not any(SUBJECT in t for t in texts)
    # partner leader self-ratings: none merged (two were too few), so no figures at all
    assert "No round merged yet." in html
    assert "ratings from 2 respondents" not in html
    # The page is left out of search (generator.render.NOT_SEARCHED); were it put back, the
    # figures below the threshold must stay out of the index as they stay out of the page.
    docs = [d for d in index["docs"] if d["location"].startswith(PAGE)]
    assert not any("ratings from 2 respondents" in d["text"] for d in docs)
    # health check: 4 responses in the latest round: figures shown, still no names
    assert "ratings from 4 respondents" in html


def test_the_register_filters_in_place_by_status_and_partner(page, server):
    page.goto(server + "pledges/")
    form = page.locator("form[data-cc-filter]")
    assert form.is_visible()
    count = page.locator("[data-cc-filter-count]")
    total = page.locator("[data-cc-row]").count()
    assert count.inner_text() == f"{total} of {total} pledges shown"

    page.select_option("[data-cc-filter-status]", "met")
    visible = page.locator("tbody tr:visible")
    assert count.inner_text() == f"{visible.count()} of {total} pledges shown"
    assert visible.count() == 2
    for i in range(visible.count()):
        assert "Met" in visible.nth(i).locator("td").last.inner_text()

    page.select_option("[data-cc-filter-status]", "")
    page.select_option("[data-cc-filter-partner]", "st-aldhelms-hospice")
    shown = [page.locator("tbody tr:visible").nth(i).locator("td").first.inner_text()
             for i in range(page.locator("tbody tr:visible").count())]
    assert shown == ["WX-001", "WX-004", "WX-005", "WX-007"]  # made by it, or to it (or to all)
    assert "partner=st-aldhelms-hospice" in page.url
    page.reload()  # the filter is in the address, so a filtered view can be shared
    assert page.locator("tbody tr:visible").count() == 4
