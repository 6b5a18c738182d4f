"""The filter language, for the app's ``/`` and for any command that wants it.

``text`` matches TARGET, SOURCE (as findmnt shows it, with ``[fsroot]``),
FSTYPE or OPTIONS, case-insensitively; ``field:text`` matches one field:
``target:``, ``source:``, ``fstype:``, ``option:`` (or ``options:``), and
``kind:`` (a source kind, matched whole: ``kind:loop``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from mountscope.model import Mount

FIELDS = ("target", "source", "fstype", "option", "options", "kind")


def make_matcher(query: str) -> Callable[[Mount], bool]:
    """A predicate saying whether a mount matches ``query``."""
    query = query.strip()
    field, sep, value = query.partition(":")
    field = field.lower()
    if sep and field in FIELDS:
        needle = value.lower()
        if field == "kind":
            return lambda m: m.kind == needle
        if field == "source":
            return lambda m: needle in m.display_source.lower()
        if field.startswith("option"):
            return lambda m: needle in m.options.lower()
        if field == "fstype":
            return lambda m: needle in m.fstype.lower()
        return lambda m: needle in m.target.lower()
    needle = query.lower()
    return lambda m: (
        needle in m.target.lower()
        or needle in m.display_source.lower()
        or needle in m.fstype.lower()
        or needle in m.options.lower()
    )


def matching(mounts: Iterable[Mount], query: str) -> set[int]:
    """The positions of the mounts that match ``query``."""
    matcher = make_matcher(query)
    return {i for i, m in enumerate(mounts) if matcher(m)}
