"""`mkdocs serve` and `make site`: a preview that follows the YAML, a publish that is atomic."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT, make_project


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return str(response.read().decode("utf-8"))
    except OSError:
        return None


def wait_for(url: str, needle: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        page = fetch(url)
        if page is not None and needle in page:
            return True
        time.sleep(0.3)
    return False


def test_serve_shows_an_edited_pledge_after_the_yaml_is_saved(tmp_path: Path) -> None:
    config = make_project(tmp_path / "project")
    port = free_port()
    url = f"http://127.0.0.1:{port}/charters/riverside-food-poverty/"
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-f", str(config), "-a", f"127.0.0.1:{port}"],
        cwd=config.parent, stdout=log, stderr=subprocess.STDOUT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    try:
        assert wait_for(url, "Share anonymised", 60), "the served page never appeared"
        charter = config.parent / "charters" / "riverside-food-poverty.yaml"
        charter.write_text(charter.read_text(encoding="utf-8").replace(
            "Share anonymised", "Share freshly edited"), encoding="utf-8")
        assert wait_for(url, "Share freshly edited", 60), "the edit never reached the page"
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "repo"
    make_project(folder)
    shutil.copy(ROOT / "Makefile", folder / "Makefile")
    shutil.copy(ROOT / "mkdocs.yml", folder / "mkdocs.yml")
    return folder


def make_site(folder: Path) -> subprocess.CompletedProcess[str]:
    venv = Path(sys.executable).parent.parent
    # -o: the project's set-up is this test run's own environment; do not reinstall it.
    return subprocess.run(["make", "-s", "site", f"VENV={venv}", "-o", f"{venv}/.installed"],
                          cwd=folder, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "CHARTERS_BUILD_DATE": "2026-11-26"})


def test_make_site_replaces_the_site_only_when_the_build_succeeds(project: Path) -> None:
    first = make_site(project)
    assert first.returncode == 0, first.stderr
    published = project / "site" / "index.html"
    assert published.is_file()
    (project / "site" / "marker.txt").write_text("the site that was published")
    before = published.read_bytes()

    (project / "charters" / "broken.yaml").write_text("title: [\n", encoding="utf-8")
    failed = make_site(project)
    assert failed.returncode != 0
    assert "charters/broken.yaml:2:1: YAML syntax" in failed.stderr
    assert "Traceback" not in failed.stderr
    assert (project / "site" / "marker.txt").read_text() == "the site that was published"
    assert published.read_bytes() == before
    assert not (project / ".site-build").exists(), "a failed build left a half-written folder"

    (project / "charters" / "broken.yaml").unlink()
    again = make_site(project)
    assert again.returncode == 0, again.stderr
    assert not (project / "site" / "marker.txt").exists()
