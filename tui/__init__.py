"""mountscope's Textual app. Importing this package loads nothing heavy:
Textual is imported only by ``run``, when the app is about to start."""

from __future__ import annotations

if __name__ != "mountscope.tui":
    # This folder is installed as mountscope.tui; imported as a top-level
    # package (from the repository root) it would be a second copy of the code.
    raise ImportError("import mountscope.tui, not tui: this folder is part of mountscope")

from collections.abc import Sequence
from typing import TYPE_CHECKING

from mountscope.model import MountTable

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


def _small_thread_stacks() -> None:
    """Threads started from here on (Textual's input thread, the app's workers)
    reserve 1 MiB of stack, not the 8 MiB default: in a 128 MB address space
    (a Lambda's size, ulimit -v) a few default stacks leave little room."""
    import threading

    threading.stack_size(1 << 20)


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
    _small_thread_stacks()
    app.run(headless=headless)
    return _status(app.return_code)


def run_survey(
    result: SurveyResult, redactor: Redactor | None = None, *, ascii_only: bool = False
) -> int:
    from mountscope.tui.survey import SurveyApp

    survey = SurveyApp(result, redactor, ascii_only=ascii_only)
    survey.run()
    return _status(survey.return_code)
