"""What one fuzz input must survive: parsing in every format, the tree, every
output, the classifier, the diff and a snapshot round trip. The only
exception allowed out is the project's own ParseError, naming the file.

Shared by the hypothesis tests (test_fuzz.py) and the atheris harness
(atheris_fuzz.py).
"""

from __future__ import annotations

import re
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager

from mountscope.capture import snapshot_bytes
from mountscope.classify import classify
from mountscope.diff import compare
from mountscope.errors import ParseError
from mountscope.model import signals_of
from mountscope.parsers import FORMAT_NAMES, RECORDINGS, parse_text
from mountscope.render import findmnt
from mountscope.render.report import diff_lines, verdict_lines
from mountscope.text import safe

ORIGIN = "fuzz.txt"


_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\udc80-\udcff]")


def _unsafe(text: str) -> bool:
    return _UNSAFE.search(text) is not None


def check_error(error: ParseError) -> None:
    message = str(error)
    assert message.startswith(ORIGIN), message
    assert "\n" not in message and not _unsafe(message), repr(message)


def exercise_capture(capture) -> None:  # type: ignore[no-untyped-def]
    """Everything mountscope does with a capture, fully consumed."""
    for warning in capture.warnings:
        text = str(warning)
        assert text.startswith(ORIGIN) and not _unsafe(text), repr(text)
    columns = findmnt.choose_columns("TARGET,SOURCE,FSTYPE,OPTIONS,ID,PARENT,PROPAGATION", capture)
    for line in findmnt.table_lines(capture, columns):
        assert not _unsafe(line), repr(line)
    for line in findmnt.table_lines(capture, columns, as_list=True, ascii_only=True):
        assert not _unsafe(line), repr(line)
    b"".join(findmnt.json_chunks(capture, columns))
    verdict = classify(capture, signals_of(capture.provenance))
    for line in verdict_lines(verdict):
        assert not _unsafe(line), repr(line)
    comparison = compare(capture, capture)
    assert not comparison.different
    for line in diff_lines(comparison):
        assert not _unsafe(line), repr(line)
    (again,) = parse_text(snapshot_bytes(capture).decode("utf-8"), "snap.json")
    assert [m.target for m in again.mounts] == [m.target for m in capture.mounts]


class OverBudget(AssertionError):
    pass


def budget(data: bytes) -> float:
    """Processor seconds one input may cost: work is linear in the input, so
    a generous constant (imports, pyte's first screen) and a second a megabyte.
    Processor time, not wall time: a busy machine does not make it fail."""
    return 5.0 + len(data) / 1_000_000


@contextmanager
def time_budget(seconds: float, what: str) -> Iterator[None]:
    """Stop runaway work at ``seconds`` of processor time, as a failure."""

    def over(signum: int, frame: object) -> None:
        raise OverBudget(f"{what}: more than {seconds:.1f} s of processor time")

    start = time.process_time()
    previous = signal.signal(signal.SIGPROF, over)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)
    spent = time.process_time() - start
    assert spent < seconds, f"{what}: {spent:.1f} s of processor time"


def exercise(data: bytes, formats: bool = True) -> None:
    """Feed bytes to detection (and to every parser by name, when ``formats``),
    within the input's time budget."""
    with time_budget(budget(data), f"an input of {len(data)} bytes"):
        _exercise(data, formats)


# What is done with a capture does not depend on the parser that built it. On
# inputs this large, every parser by name is still held to the budget, but the
# outputs, classifier and diff run on what detection reads only: a dozen
# copies of the same 10 000-mount pipeline would prove nothing more.
ONE_PIPELINE_FROM = 20_000


def _exercise(data: bytes, formats: bool) -> None:
    text = data.decode("utf-8", "surrogateescape")
    names = (None, *FORMAT_NAMES, *RECORDINGS) if formats else (None,)
    for name in names:
        try:
            captures = parse_text(text, ORIGIN, name)
        except ParseError as error:
            check_error(error)
            continue
        assert captures
        if name is not None and len(data) >= ONE_PIPELINE_FROM:
            continue
        for capture in captures[:3]:
            exercise_capture(capture)
    assert safe(text) is not None
