"""Reading the live mount table of a process.

Reading mountinfo is not atomic for large tables (before Linux 5.8 a read
racing a mount could skip or repeat entries, and even now one read is a
snapshot, not a transaction), so the file is read until two consecutive
reads agree, a bounded number of times, and the result says whether it
settled.
"""

from __future__ import annotations

import errno
import os

from mountscope.errors import LiveReadError
from mountscope.record import record

SETTLE_TRIES = 5
_CHUNK = 1 << 20


@record(frozen=True, slots=True)
class LiveRead:
    path: str
    text: str
    settled: bool
    reads: int


def proc_path(pid: int | str, name: str) -> str:
    return f"/proc/{pid}/{name}"


def read_file(path: str) -> str:
    """The whole file in as few read() calls as possible, decoded losslessly."""
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        chunks = []
        while True:
            chunk = os.read(fd, _CHUNK)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(fd)
    return b"".join(chunks).decode("utf-8", "surrogateescape")


def describe_os_error(error: OSError, path: str, pid: int | str) -> str:
    """One line that says what went wrong reading a live file, and what to do."""
    if error.errno == errno.ENOENT:
        if pid != "self" and not os.path.exists(f"/proc/{pid}"):
            return f"no process with pid {pid}"
        if not os.path.exists("/proc/self"):
            return f"cannot read {path}: /proc is not mounted"
        return f"cannot read {path}: it does not exist"
    if error.errno in (errno.EACCES, errno.EPERM):
        return (
            f"permission denied reading {path} (the process belongs to another user; "
            "run as that user or as root)"
        )
    if error.errno == errno.ESRCH or (error.errno == errno.EINVAL and pid != "self"):
        # A process that has exited (a zombie) has no mount table left to read.
        return f"process {pid} exited while its mount table was being read"
    return f"cannot read {path}: {os.strerror(error.errno or 0)}"


def read_mountinfo(
    pid: int | str = "self", tries: int = SETTLE_TRIES, path: str | None = None
) -> LiveRead:
    """Read /proc/PID/mountinfo (or ``path``) until two reads agree, at most ``tries`` times."""
    path = path or proc_path(pid, "mountinfo")
    previous: str | None = None
    text = ""
    for count in range(1, tries + 1):
        try:
            text = read_file(path)
        except OSError as error:
            raise LiveReadError(describe_os_error(error, path, pid)) from None
        if text == previous:
            return LiveRead(path, text, True, count)
        previous = text
    return LiveRead(path, text, False, tries)
