"""Plain output: findmnt-style tables (tree or list) and findmnt-shaped JSON.

Everything from a capture goes through ``safe()`` before it reaches a
terminal, so a mount point cannot carry escape sequences to the screen. JSON
keeps the values as data. Trees are walked iteratively and JSON is written
without recursion, so a chain of 10 000 nested mounts prints like any other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from operator import attrgetter

from mountscope.jsonio import dumps
from mountscope.model import Mount, MountTable
from mountscope.model.kinds import BIND_STYLE, KIND_STYLE
from mountscope.model.origin import recording_of, seconds_of
from mountscope.render.styles import paint
from mountscope.text import _NOT_ONE_CELL, _UNSAFE, safe, width


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
        # attrgetter: read in C, which counts on 50 000 rows.
        Column("TARGET", attrgetter("target"), "target"),
        Column("SOURCE", attrgetter("display_source"), "source"),
        Column("FSTYPE", attrgetter("fstype"), "fstype"),
        Column("OPTIONS", attrgetter("options"), "options"),
        Column("VFS-OPTIONS", attrgetter("vfs_options"), "vfs_options"),
        Column("FS-OPTIONS", attrgetter("fs_options"), "fs_options"),
        Column("FSROOT", attrgetter("fsroot"), "fsroot"),
        Column("ID", attrgetter("mount_id"), "mount_id", right=True),
        Column("PARENT", attrgetter("parent_id"), "parent_id", right=True),
        Column("MAJ:MIN", attrgetter("devno"), "devno"),
        Column("PROPAGATION", attrgetter("propagation"), "propagation"),
        Column("OPT-FIELDS", attrgetter("optional_fields"), "optional_fields"),
        # mountscope's own: what kind of source this is (loop, virtio, ...).
        Column("KIND", attrgetter("kind"), "source"),
    )
}
DEFAULT_COLUMNS = ("TARGET", "SOURCE", "FSTYPE", "OPTIONS")
# JSON number columns, as findmnt writes them.
_NUMERIC = frozenset({"ID", "PARENT"})


def choose_columns(spec: str | None, capture: MountTable) -> list[Column]:
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
            from mountscope.errors import UsageError

            raise UsageError(f"unknown column '{name}' (known: {', '.join(COLUMNS)})")
        if COLUMNS[key] not in chosen:
            chosen.append(COLUMNS[key])
    return chosen


ART = {
    False: ("│ ", "  ", "├─", "└─"),
    True: ("| ", "  ", "|-", "`-"),
}


def walk_with_art(capture: MountTable, ascii_only: bool = False) -> Iterator[tuple[int, str]]:
    """Every mount in tree order with its tree art, depth-first and iterative.

    The art of a row is its ancestors' bars or blanks and its own branch. One
    list of those pieces, as long as the current depth, is shared by all rows
    and joined per row: a row's art is made when it is yielded and nothing
    holds it afterwards, so memory stays linear in the depth, not in the
    (quadratic) size of all the art of a deep chain.
    """
    bar, blank, branch, final = ART[ascii_only]
    children = capture.tree.children
    pieces: list[str] = []  # pieces[d - 1]: what the ancestor at depth d draws below itself
    stack: list[tuple[int, int, bool]] = [(r, 0, True) for r in reversed(capture.tree.roots)]
    while stack:
        node, depth, last = stack.pop()
        if depth == 0:
            yield node, ""
        else:
            del pieces[depth - 1 :]
            yield node, "".join(pieces) + (final if last else branch)
            pieces.append(blank if last else bar)
        kids = children[node]
        end = len(kids) - 1
        for pos in range(end, -1, -1):
            stack.append((kids[pos], depth + 1, pos == end))


def _color_source(text: str, mount: Mount) -> str:
    head = safe(mount.source)
    tail = text[len(head) :]  # "[fsroot]" of a bind mount, or nothing
    head = paint(KIND_STYLE.get(mount.kind, ""), head)
    return head + (paint(BIND_STYLE, tail) if tail else "")


def _row_cells(columns: list[Column], mount: Mount) -> tuple[list[str], bool]:
    """A row's cells as text safe for a terminal, and whether every character
    takes exactly one cell (then lengths are widths: the fast path)."""
    raw = [column.get(mount) for column in columns]
    if all(type(v) is str for v in raw):
        values: list[str] = raw  # type: ignore[assignment]
    else:
        values = ["" if v is None else v if isinstance(v, str) else str(v) for v in raw]
    if mount.truncated:
        values = _mark_truncated(columns, mount, [safe(v) for v in values])
    joined = "".join(values)
    # isprintable() on ASCII is exactly "no control characters" (C speed).
    if joined.isascii() and joined.isprintable() and "\\x" not in joined:
        return values, True
    if _UNSAFE.search(joined) is not None:
        values = [safe(v) for v in values]
    return values, _NOT_ONE_CELL.search("".join(values)) is None


def _cut_columns(columns: list[Column], mount: Mount) -> list[int]:
    """Which of the columns show a value the input cut short (or left out)."""
    cut = mount.truncated
    return [i for i, c in enumerate(columns) if c.name.lower() in cut or c.needs in cut]


def _mark_truncated(columns: list[Column], mount: Mount, values: list[str]) -> list[str]:
    """A trailing "…" on each value the input cut short: findmnt cuts
    FSTYPE and OPTIONS at a terminal's width without saying so."""
    values = list(values)
    for i in _cut_columns(columns, mount):
        values[i] += "…"
    return values


def table_lines(
    capture: MountTable,
    columns: list[Column],
    *,
    as_list: bool = False,
    ascii_only: bool = False,
    header: bool = True,
    color: bool = False,
) -> Iterator[str]:
    """The capture as findmnt prints it: one line per mount, columns aligned.

    Two passes over the rows (widths, then lines); rows whose characters all
    take one cell, nearly all of them, are measured and padded with len()
    and str.ljust, which keeps 50 000 rows well under findmnt's own time.
    The first pass measures the tree art from the depth alone; the second
    draws it row by row and lets each line go once it is yielded, so a chain
    100 000 deep (whose art alone is 10^10 characters) streams in memory
    linear in its input.
    """
    mounts = capture.mounts
    tree_col = next((k for k, c in enumerate(columns) if c.name == "TARGET"), None)
    depths: Iterable[tuple[int, int]] = (
        ((i, 0) for i in range(len(mounts))) if as_list else capture.tree.walk()
    )
    rows, widths = _measure(depths, mounts, columns, tree_col, header)
    last_col = len(columns) - 1
    right = [c.right for c in columns]
    source_col = next((k for k, c in enumerate(columns) if c.name == "SOURCE"), None)

    def line(values: list[str], plain: bool, styled: list[str] | None = None) -> str:
        parts = []
        for k, value in enumerate(values):
            shown = styled[k] if styled else value
            if plain and not styled:
                parts.append(
                    value.rjust(widths[k])
                    if right[k]
                    else value.ljust(widths[k])
                    if k < last_col
                    else value
                )
                continue
            gap = widths[k] - width(value)
            if right[k]:
                parts.append(" " * gap + shown)
            else:
                parts.append(shown + (" " * gap if k < last_col else ""))
        return " ".join(parts).rstrip()

    if header:
        yield line([c.name for c in columns], True)
    art = None if as_list or tree_col is None else walk_with_art(capture, ascii_only)
    rows.reverse()  # popped from the end: each row is freed once its line is out
    while rows:
        index, values, plain = rows.pop()
        if art is not None:
            _, prefix = next(art)
            values[tree_col] = prefix + values[tree_col]  # type: ignore[index]
        if color and source_col is not None:
            styled = list(values)
            styled[source_col] = _color_source(values[source_col], mounts[index])
            yield line(values, plain, styled)
        else:
            yield line(values, plain)


def _measure(
    order: Iterable[tuple[int, int]],
    mounts: Sequence[Mount],
    columns: list[Column],
    tree_col: int | None,
    header: bool,
) -> tuple[list[tuple[int, list[str], bool]], list[int]]:
    """Each row's cells (without tree art) and the column widths. The art of a
    row at depth d is 2*d cells, box drawing or ASCII, one cell a character."""
    rows: list[tuple[int, list[str], bool]] = []
    widths = [width(c.name) if header else 0 for c in columns]
    count = len(columns)
    for index, depth in order:
        values, plain = _row_cells(columns, mounts[index])
        for k in range(count):
            w = len(values[k]) if plain else width(values[k])
            if k == tree_col:
                w += 2 * depth
            if w > widths[k]:
                widths[k] = w
        rows.append((index, values, plain))
    return rows, widths


def _json_value(column: Column, mount: Mount) -> str | int | None:
    value = column.get(mount)
    if value == "" or value is None:
        return None
    if column.name in _NUMERIC:
        return int(value)
    return value


def json_chunks(
    capture: MountTable, columns: list[Column], *, as_list: bool = False
) -> Iterator[bytes]:
    """findmnt -J's document, ``{"filesystems": [...]}``, one mount per line.

    Children nest under "children" in tree mode. Written with an explicit
    stack, so nesting depth is unlimited (orjson and json stop near 1 000).
    """
    mounts = capture.mounts
    keys = [c.name.lower() for c in columns]

    def entry(index: int) -> bytes:
        mount = mounts[index]
        values: dict[str, str | int | list[str] | None] = {
            k: _json_value(c, mount) for k, c in zip(keys, columns, strict=True)
        }
        if mount.truncated:
            cut = _cut_columns(columns, mount)
            if cut:  # the values the input cut short (or left out), by key
                values["truncated"] = [keys[i] for i in cut]
        return dumps(values)

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
    # Parents guessed from the paths (no mount ids in the input) are said so.
    yield b'\n], "tree_inferred": true}\n' if tree.built_from == "paths" else b"\n]}\n"


def capture_json(capture: MountTable) -> dict[str, object]:
    """Everything mountscope knows about a capture, as data (extract, classify)."""
    return {
        "origin": capture.origin,
        "format": capture.format,
        "title": capture.title,
        "first_line": capture.first_line,
        "last_line": capture.last_line,
        "mounts": len(capture.mounts),
        "tree_inferred": capture.tree.built_from == "paths",
        "warnings": [str(w) for w in capture.warnings],
        "recording": recording_of(capture.provenance),
        "seconds": seconds_of(capture.provenance),
    }
