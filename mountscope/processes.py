"""Work spread over worker processes, its results in order.

A survey reads thousands of files, each on its own and each in pure Python:
one processor takes four or five times as long as just parsing them. Worker
processes (forked, so they start in milliseconds with every module already
imported) take chunks of the work; the results come back in the order the
chunks were given, so the output is the same as one process's. At most a
few chunks per worker are in flight: memory stays flat however many there
are.

Where processes cannot be started (a Lambda function has no /dev/shm for
the locks a pool needs), start_pool() says so and the caller does the work
itself.
"""

from __future__ import annotations

import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:  # (the pool's modules are imported only when a pool starts)
    from concurrent.futures import Future, ProcessPoolExecutor

_A = TypeVar("_A")
_R = TypeVar("_R")

MAX_JOBS = 8
CHUNKS_AHEAD = 4  # chunks in flight per worker


def processors() -> int:
    """The processors this process may run on (at most MAX_JOBS)."""
    try:
        count = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        count = os.cpu_count() or 1
    return max(1, min(MAX_JOBS, count))


def _ignore_interrupt() -> None:
    # Ctrl+C is the parent's to handle: it stops the pool (no worker tracebacks).
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def start_pool(jobs: int) -> ProcessPoolExecutor | None:
    """``jobs`` forked workers, or None where they cannot be started (or
    where fork is not how processes start).

    (concurrent.futures' pool, not multiprocessing's: the latter's worker
    handler thread wakes whenever a result waits to be read, and spun against
    the thread reading it, a fifth of a survey's time in this process.)"""
    if jobs < 2 or not sys.platform.startswith("linux"):
        return None
    import gc
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    # What this process holds is left out of the collector's walks first: a
    # walk in a worker would write to every inherited object's header and so
    # copy every page of it (fork shares them until written).
    gc.freeze()
    try:
        pool = ProcessPoolExecutor(
            jobs, mp_context=multiprocessing.get_context("fork"), initializer=_ignore_interrupt
        )
    except (OSError, ImportError):  # no /dev/shm (Lambda), no _multiprocessing
        return None
    try:
        pool.submit(int).result()  # the workers start here, or cannot (fork refused)
    except (OSError, BrokenProcessPool):
        pool.shutdown(wait=True, cancel_futures=True)
        return None
    return pool


def map_in_order(
    pool: ProcessPoolExecutor, jobs: int, function: Callable[[_A], _R], chunks: Iterable[_A]
) -> Iterator[_R]:
    """``function(chunk)`` for each chunk, computed by the pool's ``jobs``
    workers and yielded in the order of ``chunks``. The pool is stopped when
    the results end, or when the caller stops reading them."""
    pending: deque[Future[_R]] = deque()
    try:
        for chunk in chunks:
            pending.append(pool.submit(function, chunk))
            if len(pending) >= CHUNKS_AHEAD * jobs:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
