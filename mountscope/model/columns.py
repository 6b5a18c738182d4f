"""findmnt's columns: one row per column says everything about it.

Modelled on util-linux findmnt.c's ``infos[]``: the header, the help text,
the width hint, how cells align and whether findmnt may cut them, the JSON
type, and where the value comes from. The parsers read headers with it, the
renderers draw with it and the command line lists it; nothing else keeps a
list of columns.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from operator import attrgetter

from mountscope.model.mount import Mount
from mountscope.record import record


class JsonType(str, Enum):
    STRING = "string"
    NUMBER = "number"
    # A size: a number with -b/--bytes, else a human string ("252G").
    SIZE = "size"
    # One string per line of the cell (SOURCES).
    ARRAY = "array"


class Fill(str, Enum):
    """Where a column's value comes from."""

    MODEL = "model"  # a field of the mount
    STATVFS = "statvfs"  # statvfs(2) on the mount point, live only
    DEVICE = "device"  # the block device's tags (blkid/udev), live only
    POLL = "poll"  # only while watching (ACTION, OLD-TARGET, OLD-OPTIONS)
    INPUT = "input"  # only what the input carried (a findmnt capture, fstab)


@record(frozen=True, slots=True)
class ColumnInfo:
    name: str
    # findmnt's width hint: a number of cells, or below 1 a share of the terminal.
    whint: float
    help: str
    fill: Fill = Fill.INPUT
    right: bool = False
    # findmnt cuts the cells at the column width on a terminal, without an ellipsis.
    trunc: bool = False
    # The tree is drawn in this column.
    tree: bool = False
    json: JsonType = JsonType.STRING
    # The value from the model (None: from what the input carried, Mount.extra).
    get: Callable[[Mount], str | int | None] | None = None
    # Model fields the column carries; a table without the first cannot show it.
    fields: tuple[str, ...] = ()
    # mountscope's own column (not findmnt's; never in --output-all).
    own: bool = False

    @property
    def needs(self) -> str | None:
        return self.fields[0] if self.fields else None

    def value(self, mount: Mount) -> str | int | None:
        if self.get is not None:
            return self.get(mount)
        for name, text in mount.extra:  # a handful of pairs at most
            if name == self.name:
                return text
        return None


def _rows() -> tuple[ColumnInfo, ...]:
    C, M, S, D, P = ColumnInfo, Fill.MODEL, Fill.STATVFS, Fill.DEVICE, Fill.POLL
    num, size = JsonType.NUMBER, JsonType.SIZE
    # attrgetter: read in C, which counts on 50 000 rows.
    return (
        C("ACTION", 10, "action detected by --poll", P),
        C("AVAIL", 5, "filesystem size available", S, right=True, json=size),
        C("FREQ", 1, "dump(8) period in days [fstab only]", right=True, json=num),
        C("FSROOT", 0.25, "filesystem root", M, get=attrgetter("fsroot"), fields=("fsroot",)),
        C("FSTYPE", 0.10, "filesystem type", M, trunc=True, get=attrgetter("fstype"),
          fields=("fstype",)),
        C("FS-OPTIONS", 0.10, "FS specific mount options", M, trunc=True,
          get=attrgetter("fs_options"), fields=("fs_options",)),
        C("ID", 2, "mount ID", M, right=True, json=num, get=attrgetter("mount_id"),
          fields=("mount_id",)),
        C("INO.AVAIL", 5, "number of available inodes", S, right=True),
        C("INO.TOTAL", 5, "total number of inodes", S, right=True),
        C("INO.USED", 5, "number of used inodes", S, right=True),
        C("INO.USE%", 3, "percentage of INO.USED divided by INO.TOTAL", S, right=True),
        C("LABEL", 0.10, "filesystem label", D),
        C("MAJ:MIN", 6, "major:minor device number", M, get=attrgetter("devno"),
          fields=("devno",)),
        C("OLD-OPTIONS", 0.10, "old mount options saved by --poll", P, trunc=True),
        C("OLD-TARGET", 0.30, "old mountpoint saved by --poll", P),
        C("OPTIONS", 0.10, "all mount options", M, trunc=True, get=attrgetter("options"),
          fields=("options",)),
        C("OPT-FIELDS", 0.10, "optional mount fields", M, trunc=True,
          get=attrgetter("optional_fields"), fields=("optional_fields", "propagation")),
        C("PARENT", 2, "mount parent ID", M, right=True, json=num, get=attrgetter("parent_id"),
          fields=("parent_id",)),
        C("PARTLABEL", 0.10, "partition label", D),
        C("PARTUUID", 36, "partition UUID", D),
        C("PASSNO", 1, "pass number on parallel fsck(8) [fstab only]", right=True, json=num),
        C("PROPAGATION", 0.10, "VFS propagation flags", M, get=attrgetter("propagation"),
          fields=("propagation",)),
        C("SIZE", 5, "filesystem size", S, right=True, json=size),
        C("SOURCE", 0.25, "source device", M, get=attrgetter("display_source"),
          fields=("source", "fsroot")),
        C("SOURCES", 0.25, "all possible source devices", M, json=JsonType.ARRAY,
          get=attrgetter("display_source"), fields=("source",)),
        C("TARGET", 0.30, "mountpoint", M, tree=True, get=attrgetter("target"),
          fields=("target",)),
        C("TID", 4, "task ID", right=True, json=num),
        C("UNIQ-ID", 10, "mount 64-bit ID", right=True, json=num),
        C("USED", 5, "filesystem size used", S, right=True, json=size),
        C("USE%", 3, "filesystem use percentage", S, right=True),
        C("UUID", 36, "filesystem UUID", D),
        C("VFS-OPTIONS", 0.20, "VFS specific mount options", M, trunc=True,
          get=attrgetter("vfs_options"), fields=("vfs_options", "options")),
        # mountscope's own: what kind of source this is (loop, virtio, ...).
        C("KIND", 0.10, "the kind of source (mountscope's own)", M, get=attrgetter("kind"),
          fields=("source",), own=True),
    )  # fmt: skip


COLUMNS: dict[str, ColumnInfo] = {c.name: c for c in _rows()}
DEFAULT_COLUMNS = ("TARGET", "SOURCE", "FSTYPE", "OPTIONS")
DF_COLUMNS = ("SOURCE", "FSTYPE", "SIZE", "USED", "AVAIL", "USE%", "TARGET")
# --output-all: every column of findmnt's but those only --poll fills.
ALL_COLUMNS = tuple(n for n, c in COLUMNS.items() if c.fill is not Fill.POLL and not c.own)

# -y/--shell names (and findmnt 2.37's renaming of -P keys) back to column names.
_SHELL_NAMES = {
    name.replace("%", "_PCT").replace("-", "_").replace(":", "_").replace(".", "_"): name
    for name in COLUMNS
}


def shell_name(name: str) -> str:
    """A column name as a shell variable name (findmnt -y)."""
    return name.replace("%", "_PCT").replace("-", "_").replace(":", "_").replace(".", "_")


def canonical(name: str) -> str | None:
    """A column name as findmnt spells it, or None if it is not one."""
    upper = name.upper()
    found = upper if upper in COLUMNS else _SHELL_NAMES.get(upper)
    return None if found is None or COLUMNS[found].own else found


def fields_of(columns: list[str]) -> frozenset[str]:
    """The model fields a table with these columns carries."""
    found: set[str] = set()
    for column in columns:
        if carries(column):
            found.update(COLUMNS[column].fields)
    if "vfs_options" in found and "fs_options" in found:
        found.add("options")
    return frozenset(found)


def carries(name: str) -> bool:
    """Whether a parsed column maps onto a model field (else it is kept as text)."""
    info = COLUMNS.get(name)
    return info is not None and info.fill is Fill.MODEL and not info.own and name != "SOURCES"
