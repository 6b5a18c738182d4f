"""``mountscope export --to FILE PATH...``: captures as JSON Lines for a query engine."""

from __future__ import annotations

import argparse
import sys

from mountscope.cli.inputs import redactor_for, survey_items, survey_sources
from mountscope.cli.output import note
from mountscope.errors import ExitCode


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("--to", required=True, metavar="FILE", help="the JSON Lines file (- for stdout)")
    p.add_argument("--force", action="store_true", help="replace FILE if it exists")
    survey_sources(p)


def run(args: argparse.Namespace) -> int:
    from mountscope.export import export_to, rows, write_rows

    redactor = redactor_for(args)
    made = rows(
        survey_items(args),
        redactor.data if redactor else None,
        redactor.learn if redactor else None,
    )
    counts = (
        write_rows(sys.stdout.buffer, made)
        if args.to == "-"
        else export_to(args.to, made, args.force)
    )
    note(
        f"exported {counts['capture']} captures, {counts['mount']} mounts"
        + (f" and {counts['unreadable']} unreadable files" if counts["unreadable"] else "")
    )
    return ExitCode.OK
