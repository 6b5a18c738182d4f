"""mountscope's own snapshots (docs/snapshot.md).

A snapshot keeps the table text verbatim in its original format (mountinfo
for live captures) next to the parsed mounts, so loading re-parses the text:
what was saved is exactly what comes back, and a better parser later reads
the same bytes better.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

from mountscope.errors import ParseError
from mountscope.model import MountTable

NAME = "snapshot"
FORMAT_ID = "mountscope.snapshot"
VERSION = 1


def is_snapshot(document: Any) -> bool:
    return isinstance(document, dict) and document.get("format") == FORMAT_ID


def decode_table_text(table: dict[str, Any]) -> str | None:
    """The table's text: as written, or its bytes from base64 (paths not UTF-8)."""
    if isinstance(table.get("text"), str):
        return table["text"]
    if isinstance(table.get("text_base64"), str):
        try:
            return base64.b64decode(table["text_base64"], validate=True).decode("utf-8", "surrogateescape")
        except ValueError:
            return None
    return None


def from_document(document: dict[str, Any], origin: str,
                  parse_text: Callable[..., list[MountTable]]) -> MountTable:
    version = document.get("version")
    if version != VERSION:
        raise ParseError(origin, f"snapshot version {version!r} is not supported "
                         f"(this mountscope reads version {VERSION}); a newer mountscope may read it")
    table = document.get("table")
    if not isinstance(table, dict):
        table = {}
    text = decode_table_text(table)
    if text is None or not isinstance(table.get("format"), str) or table["format"] == NAME:
        raise ParseError(origin, 'a snapshot without a "table" holding its "format" and "text"')
    first_line = table.get("first_line", 1)
    captures = parse_text(text, origin, table["format"], first_line if isinstance(first_line, int) else 1)
    capture = captures[0]
    capture.format = NAME
    capture.raw_text = text
    metadata = document.get("metadata")
    capture.metadata = dict(metadata) if isinstance(metadata, dict) else {}
    capture.metadata["table_format"] = table["format"]
    for key in ("settled", "reads"):
        if key in table:
            capture.metadata[key] = table[key]
    if isinstance(document.get("title"), str):
        capture.title = document["title"]
    signals = document.get("signals")
    if isinstance(signals, dict):
        from mountscope.model.signals import Signals

        capture.signals = Signals.from_dict(signals)
    return capture
