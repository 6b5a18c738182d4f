# The optional C writer of findmnt -J's rows (_json_rows.c).
from collections.abc import Callable

from mountscope.model import Mount

def rows(
    rows: list[Mount],
    getters: tuple[Callable[[Mount], str | int | None], ...],
    keys: tuple[str, ...],
    before: list[str],
    after: list[str],
    start: int,
    stop: int,
) -> bytes | None: ...
