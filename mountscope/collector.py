"""The cyclic garbage collector, paused while a large structure is built.

Parsing a table, comparing two and building their rows make hundreds of
thousands of small objects that live on and hold no cycles: each automatic
collection would walk all of them again (a fifth of the time at 50 000
mounts). Reference counting still frees whatever is dropped meanwhile.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """The collector off inside the block, and back as it was after it."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
