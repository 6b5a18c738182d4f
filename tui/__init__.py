"""mountscope's Textual app. Importing this package loads nothing heavy:
Textual is imported only by ``run``, when the app is about to start."""

from __future__ import annotations

if __name__ != "mountscope.tui":
    # This folder is installed as mountscope.tui; imported as a top-level
    # package (from the repository root) it would be a second copy of the code.
    raise ImportError("import mountscope.tui, not tui: this folder is part of mountscope")

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

from mountscope.model import MountTable

ESCAPE_DELAY_MS = "25"  # see _quick_escape

if TYPE_CHECKING:
    from mountscope.redact import Redactor
    from mountscope.session import Session
    from mountscope.survey import SurveyResult


def _status(return_code: int | None) -> int:
    """The app's exit status: 0, or ExitCode.TROUBLE when it ended on an error
    (Textual prints the traceback and sets a non-zero return code; 1 would
    read as "the captures differ")."""
    from mountscope.errors import ExitCode

    return ExitCode.OK if not return_code else ExitCode.TROUBLE


def _quick_escape() -> None:
    """Escape pressed alone (clear the filter, close a dialog) acts after
    25 ms, not Textual's 100 ms: the terminal waits that long for the rest
    of an escape sequence (an arrow key's bytes come together, in one
    write), and 100 ms is a pause people feel. ESCDELAY, the ncurses
    variable Textual reads when it is imported, still wins when set."""
    os.environ.setdefault("ESCDELAY", ESCAPE_DELAY_MS)


def keep_out_of_collections() -> None:
    """Leave everything alive now out of the cyclic collector's walks, as the
    commands do with what they load (gc.freeze): the tables, their trees,
    the rows and verdicts the app keeps for as long as it shows them. The
    app allocates many small objects a frame (Textual's strips and segments),
    so full collections come every few keys, and each walked all of that
    again: 50-130 ms at 50 000 mounts. Reference counting still frees what
    is dropped; only cycles among what was frozen are kept."""
    import gc

    gc.freeze()


def _small_threads() -> None:
    """Make the threads started from here on (Textual's input thread, the
    app's workers) cheap in address space, so that the app fits in 128 MB
    (a Lambda's size, ulimit -v 131072).

    Each reserves 1 MiB of stack, not the 8 MiB default; and they share
    glibc's one malloc arena instead of reserving 64 MiB of address space
    each for their own (measured: 248 MB of address space for the article's
    two tables side by side, 51 MB with one arena). The app's threads seldom
    allocate at the same time, so sharing costs nothing visible. Other C
    libraries have no mallopt, and need none of this.
    """
    import ctypes
    import threading

    threading.stack_size(1 << 20)
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (AttributeError, OSError):
        return
    M_ARENA_MAX = -8  # from glibc's malloc.h
    mallopt(M_ARENA_MAX, 1)


def run(
    a: MountTable,
    b: MountTable | None = None,
    *,
    live_pid: int | str | None = None,
    ascii_only: bool = False,
    redact: bool = False,
    session: Session | None = None,
    headless: bool = False,
    notes: Sequence[str] = (),
) -> int:
    """Run the app until it quits; its exit status. ``notes``: what loading
    had to say (a file holding several tables), shown in the app."""
    _quick_escape()
    from mountscope.tui.app import MountscopeApp

    app = MountscopeApp(
        a,
        b,
        live_pid=live_pid,
        ascii_only=ascii_only,
        redact=redact,
        session=session,
        notes=notes,
    )
    _small_threads()
    keep_out_of_collections()
    app.run(headless=headless)
    return _status(app.return_code)


def run_survey(
    result: SurveyResult, redactor: Redactor | None = None, *, ascii_only: bool = False
) -> int:
    _quick_escape()
    from mountscope.tui.survey import SurveyApp

    survey = SurveyApp(result, redactor, ascii_only=ascii_only)
    _small_threads()
    survey.run()
    return _status(survey.return_code)
