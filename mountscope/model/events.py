"""What happens to a mount table while it is watched: one event per change,
and a gap where changes may have been missed."""

from __future__ import annotations

import time
from enum import StrEnum
from typing import Any

from mountscope.model.mount import Mount
from mountscope.record import record


def _stamp(when: float) -> str:
    return (
        time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(when)) + f".{int(when * 1000) % 1000:03d}Z"
    )


class EventAction(StrEnum):
    """What happened to a mount (the values are the words printed and written)."""

    MOUNT = "mount"
    UMOUNT = "umount"
    REMOUNT = "remount"
    MOVE = "move"


@record(frozen=True)
class MountEvent:
    action: EventAction
    mount: Mount
    # The mount as it was, for umount, move and remount.
    old: Mount | None
    time: float

    def to_dict(self) -> dict[str, Any]:
        m = self.mount
        return {
            "action": self.action,
            "time": _stamp(self.time),
            "id": m.mount_id,
            "target": m.target,
            "source": m.display_source,
            "fstype": m.fstype,
            "options": m.options,
            "old_target": self.old.target if self.old and self.action == EventAction.MOVE else None,
            "old_options": self.old.options
            if self.old and self.action == EventAction.REMOUNT
            else None,
        }


@record(frozen=True)
class Gap:
    """Several changes seen in one read: what happened between them was not seen."""

    changes: int
    time: float

    @property
    def text(self) -> str:
        return (
            f"{self.changes} changes arrived in one read: changes in between may have been missed"
        )

    def line(self) -> str:
        return f"{'gap':<10} {self.text}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "action": "gap",
            "time": _stamp(self.time),
            "changes": self.changes,
            "note": self.text,
        }
