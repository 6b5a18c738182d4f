"""Waiting on a Textual app run by its Pilot."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from mountscope.tui.app import MainScreen


async def until(pilot: Any, condition: Callable[[], object], timeout: float = 60.0) -> None:
    """Let the app run until ``condition()`` holds. The deadline is wide and
    the step small: a busy machine makes the wait longer, never a failure."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"the app did not get there within {timeout:g} s")
        await pilot.pause(0.02)


async def settled(pilot: Any, timeout: float = 60.0) -> None:
    """Wait until the screen's verdicts and comparison are shown (the live
    watcher never finishes, so it is not waited for). A screen just pushed
    may not have started its workers yet (they start after its first frame):
    its ``judged`` says when it is done, not the workers running now."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:  # a worker may start another screen and its workers
        await pilot.pause()
        running = [w for w in pilot.app.workers if w.group != "live" and not w.is_finished]
        for worker in running:
            await worker.wait()
        screen = pilot.app.screen
        done = not isinstance(screen, MainScreen) or screen.judged
        if not running and done:
            return
        if not running:
            await pilot.pause(0.02)
    raise AssertionError(f"the app was not settled within {timeout:g} s")
