"""Problems are values: every check returns them, and the edges decide how to report them."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

# What must not reach a terminal or a log raw: control characters (one could move the cursor
# and rewrite the line above), line breaks of every kind, and characters that reorder text.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    return _NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def printable(text: str) -> str:
    """Text on one line with control and reordering characters written as escapes, as repr does."""
    return _UNPRINTABLE.sub(_escape, text)


def _property(text: str) -> str:
    # Workflow-command properties: these five are the format's own escapes.
    return printable(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
                     .replace(":", "%3A").replace(",", "%2C"))


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one input file, with the place it was found."""

    path: str
    line: int
    column: int
    where: str
    message: str

    def __str__(self) -> str:
        prefix = f"{self.where}: " if self.where else ""
        return printable(f"{self.path}:{self.line}:{self.column}: {prefix}{self.message}")

    def github(self) -> str:
        """The problem as a GitHub Actions annotation line, escaped so it stays one command."""
        prefix = f"{self.where}: " if self.where else ""
        text = printable((prefix + self.message).replace("%", "%25").replace("\r", "%0D")
                         .replace("\n", "%0A"))
        return (f"::error file={_property(self.path)},line={self.line},col={self.column}"
                f"::{text}")


class ChartersError(Exception):
    """The one base of the product's exceptions; each carries the exit code the CLI returns.

    Raised with problems, it is bad input and carries every problem found (exit 1); the plugin
    turns any of them into MkDocs' `PluginError`, the CLI prints it without a traceback.
    """

    exit_code = 1

    def __init__(self, problems: Iterable[Problem] | str = ()) -> None:
        if isinstance(problems, str):
            self.problems: list[Problem] = []
            super().__init__(problems)
        else:
            self.problems = sorted(problems)
            super().__init__("\n".join(str(p) for p in self.problems))


class UsageError(ChartersError):
    """The command was called wrongly (exit code 2)."""

    exit_code = 2


class GitError(ChartersError):
    """git is missing, or a git command failed; the message is git's own."""

    exit_code = 1
