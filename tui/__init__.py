"""mountscope's Textual app. Importing this package loads nothing heavy:
Textual is imported only by ``run``, when the app is about to start."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mountscope.model import MountTable

if TYPE_CHECKING:
    from mountscope.redact import Redactor
    from mountscope.survey import SurveyResult


def run(a: MountTable, b: MountTable | None = None, *, live_pid: int | str | None = None,
        ascii_only: bool = False, redact: bool = False) -> int:
    from mountscope.tui.app import MountscopeApp

    MountscopeApp(a, b, live_pid=live_pid, ascii_only=ascii_only, redact=redact).run()
    return 0


def run_survey(result: SurveyResult, redactor: Redactor | None = None, *, ascii_only: bool = False) -> int:
    from mountscope.tui.survey import SurveyApp

    SurveyApp(result, redactor, ascii_only=ascii_only).run()
    return 0
