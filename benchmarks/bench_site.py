"""The site build and the preview, measured against the floor: what MkDocs and Material need.

For each size it generates charters (20 pledges each, partners drawn from a pool of 40, so
each organisation is in many charters) into a temporary project made from this one, and
measures in the same run:

- ours: `mkdocs build` of the project with the `charters` plugin;
- the floor: `mkdocs build` of the same number of pages as ours publishes, each a plain 3 KB
  Material page (a table, an admonition, a task list), with the same mkdocs.yml less the
  plugin: same theme, extensions, search, CSS and scripts;
- the preview: `mkdocs serve --dirty --no-strict`, as `make serve` runs it; each save changes
  one pledge's text, and the latency is from the save to the served charter page showing it
  (over HTTP), with the server's CPU time for that save; afterwards the search index must hold
  the last text and none of the earlier ones;
- what a reader downloads: the largest page and the search index.

Every build is a fresh process, as `mkdocs build` is; CPU seconds (user + system, from the
process's own resource usage) are given beside wall time, because the machine is shared, and
the peak memory (maximum resident set). --runs rounds alternate which side goes first and the
table shows the best of each.

    .venv/bin/python benchmarks/bench_site.py [--sizes 100 500] [--runs 1] [--saves 5]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from generate import check, generate, write

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BUILD_DATE = "2026-11-26"
PLEDGES, POOL = 20, 40
CPU_AIM = 3.0  # ours per charter at most 3 times the floor's
MEMORY_AIM = 3.0
PAGE_AIM = 1 << 20  # no page over 1 MB
INDEX_AIM = 10 << 20  # a search index under 10 MB
LATENCY_AIM = 2.0  # median seconds from a save to the page showing it


@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float
    peak_mb: float


def config(with_plugin: bool) -> dict[str, Any]:
    """This project's mkdocs.yml, pinned for benchmarking, with or without the plugin."""
    found: dict[str, Any] = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    plugins = []
    for plugin in found.get("plugins", []):
        if isinstance(plugin, dict) and "charters" in plugin:
            if not with_plugin:
                continue
            plugin = {"charters": {**(plugin["charters"] or {}), "build_date": BUILD_DATE,
                                   "history": False}}
        plugins.append(plugin)
    found["plugins"] = plugins
    if not with_plugin:
        # The same nav, with plain pages where ours has generated ones.
        generated = iter(f"plain/page-{n:05d}.md" for n in range(100))
        found["nav"] = [_plain_nav(item, generated) for item in found.get("nav", [])]
    return found


def _plain_nav(item: Any, plain: Any) -> Any:
    if isinstance(item, dict):
        return {k: _plain_nav(v, plain) for k, v in item.items()}
    if isinstance(item, list):
        return [_plain_nav(v, plain) for v in item]
    return item if str(item).startswith("guide/") else next(plain)


PLAIN_PAGE = """# Plain page {n}

A plain page of about three kilobytes, as a hand-written page of a documentation site is:
some paragraphs, a table, an admonition and a task list, in the same theme and extensions.
Partnerships publish what they agree, and every partner reads what it owes and is owed.

| Item | Owner | Due | Status | Note |
| --- | --- | --- | --- | --- |
""" + "".join(f"| Item {i} | Owner {i} | 2026-0{1 + i % 9}-15 | Active | A short note on item "
              f"{i}, with *emphasis* and `code`. |\n" for i in range(12)) + """
!!! note "Why this page exists"
    It is the floor: what MkDocs and Material need to build a page of this size, with the
    search plugin reading it, so that work removed from the charter pages shows up.

- [x] Agree the vision
- [x] Write the rules of engagement
- [ ] Record the pledges
- [ ] Measure what the partnership delivers

Closing paragraph with a [link](#plain-page-{n}) and some more words to reach three kilobytes
of Markdown, which is about what one page of a guide holds: the reader scrolls once or twice,
then moves on to the next page through the navigation.
"""


def make_project(folder: Path, charters: dict[str, str] | None, pages: int = 0) -> Path:
    """A project in `folder`: with the plugin and `charters`, or `pages` plain pages."""
    folder.mkdir(parents=True)
    shutil.copytree(ROOT / "theme", folder / "theme")
    shutil.copytree(ROOT / "docs", folder / "docs")
    if charters is not None:
        write(folder / "charters", charters)
    for n in range(pages):
        (folder / "docs" / "plain" / f"page-{n:05d}.md").parent.mkdir(exist_ok=True)
        (folder / "docs" / "plain" / f"page-{n:05d}.md").write_text(
            PLAIN_PAGE.replace("{n}", str(n)), encoding="utf-8")
    cfg = config(charters is not None)
    if charters is None:
        cfg["validation"] = {"omitted_files": "info"}
        # The guide links to the site's calendar, which only ours publishes.
        (folder / "docs" / "pledges.ics").write_text("", encoding="utf-8")
    path = folder / "mkdocs.yml"
    path.write_text(yaml.safe_dump(cfg, sort_keys=False), encoding="utf-8")
    return path


def measured(args: list[str], cwd: Path) -> Run:
    """Run a command to its end: wall time, CPU time and peak memory of its process tree."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    start = time.perf_counter()
    process = subprocess.Popen(args, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    assert process.stderr is not None
    errors = process.stderr.read().decode("utf-8", "replace")
    process.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"build failed in {cwd}:\n{errors}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def build(config_file: Path) -> Run:
    site = config_file.parent / "site"
    shutil.rmtree(site, ignore_errors=True)
    return measured([sys.executable, "-m", "mkdocs", "build", "--strict", "-f",
                     str(config_file)], config_file.parent)


def sizes_of(site: Path) -> tuple[int, str, int]:
    """The largest page (bytes, path) and the search index (bytes) a reader downloads."""
    pages = [(p.stat().st_size, p.relative_to(site).as_posix()) for p in site.rglob("*.html")]
    largest, where = max(pages)
    index = site / "search" / "search_index.json"
    return largest, where, index.stat().st_size if index.exists() else 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return str(response.read().decode("utf-8"))
    except OSError:
        return ""


def cpu_of(pid: int) -> float:
    """CPU seconds a running process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def preview(config_file: Path, charters: dict[str, str], saves: int
            ) -> tuple[list[float], list[float], bool]:
    """Latency and server CPU of each save under `mkdocs serve --dirty`; search right."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--dirty", "--no-strict", "-a",
         f"127.0.0.1:{port}", "-f", str(config_file)], cwd=config_file.parent,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"}, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    latencies, cpus = [], []
    try:
        cid = sorted(charters)[len(charters) // 2]
        path = config_file.parent / "charters" / f"{cid}.yaml"
        url = f"http://127.0.0.1:{port}/charters/{cid}/"
        text = path.read_text(encoding="utf-8")
        # A pledge's text on one line, unquoted: what the page shows as it is written.
        found = re.search(r"^ +text: ([A-Za-z][^\n'\"#:]*)$", text, re.M)
        assert found is not None, "no plain pledge text to edit"
        marker = found[1]
        deadline = time.monotonic() + 1800
        while marker[:30] not in fetch(url):
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("the preview never served the charter")
            time.sleep(0.5)
        time.sleep(2)  # let the first build's search index land
        current = marker
        for n in range(saves):
            token = f"Benchmark edit number {n} of this pledge"
            text = text.replace(current, f"'{token}'", 1)
            current = f"'{token}'"
            before = cpu_of(server.pid)
            start = time.perf_counter()
            path.write_text(text, encoding="utf-8")
            while token not in fetch(url):
                if time.perf_counter() - start > 600:
                    raise SystemExit("a save never reached the served page")
                time.sleep(0.02)
            latencies.append(time.perf_counter() - start)
            time.sleep(1.0)  # the rest of the rebuild (search index, sitemap) finishes
            cpus.append(cpu_of(server.pid) - before)
        index = fetch(f"http://127.0.0.1:{port}/search/search_index.json")
        docs = json.loads(index)["docs"] if index else []
        texts = json.dumps(docs)
        locations = [d["location"] for d in docs]
        right = (f"Benchmark edit number {saves - 1}" in texts
                 and all(f"Benchmark edit number {n} " not in texts for n in range(saves - 1))
                 and len(locations) == len(set(locations)))
    finally:
        server.terminate()
        server.wait(timeout=60)
    return latencies, cpus, right


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def main() -> int:
    """Run the benchmark and print ours beside the floor."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 500])
    parser.add_argument("--runs", type=int, default=1, help="builds of each side, best kept")
    parser.add_argument("--saves", type=int, default=5, help="edits timed in the preview")
    args = parser.parse_args()
    print(f"charters of {PLEDGES} pledges, partners from a pool of {POOL}; build date "
          f"{BUILD_DATE}; {os.cpu_count()} CPUs; Python {sys.version.split()[0]}")
    print(f"{'charters':>8} {'side':>5} {'pages':>6} {'wall':>8} {'cpu':>8} {'cpu/charter':>11} "
          f"{'peak MB':>8} {'largest page':>13} {'search index':>13}")
    for size in args.sizes:
        charters = generate(size, PLEDGES, pool_size=POOL)
        check(charters)
        with tempfile.TemporaryDirectory(prefix="bench-site-") as tmp:
            ours_cfg = make_project(Path(tmp) / "ours", charters)
            ours = min((build(ours_cfg) for _ in range(args.runs)), key=lambda r: r.cpu)
            site = ours_cfg.parent / "site"
            pages = sum(1 for p in site.rglob("*.html")) - sum(
                1 for p in (ROOT / "docs").rglob("*.md")) - 1  # less hand-written and 404
            floor_cfg = make_project(Path(tmp) / "floor", None, pages)
            floor = min((build(floor_cfg) for _ in range(args.runs)), key=lambda r: r.cpu)
            figures = {"ours": (ours, sizes_of(site)),
                       "floor": (floor, sizes_of(floor_cfg.parent / "site"))}
            for side, (run, (largest, _, index)) in figures.items():
                print(f"{size:8d} {side:>5} {pages:6d} {run.wall:7.2f}s {run.cpu:7.2f}s "
                      f"{run.cpu / size * 1e3:9.1f}ms {run.peak_mb:8.0f} {largest / 1e3:11.0f}kB "
                      f"{index / 1e6:11.2f}MB")
            cpu_ratio, memory_ratio = ours.cpu / floor.cpu, ours.peak_mb / floor.peak_mb
            largest, where, index = figures["ours"][1]
            print(f"{size:8d} ratio ours/floor: cpu {cpu_ratio:.2f} (aim <= {CPU_AIM}) "
                  f"{verdict(cpu_ratio <= CPU_AIM)}; peak memory {memory_ratio:.2f} "
                  f"(aim <= {MEMORY_AIM}) {verdict(memory_ratio <= MEMORY_AIM)}")
            print(f"{size:8d} largest page {where} {largest / 1e3:.0f} kB (aim <= "
                  f"{PAGE_AIM / 1e3:.0f} kB) {verdict(largest <= PAGE_AIM)}; search index "
                  f"{index / 1e6:.2f} MB (aim < {INDEX_AIM / 1e6:.0f} MB) "
                  f"{verdict(index < INDEX_AIM)}")
            if args.saves:
                latencies, cpus, right = preview(ours_cfg, charters, args.saves)
                median = statistics.median(latencies)
                print(f"{size:8d} preview, save to served page: median {median:.2f}s wall, "
                      f"{statistics.median(cpus):.2f}s cpu (aim median < {LATENCY_AIM}s) "
                      f"{verdict(median < LATENCY_AIM)}; search index right: "
                      f"{'yes' if right else 'NO'}")
                print(f"{size:8d} the saves (wall/cpu): " + ", ".join(
                    f"{w:.2f}/{c:.2f}" for w, c in zip(latencies, cpus, strict=True)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
