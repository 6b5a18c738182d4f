"""The output of ``mount`` with no arguments: util-linux and BusyBox.

``SOURCE on TARGET type FSTYPE (OPTIONS)`` plus `` [LABEL]`` with ``mount -l``.
util-linux prints values raw (options may hold spaces) but replaces control
characters in the target with "?", which cannot be undone; BusyBox on musl
before 1.2.5 prints the kernel's octal escapes, which are decoded here. The
line is anchored at its end: the options run to the last ")" before the
optional label, the type at the last " type X (" before them, and the head
is split at the first " on /".
"""

from __future__ import annotations

import re

from mountscope.errors import InputWarning
from mountscope.model import Mount, MountTable
from mountscope.parsers.lines import line_table, scan_lines
from mountscope.record import replace
from mountscope.text import decode_octal

NAME = "mount"
FIELDS = frozenset({"target", "source", "fstype", "options"})

_FSTYPE = re.compile(r"(\S+) \(")


def _split_tail(line: str) -> tuple[str, str, str, str | None] | None:
    """(head, fstype, options, label) of ``... type FSTYPE (OPTIONS)[ [LABEL]]``.

    Read from the end, without a backtracking regex (a line of repeated
    " type a (" made one quadratic): the options run to the last ")", and
    the last " type X (" before them starts the tail, so that a target
    holding " type ext4 (rw) " cannot pass for the type and options.
    """
    label = None
    rest = line
    if rest.endswith("]"):
        at = rest.rfind(" [")
        if at >= 0 and rest[:at].endswith(")"):
            rest, label = rest[:at], rest[at + 2 : -1]
    if not rest.endswith(")"):
        return None
    at = rest.rfind(" type ")
    while at >= 0:
        match = _FSTYPE.match(rest, at + 6)
        if match is not None and match.end() <= len(rest) - 1:
            return rest[:at], match.group(1), rest[match.end() : -1], label
        at = rest.rfind(" type ", 0, at)
    return None


def looks_like(line: str) -> bool:
    return " on " in line and _split_tail(line) is not None


# The start of a line cut short: "SOURCE o", or anything up to " on /TARGET ...".
_FRAGMENT = re.compile(r"\S+(?: (?:on? ?)?)?|(?:.* )?on /.*")


def fragment(line: str) -> bool:
    """Whether a line that is not one may be a damaged mount(8) line."""
    return _FRAGMENT.fullmatch(line) is not None


# A line whose author cut the rest: "devtmpfs on /dev ..." or
# "proc on /proc type proc …" (source and target are single words here).
_ELIDED = re.compile(r"(\S+) on (/\S*)(?: type (\S+))?(?: \(\S*)? ?(?:\.\.\.|…)")


def _elided(line: str, lineno: int) -> tuple[Mount, str] | None:
    match = _ELIDED.fullmatch(line)
    if match is None:
        return None
    source, target, fstype = match.groups()
    unknown = ("fstype", "options") if fstype is None else ("options",)
    mount = Mount(
        target=decode_octal(target),
        source=decode_octal(source),
        fstype=decode_octal(fstype or ""),
        line=lineno,
        raw_line=line,
        truncated=unknown,
    )
    return mount, f"the line is cut short ('...'): {' and '.join(unknown)} unknown"


def parse_line(line: str, lineno: int) -> tuple[Mount, str | None] | str:
    """A Mount and a warning (or None), or the reason the line is not mount output."""
    tail = _split_tail(line)
    if tail is None or " on " not in tail[0] + " ":
        elided = _elided(line, lineno)
        if elided is not None:
            return elided
        return "not mount output (SOURCE on TARGET type FSTYPE (OPTIONS))"
    head, fstype, options, label = tail
    if head.startswith("on /"):
        source, target = "", head[3:]
    elif head.startswith(" on "):
        source, target = "", head[4:]
    else:
        at = head.find(" on /")
        if at < 0:
            at = head.find(" on ")
        source, target = head[:at], head[at + 4 :]
    warning = None
    if not target.startswith("/") and options == "0":
        # libc's misreading of a /proc/mounts line with an empty source:
        # "/mnt/empty on tmpfs type rw,relatime (0)".
        source, target, fstype, options = "", source, target, fstype
        warning = "repaired a misread empty-source line (BusyBox/libc getmntent)"
    mount = Mount(
        target=decode_octal(target),
        source=decode_octal(source),
        fstype=decode_octal(fstype),
        options=decode_octal(options),
        line=lineno,
        raw_line=line,
        extra=(("LABEL", label),) if label else (),
        # mount(8) prints "?" for characters it will not show.
        lossy=("target",) if "?" in target else (),
    )
    if "?" in target:
        mount = replace(mount, lossy=("target",))
        warning = "'?' in the target may stand for a control character (mount(8) replaces them)"
    return mount, warning


# The whole table: every line through parse_line, bad ones kept as warnings.
_parse_lines = line_table(NAME, FIELDS, parse_line)

# Where a console cell may end: a closing ")" or "]" and the padding after it.
_CELL_END = re.compile(r"(?<=[)\]]) {2,}(?=\S)")


def _cell_starts(line: str) -> list[int]:
    return [m.end() for m in _CELL_END.finditer(line)]


def console_cells(line: str) -> list[str] | None:
    """The mount lines of a console paste that joined them into one, or None.

    A Windows console copies each line padded with spaces to its width; a
    paste that loses the line breaks leaves one line with every mount line
    starting at a multiple of that width. Split only when there are three
    cells or more, every break falls on such a multiple and every cell reads
    as a whole mount line, so a
    target that holds " type X (...)" and spaces keeps its last-type split.
    """
    if "  " not in line:
        return None
    starts = _cell_starts(line)
    # Two cells or more after the first: one break alone could be a target's spaces.
    if len(starts) < 2 or starts[0] < 40 or any(s % starts[0] for s in starts):
        return None
    bounds = [0, *starts, len(line)]
    cells = [line[a:b].rstrip() for a, b in zip(bounds, bounds[1:], strict=False)]
    for cell in cells:
        tail = _split_tail(cell)
        if tail is None or " on " not in tail[0] + " ":
            return None
    return cells


def parse(lines: list[str], first_line: int, origin: str) -> MountTable:
    """The table; a line that a console paste joined from several is read as
    those lines, each keeping the joined line's number."""
    table = _parse_lines(lines, first_line, origin)
    joined: dict[int, tuple[list[str], int]] = {}
    for offset, line in enumerate(lines):
        cells = console_cells(line)
        if cells is not None:
            joined[first_line + offset] = (cells, _cell_starts(line)[0])
    if not joined:
        return table
    mounts: list[Mount] = []
    warnings = list(table.warnings)
    for mount in table.mounts:
        if mount.line not in joined:
            mounts.append(mount)
            continue
        cells, width = joined[mount.line]
        for cell in cells:
            result = parse_line(cell, mount.line)
            if not isinstance(result, str):
                mounts.append(result[0])
        warnings.append(
            InputWarning(
                origin,
                mount.line,
                f"{len(cells)} mount lines joined into one, each padded to {width} columns "
                "(a console paste): read as separate lines",
            )
        )
    return replace(table, mounts=tuple(mounts), warnings=tuple(warnings))


def scan(lines: list[str], start: int) -> int:
    return scan_lines(lines, start, looks_like)
