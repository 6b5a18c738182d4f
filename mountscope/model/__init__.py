"""The mount model: what a mount table says, independent of the format it came in.

A ``Mount`` holds what /proc/PID/mountinfo holds (ids, device, fsroot,
target, source, fstype, per-mount and super options, propagation) plus where
it came from. A ``MountTable`` is one table with its name, warnings and
typed origin; its ``tree`` is built on first use. Both are frozen.
"""

from mountscope.model.kinds import (
    NETWORK_FSTYPES,
    OVERLAY_FSTYPES,
    PSEUDO_FSTYPES,
    SOURCE_KIND_BY_DEVICE,
    TMPFS_FSTYPES,
    SourceKind,
    source_kind,
)
from mountscope.model.mount import (
    Mount,
    merge_options,
    propagation_of,
    split_display_source,
    split_options,
)
from mountscope.model.origin import (
    FileOrigin,
    LambdaInvocation,
    LiveOrigin,
    Origin,
    RecordingOrigin,
    SnapshotOrigin,
    signals_of,
)
from mountscope.model.table import SHORT_PATH, MountTable, MountTree

__all__ = [
    "Mount",
    "signals_of",
    "split_display_source",
    "split_options",
    "merge_options",
    "propagation_of",
    "SOURCE_KIND_BY_DEVICE",
    "PSEUDO_FSTYPES",
    "NETWORK_FSTYPES",
    "TMPFS_FSTYPES",
    "OVERLAY_FSTYPES",
    "source_kind",
    "SourceKind",
    "MountTable",
    "Origin",
    "FileOrigin",
    "RecordingOrigin",
    "LiveOrigin",
    "SnapshotOrigin",
    "LambdaInvocation",
    "MountTree",
    "SHORT_PATH",
]
