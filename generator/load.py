"""Read a YAML file into PyYAML nodes, which keep the line and column of every value.

Nodes are composed once by libyaml (the C parser); the validator builds the model straight
from them, so positions cost almost nothing over a plain `yaml.load`.
"""

from __future__ import annotations

import yaml

from generator.errors import Problem

# A charter is a few kilobytes; a file this large is a mistake or an attack, not a charter.
MAX_BYTES = 1024 * 1024

try:
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader


def _problem(path: str, line: int, column: int, message: str) -> Problem:
    return Problem(path, line, column, "", message)


def _position(data: bytes, offset: int) -> tuple[int, int]:
    """Line and column (1-based) of a byte offset, counting characters, not bytes."""
    before = data[:offset]
    line = before.count(b"\n") + 1
    start = before.rfind(b"\n") + 1
    column = len(before[start:].decode("utf-8", "replace")) + 1
    return line, column


def decode(data: bytes, path: str) -> tuple[str | None, list[Problem]]:
    """Check the raw bytes of a YAML file and return its text."""
    if len(data) > MAX_BYTES:
        return None, [_problem(path, 1, 1,
                               f"file is {len(data):,} bytes; the limit is {MAX_BYTES:,}")]
    if data.startswith(b"\xef\xbb\xbf"):
        return None, [
            _problem(path, 1, 1, "file starts with a byte-order mark; save it as UTF-8 without BOM")
        ]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line, column = _position(data, e.start)
        return None, [_problem(path, line, column,
                               f"byte 0x{data[e.start]:02x} is not UTF-8; save the file as UTF-8")]
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        return None, [_problem(path, 1, 1,
                               "file is empty; a charter needs at least title, summary, hub, "
                               "partners and vision (run `charters new ID` for a starter)")]
    return text, []


def _yaml_error(path: str, text: str, error: yaml.MarkedYAMLError) -> Problem:
    mark = error.problem_mark or error.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    lines = text.splitlines()
    if mark and mark.line < len(lines) and "\t" in lines[mark.line][: mark.column + 1]:
        return _problem(path, line, column, "tab character; YAML is indented with spaces only")
    what = error.problem or error.context or "not valid YAML"
    if "another document" in what:
        return _problem(path, line, column, "a charter file holds one YAML document; "
                                            "remove the '---' line or split the file")
    context = error.context_mark
    if error.context and context and context is not mark:
        what = (f"{what} ({error.context.removeprefix('while ')} that starts at line "
                f"{context.line + 1}, column {context.column + 1})")
    return _problem(path, line, column, f"YAML syntax: {what}")


def compose(text: str, path: str) -> tuple[yaml.Node | None, list[Problem]]:
    """Parse YAML text into a node tree; a syntax error becomes a positioned problem."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as e:
        return None, [_yaml_error(path, text, e)]
    except yaml.YAMLError as e:  # unmarked errors from libyaml (rare)
        return None, [_problem(path, 1, 1, f"YAML syntax: {e}")]
    finally:
        loader.dispose()
    if node is None:
        return None, [_problem(path, 1, 1, "file holds no YAML document")]
    return node, []


def load_bytes(data: bytes, path: str) -> tuple[yaml.Node | None, list[Problem]]:
    """Decode and compose the bytes of one YAML file (from disk or from a git revision)."""
    text, problems = decode(data, path)
    if text is None:
        return None, problems
    return compose(text, path)
