"""`make site`: build into a folder of its own, then publish it by swapping one symbolic link.

`site` is a link to `.site-builds/build-<unique>/`. Each run builds with `mkdocs build --strict`
into a new folder, and only a complete build is published: a new link is renamed over `site`,
which is atomic, so a reader sees the old site or the new one, never a mix or nothing. Two runs
at once each publish a complete site (the last one stays); a run killed at any moment leaves the
published site as it was, and at most its own unfinished folder, which the next run removes.

Locks (flock) keep the runs apart: each build folder is locked while anyone builds in it (MkDocs
inherits the lock, so a build that outlives its killed runner keeps its folder), and one lock on
`.site-builds/` covers creating a folder, swapping the link and removing old folders. Old folders
go once no link points at them and no build holds them, and only folders named as this module
names them. Nothing is written to the temporary folder.

Run as `python -m generator.sitedir [SITE]` from the folder holding mkdocs.yml.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

BUILDS = ".site-builds"
MKDOCS = ("-m", "mkdocs", "build", "--strict")  # run by this Python, so from the same venv
_OURS = re.compile(r"(build|old|link)-[A-Za-z0-9_]+")
_CHAINED = ("During handling of the above exception", "The above exception was the direct")
_LEVEL = re.compile(r"(DEBUG|INFO|WARNING|ERROR|CRITICAL)\s+-")


class PublishError(Exception):
    """The site could not be built or published: what the build said, then one line why."""

    def __init__(self, message: str, shown: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.shown = list(shown)


@contextlib.contextmanager
def _locked(path: Path, *, blocking: bool = True) -> Iterator[int | None]:
    """An exclusive flock on `path` (a file it creates, or a folder), or None if taken."""
    flags = os.O_RDONLY | os.O_DIRECTORY if path.is_dir() else os.O_RDWR | os.O_CREAT
    fd = os.open(path, flags, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        except BlockingIOError:
            yield None
            return
        yield fd
    finally:
        os.close(fd)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def publish(site: Path, command: Sequence[str]) -> list[str]:
    """Build with `command` + `--site-dir FOLDER` and publish the result at `site`.

    Returns what the build printed that is worth showing (warnings); raises PublishError, with
    those lines, when the build fails, and OSError when the disk does: `site` is then unchanged.
    """
    builds = site.parent / BUILDS
    builds.mkdir(exist_ok=True)
    with _locked(builds / ".lock"):
        own = Path(tempfile.mkdtemp(prefix="build-", dir=builds))
        own.chmod(0o777 & ~_umask())  # mkdtemp makes it private; a web server must read it
        folder_fd = os.open(own, os.O_RDONLY | os.O_DIRECTORY)
        fcntl.flock(folder_fd, fcntl.LOCK_EX)  # ours until MkDocs and this run have both ended
    published = False
    try:
        done = subprocess.run([*command, "--site-dir", str(own.resolve())], pass_fds=(folder_fd,),
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, check=False)
        shown, crash = worth_showing(done.stdout.decode("utf-8", "replace"))
        if done.returncode != 0:
            why = (f": {crash}" if crash else f" (killed by signal {-done.returncode})"
                   if done.returncode < 0 else f" (exit {done.returncode})")
            raise PublishError(f"the build failed{why}; {site}/ is unchanged", shown)
        with _locked(builds / ".lock"):
            _swap(site, own)
            published = True
            # The link holds it now. Freed before the lock on `builds` is, so a run waiting to
            # publish after this one finds it free and removes it once it is no longer current.
            fcntl.flock(folder_fd, fcntl.LOCK_UN)
            with contextlib.suppress(OSError):  # what is left, the next run removes
                remove_old(builds, site)
        return shown
    finally:
        if not published:
            with _locked(builds / ".lock"):
                shutil.rmtree(own, ignore_errors=True)
        os.close(folder_fd)


def _swap(site: Path, new: Path) -> None:
    """Point `site` at `new` with one rename; move aside a folder an older Makefile left."""
    builds = new.parent
    link = builds / f"link-{new.name.removeprefix('build-')}"
    link.unlink(missing_ok=True)
    link.symlink_to(os.path.relpath(new, site.parent), target_is_directory=True)
    try:
        if not site.is_symlink() and site.exists():
            if not (site / "index.html").is_file():
                raise PublishError(f"{site} is neither a link to a build nor a site `make site` "
                                   "built: move it away, then run `make site` again")
            # The previous layout kept the site itself here. Moved aside, it is removed below; a
            # run killed between these two renames leaves no site until the next run.
            os.rename(site, tempfile.mkdtemp(prefix="old-", dir=builds))
        os.replace(link, site)
    except BaseException:
        link.unlink(missing_ok=True)
        raise


def remove_old(builds: Path, site: Path) -> None:
    """Remove the folders this module made that `site` no longer points at and nothing builds in.

    Call it holding the lock on `builds`.
    """
    current = Path(os.readlink(site)).name if site.is_symlink() else None
    for entry in sorted(builds.iterdir()):
        if entry.name == current or not _OURS.fullmatch(entry.name):
            continue
        if entry.is_symlink() or not entry.is_dir():
            entry.unlink(missing_ok=True)  # a link a killed run made and never renamed
            continue
        with _locked(entry, blocking=False) as free:
            if free is not None:
                shutil.rmtree(entry, ignore_errors=True)


def worth_showing(output: str) -> tuple[list[str], str]:
    """MkDocs' output without its INFO lines or tracebacks, and the last traceback's exception.

    MkDocs prints a traceback for an error it does not expect, such as a full disk; the
    exception's own line says it all (`OSError: [Errno 28] No space left on device: ...`).
    """
    shown: list[str] = []
    crash = ""
    level = ""
    in_traceback = False
    for line in output.splitlines():
        if line.startswith("Traceback (most recent call last):"):
            in_traceback = True
            continue
        if in_traceback:
            if line[:1] in (" ", "\t") or not line:
                continue
            in_traceback = False
            crash, level = line, "DEBUG"  # the lines that continue its message go with it
            continue
        if line.startswith(_CHAINED):
            continue
        match = _LEVEL.match(line)
        if match:
            level = match[1]
        elif line[:1] not in (" ", "\t"):
            level = ""  # a line of its own, like "Aborted with 2 warnings in strict mode!"
        if line.strip() and level not in ("DEBUG", "INFO"):
            shown.append(line)
    return shown, crash


def main(argv: Sequence[str] | None = None) -> int:
    """Build and publish the site; say what failed in one line, never with a traceback."""
    parser = argparse.ArgumentParser(
        prog="python -m generator.sitedir",
        description="Build the MkDocs site with --strict and publish it atomically at SITE, "
                    f"a link into {BUILDS}/.")
    parser.add_argument("site", nargs="?", type=Path, default=Path("site"))
    site: Path = parser.parse_args(argv).site
    command = [sys.executable, *MKDOCS]
    try:
        shown = publish(site, command)
    except PublishError as e:
        print("\n".join([*e.shown, f"make site: {e}"]), file=sys.stderr)
        return 1
    except OSError as e:
        where = f" ({e.filename})" if e.filename else ""
        print(f"make site: cannot publish {site}/: {e.strerror or e}{where}; "
              f"{site}/ is unchanged", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    if shown:
        print("\n".join(shown), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
