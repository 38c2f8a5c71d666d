"""ProperDocs continues MkDocs 1.x: the example site builds the same with either."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import make_project

GENERATOR = re.compile(rb'<meta name="generator" content="[^"]*">')


def built(command: str, config: Path, site: Path) -> dict[str, bytes]:
    done = subprocess.run([str(Path(sys.executable).parent / command), "build", "--strict",
                           "-f", str(config), "-d", str(site)], capture_output=True, text=True,
                          timeout=300, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
                          check=False)
    assert done.returncode == 0, done.stderr
    # What differs by design: the generator's name, and gzip's own time stamp.
    return {p.relative_to(site).as_posix(): GENERATOR.sub(b"", p.read_bytes())
            for p in site.rglob("*") if p.is_file() and p.name != "sitemap.xml.gz"}


def test_properdocs_builds_the_example_site_byte_for_byte_as_mkdocs(tmp_path: Path) -> None:
    config = make_project(tmp_path / "project")
    mkdocs = built("mkdocs", config, tmp_path / "mkdocs-site")
    properdocs = built("properdocs", config, tmp_path / "properdocs-site")
    assert sorted(properdocs) == sorted(mkdocs)
    assert [path for path in mkdocs if mkdocs[path] != properdocs[path]] == []
    assert any(path.startswith("charters/") for path in mkdocs)
