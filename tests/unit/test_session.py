"""The session both faces use: load, judge (once per table), compare, refresh
a live table, filter."""

from __future__ import annotations

import io
import sys

import pytest

import mountscope.classify
from mountscope import record
from mountscope.classify import classify
from mountscope.diff import compare
from mountscope.errors import MountscopeError, ParseError
from mountscope.model import LiveOrigin, signals_of
from mountscope.session import Session
from mountscope.system.watch import table_changes
from tests.helpers import ARTICLE

P1, P2 = ARTICLE / "lambda-pattern1.txt", ARTICLE / "lambda-pattern2.txt"
EXCERPT = ARTICLE / "excerpt.txt"

TABLE = "1 0 259:1 / / rw,relatime - ext4 /dev/vda rw\n2 1 0:40 / /tmp rw - tmpfs tmpfs rw\n"


def test_load_a_file_its_nth_table_and_the_note_about_the_others():
    session = Session()
    notes: list[str] = []
    first = session.load(str(EXCERPT), notes)
    assert len(notes) == 1 and "holds" in notes[0] and "mount tables; using #1" in notes[0]
    third = session.load(f"{EXCERPT}#3")
    assert len(third.mounts) == 14 and third is not first
    with pytest.raises(ParseError, match="there is no #99"):
        session.load(f"{EXCERPT}#99")
    with pytest.raises(MountscopeError, match="no such file"):
        session.load(str(EXCERPT) + ".missing")


def test_load_standard_input(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(TABLE.encode())))
    table = Session().load("-")
    assert [m.target for m in table.mounts] == ["/", "/tmp"]


def test_load_uses_the_sessions_format_and_limits(write):
    from mountscope.system.loader import Limits

    path = write(TABLE)
    with pytest.raises(MountscopeError, match="larger than"):
        Session(limits=Limits(max_bytes=10)).load(str(path))
    with pytest.raises(ParseError, match="invalid JSON"):  # read as the format named, not detected
        Session(format_name="findmnt-json").load(str(path))


def test_a_table_is_judged_once(monkeypatch):
    calls = []

    def counting(table, signals=None):  # type: ignore[no-untyped-def]
        calls.append(table)
        return classify(table, signals)

    monkeypatch.setattr(mountscope.classify, "classify", counting)
    session = Session()
    a = session.load(str(P1))
    first = session.judge(a)
    assert session.judge(a) is first and session.verdict(a) is first.verdict
    assert calls == [a]
    comparison = session.compare(a, session.load(str(P2)))
    assert comparison.verdict_a is first.verdict and len(calls) == 2  # only B was new
    session.forget(a)
    session.judge(a)
    assert len(calls) == 3


def test_the_judgement_is_the_classifiers_and_links_evidence_to_mount_indexes():
    session = Session()
    table = session.load(str(P1))
    judgement = session.judge(table)
    assert judgement.verdict.to_dict() == classify(table, signals_of(table.provenance)).to_dict()
    linked = 0
    for number, item in enumerate(judgement.verdict.evidence):
        row = judgement.row_of(number)
        if item.mount is None:
            assert row is None
        else:
            assert row is not None and table.mounts[row] is item.mount
            linked += 1
    assert linked >= 3


def test_compare_is_the_differs_with_both_verdicts():
    session = Session()
    a, b = session.load(str(P1)), session.load(str(P2))
    ours, theirs = session.compare(a, b), compare(a, b)
    assert ours.to_dict() == theirs.to_dict()
    assert session.compare(a, b, exact=True).exact


def test_compare_without_verdicts_judges_nothing():
    session = Session()
    a, b = session.load(str(P1)), session.load(str(P2))
    bare = session.compare(a, b, with_verdicts=False)
    assert bare.verdict_a is None and bare.verdict_b is None
    assert not session._judged  # nothing judged, nothing cached
    assert [p.to_dict() for p in bare.pairs] == [p.to_dict() for p in compare(a, b).pairs]


def test_search_is_the_filter_language():
    table = Session().load(str(P1))
    assert {table.mounts[i].target for i in Session.search(table.mounts, "kind:loop")} == {
        "/var/task",
        "/tmp",
    }
    found = Session.search(table.mounts, "source:/dev/loop1")
    assert {table.mounts[i].target for i in found} == {"/var/task"}


def test_refresh_carries_the_origin_over_and_marks_the_changed_mounts(write):
    session = Session()
    old = session.load(str(write(TABLE)))
    live = LiveOrigin(
        path="/proc/1/mountinfo",
        pid=1,
        mnt_ns="mnt:[4026531841]",
        time="2026-01-01T00:00:00Z",
        hostname="node-1",
        kernel_release="6.1.0",
        machine="x86_64",
        mountscope_version="0",
        command_pid=1,
        settled=True,
        reads=1,
    )
    old = record.replace(old, title="node-1", provenance=live)
    new = session.load(str(write(TABLE + "3 1 0:41 / /mnt/new rw - tmpfs tmpfs rw\n", "b.txt")))
    events = table_changes(old.mounts, new.mounts)
    old_judgement = session.judge(old)
    update = session.refresh(old, new, events)
    assert update.table.mounts is new.mounts and update.table.title == "node-1"
    origin = update.table.provenance
    assert isinstance(origin, LiveOrigin) and origin.hostname == "node-1"
    assert origin.settled is None and origin.reads is None  # a re-read is not counted
    assert update.changed == frozenset({2}) and update.summary() == "mount /mnt/new"
    assert update.judgement is session.judge(update.table) and update.judgement is not old_judgement
    assert session.judge(old) is not old_judgement  # the old table was forgotten


def test_a_live_update_summary_names_three_changes_and_counts_the_rest(write):
    session = Session()
    before = session.load(str(write(TABLE)))
    more = "".join(f"{n} 1 0:{n} / /mnt/{n} rw - tmpfs tmpfs rw\n" for n in range(10, 15))
    after = session.load(str(write(TABLE + more, "after.txt")))
    update = session.refresh(before, after, table_changes(before.mounts, after.mounts))
    assert update.summary() == "mount /mnt/10, mount /mnt/11, mount /mnt/12 and 2 more"
    assert update.changed == frozenset(range(2, 7))


def test_judging_ahead_gives_the_judgements_judging_here_gives():
    """diff judges its captures in forked processes, as many as leave this
    process a processor of its own: each verdict comes back with its
    evidence on the table's own mounts, equal to one made here."""
    import os
    import threading

    from mountscope.processes import processors

    session, here = Session(), Session()
    a, b = session.load(str(P1)), session.load(str(P2))
    with session.judging_ahead((a, b), smallest=0):
        started = {judging.work.pid for _, judging, _ in session._ahead.values()}
        if processors() > 1 and threading.active_count() == 1:
            assert len(session._ahead) == 2 and len(started) == min(2, processors() - 1)
        judged = [session.judge(a), session.judge(b)]
    for table, judgement in zip((a, b), judged, strict=True):
        assert judgement == here.judge(table)
        mounts = {id(m) for m in table.mounts}
        assert all(e.mount is None or id(e.mount) in mounts for e in judgement.verdict.evidence)
        assert any(e.mount is not None for e in judgement.verdict.evidence)
    for pid in started:  # every process was waited for
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


def test_small_tables_are_judged_here():
    session = Session()
    a = session.load(str(P1))
    with session.judging_ahead((a,)):  # (10 mounts: judged in a few milliseconds)
        assert not session._ahead


def test_a_verdict_not_asked_for_is_stopped_and_a_failed_one_is_made_here(monkeypatch):
    import os

    from mountscope import processes

    session = Session()
    a, b = session.load(str(P1)), session.load(str(P2))
    with session.judging_ahead((a,), smallest=0):
        started = {judging.work.pid for _, judging, _ in session._ahead.values()}
    for pid in started:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
    # A process that fails (here: its work raises) sends nothing back.
    monkeypatch.setattr(processes, "dumps_with_mounts", lambda value, table: 1 / 0)
    with session.judging_ahead((b,), smallest=0):
        judged = session.judge(b)
    assert judged == Session().judge(b)


def test_forked_work_sends_its_bytes_and_none_where_it_fails_or_cannot_start():
    import os
    import threading
    import time

    from mountscope.processes import loads_with_mounts, start_in_fork

    work = start_in_fork(lambda: b"x" * 300_000)  # (more than a pipe holds)
    if work is None:
        pytest.skip("a single processor: nothing is forked")
    assert work.result() == b"x" * 300_000
    work.cancel()  # (waited for already: nothing to stop)
    slow = start_in_fork(lambda: bytes(time.sleep(60) or 1))
    assert slow is not None
    started = time.monotonic()
    slow.cancel()
    assert time.monotonic() - started < 30  # (killed, not waited for: the work takes 60 s)
    with pytest.raises(ChildProcessError):
        os.waitpid(slow.pid, os.WNOHANG)
    failing = start_in_fork(lambda: bytes(1 / 0))
    assert failing is not None and failing.result() is None
    assert loads_with_mounts(b"not a pickle", Session().load(str(P1))) is None
    # With another thread running, nothing is forked (its locks would be copied held).
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert start_in_fork(lambda: b"") is None
    finally:
        release.set()
        other.join()
