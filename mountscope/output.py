"""Plain output: findmnt-style tables (tree or list) and findmnt-shaped JSON.

Everything from a capture goes through ``safe()`` before it reaches a
terminal, so a mount point cannot carry escape sequences to the screen. JSON
keeps the values as data. Trees are walked iteratively and JSON is written
without recursion, so a chain of 10 000 nested mounts prints like any other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from mountscope.jsonio import dumps
from mountscope.model import Capture, Mount
from mountscope.text import safe, width


@dataclass(frozen=True)
class Column:
    name: str
    get: Callable[[Mount], str | int | None]
    # The model field the column needs; a capture without it cannot show it.
    needs: str
    right: bool = False


COLUMNS: dict[str, Column] = {
    c.name: c
    for c in (
        Column("TARGET", lambda m: m.target, "target"),
        Column("SOURCE", lambda m: m.display_source, "source"),
        Column("FSTYPE", lambda m: m.fstype, "fstype"),
        Column("OPTIONS", lambda m: m.options, "options"),
        Column("VFS-OPTIONS", lambda m: m.vfs_options, "vfs_options"),
        Column("FS-OPTIONS", lambda m: m.fs_options, "fs_options"),
        Column("FSROOT", lambda m: m.fsroot, "fsroot"),
        Column("ID", lambda m: m.mount_id, "mount_id", right=True),
        Column("PARENT", lambda m: m.parent_id, "parent_id", right=True),
        Column("MAJ:MIN", lambda m: m.devno, "devno"),
        Column("PROPAGATION", lambda m: m.propagation, "propagation"),
        Column("OPT-FIELDS", lambda m: m.optional_fields, "optional_fields"),
        # mountscope's own: what kind of source this is (loop, virtio, ...).
        Column("KIND", lambda m: m.kind, "source"),
    )
}
DEFAULT_COLUMNS = ("TARGET", "SOURCE", "FSTYPE", "OPTIONS")
# JSON number columns, as findmnt writes them.
_NUMERIC = frozenset({"ID", "PARENT"})


def choose_columns(spec: str | None, capture: Capture) -> list[Column]:
    """Columns from ``-o`` (``+LIST`` appends to the defaults), else the
    defaults the capture can fill (the article's tables hold only TARGET and SOURCE)."""
    defaults = [COLUMNS[n] for n in DEFAULT_COLUMNS if COLUMNS[n].needs in capture.fields]
    if not spec:
        return defaults or [COLUMNS["TARGET"]]
    names = spec[1:] if spec.startswith("+") else spec
    chosen = list(defaults) if spec.startswith("+") else []
    for name in names.split(","):
        key = name.strip().upper()
        if key not in COLUMNS:
            from mountscope.errors import MountscopeError

            raise MountscopeError(f"unknown column {name!r} (known: {', '.join(COLUMNS)})")
        if COLUMNS[key] not in chosen:
            chosen.append(COLUMNS[key])
    return chosen


def _cell(column: Column, mount: Mount) -> str:
    value = column.get(mount)
    return "" if value is None else safe(str(value))


ART = {
    False: ("│ ", "  ", "├─", "└─"),
    True: ("| ", "  ", "|-", "`-"),
}


def art(last: tuple[bool, ...], ascii_only: bool) -> str:
    """findmnt's tree art for a row whose ancestors' "is last child" flags are ``last``."""
    if not last:
        return ""
    bar, blank, branch, final = ART[ascii_only]
    return "".join(blank if done else bar for done in last[:-1]) + (final if last[-1] else branch)


# ANSI styles per source kind, for terminals only (never with NO_COLOR).
KIND_STYLES = {
    "loop": "33", "virtio": "36", "xen": "36", "nvme": "36", "scsi": "36", "dm": "36",
    "overlay": "35", "tmpfs": "32", "pseudo": "2", "network": "34", "fuse": "34",
}
BIND_STYLE = "1;35"


def _color_source(text: str, mount: Mount) -> str:
    style = KIND_STYLES.get(mount.kind)
    head = safe(mount.source)
    tail = text[len(head):]  # "[fsroot]" of a bind mount, or nothing
    if style:
        head = f"\x1b[{style}m{head}\x1b[0m"
    return head + (f"\x1b[{BIND_STYLE}m{tail}\x1b[0m" if tail else "")


def table_lines(
    capture: Capture,
    columns: list[Column],
    *,
    as_list: bool = False,
    ascii_only: bool = False,
    header: bool = True,
    color: bool = False,
) -> Iterator[str]:
    """The capture as findmnt prints it: one line per mount, columns aligned."""
    mounts = capture.mounts
    if as_list:
        rows: Iterable[tuple[int, str]] = ((i, "") for i in range(len(mounts)))
    else:
        rows = ((i, art(last, ascii_only)) for i, _, last in capture.tree.walk())
    rows = list(rows)
    cells = [[_cell(c, mounts[i]) for c in columns] for i, _ in rows]
    tree_col = next((k for k, c in enumerate(columns) if c.name == "TARGET"), None)
    if tree_col is not None:
        for row, (_, prefix) in zip(cells, rows, strict=True):
            row[tree_col] = prefix + row[tree_col]
    widths = [width(c.name) if header else 0 for c in columns]
    for row in cells:
        for k, value in enumerate(row):
            w = width(value)
            if w > widths[k]:
                widths[k] = w
    last_col = len(columns) - 1

    def line(values: list[str], styled: list[str] | None = None) -> str:
        parts = []
        for k, value in enumerate(values):
            shown = styled[k] if styled else value
            gap = widths[k] - width(value)
            if columns[k].right:
                parts.append(" " * gap + shown)
            else:
                parts.append(shown + (" " * gap if k < last_col else ""))
        return " ".join(parts).rstrip()

    if header:
        yield line([c.name for c in columns])
    source_col = next((k for k, c in enumerate(columns) if c.name == "SOURCE"), None)
    for (index, _), values in zip(rows, cells, strict=True):
        if color and source_col is not None:
            styled = list(values)
            styled[source_col] = _color_source(values[source_col], mounts[index])
            yield line(values, styled)
        else:
            yield line(values)


def _json_value(column: Column, mount: Mount) -> str | int | None:
    value = column.get(mount)
    if value == "" or value is None:
        return None
    if column.name in _NUMERIC:
        return int(value)
    return value


def json_chunks(capture: Capture, columns: list[Column], *, as_list: bool = False) -> Iterator[bytes]:
    """findmnt -J's document, ``{"filesystems": [...]}``, one mount per line.

    Children nest under "children" in tree mode. Written with an explicit
    stack, so nesting depth is unlimited (orjson and json stop near 1 000).
    """
    mounts = capture.mounts
    keys = [c.name.lower() for c in columns]

    def entry(index: int) -> bytes:
        mount = mounts[index]
        return dumps({k: _json_value(c, mount) for k, c in zip(keys, columns, strict=True)})

    yield b'{"filesystems": ['
    if as_list:
        for index in range(len(mounts)):
            yield (b"\n" if index == 0 else b",\n") + entry(index)
        yield b"\n]}\n"
        return
    tree = capture.tree
    # Each stack item: a node to open, or the closing bytes of an open node.
    stack: list[int | bytes] = [r for r in reversed(tree.roots)]
    first = True
    while stack:
        item = stack.pop()
        if isinstance(item, bytes):
            yield item
            first = False
            continue
        body = entry(item)
        kids = tree.children[item]
        prefix = b"\n" if first else b",\n"
        if kids:
            yield prefix + body[:-1] + b', "children": ['
            stack.append(b"\n]}")
            stack.extend(reversed(kids))
            first = True
        else:
            yield prefix + body
            first = False
    yield b"\n]}\n"


def capture_json(capture: Capture) -> dict[str, object]:
    """Everything mountscope knows about a capture, as data (extract, classify)."""
    return {
        "origin": capture.origin,
        "format": capture.format,
        "title": capture.title,
        "first_line": capture.first_line,
        "last_line": capture.last_line,
        "mounts": len(capture.mounts),
        "warnings": [str(w) for w in capture.warnings],
        "recording": capture.metadata.get("recording"),
        "seconds": capture.metadata.get("seconds"),
    }
