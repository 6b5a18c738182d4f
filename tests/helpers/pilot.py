"""Waiting on a Textual app run by its Pilot."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


async def until(pilot: Any, condition: Callable[[], object], timeout: float = 60.0) -> None:
    """Let the app run until ``condition()`` holds. The deadline is wide and
    the step small: a busy machine makes the wait longer, never a failure."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"the app did not get there within {timeout:g} s")
        await pilot.pause(0.02)
