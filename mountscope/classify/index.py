"""A mount table indexed once for the rules: which mounts have a target, a
source, a type, a kind, and the patterns that pick one mount by its fields."""

from __future__ import annotations

import bisect
import re
from collections.abc import Hashable, Iterable
from itertools import chain, compress
from operator import attrgetter
from typing import Any, cast

from mountscope.model import Mount, MountTable
from mountscope.model.kinds import source_kind
from mountscope.record import record


@record(frozen=True)
class MountPattern:
    """What one mount must look like; every given part must match.

    The exact parts (target, target_prefixes, source, fstype, kind) also pick
    the candidates from an index, so that a rule never scans every mount.
    """

    target: frozenset[str] | None = None
    target_prefixes: tuple[str, ...] | None = None
    target_re: str | None = None
    fstype: frozenset[str] | None = None
    kind: str | None = None
    source: frozenset[str] | None = None
    source_re: str | None = None
    fsroot_re: str | None = None
    options_re: str | None = None

    def fields(self) -> set[str]:
        """Model fields the pattern reads (a capture without them cannot match)."""
        needed = set()
        if self.target is not None or self.target_prefixes or self.target_re:
            needed.add("target")
        if self.fstype is not None:
            needed.add("fstype")
        if self.kind or self.source is not None or self.source_re:
            needed.add("source")
        if self.fsroot_re:
            needed.add("fsroot")
        if self.options_re:
            needed.add("options")
        return needed

    def compiled(self) -> list[tuple[str, re.Pattern[str]]]:
        parts = []
        for name in ("target_re", "source_re", "fsroot_re", "options_re"):
            value = getattr(self, name)
            if value:
                parts.append((name[:-3], re.compile(value)))
        return parts


class TableIndex:
    """Mounts of a capture indexed once, so that rules never scan 50 000 mounts each."""

    def __init__(self, capture: MountTable) -> None:
        self.table = capture
        self.capture = capture
        mounts = capture.mounts
        self.by_target = _positions(map(attrgetter("target"), mounts))
        # Sources, types and kinds from the distinct (source, type) pairs: a
        # table of 50 000 mounts holds a few dozen, and a kind is decided once.
        pairs = _positions(map(attrgetter("source", "fstype"), mounts))
        by_source: dict[str, list[list[int]]] = {}
        by_fstype: dict[str, list[list[int]]] = {}
        by_kind: dict[str, list[list[int]]] = {}
        for (source, fstype), positions in pairs.items():
            by_source.setdefault(source, []).append(positions)
            by_fstype.setdefault(fstype, []).append(positions)
            by_kind.setdefault(source_kind(source, fstype), []).append(positions)
        self.by_source = _merged(by_source)
        self.by_fstype = _merged(by_fstype)
        self.by_kind = _merged(by_kind)
        fsroots = map(attrgetter("fsroot"), mounts)
        self.binds: list[int] = [i for i, r in enumerate(fsroots) if r is not None and r != "/"]
        self.by_fsroot: dict[str, list[int]] = {}
        for i in self.binds:
            self.by_fsroot.setdefault(mounts[i].fsroot, []).append(i)  # type: ignore[arg-type]
        self.root = self.by_target.get("/", [None])[-1]  # the visible /
        self._sorted_targets: list[str] | None = None

    def with_prefix(self, prefix: str) -> list[int]:
        """Mounts whose target starts with ``prefix`` (binary search, in table order)."""
        if self._sorted_targets is None:
            self._sorted_targets = sorted(self.by_target)
        targets = self._sorted_targets
        start = bisect.bisect_left(targets, prefix)
        if not prefix or prefix[-1] == chr(0x10FFFF):
            stop = len(targets)
            while stop > start and not targets[stop - 1].startswith(prefix):
                stop -= 1
        else:  # every target with the prefix sorts before the prefix one step up
            stop = bisect.bisect_left(targets, prefix[:-1] + chr(ord(prefix[-1]) + 1), start)
        return sorted(chain.from_iterable(map(self.by_target.__getitem__, targets[start:stop])))

    def candidates(self, pattern: MountPattern) -> list[int]:
        if pattern.target is not None:
            return sorted(i for t in pattern.target for i in self.by_target.get(t, ()))
        if pattern.target_prefixes:
            found = list(map(self.with_prefix, pattern.target_prefixes))
            # (one prefix: already in order; several may find a mount twice)
            return found[0] if len(found) == 1 else sorted(set(chain.from_iterable(found)))
        if pattern.source is not None:
            return sorted(i for src in pattern.source for i in self.by_source.get(src, ()))
        if pattern.fstype is not None:
            return sorted(i for f in pattern.fstype for i in self.by_fstype.get(f, ()))
        if pattern.kind is not None:
            return self.by_kind.get(pattern.kind, [])
        # A pattern of regular expressions alone: the mounts whose value
        # matches, each distinct value tried once (matches() checks the rest).
        if pattern.fsroot_re is not None:
            return _matching(self.by_fsroot, pattern.fsroot_re)
        if pattern.source_re is not None:
            return _matching(self.by_source, pattern.source_re)
        if pattern.target_re is not None:
            return _matching(self.by_target, pattern.target_re)
        return list(range(len(self.capture.mounts)))

    def matches(self, pattern: MountPattern) -> list[int]:
        """The mounts the pattern finds, in table order. Each part keeps the
        candidates whose value it accepts, reading all of them at once (in C:
        a rule's candidates can be 20 000 pod volumes); each regular
        expression runs once per distinct value."""
        found = self.candidates(pattern)
        exact = (
            ("fstype", pattern.fstype),
            ("kind", None if pattern.kind is None else frozenset((pattern.kind,))),
            ("target", pattern.target),
            ("source", pattern.source),
        )
        for name, accepted in exact:
            if accepted is not None and found:
                found = list(compress(found, map(accepted.__contains__, self._values(name, found))))
        for name, regex in pattern.compiled():
            if found:
                values = self._values(name, found)
                distinct = set(values)
                absent = None in distinct  # (an absent field is searched as "")
                distinct.discard(None)
                matching = filter(regex.search, cast("set[str]", distinct))
                hits: set[str | None] = set(matching)
                if absent and regex.search(""):
                    hits.add(None)
                found = list(compress(found, map(hits.__contains__, values)))
        return found

    def _values(self, name: str, positions: list[int]) -> list[str | None]:
        """One field of the mounts at ``positions`` (OPTIONS: the mount's and
        the filesystem's, joined)."""
        mounts = map(self.capture.mounts.__getitem__, positions)
        if name == "options":
            return [",".join(filter(None, (m.options, m.fs_options))) for m in mounts]
        return list(map(attrgetter(name), mounts))

    def mount(self, index: int | None) -> Mount | None:
        return None if index is None else self.capture.mounts[index]


def _positions(values: Iterable[Hashable]) -> dict[Any, list[int]]:
    """Each distinct value and where it occurs, in order."""
    found: dict[Any, list[int]] = {}
    for i, value in enumerate(values):
        found.setdefault(value, []).append(i)
    return found


def _merged(groups: dict[str, list[list[int]]]) -> dict[str, list[int]]:
    """Position lists of one key (from several pairs) as one, in order."""
    return {
        key: lists[0] if len(lists) == 1 else sorted(chain.from_iterable(lists))
        for key, lists in groups.items()
    }


def _matching(index: dict[str, list[int]], pattern: str) -> list[int]:
    """The positions of the values ``pattern`` finds something in, in order."""
    search = re.compile(pattern).search
    return sorted(i for value, positions in index.items() if search(value) for i in positions)
