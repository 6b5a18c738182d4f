"""The filter language (mountscope/filter.py), as the app's / uses it."""

from __future__ import annotations

import pytest

from mountscope.filter import make_matcher, matching
from tests.helpers import parse

TABLE = (
    "1 0 259:1 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p1 rw,errors=remount-ro\n"
    "2 1 7:1 / /var/task ro,nodev master:2 - squashfs /dev/loop1 ro\n"
    "3 1 253:16 /opt/Work /srv/data rw - ext4 /dev/vdb rw,discard\n"
    "4 1 0:40 / /tmp rw,nosuid - tmpfs tmpfs rw,size=1024k\n"
    "5 1 0:41 / /mnt/OverLay rw - overlay overlay rw,lowerdir=/l,upperdir=/u\n"
)


@pytest.fixture(scope="module")
def mounts():
    return parse(TABLE).mounts


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # Bare text: target, source (with [fsroot]), fstype or options, any case.
        ("task", {1}),
        ("LOOP", {1}),
        ("[/opt/work]", {2}),
        ("squashfs", {1}),
        ("discard", {2}),
        ("overlay", {4}),
        ("  tmp  ", {3}),  # surrounding blanks do not count
        ("", {0, 1, 2, 3, 4}),  # nothing to look for: everything
        # One field, with findmnt's semantics: -M, -S, -t, -O.
        ("target:/tmp", {3}),
        ("target:/tmp/", {3}),  # a trailing slash does not count
        ("TARGET:/mnt/overlay", set()),  # a mount point is matched whole, with its case
        ("source:/dev/vdb", {2}),  # the source without [fsroot]
        ("source:vdb", set()),
        ("fstype:ext", set()),  # a type is matched whole
        ("fstype:ext4", {0, 2}),
        ("fstype:noext4,tmpfs", {1, 4}),  # "no" before the list: none of them
        ("type:tmpfs", {3}),
        ("option:+nosuid", {3}),  # "+" keeps the "no" of an option's name
        ("option:nosuid", {0, 1, 2, 3, 4}),  # findmnt's -O: "no" asks for the absence of suid
        ("options:size=1024k", {3}),
        ("options:size=1", set()),  # a value is compared whole
        ("option:ro", {1}),  # whole options: errors=remount-ro is not ro
        ("option:noro", {0, 2, 3, 4}),
        # Terms are ANDed; ! or - before a term negates it.
        ("fstype:ext4 option:discard", {2}),
        ("!fstype:ext4", {1, 3, 4}),
        ("-tmp", {0, 1, 2, 4}),
        ("ext4 !vdb", {0}),
        # kind: a source kind, matched whole.
        ("kind:loop", {1}),
        ("kind:LOO", set()),
        ("kind:virtio", {2}),
        ("kind:tmpfs", {3}),
        # An unknown field name is plain text, colon included.
        ("size:1024", set()),
        ("nosuid,size=1024k", {3}),
        ("target:", {0, 1, 2, 3, 4}),
    ],
)
def test_queries(mounts, query, expected):
    assert matching(mounts, query) == expected
    matcher = make_matcher(query)
    assert {i for i, m in enumerate(mounts) if matcher(m)} == expected


def test_fstype_tmpfs_is_not_devtmpfs_and_ro_is_not_remount_ro():
    table = parse(
        "1 0 8:1 / / rw - ext4 /dev/sda1 rw,errors=remount-ro\n"
        "2 1 0:5 / /dev rw,nosuid - devtmpfs udev rw,size=10k\n"
        "3 1 0:6 / /run rw,nosuid - tmpfs tmpfs rw,size=10k\n"
        "4 1 0:7 / /sys/fs/cgroup ro - cgroup2 cgroup2 rw,memory_recursiveprot\n"
        "5 1 0:8 / /media rw - fuse.sshfs h:/x rw,user_id=0,group_id=0\n"
    )
    assert matching(table.mounts, "fstype:tmpfs") == {2}
    assert matching(table.mounts, "option:ro") == {3}
    assert matching(table.mounts, "option:ro,+nosuid") == set()
    assert matching(table.mounts, "option:rw,+nosuid") == {1, 2}
    assert matching(table.mounts, "option:group_id=0 fstype:fuse.sshfs") == {4}


@pytest.mark.parametrize(
    ("size", "shown"),
    [
        (1, "1B"),
        (1023, "1023B"),
        (1024, "1K"),
        (1536, "1.5K"),
        (4096, "4K"),
        (524288, "512K"),
        (2621440, "2.5M"),
        (3 * 1024 * 1024, "3M"),
        (1024**3 - 1, "1024M"),  # rounds up into the next whole number, as util-linux does
        (int(11.8 * 1024**3), "11.8G"),
    ],
)
def test_human_sizes_as_util_linux_writes_them(size: int, shown: str):
    from mountscope.system.filesystems import human_size

    assert human_size(size) == shown


def test_select_keeps_findmnts_tree_under_a_filter():
    from mountscope.filter import Criteria, select

    table = parse(
        "1 0 8:1 / / rw - ext4 /dev/sda1 rw\n"
        "2 1 0:5 / /a rw - ext4 /dev/sdb rw\n"
        "3 2 0:6 / /a/t rw - tmpfs t1 rw\n"
        "4 1 0:7 / /b rw - tmpfs t2 rw\n"
        "5 4 0:8 / /b/c rw - tmpfs t3 rw\n"
    )
    view = select(table, Criteria(types="tmpfs"))
    # /a/t loses its parent /a and hangs at the top, like /b; /b/c stays under /b.
    assert [m.target for m in view.mounts] == ["/a/t", "/b", "/b/c"]
    assert view.tree.roots == [0, 1] and view.tree.children[1] == [2]
    listed = select(table, Criteria(types="tmpfs", first_only=True), tree=False)
    assert [m.target for m in listed.mounts] == ["/a/t"] and not listed.as_tree
    nothing = select(table, Criteria(source="/dev/nothing"), tree=False)
    assert nothing.mounts == [] and not nothing.found
