"""What a mount's source is (loop device, virtio disk, overlay, tmpfs...):
one ordered table of rules."""

from __future__ import annotations

import re
from enum import StrEnum
from functools import cache, lru_cache


class SourceKind(StrEnum):
    """What a mount's source is (the values are the words shown and written)."""

    LOOP = "loop"
    VIRTIO = "virtio"
    XEN = "xen"
    NVME = "nvme"
    SCSI = "scsi"
    DM = "dm"
    OVERLAY = "overlay"
    TMPFS = "tmpfs"
    PSEUDO = "pseudo"
    NETWORK = "network"
    FUSE = "fuse"
    NONE = "none"
    OTHER = "other"


# --- source kinds ------------------------------------------------------------

# Ordered rules: the first that matches names the kind. Device names come
# first (a loop device holding ext4 is "loop"), then filesystem types.
# The patterns are compiled when a device is first looked at (_device_rules).
SOURCE_KIND_BY_DEVICE: tuple[tuple[SourceKind, str], ...] = (
    (SourceKind.LOOP, r"/dev/loop\d+(p\d+)?$"),
    (SourceKind.VIRTIO, r"/dev/vd[a-z]+\d*$"),
    (SourceKind.XEN, r"/dev/xvd[a-z]+\d*$"),
    (SourceKind.NVME, r"/dev/nvme\d+n\d+(p\d+)?$"),
    (SourceKind.SCSI, r"/dev/sd[a-z]+\d*$"),
    (SourceKind.DM, r"/dev/(mapper/|dm-\d|md\d|md/)"),
)


@cache
def _device_rules() -> tuple[tuple[SourceKind, re.Pattern[str]], ...]:
    return tuple((kind, re.compile(pattern)) for kind, pattern in SOURCE_KIND_BY_DEVICE)


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
def source_kind(source: str, fstype: str) -> SourceKind:
    """What a mount's source is: the first device rule that matches, else by
    filesystem type."""
    if source.startswith("/dev/"):
        for kind, pattern in _device_rules():
            if pattern.match(source):
                return kind
    base = fstype.split(".", 1)[0]
    if fstype in OVERLAY_FSTYPES:
        return SourceKind.OVERLAY
    if base == "fuse" or fstype == "fuseblk":
        return SourceKind.FUSE
    if fstype in TMPFS_FSTYPES:
        return SourceKind.TMPFS
    if fstype in PSEUDO_FSTYPES:
        return SourceKind.PSEUDO
    if fstype in NETWORK_FSTYPES or source.startswith("//"):
        return SourceKind.NETWORK
    if source in ("", "none"):
        return SourceKind.NONE
    return SourceKind.OTHER


# --- how kinds are drawn ------------------------------------------------------

# The one table of source-kind styles, by name: the text output maps each name
# to ANSI (mountscope.render.styles), the app to a component class (tui).
# Disks other than virtio share one style: telling virtio apart is the point.
KIND_STYLE: dict[SourceKind, str] = {
    SourceKind.LOOP: "loop",
    SourceKind.VIRTIO: "virtio",
    SourceKind.XEN: "disk",
    SourceKind.NVME: "disk",
    SourceKind.SCSI: "disk",
    SourceKind.DM: "disk",
    SourceKind.OVERLAY: "overlay",
    SourceKind.TMPFS: "tmpfs",
    SourceKind.PSEUDO: "pseudo",
    SourceKind.NETWORK: "network",
    SourceKind.FUSE: "network",
    SourceKind.NONE: "pseudo",
    SourceKind.OTHER: "",
}
# A bind mount's "[fsroot]" after its source.
BIND_STYLE = "bind"
# The legend: each style name once, with what it means.
KIND_LEGEND: tuple[tuple[str, str], ...] = (
    ("loop", "loop device"),
    ("virtio", "virtio disk"),
    ("disk", "other disk"),
    (BIND_STYLE, "[bind root]"),
    ("overlay", "overlay"),
    ("tmpfs", "tmpfs"),
    ("pseudo", "pseudo"),
    ("network", "network/fuse"),
)
