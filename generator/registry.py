"""The site's partner organisations, declared once in `charters/partners.yaml`.

A charter's partner entry names an organisation by id and keeps what belongs to that charter
(lead, signed); name, sector and reviewers come from the registry. An entry may still declare
the organisation inline, but one id means one organisation across the site: the same id with
another name or sector, inline or in the registry, is a problem showing both positions.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import yaml

from generator import spec
from generator.errors import Problem
from generator.load import load_bytes
from generator.validate import BAD, STR, Walker, check_references

SEQ = "tag:yaml.org,2002:seq"

FILE_NAME = "partners.yaml"


@dataclass(frozen=True)
class Declared:
    """Where one organisation's id is given a name (and perhaps a sector)."""

    id: str
    name: str
    sector: str | None
    reviewers: tuple[str, ...]
    path: str
    line: int  # of the name's value
    column: int
    sector_at: tuple[int, int] = (0, 0)

    def at(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Registry:
    """The organisations of `partners.yaml` by id; `digest` tells one version from another."""

    path: str
    partners: Mapping[str, Declared] = field(default_factory=dict)
    digest: bytes = b""


def is_registry(name: str) -> bool:
    """True for the registry's file name (a path or a bare name)."""
    return name.replace("\\", "/").rsplit("/", 1)[-1] == FILE_NAME


def _child(node: yaml.Node | None, key: str | int) -> yaml.Node | None:
    if isinstance(key, int) and isinstance(node, yaml.SequenceNode) and key < len(node.value):
        found: yaml.Node = node.value[key]
        return found
    if isinstance(key, str) and isinstance(node, yaml.MappingNode):
        return next((v for k, v in node.value
                     if isinstance(k, yaml.ScalarNode) and k.value == key), None)
    return None


def _at(node: yaml.Node | None) -> tuple[int, int]:
    return (node.start_mark.line + 1, node.start_mark.column + 1) if node is not None else (1, 1)


def partner_nodes(root: yaml.Node) -> list[yaml.Node]:
    """The entries of a charter's (or the registry's) `partners:` list, as nodes."""
    partners = _child(root, "partners")
    return list(partners.value) if isinstance(partners, yaml.SequenceNode) else []


def parse_registry(data: bytes, path: str) -> tuple[Registry, list[Problem]]:
    """The registry from its bytes; `path` names it in problems."""
    empty = Registry(path)
    root, problems = load_bytes(data, path)
    if root is None or problems:
        return empty, problems
    walker = Walker(path)
    values = walker.value(root, spec.REGISTRY, ())
    check_references(walker)
    if values is BAD or walker.problems:
        return empty, sorted(walker.problems)
    found: dict[str, Declared] = {}
    for i, entry in enumerate(values["partners"]):
        node = _child(_child(root, "partners"), i)
        line, column = _at(_child(node, "name"))
        found[entry["id"]] = Declared(entry["id"], entry["name"], entry.get("sector"),
                                      tuple(entry.get("reviewers", ())), path, line, column,
                                      _at(_child(node, "sector")))
    return Registry(path, found, hashlib.blake2b(data, digest_size=16).digest()), []


def _scalar(node: yaml.Node | None) -> str | None:
    return node.value if isinstance(node, yaml.ScalarNode) and node.tag == STR else None


def _add(entry: yaml.MappingNode, key: str, value: str | tuple[str, ...],
         mark: yaml.Node) -> None:
    """Give a partner entry a key it leaves to the registry, placed where its id is."""
    start, end = mark.start_mark, mark.end_mark
    node: yaml.Node = (yaml.ScalarNode(STR, value, start, end) if isinstance(value, str) else
                       yaml.SequenceNode(SEQ, [yaml.ScalarNode(STR, v, start, end)
                                               for v in value], start, end))
    entry.value.append((yaml.ScalarNode(STR, key, start, end), node))


def resolve(root: yaml.Node, path: str, registry: Registry | None
            ) -> tuple[list[Declared], list[Problem]]:
    """Complete each partner entry of a charter's YAML from the registry, before validation.

    Returns the organisations this charter declares inline (for the site-wide check) and the
    problems: a name missing from both, or a name or sector the registry gives differently.
    """
    problems: list[Problem] = []
    declared: list[Declared] = []
    known = registry.partners if registry is not None else {}
    for i, entry in enumerate(partner_nodes(root)):
        id_node = _child(entry, "id")
        pid = _scalar(id_node)
        if not isinstance(entry, yaml.MappingNode) or id_node is None or pid is None:
            continue  # the validator reports what is wrong with the entry itself
        there = known.get(pid)
        name = _scalar(_child(entry, "name"))
        if name is not None:
            sector_node = _child(entry, "sector")
            here = Declared(pid, name, _scalar(sector_node), (), path,
                            *_at(_child(entry, "name")), _at(sector_node))
            declared.append(here)
            if there is not None:
                problems += conflicts(here, there)
        elif _child(entry, "name") is None and there is None:
            line, column = _at(entry)
            hint = f"; or declare '{pid}' in {registry.path}" if registry is not None else ""
            problems.append(Problem(path, line, column, f"partners[{i}]",
                                    f"missing required key 'name' (Name of the organisation)"
                                    f"{hint}"))
        if there is None:
            continue
        for key, value in (("name", there.name), ("sector", there.sector),
                           ("reviewers", there.reviewers)):
            if value is not None and _child(entry, key) is None:
                _add(entry, key, value, id_node)
    return declared, problems


def conflicts(here: Declared, there: Declared) -> list[Problem]:
    """Problems (at `here`) where two declarations of one id disagree on name or sector."""
    out = []
    if here.name != there.name:
        out.append(Problem(here.path, here.line, here.column, "",
                           f"partner '{here.id}' is '{here.name}' here but '{there.name}' in "
                           f"{there.at()}"))
    if here.sector is not None and there.sector is not None and here.sector != there.sector:
        line, column = here.sector_at
        out.append(Problem(here.path, line, column, "",
                           f"partner '{here.id}' is in sector '{here.sector}' here but "
                           f"'{there.sector}' in {there.path}:{there.sector_at[0]}:"
                           f"{there.sector_at[1]}"))
    return out


def across(declarations: Iterable[Declared]) -> list[Problem]:
    """Inline declarations of one id in several charters that disagree: each later one is
    reported against the first."""
    first: dict[str, Declared] = {}
    problems: list[Problem] = []
    for d in declarations:
        if d.id in first:
            if d.path != first[d.id].path:  # twice in one file is a duplicate id (validate)
                problems += conflicts(d, first[d.id])
        else:
            first[d.id] = d
    return problems
