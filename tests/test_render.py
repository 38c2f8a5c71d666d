"""The Markdown a user's site is made of: pinned by golden files, identical on every run."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from conftest import BUILD_DATE, CASES, ROOT, check_golden
from generator.output import write_markdown
from generator.publish import build_outputs
from generator.render import Extras, render_site
from generator.source import read_all

GOLDEN = CASES / "site"


def markdown_pages() -> dict[str, str]:
    _, outputs = build_outputs(ROOT / "charters", BUILD_DATE, history=False)
    return {k: v for k, v in outputs.items() if isinstance(v, str)}


def test_the_example_pages_match_their_golden_files() -> None:
    pages = markdown_pages()
    for path, markdown in pages.items():
        check_golden(GOLDEN / path, markdown)
    on_disk = {p.relative_to(GOLDEN).as_posix() for p in GOLDEN.rglob("*.md")}
    assert on_disk == set(pages), "golden files for pages that no longer exist: remove them"


def test_two_renders_of_the_same_charters_and_date_are_byte_identical() -> None:
    first = build_outputs(ROOT / "charters", BUILD_DATE, history=False)[1]
    second = build_outputs(ROOT / "charters", BUILD_DATE, history=False)[1]
    assert first == second
    assert list(first) == list(second)


def test_the_build_date_is_the_only_clock() -> None:
    charters, _ = read_all([ROOT / "charters"])
    early = render_site(charters, dt.date(2025, 1, 1), Extras())
    late = render_site(charters, dt.date(2027, 6, 1), Extras())
    assert "⚠ Overdue" not in early["charters/wessex-healthcare-education/index.md"]
    assert "⚠ Overdue" in late["charters/wessex-healthcare-education/index.md"]


def test_render_writes_the_same_tree_to_disk(tmp_path: Path) -> None:
    out = tmp_path / "out"
    count = write_markdown(ROOT / "charters", out, BUILD_DATE)
    written = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert len(written) == count
    assert "charters/wessex-healthcare-education/index.md" in written
    assert "pledges.csv" in written


def test_a_failed_render_leaves_the_previous_output_untouched(tmp_path: Path) -> None:
    from generator.errors import ChartersError

    out = tmp_path / "out"
    write_markdown(ROOT / "charters", out, BUILD_DATE)
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    broken = tmp_path / "charters"
    broken.mkdir()
    (broken / "broken.yaml").write_text("title: [\n", encoding="utf-8")
    with pytest.raises(ChartersError):
        write_markdown(broken, out, BUILD_DATE)
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []


@pytest.mark.parametrize("folder", sorted({p.parent for p in CASES.rglob("*.yaml")
                                           if p.parent.name in ("feeds", "svg", "charters")}),
                         ids=lambda p: p.relative_to(CASES).as_posix())
def test_every_valid_fixture_charter_renders(folder: Path, tmp_path: Path) -> None:
    charters, problems = read_all([folder])
    if problems or not charters:
        pytest.skip("not a folder of valid charters")
    staging = tmp_path / "charters"
    staging.mkdir()
    for charter in charters:
        (staging / f"{charter.id}.yaml").write_bytes((folder / f"{charter.id}.yaml").read_bytes())
    _, outputs = build_outputs(staging, BUILD_DATE, history=False)
    assert all(f"charters/{c.id}/index.md" in outputs for c in charters)
