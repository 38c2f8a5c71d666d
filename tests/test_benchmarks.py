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


def test_the_site_benchmark_prints_ours_beside_the_floor_and_the_preview() -> None:
    out = run("bench_site.py", "--sizes", "2", "--saves", "1")
    rows = {m["side"]: m for m in re.finditer(
        rf"^ +2 +(?P<side>ours|floor) +(?P<pages>\d+) +{SECONDS} +{SECONDS} "
        r"+(?P<per>\d+\.\d)ms +(?P<peak>\d+) +(?P<page>\d+)kB +(?P<index>\d+\.\d+)MB$",
        out, re.M)}
    assert sorted(rows) == ["floor", "ours"], out
    ours, floor = rows["ours"], rows["floor"]
    assert ours["pages"] == floor["pages"]  # the floor builds as many pages as ours
    assert int(ours["pages"]) >= 3 * 2  # a charter, its self-assessment, its history...
    for row in rows.values():
        cpu = float(row[4])
        # Per charter: the CPU seconds shown over the 2 charters, within the rounding.
        assert abs(float(row["per"]) - cpu / 2 * 1e3) <= 0.05 + 5e-3 / 2 * 1e3
    ratio = re.search(r"^ +2 ratio ours/floor: cpu (\d+\.\d+) \(aim <= 3\.0\) (ok|MISSED); "
                      r"peak memory (\d+\.\d+) \(aim <= 3\.0\) (ok|MISSED)$", out, re.M)
    assert ratio is not None, out
    shown = float(ours[4]) / float(floor[4])
    assert abs(float(ratio[1]) - shown) <= 0.005 + shown * 0.01, out
    assert (ratio[2] == "ok") is (float(ratio[1]) <= 3.0)
    assert (ratio[4] == "ok") is (float(ratio[3]) <= 3.0)
    preview = re.search(r"^ +2 preview, save to served page: median (\d+\.\d+)s wall, "
                        r"(\d+\.\d+)s cpu .* (ok|MISSED); search index right: (yes|NO)$",
                        out, re.M)
    assert preview is not None, out
    assert preview[4] == "yes"  # correctness, not speed: the edit is found, nothing stale


def test_the_load_benchmark_prints_ours_beside_the_floor() -> None:
    out = run("bench_load.py", "--count", "20", "--pledges", "5", "--runs", "1")
    floor = re.search(rf"yaml\.load, CSafeLoader \(floor\) +{SECONDS} +(\d+\.\d+)ms", out)
    ours = re.search(rf"parse_charter \(ours\) +{SECONDS} +(\d+\.\d+)ms", out)
    ratio = re.search(r"ratio ours / floor: (\d+\.\d+) \(aim <= 1\.2\) (ok|MISSED)", out)
    assert floor, out
    assert ours, out
    assert ratio, out
    # The ratio shown is ours over the floor, per charter: each figure printed to two
    # places may be off by half a unit of the last, and the ratio by what that makes.
    low = (float(ours[2]) - 0.005) / (float(floor[2]) + 0.005)
    high = (float(ours[2]) + 0.005) / (float(floor[2]) - 0.005)
    assert low - 0.005 <= float(ratio[1]) <= high + 0.005, out
    assert re.search(rf"charters validate <one charter> +{SECONDS} +{SECONDS}", out), out
