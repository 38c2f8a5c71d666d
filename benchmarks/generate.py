"""Deterministic synthetic charters for the benchmarks: realistic in shape, valid by design.

The same seed always gives the same files, so two runs (or two machines) measure the same
input. Partners come from a shared pool, so the same organisation appears in many charters
and its partner page aggregates pledges across them, as on a real regional site.

    .venv/bin/python benchmarks/generate.py CHARTERS_DIR --count 100 --pledges 20
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import sys
from pathlib import Path

PLACES = ("wessex", "solent", "dorset", "mercia", "northumbria", "kent", "avon", "cumbria",
          "fenland", "pennine", "severn", "tamar", "humber", "chiltern", "cotswold", "mendip",
          "wirral", "lakeland", "weald", "tyne", "trent", "ouse", "medway", "exmoor")
ORG_KINDS = (
    ("nhs-trust", "NHS Trust", "health"),
    ("hospital", "Hospital NHS Foundation Trust", "health"),
    ("university", "University, Faculty of Health", "education"),
    ("college", "College of Further Education", "education"),
    ("council", "Council, Adult Social Care", "local-government"),
    ("hospice", "Hospice", "voluntary"),
    ("care-homes", "Care Homes Association", "social-care"),
    ("food-bank", "Food Bank", "voluntary"),
    ("research-unit", "Applied Research Collaboration", "research"),
    ("pharma", "Life Sciences Cluster", "industry"),
    ("gp-federation", "GP Federation", "health"),
    ("carers", "Carers' Network", "other"),
)
THEMES = ("healthcare-education", "workforce", "food-poverty", "dementia-care", "digital-skills",
          "mental-health", "housing-health", "active-ageing")
FIRST = ("Amira", "Gareth", "Priya", "Helen", "Tom", "Janet", "Sam", "Lucy", "Kwame", "Rosa",
         "Owen", "Fatima", "Iain", "Mei", "Declan", "Grace")
LAST = ("Hussain", "Owen", "Raman", "Marsh", "Fielding", "Clarke", "Okafor", "Chen", "Asante",
        "Lopez", "Price", "Begum", "Stewart", "Wong", "Murphy", "Adeyemi")
ROLES = ("Director of Workforce", "Chief Nurse", "Dean", "Head of Education",
         "Principal Social Worker", "Coordinator", "Head of Practice Learning",
         "Consultant in Public Health", "Deputy Chief Nurse", "Programme Manager")
# Commitments as partners write them; {n} is a number picked per pledge.
COMMITMENTS = ("Offer {n} additional placements a year, each with a named practice assessor",
               "Fund {n} months of a shared placement coordinator post",
               "Publish placement feedback to every host organisation each term",
               "Host a reflective session at the end of each of {n} placements",
               "Share anonymised service data with the other partners every quarter",
               "Train {n} volunteers as peer researchers and run a listening survey with them",
               "Open {n} community placements in integrated neighbourhood teams",
               "Give {n} practice educators free access to the library and CPD modules",
               "Guarantee an interview to graduates who trained with us",
               "Run an annual open day for schools and colleges in the region",
               "Second {n} nurses a year into the reablement service")
STATUSES = ("proposed", "active", "active", "active", "at-risk", "met", "met", "missed",
            "withdrawn")
MODES = ("face-to-face", "on-site", "virtual", "written")
STAGES = ("convene", "balance", "adapt", "focus", "future")
# Text the YAML emitter below may write unquoted: no YAML indicators, nothing YAML 1.1 would
# read as anything but a string.
_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 ,.'()/&-]*[A-Za-z0-9.)]\Z")
_YAML11_WORDS = {"yes", "no", "on", "off", "true", "false", "y", "n", "null"}


def partner_pool(rng: random.Random, size: int = 240) -> list[tuple[str, str, str]]:
    """(id, name, sector) for `size` organisations that charters draw their partners from."""
    pool = [(f"{place}-{kind}", f"{place.title()} {name}", sector)
            for place in PLACES for kind, name, sector in ORG_KINDS]
    rng.shuffle(pool)
    return sorted(pool[:size])


def _scalar(text: str) -> str:
    if _PLAIN.match(text) and text.lower() not in _YAML11_WORDS and ": " not in text:
        return text
    return json.dumps(text)  # a JSON string is a valid YAML double-quoted scalar


def _date(rng: random.Random, start: dt.date, days: int) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(days))


def _sentence(rng: random.Random) -> str:
    return rng.choice(COMMITMENTS).format(n=rng.randrange(2, 60)) + "."


def _block(lines: list[str], indent: str, key: str, text: str) -> None:
    """A multi-line Markdown field as a YAML literal block."""
    lines.append(f"{indent}{key}: |")
    lines.extend(f"{indent}  {ln}" if ln else "" for ln in text.split("\n"))


def charter_yaml(rng: random.Random, pool: list[tuple[str, str, str]], title: str,
                 pledges: int) -> str:
    """One charter as YAML text, in the style of the example charters."""
    partners = rng.sample(pool, rng.randint(6, 10))
    ids = [p[0] for p in partners]
    hub = ids[0]
    start = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(700))
    prefix = "".join(w[0] for w in title.split()[:2]).upper()
    out = ["# yaml-language-server: $schema=../generator/schema/charter.schema.json", "",
           f"title: {_scalar(title)}"]
    _block(out, "", "summary",
           f"The partners of the {title} work together so that the region trains, places\n"
           "and keeps the staff its communities need.\n\n"
           "This charter records what each of us has promised the others.")
    out += [f"stage: {rng.choice(STAGES)}", f"established: {start}",
            f"review_by: {_date(rng, start + dt.timedelta(days=300), 900)}", f"hub: {hub}", "",
            "partners:"]
    for pid, name, sector in partners:
        out += [f"  - id: {pid}", f"    name: {_scalar(name)}", f"    sector: {sector}",
                f"    lead: {rng.choice(FIRST)} {rng.choice(LAST)}, {rng.choice(ROLES)}"]
        if rng.random() < 0.8:
            out.append(f"    signed: {_date(rng, start, 120)}")
    out += ["", "vision:"]
    _block(out, "  ", "statement",
           "Every learner placed here has a **good placement close to home**, and every\n"
           "organisation can recruit the staff it trained.")
    out.append("  outcomes:")
    out += [f"    - {_scalar(_sentence(rng))}" for _ in range(rng.randint(2, 5))]
    out += ["", "principles:"]
    for i in range(rng.randint(3, 5)):
        out += [f"  - title: Principle {i + 1}", f"    description: {_scalar(_sentence(rng))}"]
    out += ["", "rules_of_engagement:"]
    out += [f"  - {_scalar(_sentence(rng))}" for _ in range(rng.randint(3, 5))]
    metrics = [f"metric-{i + 1}" for i in range(rng.randint(3, 6))]
    out += ["", "pledges:"]
    for n in range(pledges):
        by = rng.choice(ids)
        out += [f"  - id: {prefix}-{n + 1:03d}", f"    by: {by}"]
        if rng.random() < 0.3:
            out.append("    to: [all]")
        elif rng.random() < 0.85:
            others = [i for i in ids if i != by]
            out.append(f"    to: [{', '.join(rng.sample(others, rng.randint(1, 3)))}]")
        if rng.random() < 0.25:
            _block(out, "    ", "text", f"{_sentence(rng)}\nReport progress to the board.")
        else:
            out.append(f"    text: {_scalar(_sentence(rng))}")
        out.append(f"    owner: {rng.choice(ROLES)}")
        if rng.random() < 0.8:
            out.append(f"    due: {_date(rng, start, 1200)}")
        out.append(f"    status: {rng.choice(STATUSES)}")
        if rng.random() < 0.4:
            out.append(f"    metrics: [{', '.join(rng.sample(metrics, rng.randint(1, 2)))}]")
    out += ["", "metrics:"]
    for mid in metrics:
        direction = rng.choice(("increase", "decrease"))
        base = rng.randrange(5, 80)
        out += [f"  - id: {mid}", f"    name: {_scalar(_sentence(rng)[:-1])}", '    unit: "%"',
                f"    direction: {direction}", f"    baseline: {base}",
                f"    target: {base + 15 if direction == 'increase' else base - 4}"]
        if rng.random() < 0.5:
            out.append(f"    target_date: {_date(rng, start + dt.timedelta(days=800), 400)}")
        count = rng.randint(0, 8)
        if count:
            out.append("    measurements:")
            day = start
            for _ in range(count):
                day += dt.timedelta(days=rng.randint(30, 120))
                value = round(base + rng.uniform(-5, 15), rng.choice((0, 1)))
                out.append(f"      - {{date: {day}, value: {value:g}}}")
    out += ["", "engagement:", "  mechanisms:"]
    for i in range(rng.randint(2, 4)):
        reach = "all" if rng.random() < 0.4 else ", ".join(rng.sample(ids, rng.randint(2, 4)))
        out += [f"    - name: Mechanism {i + 1}", f"      mode: {rng.choice(MODES)}",
                "      frequency: quarterly, rotating between partners' sites",
                f"      partners: [{reach}]"]
    out.append("  links:")
    for _ in range(rng.randint(1, 3)):
        a, b = rng.sample(ids[1:], 2)
        out.append(f"    - [{a}, {b}]")
    return "\n".join(out) + "\n"


def generate(count: int, pledges: int, seed: int = 2026, pool_size: int = 240
             ) -> dict[str, str]:
    """`count` charters of `pledges` pledges each, as {charter id: YAML text}; partners come
    from a pool of `pool_size` organisations (a small pool: each is in many charters)."""
    rng = random.Random(seed)
    pool = partner_pool(rng, pool_size)
    charters: dict[str, str] = {}
    for n in range(count):
        place, theme = rng.choice(PLACES), rng.choice(THEMES)
        cid = f"{place}-{theme}-{n + 1:04d}"
        title = f"{place.title()} {theme.replace('-', ' ').title()} Partnership {n + 1}"
        charters[cid] = charter_yaml(rng, pool, title, pledges)
    return charters


def check(charters: dict[str, str]) -> None:
    """Fail loudly if any generated charter does not validate: a benchmark of errors is void."""
    from generator.source import parse_charter

    for cid, text in charters.items():
        charter, problems = parse_charter(text.encode(), f"charters/{cid}.yaml")
        if charter is None or problems:
            raise AssertionError("\n".join(str(p) for p in problems))


def write(folder: Path, charters: dict[str, str]) -> list[Path]:
    """Write each charter to `folder/<id>.yaml`; return the paths in id order."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for cid, text in sorted(charters.items()):
        path = folder / f"{cid}.yaml"
        path.write_text(text, encoding="utf-8", newline="\n")
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    """Command line: write validated synthetic charters into a charters folder."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="the charters folder to write <id>.yaml into")
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--pledges", type=int, default=20)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--pool", type=int, default=240, help="organisations to draw from")
    args = parser.parse_args(argv)
    charters = generate(args.count, args.pledges, args.seed, args.pool)
    check(charters)
    paths = write(args.folder, charters)
    print(f"wrote {len(paths)} valid charters of {args.pledges} pledges to {args.folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
