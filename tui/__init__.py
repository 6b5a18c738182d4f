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

    app = MountscopeApp(a, b, live_pid=live_pid, ascii_only=ascii_only, redact=redact)
    app.run()
    # Textual sets 1 after an unhandled error (and shows the traceback).
    return app.return_code or 0


def run_survey(result: SurveyResult, redactor: Redactor | None = None, *, ascii_only: bool = False) -> int:
    from mountscope.tui.survey import SurveyApp

    survey = SurveyApp(result, redactor, ascii_only=ascii_only)
    survey.run()
    return survey.return_code or 0
