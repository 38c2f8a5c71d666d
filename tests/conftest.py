"""Shared fixtures: the repository root, golden files, and real MkDocs builds."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import pytest
import yaml

from generator.feeds import feed_plan
from generator.model import Charter
from generator.render import Extras, site_plan

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "cases"
BUILD_DATE = dt.date(2026, 11, 26)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite golden files from the current output (review with git diff)")


def pytest_configure(config: pytest.Config) -> None:
    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    if config.getoption("--update-golden"):
        os.environ["CHARTERS_UPDATE_GOLDEN"] = "1"


def render_pages(charters: Sequence[Charter], today: dt.date, extras: Extras | None = None
                 ) -> dict[str, str]:
    """Every generated page's self-contained Markdown, as `charters render --out` writes it."""
    plan = site_plan(charters, today, extras or Extras(), placeholders=False)
    return {path: str(planned.make().content) for path, planned in plan.items()}


def feed_files(charters: Sequence[Charter], today: dt.date, *, site_url: str | None = None
               ) -> dict[str, bytes]:
    """Every feed, by its path on the site."""
    return {path: make() for path, make in feed_plan(charters, today, site_url=site_url).items()}


def check_golden(path: Path, actual: str | bytes) -> None:
    """Compare with a golden file, or rewrite it under --update-golden."""
    if os.environ.get("CHARTERS_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(actual, bytes):
            path.write_bytes(actual)
        else:
            path.write_text(actual, encoding="utf-8", newline="\n")
        return
    assert path.exists(), f"{path} is missing: run pytest --update-golden and review the diff"
    expected = path.read_bytes() if isinstance(actual, bytes) else path.read_text(encoding="utf-8")
    assert actual == expected, f"{path} differs: run pytest --update-golden and review the diff"


@pytest.fixture
def in_root(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run from the repository root, so problems show paths as a user types them."""
    monkeypatch.chdir(ROOT)
    return ROOT


def make_project(folder: Path, charters: Path | Mapping[str, str] | None = None,
                 plugin_options: Mapping[str, object] | None = None) -> Path:
    """A copy of this project's site set-up in `folder` with its own charters; its mkdocs.yml."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "theme", folder / "theme")
    shutil.copytree(ROOT / "docs", folder / "docs")
    target = folder / "charters"
    if charters is None:
        shutil.copytree(ROOT / "charters", target)
    elif isinstance(charters, Path):
        shutil.copytree(charters, target)
    else:
        target.mkdir()
        for name, text in charters.items():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            (target / name).write_text(text, encoding="utf-8")
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    options = {"charters_dir": "charters", "build_date": BUILD_DATE.isoformat(), "history": False}
    options.update(plugin_options or {})
    # The project's own plugins, with the charters plugin's options replaced.
    config["plugins"] = [{"charters": options} if isinstance(p, dict) and "charters" in p
                         else p for p in config["plugins"]]
    (folder / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return folder / "mkdocs.yml"


def build(config_file: Path, site_dir: Path | None = None) -> Path:
    """Run a real, strict `mkdocs build` in-process; returns the site folder."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    site = site_dir or config_file.parent / "site"
    config = load_config(str(config_file), site_dir=str(site), strict=True)
    mkdocs_build(config)
    return site


@pytest.fixture(scope="session")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example charters, built once for the session."""
    folder = tmp_path_factory.mktemp("example")
    return build(make_project(folder))


SiteBuilder = Callable[..., Path]


@pytest.fixture
def site_builder(tmp_path: Path) -> SiteBuilder:
    def builder(charters: Path | Mapping[str, str] | None = None, **options: object) -> Path:
        return build(make_project(tmp_path / "project", charters, options))
    return builder
