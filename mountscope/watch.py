"""Watching a mount table change, as findmnt --poll does.

The kernel marks /proc/PID/mountinfo with POLLPRI|POLLERR once per change of
the mount namespace (fs/proc_namespace.c, mounts_poll()); it always reports
POLLIN, so that is not waited for. On each wake-up the file is re-read from
the same descriptor and compared with the last table by mount id: a new id
is a mount, a vanished one an umount, an id at another target a move, and
changed options a remount. No busy re-reading.
"""

from __future__ import annotations

import os
import select
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from mountscope.errors import MountscopeError
from mountscope.live import describe_os_error, proc_path
from mountscope.model import Capture, Mount

ACTIONS = ("mount", "umount", "remount", "move")


@dataclass(frozen=True)
class MountEvent:
    action: str
    mount: Mount
    # The mount as it was, for umount, move and remount.
    old: Mount | None
    time: float

    def to_dict(self) -> dict[str, Any]:
        m = self.mount
        return {
            "action": self.action,
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(self.time))
            + f".{int(self.time * 1000) % 1000:03d}Z",
            "id": m.mount_id,
            "target": m.target,
            "source": m.display_source,
            "fstype": m.fstype,
            "options": m.options,
            "old_target": self.old.target if self.old and self.action == "move" else None,
            "old_options": self.old.options if self.old and self.action == "remount" else None,
        }


def _filesystem(m: Mount) -> tuple[str, str, str | None]:
    """What a mount id stands for: a reused id with another of these is another mount."""
    return m.source, m.fstype, m.devno


def table_changes(old: list[Mount], new: list[Mount], when: float | None = None) -> list[MountEvent]:
    """What happened between two reads of one mount table, paired by mount id."""
    when = time.time() if when is None else when
    before = {m.mount_id: m for m in old}
    after = {m.mount_id: m for m in new}
    events: list[MountEvent] = []
    for mount_id, was in before.items():
        now = after.get(mount_id)
        if now is None or _filesystem(now) != _filesystem(was):
            events.append(MountEvent("umount", was, was, when))  # gone, or its id reused
    for mount_id, now in after.items():
        earlier = before.get(mount_id)
        if earlier is None or _filesystem(now) != _filesystem(earlier):
            events.append(MountEvent("mount", now, None, when))
        elif now.target != earlier.target:
            events.append(MountEvent("move", now, earlier, when))
        elif (now.vfs_options, now.fs_options) != (earlier.vfs_options, earlier.fs_options):
            events.append(MountEvent("remount", now, earlier, when))
    return events


class MountWatcher:
    """A process's mount table, re-read whenever the kernel says it changed."""

    def __init__(self, pid: int | str = "self") -> None:
        self.pid = pid
        self.path = proc_path(pid, "mountinfo")
        try:
            self.fd = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC)
        except OSError as error:
            raise MountscopeError(describe_os_error(error, self.path, pid)) from None
        self.poller = select.poll()
        self.poller.register(self.fd, select.POLLPRI | select.POLLERR)
        self.capture = self._read()

    def fileno(self) -> int:
        return self.fd

    def _read(self) -> Capture:
        from mountscope.parsers import mountinfo, split_lines

        try:
            os.lseek(self.fd, 0, os.SEEK_SET)
            chunks = []
            while True:
                chunk = os.read(self.fd, 1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
        except OSError as error:
            raise MountscopeError(describe_os_error(error, self.path, self.pid)) from None
        text = b"".join(chunks).decode("utf-8", "surrogateescape")
        if not text:
            raise MountscopeError(f"{self.path} is empty: process {self.pid} has exited")
        capture = mountinfo.parse(split_lines(text), 1, self.path)
        capture.raw_text = text
        return capture

    def wait(self, timeout: float | None = None) -> list[MountEvent]:
        """Block until the table changes (or ``timeout`` seconds pass); the changes."""
        ready = self.poller.poll(None if timeout is None else max(0, int(timeout * 1000)))
        if not ready:
            return []
        new = self._read()
        events = table_changes(self.capture.mounts, new.mounts)
        self.capture = new
        return events

    def events(self, timeout: float | None = None) -> Iterator[MountEvent]:
        """Every change as it happens, until ``timeout`` seconds pass (None: forever)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                return
            yield from self.wait(left)

    def close(self) -> None:
        os.close(self.fd)

    def __enter__(self) -> MountWatcher:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
