"""``mountscope survey PATH...``: many captures grouped by their table's shape."""

from __future__ import annotations

import argparse

from mountscope.cli.inputs import redactor_for, survey_items, survey_sources
from mountscope.cli.options import limits_of, positive_int
from mountscope.cli.output import utf8_locale, write_bytes, write_lines
from mountscope.errors import ExitCode


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--json", action="store_true", help="groups, signals and unreadable files as JSON"
    )
    mode = p.add_mutually_exclusive_group()
    mode.add_argument(
        "--tui", action="store_true", help="open the survey view even without a terminal check"
    )
    mode.add_argument(
        "--no-tui", action="store_true", help="print the report instead of the survey view"
    )
    p.add_argument("-a", "--ascii", action="store_true", help="draw trees with ASCII characters")
    p.add_argument(
        "-j",
        "--jobs",
        type=positive_int,
        metavar="N",
        help="processes reading the files (default: one per processor, at most 8; "
        "1: this process alone)",
    )
    survey_sources(p)


def run(args: argparse.Namespace) -> int:
    from mountscope.jsonio import dumps
    from mountscope.survey import report_lines, survey
    from mountscope.text import safe

    redactor = redactor_for(args)
    # Redaction learns names from whole captures; without it, records will do.
    result = survey(
        survey_items(args, records=redactor is None),
        args.format,
        limits_of(args),
        redactor.learn if redactor else None,
    )
    if args.json:
        data = result.to_dict()
        write_bytes([dumps(redactor.data(data) if redactor else data, indent=True), b"\n"])
        return ExitCode.OK
    # Only where the report may be the app: it imports the tree and diff commands.
    from mountscope.cli.open import wants_tui

    if wants_tui(args):
        from mountscope.tui import run_survey

        return run_survey(result, redactor, ascii_only=args.ascii or not utf8_locale())
    write_lines(safe(redactor.text(line) if redactor else line) for line in report_lines(result))
    return ExitCode.OK
