"""Terminal recordings: `script` typescripts, asciinema v2 casts, raw ANSI logs.

A recording is replayed through pyte at its recorded width and height to get
back the text a person saw. Nothing is lost on the way:

- lines that scroll off the top are kept, in order;
- a clear screen (ESC [2J, ESC c) first keeps what was on the screen;
- a full-screen program (the alternate screen, which pyte does not have)
  gets its own screen, whose last view is kept when it exits, and the main
  screen comes back as it was;
- a line the terminal wrapped at its width is joined back into one line.

The text, with the time each line appeared, then goes to the ordinary table
extraction, so every table in the recording comes out with the command that
printed it and, where the recording has timing, when.
"""

from __future__ import annotations

import bisect
import json
import math
import re
from typing import NamedTuple

import pyte
from pyte import modes as mo
from pyte.screens import wcwidth

from mountscope.errors import InputWarning, NoMountTable, ParseError
from mountscope.model import MountTable, RecordingOrigin
from mountscope.parsers import recording_kind
from mountscope.record import replace

# Private modes that switch to the alternate screen (xterm).
_ALTERNATE = frozenset({47, 1047, 1049})
_SCRIPT_HEADER = re.compile(
    r"Script started on (?P<when>[^\[\n]*?)\s*(?:\[(?P<info>[^\]]*)\])?\s*$"
)
_SCRIPT_FOOTER = re.compile(rb"\r?\nScript done on [^\n]*\n?$")
# Wide enough that no line of a log without a recorded width is wrapped.
LOG_COLUMNS, LOG_LINES = 1000, 200


class ScreenLine(NamedTuple):
    text: str
    time: float | None
    lost: str | None = None  # why part of this line could not be replayed


class ReplayTooLarge(Exception):
    """The recording asks for far more screen work than its size accounts for."""


# Text kept from one cell: its character and the invisible ones that follow it.
# A hostile recording can pile invisible characters onto one cell; past this
# many, the rest are dropped (and the line is reported), so that each one
# costs a bounded copy.
MAX_CELL = 256
_NOT_DRAWN = object()
_BLANK_LINE = ScreenLine("", None)


class _Row(list[str]):
    """One screen row: one string per cell ("" behind a wide character)."""

    __slots__ = ("soft", "time", "used", "lost")
    soft: bool  # it continues the row above (the terminal wrapped)
    time: object  # when it was first drawn on (_NOT_DRAWN before)
    used: int  # cells up to the last one drawn on
    lost: str | None  # why part of it could not be replayed


def _invisible(char: str) -> bool:
    # pyte's Screen.draw stops at (and drops the rest of the text after) any
    # character wcwidth gives no width, unless it is a combining mark; the
    # screen below keeps every such character with the cell before it.
    return bool(wcwidth(char) < 1)


class TranscriptScreen(pyte.Screen):
    """A pyte screen that keeps everything shown on it, in order, as text.

    pyte parses the stream and moves the cursor; the cells live here, as a
    list of strings per row in a list of rows, so that scrolling, inserting
    and erasing are slice operations rather than loops over the screen. Work
    that still grows with the screen's size (keeping rows, resizing) is
    counted against an allowance set by the recording's size.
    """

    def __init__(
        self, columns: int, lines: int, allowance: int = 1 << 62, newline_returns: bool = False
    ) -> None:
        self._ready = False
        self.newline_returns = newline_returns
        self.transcript: list[ScreenLine] = []
        self._soft: list[bool] = []
        self.now: float | None = None
        self.allowance = allowance
        self.spent = 0
        self._main: tuple[int, int] | None = None  # the cursor, while on the alternate screen
        self._stops: list[int] | None = None
        super().__init__(columns, lines)
        self._ready = True

    # --- rows ---------------------------------------------------------------------

    def _spend(self, units: int) -> None:
        self.spent += units
        if self.spent > self.allowance:
            raise ReplayTooLarge

    def _new_row(self) -> _Row:
        row = _Row(self._blank)
        row.soft, row.time, row.used, row.lost = False, _NOT_DRAWN, 0, None
        return row

    def _row(self, y: int) -> _Row:
        row = self.rows[y]
        if row is None:
            row = self.rows[y] = self._new_row()
        return row

    def _blank_cells(self, row: _Row | None, start: int, stop: int) -> None:
        start, stop = max(start, 0), min(stop, self.columns)
        if row is not None and start < stop:
            row[start:stop] = self._blank[: stop - start]

    def _keep_row(self, row: _Row | None) -> None:
        self.spent += 16
        if row is None:
            self.transcript.append(_BLANK_LINE)
            self._soft.append(False)
        else:
            text = "".join(row[: row.used])
            self.spent += len(text)
            when = None if row.time is _NOT_DRAWN else row.time
            self.transcript.append(ScreenLine(text, when, row.lost))  # type: ignore[arg-type]
            self._soft.append(row.soft)
        if self.spent > self.allowance:
            raise ReplayTooLarge

    def _keep_screen(self) -> None:
        """Keep every row up to the last one with text on it."""
        rows = self.rows
        if rows.count(None) == len(rows):
            return
        self._spend(len(rows))
        last = -1
        for y in range(len(rows) - 1, -1, -1):
            row = rows[y]
            if row is not None and "".join(row[: row.used]).strip():
                last = y
                break
        for y in range(last + 1):
            self._keep_row(rows[y])
        rows[:] = [None] * len(rows)

    # --- hooks into pyte ------------------------------------------------------------

    def reset(self) -> None:
        if self._ready:
            self._keep_screen()
        super().reset()
        self._blank = [" "] * self.columns
        self.rows: list[_Row | None] = [None] * self.lines
        self._stops = None

    def draw(self, data: str) -> None:
        data = data.translate(self.g1_charset if self.charset else self.g0_charset)
        cursor, columns = self.cursor, self.columns
        row = self._row(cursor.y)
        if row.time is _NOT_DRAWN:
            row.time = self.now
        for char in data:
            width = wcwidth(char)
            if width < 1:
                self._attach(row, char)
                continue
            if cursor.x >= columns:
                if mo.DECAWM in self.mode:  # the terminal wraps: a soft line break
                    cursor.x = 0
                    self.index()
                    row = self._row(cursor.y)
                    row.soft = True
                    if row.time is _NOT_DRAWN:
                        row.time = self.now
                else:  # no autowrap: the last cell is written over
                    cursor.x = max(columns - width, 0)
                    row.lost = (
                        row.lost or "text past the last column was written over (autowrap off)"
                    )
            x = cursor.x
            if mo.IRM in self.mode:
                self.insert_characters(width)
            old = row[x]
            if old != " " and old and _invisible(old[0]):
                char = _lead(old) + char  # invisible characters that were waiting for this cell
            row[x] = char
            if width == 2 and x + 1 < columns:
                row[x + 1] = ""
            cursor.x = min(x + width, columns)
            if cursor.x > row.used:
                row.used = cursor.x

    def _attach(self, row: _Row, char: str) -> None:
        """An invisible character belongs to the cell before the cursor; at the
        start of a line, it waits in the first cell for the next one drawn there."""
        x = min(self.cursor.x, self.columns) - 1
        if x >= 1 and row[x] == "":
            x -= 1  # the second half of a wide character
        cell = row[max(x, 0)]
        if len(cell) >= MAX_CELL:
            row.lost = row.lost or f"more than {MAX_CELL} invisible characters in one place"
            return
        if x >= 0:
            row[x] = cell + char
        elif cell == " ":
            row[0] = char
        else:
            lead = _lead(cell)
            row[0] = lead + char + cell[len(lead) :]
        row.used = max(row.used, x + 1, 1)

    def linefeed(self) -> None:
        self.index()
        if self.newline_returns or mo.LNM in self.mode:
            self.carriage_return()
        row = self.rows[self.cursor.y]
        if row is not None:
            row.soft = False

    def index(self) -> None:
        margins = self.margins
        top, bottom = (margins.top, margins.bottom) if margins else (0, self.lines - 1)
        if self.cursor.y == bottom:
            rows = self.rows
            if top == 0:
                self._keep_row(rows[0])  # it scrolls off the top: keep it
            del rows[top]
            rows.insert(bottom, None)
        else:
            self.cursor_down()

    def reverse_index(self) -> None:
        top, bottom = self.margins or pyte.screens.Margins(0, self.lines - 1)
        if self.cursor.y == top:
            del self.rows[bottom]
            self.rows.insert(top, None)
        else:
            self.cursor_up()

    def insert_lines(self, count: int | None = None) -> None:
        top, bottom = self.margins or pyte.screens.Margins(0, self.lines - 1)
        y = self.cursor.y
        if top <= y <= bottom:
            count = min(count or 1, bottom - y + 1)
            self.rows[y:y] = [None] * count
            del self.rows[bottom + 1 : bottom + 1 + count]
            self.carriage_return()

    def delete_lines(self, count: int | None = None) -> None:
        top, bottom = self.margins or pyte.screens.Margins(0, self.lines - 1)
        y = self.cursor.y
        if top <= y <= bottom:
            count = min(count or 1, bottom - y + 1)
            del self.rows[y : y + count]
            self.rows[bottom + 1 - count : bottom + 1 - count] = [None] * count
            self.carriage_return()

    def insert_characters(self, count: int | None = None) -> None:
        x, columns = self.cursor.x, self.columns
        count = min(count or 1, columns - x)
        row = self.rows[self.cursor.y]
        if row is None or count <= 0:
            return
        row[x:x] = self._blank[:count]
        if "".join(row[columns:]).strip():
            row.lost = row.lost or "text pushed past the last column"
        del row[columns:]
        row.used = min(row.used + count, columns)

    def delete_characters(self, count: int | None = None) -> None:
        x = self.cursor.x
        count = min(count or 1, self.columns - x)
        row = self.rows[self.cursor.y]
        if row is None or count <= 0:
            return
        del row[x : x + count]
        row.extend(self._blank[:count])

    def erase_characters(self, count: int | None = None) -> None:
        x = self.cursor.x
        self._blank_cells(self.rows[self.cursor.y], x, x + (count or 1))

    def erase_in_line(self, how: int = 0, private: bool = False) -> None:
        x, row = self.cursor.x, self.rows[self.cursor.y]
        if how == 0:
            self._blank_cells(row, x, self.columns)
        elif how == 1:
            self._blank_cells(row, 0, x + 1)
        elif how == 2:
            self._blank_cells(row, 0, self.columns)

    def erase_in_display(self, how: int = 0, *args: object, **kwargs: object) -> None:
        y = self.cursor.y
        if how == 0:
            self.rows[y + 1 :] = [None] * (self.lines - y - 1)
            self.erase_in_line(0)
        elif how == 1:
            self.rows[:y] = [None] * y
            self.erase_in_line(1)
        elif how in (2, 3):
            self._keep_screen()

    def alignment_display(self) -> None:
        """ESC # 8 fills the screen with E's to align a CRT: no text of the recording."""

    def set_tab_stop(self) -> None:
        super().set_tab_stop()
        self._stops = None

    def clear_tab_stop(self, how: int = 0) -> None:
        super().clear_tab_stop(how)
        self._stops = None

    def tab(self) -> None:
        if self._stops is None:
            self._stops = sorted(self.tabstops)
        at = bisect.bisect_right(self._stops, self.cursor.x)
        stop = self._stops[at] if at < len(self._stops) else self.columns - 1
        self.cursor.x = min(stop, self.columns - 1)

    def resize(self, lines: int | None = None, columns: int | None = None) -> None:
        lines, columns = lines or self.lines, columns or self.columns
        if (lines, columns) == (self.lines, self.columns):
            return
        rows = self.rows
        self._spend(lines + len(rows))
        if lines < len(rows):
            # Rows leave at the top, as the cursor's row stays in view: they were seen.
            drop = len(rows) - lines
            for row in rows[:drop]:
                self._keep_row(row)
            del rows[:drop]
            self.cursor.y = max(self.cursor.y - drop, 0)
        else:
            rows.extend([None] * (lines - len(rows)))
        if columns != self.columns:
            self._spend(columns * (len(rows) - rows.count(None)) // 16)
            for row in filter(None, rows):
                if columns < self.columns:
                    if "".join(row[columns:]).strip():
                        row.lost = row.lost or "text cut off when the terminal narrowed"
                    del row[columns:]
                    row.used = min(row.used, columns)
                else:
                    row.extend([" "] * (columns - self.columns))
        self.lines, self.columns = lines, columns
        self._blank = [" "] * columns
        self.cursor.x = min(self.cursor.x, columns)
        self.cursor.y = min(self.cursor.y, lines - 1)
        self.set_margins()

    def set_mode(self, *modes: int, **kwargs: object) -> None:
        if kwargs.get("private") and _ALTERNATE & set(modes) and self._main is None:
            # A full-screen program starts: keep the main screen as it was seen.
            self._keep_screen()
            self._main = (self.cursor.x, self.cursor.y)
        super().set_mode(*modes, **kwargs)  # type: ignore[arg-type]

    def reset_mode(self, *modes: int, **kwargs: object) -> None:
        if kwargs.get("private") and _ALTERNATE & set(modes) and self._main is not None:
            # It exits: keep its last view; the main screen's text is kept already.
            self._keep_screen()
            self.cursor.x, self.cursor.y = self._main
            self.cursor.x = min(self.cursor.x, self.columns)
            self.cursor.y = min(self.cursor.y, self.lines - 1)
            self._main = None
        super().reset_mode(*modes, **kwargs)  # type: ignore[arg-type]

    def finish(self) -> list[ScreenLine]:
        """Everything seen, wrapped lines joined back, with the time each appeared."""
        if self._main is not None:
            self.reset_mode(1049, private=True)
        self._keep_screen()
        lines: list[ScreenLine] = []
        parts: list[str] = []
        first: ScreenLine | None = None
        lost: str | None = None
        for line, soft in zip(self.transcript, self._soft, strict=True):
            if not (soft and first is not None):
                if first is not None:
                    lines.append(_joined(parts, first, lost))
                first, parts, lost = line, [], None
            parts.append(line.text)
            lost = lost or line.lost
        if first is not None:
            lines.append(_joined(parts, first, lost))
        return lines


def _joined(parts: list[str], first: ScreenLine, lost: str | None) -> ScreenLine:
    """One line of text from the screen rows it was wrapped over."""
    text = "".join(parts).rstrip()
    if len(parts) == 1 and text == first.text:
        return first
    return ScreenLine(text, first.time, lost)


def _lead(cell: str) -> str:
    """The invisible characters a cell starts with."""
    for at, char in enumerate(cell):
        if not _invisible(char):
            return cell[:at]
    return cell


class TolerantStream(pyte.ByteStream):
    """pyte raises on some malformed sequences (ESC [0;g calls clear_tab_stop
    with two arguments); a terminal ignores them, and so does this stream."""

    def _send_to_parser(self, data: str) -> bool | None:
        try:
            return super()._send_to_parser(data)
        except ReplayTooLarge:
            raise
        except Exception:  # noqa: BLE001 - pyte has reset its parser; the sequence is dropped
            return self._taking_plain_text


# Replaying may keep this many units of text (a character each, 16 a line) and
# screen work per byte of the recording; a real session stays far below.
WORK_PER_BYTE, WORK_BASE = 32, 1 << 22


def replay(
    chunks: list[tuple[float | None, bytes]],
    columns: int,
    lines: int,
    resizes: dict[int, tuple[int, int]] | None = None,
    origin: str = "recording",
    newline_returns: bool = False,
) -> list[ScreenLine]:
    """What a terminal of this size showed for these (time, bytes) chunks.

    ``newline_returns``: a line feed also returns the cursor to the first
    column, as it does on its way to a terminal (ONLCR) but not in a log a
    program wrote to a file."""
    size = sum(len(data) for _, data in chunks) + 32 * len(resizes or ())
    screen = TranscriptScreen(columns, lines, WORK_PER_BYTE * size + WORK_BASE, newline_returns)
    stream = TolerantStream(screen)
    try:
        for number, (when, data) in enumerate(chunks):
            if resizes and number in resizes:
                screen.resize(*resizes[number])
            screen.now = when
            stream.feed(data)
        return screen.finish()
    except ReplayTooLarge:
        raise ParseError(
            origin,
            "not replayed: it asks for far more screen work than a recording "
            "of its size can (a damaged or hostile recording)",
        ) from None


# --- recording formats -------------------------------------------------------------


# A recording's screen is replayed cell by cell: sizes past these are not a
# terminal (and would make the replay take forever).
MAX_COLUMNS, MAX_LINES = 2000, 1000


def _encoded(text: str) -> bytes:
    """The bytes of a text read with surrogateescape (JSON can also spell a lone
    surrogate such as \\ud800, which is no character: pyte shows it as U+FFFD)."""
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")


def _cells(value: object) -> int | None:
    """A count of cells: an integer (or a string of digits), nothing else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 9:
        value = int(value.strip())
    return value if isinstance(value, int) else None


def _size(width: object, height: object, origin: str, line: int | None) -> tuple[int, int]:
    columns, rows = _cells(width), _cells(height)
    if columns is None or rows is None:
        raise ParseError(origin, "a terminal size that is not two whole numbers", line)
    if not (1 <= columns <= MAX_COLUMNS and 1 <= rows <= MAX_LINES):
        raise ParseError(
            origin,
            f"a terminal of {columns}x{rows} (at most {MAX_COLUMNS}x{MAX_LINES} is replayed)",
            line,
        )
    return columns, rows


def _asciicast(
    text: str, origin: str
) -> tuple[list[tuple[float | None, bytes]], int, int, dict[int, tuple[int, int]]]:
    lines = text.split("\n")
    first = next(i for i, line in enumerate(lines) if line.strip())  # recording_kind() saw a header
    try:
        header = json.loads(lines[first])
    except (ValueError, RecursionError):
        raise ParseError(origin, "not an asciicast header", first + 1) from None
    columns, rows = _size(header.get("width", 80), header.get("height", 24), origin, first + 1)
    chunks: list[tuple[float | None, bytes]] = []
    resizes: dict[int, tuple[int, int]] = {}
    for number, line in enumerate(lines[first + 1 :], first + 2):
        if not line.strip():
            continue
        try:
            event = json.loads(line)
            when, code, data = float(event[0]), event[1], event[2]
            if not math.isfinite(when):
                raise ValueError(when)
        except (ValueError, TypeError, IndexError, KeyError, RecursionError, OverflowError):
            raise ParseError(
                origin, "not an asciicast event ([time, code, data])", number
            ) from None
        if code == "o" and isinstance(data, str):
            chunks.append((when, _encoded(data)))
        elif code == "r" and isinstance(data, str) and "x" in data:
            width, height = data.split("x", 1)
            width_cells, height_cells = _size(width, height, origin, number)
            resizes[len(chunks)] = (height_cells, width_cells)
    return chunks, columns, rows, resizes


def _script_size(header_line: str) -> tuple[int, int] | None:
    match = _SCRIPT_HEADER.match(header_line)
    info = match.group("info") if match else None
    if not info:
        return None
    values = dict(re.findall(r'(\w+)="([^"]*)"', info))
    try:
        columns, rows = int(values["COLUMNS"]), int(values["LINES"])
    except (KeyError, ValueError):
        return None
    if 1 <= columns <= MAX_COLUMNS and 1 <= rows <= MAX_LINES:
        return columns, rows
    return None  # not a terminal's size: replayed as a log


def parse_timing(timing: str, origin: str) -> list[tuple[float, int]]:
    """script's timing file: (time, bytes of output) for each chunk.

    Classic lines are "DELAY BYTES"; advanced ones "TYPE DELAY ..." where only
    O (output) entries carry bytes and every entry's delay counts.
    """
    steps: list[tuple[float, int]] = []
    clock = 0.0
    for number, line in enumerate(timing.splitlines(), 1):
        parts = line.split()
        if not parts:
            continue
        advanced = parts[0] in ("I", "O", "S", "H")
        try:
            delay = float(parts[1] if advanced else parts[0])
            count = (
                int(parts[2] if advanced else parts[1]) if not advanced or parts[0] == "O" else 0
            )
        except (ValueError, IndexError):
            raise ParseError(
                origin, f"timing line {number}: not a script timing line (DELAY BYTES)"
            ) from None
        if not (math.isfinite(delay) and delay >= 0) or count < 0:
            # A negative count would replay the same bytes again, once per line.
            raise ParseError(
                origin,
                f"timing line {number}: a delay or byte count that is not "
                "a number of seconds or bytes (negative, infinite or not a number)",
            )
        clock += delay
        if not advanced or parts[0] == "O":
            steps.append((clock, count))
    return steps


def _script(
    data: bytes, timing: str | None, origin: str
) -> tuple[list[tuple[float | None, bytes]], int, int]:
    first, _, body = data.partition(b"\n")
    size = _script_size(first.decode("utf-8", "replace"))
    body = _SCRIPT_FOOTER.sub(b"", body)
    columns, rows = size if size else (LOG_COLUMNS, LOG_LINES)
    if timing is None:
        return [(None, body)], columns, rows
    chunks: list[tuple[float | None, bytes]] = []
    at = 0
    for when, count in parse_timing(timing, origin):
        chunks.append((when, body[at : at + count]))
        at += count
    if at < len(body):
        chunks.append((None, body[at:]))
    return chunks, columns, rows


def _screen_lines(text: str, origin: str, timing: str | None) -> tuple[list[ScreenLine], str]:
    kind = recording_kind(text)
    if kind is None:
        raise ParseError(origin, "not a terminal recording")
    if kind == "asciicast":
        chunks, columns, rows, resizes = _asciicast(text, origin)
        screen_lines = replay(chunks, columns, rows, resizes, origin)
    elif kind == "script":
        data = _encoded(text)
        chunks2, columns, rows = _script(data, timing, origin)
        screen_lines = replay(chunks2, columns, rows, origin=origin)
    else:
        screen_lines = replay(
            [(None, _encoded(text))], LOG_COLUMNS, LOG_LINES, origin=origin, newline_returns=True
        )
    return screen_lines, kind


def transcript(
    text: str, origin: str, timing: str | None = None
) -> tuple[str, list[float | None], str]:
    """The text a person saw in a recording, the time of each line, and its kind."""
    screen_lines, kind = _screen_lines(text, origin, timing)
    return (
        "\n".join(line.text for line in screen_lines) + "\n",
        [line.time for line in screen_lines],
        kind,
    )


def parse_recording(text: str, origin: str, timing: str | None = None) -> list[MountTable]:
    """Every mount table in a recording, each with its command and time."""
    from mountscope.parsers import extract, split_lines

    screen_lines, kind = _screen_lines(text, origin, timing)
    lines = split_lines("\n".join(line.text for line in screen_lines) + "\n")
    times = [line.time for line in screen_lines]
    # Lines the screen could not replay fully: said with the table they are
    # in, or else the one before them (or the first).
    lost: list[tuple[int, str]] = [
        (number, line.lost) for number, line in enumerate(screen_lines, 1) if line.lost is not None
    ]
    found = extract(lines, origin)
    if not found:
        raise NoMountTable(origin, f"no mount table found in this {kind} recording")
    captures = []
    for position, capture in enumerate(found):
        first, last = capture.first_line, capture.last_line
        when = times[first - 1] if first - 1 < len(times) else None
        next_first = found[position + 1].first_line if position + 1 < len(found) else None
        own_lost = tuple(
            InputWarning(origin, number, f"screen line not fully replayed: {what}")
            for number, what in lost
            if (number >= first or position == 0) and (next_first is None or number < next_first)
        )
        captures.append(
            replace(
                capture,
                raw_text="\n".join(lines[first - 1 : last]) + "\n",
                warnings=(*capture.warnings, *own_lost),
                provenance=RecordingOrigin(
                    origin, kind, (first, last), None if when is None else round(when, 3)
                ),
            )
        )
    return captures
