"""A mount table indexed once for the rules: which mounts have a target, a
source, a type, a kind, and the patterns that pick one mount by its fields."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from mountscope.model import Mount, MountTable


@dataclass(frozen=True)
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
        self.by_target: dict[str, list[int]] = {}
        self.by_fstype: dict[str, list[int]] = {}
        self.by_kind: dict[str, list[int]] = {}
        self.by_source: dict[str, list[int]] = {}
        self.binds: list[int] = []
        for i, m in enumerate(capture.mounts):
            self.by_target.setdefault(m.target, []).append(i)
            self.by_fstype.setdefault(m.fstype, []).append(i)
            self.by_kind.setdefault(m.kind, []).append(i)
            self.by_source.setdefault(m.source, []).append(i)
            if m.fsroot not in (None, "/"):
                self.binds.append(i)
        self.root = self.by_target.get("/", [None])[-1]  # the visible /
        self._sorted_targets: list[str] | None = None

    def with_prefix(self, prefix: str) -> list[int]:
        """Mounts whose target starts with ``prefix`` (binary search, in table order)."""
        if self._sorted_targets is None:
            self._sorted_targets = sorted(self.by_target)
        targets = self._sorted_targets
        start = bisect.bisect_left(targets, prefix)
        found: list[int] = []
        for target in targets[start:]:
            if not target.startswith(prefix):
                break
            found.extend(self.by_target[target])
        return sorted(found)

    def candidates(self, pattern: MountPattern) -> list[int]:
        if pattern.target is not None:
            return sorted(i for t in pattern.target for i in self.by_target.get(t, ()))
        if pattern.target_prefixes:
            return sorted({i for p in pattern.target_prefixes for i in self.with_prefix(p)})
        if pattern.source is not None:
            return sorted(i for src in pattern.source for i in self.by_source.get(src, ()))
        if pattern.fstype is not None:
            return sorted(i for f in pattern.fstype for i in self.by_fstype.get(f, ()))
        if pattern.kind is not None:
            return self.by_kind.get(pattern.kind, [])
        if pattern.fsroot_re is not None:
            return self.binds
        return list(range(len(self.capture.mounts)))

    def matches(self, pattern: MountPattern) -> list[int]:
        mounts = self.capture.mounts
        # Each regular expression runs once per distinct value: a table of
        # 50 000 mounts holds a few hundred sources, types and roots.
        checks: list[tuple[str, re.Pattern[str], dict[str, bool]]] = [
            (name, regex, {}) for name, regex in pattern.compiled()
        ]
        found = []
        for i in self.candidates(pattern):
            m = mounts[i]
            if pattern.fstype is not None and m.fstype not in pattern.fstype:
                continue
            if pattern.kind is not None and m.kind != pattern.kind:
                continue
            if pattern.target is not None and m.target not in pattern.target:
                continue
            if pattern.source is not None and m.source not in pattern.source:
                continue
            for name, regex, seen in checks:
                value = _field(m, name) or ""
                hit = seen.get(value)
                if hit is None:
                    hit = seen[value] = regex.search(value) is not None
                if not hit:
                    break
            else:
                found.append(i)
        return found

    def mount(self, index: int | None) -> Mount | None:
        return None if index is None else self.capture.mounts[index]


def _field(m: Mount, name: str) -> str | None:
    if name == "options":
        return ",".join(filter(None, (m.options, m.fs_options)))
    return getattr(m, name)
