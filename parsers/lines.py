"""What the one-mount-a-line formats (mountinfo, /proc/mounts, mount(8)) share:
a line parser applied to every line, malformed lines kept as warnings."""

from __future__ import annotations

from collections.abc import Callable

from mountscope.errors import InputWarning
from mountscope.model import Mount, MountTable

# A line parser gives a Mount, a Mount and a warning about it, or the reason
# the line is not one.
LineParser = Callable[[str, int], "Mount | tuple[Mount, str | None] | str"]


def parse_lines(lines: list[str], first_line: int, origin: str,
                parse_line: LineParser) -> tuple[list[Mount], list[InputWarning]]:
    mounts: list[Mount] = []
    warnings: list[InputWarning] = []
    for offset, line in enumerate(lines):
        if not line or line.isspace():  # (strip() would copy every long line)
            continue
        lineno = first_line + offset
        result = parse_line(line, lineno)
        if isinstance(result, str):
            warnings.append(InputWarning(origin, lineno, f"skipped: {result}"))
            continue
        if isinstance(result, tuple):
            result, note = result
            if note:
                warnings.append(InputWarning(origin, lineno, note))
        mounts.append(result)
    return mounts, warnings


def line_table(name: str, fields: frozenset[str], parse_line: LineParser
               ) -> Callable[[list[str], int, str], MountTable]:
    """The whole-table parser of a one-mount-a-line format."""

    def parse(lines: list[str], first_line: int, origin: str) -> MountTable:
        mounts, warnings = parse_lines(lines, first_line, origin, parse_line)
        return MountTable(mounts, name, origin, fields, warnings=warnings,
                       first_line=first_line, last_line=first_line + len(lines) - 1)

    return parse


def scan_lines(lines: list[str], start: int, looks_like: Callable[[str], bool]) -> int:
    """How many lines from ``start`` look like this format (0 if none)."""
    end = start
    while end < len(lines) and looks_like(lines[end]):
        end += 1
    return end - start
