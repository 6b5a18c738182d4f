"""What the one-mount-a-line formats (mountinfo, /proc/mounts, mount(8)) share:
a line parser applied to every line, malformed lines kept as warnings."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from mountscope.errors import InputWarning
from mountscope.model import Mount, MountTable

# A line parser gives a Mount, a Mount and a warning about it, or the reason
# the line is not one.
LineParser = Callable[[str, int], "Mount | tuple[Mount, str | None] | str"]

# A shell prompt and the command typed after it: "user@host:~$ cat /proc/mounts".
PROMPT = re.compile(r"^(?:\S*[$#%>] |\[[^\]]*\][$#] |PS [^>]*> )(.+)$")


def _mount_of(result: Mount | tuple[Mount, str | None] | str) -> Mount | None:
    if isinstance(result, str):
        return None
    return result[0] if isinstance(result, tuple) else result


def unprompted(line: str, parse_line: LineParser) -> str | None:
    """The table line after a shell prompt glued before it, or None.

    Only when what follows the prompt reads as a whole mount with a source
    and an absolute target: a source that merely ends in "$" ("//srv/c$")
    leaves too few fields behind and stays as it is.
    """
    match = PROMPT.match(line)
    if match is None:
        return None
    mount = _mount_of(parse_line(match.group(1), 0))
    if mount is None or not mount.source or not mount.target.startswith("/"):
        return None
    return match.group(1)


def parse_lines(
    lines: Iterable[str], first_line: int, origin: str, parse_line: LineParser
) -> tuple[list[Mount], list[InputWarning]]:
    mounts: list[Mount] = []
    warnings: list[InputWarning] = []
    first = True
    for offset, line in enumerate(lines):
        if not line or line.isspace():  # (strip() would copy every long line)
            continue
        lineno = first_line + offset
        if first:
            first = False
            rest = unprompted(line, parse_line)
            if rest is not None:
                # A prompt glued to the table's first line (a copy without the
                # newline after the command): the mount is read, and said so.
                warnings.append(
                    InputWarning(origin, lineno, "a shell prompt before the line: read without it")
                )
                line = rest
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


def line_table(
    name: str, fields: frozenset[str], parse_line: LineParser
) -> Callable[[list[str], int, str], MountTable]:
    """The whole-table parser of a one-mount-a-line format."""

    def parse(lines: list[str], first_line: int, origin: str) -> MountTable:
        mounts, warnings = parse_lines(lines, first_line, origin, parse_line)
        return MountTable(
            tuple(mounts),
            name,
            origin,
            fields,
            warnings=tuple(warnings),
            first_line=first_line,
            last_line=first_line + len(lines) - 1,
        )

    return parse


def scan_lines(lines: list[str], start: int, looks_like: Callable[[str], bool]) -> int:
    """How many lines from ``start`` look like this format (0 if none)."""
    end = start
    while end < len(lines) and looks_like(lines[end]):
        end += 1
    return end - start
