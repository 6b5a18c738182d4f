"""JSON in and out: orjson for speed, the standard library where orjson refuses.

Mount paths may hold bytes that are not UTF-8 (kept as lone surrogates by
surrogateescape decoding). orjson rejects those; the fallback writes them back
as the original raw bytes, exactly as findmnt -J does, and reads them again.

Nesting is not limited: findmnt -J nests each mount inside its parent, so a
chain of 5 000 nested mounts is a 5 000-deep document, and a legitimate one.
orjson stops at depth 1024 and the standard library's decoder recurses (a
RecursionError past about 1 000); such documents are read by ``_loads_deep``,
which keeps its open containers on an explicit stack instead.
"""

from __future__ import annotations

import json
import re
from json.decoder import scanstring  # type: ignore[attr-defined]  # C-accelerated, not in the stubs
from typing import Any

import orjson

from mountscope.text import to_bytes


def dumps(value: Any, *, indent: bool = False) -> bytes:
    option = orjson.OPT_NON_STR_KEYS | (orjson.OPT_INDENT_2 if indent else 0)
    try:
        return orjson.dumps(value, option=option)
    except TypeError:
        text = json.dumps(value, ensure_ascii=False, indent=2 if indent else None,
                          separators=None if indent else (",", ":"))
        return to_bytes(text)


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
        if not deep and _SURROGATE.search(text) is None:
            raise
    if not deep:
        try:
            return json.loads(text)
        except RecursionError:
            pass
    return _loads_deep(text)


_SPACE = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"(-?(?:0|[1-9][0-9]*))(\.[0-9]+)?([eE][-+]?[0-9]+)?")
# The standard library's decoder also reads NaN and Infinity: so does this one.
_LITERALS = {"true": True, "false": False, "null": None,
             "NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf")}


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
                value = float(integer + (fraction or "") + (exponent or "")) if fraction or exponent else int(integer)
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
