"""Prefixes that logs, chats and quotes put before each line of a table.

A table seldom reaches a reader as it was printed: CloudWatch (``aws logs
tail``) puts a timestamp and a stream name before each line, Python's
logging a timestamp, a request id and a level, other loggers a timestamp and
a ``|``, a chat a name and ``:``, Markdown and e-mail a ``>``. Such a prefix
is removed when consecutive lines share it (the same kinds of tokens in the
same order, or the same chat name), so that it never lands in a field; each
run removed is reported, and line numbers do not move. This happens while
the format is being detected; a format named with --format (or in a
snapshot) reads the lines as they are, and a table read without its
prefixes keeps the lines it was read from, so its snapshot reads back the same.

Each line is matched once by an anchored regular expression without nested
repetition, so the work is linear in the text.
"""

from __future__ import annotations

import re

from mountscope.record import record

# One token of a log prefix, each followed by one space or tab.
_TOKENS = (
    # 2024-05-01T12:00:00.123000+00:00, 2021-06-29 09:59:08.929, ...Z
    ("time", r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d{1,9})?(?:Z|[+-]\d\d:?\d\d)?"),
    # CloudWatch's log stream: 2024/05/01/[$LATEST]0123abcd...
    ("stream", r"\d{4}/\d\d/\d\d/\[[^\]\s]{1,64}\][0-9a-fA-F]{1,64}"),
    # syslog: "May  1 12:00:00"
    ("syslog", r"[A-Z][a-z]{2} {1,2}\d{1,2} \d\d:\d\d:\d\d"),
    ("clock", r"\[?\d\d:\d\d:\d\d(?:[.,]\d{1,9})?\]?"),
    # A request id (a UUID).
    ("id", r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"),
    ("level", r"\[?(?:TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|CRITICAL|FATAL)\]?"),
    ("bar", r"\|"),
)
_LOG = re.compile(
    r"[ \t]{0,8}(?:(?:"
    + "|".join(f"(?P<{name}>{pattern})" for name, pattern in _TOKENS)
    + r")(?:[ \t]|$))"
)
# A chat line: a short name, ":" and a space ("bob: "), or "<bob> ". One
# letter and a colon is a Windows drive ("C: /mnt/c drvfs ..."), not a name.
_CHAT = re.compile(r"(?:([A-Za-z][\w.-]{1,31}): |<([A-Za-z][\w.-]{0,31})> )")
# Markdown and e-mail quotes: ">" (nested: "> >" or ">>"), then one space.
_QUOTE = re.compile(r"(?:>[ \t]?)+")
# A prefix holds at most this many log tokens (the rest is the row).
_MAX_TOKENS = 8


@record(frozen=True, slots=True)
class Run:
    """Consecutive lines (indexes ``first`` to ``last``) that shared a prefix."""

    first: int
    last: int
    kind: str
    example: str


def _prefix(line: str) -> tuple[str, int] | None:
    """(kind, length) of a prefix at the start of ``line``, or None."""
    if line.startswith(">"):
        m = _QUOTE.match(line)
        assert m is not None
        return "quote " + m.group().replace(" ", "").replace("\t", ""), m.end()
    kinds: list[str] = []
    at = 0
    while len(kinds) < _MAX_TOKENS:
        m = _LOG.match(line, at)
        if m is None or m.end() == at or (not kinds and m.lastgroup == "bar"):
            break  # a "| " first is ASCII tree art, not a log's separator
        kinds.append(m.lastgroup or "")
        at = m.end()
    if kinds:
        return "log " + " ".join(kinds), at
    m = _CHAT.match(line)
    if m is not None:
        return "chat " + (m.group(1) or m.group(2)), m.end()
    return None


def strip(lines: list[str]) -> tuple[list[str], list[Run]]:
    """The lines without the prefixes they share, and where each run was.

    A run needs two lines or more (one line alone is stripped only when it is
    the whole text). Inside a run, whitespace that every line has after the
    prefix goes too, but no more: a /proc/mounts line whose source is empty
    starts with a space, and keeps it.
    """
    # (isspace() rather than strip(): strip would copy every line)
    found = [None if not line or line.isspace() else _prefix(line) for line in lines]
    nonblank = sum(1 for line in lines if line and not line.isspace())
    out = lines
    runs: list[Run] = []
    i = 0
    while i < len(lines):
        here = found[i]
        if here is None:
            i += 1
            continue
        j = i
        while j + 1 < len(lines) and found[j + 1] is not None and found[j + 1][0] == here[0]:  # type: ignore[index]
            j += 1
        if j > i or nonblank == 1:
            if out is lines:
                out = list(lines)
            rests = [lines[k][found[k][1] :] for k in range(i, j + 1)]  # type: ignore[index]
            common = min((len(r) - len(r.lstrip(" \t")) for r in rests if r.strip()), default=0)
            for k, rest in zip(range(i, j + 1), rests, strict=True):
                out[k] = rest[common:]
            runs.append(Run(i, j, here[0], lines[i][: found[i][1] + common]))  # type: ignore[index]
        i = j + 1
    return out, runs


def describe(run: Run) -> str:
    """What was removed, in a warning: the kind of prefix and its first form."""
    what = {"log": "a log prefix", "chat": "a chat name", "quote": "a quote mark"}[
        run.kind.split(" ", 1)[0]
    ]
    count = run.last - run.first + 1
    return (
        f"{what} ({run.example.strip()!r}) before {count} line{'s' if count > 1 else ''}: removed"
    )
