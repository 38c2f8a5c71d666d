"""The benchmarks still run and print figures that agree with each other.

Tiny inputs and one round: these check what is printed, never how fast anything was (timings
on a shared machine are not a test), so the README's figures stay reproducible.
"""

from __future__ import annotations

import re
import subprocess
import sys

from conftest import ROOT

SECONDS = r"(\d+\.\d+)s"


def run(script: str, *args: str) -> str:
    result = subprocess.run([sys.executable, f"benchmarks/{script}", *args], cwd=ROOT,
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_the_site_benchmark_prints_both_sides_their_ratios_and_the_plugins_share() -> None:
    out = run("bench_site.py", "--sizes", "2", "3", "--runs", "2", "1")
    rows = {int(m[1]): m for m in re.finditer(
        rf"^ +(\d+) +{SECONDS} +{SECONDS} +(\d\.\d+) +(\d\.\d+) +\S+ms +\S+ms  (ok|MISSED)",
        out, re.M)}
    assert sorted(rows) == [2, 3], out
    for size, row in rows.items():
        plugin, baseline, ratio, rounds = (float(row[i]) for i in range(2, 6))
        assert abs(ratio - plugin / baseline) < 0.01, row[0]  # the ratio of the bests shown
        assert rounds > 0
        assert (row[6] == "ok") is (max(ratio, rounds) <= 1.05), row[0]
        pairs = re.search(rf"^ +{size} the plugin's time in the build's process: {SECONDS}, "
                          rf"[\d.]+% of its build.*\n +the build's process waited for a CPU "
                          rf"\(median\): {SECONDS} with .*, {SECONDS} in the baseline\n"
                          rf" +pages converted by the plugin's second process \(median\): "
                          rf"(\d+) of (\d+)\n"
                          rf" +the rounds \(plugin/baseline\): (.*)$",
                          out, re.M)
        assert pairs is not None, out
        assert 0 <= int(pairs[4]) <= int(pairs[5])
        assert int(pairs[5]) >= 3 * size  # a charter, its self-assessment, its partners...
        assert 0 < float(pairs[1]) < plugin
        assert 0 <= float(pairs[2]) < plugin
        assert 0 <= float(pairs[3]) < baseline
        assert len(pairs[6].split(", ")) == {2: 2, 3: 1}[size]  # one pair a round
    assert re.search(r"plugin cost 3/2 charters: [\d.]+x \(linear would be 1\.5x\)", out)


def test_the_load_benchmark_prints_ours_beside_the_floor() -> None:
    out = run("bench_load.py", "--count", "20", "--pledges", "5", "--runs", "1")
    floor = re.search(rf"yaml\.load, CSafeLoader \(floor\) +{SECONDS} +(\d+\.\d+)ms", out)
    ours = re.search(rf"parse_charter \(ours\) +{SECONDS} +(\d+\.\d+)ms", out)
    ratio = re.search(r"ratio ours / floor: (\d+\.\d+) \(aim <= 1\.2\) (ok|MISSED)", out)
    assert floor, out
    assert ours, out
    assert ratio, out
    # The ratio shown is ours over the floor, per charter (milliseconds to two places).
    assert abs(float(ratio[1]) - float(ours[2]) / float(floor[2])) < 0.02, out
    assert re.search(rf"charters validate <one charter> +{SECONDS} +{SECONDS}", out), out
