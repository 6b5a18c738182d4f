"""The output of ``mount`` with no arguments: util-linux and BusyBox.

``SOURCE on TARGET type FSTYPE (OPTIONS)`` plus `` [LABEL]`` with ``mount -l``.
util-linux prints values raw (options may hold spaces) but replaces control
characters in the target with "?", which cannot be undone; BusyBox on musl
before 1.2.5 prints the kernel's octal escapes, which are decoded here. The
line is anchored at its end: the options run to the last ")" before the
optional label, and the head is split at the first " on /".
"""

from __future__ import annotations

import re

from mountscope.errors import InputWarning
from mountscope.model import Capture, Mount
from mountscope.text import decode_octal

NAME = "mount"
FIELDS = frozenset({"target", "source", "fstype", "options"})

_TAIL = re.compile(r" type (\S+) \((.*)\)(?: \[([^\]]*)\])?$")


def looks_like(line: str) -> bool:
    return " on " in line and _TAIL.search(line) is not None


def parse_line(line: str, lineno: int) -> tuple[Mount, str | None] | str:
    """A Mount and a warning (or None), or the reason the line is not mount output."""
    tail = _TAIL.search(line)
    if tail is None or " on " not in line[: tail.start() + 1]:
        return "not mount output (SOURCE on TARGET type FSTYPE (OPTIONS))"
    head = line[: tail.start()]
    fstype, options, label = tail.groups()
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
        raw=line,
        extra={"LABEL": label} if label else None,
    )
    if "?" in target:
        mount.lossy = ("target",)
        warning = "'?' in the target may stand for a control character (mount(8) replaces them)"
    return mount, warning


def parse(lines: list[str], first_line: int, origin: str) -> Capture:
    mounts: list[Mount] = []
    warnings: list[InputWarning] = []
    for offset, line in enumerate(lines):
        lineno = first_line + offset
        if not line.strip():
            continue
        result = parse_line(line, lineno)
        if isinstance(result, str):
            warnings.append(InputWarning(origin, lineno, f"skipped: {result}"))
            continue
        mount, warning = result
        if warning:
            warnings.append(InputWarning(origin, lineno, warning))
        mounts.append(mount)
    return Capture(mounts, NAME, origin, FIELDS, warnings=warnings,
                   first_line=first_line, last_line=first_line + len(lines) - 1)


def scan(lines: list[str], start: int) -> int:
    end = start
    while end < len(lines) and looks_like(lines[end]):
        end += 1
    return end - start
