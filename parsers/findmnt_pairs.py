"""findmnt ``-P`` (pairs): ``TARGET="/" SOURCE="/dev/vda1" ...``, one mount a line.

Inside the quotes ``"``, ``\\``, backquote, ``$``, control characters and
non-ASCII bytes are ``\\xHH``, so a value never holds a raw quote. ``-y``
(and 2.37 by default) writes shell-safe names: MAJ_MIN, USE_PCT, FS_OPTIONS.
"""

from __future__ import annotations

import re

from mountscope.errors import InputWarning
from mountscope.model import MountTable
from mountscope.model.columns import canonical
from mountscope.parsers.columns import TableRows
from mountscope.text import decode_hex

NAME = "findmnt-pairs"

_PAIR = re.compile(r'([A-Za-z0-9_.:%-]+)=(?:"([^"]*)"|\(([^)]*)\))(?: |$)')
_LINE = re.compile(r'(?:[A-Za-z0-9_.:%-]+=(?:"[^"]*"|\([^)]*\))(?: |$))+$')


def looks_like(line: str) -> bool:
    # Indented lines (pasted into a list, or under a heading) are still rows.
    line = line.lstrip(" \t")
    return _LINE.match(line) is not None and ("TARGET=" in line or "SOURCE=" in line)


# The start of a line cut short: a column name, maybe its "=" and value.
_FRAGMENT = re.compile(r"[A-Z][A-Z0-9_.:%-]*(?:=.*)?")


def fragment(line: str) -> bool:
    """Whether a line that is not one may be a damaged findmnt -P line."""
    return _FRAGMENT.fullmatch(line) is not None


def parse(lines: list[str], first_line: int, origin: str) -> MountTable:
    rows = TableRows(origin)
    columns: list[str] = []
    for offset, line in enumerate(lines):
        lineno = first_line + offset
        if not line.strip():
            continue
        if not looks_like(line):
            rows.warnings.append(
                InputWarning(origin, lineno, 'skipped: not findmnt -P output (KEY="value" ...)')
            )
            continue
        cells: dict[str, str | None] = {}
        for key, value, array in _PAIR.findall(line.lstrip(" \t")):
            name = canonical(key) or key.upper()
            if array:  # SOURCES=("a" "b")
                value = " ".join(re.findall(r'"([^"]*)"', array))
            cells[name] = decode_hex(value)
            if name not in columns:
                columns.append(name)
        rows.add(cells, lineno, line)
    return rows.capture(NAME, columns, first_line, len(lines))


def scan(lines: list[str], start: int) -> int:
    end = start
    while end < len(lines) and looks_like(lines[end]):
        end += 1
    return end - start
