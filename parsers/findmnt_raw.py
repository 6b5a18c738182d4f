"""findmnt ``-r`` (raw): one space between cells, unsafe bytes as ``\\xHH``.

An empty cell leaves two spaces in a row, so lines are split on single
spaces, never on runs. With ``--tree`` the tree art sits inside TARGET,
hex-escaped; it is decoded, then stripped to give the depth.
"""

from __future__ import annotations

from mountscope.errors import InputWarning
from mountscope.model import MountTable
from mountscope.model.columns import DEFAULT_COLUMNS, canonical
from mountscope.parsers.columns import TableRows
from mountscope.text import decode_hex

NAME = "findmnt-raw"


def parse_header(line: str) -> list[str] | None:
    """Column names of a raw header (single spaces only), or None."""
    names = []
    for token in line.rstrip(" ").split(" "):
        name = canonical(token)
        if name is None:
            return None  # (at the first word that is not a column: most lines)
        names.append(name)
    if len(set(names)) != len(names) or ("TARGET" not in names and "SOURCE" not in names):
        return None
    return names


def detect(lines: list[str], start: int) -> bool:
    """Whether a text that is one table is findmnt -r output (``lines[start]``
    is its first non-blank line): a -r header, or rows of ``findmnt -rn``,
    each one a path and single spaces, the same number on every row."""
    if scan(lines, start):
        return True
    head = _head(lines, start)
    return (
        len(head) > 1
        and all(line.startswith("/") for line in head)
        and len({line.count(" ") for line in head}) == 1
        and all(headerless(line) for line in head)
    )


def _head(lines: list[str], start: int) -> list[str]:
    return [line for line in lines[start : start + 20] if line.strip()]


def headerless(line: str) -> bool:
    """Whether a line may be a row of ``findmnt -rn`` (default columns, no
    header): a target path (or escaped tree art) and at most three more cells."""
    return line.startswith(("/", "\\x")) and line.count(" ") < len(DEFAULT_COLUMNS)


def row_fits(line: str, count: int) -> bool:
    """A raw row has at most ``count`` cells (trailing empty ones may be stripped)."""
    return line.count(" ") < count and not line.startswith("  ")


# Lines that stand for lines an author left out, never a mount.
_ELISIONS = frozenset({"...", "…", "[...]", "[…]"})


def parse(lines: list[str], first_line: int, origin: str) -> MountTable:
    names: list[str] | None = None
    rows = TableRows(origin)
    for offset, line in enumerate(lines):
        lineno = first_line + offset
        if not line.strip():
            continue
        if names is None:
            names = parse_header(line)
            if names is None and not headerless(line):
                rows.warnings.append(InputWarning(origin, lineno, "not a findmnt -r header"))
                break
            if names is None:
                # findmnt -rn: no header, so the default columns are assumed.
                names = list(DEFAULT_COLUMNS)
                rows.warnings.append(
                    InputWarning(origin, lineno, f"no header: columns guessed as {' '.join(names)}")
                )
            else:
                continue
        if line.strip() in _ELISIONS:  # an author cut lines out of the capture here
            rows.warnings.append(
                InputWarning(origin, lineno, "lines left out here ('...'): mounts may be missing")
            )
            continue
        cells = line.split(" ")
        if len(cells) > len(names):
            rows.warnings.append(
                InputWarning(
                    origin, lineno, f"skipped: {len(cells)} cells for {len(names)} columns"
                )
            )
            continue
        cells += [""] * (len(names) - len(cells))
        rows.add({n: decode_hex(c) for n, c in zip(names, cells, strict=True)}, lineno, line)
    return rows.capture(NAME, names or [], first_line, len(lines))


def scan(lines: list[str], start: int) -> int:
    names = parse_header(lines[start])
    if names is None or "  " in lines[start].rstrip():
        return 0
    end = start + 1
    while end < len(lines) and lines[end].strip() and row_fits(lines[end], len(names)):
        end += 1
    if end < len(lines) and lines[end][:1] in ("│", "├", "└"):
        return 0  # a tree goes on below: raw output escapes its art
    # Needs rows, and a row that uses the raw escapes or fills every cell,
    # to tell it from a human table whose columns happen to be one space apart.
    return end - start if end > start + 1 else 0
