"""findmnt ``-J``: ``{"filesystems": [...]}``, as a tree (``children``) or a list.

Keys are lower-cased column names. Values are strings, numbers (id, parent,
freq... since util-linux 2.33; strings before) or null for an empty cell.
``LIBSMARTCOLS_JSON=lines`` prints one object a line. Whitespace is never
relied on. findmnt nests each mount inside its parent, so a deep chain of
mounts is a deeply nested document: it is decoded at any depth
(mountscope.jsonio) and the tree is walked with an explicit stack, so deep
nesting never hits Python's recursion limit.
"""

from __future__ import annotations

from typing import Any

from mountscope.errors import InputWarning
from mountscope.model import Mount, MountTable
from mountscope.parsers.columns import canonical, fields_of, mount_from_cells

NAME = "findmnt-json"


def is_findmnt(document: Any) -> bool:
    return isinstance(document, dict) and isinstance(document.get("filesystems"), list)


def _cells(entry: dict[str, Any]) -> dict[str, str | None]:
    cells: dict[str, str | None] = {}
    for key, value in entry.items():
        if key == "children" or not isinstance(key, str):
            continue
        name = canonical(key) or key.upper()
        if value is None:
            cells[name] = ""
        elif isinstance(value, list):
            cells[name] = " ".join(str(v) for v in value)
        elif isinstance(value, bool):
            cells[name] = "1" if value else "0"
        else:
            cells[name] = str(value)
    return cells


def from_documents(
    documents: list[Any], origin: str, first_line: int, last_line: int, line_of: Any = None
) -> MountTable:
    """Mounts of one or more findmnt JSON documents (or bare entries, one per line)."""
    mounts: list[Mount] = []
    parents: list[int] = []
    columns: list[str] = []
    warnings: list[InputWarning] = []
    has_children = False
    # (entry, parent index, line) in depth-first order, without recursion.
    stack: list[tuple[Any, int, int]] = []
    for number, document in reversed(list(enumerate(documents))):
        line = line_of(number) if line_of else first_line
        entries = document["filesystems"] if is_findmnt(document) else [document]
        stack.extend((entry, -1, line) for entry in reversed(entries))
    while stack:
        entry, parent, line = stack.pop()
        if not isinstance(entry, dict):
            warnings.append(
                InputWarning(origin, line, "skipped: a filesystem entry that is not an object")
            )
            continue
        cells = _cells(entry)
        if "TARGET" not in cells and "SOURCE" not in cells:
            warnings.append(
                InputWarning(origin, line, "skipped: an entry with neither target nor source")
            )
            continue
        for name in cells:
            if name not in columns:
                columns.append(name)
        mount = mount_from_cells(cells, line, "")
        if isinstance(mount, str):
            warnings.append(InputWarning(origin, line, f"skipped: {mount}"))
            continue
        index = len(mounts)
        mounts.append(mount)
        parents.append(parent)
        children = entry.get("children")
        if isinstance(children, list):
            has_children = has_children or bool(children)
            stack.extend((child, index, line) for child in reversed(children))
        elif children is not None:
            warnings.append(InputWarning(origin, line, "'children' is not a list: ignored"))
    return MountTable(
        tuple(mounts),
        NAME,
        origin,
        fields_of(columns),
        warnings=tuple(warnings),
        layout_parents=tuple(parents) if has_children else None,
        first_line=first_line,
        last_line=last_line,
    )
