"""``mountscope classify [FILE]``: what kind of host produced a mount table, and why."""

from __future__ import annotations

import argparse

from mountscope.cli.inputs import load_one, report_warnings
from mountscope.cli.output import write_bytes, write_lines
from mountscope.errors import ExitCode
from mountscope.model import signals_of


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "file",
        nargs="?",
        metavar="FILE",
        help="a capture (FILE#N, - for stdin); 'live' is this machine's table (a file "
        "named live wins); default: stdin when something is piped in, else this "
        "machine, live",
    )
    p.add_argument("--json", action="store_true", help="the verdict, evidence and caveats as JSON")
    p.add_argument(
        "--table-only",
        action="store_true",
        help="judge the mount table alone, ignoring live signals a snapshot carries",
    )


def run(args: argparse.Namespace) -> int:
    from mountscope.classify import classify

    capture = load_one(args.file, args, [])
    report_warnings(capture, args.strict)
    verdict = classify(capture, None if args.table_only else signals_of(capture.provenance))
    # Each output's module only when it is asked for (orjson loads json,
    # uuid, datetime and platform; the text report needs none of them).
    if args.json:
        from mountscope.jsonio import dumps

        write_bytes([dumps(verdict.to_dict(), indent=True), b"\n"])
    else:
        from mountscope.render.verdict import verdict_lines

        write_lines(verdict_lines(verdict))
    return ExitCode.OK
