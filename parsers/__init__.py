"""Turn text into mount tables: format detection, whole-file parsing, extraction.

A file that is one table in one format is parsed whole, so that a malformed
line becomes a warning at its line number and the rest still loads. Any
other text (an article, a chat log, a shell transcript) is scanned line by
line for every table it holds, each with its line range and format.
"""

from __future__ import annotations

if __name__ != "mountscope.parsers":
    # This folder is installed as mountscope.parsers; imported as a top-level
    # package (from the repository root) it would be a second copy of the code.
    raise ImportError("import mountscope.parsers, not parsers: this folder is part of mountscope")

import bisect
import importlib
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from functools import cached_property, lru_cache
from types import ModuleType

from mountscope.collector import collector_paused
from mountscope.errors import InputWarning, NoMountTable, ParseError
from mountscope.model import Mount, MountTable
from mountscope.parsers.lines import PROMPT, LineParser, unprompted
from mountscope.record import record, replace

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    import json
    from typing import Any


def _module(name: str) -> ModuleType:
    return importlib.import_module(f"mountscope.parsers.{name}")


@record(frozen=True)
class Format:
    """A format and the module that reads it (mountscope.parsers.MODULE),
    imported on first use: a mountinfo file loads the modules detection tries
    before mountinfo and the mountinfo parser, not all ten. Each module has
    ``parse(lines, first_line, origin)`` and ``scan(lines, start)`` (how many
    lines from an index form a table of this format, 0 if none)."""

    name: str
    description: str
    # None for the JSON formats, which this module reads itself.
    module: str | None
    # How a text that is one table is recognised as this format: "table"
    # (module.looks_like(lines)), "first line" (module.looks_like of its first
    # non-blank line), "detect" (module.detect(lines, start)); None: JSON, told
    # by its first character.
    detected_by: str | None = None
    # One mount a line: module.fragment(line) says whether a line may be a
    # damaged line of the format (cut short), which then stays in its table
    # as a warning; some also read a single line (module.parse_line).
    has_fragments: bool = False
    has_line_parser: bool = False

    @cached_property
    def code(self) -> ModuleType:
        assert self.module is not None
        return _module(self.module)

    @cached_property
    def parse(self) -> Callable[[list[str], int, str], MountTable]:
        return _parse_json_lines if self.module is None else self.code.parse  # type: ignore[no-any-return]

    @cached_property
    def scan(self) -> Callable[[list[str], int], int]:
        return _scan_json if self.module is None else self.code.scan  # type: ignore[no-any-return]

    @cached_property
    def fragment(self) -> Callable[[str], bool] | None:
        return self.code.fragment if self.has_fragments else None  # type: ignore[no-any-return]

    @cached_property
    def parse_line(self) -> LineParser | None:
        return self.code.parse_line if self.has_line_parser else None  # type: ignore[no-any-return]

    @cached_property
    def detect(self) -> Callable[[list[str], int], bool] | None:
        """Whether a text that is one table is in this format, given its
        lines and the index of the first non-blank one."""
        if self.detected_by is None:
            return None
        if self.detected_by == "detect":
            return self.code.detect  # type: ignore[no-any-return]
        looks_like: Callable[[Any], bool] = self.code.looks_like
        if self.detected_by == "table":
            return lambda lines, start: looks_like(lines)
        return lambda lines, start: looks_like(lines[start])


def _parse_json_lines(lines: list[str], first_line: int, origin: str) -> MountTable:
    return _json_capture("\n".join(lines), origin, first_line)


class _JsonScan:
    """Finds findmnt -J documents and snapshots in text, line by line.

    The text is joined once and each document decoded where it starts, not
    from a copy of the rest of the text. Lines inside a value that was read
    (or that failed) are not tried again as starts: 40 000 lines of "{"
    cost one pass, not 40 000.
    """

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.text = ""
        self.offsets: list[int] = []  # where each line starts in text
        self.next_start = 0  # no document starts before this line

    def _line_at(self, pos: int) -> int:
        return bisect.bisect_right(self.offsets, pos) - 1

    def _line_end(self, pos: int) -> int:
        """The end of the line holding ``pos`` (or the end of the text)."""
        at = self.text.find("\n", pos)
        return len(self.text) if at < 0 else at

    def __call__(self, start: int) -> int:
        line = self.lines[start]
        indent = len(line) - len(line.lstrip())
        if start < self.next_start or not line.startswith("{", indent):
            return 0
        import json

        from mountscope.parsers import findmnt_json, snapshot

        if not self.offsets:
            self.text = "\n".join(self.lines)
            self.offsets = list(
                itertools.accumulate((len(x) + 1 for x in self.lines[:-1]), initial=0)
            )
        begin = self.offsets[start] + indent
        size = len(line) - indent
        while True:
            # The document is read from a window of whole lines, its own line
            # first (a log of JSON lines: one object a line), that doubles
            # while the decoder runs out of it: a decoding error costs as
            # much as the text read (the error counts the lines before it),
            # never the rest of the file. Strings cannot hold a raw newline,
            # so a window cut at a line end only ever runs out at its end.
            stop = self._line_end(begin + size)
            window = self.text[begin:stop]
            try:
                document, end = _decoder().raw_decode(window)
                end += begin
                break
            except json.JSONDecodeError as error:
                if stop < len(self.text) and error.pos >= len(window.rstrip()):
                    size *= 2
                    continue
                # Nothing before the error can start a document of its own.
                self.next_start = max(start + 1, self._line_at(begin + error.pos))
                return 0
            except RecursionError:
                # Nested past what the decoder can follow: nothing up to the
                # deepest point can start a document of its own either.
                self.next_start = max(start + 1, self._line_at(_deepest(self.text, begin, stop)))
                return 0
            except ValueError:
                return 0
        last = self._line_at(end - 1)
        if not (findmnt_json.is_findmnt(document) or snapshot.is_snapshot(document)):
            self.next_start = last + 1  # lines inside other JSON are not tables
            return 0
        return last - start + 1


@lru_cache(maxsize=1)
def _decoder() -> json.JSONDecoder:
    import json

    return json.JSONDecoder()


# Brackets outside strings (a JSON string never holds a raw newline).
_BRACKET = re.compile(r'"(?:[^"\\\n]|\\.)*"?|[\[\]{}]')


def _deepest(text: str, begin: int, stop: int) -> int:
    """Where JSON nesting is deepest in ``text[begin:stop]``."""
    depth = deepest = 0
    at = begin
    for match in _BRACKET.finditer(text, begin, stop):
        char = match.group()[0]
        if char in "[{":
            depth += 1
            if depth > deepest:
                deepest, at = depth, match.start()
        elif char in "]}":
            depth -= 1
    return at


def _scan_json(lines: list[str], start: int) -> int:
    return _JsonScan(lines)(start)


# The formats, most specific first. This is the one detection order: the
# first whose ``detect`` accepts a file that is one table names its format,
# and the first whose ``scan`` matches at a line of other text reads it.
FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("snapshot", "mountscope snapshot (JSON)", None),
        Format("findmnt-json", "findmnt -J", None),
        # Before the line formats: an fstab line can look like /proc/mounts.
        Format("fstab", "/etc/fstab (what should be mounted)", "fstab", "table"),
        Format("mountinfo", "/proc/PID/mountinfo", "mountinfo", "first line", True, True),
        Format("findmnt-pairs", "findmnt -P", "findmnt_pairs", "first line", True),
        Format(
            "mount",
            "mount(8) output (util-linux, BusyBox)",
            "mount_output",
            "first line",
            True,
            True,
        ),
        Format("proc-mounts", "/proc/mounts, /etc/mtab", "proc_mounts", "first line", True, True),
        Format("findmnt-raw", "findmnt -r", "findmnt_raw", "detect"),
        Format("findmnt", "findmnt tree or -l", "findmnt_table", "detect"),
    )
}
FORMAT_NAMES = tuple(FORMATS)
_SCANNERS = [FORMATS[name] for name in FORMAT_NAMES if name != "snapshot"]


def split_lines(text: str) -> list[str]:
    """Lines without their ends: CRLF and a missing final newline are tolerated."""
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if "\r" in text:
        lines = [line[:-1] if line.endswith("\r") else line for line in lines]
    return lines


def _recording_kind(text: str) -> str | None:
    """recording_kind() of a text that may be one: most texts are not, and
    say so in their first characters, without a search of the whole text."""
    head = text[:16].lstrip()
    if not (head.startswith(("{", "Script started")) or "\x1b" in text):
        return None
    return recording_kind(text)


def recording_kind(text: str) -> str | None:
    """ "asciicast", "script", "ansi" (a log with escape sequences), or None.
    (Here, not beside the replay: telling needs no pyte, and most texts told
    so are snapshots, which start with "{" as an asciicast does.)"""
    head = text.lstrip()[:4096]
    if head.startswith("{"):
        import json  # (only here: a table of any other kind never needs it)

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


def _json_capture(text: str, origin: str, first_line: int = 1) -> MountTable:
    """A snapshot or findmnt -J document (or one JSON object a line)."""
    from mountscope.jsonio import loads as json_loads
    from mountscope.parsers import findmnt_json, snapshot

    try:
        documents = [json_loads(text)]
        line_of = None
    except ValueError as error:
        repaired = _repaired_json(text, origin, first_line)
        if repaired is not None:
            return repaired
        documents = []
        numbers = []
        for number, line in enumerate(text.split("\n")):
            if line.strip():
                try:
                    documents.append(json_loads(line))
                except ValueError:
                    raise ParseError(
                        origin,
                        f"invalid JSON: {_json_reason(error)}",
                        first_line + _json_line(text, error),
                    ) from None
                numbers.append(first_line + number)
        line_of = numbers.__getitem__
    last_line = first_line + text.count("\n")
    if len(documents) == 1 and snapshot.is_snapshot(documents[0]):
        return snapshot.from_document(documents[0], origin, parse_text)
    if (
        not documents
        or not all(isinstance(d, dict) for d in documents)
        or not (
            findmnt_json.is_findmnt(documents[0])
            or "target" in documents[0]
            or "source" in documents[0]
        )
    ):
        raise ParseError(
            origin,
            "JSON that is neither a mountscope snapshot nor findmnt -J output "
            '(expected {"filesystems": [...]})',
            first_line,
        )
    return findmnt_json.from_documents(documents, origin, first_line, last_line, line_of)


def _repaired_json(text: str, origin: str, first_line: int) -> MountTable | None:
    """A findmnt -J document with a trailing comma or cut off, read as far
    as it goes, each repair a warning at its line; None if it is not one."""
    from mountscope.jsonio import loads as json_loads
    from mountscope.parsers import findmnt_json, json_repair

    fixed = json_repair.repair(text)
    if fixed is None:
        return None
    try:
        document = json_loads(fixed[0])
    except ValueError:
        return None
    if not findmnt_json.is_findmnt(document):
        return None
    lines = json_repair.line_numbers(text, [at for at, _ in fixed[1]], first_line)
    capture = findmnt_json.from_documents(
        [document], origin, first_line, first_line + text.count("\n")
    )
    repairs = tuple(
        InputWarning(origin, line, what) for line, (_, what) in zip(lines, fixed[1], strict=True)
    )
    return replace(capture, warnings=(*repairs, *capture.warnings))


def _json_reason(error: ValueError) -> str:
    return str(getattr(error, "msg", error)).split(":")[0]


def _json_line(text: str, error: ValueError) -> int:
    return text.count("\n", 0, getattr(error, "pos", 0) or 0)


def detect(lines: list[str]) -> str | None:
    """The format of a file that is a single table: the first of FORMATS,
    in order, whose test accepts it."""
    start = next((i for i, line in enumerate(lines) if line.strip()), None)
    if start is None:
        return None
    return next(
        (f.name for f in FORMATS.values() if f.detect is not None and f.detect(lines, start)),
        None,
    )


def _title_before(lines: list[str], start: int, floor: int = 0) -> str | None:
    """What a table is called: the command or heading on the line before it
    (not a line of the table before it, which ends at ``floor``)."""
    for back in range(start - 1, max(start - 3, floor - 1), -1):
        line = lines[back].strip()
        if line:
            match = PROMPT.match(line)
            if match:
                return match.group(1).strip()
            return line if len(line) <= 80 else None
    return None


# Damaged lines that are not even the start of a line of the table's format
# (garbage, a line glued to another) still stay in it when the table goes on
# within this many lines.
_GAP = 3


def _damaged(fmt: Format, line: str) -> bool:
    """Whether a line next to a table may be one of its rows, damaged (cut short).

    Blank lines and shell prompts end a table; a one-word heading ending in
    ":" names it.
    """
    if not line.strip() or PROMPT.match(line) is not None:
        return False
    if line.endswith(":") and " " not in line.strip():
        return False
    return fmt.fragment is not None and fmt.fragment(line)


def _table_end(fmt: Format, lines: list[str], end: int) -> int:
    """Where a one-mount-a-line table really ends: damaged lines between its
    rows, and rows cut short right after it, stay in it (as warnings).

    Each call walks forward only until the table goes on (those lines are
    then its own) or a blank line, a prompt or the ``_GAP``-th stranger, so
    the scan stays linear.
    """
    while True:
        k = end
        strangers = 0
        tail = end  # damaged rows directly after the last good one
        resumed = 0
        while k < len(lines) and lines[k].strip() and PROMPT.match(lines[k]) is None:
            resumed = fmt.scan(lines, k)
            if resumed:
                break
            if _damaged(fmt, lines[k]):
                if not strangers:
                    tail = k + 1
            else:
                strangers += 1
                if strangers > _GAP:
                    break
            k += 1
        if not resumed:
            return tail
        end = k + resumed


def _table_start(fmt: Format, lines: list[str], start: int, floor: int) -> int:
    """Where a one-mount-a-line table really starts: its first row, cut short
    or behind a glued shell prompt, is the line before the first good one."""
    if start - 1 < floor or fmt.fragment is None:
        return start
    line = lines[start - 1]
    if fmt.parse_line is not None and unprompted(line, fmt.parse_line) is not None:
        return start - 1
    return start - 1 if _damaged(fmt, line) else start


def extract(lines: list[str], origin: str, first_line: int = 1) -> list[MountTable]:
    """Every table in arbitrary text, in order, each with its line range."""
    found: list[MountTable] = []
    json_scan = _JsonScan(lines)
    i = 0
    floor = 0
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        for fmt in _SCANNERS:
            count = json_scan(i) if fmt.scan is _scan_json else fmt.scan(lines, i)
            if count:
                start, end = i, i + count
                if fmt.fragment is not None:
                    start, end = _table_start(fmt, lines, i, floor), _table_end(fmt, lines, end)
                capture = fmt.parse(lines[start:end], start + first_line, origin)
                if capture.mounts:
                    found.append(replace(capture, title=_title_before(lines, start, floor)))
                    i = end
                    floor = i
                    break
        else:
            i += 1
    return found


# Terminal recordings hold tables rather than being one: replayed first (recording.py).
RECORDINGS = ("script", "asciicast", "ansi")


def parse_text(
    text: str,
    origin: str,
    format_name: str | None = None,
    first_line: int = 1,
    timing: str | None = None,
) -> list[MountTable]:
    """All mount tables in ``text``; raises ParseError when there is none.

    Each capture keeps the text it was read from (``MountTable.text()``), so that it
    can be saved in a snapshot exactly as it came.
    """
    if format_name in RECORDINGS or (
        format_name is None and _recording_kind(text) in ("script", "asciicast")
    ):
        from mountscope.parsers.recording import parse_recording

        return parse_recording(text, origin, timing)
    with collector_paused():
        captures = _parse_text(text, origin, format_name, first_line)
    lines: list[str] | None = None
    kept: list[MountTable] = []
    for capture in captures:
        if capture.raw_text is not None or capture.text_is_lines:
            kept.append(capture)
            continue
        if len(captures) == 1 and (
            capture.format == "findmnt-json"
            or capture.first_line == first_line
            and capture.last_line >= first_line + text.count("\n") - 1
        ):
            kept.append(capture.with_text(text))  # the whole text is this one table
            continue
        lines = lines if lines is not None else split_lines(text)
        start = capture.first_line - first_line
        raw = "\n".join(lines[start : capture.last_line - first_line + 1]) + "\n"
        kept.append(replace(capture, raw_text=raw))
    return kept


def _parse_text(
    text: str, origin: str, format_name: str | None, first_line: int
) -> list[MountTable]:
    if format_name is not None and format_name not in FORMATS:
        raise ParseError(
            origin,
            f"unknown format '{format_name}' (known: {', '.join(FORMAT_NAMES + RECORDINGS)})",
        )
    if format_name is not None or text.lstrip()[:1] == "{":
        # A format named by the user (or a snapshot's) reads the lines as they are.
        return _parse_unprefixed(text, origin, format_name, first_line)
    whole = whole_mountinfo(text, first_line, origin)
    if whole is not None:
        return [whole]
    # Log, chat and quote prefixes come off first (line numbers stay), and
    # each capture says which of its lines had one. (Imported here: a whole
    # mountinfo file, the usual case, never needs them.)
    from mountscope.parsers import prefixes

    lines, runs = prefixes.strip(split_lines(text))
    if not runs:
        return _parse_unprefixed(text, origin, format_name, first_line, lines)
    captures = _parse_unprefixed("\n".join(lines) + "\n", origin, format_name, first_line, lines)
    ends = [run.last for run in runs]
    result: list[MountTable] = []
    for capture in captures:
        low, high = capture.first_line - first_line, capture.last_line - first_line
        if capture.raw_text is None:
            # What the table was read from: its lines without the prefixes,
            # so that a snapshot of it reads back the same.
            capture = replace(capture, raw_text="\n".join(lines[low : high + 1]) + "\n")
        notes = []
        at = bisect.bisect_left(ends, low)  # the first run that reaches the table
        while at < len(runs) and runs[at].first <= high:
            notes.append(
                InputWarning(origin, first_line + runs[at].first, prefixes.describe(runs[at]))
            )
            at += 1
        result.append(replace(capture, warnings=(*notes, *capture.warnings)))
    return result


def whole_mountinfo(text: str, first_line: int, origin: str) -> MountTable | None:
    """The table of a text whose every line reads as mountinfo (a large
    file's usual case), or None. Such a text is what detection would name
    mountinfo and read whole; it is read so at once, without the search for
    log, chat and quote prefixes, which a mountinfo line (a number, then a
    space) cannot carry, and a line at a time, without a list of all its
    lines beside the text (16 MB more at 50 000 mounts while it is read).
    Any other text, and one with carriage returns or a byte order mark,
    takes the general path (tested to give the same table).

    When it is nothing but those lines, each ended by a newline, it is kept
    as them (``text_is_lines``, as with_text() would find).
    """
    if "\r" in text or text.startswith("\ufeff"):
        return None
    first = next((line for line in _lines_of(text) if line and not line.isspace()), None)
    if first is None or not FORMATS["mountinfo"].code.looks_like(first):
        return None
    from mountscope.parsers import mountinfo
    from mountscope.parsers.lines import parse_lines

    mounts, warnings = parse_lines(_lines_of(text), first_line, origin, mountinfo.parse_line)
    if warnings or not mounts:
        return None
    count = text.count("\n") + (not text.endswith("\n"))
    return MountTable(
        tuple(mounts),
        mountinfo.NAME,
        origin,
        mountinfo.FIELDS,
        first_line=first_line,
        last_line=first_line + count - 1,
        text_is_lines=len(mounts) == count and text.endswith("\n"),
    )


def whole_mountinfo_of_chunks(
    chunks: Iterable[str],
    origin: str,
    known: dict[str, Mount] | None = None,
    max_lines: int | None = None,
) -> MountTable | None:
    """whole_mountinfo() of the text that ``chunks`` make up, read a chunk at
    a time, so that the text never exists whole beside its table (16 MB at
    50 000 mounts): the table of a text that is nothing but mountinfo lines,
    each ended by a newline, kept as those lines. None for any other text,
    including one that whole_mountinfo() would read while keeping the text
    whole (blank lines, no newline at its end): the caller then reads it the
    usual way (tested to give the same table).

    ``known``: the mounts of lines read before, by the line's text (two
    captures of one machine share most of their lines). A line found there
    is not parsed again: its mount is shared, or copied where the line has
    another number; each line parsed here is added.

    ``max_lines``: None too for a text of more lines than that, found
    after the chunk that goes past it (the usual way refuses it)."""
    from mountscope.model.mount import on_line
    from mountscope.parsers import mountinfo

    looks_like = FORMATS["mountinfo"].code.looks_like
    # The C reader of plain lines: most lines are read by it alone, a
    # chunk's run of them at a time, looked up in ``known`` and added to
    # it as below (None where it is not built). A line it stops at is
    # neither plain nor read before, and goes straight to the Python reader.
    read_plain_lines = mountinfo.read_plain_lines
    # The lines read so far, looked up first; None for the first capture,
    # whose lines cannot be there (the lookup would only cost), and with
    # the C reader, which looked them up.
    read_before = (known or None) if read_plain_lines is None else None
    mounts: list[Mount] = []
    pending = ""  # the start of a line the next chunk ends
    lineno = 0
    with collector_paused(keep=True):  # (a table this large lives on: see collector_paused)
        for number, chunk in enumerate(chunks):
            if "\r" in chunk or (number == 0 and chunk.startswith("\ufeff")):
                return None
            text = pending + chunk
            first_end = text.find("\n")
            if not mounts and first_end >= 0 and not looks_like(text[:first_end]):
                return None
            start = 0
            while True:
                if read_plain_lines is not None:
                    read, start = read_plain_lines(text, start, lineno + 1, known)
                    mounts += read
                    lineno += len(read)
                end = text.find("\n", start)
                if end < 0:
                    break
                line = text[start:end]
                start = end + 1
                lineno += 1
                if read_before is not None:
                    shared = read_before.get(line)
                    if shared is not None:
                        mounts.append(on_line(shared, lineno))
                        continue
                if not line or line.isspace():
                    return None  # read, but kept as the whole text
                mount = mountinfo.parse_line_python(line, lineno)
                if not isinstance(mount, Mount):
                    return None
                if known is not None:
                    known[line] = mount
                mounts.append(mount)
            pending = text[start:]
            if max_lines is not None and lineno > max_lines:
                return None
    if pending or not mounts:
        return None
    return MountTable(
        tuple(mounts),
        mountinfo.NAME,
        origin,
        mountinfo.FIELDS,
        first_line=1,
        last_line=lineno,
        text_is_lines=True,
    )


def _lines_of(text: str) -> Iterator[str]:
    """split_lines(text), one line at a time, for a text without carriage
    returns or a byte order mark."""
    start = 0
    end = text.find("\n")
    while end >= 0:
        yield text[start:end]
        start = end + 1
        end = text.find("\n", start)
    if start < len(text):
        yield text[start:]


def _parse_unprefixed(
    text: str, origin: str, format_name: str | None, first_line: int, lines: list[str] | None = None
) -> list[MountTable]:
    stripped = text.lstrip()
    if format_name in ("snapshot", "findmnt-json") or (
        format_name is None and stripped.startswith("{")
    ):
        try:
            return [_json_capture(text, origin)]
        except ParseError:
            if format_name is not None:
                raise
            json_error = True
    else:
        json_error = False
    if lines is None:
        lines = split_lines(text)
    if format_name is not None:
        capture = FORMATS[format_name].parse(lines, first_line, origin)
        if not capture.mounts:
            raise NoMountTable(origin, f"no mount table found (read as {format_name})")
        return [capture]
    name = detect(lines)
    if name is not None:
        capture = FORMATS[name].parse(lines, first_line, origin)
        skipped = sum(1 for w in capture.warnings if w.message.startswith("skipped"))
        if capture.mounts and skipped <= max(2, len(capture.mounts) // 10):
            return [capture]
    if "\x1b" in text and _recording_kind(text) == "ansi":
        # A log full of escape sequences: what a person saw, not the bytes.
        from mountscope.parsers.recording import parse_recording

        try:
            return parse_recording(text, origin)
        except ParseError:
            pass
    found = extract(lines, origin, first_line)
    if found:
        return found
    if json_error:
        return [_json_capture(text, origin)]  # raises the JSON error, which says more
    raise NoMountTable(origin, f"no mount table found (tried: {', '.join(FORMAT_NAMES)})")
