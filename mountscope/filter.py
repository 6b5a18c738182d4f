"""The one matcher: findmnt's selection rules, for the command line's flags
and for the app's ``/`` filter.

Field tests follow libmount (util-linux ``mnt_match_fstype``,
``mnt_match_options``, ``mnt_fs_match_source``/``_target``) and the order
of findmnt.c's ``match_func``; ``select`` follows findmnt.c's walk (the
filtered tree, ``-R``, ``-f``, ``-U``, the source/target swap of a
positional, the mount that holds a ``-T`` path).

The filter language (``/`` in the app, ``--filter`` nowhere else) is terms
ANDed: ``text`` matches TARGET, SOURCE (with ``[fsroot]``), FSTYPE or
OPTIONS as a substring, case-insensitively; ``fstype:LIST`` is ``-t LIST``,
``option:LIST`` is ``-O LIST``, ``source:X`` is ``-S X``, ``target:PATH``
is ``-M PATH``, ``kind:NAME`` a mountscope source kind; ``!`` or ``-``
before a term negates it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache

from mountscope.model import Mount, MountTable, split_options
from mountscope.model.table import MountTree
from mountscope.record import record, replace

# libmount's pseudo filesystems (mnt_fstype_is_pseudofs), util-linux 2.38.
PSEUDO_FSTYPES = frozenset(
    """anon_inodefs apparmorfs autofs bdev binder binfmt_misc bpf cgroup cgroup2 configfs
    cpuset debugfs devfs devpts devtmpfs dlmfs dmabuf drm efivarfs fuse fuse.archivemount
    fuse.avfsd fuse.dumpfs fuse.encfs fuse.gvfs-fuse-daemon fuse.gvfsd-fuse fuse.lxcfs
    fuse.rofiles-fuse fuse.vmware-vmblock fuse.xwmfs fusectl hugetlbfs ipathfs mqueue nfsd
    none nsfs overlay pipefs proc pstore ramfs resctrl rootfs rpc_pipefs securityfs
    selinuxfs smackfs sockfs spufs sysfs tmpfs tracefs vboxsf virtiofs""".split()
)
# A source findmnt never swaps into a target match.
_TAGS = ("LABEL=", "UUID=", "PARTLABEL=", "PARTUUID=")
_DEVNO = re.compile(r"\A\d+:\d+\Z")
_SLASHES = re.compile(r"/{2,}")


def is_pseudo(mount: Mount) -> bool:
    return mount.fstype in PSEUDO_FSTYPES


def same_path(a: str, b: str) -> bool:
    """libmount's streq_paths: equal but for repeated and trailing slashes."""
    return a == b or _norm(a) == _norm(b)


def _norm(path: str) -> str:
    if "//" in path:
        path = _SLASHES.sub("/", path)
    return path.rstrip("/") or ("/" if path.startswith("/") else path)


@lru_cache(maxsize=4096)
def match_fstype(fstype: str, pattern: str) -> bool:
    """``-t LIST``: a comma-separated list of types, case-insensitive; "no"
    before the list negates it, "no" before one type excludes that type."""
    negated = pattern[:2] == "no"
    if negated:
        pattern = pattern[2:]
    fstype = fstype.lower()
    for item in pattern.lower().split(","):
        if item[:2] == "no" and item[2:] == fstype:
            return False
        if item == fstype:
            return not negated
    return negated


@lru_cache(maxsize=16384)
def _options_of(options: str) -> dict[str, str | None]:
    """An option string's names and values (the first of a name wins, as in libmount)."""
    have: dict[str, str | None] = {}
    for item in split_options(options):
        name, eq, value = item.partition("=")
        have.setdefault(name, value if eq else None)
    return have


@lru_cache(maxsize=16384)
def match_options(options: str, pattern: str) -> bool:
    """``-O LIST``: every comma-separated item must hold for the mount's
    options, compared whole (``ro`` is not ``errors=remount-ro``); "no" before
    an item asks for its absence, "+" keeps a leading "no" literal
    (``+noatime``), ``name=value`` compares the value too."""
    have = _options_of(options)
    for item in split_options(pattern):
        name, eq, value = item.partition("=")
        negated = False
        if name.startswith("+"):
            name = name[1:]
        elif name.startswith("no"):
            negated, name = True, name[2:]
        found = name in have and (not eq or have[name] == value)
        if found == negated:
            return False
    return True


def match_source(mount: Mount, source: str, resolve: Callable[[str], str] | None = None) -> bool:
    """``-S``: the mount's source (without [fsroot]) is ``source``, or, live,
    the same device once symbolic links are resolved."""
    if same_path(source, mount.source):
        return True
    if resolve is None or is_pseudo(mount) or not mount.source.startswith("/"):
        return False
    return same_path(resolve(source), resolve(mount.source))


def match_target(mount: Mount, target: str, resolve: Callable[[str], str] | None = None) -> bool:
    """``-T``/``-M``: the mount point is ``target`` (live: once resolved)."""
    if same_path(target, mount.target):
        return True
    return resolve is not None and same_path(resolve(target), mount.target)


@record(frozen=True)
class Criteria:
    """findmnt's selection flags."""

    types: str | None = None  # -t
    options: str | None = None  # -O
    source: str | None = None  # -S, or the first positional
    target: str | None = None  # -T/-M, or the second positional
    devno: str | None = None  # -S MAJ:MIN
    strict_target: bool = False  # -M: the mount point itself, never the mount holding it
    # A source given by -S (or a target by -T/-M) is never tried as the other.
    noswap: bool = False
    real: bool = False
    pseudo: bool = False
    df: bool = False  # -D: real filesystems and every tmpfs
    all: bool = False  # -A: no built-in filter (-D's, --real's)
    shadowed: bool = False
    invert: bool = False
    first_only: bool = False
    submounts: bool = False
    uniq: bool = False

    @classmethod
    def from_source_arg(cls, spec: str, **kwargs: object) -> Criteria:
        """findmnt's ``-S SPEC`` or positional: a MAJ:MIN is a device number."""
        if _DEVNO.match(spec):
            return cls(devno=spec, noswap=True, **kwargs)  # type: ignore[arg-type]
        return cls(source=spec, **kwargs)  # type: ignore[arg-type]

    @property
    def list_all(self) -> bool:
        """findmnt without any filter (is_listall_mode)."""
        if (self.df or self.real or self.pseudo) and not self.all:
            return False
        return not (self.source or self.target or self.types or self.options or self.devno)

    def matcher(
        self, table: MountTable, resolve: Callable[[str], str] | None = None
    ) -> Callable[[int], bool]:
        """findmnt's match_func on the mount at an index of ``table``."""
        mounts = table.mounts
        test = self.mount_matcher(resolve, table.tree.shadowed if self.shadowed else None)
        return lambda index: test(mounts[index], index)

    def mount_matcher(
        self,
        resolve: Callable[[str], str] | None = None,
        shadowed: Sequence[bool] | None = None,
    ) -> Callable[[Mount, int], bool]:
        """findmnt's match_func on one mount (and its index, for --shadowed)."""

        def match(m: Mount, index: int = -1) -> bool:
            if self.types is not None and not match_fstype(m.fstype, self.types):
                return self.invert
            if self.options is not None and not match_options(m.options, self.options):
                return self.invert
            if self.devno is not None and not _same_devno(m.devno, self.devno):
                return self.invert
            if self.target is not None and not match_target(m, self.target, resolve):
                return self.invert
            if self.source is not None and not match_source(m, self.source, resolve):
                return self.invert
            if self.df and not self.all:
                if "tmpfs" in m.fstype:  # every tmpfs is wanted
                    return not self.invert
                if is_pseudo(m):
                    return self.invert
            if self.real and is_pseudo(m):
                return self.invert
            if self.pseudo and not is_pseudo(m):
                return self.invert
            if shadowed is not None and not shadowed[index]:
                return self.invert
            return not self.invert

        return match


def _same_devno(have: str | None, want: str) -> bool:
    if not have:
        return False
    a, _, b = have.partition(":")
    c, _, d = want.partition(":")
    try:
        return (int(a), int(b)) == (int(c), int(d))
    except ValueError:
        return False


@record(frozen=True)
class View:
    """What findmnt would print of a table: some of its mounts, as a tree or
    a list. ``mounts`` and ``tree`` are what the renderers draw."""

    table: MountTable
    indices: Sequence[int]
    mounts: Sequence[Mount]
    tree: MountTree
    as_tree: bool
    # findmnt exits 1 when a lookup (a list, -S, -T, -f, -R) finds nothing;
    # a filtered tree that comes out empty is still a success.
    found: bool = True


def unique_targets(table: MountTable) -> MountTable:
    """``-U``: one mount per target, the last in the table (libmount's
    mnt_table_uniq_fs, which moves the children of a dropped mount to its parent)."""
    last: dict[str, int] = {}
    for i, m in enumerate(table.mounts):
        last[_norm(m.target)] = i
    if len(last) == len(table.mounts):
        return table
    moved: dict[int, int | None] = {}  # dropped id -> its parent id
    keep: list[Mount] = []
    for i, m in enumerate(table.mounts):
        if last[_norm(m.target)] != i:
            if m.mount_id is not None:
                moved[m.mount_id] = m.parent_id
            continue
        keep.append(m)
    if moved:
        kept = []
        for m in keep:
            parent = m.parent_id
            seen = 0
            while parent in moved and seen <= len(moved):  # a chain of dropped parents
                parent, seen = moved[parent], seen + 1
            kept.append(m if parent == m.parent_id else replace(m, parent_id=parent))
        keep = kept
    return replace(table, mounts=tuple(keep), layout_parents=None)


def holding_mount(table: MountTable, path: str) -> str | None:
    """The mount point of the mount that holds ``path``: the longest mounted
    prefix, the last such mount of the table (libmount's mnt_table_find_mountpoint)."""
    targets = {_norm(m.target) for m in table.mounts}
    path = _norm(path)
    while path:
        if path in targets:
            return path
        if path == "/":
            return None
        path = path[: path.rfind("/")] or "/"
    return None


def select(
    table: MountTable,
    criteria: Criteria,
    *,
    tree: bool = True,
    resolve: Callable[[str], str] | None = None,
) -> View:
    """The mounts findmnt prints for these flags, in its order: a filtered
    tree (a mount whose parent is left out hangs under its nearest kept
    ancestor), a list in table order, or with ``-R`` each match's subtree.

    ``resolve`` canonicalises a path on this machine (live tables only);
    without it (a capture from elsewhere) paths are compared as written and
    ``-T PATH`` finds the mount holding PATH by its prefix."""
    if criteria == Criteria():
        # No flag: the table as it is (and no second tree built for 50 000 mounts).
        return replace(whole(table), as_tree=tree)
    if criteria.uniq:
        table = unique_targets(table)
    c = criteria
    if c.submounts and c.list_all:
        c = replace(c, submounts=False)
    as_tree = tree
    if not c.submounts and (c.first_only or c.target or c.source or c.devno):
        as_tree = False
    if not c.noswap and c.source and not c.target and c.source.startswith(_TAGS):
        c = replace(c, noswap=True)
    if as_tree and not c.submounts:
        order = _filtered_tree(table, c.matcher(table, resolve))
        return _view(table, order, True)
    order, c = _matching_lines(table, c, resolve, as_tree)
    if not order and c.noswap and not c.strict_target and c.target:
        held = holding_mount(table, resolve(c.target) if resolve else c.target)
        if held is not None and not same_path(held, c.target):
            order, c = _matching_lines(table, replace(c, target=held), resolve, as_tree)
    return replace(_view(table, order, as_tree or c.submounts), found=bool(order))


def _filtered_tree(table: MountTable, match: Callable[[int], bool]) -> list[tuple[int, int]]:
    """findmnt's tree under a filter: (index, kept parent or -1), in drawing order."""
    tree = table.tree
    out: list[tuple[int, int]] = []
    placed = [False] * len(table.mounts)

    def walk(start: int, parent: int) -> None:
        stack = [(start, parent)]
        while stack:
            node, above = stack.pop()
            if placed[node]:
                continue
            kept = match(node)
            if kept:
                placed[node] = True
                out.append((node, above))
            for kid in reversed(tree.children[node]):
                stack.append((kid, node if kept else above))

    if tree.roots:
        walk(tree.roots[0], -1)
    # findmnt then adds, in table order, each match the walk from the root missed.
    for i in range(len(table.mounts)):
        if not placed[i] and match(i):
            walk(i, -1)
    return out


def _subtree(table: MountTable, start: int, placed: list[bool]) -> Iterator[tuple[int, int]]:
    stack = [(start, -1)]
    children = table.tree.children
    while stack:
        node, above = stack.pop()
        if placed[node]:
            continue
        placed[node] = True
        yield node, above
        for kid in reversed(children[node]):
            stack.append((kid, node))


def _matching_lines(
    table: MountTable,
    c: Criteria,
    resolve: Callable[[str], str] | None,
    as_tree: bool,
) -> tuple[list[tuple[int, int]], Criteria]:
    """findmnt's add_matching_lines: the matches in table order (with -R, each
    with its subtree), the first only with -f; a source that matches nothing
    is tried as a mount point."""
    n = len(table.mounts)
    out: list[tuple[int, int]] = []
    placed = [False] * n
    if c.list_all:
        candidates: Iterable[int] = range(n)
    elif c.first_only and c.source and not (c.types or c.options):
        # "findmnt -f SPEC" looks SPEC up the way mount(8) does: source, then target.
        found = next(
            (i for i in range(n) if match_source(table.mounts[i], c.source, resolve)), None
        )
        if found is None and not c.noswap:
            found = next(
                (i for i in range(n) if match_target(table.mounts[i], c.source, resolve)), None
            )
        candidates = [] if found is None else [found]
    else:
        match = c.matcher(table, resolve)
        hits = [i for i in range(n) if match(i)]
        if not hits and not c.noswap and not c.target and c.source:
            c = replace(c, target=c.source, source=None)
            match = c.matcher(table, resolve)
            hits = [i for i in range(n) if match(i)]
        candidates = hits
    for i in candidates:
        if c.submounts:
            if placed[i]:
                continue
            out.extend(_subtree(table, i, placed))
        else:
            out.append((i, -1))
        if c.first_only:
            break
    return out, c


def _view(table: MountTable, order: Sequence[tuple[int, int]], as_tree: bool) -> View:
    """A View of ``order`` ((index, kept parent)); the subset's tree keeps the
    order given, which is findmnt's drawing order."""
    position = {index: k for k, (index, _) in enumerate(order)}
    mounts = [table.mounts[i] for i, _ in order]
    parent = [position.get(p, -1) if as_tree else -1 for _, p in order]
    children: list[list[int]] = [[] for _ in order]
    for k, p in enumerate(parent):
        if p >= 0:
            children[p].append(k)
    roots = [k for k, p in enumerate(parent) if p < 0]
    sub = MountTree(parent, children, roots, table.tree.built_from, [], mounts, whole=False)
    return View(table, tuple(i for i, _ in order), mounts, sub, as_tree)


def whole(table: MountTable) -> View:
    """Every mount, as the table's own tree."""
    n = len(table.mounts)
    # (A range and the table's own tuple: no copy of 50 000 positions and mounts.)
    return View(table, range(n), table.mounts, table.tree, True)


# --- the filter language -------------------------------------------------------------

FIELDS = ("target", "source", "fstype", "type", "option", "options", "kind")


def _term(text: str) -> Callable[[Mount], bool]:
    field, sep, value = text.partition(":")
    field = field.lower()
    if sep and field in FIELDS:
        if not value:  # a field name typed, its value not yet
            return lambda m: True
        if field == "kind":
            kind = value.lower()
            return lambda m: m.kind == kind
        if field == "source":
            return lambda m: match_source(m, value)
        if field == "target":
            return lambda m: match_target(m, value)
        if field in ("fstype", "type"):
            return lambda m: match_fstype(m.fstype, value)
        return lambda m: match_options(m.options, value)
    needle = text.lower()
    return lambda m: needle in searched_text(m)


def searched_text(mount: Mount) -> str:
    """What a plain text term is looked for in: TARGET, SOURCE, FSTYPE and
    OPTIONS, lowered. NUL never occurs in a field, so a term cannot match
    across two of them."""
    return f"{mount.target}\0{mount.display_source}\0{mount.fstype}\0{mount.options}".lower()


def text_terms(query: str) -> list[str] | None:
    """The terms of a query made only of plain text, lowered: a mount matches
    when each is in its ``searched_text``. None when a term is negated or
    names a field (``make_matcher`` then says what matches)."""
    terms = []
    for word in query.split():
        field, sep, _ = word.partition(":")
        if (word[0] in "!-" and len(word) > 1) or (sep and field.lower() in FIELDS):
            return None
        terms.append(word.lower())
    return terms


def make_matcher(query: str) -> Callable[[Mount], bool]:
    """A predicate saying whether a mount matches every term of ``query``."""
    tests: list[tuple[bool, Callable[[Mount], bool]]] = []
    for word in query.split():
        negated = word[0] in "!-" and len(word) > 1
        tests.append((negated, _term(word[1:] if negated else word)))
    if not tests:
        return lambda m: True
    if len(tests) == 1:  # the common case, without a loop per mount
        negated, test = tests[0]
        return (lambda m: not test(m)) if negated else test
    return lambda m: all(test(m) != negated for negated, test in tests)


def matching(mounts: Iterable[Mount], query: str) -> set[int]:
    """The positions of the mounts that match ``query``."""
    matcher = make_matcher(query)
    return {i for i, m in enumerate(mounts) if matcher(m)}
