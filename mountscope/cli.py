"""The command line: ``mountscope [FILE [FILE]]`` and its subcommands.

stdout is data, stderr is messages; errors are one line and an exit code
(errors.ExitCode). Nothing here imports Textual: the app is imported only
when it is about to start.
"""

from __future__ import annotations

import argparse
import os
import stat
import sys
from collections.abc import Callable, Iterable, Sequence
from itertools import chain

from mountscope import __version__
from mountscope.errors import ExitCode, MountscopeError
from mountscope.loader import DEFAULT_MAX_BYTES, Limits, load, load_all
from mountscope.model import Capture

PROG = "mountscope"


# --- helpers -----------------------------------------------------------------


def use_color(mode: str, stream: object = None) -> bool:
    """Color only on a terminal, never under NO_COLOR or TERM=dumb, unless forced."""
    if mode == "always":
        return True
    if mode == "never" or "NO_COLOR" in os.environ or os.environ.get("TERM") == "dumb":
        return False
    stream = stream or sys.stdout
    return bool(getattr(stream, "isatty", lambda: False)())


def parse_size(text: str) -> int:
    units = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    value = text.strip().upper().removesuffix("B").removesuffix("I")
    unit = value[-1:] if value[-1:] in units else ""
    try:
        return int(float(value[: len(value) - len(unit)] if unit else value) * units[unit])
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (say 512M or 2G)") from None


def warn(message: str) -> None:
    print(f"{PROG}: warning: {message}", file=sys.stderr)


def note(message: str) -> None:
    print(f"{PROG}: {message}", file=sys.stderr)


MAX_WARNINGS_SHOWN = 10


def report_warnings(capture: Capture, strict: bool) -> None:
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


def write_lines(lines: Iterable[str]) -> None:
    out = sys.stdout
    batch: list[str] = []
    for line in lines:
        batch.append(line)
        if len(batch) >= 4096:
            out.write("\n".join(batch) + "\n")
            batch.clear()
    if batch:
        out.write("\n".join(batch) + "\n")
    out.flush()


def write_bytes(chunks: Iterable[bytes]) -> None:
    out = sys.stdout.buffer
    sys.stdout.flush()
    batch: list[bytes] = []
    for chunk in chunks:
        batch.append(chunk)
        if len(batch) >= 4096:
            out.write(b"".join(batch))
            batch.clear()
    out.write(b"".join(batch))
    out.flush()


def limits_of(args: argparse.Namespace) -> Limits:
    return Limits(max_bytes=args.max_input)


def piped_stdin() -> bool:
    """Whether standard input is a pipe or a redirected file (``cat cap | mountscope``).

    A terminal, /dev/null (a character device) or a closed descriptor is not:
    then no FILE still means the live table.
    """
    try:
        mode = os.fstat(0).st_mode
    except OSError:
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISREG(mode) or stat.S_ISSOCK(mode)


def load_one(spec: str | None, args: argparse.Namespace, notes: list[str] | None = None) -> Capture:
    """A capture named on the command line; no name means standard input when
    something is piped or redirected into it, else the live table. The word
    ``live`` names the live table, unless a file of that name is here."""
    if spec is None and piped_stdin() and not getattr(args, "pid", None):
        note("reading standard input (it is not a terminal); name 'live' for this machine's table")
        spec = "-"
    if spec is None or (spec == "live" and not os.path.exists(spec)):
        from mountscope.capture import capture_live

        return capture_live(getattr(args, "pid", None) or "self")
    capture = load(spec, args.format, limits_of(args), notes, getattr(args, "timing", None))
    for message in notes or []:
        note(message)
    return capture


# --- commands ----------------------------------------------------------------


def cmd_tree(args: argparse.Namespace) -> int:
    from mountscope import output

    capture = load_one(args.file, args, [])
    report_warnings(capture, args.strict)
    if not args.list and capture.tree.built_from == "paths" and len(capture.mounts) > 1:
        note(f"{capture.origin}: the tree is inferred from the paths ({capture.format} has no mount ids)")
    columns = output.choose_columns(args.output, capture)
    if args.json:
        write_bytes(output.json_chunks(capture, columns, as_list=args.list))
        return ExitCode.OK
    lines: Iterable[str] = output.table_lines(
        capture, columns, as_list=args.list, ascii_only=args.ascii or not _utf8_locale(),
        header=not args.noheadings, color=use_color(args.color),
    )
    if args.verdict if args.verdict is not None else (sys.stdout.isatty() and not args.noheadings):
        from mountscope.report import verdict_line

        lines = chain([verdict_line(capture)], lines)
    write_lines(lines)
    return ExitCode.OK


def _utf8_locale() -> bool:
    """findmnt draws the tree in ASCII when the locale is not UTF-8."""
    for name in ("LC_ALL", "LC_CTYPE", "LANG"):
        value = os.environ.get(name)
        if value:
            return "UTF-8" in value.upper() or "UTF8" in value.upper()
    return (sys.stdout.encoding or "").lower().replace("-", "") == "utf8"


def cmd_classify(args: argparse.Namespace) -> int:
    from mountscope.classify import classify
    from mountscope.jsonio import dumps
    from mountscope.report import verdict_lines

    capture = load_one(args.file, args, [])
    report_warnings(capture, args.strict)
    if args.table_only:
        capture.signals = None
    verdict = classify(capture)
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
    data = snapshot_bytes(capture)
    target = args.output
    if target is None and not sys.stdout.isatty():
        target = "-"
    if target == "-":
        write_bytes([data])
        return ExitCode.OK
    path = target or default_snapshot_path()
    write_atomic(path, data, force=args.force)
    note(f"saved a snapshot of {len(capture.mounts)} mounts to {path}")
    return ExitCode.OK


def cmd_watch(args: argparse.Namespace) -> int:
    from mountscope.jsonio import dumps
    from mountscope.report import event_line
    from mountscope.text import safe
    from mountscope.watch import Gap, MountWatcher

    def tell() -> None:  # how the table is followed, when that changes
        for message in watcher.notes:
            note(safe(message))
        watcher.notes.clear()

    out = sys.stdout
    seen = 0
    with MountWatcher(args.pid or "self") as watcher:
        if not args.json:
            note(f"watching {watcher.path} ({len(watcher.capture.mounts)} mounts); Ctrl-C stops")
        tell()
        try:
            for event in watcher.events(args.timeout):
                tell()
                if args.json:
                    out.buffer.write(dumps(event.to_dict()) + b"\n")
                else:
                    out.write((event.line() if isinstance(event, Gap) else event_line(event)) + "\n")
                out.flush()
                if isinstance(event, Gap):
                    continue  # a mark in the stream, not a change
                seen += 1
                if args.count and seen >= args.count:
                    break
        except KeyboardInterrupt:
            pass
    return ExitCode.OK


def cmd_diff(args: argparse.Namespace) -> int:
    from mountscope.diff import compare
    from mountscope.jsonio import dumps
    from mountscope.report import diff_lines

    if args.a == "-" and args.b == "-":
        raise MountscopeError("standard input can be only one of the two captures")
    a = load_one(args.a, args, [])
    b = load_one(args.b, args, [])
    for capture in (a, b):
        report_warnings(capture, args.strict)
    comparison = compare(a, b, exact=args.exact)
    if args.json:
        write_bytes([dumps(comparison.to_dict(), indent=True), b"\n"])
    else:
        write_lines(diff_lines(comparison, color=use_color(args.color)))
    return ExitCode.DIFFERENT if comparison.different else ExitCode.OK


def cmd_extract(args: argparse.Namespace) -> int:
    from mountscope import output
    from mountscope.jsonio import dumps

    captures = load_all(args.file, args.format, limits_of(args), args.timing)
    if args.json:
        entries = []
        for index, capture in enumerate(captures, 1):
            entry = {"index": index, **output.capture_json(capture)}
            entries.append(entry)
        write_bytes([dumps(entries, indent=True), b"\n"])
        return ExitCode.OK
    from mountscope.text import safe

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
                            metavar="SIZE", help="refuse inputs larger than this (default 256M)")
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
                   help="a capture (FILE#N picks the N-th table; - is stdin); 'live' is this machine's table (a file named live wins); default: stdin "
                   "when something is piped in, else the live table")
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
    p.add_argument("--pid", type=int, help="the live table of this process (its mount namespace)")
    _common(p)


@command("classify", "say what kind of host produced a mount table, and why")
def _classify_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", nargs="?", metavar="FILE",
                   help="a capture (FILE#N, - for stdin); 'live' is this machine's table (a file named live wins); default: stdin when "
                   "something is piped in, else this machine, live")
    p.add_argument("--json", action="store_true", help="the verdict, evidence and caveats as JSON")
    p.add_argument("--table-only", action="store_true",
                   help="judge the mount table alone, ignoring live signals a snapshot carries")
    p.add_argument("--pid", type=int, help="the live table of this process (its mount namespace)")
    _common(p)


@command("diff", "compare two captures: what changed, appeared, vanished (exit 1 if they differ)")
def _diff_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("a", metavar="A", help="a capture (FILE, FILE#N, - for stdin); 'live' is this machine's table (a file named live wins)")
    p.add_argument("b", metavar="B", help="the other capture (the same forms as A)")
    p.add_argument("--json", action="store_true", help="summary, pairs and verdicts as JSON")
    p.add_argument("--exact", action="store_true",
                   help="count differences in random ids (UUIDs, hashes...) as changes")
    _common(p)


@command("capture", "save a snapshot of the live mount table (and the machine's signals)")
def _capture_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("-o", "--output", metavar="FILE",
                   help="write the snapshot here (- for stdout); default: stdout when it is not "
                   "a terminal, else a new file in this folder (or /tmp)")
    p.add_argument("--pid", type=int, help="the mount namespace of this process (default: this one)")
    p.add_argument("--force", action="store_true", help="replace FILE if it exists")
    p.add_argument("--title", help="a name for the snapshot")
    p.add_argument("--no-signals", action="store_true", help="do not read the machine's live signals")
    _common(p, formats=False)


@command("watch", "print each change of the live mount table as it happens")
def _watch_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--pid", type=int, help="watch this process's mount namespace (default: this one)")
    p.add_argument("--json", action="store_true", help="one JSON object per change, a line each")
    p.add_argument("--timeout", type=float, metavar="SECONDS", help="stop after this long")
    p.add_argument("--count", type=int, metavar="N", help="stop after N changes")
    _common(p, formats=False)


@command("extract", "list every mount table in a text (article, transcript, log)")
def _extract_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", help="any text; - is stdin (here 'live' is only a file name: "
                   "the live table holds one table)")
    p.add_argument("--json", action="store_true", help="a JSON list of the tables")
    _common(p)


def build_parser(name: str) -> argparse.ArgumentParser:
    help_text, configure, handler = COMMANDS[name]
    parser = argparse.ArgumentParser(prog=f"{PROG} {name}", description=help_text)
    configure(parser)
    parser.set_defaults(handler=handler)
    return parser


def main_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Explore a Linux mount table as a tree, compare two captures, "
        "and say what kind of host produced it.",
        epilog="commands:\n" + "\n".join(f"  {n:<9} {h}" for n, (h, _, _) in COMMANDS.items())
        + f"\n\nRun '{PROG} COMMAND --help' for a command's options.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument("files", nargs="*", metavar="FILE",
                        help="one capture to explore or two to compare (FILE#N, - for stdin, "
                        "'live' for this machine's table unless a file is named live); none: stdin when "
                        "something is piped in, else the live table")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--tui", action="store_true", help="open the app even without a terminal check")
    mode.add_argument("--no-tui", action="store_true", help="print the plain report instead of the app")
    parser.add_argument("-a", "--ascii", action="store_true", help="draw trees with ASCII characters")
    parser.add_argument("--pid", type=int, help="live: the mount namespace of this process")
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
    return sys.stdin.isatty() and sys.stdout.isatty() and term not in ("", "dumb")


def keys_from_tty() -> None:
    """After a capture was read from standard input, take keys from the
    terminal instead, as less and fzf do: the app's driver reads fd 0."""
    try:
        tty = os.open("/dev/tty", os.O_RDONLY | os.O_NOCTTY)
    except OSError:
        raise MountscopeError("standard input is not a terminal and /dev/tty cannot be opened: "
                              "the app cannot read keys (use --no-tui)") from None
    os.dup2(tty, 0)
    os.close(tty)
    sys.stdin = open(0, encoding=sys.stdin.encoding or "utf-8", errors="replace", closefd=False)  # noqa: SIM115


def cmd_open(args: argparse.Namespace) -> int:
    """``mountscope [FILE [FILE]]``: the app on a terminal, else the plain report."""
    if len(args.files) > 2:
        raise MountscopeError("give one capture to explore, or two to compare")
    specs = args.files or [None]
    captures = [load_one(spec, args, []) for spec in specs]
    for capture in captures:
        report_warnings(capture, args.strict)
    if wants_tui(args):
        from mountscope.tui import run as run_app

        if not sys.stdin.isatty():
            keys_from_tty()

        live = (args.pid or "self") if not args.files else None
        return run_app(captures[0], captures[1] if len(captures) > 1 else None, live_pid=live,
                       ascii_only=args.ascii or not _utf8_locale())
    from mountscope import output
    from mountscope.report import diff_lines, verdict_lines

    if len(captures) == 2:
        from mountscope.diff import compare

        comparison = compare(captures[0], captures[1])
        write_lines(diff_lines(comparison, color=use_color(args.color)))
        return ExitCode.DIFFERENT if comparison.different else ExitCode.OK
    from mountscope.classify import classify

    capture = captures[0]
    lines = output.table_lines(capture, output.choose_columns(None, capture),
                               ascii_only=args.ascii or not _utf8_locale(), color=use_color(args.color))
    write_lines(chain(verdict_lines(classify(capture)), [""], lines))
    return ExitCode.OK


def run(argv: Sequence[str]) -> int:
    if argv and argv[0] in COMMANDS:
        args = build_parser(argv[0]).parse_args(argv[1:])
        return int(args.handler(args))
    args = main_parser().parse_args(argv)
    return int(cmd_open(args))


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return run(sys.argv[1:] if argv is None else argv)
    except MountscopeError as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return int(error.exit_code)
    except KeyboardInterrupt:
        return int(ExitCode.INTERRUPTED)
    except BrokenPipeError:
        # The reader went away (| head): stop quietly, as findmnt does.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
