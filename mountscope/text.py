"""Escapes, display width and terminal-safe text.

Mount paths are bytes on Linux. Inputs are decoded as UTF-8 with
``surrogateescape`` so that invalid bytes survive as lone surrogates and can be
written back unchanged. Every function here keeps that property.

The regular expressions are compiled on first use (functools.cache): their
character classes take milliseconds to compile, and most text is ASCII that
never needs them.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

ENCODING = "utf-8"
ERRORS = "surrogateescape"


@cache
def _octal() -> re.Pattern[bytes]:
    # The kernel writes a backslash and three octal digits (libmount accepts
    # larger values and wraps them; we take only what fits in a byte).
    return re.compile(rb"\\([0-3][0-7][0-7])")


@cache
def _hex() -> re.Pattern[bytes]:
    # findmnt's human, raw and pairs output write unsafe bytes as \xHH; a
    # character is a run of them, decoded at once by bytes.fromhex.
    return re.compile(rb"(?:\\x[0-9a-fA-F]{2})+")


def to_bytes(text: str) -> bytes:
    return text.encode(ENCODING, ERRORS)


def from_bytes(data: bytes) -> str:
    return data.decode(ENCODING, ERRORS)


def decode_octal(field: str) -> str:
    """Undo the kernel's mountinfo escaping (``\\040`` for space and so on)."""
    if "\\" not in field:
        return field
    return from_bytes(_octal().sub(lambda m: bytes((int(m.group(1), 8),)), to_bytes(field)))


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
    return from_bytes(_hex().sub(_hex_run, to_bytes(field)))


def _hex_run(match: re.Match[bytes]) -> bytes:
    return bytes.fromhex(match.group().replace(b"\\x", b"").decode("ascii"))


# Characters that must never reach a terminal raw, or could pass for others:
# everything str.isprintable() rejects (Unicode categories Cc, Cf, Cs, Co, Cn,
# Zl, Zp, and Zs except the ASCII space: controls, format characters such as
# bidi overrides, zero-width and tag characters, lone surrogates from invalid
# bytes, private use, unassigned code points, separators and spaces that look
# like a plain space), plus the default-ignorable code points Unicode files
# under other categories (Unicode's DerivedCoreProperties.txt,
# Default_Ignorable_Code_Point: Hangul fillers, the combining grapheme joiner,
# Khmer inherent vowels, variation selectors) and the braille blank. Each is
# shown as the \xHH escapes of its UTF-8 bytes; a backslash before "x" is
# escaped too, so that \xHH stays unambiguous (the rule findmnt uses).
_IGNORABLE_PRINTABLE = (
    "\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180d\u180f\u2800\u3164"
    "\ufe00-\ufe0f\uffa0\U000e0100-\U000e01ef"
)


@cache
def _invisible() -> re.Pattern[str]:
    return re.compile(f"[{_IGNORABLE_PRINTABLE}]")


# Blocks that hold only printable characters since Unicode 13 (the oldest a
# supported Python has): Latin, Greek and Cyrillic letters and accents,
# punctuation, arrows, box drawing, kana, CJK, Hangul syllables, full-width
# forms. Skipped at C speed; the tests check each against unicodedata.
PRINTABLE_BLOCKS = (
    "\u00a1-\u00ac\u00ae-\u034e\u0350-\u0377\u2010-\u2027\u2030-\u205e\u2190-\u23ff"
    "\u2500-\u27ff\u3001-\u303f\u3041-\u3096\u3099-\u30ff\u3400-\u4db5\u4e00-\u9ffc"
    "\uac00-\ud7a3\uff01-\uff9f"
)


@cache
def unsafe_pattern() -> re.Pattern[str]:
    """What may need escaping: anything else, and a backslash before "x". The
    exact decision is _escape_match's (this keeps the pattern small and fast;
    a class of every unassigned code point is not)."""
    return re.compile(f"[^\\x20-\\x7e{PRINTABLE_BLOCKS}]|\\\\(?=x)")


def is_unsafe(char: str) -> bool:
    """True for one character safe() escapes (the backslash rule aside)."""
    return not char.isprintable() or _invisible().match(char) is not None


# Printable ASCII, as bytes: what translate() deletes to leave anything else.
_PRINTABLE_ASCII = bytes(range(0x20, 0x7F))


def printable_ascii(text: str) -> bool:
    """``text.isascii() and text.isprintable()``, in about a third of the
    instructions on long text (bytes.translate deleting every printable byte
    leaves nothing)."""
    return text.isascii() and not text.encode("ascii").translate(None, _PRINTABLE_ASCII)


def shown_as_is(text: str) -> bool:
    """Whether ``safe(text)`` is ``text`` and each character takes one cell:
    printable ASCII without a backslash before an "x" (checked in the bytes;
    a search for one byte is a memchr, many times faster than a search for
    two, so the pair is looked for only where there is a backslash)."""
    if not text.isascii():
        return False
    data = text.encode("ascii")
    if b"\\" in data and b"\\x" in data:
        return False
    return not data.translate(None, _PRINTABLE_ASCII)


def has_unsafe(text: str) -> bool:
    """True when ``text`` holds a character safe() escapes (the backslash rule
    aside); C-speed checks, as almost every string holds none."""
    return not text.isprintable() or (not text.isascii() and _invisible().search(text) is not None)


# The escape of each invalid byte (a surrogate \udc80-\udcff) by its value.
_BYTE_ESCAPES = [f"\\x{b:02x}" for b in range(256)]


def _escape_match(match: re.Match[str]) -> str:
    char = match.group(0)
    if char != "\\" and char.isprintable() and _invisible().match(char) is None:
        return char
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:
        return _BYTE_ESCAPES[code - 0xDC00]
    # surrogatepass: a lone surrogate that is not an invalid byte (only JSON
    # escapes can make one) is shown as the three bytes it would be written as.
    # bytes.hex() with a separator builds the escapes at C speed: a text of
    # nothing but hidden characters escapes about three times faster.
    return "\\x" + char.encode(ENCODING, "surrogatepass").hex("\\").replace("\\", "\\x")


def safe(text: str) -> str:
    """Text as it may be shown on a terminal: unsafe characters as ``\\xHH``.

    The result is plain printable text; decode_hex() turns it back into the
    original string.
    """
    if "\\x" not in text and not has_unsafe(text):
        return text
    return unsafe_pattern().sub(_escape_match, text)


@lru_cache(maxsize=4096)
def _char_width(char: str) -> int:
    import unicodedata

    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


@cache
def not_one_cell() -> re.Pattern[str]:
    """Characters that may not take exactly one cell: combining marks, CJK and
    other wide scripts, emoji. Box drawing (tree art) is one cell and common."""
    return re.compile("[^\x00-\u02ff\u2500-\u257f]")


def width(text: str) -> int:
    """Display width in terminal cells (CJK characters take two)."""
    if text.isascii() or not_one_cell().search(text) is None:
        return len(text)
    return sum(_char_width(c) for c in text)
