"""``mountscope capture [--to FILE]``: a snapshot of the live mount table."""

from __future__ import annotations

import argparse

from mountscope.cli.inputs import redactor_for
from mountscope.cli.output import is_terminal, note, warn, write_bytes
from mountscope.errors import ExitCode
from mountscope.record import replace
from mountscope.text import safe


def configure(p: argparse.ArgumentParser) -> None:
    # -o means columns in every other command, as in findmnt; here it stays an
    # alias of --to (with --output) because scripts use it.
    p.add_argument(
        "--to",
        "-o",
        "--output",
        dest="to",
        metavar="FILE",
        help="write the snapshot here (- for stdout); default: stdout when it is not "
        "a terminal, else a new file in this folder (or /tmp). -o FILE and --output FILE "
        "are older spellings of --to FILE and keep working",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="replace FILE if it is a regular file; a symbolic link to a regular file "
        "has its target replaced (the link stays); devices, FIFOs, directories and "
        "links to anything else are never replaced",
    )
    p.add_argument("--title", help="a name for the snapshot")
    p.add_argument(
        "--no-signals", action="store_true", help="do not read the machine's live signals"
    )


def run(args: argparse.Namespace) -> int:
    from mountscope.capture import (
        capture_live,
        default_snapshot_path,
        snapshot_chunks,
        write_atomic,
    )

    capture = capture_live(args.pid or "self", with_signals=not args.no_signals)
    capture = replace(capture, title=args.title)
    for warning in capture.warnings:
        warn(str(warning))
    redactor = redactor_for(args, capture)
    # Written a piece at a time: a large table is never held as one JSON document.
    data = snapshot_chunks(redactor.capture(capture) if redactor else capture)
    target = args.to
    if target is None and not is_terminal(1):
        target = "-"
    if target == "-":
        write_bytes(data)
        return ExitCode.OK
    path = target or default_snapshot_path()
    for stale in write_atomic(path, data, force=args.force):
        note(f"removed {safe(stale)}, left by an interrupted save")
    note(f"saved a snapshot of {len(capture.mounts)} mounts to {safe(path)}")
    return ExitCode.OK
