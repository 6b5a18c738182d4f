"""The app in a real pseudo-terminal (80x24 and 120x40), seen through pyte:
what a person would see, keys as a person types them, and the terminal left
as it was found."""

from __future__ import annotations

import sys

import pytest

from tests.helpers import ARTICLE
from tests.helpers.pty import Terminal

P1, P2 = str(ARTICLE / "lambda-pattern1.txt"), str(ARTICLE / "lambda-pattern2.txt")
SIZES = [(80, 24), (120, 40)]


def start(*args: str, cols: int, rows: int, env: dict[str, str] | None = None) -> Terminal:
    return Terminal([sys.executable, "-m", "mountscope", *args], cols=cols, rows=rows, env=env)


def quit_cleanly(term: Terminal) -> None:
    term.send("q")
    assert term.wait_exit() == 0
    raw = bytes(term.raw)
    assert b"\x1b[?1049h" in raw and raw.rfind(b"\x1b[?1049l") > raw.rfind(b"\x1b[?1049h")
    assert raw.rfind(b"\x1b[?25h") > raw.rfind(b"\x1b[?25l")  # the cursor is shown again


@pytest.mark.parametrize("cols,rows", SIZES)
def test_one_capture_shows_the_tree_and_the_verdict(cols: int, rows: int):
    term = start(P2, cols=cols, rows=rows)
    try:
        screen = term.wait_for("├─/var/task")
        term.wait_for("aws-lambda")
        assert "TARGET" in screen and "SOURCE" in screen
        assert "/dev/vdb[" in term.text()
        term.send("j")
        term.wait_for("virtio source; bind")
        quit_cleanly(term)
    finally:
        term.close()


def var_task_row(screen: str) -> str:
    return next(
        line for line in screen.splitlines() if line.startswith("~ ") and "/var/task" in line
    )


def test_side_by_side_at_120x40_shows_what_differs_without_a_key():
    """The acceptance case: no key pressed, B's /var/task row reads as far as
    the worker's tasks folder and A's shows its loop device."""
    term = start(P1, P2, cols=120, rows=40)
    try:
        screen = term.wait_for("changed: /var/task")
        row = var_task_row(screen)
        a_side, b_side = row.split("│")
        assert "/dev/loop1" in a_side
        assert "/dev/vdb[/opt/amazon/asc/worker/tasks" in b_side
        assert row.count("/var/task") == 1  # one TARGET column
        quit_cleanly(term)
    finally:
        term.close()


def test_side_by_side_at_80x24_shows_the_tasks_folder_on_the_first_screen():
    term = start(P1, P2, cols=80, rows=24)
    try:
        screen = term.wait_for("changed: /var/task")
        assert "tasks/<" in screen
        row = var_task_row(screen)
        assert "/dev/loop1" in row and "/dev/vdb[" in row
        quit_cleanly(term)
    finally:
        term.close()


@pytest.mark.parametrize("cols,rows", SIZES)
def test_help_after_question_mark(cols: int, rows: int):
    term = start(P1, cols=cols, rows=rows)
    try:
        term.wait_for("├─/var/task")
        term.send("?")
        term.wait_until(
            lambda text: all(
                part in text
                for part in ("mountscope — keys", "Page down", "Collapse all", "? / F1")
            )
        )
        term.send("\x1b")
        term.wait_until(lambda text: "mountscope — keys" not in text)
        quit_cleanly(term)
    finally:
        term.close()


def test_filter_typed_into_the_real_terminal():
    term = start(P1, cols=100, rows=30)
    try:
        term.wait_for("├─/var/task")
        term.send("/")
        term.wait_for("filter: text, or")
        term.send("kind:loop\r")
        # Only the filtered tree ends in /tmp; the header may show /tmp in the file's path.
        screen = term.wait_until(
            lambda text: "└─/tmp" in text and "2 matches for kind:loop" in text
        )
        assert "├─/var/task" in screen and "├─/dev " not in screen and "/etc/passwd" not in screen
        quit_cleanly(term)
    finally:
        term.close()


def test_live_table_opens_without_a_file():
    term = start(cols=120, rows=40)
    try:
        term.wait_for("live,")
        term.wait_for("confidence")
        quit_cleanly(term)
    finally:
        term.close()


def test_no_color_keeps_the_app_usable():
    term = start(P2, cols=80, rows=24, env={"NO_COLOR": "1"})
    try:
        term.wait_for("├─/var/task")
        quit_cleanly(term)
        assert b"\x1b[38;2" not in bytes(term.raw)  # no true colour at all
    finally:
        term.close()


def test_a_frame_caught_half_drawn_still_reads():
    """A narrow character over the first cell of a wide one (as a redraw in
    progress leaves it) is read as it stands, not as an error."""
    program = (
        "import sys; sys.stdout.write('ラン\\rx\\n'); sys.stdout.flush(); sys.stdin.readline()"
    )
    term = Terminal([sys.executable, "-c", program], cols=20, rows=3)
    try:
        screen = term.wait_for("x")
        assert screen.splitlines()[0] == "x ン" + " " * 16
        term.send("\n")
        assert term.wait_exit() == 0
    finally:
        term.close()


def test_the_app_runs_in_a_128_mb_address_space():
    """A Lambda's memory: the app opens both article tables, judges them and
    quits cleanly with its address space capped at 128 MB (ulimit -v). Its
    threads share one malloc arena and reserve small stacks (tui.run), which
    keeps the peak near 50 MB whatever the threads do at the same moment."""
    command = f"ulimit -v 131072 && exec {sys.executable} -m mountscope {P1} {P2}"
    term = Terminal(["sh", "-c", command], cols=120, rows=40)
    try:
        term.wait_for("├─/var/runtime", timeout=60)
        screen = term.wait_for("code_delivery=extracted-directory", timeout=60)
        assert "code_delivery=loop-image" in screen
        quit_cleanly(term)
    finally:
        term.close()


def cleared(text: str, query: str) -> bool:
    """The filter box no longer holds ``query``: it is only in the notices."""
    return text.count(query) == text.count(f"for {query}")


def test_a_filter_typed_in_one_go_reaches_the_box():
    """Keys that arrive with the "/" (typed fast, or sent by a script) belong
    to the filter box it opens, "/" inside the query included."""
    term = start(P1, cols=120, rows=40)
    try:
        term.wait_for("├─/var/task")
        term.wait_for("aws-lambda")
        term.send("/kind:loop\r")
        assert "2 matches for kind:loop" in term.wait_for("matches for kind:loop")
        term.send("\x1b")  # Escape clears the filter and hides the box
        # Every mount is back, and the query is left only in the notice (which
        # stays a few seconds).
        term.wait_until(lambda text: "├─/etc/passwd" in text and cleared(text, "kind:loop"))
        term.send("/source:/dev/loop1\r")
        assert "1 match for source:/dev/loop1" in term.wait_for("match for source:")
        term.send("\x1b")
        term.wait_until(lambda text: "├─/etc/passwd" in text and cleared(text, "source:/dev/loop1"))
        quit_cleanly(term)
    finally:
        term.close()


def test_an_arrow_key_is_not_read_as_escape():
    """The app waits less for the rest of an escape sequence than Textual
    does: an arrow key (its bytes in one write) is still one key, and a lone
    Escape still clears the filter."""
    term = start(P1, cols=100, rows=30)
    try:
        term.wait_for("├─/var/task")
        term.send("/")
        term.wait_for("filter: text, or")
        term.send("tmp")
        term.settle()  # filtered as typed
        term.send("\x1b[D")  # Left, in the box: the box stays open
        term.settle()
        term.send("X")
        term.wait_until(lambda text: "tmXp" in text)
        term.send("\x1b")
        term.wait_until(lambda text: "tmXp" not in text and "filter: text" not in text)
        quit_cleanly(term)
    finally:
        term.close()
