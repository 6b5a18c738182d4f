"""Live capture and snapshots: read a process's mount table, save it, load it back.

A snapshot (docs/snapshot.md) is one JSON document written with orjson. It
keeps the mount table's text verbatim in its original format next to the
parsed mounts, the classifier's live signals and where and when it was taken.
Loading re-parses the text, so what was saved is exactly what comes back.

This module imports only the standard library and orjson: it is what runs in
a Lambda function (``lambda_handler``) and in a Lambda shell session.
"""

from __future__ import annotations

import base64
import errno
import os
import re
import socket
import stat
import tempfile
import time
from collections.abc import Iterable, Iterator
from typing import Any

from mountscope import __version__
from mountscope.errors import InputWarning, LiveReadError, OutputError, SnapshotExists
from mountscope.model import LambdaInvocation, LiveOrigin, MountTable, SnapshotOrigin, signals_of
from mountscope.parsers.snapshot import FORMAT_ID, VERSION
from mountscope.record import replace
from mountscope.system.live import read_mountinfo

# --- live capture ---------------------------------------------------------------


def mount_namespace(pid: int | str) -> str | None:
    """The mount namespace id ("mnt:[4026531840]"), when it may be read."""
    try:
        return os.readlink(f"/proc/{pid}/ns/mnt")
    except OSError:
        return None


def utc_now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def live_origin(pid: int | str, path: str, settled: bool, reads: int) -> LiveOrigin:
    """This machine, now: where a live table was read."""
    try:
        hostname: str | None = socket.gethostname()
    except OSError:
        hostname = None
    uname = os.uname()
    return LiveOrigin(
        path=path,
        pid=os.getpid() if pid == "self" else int(pid),
        mnt_ns=mount_namespace(pid),
        time=utc_now(),
        hostname=hostname,
        kernel_release=uname.release,
        machine=uname.machine,
        mountscope_version=__version__,
        command_pid=os.getpid(),
        settled=settled,
        reads=reads,
    )


def capture_live(pid: int | str = "self", with_signals: bool = True) -> MountTable:
    """The live table of a process (default: this one), read until it settles,
    with the classifier's live signals and where and when it was read."""
    from mountscope.parsers import mountinfo, split_lines, whole_mountinfo

    read = read_mountinfo(pid)
    if not read.text.strip():
        raise LiveReadError(f"{read.path} is empty: the process has exited")
    # A whole mountinfo text (what /proc gives) is read a line at a time and
    # kept in its lines, as a file of it is.
    capture = whole_mountinfo(read.text, 1, read.path) or mountinfo.parse(
        split_lines(read.text), 1, read.path
    )
    signals = None
    if with_signals:
        from mountscope.system.signals import read_live

        signals = read_live(pid)
    warnings = capture.warnings
    if not read.settled:
        warnings += (
            InputWarning(
                read.path,
                None,
                f"the mount table kept changing over {read.reads} reads; this is the last of them",
            ),
        )
    return replace(
        capture if capture.text_is_lines else capture.with_text(read.text),
        warnings=warnings,
        provenance=replace(live_origin(pid, read.path, read.settled, read.reads), signals=signals),
    )


def reread(previous: MountTable, table: MountTable) -> MountTable:
    """``table``, a newer read of the live table ``previous`` came from (the
    watcher's): the machine's signals and facts carry over, not read again;
    only the time is new (a re-read is not counted or checked for settling)."""
    origin = previous.provenance
    if isinstance(origin, LiveOrigin):
        origin = replace(origin, time=utc_now(), settled=None, reads=None)
    return replace(table, title=previous.title, provenance=origin)


# --- snapshots ------------------------------------------------------------------------


def _text_blocks(capture: MountTable) -> Iterator[str]:
    """The table's text verbatim, in pieces whose concatenation is the text:
    a text kept as its mounts' lines comes a block of lines at a time, never
    joined whole; one built in code is written out as mountinfo."""
    if capture.raw_text is not None:
        yield capture.raw_text
    elif capture.text_is_lines:
        mounts = capture.mounts
        for start in range(0, len(mounts), _BLOCK):
            yield "\n".join([*(m.raw for m in mounts[start : start + _BLOCK]), ""])
    else:
        from mountscope.parsers import mountinfo

        yield "".join(mountinfo.format_line(m) + "\n" for m in capture.mounts)


_BLOCK = 4096


def _table_parts(capture: MountTable) -> tuple[dict[str, Any], bool]:
    """The snapshot's "table" object without its text, and whether the text
    goes in it as "text" (valid UTF-8: _text_blocks() then gives it) rather
    than in base64, which the object then holds."""
    origin = capture.provenance
    if capture.raw_text is not None or capture.text_is_lines:
        fmt = origin.table_format if isinstance(origin, SnapshotOrigin) else capture.format
    else:  # built in code, not read: written out as mountinfo
        fmt = "mountinfo"
    table: dict[str, Any] = {"format": fmt, "first_line": capture.first_line}
    try:
        for block in _text_blocks(capture):
            block.encode("utf-8")
        as_text = True
    except UnicodeEncodeError:
        # Paths that are not UTF-8: kept byte for byte.
        text = "".join(_text_blocks(capture))
        table["text_base64"] = base64.b64encode(text.encode("utf-8", "surrogateescape")).decode()
        as_text = False
    if isinstance(origin, LiveOrigin | SnapshotOrigin):
        if origin.settled is not None:
            table["settled"] = origin.settled
        if origin.reads is not None:
            table["reads"] = origin.reads
    return table, as_text


def _table(capture: MountTable) -> dict[str, Any]:
    """The table's text verbatim, in the format it was read in."""
    table, as_text = _table_parts(capture)
    if not as_text:
        return table
    # "text" goes where the base64 would: right after first_line.
    return {
        "format": table.pop("format"),
        "first_line": table.pop("first_line"),
        "text": "".join(_text_blocks(capture)),
        **table,
    }


def _clean_data(value: Any) -> Any:
    """Strings anywhere in a structure made valid UTF-8, invalid bytes as \\xHH
    (labels, metadata and the informational copy of the mounts)."""
    if isinstance(value, str):
        return value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    if isinstance(value, dict):
        return {_clean_data(k): _clean_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean_data(v) for v in value]
    return value


def _clean_mount(data: dict[str, Any]) -> dict[str, Any]:
    """A mount's plain data made valid UTF-8. Only a string that is not ASCII
    can hold an invalid byte, and almost no mount has one: the walk over
    every value is for those that do."""
    if all(type(value) is not str or value.isascii() for value in data.values()):
        return data
    return _clean_data(data)  # type: ignore[no-any-return]


def is_live(capture: MountTable) -> bool:
    """Read from /proc just now (capture_live), not loaded from a file."""
    return isinstance(capture.provenance, LiveOrigin)


def _document(capture: MountTable, created: str | None) -> dict[str, Any]:
    """The snapshot document, its "table" and "mounts" left for the caller."""
    origin = capture.provenance
    metadata = origin.metadata()
    if not is_live(capture):
        # Saved from a file: say which, and in what format, not only the
        # machine the table first came from.
        table_format = origin.table_format if isinstance(origin, SnapshotOrigin) else capture.format
        metadata["saved_from"] = {
            "file": capture.origin,
            "format": capture.format,
            "table_format": table_format,
            "first_line": capture.first_line,
            "title": capture.title,
        }
    signals = signals_of(origin)
    return {
        "format": FORMAT_ID,
        "version": VERSION,
        "title": _clean_data(capture.title),
        "created": created or utc_now(),
        "tool": {"name": "mountscope", "version": __version__},
        "metadata": _clean_data(metadata),
        "table": None,
        "mounts": None,
        "signals": _clean_data(signals.to_dict()) if signals is not None else None,
    }


def snapshot_document(capture: MountTable, created: str | None = None) -> dict[str, Any]:
    """The snapshot of a capture, as plain data; valid UTF-8 throughout (the
    table's own bytes are kept exactly, in base64 when they are not UTF-8)."""
    document = _document(capture, created)
    document["table"] = _table(capture)
    document["mounts"] = [_clean_mount(m.to_dict()) for m in capture.mounts]
    return document


def snapshot_chunks(capture: MountTable, created: str | None = None) -> Iterator[bytes]:
    """The snapshot's file, the bytes snapshot_bytes() gives (tested), a
    piece at a time: the table's text a block of lines at a time and the
    mounts one by one, each written as the whole document's indented JSON
    writes it, so that a large table is never held as one JSON document
    (at 50 000 mounts that document and its bytes took 130 MB)."""
    from mountscope.jsonio import dumps

    document = _document(capture, created)
    table, as_text = _table_parts(capture)
    yield b"{"
    for number, (key, value) in enumerate(document.items()):
        yield (b"\n  " if number == 0 else b",\n  ") + dumps(key) + b": "
        if key == "table":
            yield b"{"
            members = list(table.items())
            if as_text:
                members.insert(2, ("text", None))
            for position, (name, item) in enumerate(members):
                yield (b"\n    " if position == 0 else b",\n    ") + dumps(name) + b": "
                if name == "text" and as_text:
                    yield b'"'
                    for block in _text_blocks(capture):
                        yield dumps(block)[1:-1]
                    yield b'"'
                else:
                    yield _nested(dumps(item, indent=True), 2)
            yield b"\n  }"
        elif key == "mounts":
            if not capture.mounts:
                yield b"[]"
                continue
            yield b"["
            for position, mount in enumerate(capture.mounts):
                data = dumps(_clean_mount(mount.to_dict()), indent=True)
                yield (b"\n    " if position == 0 else b",\n    ") + _nested(data, 2)
            yield b"\n  ]"
        else:
            yield _nested(dumps(value, indent=True), 1)
    yield b"\n}\n"


def _nested(data: bytes, depth: int) -> bytes:
    """Indented JSON of a value, as it reads ``depth`` levels down in a
    document (JSON strings hold no raw newline: each one is a line break)."""
    return data.replace(b"\n", b"\n" + b"  " * depth)


def snapshot_bytes(capture: MountTable) -> bytes:
    return b"".join(snapshot_chunks(capture))


# --- writing files safely ------------------------------------------------------------------


def _fsync_dir(folder: str) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _write_error(path: str, error: OSError) -> OutputError:
    name = os.path.basename(path) or "snapshot.json"
    if error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        reason = "read-only file system" if error.errno == errno.EROFS else "permission denied"
        return OutputError(f"cannot write {path}: {reason}; write to /tmp instead: -o /tmp/{name}")
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return OutputError(f"cannot write {path}: no space left on the device; nothing was saved")
    if error.errno == errno.ENOENT:
        return OutputError(f"cannot write {path}: the folder does not exist")
    return OutputError(f"cannot write {path}: {os.strerror(error.errno or 0)}")


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISLNK, "a symbolic link"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def _replaceable(path: str, force: bool) -> tuple[str, os.stat_result | None]:
    """Where the snapshot goes, and what is there now (None: nothing).

    Only a regular file is ever replaced, and only with ``force``. A symbolic
    link is written through: its target is replaced when that is a regular
    file, and the link itself stays. Devices, FIFOs, sockets, directories and
    links to anything else are refused: replacing one with a file would
    destroy it (a device node), and writing into one is not saving a file.
    """
    try:
        status = os.lstat(path)
    except FileNotFoundError:
        return path, None
    except OSError as error:
        raise _write_error(path, error) from None
    if stat.S_ISDIR(status.st_mode):
        raise OutputError(f"cannot write {path}: it is a directory")
    if not force:
        raise SnapshotExists(path)
    shown = path
    if stat.S_ISLNK(status.st_mode):
        path = os.path.realpath(path)
        try:
            status = os.lstat(path)
        except OSError:
            raise OutputError(
                f"cannot write {shown}: it is a symbolic link to nothing ({path}); not replaced"
            ) from None
        if not stat.S_ISREG(status.st_mode):
            raise OutputError(
                f"cannot write {shown}: it is a symbolic link to "
                f"{_kind(status.st_mode)}; --force replaces only regular files"
            )
    elif not stat.S_ISREG(status.st_mode):
        hint = "; -o - writes to standard output" if stat.S_ISCHR(status.st_mode) else ""
        raise OutputError(
            f"cannot write {shown}: it is {_kind(status.st_mode)}, not a regular "
            f"file; --force replaces only regular files{hint}"
        )
    return path, status


def _check_unchanged(path: str, before: os.stat_result | None) -> None:
    """Just before the rename: ``path`` is still the regular file we checked
    (a device or FIFO put there while we wrote is not replaced)."""
    if before is None:
        return  # nothing was there: the final link refuses to replace anything
    try:
        now = os.lstat(path)
    except FileNotFoundError:
        return
    if not stat.S_ISREG(now.st_mode) or (now.st_dev, now.st_ino) != (before.st_dev, before.st_ino):
        raise OutputError(
            f"cannot write {path}: it changed while the snapshot was written; not replaced"
        )


def write_atomic(path: str, data: bytes | Iterable[bytes], force: bool = False) -> list[str]:
    """Write ``data`` (bytes, or pieces of them) to ``path`` all at once or not at all.

    The bytes go to an unnamed file in the same folder (O_TMPFILE) that only
    gets a name once it is complete and synced, so a crash or a kill at any
    moment leaves either the old file or the new one. Without ``force`` an
    existing file is never replaced (the final link fails instead, even if the
    file appeared while we wrote); with it, only a regular file is (see
    ``_replaceable``).

    Replacing goes through a temporary name (``.mountscope-*.tmp``, also the
    whole write where O_TMPFILE is missing); a process killed in between
    leaves that file behind, so each write first removes the ones earlier
    writes left in the folder. Returns their paths.
    """
    target, before = _replaceable(path, force)
    folder = os.path.dirname(os.path.abspath(target))
    removed = remove_stale_temporaries(folder)
    try:
        fd, named = _open_unnamed(folder)
    except OSError as error:
        raise _write_error(path, error) from None
    try:
        for chunk in _batches([data] if isinstance(data, bytes) else data):
            view = memoryview(chunk)
            while view:
                view = view[os.write(fd, view) :]
        os.fsync(fd)
        if named is None:
            _link_unnamed(fd, folder, target, before)
        elif before is not None:
            _check_unchanged(target, before)
            os.replace(named, target)
        else:
            os.link(named, target)
            os.unlink(named)
        named = None
        _fsync_dir(folder)
    except FileExistsError:
        if force:  # nothing was there when we looked: what appeared since is not ours to replace
            raise OutputError(
                f"cannot write {path}: a file appeared there while the snapshot "
                "was written; not replaced"
            ) from None
        raise SnapshotExists(path) from None
    except OSError as error:
        raise _write_error(path, error) from None
    finally:
        os.close(fd)
        if named is not None:
            try:
                os.unlink(named)
            except OSError:
                pass
    return removed


def _batches(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Small pieces gathered into writes of about 64 KB (a mount's JSON is
    a few hundred bytes: one system call each would be 50 000 of them)."""
    batch: list[bytes] = []
    size = 0
    for chunk in chunks:
        batch.append(chunk)
        size += len(chunk)
        if size >= 1 << 16:
            yield b"".join(batch)
            batch.clear()
            size = 0
    if batch:
        yield b"".join(batch)


def _pid_namespace() -> str:
    """This process's pid namespace (its inode number): a pid in a temporary
    file's name means something only in the namespace that wrote it."""
    try:
        return os.readlink("/proc/self/ns/pid").removeprefix("pid:[").removesuffix("]")
    except OSError:
        return "0"


def _temporary_prefix() -> str:
    return f".mountscope-{_pid_namespace()}-{os.getpid()}-"


# The names _temporary_prefix() makes: namespace, pid, then mkstemp's random
# letters or a clock reading.
_TEMPORARY = re.compile(r"\.mountscope-(\d+)-(\d+)-[a-z0-9_]+\.tmp")


def remove_stale_temporaries(folder: str) -> list[str]:
    """Remove the temporary files that killed writes left in ``folder``.

    Only files that are certainly ours: our name pattern, a regular file owned
    by us with no other name, written by a process of this pid namespace that
    no longer exists, and holding the start of a snapshot (or nothing yet).
    Anything else is left alone.
    """
    namespace = _pid_namespace()
    removed: list[str] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = _TEMPORARY.fullmatch(entry.name)
        if not match or namespace == "0" or match.group(1) != namespace:
            continue
        pid = int(match.group(2))
        if pid == os.getpid() or _alive(pid):
            continue
        try:
            status = entry.stat(follow_symlinks=False)
            if (
                not stat.S_ISREG(status.st_mode)
                or status.st_uid != os.geteuid()
                or status.st_nlink != 1
                or not _holds_snapshot_start(entry.path)
            ):
                continue
            os.unlink(entry.path)
        except OSError:
            continue
        removed.append(entry.path)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # someone else's process (or no pid at all): not ours to judge
    return True


_SNAPSHOT_START = b'{\n  "format": "' + FORMAT_ID.encode() + b'"'


def _holds_snapshot_start(path: str) -> bool:
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        start = os.read(fd, len(_SNAPSHOT_START))
    finally:
        os.close(fd)
    return _SNAPSHOT_START.startswith(start)


def _open_unnamed(folder: str) -> tuple[int, str | None]:
    """An unnamed file in ``folder`` (O_TMPFILE), or a hidden named one where
    the filesystem cannot do that."""
    if hasattr(os, "O_TMPFILE") and os.path.isdir("/proc/self/fd"):
        try:
            return os.open(folder, os.O_TMPFILE | os.O_WRONLY | os.O_CLOEXEC, 0o644), None
        except OSError as error:
            if error.errno not in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL, errno.ENOENT):
                raise
    fd, name = tempfile.mkstemp(dir=folder, prefix=_temporary_prefix(), suffix=".tmp")
    os.fchmod(fd, 0o644)
    return fd, name


def _link_unnamed(fd: int, folder: str, path: str, before: os.stat_result | None) -> None:
    """Give the unnamed file a name: linkat() through /proc/self/fd, following
    the magic link (os.link uses plain link() unless given a directory fd)."""
    proc_fds = os.open("/proc/self/fd", os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        if before is None:
            os.link(str(fd), path, src_dir_fd=proc_fds, follow_symlinks=True)
            return
        # Link under a temporary name, then rename over the old file: atomic.
        temporary = os.path.join(folder, f"{_temporary_prefix()}{time.monotonic_ns()}.tmp")
        os.link(str(fd), temporary, src_dir_fd=proc_fds, follow_symlinks=True)
        try:
            _check_unchanged(path, before)
            os.replace(temporary, path)
        except BaseException:  # an error or Ctrl-C: the temporary name goes too
            os.unlink(temporary)
            raise
    finally:
        os.close(proc_fds)


def default_snapshot_path(capture: MountTable | None = None) -> str:
    """Where a snapshot goes when asked on a terminal without -o: here, or /tmp.
    Named after the file the capture was read from, or else this machine."""
    if capture is not None and not is_live(capture):
        origin = "stdin" if capture.origin == "-" else os.path.basename(capture.origin.rstrip("/"))
        stem, dot, _ = origin.rpartition(".")
        about = (stem if dot and stem else origin) or "capture"
        if capture.first_line > 1:  # one of several tables in the file
            about += f"-line{capture.first_line}"
    else:
        about = socket.gethostname() or "host"
    about = "".join(c if c.isalnum() or c in "-_." else "_" for c in about).lstrip(".") or "capture"
    name = f"mountscope-{about}-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}.json"
    here = os.getcwd()
    return os.path.join(here if os.access(here, os.W_OK) else tempfile.gettempdir(), name)


# --- AWS Lambda ------------------------------------------------------------------------------


_invocations = 0


def lambda_handler(event: Any, context: Any) -> dict[str, Any]:
    """A Lambda function's handler: the snapshot of its execution environment.

    Deploy mountscope (with orjson built for the function's architecture) and
    set the handler to ``mountscope.capture.lambda_handler``; every invocation
    returns a snapshot, to be saved as a file and opened later. An event of
    ``{"title": "..."}`` names the snapshot; ``{"redact": true}`` replaces the
    account id, ARN, function name, request id, hostname and addresses with
    placeholders (mountscope.redact).
    """
    global _invocations
    _invocations += 1
    capture = capture_live()
    if isinstance(event, dict) and isinstance(event.get("title"), str):
        capture = replace(capture, title=event["title"])
    assert isinstance(capture.provenance, LiveOrigin)
    invocation = LambdaInvocation(
        _invocations, **{name: getattr(context, name, None) for name in LambdaInvocation.CONTEXT}
    )
    capture = replace(capture, provenance=replace(capture.provenance, lambda_invocation=invocation))
    if isinstance(event, dict) and event.get("redact") is True:
        from mountscope.redact import Redactor

        capture = Redactor().capture(capture)
    return snapshot_document(capture)
