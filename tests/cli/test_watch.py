"""``mountscope watch`` like ``findmnt --poll``: header, time, columns,
filters, the action filter, Ctrl-C, and a watched process that exits; on
real mounts in a private mount namespace."""

from __future__ import annotations

import re
import signal
import time
from pathlib import Path

from tests.helpers import needs_unshare
from tests.helpers.watch import Watch

pytestmark = needs_unshare


def rows(watcher: Watch) -> list[str]:
    """The header and the change lines; gap lines (several changes in one
    read, as a busy machine may give) left out."""
    return [line for line in watcher.out.decode().splitlines() if " gap " not in line]


def wait_rows(watcher: Watch, count: int) -> list[str]:
    deadline = time.monotonic() + 30
    while len(rows(watcher)) < count:
        assert time.monotonic() < deadline, watcher.out.decode() + watcher.err.decode()
        watcher._pump(deadline)
    return rows(watcher)


def test_header_time_columns_and_filters(namespace, watch, tmp_path: Path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    for folder in (a, b, c):
        folder.mkdir()
    watcher = watch(
        "--pid", str(namespace.pid), "-o", "ACTION,TARGET,FSTYPE,OLD-OPTIONS", "-t", "tmpfs",
        "--poll", "mount,remount", "--timeout", "60",
    )  # fmt: skip
    watcher.ready()
    # Each shown change is waited for before the next step; what is filtered
    # out may arrive in the same read as the change after it.
    namespace.run("mount", "-t", "ramfs", "skipped-type", str(b))  # -t tmpfs: not shown
    namespace.run("mount", "-t", "tmpfs", "-o", "size=1m", "shown", str(a))
    wait_rows(watcher, 2)
    namespace.run("mount", "-o", "remount,ro", str(a))
    wait_rows(watcher, 3)
    namespace.run("umount", str(a))  # --poll mount,remount: not shown
    namespace.run("mount", "-t", "tmpfs", "last", str(c))
    lines = wait_rows(watcher, 4)
    assert lines[0].split() == ["TIME", "ACTION", "TARGET", "FSTYPE", "OLD-OPTIONS"]
    clock = r"\d\d:\d\d:\d\d\.\d{3}"
    assert re.fullmatch(rf"{clock} mount   {a} tmpfs -", lines[1]), lines
    assert re.fullmatch(rf"{clock} remount {a} tmpfs rw,\S+", lines[2]), lines
    assert re.fullmatch(rf"{clock} mount   {c} tmpfs -", lines[3]), lines
    assert "skipped-type" not in watcher.out.decode() and "umount" not in watcher.out.decode()


def test_target_filter_and_no_header(namespace, watch, tmp_path: Path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    watcher = watch("--pid", str(namespace.pid), "-n", "-T", str(b), "--timeout", "60")
    watcher.ready()
    namespace.run("mount", "-t", "tmpfs", "elsewhere", str(a))
    namespace.run("mount", "-t", "tmpfs", "here", str(b))
    lines = wait_rows(watcher, 1)
    assert lines[0].split()[1:4] == ["mount", str(b), "here"], lines
    assert "elsewhere" not in watcher.out.decode()


def test_ctrl_c_exits_130(namespace, watch):
    watcher = watch("--pid", str(namespace.pid))
    watcher.ready()
    watcher.process.send_signal(signal.SIGINT)
    assert watcher.process.wait(timeout=30) == 130


def test_the_watched_process_exiting_ends_the_watch(namespace, watch):
    watcher = watch("--pid", str(namespace.pid))
    watcher.ready()
    namespace.process.kill()
    namespace.process.wait()
    assert watcher.process.wait(timeout=30) == 2
    _, err = watcher.process.communicate()
    message = (watcher.err + err).decode()
    assert f"process {namespace.pid} exited; its mount namespace is gone" in message, message


def test_an_unknown_action_is_a_usage_error(watch):
    watcher = watch("--poll", "mount,explode")
    assert watcher.process.wait(timeout=30) == 2
    _, err = watcher.process.communicate()
    assert b"unknown action: explode" in err
