"""The self-assessment page in a real browser: Debian's chromium, driven by Playwright.

One site is built per session in a temporary folder and served on 127.0.0.1; the answering test
rebuilds it after committing the response it exported. No request may leave localhost.
"""

from __future__ import annotations

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

from generator.selfassess.responses import parse_response
from generator.source import read_all

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
CHARTER = "wessex-healthcare-education"
# Pages are files, not folders (use_directory_urls: false), so the site also opens from disk.
PAGE = f"charters/{CHARTER}/self-assessment.html"
ROLES = ("Board chair", "Partnership director")  # respondents in the example responses
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


def test_answering_with_the_keyboard_persists_exports_and_changes_the_aggregate(
        page, server, project):
    url = server + PAGE
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

    page.select_option("#sa-respondent", "dorset-county-hospital")
    page.fill("#sa-round", "2026-Q4")
    page.locator('button[data-action="export"]').focus()
    page.keyboard.press("Enter")
    exported = page.locator("#sa-export").input_value()
    assert "checklist: partner-leader\nrespondent: dorset-county-hospital\n" in exported
    with page.expect_download() as info:
        page.locator('button[data-action="download"]').click()
    name = info.value.suggested_filename
    assert name.endswith("-dorset-county-hospital.yaml")

    charters, _ = read_all([project / "charters" / f"{CHARTER}.yaml"])
    target = project / "charters" / CHARTER / "assessments" / name
    response, problems = parse_response(exported.encode(), str(target), charters[0])
    assert problems == []
    assert response is not None
    assert dict(response.answers)["convene-2"] == 4

    table = page.locator("table").filter(has_text="Bring the group together")
    before = table.inner_text()
    assert "needs 1 more response" in page.content()
    target.write_text(exported)
    build(project)
    page.goto(url)
    aggregate = table.inner_text()
    assert aggregate != before
    row = next(r for r in aggregate.splitlines() if r.startswith("Bring the group together"))
    cells = row.split("\t")
    assert cells[1] == "3"  # three respondents now back the pillar, so its figures show
    assert sum(int(c) for c in cells[2:6]) == 15
    assert float(cells[6]) >= 1
    assert page.locator('svg.sa-chart title', has_text="Bring the group together").count() == 1

    page.screenshot(path="/tmp/self-assessment-light.png", full_page=False)
    page.evaluate("document.body.setAttribute('data-md-color-scheme', 'slate')")
    page.locator("#what-the-partnership-says").scroll_into_view_if_needed()
    page.screenshot(path="/tmp/self-assessment-dark.png")


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
    # partner leader: 2 responses, below the threshold of 3: no figures at all
    assert ('<tr><th scope="row">Bring the group together</th><td>2</td>'
            '<td colspan="6">needs 1 more response</td></tr>') in html
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
