"""`charters.json` names each charter's file the same way wherever the build runs from."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import BUILD_DATE, ROOT
from generator.feeds import charters_json
from generator.source import read_all


@pytest.mark.parametrize("where", ["repository", "elsewhere", "charters", "docs"])
def test_source_is_relative_to_the_charters_folders_parent_wherever_the_build_runs(
        where: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folders = {"repository": ROOT, "elsewhere": tmp_path, "charters": ROOT / "charters",
               "docs": ROOT / "docs"}
    monkeypatch.chdir(folders[where])
    charters, problems = read_all([ROOT / "charters"])
    assert problems == []
    feed = json.loads(charters_json(charters, BUILD_DATE))
    sources = [c["source"] for c in feed["charters"]]
    assert sources == [f"charters/{c.id}.yaml" for c in charters]
    assert str(ROOT) not in charters_json(charters, BUILD_DATE).decode()
