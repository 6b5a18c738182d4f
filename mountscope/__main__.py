"""``python -m mountscope``.

Ctrl-C at any moment of start-up ends the process at once with the status of
an interrupt (130) and no traceback; once cli.main() runs, it turns Ctrl-C
into the same status itself. The handler goes in before anything else:
``_signal`` is built into the interpreter and already loaded, so this takes
microseconds, where importing ``signal`` takes a millisecond.
"""

import _signal
import os


def _interrupted(signum: int, frame: object) -> None:
    os._exit(130)  # nothing is written yet; nothing half-imported is finalized


if (
    _signal.getsignal(_signal.SIGINT) is _signal.default_int_handler
):  # not when ignored (a background job)
    _signal.signal(_signal.SIGINT, _interrupted)

import sys  # noqa: E402

from mountscope.cli import main  # noqa: E402

sys.exit(main())
