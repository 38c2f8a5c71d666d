"""`make serve`: a preview that follows every save, search included, and shows problems."""

from __future__ import annotations

import html
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_serve import fetch, free_port

from conftest import ROOT, make_project

CHARTER = "riverside-food-poverty"
ORIGINAL = "Share anonymised"


def wait_for(url: str, needle: str, seconds: float = 60) -> str:
    deadline = time.monotonic() + seconds
    page = None
    while time.monotonic() < deadline:
        page = fetch(url)
        if page is not None and needle in page:
            return page
        time.sleep(0.2)
    raise AssertionError(f"{needle!r} never appeared at {url}")


class Preview:
    def __init__(self, folder: Path, base: str) -> None:
        self.folder, self.base = folder, base
        self.charter = folder / "charters" / f"{CHARTER}.yaml"

    def url(self, path: str) -> str:
        return self.base + path

    def edit(self, old: str, new: str) -> None:
        text = self.charter.read_text(encoding="utf-8")
        assert old in text
        self.charter.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[Preview]:
    folder = tmp_path / "repo"
    make_project(folder)
    shutil.copy(ROOT / "Makefile", folder / "Makefile")
    port = free_port()
    venv = Path(sys.executable).parent.parent
    log = (tmp_path / "serve.log").open("w")
    # -o: the project's set-up is this test run's own environment; do not reinstall it.
    server = subprocess.Popen(
        ["make", "-s", "serve", f"VENV={venv}", "-o", f"{venv}/.installed",
         f"SERVE_ADDR=127.0.0.1:{port}"], cwd=folder, stdout=log, stderr=subprocess.STDOUT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"}, start_new_session=True)
    try:
        running = Preview(folder, f"http://127.0.0.1:{port}/")
        wait_for(running.url(f"charters/{CHARTER}/"), ORIGINAL, 90)
        yield running
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
        log.close()


def search_entries(preview: Preview) -> list[dict[str, str]]:
    index = fetch(preview.url("search/search_index.json"))
    assert index is not None
    docs: list[dict[str, str]] = json.loads(index)["docs"]
    return docs


def test_two_edits_in_a_row_reach_every_page_and_search_with_nothing_of_the_first(
        preview: Preview) -> None:
    before = search_entries(preview)
    for word in ("first", "second"):
        preview.edit(ORIGINAL if word == "first" else "Share first", f"Share {word}")
        wait_for(preview.url(f"charters/{CHARTER}/"), f"Share {word}")
        for path in ("partners/city-public-health/", "pledges/"):
            page = wait_for(preview.url(path), f"Share {word}")
            assert ORIGINAL not in page
            assert "Share first" not in page or word == "first"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        entries = search_entries(preview)
        text = json.dumps(entries)
        if "Share second" in text:
            break
        time.sleep(0.3)
    assert "Share second" in text
    assert "Share first" not in text
    assert ORIGINAL not in text
    # One entry per section, as in a full build: none duplicated, none lost.
    locations = [e["location"] for e in entries]
    assert len(locations) == len(set(locations))
    assert sorted(locations) == sorted(e["location"] for e in before)


def test_a_broken_charter_shows_its_positioned_problem_in_the_browser_until_fixed(
        preview: Preview) -> None:
    text = preview.charter.read_text(encoding="utf-8")
    preview.charter.write_text(text.replace("hub: riverside-food-bank",
                                            "hub: nobody-we-know"), encoding="utf-8")
    page = wait_for(preview.url(f"charters/{CHARTER}/"), "This charter has problems")
    assert f"charters/{CHARTER}.yaml:14:6: hub: unknown partner" in html.unescape(page)
    home = wait_for(preview.url(""), "The charters have problems")
    assert "hub: unknown partner" in html.unescape(home)
    preview.charter.write_text(text, encoding="utf-8")
    page = wait_for(preview.url(f"charters/{CHARTER}/"), ORIGINAL)
    assert "This charter has problems" not in page


def test_templates_compiled_for_one_save_are_compiled_again_when_edited(tmp_path: Path) -> None:
    # MkDocs makes a new Jinja environment for every build; the plugin keeps what it compiled
    # for the session (plugin._Compiled). An edited template must never be served stale.
    from jinja2 import Environment, FileSystemLoader

    from generator.plugin import _Compiled

    compiled = _Compiled()
    template = tmp_path / "main.html"

    def render() -> str:
        env = Environment(loader=FileSystemLoader(tmp_path), bytecode_cache=compiled)
        return env.get_template("main.html").render(x=1)

    template.write_text("first {{ x }}", encoding="utf-8")
    assert render() == "first 1"
    assert len(compiled.compiled) == 1
    assert render() == "first 1"  # from the cache
    template.write_text("second {{ x + 1 }}", encoding="utf-8")
    assert render() == "second 2"
    assert len(compiled.compiled) == 1  # replaced, not piled up
