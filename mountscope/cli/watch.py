"""``mountscope watch``: each change of the live mount table as it happens."""

from __future__ import annotations

import argparse

from mountscope.cli.output import encode, note, write_out
from mountscope.errors import ExitCode


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="one JSON object per change, a line each")
    p.add_argument("--timeout", type=float, metavar="SECONDS", help="stop after this long")
    p.add_argument("--count", type=int, metavar="N", help="stop after N changes")


def run(args: argparse.Namespace) -> int:
    from mountscope.jsonio import dumps
    from mountscope.model.events import Gap
    from mountscope.render.report import event_line
    from mountscope.system.watch import MountWatcher
    from mountscope.text import safe

    def tell() -> None:  # how the table is followed, when that changes
        for message in watcher.notes:
            note(safe(message))
        watcher.notes.clear()

    seen = 0
    with MountWatcher(args.pid or "self") as watcher:
        if not args.json:
            note(f"watching {watcher.path} ({len(watcher.capture.mounts)} mounts); Ctrl-C stops")
        tell()
        try:
            for event in watcher.events(args.timeout):
                tell()
                if args.json:
                    write_out(dumps(event.to_dict()) + b"\n")
                else:
                    write_out(
                        encode(
                            (event.line() if isinstance(event, Gap) else event_line(event)) + "\n"
                        )
                    )
                if isinstance(event, Gap):
                    continue  # a mark in the stream, not a change
                seen += 1
                if args.count and seen >= args.count:
                    break
        except KeyboardInterrupt:
            pass
    return ExitCode.OK
