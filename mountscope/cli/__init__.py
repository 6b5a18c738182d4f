"""The command line: ``mountscope [FILE [FILE]]`` and its subcommands.

One module per command, each with ``configure(parser)`` and ``run(args)``,
listed once in COMMANDS by name and help. A command's module is imported only
when that command runs (or shows its help): start-up pays for one command, not
for all of them. The options several commands share (options.py) are
accepted before or after the command's name. stdout is data, stderr is
messages; errors are one line and an exit code (errors.ExitCode). Nothing
here imports Textual: the app is imported only when it is about to start.
"""

from __future__ import annotations

import _signal as signal  # the interpreter's own: the signal module's enums cost 0.5 ms
import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from functools import cache

from mountscope import __version__
from mountscope.cli.options import fill_defaults, parents, shared_flags
from mountscope.cli.output import PROG, encode, guard_standard_streams, message, write_out
from mountscope.errors import ExitCode, MountscopeError, UsageError
from mountscope.record import record

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import NoReturn, Protocol

    from _typeshed import SupportsWrite

    class CommandModule(Protocol):
        """What each command's module (mountscope.cli.NAME) provides."""

        def configure(self, p: argparse.ArgumentParser) -> None: ...

        def run(self, args: argparse.Namespace) -> int: ...


@record(frozen=True)
class Command:
    name: str
    help: str
    # The groups of shared options it takes (options.GROUPS).
    shared: tuple[str, ...]

    def module(self) -> CommandModule:
        """The command's module, mountscope.cli.NAME, imported on first use."""
        module: CommandModule = importlib.import_module(f"mountscope.cli.{self.name}")  # type: ignore[assignment]
        return module


# Every command, once. The first is what a bare ``mountscope`` runs.
COMMANDS: dict[str, Command] = {
    "open": Command(
        "open",
        "explore one capture or compare two: the app on a terminal, else the plain "
        "report (the default command)",
        ("input", "color", "pid", "redact"),
    ),
    "tree": Command(
        "tree",
        "print the mount tree like findmnt",
        ("input", "color", "pid", "redact"),
    ),
    "classify": Command(
        "classify",
        "say what kind of host produced a mount table, and why",
        ("input", "color", "pid"),
    ),
    "diff": Command(
        "diff",
        "compare two captures: what changed, appeared, vanished (exit 1 if they differ)",
        ("input", "color", "redact"),
    ),
    "capture": Command(
        "capture",
        "save a snapshot of the live mount table (and the machine's signals)",
        ("color", "pid", "redact"),
    ),
    "watch": Command(
        "watch",
        "print each change of the live mount table as it happens",
        ("color", "pid"),
    ),
    "extract": Command(
        "extract",
        "list every mount table in a text (article, transcript, log)",
        ("input", "color"),
    ),
    "survey": Command(
        "survey",
        "group many captures by their table's shape, with the signals that go with each group",
        ("input", "color", "redact"),
    ),
    "export": Command(
        "export",
        "write captures as JSON Lines (a row per capture and per mount) for a query engine",
        ("input", "color", "redact"),
    ),
}
DEFAULT_COMMAND = "open"


class Parser(argparse.ArgumentParser):
    """argparse with the command line's contract: a usage error is one line
    (exit 2), and help goes out through write_out like any other output."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message}; see {self.prog} --help")

    def _get_formatter(self) -> argparse.HelpFormatter:
        # argparse makes a formatter for every option it adds (to check the
        # option's metavar), and a formatter without a width imports shutil
        # to ask the terminal: shutil imports the compression modules, about
        # 2 ms of every run for a width that only --help uses.
        formatter: type[argparse.HelpFormatter] = self.formatter_class  # type: ignore[assignment]
        return formatter(prog=self.prog, width=help_width())

    def _print_message(self, message: str, file: SupportsWrite[str] | None = None) -> None:
        if message and (file is sys.stdout or (file is None and sys.stdout is None)):
            write_out(encode(message))
        elif message and file is not None:
            _message(message.rstrip("\n"))


_message = message


@cache
def help_width() -> int:
    """The width argparse gives help: the terminal's columns (COLUMNS first,
    as shutil.get_terminal_size reads them) less two; 78 without a terminal
    or with one of no size."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdecimal() and int(columns) > 0:
        return int(columns) - 2
    try:
        size = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):
        size = 0
    return (size or 80) - 2  # (a terminal of no size: a pty nobody sized)


class CommandLine:
    """The parser of the whole command line and one sub-parser per command.

    Every command is listed (its name and help) for ``mountscope --help``,
    but only the command being run gets its options: configuring all of them
    would import every command's module.
    """

    def __init__(self) -> None:
        self.shared = parents(Parser)
        self.parser = Parser(
            prog=PROG,
            description="Explore a Linux mount table as a tree, compare two captures, "
            "and say what kind of host produced it.",
            epilog=f"With no command, {PROG} [FILE [FILE]] runs '{DEFAULT_COMMAND}'. The options above "
            "may also follow the command.\n"
            "A FILE is any capture: FILE#N picks the N-th table of a text, - is standard input, and "
            "'live' is this machine's table (a file named live wins); no FILE reads standard input "
            "when something is piped in, else the live table.\n"
            f"Run '{PROG} COMMAND --help' for a command's options.",
            formatter_class=argparse.RawDescriptionHelpFormatter,
            parents=list(self.shared.values()),
        )
        self.parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
        self.subparsers = self.parser.add_subparsers(
            dest="command", metavar="COMMAND", title="commands", parser_class=Parser
        )
        self.commands: dict[str, argparse.ArgumentParser] = {}

    def _add(self, name: str, configured: bool) -> None:
        command = COMMANDS[name]
        sub = self.subparsers.add_parser(
            name,
            prog=f"{PROG} {name}",
            help=command.help,
            description=command.help,
            parents=[self.shared[group] for group in command.shared] if configured else [],
        )
        if configured:
            command.module().configure(sub)
        self.commands[name] = sub

    def with_command(self, argv: Sequence[str]) -> tuple[list[str], int]:
        """argv with the default command's name put where the command would be,
        and where the command's name is: at the first word that is neither a
        shared option (with its value) nor a command's name. ``mountscope
        --color never FILE`` is then ``mountscope --color never open FILE``."""
        with_value, switches = shared_flags()
        switches |= {"-h", "--help", "--version"}
        words = list(argv)
        index = 0
        while index < len(words):
            word = words[index]
            if word in COMMANDS:
                return words, index
            if word.startswith("--") and "=" in word and word.split("=", 1)[0] in with_value:
                index += 1
            elif word in with_value:
                index += 2
            elif word in switches:
                index += 1
            else:
                break
        index = min(index, len(words))
        return [*words[:index], DEFAULT_COMMAND, *words[index:]], index

    def parse(self, argv: Sequence[str]) -> argparse.Namespace:
        line, at = self.with_command(argv)
        # The commands are listed where the list is shown (the help of the
        # whole command line); elsewhere argparse needs only the one run, and
        # each command listed costs a parser (the 13 others: 2% of tree on 10 mounts).
        listed = COMMANDS if {"-h", "--help"} & set(line[:at]) else [line[at]]
        for name in listed:
            self._add(name, configured=name == line[at])
        args, extra = self.parser.parse_known_args(line)
        words = getattr(args, "file", None)
        if extra and isinstance(words, list) and not any(w.startswith("-") for w in extra):
            # Positionals after options ("tree FILE -R /sys"), as findmnt takes them.
            words.extend(extra)
            extra = []
        if extra:  # said by the command's parser, which names its own --help
            self.commands[args.command].error(f"unrecognized arguments: {' '.join(extra)}")
        fill_defaults(args, args.command, COMMANDS[args.command].shared)
        return args


def run(argv: Sequence[str]) -> int:
    args = CommandLine().parse(argv)
    return int(COMMANDS[args.command].module().run(args))


def _catch_interrupts() -> Callable[[], None]:
    """Ctrl-C raises KeyboardInterrupt while main() runs (unless SIGINT is
    ignored, as in a background job); returns what puts the previous handler back."""
    try:
        previous = signal.getsignal(signal.SIGINT)
        if previous in (signal.SIG_IGN, signal.default_int_handler, None):
            return lambda: None
        signal.signal(signal.SIGINT, signal.default_int_handler)
    except ValueError:  # not the main thread: signals are not ours to change
        return lambda: None

    def restore() -> None:
        signal.signal(signal.SIGINT, previous)

    return restore


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(argv)
    except KeyboardInterrupt:
        # Ctrl-C anywhere in a run, the moments its handler goes in and back included.
        return int(ExitCode.INTERRUPTED)


def _main(argv: Sequence[str] | None) -> int:
    restore = _catch_interrupts()
    try:
        guard_standard_streams()
        return run(sys.argv[1:] if argv is None else argv)
    except MountscopeError as error:
        _message(f"{PROG}: error: {error}")
        return int(error.exit_code)
    except BrokenPipeError:
        # The reader went away (| head): stop quietly, as findmnt does.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        return int(ExitCode.READER_GONE)
    except MemoryError:
        _message(f"{PROG}: error: not enough memory for this input; refused")
        return int(ExitCode.TROUBLE)
    except RuntimeError as error:
        # Python 3.11 reports a Ctrl-C that lands while a class is being
        # made (in a module imported on first use) as a RuntimeError
        # caused by it.
        if isinstance(error.__cause__, KeyboardInterrupt):
            return int(ExitCode.INTERRUPTED)
        raise
    except ModuleNotFoundError as error:
        # A Lambda zip or layer leaves out the app (Textual) and pyte.
        missing = (error.name or "").split(".")[0]
        if missing not in ("textual", "rich", "pyte") and not (error.name or "").startswith(
            "mountscope.tui"
        ):
            raise
        needs = (
            (
                "terminal recordings need pyte, which this installation leaves out (it reads the "
                "other formats)"
            )
            if missing == "pyte"
            else (
                "the app needs Textual, which this "
                "installation leaves out (a Lambda package has the plain commands: try --no-tui)"
            )
        )
        _message(f"{PROG}: error: {needs}")
        return int(ExitCode.TROUBLE)
    finally:
        restore()
