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
        # One field.
        ("target:/tmp", {3}),
        ("TARGET:overlay", {4}),
        ("source:vdb[/opt", {2}),
        ("fstype:ext", {0, 2}),
        ("option:nosuid", {3}),
        ("options:size=", {3}),
        ("option:ro", {0, 1}),  # a substring of the merged options: errors=remount-ro too
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
