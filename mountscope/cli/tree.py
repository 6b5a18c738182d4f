"""``mountscope tree [FILE]``: the mount tree as findmnt prints it."""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from itertools import chain

from mountscope.cli.inputs import load_one, redactor_for, report_warnings
from mountscope.cli.output import (
    is_terminal,
    note,
    use_color,
    utf8_locale,
    write_bytes,
    write_lines,
)
from mountscope.errors import ExitCode
from mountscope.model import MountTable
from mountscope.text import safe


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "file",
        nargs="?",
        metavar="FILE",
        help="a capture (FILE#N picks the N-th table; - is stdin); 'live' is this machine's "
        "table (a file named live wins); default: stdin when something is piped in, "
        "else the live table",
    )
    p.add_argument(
        "-o",
        "--output",
        metavar="LIST",
        help="columns, comma-separated (+LIST adds to the defaults); "
        "TARGET SOURCE FSTYPE OPTIONS VFS-OPTIONS FS-OPTIONS FSROOT ID PARENT MAJ:MIN "
        "PROPAGATION OPT-FIELDS KIND",
    )
    p.add_argument("-l", "--list", action="store_true", help="a flat list in table order")
    p.add_argument("-a", "--ascii", action="store_true", help="draw the tree with ASCII characters")
    p.add_argument("-J", "--json", action="store_true", help="findmnt's JSON shape")
    p.add_argument("-n", "--noheadings", action="store_true", help="no header line")
    p.add_argument(
        "--verdict",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="print the host verdict above the tree (default: on a terminal)",
    )


def lines(
    capture: MountTable,
    args: argparse.Namespace,
    columns: str | None = None,
    as_list: bool = False,
    header: bool = True,
) -> Iterable[str]:
    """The table as text, as findmnt draws it (ASCII when asked or when the locale is not UTF-8)."""
    from mountscope.render import findmnt

    return findmnt.table_lines(
        capture,
        findmnt.choose_columns(columns, capture),
        as_list=as_list,
        ascii_only=args.ascii or not utf8_locale(),
        header=header,
        color=use_color(args.color),
    )


def run(args: argparse.Namespace) -> int:
    from mountscope.render import findmnt

    raw = load_one(args.file, args, [])
    redactor = redactor_for(args, raw)
    capture = redactor.capture(raw) if redactor else raw
    report_warnings(capture, args.strict)
    if not args.list and capture.tree.built_from == "paths" and len(capture.mounts) > 1:
        note(
            f"{safe(capture.origin)}: the tree is inferred from the paths "
            f"({capture.format} has no mount ids)"
        )
    if args.json:
        columns = findmnt.choose_columns(args.output, capture)
        write_bytes(findmnt.json_chunks(capture, columns, as_list=args.list))
        return ExitCode.OK
    table = lines(capture, args, args.output, as_list=args.list, header=not args.noheadings)
    if args.verdict if args.verdict is not None else (is_terminal(1) and not args.noheadings):
        from mountscope.render.report import verdict_line

        table = chain([redactor.text(verdict_line(raw)) if redactor else verdict_line(raw)], table)
    write_lines(table)
    return ExitCode.OK
