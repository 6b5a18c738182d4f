"""Standard output and error: every byte written or one line of error.

stdout is data, stderr is messages. The writes go through os.write() on the
descriptor so that a short write or a full disk is reported, never lost.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable

from mountscope.errors import OutputError

PROG = "mountscope"


def is_terminal(fd: int) -> bool:
    """Whether standard input (0) or output (1) is a terminal; a closed one is not."""
    stream = sys.stdin if fd == 0 else sys.stdout
    return stream is not None and os.isatty(fd)


def use_color(mode: str, stream: object = None) -> bool:
    """Color only on a terminal, never under NO_COLOR or TERM=dumb, unless forced."""
    if mode == "always":
        return True
    if mode == "never" or "NO_COLOR" in os.environ or os.environ.get("TERM") == "dumb":
        return False
    if stream is None:
        return is_terminal(1)
    return bool(getattr(stream, "isatty", lambda: False)())


def utf8_locale() -> bool:
    """findmnt draws the tree in ASCII when the locale is not UTF-8."""
    for name in ("LC_ALL", "LC_CTYPE", "LANG"):
        value = os.environ.get(name)
        if value:
            return "UTF-8" in value.upper() or "UTF8" in value.upper()
    return (getattr(sys.stdout, "encoding", None) or "").lower().replace("-", "") == "utf8"


def message(line: str) -> None:
    """One line on stderr; never on stdout when stderr is closed, and a
    failing stderr (> /dev/full) does not hide the exit status."""
    if sys.stderr is None:
        return
    try:
        print(line, file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass


def warn(text: str) -> None:
    message(f"{PROG}: warning: {text}")


def note(text: str) -> None:
    message(f"{PROG}: {text}")


def guard_standard_streams() -> None:
    """Hold a closed standard input, output or error open on /dev/null.

    Python leaves sys.stdin/sys.stdout/sys.stderr None for a descriptor that
    was closed at start (``>&-``); a file opened later would take its number
    and receive what was meant for it. The None stays: it is how the readers
    and writers below know the stream was closed.
    """
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)


def _stdout_error(error: OSError) -> OutputError:
    return OutputError(
        f"cannot write to standard output: {os.strerror(error.errno or 0)}; "
        "the output is incomplete"
    )


def write_out(data: bytes) -> None:
    """Write all of ``data`` to standard output, or raise a one-line error.

    os.write() on the descriptor, in a loop: a short write (a nearly full
    disk) continues where it stopped, and the failure after it is reported,
    where Python's buffered stdout may drop the rest without a word.
    """
    if sys.stdout is None:
        raise OutputError("cannot write to standard output: it is closed")
    try:
        sys.stdout.flush()  # anything printed through Python's stream goes first
    except BrokenPipeError:
        raise
    except OSError as error:
        raise _stdout_error(error) from None
    view = memoryview(data)
    while view:
        try:
            written = os.write(1, view)
        except BlockingIOError:  # stdout set non-blocking by whoever gave it to us
            import select  # (only here: not imported by every run)

            select.select([], [1], [])
            continue
        except BrokenPipeError:
            raise
        except OSError as error:
            raise _stdout_error(error) from None
        if written == 0:
            raise OutputError(
                "cannot write to standard output: it takes no more; the output is incomplete"
            )
        view = view[written:]


def encode(text: str) -> bytes:
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    errors = (
        "surrogateescape"
        if getattr(sys.stdout, "errors", None) == "surrogateescape"
        else "backslashreplace"
    )
    return text.encode(encoding, errors)


def write_lines(lines: Iterable[str]) -> None:
    batch: list[str] = []
    size = 0
    for line in lines:
        batch.append(line)
        size += len(line)
        # Bounded in characters too: a row of a deep tree can be 200 000 long.
        if len(batch) >= 4096 or size >= 1 << 16:
            write_out(encode("\n".join(batch) + "\n"))
            batch.clear()
            size = 0
    if batch:
        write_out(encode("\n".join(batch) + "\n"))


def write_bytes(chunks: Iterable[bytes]) -> None:
    batch: list[bytes] = []
    size = 0
    for chunk in chunks:
        batch.append(chunk)
        size += len(chunk)
        # Bounded in bytes too: diff --json writes a pair of mounts a chunk.
        if len(batch) >= 4096 or size >= 1 << 16:
            write_out(b"".join(batch))
            batch.clear()
            size = 0
    if batch:
        write_out(b"".join(batch))
