"""mountscope's Textual app. Importing this package loads nothing heavy:
Textual is imported only by ``run``, when the app is about to start."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mountscope.model import MountTable

if TYPE_CHECKING:
    from mountscope.session import Session


def run(a: MountTable, b: MountTable | None = None, *, live_pid: int | str | None = None,
        ascii_only: bool = False, session: Session | None = None, headless: bool = False) -> int:
    """Run the app until it quits; its exit status (1 after an unhandled error,
    which Textual reports with its traceback)."""
    from mountscope.tui.app import MountscopeApp

    app = MountscopeApp(a, b, live_pid=live_pid, ascii_only=ascii_only, session=session)
    app.run(headless=headless)
    return app.return_code if app.return_code is not None else 0
