"""What the commands read: captures named on the command line, their
warnings, and the redactor that --redact asks for."""

from __future__ import annotations

import argparse
import gc
import os
import stat
from collections.abc import Iterable
from itertools import chain

from mountscope.cli.options import limits_of
from mountscope.cli.output import note, warn
from mountscope.errors import MountscopeError, UsageError, WarningsAreErrors
from mountscope.model import MountTable

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

    from mountscope.redact import Redactor
    from mountscope.session import Session

MAX_WARNINGS_SHOWN = 10


def report_warnings(capture: MountTable, strict: bool) -> None:
    """Print a capture's warnings (the first few); --strict makes any fatal."""
    shown = capture.warnings[:MAX_WARNINGS_SHOWN]
    for warning in shown:
        warn(str(warning))
    if len(capture.warnings) > len(shown):
        warn(f"... and {len(capture.warnings) - len(shown)} more warnings")
    for index, problem in capture.tree.problems[:MAX_WARNINGS_SHOWN]:
        mount = capture.mounts[index]
        warn(str(MountscopeError(f"{capture.origin}:{mount.line}: {problem}")))
    if strict and (capture.warnings or capture.tree.problems):
        raise WarningsAreErrors(f"{capture.origin}: warnings are errors with --strict")


def session_of(args: argparse.Namespace) -> Session:
    """The session (mountscope.session) with the command line's input options."""
    # Imported here: survey and export read their inputs without a session.
    from mountscope.session import Session

    return Session(
        format_name=getattr(args, "format", None),
        limits=limits_of(args),
        timing=getattr(args, "timing", None),
        pid=getattr(args, "pid", None) or "self",
    )


def piped_stdin() -> bool:
    """Whether standard input is a pipe or a redirected file (``cat cap | mountscope``).

    A terminal, /dev/null (a character device) or a closed descriptor is not:
    then no FILE still means the live table.
    """
    try:
        mode = os.fstat(0).st_mode
    except OSError:
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISREG(mode) or stat.S_ISSOCK(mode)


def load_one(
    spec: str | None,
    args: argparse.Namespace,
    notes: list[str] | None = None,
    session: Session | None = None,
) -> MountTable:
    """A capture named on the command line; no name means standard input when
    something is piped or redirected into it, else the live table. The word
    ``live`` names the live table, unless a file of that name is here."""
    if spec is None and piped_stdin() and not getattr(args, "pid", None):
        note("reading standard input (it is not a terminal); name 'live' for this machine's table")
        spec = "-"
    capture = (session or session_of(args)).load(spec, notes)
    # What a command loads lives until it ends: the collector leaves it out
    # of its walks from now on (reference counting still frees what is dropped).
    gc.freeze()
    for message in notes or []:
        note(message)
    return capture


def redactor_for(args: argparse.Namespace, *captures: MountTable) -> Redactor | None:
    """With --redact: placeholders for what identifies an account or a machine,
    knowing the names these captures carry; else None."""
    if not getattr(args, "redact", False):
        return None
    from mountscope.redact import Redactor

    redactor = Redactor()
    for capture in captures:
        redactor.learn(capture)
    return redactor


def survey_sources(parser: argparse.ArgumentParser) -> None:
    """The inputs of survey and export."""
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="captures: files, folders (read recursively) and globs, in any format",
    )
    parser.add_argument(
        "--namespaces",
        action="store_true",
        help="also every mount namespace on this machine (one process of each)",
    )


def survey_items(args: argparse.Namespace, records: bool = False) -> Iterable[Any]:
    """The captures named; with ``records``, snapshots come as survey records
    (no mounts made) where they can."""
    from mountscope.survey import namespace_entries, read_entries, read_records

    if not args.paths and not args.namespaces:
        raise UsageError("name the captures to survey (files, folders, globs) or give --namespaces")
    if records:
        from mountscope.processes import processors

        jobs = getattr(args, "jobs", None) or processors()
        files = read_records(args.paths, args.format, limits_of(args), jobs)
    else:
        files = read_entries(args.paths, args.format, limits_of(args))
    return chain(files, namespace_entries()) if args.namespaces else files
