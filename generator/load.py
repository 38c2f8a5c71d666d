"""Read a YAML file into PyYAML nodes, which keep the line and column of every value.

Nodes are composed once by libyaml (the C parser); the validator builds the model straight
from them, so positions cost almost nothing over a plain `yaml.load`.
"""

from __future__ import annotations

import bisect
import re

import yaml

from generator.errors import Problem

# A charter is a few kilobytes; a file this large is a mistake or an attack, not a charter.
MAX_BYTES = 1024 * 1024
# Problems of one kind (anchors, control characters) shown per file; the rest are counted.
MAX_SHOWN = 20

# Lines end where editors and GitHub end them. YAML 1.1 (libyaml) also breaks lines at U+0085,
# U+2028 and U+2029, so a comment an editor shows as one line could hide a key from a reviewer.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_OTHER_BREAK = re.compile("[\x85\u2028\u2029]")
# What the YAML reader refuses: control characters, U+FFFE and U+FFFF (lone surrogates cannot
# survive UTF-8 decoding).
_NOT_YAML = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_NAMES = {0x85: "next line", 0x2028: "line separator", 0x2029: "paragraph separator"}

try:
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader


def _problem(path: str, line: int, column: int, message: str) -> Problem:
    return Problem(path, line, column, "", message)


def too_big(path: str, size: int) -> Problem:
    """The problem of a file over the size limit, with its real size."""
    return _problem(path, 1, 1, f"file is {size:,} bytes; the limit is {MAX_BYTES:,}")


def _position(data: bytes, offset: int) -> tuple[int, int]:
    """Line and column (1-based) of a byte offset, counting characters, not bytes."""
    before = data[:offset]
    line = before.count(b"\n") + before.count(b"\r") - before.count(b"\r\n") + 1
    start = max(before.rfind(b"\n"), before.rfind(b"\r")) + 1
    column = len(before[start:].decode("utf-8", "replace")) + 1
    return line, column


class Lines:
    """Where each line of a text starts, so a character offset becomes an editor's position."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0, *(m.end() for m in _LINE_BREAK.finditer(text))]

    def position(self, index: int) -> tuple[int, int]:
        """Line and column (1-based) of the character at `index`."""
        line = bisect.bisect_right(self.starts, index)
        return line, index - self.starts[line - 1] + 1

    def clamp(self, line: int, column: int) -> tuple[int, int]:
        """A position inside the text: libyaml can point one line past its end."""
        if line <= len(self.starts):
            return line, column
        last = len(self.starts)
        end = len(_LINE_BREAK.split(self.text[self.starts[-1]:], maxsplit=1)[0])
        return last, end + 1


def _code_point(char: str) -> str:
    return f"U+{ord(char):04X}"


def _characters(text: str, path: str) -> tuple[str, list[Problem]]:
    """Problems with characters the YAML reader refuses or reads as line breaks.

    Each is replaced by a space so the rest of the file can still be read and checked with
    positions an editor agrees with; the file is refused anyway.
    """
    found = [*_NOT_YAML.finditer(text), *_OTHER_BREAK.finditer(text)]
    if not found:
        return text, []
    lines = Lines(text)
    problems = []
    for match in sorted(found, key=lambda m: m.start()):
        char = match.group()
        if ord(char) in _NAMES:
            message = (f"{_code_point(char)} ({_NAMES[ord(char)]}) is a line break to YAML "
                       "but not to editors; remove it, or write "
                       f"\\u{ord(char):04x} inside double quotes")
        else:
            message = (f"control character {_code_point(char)} is not allowed in YAML; remove "
                       f"it, or write \\u{ord(char):04x} inside double quotes")
        problems.append((*lines.position(match.start()), message))
    cleaned = _OTHER_BREAK.sub(" ", _NOT_YAML.sub(" ", text))
    return cleaned, _capped(path, problems, "such characters")


def _capped(path: str, found: list[tuple[int, int, str]], kind: str) -> list[Problem]:
    """The first MAX_SHOWN problems of one kind; the last one shown counts the rest."""
    shown = [_problem(path, line, column, message) for line, column, message in found]
    if len(found) <= MAX_SHOWN:
        return shown
    line, column, message = found[MAX_SHOWN - 1]
    return [*shown[:MAX_SHOWN - 1], _problem(
        path, line, column, f"{message} (and {len(found) - MAX_SHOWN} more {kind} after this)")]


def _blank(line: str) -> bool:
    # Blank, a comment, or only a document marker: nothing a charter could be made of.
    stripped = line.strip()
    return not stripped or stripped.startswith("#") or stripped in ("---", "...")


def decode(data: bytes, path: str) -> tuple[str | None, list[Problem]]:
    """Check the raw bytes of a YAML file and return its text.

    The text may come back with problems: characters YAML refuses are reported, then replaced
    so the rest of the file can be checked in the same run.
    """
    if len(data) > MAX_BYTES:
        return None, [too_big(path, len(data))]
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
    if all(_blank(ln) for ln in _LINE_BREAK.split(text)):
        return None, [_problem(path, 1, 1,
                               "file is empty; a charter needs at least title, summary, hub, "
                               "partners and vision (run `charters new ID` for a starter)")]
    return _characters(text, path)


def _yaml_error(path: str, text: str, error: yaml.MarkedYAMLError) -> Problem:
    mark = error.problem_mark or error.context_mark
    line, column = Lines(text).clamp(mark.line + 1, mark.column + 1) if mark else (1, 1)
    lines = _LINE_BREAK.split(text)
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


# Where an anchor or alias can stand: a '&' or '*' right before a name, at the start of a
# node (a line, after '- ', after 'key: ', or in a flow collection). Text that has none is not
# read twice; text that only looks like one ("**bold**" opening a line) is read by events.
_NODE_PROPERTY = re.compile(r"(?:^[ \t]*(?:-[ \t]+)*|:[ \t]+|[\[{,][ \t]*)[&*][^\s]", re.M)


def _anchors(text: str, path: str) -> list[Problem]:
    """Every anchor and alias: a charter has no use for them, and aliases can repeat one value
    a billion times (the validator would walk it, the site would print it)."""
    if not _NODE_PROPERTY.search(text):
        return []
    loader = _Loader(text)
    found: list[tuple[int, int, str]] = []
    try:
        while loader.check_event():
            event = loader.get_event()
            anchor = getattr(event, "anchor", None)
            if anchor is None:
                continue
            mark = event.start_mark
            if isinstance(event, yaml.AliasEvent):
                what = f"alias '*{anchor[:40]}'"
            else:
                what = f"anchor '&{anchor[:40]}'"
            found.append((mark.line + 1, mark.column + 1,
                          f"{what}: YAML anchors and aliases are not supported in a charter; "
                          "write the value out"))
    except yaml.YAMLError:
        pass  # compose reports it
    finally:
        loader.dispose()
    return _capped(path, found, "anchors and aliases")


def compose(text: str, path: str) -> tuple[yaml.Node | None, list[Problem]]:
    """Parse YAML text into a node tree; a syntax error becomes a positioned problem.

    A file with anchors or aliases is refused before its nodes are built.
    """
    problems = _anchors(text, path)
    if problems:
        return None, problems
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
    mark = node.start_mark
    line, column = Lines(text).clamp(mark.line + 1, mark.column + 1)
    if line != mark.line + 1:  # an empty document after '---' starts past the end of the file
        node.start_mark = yaml.Mark(path, mark.index, line - 1, column - 1, None, 0)
    return node, []


def load_all(data: bytes, path: str) -> tuple[yaml.Node | None, list[Problem]]:
    """Decode and compose the bytes of one YAML file (from disk or from a git revision).

    Both may come back: a node tree to check further, and problems already found in its text
    (characters YAML refuses), so one run reports every problem in the file.
    """
    text, problems = decode(data, path)
    if text is None:
        return None, problems
    node, more = compose(text, path)
    return node, problems + more


def load_bytes(data: bytes, path: str) -> tuple[yaml.Node | None, list[Problem]]:
    """Like `load_all`, but no node tree when there is any problem."""
    node, problems = load_all(data, path)
    return (None, problems) if problems else (node, [])
