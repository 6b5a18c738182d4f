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

import json
import re
from dataclasses import dataclass

import pyte

from mountscope.errors import NoMountTable, ParseError
from mountscope.model import MountTable

# Private modes that switch to the alternate screen (xterm).
_ALTERNATE = frozenset({47, 1047, 1049})
_SCRIPT_HEADER = re.compile(r"Script started on (?P<when>[^\[\n]*?)\s*(?:\[(?P<info>[^\]]*)\])?\s*$")
_SCRIPT_FOOTER = re.compile(rb"\r?\nScript done on [^\n]*\n?$")
# Wide enough that no line of a log without a recorded width is wrapped.
LOG_COLUMNS, LOG_LINES = 1000, 200


@dataclass(frozen=True)
class ScreenLine:
    text: str
    time: float | None


class TranscriptScreen(pyte.Screen):
    """A pyte screen that keeps everything shown on it, in order."""

    def __init__(self, columns: int, lines: int) -> None:
        super().__init__(columns, lines)
        self.transcript: list[tuple[str, bool, float | None]] = []
        self.now: float | None = None
        self._soft: dict[int, bool] = {}  # id(row) -> it continues the row above
        self._time: dict[int, float | None] = {}
        self._drawing = False
        self._main: tuple[int, int] | None = None  # the cursor, while on the alternate screen

    # --- what a row holds ----------------------------------------------------------

    def _row_text(self, y: int) -> str:
        row = self.buffer[y]
        return "".join(row[x].data for x in range(self.columns))

    def _keep_row(self, y: int) -> None:
        row = self.buffer[y]
        key = id(row)
        self.transcript.append((self._row_text(y), self._soft.pop(key, False), self._time.pop(key, None)))

    def _keep_screen(self) -> None:
        """Keep every row up to the last one with text on it."""
        last = max((y for y in range(self.lines) if self._row_text(y).strip()), default=-1)
        for y in range(last + 1):
            self._keep_row(y)
        self._soft.clear()
        self._time.clear()

    # --- hooks into pyte ------------------------------------------------------------

    def draw(self, data: str) -> None:
        row = self.buffer[self.cursor.y]
        self._time.setdefault(id(row), self.now)
        self._drawing = True
        try:
            super().draw(data)
        finally:
            self._drawing = False

    def linefeed(self) -> None:
        super().linefeed()
        row = self.buffer[self.cursor.y]
        if self._drawing:  # the terminal wrapped a line that was too long
            self._soft[id(row)] = True
            self._time.setdefault(id(row), self.now)
        else:
            self._soft.pop(id(row), None)

    def index(self) -> None:
        top, bottom = self.margins or pyte.screens.Margins(0, self.lines - 1)
        if self.cursor.y == bottom and top == 0:
            self._keep_row(0)  # it scrolls off the top: keep it
        super().index()

    def erase_in_display(self, how: int = 0, *args: object, **kwargs: object) -> None:
        if how in (2, 3):
            self._keep_screen()
        super().erase_in_display(how, *args, **kwargs)  # type: ignore[arg-type]

    def reset(self) -> None:
        if hasattr(self, "transcript"):
            self._keep_screen()
        super().reset()

    def set_mode(self, *modes: int, **kwargs: object) -> None:
        if kwargs.get("private") and _ALTERNATE & set(modes) and self._main is None:
            # A full-screen program starts: keep the main screen as it was seen.
            self._keep_screen()
            self._main = (self.cursor.x, self.cursor.y)
            self.buffer.clear()
        super().set_mode(*modes, **kwargs)  # type: ignore[arg-type]

    def reset_mode(self, *modes: int, **kwargs: object) -> None:
        if kwargs.get("private") and _ALTERNATE & set(modes) and self._main is not None:
            # It exits: keep its last view; the main screen's text is kept already.
            self._keep_screen()
            self.buffer.clear()
            self.cursor.x, self.cursor.y = self._main
            self._main = None
        super().reset_mode(*modes, **kwargs)  # type: ignore[arg-type]

    def finish(self) -> list[ScreenLine]:
        """Everything seen, wrapped lines joined back, with the time each appeared."""
        if self._main is not None:
            self.reset_mode(1049, private=True)
        self._keep_screen()
        lines: list[ScreenLine] = []
        for text, soft, when in self.transcript:
            if soft and lines:
                lines[-1] = ScreenLine(lines[-1].text + text, lines[-1].time)
            else:
                lines.append(ScreenLine(text, when))
        return [ScreenLine(line.text.rstrip(), line.time) for line in lines]


class TolerantStream(pyte.ByteStream):
    """pyte raises on some malformed sequences (ESC [0;g calls clear_tab_stop
    with two arguments); a terminal ignores them, and so does this stream."""

    def _send_to_parser(self, data: str) -> bool | None:
        try:
            return super()._send_to_parser(data)
        except Exception:  # noqa: BLE001 - pyte has reset its parser; the sequence is dropped
            return self._taking_plain_text


def replay(chunks: list[tuple[float | None, bytes]], columns: int, lines: int,
           resizes: dict[int, tuple[int, int]] | None = None) -> list[ScreenLine]:
    """What a terminal of this size showed for these (time, bytes) chunks."""
    screen = TranscriptScreen(columns, lines)
    stream = TolerantStream(screen)
    for number, (when, data) in enumerate(chunks):
        if resizes and number in resizes:
            screen.resize(*resizes[number])
        screen.now = when
        stream.feed(data)
    return screen.finish()


# --- recording formats -------------------------------------------------------------


def kind_of(text: str) -> str | None:
    """"asciicast", "script", "ansi" (a log with escape sequences), or None."""
    head = text.lstrip()[:4096]
    if head.startswith("{"):
        first = head.split("\n", 1)[0]
        try:
            header = json.loads(first)
        except (ValueError, RecursionError):  # deep nesting: not a header either
            return None
        if isinstance(header, dict) and header.get("version") == 2 and "width" in header:
            return "asciicast"
        return None
    if head.startswith("Script started on "):
        return "script"
    if "\x1b[" in text or "\x1b]" in text or "\x1bc" in text:
        return "ansi"
    return None


# A recording's screen is replayed cell by cell: sizes past these are not a
# terminal (and would make the replay take forever).
MAX_COLUMNS, MAX_LINES = 2000, 1000


def _size(width: object, height: object, origin: str, line: int | None) -> tuple[int, int]:
    try:
        columns, rows = int(width), int(height)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise ParseError(origin, "a terminal size that is not two numbers", line) from None
    if not (1 <= columns <= MAX_COLUMNS and 1 <= rows <= MAX_LINES):
        raise ParseError(origin, f"a terminal of {columns}x{rows} (at most "
                         f"{MAX_COLUMNS}x{MAX_LINES} is replayed)", line)
    return columns, rows


def _asciicast(text: str, origin: str) -> tuple[list[tuple[float | None, bytes]], int, int, dict[int, tuple[int, int]]]:
    lines = text.split("\n")
    first = next(i for i, line in enumerate(lines) if line.strip())  # kind_of() saw a header
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
        except (ValueError, TypeError, IndexError, KeyError, RecursionError):
            raise ParseError(origin, "not an asciicast event ([time, code, data])", number) from None
        if code == "o" and isinstance(data, str):
            chunks.append((when, data.encode("utf-8", "surrogateescape")))
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
        try:
            if parts[0] in ("I", "O", "S", "H"):
                clock += float(parts[1])
                if parts[0] == "O":
                    steps.append((clock, int(parts[2])))
                continue
            clock += float(parts[0])
            steps.append((clock, int(parts[1])))
        except (ValueError, IndexError):
            raise ParseError(origin, "not a script timing line (DELAY BYTES)", number) from None
    return steps


def _script(data: bytes, timing: str | None, origin: str) -> tuple[list[tuple[float | None, bytes]], int, int]:
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


def transcript(text: str, origin: str, timing: str | None = None) -> tuple[str, list[float | None], str]:
    """The text a person saw in a recording, the time of each line, and its kind."""
    kind = kind_of(text)
    if kind is None:
        raise ParseError(origin, "not a terminal recording")
    if kind == "asciicast":
        chunks, columns, rows, resizes = _asciicast(text, origin)
        screen_lines = replay(chunks, columns, rows, resizes)
    elif kind == "script":
        data = text.encode("utf-8", "surrogateescape")
        chunks2, columns, rows = _script(data, timing, origin)
        screen_lines = replay(chunks2, columns, rows)
    else:
        screen_lines = replay([(None, text.encode("utf-8", "surrogateescape"))], LOG_COLUMNS, LOG_LINES)
    return "\n".join(line.text for line in screen_lines) + "\n", [line.time for line in screen_lines], kind


def parse_recording(text: str, origin: str, timing: str | None = None) -> list[MountTable]:
    """Every mount table in a recording, each with its command and time."""
    from mountscope.parsers import extract, split_lines

    seen, times, kind = transcript(text, origin, timing)
    lines = split_lines(seen)
    captures = extract(lines, origin)
    for capture in captures:
        capture.raw_text = "\n".join(lines[capture.first_line - 1 : capture.last_line]) + "\n"
        capture.metadata["recording"] = kind
        capture.metadata["screen_lines"] = [capture.first_line, capture.last_line]
        when = times[capture.first_line - 1] if capture.first_line - 1 < len(times) else None
        if when is not None:
            capture.metadata["seconds"] = round(when, 3)
    if not captures:
        raise NoMountTable(origin, f"no mount table found in this {kind} recording")
    return captures
