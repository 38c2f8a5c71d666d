"""`charters new`: a commented starter charter that validates as written."""

from __future__ import annotations

import datetime as dt
import re
from importlib import resources
from pathlib import Path

from generator import spec
from generator.errors import UsageError


def starter_text(charter_id: str, today: dt.date) -> str:
    """The starter charter for `charter_id`, established on `today`."""
    template = resources.files("generator").joinpath("templates/starter.yaml").read_text("utf-8")
    title = charter_id.replace("-", " ").capitalize()
    return template.replace("@TITLE@", title).replace("@TODAY@", today.isoformat())


def write_starter(charter_id: str, folder: Path, today: dt.date | None = None) -> Path:
    """Write `folder/charter_id.yaml`; never overwrite an existing charter."""
    if not re.match(spec.ID_PATTERN, charter_id):
        raise UsageError(f"'{charter_id}' is not a valid charter id: use lowercase letters, "
                         "digits and single hyphens, like 'city-health-partnership'")
    path = folder / f"{charter_id}.yaml"
    if path.exists():
        raise UsageError(f"{path} exists already; choose another id or edit that file")
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(starter_text(charter_id, today or dt.date.today()), encoding="utf-8")
    return path
