"""JSON in and out: orjson for speed, the standard library where orjson refuses.

Mount paths may hold bytes that are not UTF-8 (kept as lone surrogates by
surrogateescape decoding). orjson rejects those; the fallback writes them back
as the original raw bytes, exactly as findmnt -J does, and reads them again.
"""

from __future__ import annotations

import json
import re
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
    except orjson.JSONDecodeError:
        if isinstance(text, bytes):
            text = text.decode("utf-8", "surrogateescape")
        if _SURROGATE.search(text) is None:
            raise
        return json.loads(text)
