"""/proc/mounts, /proc/PID/mounts and /etc/mtab: ``source target fstype options 0 0``.

No ids, no fsroot, no propagation: bind mounts cannot be told apart, and the
tree is rebuilt from the targets. Source and paths are octal-escaped. A line
that starts with a space has an empty source (libc and libmount misread it);
a raw "#" source (kernels before 6.0) is data, not a comment; old kernels
mark a target whose root was deleted with " (deleted)".
"""

from __future__ import annotations

import re

from mountscope.model import Mount
from mountscope.parsers.lines import line_table, scan_lines
from mountscope.text import decode_octal

NAME = "proc-mounts"
FIELDS = frozenset({"target", "source", "fstype", "options"})

_LINE = re.compile(r"(\S*) (/\S*|none|\S+) (\S+) (\S.*) (\d+) (\d+)$")
_DELETED = "\\040(deleted)"


def looks_like(line: str) -> bool:
    return _LINE.match(line) is not None and (line.startswith("/") or " /" in line)


# The start of a line cut short: a source, then a target that is a path.
_FRAGMENT = re.compile(r"\S*(?: (?:/\S*(?: .*)?)?)?")


def fragment(line: str) -> bool:
    """Whether a line that is not one may be a damaged /proc/mounts line."""
    return _FRAGMENT.fullmatch(line) is not None


def parse_line(line: str, lineno: int) -> tuple[Mount, str | None] | str:
    match = _LINE.match(line)
    if match is None:
        return "not a /proc/mounts line (source target fstype options 0 0)"
    source, target, fstype, options, _freq, _passno = match.groups()
    deleted = target.endswith(_DELETED)
    if deleted:
        target = target[: -len(_DELETED)]
    mount = Mount(
        target=decode_octal(target),
        source=decode_octal(source),
        fstype=decode_octal(fstype),
        options=decode_octal(options),
        line=lineno,
        raw_line=line,
        target_deleted=deleted,
    )
    if line.startswith("#"):
        return mount, (
            "source starts with '#': kept as data (kernels before 6.0 do not escape it; "
            "libc and findmnt drop such lines as comments)"
        )
    return mount, None


# The whole table: every line through parse_line, bad ones kept as warnings.
parse = line_table(NAME, FIELDS, parse_line)


def scan(lines: list[str], start: int) -> int:
    return scan_lines(lines, start, looks_like)
