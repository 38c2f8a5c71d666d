"""Problems are values: every check returns them, and the edges decide how to report them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


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
        return f"{self.path}:{self.line}:{self.column}: {prefix}{self.message}"

    def github(self) -> str:
        """The problem as a GitHub Actions annotation line."""
        prefix = f"{self.where}: " if self.where else ""
        text = (prefix + self.message).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return f"::error file={self.path},line={self.line},col={self.column}::{text}"


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
