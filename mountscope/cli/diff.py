"""``mountscope diff A B``: what differs between two captures (exit 1 if they differ)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from mountscope.cli.inputs import load_one, redactor_for, report_warnings, session_of
from mountscope.cli.output import use_color, write_bytes, write_lines
from mountscope.errors import ExitCode, UsageError

if TYPE_CHECKING:
    from mountscope.diff import Comparison
    from mountscope.redact import Redactor


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "a",
        metavar="A",
        help="a capture (FILE, FILE#N, - for stdin); 'live' is this machine's "
        "table (a file named live wins)",
    )
    p.add_argument("b", metavar="B", help="the other capture (the same forms as A)")
    p.add_argument(
        "--json",
        action="store_true",
        help="summary (counts of every kind), the pairs that differ and verdicts as JSON",
    )
    p.add_argument(
        "--all",
        action="store_true",
        help="with --json, list the unchanged pairs too (every mount of both captures)",
    )
    p.add_argument(
        "--exact",
        action="store_true",
        help="count differences in random ids (UUIDs, hashes...) as changes",
    )


def write_report(
    comparison: Comparison, args: argparse.Namespace, redactor: Redactor | None
) -> int:
    """The comparison as text; its status says whether the captures differ."""
    from mountscope.render.report import diff_lines

    lines = diff_lines(comparison, color=use_color(args.color))
    write_lines(map(redactor.text, lines) if redactor else lines)
    return ExitCode.DIFFERENT if comparison.different else ExitCode.OK


def run(args: argparse.Namespace) -> int:
    from mountscope.jsonio import dumps

    if args.a == "-" and args.b == "-":
        raise UsageError("standard input can be only one of the two captures")
    session = session_of(args)
    a = load_one(args.a, args, [], session)
    b = load_one(args.b, args, [], session)
    hide = redactor_for(args, a, b)
    for capture in (a, b):
        report_warnings(hide.capture(capture) if hide else capture, args.strict)
    # Only --json --all lists the unchanged pairs: the rest count them.
    comparison = session.compare(a, b, exact=args.exact, list_same=args.json and args.all)
    redactor = redactor_for(args, a, b)
    if args.json:
        data = comparison.to_dict(with_same=args.all)
        write_bytes([dumps(redactor.data(data) if redactor else data, indent=True), b"\n"])
        return ExitCode.DIFFERENT if comparison.different else ExitCode.OK
    return write_report(comparison, args, redactor)
