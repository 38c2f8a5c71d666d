"""Outputs written to disk: each file whole, a folder swapped in only once all is written.

`charters render --out DIR` writes here; so does the plugin's page cache.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from pathlib import Path

from generator.publish import build_outputs


def write_markdown(charters_dir: Path, out: Path, today: dt.date) -> int:
    """Write every page and feed under `out`, replacing it only when all is written."""
    _, outputs = build_outputs(charters_dir, today)
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        for rel, content in outputs.items():
            write_output(staging, rel, content)
        replace_dir(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return len(outputs)


def write_output(folder: Path, path: str, content: str | bytes) -> None:
    """One output as a file under `folder`: the same bytes whichever way out writes it."""
    target = folder / path  # the outputs' own paths: ids are validated, so no '..'
    target.parent.mkdir(parents=True, exist_ok=True)
    # Whole or not at all: another process may read it as soon as it exists (generator.split).
    part = target.with_name(f".{target.name}.part")
    if isinstance(content, bytes):
        part.write_bytes(content)
    else:
        part.write_text(content, encoding="utf-8", newline="\n")
    os.replace(part, target)


def replace_dir(new: Path, target: Path) -> None:
    """Swap `new` into place at `target`; the old folder goes only once the new one is in."""
    old = target.with_name(f".{target.name}-old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        os.replace(target, old)
    os.replace(new, target)
    shutil.rmtree(old, ignore_errors=True)
