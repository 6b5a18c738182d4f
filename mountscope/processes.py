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

One piece of work can also run in a forked process of its own while the
caller goes on (start_in_fork): diff judges its two captures that way while
it pairs them.
"""

from __future__ import annotations

import io
import os
import pickle
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, BinaryIO, TypeVar

from mountscope.model import Mount, MountTable

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


class ForkedWork:
    """Work running in a forked process, its bytes read back once by result()."""

    def __init__(self, pid: int, reader: int) -> None:
        self.pid = pid
        self._reader: int | None = reader
        self._reaped = False

    def result(self) -> bytes | None:
        """What the work returned, once its process has ended; None if it
        failed (or was cancelled)."""
        if self._reader is None:
            return None
        try:
            with open(self._reader, "rb") as pipe:
                data = pipe.read()
        finally:
            self._reader = None  # (closed, even when interrupted)
        _, status = os.waitpid(self.pid, 0)
        self._reaped = True
        return data if os.waitstatus_to_exitcode(status) == 0 else None

    def cancel(self) -> None:
        """Stop the process unless it was waited for, and reap it."""
        if self._reader is not None:
            os.close(self._reader)
            self._reader = None
        if self._reaped:
            return
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(self.pid, 0)
        self._reaped = True


def start_in_fork(work: Callable[[], bytes]) -> ForkedWork | None:
    """``work()`` in a forked process while this one goes on, or None where
    that would not pay or is not safe: not Linux, a single processor, or
    other threads running (a fork copies only the calling thread, and a lock
    another thread held would stay held in the copy).

    The process ignores Ctrl+C (the parent handles it and cancels), leaves
    what it inherited out of its collector's walks (a walk writes to every
    object's header, and each write copies a page fork shared), and ends
    with os._exit: nothing of the parent's (buffers, exit handlers) runs
    twice."""
    if not sys.platform.startswith("linux") or processors() < 2:
        return None
    import threading

    if threading.active_count() > 1:
        return None
    reader, writer = os.pipe()
    try:
        pid = os.fork()
    except OSError:  # no memory, too many processes
        os.close(reader)
        os.close(writer)
        return None
    if pid == 0:  # the forked process
        code = 1
        try:
            import gc

            signal.signal(signal.SIGINT, signal.SIG_IGN)
            gc.freeze()
            os.close(reader)
            data = work()
            with open(writer, "wb") as pipe:
                pipe.write(data)
            code = 0
        finally:
            os._exit(code)
    os.close(writer)
    return ForkedWork(pid, reader)


# --- what crosses between them -----------------------------------------------------------


class _MountsByIndex(pickle.Pickler):
    """Pickles a value with each of the table's mounts in it as its index:
    the process that reads it back has the same table (_TableMounts)."""

    def __init__(self, file: BinaryIO, table: MountTable) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.index = {id(m): i for i, m in enumerate(table.mounts)}

    def persistent_id(self, obj: object) -> int | None:
        return self.index.get(id(obj)) if type(obj) is Mount else None


class _TableMounts(pickle.Unpickler):
    """Reads back what _MountsByIndex wrote, each index as the table's own mount."""

    def __init__(self, file: BinaryIO, table: MountTable) -> None:
        super().__init__(file)
        self.mounts = table.mounts

    def persistent_load(self, pid: object) -> Mount:
        if type(pid) is not int or not 0 <= pid < len(self.mounts):
            raise pickle.UnpicklingError(f"no mount {pid!r} in the table")
        return self.mounts[pid]


def dumps_with_mounts(value: object, table: MountTable) -> bytes:
    """``value`` pickled, each mount of ``table`` in it as its index: for a
    process that has the same table (a forked one, or its parent)."""
    out = io.BytesIO()
    _MountsByIndex(out, table).dump(value)
    return out.getvalue()


def loads_with_mounts(data: bytes, table: MountTable) -> Any:
    """What dumps_with_mounts() wrote, its mounts ``table``'s own objects;
    None if it cannot be read."""
    try:
        return _TableMounts(io.BytesIO(data), table).load()
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, IndexError):
        return None
