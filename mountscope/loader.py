"""From what the user names (a file, FILE#N, "-", "live") to a Capture."""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass

from mountscope.errors import MountscopeError, ParseError
from mountscope.model import Capture

# Inputs beyond these are refused rather than allowed to exhaust memory
# (a Lambda has 128 MB); --max-input raises the byte limit.
DEFAULT_MAX_BYTES = 256 * 1024 * 1024
MAX_LINES = 1_000_000

_PICK = re.compile(r"^(.*)#(\d+)$")


@dataclass(frozen=True)
class Limits:
    max_bytes: int = DEFAULT_MAX_BYTES
    max_lines: int = MAX_LINES


def split_spec(spec: str) -> tuple[str, int | None]:
    """"FILE#N" into (FILE, N); a file whose name really ends in #N wins."""
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


def read_bytes(path: str, limits: Limits) -> bytes:
    """The input's bytes, refusing anything over the limit before reading it all."""
    name = "standard input" if path == "-" else path
    try:
        if path == "-":
            stream = sys.stdin.buffer
            data = stream.read(limits.max_bytes + 1)
        else:
            if os.path.isdir(path):
                raise MountscopeError(f"{path}: is a directory, not a capture")
            with open(path, "rb") as stream:
                data = stream.read(limits.max_bytes + 1)
    except FileNotFoundError:
        raise MountscopeError(f"{path}: no such file") from None
    except PermissionError:
        raise MountscopeError(f"{path}: permission denied") from None
    except IsADirectoryError:
        raise MountscopeError(f"{path}: is a directory, not a capture") from None
    except OSError as error:
        raise MountscopeError(f"{name}: cannot read: {os.strerror(error.errno or 0)}") from None
    if len(data) > limits.max_bytes:
        raise MountscopeError(
            f"{name}: larger than {human_size(limits.max_bytes)}; refused "
            "(raise the limit with --max-input SIZE)"
        )
    return data


def decode(data: bytes, origin: str, limits: Limits) -> str:
    text = data.decode("utf-8", "surrogateescape")
    lines = text.count("\n")
    if lines > limits.max_lines:
        raise MountscopeError(
            f"{origin}: {lines} lines, more than {limits.max_lines}; refused "
            "(raise the limit with --max-input SIZE)"
        )
    return text


def load_all(spec: str, format_name: str | None = None, limits: Limits | None = None,
             timing: str | None = None) -> list[Capture]:
    """Every table in a file (or standard input); ``timing`` is a script timing file."""
    from mountscope.parsers import parse_text

    limits = limits or Limits()
    origin = "-" if spec == "-" else spec
    text = decode(read_bytes(spec, limits), origin, limits)
    timing_text = decode(read_bytes(timing, limits), timing, limits) if timing else None
    return parse_text(text, origin, format_name, timing=timing_text)


def load(spec: str, format_name: str | None = None, limits: Limits | None = None,
         notes: list[str] | None = None, timing: str | None = None) -> Capture:
    """One capture: a file (the first table, or FILE#N), "-", or "live"."""
    if spec == "live" and not os.path.exists(spec):  # a file named "live" wins
        from mountscope.capture import capture_live

        return capture_live()
    path, pick = split_spec(spec)
    captures = load_all(path, format_name, limits, timing)
    if pick is None:
        if len(captures) > 1 and notes is not None:
            notes.append(f"{path} holds {len(captures)} mount tables; using #1 "
                         f"(list them with: mountscope extract {path})")
        return captures[0]
    if not 1 <= pick <= len(captures):
        raise ParseError(path, f"has {len(captures)} mount table(s); there is no #{pick}")
    return captures[pick - 1]
