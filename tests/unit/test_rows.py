"""The row models on their own: columns, the text of each row, search;
one table (MountRows) and two side by side (PairRows)."""

from __future__ import annotations

from mountscope.diff import compare
from mountscope.tui.rows import MountRows, PairRows, StyleMap, cut, pad
from tests.helpers import parse

A = (
    "1 0 259:1 / / rw,relatime - ext4 /dev/nvme0n1p1 rw\n"
    "2 1 7:1 / /var/task ro - squashfs /dev/loop1 ro\n"
    "3 1 253:16 /opt/work /srv/data rw - ext4 /dev/vdb rw\n"
    "4 3 0:40 / /srv/data/cache rw - tmpfs tmpfs rw\n"
    "5 1 0:41 / /tmp rw - tmpfs tmpfs rw\n"
)
# B: /var/task from another loop device, /tmp gone, /mnt/new added under /
# (not a move: another filesystem).
B = (
    "1 0 259:1 / / rw,relatime - ext4 /dev/nvme0n1p1 rw\n"
    "2 1 7:2 / /var/task ro - squashfs /dev/loop2 ro\n"
    "3 1 253:16 /opt/work /srv/data rw - ext4 /dev/vdb rw\n"
    "4 3 0:40 / /srv/data/cache rw - tmpfs tmpfs rw\n"
    "6 1 0:42 / /mnt/new rw - ramfs none rw\n"
)
PLAIN = StyleMap({})  # no styles: only the text matters here


def texts(rows: MountRows | PairRows, width: int) -> list[str]:
    return [rows.render(n, width, PLAIN).plain for n in rows.state.rows]


def test_cut_and_pad_to_cells():
    assert pad("/var", 6) == "/var  "
    assert cut("/var/lib/docker", 8) == "/var/li…"
    assert cut("/var/lib/docker", 9, keep_end=True) == "…b/docker"
    assert cut("日本語", 4) == "日…"  # wide characters count two cells
    assert cut("abc", 1) == "…"


def test_one_table_header_and_rows():
    rows = MountRows(parse(A))
    header = rows.header(80).plain
    assert header.split() == ["TARGET", "SOURCE", "FSTYPE", "OPTIONS"]
    lines = texts(rows, 80)
    assert (
        lines[0].startswith("  /  ") and "/dev/nvme0n1p1" in lines[0] and "rw,relatime" in lines[0]
    )
    assert (
        lines[1].startswith("  ├─/var/task") and "/dev/loop1" in lines[1] and "squashfs" in lines[1]
    )
    assert lines[2].startswith("  ├─/srv/data") and "/dev/vdb[/opt/work]" in lines[2]
    assert lines[3].startswith("  │ └─/srv/data/cache")
    assert lines[4].startswith("  └─/tmp")
    assert all(len(line) <= 80 for line in lines)


def test_widths_come_from_the_data_and_a_narrow_view_keeps_a_paths_end():
    table = parse(
        "1 0 8:1 / / rw - ext4 /dev/sda1 rw\n"
        "2 1 0:5 / /var/lib/kubelet/pods/0123456789abcdef/volumes/projected rw "
        "- tmpfs tmpfs-with-a-long-name rw\n"
    )
    rows = MountRows(table)
    wide = rows.layout(200)
    assert wide.widths[:3] == tuple(rows.natural()[:3])  # nothing cut when it fits
    assert wide.total == 200  # the last column takes the rest
    narrow = rows.layout(60)
    assert narrow.total <= 60
    line = texts(rows, 60)[1]
    assert "…" in line and line.startswith("  └─…") and "/volumes/projected" in line


def test_marks_for_collapsed_changed_and_ascii():
    rows = MountRows(parse(A))
    rows.state.collapse(2)
    rows.changed = {4}
    lines = texts(rows, 80)
    assert lines[2].startswith("  ├─▸/srv/data")
    assert lines[-1].startswith("● └─/tmp")
    assert rows.render(1, 80, PLAIN, ascii_only=True).plain.startswith("  |-/var/task")


def test_a_table_without_fstype_or_options_has_no_such_columns():
    table = parse("TARGET SOURCE\n/      /dev/root\n└─/tmp tmpfs\n")
    rows = MountRows(table)
    assert rows.header(80).plain.split() == ["TARGET", "SOURCE"]
    assert texts(rows, 80)[1].split() == ["└─/tmp", "tmpfs"]


def test_search_uses_the_filter_language():
    rows = MountRows(parse(A))
    assert rows.search("kind:loop") == {1}
    assert rows.search("[/opt") == {2}
    assert rows.search("tmpfs") == {3, 4}
    assert not rows.is_difference(1)


def pairs() -> PairRows:
    return PairRows(compare(parse(A, "a"), parse(B, "b"), with_verdicts=False))


def by_target(rows: PairRows) -> dict[str, str]:
    return {rows.pairs[n].target: rows.render(n, 120, PLAIN).plain for n in rows.state.rows}


def test_side_by_side_rows_carry_the_difference_marks():
    rows = pairs()
    # One table: one TARGET, SOURCE split in A and B (it differs), the rest shared.
    header = rows.header(120).plain.split()
    assert header == ["TARGET", "SOURCE", "A", "│", "SOURCE", "B", "FSTYPE", "OPTIONS"]
    shown = by_target(rows)
    assert shown["/"].startswith("  /") and "│" not in shown["/"]  # the same value, once
    assert shown["/var/task"].startswith("~ ├─/var/task")  # A's table order
    a_side, b_side = shown["/var/task"].split("│")
    assert "/dev/loop1" in a_side and "/dev/loop2" in b_side and "squashfs" in b_side
    assert shown["/tmp"].startswith("- ") and shown["/tmp"].split("│")[1].split() == ["tmpfs", "rw"]
    assert shown["/mnt/new"].startswith("+ ") and "none" in shown["/mnt/new"].split("│")[1]
    differences = {rows.pairs[n].target for n in rows.state.rows if rows.is_difference(n)}
    assert differences == {"/var/task", "/tmp", "/mnt/new"}


def test_side_by_side_tree_nests_each_pair_under_its_parents_pair():
    rows = pairs()
    parent = {
        rows.pairs[n].target: rows.pairs[rows.parent_of(n)].target
        for n in rows.state.rows
        if rows.parent_of(n) >= 0
    }
    assert parent == {
        "/var/task": "/",
        "/srv/data": "/",
        "/srv/data/cache": "/srv/data",
        "/tmp": "/",
        "/mnt/new": "/",
    }


def test_side_by_side_search_and_the_pair_of_each_mount():
    rows = pairs()
    assert {rows.pairs[n].target for n in rows.search("loop2")} == {"/var/task"}
    assert {rows.pairs[n].target for n in rows.search("target:/tmp")} == {"/tmp"}
    a, b = rows.comparison.a, rows.comparison.b
    for side, table in (("a", a), ("b", b)):
        for index, mount in enumerate(table.mounts):
            node = rows.node_of(side, index)
            assert node is not None and getattr(rows.pairs[node], side) is mount


def test_side_by_side_rows_follow_as_table_order_or_paths():
    comparison = compare(parse(A, "a"), parse(B, "b"), with_verdicts=False)
    table_order = PairRows(comparison)
    assert [table_order.pairs[n].target for n in table_order.state.rows] == [
        "/",
        "/var/task",
        "/srv/data",
        "/srv/data/cache",
        "/mnt/new",  # only B has it: after the B mount before it
        "/tmp",
    ]
    by_path = PairRows(comparison, by_path=True)
    assert [by_path.pairs[n].target for n in by_path.state.rows] == [
        "/",
        "/mnt/new",
        "/srv/data",
        "/srv/data/cache",
        "/tmp",
        "/var/task",
    ]
    assert (table_order.order_label, by_path.order_label) == ("A's table order", "path order")


def test_a_filter_is_a_predicate_and_shows_the_ancestors_of_matches():
    rows = MountRows(parse(A))
    rows.state.set_filter(lambda node: node == 3)
    assert [rows.capture.mounts[n].target for n in rows.state.rows] == [
        "/",
        "/srv/data",
        "/srv/data/cache",
    ]
    assert texts(rows, 80)[2].startswith("    └─/srv/data/cache")
    rows.state.set_filter(None)
    assert len(rows.state.rows) == 5
