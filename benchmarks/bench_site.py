"""What the charters plugin costs over MkDocs building the same Markdown, and how it scales.

For each size it generates the charters into a temporary project (a copy of this project's
mkdocs.yml, theme/ and docs/, with a fixed build date and no git history), then times in the
same run:

- the plugin: `mkdocs build` with the `charters` plugin, which reads, validates and renders
  the charters into virtual pages;
- the baseline: `mkdocs build` of the same pages written as plain Markdown files into docs/,
  with the same mkdocs.yml less the charters plugin (same theme, extensions, CSS and scripts).

Each build is a fresh process, as `mkdocs build` is (one_build.py): start-up included, and no
build inherits the heap or caches of the one before. --runs rounds of one build each (one
number per size, or one for all), alternating which goes first. The table shows the best of the
runs, their ratio, and the median of the rounds' own ratios (each round's two builds run back
to back, so a slow spell of a shared machine that lasts longer than a round cancels out); the
verdict needs both within the aim. The notes show, measured inside the builds themselves: the
plugin's own time in its builds (one_build's PluginClock), the time each build's process waited
for a CPU (what the plugin's second processes cost it on two cores), and every round, because
the machine's speed drifts by more than the difference being measured.

    .venv/bin/python benchmarks/bench_site.py [--sizes 100 500] [--runs 3] [--pledges 10]
                                              [--profile] [--serial]

With --serial the plugin builds with `parallel: false`, everything in the build's process: what
the plugin costs over MkDocs on one core.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import json
import logging
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import Any

import yaml
from generate import check, generate, write
from one_build import mkdocs_build
from timing import best_of, timings

from generator.output import write_output
from generator.publish import build_outputs

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BUILD_DATE = "2026-11-26"
RATIO_AIM = 1.05
SCALING_AIM = 1.1  # times linear: the 500-charter site costs at most 5.5x the 100-charter one


def _config(with_plugin: bool, parallel: bool = True) -> dict[str, Any]:
    """This project's mkdocs.yml, pinned for benchmarking, with or without the plugin."""
    config: dict[str, Any] = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    plugins = []
    for plugin in config.get("plugins", []):
        if isinstance(plugin, dict) and "charters" in plugin:
            if not with_plugin:
                continue
            options = dict(plugin["charters"] or {})
            options.update(build_date=BUILD_DATE, history=False)
            if not parallel:
                options["parallel"] = False
            plugin = {"charters": options}
        plugins.append(plugin)
    config["plugins"] = plugins
    return config


def make_project(folder: Path, charters: dict[str, str], with_plugin: bool,
                 parallel: bool = True) -> Path:
    """A project in `folder`: the plugin's (charters/) or the baseline's (Markdown in docs/)."""
    for name in ("theme", "docs"):
        shutil.copytree(ROOT / name, folder / name)
    charters_dir = folder / "charters"
    write(charters_dir, charters)
    if not with_plugin:
        # The very pages the plugin would add, as files MkDocs finds in docs/.
        _, outputs = build_outputs(charters_dir, dt.date.fromisoformat(BUILD_DATE),
                                   history=False)
        for rel, content in outputs.items():
            write_output(folder / "docs", rel, content)
        shutil.rmtree(charters_dir)
    config_file = folder / "mkdocs.yml"
    config_file.write_text(yaml.safe_dump(_config(with_plugin, parallel), sort_keys=False),
                           encoding="utf-8")
    return config_file


def profile(config_file: Path, lines: int) -> None:
    """Where the plugin build spends its time, by own time and by cumulative time."""
    profiler = cProfile.Profile()
    profiler.runcall(mkdocs_build, config_file)
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(lines)
    stats.sort_stats("tottime").print_stats(lines)


def timed_build(config_file: Path, figures: list[dict[str, Any]] | None = None, *,
                clock: bool = False) -> None:
    """`mkdocs build` in a fresh process (one_build.py), appending what it measured inside
    the build to `figures`; with `clock`, that includes the plugin's own time."""
    command = [sys.executable, str(HERE / "one_build.py"), str(config_file)]
    if clock:
        command.append("--clock")
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode:
        raise SystemExit(f"the build of {config_file} failed:\n{result.stderr}")
    if figures is not None:
        figures.append(json.loads(result.stdout.splitlines()[-1]))


def main() -> int:
    """Run the benchmark and print its figures beside their baselines."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 500])
    parser.add_argument("--pledges", type=int, default=10)
    parser.add_argument("--runs", type=int, nargs="+", default=[3],
                        help="rounds at each size: one number for all, or one per size")
    parser.add_argument("--profile", action="store_true",
                        help="profile one plugin build of the largest size")
    parser.add_argument("--serial", action="store_true",
                        help="the plugin with `parallel: false`: all its work, and all of "
                             "MkDocs', in the build's one process")
    args = parser.parse_args()
    if len(args.runs) not in (1, len(args.sizes)):
        parser.error("--runs takes one number, or one per size")
    runs = dict(zip(args.sizes, args.runs * len(args.sizes) if len(args.runs) == 1 else args.runs,
                    strict=True))
    started = time.perf_counter()
    # MkDocs logs every build; keep warnings (strict mode still counts them) and drop the rest.
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

    print(f"site build: {args.pledges} pledges per charter, build date {BUILD_DATE}, "
          f"{'/'.join(map(str, runs.values()))} rounds, alternating, each build a fresh "
          "`mkdocs build` process" + (", the plugin with parallel: false" if args.serial else ""))
    print(f"  {'charters':>8} {'plugin':>9} {'baseline':>9} {'ratio':>6} {'rounds':>7} "
          f"{'plugin/charter':>15} {'baseline/charter':>17}")
    results: dict[int, dict[str, float]] = {}
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bench-site-") as tmp:
        # Warm-up on a small site, so the first timed build does not pay to bring the
        # interpreter, MkDocs and the theme into the file cache.
        warm = generate(5, args.pledges)
        timed_build(make_project(Path(tmp) / "warm-plugin", warm, with_plugin=True))
        timed_build(make_project(Path(tmp) / "warm-plain", warm, with_plugin=False))
        for size in args.sizes:
            charters = generate(size, args.pledges)
            check(charters)
            plugin_cfg = make_project(Path(tmp) / f"plugin-{size}", charters, with_plugin=True,
                                      parallel=not args.serial)
            plain_cfg = make_project(Path(tmp) / f"plain-{size}", charters, with_plugin=False)
            inside: dict[str, list[dict[str, Any]]] = {"plugin": [], "baseline": []}
            times = timings(runs[size], {
                "plugin": partial(timed_build, plugin_cfg, inside["plugin"], clock=True),
                "baseline": partial(timed_build, plain_cfg, inside["baseline"])})
            clocks = [figures["plugin_seconds"] for figures in inside["plugin"]]
            # The plugin's work done all in one process, as `charters render` does it.
            alone = best_of(runs[size], {"outputs": partial(
                build_outputs, plugin_cfg.parent / "charters",
                dt.date.fromisoformat(BUILD_DATE), history=False)})["outputs"]
            best = {name: min(values) for name, values in times.items()}
            results[size] = best
            ratio = best["plugin"] / best["baseline"]
            rounds = statistics.median(
                p / b for p, b in zip(times["plugin"], times["baseline"], strict=True))
            verdict = "ok" if max(ratio, rounds) <= RATIO_AIM else "MISSED"
            print(f"  {size:8d} {best['plugin']:8.2f}s {best['baseline']:8.2f}s {ratio:6.3f} "
                  f"{rounds:7.3f} {best['plugin'] / size * 1e3:13.1f}ms "
                  f"{best['baseline'] / size * 1e3:15.1f}ms  {verdict} (aim <= {RATIO_AIM})")
            shares = [c / t for c, t in zip(clocks, times["plugin"], strict=True)]
            own = statistics.median(clocks)
            share = statistics.median(shares)
            notes.append(
                f"  {size:8d} the plugin's time in the build's process: {own:.3f}s, "
                f"{share:.1%} of its build (ratio it implies: {1 / (1 - share):.3f}); "
                f"all its work in one process: {alone:.2f}s = {alone / best['baseline']:.1%} "
                f"of the baseline")
            waits = {name: [f["waited_for_cpu"] for f in inside[name]] for name in inside}
            if None not in waits["plugin"] + waits["baseline"]:
                notes.append(
                    f"  {'':8} the build's process waited for a CPU (median): "
                    f"{statistics.median(waits['plugin']):.3f}s with the plugin's second "
                    f"processes, {statistics.median(waits['baseline']):.3f}s in the baseline")
            converted = [f["converted_in_child"] for f in inside["plugin"]]
            if None not in converted:
                notes.append(
                    f"  {'':8} pages converted by the plugin's second process (median): "
                    f"{statistics.median(c[0] for c in converted):.0f} of {converted[0][1]}")
            pairs = ", ".join(f"{p:.1f}/{b:.1f}s"
                              for p, b in zip(times["plugin"], times["baseline"], strict=True))
            notes.append(f"  {'':8} the rounds (plugin/baseline): {pairs}")
        print("\n".join(notes))
        if len(args.sizes) >= 2:
            small, large = min(results), max(results)
            aim = SCALING_AIM * large / small
            for name in ("plugin", "baseline"):
                scale = results[large][name] / results[small][name]
                verdict = f"  {'ok' if scale <= aim else 'MISSED'} (aim <= {aim:.1f})"
                print(f"  {name} cost {large}/{small} charters: {scale:.2f}x "
                      f"(linear would be {large / small:.1f}x)"
                      f"{verdict if name == 'plugin' else ''}")
        if args.profile:
            profile(Path(tmp) / f"plugin-{max(args.sizes)}" / "mkdocs.yml", 40)
    print(f"(benchmark ran {time.perf_counter() - started:.0f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
