# The optional C reader of plain mountinfo lines (_mountinfo.c).
from collections.abc import Callable

from mountscope.model import Mount

def configure(
    mount_type: type[Mount],
    shared: Callable[[str], str],
    shared_id: Callable[[str], int],
    merge: Callable[[str, str], str],
    reference_merge: Callable[[str | None, str | None], str],
) -> None: ...
def merge_options(vfs: str | None, fs: str | None) -> str: ...
def parse_line(line: str, lineno: int) -> Mount | None: ...
def parse_lines(
    text: str, start: int, lineno: int, known: dict[str, Mount] | None
) -> tuple[list[Mount], int]: ...
