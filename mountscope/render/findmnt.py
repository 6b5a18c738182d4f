"""Plain output: findmnt-style tables (tree or list) and findmnt-shaped JSON.

Everything from a capture goes through ``safe()`` before it reaches a
terminal, so a mount point cannot carry escape sequences to the screen. JSON
keeps the values as data. Trees are walked iteratively and JSON is written
without recursion, so a chain of 10 000 nested mounts prints like any other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import chain, repeat
from operator import add, attrgetter

from mountscope.model import Mount, MountTable, MountTree
from mountscope.model.columns import COLUMNS, DEFAULT_COLUMNS, ColumnInfo, JsonType, shell_name
from mountscope.model.kinds import BIND_STYLE, KIND_STYLE
from mountscope.model.origin import recording_of, seconds_of
from mountscope.record import record, replace
from mountscope.render.styles import paint
from mountscope.text import not_one_cell, printable_ascii, safe, shown_as_is, unsafe_pattern, width

Column = ColumnInfo
Getter = Callable[[Mount], str | int | None]


TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Protocol

    class Drawable(Protocol):
        """A table or a selection of it (mountscope.filter.View): mounts and their tree."""

        @property
        def mounts(self) -> Sequence[Mount]: ...

        @property
        def tree(self) -> MountTree: ...


@record(frozen=True)
class CellStyle:
    """How cells are written, as findmnt's output flags change them."""

    # -v/--nofsroot: SOURCE without its [fsroot].
    nofsroot: bool = False
    # The aligned table writes MAJ:MIN as "%3u:%-3u"; -r, -P and -J as "%u:%u".
    aligned_devno: bool = True


AS_FINDMNT = CellStyle()  # findmnt's cells, no flag given
UNALIGNED = CellStyle(aligned_devno=False)  # findmnt -r, -P and -J


def choose_columns(
    spec: str | None, capture: MountTable, defaults: Sequence[str] = DEFAULT_COLUMNS
) -> list[Column]:
    """Columns from ``-o`` (``+LIST`` appends to the defaults), else the
    defaults the capture can fill (the article's tables hold only TARGET and SOURCE)."""
    fillable = [COLUMNS[n] for n in defaults if _fillable(COLUMNS[n], capture)]
    if not spec:
        return fillable or [COLUMNS["TARGET"]]
    names = spec[1:] if spec.startswith("+") else spec
    chosen = list(fillable) if spec.startswith("+") else []
    for name in names.split(","):
        key = name.strip().upper()
        if key not in COLUMNS:
            from mountscope.errors import UsageError

            raise UsageError(f"unknown column '{name}' (known: {', '.join(COLUMNS)})")
        if COLUMNS[key] not in chosen:
            chosen.append(COLUMNS[key])
    return chosen


def _fillable(column: Column, capture: MountTable) -> bool:
    return column.needs in capture.fields if column.needs else True


def cell_getters(
    columns: Sequence[Column], style: CellStyle = AS_FINDMNT
) -> list[Callable[[Mount], str | int | None]]:
    """One function per column giving a mount's cell, as the style asks."""
    getters: list[Callable[[Mount], str | int | None]] = []
    for column in columns:
        if column.name in ("SOURCE", "SOURCES") and style.nofsroot:
            getters.append(attrgetter("source"))
        elif column.name == "MAJ:MIN" and style.aligned_devno:
            getters.append(_aligned_devno)
        else:
            # The model's own getter when there is one: a call less per cell.
            getters.append(column.get if column.get is not None else column.value)
    return getters


def _aligned_devno(mount: Mount) -> str | None:
    devno = mount.devno
    if devno is None:
        return None
    major, sep, minor = devno.partition(":")
    return f"{major:>3}:{minor:<3}" if sep else devno


ART = {
    False: ("│ ", "  ", "├─", "└─"),
    True: ("| ", "  ", "|-", "`-"),
}


def walk_with_art(capture: Drawable, ascii_only: bool = False) -> Iterator[tuple[int, str]]:
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


def _row_cells(
    columns: Sequence[Column], getters: Sequence[Getter], mount: Mount
) -> tuple[list[str], bool]:
    """A row's cells as text safe for a terminal, and whether every character
    takes exactly one cell (then lengths are widths: the fast path)."""
    values: list[str] = [get(mount) for get in getters]  # type: ignore[misc]
    try:
        joined = "".join(values)
    except TypeError:  # an empty cell (None) or a number among them
        values = ["" if v is None else v if isinstance(v, str) else str(v) for v in values]
        joined = "".join(values)
    if mount.truncated:
        values = _mark_truncated(columns, mount, [safe(v) for v in values])
        joined = "".join(values)
    # isprintable() on ASCII is exactly "no control characters" (C speed).
    if joined.isascii() and joined.isprintable() and "\\x" not in joined:
        return values, True
    if unsafe_pattern().search(joined) is not None:
        values = [safe(v) for v in values]
    return values, not_one_cell().search("".join(values)) is None


def _cut_columns(columns: Sequence[Column], mount: Mount) -> list[int]:
    """Which of the columns show a value the input cut short (or left out)."""
    cut = mount.truncated
    return [i for i, c in enumerate(columns) if c.name.lower() in cut or c.needs in cut]


def _mark_truncated(columns: Sequence[Column], mount: Mount, values: list[str]) -> list[str]:
    """A trailing "…" on each value the input cut short: findmnt cuts
    FSTYPE and OPTIONS at a terminal's width without saying so."""
    values = list(values)
    for i in _cut_columns(columns, mount):
        values[i] += "…"
    return values


# Cells are checked this many at a time: the joined text stays small.
_CHECK_BATCH = 2048
# The plain table keeps the tree art of every parent's children (four strings
# a parent, shared by its children); a tree whose parents' art would take more
# characters than this (a chain a thousand deep) goes the general way, which
# draws each row's art as it writes it.
_ART_LIMIT = 1 << 20


def _plain_cells(column: list[str | int | None]) -> list[str] | None:
    """A column's cells as text when every one is printable ASCII without a
    ``\\x`` (nothing to escape, one cell a character), else None."""
    for start in range(0, len(column), _CHECK_BATCH):
        try:
            joined = "".join(column[start : start + _CHECK_BATCH])  # type: ignore[arg-type]
        except TypeError:  # an empty cell (None) or a number: as text, as _row_cells() has it
            column = ["" if v is None else v if isinstance(v, str) else str(v) for v in column]
            joined = "".join(column[start : start + _CHECK_BATCH])  # type: ignore[arg-type]
        # A "\\x" made by two cells side by side sends the table the general
        # way too, which draws it the same (safe() escapes a backslash only
        # before an "x" of the same value).
        if not shown_as_is(joined):
            return None
    return column  # type: ignore[return-value]


def _tree_art(tree: MountTree, ascii_only: bool) -> tuple[list[int], list[str]] | None:
    """Every mount in tree order with its tree art, as walk_with_art() gives
    them, held in two lists; None when the art of its parents' children
    passes _ART_LIMIT characters."""
    bar, blank, branch, final = ART[ascii_only]
    children = tree.children
    order: list[int] = []
    arts: list[str] = []
    held = 0
    # (node, its art, the art its children continue from)
    stack: list[tuple[int, str, str]] = [(r, "", "") for r in reversed(tree.roots)]
    while stack:
        node, art, below = stack.pop()
        order.append(node)
        arts.append(art)
        kids = children[node]
        if kids:
            held += len(below) + 2
            if held > _ART_LIMIT:
                return None
            last = kids[-1]
            stack.append((last, below + final, below + blank))
            if len(kids) > 1:
                siblings = reversed(kids[:-1])
                stack.extend(zip(siblings, repeat(below + branch), repeat(below + bar)))
    return order, arts


def _plain_table(
    capture: Drawable,
    columns: list[Column],
    getters: Sequence[Getter],
    tree_col: int | None,
    as_list: bool,
    ascii_only: bool,
) -> tuple[list[int], Iterator[str]] | None:
    """The fast path of table_lines(): a table with nothing to escape, no
    wide characters, nothing cut and no color is measured and written column
    by column (map, max and one str.format a row, in C). Its widths and its
    rows; None for any other table, which the general path draws (the same
    text, tested)."""
    mounts = capture.mounts
    if any(map(attrgetter("truncated"), mounts)):
        return None
    arts: list[str] | None = None
    if as_list:
        rows: Sequence[Mount] = mounts
    else:
        walked = _tree_art(capture.tree, ascii_only)
        if walked is None:
            return None
        order, arts = walked
        rows = list(map(mounts.__getitem__, order))
        if tree_col is None:
            arts = None
    cells: list[list[str]] = []
    for get in getters:
        column = _plain_cells(list(map(get, rows)))
        if column is None:
            return None
        cells.append(column)
    right = [c.right for c in columns]
    if right and right[-1] and "" in cells[-1]:
        return None  # _line() leaves an empty last cell of a right-aligned column empty
    widths = [max(map(len, column), default=0) for column in cells]
    shown: list[Iterable[str]] = list(cells)
    if arts is not None and tree_col is not None:
        widths[tree_col] = max(map(add, map(len, arts), map(len, cells[tree_col])), default=0)
        shown[tree_col] = map(str.__add__, arts, cells[tree_col])
    widths = _settled_widths(widths, columns)
    return widths, map(plain_template(widths, right), *shown)


def table_lines(
    capture: Drawable,
    columns: list[Column],
    *,
    as_list: bool = False,
    ascii_only: bool = False,
    header: bool = True,
    color: bool = False,
    style: CellStyle = AS_FINDMNT,
) -> Iterator[str]:
    """The capture as findmnt prints it: one line per mount, columns aligned.

    A table with nothing to escape, nothing wide, nothing cut and no color
    (nearly every table) is drawn column by column by _plain_table(); any
    other by _drawn_lines(), row by row.
    """
    tree_col = next((k for k, c in enumerate(columns) if c.name == "TARGET"), None)
    getters = cell_getters(columns, style)
    if not color:
        plain = _plain_table(capture, columns, getters, tree_col, as_list, ascii_only)
        if plain is not None:
            widths, rows = plain
            if not header:
                return rows
            right = [c.right for c in columns]
            return chain([_line([c.name for c in columns], widths, right, True)], rows)
    return _drawn_lines(capture, columns, getters, tree_col, as_list, ascii_only, header, color)


def _drawn_lines(
    capture: Drawable,
    columns: list[Column],
    getters: Sequence[Getter],
    tree_col: int | None,
    as_list: bool,
    ascii_only: bool,
    header: bool,
    color: bool,
) -> Iterator[str]:
    """table_lines() for any table, row by row.

    Two passes over the rows (widths, then lines); rows whose characters all
    take one cell are measured with len() and written by one str.format
    (plain_template). The first pass measures the tree art from the depth
    alone; the second draws it row by row and lets each line go once it is
    yielded, so a chain 100 000 deep (whose art alone is 10^10 characters)
    streams in memory linear in its input.
    """
    mounts = capture.mounts
    depths: Iterable[tuple[int, int]] = (
        ((i, 0) for i in range(len(mounts))) if as_list else capture.tree.walk()
    )
    rows, widths = _measure(depths, mounts, columns, getters, tree_col, header)
    last_col = len(columns) - 1
    right = [c.right for c in columns]
    source_col = next((k for k, c in enumerate(columns) if c.name == "SOURCE"), None)

    def line(values: list[str], plain: bool, styled: list[str] | None = None) -> str:
        return _line(values, widths, right, plain, styled)

    template = plain_template(widths, right)
    last_right = right[last_col]
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
        elif plain and not (last_right and not values[last_col]):
            yield template(*values)  # the same as line(values, True)
        else:
            yield line(values, plain)


def _line(
    values: list[str],
    widths: list[int],
    right: list[bool],
    plain: bool,
    styled: list[str] | None = None,
) -> str:
    """One row of the table, each cell padded to its column's width (the
    last column's left-aligned cell is not padded). ``styled``: the cells
    as written, with color, when they differ from ``values``."""
    last_col = len(values) - 1
    parts = []
    for k, value in enumerate(values):
        shown = styled[k] if styled else value
        if plain and not styled:
            parts.append(
                value.rjust(widths[k])
                if right[k] and (value or k < last_col)
                else value.ljust(widths[k])
                if k < last_col
                else value
            )
            continue
        gap = widths[k] - width(value)
        if right[k] and (value or k < last_col):
            parts.append(" " * gap + shown)
        else:
            parts.append(shown + (" " * gap if k < last_col else ""))
    return " ".join(parts)


def plain_template(widths: list[int], right: list[bool]) -> Callable[..., str]:
    """_line()'s plain case as one str.format (the same ljust, rjust and last
    cell as it is, in C), for a row whose characters all take one cell,
    without color, and not an empty last cell of a right-aligned column
    (which _line() leaves empty)."""
    last_col = len(widths) - 1
    return " ".join(
        f"{{:>{widths[k]}}}" if right[k] else f"{{:<{widths[k]}}}" if k < last_col else "{}"
        for k in range(len(widths))
    ).format


def _measure(
    order: Iterable[tuple[int, int]],
    mounts: Sequence[Mount],
    columns: list[Column],
    getters: Sequence[Getter],
    tree_col: int | None,
    header: bool,
) -> tuple[list[tuple[int, list[str], bool]], list[int]]:
    """Each row's cells (without tree art) and the column widths. The art of a
    row at depth d is 2*d cells, box drawing or ASCII, one cell a character."""
    rows: list[tuple[int, list[str], bool]] = []
    widths = [0] * len(columns)
    for index, depth in order:
        values, plain = _row_cells(columns, getters, mounts[index])
        cells = list(map(len if plain else width, values))
        if tree_col is not None:
            cells[tree_col] += 2 * depth
        widths = list(map(max, widths, cells))
        rows.append((index, values, plain))
    return rows, _settled_widths(widths, columns)


def _settled_widths(widths: list[int], columns: Sequence[Column]) -> list[int]:
    """libsmartcols: at least the header's width (with or without -n), else
    a width hint of whole cells widens a column the header does not."""
    for k, column in enumerate(columns):
        least = width(column.name)
        if widths[k] < least:
            widths[k] = least
        elif 1 <= column.whint and widths[k] < column.whint and least < column.whint:
            widths[k] = int(column.whint)
    return widths


JsonValue = str | int | list[str | None] | None


def _json_value(column: Column, value: str | int | None, numbers: bool) -> JsonValue:
    """A cell as findmnt -J types it: numbers, sizes (numbers with -b),
    SOURCES as an array, null for an empty cell."""
    if value == "":
        value = None
    kind = column.json
    if kind is JsonType.ARRAY:
        return [None if value is None else str(value)]
    if value is None:
        return None
    if kind is JsonType.NUMBER or (kind is JsonType.SIZE and numbers):
        try:
            return int(value)
        except ValueError:
            return str(value)
    return value


def json_chunks(
    capture: Drawable,
    columns: list[Column],
    *,
    as_list: bool = False,
    style: CellStyle = UNALIGNED,
    bytes_sizes: bool = False,
) -> Iterator[bytes]:
    """findmnt -J's document, ``{"filesystems": [...]}``, one mount per line.

    Children nest under "children" in tree mode. Written with an explicit
    stack, so nesting depth is unlimited (orjson and json stop near 1 000).
    A table of plain text cells is written by _plain_json(), any other here.
    """
    getters = cell_getters(columns, replace(style, aligned_devno=False))
    plain = _plain_json(capture, columns, getters, as_list)
    if plain is not None:
        return plain
    return _dumped_json(capture, columns, getters, as_list, bytes_sizes)


def _json_cells(column: list[str | int | None]) -> bool:
    """Whether a column's cells are all text that JSON writes as it is:
    printable ASCII without a quote or a backslash, none empty (null)."""
    if "" in column:
        return False
    for start in range(0, len(column), _CHECK_BATCH):
        try:
            joined = "".join(column[start : start + _CHECK_BATCH])  # type: ignore[arg-type]
        except TypeError:  # None (null) or a number
            return False
        if '"' in joined or "\\" in joined or not printable_ascii(joined):
            return False
    return True


def _json_tree_order(tree: MountTree) -> tuple[list[int], list[str], list[str]]:
    """Every mount in tree order, with what findmnt -J writes before its
    fields (a line break, after a comma unless it comes first in its array)
    and after them: the opening of its children, or "}" and the ends of the
    arrays it is the last of."""
    children = tree.children
    order: list[int] = []
    before: list[str] = []
    after: list[str] = []
    ends: dict[int, str] = {}
    closed = 0  # arrays ended since the last mount
    first = True
    stack = list(reversed(tree.roots))  # a mount, or -1: the end of an array of children
    while stack:
        node = stack.pop()
        if node < 0:
            closed += 1
            continue
        if closed:
            after[-1] = ends.get(closed) or ends.setdefault(closed, "}" + "\n]}" * closed)
            closed = 0
        order.append(node)
        before.append("\n" if first else ",\n")
        kids = children[node]
        if kids:
            after.append(_OPEN_CHILDREN)
            stack.append(-1)
            stack.extend(reversed(kids))
            first = True
        else:
            after.append("}")
            first = False
    if closed:
        after[-1] = "}" + "\n]}" * closed
    return order, before, after


_OPEN_CHILDREN = ', "children": ['
# Rows are joined and encoded this many at a time.
_JSON_BATCH = 1024


def _plain_json(
    capture: Drawable, columns: list[Column], getters: Sequence[Getter], as_list: bool
) -> Iterator[bytes] | None:
    """The fast path of json_chunks() for a table of text columns, nothing
    cut: each row is its cells between their keys, as orjson writes the
    object, nested by _json_tree_order(). _JSON_BATCH rows at a time are
    written by _json_rows (C where it is built); a batch with a cell that
    JSON does not write as it is (see _json_cells) is written by
    _json_object(), the general path's (the same bytes, tested). None for
    a table the general path writes whole."""
    mounts = capture.mounts
    if (
        not columns
        or any(c.json is not JsonType.STRING for c in columns)
        or any(map(attrgetter("truncated"), mounts))
    ):
        return None
    if as_list:
        rows = list(mounts)
        before = ["\n", *repeat(",\n", len(mounts) - 1)] if mounts else []
        after: list[str] = list(repeat("}", len(mounts)))
    else:
        order, before, after = _json_tree_order(capture.tree)
        rows = list(map(mounts.__getitem__, order))
    names = [c.name.lower() for c in columns]
    # What goes before each cell: the object's opening and its key, or the
    # end of the cell before and the next key.
    keys = ('{"' + names[0] + '":"', *('","' + name + '":"' for name in names[1:]))
    getter_tuple = tuple(getters)
    ending = (
        b'\n], "tree_inferred": true}\n'
        if not as_list and capture.tree.built_from == "paths"
        else b"\n]}\n"
    )

    def batches() -> Iterator[bytes]:
        yield b'{"filesystems": ['
        for start in range(0, len(rows), _JSON_BATCH):
            stop = min(start + _JSON_BATCH, len(rows))
            written = _json_rows(rows, getter_tuple, keys, before, after, start, stop)
            if written is None:
                written = b"".join(
                    before[i].encode()
                    + _json_object(rows[i], columns, getters)[:-1]
                    + after[i].encode()
                    for i in range(start, stop)
                )
            yield written
        yield ending

    return batches()


def _json_rows_python(
    rows: list[Mount],
    getters: tuple[Getter, ...],
    keys: tuple[str, ...],
    before: list[str],
    after: list[str],
    start: int,
    stop: int,
) -> bytes | None:
    """rows[start:stop] as findmnt -J writes them, each between what comes
    before and after it, or None when a cell is not text that JSON writes
    as it is. (_json_rows.c does the same in one pass.)"""
    batch = rows[start:stop]
    cells = [list(map(get, batch)) for get in getters]
    if not all(map(_json_cells, cells)):
        return None
    # One join of the pieces (before, key, cell, ..., '"', after), row after
    # row: half the time of a str.format a row, which parses its template
    # on every call.
    pieces: list[Iterable[str | int | None]] = [before[start:stop]]
    for key, column in zip(keys, cells, strict=True):
        pieces += [repeat(key), column]
    pieces += [repeat('"'), after[start:stop]]
    # (strict=False: the keys repeat without end; the slices end the rows)
    return "".join(chain.from_iterable(zip(*pieces, strict=False))).encode()  # type: ignore[arg-type]


try:
    from mountscope.render._json_rows import rows as _json_rows
except ImportError:  # not built: every batch is written in Python
    _json_rows = _json_rows_python


def _json_object(
    mount: Mount,
    columns: Sequence[Column],
    getters: Sequence[Getter],
    bytes_sizes: bool = False,
    keys: Sequence[str] | None = None,
) -> bytes:
    """One mount's object of findmnt -J, made by dumps(): the general path."""
    from mountscope.jsonio import dumps

    if keys is None:
        keys = [c.name.lower() for c in columns]
    values: dict[str, JsonValue] = {
        k: _json_value(c, get(mount), bytes_sizes)
        for k, c, get in zip(keys, columns, getters, strict=True)
    }
    if mount.truncated:
        cut = _cut_columns(columns, mount)
        if cut:  # the values the input cut short (or left out), by key
            values["truncated"] = [keys[i] for i in cut]
    return dumps(values)


def _dumped_json(
    capture: Drawable,
    columns: list[Column],
    getters: Sequence[Getter],
    as_list: bool,
    bytes_sizes: bool,
) -> Iterator[bytes]:
    """json_chunks() for any table: each mount's object made by dumps()."""
    mounts = capture.mounts
    keys = [c.name.lower() for c in columns]

    def entry(index: int) -> bytes:
        return _json_object(mounts[index], columns, getters, bytes_sizes, keys)

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


# -r escapes blanks and backslashes too; -P escapes what a shell would expand.
_RAW_KEEP = frozenset(c for c in range(0x21, 0x7F) if c != 0x5C)
_PAIRS_KEEP = frozenset(c for c in range(0x20, 0x7F) if chr(c) not in '"\\`$')


def _escaped(value: str, keep: frozenset[int]) -> str:
    """findmnt's escaping of -r and -P cells: every other byte as \\xHH
    (multibyte characters byte by byte, as findmnt 2.38 does)."""
    if value.isascii() and all(ord(ch) in keep for ch in value):
        return value
    data = value.encode("utf-8", "surrogateescape")
    return "".join(chr(b) if b in keep else f"\\x{b:02x}" for b in data)


def script_lines(
    capture: Drawable,
    columns: list[Column],
    *,
    pairs: bool = False,
    shell: bool = False,
    header: bool = True,
    style: CellStyle = UNALIGNED,
) -> Iterator[str]:
    """findmnt -r (cells one space apart, escaped) or -P (NAME="value" pairs);
    -y writes the names as shell variables (USE_PCT, MAJ_MIN)."""
    getters = cell_getters(columns, replace(style, aligned_devno=False))
    names = [shell_name(c.name) if shell else c.name for c in columns]
    keep = _PAIRS_KEEP if pairs else _RAW_KEEP
    if header and not pairs:
        yield " ".join(names)
    for mount in capture.mounts:
        cells = []
        for get in getters:
            value = get(mount)
            cells.append("" if value is None else _escaped(str(value), keep))
        if pairs:
            yield " ".join(f'{n}="{v}"' for n, v in zip(names, cells, strict=True))
        else:
            yield " ".join(cells)


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
