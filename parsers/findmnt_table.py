"""findmnt's human output: the default tree and ``-l``, any columns, with or without a header.

Cells are found by display column (CJK characters take two cells, box
drawing one):

- the header gives each column's start (right-aligned columns: its end);
- a physical line starts a row when its tree cell holds a branch glyph
  (``├─ └─ |- `-``) after zero or more ``│ `` groups, or when the tree cell
  starts with text (a depth-0 row); any other line continues the row above;
- a value too wide for its column (TARGET, SOURCE and FSROOT are never cut)
  runs over the next column's separator and the row goes on in a
  continuation line at the next column; FSTYPE and OPTIONS are cut at the
  column width instead, which can only be flagged, not undone.
"""

from __future__ import annotations

import re

from mountscope.errors import InputWarning
from mountscope.model import Mount, MountTable
from mountscope.model.columns import COLUMNS, DEFAULT_COLUMNS, canonical, fields_of
from mountscope.parsers.columns import mount_from_cells
from mountscope.record import record, replace
from mountscope.text import decode_hex, width

NAME = "findmnt"

BRANCHES = frozenset({"├─", "└─", "|-", "`-"})
GROUPS = frozenset({"│ ", "| ", "  "})
_ART_START = frozenset(" │|├└`")
_TOKEN = re.compile(r"\S+")
_NOT_SPACE = re.compile(r"[^ ]+")


@record(frozen=True, slots=True)
class Column:
    name: str
    start: int  # display column of the header's first character
    end: int  # display column just after the header
    right: bool


def tree_prefix(cell: str) -> tuple[int, int] | None:
    """(depth, art length) of a row's tree cell; None for a continuation line."""
    i = 0
    groups = 0
    while True:
        two = cell[i : i + 2]
        if two in BRANCHES:
            return groups + 1, i + 2
        if two in GROUPS:
            groups += 1
            i += 2
            continue
        break
    if i == 0 and cell and cell[0] not in _ART_START:
        return 0, 0
    return None


def grid(line: str) -> str | list[str]:
    """The line indexable by display column: wide characters fill two slots."""
    if line.isascii():
        return line
    cells: list[str] = []
    for char in line:
        w = width(char)
        if w == 2:
            cells.extend((char, ""))
        elif w == 1:
            cells.append(char)
        elif cells:
            cells[-1] += char  # combining mark: stays with its base character
        else:
            cells.append(char)
    return cells


def cut(g: str | list[str], start: int, end: int | None = None) -> str:
    return g[start:end] if isinstance(g, str) else "".join(g[start:end])


def parse_header(line: str) -> list[Column] | None:
    """The columns of a findmnt header line, or None if the line is not one."""
    g = grid(line)
    text = g if isinstance(g, str) else "".join(c or "\0" for c in g)
    columns = []
    for m in _TOKEN.finditer(text):
        name = canonical(m.group())
        if name is None:
            return None
        columns.append(Column(name, m.start(), m.end(), COLUMNS[name].right))
    names = [c.name for c in columns]
    if not names or "ACTION" in names or len(set(names)) != len(names):
        return None  # --poll event streams are not tables
    if "TARGET" not in names and "SOURCE" not in names:
        return None
    if len(names) == 1 and names[0] != "TARGET":
        return None
    return columns


class _Table:
    def __init__(self, columns: list[Column]) -> None:
        self.columns = columns
        names = [c.name for c in columns]
        self.tree = names.index("TARGET") if "TARGET" in names else None
        # Where a column's cells may begin: a right-aligned value can reach
        # left of its header, up to the previous header's end.
        self.min_start = [
            (columns[i - 1].end + 1 if i else 0) if c.right else c.start
            for i, c in enumerate(columns)
        ]

    def row_start(self, g: str | list[str]) -> tuple[int, int] | None:
        if self.tree is None:
            first = cut(g, 0, 1)
            return (0, 0) if first and first != " " else None
        start = self.columns[self.tree].start
        return tree_prefix(cut(g, start, start + 64))

    def content_start(self, g: str | list[str]) -> int | None:
        for pos in range(len(g)):
            if g[pos] not in ("", " ", "│", "|"):
                return pos
        return None

    def column_at(self, pos: int, cursor: int) -> int:
        found = cursor
        for i in range(cursor, len(self.columns)):
            if self.min_start[i] <= pos:
                found = i
        return found

    def starts_on_line(
        self, g: str | list[str], first: int, last: int, line_start: int
    ) -> list[int]:
        """Where each column from ``first`` to ``last`` begins on this line."""
        starts = []
        for i in range(first, last + 1):
            col = self.columns[i]
            if i == first:
                starts.append(line_start)
            elif col.right:
                # A right-aligned value ends exactly where its header ends.
                begin = col.end
                if cut(g, begin - 1, begin) not in ("", " "):
                    while begin > starts[-1] + 1 and cut(g, begin - 1, begin) not in ("", " "):
                        begin -= 1
                starts.append(begin)
            else:
                starts.append(col.start)
        return starts


def _assemble(
    table: _Table, row: list[tuple[int, str | list[str]]]
) -> tuple[dict[str, str], int, set[str], list[str]]:
    """Cells of one logical row (its physical lines), its depth, and filled T cells."""
    columns = table.columns
    n = len(columns)
    cells: dict[str, str] = {}
    filled: set[str] = set()
    depth = 0
    cursor = 0
    problems: list[str] = []
    for k, (_, g) in enumerate(row):
        if k == 0:
            line_start = 0
            prefix = table.row_start(g)
            depth, art = prefix if prefix else (0, 0)
        else:
            pos = table.content_start(g)
            if pos is None or cursor >= n:
                if pos is not None:
                    problems.append("text after the last column")
                continue
            cursor = table.column_at(pos, cursor)
            line_start = (
                columns[cursor].start if not columns[cursor].right else table.min_start[cursor]
            )
            art = 0
        last = n - 1
        for j in range(cursor + 1, n):
            sep = columns[j].start - 1
            if not columns[j].right and 0 <= sep < len(g) and g[sep] not in ("", " "):
                last = j - 1  # this value ran over the separator: it overflowed
                break
        else:
            if k + 1 < len(row):
                nxt = table.content_start(row[k + 1][1])
                if nxt is not None:
                    last = max(cursor, table.column_at(nxt, cursor) - 1)
        starts = table.starts_on_line(g, cursor, last, line_start)
        for offset, i in enumerate(range(cursor, last + 1)):
            begin = starts[offset]
            end = starts[offset + 1] if i < last else None
            text = cut(g, begin, end)
            if i == table.tree and k == 0:
                tree_start = columns[i].start
                text = cut(g, max(begin, tree_start + art), end)
            if (
                COLUMNS[columns[i].name].trunc
                and end is not None
                and end - 2 >= begin
                and cut(g, end - 2, end - 1) not in ("", " ")
            ):
                filled.add(columns[i].name)  # the value reaches its column's last cell
            cells[columns[i].name] = text.rstrip()
        cursor = last + 1
    return cells, depth, filled, problems


def _from_terminal(rows: list[list[tuple[int, str | list[str]]]], line_width: int) -> bool:
    """Whether findmnt fitted this table to a terminal (and so may have cut values).

    Evidence: a row that overflowed onto a continuation line, or several rows
    that stop at exactly the same width with different endings (piped output
    is never cut, so its lines end wherever their last value ends).
    """
    if any(len(r) > 1 for r in rows):
        return True
    at_width = {cut(r[-1][1], line_width - 12) for r in rows if len(r[-1][1]) == line_width}
    return len(at_width) >= 2 and sum(len(r[-1][1]) == line_width for r in rows) >= 3


def parse_table(
    lines: list[str], first_line: int, origin: str, columns: list[Column], header: bool = True
) -> MountTable:
    """Parse lines (the header first when ``header``) of a findmnt human table."""
    table = _Table(columns)
    body = lines[1:] if header else lines
    body_first = first_line + (1 if header else 0)
    rows: list[list[tuple[int, str | list[str]]]] = []
    warnings: list[InputWarning] = []
    for offset, line in enumerate(body):
        if not line.strip() and not rows:
            continue
        g = grid(line)
        if table.row_start(g) is not None or not rows:
            rows.append([(body_first + offset, g)])
        else:
            rows[-1].append((body_first + offset, g))
    # The terminal's width: the longest line that ends in the last column
    # (lines that overflowed are longer; the terminal wrapped them).
    line_width = max((len(r[-1][1]) for r in rows), default=0)
    from_terminal = _from_terminal(rows, line_width)
    mounts: list[Mount] = []
    parents: list[int] = []
    stack: list[int] = []  # mount index at each depth
    for row in rows:
        lineno = row[0][0]
        cells, depth, filled, problems = _assemble(table, row)
        decoded = {name: decode_hex(value) for name, value in cells.items()}
        for name in [c.name for c in columns]:
            decoded.setdefault(name, "")
        raw = "\n".join(cut(g, 0) for _, g in row)
        cut_fields: set[str] = set()
        if from_terminal:
            cut_fields = set(filled)
            last_name = columns[-1].name
            if COLUMNS[last_name].trunc and len(row[-1][1]) >= line_width and cells.get(last_name):
                cut_fields.add(last_name)
        truncated = tuple(sorted(f.lower() for f in cut_fields))
        result = mount_from_cells(decoded, lineno, raw, truncated)  # type: ignore[arg-type]
        if isinstance(result, str):
            warnings.append(InputWarning(origin, lineno, f"skipped: {result}"))
            continue
        if "TARGET" in decoded and not result.target.startswith("/"):
            warnings.append(InputWarning(origin, lineno, "skipped: TARGET is not a path"))
            continue
        for problem in problems:
            warnings.append(InputWarning(origin, lineno, problem))
        if cut_fields:
            warnings.append(
                InputWarning(
                    origin,
                    lineno,
                    f"{', '.join(sorted(cut_fields))} of {result.target} may be cut at the "
                    "terminal width (findmnt truncates without an ellipsis)",
                )
            )
        depth = min(depth, len(stack))
        del stack[depth:]
        parents.append(stack[-1] if stack else -1)
        stack.append(len(mounts))
        mounts.append(result)
    names = [c.name for c in columns]
    drawn = table.tree is not None and any(p >= 0 for p in parents)  # -l draws no tree
    return MountTable(
        tuple(mounts),
        NAME,
        origin,
        fields_of(names),
        warnings=tuple(warnings),
        layout_parents=tuple(parents) if drawn else None,
        first_line=first_line,
        last_line=first_line + len(lines) - 1,
    )


def _tree_row(line: str) -> bool:
    """A findmnt tree row below the root, with its columns: "│ ├─/t  src  type opts"
    (a column as wide as its widest value leaves one space before the next)."""
    prefix = tree_prefix(line[:64])
    if prefix is None or prefix[0] == 0:
        return False
    body = line[prefix[1] :].rstrip()
    return body.startswith("/") and len([g for g in body.split("  ") if g.strip()]) >= 3


def detect(lines: list[str], start: int) -> bool:
    """Whether a text that is one table is findmnt's tree or -l output
    (``lines[start]`` is its first non-blank line): a header, or with -n a
    tree (art before the targets, from its root or cut from it) or a list of
    aligned columns."""
    first = lines[start]
    if parse_header(first) is not None:
        return True
    head = [line for line in lines[start : start + 20] if line.strip()]
    if not first.startswith("/"):
        # A tree printed with -n and cut from its root ("findmnt | grep", an
        # excerpt): every line a branch whose target is a path, with the
        # SOURCE, FSTYPE and OPTIONS columns after it.
        return all(_tree_row(line) for line in head)
    if any(tree_prefix(line) not in (None, (0, 0)) for line in head[1:]):
        return True
    return (
        len(head) > 1
        and all(line.startswith("/") for line in head)
        and all("  " in line.rstrip() for line in head)
    )


def parse(lines: list[str], first_line: int, origin: str) -> MountTable:
    for offset, line in enumerate(lines):
        if line.strip():
            columns = parse_header(line)
            if columns is not None and collapsed(lines[offset:]):
                return parse_collapsed(lines[offset:], first_line + offset, origin, columns)
            if columns is not None:
                return parse_table(lines[offset:], first_line + offset, origin, columns)
            return parse_headerless(lines[offset:], first_line + offset, origin)
    return MountTable((), NAME, origin, frozenset())


# Without a header (-n) the columns are inferred from where every line has a
# gap, and named as findmnt's defaults. The result is marked as a guess.


def parse_headerless(lines: list[str], first_line: int, origin: str) -> MountTable:
    grids = [grid(line) for line in lines if line.strip()]
    longest = max((len(g) for g in grids), default=0)
    # Tree art holds spaces too; gaps count only to the right of all of it.
    art = max(((p or (0, 0))[1] for p in (tree_prefix(cut(g, 0, 64)) for g in grids)), default=0)
    # No real findmnt table is wider than this; past it, gaps are not columns
    # (and scanning every position of megabyte lines would take minutes).
    limit = min(longest, 4096)
    # One pass over the characters (not one over all lines per column): a
    # column starts where no line has a character just before it and some
    # line shows one (the right half of a wide character is not shown).
    taken = bytearray(limit)
    shown = bytearray(limit)
    # How many lines start a value at each column: a real column starts on
    # most lines, a space inside one value ("/mnt/my share") on one.
    begins = [0] * limit
    counted = 0
    for g in grids:
        prefix = tree_prefix(cut(g, 0, 64))
        if "  " not in cut(g, prefix[1] if prefix else 0).strip():
            continue  # a target alone on its line (it overflowed): no gaps to learn from
        counted += 1
        if isinstance(g, str):
            for m in _NOT_SPACE.finditer(g, 0, limit):
                taken[m.start() : m.end()] = shown[m.start() : m.end()] = b"\1" * (
                    m.end() - m.start()
                )
                begins[m.start()] += 1
        else:
            for p, char in enumerate(g[:limit]):
                if char != " ":
                    taken[p] = 1
                    if char:
                        shown[p] = 1
                        if p and g[p - 1] == " ":
                            begins[p] += 1
    enough = max(1, counted // 2)
    starts = [0] + [
        p for p in range(art + 1, limit) if not taken[p - 1] and shown[p] and begins[p] >= enough
    ]
    starts = starts[: len(DEFAULT_COLUMNS)]
    columns = [
        Column(name, s, s + len(name), False)
        for name, s in zip(DEFAULT_COLUMNS, starts, strict=False)
    ]
    capture = parse_table(lines, first_line, origin, columns, header=False)
    guessed = InputWarning(
        origin, first_line, f"no header: columns guessed as {' '.join(c.name for c in columns)}"
    )
    return replace(capture, warnings=(guessed, *capture.warnings))


# --- tables whose spacing was collapsed --------------------------------------
#
# A document converter (HTML, PDF, a word processor) turns each run of spaces
# into one: columns no longer line up, the tree art loses the spaces that
# gave depths, and wrapped rows and "..." elisions remain. Cells are then
# split at spaces (the last column takes the rest; a target may hold spaces
# only when the line has more words than columns), and parents are guessed
# from the paths.

_ART_CHARS = "│|├└─` -"
_ELISIONS = frozenset({"...", "…", "[...]", "[…]"})
_BRANCH = re.compile(r"[│| ]*(?:├─|└─|\|-|`-)")


def _body(line: str) -> str:
    """A line without its tree art and leading spaces."""
    return line.lstrip(_ART_CHARS) if line[:1] in _ART_CHARS else line


def collapsed(lines: list[str]) -> bool:
    """Whether a findmnt table (header first) lost its column alignment:
    the header and every row are single-spaced, and rows hold tree art or
    more words than columns (which -r output, also single-spaced, never has)."""
    header = lines[0].strip()
    if "  " in header:
        return False
    count = len(header.split(" "))
    seen = wider = False
    for line in lines[1:]:
        text = line.rstrip()
        if not text:
            break
        body = _body(text)
        if "  " in body:
            return False
        seen = True
        wider = wider or text[:1] in "│├└" or body in _ELISIONS or body.count(" ") >= count
    return seen and wider


def _collapsed_row(words: list[str], names: list[str]) -> dict[str, str]:
    """Cells of a row from its words: TARGET first, the other columns from
    the right; extra words stay in TARGET (a path with spaces)."""
    cells = dict.fromkeys(names, "")
    if not words:
        return cells
    rest = names[1:]
    if len(words) - 1 > len(rest):
        extra = len(words) - 1 - len(rest)
        words = [" ".join(words[: extra + 1]), *words[extra + 1 :]]
    cells[names[0]] = words[0]
    values = words[1:]
    # Fewer words than columns: the first ones after TARGET are the empty
    # ones (findmnt leaves an empty SOURCE blank; the last column is rarely empty).
    for name, value in zip(rest[-len(values) :] if values else [], values, strict=True):
        cells[name] = value
    return cells


def parse_collapsed(
    lines: list[str], first_line: int, origin: str, columns: list[Column]
) -> MountTable:
    names = [c.name for c in columns]
    warnings = [
        InputWarning(
            origin,
            first_line,
            "the table's spacing was collapsed (a document "
            "converter?): cells split at spaces, parents guessed from the paths",
        )
    ]
    if names[0] != "TARGET":
        warnings.append(InputWarning(origin, first_line, "skipped: TARGET is not the first column"))
        return MountTable(
            (),
            NAME,
            origin,
            fields_of(names),
            warnings=tuple(warnings),
            first_line=first_line,
            last_line=first_line + len(lines) - 1,
        )
    rows: list[tuple[int, list[str], list[str]]] = []  # (line, words, raw lines)
    for offset, line in enumerate(lines[1:], 1):
        text = line.rstrip()
        if not text:
            break
        lineno = first_line + offset
        body = _body(text)
        if body in _ELISIONS:
            warnings.append(
                InputWarning(origin, lineno, "lines left out here ('...'): mounts may be missing")
            )
            continue
        is_row = body.startswith("/") and (_BRANCH.match(text) is not None or text[:1] == "/")
        if is_row or not rows:
            rows.append((lineno, body.split(" "), [text]))
        else:
            rows[-1][1].extend(body.split(" "))
            rows[-1][2].append(text)
    mounts: list[Mount] = []
    for lineno, words, raw in rows:
        cells = _collapsed_row([w for w in words if w], names)
        cut = [n for n, v in cells.items() if v.endswith(("...", "…"))]
        for name in cut:
            cells[name] = cells[name].rstrip(".…")
        decoded = {name: decode_hex(value) for name, value in cells.items()}
        mount = mount_from_cells(decoded, lineno, "\n".join(raw))  # type: ignore[arg-type]
        if isinstance(mount, str) or not mount.target.startswith("/"):
            warnings.append(
                InputWarning(
                    origin,
                    lineno,
                    f"skipped: {mount if isinstance(mount, str) else 'TARGET is not a path'}",
                )
            )
            continue
        if cut:
            mount = replace(mount, truncated=tuple(sorted(n.lower() for n in cut)))
        mounts.append(mount)
    return MountTable(
        tuple(mounts),
        NAME,
        origin,
        fields_of(names),
        warnings=tuple(warnings),
        first_line=first_line,
        last_line=first_line + len(lines) - 1,
    )


def _scan_collapsed(lines: list[str], start: int) -> int:
    # Only lines a collapsed table can hold: rows, art, continuations
    # (indented), elisions. Another header or prose ends it, so each line is
    # walked from one header at most.
    end = start + 1
    while (
        end < len(lines)
        and lines[end].strip()
        and (
            lines[end][:1] in _ART_CHARS or lines[end][:1] == "/" or _body(lines[end]) in _ELISIONS
        )
    ):
        end += 1
    return end - start if collapsed(lines[start:end]) else 0


def scan(lines: list[str], start: int) -> int:
    """Lines from ``start`` that form a findmnt table (header first), 0 if none."""
    columns = parse_header(lines[start])
    if columns is None:
        return 0
    if "  " not in lines[start].strip():
        found = _scan_collapsed(lines, start)
        if found:
            return found
    table = _Table(columns)
    end = start + 1
    rows = 0
    while end < len(lines):
        line = lines[end]
        if not line.strip():
            break
        g = grid(line)
        if table.row_start(g) is not None:
            cells, _, _, _ = _assemble(table, [(0, g)])
            target = cells.get("TARGET")
            if target is not None and not decode_hex(target).startswith("/"):
                break
            rows += 1
        elif rows == 0:
            break
        end += 1
    return end - start if rows else 0
