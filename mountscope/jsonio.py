"""JSON in and out: orjson for speed, the standard library where orjson refuses.

Output is valid UTF-8 that is safe to show on a terminal: every character
safe() would escape (C1 controls such as U+009B, DEL, bidi and zero-width
characters...) is written as a JSON escape (``\\u009b``), which is the same
string to any JSON reader. Mount paths may hold bytes that are not UTF-8,
kept as lone surrogates U+DC80-U+DCFF by surrogateescape decoding; they are
written as those escapes (byte 0xFF as ``\\udcff``, PEP 383's convention),
never as raw bytes. Python's json reads them back as the same surrogates, and
so does loads() here (orjson refuses them).

Nesting is not limited: findmnt -J nests each mount inside its parent, so a
chain of 5 000 nested mounts is a 5 000-deep document, and a legitimate one.
orjson stops at depth 1024 and the standard library's decoder recurses (a
RecursionError past about 1 000); such documents are read by ``_loads_deep``,
which keeps its open containers on an explicit stack instead.

This is where orjson is imported, when JSON is first read or written (a
table printed as text never loads it), and with SIGINT blocked: orjson's
module set-up does not survive an interrupt (a Ctrl-C at that moment could
crash the interpreter later). A Ctrl-C meanwhile arrives as soon as the
import is done.
"""

from __future__ import annotations

import json
import re
import signal
from functools import lru_cache
from json.decoder import scanstring  # type: ignore[attr-defined]  # C-accelerated, not in the stubs
from typing import Any

from mountscope.text import PRINTABLE_BLOCKS, has_unsafe, is_unsafe

_blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
try:
    import orjson
finally:
    signal.pthread_sigmask(signal.SIG_SETMASK, _blocked)


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
        text = json.dumps(
            value,
            ensure_ascii=False,
            indent=2 if indent else None,
            separators=None if indent else (",", ":"),
        )
        return _may_escape().sub(_json_escape, text).encode()
    if data.isascii() and b"\x7f" not in data:
        return data  # the common case, decided at C speed
    text = data.decode()
    if not has_unsafe(text.replace("\n", "") if indent else text):
        return data
    return _may_escape().sub(_json_escape, text).encode()


# A byte that was not UTF-8, as surrogateescape keeps it (searched in C, not
# character by character in Python).
_SURROGATE = re.compile("[\udc80-\udcff]")


def loads(text: str | bytes) -> Any:
    """Parse JSON; raises ValueError (orjson.JSONDecodeError is one) on bad input."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as error:
        # orjson's words for nesting past its limit: "depth limit exceeded"
        # (newer releases) or "recursion limit reached" (older ones).
        deep = "depth" in error.msg or "recursion" in error.msg
        if isinstance(text, bytes):
            text = text.decode("utf-8", "surrogateescape")
        if not deep:
            # Bytes that are not UTF-8, raw or as dumps() escapes them: json reads them.
            has_bytes = _SURROGATE.search(text) is not None or _BYTE_ESCAPE.search(text) is not None
            if not has_bytes or not _surrogates_are_bytes(text):
                raise
    if not deep:
        try:
            return json.loads(text)
        except RecursionError:
            pass
    return _loads_deep(text)


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


_SPACE = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"(-?(?:0|[1-9][0-9]*))(\.[0-9]+)?([eE][-+]?[0-9]+)?")
# The standard library's decoder also reads NaN and Infinity: so does this one.
_LITERALS = {
    "true": True,
    "false": False,
    "null": None,
    "NaN": float("nan"),
    "Infinity": float("inf"),
    "-Infinity": float("-inf"),
}


def _key(text: str, pos: int) -> tuple[str, int]:
    """An object's key and its colon, from ``pos``; the position of its value."""
    if not text.startswith('"', pos):
        raise json.JSONDecodeError("Expecting property name enclosed in double quotes", text, pos)
    key, pos = scanstring(text, pos + 1, True)
    pos = _SPACE.match(text, pos).end()  # type: ignore[union-attr]
    if not text.startswith(":", pos):
        raise json.JSONDecodeError("Expecting ':' delimiter", text, pos)
    return key, _SPACE.match(text, pos + 1).end()  # type: ignore[union-attr]


def _loads_deep(text: str) -> Any:
    """The JSON grammar of ``json.loads``, without recursion: open arrays and
    objects wait on an explicit stack, so any depth costs only memory."""
    space = _SPACE.match
    containers: list[Any] = []  # open lists and dicts, outermost first
    keys: list[str] = []  # for each open container, the key its next value goes to
    pos = space(text, 0).end()  # type: ignore[union-attr]
    while True:
        # A value starts at pos.
        char = text[pos : pos + 1]
        value: Any
        if char in ("[", "{"):
            pos = space(text, pos + 1).end()  # type: ignore[union-attr]
            closer = "]" if char == "[" else "}"
            if text.startswith(closer, pos):
                value = [] if char == "[" else {}
                pos += 1
            else:
                key = ""
                if char == "{":
                    key, pos = _key(text, pos)
                containers.append([] if char == "[" else {})
                keys.append(key)
                continue
        elif char == '"':
            value, pos = scanstring(text, pos + 1, True)
        else:
            number = _NUMBER.match(text, pos)
            if number is not None:
                integer, fraction, exponent = number.groups()
                value = (
                    float(integer + (fraction or "") + (exponent or ""))
                    if fraction or exponent
                    else int(integer)
                )
                pos = number.end()
            else:
                word = next((w for w in _LITERALS if text.startswith(w, pos)), None)
                if word is None:
                    raise json.JSONDecodeError("Expecting value", text, pos)
                value = _LITERALS[word]
                pos += len(word)
        # A value is complete: it goes into the innermost open container, and
        # each container it completes goes into the one around it.
        while True:
            pos = space(text, pos).end()  # type: ignore[union-attr]
            if not containers:
                if pos != len(text):
                    raise json.JSONDecodeError("Extra data", text, pos)
                return value
            container = containers[-1]
            if isinstance(container, list):
                container.append(value)
            else:
                container[keys[-1]] = value
            closer = "]" if isinstance(container, list) else "}"
            if text.startswith(",", pos):
                pos = space(text, pos + 1).end()  # type: ignore[union-attr]
                if isinstance(container, dict):
                    keys[-1], pos = _key(text, pos)
                break
            if not text.startswith(closer, pos):
                raise json.JSONDecodeError("Expecting ',' delimiter", text, pos)
            pos += 1
            value = containers.pop()
            keys.pop()
