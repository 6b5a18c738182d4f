"""``mountscope [FILE [FILE]]`` (the default command): the app on a terminal,
else the plain report (the verdict and the tree, or the comparison)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from itertools import chain

from mountscope.cli import diff, tree
from mountscope.cli.inputs import load_one, redactor_for, report_warnings, session_of
from mountscope.cli.output import is_terminal, utf8_locale, write_lines
from mountscope.errors import ExitCode, UsageError


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "files",
        nargs="*",
        metavar="FILE",
        help="one capture to explore or two to compare (FILE#N, - for stdin, 'live' for "
        "this machine's table unless a file is named live); none: stdin when something "
        "is piped in, else the live table",
    )
    mode = p.add_mutually_exclusive_group()
    mode.add_argument(
        "--tui", action="store_true", help="open the app even without a terminal check"
    )
    mode.add_argument(
        "--no-tui", action="store_true", help="print the plain report instead of the app"
    )
    p.add_argument("-a", "--ascii", action="store_true", help="draw trees with ASCII characters")


def wants_tui(args: argparse.Namespace) -> bool:
    """The app needs a terminal on both ends; a pipe, a Lambda shell or TERM=dumb
    get the plain report (Textual would write escape codes into them)."""
    if args.tui:
        return True
    if args.no_tui:
        return False
    term = os.environ.get("TERM", "")
    return is_terminal(0) and is_terminal(1) and term not in ("", "dumb")


def keys_from_tty() -> None:
    """After a capture was read from standard input, take keys from the
    terminal instead, as less and fzf do: the app's driver reads fd 0."""
    try:
        tty = os.open("/dev/tty", os.O_RDONLY | os.O_NOCTTY)
    except OSError:
        raise UsageError(
            "standard input is not a terminal and /dev/tty cannot be opened: "
            "the app cannot read keys (use --no-tui)"
        ) from None
    os.dup2(tty, 0)
    os.close(tty)
    sys.stdin = open(0, encoding="utf-8", errors="replace", closefd=False)  # noqa: SIM115


def run(args: argparse.Namespace) -> int:
    if len(args.files) > 2:
        raise UsageError("give one capture to explore, or two to compare")
    specs = args.files or [None]
    session = session_of(args)
    notes: list[str] = []
    with session.loading_together():
        captures = [load_one(spec, args, notes, session) for spec in specs]
    for capture in captures:
        report_warnings(capture, args.strict)
    if wants_tui(args):
        from mountscope.tui import run as run_app

        if not is_terminal(0):
            keys_from_tty()
        live = (args.pid or "self") if not args.files else None
        return run_app(
            captures[0],
            captures[1] if len(captures) > 1 else None,
            live_pid=live,
            ascii_only=args.ascii or not utf8_locale(),
            redact=args.redact,
            session=session,
            notes=notes,
        )
    from mountscope.render.report import verdict_lines

    redactor = redactor_for(args, *captures)
    hide: Callable[[str], str] = redactor.text if redactor else str
    if len(captures) == 2:
        comparison = session.compare(captures[0], captures[1], list_same=False)
        return diff.write_report(comparison, args, redactor)
    capture = redactor.capture(captures[0]) if redactor else captures[0]
    write_lines(
        chain(
            map(hide, verdict_lines(session.verdict(captures[0]))), [""], tree.lines(capture, args)
        )
    )
    return ExitCode.OK
