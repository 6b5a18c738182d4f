"""mountscope's Textual app. Importing this package loads nothing heavy:
Textual is imported only by ``run``, when the app is about to start."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mountscope.model import MountTable

if TYPE_CHECKING:
    from mountscope.session import Session


def run(a: MountTable, b: MountTable | None = None, *, live_pid: int | str | None = None,
        ascii_only: bool = False, session: Session | None = None, headless: bool = False) -> int:
    """Run the app until it quits; its exit status: 0, or ExitCode.TROUBLE when
    it ended on an error (Textual prints the traceback and sets a non-zero
    return code; 1 would read as "the captures differ")."""
    from mountscope.errors import ExitCode
    from mountscope.tui.app import MountscopeApp

    app = MountscopeApp(a, b, live_pid=live_pid, ascii_only=ascii_only, session=session)
    app.run(headless=headless)
    return ExitCode.OK if app.return_code == 0 else ExitCode.TROUBLE
