"""Find charter files, and read each through load, validate and model."""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Iterable
from pathlib import Path

from generator import spec
from generator.errors import Problem
from generator.load import MAX_BYTES, load_all, too_big
from generator.model import Charter, build
from generator.registry import (
    Declared,
    Registry,
    across,
    is_registry,
    parse_registry,
    partner_nodes,
    resolve,
)
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
    """Charter files named by `paths`: files as given, folders for their top-level *.yaml.

    A folder's `partners.yaml` is its partner registry, not a charter (`read_all` reads it).
    """
    files: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            files.extend(p for p in sorted(path.glob("*.yaml"))
                         if not p.is_dir() and not is_registry(p.name))
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
    if not _ID.fullmatch(stem):
        return stem, [Problem(path, 1, 1, "", f"file name '{name}' is not a valid charter id: use "
                                              "lowercase letters, digits and single hyphens, "
                                              "then .yaml, like 'city-health-partnership.yaml'")]
    if spec.reserved_name(stem):
        return stem, [Problem(path, 1, 1, "", f"file name '{name}' is a device name on Windows, "
                                              "which cannot store it; choose another charter id, "
                                              f"like '{stem}-partnership.yaml'")]
    return stem, []


def parse_charter(data: bytes, path: str, registry: Registry | None = None
                  ) -> tuple[Charter | None, list[Problem]]:
    """One charter from its bytes; `path` names it in problems and gives its id.

    Partner entries that name an organisation by id alone take it from `registry`.
    """
    charter, problems, _ = _parse(data, path, registry)
    return charter, problems


_Parsed = tuple[Charter | None, list[Problem], list[Declared]]


def _parse(data: bytes, path: str, registry: Registry | None) -> _Parsed:
    """A charter, its problems, and the organisations it declares inline."""
    cid, problems = charter_id(path)
    root, load_problems = load_all(data, path)
    problems += load_problems
    if root is None:
        return None, problems, []
    declared, found = resolve(root, path, registry)
    problems += found
    values, found = validate(root, path)
    problems += found
    if values is None or problems:
        return None, problems, declared
    for entry, node in zip(values["partners"], partner_nodes(root), strict=True):
        entry["_column"] = node.start_mark.column + 1
    return build(values, cid, path), [], declared


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
            data = f.read(MAX_BYTES + 1)
            if len(data) > MAX_BYTES:  # its real size, not the most that was read
                return None, [too_big(display, max(len(data), os.fstat(f.fileno()).st_size))]
            return data, []
    except OSError as e:
        return None, [Problem(display, 1, 1, "", f"cannot read file: {e.strerror}")]


class ParseCache:
    """Charters parsed by earlier reads in this process, by path and content digest.

    `mkdocs serve` reads every charter on every save: only a changed file is parsed again.
    """

    def __init__(self) -> None:
        self.parsed: dict[tuple[str, bytes, bytes], _Parsed] = {}
        self.digests: dict[str, bytes] = {}  # path -> digest of what was read last
        self.versions: dict[str, bytes] = {}  # path -> digest of its bytes and its registry

    def parse(self, data: bytes, display: str, registry: Registry | None = None) -> _Parsed:
        """The charter these bytes hold, parsed once for each content (and registry)."""
        digest = hashlib.blake2b(data, digest_size=16).digest()
        old = self.digests.get(display)
        if old is not None and old != digest:
            self.parsed = {k: v for k, v in self.parsed.items()  # one version of each file
                           if k[:2] != (display, old)}
        key = (display, digest, registry.digest if registry is not None else b"")
        # What the charter was made from: its bytes and the registry that named its partners.
        self.digests[display] = digest
        self.versions[display] = hashlib.blake2b(digest + key[2], digest_size=16).digest()
        if key not in self.parsed:
            self.parsed[key] = _parse(data, display, registry)
        charter, problems, declared = self.parsed[key]
        return charter, list(problems), declared


def read_charter(path: Path, cache: ParseCache | None = None
                 ) -> tuple[Charter | None, list[Problem]]:
    """One charter from disk, with the registry beside it."""
    registry, problems = read_registry(path.parent)
    charter, found, _ = _read(path, cache, registry)
    return charter, problems + found


def _read(path: Path, cache: ParseCache | None, registry: Registry | None) -> _Parsed:
    display = shown(path)
    data, problems = read_input(path, display)
    if data is None:
        return None, problems, []
    if cache is not None:
        return cache.parse(data, display, registry)
    return _parse(data, display, registry)


def read_registry(folder: Path) -> tuple[Registry | None, list[Problem]]:
    """The partner registry of a charters folder (None when it has none)."""
    path = folder / "partners.yaml"
    if not path.exists() and not path.is_symlink():
        return None, []
    display = shown(path)
    data, problems = read_input(path, display)
    if data is None:
        return Registry(display), problems
    registry, problems = parse_registry(data, display)
    return registry, problems


def read_all(paths: Iterable[Path], cache: ParseCache | None = None
             ) -> tuple[list[Charter], list[Problem]]:
    """Every charter named by `paths`, sorted by id, and every problem in every file.

    Each folder's partner registry is read with its charters (and checked when named itself);
    one partner id given two names or sectors across the charters read is a problem.
    """
    files, problems = find(paths)
    charters: list[Charter] = []
    registries: dict[Path, Registry | None] = {}
    declared: dict[Path, list[Declared]] = {}  # one site per folder
    for path in files:
        if path.parent not in registries:
            registries[path.parent], found = read_registry(path.parent)
            problems += found
        registry = registries[path.parent]
        if is_registry(path.name):
            continue  # named on its own (a pre-commit hook passes changed files): checked above
        charter, found, inline = _read(path, cache, registry)
        problems += found
        if charter is not None:  # an invalid charter's names wait until it is fixed
            charters.append(charter)
            declared.setdefault(path.parent, []).extend(
                d for d in inline if registry is None or d.id not in registry.partners)
    problems += [p for found in declared.values() for p in across(found)]
    return sorted(charters, key=lambda c: c.id), sorted(set(problems))
