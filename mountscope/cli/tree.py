"""``mountscope tree [FILE] [DEVICE|MOUNTPOINT]``: the mount tree as findmnt
prints it, with findmnt's selection flags and output forms."""

from __future__ import annotations

import argparse
import os
import stat
from collections.abc import Iterable
from itertools import chain

from mountscope.cli.inputs import load_one, redactor_for, report_warnings, session_of
from mountscope.cli.options import task_alias
from mountscope.cli.output import (
    is_terminal,
    note,
    use_color,
    utf8_locale,
    write_bytes,
    write_lines,
)
from mountscope.errors import ExitCode, UsageError
from mountscope.model import MountTable
from mountscope.model.columns import COLUMNS
from mountscope.model.origin import LiveOrigin
from mountscope.text import safe

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from mountscope.filter import Criteria, View


def configure(p: argparse.ArgumentParser) -> None:
    task_alias(p)
    p.add_argument(
        "file",
        nargs="*",
        metavar="FILE|DEVICE|MOUNTPOINT",
        help="a capture (FILE#N picks the N-th table; - is stdin; 'live' is this machine's "
        "table, a file named live wins); what is not an existing file (a directory, a block device, UUID=..., "
        "MAJ:MIN, a path that does not exist) is findmnt's <device> or <mountpoint>; default: stdin "
        "when something is piped in, else the live table",
    )
    p.add_argument("-F", "--tab-file", metavar="FILE", help="the capture to read (as findmnt -F)")
    cols = " ".join(COLUMNS).replace("%", "%%")  # argparse formats help with %
    p.add_argument(
        "-o",
        "--output",
        metavar="LIST",
        help=f"columns, comma-separated (+LIST adds to the defaults): {cols}",
    )
    p.add_argument("--output-all", action="store_true", help="every column findmnt has")
    p.add_argument("-l", "--list", action="store_true", help="a flat list in table order")
    p.add_argument("-a", "--ascii", action="store_true", help="draw the tree with ASCII characters")
    p.add_argument("-J", "--json", action="store_true", help="findmnt's JSON shape")
    p.add_argument("-r", "--raw", action="store_true", help="raw output (cells escaped as \\x20)")
    p.add_argument("-P", "--pairs", action="store_true", help='key="value" output')
    p.add_argument("-y", "--shell", action="store_true", help="column names as shell variables")
    p.add_argument("-n", "--noheadings", action="store_true", help="no header line")
    p.add_argument("-v", "--nofsroot", action="store_true", help="no [/dir] after SOURCE")
    p.add_argument(
        "-D", "--df", action="store_true", help="sizes like df(1) (live; a capture: its own)"
    )
    p.add_argument("-b", "--bytes", action="store_true", help="sizes in bytes")
    select = p.add_argument_group("selection (findmnt's)")
    select.add_argument("-t", "--types", metavar="LIST", help="filesystem types (noLIST: not)")
    select.add_argument("-O", "--options", metavar="LIST", help="mount options, whole items")
    select.add_argument("-S", "--source", metavar="SPEC", help="the source (device, MAJ:MIN)")
    select.add_argument(
        "-T", "--target", metavar="PATH", help="the mount holding PATH (a capture: by prefix)"
    )
    select.add_argument("-M", "--mountpoint", metavar="DIR", help="the mount point DIR itself")
    select.add_argument("--real", action="store_true", help="only real filesystems")
    select.add_argument("--pseudo", action="store_true", help="only pseudo filesystems")
    select.add_argument("-A", "--all", action="store_true", help="no built-in filter (-D's)")
    select.add_argument(
        "-R", "--submounts", action="store_true", help="the matches and all below them"
    )
    select.add_argument("-f", "--first-only", action="store_true", help="the first match only")
    select.add_argument("-U", "--uniq", action="store_true", help="one mount per target (the last)")
    select.add_argument("-i", "--invert", action="store_true", help="invert the sense of matching")
    select.add_argument(
        "--shadowed", action="store_true", help="only mounts over-mounted by another"
    )
    p.add_argument(
        "--verdict",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="print the host verdict above the tree (default: on a terminal)",
    )


def _is_capture_name(word: str) -> bool:
    """A positional names a capture when it is "-", "live", or an existing
    file that is not a directory or a device (FILE#N: when FILE is one)."""
    if word in ("-", "live"):
        return True
    for name in (word, word.rpartition("#")[0]):
        if not name:
            continue
        try:
            mode = os.stat(name).st_mode
        except (OSError, ValueError):
            continue
        # A directory is a mount point, a block device a source; a character
        # device is read (/dev/stdin), as before.
        return not (stat.S_ISDIR(mode) or stat.S_ISBLK(mode))
    return False


def split_positionals(args: argparse.Namespace) -> tuple[str | None, list[str]]:
    """The capture and findmnt's <device> [<mountpoint>] among the positionals."""
    words = list(args.file)
    spec = args.tab_file
    if spec is None and words and _is_capture_name(words[0]):
        spec = words.pop(0)
    if len(words) > 2:
        raise UsageError(f"tree: too many arguments: {' '.join(words[2:])}")
    if words and (args.source or args.target or args.mountpoint):
        raise UsageError(
            "tree: options --target and --source can't be used together with a device or "
            "mount point argument"
        )
    return spec, words


def criteria_of(args: argparse.Namespace, words: list[str]) -> Criteria:
    from mountscope.filter import Criteria

    if args.real and args.pseudo:
        raise UsageError("tree: --real and --pseudo are mutually exclusive")
    if args.target and args.mountpoint:
        raise UsageError("tree: --target and --mountpoint are mutually exclusive")
    flags = {
        "types": args.types,
        "options": args.options,
        "real": args.real,
        "pseudo": args.pseudo,
        "df": args.df,
        "all": args.all,
        "shadowed": args.shadowed,
        "invert": args.invert,
        "first_only": args.first_only,
        "submounts": args.submounts,
        "uniq": args.uniq,
    }
    source = args.source or (words[0] if words else None)
    target = args.target or args.mountpoint or (words[1] if len(words) > 1 else None)
    noswap = bool(args.source or args.target or args.mountpoint)
    if source is not None:
        c = Criteria.from_source_arg(source, **flags)
    else:
        c = Criteria(**flags)  # type: ignore[arg-type]
    from mountscope.record import replace

    return replace(
        c,
        target=target,
        strict_target=bool(args.mountpoint),
        noswap=c.noswap or noswap,
    )


def lines(
    capture: MountTable | View,
    args: argparse.Namespace,
    columns: str | None = None,
    as_list: bool = False,
    header: bool = True,
) -> Iterable[str]:
    """The table as text, as findmnt draws it (ASCII when asked or when the locale is not UTF-8)."""
    from mountscope.render import findmnt

    table = capture.table if not isinstance(capture, MountTable) else capture
    return findmnt.table_lines(
        capture,
        findmnt.choose_columns(columns, table),
        as_list=as_list,
        ascii_only=args.ascii or not utf8_locale(),
        header=header,
        color=use_color(args.color),
    )


def run(args: argparse.Namespace) -> int:
    from mountscope.filter import select
    from mountscope.model.columns import ALL_COLUMNS, DEFAULT_COLUMNS, DF_COLUMNS, Fill
    from mountscope.render import findmnt

    if sum((args.json, args.raw, args.pairs)) > 1:
        raise UsageError("tree: --json, --raw and --pairs are mutually exclusive")
    spec, words = split_positionals(args)
    criteria = criteria_of(args, words)
    if spec is None and words:
        # "mountscope tree /proc" asks about this machine, as findmnt does,
        # whatever is on standard input.
        raw = session_of(args).load(None)
    else:
        raw = load_one(spec, args, [])
    redactor = redactor_for(args, raw)
    capture = redactor.capture(raw) if redactor else raw
    report_warnings(capture, args.strict)
    live = isinstance(raw.provenance, LiveOrigin)
    as_tree = not (args.list or args.raw or args.pairs or args.df)
    resolve = os.path.realpath if live and not args.pid else None
    view = select(capture, criteria, tree=as_tree, resolve=resolve)
    defaults = DF_COLUMNS if args.df else DEFAULT_COLUMNS
    if args.output_all:
        columns = [COLUMNS[n] for n in ALL_COLUMNS]
    else:
        columns = findmnt.choose_columns(args.output, capture, defaults)
    wanted_live = [c for c in columns if c.fill in (Fill.STATVFS, Fill.DEVICE) or c.name == "TID"]
    if wanted_live and live:
        from mountscope.record import replace
        from mountscope.system import filesystems

        filled = filesystems.fill(
            view.mounts, wanted_live, in_bytes=args.bytes, pid=args.pid or "self"
        )
        view = replace(view, mounts=filled)
    elif args.df and not any(
        any(k in ("SIZE", "USED", "AVAIL") for k, _ in m.extra) for m in view.mounts
    ):
        note(
            f"{safe(capture.origin)}: the capture has no sizes (findmnt -D saves them; "
            "statvfs is read only on a live table)"
        )
    if not view.found:
        for word in words:
            if not os.path.lexists(word) and not os.path.lexists(word.rpartition("#")[0] or word):
                # Most likely a capture's name mistyped; findmnt would say nothing.
                note(
                    f"{safe(word)}: no such file, and no mount of {safe(capture.origin)} "
                    "has it as source or mount point"
                )
        return ExitCode.NOTHING_FOUND
    if not view.mounts and not args.json:
        return ExitCode.OK  # findmnt prints an empty table as nothing, not even its header
    if as_tree and view.as_tree and view.tree.built_from == "paths" and len(view.mounts) > 1:
        note(
            f"{safe(capture.origin)}: the tree is inferred from the paths "
            f"({capture.format} has no mount ids)"
        )
    style = findmnt.CellStyle(nofsroot=args.nofsroot)
    if args.json:
        write_bytes(
            findmnt.json_chunks(
                view,
                columns,
                as_list=not (as_tree and view.as_tree),
                style=style,
                bytes_sizes=args.bytes,
            )
        )
        return ExitCode.OK
    if args.raw or args.pairs:
        write_lines(
            findmnt.script_lines(
                view,
                columns,
                pairs=args.pairs,
                shell=args.shell,
                header=not args.noheadings,
                style=style,
            )
        )
        return ExitCode.OK
    header = not args.noheadings
    table: Iterable[str] = findmnt.table_lines(
        view,
        columns,
        as_list=not (as_tree and view.as_tree),
        ascii_only=args.ascii or not utf8_locale(),
        header=header,
        color=use_color(args.color),
        style=style,
    )
    if args.verdict if args.verdict is not None else (is_terminal(1) and header):
        from mountscope.render.report import verdict_line

        table = chain([redactor.text(verdict_line(raw)) if redactor else verdict_line(raw)], table)
    write_lines(table)
    return ExitCode.OK
