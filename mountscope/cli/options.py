"""The options several commands share, accepted before or after the command.

``mountscope --color never tree FILE`` and ``mountscope tree FILE --color
never`` mean the same. Each group below is a parent parser given both to the
top-level parser and to the commands that take it. Their defaults are
SUPPRESS, so that an option given after the command does not reset one given
before it; fill_defaults() supplies the real defaults once parsing is done.
"""

from __future__ import annotations

import argparse
import re

from mountscope.errors import UsageError
from mountscope.system.loader import DEFAULT_MAX_BYTES, MAX_LINES, Limits, human_size

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any, TypeVar

    P = TypeVar("P", bound=argparse.ArgumentParser)

# Sizes are whole numbers with an optional binary unit (512K, 256M, 2G, 2GiB).
_SIZE = re.compile(r"(\d{1,12})([KMG]?)(?:I?B)?")
_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
# --max-input is a guard, not an allocation; beyond this, a mount table is not
# what is being read.
MAX_INPUT_CAP = 16 << 30


def parse_size(text: str) -> int:
    match = _SIZE.fullmatch(text.strip().upper())
    if match is None:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (say 512K, 256M or 2G)")
    size = int(match.group(1)) * _UNITS[match.group(2)]
    if not 1 <= size <= MAX_INPUT_CAP:
        raise argparse.ArgumentTypeError(
            f"{text!r} is out of range (1 byte to {human_size(MAX_INPUT_CAP)})"
        )
    return size


def positive_int(text: str) -> int:
    if not re.fullmatch(r"\d{1,18}", text.strip()) or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a positive whole number: {text!r}")
    return int(text)


def process_id(text: str) -> int:
    # 0 (or a negative number) would read the caller's own table, not a process's.
    if not re.fullmatch(r"\d{1,10}", text.strip()) or not 1 <= int(text) < 1 << 31:
        raise argparse.ArgumentTypeError(
            f"not a process id: {text!r} (a pid is a positive whole number)"
        )
    return int(text)


# The groups, their options' destinations and their defaults. A command says
# which groups it takes in the command table (mountscope.cli.COMMANDS).
GROUPS: dict[str, dict[str, Any]] = {
    "input": {
        "format": None,
        "timing": None,
        "strict": False,
        "max_input": DEFAULT_MAX_BYTES,
        "max_lines": MAX_LINES,
    },
    "color": {"color": "auto"},
    "pid": {"pid": None},
    "redact": {"redact": False},
}


def _input(parser: argparse.ArgumentParser) -> None:
    from mountscope.parsers import FORMAT_NAMES, RECORDINGS

    names = FORMAT_NAMES + RECORDINGS
    parser.add_argument(
        "--format",
        choices=names,
        metavar="NAME",
        help=f"read input in this format instead of detecting it ({', '.join(names)})",
    )
    parser.add_argument(
        "--timing",
        metavar="FILE",
        help="the timing file of a script(1) recording (times for its tables)",
    )
    parser.add_argument(
        "--strict", action="store_true", help="treat warnings about the input as errors (exit 2)"
    )
    parser.add_argument(
        "--max-input",
        type=parse_size,
        metavar="SIZE",
        help=f"refuse inputs larger than this (default 256M, at most {MAX_INPUT_CAP >> 30}G)",
    )
    parser.add_argument(
        "--max-lines",
        type=positive_int,
        metavar="N",
        help=f"refuse inputs of more lines than this (default {MAX_LINES})",
    )


def _color(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        help="color output (auto: on a terminal, unless NO_COLOR is set)",
    )


def _pid(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--pid",
        type=process_id,
        help="live: the mount table of this process's mount namespace (default: this one)",
    )


def _redact(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--redact",
        action="store_true",
        help="replace account ids, ARNs, function names, request ids, UUIDs, hostnames and "
        "IP addresses with placeholders (the same value, the same placeholder); the app "
        "saves snapshots so too",
    )


_ADD = {"input": _input, "color": _color, "pid": _pid, "redact": _redact}


def parents(parser_class: type[P]) -> dict[str, P]:
    """One parent parser per group, every default SUPPRESS."""
    made = {}
    for name, add in _ADD.items():
        parser = parser_class(add_help=False, argument_default=argparse.SUPPRESS)
        add(parser)
        made[name] = parser
    return made


def shared_flags() -> tuple[set[str], set[str]]:
    """The shared options that take a value, and those that do not (the switches)."""
    with_value: set[str] = set()
    switches: set[str] = set()
    for defaults in GROUPS.values():
        for dest, default in defaults.items():
            (switches if default is False else with_value).add("--" + dest.replace("_", "-"))
    return with_value, switches


def fill_defaults(args: argparse.Namespace, command: str, groups: tuple[str, ...]) -> None:
    """Refuse a shared option given before a command that does not take it,
    then give every shared option not given its default."""
    for group, defaults in GROUPS.items():
        for dest, default in defaults.items():
            if group not in groups and hasattr(args, dest):
                flag = "--" + dest.replace("_", "-")
                raise UsageError(
                    f"{command}: {flag} does not apply here; see mountscope {command} --help"
                )
            if not hasattr(args, dest):
                setattr(args, dest, default)


def limits_of(args: argparse.Namespace) -> Limits:
    return Limits(max_bytes=args.max_input, max_lines=args.max_lines)


def task_alias(p: argparse.ArgumentParser) -> None:
    """findmnt's -N/--task: another spelling of the shared --pid."""
    p.add_argument(
        "-N",
        "--task",
        dest="pid",
        type=process_id,
        default=argparse.SUPPRESS,
        metavar="PID",
        help="findmnt's name for --pid",
    )
