"""Properties over mutated example charters: what validate says, and that what validates builds.

Hypothesis draws the mutations deterministically (derandomize), a bounded number of times, so
a failure names its smallest mutant and reproduces on every run.
"""

from __future__ import annotations

import contextlib
import io
import re
import shutil
import tempfile
import unicodedata
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT, build, make_project
from generator.cli import main
from generator.source import is_registry, read_all

EXAMPLES = sorted(p for p in (ROOT / "charters").glob("*.yaml") if not is_registry(p.name))
# Pieces of YAML and of text that have broken something before, or could.
FRAGMENTS = [
    "\n", "\r", "\r\n", "\t", " ", "  ", ": ", "- ", "-", ":", "#", "'", '"', "{", "}", "[", "]",
    ",", "|", ">", "|-\n", "? ", "&a ", "*a", "&a [1]\n", "<<: ", "!!str ", "!!python/name:os ",
    "---\n", "...\n", "%YAML 1.1\n", "~", "null", "yes", "0x1F", "010", "1e3", "1_000", ".inf",
    "2026-13-45", "12:30", "\x00", "\x01", "\x1b[2K", "\x7f", "\x85", "\u2028", "\u2029",
    "\ufeff", "\ufffe", "\u202e", "\u2066", "\u200f", "\udcff", "é", "😀", "con", "all",
    "`", "``", "[x](#nope)", "[x](javascript:y)", "> !!! danger", "\n\n10. ## H\n", "_" * 40,
    "<script>", "{{ x }}",
]
SETTINGS = settings(max_examples=100, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])
PROBLEM = re.compile(r"(?P<path>.+?\.yaml):(?P<line>\d+):(?P<column>\d+): (?P<message>.+)")
SUMMARY = re.compile(r"\d+ problems? in \d+ files?")


@st.composite
def mutants(draw: st.DrawFn) -> tuple[str, bytes]:
    """An example charter's file name and its text after one to four random edits."""
    path = draw(st.sampled_from(EXAMPLES))
    text = path.read_text(encoding="utf-8")
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        end = min(len(text), at + draw(st.one_of(st.integers(0, 30), st.integers(0, len(text)))))
        piece = draw(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=6),
                               st.just("")))
        text = text[:at] + piece + text[end:]
    return path.name, text.encode("utf-8", "surrogateescape")


def editor_lines(data: bytes) -> list[str]:
    return re.split(r"\r\n|\r|\n", data.decode("utf-8", "replace"))


def validate_in_process(folder: Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["validate", str(folder)])
    return code, out.getvalue(), err.getvalue()


def copy_of_the_examples(into: Path, name: str, data: bytes) -> Path:
    folder = into / "charters"
    shutil.copytree(ROOT / "charters", folder)
    (folder / name).write_bytes(data)
    return folder


@SETTINGS
@given(mutants())
def test_validate_never_raises_and_every_problem_is_one_line_inside_its_file(
        mutant: tuple[str, bytes]) -> None:
    name, data = mutant
    with tempfile.TemporaryDirectory() as tmp:
        folder = copy_of_the_examples(Path(tmp), name, data)
        code, out, err = validate_in_process(folder)
        files = {str(p): p.read_bytes() for p in folder.rglob("*.yaml")}
    assert code in (0, 1)
    lines = err.splitlines()
    if code == 1:
        assert SUMMARY.fullmatch(lines.pop()), err
    for line in lines:
        assert not any(unicodedata.category(ch) in ("Cc", "Zl", "Zp") for ch in line), line
        found = PROBLEM.fullmatch(line)
        assert found, f"not one positioned line: {line!r}"
        text = editor_lines(files[found["path"]])
        row, column = int(found["line"]), int(found["column"])
        assert 1 <= row <= len(text), line
        assert 1 <= column <= len(text[row - 1]) + 1, line
    if code == 0:
        assert out.startswith(f"{len(EXAMPLES)} charters valid")


# Hostile text put into the values a charter's page shows, written back as valid YAML.
HOSTILE = [
    "`" * 3000, "[" * 3000, "`a" * 50, "[x](" * 100, "_a " * 20, "*" * 30, "> !!! danger \"X\"",
    "\n\n10. ## Heading\n", "\n\n- > # Heading\n", "<img src=x onerror=alert(1)>", "{{ 7*7 }}",
    "{% raw %}", "[top](#partners)", "[x](#nope)", "| a | b |\n| - | - |", "\u202e", "\n",
    "&#x3C;script&#x3E;", "::: x", "    indented\n", "\\", "\x1b[2K",
]


SKIP = {"id", "by", "to", "hub", "status", "sector", "stage", "mode", "direction", "checklist",
        "reviewers", "links"}
ID_LISTS = {"partners", "metrics"}  # lists of ids where they are not lists of mappings


def string_fields(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Paths to every string in a loaded charter that is not an id or a fixed word."""
    if isinstance(value, dict):
        return [p for k, v in value.items() if k not in SKIP for p in string_fields(v, (*path, k))]
    if isinstance(value, list):
        if path and path[-1] in ID_LISTS and all(isinstance(v, str) for v in value):
            return []
        return [p for i, v in enumerate(value) for p in string_fields(v, (*path, i))]
    return [path] if isinstance(value, str) else []


@st.composite
def hostile_charters(draw: st.DrawFn) -> tuple[str, str]:
    """An example charter with hostile text put into one to three of its text values."""
    path = draw(st.sampled_from(EXAMPLES))
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    fields = string_fields(data)
    for _ in range(draw(st.integers(1, 3))):
        where = draw(st.sampled_from(fields))
        holder = data
        for part in where[:-1]:
            holder = holder[part]
        old = holder[where[-1]]
        at = draw(st.integers(0, len(old)))
        holder[where[-1]] = old[:at] + draw(st.sampled_from(HOSTILE)) + old[at:]
    return path.name, yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10_000)


@settings(max_examples=10, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(hostile_charters())
def test_every_hostile_charter_that_validates_builds_strictly(mutant: tuple[str, str]) -> None:
    name, text = mutant
    with tempfile.TemporaryDirectory() as tmp:
        folder = copy_of_the_examples(Path(tmp), name, text.encode("utf-8"))
        charters, problems = read_all([folder])
        if problems:
            return  # refused, with positions (the property above checks them)
        assert len(charters) == len(EXAMPLES)
        site = build(make_project(Path(tmp) / "project", folder))
        assert (site / "charters" / name.removesuffix(".yaml") / "index.html").is_file()


_ATTRIBUTE_TEXT = st.text(alphabet=st.sampled_from(
    list(" \t\n/>=\"'&:;#xXoOnNcClLiIkK0123456789aAjJvVsSrRpPtThHeEfFdD-")), max_size=60)


@given(st.sampled_from(["a", "svg", "text", "img", "script", "div"]), _ATTRIBUTE_TEXT)
def test_the_quick_pass_of_the_live_markup_check_never_misses_what_the_full_one_finds(
        name: str, attributes: str) -> None:
    from generator.mdsafety import _all_findings, _findings

    assert _findings(name, attributes) == _all_findings(name, attributes)
