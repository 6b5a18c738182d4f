"""Ctrl-C while mountscope starts: status 130, no traceback, no crash.

Python's own start-up (site, the interpreter's first imports) runs before any
of mountscope's code and prints its own traceback when interrupted; that is
outside what mountscope can catch. From mountscope's first line on, an
interrupt must end the process with 130 and nothing else.
"""

from __future__ import annotations

import random
import re
import signal
import subprocess
import sys
import time

import pytest

from tests.helpers import ARTICLE, REPO

RUNS = 40  # interrupts sent at least
LANDED = RUNS // 4  # of which at least this many land in mountscope's code (status 130)
# On a busy machine the moments drift (a sleep ends late, the run is done):
# more interrupts are sent until enough have landed, up to this many.
MAX_RUNS = 5 * RUNS
ARGV = [sys.executable, "-m", "mountscope", "tree", str(ARTICLE / "lambda-pattern1.txt")]


# What runs before __main__ has its handler in place: the package's __init__
# (a version string and a path check) and __main__'s lines up to the handler.
# They take microseconds; an interrupt that lands there is Python's, as at
# start-up.
_MAIN = REPO / "mountscope" / "__main__.py"
_HANDLER_LINE = next(
    number
    for number, line in enumerate(_MAIN.read_text().splitlines(), 1)
    if "_signal.signal(" in line
)
_FRAME = re.compile(r'File "([^"]+)", line (\d+)')


def _before_the_handler(path: str, line: int) -> bool:
    return path == str(REPO / "mountscope" / "__init__.py") or (
        path == str(_MAIN) and line <= _HANDLER_LINE
    )


def _ours(stderr: str) -> bool:
    """A traceback that passes through mountscope's own files after its handler
    is in place (Python's start-up and its import machinery print theirs
    without any)."""
    frames = [
        (path, int(line)) for path, line in _FRAME.findall(stderr) if path.startswith(str(REPO))
    ]
    return "Traceback" in stderr and any(not _before_the_handler(*frame) for frame in frames)


def _seconds(argv: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(
        argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60, check=True
    )
    return time.perf_counter() - started


def test_ctrl_c_at_random_moments_of_start_up():
    # The fastest of three runs: every moment drawn below falls before the end
    # of any run, however busy the machine (one slow first run, timed alone,
    # put most moments after the end: nothing was interrupted).
    whole_run = min(_seconds(ARGV) for _ in range(3))
    # Python's own start (site and its imports) comes before any of mountscope's
    # code, and takes a share of the run that depends on the machine: half the
    # moments fall after it, so that enough land in mountscope's code however
    # fast that has become.
    python_start = min(_seconds([sys.executable, "-c", "pass"]) for _ in range(3))
    chance = random.Random(12)
    outcomes: list[tuple[int, str]] = []
    landed = 0
    for run in range(MAX_RUNS):
        if run >= RUNS and landed >= LANDED:
            break
        child = subprocess.Popen(ARGV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        earliest = 0.0 if run % 2 else min(python_start, whole_run)
        time.sleep(
            chance.uniform(earliest, whole_run)
        )  # the moment of the interrupt, not a wait for anything
        child.send_signal(signal.SIGINT)
        _, err = child.communicate(timeout=60)
        outcomes.append((child.returncode, err.decode(errors="replace")))
        landed += child.returncode == 130
    crashed = [
        (code, err)
        for code, err in outcomes
        if code in (-signal.SIGSEGV, -signal.SIGABRT, -signal.SIGBUS)
    ]
    assert not crashed, crashed[0]
    ours = [err for _, err in outcomes if _ours(err)]
    assert not ours, ours[0]
    for code, err in outcomes:
        if code == 130:  # interrupted in mountscope's code: nothing printed
            assert err == "", err
    # The interrupts did land in mountscope's start-up, not only before or after it.
    assert landed >= LANDED, [code for code, _ in outcomes]


# Sends SIGINT while orjson's module set-up imports one of its own dependencies
# (a plain tree does not import orjson at all: -J writes JSON).
INTERRUPTED_ORJSON_IMPORT = """
import builtins, os, signal, sys
from mountscope import cli
real_import = builtins.__import__
inside = []
def interrupting_import(name, *args, **kwargs):
    if name == "orjson":
        inside.append(name)
    elif inside and name == sys.argv[2]:
        inside.clear()
        os.kill(os.getpid(), signal.SIGINT)
    return real_import(name, *args, **kwargs)
builtins.__import__ = interrupting_import
sys.exit(cli.main(["tree", "-J", sys.argv[1]]))
"""


@pytest.mark.parametrize("dependency", ["datetime", "uuid", "json"])
def test_an_interrupt_inside_the_orjson_import_does_not_crash(dependency: str):
    """orjson's module set-up crashes the interpreter when one of its imports is
    interrupted; it is imported (when JSON is first written, here by tree -J)
    with SIGINT held back, so the interrupt arrives just after, as a clean 130."""
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            INTERRUPTED_ORJSON_IMPORT,
            str(ARTICLE / "lambda-pattern1.txt"),
            dependency,
        ],
        capture_output=True,
        timeout=60,
    )
    assert result.returncode == 130 and result.stderr == b"" and result.stdout == b""


# Sends SIGINT while the class of the format registry is being made, as the
# parsers are imported on first use: Python 3.11 reports a KeyboardInterrupt
# raised in a descriptor's __set_name__ as a RuntimeError caused by it.
INTERRUPTED_CLASS = """
import functools, os, signal, sys
from mountscope import cli
real_set_name = functools.cached_property.__set_name__
def interrupting_set_name(self, owner, name):
    if owner.__name__ == "Format":
        os.kill(os.getpid(), signal.SIGINT)  # raised at the next line of Python
    return real_set_name(self, owner, name)
functools.cached_property.__set_name__ = interrupting_set_name
sys.exit(cli.main(["tree", sys.argv[1]]))
"""


def test_an_interrupt_while_a_class_is_made_is_a_clean_130():
    result = subprocess.run(
        [sys.executable, "-c", INTERRUPTED_CLASS, str(ARTICLE / "lambda-pattern1.txt")],
        capture_output=True,
        timeout=60,
    )
    assert result.returncode == 130 and result.stderr == b"" and result.stdout == b""


class _InterruptedAsHandlerChanges:
    """The interpreter's _signal, where Ctrl-C arrives the moment the command
    line puts its handler in (``when="in"``) or puts the caller's back
    (``when="back"``): the two moments outside the handler's own reach."""

    SIGINT, SIG_IGN = signal.SIGINT, signal.SIG_IGN
    default_int_handler = staticmethod(signal.default_int_handler)

    def __init__(self, when: str) -> None:
        self.when = when

    def getsignal(self, number: int) -> object:
        return lambda *_: None  # a handler of the caller's own, as python -m mountscope has

    def signal(self, number: int, handler: object) -> None:
        going_in = handler is signal.default_int_handler
        if going_in == (self.when == "in"):
            raise KeyboardInterrupt


@pytest.mark.parametrize("when", ["in", "back"])
def test_an_interrupt_as_the_handler_goes_in_or_back_is_a_clean_130(monkeypatch, capfd, when):
    from mountscope import cli

    monkeypatch.setattr(cli, "signal", _InterruptedAsHandlerChanges(when))
    assert cli.main(["tree", str(ARTICLE / "lambda-pattern1.txt")]) == 130
    assert capfd.readouterr().err == ""
