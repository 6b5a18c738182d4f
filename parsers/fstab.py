"""/etc/fstab: what should be mounted, not what is (fstab(5)).

``spec file vfstype mntops [freq [passno]]``, separated by any run of spaces
or tabs, ``#`` comment lines, octal escapes (``\\040``) in the fields. It
looks like /proc/mounts, which is why it is told apart by what only an
fstab holds: ``UUID=``/``LABEL=`` sources, ``defaults``, swap lines, a
non-zero dump or pass, comments, tab or padded separators. Its entries are
listed flat, as ``findmnt --fstab`` does: an fstab has no mount tree.
"""

from __future__ import annotations

import re

from mountscope.errors import InputWarning
from mountscope.model import Mount, MountTable
from mountscope.text import decode_octal

NAME = "fstab"
FIELDS = frozenset({"target", "source", "fstype", "options"})
NOTE = (
    "an fstab: a list of what should be mounted at boot, not of what is mounted; "
    "entries are listed as written, without a mount tree"
)

_SPEC_TAGS = ("UUID=", "LABEL=", "PARTUUID=", "PARTLABEL=", "ID=")
_DIGITS = re.compile(r"\d+")


def _fields(line: str) -> list[str] | None:
    fields = line.split()
    if not 4 <= len(fields) <= 6 or fields[0].startswith("#"):
        return None
    # A device, a tag, a path, a server:/export or a name: never tree art (├─).
    if not (fields[0][0].isalnum() or fields[0][0] == "/"):
        return None
    if not (fields[1].startswith("/") or fields[1] in ("none", "swap")):
        return None
    if any(_DIGITS.fullmatch(f) is None for f in fields[4:]):
        return None
    return fields


def marked(line: str) -> bool:
    """Whether a line is an fstab entry that /proc/mounts could not hold."""
    fields = _fields(line)
    if fields is None:
        return False
    spec, file, vfstype, options = fields[:4]
    return (
        spec.startswith(_SPEC_TAGS)
        or vfstype == "swap"
        or file in ("none", "swap")
        or "defaults" in options.split(",")
        or any(f != "0" for f in fields[4:])
        or "\t" in line
        or "  " in line.strip()
    )


def looks_like(lines: list[str]) -> bool:
    """Whether a file's first lines are an fstab: comments and entries, one marked."""
    seen = 0
    any_marked = False
    for line in lines:
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if _fields(stripped) is None:
            return False
        any_marked = any_marked or marked(stripped)
        seen += 1
        if seen >= 50:
            break
    return seen > 0 and any_marked


def parse(lines: list[str], first_line: int, origin: str) -> MountTable:
    mounts: list[Mount] = []
    warnings = [InputWarning(origin, first_line, NOTE)]
    for offset, line in enumerate(lines):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        lineno = first_line + offset
        fields = _fields(stripped)
        if fields is None:
            warnings.append(
                InputWarning(
                    origin,
                    lineno,
                    "skipped: not an fstab entry (spec file vfstype options [freq [passno]])",
                )
            )
            continue
        spec, file, vfstype, options = (decode_octal(f) for f in fields[:4])
        # A missing freq or passno is 0 (fstab(5)), as findmnt -s prints it.
        extra = tuple(zip(("FREQ", "PASSNO"), [*fields[4:6], "0", "0"][:2], strict=True))
        mounts.append(
            Mount(
                target=file,
                source=spec,
                fstype=vfstype,
                options=options,
                line=lineno,
                raw_line=line,
                extra=extra,
            )
        )
    return MountTable(
        tuple(mounts),
        NAME,
        origin,
        FIELDS,
        warnings=tuple(warnings),
        layout_parents=(-1,) * len(mounts),
        first_line=first_line,
        last_line=first_line + len(lines) - 1,
    )


def scan(lines: list[str], start: int) -> int:
    """An fstab inside other text: from a marked entry, entries and comments."""
    if not marked(lines[start]):
        return 0
    end = start + 1
    while end < len(lines) and (
        lines[end].lstrip().startswith("#") or _fields(lines[end]) is not None
    ):
        end += 1
    return end - start
