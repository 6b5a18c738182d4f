"""findmnt ``-P`` (pairs): ``TARGET="/" SOURCE="/dev/vda1" ...``, one mount a line.

Inside the quotes ``"``, ``\\``, backquote, ``$``, control characters and
non-ASCII bytes are ``\\xHH``, so a value never holds a raw quote. ``-y``
(and 2.37 by default) writes shell-safe names: MAJ_MIN, USE_PCT, FS_OPTIONS.
"""

from __future__ import annotations

import re

from mountscope.errors import InputWarning
from mountscope.model import Capture, Mount
from mountscope.parsers.columns import canonical, fields_of, mount_from_cells
from mountscope.parsers.findmnt_table import tree_prefix
from mountscope.text import decode_hex

NAME = "findmnt-pairs"

_PAIR = re.compile(r'([A-Za-z0-9_.:%-]+)=(?:"([^"]*)"|\(([^)]*)\))(?: |$)')
_LINE = re.compile(r'(?:[A-Za-z0-9_.:%-]+=(?:"[^"]*"|\([^)]*\))(?: |$))+$')


def looks_like(line: str) -> bool:
    return _LINE.match(line) is not None and ("TARGET=" in line or "SOURCE=" in line)


def parse(lines: list[str], first_line: int, origin: str) -> Capture:
    mounts: list[Mount] = []
    parents: list[int] = []
    stack: list[int] = []
    columns: list[str] = []
    has_tree = False
    warnings: list[InputWarning] = []
    for offset, line in enumerate(lines):
        lineno = first_line + offset
        if not line.strip():
            continue
        if not looks_like(line):
            warnings.append(InputWarning(origin, lineno, 'skipped: not findmnt -P output (KEY="value" ...)'))
            continue
        cells: dict[str, str | None] = {}
        for key, value, array in _PAIR.findall(line):
            name = canonical(key) or key.upper()
            if array:  # SOURCES=("a" "b")
                value = " ".join(re.findall(r'"([^"]*)"', array))
            cells[name] = decode_hex(value)
            if name not in columns:
                columns.append(name)
        depth = 0
        target = cells.get("TARGET")
        if target:
            prefix = tree_prefix(target)
            if prefix and prefix[0]:
                has_tree = True
                depth, art = prefix
                cells["TARGET"] = target[art:]
        mount = mount_from_cells(cells, lineno, line)
        if isinstance(mount, str):
            warnings.append(InputWarning(origin, lineno, f"skipped: {mount}"))
            continue
        depth = min(depth, len(stack))
        del stack[depth:]
        parents.append(stack[-1] if stack else -1)
        stack.append(len(mounts))
        mounts.append(mount)
    return Capture(
        mounts, NAME, origin, fields_of(columns), warnings=warnings,
        layout_parents=parents if has_tree else None,
        first_line=first_line, last_line=first_line + len(lines) - 1,
    )


def scan(lines: list[str], start: int) -> int:
    end = start
    while end < len(lines) and looks_like(lines[end]):
        end += 1
    return end - start
