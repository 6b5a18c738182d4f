"""findmnt -J documents damaged the two ways they usually are.

- A trailing comma before ``]`` or ``}``: someone deleted entries by hand.
- Cut off mid-entry: the capture hit a length limit (a log line, a
  terminal's scrollback, a message size). What was complete before the cut
  is kept: the text is cut after the last ``}`` or ``]`` that closed, and the
  brackets still open are closed.

Both are repaired in one pass over the text (strings, brackets and commas
found by one regular expression), and each repair is reported with its line.
Anything else (two documents, garbage) is not repaired.
"""

from __future__ import annotations

import re

# A string (maybe unterminated: cut off inside it), or a bracket or a comma.
_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"?|[\[\]{},]')
_CLOSER = {"{": "}", "[": "]"}


def repair(text: str) -> tuple[str, list[tuple[int, str]]] | None:
    """The repaired text and (offset, what was done) for each repair, or None
    when the text is not one JSON document damaged in these ways."""
    stack: list[str] = []
    commas: list[int] = []  # trailing commas, dropped
    comma = -1  # offset of the last comma, while only blanks follow it
    safe = -1  # just after the last bracket that closed
    safe_depth = 0
    started = False
    for match in _TOKEN.finditer(text):
        token = match.group()
        at = match.start()
        if comma >= 0 and text[comma + 1 : at].strip():
            comma = -1  # a value followed it
        if token in ("{", "["):
            if started and not stack:
                return None  # a second document
            started = True
            stack.append(token)
            comma = -1
        elif token in ("}", "]"):
            if not stack or _CLOSER[stack[-1]] != token:
                return None
            if comma >= 0:
                commas.append(comma)
                comma = -1
            stack.pop()
            safe, safe_depth = match.end(), len(stack)
        elif token == ",":
            comma = at
        else:
            comma = -1
    if not started:
        return None
    repairs = [(at, "a trailing comma (JSON allows none): ignored") for at in commas]
    end = len(text)
    tail = ""
    if stack:
        if safe < 0 or safe_depth == 0:
            return None  # nothing complete before the cut
        # After the last close the stack only grew: its bottom is the same.
        repairs.append(
            (
                safe,
                "the JSON is cut off inside an entry after this line: read the entries up to here",
            )
        )
        end = safe
        tail = "".join(_CLOSER[b] for b in reversed(stack[:safe_depth]))
    elif not commas:
        return None  # nothing this module repairs
    pieces = []
    last = 0
    for at in commas:
        if at >= end:
            break
        pieces.append(text[last:at])
        last = at + 1
    pieces.append(text[last:end])
    pieces.append(tail)
    return "".join(pieces), repairs


def line_numbers(text: str, offsets: list[int], first_line: int) -> list[int]:
    """The line of each offset (ascending offsets), counted in one pass."""
    lines = []
    line = first_line
    last = 0
    for at in offsets:
        line += text.count("\n", last, at)
        last = at
        lines.append(line)
    return lines
