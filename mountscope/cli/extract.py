"""``mountscope extract FILE``: every mount table in a text (article, transcript, log)."""

from __future__ import annotations

import argparse

from mountscope.cli.inputs import report_warnings
from mountscope.cli.options import limits_of
from mountscope.cli.output import write_bytes, write_lines
from mountscope.errors import ExitCode
from mountscope.model.origin import seconds_of
from mountscope.system.loader import load_all
from mountscope.text import safe


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "file",
        metavar="FILE",
        help="any text; - is stdin (here 'live' is only a file name: "
        "the live table holds one table)",
    )
    p.add_argument("--json", action="store_true", help="a JSON list of the tables")


def run(args: argparse.Namespace) -> int:
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
        if (seconds := seconds_of(capture.provenance)) is not None:
            title = f"  at {seconds:.1f}s{title}"
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
