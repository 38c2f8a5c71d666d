"""One `mkdocs build` in a fresh process, as the command runs it, for bench_site.py to time.

A fresh process per build is what `mkdocs build` is: a build never inherits the heap, caches
or garbage of the builds before it, whichever side ran them. With --clock it also measures the
plugin's own time inside the build (PluginClock); without, it imports nothing of ours, as
the baseline's build would not. Either way it prints, as JSON, what it measured, including the
time the build's process waited for a CPU.

    .venv/bin/python benchmarks/one_build.py PROJECT/mkdocs.yml [--clock]
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import time
from pathlib import Path
from typing import Any


def mkdocs_build(config_file: Path) -> None:
    """One full `mkdocs build` of the project, into its own site/ folder."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(config_file=str(config_file), site_dir=str(config_file.parent / "site"))
    build(config)


class PluginClock:
    """Time the plugin spends in the build's own process: its hooks, waiting for pages, and
    taking the pages its second process converted (generator.split).

    Measured inside the very build being timed, so a slow or fast spell of a shared machine
    affects both the build and this share of it alike (unlike two builds run one after the
    other). Work done in the plugin's second processes is not in it, only waiting for it:
    that is the point of the processes.
    """

    HOOKS = ("on_config", "on_files", "on_nav", "on_page_content", "on_page_context", "on_env",
             "on_post_build")

    def __init__(self) -> None:
        self.seconds = 0.0

    def _timed(self, function: Any) -> Any:
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - start
        return timed

    def __enter__(self) -> PluginClock:
        from generator.plugin import ChartersPlugin, RenderedFile
        from generator.split import Split

        self._saved: list[tuple[type, str, Any]] = [
            (ChartersPlugin, name, getattr(ChartersPlugin, name)) for name in self.HOOKS]
        self._saved += [(RenderedFile, "_content", RenderedFile._content),
                        (Split, "take", Split.take)]
        for owner, name, value in self._saved:
            if isinstance(value, property):
                value = property(self._timed(value.fget), value.fset)
            else:
                value = self._timed(value)
            setattr(owner, name, value)
        self.converted = _Converted()
        logging.getLogger("mkdocs.plugins.charters").addHandler(self.converted)
        return self

    def __exit__(self, *exc: object) -> None:
        logging.getLogger("mkdocs.plugins.charters").removeHandler(self.converted)
        for owner, name, value in self._saved:
            setattr(owner, name, value)


class _Converted(logging.Handler):
    """How many pages the plugin's second process converted, from the plugin's debug line."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.pages: list[int] | None = None

    def emit(self, record: logging.LogRecord) -> None:
        found = re.fullmatch(r"charters: (\d+) of (\d+) pages converted in a second process",
                             record.getMessage())
        if found:
            self.pages = [int(found[1]), int(found[2])]


def waited_for_cpu() -> float | None:
    """Seconds this process was ready to run but waited for a CPU (Linux; else None).

    With two cores, this is what the plugin's second processes cost the build's own: time it
    could have run but another process had the CPU.
    """
    try:
        with open("/proc/self/schedstat", encoding="ascii") as f:
            return int(f.read().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return None


def main() -> int:
    # MkDocs logs every build; keep warnings (strict mode still counts them) and drop the rest.
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    config_file = Path(sys.argv[1])
    figures: dict[str, Any] = {}
    if "--clock" in sys.argv[2:]:
        logging.getLogger("mkdocs.plugins.charters").setLevel(logging.DEBUG)
        with PluginClock() as clock:
            mkdocs_build(config_file)
        figures["plugin_seconds"] = clock.seconds
        figures["converted_in_child"] = clock.converted.pages
    else:
        mkdocs_build(config_file)
    figures["waited_for_cpu"] = waited_for_cpu()
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
