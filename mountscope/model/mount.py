"""One mount as a mount table states it, and what findmnt derives from it
(SOURCE[fsroot], the merged OPTIONS, PROPAGATION)."""

from __future__ import annotations

import re
from functools import lru_cache

from mountscope.model.kinds import SourceKind, source_kind
from mountscope.record import record

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any


@record(frozen=True, slots=True)
class Mount:
    target: str
    source: str = ""
    fstype: str = ""
    # findmnt's OPTIONS: per-mount and super options merged the way libmount does.
    options: str = ""
    vfs_options: str | None = None
    fs_options: str | None = None
    # Root of the mount inside its filesystem; "//deleted" kept as the kernel wrote it.
    fsroot: str | None = None
    mount_id: int | None = None
    parent_id: int | None = None
    devno: str | None = None
    # mountinfo's optional fields as written ("shared:1 master:5"), when known.
    optional_fields: str | None = None
    # findmnt's PROPAGATION text, when that is all the input had.
    propagation_text: str | None = None
    line: int = 0
    # The input line(s) the mount was read from ("" when there were none),
    # as ``raw`` gives them; None when the line is the mountinfo line of the
    # fields above exactly as they are written (mountinfo_line): most lines
    # of a mountinfo file, which are then kept once, in the fields, rather
    # than a second time whole (18 MB at 50 000 mounts). A copy made with
    # other fields (record.replace) then gives the line of its own.
    raw_line: str | None = ""
    # Fields the input shows incompletely: cut by a terminal ("truncated"),
    # or with characters replaced irreversibly ("lossy", e.g. mount(8)'s "?").
    truncated: tuple[str, ...] = ()
    lossy: tuple[str, ...] = ()
    target_deleted: bool = False
    # Columns the model has no field for (LABEL, UUID, SIZE...), kept as
    # (name, text) pairs: a tuple, so that a mount cannot change once read.
    extra: tuple[tuple[str, str], ...] = ()

    @property
    def raw(self) -> str:
        """The input line(s) the mount was read from ("" when there were none)."""
        return self.raw_line if self.raw_line is not None else mountinfo_line(self)

    @property
    def display_source(self) -> str:
        """SOURCE as findmnt prints it: ``source[fsroot]`` when the root is not /."""
        root = self.fsroot
        return self.source if root is None or root == "/" else f"{self.source}[{root}]"

    @property
    def is_bind(self) -> bool:
        """The mount shows a subdirectory of its filesystem (findmnt's bracket)."""
        return self.fsroot is not None and self.fsroot != "/"

    @property
    def fsroot_deleted(self) -> bool:
        return self.fsroot is not None and self.fsroot.endswith("//deleted")

    @property
    def propagation(self) -> str | None:
        if self.propagation_text is not None:
            return self.propagation_text
        if self.optional_fields is None:
            return None
        return propagation_of(self.optional_fields)

    @property
    def kind(self) -> SourceKind:
        return source_kind(self.source, self.fstype)

    def to_dict(self) -> dict[str, Any]:
        """The mount as plain data, for JSON output and snapshots."""
        return {
            "line": self.line,
            "id": self.mount_id,
            "parent": self.parent_id,
            "maj:min": self.devno,
            "fsroot": self.fsroot,
            "target": self.target,
            "source": self.source,
            "display_source": self.display_source,
            "fstype": self.fstype,
            "options": self.options,
            "vfs_options": self.vfs_options,
            "fs_options": self.fs_options,
            "optional_fields": self.optional_fields,
            "propagation": self.propagation,
            "kind": self.kind,
            "bind": self.is_bind,
            "truncated": list(self.truncated),
            "lossy": list(self.lossy),
        }


# Each field's slot descriptor: mountinfo_mount() stores into them directly.
# Taken by name, so that reordering the fields cannot cross them; a field
# added to Mount and not here fails below, at import.
_STORE = {name: Mount.__dict__[name].__set__ for name in Mount.__slots__}  # type: ignore[attr-defined]
_NAMES = (
    "target",
    "source",
    "fstype",
    "options",
    "vfs_options",
    "fs_options",
    "fsroot",
    "mount_id",
    "parent_id",
    "devno",
    "optional_fields",
    "propagation_text",
    "line",
    "raw_line",
    "truncated",
    "lossy",
    "target_deleted",
    "extra",
)
assert sorted(_NAMES) == sorted(_STORE), "mountinfo_mount() must store every field of Mount"
(
    _target,
    _source,
    _fstype,
    _options,
    _vfs_options,
    _fs_options,
    _fsroot,
    _mount_id,
    _parent_id,
    _devno,
    _optional_fields,
    _propagation_text,
    _line,
    _raw_line,
    _truncated,
    _lossy,
    _target_deleted,
    _extra,
) = (_STORE[name] for name in _NAMES)
_new = object.__new__


def mountinfo_mount(
    target: str,
    source: str,
    fstype: str,
    options: str,
    vfs_options: str | None,
    fs_options: str | None,
    fsroot: str | None,
    mount_id: int | None,
    parent_id: int | None,
    devno: str | None,
    optional_fields: str | None,
    line: int,
    raw_line: str | None,
) -> Mount:
    """The Mount of a mountinfo line: equal to ``Mount(...)`` of the same
    fields and the others at their defaults (tested), built by storing each
    slot through its descriptor. A frozen record's __init__ stores every
    field through object.__setattr__, about half the cost of reading a line
    at 50 000 lines; this takes half as many instructions."""
    mount = _new(Mount)
    _target(mount, target)
    _source(mount, source)
    _fstype(mount, fstype)
    _options(mount, options)
    _vfs_options(mount, vfs_options)
    _fs_options(mount, fs_options)
    _fsroot(mount, fsroot)
    _mount_id(mount, mount_id)
    _parent_id(mount, parent_id)
    _devno(mount, devno)
    _optional_fields(mount, optional_fields)
    _propagation_text(mount, None)
    _line(mount, line)
    _raw_line(mount, raw_line)
    _truncated(mount, ())
    _lossy(mount, ())
    _target_deleted(mount, False)
    _extra(mount, ())
    return mount  # type: ignore[no-any-return]


def on_line(mount: Mount, line: int) -> Mount:
    """A mount read from a mountinfo line (as mountinfo_mount() makes them),
    as read from the same text at line ``line``."""
    if mount.line == line:
        return mount
    return mountinfo_mount(
        mount.target,
        mount.source,
        mount.fstype,
        mount.options,
        mount.vfs_options,
        mount.fs_options,
        mount.fsroot,
        mount.mount_id,
        mount.parent_id,
        mount.devno,
        mount.optional_fields,
        line,
        mount.raw_line,
    )


def mountinfo_line(mount: Mount) -> str:
    """The mountinfo line of a mount's fields exactly as they are written
    (no escaping): its ``raw`` when the parser found the line to be that."""
    optional = f" {mount.optional_fields}" if mount.optional_fields else ""
    return (
        f"{mount.mount_id} {mount.parent_id} {mount.devno} {mount.fsroot} {mount.target} "
        f"{mount.vfs_options}{optional} - {mount.fstype} {mount.source} {mount.fs_options}"
    )


# The bracketed part is a root only when it looks like one: a path, or an
# nsfs-style "net:[4026532178]". Sources such as "[fe80::1]:/export" exist.
_NSFS_TAIL = re.compile(r"\[\w+:\[\d+\]\n?\]\Z")


def split_display_source(text: str) -> tuple[str, str | None]:
    """Split findmnt's ``SOURCE[fsroot]`` back into source and fsroot.

    Returns fsroot None when there is no bracket, which in findmnt output
    means the root is / (or the format does not say).
    """
    if not text.endswith("]"):
        return text, None
    # The first "[" that opens a root-like tail, found without slicing the
    # text at every "[" (a source of a million "[" made that quadratic).
    starts = [text.find("[/")]
    nsfs = _NSFS_TAIL.search(text)
    if nsfs is not None:
        starts.append(nsfs.start())
    start = min((s for s in starts if s >= 0), default=-1)
    if start < 0:
        return text, None
    return text[:start], text[start + 1 : -1]


# --- options ---------------------------------------------------------------


def split_options(options: str) -> list[str]:
    """Split an option string on commas, except inside double quotes (libmount's rule)."""
    if '"' not in options:
        return [item for item in options.split(",") if item]
    items: list[str] = []
    current: list[str] = []
    quoted = False
    for char in options:
        if char == '"':
            quoted = not quoted
        if char == "," and not quoted:
            if current:
                items.append("".join(current))
            current = []
        else:
            current.append(char)
    if current:
        items.append("".join(current))
    return items


def _remove_first(items: list[str], name: str) -> bool:
    """Remove the first option called ``name`` (libmount's mnt_optstr_remove_option)."""
    prefix = name + "="
    for i, item in enumerate(items):
        if item == name or item.startswith(prefix):
            del items[i]
            return True
    return False


@lru_cache(maxsize=65536)
def merge_options(vfs: str | None, fs: str | None) -> str:
    """findmnt's OPTIONS column: libmount's merge_optstr() of the two strings.

    Identical strings are kept as they are. Otherwise both are joined, up to two
    "rw" are removed (and "ro" when not both sides were rw), and a single
    "rw" or "ro" is put in front.
    """
    if vfs is None or fs is None:
        return fs if fs is not None else (vfs or "")
    if vfs == fs:
        return vfs
    items = split_options(f"{vfs},{fs}")
    rw = _remove_first(items, "rw") + _remove_first(items, "rw")
    ro = 0
    if rw != 2:
        ro = int(_remove_first(items, "ro"))
        if ro + rw < 2:
            ro += _remove_first(items, "ro")
    head = "ro" if ro else "rw"
    return ",".join([head, *items])


# Cached: a table holds few distinct optional fields, and PROPAGATION is read
# for every mount by each output and by the diff.
@lru_cache(maxsize=4096)
def propagation_of(optional_fields: str) -> str:
    """findmnt's PROPAGATION column from mountinfo's optional fields."""
    tags = optional_fields.split()
    names = {tag.split(":", 1)[0] for tag in tags}
    words = ["shared" if "shared" in names else "private"]
    if "master" in names:
        words.append("slave")
    if "unbindable" in names:
        words.append("unbindable")
    return ",".join(words)
