"""The command line: ``mountscope [FILE [FILE]]`` and its subcommands.

stdout is data, stderr is messages; errors are one line and an exit code
(errors.ExitCode). Nothing here imports Textual: the app is imported only
when it is about to start.
"""

from __future__ import annotations

import argparse
import os
import re
import select
import signal
import sys
from collections.abc import Callable, Iterable, Sequence
from itertools import chain
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

from mountscope import __version__
from mountscope.errors import ExitCode, MountscopeError
from mountscope.model import MountTable
from mountscope.session import Session
from mountscope.system.loader import (
    DEFAULT_MAX_BYTES,
    MAX_LINES,
    Limits,
    human_size,
    load_all,
)
from mountscope.text import safe

if TYPE_CHECKING:
    from mountscope.redact import Redactor

PROG = "mountscope"


# --- helpers -----------------------------------------------------------------


def is_terminal(fd: int) -> bool:
    """Whether standard input (0) or output (1) is a terminal; a closed one is not."""
    stream = sys.stdin if fd == 0 else sys.stdout
    return stream is not None and os.isatty(fd)


def use_color(mode: str, stream: object = None) -> bool:
    """Color only on a terminal, never under NO_COLOR or TERM=dumb, unless forced."""
    if mode == "always":
        return True
    if mode == "never" or "NO_COLOR" in os.environ or os.environ.get("TERM") == "dumb":
        return False
    if stream is None:
        return is_terminal(1)
    return bool(getattr(stream, "isatty", lambda: False)())


# Sizes are whole numbers with an optional binary unit (512K, 256M, 2G, 2GiB).
_SIZE = re.compile(r"(\d{1,12})([KMG]?)(?:I?B)?")
_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
# --max-input is a guard, not an allocation; beyond this, a mount table is not
# what is being read.
MAX_INPUT_CAP = 16 << 30


def parse_size(text: str) -> int:
    match = _SIZE.fullmatch(text.strip().upper())
    if match is None:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (say 512K, 256M or 2G)")
    size = int(match.group(1)) * _UNITS[match.group(2)]
    if not 1 <= size <= MAX_INPUT_CAP:
        raise argparse.ArgumentTypeError(f"{text!r} is out of range (1 byte to {human_size(MAX_INPUT_CAP)})")
    return size


def positive_int(text: str) -> int:
    if not re.fullmatch(r"\d{1,18}", text.strip()) or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a positive whole number: {text!r}")
    return int(text)


def process_id(text: str) -> int:
    # 0 (or a negative number) would read the caller's own table, not a process's.
    if not re.fullmatch(r"\d{1,10}", text.strip()) or not 1 <= int(text) < 1 << 31:
        raise argparse.ArgumentTypeError(f"not a process id: {text!r} (a pid is a positive whole number)")
    return int(text)


def _message(line: str) -> None:
    """One line on stderr; never on stdout when stderr is closed, and a
    failing stderr (> /dev/full) does not hide the exit status."""
    if sys.stderr is None:
        return
    try:
        print(line, file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass


def warn(message: str) -> None:
    _message(f"{PROG}: warning: {message}")


def note(message: str) -> None:
    _message(f"{PROG}: {message}")


MAX_WARNINGS_SHOWN = 10


def report_warnings(capture: MountTable, strict: bool) -> None:
    """Print a capture's warnings (the first few); --strict makes any fatal."""
    shown = capture.warnings[:MAX_WARNINGS_SHOWN]
    for warning in shown:
        warn(str(warning))
    if len(capture.warnings) > len(shown):
        warn(f"... and {len(capture.warnings) - len(shown)} more warnings")
    for index, problem in capture.tree.problems[:MAX_WARNINGS_SHOWN]:
        mount = capture.mounts[index]
        warn(str(MountscopeError(f"{capture.origin}:{mount.line}: {problem}")))
    if strict and (capture.warnings or capture.tree.problems):
        raise MountscopeError(f"{capture.origin}: warnings are errors with --strict")


# --- standard output: every byte written, or an error -------------------------------


def guard_standard_streams() -> None:
    """Hold a closed standard input, output or error open on /dev/null.

    Python leaves sys.stdin/sys.stdout/sys.stderr None for a descriptor that
    was closed at start (``>&-``); a file opened later would take its number
    and receive what was meant for it. The None stays: it is how the readers
    and writers below know the stream was closed.
    """
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)


def _stdout_error(error: OSError) -> MountscopeError:
    return MountscopeError(f"cannot write to standard output: {os.strerror(error.errno or 0)}; "
                           "the output is incomplete")


def write_out(data: bytes) -> None:
    """Write all of ``data`` to standard output, or raise a one-line error.

    os.write() on the descriptor, in a loop: a short write (a nearly full
    disk) continues where it stopped, and the failure after it is reported,
    where Python's buffered stdout may drop the rest without a word.
    """
    if sys.stdout is None:
        raise MountscopeError("cannot write to standard output: it is closed")
    try:
        sys.stdout.flush()  # anything printed through Python's stream goes first
    except BrokenPipeError:
        raise
    except OSError as error:
        raise _stdout_error(error) from None
    view = memoryview(data)
    while view:
        try:
            written = os.write(1, view)
        except BlockingIOError:  # stdout set non-blocking by whoever gave it to us
            select.select([], [1], [])
            continue
        except BrokenPipeError:
            raise
        except OSError as error:
            raise _stdout_error(error) from None
        if written == 0:
            raise MountscopeError("cannot write to standard output: it takes no more; "
                                  "the output is incomplete")
        view = view[written:]


def _encode(text: str) -> bytes:
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    errors = "surrogateescape" if getattr(sys.stdout, "errors", None) == "surrogateescape" else "backslashreplace"
    return text.encode(encoding, errors)


def write_lines(lines: Iterable[str]) -> None:
    batch: list[str] = []
    size = 0
    for line in lines:
        batch.append(line)
        size += len(line)
        # Bounded in characters too: a row of a deep tree can be 200 000 long.
        if len(batch) >= 4096 or size >= 1 << 16:
            write_out(_encode("\n".join(batch) + "\n"))
            batch.clear()
            size = 0
    if batch:
        write_out(_encode("\n".join(batch) + "\n"))


def write_bytes(chunks: Iterable[bytes]) -> None:
    batch: list[bytes] = []
    for chunk in chunks:
        batch.append(chunk)
        if len(batch) >= 4096:
            write_out(b"".join(batch))
            batch.clear()
    if batch:
        write_out(b"".join(batch))


def limits_of(args: argparse.Namespace) -> Limits:
    return Limits(max_bytes=args.max_input, max_lines=args.max_lines)


def session_of(args: argparse.Namespace) -> Session:
    """The session (mountscope.session) with the command line's input options."""
    return Session(format_name=getattr(args, "format", None), limits=limits_of(args),
                   timing=getattr(args, "timing", None), pid=getattr(args, "pid", None) or "self")


def load_one(spec: str | None, args: argparse.Namespace, notes: list[str] | None = None,
             session: Session | None = None) -> MountTable:
    """A capture named on the command line; no name means the live table."""
    capture = (session or session_of(args)).load(spec, notes)
    for message in notes or []:
        note(message)
    return capture


# --- commands ----------------------------------------------------------------


def cmd_tree(args: argparse.Namespace) -> int:
    from mountscope.render import findmnt

    raw = load_one(args.file, args, [])
    redactor = redactor_for(args, raw)
    capture = redactor.capture(raw) if redactor else raw
    report_warnings(capture, args.strict)
    columns = findmnt.choose_columns(args.output, capture)
    if args.json:
        write_bytes(findmnt.json_chunks(capture, columns, as_list=args.list))
        return ExitCode.OK
    lines: Iterable[str] = findmnt.table_lines(
        capture, columns, as_list=args.list, ascii_only=args.ascii or not _utf8_locale(),
        header=not args.noheadings, color=use_color(args.color),
    )
    if args.verdict if args.verdict is not None else (is_terminal(1) and not args.noheadings):
        from mountscope.render.report import verdict_line

        lines = chain([redactor.text(verdict_line(raw)) if redactor else verdict_line(raw)], lines)
    write_lines(lines)
    return ExitCode.OK


def _utf8_locale() -> bool:
    """findmnt draws the tree in ASCII when the locale is not UTF-8."""
    for name in ("LC_ALL", "LC_CTYPE", "LANG"):
        value = os.environ.get(name)
        if value:
            return "UTF-8" in value.upper() or "UTF8" in value.upper()
    return (getattr(sys.stdout, "encoding", None) or "").lower().replace("-", "") == "utf8"


def cmd_classify(args: argparse.Namespace) -> int:
    from mountscope.classify import classify
    from mountscope.jsonio import dumps
    from mountscope.render.report import verdict_lines

    capture = load_one(args.file, args, [])
    report_warnings(capture, args.strict)
    verdict = classify(capture, None if args.table_only else capture.signals)
    if args.json:
        write_bytes([dumps(verdict.to_dict(), indent=True), b"\n"])
    else:
        write_lines(verdict_lines(verdict))
    return ExitCode.OK


def cmd_capture(args: argparse.Namespace) -> int:
    from mountscope.capture import capture_live, default_snapshot_path, snapshot_bytes, write_atomic

    capture = capture_live(args.pid or "self", with_signals=not args.no_signals)
    capture.title = args.title
    for warning in capture.warnings:
        warn(str(warning))
    redactor = redactor_for(args, capture)
    data = snapshot_bytes(redactor.capture(capture) if redactor else capture)
    target = args.output
    if target is None and not is_terminal(1):
        target = "-"
    if target == "-":
        write_out(data)
        return ExitCode.OK
    path = target or default_snapshot_path()
    for stale in write_atomic(path, data, force=args.force):
        note(f"removed {safe(stale)}, left by an interrupted save")
    note(f"saved a snapshot of {len(capture.mounts)} mounts to {safe(path)}")
    return ExitCode.OK


def cmd_watch(args: argparse.Namespace) -> int:
    from mountscope.jsonio import dumps
    from mountscope.model.events import Gap
    from mountscope.render.report import event_line
    from mountscope.system.watch import MountWatcher
    from mountscope.text import safe

    def tell() -> None:  # how the table is followed, when that changes
        for message in watcher.notes:
            note(safe(message))
        watcher.notes.clear()

    seen = 0
    with MountWatcher(args.pid or "self") as watcher:
        if not args.json:
            note(f"watching {watcher.path} ({len(watcher.capture.mounts)} mounts); Ctrl-C stops")
        tell()
        try:
            for event in watcher.events(args.timeout):
                tell()
                if args.json:
                    write_out(dumps(event.to_dict()) + b"\n")
                else:
                    write_out(_encode((event.line() if isinstance(event, Gap) else event_line(event)) + "\n"))
                if isinstance(event, Gap):
                    continue  # a mark in the stream, not a change
                seen += 1
                if args.count and seen >= args.count:
                    break
        except KeyboardInterrupt:
            pass
    return ExitCode.OK


def cmd_diff(args: argparse.Namespace) -> int:
    from mountscope.jsonio import dumps
    from mountscope.render.report import diff_lines

    if args.a == "-" and args.b == "-":
        raise MountscopeError("standard input can be only one of the two captures")
    session = session_of(args)
    a = load_one(args.a, args, [], session)
    b = load_one(args.b, args, [], session)
    hide = redactor_for(args, a, b)
    for capture in (a, b):
        report_warnings(hide.capture(capture) if hide else capture, args.strict)
    comparison = session.compare(a, b, exact=args.exact)
    redactor = redactor_for(args, a, b)
    if args.json:
        data = comparison.to_dict()
        write_bytes([dumps(redactor.data(data) if redactor else data, indent=True), b"\n"])
    else:
        lines = diff_lines(comparison, color=use_color(args.color))
        write_lines(map(redactor.text, lines) if redactor else lines)
    return ExitCode.DIFFERENT if comparison.different else ExitCode.OK


def cmd_extract(args: argparse.Namespace) -> int:
    from mountscope.jsonio import dumps
    from mountscope.render import findmnt

    captures = load_all(args.file, args.format, limits_of(args), args.timing)
    if args.json:
        entries = []
        for index, capture in enumerate(captures, 1):
            entry = {"index": index, **findmnt.capture_json(capture)}
            entries.append(entry)
        write_bytes([dumps(entries, indent=True), b"\n"])
        return ExitCode.OK
    rows = []
    for index, capture in enumerate(captures, 1):
        title = f"  {capture.title}" if capture.title else ""
        if "seconds" in capture.metadata:
            title = f"  at {capture.metadata['seconds']:.1f}s{title}"
        warned = f"  ({len(capture.warnings)} warnings)" if capture.warnings else ""
        rows.append(
            f"#{index}  lines {capture.first_line}-{capture.last_line}  {capture.format}  "
            f"{len(capture.mounts)} mounts{warned}{title}"
        )
    write_lines(safe(row) for row in rows)
    if args.strict:
        for capture in captures:
            report_warnings(capture, strict=True)
    return ExitCode.OK


def redactor_for(args: argparse.Namespace, *captures: MountTable) -> Redactor | None:
    """With --redact: placeholders for what identifies an account or a machine,
    knowing the names these captures carry; else None."""
    if not getattr(args, "redact", False):
        return None
    from mountscope.redact import Redactor

    redactor = Redactor()
    for capture in captures:
        redactor.learn(capture)
    return redactor


def survey_items(args: argparse.Namespace) -> Iterable[Any]:
    from mountscope.survey import namespace_entries, read_entries

    if not args.paths and not args.namespaces:
        raise MountscopeError("name the captures to survey (files, folders, globs) or give --namespaces")
    files = read_entries(args.paths, args.format, limits_of(args))
    return chain(files, namespace_entries()) if args.namespaces else files


def cmd_survey(args: argparse.Namespace) -> int:
    from mountscope.jsonio import dumps
    from mountscope.survey import report_lines, survey
    from mountscope.text import safe

    redactor = redactor_for(args)
    result = survey(survey_items(args), args.format, limits_of(args), redactor.learn if redactor else None)
    if args.json:
        data = result.to_dict()
        write_bytes([dumps(redactor.data(data) if redactor else data, indent=True), b"\n"])
    elif wants_tui(args):
        from mountscope.tui import run_survey

        return run_survey(result, redactor, ascii_only=args.ascii or not _utf8_locale())
    else:
        write_lines(safe(redactor.text(line) if redactor else line) for line in report_lines(result))
    return ExitCode.OK


def cmd_export(args: argparse.Namespace) -> int:
    from mountscope.export import export_to, rows, write_rows

    redactor = redactor_for(args)
    made = rows(survey_items(args), redactor.data if redactor else None, redactor.learn if redactor else None)
    counts = write_rows(sys.stdout.buffer, made) if args.to == "-" else export_to(args.to, made, args.force)
    note(f"exported {counts['capture']} captures, {counts['mount']} mounts"
         + (f" and {counts['unreadable']} unreadable files" if counts["unreadable"] else ""))
    return ExitCode.OK


# --- argument parsing ---------------------------------------------------------


def _common(parser: argparse.ArgumentParser, formats: bool = True) -> None:
    if formats:
        from mountscope.parsers import FORMAT_NAMES, RECORDINGS

        names = FORMAT_NAMES + RECORDINGS
        parser.add_argument("--format", choices=names, metavar="NAME",
                            help=f"read input in this format instead of detecting it ({', '.join(names)})")
        parser.add_argument("--timing", metavar="FILE",
                            help="the timing file of a script(1) recording (times for its tables)")
        parser.add_argument("--strict", action="store_true",
                            help="treat warnings about the input as errors (exit 2)")
        parser.add_argument("--max-input", type=parse_size, default=DEFAULT_MAX_BYTES,
                            metavar="SIZE", help="refuse inputs larger than this "
                            f"(default 256M, at most {MAX_INPUT_CAP >> 30}G)")
        parser.add_argument("--max-lines", type=positive_int, default=MAX_LINES, metavar="N",
                            help=f"refuse inputs of more lines than this (default {MAX_LINES})")
    parser.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                        help="color output (auto: on a terminal, unless NO_COLOR is set)")


COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]] = {}


def command(name: str, help_text: str) -> Callable[[Callable[[argparse.ArgumentParser], None]], Callable[[argparse.ArgumentParser], None]]:
    def register(configure: Callable[[argparse.ArgumentParser], None]) -> Callable[[argparse.ArgumentParser], None]:
        COMMANDS[name] = (help_text, configure, globals()[f"cmd_{name}"])
        return configure

    return register


@command("tree", "print the mount tree like findmnt")
def _tree_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", nargs="?", metavar="FILE",
                   help="a capture (FILE#N picks the N-th table; - is stdin); default: the live table")
    p.add_argument("-o", "--output", metavar="LIST",
                   help="columns, comma-separated (+LIST adds to the defaults); "
                   "TARGET SOURCE FSTYPE OPTIONS VFS-OPTIONS FS-OPTIONS FSROOT ID PARENT MAJ:MIN "
                   "PROPAGATION OPT-FIELDS KIND")
    p.add_argument("-l", "--list", action="store_true", help="a flat list in table order")
    p.add_argument("-a", "--ascii", action="store_true", help="draw the tree with ASCII characters")
    p.add_argument("-J", "--json", action="store_true", help="findmnt's JSON shape")
    p.add_argument("-n", "--noheadings", action="store_true", help="no header line")
    p.add_argument("--verdict", action=argparse.BooleanOptionalAction, default=None,
                   help="print the host verdict above the tree (default: on a terminal)")
    p.add_argument("--pid", type=process_id, help="the live table of this process (its mount namespace)")
    _redact_arg(p)
    _common(p)


@command("classify", "say what kind of host produced a mount table, and why")
def _classify_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", nargs="?", metavar="FILE",
                   help="a capture (FILE#N, - for stdin); default: this machine, live")
    p.add_argument("--json", action="store_true", help="the verdict, evidence and caveats as JSON")
    p.add_argument("--table-only", action="store_true",
                   help="judge the mount table alone, ignoring live signals a snapshot carries")
    p.add_argument("--pid", type=process_id, help="the live table of this process (its mount namespace)")
    _common(p)


@command("diff", "compare two captures: what changed, appeared, vanished (exit 1 if they differ)")
def _diff_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("a", metavar="A", help="a capture (FILE, FILE#N, - for stdin, live)")
    p.add_argument("b", metavar="B", help="the other capture")
    p.add_argument("--json", action="store_true", help="summary, pairs and verdicts as JSON")
    p.add_argument("--exact", action="store_true",
                   help="count differences in random ids (UUIDs, hashes...) as changes")
    _redact_arg(p)
    _common(p)


@command("capture", "save a snapshot of the live mount table (and the machine's signals)")
def _capture_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("-o", "--output", metavar="FILE",
                   help="write the snapshot here (- for stdout); default: stdout when it is not "
                   "a terminal, else a new file in this folder (or /tmp)")
    p.add_argument("--pid", type=process_id, help="the mount namespace of this process (default: this one)")
    p.add_argument("--force", action="store_true",
                   help="replace FILE if it is a regular file; a symbolic link to a regular file "
                   "has its target replaced (the link stays); devices, FIFOs, directories and "
                   "links to anything else are never replaced")
    p.add_argument("--title", help="a name for the snapshot")
    p.add_argument("--no-signals", action="store_true", help="do not read the machine's live signals")
    _redact_arg(p)
    _common(p, formats=False)


@command("watch", "print each change of the live mount table as it happens")
def _watch_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--pid", type=process_id, help="watch this process's mount namespace (default: this one)")
    p.add_argument("--json", action="store_true", help="one JSON object per change, a line each")
    p.add_argument("--timeout", type=float, metavar="SECONDS", help="stop after this long")
    p.add_argument("--count", type=int, metavar="N", help="stop after N changes")
    _common(p, formats=False)


@command("extract", "list every mount table in a text (article, transcript, log)")
def _extract_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", help="any text; - is stdin")
    p.add_argument("--json", action="store_true", help="a JSON list of the tables")
    _common(p)


class Parser(argparse.ArgumentParser):
    """argparse with the command line's contract: a usage error is one line
    (exit 2), and help goes out through write_out like any other output."""

    def error(self, message: str) -> NoReturn:
        raise MountscopeError(f"{message}; see {self.prog} --help")

    def _print_message(self, message: str, file: SupportsWrite[str] | None = None) -> None:
        if message and (file is sys.stdout or (file is None and sys.stdout is None)):
            write_out(_encode(message))
        elif message and file is not None:
            _message(message.rstrip("\n"))


def _redact_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--redact", action="store_true",
                   help="replace account ids, ARNs, function names, request ids, UUIDs, hostnames and "
                   "IP addresses with placeholders (the same value, the same placeholder)")


def _survey_sources(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="captures: files, folders (read recursively) and globs, in any format")
    p.add_argument("--namespaces", action="store_true",
                   help="also every mount namespace on this machine (one process of each)")
    _redact_arg(p)
    _common(p)


@command("survey", "group many captures by their table's shape, with the signals that go with each group")
def _survey_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="groups, signals and unreadable files as JSON")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--tui", action="store_true", help="open the survey view even without a terminal check")
    mode.add_argument("--no-tui", action="store_true", help="print the report instead of the survey view")
    p.add_argument("-a", "--ascii", action="store_true", help="draw trees with ASCII characters")
    _survey_sources(p)


@command("export", "write captures as JSON Lines (a row per capture and per mount) for a query engine")
def _export_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--to", required=True, metavar="FILE", help="the JSON Lines file (- for stdout)")
    p.add_argument("--force", action="store_true", help="replace FILE if it exists")
    _survey_sources(p)


def build_parser(name: str) -> argparse.ArgumentParser:
    help_text, configure, handler = COMMANDS[name]
    parser = Parser(prog=f"{PROG} {name}", description=help_text)
    configure(parser)
    parser.set_defaults(handler=handler)
    return parser


def main_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog=PROG,
        description="Explore a Linux mount table as a tree, compare two captures, "
        "and say what kind of host produced it.",
        epilog="commands:\n" + "\n".join(f"  {n:<9} {h}" for n, (h, _, _) in COMMANDS.items())
        + f"\n\nRun '{PROG} COMMAND --help' for a command's options.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument("files", nargs="*", metavar="FILE",
                        help="one capture to explore or two to compare; none: the live table")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--tui", action="store_true", help="open the app even without a terminal check")
    mode.add_argument("--no-tui", action="store_true", help="print the plain report instead of the app")
    parser.add_argument("-a", "--ascii", action="store_true", help="draw trees with ASCII characters")
    parser.add_argument("--pid", type=process_id, help="live: the mount namespace of this process")
    parser.add_argument("--redact", action="store_true",
                        help="the app saves snapshots with placeholders for account ids, ARNs, names, "
                        "UUIDs, hostnames and IP addresses (the plain report shows them so too)")
    _common(parser)
    return parser


def wants_tui(args: argparse.Namespace) -> bool:
    """The app needs a terminal on both ends; a pipe, a Lambda shell or TERM=dumb
    get the plain report (Textual would write escape codes into them)."""
    if args.tui:
        return True
    if args.no_tui:
        return False
    term = os.environ.get("TERM", "")
    return is_terminal(0) and is_terminal(1) and term not in ("", "dumb")


def cmd_open(args: argparse.Namespace) -> int:
    """``mountscope [FILE [FILE]]``: the app on a terminal, else the plain report."""
    if len(args.files) > 2:
        raise MountscopeError("give one capture to explore, or two to compare")
    specs = args.files or [None]
    session = session_of(args)
    captures = [load_one(spec, args, [], session) for spec in specs]
    for capture in captures:
        report_warnings(capture, args.strict)
    if wants_tui(args):
        from mountscope.tui import run as run_app

        live = (args.pid or "self") if not args.files else None
        return run_app(captures[0], captures[1] if len(captures) > 1 else None, live_pid=live,
                       ascii_only=args.ascii or not _utf8_locale(), redact=args.redact,
                       session=session)
    from mountscope.render import findmnt
    from mountscope.render.report import diff_lines, verdict_lines

    redactor = redactor_for(args, *captures)
    hide: Callable[[str], str] = redactor.text if redactor else str
    if len(captures) == 2:
        comparison = session.compare(captures[0], captures[1])
        write_lines(map(hide, diff_lines(comparison, color=use_color(args.color))))
        return ExitCode.DIFFERENT if comparison.different else ExitCode.OK
    capture = redactor.capture(captures[0]) if redactor else captures[0]
    lines = findmnt.table_lines(capture, findmnt.choose_columns(None, capture),
                               ascii_only=args.ascii or not _utf8_locale(), color=use_color(args.color))
    write_lines(chain(map(hide, verdict_lines(session.verdict(captures[0]))), [""], lines))
    return ExitCode.OK


def run(argv: Sequence[str]) -> int:
    if argv and argv[0] in COMMANDS:
        args = build_parser(argv[0]).parse_args(argv[1:])
        return int(args.handler(args))
    args = main_parser().parse_args(argv)
    return int(cmd_open(args))


def _import_uninterrupted() -> None:
    """Import orjson with SIGINT blocked: its module set-up does not survive
    an interrupt (a Ctrl-C at that moment could crash the interpreter later).
    A Ctrl-C meanwhile is delivered as soon as the import is done."""
    if "orjson" in sys.modules:
        return
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        import orjson  # noqa: F401
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


def _catch_interrupts() -> Callable[[], None]:
    """Ctrl-C raises KeyboardInterrupt while main() runs (unless SIGINT is
    ignored, as in a background job); returns what puts the previous handler back."""
    try:
        previous = signal.getsignal(signal.SIGINT)
        if previous in (signal.SIG_IGN, signal.default_int_handler, None):
            return lambda: None
        signal.signal(signal.SIGINT, signal.default_int_handler)
    except ValueError:  # not the main thread: signals are not ours to change
        return lambda: None
    def restore() -> None:
        signal.signal(signal.SIGINT, previous)

    return restore


def main(argv: Sequence[str] | None = None) -> int:
    restore = _catch_interrupts()
    try:
        try:
            guard_standard_streams()
            _import_uninterrupted()
            return run(sys.argv[1:] if argv is None else argv)
        except MountscopeError as error:
            _message(f"{PROG}: error: {error}")
            return int(error.exit_code)
        except BrokenPipeError:
            # The reader went away (| head): stop quietly, as findmnt does.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            return 141
        except MemoryError:
            _message(f"{PROG}: error: not enough memory for this input; refused")
            return int(ExitCode.TROUBLE)
        except ModuleNotFoundError as error:
            # A Lambda zip or layer leaves out the app (Textual) and pyte.
            missing = (error.name or "").split(".")[0]
            if missing not in ("textual", "rich", "pyte") and not (error.name or "").startswith("mountscope.tui"):
                raise
            needs = ("terminal recordings need pyte, which this installation leaves out (it reads the "
                     "other formats)") if missing == "pyte" else ("the app needs Textual, which this "
                     "installation leaves out (a Lambda package has the plain commands: try --no-tui)")
            _message(f"{PROG}: error: {needs}")
            return int(ExitCode.TROUBLE)
    except KeyboardInterrupt:
        return int(ExitCode.INTERRUPTED)
    finally:
        restore()
