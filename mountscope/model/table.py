"""A mount table with its origin, and the tree of its mounts."""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterator, Sequence
from functools import cached_property
from itertools import compress, islice, repeat
from operator import attrgetter, eq, lt

from mountscope.errors import InputWarning
from mountscope.model.mount import Mount
from mountscope.model.origin import FileOrigin, Origin
from mountscope.record import record, replace

# --- captures and trees ------------------------------------------------------


@record(frozen=True)
class MountTable:
    """One mount table and where it came from. Frozen: a changed table is a
    new one (``record.replace``), so a tree built for it stays true."""

    mounts: tuple[Mount, ...]
    format: str
    # The name of the input, as shown in labels and warnings ("-" for stdin).
    origin: str
    fields: frozenset[str]
    title: str | None = None
    warnings: tuple[InputWarning, ...] = ()
    # Where the table came from, typed; when not given, the file ``origin``
    # (set in __post_init__, so never None on a built table).
    provenance: Origin = None  # type: ignore[assignment]
    # Parent row of each mount when the input drew the tree (findmnt tree
    # output, findmnt -J): the drawn structure, used when there are no ids.
    layout_parents: tuple[int, ...] | None = None
    first_line: int = 1
    last_line: int = 0
    # The input text the mounts were read from, when it is kept (snapshots);
    # read it with text(). A text that is nothing but the mounts' lines, each
    # ended by a newline (a whole mountinfo file), is kept once, in the
    # mounts' ``raw`` (``text_is_lines``), rather than a second time whole
    # (16 MB at 50 000 mounts): see with_text().
    raw_text: str | None = None
    text_is_lines: bool = False

    def __post_init__(self) -> None:
        # Sequences given as lists are stored as tuples: nothing can change
        # them afterwards. (object.__setattr__ is how a frozen record
        # completes its own construction.)
        if not isinstance(self.mounts, tuple):
            object.__setattr__(self, "mounts", tuple(self.mounts))
        if not isinstance(self.warnings, tuple):
            object.__setattr__(self, "warnings", tuple(self.warnings))
        if self.layout_parents is not None and not isinstance(self.layout_parents, tuple):
            object.__setattr__(self, "layout_parents", tuple(self.layout_parents))
        if self.provenance is None:
            object.__setattr__(self, "provenance", FileOrigin(self.origin))

    # Built on first use and kept: cached_property stores the tree in the
    # instance __dict__ without going through the frozen __setattr__, which
    # is why this record has no slots. The table cannot change, so the
    # tree cannot go stale; a replaced table builds its own.
    @cached_property
    def tree(self) -> MountTree:
        return MountTree.build(self)

    def with_text(self, text: str) -> MountTable:
        """This table, keeping ``text``: the input its mounts were read from."""
        if _is_lines_of(text, self.mounts):
            return replace(self, raw_text=None, text_is_lines=True)
        return replace(self, raw_text=text, text_is_lines=False)

    def text(self) -> str | None:
        """The input text the mounts were read from, when it is kept."""
        if self.raw_text is None and self.text_is_lines:
            return "\n".join([*(m.raw for m in self.mounts), ""])
        return self.raw_text

    @property
    def label(self) -> str:
        return f"{self.origin} ({self.title})" if self.title else self.origin


def _is_lines_of(text: str, mounts: Sequence[Mount]) -> bool:
    """Whether ``text`` is exactly the mounts' ``raw`` lines, each followed
    by a newline. Compared a block of lines at a time, in place: joining
    them all would hold a second copy of the text while the first is still
    there."""
    lines = list(map(_RAW, mounts))
    at = 0
    for start in range(0, len(lines), _BLOCK):
        block = "\n".join([*lines[start : start + _BLOCK], ""])
        if not text.startswith(block, at):
            return False
        at += len(block)
    return at == len(text)


_RAW = attrgetter("raw")
_MOUNT_ID = attrgetter("mount_id")
_PARENT_ID = attrgetter("parent_id")
_TARGET = attrgetter("target")
_BLOCK = 4096


@record
class MountTree:
    """Parent and child links between the mounts of a capture, by index.

    Built in one pass over dictionaries: O(n), plus sorting siblings by id as
    findmnt does. Nothing is dropped: a mount whose parent is absent becomes a
    root marked orphan, a cycle is broken and reported.
    """

    parent: list[int]
    # Each mount's children; a leaf's is the empty tuple (shared, so most
    # mounts of a large table cost nothing here).
    children: Sequence[Sequence[int]]
    roots: list[int]
    built_from: str
    problems: list[tuple[int, str]]
    # The mounts linked, by index: the marks below read their targets. The
    # marks are made when first asked for: drawing a tree, its JSON or a
    # verdict needs none of them (13 ms at 50 000 mounts).
    mounts: Sequence[Mount]
    # The tree of a whole table, not of a selection of its mounts (whose
    # roots are where the selection starts, not orphans).
    whole: bool = True

    @cached_property
    def orphan(self) -> list[bool]:
        """The roots after the first of a tree by ids: their parent is not in the table."""
        orphan = [False] * len(self.parent)
        for r in self.roots[1:] if self.built_from == "ids" and self.whole else ():
            orphan[r] = True
        return orphan

    @cached_property
    def stacked(self) -> list[bool]:
        """A mount on the same target as its parent: it hides (shadows) the parent."""
        targets = list(map(_TARGET, self.mounts))
        return [
            p >= 0 and targets[p] == target for p, target in zip(self.parent, targets, strict=True)
        ]

    @cached_property
    def shadowed(self) -> list[bool]:
        """A mount that another is stacked on."""
        shadowed = [False] * len(self.parent)
        for i in compress(range(len(self.parent)), self.stacked):
            shadowed[self.parent[i]] = True
        return shadowed

    @classmethod
    def build(cls, capture: MountTable) -> MountTree:
        mounts = capture.mounts
        if mounts and "parent_id" in capture.fields:
            ids = list(map(_MOUNT_ID, mounts))
            if None not in ids:
                return cls._by_ids(mounts, ids)  # type: ignore[arg-type]  # (no None)
        if capture.layout_parents is not None and len(capture.layout_parents) == len(mounts):
            return cls._finish(mounts, list(capture.layout_parents), "layout", [])
        return cls._by_prefix(mounts)

    @classmethod
    def _by_ids(cls, mounts: Sequence[Mount], ids: list[int]) -> MountTree:
        problems: list[tuple[int, str]] = []
        # Each id's first mount: built from the end, the first one stays.
        index_of = dict(zip(reversed(ids), range(len(ids) - 1, -1, -1), strict=True))
        if len(index_of) < len(ids):
            seen: set[int | None] = set()
            for i, mount_id in enumerate(ids):
                if mount_id in seen:
                    problems.append(
                        (i, f"duplicate mount id {mount_id}; children attach to the first")
                    )
                seen.add(mount_id)
        # (A parent id of None finds nothing: every mount here has an id.)
        parent = list(map(index_of.get, map(_PARENT_ID, mounts), repeat(-1)))
        # Where every parent comes before its child (most tables), no mount
        # is its own parent and there is no cycle to break.
        if not all(map(lt, parent, range(len(parent)))):
            for i in compress(range(len(parent)), map(eq, parent, range(len(parent)))):
                parent[i] = -1  # its own parent: a root
            _break_cycles(parent, problems)
        return cls._finish(mounts, parent, "ids", problems, sort_by=ids)

    @classmethod
    def _by_prefix(cls, mounts: Sequence[Mount]) -> MountTree:
        """Nest each target under the longest mounted prefix seen before it.

        A guess (built_from "paths"): the format has no mount ids. A mount
        that no earlier prefix covers hangs under the "/" that covers it
        even when "/" comes later (hosts that pivot_root list / after /proc).

        Linear in the total length of the targets (see _longest_mounted_prefix).
        """
        latest: dict[str, int] = {}
        uncovered: list[int] = []
        # Targets longer than SHORT_PATH by a hash of their components (a
        # list per hash: hashes may collide).
        long_targets: dict[int, list[str]] = {}
        parent = [-1] * len(mounts)
        for i, m in enumerate(mounts):
            target = m.target
            if target in latest:
                parent[i] = latest[target]
            else:
                if target.startswith("/") and target != "/":
                    parent[i] = _longest_mounted_prefix(target.rstrip("/"), latest, long_targets)
                    if parent[i] < 0:
                        uncovered.append(i)
                if len(target) > SHORT_PATH and target.startswith("/"):
                    # The last hash is the whole target's.
                    ((_, key),) = deque(_prefix_hashes(target), maxlen=1)
                    long_targets.setdefault(key, []).append(target)
            latest[target] = i
        root = latest.get("/")  # the top-most "/": the one a reader sees
        if root is not None:
            for i in uncovered:
                parent[i] = root  # a "/" never has a parent after it: no cycle
        return cls._finish(mounts, parent, "paths", [])

    @classmethod
    def _finish(
        cls,
        mounts: Sequence[Mount],
        parent: list[int],
        built_from: str,
        problems: list[tuple[int, str]],
        sort_by: Sequence[int] | None = None,
    ) -> MountTree:
        n = len(mounts)
        kids_of: defaultdict[int, list[int]] = defaultdict(list)
        for i, p in enumerate(parent):
            kids_of[p].append(i)
        roots = kids_of.pop(-1, [])  # (the mounts of no parent)
        # findmnt lists siblings by mount id (``sort_by``), not in file order
        # (a stable sort keeps duplicate ids in file order). Where the ids
        # grow down the file, as the kernel mostly writes them, every family
        # is in that order already.
        if sort_by is not None and not all(map(lt, sort_by, islice(sort_by, 1, None))):
            for kids in kids_of.values():
                if len(kids) > 1:
                    kids.sort(key=sort_by.__getitem__)
        children: list[tuple[int, ...]] = [()] * n
        for p, kids in kids_of.items():
            children[p] = tuple(kids)
        if built_from == "ids" and roots:
            # findmnt's root: the entry with the smallest parent id, walked up.
            primary = min(
                roots, key=lambda r: (mounts[r].parent_id is None, mounts[r].parent_id or 0, r)
            )
            roots.remove(primary)
            roots.insert(0, primary)
        return cls(parent, children, roots, built_from, problems, mounts)

    def walk(self) -> Iterator[tuple[int, int]]:
        """Depth-first in findmnt's order, iteratively: (index, depth) for every
        mount. (Tree art is drawn by output.walk_with_art.)"""
        stack = [(r, 0) for r in reversed(self.roots)]
        children = self.children
        while stack:
            node, depth = stack.pop()
            yield node, depth
            for kid in reversed(children[node]):
                stack.append((kid, depth + 1))

    def depths(self) -> list[int]:
        depth = [0] * len(self.parent)
        for node, d in self.walk():
            depth[node] = d
        return depth


def _prefix_hashes(path: str) -> Iterator[tuple[int, int]]:
    """For each "/" at position j in ``path``, and for its end: (j, a hash of
    ``path[:j]`` built from its components), in O(len(path)) overall.

    Equal strings get equal hashes; each component is hashed once, chained
    with the hash of what precedes it (str hashes are salted per process, so
    an input cannot be made of colliding prefixes).
    """
    key = 0
    start = 0
    end_of_path = len(path)
    while True:
        end = path.find("/", start)
        if end == -1:
            end = end_of_path
        key = hash((key, path[start:end]))
        yield end, key
        if end == end_of_path:
            return
        start = end + 1


# Prefixes up to this length are looked up by slicing (fast for real paths);
# longer ones by hash, as slicing every prefix of a long path is quadratic.
SHORT_PATH = 256


def _longest_mounted_prefix(
    path: str, latest: dict[str, int], long_targets: dict[int, list[str]]
) -> int:
    """The latest mount on the longest proper prefix of ``path`` that ends
    before a "/" (the empty prefix stands for "/"), or -1."""
    if len(path) > SHORT_PATH:
        # The common case first: the parent is mounted on the path one component up.
        cut = path.rfind("/")
        if cut > SHORT_PATH and (p := latest.get(path[:cut])) is not None:
            return p
        found: list[tuple[int, int]] = []
        for end, key in _prefix_hashes(path):
            if SHORT_PATH < end < len(path) and key in long_targets:
                found.append((end, key))
        for end, key in reversed(found):
            for target in long_targets[key]:
                # A hash match is checked on the text itself, without slicing.
                if len(target) == end and path.startswith(target):
                    return latest[target]
        path = path[: SHORT_PATH + 1]  # what is left: prefixes of SHORT_PATH or fewer
    while path:
        path = path[: path.rfind("/")]
        p = latest.get(path or "/")
        if p is not None:
            return p
    return -1


def _break_cycles(parent: list[int], problems: list[tuple[int, str]]) -> None:
    """Cut every cycle of parent links (a mount that is its own ancestor).

    A 2-cycle makes findmnt 2.38.1 loop forever; here the first mount of the
    cycle in input order becomes a root and the cycle is reported.
    """
    state = [0] * len(parent)  # 0 unseen, 1 on the current path, 2 done
    for start in range(len(parent)):
        if state[start]:
            continue
        path = []
        node = start
        while node >= 0 and state[node] == 0:
            state[node] = 1
            path.append(node)
            node = parent[node]
        if node >= 0 and state[node] == 1:
            cycle = path[path.index(node) :]
            first = min(cycle)
            parent[first] = -1
            problems.append(
                (first, f"parent ids form a cycle of {len(cycle)} mounts; shown as a root")
            )
        for visited in path:
            state[visited] = 2
