"""Live capture of a process's mount table."""

from __future__ import annotations

from mountscope.errors import InputWarning, MountscopeError
from mountscope.live import read_mountinfo
from mountscope.model import Capture


def capture_live(pid: int | str = "self", with_signals: bool = True) -> Capture:
    """The live table of a process (default: this one), read until it settles,
    with the classifier's live signals."""
    from mountscope.parsers import mountinfo, split_lines
    from mountscope.signals import read_live

    read = read_mountinfo(pid)
    if not read.text.strip():
        raise MountscopeError(f"{read.path} is empty: the process has exited")
    capture = mountinfo.parse(split_lines(read.text), 1, read.path)
    capture.raw_text = read.text
    capture.metadata.update({"settled": read.settled, "reads": read.reads})
    if with_signals:
        capture.signals = read_live(pid)
    if not read.settled:
        capture.warnings.append(InputWarning(
            read.path, None,
            f"the mount table kept changing over {read.reads} reads; this is the last of them",
        ))
    return capture
