"""Find charter files, and read each through load, validate and model."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

from generator import spec
from generator.errors import Problem
from generator.load import load_bytes
from generator.model import Charter, build
from generator.validate import validate

_ID = re.compile(spec.ID_PATTERN)


def shown(path: Path) -> str:
    """The path as a user would type it: relative to the working folder when inside it."""
    if not path.is_absolute():
        return path.as_posix()
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return path.as_posix()
    return path.as_posix() if relative.startswith("..") else relative.replace(os.sep, "/")


def find(paths: Iterable[Path]) -> tuple[list[Path], list[Problem]]:
    """Charter files named by `paths`: files as given, folders for their top-level *.yaml."""
    files: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(path.glob("*.yaml")))
            problems.extend(Problem(shown(p), 1, 1, "", "charter files end in .yaml; rename it")
                            for p in sorted(path.glob("*.yml")))
        elif path.exists():
            files.append(path)
        else:
            problems.append(Problem(shown(path), 1, 1, "", "no such file or folder"))
    return files, problems


def charter_id(path: str) -> tuple[str, list[Problem]]:
    """The charter id is the file name without .yaml; it must be a valid id."""
    name = path.rsplit("/", 1)[-1]
    stem = name[: -len(".yaml")] if name.endswith(".yaml") else name
    if not _ID.match(stem):
        return stem, [Problem(path, 1, 1, "", f"file name '{name}' is not a valid charter id: use "
                                              "lowercase letters, digits and single hyphens, "
                                              "then .yaml, like 'city-health-partnership.yaml'")]
    return stem, []


def parse_charter(data: bytes, path: str) -> tuple[Charter | None, list[Problem]]:
    """One charter from its bytes; `path` names it in problems and gives its id."""
    cid, problems = charter_id(path)
    root, load_problems = load_bytes(data, path)
    problems += load_problems
    if root is None:
        return None, problems
    values, found = validate(root, path)
    problems += found
    if values is None or problems:
        return None, problems
    return build(values, cid, path), []


def read_charter(path: Path) -> tuple[Charter | None, list[Problem]]:
    """One charter from disk."""
    display = shown(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        return None, [Problem(display, 1, 1, "", f"cannot read file: {e.strerror}")]
    return parse_charter(data, display)


def read_all(paths: Iterable[Path]) -> tuple[list[Charter], list[Problem]]:
    """Every charter named by `paths`, sorted by id, and every problem in every file."""
    files, problems = find(paths)
    charters: list[Charter] = []
    for path in files:
        charter, found = read_charter(path)
        problems += found
        if charter is not None:
            charters.append(charter)
    return sorted(charters, key=lambda c: c.id), sorted(problems)
