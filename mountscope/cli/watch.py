"""``mountscope watch``: each change of the live mount table as it happens,
like ``findmnt --poll``: a header, then a line per change (with the time),
findmnt's -o columns, -t/-T/-S filters and the action filter."""

from __future__ import annotations

import argparse
import os
import time
from typing import TYPE_CHECKING

from mountscope.cli.options import task_alias
from mountscope.cli.output import encode, note, write_out
from mountscope.errors import ExitCode, UsageError

if TYPE_CHECKING:
    from mountscope.model.columns import ColumnInfo
    from mountscope.model.events import MountEvent

ACTIONS = ("mount", "umount", "remount", "move")
DEFAULT_COLUMNS = "ACTION,TARGET,SOURCE,FSTYPE,OPTIONS"


def configure(p: argparse.ArgumentParser) -> None:
    task_alias(p)
    p.add_argument("--json", action="store_true", help="one JSON object per change, a line each")
    p.add_argument("--timeout", type=float, metavar="SECONDS", help="stop after this long")
    p.add_argument("--count", type=int, metavar="N", help="stop after N changes")
    p.add_argument(
        "-p",
        "--poll",
        "--actions",
        dest="actions",
        metavar="LIST",
        help=f"only these actions, comma-separated ({','.join(ACTIONS)}), as findmnt --poll=LIST",
    )
    p.add_argument(
        "-o",
        "--output",
        metavar="LIST",
        help=f"columns (default {DEFAULT_COLUMNS}; OLD-TARGET and OLD-OPTIONS too)",
    )
    p.add_argument("-n", "--noheadings", action="store_true", help="no header line")
    p.add_argument("-t", "--types", metavar="LIST", help="only these filesystem types (as findmnt)")
    p.add_argument("-T", "--target", metavar="PATH", help="only changes of this mount point")
    p.add_argument("-S", "--source", metavar="SPEC", help="only changes of this source")


def _actions(text: str | None) -> frozenset[str]:
    if not text:
        return frozenset(ACTIONS)
    chosen = frozenset(word.strip().lower() for word in text.split(","))
    unknown = sorted(chosen - frozenset(ACTIONS))
    if unknown:
        raise UsageError(
            f"watch: unknown action: {', '.join(unknown)} (known: {', '.join(ACTIONS)})"
        )
    return chosen


def _columns(spec: str | None) -> list[ColumnInfo]:
    from mountscope.model.columns import COLUMNS

    names = (spec or DEFAULT_COLUMNS).lstrip("+")
    if spec and spec.startswith("+"):
        names = DEFAULT_COLUMNS + "," + names
    chosen = []
    for name in names.split(","):
        key = name.strip().upper()
        if key not in COLUMNS:
            raise UsageError(f"unknown column '{name}' (known: {', '.join(COLUMNS)})")
        chosen.append(COLUMNS[key])
    return chosen


def _clock(when: float) -> str:
    return time.strftime("%H:%M:%S", time.localtime(when)) + f".{int(when * 1000) % 1000:03d}"


def _cell(column: ColumnInfo, event: MountEvent) -> str:
    from mountscope.model.events import EventAction

    name = column.name
    if name == "ACTION":
        return f"{event.action:<7}"
    if name == "OLD-TARGET":
        moved = event.action in (EventAction.MOVE, EventAction.UMOUNT)
        return event.old.target if event.old and moved else "-"
    if name == "OLD-OPTIONS":
        changed = event.action in (EventAction.REMOUNT, EventAction.UMOUNT)
        return event.old.options if event.old and changed else "-"
    value = column.value(event.mount)
    return "-" if value is None or value == "" else str(value)


def run(args: argparse.Namespace) -> int:
    from mountscope.filter import Criteria
    from mountscope.jsonio import dumps
    from mountscope.model.events import EventAction, Gap
    from mountscope.system.watch import MountWatcher
    from mountscope.text import safe

    actions = _actions(args.actions)
    columns = _columns(args.output)
    criteria = Criteria(types=args.types, target=args.target, source=args.source, noswap=True)
    pid = args.pid or "self"
    matches = criteria.mount_matcher(os.path.realpath if pid == "self" else None)
    default_form = args.output is None

    def tell() -> None:  # how the table is followed, when that changes
        for message in watcher.notes:
            note(safe(message))
        watcher.notes.clear()

    def line(event: MountEvent) -> str:
        text = " ".join(_cell(c, event) for c in columns)
        if default_form and event.old is not None:
            # What it was, as findmnt's OLD-TARGET and OLD-OPTIONS would say.
            if event.action == EventAction.MOVE:
                text += f"  (was {event.old.target})"
            elif event.action == EventAction.REMOUNT:
                text += f"  (was {event.old.options})"
        return safe(f"{_clock(event.time)} {text}")

    seen = 0
    try:
        with MountWatcher(pid) as watcher:
            if not args.json:
                note(
                    f"watching {watcher.path} ({len(watcher.capture.mounts)} mounts); Ctrl-C stops"
                )
                if not args.noheadings:
                    header = "TIME         " + " ".join(
                        f"{c.name:<7}" if c.name == "ACTION" else c.name for c in columns
                    )
                    write_out(encode(header.rstrip() + "\n"))
            tell()
            for event in watcher.events(args.timeout):
                tell()
                if isinstance(event, Gap):
                    # A mark in the stream, not a change.
                    if args.json:
                        write_out(dumps(event.to_dict()) + b"\n")
                    else:
                        write_out(encode(f"{_clock(event.time)} {event.line()}\n"))
                    continue
                if event.action not in actions or not matches(event.mount, -1):
                    continue
                if args.json:
                    write_out(dumps(event.to_dict()) + b"\n")
                else:
                    write_out(encode(line(event) + "\n"))
                seen += 1
                if args.count and seen >= args.count:
                    break
    except KeyboardInterrupt:
        return ExitCode.INTERRUPTED
    return ExitCode.OK
