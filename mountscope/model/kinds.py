"""What a mount's source is (loop device, virtio disk, overlay, tmpfs...):
one ordered table of rules."""

from __future__ import annotations

import re
from functools import lru_cache

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
    "loop",
    "virtio",
    "xen",
    "nvme",
    "scsi",
    "dm",
    "overlay",
    "tmpfs",
    "pseudo",
    "network",
    "fuse",
    "none",
    "other",
)
