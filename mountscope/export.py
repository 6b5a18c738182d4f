"""Export captures as JSON Lines, for a query engine (docs/fleet.md).

One row per capture (``"record": "capture"``: its id, time, format, verdict,
shape group and signals), then one row per mount of it (``"record": "mount"``:
the capture's id, time, verdict and shape group, and the mount's fields), and
one row per file that could not be read (``"record": "unreadable"``). The shape
group is the one ``survey`` uses, so counting capture rows per group
reproduces survey's groups.

Rows are written as they are made: memory does not grow with the number of
captures. A file is written under a temporary name in the same folder and
only named when complete; an existing file is not replaced without force.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

from mountscope.errors import OutputError, OutputExists
from mountscope.model import MountTable, signals_of
from mountscope.survey import Entry, capture_time, shape_key, signal_values


def capture_rows(
    entry: Entry, transform: Callable[[Any], Any] | None = None
) -> Iterator[dict[str, Any]]:
    """The capture's row, then its mounts' rows."""
    from mountscope.classify import classify

    capture = entry.capture
    verdict = classify(capture, signals_of(capture.provenance))
    when = capture_time(capture)
    group = shape_key(capture)
    head: dict[str, Any] = {
        "record": "capture",
        "capture_id": entry.name,
        "capture_time": when,
        "title": capture.title,
        "format": capture.format,
        "mounts": len(capture.mounts),
        "environment": verdict.environment,
        "confidence": verdict.confidence,
        "lambda_model": verdict.details.get("lambda_model"),
        "code_delivery": verdict.details.get("code_delivery"),
        "shape_group": group,
        "signals": signal_values(capture),
    }
    yield transform(head) if transform else head
    for mount in capture.mounts:
        row = {
            "record": "mount",
            "capture_id": entry.name,
            "capture_time": when,
            "environment": verdict.environment,
            "shape_group": group,
            **mount.to_dict(),
        }
        yield transform(row) if transform else row


def rows(
    items: Iterable[Entry | tuple[str, str]],
    transform: Callable[[Any], Any] | None = None,
    observe: Callable[[MountTable], None] | None = None,
) -> Iterator[dict[str, Any]]:
    for item in items:
        if isinstance(item, Entry):
            if observe is not None:
                observe(item.capture)
            yield from capture_rows(item, transform)
        else:
            row = {"record": "unreadable", "file": item[0], "error": item[1]}
            yield transform(row) if transform else row


def write_rows(out: IO[bytes], rows_: Iterable[dict[str, Any]]) -> dict[str, int]:
    """Write JSON Lines; returns how many rows of each kind."""
    from mountscope.jsonio import dumps

    counts: dict[str, int] = {"capture": 0, "mount": 0, "unreadable": 0}
    batch: list[bytes] = []
    for row in rows_:
        counts[row["record"]] += 1
        batch.append(dumps(row) + b"\n")
        if len(batch) >= 1024:
            out.write(b"".join(batch))
            batch.clear()
    out.write(b"".join(batch))
    out.flush()
    return counts


def export_to(path: str, rows_: Iterable[dict[str, Any]], force: bool = False) -> dict[str, int]:
    """Write the rows to ``path``, complete or not at all."""
    if os.path.isdir(path):
        raise OutputError(f"cannot write {path}: it is a directory")
    if os.path.lexists(path) and not force:
        raise OutputExists(path)
    folder = os.path.dirname(os.path.abspath(path))
    try:
        fd, temporary = tempfile.mkstemp(dir=folder, prefix=".mountscope-export-", suffix=".tmp")
    except OSError as error:
        raise OutputError(f"cannot write {path}: {os.strerror(error.errno or 0)}") from None
    try:
        with os.fdopen(fd, "wb") as out:
            counts = write_rows(out, rows_)
            os.fsync(out.fileno())
        os.chmod(temporary, 0o644)
        if force:
            os.replace(temporary, path)
        else:
            os.link(temporary, path)  # fails if the file appeared meanwhile
            os.unlink(temporary)
        temporary = ""
    except FileExistsError:
        raise OutputExists(path) from None
    except OSError as error:
        raise OutputError(f"cannot write {path}: {os.strerror(error.errno or 0)}") from None
    finally:
        if temporary:
            try:
                os.unlink(temporary)
            except OSError:
                pass
    return counts
