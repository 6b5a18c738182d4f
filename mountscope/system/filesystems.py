"""What the live system says about a mounted filesystem beyond the mount
table: sizes from statvfs(2), and device tags (LABEL, UUID, PARTUUID,
PARTLABEL) from udev's /dev/disk/by-* links, the values findmnt's SIZE,
USED, AVAIL, USE%, INO.*, LABEL, UUID, PARTUUID, PARTLABEL and TID columns show.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from functools import cache

from mountscope.model import Mount
from mountscope.model.columns import ColumnInfo, Fill
from mountscope.record import replace

_TAG_FOLDERS = {
    "LABEL": "/dev/disk/by-label",
    "UUID": "/dev/disk/by-uuid",
    "PARTUUID": "/dev/disk/by-partuuid",
    "PARTLABEL": "/dev/disk/by-partlabel",
}
_HEX = re.compile(r"\\x([0-9a-fA-F]{2})")


def human_size(size: int) -> str:
    """util-linux's size_to_human_string with one-letter suffixes: powers of
    1024, one decimal rounded half up, a trailing zero dropped ("252G", "11.8G")."""
    exp = 0
    for shift in range(10, 70, 10):
        if size < 1 << shift:
            exp = shift - 10
            break
    else:
        exp = 60
    letter = "BKMGTPE"[exp // 10]
    whole, frac = (size >> exp, size % (1 << exp)) if exp else (size, 0)
    if frac:
        frac = (frac * 1000) >> exp
        frac = ((frac + 50) // 100) * 10
        if frac == 100:
            whole, frac = whole + 1, 0
    if frac:
        return f"{whole}.{frac // 10}{letter}"
    return f"{whole}{letter}"


def _usage(path: str, name: str, in_bytes: bool) -> str | None:
    try:
        st = os.statvfs(path)
    except OSError:
        return None
    if name in ("USE%", "INO.USE%"):
        total, free = (st.f_blocks, st.f_bfree) if name == "USE%" else (st.f_files, st.f_ffree)
        if total == 0:
            return "-"
        return f"{(total - free) / total * 100:.0f}%"
    value = {
        "SIZE": st.f_frsize * st.f_blocks,
        "AVAIL": st.f_frsize * st.f_bavail,
        "USED": st.f_frsize * (st.f_blocks - st.f_bfree),
        "INO.AVAIL": st.f_ffree,
        "INO.TOTAL": st.f_files,
        "INO.USED": st.f_files - st.f_ffree,
    }[name]
    if value == 0:
        return "0"
    if in_bytes or name.startswith("INO."):
        return str(value)
    return human_size(value)


@cache
def _tags(kind: str) -> dict[str, str]:
    """Device path -> tag value, from one /dev/disk/by-* folder."""
    folder = _TAG_FOLDERS[kind]
    found: dict[str, str] = {}
    try:
        names = os.listdir(folder)
    except OSError:
        return found
    for name in names:
        device = os.path.realpath(os.path.join(folder, name))
        value = _HEX.sub(lambda m: chr(int(m.group(1), 16)), name)
        found.setdefault(device, value)
    return found


def fill(
    mounts: Sequence[Mount],
    columns: Iterable[ColumnInfo],
    *,
    in_bytes: bool = False,
    pid: int | str = "self",
) -> list[Mount]:
    """The mounts with the live-only columns asked for filled in (Mount.extra):
    statvfs of each mount point (seen from process ``pid``'s root) and the
    tags of its device. Mounts a value cannot be read for keep an empty cell."""
    wanted = [c for c in columns if c.fill in (Fill.STATVFS, Fill.DEVICE) or c.name == "TID"]
    if not wanted:
        return list(mounts)
    root = "" if pid == "self" else f"/proc/{pid}/root"
    tid = str(os.getpid() if pid == "self" else pid)
    filled = []
    for mount in mounts:
        extra = dict(mount.extra)
        for column in wanted:
            value: str | None
            if column.name == "TID":
                value = tid
            elif column.fill is Fill.STATVFS:
                value = _usage(root + mount.target, column.name, in_bytes)
            else:
                device = os.path.realpath(mount.source) if mount.source.startswith("/") else ""
                value = _tags(column.name).get(device) if device else None
            if value is not None:
                extra[column.name] = value
        filled.append(replace(mount, extra=tuple(extra.items())))
    return filled
