"""Every input format, with inputs written from the real formats.

The inputs are the test cases of the project's formats reference (util-linux
source, kernel source, and output observed with util-linux 2.38.1 on Linux
6.18), each named by its case number there (T01...).
"""

from __future__ import annotations

import subprocess

import pytest

from mountscope.errors import ParseError
from mountscope.parsers import parse_text
from tests.helpers import FINDMNT, needs_findmnt, parse, run_cli

# --- mountinfo ---------------------------------------------------------------


def test_t01_canonical_line_bind_root_and_slave():
    c = parse("36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue\n")
    assert c.format == "mountinfo"
    (m,) = c.mounts
    assert (m.mount_id, m.parent_id, m.devno) == (36, 35, "98:0")
    assert (m.fsroot, m.target, m.fstype, m.source) == ("/mnt1", "/mnt2", "ext3", "/dev/root")
    assert (m.vfs_options, m.fs_options) == ("rw,noatime", "rw,errors=continue")
    assert m.optional_fields == "master:1"
    assert m.display_source == "/dev/root[/mnt1]"  # /dev/root kept as it is
    assert m.propagation == "private,slave"
    assert m.options == "rw,noatime,errors=continue"


def test_t02_several_optional_fields():
    m = parse(
        "465 34 253:0 / / rw,relatime shared:409 master:1 - xfs /dev/mapper/fedora-root "
        "rw,seclabel,attr2,inode64,logbufs=8,logbsize=32k,noquota\n"
    ).mounts[0]
    assert m.optional_fields == "shared:409 master:1"
    assert m.propagation == "shared,slave"
    assert m.kind == "dm"


def test_t03_propagate_from_unbindable_unknown_tag_deleted_root():
    c = parse(
        "22 1 8:2 / / rw - ext4 /dev/sda2 rw\n"
        "37 22 0:48 /kmsg//deleted /mnt/kmsg rw,nosuid,nodev master:5 propagate_from:2 - tmpfs tmpfs rw,mode=755\n"
        "38 22 0:49 / /mnt/x rw unbindable futuretag:7 - tmpfs tmpfs rw\n"
    )
    kmsg, x = c.mounts[1], c.mounts[2]
    assert kmsg.fsroot_deleted and kmsg.display_source == "tmpfs[/kmsg//deleted]"
    assert kmsg.propagation == "private,slave"
    assert x.optional_fields == "unbindable futuretag:7"
    assert x.propagation == "private,unbindable"
    assert not c.warnings


def test_t04_path_escapes_and_raw_utf8():
    c = parse(
        "64 63 0:40 / /mnt/my\\040disk rw,relatime - tmpfs my\\040src rw,size=1024k\n"
        "65 63 0:41 / /mnt/tab\\011here rw,relatime - tmpfs tabfs rw,size=1024k\n"
        "66 63 0:42 / /mnt/nl\\012here rw,relatime - tmpfs nlfs rw,size=1024k\n"
        "67 63 0:43 / /mnt/back\\134slash rw,relatime - tmpfs bsfs rw,size=1024k\n"
        "68 63 0:44 / /mnt/café rw,relatime - tmpfs cafe rw,size=1024k\n"
    )
    assert [m.target for m in c.mounts] == [
        "/mnt/my disk",
        "/mnt/tab\there",
        "/mnt/nl\nhere",
        "/mnt/back\\slash",
        "/mnt/café",
    ]
    assert c.mounts[0].source == "my src"


def test_t05_empty_source_is_not_the_options():
    m = parse("70 63 0:46 / /mnt/empty rw,relatime - tmpfs  rw,size=1024k\n").mounts[0]
    assert m.source == "" and m.fs_options == "rw,size=1024k"


def test_t06_source_is_a_dash():
    m = parse("71 63 0:47 / /mnt/dash rw,relatime - tmpfs - rw,size=1024k\n").mounts[0]
    assert (m.fstype, m.source, m.fs_options) == ("tmpfs", "-", "rw,size=1024k")


def test_t07_hyphens_around_the_separator():
    c = parse(
        "363 28 8:1 / /media/neon/DEBB-1E3A rw,nosuid,nodev,relatime shared:228 - vfat /dev/sda1 rw,uid=999,gid=999,fmask=0022\n"
        "364 28 8:2 / /mnt/a\\040-\\040b rw shared:229 - ext4 /dev/sda2 rw\n"
    )
    assert [m.target for m in c.mounts] == ["/media/neon/DEBB-1E3A", "/mnt/a - b"]
    assert c.mounts[0].fstype == "vfat"


def test_t08_hash_in_source_new_and_old_kernels():
    c = parse(
        "69 63 0:45 / /mnt/hash#dir rw,relatime - tmpfs \\043weird rw,size=1024k\n"
        "70 63 0:45 / /mnt/hash#dir2 rw,relatime - tmpfs #weird rw,size=1024k\n"
    )
    assert [m.source for m in c.mounts] == ["#weird", "#weird"]
    assert c.mounts[0].target == "/mnt/hash#dir"


def test_t09_nsfs_root_is_not_a_path():
    m = parse("82 63 0:4 net:[4026532178] /mnt/netns/x rw - nsfs nsfs rw\n").mounts[0]
    assert m.fsroot == "net:[4026532178]"
    assert m.display_source == "nsfs[net:[4026532178]]"


def test_t11_btrfs_subvolumes_and_a_missing_parent():
    c = parse(
        "20 1 259:3 /root / rw,relatime - btrfs /dev/sdc1 rw,compress=zstd:3,ssd,space_cache=v2,subvolid=256,subvol=/root\n"
        "21 1 259:3 / /mnt/a rw,relatime - btrfs /dev/sdc1 rw,compress=zstd:3,ssd,space_cache=v2,subvolid=5,subvol=/\n"
    )
    assert c.mounts[0].display_source == "/dev/sdc1[/root]"
    assert c.mounts[1].display_source == "/dev/sdc1"
    assert c.tree.roots == [0, 1] and c.tree.orphan == [False, True]


def test_t13_messy_container_table():
    c = parse(
        "220 189 8:3 /arch / rw,relatime shared:50 - ext4 /dev/sda3 rw\n"
        "222 220 0:52 / /dev rw,nosuid shared:52 - tmpfs tmpfs rw,mode=755\n"
        "223 222 0:53 / /dev/shm rw,nosuid,nodev shared:53 - tmpfs tmpfs rw\n"
        "225 222 0:21 /5 /dev/console rw,nosuid,noexec,relatime shared:57 master:4 - devpts devpts rw,gid=5,mode=620,ptmxmode=000\n"
        "97 222 0:57 / /dev/mqueue rw,relatime shared:70 - mqueue mqueue rw\n"
        "108 222 0:60 / /dev/hugepages rw,relatime shared:71 - hugetlbfs hugetlbfs rw\n"
    )
    tree = c.tree
    assert tree.roots == [0]
    # findmnt lists siblings by mount id: 97, 108, 223, 225.
    assert [c.mounts[k].mount_id for k in tree.children[1]] == [97, 108, 223, 225]
    assert c.mounts[0].display_source == "/dev/sda3[/arch]"
    assert c.mounts[3].display_source == "devpts[/5]"


def test_t14_chroot_without_root_is_a_forest():
    c = parse(
        "15 20 0:3 / /proc rw,relatime - proc /proc rw\n"
        "16 20 0:15 / /sys rw,relatime - sysfs /sys rw\n"
        "17 20 0:5 / /dev rw,relatime - devtmpfs udev rw,size=1983516k,nr_inodes=495879,mode=755\n"
        "18 17 0:10 / /dev/pts rw,relatime - devpts devpts rw,gid=5,mode=620,ptmxmode=000\n"
        "40 20 8:6 / /boot rw,noatime - ext3 /dev/sda6 rw,errors=continue,barrier=0,data=ordered\n"
    )
    assert len(c.mounts) == 5
    assert sorted(c.mounts[r].target for r in c.tree.roots) == ["/boot", "/dev", "/proc", "/sys"]
    assert c.tree.children[2] == (3,)


@pytest.mark.parametrize(
    "text",
    [
        "1 1 0:1 / / rw - rootfs rootfs rw\n15 1 0:3 / /proc rw,relatime - proc proc rw\n",
        "20 0 0:17 / / rw,relatime - btrfs /dev/sdd3 rw,subvolid=5,subvol=/\n"
        "16 20 0:4 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw\n",
    ],
)
def test_t15_self_parent_and_parent_zero(text):
    c = parse(text)
    assert c.tree.roots == [0] and c.tree.children[0] == (1,)


def test_t16_parent_cycle_terminates_and_is_reported():
    c = parse("10 11 0:1 / /a rw - tmpfs a rw\n11 10 0:2 / /b rw - tmpfs b rw\n")
    assert len(c.mounts) == 2
    assert c.tree.roots == [0] and c.tree.children[0] == (1,)
    assert any("cycle" in problem for _, problem in c.tree.problems)
    assert len(list(c.tree.walk())) == 2


def test_t17_duplicate_ids_keep_every_entry():
    c = parse(
        "20 1 8:4 / / rw - ext4 /dev/sda4 rw\n"
        "21 20 0:53 / /mnt/a rw - tmpfs a rw\n"
        "21 20 0:54 / /mnt/b rw - tmpfs b rw\n"
        "22 21 0:55 / /mnt/a/x rw - tmpfs x rw\n"
    )
    assert len(c.mounts) == 4
    assert c.tree.parent[3] == 1  # attached to the first entry with id 21
    assert any("duplicate mount id 21" in p for _, p in c.tree.problems)
    assert len(list(c.tree.walk())) == 4


def test_t18_old_cifs_spaces_and_backslashes_in_super_options():
    m = parse(
        "31 21 0:23 / /DATA/foo_bla_bla rw,relatime - cifs //foo/BLA\\040BLA\\040BLA/ "
        "rw,sec=ntlm,cache=loose,unc=\\\\foo\\BLA BLA BLA,username=x\n"
    ).mounts[0]
    assert m.source == "//foo/BLA BLA BLA/"
    assert m.fs_options == "rw,sec=ntlm,cache=loose,unc=\\\\foo\\BLA BLA BLA,username=x"
    assert m.kind == "network"


def test_t19_quoted_selinux_context_stays_one_option():
    from mountscope.model import split_options

    m = parse(
        '81 63 0:50 / /mnt/ovl/merged rw,relatime - overlay overlay rw,context="system_u:object_r:'
        'container_file_t:s0:c405,c729",lowerdir=/mnt/sp\\040ace/lo\\040wer,upperdir=/mnt/ovl/upper\n'
    ).mounts[0]
    items = split_options(m.fs_options)
    assert items[1] == 'context="system_u:object_r:container_file_t:s0:c405,c729"'
    assert items[2] == "lowerdir=/mnt/sp ace/lo wer"


def test_t20_crlf_blank_line_and_no_final_newline():
    c = parse(
        "15 20 0:3 / /proc rw,relatime - proc proc rw\r\n\r\n20 1 8:4 / / rw,noatime - ext3 /dev/sda4 rw"
    )
    assert [m.target for m in c.mounts] == ["/proc", "/"]
    assert c.tree.roots == [1] and c.tree.children[1] == (0,)


def test_malformed_mountinfo_line_is_a_warning_with_its_line_number():
    c = parse(
        "20 1 8:4 / / rw - ext4 /dev/sda4 rw\n21 20 0:53 / /mnt/a rw tmpfs a rw\n"
        "22 20 0:54 / /mnt/b rw - tmpfs b rw\n",
        origin="cap.txt",
    )
    assert [m.target for m in c.mounts] == ["/", "/mnt/b"]
    (warning,) = c.warnings
    assert str(warning).startswith("cap.txt:2: skipped:")


# --- /proc/mounts --------------------------------------------------------------


def test_t21_proc_mounts_from_a_new_kernel():
    c = parse(
        "my\\040src /mnt/my\\040disk tmpfs rw,relatime,size=1024k 0 0\n"
        "\\043weird /mnt/hash#dir tmpfs rw,relatime,size=1024k 0 0\n"
        " /mnt/empty tmpfs rw,relatime,size=1024k 0 0\n"
        "- /mnt/dash tmpfs rw,relatime,size=1024k 0 0\n"
        "overlay /mnt/ovl/merged overlay rw,relatime,lowerdir=/mnt/sp\\040ace/lo\\040wer,upperdir=/mnt/ovl/upper 0 0\n"
        "nsfs /mnt/netns/x nsfs rw 0 0\n"
    )
    assert c.format == "proc-mounts"
    assert [m.source for m in c.mounts] == ["my src", "#weird", "", "-", "overlay", "nsfs"]
    assert c.mounts[0].target == "/mnt/my disk" and c.mounts[2].target == "/mnt/empty"
    assert all(m.mount_id is None and m.fsroot is None for m in c.mounts)
    assert "fsroot" not in c.fields


def test_t22_old_kernel_rootfs_raw_hash_and_deleted_suffix():
    c = parse(
        "rootfs / rootfs rw 0 0\n"
        "/dev/mapper/centos-root / xfs rw,seclabel,relatime,attr2,inode64,noquota 0 0\n"
        "#weird /mnt/hash tmpfs rw,relatime 0 0\n"
        "udev /chroot/dev/loop0p2\\040(deleted) devtmpfs rw,relatime,size=1959476k 0 0\n"
    )
    assert len(c.mounts) == 4
    assert c.mounts[2].source == "#weird"  # data, not a comment (findmnt drops it)
    assert c.mounts[3].target == "/chroot/dev/loop0p2" and c.mounts[3].target_deleted
    # The real / is stacked on rootfs.
    assert c.tree.parent[1] == 0 and c.tree.stacked[1] and c.tree.shadowed[0]
    assert any("#" in w.message for w in c.warnings)


# --- mount(8) output -------------------------------------------------------------


def test_t23_util_linux_mount_output():
    c = parse(
        "my src on /mnt/my disk type tmpfs (rw,relatime,size=1024k)\n"
        "tabfs on /mnt/tab?here type tmpfs (rw,relatime,size=1024k)\n"
        " on /mnt/empty type tmpfs (rw,relatime,size=1024k)\n"
        "overlay on /mnt/ovl/merged type overlay (rw,relatime,lowerdir=/mnt/sp ace/lo wer,upperdir=/mnt/ovl/upper)\n"
        "nsfs on /mnt/netns/x type nsfs (rw)\n"
    )
    assert c.format == "mount"
    m = c.mounts
    assert (m[0].source, m[0].target) == ("my src", "/mnt/my disk")
    assert m[1].lossy == ("target",)
    assert m[2].source == "" and m[2].target == "/mnt/empty"
    assert "lowerdir=/mnt/sp ace/lo wer" in m[3].options
    assert m[4].display_source == "nsfs"


def test_t24_label_suffix_and_legacy_mtab_bind():
    c = parse(
        "/dev/sda1 on /boot type ext4 (rw,relatime) [BOOT]\n/srv on /data type none (rw,bind)\n"
    )
    assert dict(c.mounts[0].extra) == {"LABEL": "BOOT"}
    assert (c.mounts[1].fstype, c.mounts[1].options) == ("none", "rw,bind")


def test_t25_busybox_escapes_and_misread_empty_source():
    c = parse(
        "my\\040src on /mnt/my\\040disk type tmpfs (rw,relatime,size=1024k)\n"
        "\\043weird on /mnt/hash#dir type tmpfs (rw,relatime,size=1024k)\n"
        "/mnt/empty on tmpfs type rw,relatime,size=1024k (0)\n"
    )
    m = c.mounts
    assert (m[0].source, m[0].target, m[1].source) == ("my src", "/mnt/my disk", "#weird")
    assert (m[2].source, m[2].target, m[2].fstype, m[2].options) == (
        "",
        "/mnt/empty",
        "tmpfs",
        "rw,relatime,size=1024k",
    )
    assert any("misread" in w.message for w in c.warnings)


# --- findmnt human tables ---------------------------------------------------------


def test_t26_tree_on_an_80_column_terminal():
    c = parse(
        "TARGET                       SOURCE      FSTYPE  OPTIONS\n"
        "/                            /dev/vda1   ext4    rw,relatime,errors=remount-ro\n"
        "├─/proc                      proc        proc    rw,nosuid,nodev,noexec,relatime\n"
        "│ └─/proc/sys/fs/binfmt_misc systemd-1   autofs  rw,relatime,fd=30,pgrp=1,timeou\n"
        "│   └─/proc/sys/fs/binfmt_misc\n"
        "│                            binfmt_misc binfmt_ rw,nosuid,nodev,noexec,relatime\n"
        "├─/dev                       udev        devtmpf rw,nosuid,relatime,size=10240k,\n"
        "└─/mnt/my share              /dev/vda1[/srv/share]\n"
        "                                         ext4    rw,relatime,errors=remount-ro\n"
    )
    assert c.format == "findmnt"
    targets = [(m.target, m.display_source, m.fstype) for m in c.mounts]
    assert targets == [
        ("/", "/dev/vda1", "ext4"),
        ("/proc", "proc", "proc"),
        ("/proc/sys/fs/binfmt_misc", "systemd-1", "autofs"),
        ("/proc/sys/fs/binfmt_misc", "binfmt_misc", "binfmt_"),
        ("/dev", "udev", "devtmpf"),
        ("/mnt/my share", "/dev/vda1[/srv/share]", "ext4"),
    ]
    assert [d for _, d in c.tree.walk()] == [0, 1, 2, 3, 1, 1]
    assert c.tree.stacked[3]
    assert "fstype" in c.mounts[3].truncated and "fstype" in c.mounts[4].truncated
    assert "options" in c.mounts[2].truncated and "options" in c.mounts[4].truncated
    assert "options" not in c.mounts[0].truncated  # its line ends before column 80
    assert c.mounts[5].options == "rw,relatime,errors=remount-ro"


def test_t27_very_narrow_terminal_rows_over_three_lines():
    c = parse(
        "TARGET SOURCE FSTYPE OPTIONS\n"
        "/      /dev/sda4\n"
        "              ext3   rw,noat\n"
        "├─/proc\n"
        "│      /proc  proc   rw,rela\n"
        "│ ├─/proc/sys/fs/binfmt_misc\n"
        "│ │    systemd-1\n"
        "│ │           autofs rw,rela\n"
    )
    got = [(m.target, m.source, m.fstype, m.options) for m in c.mounts]
    assert got == [
        ("/", "/dev/sda4", "ext3", "rw,noat"),
        ("/proc", "/proc", "proc", "rw,rela"),
        ("/proc/sys/fs/binfmt_misc", "systemd-1", "autofs", "rw,rela"),
    ]
    assert [d for _, d in c.tree.walk()] == [0, 1, 2]


def test_t28_whitespace_only_continuation_line():
    c = parse(
        "TARGET             SOURCE FREQ\n/                  /dev/sda4\n"
        + " " * 26
        + "\n|-/proc            /proc  \n"
    )
    assert [(m.target, m.source) for m in c.mounts] == [("/", "/dev/sda4"), ("/proc", "/proc")]


def test_t29_ascii_tree_and_a_tree_in_the_second_column():
    ascii_tree = parse(
        "TARGET           SOURCE    FSTYPE OPTIONS\n"
        "/                /dev/sda2 ext4   rw,relatime\n"
        "|-/mnt/my disk   /dev/sdb1 vfat   rw,relatime\n"
        "| `-/mnt/my disk over      tmpfs  rw,relatime\n"
        "`-/mnt/empty               tmpfs  rw,relatime,size=4k\n"
    )
    second = parse(
        "SOURCE    TARGET\n"
        "/dev/sda2 /\n"
        "/dev/sdb1 ├─/mnt/my disk\n"
        "over      │ └─/mnt/my disk\n"
        "          └─/mnt/empty\n"
    )
    for c in (ascii_tree, second):
        assert [d for _, d in c.tree.walk()] == [0, 1, 2, 1]
        assert [m.target for m in c.mounts] == ["/", "/mnt/my disk", "/mnt/my disk", "/mnt/empty"]
        assert c.mounts[3].source == ""
    assert ascii_tree.mounts[2].source == "over"


def test_t30_right_aligned_and_padded_columns():
    c = parse(
        "ID PARENT MAJ:MIN TARGET                         PROPAGATION OPT-FIELDS\n"
        "22      1 254:1   /                              shared      shared:1\n"
        "23     22   0:21  ├─/sys                         shared      shared:7\n"
        "28     23   0:6   │ ├─/sys/kernel/security       shared      shared:8\n"
    )
    assert [(m.mount_id, m.parent_id, m.devno) for m in c.mounts] == [
        (22, 1, "254:1"),
        (23, 22, "0:21"),
        (28, 23, "0:6"),
    ]
    assert c.tree.built_from == "ids"


def test_t31_opt_fields_with_a_space_take_the_rest_of_the_line():
    c = parse(
        "ID TARGET      SOURCE                PROPAGATION        OPT-FIELDS\n"
        "22 /           /dev/sda2             private            \n"
        "37 ├─/mnt/kmsg tmpfs[/kmsg//deleted] private,slave      master:5 propagate_from:2\n"
        "38 └─/mnt/x    tmpfs                 private,unbindable unbindable futuretag:7\n"
    )
    assert [m.optional_fields for m in c.mounts] == [
        "",
        "master:5 propagate_from:2",
        "unbindable futuretag:7",
    ]
    assert c.mounts[1].fsroot == "/kmsg//deleted"


def test_t32_hex_escapes_in_human_output():
    c = parse(
        "TARGET             SOURCE    FSTYPE OPTIONS\n"
        "/                  /dev/sda4 ext4   rw\n"
        "├─/mnt/a\\x5cx41b   tmpfs     tmpfs  rw\n"
        '├─/mnt/q"uo`te$    tmpfs     tmpfs  rw\n'
        "└─/mnt/tab\\x09here tabfs     tmpfs  rw\n"
    )
    assert [m.target for m in c.mounts[1:]] == ["/mnt/a\\x41b", '/mnt/q"uo`te$', "/mnt/tab\there"]


def test_t33_filtered_tree_is_a_forest():
    c = parse(
        "TARGET         SOURCE    FSTYPE OPTIONS\n"
        "/mnt/my disk   /dev/sdb1 vfat   rw,relatime\n"
        "└─/mnt/my disk over      tmpfs  rw,relatime\n"
        "/mnt/empty               tmpfs  rw,relatime,size=4k\n"
    )
    assert len(c.mounts) == 3 and c.tree.roots == [0, 2]
    assert c.mounts[2].source == ""


def test_list_output_without_art():
    c = parse(
        "TARGET     SOURCE FSTYPE OPTIONS\n/          /dev/sda1 ext4 rw\n/proc      proc   proc   rw\n"
    )
    assert [m.target for m in c.mounts] == ["/", "/proc"]
    assert c.tree.parent == [-1, 0]  # nested by path, not drawn


def test_headerless_tree_guesses_default_columns():
    c = parse(
        "/            /dev/vda1 ext4  rw,relatime\n"
        "├─/proc      proc      proc  rw,nosuid\n"
        "└─/mnt/data  /dev/vdb  xfs   rw\n"
    )
    assert [(m.target, m.source, m.fstype, m.options) for m in c.mounts] == [
        ("/", "/dev/vda1", "ext4", "rw,relatime"),
        ("/proc", "proc", "proc", "rw,nosuid"),
        ("/mnt/data", "/dev/vdb", "xfs", "rw"),
    ]
    assert "no header" in c.warnings[0].message


# --- findmnt -r, -P, -J ---------------------------------------------------------------


def test_t34_raw_output():
    c = parse(
        "TARGET SOURCE FSTYPE OPTIONS\n"
        "/mnt/my\\x20disk my\\x20src tmpfs rw,relatime,size=1024k\n"
        "/mnt/back\\x5cslash bsfs tmpfs rw,relatime,size=1024k\n"
        "/mnt/caf\\xc3\\xa9 cafe tmpfs rw,relatime,size=1024k\n"
        "/mnt/empty  tmpfs rw,relatime,size=1024k\n"
        "/mnt/netns/x nsfs[net:[4026532178]] nsfs rw\n"
    )
    assert c.format == "findmnt-raw"
    assert [(m.target, m.source) for m in c.mounts] == [
        ("/mnt/my disk", "my src"),
        ("/mnt/back\\slash", "bsfs"),
        ("/mnt/café", "cafe"),
        ("/mnt/empty", ""),
        ("/mnt/netns/x", "nsfs"),
    ]
    assert c.mounts[4].fsroot == "net:[4026532178]"


def test_t35_raw_and_pairs_with_tree_art():
    raw = parse(
        "TARGET SOURCE FSTYPE OPTIONS\n"
        "/ /dev/vda1 ext4 rw,relatime,errors=remount-ro\n"
        "\\xe2\\x94\\x9c\\xe2\\x94\\x80/sys sysfs sysfs rw,nosuid,nodev,noexec,relatime\n"
        "\\xe2\\x94\\x82\\x20\\xe2\\x94\\x9c\\xe2\\x94\\x80/sys/kernel/security securityfs securityfs rw,nosuid,nodev,noexec,relatime\n"
    )
    pairs = parse(
        'TARGET="/" SOURCE="/dev/vda1" FSTYPE="ext4" OPTIONS="rw"\n'
        'TARGET="\\xe2\\x94\\x9c\\xe2\\x94\\x80/sys" SOURCE="sysfs" FSTYPE="sysfs" OPTIONS="rw"\n'
        'TARGET="\\xe2\\x94\\x82 \\xe2\\x94\\x9c\\xe2\\x94\\x80/sys/kernel/security" SOURCE="securityfs" FSTYPE="securityfs" OPTIONS="rw"\n'
    )
    for c in (raw, pairs):
        assert [m.target for m in c.mounts] == ["/", "/sys", "/sys/kernel/security"]
        assert [d for _, d in c.tree.walk()] == [0, 1, 2]


def test_t36_pairs_with_and_without_shell_names():
    c = parse(
        'TARGET="/mnt/my disk" SOURCE="my src" FSTYPE="tmpfs" OPTIONS="rw,relatime,size=1024k"\n'
        'TARGET="/mnt/q\\x22uo\\x60te\\x24" SOURCE="tmpfs" FSTYPE="tmpfs" OPTIONS="rw"\n'
        'TARGET="/mnt/empty" SOURCE="" FSTYPE="tmpfs" OPTIONS="rw,relatime,size=1024k"\n'
        'TARGET="/" MAJ:MIN="8:2" USE%="9%" FS-OPTIONS="rw,errors=remount-ro"\n'
        'TARGET="/" MAJ_MIN="8:2" USE_PCT="9%" FS_OPTIONS="rw,errors=remount-ro"\n'
    )
    assert c.format == "findmnt-pairs"
    m = c.mounts
    assert (m[0].target, m[0].source, m[1].target, m[2].source) == (
        "/mnt/my disk",
        "my src",
        '/mnt/q"uo`te$',
        "",
    )
    assert (
        (m[3].devno, m[3].fs_options)
        == (m[4].devno, m[4].fs_options)
        == ("8:2", "rw,errors=remount-ro")
    )


def test_t37_json_tree_and_old_list_layout():
    tree = parse(
        '{"filesystems": [{"target": "/mnt", "source": "base", "fstype": "tmpfs", '
        '"options": "rw,relatime,size=4096k", "children": [{"target": "/mnt/tab\\there", '
        '"source": "tabfs", "fstype": "tmpfs", "options": "rw"},{"target": "/mnt/empty", '
        '"source": null, "fstype": "tmpfs", "options": "rw"}]}]}'
    )
    assert tree.format == "findmnt-json"
    assert [m.target for m in tree.mounts] == ["/mnt", "/mnt/tab\there", "/mnt/empty"]
    assert tree.mounts[2].source == "" and tree.tree.parent == [-1, 0, 0]
    old = parse(
        '{\n "filesystems": [\n {"id": "21", "target": "/", "source": "/dev/sda1", "fstype": "ext4", '
        '"options": "rw", "children": [\n {"id": "22", "target": "/proc", "source": "proc", '
        '"fstype": "proc", "options": "rw"}]}]}'
    )
    assert [m.mount_id for m in old.mounts] == [21, 22]


def test_json_lines_one_object_a_line():
    c = parse(
        '{"target": "/", "source": "/dev/sda1", "fstype": "ext4", "options": "rw"}\n'
        '{"target": "/proc", "source": "proc", "fstype": "proc", "options": "rw"}\n'
    )
    assert [m.target for m in c.mounts] == ["/", "/proc"]


# --- detection and errors --------------------------------------------------------------


def test_format_override_reads_as_named():
    c = parse("20 1 8:4 / / rw - ext4 /dev/sda4 rw\n", format_name="mountinfo")
    assert c.format == "mountinfo"
    with pytest.raises(ParseError, match="no mount table found"):
        parse_text("20 1 8:4 / / rw - ext4 /dev/sda4 rw\n", "x", "mount")


@pytest.mark.parametrize("text", ["", "hello world\n", "\x00\x01\x02binary\xff", "TARGET SOURCE\n"])
def test_no_mount_table_is_one_clear_error(text):
    with pytest.raises(ParseError) as info:
        parse_text(text, "notes.txt")
    assert str(info.value).startswith("notes.txt: no mount table found (tried: ")


def test_json_of_the_wrong_shape_and_truncated_json():
    with pytest.raises(ParseError, match="neither a mountscope snapshot nor findmnt -J"):
        parse_text('{"foo": 1}', "x.json")
    with pytest.raises(ParseError, match=r"x.json:\d+: invalid JSON"):
        parse_text('{"filesystems": [{"target": "/", ', "x.json")


def test_invalid_utf8_survives_a_round_trip_through_the_model():
    from mountscope.text import to_bytes

    raw = b"20 1 8:4 / /mnt/\xff\xfe rw - ext4 /dev/sda4 rw\n".decode("utf-8", "surrogateescape")
    m = parse(raw).mounts[0]
    assert to_bytes(m.target) == b"/mnt/\xff\xfe"


# --- a target or source that imitates the syntax around it --------------------


def test_mount_output_target_holding_a_fake_type_and_options():
    # The tail is the last " type X (" whose options close the line: the
    # target cannot pass its own "type ext4 (rw)" for the mount's.
    (m,) = parse("evil on /mnt/a type ext4 (rw) b type tmpfs (rw,relatime)\n").mounts
    assert (m.source, m.target, m.fstype, m.options) == (
        "evil",
        "/mnt/a type ext4 (rw) b",
        "tmpfs",
        "rw,relatime",
    )
    (m,) = parse("evil on /mnt/x type ext4 (ro) type tmpfs (rw) [LABEL]\n").mounts
    assert (m.target, m.fstype, m.options, dict(m.extra)) == (
        "/mnt/x type ext4 (ro)",
        "tmpfs",
        "rw",
        {"LABEL": "LABEL"},
    )


def _console_paste(lines: list[str], width: int) -> str:
    return "".join(line.ljust(width) for line in lines).rstrip() + "\n"


def test_mount_output_joined_by_a_console_paste_is_read_line_by_line():
    # A Windows console pads every line to its width; a paste that lost the
    # line breaks leaves one line, each mount starting at a multiple of it.
    lines = [
        "rootfs on / type lxfs (rw,noatime)",
        "none on /dev type tmpfs (rw,noatime,mode=755)",
        "C: on /mnt/c type drvfs (rw,noatime,uid=1000,gid=1000)",
    ]
    c = parse(_console_paste(lines, 120))
    assert c.format == "mount"
    assert [(m.target, m.fstype, m.line) for m in c.mounts] == [
        ("/", "lxfs", 1),
        ("/dev", "tmpfs", 1),
        ("/mnt/c", "drvfs", 1),
    ]
    assert any("3 mount lines joined into one" in w.message for w in c.warnings)


def test_mount_output_padding_off_the_console_grid_keeps_the_last_type_split():
    # Padding that does not fall on multiples of one width is part of a target,
    # and so is a single break (two cells could be one target with spaces).
    off_grid = "evil on /a type ext4 (rw)" + " " * 17 + "b on /c type xfs (rw)" + " " * 5
    (m,) = parse(off_grid + "d on /e type tmpfs (rw,relatime)\n").mounts
    assert (m.target, m.fstype, m.options) == (
        "/a type ext4 (rw)" + " " * 17 + "b on /c type xfs (rw)" + " " * 5 + "d on /e",
        "tmpfs",
        "rw,relatime",
    )
    one_break = "evil on /mnt/a type ext4 (rw)".ljust(60) + "b on /c type tmpfs (rw)\n"
    (m,) = parse(one_break).mounts
    assert m.target.startswith("/mnt/a type ext4 (rw) ") and m.fstype == "tmpfs"


def test_findmnt_tree_rows_cut_from_their_root_are_read():
    # "findmnt | grep x" or an excerpt: branches with no root line and no header.
    text = (
        "| |-/proc/acpi          tmpfs        tmpfs    ro,relatime,uid=165536,gid=165536\n"
        "| |-/proc/keys          udev[/null]  devtmpfs rw,nosuid,noexec,relatime,mode=755\n"
    )
    c = parse(text)
    assert c.format == "findmnt"
    assert [(m.target, m.source, m.fstype) for m in c.mounts] == [
        ("/proc/acpi", "tmpfs", "tmpfs"),
        ("/proc/keys", "udev", "devtmpfs"),
    ]
    (one,) = parse("├─/mnt/testdir   /var/lib/sysbox/shiftfs/1d8a   shiftfs rw,relatime\n").mounts
    assert (one.target, one.source, one.fstype, one.options) == (
        "/mnt/testdir",
        "/var/lib/sysbox/shiftfs/1d8a",
        "shiftfs",
        "rw,relatime",
    )
    # Prose with tree art is not a table.
    with pytest.raises(ParseError):
        parse_text("|-- a note about /etc\n|-- another one\n", "notes.txt")


# findmnt 2.38.1 on a mountinfo with a tmpfs named "s[/a]", a tmpfs named like
# Lambda's task bind, and a real bind (root /b): with FSROOT in its own column
# SOURCE still shows the bind's root, and never strips a name's own bracket.
FSROOT_MOUNTINFO = (
    "1 0 8:1 / / rw - ext4 /dev/sda1 rw\n"
    "2 1 0:22 / /mnt/s rw - tmpfs s[/a] rw\n"
    "3 1 0:23 / /var/task rw - tmpfs /dev/vdb[/opt/amazon/asc/worker/tasks/x] rw\n"
    "4 1 8:1 /b /mnt/bind rw - ext4 /dev/sda1 rw\n"
)
FSROOT_EXPECTED = [
    ("/dev/sda1", "/"),
    ("s[/a]", "/"),
    ("/dev/vdb[/opt/amazon/asc/worker/tasks/x]", "/"),
    ("/dev/sda1", "/b"),
]
FSROOT_OUTPUTS = {
    "list": "TARGET    SOURCE                                   FSROOT\n"
    "/         /dev/sda1                                /\n"
    "/mnt/s    s[/a]                                    /\n"
    "/var/task /dev/vdb[/opt/amazon/asc/worker/tasks/x] /\n"
    "/mnt/bind /dev/sda1[/b]                            /b\n",
    "tree": "TARGET      SOURCE                                   FSROOT\n"
    "/           /dev/sda1                                /\n"
    "├─/mnt/s    s[/a]                                    /\n"
    "├─/var/task /dev/vdb[/opt/amazon/asc/worker/tasks/x] /\n"
    "└─/mnt/bind /dev/sda1[/b]                            /b\n",
    "raw": "TARGET SOURCE FSROOT\n/ /dev/sda1 /\n/mnt/s s[/a] /\n"
    "/var/task /dev/vdb[/opt/amazon/asc/worker/tasks/x] /\n/mnt/bind /dev/sda1[/b] /b\n",
    "pairs": 'TARGET="/" SOURCE="/dev/sda1" FSROOT="/"\nTARGET="/mnt/s" SOURCE="s[/a]" FSROOT="/"\n'
    'TARGET="/var/task" SOURCE="/dev/vdb[/opt/amazon/asc/worker/tasks/x]" FSROOT="/"\n'
    'TARGET="/mnt/bind" SOURCE="/dev/sda1[/b]" FSROOT="/b"\n',
    "json": '{"filesystems": [{"target": "/", "source": "/dev/sda1", "fsroot": "/", "children": ['
    '{"target": "/mnt/s", "source": "s[/a]", "fsroot": "/"},'
    '{"target": "/var/task", "source": "/dev/vdb[/opt/amazon/asc/worker/tasks/x]", "fsroot": "/"},'
    '{"target": "/mnt/bind", "source": "/dev/sda1[/b]", "fsroot": "/b"}]}]}\n',
}


@pytest.mark.parametrize("form", FSROOT_OUTPUTS)
def test_a_source_ending_in_brackets_keeps_them_when_fsroot_is_a_column(form):
    c = parse(FSROOT_OUTPUTS[form])
    assert [(m.source, m.fsroot) for m in c.mounts] == FSROOT_EXPECTED


@needs_findmnt
@pytest.mark.parametrize(
    "flags", [[], ["-l"], ["-r"], ["-P"], ["-J"]], ids=["tree", "list", "raw", "pairs", "json"]
)
def test_real_findmnt_fsroot_column_and_bracketed_sources(tmp_path, flags):
    table = tmp_path / "brackets.mountinfo"
    table.write_text(FSROOT_MOUNTINFO)
    out = subprocess.run(
        [FINDMNT, "-F", str(table), *flags, "-o", "TARGET,SOURCE,FSROOT"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    assert [(m.source, m.fsroot) for m in parse(out).mounts] == FSROOT_EXPECTED


def test_a_tmpfs_named_like_the_lambda_task_bind_is_no_evidence(tmp_path):
    path = tmp_path / "list.txt"
    path.write_text(FSROOT_OUTPUTS["list"])
    done = run_cli("classify", str(path))
    verdict = done.stdout.decode()
    # Whatever the rest of the table says (here a plain disk root), the tmpfs
    # named like Lambda's task bind is no evidence of a virtio disk or of Lambda.
    assert done.returncode == 0 and not verdict.startswith(("aws-lambda", "vm", "firecracker")), (
        verdict
    )
    assert "vdb" not in verdict and "lambda" not in verdict.lower(), verdict
