"""Errors, warnings and exit codes: the contract of every command."""

from __future__ import annotations

from enum import IntEnum

from mountscope.record import record
from mountscope.text import safe


class ExitCode(IntEnum):
    """Every status the command line ends with (documented in the README)."""

    OK = 0
    # diff(1)'s convention: the two captures differ.
    DIFFERENT = 1
    # findmnt's convention: no mount matched the selection (tree's filters).
    NOTHING_FOUND = 1
    # Anything that went wrong: bad usage, unreadable or unparsable input,
    # an unwritable output file, a live table that cannot be read.
    TROUBLE = 2
    # 128 + SIGINT, as a shell reports a command ended by Ctrl-C.
    INTERRUPTED = 130
    # 128 + SIGPIPE: the reader of standard output went away (| head).
    READER_GONE = 141


class MountscopeError(Exception):
    """An error the user can act on; printed as one line, never a traceback.

    Code that must react to one case catches its class (below), never
    matches the message text.
    """

    exit_code: ExitCode = ExitCode.TROUBLE

    def __init__(self, message: str, exit_code: ExitCode | None = None) -> None:
        super().__init__(message)
        self.message = message
        if exit_code is not None:
            self.exit_code = exit_code

    def __str__(self) -> str:
        return safe(self.message)


class UsageError(MountscopeError):
    """A command line that cannot be run: an unknown option, a bad value, a missing argument."""


class InputError(MountscopeError):
    """An input (a file, standard input) that cannot be read."""


class InputTooLarge(InputError):
    """An input over a limit (--max-input, --max-lines, or the memory there is); refused."""


class ParseError(InputError):
    """Input that cannot be read as a mount table, naming the file and line."""

    def __init__(self, origin: str, message: str, line: int | None = None) -> None:
        where = f"{origin}:{line}" if line else origin
        super().__init__(f"{where}: {message}")
        self.origin = origin
        self.line = line
        self.reason = message


class NoMountTable(ParseError):
    """A readable input in which no mount table was found."""


class WarningsAreErrors(MountscopeError):
    """--strict, and the input had warnings."""


class LiveReadError(MountscopeError):
    """The live mount table (of this or another process) cannot be read."""


class NamespaceGone(LiveReadError):
    """The watched process exited: its mount table is no more."""

    def __init__(self, pid: int | str) -> None:
        super().__init__(f"process {pid} exited; its mount namespace is gone")
        self.pid = pid


class OutputError(MountscopeError):
    """Standard output or a file cannot be written (completely)."""


class OutputExists(OutputError):
    """The file to write exists, and replacing it was not asked for (--force)."""

    def __init__(self, path: str) -> None:
        super().__init__(f"{path} exists; not overwritten (use --force to replace it)")
        self.path = path


class SnapshotExists(OutputExists):
    """The file a snapshot was to be saved to exists: the app asks whether to replace it."""


@record(frozen=True, slots=True)
class InputWarning:
    """Something in the input that was kept, repaired or skipped, with its place."""

    origin: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.origin}:{self.line}" if self.line else self.origin
        return safe(f"{where}: {self.message}")
