"""``python -m mountscope``.

Ctrl-C at any moment of start-up ends the process at once with the status of
an interrupt (130) and no traceback; once cli.main() runs, it turns Ctrl-C
into the same status itself.
"""

import os
import signal


def _interrupted(signum: int, frame: object) -> None:
    os._exit(130)  # nothing is written yet; nothing half-imported is finalized


if signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # not when ignored (a background job)
    signal.signal(signal.SIGINT, _interrupted)

import sys  # noqa: E402

from mountscope.cli import main  # noqa: E402

sys.exit(main())
