"""`charters new`: a commented starter charter that validates as written."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from importlib import resources
from pathlib import Path

from generator import spec
from generator.errors import UsageError

# The starter's example partner ids, replaced when the site already uses them.
EXAMPLE_IDS = ("lead-partner", "second-partner")


def starter_text(charter_id: str, today: dt.date, taken: Collection[str] = ()) -> str:
    """The starter charter for `charter_id`, established on `today`.

    Partner ids are shared across the site, so the example partners get ids no charter and no
    registry entry in `taken` uses: another charter's `lead-partner` is another organisation.
    """
    template = resources.files("generator").joinpath("templates/starter.yaml").read_text("utf-8")
    title = charter_id.replace("-", " ").capitalize()
    text = template.replace("@TITLE@", title).replace("@TODAY@", today.isoformat())
    for example in EXAMPLE_IDS:
        fresh, n = example, 1
        while fresh in taken:
            n += 1
            fresh = f"{charter_id}-{example}" if n == 2 else f"{charter_id}-{example}-{n}"
        text = re.sub(rf"\b{example}\b", fresh, text)
    return text


def _taken(folder: Path) -> set[str]:
    """Every partner id the charters and the registry in `folder` use (valid or not)."""
    from generator.source import read_all, read_registry

    charters, _ = read_all([folder]) if folder.is_dir() else ([], [])
    registry, _ = read_registry(folder)
    ids = {p.id for c in charters for p in c.partners}
    # A charter that does not validate still claims its ids: look for them in its text.
    for path in folder.glob("*.yaml") if folder.is_dir() else ():
        ids |= set(re.findall(r"(?m)^\s*-?\s*\{?\s*id:\s*([a-z0-9-]+)", path.read_text(
            encoding="utf-8", errors="replace")))
    return ids | set(registry.partners if registry is not None else ())


def write_starter(charter_id: str, folder: Path, today: dt.date | None = None) -> Path:
    """Write `folder/charter_id.yaml`; never overwrite an existing charter."""
    if not re.fullmatch(spec.ID_PATTERN, charter_id):
        raise UsageError(f"'{charter_id}' is not a valid charter id: use lowercase letters, "
                         "digits and single hyphens, like 'city-health-partnership'")
    path = folder / f"{charter_id}.yaml"
    if path.exists():
        raise UsageError(f"{path} exists already; choose another id or edit that file")
    folder.mkdir(parents=True, exist_ok=True)
    text = starter_text(charter_id, today or dt.date.today(), _taken(folder))
    path.write_text(text, encoding="utf-8")
    return path
