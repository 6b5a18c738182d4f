"""Watching a mount table change, as findmnt --poll does.

The kernel marks /proc/PID/mountinfo with POLLPRI|POLLERR once per change of
the mount namespace (fs/proc_namespace.c, mounts_poll()); it always reports
POLLIN, so that is not waited for. On each wake-up the file is re-read from
the same descriptor and compared with the last table by mount id: a new id
is a mount, a vanished one an umount, an id at another target a move, and
changed options a remount. No busy re-reading.

What one read can and cannot tell:

* Changes that happen between two reads arrive together, and any state in
  between (a mount made and removed again, the order of the changes) is not
  seen. So whenever one read brings more than one change, a ``Gap`` says how
  many arrived at once and that changes in between may have been missed.
* The kernel reuses a freed mount id (and a freed anonymous device number,
  as every tmpfs has) for the next mount, so "same id at another target" is
  not enough for a move. mountinfo lists a namespace's mounts in the order
  they were made (an append-only list before Linux 6.8, sorted by a never
  reused 64-bit id since), and a move keeps a mount's place: a mount listed
  after one that was listed after it before is new. When the order cannot
  tell (the mount was the newest before and still is), Linux 6.8 and later
  say which mounts were made since the last read (listmount(2) and
  statmount(2)); without them the change is reported as umount + mount.
* A file that does not signal changes (a regular file, a /proc that does
  not implement the signal) is re-read every few seconds instead, with a
  note saying so.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import select
import struct
import time
from collections.abc import Iterator, Sequence

from mountscope.errors import LiveReadError, NamespaceGone
from mountscope.model import Mount, MountTable
from mountscope.model.events import EventAction, Gap, MountEvent
from mountscope.record import replace
from mountscope.system.live import describe_os_error, proc_path

# How long poll() may stay silent before the table is re-read once anyway, to
# find out whether the file signals changes at all; and how often a file that
# does not is re-read.
CHECK_AFTER = 5.0
REREAD_EVERY = 1.0
PROC_SUPER_MAGIC = 0x9FA0


def _filesystem(m: Mount) -> tuple[str, str | None, str, str | None]:
    """What a mount id stands for: a reused id with another of these is another mount."""
    return m.source, m.fsroot, m.fstype, m.devno


def table_changes(
    old: Sequence[Mount],
    new: Sequence[Mount],
    when: float | None = None,
    made: dict[int, str | None] | None = None,
) -> list[MountEvent]:
    """What happened between two reads of one mount table, paired by mount id.

    ``made`` maps the (reusable) ids of the mounts made since ``old`` was read
    to their device numbers, where the kernel can say (None: it cannot).
    """
    when = time.time() if when is None else when
    before = {m.mount_id: (i, m) for i, m in enumerate(old)}
    after = {m.mount_id: (i, m) for i, m in enumerate(new)}

    def remade(mount_id: int | None, m: Mount) -> bool:
        return made is not None and mount_id in made and made[mount_id] == m.devno

    # Mounts with the same id and filesystem: at the same target they stayed
    # (their places anchor the order), at another target they moved or are new.
    staying_old = staying_new = -1
    maybe_moved = []
    for mount_id, (i, was) in before.items():
        j, now = after.get(mount_id, (-1, None))
        if now is None or _filesystem(now) != _filesystem(was):
            continue
        if now.target == was.target and not remade(mount_id, now):
            staying_old, staying_new = max(staying_old, i), max(staying_new, j)
        elif now.target != was.target:
            maybe_moved.append(mount_id)
    new_ids = set()
    for mount_id in maybe_moved:
        i, j = before[mount_id][0], after[mount_id][0]
        if staying_new > j:
            continue  # still listed before a mount that stayed: the same mount, moved
        if staying_old > i or made is None or remade(mount_id, after[mount_id][1]):
            # listed after a mount it came before (only a new mount goes to the end),
            # or made since the last read, or nothing can tell: not claimed as a move
            new_ids.add(mount_id)

    events: list[MountEvent] = []
    for mount_id, (_, was) in before.items():
        now = after.get(mount_id, (0, None))[1]
        if now is None or _filesystem(now) != _filesystem(was) or mount_id in new_ids:
            events.append(MountEvent(EventAction.UMOUNT, was, was, when))  # gone, or its id reused
    for mount_id, (_, now) in after.items():
        earlier = before.get(mount_id, (0, None))[1]
        if earlier is None or _filesystem(now) != _filesystem(earlier) or mount_id in new_ids:
            events.append(MountEvent(EventAction.MOUNT, now, None, when))
        elif now.target != earlier.target:
            events.append(MountEvent(EventAction.MOVE, now, earlier, when))
        elif (now.vfs_options, now.fs_options) != (earlier.vfs_options, earlier.fs_options):
            events.append(MountEvent(EventAction.REMOUNT, now, earlier, when))
    return events


class _NewMounts:
    """Which mounts were made since a point in time, by the kernel's unique mount ids.

    Linux 6.8 and later number mounts with 64-bit ids that are never reused
    and list them in order (listmount(2)); statmount(2) gives each one's
    reusable mountinfo id. Anything missing (an older kernel, a namespace we
    may not list) turns this off: ``since`` then returns None.
    """

    _STATMOUNT, _LISTMOUNT = 457, 458  # the same number on every architecture since 5.x
    _LSMT_ROOT = 0xFFFFFFFFFFFFFFFF
    _NS_GET_MNTNS_ID = 0x8008B705  # _IOR(0xb7, 5, __u64)
    _SB_BASIC, _MNT_BASIC = 0x1, 0x2

    def __init__(self, pid: int | str) -> None:
        self.works = False
        try:
            self.libc = ctypes.CDLL(None, use_errno=True)
            self.libc.syscall.restype = ctypes.c_long
            fd = os.open(proc_path(pid, "ns/mnt"), os.O_RDONLY | os.O_CLOEXEC)
            try:
                buffer = bytearray(8)
                fcntl.ioctl(fd, self._NS_GET_MNTNS_ID, buffer)
            finally:
                os.close(fd)
            self.ns_id = struct.unpack("Q", buffer)[0]
            self.works = True
        except (OSError, AttributeError):
            self.works = False

    def _request(self, mount_id: int, param: int) -> bytes:
        return struct.pack("IIQQQ", 32, 0, mount_id, param, self.ns_id)

    def _list_after(self, mark: int) -> list[int]:
        found: list[int] = []
        ids = (ctypes.c_uint64 * 4096)()
        while True:
            request = self._request(self._LSMT_ROOT, mark)
            count = self.libc.syscall(
                self._LISTMOUNT, request, ids, ctypes.c_size_t(4096), ctypes.c_uint(0)
            )
            if count < 0:
                raise OSError(ctypes.get_errno(), "listmount")
            found += ids[:count]
            if count < 4096:
                return found
            mark = found[-1]

    def newest(self, after: int = 0) -> int:
        """The newest mount's unique id now, knowing none is older than ``after``.

        Taken before a read, so every mount made after the read is newer."""
        if not self.works:
            return 0
        try:
            later = self._list_after(after)
        except OSError:
            self.works = False
            return 0
        return later[-1] if later else after

    def since(self, mark: int) -> dict[int, str | None] | None:
        """The mountinfo ids (and device numbers) of the mounts made after ``mark``."""
        if not self.works:
            return None
        made: dict[int, str | None] = {}
        buffer = ctypes.create_string_buffer(4096)
        try:
            for unique in self._list_after(mark):
                request = self._request(unique, self._SB_BASIC | self._MNT_BASIC)
                done = self.libc.syscall(
                    self._STATMOUNT, request, buffer, ctypes.c_size_t(4096), ctypes.c_uint(0)
                )
                if done < 0:
                    continue  # gone again already
                mask, major, minor = struct.unpack_from("QII", buffer.raw, 8)
                if mask & (self._SB_BASIC | self._MNT_BASIC) == self._SB_BASIC | self._MNT_BASIC:
                    made[struct.unpack_from("I", buffer.raw, 56)[0]] = f"{major}:{minor}"
        except OSError:
            self.works = False
            return None
        return made


def _on_procfs(fd: int) -> bool:
    """Whether ``fd`` is a file of /proc (only those signal mount changes)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        buffer = ctypes.create_string_buffer(256)
        if libc.fstatfs(fd, buffer) != 0:
            return True  # cannot tell: trust poll(), the silence check still applies
        return bool(ctypes.c_long.from_buffer(buffer).value == PROC_SUPER_MAGIC)
    except (OSError, AttributeError):
        return True


class MountWatcher:
    """A process's mount table, re-read whenever the kernel says it changed."""

    def __init__(self, pid: int | str = "self", path: str | None = None) -> None:
        self.pid = pid
        self.path = path or proc_path(pid, "mountinfo")
        try:
            self.fd = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC)
        except OSError as error:
            raise LiveReadError(describe_os_error(error, self.path, pid)) from None
        self.poller = select.poll()
        self.poller.register(self.fd, select.POLLPRI | select.POLLERR)
        # Another process: a pidfd becomes readable when it exits, which ends
        # its mount namespace (unless something else holds it; the table then
        # can no longer be read through this process anyway).
        self.pidfd = -1
        if pid != "self" and hasattr(os, "pidfd_open"):
            try:
                self.pidfd = os.pidfd_open(int(pid))
            except (OSError, ValueError):
                self.pidfd = -1
            else:
                self.poller.register(self.pidfd, select.POLLIN)
        # Notes for the person watching (how the table is being followed).
        self.notes: list[str] = []
        self.signals = _on_procfs(self.fd)
        if not self.signals:
            self._stop_trusting_poll(
                f"{self.path} is not a live mount table of /proc and does not signal changes"
            )
        self.new_mounts = _NewMounts(pid) if path is None else None
        self.mark = self.new_mounts.newest() if self.new_mounts else 0
        self.reads = 0  # how many times the table was read: waiting costs none
        self.capture = self._read()
        self.last_read = time.monotonic()
        self.pending = False  # re-read without waiting: a signal was taken early

    def _stop_trusting_poll(self, why: str) -> None:
        self.signals = False
        self.notes.append(f"{why}: re-reading it every {REREAD_EVERY:g} s")

    def fileno(self) -> int:
        return self.fd

    def _read(self) -> MountTable:
        from mountscope.parsers import mountinfo, split_lines

        self.reads += 1
        try:
            os.lseek(self.fd, 0, os.SEEK_SET)
            chunks = []
            while True:
                chunk = os.read(self.fd, 1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
        except OSError as error:
            if self.pid != "self" and error.errno in (errno.ESRCH, errno.EINVAL, errno.ENOENT):
                raise NamespaceGone(self.pid) from None
            raise LiveReadError(describe_os_error(error, self.path, self.pid)) from None
        text = b"".join(chunks).decode("utf-8", "surrogateescape")
        if not text:
            raise NamespaceGone(self.pid)
        return replace(mountinfo.parse(split_lines(text), 1, self.path), raw_text=text)

    def changes(self, timeout: float | None = None) -> list[MountEvent | Gap]:
        """Block until the table changes (or ``timeout`` seconds pass); the changes,
        after a ``Gap`` when several arrived in one read."""
        started = time.monotonic()
        while True:
            now = time.monotonic()
            left = None if timeout is None else timeout - (now - started)
            # Wake up by the next check (silence check, or the periodic re-read).
            due = self.last_read + (CHECK_AFTER if self.signals else REREAD_EVERY) - now
            wait = max(0.0, due if left is None else min(left, due))
            polled = self.poller.poll(
                0 if self.pending else int(wait * 1000) + (1 if wait > 0 else 0)
            )
            if self.pidfd >= 0 and any(fd == self.pidfd for fd, _ in polled):
                raise NamespaceGone(self.pid)
            polled = [p for p in polled if p[0] == self.fd]
            ready = bool(polled) or self.pending
            self.pending = False
            if ready or time.monotonic() - self.last_read >= (
                CHECK_AFTER if self.signals else REREAD_EVERY
            ):
                found = self._reread(bool(ready))
                if found:
                    return found
            if left is not None and time.monotonic() - started >= timeout:  # type: ignore[operator]
                return []

    def _reread(self, signalled: bool) -> list[MountEvent | Gap]:
        mark = self.new_mounts.newest(self.mark) if self.new_mounts else 0
        new = self._read()
        self.last_read = time.monotonic()
        made = self.new_mounts.since(self.mark) if self.new_mounts else None
        events = table_changes(self.capture.mounts, new.mounts, made=made)
        self.capture, self.mark = new, mark
        if events and not signalled and self.signals:
            # A change just after poll() gave up is signalled by now; only a
            # change the kernel never signals means poll() cannot be trusted.
            if any(fd == self.fd for fd, _ in self.poller.poll(0)):
                self.pending = True  # that signal may stand for a later change too
            else:
                self._stop_trusting_poll(f"{self.path} changed without signalling it")
        found: list[MountEvent | Gap] = list(events)
        if len(events) > 1:
            found.insert(0, Gap(len(events), events[0].time))
        return found

    def wait(self, timeout: float | None = None) -> list[MountEvent]:
        """Block until the table changes (or ``timeout`` seconds pass); the changes."""
        return [e for e in self.changes(timeout) if isinstance(e, MountEvent)]

    def events(self, timeout: float | None = None) -> Iterator[MountEvent | Gap]:
        """Every change as it happens, until ``timeout`` seconds pass (None: forever)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                return
            yield from self.changes(left)

    def close(self) -> None:
        os.close(self.fd)
        if self.pidfd >= 0:
            os.close(self.pidfd)

    def __enter__(self) -> MountWatcher:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
