"""Captures as they really reach people: behind log, chat and quote prefixes,
as headerless findmnt lists, as broken JSON, collapsed or elided, piped, as an
fstab, or from a host whose table lists / late.

The samples in tests/data/arrivals are synthetic: written by hand from the
documented formats (proc(5), mount(8), findmnt(8), fstab(5)), not captured.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from mountscope.parsers import parse_text
from tests.helpers import REPO, parse, run_cli
from tests.helpers.pty import Terminal

DATA = REPO / "tests" / "data" / "arrivals"


def read(name: str):
    path = DATA / name
    return parse_text(path.read_text(encoding="utf-8"), str(path))


# --- log, chat and quote prefixes ---------------------------------------------

PREFIXED = {
    # file: (format, mounts, what the prefix looked like)
    "aws-logs-tail.txt": ("mount", 4, "2024/05/01/[$LATEST]"),
    "python-logging.txt": ("proc-mounts", 4, "INFO"),
    "loguru-mountinfo.txt": ("mountinfo", 4, "09:59:08.929 |"),
    "chat.txt": ("proc-mounts", 4, "bob:"),
    "quoted.md": ("findmnt", 5, "'>'"),
}


@pytest.mark.parametrize("name", sorted(PREFIXED))
def test_a_shared_prefix_is_removed_and_said(name: str):
    fmt, count, shown = PREFIXED[name]
    (capture,) = read(name)
    assert capture.format == fmt
    assert len(capture.mounts) == count
    notes = [w for w in capture.warnings if "removed" in w.message]
    assert len(notes) == 1 and shown in notes[0].message
    for mount in capture.mounts:
        # No part of a prefix in any field.
        for value in (mount.source, mount.target, mount.fstype, mount.options):
            assert "2024" not in value and "2021" not in value and "bob" not in value
            assert not value.startswith((">", "|", "INFO"))
        assert mount.target.startswith("/")


def test_a_prefix_keeps_the_space_of_an_empty_source():
    (capture,) = read("python-logging.txt")
    empty = next(m for m in capture.mounts if m.target == "/mnt/empty")
    assert empty.source == "" and empty.fstype == "tmpfs"


def test_prefixed_lines_keep_their_line_numbers():
    (capture,) = read("chat.txt")
    assert [m.line for m in capture.mounts] == [3, 4, 5, 6]
    (capture,) = read("loguru-mountinfo.txt")
    assert capture.mounts[3].target == "/mnt/my disk" and capture.mounts[3].source == "my src"


def test_the_prefix_note_reaches_stderr():
    result = run_cli("tree", str(DATA / "aws-logs-tail.txt"))
    assert result.returncode == 0
    assert b"a log prefix" in result.stderr and b"removed" in result.stderr
    assert b"2024" not in result.stdout


def test_ascii_tree_art_is_not_a_log_separator():
    text = (
        "TARGET        SOURCE FSTYPE OPTIONS\n/             /dev/a ext4   rw\n"
        "|-/proc       proc   proc   rw\n| `-/proc/x   x      tmpfs  rw\n`-/sys        sysfs  sysfs  rw\n"
    )
    capture = parse(text)
    assert [m.target for m in capture.mounts] == ["/", "/proc", "/proc/x", "/sys"]
    assert capture.tree.depths() == [0, 1, 2, 1]
    assert not [w for w in capture.warnings if "removed" in w.message]


# --- pipes and the live keyword ------------------------------------------------


def test_piped_input_is_read_without_a_file_and_said():
    data = (DATA / "loguru-mountinfo.txt").read_bytes()
    result = run_cli("tree", "-l", "-o", "TARGET", stdin=data)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [b"TARGET", b"/", b"/proc", b"/sys", b"/mnt/my", b"disk"]
    assert b"reading standard input" in result.stderr


def test_classify_reads_a_pipe_too():
    result = run_cli("classify", stdin=(DATA / "aws-logs-tail.txt").read_bytes())
    assert result.returncode == 0, result.stderr
    assert b"reading standard input" in result.stderr


def test_a_file_named_live_wins_over_the_keyword(tmp_path: Path):
    (tmp_path / "live").write_text("proc /proc proc rw 0 0\n/dev/x /only/in/the/file ext4 rw 0 0\n")
    result = run_cli("tree", "live", "-l", "-o", "TARGET", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert b"/only/in/the/file" in result.stdout
    result = run_cli("diff", "live", "live", cwd=tmp_path)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("command", ["tree", "classify", "diff"])
def test_every_command_that_takes_a_capture_documents_live(command: str):
    result = run_cli(command, "--help")
    text = b" ".join(result.stdout.split())
    assert b"'live'" in text and b"a file named live wins" in text


def test_main_help_documents_live():
    result = run_cli("--help")
    assert b"'live'" in result.stdout


def test_tui_reads_keys_from_the_terminal_after_stdin(tmp_path: Path):
    sample = DATA / "loguru-mountinfo.txt"
    term = Terminal(
        ["sh", "-c", f"exec '{sys.executable}' -m mountscope --tui - < '{sample}'"],
        cols=100,
        rows=30,
        cwd=tmp_path,
    )
    try:
        term.wait_for("/mnt/my disk")
        term.send("q")
        assert term.wait_exit() == 0
    finally:
        term.close()


# --- headerless findmnt ----------------------------------------------------------

HEADERLESS = {
    "findmnt-ln.txt": (
        "findmnt",
        ["/", "/proc", "/proc/sys/fs/binfmt_misc", "/sys", "/dev", "/mnt/my share", "/mnt/empty"],
    ),
    "findmnt-rn.txt": (
        "findmnt-raw",
        ["/", "/proc", "/sys", "/mnt/my share", "/mnt/empty", "/mnt/café"],
    ),
    "findmnt-n-tree.txt": (
        "findmnt",
        ["/", "/proc", "/proc/sys/fs/binfmt_misc", "/sys", "/mnt/my share"],
    ),
}


@pytest.mark.parametrize("name", sorted(HEADERLESS))
def test_headerless_findmnt_reads_without_format(name: str):
    fmt, targets = HEADERLESS[name]
    (capture,) = read(name)
    assert capture.format == fmt
    assert [m.target for m in capture.mounts] == targets
    assert any("no header" in w.message for w in capture.warnings)
    by_target = {m.target: m for m in capture.mounts}
    assert by_target["/"].source == "/dev/vda1" and by_target["/"].fstype == "ext4"
    if "/mnt/empty" in by_target:
        assert by_target["/mnt/empty"].source == "" and by_target["/mnt/empty"].fstype == "tmpfs"
    if "/proc/sys/fs/binfmt_misc" in by_target:
        assert by_target["/proc/sys/fs/binfmt_misc"].source == "systemd-1"


def test_headerless_tree_keeps_its_depths():
    (capture,) = read("findmnt-n-tree.txt")
    assert capture.tree.depths() == [0, 1, 2, 1, 1]


def test_pairs_indented_by_tabs_are_separate_mounts():
    (capture,) = read("findmnt-P-tabs.txt")
    assert capture.format == "findmnt-pairs"
    assert [(m.target, m.source) for m in capture.mounts] == [
        ("/", "/dev/vda1"),
        ("/proc", "proc"),
        ("/mnt/my disk", "my src"),
    ]


# --- broken JSON ------------------------------------------------------------------


def test_json_with_a_trailing_comma_is_read_and_warned():
    (capture,) = read("findmnt-json-trailing-comma.json")
    assert [m.target for m in capture.mounts] == ["/", "/proc", "/mnt/empty"]
    assert capture.tree.depths() == [0, 1, 1]
    (warning,) = capture.warnings
    assert warning.line == 19 and "trailing comma" in warning.message


def test_json_cut_off_mid_object_keeps_what_is_there():
    (capture,) = read("findmnt-json-cut.json")
    assert [m.target for m in capture.mounts] == ["/", "/proc", "/sys"]
    (warning,) = capture.warnings
    assert warning.line == 19 and "cut off" in warning.message


def test_broken_json_through_the_cli():
    result = run_cli("tree", "-J", str(DATA / "findmnt-json-cut.json"))
    assert result.returncode == 0, result.stderr
    assert b"findmnt-json-cut.json:19:" in result.stderr
    import json

    assert len(json.loads(result.stdout)["filesystems"][0]["children"]) == 2


@pytest.mark.parametrize(
    "text",
    [
        '{"filesystems": [{"target": "/"',  # nothing complete before the cut
        '{"filesystems": []} {"x": [1,]}',  # two documents
        '{"filesystems": [1, 2] ] }',  # mismatched
    ],
)
def test_json_beyond_repair_is_one_clear_error(text: str, tmp_path: Path):
    path = tmp_path / "bad.json"
    path.write_text(text)
    result = run_cli("tree", str(path))
    assert result.returncode == 2
    lines = result.stderr.decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"mountscope: error: {path}")


# --- elided lines and truncated values ------------------------------------------


def test_an_elided_line_keeps_its_mount_with_the_rest_unknown():
    (capture,) = read("mount-elided.txt")
    assert [m.target for m in capture.mounts] == ["/", "/dev", "/proc", "/sys", "/run"]
    dev = capture.mounts[1]
    assert (dev.source, dev.fstype, dev.truncated) == ("devtmpfs", "", ("fstype", "options"))
    sys_ = capture.mounts[3]
    assert (sys_.fstype, sys_.truncated) == ("sysfs", ("options",))
    assert {w.line for w in capture.warnings} == {3, 5}


def test_truncated_values_are_marked_in_the_tree_and_in_json():
    import json

    text = (
        "TARGET                     SOURCE      FSTYPE  OPTIONS\n"
        "/                          /dev/vda1   ext4    rw,relatime,errors=remount-ro\n"
        "├─/proc                    proc        proc    rw,nosuid,nodev,noexec,relatime\n"
        "│ └─/proc/sys/fs/binfmt_misc\n"
        "│                          binfmt_misc binfmt_ rw,nosuid,nodev,noexec,relatime\n"
        "└─/dev                     udev        devtmpf rw,nosuid,relatime,size=10240k,\n"
    )
    path = DATA / "findmnt-80-columns.txt"
    assert path.read_text(encoding="utf-8") == text
    tree = run_cli("tree", str(path), "-o", "TARGET,FSTYPE")
    assert tree.returncode == 0, tree.stderr
    out = tree.stdout.decode()
    assert "binfmt_…" in out and "devtmpf…" in out and "proc…" not in out
    listed = json.loads(run_cli("tree", "-J", "-l", str(path)).stdout)["filesystems"]
    by_target = {e["target"]: e for e in listed}
    assert by_target["/dev"]["fstype"] == "devtmpf"  # the value as it came
    assert set(by_target["/dev"]["truncated"]) == {"fstype", "options"}
    assert "truncated" not in by_target["/"]


# --- fstab -------------------------------------------------------------------------


def test_fstab_is_detected_and_said_to_be_a_wish_list():
    (capture,) = read("fstab.txt")
    assert capture.format == "fstab"
    assert [m.target for m in capture.mounts] == [
        "/",
        "/boot",
        "/srv/my data",
        "none",
        "/tmp",
        "/mnt/nas",
    ]
    assert capture.mounts[3].fstype == "swap" and capture.mounts[0].source.startswith("UUID=")
    assert "what should be mounted" in capture.warnings[0].message
    # Listed flat, as findmnt --fstab does: the swap line is no root of a tree.
    assert capture.tree.roots == list(range(6)) and capture.tree.depths() == [0] * 6


def test_classify_does_not_judge_an_fstab():
    import json

    result = run_cli("classify", "--json", str(DATA / "fstab.txt"))
    assert result.returncode == 0, result.stderr
    verdict = json.loads(result.stdout)
    assert verdict["environment"] == "unknown" and verdict["evidence"] == []
    assert any("fstab" in c and "should be mounted" in c for c in verdict["caveats"])


def test_tree_lists_an_fstab():
    result = run_cli("tree", str(DATA / "fstab.txt"), "-o", "TARGET,FSTYPE")
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode().split()[2:] == [
        "/",
        "ext4",
        "/boot",
        "ext4",
        "/srv/my",
        "data",
        "xfs",
        "none",
        "swap",
        "/tmp",
        "tmpfs",
        "/mnt/nas",
        "cifs",
    ]
    assert b"what should be mounted" in result.stderr


def test_proc_mounts_is_not_taken_for_an_fstab():
    capture = parse("/dev/sda1 / ext4 rw,relatime 0 0\nproc /proc proc rw,nosuid 0 0\n")
    assert capture.format == "proc-mounts"


# --- collapsed spacing --------------------------------------------------------------


def test_a_collapsed_tree_reads_with_the_right_count():
    (capture,) = read("findmnt-collapsed.txt")
    assert capture.format == "findmnt" and len(capture.mounts) == 13
    by_line = {m.line: m for m in capture.mounts}
    wrapped = by_line[10]  # "│ └─/proc/sys/fs/binfmt_misc" + its continuation
    assert (wrapped.target, wrapped.source, wrapped.fstype) == (
        "/proc/sys/fs/binfmt_misc",
        "binfmt_misc",
        "binfmt_",
    )
    share = capture.mounts[-1]
    assert (share.target, share.source, share.fsroot, share.fstype) == (
        "/mnt/my share",
        "/dev/vda1",
        "/srv/share",
        "ext4",
    )
    dev = next(m for m in capture.mounts if m.target == "/dev")
    assert dev.options.endswith("nr_inodes=") and "options" in dev.truncated
    assert any(w.line == 16 and "left out" in w.message for w in capture.warnings)
    # Parents come from the paths: the stacked binfmt_misc under the autofs one.
    assert capture.tree.parent[capture.mounts.index(wrapped)] == capture.mounts.index(by_line[9])


def test_a_collapsed_tree_alone_in_a_file(tmp_path: Path):
    text = (DATA / "findmnt-collapsed.txt").read_text(encoding="utf-8").split("\n", 1)[1]
    (capture,) = parse_text(text, "collapsed.txt")
    assert len(capture.mounts) == 13


def test_raw_output_is_not_taken_for_collapsed():
    capture = parse(
        "TARGET SOURCE FSTYPE OPTIONS\n/ /dev/vda1 ext4 rw\n/mnt/my\\x20disk my\\x20src tmpfs rw\n"
    )
    assert capture.format == "findmnt-raw" and capture.mounts[1].target == "/mnt/my disk"


# --- parentage guessed from paths --------------------------------------------------


def test_root_listed_late_still_covers_what_came_before():
    (capture,) = read("pivot-root.mounts")
    tree = capture.tree
    assert tree.built_from == "paths"
    root = next(i for i, m in enumerate(capture.mounts) if m.target == "/")
    assert tree.roots == [root]
    assert [capture.mounts[i].target for i in tree.children[root]] == ["/proc", "/sys", "/dev"]
    assert capture.mounts[tree.parent[2]].target == "/sys"  # /sys/fs/cgroup


def test_an_inferred_tree_is_said_on_stderr_and_in_json():
    import json

    path = str(DATA / "pivot-root.mounts")
    result = run_cli("tree", path)
    assert result.returncode == 0 and b"inferred from the paths" in result.stderr
    document = json.loads(run_cli("tree", "-J", path).stdout)
    assert document["tree_inferred"] is True and len(document["filesystems"]) == 1
    tables = json.loads(run_cli("extract", "--json", path).stdout)
    assert tables[0]["tree_inferred"] is True
    # A format with ids, or a drawn tree, is not inferred.
    mountinfo = json.loads(run_cli("tree", "-J", str(DATA / "loguru-mountinfo.txt")).stdout)
    assert "tree_inferred" not in mountinfo
    assert b"inferred" not in run_cli("tree", str(DATA / "loguru-mountinfo.txt")).stderr


def test_elisions_in_single_spaced_output_are_warnings_not_mounts(tmp_path: Path):
    """'...' between rows of single-spaced findmnt output (read as -r) is a
    cut the author made: said as a warning, never a mount called '...'."""
    path = tmp_path / "elided.txt"
    path.write_text("TARGET SOURCE FSTYPE OPTIONS\n/a1 b c d\n...\n/a2 b c d\n…\n")
    result = run_cli("tree", "-l", "-o", "TARGET", "-n", str(path))
    assert result.stdout.decode().split() == ["/a1", "/a2"]
    assert result.stderr.decode().count("lines left out here") == 2
