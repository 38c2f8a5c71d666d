"""The example site as a partnership publishes it, for the browser tests (offline, print, phone).

Built once per test session from this repository's own mkdocs.yml (offline plugin and all),
with `site_url` set as an intranet's would be. It is opened from disk (file://) and served over
HTTP under a sub-path (/partnerships/) on 127.0.0.1, in Debian's chromium. Pages are found in
the built site, not listed here, so the tests follow the site as its pages change.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
import yaml

from conftest import BUILD_DATE, ROOT, build

SITE_URL = "https://intranet.example.org/partnerships/"
PREFIX = "/partnerships/"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
# What a page may load: its own files, from disk or from the test server.
LOCAL_SCHEMES = ("file", "data", "blob", "about")
LOCAL_HOSTS = ("127.0.0.1", "localhost")
# What each kind of page is, by where it is in the built site (use_directory_urls: false).
KINDS = {
    "home": lambda p: p == "index.html",
    "charters index": lambda p: p == "charters/index.html",
    "charter": lambda p: p.startswith("charters/") and p.endswith("/index.html")
    and p.count("/") == 2,
    "self-assessment": lambda p: p.startswith("charters/") and p.endswith("/self-assessment.html"),
    "history": lambda p: p.startswith("charters/") and p.endswith("/history.html"),
    "partners index": lambda p: p == "partners/index.html",
    "partner": lambda p: p.startswith("partners/") and p.count("/") == 2,
    "register": lambda p: p.startswith("pledges/"),
    "guide": lambda p: p.startswith("guide/"),
}


def project(folder: Path, *, site_url: str | None = SITE_URL) -> Path:
    """This repository's site set-up in `folder`, committed to a git repository of its own
    (for the history pages), mkdocs.yml as shipped but for the build date and `site_url`;
    returns its mkdocs.yml."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("theme", "docs", "charters"):
        shutil.copytree(ROOT / name, folder / name)
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    for entry in config["plugins"]:
        if isinstance(entry, dict) and "charters" in entry:
            entry["charters"] = {**(entry["charters"] or {}), "build_date": BUILD_DATE.isoformat()}
    if site_url is not None:
        config["site_url"] = site_url
    (folder / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False),
                                       encoding="utf-8")
    commit(folder)
    return folder / "mkdocs.yml"


def commit(folder: Path) -> None:
    """Make `folder` a git repository with everything in it committed once, on a fixed date."""
    env = {**os.environ, "GIT_AUTHOR_NAME": "Secretariat", "GIT_AUTHOR_EMAIL": "s@example.org",
           "GIT_COMMITTER_NAME": "Secretariat", "GIT_COMMITTER_EMAIL": "s@example.org",
           "GIT_AUTHOR_DATE": "2026-11-20T09:00:00+00:00",
           "GIT_COMMITTER_DATE": "2026-11-20T09:00:00+00:00", "GIT_CONFIG_NOSYSTEM": "1"}
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "Charters"]):
        subprocess.run(["git", *args], cwd=folder, env=env, capture_output=True, check=True)


@functools.cache
def _built(base: Path) -> Path:
    return build(project(base / "published"))


def published_site(factory: pytest.TempPathFactory) -> Path:
    """The published example site, built once per session (every module that asks shares it)."""
    return _built(factory.getbasetemp())


def pages(site: Path) -> list[str]:
    """Every HTML page of the built site, as site-relative paths."""
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")
                  if p.parts[len(site.parts)] not in ("assets", "search") and p.name != "404.html")


def kind_of(path: str) -> str | None:
    return next((kind for kind, test in KINDS.items() if test(path)), None)


def one_of_each_kind(site: Path) -> dict[str, str]:
    """The first page of each kind, by kind; fails if a kind is missing from the site."""
    found: dict[str, str] = {}
    for path in pages(site):
        kind = kind_of(path)
        if kind is not None:
            found.setdefault(kind, path)
    assert set(found) == set(KINDS), f"no page of kinds {set(KINDS) - set(found)}"
    return found


@contextmanager
def serve(site: Path) -> Iterator[str]:
    """The site over HTTP on 127.0.0.1, under PREFIX only; yields its address."""

    class Handler(http.server.SimpleHTTPRequestHandler):
        def translate_path(self, path: str) -> str:
            if not path.startswith(PREFIX):
                return str(site / "no such file")  # outside the sub-path: 404
            return super().translate_path("/" + path[len(PREFIX):])

        def log_message(self, *args: Any) -> None:
            pass

    handler = functools.partial(Handler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}{PREFIX}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


@contextmanager
def chromium() -> Iterator[Any]:
    """Debian's chromium through Playwright; skips when either is missing."""
    sync = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed (make browser)")
    with sync.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


# A4 less print.css's page margins (15 mm each side), in CSS pixels: the printable width.
PRINTABLE_WIDTH = round((210 - 2 * 15) / 25.4 * 96)


@contextmanager
def printable_page() -> Iterator[Any]:
    """A page laid out at A4's printable width, in a browser of its own, that prints to PDF."""
    with chromium() as browser:
        context = browser.new_context(viewport={"width": PRINTABLE_WIDTH, "height": 1000})
        try:
            yield context.new_page()
        finally:
            context.close()


def is_local(url: str) -> bool:
    parsed = urlparse(url)
    return parsed.scheme in LOCAL_SCHEMES or parsed.hostname in LOCAL_HOSTS


@contextmanager
def local_page(browser: Any, **context_options: Any) -> Iterator[Any]:
    """A page in a fresh context that may load nothing from off this machine: a request
    elsewhere is refused, and the test fails when the page is done."""
    context = browser.new_context(**context_options)
    outside: list[str] = []

    def guard(route: Any) -> None:
        if is_local(route.request.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.on("request", lambda r: None if is_local(r.url) else outside.append(r.url))
    try:
        yield page
    finally:
        context.close()
    assert outside == [], f"requests left the machine: {sorted(set(outside))}"
