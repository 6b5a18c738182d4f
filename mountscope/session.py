"""What the command line and the app both do with captures: load one,
compare two, judge one (once per table), follow a live table, filter.

The CLI calls it directly; the app calls the slow parts (loading, comparing,
judging, waiting for the live table) from worker threads and only draws the
results. Judging and comparing are pure; loading and following the live
table go through ``mountscope.system``.
"""

from __future__ import annotations

import os
from _thread import allocate_lock  # threading.Lock, without importing threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import partial
from itertools import compress

from mountscope.filter import matching
from mountscope.model import Mount, MountTable, signals_of
from mountscope.record import record
from mountscope.system.loader import Limits, load, load_all

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    # Imported where they are used: `mountscope tree` and `capture` stay light.
    from mountscope.classify import Verdict
    from mountscope.diff import Comparison
    from mountscope.processes import ForkedWork
    from mountscope.system.watch import MountEvent, MountWatcher


# Below this many mounts a table is judged in a few milliseconds: a process
# of its own (a fork, a pickled verdict) would not pay, and in a Lambda
# function, where the table is small, every process counts against the
# function's memory.
JUDGE_AHEAD_FROM = 5_000


@record(frozen=True)
class Judgement:
    """A verdict and, for each piece of its evidence, the index of the mount it
    points at in the table it was made from (None: a live signal)."""

    verdict: Verdict
    rows: tuple[int | None, ...]

    def row_of(self, evidence: int) -> int | None:
        return self.rows[evidence]


@record(frozen=True)
class LiveUpdate:
    """A newer read of a live table: the table, its judgement, what changed
    (the events) and which of its mounts the changes touch."""

    table: MountTable
    judgement: Judgement
    events: tuple[MountEvent, ...]
    changed: frozenset[int]

    def summary(self, shown: int = 3) -> str:
        head = ", ".join(f"{e.action} {e.mount.target}" for e in self.events[:shown])
        more = len(self.events) - shown
        return head + (f" and {more} more" if more > 0 else "")


class Session:
    """Loads, compares, judges and follows captures with one set of options."""

    def __init__(
        self,
        *,
        format_name: str | None = None,
        limits: Limits | None = None,
        timing: str | None = None,
        pid: int | str = "self",
    ) -> None:
        self.format_name = format_name
        self.limits = limits
        self.timing = timing
        self.pid = pid
        # Judgements per table, keyed by the table's identity; the table is
        # held with its judgement, so the key cannot be reused while cached.
        self._judged: dict[int, tuple[MountTable, Judgement]] = {}
        self._lock = allocate_lock()
        # While loading captures together (loading_together): their mounts by
        # the line they were read from.
        self._known_lines: dict[str, Mount] | None = None
        # Tables being judged in forked processes (judging_ahead), by identity.
        # (the table, its process, its place among the tables that process judges)
        self._ahead: dict[int, tuple[MountTable, _Judging, int]] = {}

    # --- loading -----------------------------------------------------------------

    def load(self, spec: str | None, notes: list[str] | None = None) -> MountTable:
        """A capture: a file (its first table, or FILE#N), "-" for standard input,
        or "live" (or None) for the live table of the session's process. Notes
        for the user (such as "FILE holds N mount tables") go to ``notes``."""
        if spec is None or (
            spec == "live" and not os.path.exists(spec)
        ):  # a file named "live" wins
            from mountscope.capture import capture_live

            return capture_live(self.pid)
        return load(spec, self.format_name, self.limits, notes, self.timing, self._known_lines)

    @contextmanager
    def loading_together(self) -> Iterator[None]:
        """Captures loaded within share the mounts of the lines they have in
        common: a line the first capture had is not parsed again in the
        second, and its mount is held once. Two captures of one machine, the
        two sides of a diff, repeat most of their lines. (Large mountinfo
        files only: see parsers.whole_mountinfo_of_chunks.) The lines are
        held until the block ends."""
        self._known_lines = {}
        try:
            yield
        finally:
            self._known_lines = None

    def load_all(self, path: str) -> list[MountTable]:
        """Every table a file holds (a text or a recording can hold several)."""
        return load_all(path, self.format_name, self.limits, self.timing)

    # --- judging and comparing ------------------------------------------------------

    def judge(self, table: MountTable) -> Judgement:
        """The verdict on ``table``, computed once per table (or taken from
        the process judging it ahead)."""
        with self._lock:
            cached = self._judged.get(id(table))
            if cached is not None and cached[0] is table:
                return cached[1]
            ahead = self._ahead.pop(id(table), None)
        verdict = None
        if ahead is not None and ahead[0] is table:
            verdict = _verdict_of(ahead[1].verdict_bytes(ahead[2]), table)
        if verdict is None:
            from mountscope.classify import classify

            verdict = classify(table, signals_of(table.provenance))
        judgement = Judgement(verdict, tuple(_rows_of(table, verdict)))
        with self._lock:
            self._judged[id(table)] = (table, judgement)
        return judgement

    @contextmanager
    def judging_ahead(
        self, tables: Iterable[MountTable], smallest: int = JUDGE_AHEAD_FROM
    ) -> Iterator[None]:
        """Judge ``tables`` of ``smallest`` mounts or more in forked
        processes while this one goes on (the command line's diff pairs its
        two captures meanwhile: judging them one after the other was a third
        of its time); judge() then takes each verdict from its process.

        The tables are shared among as many processes as leave this one a
        processor of its own: on two processors one process judges both,
        one after the other (a process for each made three on two
        processors, and the pairing here took half as long again). Where no
        process can be forked (see processes.start_in_fork), or one fails,
        judge() judges here as always. Processes whose verdicts were not
        asked for by the end of the block are stopped."""
        from mountscope.processes import processors, start_in_fork

        wanted = {
            id(t): t
            for t in tables
            if len(t.mounts) >= smallest and id(t) not in self._judged and id(t) not in self._ahead
        }
        shared = list(wanted.values())
        count = min(len(shared), max(1, processors() - 1))
        for first in range(count):
            share = shared[first::count]
            started = start_in_fork(partial(_verdicts_bytes, share))
            if started is None:
                break
            judging = _Judging(started)
            for place, table in enumerate(share):
                self._ahead[id(table)] = (table, judging, place)
        try:
            yield
        finally:
            with self._lock:
                left, self._ahead = list(self._ahead.values()), {}
            for _, judging, _ in left:
                judging.cancel()

    def verdict(self, table: MountTable) -> Verdict:
        return self.judge(table).verdict

    def forget(self, table: MountTable) -> None:
        """Drop what is cached for a table that is no longer shown."""
        with self._lock:
            cached = self._judged.get(id(table))
            if cached is not None and cached[0] is table:
                del self._judged[id(table)]

    def compare(
        self,
        a: MountTable,
        b: MountTable,
        *,
        exact: bool = False,
        list_same: bool = True,
        with_verdicts: bool = True,
    ) -> Comparison:
        """The comparison of two captures, with both verdicts unless
        ``with_verdicts`` is false (the app shows the pairs first and judges
        after); ``list_same``: see ``mountscope.diff.compare``."""
        from mountscope.diff import compare

        comparison = compare(a, b, exact=exact, with_verdicts=False, list_same=list_same)
        if with_verdicts:
            comparison.verdict_a, comparison.verdict_b = self.verdict(a), self.verdict(b)
        return comparison

    # --- filtering ----------------------------------------------------------------------

    @staticmethod
    def search(mounts: Iterable[Mount], query: str) -> set[int]:
        """The positions of the mounts matching a filter (mountscope.filter)."""
        return matching(mounts, query)

    # --- the live table ---------------------------------------------------------------------

    def follow(self, table: MountTable, pid: int | str | None = None) -> LiveTable:
        """Follow the live table ``table`` was read from (see LiveTable)."""
        return LiveTable(self, table, self.pid if pid is None else pid)

    def refresh(
        self, previous: MountTable, newer: MountTable, events: Iterable[MountEvent] = ()
    ) -> LiveUpdate:
        """``newer``, a newer read of the live table ``previous`` came from,
        judged, with the mounts the events touch."""
        from mountscope.capture import reread

        table = reread(previous, newer)
        self.forget(previous)
        events = tuple(events)
        targets = {e.mount.target for e in events}
        changed = frozenset(i for i, m in enumerate(table.mounts) if m.target in targets)
        return LiveUpdate(table, self.judge(table), events, changed)


class LiveTable:
    """A live table followed as it changes: ``next_update`` blocks until the
    kernel reports a change (or the timeout passes), then reads, judges and
    returns the new table. Made for one thread (the app's live worker)."""

    def __init__(self, session: Session, table: MountTable, pid: int | str) -> None:
        from mountscope.system.watch import MountWatcher

        self.session = session
        self.table = table
        self.watcher: MountWatcher = MountWatcher(pid)

    def next_update(self, timeout: float | None = None) -> LiveUpdate | None:
        events = self.watcher.wait(timeout)
        if not events:
            return None
        update = self.session.refresh(self.table, self.watcher.capture, events)
        self.table = update.table
        return update

    def close(self) -> None:
        self.watcher.close()

    def __enter__(self) -> LiveTable:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def _verdicts_bytes(tables: list[MountTable]) -> bytes:
    """The verdict on each of ``tables``, for the process that forked this one."""
    import pickle

    from mountscope.classify import classify
    from mountscope.processes import dumps_with_mounts

    verdicts = [dumps_with_mounts(classify(t, signals_of(t.provenance)), t) for t in tables]
    return pickle.dumps(verdicts, protocol=pickle.HIGHEST_PROTOCOL)


class _Judging:
    """A forked process judging tables one after the other; what it sends
    back is read once, and each table's verdict taken from it."""

    def __init__(self, work: ForkedWork) -> None:
        self.work = work
        self._verdicts: list[bytes] | None = None

    def verdict_bytes(self, place: int) -> bytes | None:
        """The verdict on the table at ``place`` (None if the process failed)."""
        if self._verdicts is None:
            import pickle

            data = self.work.result()
            self._verdicts = pickle.loads(data) if data is not None else []
        return self._verdicts[place] if place < len(self._verdicts) else None

    def cancel(self) -> None:
        self.work.cancel()


def _verdict_of(data: bytes | None, table: MountTable) -> Verdict | None:
    """The verdict a forked process sent (None if it sent none)."""
    from mountscope.processes import loads_with_mounts

    verdict: Verdict | None = loads_with_mounts(data, table) if data is not None else None
    return verdict


def _rows_of(table: MountTable, verdict: Verdict) -> list[int | None]:
    """Each evidence item's mount as its index in ``table`` (the table the
    verdict was made from, whose mount objects the evidence holds). The
    few mounts the evidence names are looked for in one pass in C: a map of
    every mount's identity cost a diff of two 50 000-mount tables 20 ms."""
    mounts = table.mounts
    named = {id(e.mount) for e in verdict.evidence if e.mount is not None}
    found = compress(range(len(mounts)), map(named.__contains__, map(id, mounts)))
    position = {id(mounts[i]): i for i in found}
    return [position.get(id(e.mount)) if e.mount is not None else None for e in verdict.evidence]
