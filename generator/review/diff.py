"""`charters diff`: read the charters of two revisions (or the working tree) and compare them.

This is the part of `charters diff` that talks to git; `compare` says what changed and `changes`
renders it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from generator.errors import ChartersError, Problem, UsageError
from generator.model import Charter
from generator.registry import FILE_NAME, Registry, is_registry, parse_registry
from generator.review import git
from generator.review.changes import to_json, to_markdown
from generator.review.compare import ChangeSet, compare
from generator.source import find, parse_charter, read_input


def _parsed(blobs: Iterable[tuple[str, bytes | None]], registry: Registry | None
            ) -> tuple[list[Charter], list[Problem]]:
    charters: list[Charter] = []
    problems: list[Problem] = []
    for path, data in blobs:
        if data is None:
            continue
        charter, found = parse_charter(data, path, registry)
        problems += found
        if charter is not None:
            charters.append(charter)
    return charters, problems


def _at(root: Path, commit: str | None, folder: str) -> tuple[list[Charter], list[Problem]]:
    """The charters of one revision (None: the working tree), with its partner registry."""
    registry_name = f"{folder}/{FILE_NAME}" if folder not in ("", ".") else FILE_NAME
    if commit is None:  # the working tree, read like `charters validate` reads it
        files, _ = find([root / folder])
        read = [(f.relative_to(root).as_posix(), read_input(f, f.relative_to(root).as_posix()))
                for f in files]
        registry_data, refused = (read_input(root / registry_name, registry_name)
                                  if (root / registry_name).exists() else (None, []))
        refused += [p for _, (_, found) in read for p in found]  # links, special files
    else:
        listed = git.list_files(root, commit, folder)  # read by hash: a path may hold a newline
        names = [n for n in listed if n.endswith(".yaml")]
        blobs = git.read_blobs(root, [listed[n] for n in names])
        read = [(n, (blobs[listed[n]], [])) for n in names if not is_registry(n)]
        registry_data, refused = blobs.get(listed.get(registry_name, ""), None), []
    registry, found = (parse_registry(registry_data, registry_name) if registry_data is not None
                       else (None, []))
    charters, problems = _parsed(((name, data) for name, (data, _) in read if data is not None),
                                 registry)
    return charters, refused + found + problems


def _commit(root: Path, revision: str) -> str:
    commit = git.resolve(root, revision)
    if commit is None:
        raise UsageError(f"unknown revision '{revision}': name a commit, branch or tag, "
                         "like main or origin/main (is the history fetched?)")
    return commit


def changes_between(base: str | None, head: str | None, charters_dir: Path) -> ChangeSet:
    """What changed in the charters between two revisions (default: merge base with main,
    and the working tree)."""
    folder = charters_dir if charters_dir.is_absolute() else Path.cwd() / charters_dir
    start = next((p for p in (folder, *folder.parents) if p.is_dir()), Path.cwd())
    root = git.toplevel(start)
    if root is None:
        raise UsageError("not inside a git repository: `charters diff` compares git revisions")
    relative = folder.resolve().relative_to(root.resolve()).as_posix()
    if base is None:
        tip = _commit(root, "HEAD")
        main = git.resolve(root, "main")
        base = (git.merge_base(root, main, tip) if main else None) or tip
    old, problems = _at(root, _commit(root, base), relative)
    new, found = _at(root, None if head is None else _commit(root, head), relative)
    if problems or found:
        raise ChartersError(set(problems + found))
    return compare(old, new)


def run_diff(base: str | None, head: str | None, fmt: str, charters_dir: Path) -> str:
    """Compare the charters of two revisions (default: merge base with main, working tree)."""
    render: Callable[[ChangeSet], str] = to_json if fmt == "json" else to_markdown
    return render(changes_between(base, head, charters_dir))
