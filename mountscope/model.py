"""The mount model: what a mount table says, independent of the format it came in.

A ``Mount`` holds what /proc/PID/mountinfo holds (ids, device, fsroot,
target, source, fstype, per-mount and super options, propagation) plus where
it came from. A ``Capture`` is one table with its origin, warnings and
metadata; its ``tree`` is built on first use.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

from mountscope.errors import InputWarning

# Model fields a format may or may not carry; Capture.fields lists the ones it does.
ALL_FIELDS = frozenset(
    {
        "target",
        "source",
        "fstype",
        "options",
        "vfs_options",
        "fs_options",
        "fsroot",
        "mount_id",
        "parent_id",
        "devno",
        "propagation",
        "optional_fields",
    }
)


@dataclass(slots=True)
class Mount:
    target: str
    source: str = ""
    fstype: str = ""
    # findmnt's OPTIONS: per-mount and super options merged the way libmount does.
    options: str = ""
    vfs_options: str | None = None
    fs_options: str | None = None
    # Root of the mount inside its filesystem; "//deleted" kept as the kernel wrote it.
    fsroot: str | None = None
    mount_id: int | None = None
    parent_id: int | None = None
    devno: str | None = None
    # mountinfo's optional fields as written ("shared:1 master:5"), when known.
    optional_fields: str | None = None
    # findmnt's PROPAGATION text, when that is all the input had.
    propagation_text: str | None = None
    line: int = 0
    raw: str = ""
    # Fields the input shows incompletely: cut by a terminal ("truncated"),
    # or with characters replaced irreversibly ("lossy", e.g. mount(8)'s "?").
    truncated: tuple[str, ...] = ()
    lossy: tuple[str, ...] = ()
    target_deleted: bool = False
    # Columns the model has no field for (LABEL, UUID, SIZE...), kept as text.
    extra: dict[str, str] | None = None

    @property
    def display_source(self) -> str:
        """SOURCE as findmnt prints it: ``source[fsroot]`` when the root is not /."""
        root = self.fsroot
        return self.source if root is None or root == "/" else f"{self.source}[{root}]"

    @property
    def is_bind(self) -> bool:
        """The mount shows a subdirectory of its filesystem (findmnt's bracket)."""
        return self.fsroot is not None and self.fsroot != "/"

    @property
    def fsroot_deleted(self) -> bool:
        return self.fsroot is not None and self.fsroot.endswith("//deleted")

    @property
    def propagation(self) -> str | None:
        if self.propagation_text is not None:
            return self.propagation_text
        if self.optional_fields is None:
            return None
        return propagation_of(self.optional_fields)

    @property
    def kind(self) -> str:
        return source_kind(self.source, self.fstype)

    def to_dict(self) -> dict[str, Any]:
        """The mount as plain data, for JSON output and snapshots."""
        return {
            "line": self.line,
            "id": self.mount_id,
            "parent": self.parent_id,
            "maj:min": self.devno,
            "fsroot": self.fsroot,
            "target": self.target,
            "source": self.source,
            "display_source": self.display_source,
            "fstype": self.fstype,
            "options": self.options,
            "vfs_options": self.vfs_options,
            "fs_options": self.fs_options,
            "optional_fields": self.optional_fields,
            "propagation": self.propagation,
            "kind": self.kind,
            "bind": self.is_bind,
            "truncated": list(self.truncated),
            "lossy": list(self.lossy),
        }


# The bracketed part is a root only when it looks like one: a path, or an
# nsfs-style "net:[4026532178]". Sources such as "[fe80::1]:/export" exist.
_NSFS_TAIL = re.compile(r"\[\w+:\[\d+\]\n?\]\Z")


def split_display_source(text: str) -> tuple[str, str | None]:
    """Split findmnt's ``SOURCE[fsroot]`` back into source and fsroot.

    Returns fsroot None when there is no bracket, which in findmnt output
    means the root is / (or the format does not say).
    """
    if not text.endswith("]"):
        return text, None
    # The first "[" that opens a root-like tail, found without slicing the
    # text at every "[" (a source of a million "[" made that quadratic).
    starts = [text.find("[/")]
    nsfs = _NSFS_TAIL.search(text)
    if nsfs is not None:
        starts.append(nsfs.start())
    start = min((s for s in starts if s >= 0), default=-1)
    if start < 0:
        return text, None
    return text[:start], text[start + 1 : -1]


# --- options ---------------------------------------------------------------


def split_options(options: str) -> list[str]:
    """Split an option string on commas, except inside double quotes (libmount's rule)."""
    if '"' not in options:
        return [item for item in options.split(",") if item]
    items: list[str] = []
    current: list[str] = []
    quoted = False
    for char in options:
        if char == '"':
            quoted = not quoted
        if char == "," and not quoted:
            if current:
                items.append("".join(current))
            current = []
        else:
            current.append(char)
    if current:
        items.append("".join(current))
    return items


def _remove_first(items: list[str], name: str) -> bool:
    """Remove the first option called ``name`` (libmount's mnt_optstr_remove_option)."""
    prefix = name + "="
    for i, item in enumerate(items):
        if item == name or item.startswith(prefix):
            del items[i]
            return True
    return False


@lru_cache(maxsize=65536)
def merge_options(vfs: str | None, fs: str | None) -> str:
    """findmnt's OPTIONS column: libmount's merge_optstr() of the two strings.

    Identical strings are kept as they are. Otherwise both are joined, up to two
    "rw" are removed (and "ro" when not both sides were rw), and a single
    "rw" or "ro" is put in front.
    """
    if vfs is None or fs is None:
        return fs if fs is not None else (vfs or "")
    if vfs == fs:
        return vfs
    items = split_options(f"{vfs},{fs}")
    rw = _remove_first(items, "rw") + _remove_first(items, "rw")
    ro = 0
    if rw != 2:
        ro = int(_remove_first(items, "ro"))
        if ro + rw < 2:
            ro += _remove_first(items, "ro")
    head = "ro" if ro else "rw"
    return ",".join([head, *items])


def propagation_of(optional_fields: str) -> str:
    """findmnt's PROPAGATION column from mountinfo's optional fields."""
    tags = optional_fields.split()
    names = {tag.split(":", 1)[0] for tag in tags}
    words = ["shared" if "shared" in names else "private"]
    if "master" in names:
        words.append("slave")
    if "unbindable" in names:
        words.append("unbindable")
    return ",".join(words)


# --- source kinds ------------------------------------------------------------

# Ordered rules: the first that matches names the kind. Device names come
# first (a loop device holding ext4 is "loop"), then filesystem types.
SOURCE_KIND_BY_DEVICE: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("loop", re.compile(r"/dev/loop\d+(p\d+)?$")),
    ("virtio", re.compile(r"/dev/vd[a-z]+\d*$")),
    ("xen", re.compile(r"/dev/xvd[a-z]+\d*$")),
    ("nvme", re.compile(r"/dev/nvme\d+n\d+(p\d+)?$")),
    ("scsi", re.compile(r"/dev/sd[a-z]+\d*$")),
    ("dm", re.compile(r"/dev/(mapper/|dm-\d|md\d|md/)")),
)
PSEUDO_FSTYPES = frozenset(
    """proc sysfs cgroup cgroup2 devpts mqueue debugfs tracefs securityfs pstore bpf
    configfs hugetlbfs binfmt_misc autofs nsfs fusectl efivarfs selinuxfs rpc_pipefs
    nfsd sockfs pipefs anon_inodefs devtmpfs_pseudo rootfs usbfs xenfs""".split()
)
NETWORK_FSTYPES = frozenset(
    "nfs nfs4 cifs smb3 smbfs 9p ceph glusterfs afs lustre gpfs virtiofs ncpfs davfs".split()
)
TMPFS_FSTYPES = frozenset({"tmpfs", "devtmpfs", "ramfs"})
OVERLAY_FSTYPES = frozenset({"overlay", "overlayfs", "aufs", "fuse-overlayfs"})


@lru_cache(maxsize=8192)
def source_kind(source: str, fstype: str) -> str:
    """What a mount's source is: loop, virtio, xen, nvme, scsi, dm, overlay,
    tmpfs, pseudo, network, fuse, none, or other."""
    if source.startswith("/dev/"):
        for kind, pattern in SOURCE_KIND_BY_DEVICE:
            if pattern.match(source):
                return kind
    base = fstype.split(".", 1)[0]
    if fstype in OVERLAY_FSTYPES:
        return "overlay"
    if base == "fuse" or fstype == "fuseblk":
        return "fuse"
    if fstype in TMPFS_FSTYPES:
        return "tmpfs"
    if fstype in PSEUDO_FSTYPES:
        return "pseudo"
    if fstype in NETWORK_FSTYPES or source.startswith("//"):
        return "network"
    if source in ("", "none"):
        return "none"
    return "other"


SOURCE_KINDS = (
    "loop", "virtio", "xen", "nvme", "scsi", "dm", "overlay", "tmpfs",
    "pseudo", "network", "fuse", "none", "other",
)


# --- captures and trees ------------------------------------------------------


@dataclass
class Capture:
    """One mount table and where it came from."""

    mounts: list[Mount]
    format: str
    origin: str
    fields: frozenset[str]
    title: str | None = None
    warnings: list[InputWarning] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    # Parent row of each mount when the input drew the tree (findmnt tree
    # output, findmnt -J): the drawn structure, used when there are no ids.
    layout_parents: list[int] | None = None
    # The live signals of the classifier, when the capture carries them.
    signals: Any = None
    first_line: int = 1
    last_line: int = 0
    # The input text the mounts were read from, when it is kept (snapshots).
    raw_text: str | None = None
    # findmnt output filtered by type or options: drawn parents are the
    # nearest shown ancestors, not the real parents.
    filtered: bool = False

    @cached_property
    def tree(self) -> MountTree:
        return MountTree.build(self)

    @property
    def label(self) -> str:
        return f"{self.origin} ({self.title})" if self.title else self.origin


@dataclass
class MountTree:
    """Parent and child links between the mounts of a capture, by index.

    Built in one pass over dictionaries: O(n), plus sorting siblings by id as
    findmnt does. Nothing is dropped: a mount whose parent is absent becomes a
    root marked orphan, a cycle is broken and reported.
    """

    parent: list[int]
    children: list[list[int]]
    roots: list[int]
    orphan: list[bool]
    # A mount on the same target as its parent: it hides (shadows) the parent.
    stacked: list[bool]
    shadowed: list[bool]
    built_from: str
    problems: list[tuple[int, str]]

    @classmethod
    def build(cls, capture: Capture) -> MountTree:
        mounts = capture.mounts
        if mounts and all(m.mount_id is not None for m in mounts) and "parent_id" in capture.fields:
            return cls._by_ids(mounts)
        if capture.layout_parents is not None and len(capture.layout_parents) == len(mounts):
            return cls._finish(mounts, list(capture.layout_parents), "layout", [], sort=False)
        return cls._by_prefix(mounts)

    @classmethod
    def _by_ids(cls, mounts: list[Mount]) -> MountTree:
        problems: list[tuple[int, str]] = []
        index_of: dict[int, int] = {}
        for i, m in enumerate(mounts):
            assert m.mount_id is not None
            if m.mount_id in index_of:
                problems.append((i, f"duplicate mount id {m.mount_id}; children attach to the first"))
            else:
                index_of[m.mount_id] = i
        parent = [-1] * len(mounts)
        for i, m in enumerate(mounts):
            p = index_of.get(m.parent_id) if m.parent_id is not None else None
            if p is not None and p != i:
                parent[i] = p
        _break_cycles(parent, problems)
        return cls._finish(mounts, parent, "ids", problems, sort=True)

    @classmethod
    def _by_prefix(cls, mounts: list[Mount]) -> MountTree:
        """Nest each target under the longest mounted prefix seen before it.

        A guess (built_from "paths"): the format has no mount ids. A mount
        that no earlier prefix covers hangs under the "/" that covers it
        even when "/" comes later (hosts that pivot_root list / after /proc).
        """
        latest: dict[str, int] = {}
        parent = [-1] * len(mounts)
        uncovered = []
        for i, m in enumerate(mounts):
            target = m.target
            if target in latest:
                parent[i] = latest[target]
            elif target.startswith("/") and target != "/":
                path = target.rstrip("/")
                while path:
                    path = path[: path.rfind("/")]
                    p = latest.get(path or "/")
                    if p is not None:
                        parent[i] = p
                        break
                else:
                    uncovered.append(i)
            latest[target] = i
        root = latest.get("/")  # the top-most "/": the one a reader sees
        if root is not None:
            for i in uncovered:
                parent[i] = root  # a "/" never has a parent after it: no cycle
        return cls._finish(mounts, parent, "paths", [], sort=False)

    @classmethod
    def _finish(
        cls,
        mounts: list[Mount],
        parent: list[int],
        built_from: str,
        problems: list[tuple[int, str]],
        sort: bool,
    ) -> MountTree:
        n = len(mounts)
        children: list[list[int]] = [[] for _ in range(n)]
        for i, p in enumerate(parent):
            if p >= 0:
                children[p].append(i)
        if sort:
            # findmnt lists siblings by mount id, not in file order (a stable
            # sort keeps duplicate ids in file order).
            ids = [m.mount_id or 0 for m in mounts]
            for kids in children:
                if len(kids) > 1:
                    kids.sort(key=ids.__getitem__)
        roots = [i for i in range(n) if parent[i] < 0]
        if built_from == "ids" and roots:
            # findmnt's root: the entry with the smallest parent id, walked up.
            primary = min(roots, key=lambda r: (mounts[r].parent_id is None, mounts[r].parent_id or 0, r))
            roots.remove(primary)
            roots.insert(0, primary)
        orphan = [False] * n
        for r in roots[1:] if built_from == "ids" else ():
            orphan[r] = True
        stacked = [False] * n
        shadowed = [False] * n
        for i, p in enumerate(parent):
            if p >= 0 and mounts[p].target == mounts[i].target:
                stacked[i] = True
                shadowed[p] = True
        return cls(parent, children, roots, orphan, stacked, shadowed, built_from, problems)

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

    def path_to(self, index: int) -> list[int]:
        """Ancestors of a mount from its root down to the mount itself."""
        path = [index]
        while self.parent[path[-1]] >= 0:
            path.append(self.parent[path[-1]])
        path.reverse()
        return path


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
            problems.append((first, f"parent ids form a cycle of {len(cycle)} mounts; shown as a root"))
        for visited in path:
            state[visited] = 2
