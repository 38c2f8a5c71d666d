"""The Markdown a user's site is made of: pinned by golden files, identical on every run."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from conftest import BUILD_DATE, CASES, ROOT, check_golden, render_pages
from generator.output import MANIFEST, write_markdown
from generator.publish import build_outputs
from generator.render import Extras
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
    early = render_pages(charters, dt.date(2025, 1, 1), Extras())
    late = render_pages(charters, dt.date(2027, 6, 1), Extras())
    assert "⚠ Overdue" not in early["charters/wessex-healthcare-education/index.md"]
    assert "⚠ Overdue" in late["charters/wessex-healthcare-education/index.md"]


def test_render_writes_the_same_tree_to_disk(tmp_path: Path) -> None:
    out = tmp_path / "out"
    count = write_markdown(ROOT / "charters", out, BUILD_DATE)
    written = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert len(written - {MANIFEST}) == count
    assert MANIFEST in written
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


# --- `charters render --out`: it removes only what it wrote -------------------------------------

def render(out: Path | str, capsys: pytest.CaptureFixture[str],
           charters: Path = ROOT / "charters") -> tuple[int, str]:
    from generator.cli import main

    code = main(["render", "--out", str(out), "--charters", str(charters),
                 "--date", BUILD_DATE.isoformat()])
    return code, capsys.readouterr().err


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_render_into_the_working_folder_is_refused_and_touches_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "work.txt").write_text("uncommitted work\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert render(".", capsys) == (2, "charters render: --out . is the working folder or holds "
                                      "it: name a new folder, like --out rendered\n")
    assert render(tmp_path.parent, capsys)[0] == 2
    assert tree(tmp_path) == {"work.txt": b"uncommitted work\n"}


def test_render_into_a_folder_it_did_not_write_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "docs"
    out.mkdir()
    (out / "index.md").write_text("# Mine\n", encoding="utf-8")
    code, err = render(out, capsys)
    assert (code, err) == (2, f"charters render: --out {out} is not empty and was not written by "
                              "`charters render`: name a new or empty folder\n")
    assert tree(out) == {"index.md": b"# Mine\n"}


def test_render_into_a_git_repository_is_refused_even_with_a_manifest(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert render(out, capsys)[0] == 0
    (out / ".git").mkdir()
    (out / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    before = tree(out)
    code, err = render(out, capsys)
    assert (code, err.count("\n")) == (2, 1)
    assert "is a git repository" in err
    assert tree(out) == before


def test_render_into_the_charters_folder_or_a_parent_of_it_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "charters", repo / "charters")
    # A manifest would let render write there: the charters' own folders stay refused.
    for folder in (repo, repo / "charters"):
        (folder / MANIFEST).write_text("charters/wessex-healthcare-education.yaml\n",
                                       encoding="utf-8")
    before = tree(repo)
    for out in (repo, repo / "charters", tmp_path):
        code, err = render(out, capsys, charters=repo / "charters")
        assert (code, err) == (2, f"charters render: --out {out} holds the charters folder "
                                  f"{repo / 'charters'}: name a new folder outside it, like "
                                  "--out rendered\n")
    assert tree(repo) == before


def test_rendering_again_replaces_its_own_files_and_leaves_everything_else(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert render(out, capsys) == (0, "")
    first = tree(out)
    manifest = (out / MANIFEST).read_text(encoding="utf-8")
    assert sorted(manifest.splitlines()[1:]) == sorted(set(first) - {MANIFEST})
    # An earlier render made a page no longer made; someone else keeps notes in the folder.
    (out / "charters" / "gone").mkdir()
    (out / "charters" / "gone" / "index.md").write_text("# Gone\n", encoding="utf-8")
    (out / MANIFEST).write_text(manifest + "charters/gone/index.md\n../outside.txt\n",
                                encoding="utf-8")
    (tmp_path / "outside.txt").write_text("not ours\n", encoding="utf-8")
    (out / "notes.txt").write_text("mine\n", encoding="utf-8")
    (out / "charters" / "wessex-healthcare-education" / "index.md").write_text("stale\n",
                                                                              encoding="utf-8")
    assert render(out, capsys) == (0, "")
    assert tree(out) == {**first, "notes.txt": b"mine\n"}
    assert not (out / "charters" / "gone").exists()
    assert (tmp_path / "outside.txt").read_text(encoding="utf-8") == "not ours\n"


def test_render_never_overwrites_a_file_it_did_not_write(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert render(out, capsys)[0] == 0
    manifest = out / MANIFEST
    manifest.write_text("\n".join(line for line in manifest.read_text(encoding="utf-8")
                                  .splitlines() if line != "index.md") + "\n", encoding="utf-8")
    (out / "index.md").write_text("# My own home page\n", encoding="utf-8")
    before = tree(out)
    code, err = render(out, capsys)
    assert (code, err) == (2, f"charters render: {out / 'index.md'} exists and was not written by "
                              "`charters render`: move it away, or render into a new folder\n")
    assert tree(out) == before


def test_a_full_disk_during_render_is_one_line_without_a_traceback(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    import generator.output

    def full(folder: Path, path: str, content: str | bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(generator.output, "write_output", full)
    out = tmp_path / "out"
    assert render(out, capsys) == (1, f"charters render: cannot write to {out}: "
                                      "No space left on device\n")
