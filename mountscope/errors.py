"""Errors, warnings and exit codes: the contract of every command."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from mountscope.text import safe


class ExitCode(IntEnum):
    OK = 0
    # diff(1)'s convention: the two captures differ.
    DIFFERENT = 1
    # Anything that went wrong: bad usage, unreadable or unparsable input,
    # an unwritable output file, a live table that cannot be read.
    TROUBLE = 2
    INTERRUPTED = 130


class MountscopeError(Exception):
    """An error the user can act on; printed as one line, never a traceback."""

    def __init__(self, message: str, exit_code: ExitCode = ExitCode.TROUBLE) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code

    def __str__(self) -> str:
        return safe(self.message)


class SnapshotExists(MountscopeError):
    """The file a snapshot was to be saved to exists, and replacing it was not asked for."""

    def __init__(self, path: str) -> None:
        super().__init__(f"{path} exists; not overwritten (use --force to replace it)")
        self.path = path


class ParseError(MountscopeError):
    """Input that cannot be read as a mount table, naming the file and line."""

    def __init__(self, origin: str, message: str, line: int | None = None) -> None:
        where = f"{origin}:{line}" if line else origin
        super().__init__(f"{where}: {message}")
        self.origin = origin
        self.line = line
        self.reason = message


@dataclass(frozen=True, slots=True)
class InputWarning:
    """Something in the input that was kept, repaired or skipped, with its place."""

    origin: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.origin}:{self.line}" if self.line else self.origin
        return safe(f"{where}: {self.message}")
