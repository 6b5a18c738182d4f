"""Compare two captures: which mounts changed, appeared, vanished, or differ
only in random ids.

Mounts are paired by target (stacked mounts in stacking order), then
compared field by field: source, fsroot, fstype, options, super options,
propagation. Two values that differ only in volatile parts (UUIDs, long hex
hashes, account-like numbers, random suffixes, peer-group and namespace
numbers) are "same shape", not changed. A field one capture's format cannot
carry (findmnt -J has no super options; /proc/mounts has no fsroot) is "not
comparable", never a change. A mount that left one target for another with
nothing else different is paired across the move.
"""

from __future__ import annotations

import re
import string
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from enum import StrEnum
from functools import cached_property, lru_cache
from itertools import compress
from operator import attrgetter
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from mountscope.model import Mount, MountTable, signals_of, split_options
from mountscope.record import record

if TYPE_CHECKING:
    # Only for types: diff without verdicts never imports the classifier.
    from mountscope.classify import Verdict


class PairStatus(StrEnum):
    """What became of a mount between two captures (the values are the JSON words)."""

    SAME = "same"
    SAME_SHAPE = "same_shape"
    CHANGED = "changed"
    ADDED = "added"
    REMOVED = "removed"

    @property
    def style_name(self) -> str:
        """The style a row of this status is drawn in ("" for none)."""
        return "" if self is PairStatus.SAME else self.value.replace("_", "-")


DIFFERENT = frozenset({PairStatus.CHANGED, PairStatus.ADDED, PairStatus.REMOVED})

# Compared fields, and the model field each one needs on both sides.
FIELDS: dict[str, str] = {
    "source": "source",
    "fsroot": "fsroot",
    "fstype": "fstype",
    "options": "options",
    "super_options": "fs_options",
    "propagation": "propagation",
}


# --- volatile parts --------------------------------------------------------------

# Ordered: the first pattern that matches a token names it.
VOLATILE: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "<uuid>",
        re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"),
    ),
    ("<ns>", re.compile(r"(?<=:\[)\d+(?=\])")),  # nsfs roots: net:[4026532178]
    # Hex with at least one letter; all-digit runs are the next two rows.
    ("<hex>", re.compile(r"(?<![0-9a-zA-Z])(?=[0-9a-f]*[a-f])[0-9a-f]{12,}(?![0-9a-zA-Z])")),
    ("<account>", re.compile(r"(?<!\d)\d{12}(?!\d)")),
    ("<n>", re.compile(r"(?<!\d)\d{6,}(?!\d)")),
    # A random suffix: letters and digits mixed, six or more, glued to a word
    # (the article's resolv.conf<random>, boot_id-<random>, es2088019054).
    # Device names (nvme0n1p1) look random but are not.
    (
        "<random>",
        re.compile(
            r"(?<![0-9A-Za-z])(?<!/dev/)(?=(?:[A-Za-z]*\d){2})(?=(?:\d*[A-Za-z]){2})"
            r"[0-9A-Za-z]{8,}(?![0-9A-Za-z])"
        ),
    ),
)
_PEER = re.compile(r"(shared|master|propagate_from):\d+")
_SIX_DIGITS = re.compile(r"\d{6}")
# A UUID's middle: found by looking only at the hyphens (a literal the engine
# skips to), where the UUID pattern tries every hex digit.
_UUID_MIDDLE = re.compile(r"-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-")
# What a value must hold for a pattern to match in it: a cheap test that
# spares most values that pattern's scan (surveys shape every mount's fields).
_NEEDS: dict[str, Callable[[str], object]] = {
    "<uuid>": _UUID_MIDDLE.search,
    "<ns>": lambda value: ":[" in value,
    "<hex>": re.compile(r"[0-9a-f]{12}").search,
    "<account>": re.compile(r"\d{12}").search,
    "<n>": _SIX_DIGITS.search,
    "<random>": re.compile(r"[0-9A-Za-z]{8}").search,
}


def shape(value: str) -> str:
    """The value with its volatile parts replaced by placeholders."""
    for placeholder, pattern in VOLATILE:
        needs = _NEEDS.get(placeholder)
        if needs is None or needs(value):
            value = pattern.sub(placeholder, value)
    return _PEER.sub(r"\1:<n>", value) if ":" in value else value


# Shaping replaces only runs of word characters and hyphens, by placeholders
# of letters in <>: two values that differ in any other character cannot
# have the same shape, which this tells without the patterns above. In ASCII
# text the word characters are [A-Za-z0-9_], deleted by bytes.translate
# (a table lookup per byte, where the expression costs a Unicode lookup).
_SHAPED_CHARS = re.compile(r"[\w<>-]+")
_SHAPED_ASCII = (string.ascii_letters + string.digits + "_<>-").encode()


def may_share_shape(old: str, new: str) -> bool:
    """False when ``shape(old) != shape(new)`` is certain (a cheap test)."""
    if old.isascii() and new.isascii():
        return old.encode().translate(None, _SHAPED_ASCII) == new.encode().translate(
            None, _SHAPED_ASCII
        )
    return _SHAPED_CHARS.sub("", old) == _SHAPED_CHARS.sub("", new)


# shape() of the values compared: the same few come back in pair after pair
# (10 000 changed sources of a node were 16 values: tmpfs, shm, nsfs...).
_shaped = lru_cache(maxsize=1 << 12)(shape)


def _options_key(value: str) -> list[str]:
    """Options compare as a set: their order differs between formats."""
    return sorted(split_options(value))


def _same_options(old: str, new: str) -> bool:
    """The same options, maybe in another order. Two lists of the same
    options have as many characters besides commas (split_options() drops
    only separating commas and empty items), which is seen without splitting
    and sorting both: most changed options differ there."""
    if len(old) - old.count(",") != len(new) - new.count(","):
        return False
    return _options_key(old) == _options_key(new)


# --- pairs ---------------------------------------------------------------------------


# A field's two values, A's and B's, by the field's name.
FieldValues = Mapping[str, tuple[str | None, str | None]]
# What a pair without changes holds: one empty mapping, shared (a table of
# 200 000 mounts side by side makes 200 000 pairs, most of them the same).
NO_FIELDS: FieldValues = MappingProxyType({})


@record(frozen=True, slots=True)
class Pair:
    kind: PairStatus
    target: str
    a: Mount | None
    b: Mount | None
    changes: FieldValues = NO_FIELDS
    same_shape: FieldValues = NO_FIELDS
    not_comparable: tuple[str, ...] = ()
    moved_from: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "target": self.target,
            "a": self.a.to_dict() if self.a else None,
            "b": self.b.to_dict() if self.b else None,
            "changes": {k: list(v) for k, v in self.changes.items()},
            "same_shape": {k: list(v) for k, v in self.same_shape.items()},
            "not_comparable": list(self.not_comparable),
            "moved_from": self.moved_from,
        }


@record
class Comparison:
    """Two captures paired mount by mount. ``pairs`` is every pair in path
    order. A comparison made for a report counts the pairs that are plainly
    the same (every compared field equal as written) instead of building
    them: ``listed`` holds the others, and ``pairs`` builds the whole list
    only when something asks for it (the app, ``diff --json --all``)."""

    a: MountTable
    b: MountTable
    # Every pair but the plainly-same ones that were counted, in path order.
    listed: list[Pair]
    exact: bool
    # Both verdicts, when computed.
    verdict_a: Verdict | None = None
    verdict_b: Verdict | None = None
    # Plainly-same pairs counted, not listed (0 when every pair is listed).
    plainly_same: int = 0

    @cached_property
    def pairs(self) -> list[Pair]:
        if not self.plainly_same:
            return self.listed
        return _pairs(self.a, self.b, self.exact, count_plainly_same=False)[0]

    def rules_only_in(self) -> tuple[set[str], set[str]]:
        """The rules behind evidence only A's verdict has, and only B's
        (none before the verdicts are computed)."""
        rules_a = {e.rule for e in self.verdict_a.evidence} if self.verdict_a else set()
        rules_b = {e.rule for e in self.verdict_b.evidence} if self.verdict_b else set()
        return rules_a - rules_b, rules_b - rules_a

    @property
    def verdicts(self) -> dict[str, Any] | None:
        """Both verdicts side by side, and the evidence only one side has."""
        if self.verdict_a is None or self.verdict_b is None:
            return None
        only_a, only_b = self.rules_only_in()
        return {
            "a": self.verdict_a.to_dict(),
            "b": self.verdict_b.to_dict(),
            "only_in_a": [e.to_dict() for e in self.verdict_a.evidence if e.rule in only_a],
            "only_in_b": [e.to_dict() for e in self.verdict_b.evidence if e.rule in only_b],
        }

    @property
    def summary(self) -> dict[str, int]:
        counts = dict.fromkeys(PairStatus, 0)
        counts[PairStatus.SAME] = self.plainly_same
        for pair in self.listed:
            counts[pair.kind] += 1
        return {str(status): count for status, count in counts.items()}

    @property
    def different(self) -> bool:
        return any(p.kind in DIFFERENT for p in self.listed)

    def listing(self, *, with_same: bool = False) -> list[Pair]:
        """The pairs ``to_dict`` lists: those that are not the same, or
        (``with_same``) every pair."""
        return self.pairs if with_same else [p for p in self.listed if p.kind != PairStatus.SAME]

    def to_dict(self, *, with_same: bool = False, pairs: bool = True) -> dict[str, Any]:
        """The comparison as plain data. Like diff(1), it lists what differs
        and counts what is the same (``summary``); ``with_same`` lists the
        unchanged pairs too (``diff --json --all``). ``pairs=False`` leaves
        the list empty, for a writer that writes ``listing()`` pair by pair."""
        listed = self.listing(with_same=with_same) if pairs else []
        return {
            "summary": self.summary,
            "a": {"origin": self.a.label, "format": self.a.format, "mounts": len(self.a.mounts)},
            "b": {"origin": self.b.label, "format": self.b.format, "mounts": len(self.b.mounts)},
            "exact": self.exact,
            "listed": "all" if with_same else "differences",
            "pairs": [p.to_dict() for p in listed],
            "verdicts": self.verdicts,
        }


@record(frozen=True)
class _Compared:
    """What two captures' formats let a comparison compare, worked out once
    for all its pairs: each field both carry, with the mount attribute it is
    read from (options: the per-mount ones when both sides keep them apart
    from the super options, else findmnt's merged ones), and the fields only
    one side carries (not comparable in any pair)."""

    read: tuple[tuple[str, Callable[[Mount], str | None]], ...]
    one_sided: tuple[str, ...]
    split: bool

    @classmethod
    def of(cls, a_fields: frozenset[str], b_fields: frozenset[str]) -> _Compared:
        split = _splits_options(a_fields, b_fields)
        read: list[tuple[str, Callable[[Mount], str | None]]] = []
        one_sided: list[str] = []
        for name, needs in FIELDS.items():
            if needs in a_fields and needs in b_fields:
                attribute = "vfs_options" if name == "options" and split else FIELDS[name]
                read.append((name, attrgetter(attribute)))
            elif needs in a_fields or needs in b_fields:
                one_sided.append(name)
        return cls(tuple(read), tuple(one_sided), split)


def _splits_options(a_fields: frozenset[str], b_fields: frozenset[str]) -> bool:
    """Both sides carry per-mount and super options apart."""
    return {"vfs_options", "fs_options"} <= a_fields and {"vfs_options", "fs_options"} <= b_fields


def _plainly_same(a: Mount, b: Mount) -> bool:
    """Equal in every compared field as written: the common case on big
    tables, decided without the field loop (only when options are split)."""
    return (
        a.source == b.source
        and a.fsroot == b.fsroot
        and a.fstype == b.fstype
        and a.vfs_options == b.vfs_options
        and a.fs_options == b.fs_options
        and (a.optional_fields == b.optional_fields or a.propagation == b.propagation)
    )


# What one compared field says about a pair.
_EQUAL, _NOT_COMPARABLE, _SAME_SHAPE, _CHANGED = "equal", "not comparable", "same shape", "changed"


def _field_outcome(
    name: str, old: str | None, new: str | None, a: Mount, b: Mount, exact: bool
) -> str:
    if old == new:
        return _EQUAL
    if name in ("options", "super_options") and _same_options(old or "", new or ""):
        return _EQUAL
    if (name in a.truncated and (new or "").startswith(old or "")) or (
        name in b.truncated and (old or "").startswith(new or "")
    ):
        return _NOT_COMPARABLE  # one side was cut by a terminal: the rest is unknown
    if (
        not exact
        and may_share_shape(old or "", new or "")
        and _shaped(old or "") == _shaped(new or "")
    ):
        return _SAME_SHAPE
    return _CHANGED


def _outcomes(
    a: Mount, b: Mount, compared: _Compared, exact: bool
) -> Iterator[tuple[str, str, str | None, str | None]]:
    """(field, outcome, old, new) for each compared field that is not equal.
    (Its callers have found the pair not _plainly_same(), where that applies.)"""
    for name in compared.one_sided:
        yield name, _NOT_COMPARABLE, None, None
    same_optional_fields = (
        a.optional_fields == b.optional_fields and a.propagation_text == b.propagation_text
    )
    for name, read in compared.read:
        if name == "propagation" and same_optional_fields:
            continue  # read from the same fields: equal, without reading them twice
        old, new = read(a), read(b)
        if old != new:
            outcome = _field_outcome(name, old, new, a, b, exact)
            if outcome != _EQUAL:
                yield name, outcome, old, new


def _compare(
    target: str,
    a: Mount,
    b: Mount,
    compared: _Compared,
    exact: bool,
    moved_from: str | None = None,
) -> Pair:
    """The pair of two mounts, compared field by field (a new Pair; nothing is changed)."""
    changes: dict[str, tuple[str | None, str | None]] = {}
    if moved_from is not None:
        changes["target"] = (moved_from, target)
    same_shape: dict[str, tuple[str | None, str | None]] = {}
    not_comparable: list[str] = []
    for name, outcome, old, new in _outcomes(a, b, compared, exact):
        if outcome == _NOT_COMPARABLE:
            not_comparable.append(name)
        elif outcome == _SAME_SHAPE:
            same_shape[name] = (old, new)
        else:
            changes[name] = (old, new)
    status = (
        PairStatus.CHANGED if changes else PairStatus.SAME_SHAPE if same_shape else PairStatus.SAME
    )
    return Pair(
        status,
        target,
        a,
        b,
        changes or NO_FIELDS,
        same_shape or NO_FIELDS,
        tuple(not_comparable),
        moved_from,
    )


_target = attrgetter("target")


def _by_target(capture: MountTable) -> dict[str, list[Mount]]:
    """Mounts per target, lower mounts of a stack first."""
    groups: dict[str, list[Mount]] = defaultdict(list)
    mounts = capture.mounts
    for index, _ in capture.tree.walk():
        groups[mounts[index].target].append(mounts[index])
    return groups


def _targets(capture: MountTable) -> tuple[dict[str, Mount], dict[str, list[Mount]]]:
    """The mount of each target that one mount holds, and the stacks: targets
    held by several mounts, lower mounts first (as ``_by_target`` orders them)."""
    mounts = capture.mounts
    single = dict(zip(map(_target, mounts), mounts, strict=True))
    if len(single) == len(mounts):
        return single, {}
    stacks = _chains(capture, len(mounts) - len(single))
    if stacks is None:
        stacks = {t: g for t, g in _by_target(capture).items() if len(g) > 1}
    for target in stacks:
        del single[target]
    return single, stacks


def _chains(capture: MountTable, repeated: int) -> dict[str, list[Mount]] | None:
    """The stacks read from the tree's parent links, where each is a chain
    (every mount on a shared target sits on the one below it, as mounting on
    a mount point makes them): then the walk's order is the chain's. None
    when some stack is not a chain (a table may say anything)."""
    tree, mounts = capture.tree, capture.mounts
    stacked = list(compress(range(len(mounts)), tree.stacked))
    above = {tree.parent[i]: i for i in stacked}
    if len(stacked) != repeated or len(above) != len(stacked):
        return None  # a target shared off the chain, or a mount with two mounts on it
    stacks: dict[str, list[Mount]] = {}
    for bottom in above.keys() - set(stacked):
        chain = [mounts[bottom]]
        node = above.get(bottom)
        while node is not None:
            chain.append(mounts[node])
            node = above.get(node)
        stacks[mounts[bottom].target] = chain
    return stacks


def _identity(m: Mount) -> tuple[str, str | None, str, str]:
    return (m.source, m.fsroot, m.fstype, m.fs_options if m.fs_options is not None else m.options)


def _pair_moves(pairs: list[Pair], compared: _Compared, exact: bool) -> list[Pair]:
    """A mount removed from one target and added at another, unchanged: a move."""
    removed: dict[tuple, list[Pair]] = defaultdict(list)
    added: dict[tuple, list[Pair]] = defaultdict(list)
    for pair in pairs:
        if pair.kind == PairStatus.REMOVED and pair.a is not None:
            removed[_identity(pair.a)].append(pair)
        elif pair.kind == PairStatus.ADDED and pair.b is not None:
            added[_identity(pair.b)].append(pair)
    merged: set[int] = set()
    moved: dict[int, Pair] = {}
    for key, gone in removed.items():
        new = added.get(key, [])
        if len(gone) == 1 and len(new) == 1:
            out, into = gone[0], new[0]
            assert out.a is not None and into.b is not None
            moved[id(into)] = _compare(
                into.target, out.a, into.b, compared, exact, moved_from=out.target
            )
            merged.add(id(out))
    return [moved.get(id(p), p) for p in pairs if id(p) not in merged]


def _line_of(pair: Pair) -> int:
    mount = pair.a or pair.b
    return mount.line if mount is not None else 0


def _order(target: str) -> str:
    """Sorts like the path's components (the separator sorts first), without
    building a tuple of components for every pair (deep paths made that slow)."""
    return target.replace("/", "\0")


def _pair_order(pair: Pair) -> tuple[str, int]:
    return _order(pair.target), _line_of(pair)


def _pairs(
    a: MountTable, b: MountTable, exact: bool, *, count_plainly_same: bool
) -> tuple[list[Pair], int]:
    """The pairs of two captures in path order, and how many plainly-same
    pairs were counted instead of built (``count_plainly_same``)."""
    a_single, a_stacks = _targets(a)
    b_single, b_stacks = _targets(b)
    # Most pairs of two captures of one machine are plainly the same: decided
    # here, without the field-by-field comparison.
    compared = _Compared.of(a.fields, b.fields)
    split = compared.split
    pairs: list[Pair] = []
    counted = 0
    for target, one in a_single.items():
        other = b_single.get(target)
        if other is None:
            continue  # paired below
        if split and _plainly_same(one, other):
            if count_plainly_same:
                counted += 1
            else:
                pairs.append(Pair(PairStatus.SAME, target, one, other))
        else:
            pairs.append(_compare(target, one, other, compared, exact))
    # Targets only one side has, or that a stack holds on either side.
    for target in (a_single.keys() ^ b_single.keys()) | a_stacks.keys() | b_stacks.keys():
        left = a_stacks.get(target) or ([a_single[target]] if target in a_single else [])
        right = b_stacks.get(target) or ([b_single[target]] if target in b_single else [])
        for k in range(max(len(left), len(right))):
            pa = left[k] if k < len(left) else None
            pb = right[k] if k < len(right) else None
            if pa is None:
                pairs.append(Pair(PairStatus.ADDED, target, None, pb))
            elif pb is None:
                pairs.append(Pair(PairStatus.REMOVED, target, pa, None))
            elif split and _plainly_same(pa, pb):
                pairs.append(Pair(PairStatus.SAME, target, pa, pb))
            else:
                pairs.append(_compare(target, pa, pb, compared, exact))
    pairs = _pair_moves(pairs, compared, exact)
    pairs.sort(key=_pair_order)
    return pairs, counted


def compare(
    a: MountTable,
    b: MountTable,
    *,
    exact: bool = False,
    with_verdicts: bool = True,
    list_same: bool = True,
) -> Comparison:
    """Pair and compare two captures. ``list_same=False`` counts the plainly
    same pairs instead of building them (what a report needs: it shows only
    differences); ``Comparison.pairs`` still gives every pair when asked."""
    pairs, counted = _pairs(a, b, exact, count_plainly_same=not list_same)
    comparison = Comparison(a, b, pairs, exact, plainly_same=counted)
    if with_verdicts:
        from mountscope.classify import classify

        comparison.verdict_a, comparison.verdict_b = (
            classify(a, signals_of(a.provenance)),
            classify(b, signals_of(b.provenance)),
        )
    return comparison
