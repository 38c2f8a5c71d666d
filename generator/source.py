"""Find charter files, and read each through load, validate and model."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable
from pathlib import Path

from generator import spec
from generator.errors import Problem
from generator.load import MAX_BYTES, load_bytes
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
            files.extend(p for p in sorted(path.glob("*.yaml")) if not p.is_dir())
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


def read_input(path: Path, display: str) -> tuple[bytes | None, list[Problem]]:
    """The bytes of a plain file, at most one byte past the size limit.

    A pull request can add a symbolic link or a special file as easily as a charter: a link
    could point at any file on the build machine, and /dev/zero or a FIFO would never end.
    """
    try:
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode):
            return None, [Problem(display, 1, 1, "", "is a symbolic link; charters and "
                                                     "responses must be plain files")]
        if not stat.S_ISREG(info.st_mode):
            return None, [Problem(display, 1, 1, "", "is not a plain file")]
        with path.open("rb") as f:
            return f.read(MAX_BYTES + 1), []
    except OSError as e:
        return None, [Problem(display, 1, 1, "", f"cannot read file: {e.strerror}")]


def read_charter(path: Path) -> tuple[Charter | None, list[Problem]]:
    """One charter from disk."""
    display = shown(path)
    data, problems = read_input(path, display)
    if data is None:
        return None, problems
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
