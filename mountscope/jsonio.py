"""JSON in and out: orjson for speed, the standard library where orjson refuses.

Output is valid UTF-8 that is safe to show on a terminal: every character
safe() would escape (C1 controls such as U+009B, DEL, bidi and zero-width
characters...) is written as a JSON escape (``\\u009b``), which is the same
string to any JSON reader. Mount paths may hold bytes that are not UTF-8,
kept as lone surrogates U+DC80-U+DCFF by surrogateescape decoding; they are
written as those escapes (byte 0xFF as ``\\udcff``, PEP 383's convention),
never as raw bytes. Python's json reads them back as the same surrogates, and
so does loads() here (orjson refuses them).
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

import orjson

from mountscope.text import PRINTABLE_BLOCKS, has_unsafe, is_unsafe


@lru_cache(maxsize=1)
def _may_escape() -> re.Pattern[str]:
    """Characters that may need a JSON escape. Outside strings, JSON text is
    ASCII (newlines and spaces besides printable characters), so any other
    character found is inside a string. Compiled on first use (it takes a few
    milliseconds, and most output is ASCII)."""
    return re.compile(f"[^\\x00-\\x7e{PRINTABLE_BLOCKS}]")


def _json_escape(match: re.Match[str]) -> str:
    char = match.group(0)
    if not is_unsafe(char):
        return char
    code = ord(char)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000  # a UTF-16 surrogate pair, as JSON spells such characters
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def dumps(value: Any, *, indent: bool = False) -> bytes:
    option = orjson.OPT_NON_STR_KEYS | (orjson.OPT_INDENT_2 if indent else 0)
    try:
        data = orjson.dumps(value, option=option)
    except TypeError:  # lone surrogates: bytes of a path that are not UTF-8
        text = json.dumps(value, ensure_ascii=False, indent=2 if indent else None,
                          separators=None if indent else (",", ":"))
        return _may_escape().sub(_json_escape, text).encode()
    if data.isascii() and b"\x7f" not in data:
        return data  # the common case, decided at C speed
    text = data.decode()
    if not has_unsafe(text.replace("\n", "") if indent else text):
        return data
    return _may_escape().sub(_json_escape, text).encode()


def loads(text: str | bytes) -> Any:
    """Parse JSON; raises ValueError (orjson.JSONDecodeError is one) on bad input."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        if isinstance(text, bytes):
            text = text.decode("utf-8", "surrogateescape")
        # Bytes that are not UTF-8, raw or as dumps() escapes them: json reads them.
        has_bytes = any("\udc80" <= c <= "\udcff" for c in text) or _BYTE_ESCAPE.search(text)
        if not has_bytes or not _surrogates_are_bytes(text):
            raise
        return json.loads(text)


# A byte that is not UTF-8, as dumps() writes it.
_BYTE_ESCAPE = re.compile(r"\\u[dD][cC][89a-fA-F][0-9a-fA-F]")
_ESCAPE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|.)", re.DOTALL)


def _surrogates_are_bytes(text: str) -> bool:
    """True when the escapes in ``text`` make no lone surrogate but U+DC80-U+DCFF
    (bytes that are not UTF-8): json would accept any, the rest of mountscope
    could not write the others back."""
    high_end = -1  # where the last unpaired high surrogate escape ended
    for match in _ESCAPE.finditer(text):
        code = int(match.group(1), 16) if match.group(1) else -1
        if high_end >= 0:
            if match.start() != high_end or not 0xDC00 <= code <= 0xDFFF:
                return False
            high_end = -1
        elif 0xD800 <= code <= 0xDBFF:
            high_end = match.end()
        elif 0xDC00 <= code <= 0xDFFF and not 0xDC80 <= code <= 0xDCFF:
            return False
    return high_end < 0
