"""A thin wrapper around the `git` command: run it, read blobs in bulk, nothing clever."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable
from pathlib import Path

from generator.errors import GitError


def _env() -> dict[str, str]:
    # Messages from git are shown to users; a fixed locale keeps them (and our parsing) stable.
    return {**os.environ, "LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0"}


def run(repo: Path, *args: str) -> str:
    """Run one git command in `repo` and return its standard output."""
    try:
        done = subprocess.run(["git", *args], cwd=repo, env=_env(), capture_output=True,
                              check=False)
    except OSError as e:
        raise GitError(f"cannot run git: {e.strerror}") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(message[-1] if message else f"git {args[0]} failed")
    return done.stdout.decode("utf-8", "replace")


def toplevel(path: Path) -> Path | None:
    """The root of the work tree containing `path`, or None outside a git repository."""
    try:
        # One path and a newline: strip() would also eat spaces that end a folder's name.
        return Path(run(path, "rev-parse", "--show-toplevel").removesuffix("\n"))
    except GitError:
        return None


def is_shallow(repo: Path) -> bool:
    """True when the clone lacks history (CI checkouts are shallow by default)."""
    return run(repo, "rev-parse", "--is-shallow-repository").strip() == "true"


def resolve(repo: Path, revision: str) -> str | None:
    """The full commit hash `revision` names, or None if it names no commit."""
    try:
        return run(repo, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}").strip()
    except GitError:
        return None


def merge_base(repo: Path, one: str, two: str) -> str | None:
    """The best common ancestor of two commits, or None if they share none."""
    try:
        return run(repo, "merge-base", one, two).strip() or None
    except GitError:
        return None


def list_files(repo: Path, commit: str, folder: str) -> dict[str, str]:
    """The files directly inside `folder` at `commit`: path from the root to the blob's hash."""
    prefix = f"{folder.rstrip('/')}/" if folder not in ("", ".") else ""
    out = run(repo, "ls-tree", "-z", "--full-tree", commit, "--", prefix or ".")
    found: dict[str, str] = {}
    # "<mode> <type> <hash>\t<path>" ended by NUL: a path may hold any other byte, newlines too.
    for entry in out.split("\0"):
        info, _, name = entry.partition("\t")
        fields = info.split(" ")
        if len(fields) == 3 and fields[1] == "blob" and name.startswith(prefix) \
                and "/" not in name[len(prefix):]:
            found[name] = fields[2]
    return dict(sorted(found.items()))


def read_blobs(repo: Path, hashes: Iterable[str]) -> dict[str, bytes | None]:
    """Read many blobs, named by their hashes, through one `git cat-file --batch`.

    Only hashes go in: `cat-file --batch` reads one name a line, and a path may hold a newline.
    """
    wanted = list(dict.fromkeys(hashes))
    if not wanted:
        return {}
    if any(not name or set(name) - set("0123456789abcdef") for name in wanted):
        raise ValueError("read_blobs takes object hashes, not revisions or paths")
    request = "".join(f"{name}\n" for name in wanted).encode("ascii")
    try:
        done = subprocess.run(["git", "cat-file", "--batch"], cwd=repo, env=_env(), input=request,
                              capture_output=True, check=False)
    except OSError as e:
        raise GitError(f"cannot run git: {e.strerror}") from None
    if done.returncode != 0:
        raise GitError(done.stderr.decode("utf-8", "replace").strip() or "git cat-file failed")
    found: dict[str, bytes | None] = {}
    data, at = done.stdout, 0
    for name in wanted:
        end = data.index(b"\n", at)
        header = data[at:end].decode("utf-8", "replace").split(" ")
        at = end + 1
        if len(header) != 3:  # "<name> missing" or "<name> ambiguous": no content follows
            found[name] = None
            continue
        size = int(header[2])
        found[name] = data[at:at + size] if header[1] == "blob" else None
        at += size + 1  # the content is followed by a newline
    return found
