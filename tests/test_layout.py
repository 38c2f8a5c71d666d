"""The package's layout shows its design: imports point one way, and facts have one home."""

from __future__ import annotations

import ast
import re

from conftest import ROOT
from generator import spec

PACKAGE = ROOT / "generator"
# Layers, from the bottom: a module may import its own layer and those below it.
PUBLISH = {"publish", "output", "reference"}
EDGES = {"plugin", "cli"}


def layer(module: str) -> int:
    """0 core, 1 a concern (a subpackage), 2 publishing, 3 an edge (plugin, command line)."""
    parts = module.split(".")[1:]
    if not parts:
        return 0
    if parts[0] in EDGES:
        return 3
    if parts[0] in PUBLISH:
        return 2
    return 1 if (PACKAGE / parts[0]).is_dir() else 0


def imports() -> dict[str, set[str]]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(ROOT).with_suffix("")
        name = ".".join(relative.parts).removesuffix(".__init__")
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
                names.update(f"{node.module}.{a.name}" for a in node.names)
            elif isinstance(node, ast.Import):
                names.update(a.name for a in node.names)
        found[name] = names
    return found


def test_imports_point_one_way_core_concerns_publish_edges() -> None:
    modules = imports()
    assert "generator.render" in modules
    assert "generator.selfassess.page" in modules
    wrong = []
    for module, names in sorted(modules.items()):
        for name in sorted(names):
            if not name.startswith("generator.") or name not in modules:
                continue  # a name imported from a module, or outside the package
            if layer(name) > layer(module):
                wrong.append(f"{module} (layer {layer(module)}) imports {name} "
                             f"(layer {layer(name)})")
    assert wrong == []


def test_only_the_plugin_imports_mkdocs() -> None:
    users = sorted(module for module, names in imports().items()
                   if any(n == "mkdocs" or n.startswith("mkdocs.") for n in names))
    assert users == ["generator.plugin"]


def test_no_module_runs_a_second_process_or_thread() -> None:
    for module, names in imports().items():
        assert not names & {"multiprocessing", "threading", "concurrent.futures"}, module


def test_the_self_assessment_script_checks_ids_with_the_formats_pattern() -> None:
    script = (ROOT / "theme" / "javascripts" / "self-assessment.js").read_text(encoding="utf-8")
    found = re.search(r"var ID = /(.+)/;", script)
    assert found is not None
    assert found[1] == spec.ID_PATTERN.replace("\\Z", "$")
    rounds = re.search(r"var ROUND = /(.+)/;", script)
    assert rounds is not None
    assert rounds[1] == spec.PLEDGE_ID_PATTERN.replace("\\Z", "$")
