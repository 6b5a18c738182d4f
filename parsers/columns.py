"""Cells of findmnt's columns into the mount model (the columns themselves
are rows of mountscope.model.columns).

Shared by the human, raw (-r), pairs (-P) and JSON (-J) parsers, which differ
only in how they cut a line into cells.
"""

from __future__ import annotations

from mountscope.errors import InputWarning
from mountscope.model import Mount, MountTable, merge_options, split_display_source
from mountscope.model.columns import carries, fields_of


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
    extra = {k: v for k, v in cells.items() if not carries(k) and v}
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
        raw_line=raw,
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
