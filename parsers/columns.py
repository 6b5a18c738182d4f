"""findmnt's columns and how each one maps onto the mount model.

Shared by the human, raw (-r), pairs (-P) and JSON (-J) parsers, which differ
only in how they cut a line into cells.
"""

from __future__ import annotations

from mountscope.errors import InputWarning
from mountscope.model import Mount, MountTable, merge_options, split_display_source

# findmnt.c's column catalogue (util-linux 2.43).
KNOWN = frozenset(
    """ACTION AVAIL FREQ FSROOT FSTYPE FS-OPTIONS ID INO.AVAIL INO.TOTAL INO.USE% INO.USED
    LABEL MAJ:MIN OLD-OPTIONS OLD-TARGET OPTIONS OPT-FIELDS PARENT PARTLABEL PARTUUID
    PASSNO PROPAGATION SIZE SOURCE SOURCES TARGET TID UNIQ-ID USE% USED UUID
    VFS-OPTIONS""".split()
)
# Right-aligned columns: only the end of their header is where their cells end.
RIGHT_ALIGNED = frozenset(
    """ID PARENT FREQ PASSNO TID SIZE USED AVAIL USE% INO.TOTAL INO.USED INO.AVAIL
    INO.USE% UNIQ-ID""".split()
)
# Columns findmnt cuts at the column width, with no ellipsis, on a terminal.
TRUNCATABLE = frozenset("FSTYPE OPTIONS FS-OPTIONS VFS-OPTIONS OPT-FIELDS OLD-OPTIONS".split())

# -y/--shell names (and 2.37's automatic renaming) back to column names.
_SHELL_NAMES = {
    name.replace("%", "_PCT").replace("-", "_").replace(":", "_").replace(".", "_"): name
    for name in KNOWN
}

# Model fields each column carries.
FIELDS_OF = {
    "TARGET": ("target",),
    "SOURCE": ("source", "fsroot"),
    "FSTYPE": ("fstype",),
    "OPTIONS": ("options",),
    "VFS-OPTIONS": ("vfs_options", "options"),
    "FS-OPTIONS": ("fs_options",),
    "FSROOT": ("fsroot",),
    "ID": ("mount_id",),
    "PARENT": ("parent_id",),
    "MAJ:MIN": ("devno",),
    "PROPAGATION": ("propagation",),
    "OPT-FIELDS": ("optional_fields", "propagation"),
}


def canonical(name: str) -> str | None:
    """A column name as findmnt spells it, or None if it is not one."""
    upper = name.upper()
    if upper in KNOWN:
        return upper
    return _SHELL_NAMES.get(upper)


def fields_of(columns: list[str]) -> frozenset[str]:
    found: set[str] = set()
    for column in columns:
        found.update(FIELDS_OF.get(column, ()))
    if "vfs_options" in found and "fs_options" in found:
        found.add("options")
    return frozenset(found)


def _number(value: str) -> int | None:
    value = value.strip()
    return int(value) if value else None


def mount_from_cells(
    cells: dict[str, str | None], line: int, raw: str, truncated: tuple[str, ...] = ()
) -> Mount | str:
    """A Mount from decoded cells keyed by column name, or why not."""
    cell = cells.get
    target = cell("TARGET") or ""
    shown = cell("SOURCE") or ""
    fsroot = cell("FSROOT")
    if fsroot:
        # findmnt shows SOURCE[FSROOT] when the root is not /: with the root
        # in its own column, only that exact suffix comes off, and any other
        # bracket belongs to the source (a tmpfs may be named "s[/a]").
        suffix = f"[{fsroot}]"
        source = shown[: -len(suffix)] if fsroot != "/" and shown.endswith(suffix) else shown
    else:
        source, fsroot = split_display_source(shown)
        if "SOURCE" in cells and fsroot is None:
            # findmnt prints the bracket whenever the root is not /.
            fsroot = "/"
    vfs = cell("VFS-OPTIONS")
    fs = cell("FS-OPTIONS")
    options = cell("OPTIONS")
    if options is None:
        options = (
            merge_options(vfs, fs) if (vfs is not None and fs is not None) else (vfs or fs or "")
        )
    try:
        mount_id = _number(cell("ID") or "")
        parent_id = _number(cell("PARENT") or "")
    except ValueError:
        return "ID and PARENT must be numbers"
    extra = {k: v for k, v in cells.items() if k not in FIELDS_OF and v}
    optional = cell("OPT-FIELDS")
    return Mount(
        truncated=truncated,
        target=target,
        source=source,
        fstype=cell("FSTYPE") or "",
        options=options,
        vfs_options=vfs,
        fs_options=fs,
        fsroot=fsroot,
        mount_id=mount_id,
        parent_id=parent_id,
        devno=(cell("MAJ:MIN") or "").strip() or None,
        optional_fields=optional.strip() if optional is not None else None,
        propagation_text=cell("PROPAGATION") if optional is None else None,
        line=line,
        raw=raw,
        extra=tuple(extra.items()),
    )


class TableRows:
    """Rows of a findmnt -r or -P table, cells by column name, into mounts.

    With --tree, findmnt draws the tree inside TARGET; the art is stripped and
    its depth turned into parent links.
    """

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.mounts: list[Mount] = []
        self.parents: list[int] = []
        self.warnings: list[InputWarning] = []
        self._stack: list[int] = []
        self._drawn = False

    def add(self, cells: dict[str, str | None], lineno: int, raw: str) -> None:
        from mountscope.parsers.findmnt_table import tree_prefix

        depth = 0
        target = cells.get("TARGET")
        if target:
            prefix = tree_prefix(target)
            if prefix and prefix[0]:
                self._drawn = True
                depth, art = prefix
                cells["TARGET"] = target[art:]
        mount = mount_from_cells(cells, lineno, raw)
        if isinstance(mount, str):
            self.warnings.append(InputWarning(self.origin, lineno, f"skipped: {mount}"))
            return
        depth = min(depth, len(self._stack))
        del self._stack[depth:]
        self.parents.append(self._stack[-1] if self._stack else -1)
        self._stack.append(len(self.mounts))
        self.mounts.append(mount)

    def capture(
        self, name: str, columns: list[str], first_line: int, line_count: int
    ) -> MountTable:
        return MountTable(
            tuple(self.mounts),
            name,
            self.origin,
            fields_of(columns),
            warnings=tuple(self.warnings),
            layout_parents=tuple(self.parents) if self._drawn else None,
            first_line=first_line,
            last_line=first_line + line_count - 1,
        )
