"""The JSON Schema for editors and the validator agree on what a valid charter is."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from conftest import CASES, ROOT
from generator.source import parse_charter, read_registry
from generator.spec import to_json_schema

SCHEMA_FILE = ROOT / "generator" / "schema" / "charter.schema.json"
EXAMPLES = sorted(p for p in (ROOT / "charters").glob("*.yaml") if p.name != "partners.yaml")
BAD = sorted(p for p in (CASES / "bad").iterdir() if p.is_dir())

# What JSON Schema cannot see, and why. Everything else the schema must reject too.
VALIDATOR_ONLY = {
    "alias-bomb": "JSON Schema tools expand aliases (jsonschema hangs printing the value); "
                  "our validator refuses anchors and aliases before anything is expanded",
    "aliases": "a YAML reader expands aliases before the schema looks",
    "merge-key": "a YAML 1.1 reader applies '<<' before the schema looks",
    "link-to-missing-anchor": "which anchors a charter's page has depends on its other values",
    "markdown-too-deep": "the structure inside Markdown text (nesting, paragraph length)",
    "bad-file-name": "the file name is not part of the document",
    "bad-references": "cross-references between partners, metrics and links",
    "duplicate-keys": "a YAML reader keeps the last of two equal keys before the schema looks",
    "measurements-out-of-order": "an order between list items",
    "byte-order-mark": "YAML readers skip a BOM; we refuse it so every tool reads the same bytes",
    "yaml11-numbers": "'010' is a number to every reader (8 or 10), but which one depends on "
                      "the YAML version, so the validator refuses it",
}


def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def as_json(value: Any, done: dict[int, Any] | None = None) -> Any:
    """What an editor's YAML reader hands to the schema: dates are strings.

    Shared (aliased) values are converted once, so an alias bomb stays small here too.
    """
    done = {} if done is None else done
    if id(value) in done:
        return done[id(value)]
    if isinstance(value, dict):
        out: Any = {}
        done[id(value)] = out
        out.update({str(k): as_json(v, done) for k, v in value.items()})
    elif isinstance(value, list):
        out = []
        done[id(value)] = out
        out.extend(as_json(v, done) for v in value)
    elif isinstance(value, dt.date):
        out = value.isoformat()
    else:
        out = value
    return out


def schema_accepts(path: Path) -> bool:
    try:
        data = yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
    except (yaml.YAMLError, ValueError):
        return False  # the editor's YAML reader refuses it before the schema runs
    validator = jsonschema.Draft202012Validator(
        schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    return validator.is_valid(as_json(data))


def test_the_shipped_schema_is_the_one_generated_from_the_format() -> None:
    generated = json.dumps(to_json_schema(), indent=2) + "\n"
    assert SCHEMA_FILE.read_text(encoding="utf-8") == generated, (
        "regenerate generator/schema/charter.schema.json from generator.spec")


def test_the_schema_is_itself_valid() -> None:
    jsonschema.Draft202012Validator.check_schema(schema())


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_examples_pass_both_the_schema_and_the_validator(path: Path) -> None:
    registry, found = read_registry(path.parent)
    charter, problems = parse_charter(path.read_bytes(), path.name, registry)
    assert found == problems == []
    assert charter is not None
    assert schema_accepts(path)


@pytest.mark.parametrize("case", BAD, ids=[p.name for p in BAD])
def test_bad_inputs_are_refused_by_the_validator_and_by_the_schema(case: Path) -> None:
    path = next(case.glob("*.yaml"))
    _, problems = parse_charter(path.read_bytes(), path.name)
    assert problems
    if case.name in VALIDATOR_ONLY:
        pytest.skip(f"validator only: {VALIDATOR_ONLY[case.name]}")
    assert not schema_accepts(path)


def test_examples_reference_the_schema_for_editors() -> None:
    for path in EXAMPLES:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../generator/schema/charter.schema.json"
