"""Escapes, display width and terminal-safe text.

Mount paths are bytes on Linux. Inputs are decoded as UTF-8 with
``surrogateescape`` so that invalid bytes survive as lone surrogates and can be
written back unchanged. Every function here keeps that property.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

ENCODING = "utf-8"
ERRORS = "surrogateescape"

# The kernel writes a backslash and three octal digits (libmount accepts
# larger values and wraps them; we take only what fits in a byte).
_OCTAL = re.compile(rb"\\([0-3][0-7][0-7])")
# findmnt's human, raw and pairs output write unsafe bytes as \xHH.
_HEX = re.compile(rb"\\x([0-9a-fA-F]{2})")


def to_bytes(text: str) -> bytes:
    return text.encode(ENCODING, ERRORS)


def from_bytes(data: bytes) -> str:
    return data.decode(ENCODING, ERRORS)


def decode_octal(field: str) -> str:
    """Undo the kernel's mountinfo escaping (``\\040`` for space and so on)."""
    if "\\" not in field:
        return field
    return from_bytes(_OCTAL.sub(lambda m: bytes((int(m.group(1), 8),)), to_bytes(field)))


def encode_octal(value: str, extra: str = "") -> str:
    """Escape a value the way the kernel does in mountinfo paths."""
    special = " \t\n\\" + extra
    data = to_bytes(value)
    if not any(chr(b) in special for b in data):
        return value
    out = bytearray()
    for b in data:
        if chr(b) in special:
            out += b"\\%03o" % b
        else:
            out.append(b)
    return from_bytes(bytes(out))


def decode_hex(field: str) -> str:
    """Undo findmnt's ``\\xHH`` escaping (human, ``-r`` and ``-P`` output)."""
    if "\\x" not in field:
        return field
    return from_bytes(_HEX.sub(lambda m: bytes((int(m.group(1), 16),)), to_bytes(field)))


# Characters that must never reach a terminal raw: C0 and C1 controls, DEL,
# the bidi and zero-width format characters that can disguise text, line and
# paragraph separators, and lone surrogates (invalid bytes of the input).
# A backslash before "x" is escaped too, so that \xHH stays unambiguous (the
# rule findmnt uses).
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\udc80-\udcff]|\\\\(?=x)"
)


def _escape_match(match: re.Match[str]) -> str:
    char = match.group(0)
    if "\udc80" <= char <= "\udcff":
        return f"\\x{ord(char) - 0xDC00:02x}"
    return "".join(f"\\x{b:02x}" for b in char.encode(ENCODING))


def safe(text: str) -> str:
    """Text as it may be shown on a terminal: unsafe characters as ``\\xHH``.

    The result is plain printable text; decode_hex() turns it back into the
    original string.
    """
    if _UNSAFE.search(text) is None:
        return text
    return _UNSAFE.sub(_escape_match, text)


@lru_cache(maxsize=4096)
def _char_width(char: str) -> int:
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


# Characters that may not take exactly one cell: combining marks, CJK and
# other wide scripts, emoji. Box drawing (tree art) is one cell and common.
_NOT_ONE_CELL = re.compile("[^\x00-\u02ff\u2500-\u257f]")


def width(text: str) -> int:
    """Display width in terminal cells (CJK characters take two)."""
    if text.isascii() or _NOT_ONE_CELL.search(text) is None:
        return len(text)
    return sum(_char_width(c) for c in text)


def column_index(line: str) -> list[int]:
    """For each display column of ``line``, the index of the character drawn there.

    Wide characters occupy two columns; both map to the same index.
    """
    cols: list[int] = []
    for i, char in enumerate(line):
        cols.extend([i] * _char_width(char))
    return cols


def slice_columns(line: str, start: int, end: int | None = None) -> str:
    """The characters of ``line`` between display columns ``start`` and ``end``."""
    if line.isascii():
        return line[start:end]
    cols = column_index(line)
    if start >= len(cols):
        return ""
    first = cols[start]
    if end is None or end >= len(cols):
        return line[first:]
    return line[first : cols[end]] if cols[end] > first else ""


def pad(text: str, cells: int) -> str:
    """Left-align ``text`` in ``cells`` display columns."""
    gap = cells - width(text)
    return text + " " * gap if gap > 0 else text
