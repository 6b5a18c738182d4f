"""Where a mount table came from: a file, a terminal recording, the live
system, or a snapshot. Each kind says what it knows as typed fields, and
``metadata()`` gives the snapshot's "metadata" object for it (docs/snapshot.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from mountscope.model.signals import Signals
from mountscope.record import record

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

Scalar = str | int | float | bool | None


@record(frozen=True, slots=True)
class LambdaInvocation:
    """What the Lambda handler was told about the invocation it served."""

    # 1 on a cold start: the first invocation an execution environment serves.
    invocation: int | None = None
    aws_request_id: Scalar = None
    function_name: Scalar = None
    function_version: Scalar = None
    memory_limit_in_mb: Scalar = None
    invoked_function_arn: Scalar = None
    log_stream_name: Scalar = None

    # The context attributes, in the order the handler writes them.
    CONTEXT = (
        "aws_request_id",
        "function_name",
        "function_version",
        "memory_limit_in_mb",
        "invoked_function_arn",
        "log_stream_name",
    )

    def metadata(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.invocation is not None:
            out["lambda_invocation"] = self.invocation
        for name in self.CONTEXT:
            value = getattr(self, name)
            if value is not None:
                out[f"lambda_{name}"] = value
        return out

    @classmethod
    def from_metadata(cls, metadata: Mapping[str, Any]) -> LambdaInvocation | None:
        invocation = metadata.get("lambda_invocation")
        found = {name: metadata.get(f"lambda_{name}") for name in cls.CONTEXT}
        if not isinstance(invocation, int) and all(v is None for v in found.values()):
            return None
        return cls(invocation if isinstance(invocation, int) else None, **found)


@record(frozen=True, slots=True)
class FileOrigin:
    """Read from a file, or from standard input ("-")."""

    path: str

    def metadata(self) -> dict[str, Any]:
        return {}


@record(frozen=True, slots=True)
class RecordingOrigin:
    """Seen on the screen of a terminal recording (script, asciicast, ansi)."""

    path: str
    kind: str
    # The screen lines the table occupies, first and last.
    screen_lines: tuple[int, int]
    # When the table was on screen, from the recording's start.
    seconds: float | None = None

    def metadata(self) -> dict[str, Any]:
        out: dict[str, Any] = {"recording": self.kind, "screen_lines": list(self.screen_lines)}
        if self.seconds is not None:
            out["seconds"] = self.seconds
        return out


@record(frozen=True, slots=True)
class LiveOrigin:
    """Read from /proc just now, on this machine."""

    path: str
    pid: int
    mnt_ns: str | None
    time: str
    hostname: str | None
    kernel_release: str
    machine: str
    mountscope_version: str
    command_pid: int
    # Whether two reads in a row agreed, and how many it took; None for a
    # re-read by the watcher, which does not count.
    settled: bool | None = None
    reads: int | None = None
    lambda_invocation: LambdaInvocation | None = None
    # What the classifier reads besides the mounts, read with the table
    # (None when not asked for: capture --no-signals, the watcher's re-reads).
    signals: Signals | None = None

    def metadata(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "hostname": self.hostname,
            "kernel_release": self.kernel_release,
            "machine": self.machine,
            "time": self.time,
            "mountscope_version": self.mountscope_version,
            "command_pid": self.command_pid,
            "pid": self.pid,
            "mnt_ns": self.mnt_ns,
            "source": self.path,
        }
        if self.lambda_invocation is not None:
            out.update(self.lambda_invocation.metadata())
        return out


def _text(metadata: Mapping[str, Any], key: str) -> str | None:
    value = metadata.get(key)
    return value if isinstance(value, str) else None


@record(frozen=True, slots=True)
class SnapshotOrigin:
    """Loaded from a snapshot: what its metadata says, typed, and the
    metadata itself, carried over verbatim when the table is saved again."""

    path: str
    # The format of the table text the snapshot holds.
    table_format: str
    settled: bool | None
    reads: int | None
    verbatim: Mapping[str, Any]
    hostname: str | None = None
    kernel_release: str | None = None
    machine: str | None = None
    time: str | None = None
    # Set when the table was first read from a terminal recording.
    recording: str | None = None
    seconds: float | None = None
    lambda_invocation: LambdaInvocation | None = None
    # The live signals the snapshot recorded with its table.
    signals: Signals | None = None

    @classmethod
    def read(
        cls,
        path: str,
        table_format: str,
        settled: bool | None,
        reads: int | None,
        metadata: Mapping[str, Any],
        signals: Signals | None = None,
    ) -> SnapshotOrigin:
        """The origin a snapshot's (validated) metadata object describes."""
        seconds = metadata.get("seconds")
        return cls(
            path,
            table_format,
            settled,
            reads,
            MappingProxyType(dict(metadata)),
            _text(metadata, "hostname"),
            _text(metadata, "kernel_release"),
            _text(metadata, "machine"),
            _text(metadata, "time"),
            _text(metadata, "recording"),
            seconds if isinstance(seconds, int | float) and not isinstance(seconds, bool) else None,
            LambdaInvocation.from_metadata(metadata),
            signals,
        )

    def metadata(self) -> dict[str, Any]:
        return dict(self.verbatim)


Origin = FileOrigin | RecordingOrigin | LiveOrigin | SnapshotOrigin


def signals_of(origin: Origin) -> Signals | None:
    """The live signals of the machine the table was read on, when they were
    read with it (a live read, a snapshot). The classifier takes them as an
    argument; they are part of where a table came from, not of the table."""
    return origin.signals if isinstance(origin, LiveOrigin | SnapshotOrigin) else None


def recording_of(origin: Origin) -> str | None:
    """The kind of terminal recording the table was seen in, if any."""
    if isinstance(origin, RecordingOrigin):
        return origin.kind
    return origin.recording if isinstance(origin, SnapshotOrigin) else None


def seconds_of(origin: Origin) -> float | None:
    """When the table was on a recording's screen, if it was."""
    return origin.seconds if isinstance(origin, RecordingOrigin | SnapshotOrigin) else None
