"""``mountscope diff A B``: what differs between two captures (exit 1 if they differ)."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

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


def json_chunks(
    comparison: Comparison, *, with_same: bool, redactor: Redactor | None
) -> Iterator[bytes]:
    """``dumps(comparison.to_dict(...), indent=True)`` and a newline, written
    member by member and the pairs one at a time, each indented as deep as it
    sits in the document: the data and text of every pair never exist all at
    once (tens of megabytes when a fifth of 50 000 mounts changed). JSON text
    holds a newline only between its items, so indenting is a replace."""

    from mountscope.jsonio import dumps

    def hide(value: Any) -> Any:
        return redactor.data(value) if redactor else value

    def indented(data: bytes, depth: int) -> bytes:
        return data.replace(b"\n", b"\n" + b"  " * depth)

    pairs = comparison.listing(with_same=with_same)
    document = comparison.to_dict(with_same=with_same, pairs=False)
    yield b"{"
    for n, (key, value) in enumerate(document.items()):
        yield (b",\n  " if n else b"\n  ") + dumps(hide(key)) + b": "
        if key == "pairs" and pairs:
            for k, pair in enumerate(pairs):
                item = indented(dumps(hide(pair.to_dict()), indent=True), 2)
                yield (b",\n    " if k else b"[\n    ") + item
            yield b"\n  ]"
        else:
            yield indented(dumps(hide(value), indent=True), 1)
    yield b"\n}\n"


def run(args: argparse.Namespace) -> int:
    if args.a == "-" and args.b == "-":
        raise UsageError("standard input can be only one of the two captures")
    session = session_of(args)
    with session.loading_together():
        a = load_one(args.a, args, [], session)
        b = load_one(args.b, args, [], session)
    # Both verdicts are shown: they are made in other processes while this
    # one checks the captures and pairs them.
    with session.judging_ahead((a, b)):
        hide = redactor_for(args, a, b)
        for capture in (a, b):
            report_warnings(hide.capture(capture) if hide else capture, args.strict)
        # Only --json --all lists the unchanged pairs: the rest count them.
        comparison = session.compare(a, b, exact=args.exact, list_same=args.json and args.all)
        redactor = redactor_for(args, a, b)
        if args.json:
            write_bytes(json_chunks(comparison, with_same=args.all, redactor=redactor))
            return ExitCode.DIFFERENT if comparison.different else ExitCode.OK
        return write_report(comparison, args, redactor)
