"""How much loading with positions, validating and building the model costs over plain YAML.

Generates 1,000 charters of 50 pledges each, then times in the same run:

- the floor: `yaml.load(data, Loader=yaml.CSafeLoader)` of every file (parsing only);
- ours: `generator.source.parse_charter(data, path)` (load with positions, validate, model).

Both read the same bytes, held in memory, so only parsing is timed. Each is run three times,
alternating which goes first, and the best run counts. Then it times `charters validate` on
one charter as a pre-commit hook would run it, Python start-up included.

    .venv/bin/python benchmarks/bench_load.py [--count 1000] [--pledges 50] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml
from generate import check, generate, write
from timing import best_of

from generator.source import parse_charter

ROOT = Path(__file__).resolve().parent.parent
RATIO_AIM = 1.2
CLI_AIM = 0.3


def floor(files: list[tuple[bytes, str]]) -> None:
    """The baseline: libyaml's safe loader, no positions, no checks."""
    for data, _ in files:
        yaml.load(data, Loader=yaml.CSafeLoader)


def ours(files: list[tuple[bytes, str]]) -> None:
    """Load with positions, validate and build the model, as the site and the CLI do."""
    for data, path in files:
        charter, problems = parse_charter(data, path)
        if charter is None or problems:
            raise AssertionError(f"{path} did not validate: {problems[:1]}")


def wall_times(command: list[str], runs: int, env: dict[str, str]) -> list[float]:
    """Wall time of a command, run `runs` times from the project root."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return times


def command_line(runs: int) -> None:
    """Time `charters validate` on one charter against bare Python start-up."""
    charters_cmd = str(Path(sys.executable).with_name("charters"))
    validate = [charters_cmd, "validate", "charters/wessex-healthcare-education.yaml"]
    with tempfile.TemporaryDirectory(prefix="bench-pycache-") as cache:
        # A hook runs with compiled bytecode from its second run on; keep it in a temporary
        # folder so the benchmark leaves nothing in the tree, and warm it once.
        cached = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        cached["PYTHONPYCACHEPREFIX"] = cache
        wall_times(validate, 1, cached)
        rows = {"python -c pass (baseline)": wall_times([sys.executable, "-c", "pass"], runs,
                                                        cached),
                "charters validate <one charter>": wall_times(validate, runs, cached)}
    # Without bytecode (PYTHONDONTWRITEBYTECODE, a fresh clone): every module is compiled.
    cold = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    rows["  same, compiling from source"] = wall_times(validate, runs, cold)
    print(f"validate one charter from the command line, Python start-up included ({runs} runs):")
    print(f"  {'':34} {'median':>9} {'max':>9}")
    for name, times in rows.items():
        print(f"  {name:34} {statistics.median(times):8.3f}s {max(times):8.3f}s")
    median = statistics.median(rows["charters validate <one charter>"])
    print(f"  aim: median < {CLI_AIM}s with bytecode {'ok' if median < CLI_AIM else 'MISSED'}")


def main() -> int:
    """Run the benchmark and print its figures beside their baselines."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--pledges", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="print where our time goes")
    args = parser.parse_args()

    charters = generate(args.count, args.pledges)
    check(charters)
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        paths = write(Path(tmp) / "charters", charters)
        files = [(p.read_bytes(), f"charters/{p.name}") for p in paths]
    size = sum(len(d) for d, _ in files)
    print(f"load + validate: {len(files)} charters of {args.pledges} pledges, "
          f"{size / 1e6:.1f} MB, best of {args.runs} (Python {sys.version.split()[0]}, "
          f"PyYAML {yaml.__version__})")

    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(ours, files)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(15)

    best = best_of(args.runs, {"floor": lambda: floor(files), "ours": lambda: ours(files)})
    ratio = best["ours"] / best["floor"]
    n = len(files)
    print(f"  {'':34} {'total':>9} {'per charter':>12}")
    print(f"  {'yaml.load, CSafeLoader (floor)':34} {best['floor']:8.2f}s "
          f"{best['floor'] / n * 1e3:10.2f}ms")
    print(f"  {'parse_charter (ours)':34} {best['ours']:8.2f}s {best['ours'] / n * 1e3:10.2f}ms")
    print(f"  ratio ours / floor: {ratio:.2f} (aim <= {RATIO_AIM}) "
          f"{'ok' if ratio <= RATIO_AIM else 'MISSED'}")

    command_line(10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
