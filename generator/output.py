"""Outputs written to disk: each file whole, and a folder's earlier files replaced only when ours.

`charters render --out DIR` writes here; so does the plugin's page cache.

A folder `charters render` writes holds a manifest (`.charters-render`) listing every file it
wrote. Rendering again replaces those files and removes the ones no longer made; a file it did
not write is never overwritten or removed, and a folder it did not write (not empty, no manifest)
is refused, as are the working folder, a repository and the charters folder or its parents.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from generator.errors import ChartersError, UsageError
from generator.publish import build_outputs

MANIFEST = ".charters-render"
_HEADER = ("# Written by `charters render`: it replaces or removes the files listed here on the "
           "next render, and nothing else.\n")


def write_markdown(charters_dir: Path, out: Path, today: dt.date) -> int:
    """Write every page and feed under `out`, replacing only what an earlier render wrote there."""
    earlier = check_out_folder(out, charters_dir)
    _, outputs = build_outputs(charters_dir, today)  # bad charters fail here, before any write
    taken = sorted(rel for rel in outputs if rel not in earlier and (out / rel).exists())
    if taken:
        raise UsageError(f"{out / taken[0]} exists and was not written by `charters render`: "
                         "move it away, or render into a new folder")
    try:
        # Listed before written: a render killed half-way still knows every file it may own.
        _write_manifest(out, sorted(set(earlier) | set(outputs)))
        for rel, content in outputs.items():
            write_output(out, rel, content)
        for rel in sorted(set(earlier) - set(outputs)):
            _remove(out, rel)
        _write_manifest(out, sorted(outputs))
    except OSError as e:
        raise ChartersError(f"cannot write to {out}: {e.strerror or e}") from None
    return len(outputs)


def check_out_folder(out: Path, charters_dir: Path) -> list[str]:
    """Refuse a folder render must not write into; return the files an earlier render wrote."""
    target = out.resolve()
    here = Path.cwd().resolve()
    charters = charters_dir.resolve()
    if target == here or target in here.parents:
        raise UsageError(f"--out {out} is the working folder or holds it: "
                         "name a new folder, like --out rendered")
    if target == charters or target in charters.parents:
        raise UsageError(f"--out {out} holds the charters folder {charters_dir}: "
                         "name a new folder outside it, like --out rendered")
    if not target.exists():
        return []
    if not target.is_dir():
        raise UsageError(f"--out {out} is a file, not a folder: name a new folder")
    if (target / ".git").exists():
        raise UsageError(f"--out {out} is a git repository: name a new folder, like --out rendered")
    manifest = target / MANIFEST
    if manifest.is_file():
        return _read_manifest(manifest)
    if any(target.iterdir()):
        raise UsageError(f"--out {out} is not empty and was not written by `charters render`: "
                         "name a new or empty folder")
    return []


def _read_manifest(manifest: Path) -> list[str]:
    try:
        lines = manifest.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise UsageError(f"cannot read {manifest}: {e}; remove the folder and render again"
                         ) from None
    listed = [line for line in lines if line and not line.startswith("#")]
    # Only plain relative paths below the folder: a hand-edited manifest removes nothing else.
    return [rel for rel in listed if _is_own_path(rel)]


def _is_own_path(rel: str) -> bool:
    path = PurePosixPath(rel)
    return (not path.is_absolute() and "\\" not in rel and ".." not in path.parts
            and rel != MANIFEST and str(path) == rel)


def _write_manifest(out: Path, paths: Iterable[str]) -> None:
    write_output(out, MANIFEST, _HEADER + "".join(f"{p}\n" for p in paths))


def _remove(out: Path, rel: str) -> None:
    """Remove one file an earlier render wrote, then its folders if that left them empty."""
    target = out / rel
    # Never through a link: a folder swapped for a link must not lead a removal elsewhere.
    if any(parent.is_symlink() for parent in _between(out, target.parent)):
        return
    if not (target.is_symlink() or target.is_file()):
        return  # gone already, or made a folder since: not ours to remove
    target.unlink()
    for parent in _between(out, target.parent):
        try:
            parent.rmdir()
        except OSError:  # not empty: something else lives there
            return


def _between(out: Path, folder: Path) -> list[Path]:
    """The folders from `folder` up to, not including, `out`, deepest first."""
    chain = []
    while folder != out and out in folder.parents:
        chain.append(folder)
        folder = folder.parent
    return chain


def write_output(folder: Path, path: str, content: str | bytes) -> None:
    """One output as a file under `folder`: the same bytes whichever way out writes it."""
    target = folder / path  # the outputs' own paths: ids are validated, so no '..'
    target.parent.mkdir(parents=True, exist_ok=True)
    # Whole or not at all: MkDocs or another build may read it as soon as it exists.
    part = target.with_name(f".{target.name}.part")
    try:
        if isinstance(content, bytes):
            part.write_bytes(content)
        else:
            part.write_text(content, encoding="utf-8", newline="\n")
        os.replace(part, target)
    except BaseException:
        part.unlink(missing_ok=True)
        raise


def write_if_changed(folder: Path, path: str, data: bytes) -> bool:
    """Write `data` to `folder/path` unless the file holds it already; True if written.

    The plugin's page cache: a file keeps its time stamp while its content stays the same, so
    `mkdocs serve --dirty` converts again only the pages a save changed.
    """
    target = folder / path  # the outputs' own paths: ids are validated, so no '..'
    try:
        if target.stat().st_size == len(data) and target.read_bytes() == data:
            return False
    except OSError:
        pass
    write_output(folder, path, data)
    return True
