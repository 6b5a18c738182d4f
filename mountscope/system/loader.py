"""From what the user names (a file, FILE#N, "-", "live") to a MountTable."""

from __future__ import annotations

import codecs
import os
import re
import stat
import sys
from collections.abc import Iterator

from mountscope.errors import InputError, InputTooLarge, ParseError
from mountscope.model import Mount, MountTable
from mountscope.record import record
from mountscope.text import safe

# Inputs beyond these are refused rather than allowed to exhaust memory
# (a Lambda has 128 MB); --max-input and --max-lines raise them.
DEFAULT_MAX_BYTES = 256 * 1024 * 1024
MAX_LINES = 1_000_000

_PICK = re.compile(r"^(.*)#(\d+)$")


@record(frozen=True)
class Limits:
    max_bytes: int = DEFAULT_MAX_BYTES
    max_lines: int = MAX_LINES


def split_spec(spec: str) -> tuple[str, int | None]:
    """ "FILE#N" into (FILE, N); a file whose name really ends in #N wins."""
    match = _PICK.match(spec)
    if match and not os.path.exists(spec):
        return match.group(1), int(match.group(2))
    return spec, None


def human_size(size: int) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:g} {unit}" if unit == "bytes" else f"{size:.4g} {unit}"
        size /= 1024  # type: ignore[assignment]
    return str(size)


# Pipes and devices are read this much at a time, so that memory follows what
# really arrives (and /dev/zero is refused after the limit, not after a
# limit-sized buffer).
CHUNK = 1 << 20


def _too_large(name: str, limits: Limits) -> InputTooLarge:
    return InputTooLarge(
        f"{name}: larger than {human_size(limits.max_bytes)}; refused "
        "(raise the limit with --max-input SIZE)"
    )


def _read_all(fd: int, name: str, limits: Limits) -> bytes:
    """Everything ``fd`` holds, up to the limit; checked before reading where
    the size is known (a regular file), chunk by chunk where it is not."""
    status = os.fstat(fd)
    if stat.S_ISDIR(status.st_mode):
        raise InputError(f"{name}: is a directory, not a capture")
    chunk = CHUNK
    if stat.S_ISREG(status.st_mode):
        if status.st_size > limits.max_bytes:
            raise _too_large(name, limits)
        if status.st_size:  # all of it in one read, and one more byte to see the end
            chunk = status.st_size + 1
    chunks: list[bytes] = []
    total = 0
    try:
        while True:
            data = os.read(fd, max(1, min(chunk, limits.max_bytes + 1 - total)))
            if not data:
                break
            chunks.append(data)
            total += len(data)
            if total > limits.max_bytes:  # a file that grew, a pipe, a device
                raise _too_large(name, limits)
            chunk = CHUNK
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)
    except MemoryError:
        chunks.clear()
        raise InputTooLarge(
            f"{name}: not enough memory to read it ({human_size(total)} read); refused "
            "(lower the limit with --max-input SIZE)"
        ) from None


def read_bytes(path: str, limits: Limits) -> bytes:
    """The input's bytes, refusing anything over the limit before reading it all."""
    if path == "-":
        if sys.stdin is None:  # closed (<&-): Python had no stream to give it
            raise InputError("standard input: it is closed; nothing to read")
        try:
            fd = sys.stdin.fileno()
        except (OSError, ValueError, AttributeError):
            fd = -1
        if fd < 0:  # a replaced stream (tests, embedding): read it as it is
            data = sys.stdin.buffer.read(limits.max_bytes + 1)
            if len(data) > limits.max_bytes:
                raise _too_large("standard input", limits)
            return data
        try:
            return _read_all(fd, "standard input", limits)
        except OSError as error:
            raise InputError(
                f"standard input: cannot read: {os.strerror(error.errno or 0)}"
            ) from None
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NOCTTY)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except OSError as error:
        raise InputError(f"{path}: cannot read: {os.strerror(error.errno or 0)}") from None
    try:
        return _read_all(fd, path, limits)
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not a capture") from None
    except OSError as error:
        raise InputError(f"{path}: cannot read: {os.strerror(error.errno or 0)}") from None
    finally:
        os.close(fd)


def decode(data: bytes, origin: str, limits: Limits) -> str:
    # Lines are counted in the bytes, before the text (up to 4 times their size) exists.
    lines = data.count(b"\n")
    if lines > limits.max_lines:
        raise InputTooLarge(
            f"{origin}: {lines} lines, more than {limits.max_lines}; refused "
            "(raise the limit with --max-lines N)"
        )
    return data.decode("utf-8", "surrogateescape")


# A regular file at least this large is read a chunk at a time when it is
# whole mountinfo (see _streamed_mountinfo); smaller ones are read whole.
STREAM_FROM = CHUNK


def _streamed_mountinfo(
    path: str, limits: Limits, known: dict[str, Mount] | None = None
) -> MountTable | None:
    """The table of a large regular file that is nothing but mountinfo lines,
    read and parsed a chunk at a time (parsers.whole_mountinfo_of_chunks), so
    that its text, as large as the table itself, never exists whole beside
    it. None for anything else, or anything out of the ordinary (past a
    limit, unreadable, another format): the usual way then reads the file
    and says what is wrong."""
    from mountscope.parsers import whole_mountinfo_of_chunks

    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NOCTTY | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        status = os.fstat(fd)
        if (
            not stat.S_ISREG(status.st_mode)
            or not STREAM_FROM <= status.st_size <= limits.max_bytes
        ):
            return None
        within = True

        def chunks() -> Iterator[str]:
            nonlocal within
            decoder = codecs.getincrementaldecoder("utf-8")("surrogateescape")
            read = 0
            while data := os.read(fd, CHUNK):
                read += len(data)
                if read > limits.max_bytes:
                    within = False  # (the usual way refuses it, saying why)
                    return
                yield decoder.decode(data)
            yield decoder.decode(b"", final=True)

        # (The lines are counted as they are read: counting them in the
        # bytes as well took 8 ms of a 50 000-line file.)
        table = whole_mountinfo_of_chunks(chunks(), path, known, max_lines=limits.max_lines)
        return table if within else None
    except OSError:
        return None
    finally:
        os.close(fd)


def load_all(
    spec: str,
    format_name: str | None = None,
    limits: Limits | None = None,
    timing: str | None = None,
    known: dict[str, Mount] | None = None,
) -> list[MountTable]:
    """Every table in a file (or standard input); ``timing`` is a script
    timing file; ``known``: mounts of lines read before, shared where this
    file repeats them (see parsers.whole_mountinfo_of_chunks)."""
    from mountscope.parsers import parse_text

    limits = limits or Limits()
    origin = "-" if spec == "-" else spec
    if spec != "-" and format_name is None and timing is None:
        streamed = _streamed_mountinfo(spec, limits, known)
        if streamed is not None:
            return [streamed]
    text = decode(read_bytes(spec, limits), origin, limits)
    timing_text = decode(read_bytes(timing, limits), timing, limits) if timing else None
    return parse_text(text, origin, format_name, timing=timing_text)


def load(
    spec: str,
    format_name: str | None = None,
    limits: Limits | None = None,
    notes: list[str] | None = None,
    timing: str | None = None,
    known: dict[str, Mount] | None = None,
) -> MountTable:
    """One capture: a file (the first table, or FILE#N), "-", or "live"."""
    if spec == "live" and not os.path.exists(spec):  # a file named "live" wins
        from mountscope.capture import capture_live

        return capture_live()
    path, pick = split_spec(spec)
    captures = load_all(path, format_name, limits, timing, known)
    if pick is None:
        if len(captures) > 1 and notes is not None:
            notes.append(
                safe(
                    f"{path} holds {len(captures)} mount tables; using #1 "
                    f"(list them with: mountscope extract {path})"
                )
            )
        return captures[0]
    if not 1 <= pick <= len(captures):
        raise ParseError(path, f"has {len(captures)} mount table(s); there is no #{pick}")
    return captures[pick - 1]
