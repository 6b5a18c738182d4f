"""Tree building: ids, drawn layout, paths; stacked mounts, orphans, cycles, depth."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mountscope.render import findmnt
from mountscope.text import printable_ascii, shown_as_is
from tests.helpers import parse, run_cli


def test_paths_nest_under_the_longest_mounted_prefix_in_table_order():
    c = parse(
        "/dev/sda1 / ext4 rw 0 0\n"
        "proc /proc proc rw 0 0\n"
        "tmpfs /mnt/a tmpfs rw 0 0\n"
        "tmpfs /mnt/a/b/c tmpfs rw 0 0\n"
        "tmpfs /mnt/a tmpfs rw 0 0\n"  # stacked on the first /mnt/a
        "tmpfs /mnt/a/d tmpfs rw 0 0\n"  # under the visible (upper) /mnt/a
        "tmpfs /mntx tmpfs rw 0 0\n"  # a prefix of characters is not a parent path
    )
    assert c.tree.built_from == "paths"
    assert c.tree.parent == [-1, 0, 0, 2, 2, 4, 0]
    assert c.tree.stacked == [False, False, False, False, True, False, False]
    assert c.tree.shadowed[2]


def test_ten_thousand_deep_chain_builds_and_prints_without_recursion(write):
    depth = 10_000
    lines = ["1 0 8:1 / / rw - ext4 /dev/sda1 rw"]
    path = ""
    for n in range(2, depth + 1):
        path += "/d"
        lines.append(f"{n} {n - 1} 0:{n} / {path} rw - tmpfs t rw")
    capture = parse("\n".join(lines) + "\n")
    walked = list(capture.tree.walk())
    assert len(walked) == depth and walked[-1][1] == depth - 1
    chunks = b"".join(findmnt.json_chunks(capture, findmnt.choose_columns("TARGET", capture)))
    assert chunks.count(b'"children"') == depth - 1
    assert chunks.count(b"[") == chunks.count(b"]")
    result = run_cli("tree", str(write("\n".join(lines[:3000]) + "\n")), "-o", "TARGET", "-n")
    assert result.returncode == 0, result.stderr
    rows = result.stdout.decode().splitlines()
    assert len(rows) == 3000 and rows[-1].endswith("└─" + "/d" * 2999)


def test_cycle_longer_than_two_is_cut_once():
    c = parse(
        "1 3 0:1 / /a rw - tmpfs a rw\n2 1 0:2 / /a/b rw - tmpfs b rw\n3 2 0:3 / /a/b/c rw - tmpfs c rw\n"
    )
    assert c.tree.roots == [0]
    assert len(list(c.tree.walk())) == 3
    assert len(c.tree.problems) == 1


def test_walk_draws_findmnt_art():
    c = parse(
        "1 0 8:1 / / rw - ext4 a rw\n2 1 0:2 / /x rw - tmpfs b rw\n3 2 0:3 / /x/y rw - tmpfs c rw\n"
        "4 1 0:4 / /z rw - tmpfs d rw\n"
    )
    drawn = [art + c.mounts[i].target for i, art in findmnt.walk_with_art(c)]
    assert drawn == ["/", "├─/x", "│ └─/x/y", "└─/z"]
    drawn_ascii = [art + c.mounts[i].target for i, art in findmnt.walk_with_art(c, ascii_only=True)]
    assert drawn_ascii == ["/", "|-/x", "| `-/x/y", "`-/z"]


def test_deep_tree_json_is_valid_nested_json():
    import json

    lines = ["1 0 8:1 / / rw - ext4 /dev/sda1 rw"]
    for n in range(2, 401):
        lines.append(f"{n} {n - 1} 0:{n} / {'/d' * (n - 1)} rw - tmpfs t rw")
    capture = parse("\n".join(lines) + "\n")
    document = json.loads(
        b"".join(findmnt.json_chunks(capture, findmnt.choose_columns(None, capture)))
    )
    node, depth = document["filesystems"][0], 0
    while "children" in node:
        (node,) = node["children"]
        depth += 1
    assert depth == 399 and node["target"] == "/d" * 399


def _nest_by_slicing(targets: list[str]) -> list[int]:
    """The plain definition of path nesting: the latest mount on the longest
    proper prefix ending before a "/" (the empty prefix is "/"), the same target first;
    an absolute path that nothing before it covers hangs under the last "/"
    listed, even a later one (hosts that pivot_root list / after /proc)."""
    latest: dict[str, int] = {}
    parent = [-1] * len(targets)
    uncovered = []
    for i, target in enumerate(targets):
        if target in latest:
            parent[i] = latest[target]
        elif target.startswith("/") and target != "/":
            path = target.rstrip("/")
            while path:
                path = path[: path.rfind("/")]
                if (path or "/") in latest:
                    parent[i] = latest[path or "/"]
                    break
            else:
                uncovered.append(i)
        latest[target] = i
    if "/" in latest:
        for i in uncovered:
            parent[i] = latest["/"]
    return parent


def test_path_nesting_of_long_and_odd_paths_follows_the_plain_definition():
    # Long paths take another way through the code (prefix hashes): both must
    # agree with slicing on doubled and trailing slashes, stacks and repeats.
    import random

    from mountscope.model.table import SHORT_PATH, Mount, MountTable

    rng = random.Random(12)
    parts = ["a", "b", "", "ab", "a" * 100]
    for _ in range(300):
        targets: list[str] = []
        for _ in range(rng.randint(1, 25)):
            if targets and rng.random() < 0.5:
                base = rng.choice(targets)  # extend or repeat an earlier target
            else:
                base = rng.choice(["", "/", "//"])
            extra = "/".join(rng.choice(parts) for _ in range(rng.randint(0, 8)))
            targets.append(
                base + ("/" if rng.random() < 0.8 else "") + extra + rng.choice(["", "/", "//"])
            )
        capture = MountTable([Mount(t) for t in targets], "mounts", "test", frozenset({"target"}))
        assert capture.tree.parent == _nest_by_slicing(targets), targets
    assert any(len(t) > SHORT_PATH for t in targets)


def test_art_of_a_comb_with_pending_siblings_is_drawn_like_findmnt():
    # Each level holds a subtree and a last leaf still to draw: the bars of all
    # open levels are drawn from one shared list, and the widths measured from
    # the depth alone match the art drawn afterwards.
    lines = ["1 0 8:1 / / rw - ext4 a rw"]
    lines += [f"{n} {n - 1} 0:{n} / /c{n - 1} rw - tmpfs t rw" for n in range(2, 6)]
    lines += [f"{n} {n - 5} 0:{n} / /leaf{n - 5} rw - tmpfs t rw" for n in range(6, 10)]
    c = parse("\n".join(lines) + "\n")
    expected = [
        "/",
        "├─/c1",
        "│ ├─/c2",
        "│ │ ├─/c3",
        "│ │ │ ├─/c4",
        "│ │ │ └─/leaf4",
        "│ │ └─/leaf3",
        "│ └─/leaf2",
        "└─/leaf1",
    ]
    assert [art + c.mounts[i].target for i, art in findmnt.walk_with_art(c)] == expected
    table = list(findmnt.table_lines(c, findmnt.choose_columns("TARGET,FSTYPE", c)))
    assert table == [f"{'TARGET':<14} FSTYPE"] + [
        f"{row:<14} {'ext4' if row == '/' else 'tmpfs'}" for row in expected
    ]


def test_plain_rows_are_written_as_the_general_line_writes_them():
    """table_lines writes a plain row (one-cell characters, no color) with
    one str.format; it must give what _line() gives for every such row, with
    right-aligned columns first, in the middle and last, and empty cells."""
    from benchmarks.generate import generate

    lines = generate(300, seed=7).splitlines()
    # A mount with no optional fields and one with a wide character, beside the generated ones.
    lines.append("900 1 0:90 / /srv/empty rw - tmpfs none rw")
    lines.append("901 1 0:91 / /srv/日本 rw - tmpfs t rw")
    capture = parse("\n".join(lines) + "\n")
    specs = [
        None,
        "ID,TARGET,PARENT",
        "TARGET,ID",
        "MAJ:MIN,TARGET,OPT-FIELDS",
        "TARGET,OPT-FIELDS,FREQ",
        "FREQ,TARGET,SOURCE",
    ]
    checked = 0
    for spec in specs:
        columns = findmnt.choose_columns(spec, capture)
        right = [c.right for c in columns]
        getters = findmnt.cell_getters(columns)
        tree_col = next((k for k, c in enumerate(columns) if c.name == "TARGET"), None)
        rows, widths = findmnt._measure(
            capture.tree.walk(), capture.mounts, columns, getters, tree_col, True
        )
        template = findmnt.plain_template(widths, right)
        for _, values, plain in rows:
            if plain and not (right[-1] and not values[-1]):
                assert template(*values) == findmnt._line(values, widths, right, True)
                checked += 1
        assert any(not plain for _, _, plain in rows)
    assert checked > 1500


def _drawing_cases():
    """Captures that take either path: generated tables, the samples, the
    edge cases (escapes, tabs, newlines, a literal \\x, wide characters) and
    tables whose only oddity is one cell."""
    from benchmarks.generate import generate
    from tests.helpers import REPO

    texts = [generate(300, seed=3), (REPO / "tests/data/edge.mountinfo").read_text()]
    texts += [p.read_text() for p in sorted((REPO / "samples/environments").glob("*.mountinfo"))]
    base = "1 0 8:1 / / rw - ext4 /dev/sda1 rw\n2 1 0:2 / /a rw - tmpfs t rw\n"
    for odd in (
        "3 2 0:3 / /a/x\\134 rw - tmpfs x rw",  # a backslash that ends a cell, "x" after it
        "3 2 0:3 / /a/b\\134x rw - tmpfs t rw",  # a literal \x inside a cell
        "3 2 0:3 / /a/\x1b[31m rw - tmpfs t rw",  # an escape sequence
        "3 2 0:3 / /a/\x7f rw - tmpfs t rw",  # DEL
        "3 2 0:3 / /a/日本 rw - tmpfs t rw",  # wide characters
        "3 2 0:3 / /a/b rw - tmpfs  rw",  # an empty SOURCE
    ):
        texts.append(base + odd + "\n")
    return [parse(text) for text in texts]


def test_plain_tables_are_drawn_as_the_general_path_draws_them():
    """table_lines() draws a table with nothing to escape, nothing wide and
    nothing cut column by column (_plain_table); every such table must come
    out as the general, row-by-row path (_drawn_lines) draws it, with any
    columns, tree or list, ASCII art or not, with or without a header."""
    specs = [None, "ID,TARGET,PARENT", "TARGET,ID", "MAJ:MIN,TARGET,OPT-FIELDS", "FREQ,SOURCE"]
    plain = general = 0
    for capture in _drawing_cases():
        for spec in specs:
            columns = findmnt.choose_columns(spec, capture)
            getters = findmnt.cell_getters(columns)
            tree_col = next((k for k, c in enumerate(columns) if c.name == "TARGET"), None)
            for as_list in (False, True):
                for ascii_only in (False, True):
                    taken = findmnt._plain_table(
                        capture, columns, getters, tree_col, as_list, ascii_only
                    )
                    plain += taken is not None
                    general += taken is None
                    for header in (True, False):
                        drawn = list(
                            findmnt.table_lines(
                                capture,
                                columns,
                                as_list=as_list,
                                ascii_only=ascii_only,
                                header=header,
                            )
                        )
                        expected = findmnt._drawn_lines(
                            capture, columns, getters, tree_col, as_list, ascii_only, header, False
                        )
                        assert drawn == list(expected), (capture.origin, spec, as_list)
    assert plain > 50 and general > 20


def test_printable_ascii_is_isascii_and_isprintable():
    texts = [chr(c) for c in range(0x180)] + ["", "plain /path,rw", "a\tb", "é/x", "\udcff"]
    for text in texts:
        assert printable_ascii(text) == (text.isascii() and text.isprintable()), text
        assert printable_ascii("x" * 5000 + text) == printable_ascii(text)
        for shown in (text, "\\" + text, text + "\\", "a\\x" + text):
            plain = shown.isascii() and shown.isprintable() and "\\x" not in shown
            assert shown_as_is(shown) == plain, shown


def test_a_deep_chain_is_drawn_by_the_general_path_as_its_art_would_be_large():
    """The plain table keeps every row's art; past a bounded amount of art
    (a chain a few thousand deep) the rows are drawn as they are written."""
    lines = ["1 0 8:1 / / rw - ext4 /dev/sda1 rw"]
    path = ""
    for n in range(2, 3000):
        path += "/d"
        lines.append(f"{n} {n - 1} 0:{n} / {path} rw - tmpfs t rw")
    deep = parse("\n".join(lines[:3000]) + "\n")
    assert findmnt._tree_art(deep.tree, False) is None
    shallow = parse("\n".join(lines[:50]) + "\n")
    order, arts = findmnt._tree_art(shallow.tree, False)
    assert list(zip(order, arts, strict=True)) == list(findmnt.walk_with_art(shallow))


@pytest.mark.parametrize("writer", ["c", "python"])
def test_plain_json_is_written_as_the_general_path_writes_it(writer, monkeypatch):
    """json_chunks() writes a table of text columns by joining its cells
    and their keys (_plain_json), in batches of _JSON_BATCH rows, each
    written by _json_rows (in C, or its Python version where the module is
    not built); a batch with a cell that is not plain (printable ASCII, no
    quote, no backslash, not empty) is written row by row the general way.
    Every table must come out byte for byte as the general path
    (_dumped_json, orjson) writes it, nested or flat, and the tables it
    leaves out must go the general way."""
    if writer == "python":
        monkeypatch.setattr(findmnt, "_json_rows", findmnt._json_rows_python)
    else:
        assert findmnt._json_rows is not findmnt._json_rows_python, "the C writer is not built"
    batches = {"plain": 0, "general": 0}

    def counted(*args):
        written = write_rows(*args)
        batches["plain" if written is not None else "general"] += 1
        return written

    write_rows = findmnt._json_rows
    monkeypatch.setattr(findmnt, "_json_rows", counted)
    deep = ["1 0 8:1 / / rw - ext4 /dev/sda1 rw"]
    for n in range(2, 60):
        deep.append(f"{n} {n - 1} 0:{n} / {'/d' * (n - 1)} rw - tmpfs t rw")
    deep.append("60 1 0:60 / /z rw - tmpfs t rw")
    # More rows than a batch, with families that end inside and across batches.
    wide = ["1 0 8:1 / / rw - ext4 /dev/sda1 rw"]
    for n in range(2, 2 * findmnt._JSON_BATCH + 300):
        parent = 1 if n % 7 else n - 1
        wide.append(f"{n} {parent} 0:{n} / /w{n} rw - tmpfs t{n % 3} rw,size={n}k")
    # The same with a quote in the second batch, and an escaped space in the third.
    mixed = list(wide)
    mixed[findmnt._JSON_BATCH + 5] = mixed[findmnt._JSON_BATCH + 5].replace(" t", ' t"q', 1)
    mixed[2 * findmnt._JSON_BATCH + 9] = mixed[2 * findmnt._JSON_BATCH + 9].replace(
        " rw -", "\\040x rw -", 1
    )
    captures = [
        *_drawing_cases(),
        *(parse("\n".join(lines) + "\n") for lines in (deep, wide, mixed)),
    ]
    captures.append(parse("/dev/sda1 / ext4 rw 0 0\ntmpfs /a tmpfs rw 0 0\n"))  # tree from paths
    specs = [None, "TARGET", "TARGET,SOURCES", "ID,TARGET", "TARGET,PROPAGATION"]
    plain = general = 0
    for capture in captures:
        for spec in specs:
            columns = findmnt.choose_columns(spec, capture)
            getters = findmnt.cell_getters(columns, findmnt.CellStyle(aligned_devno=False))
            for as_list in (False, True):
                taken = findmnt._plain_json(capture, columns, getters, as_list)
                plain += taken is not None
                general += taken is None
                written = b"".join(findmnt.json_chunks(capture, columns, as_list=as_list))
                expected = b"".join(findmnt._dumped_json(capture, columns, getters, as_list, False))
                assert written == expected, (capture.origin, spec, as_list)
    assert plain > 30 and general > 30
    assert batches["plain"] > 100 and batches["general"] > 20


def _reference_tree(ids: list[int], parents: list[int], targets: list[str]):
    """The tree by ids, one mount at a time: the first mount of an id takes
    its children, a cycle is cut at its first mount in input order."""
    index_of: dict[int, int] = {}
    duplicates = []
    for i, mount_id in enumerate(ids):
        if mount_id in index_of:
            duplicates.append(i)
        else:
            index_of[mount_id] = i
    parent = []
    for i, parent_id in enumerate(parents):
        p = index_of.get(parent_id, -1)
        parent.append(-1 if p == i else p)
    cut = []
    for start in range(len(parent)):
        path, node = [], start
        while node >= 0 and node not in path:
            path.append(node)
            node = parent[node]
        if node >= 0:  # back on the path: a cycle
            first = min(path[path.index(node) :])
            parent[first] = -1
            cut.append(first)
    stacked = [p >= 0 and targets[p] == targets[i] for i, p in enumerate(parent)]
    return parent, duplicates, sorted(set(cut)), stacked


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.integers(1, 12), st.integers(0, 13), st.sampled_from("/ab")), max_size=14)
)
def test_the_tree_by_ids_is_the_one_built_mount_by_mount(rows):
    from mountscope.model import Mount, MountTable
    from mountscope.parsers import mountinfo

    mounts = [
        Mount(target=target, mount_id=mount_id, parent_id=parent_id, fsroot="/")
        for mount_id, parent_id, target in rows
    ]
    tree = MountTable(tuple(mounts), "mountinfo", "t", mountinfo.FIELDS).tree
    ids, parents, targets = ([row[k] for row in rows] for k in range(3))
    parent, duplicates, cut, stacked = _reference_tree(ids, parents, targets)
    assert tree.parent == parent
    # Siblings by mount id, as findmnt lists them; equal ids in file order.
    for node in range(len(rows)):
        family = [i for i in range(len(rows)) if parent[i] == node]
        assert list(tree.children[node]) == sorted(family, key=ids.__getitem__)
    assert tree.stacked == stacked
    assert tree.shadowed == [
        i in {p for p, s in zip(parent, stacked, strict=True) if s} for i in range(len(rows))
    ]
    problems = [i for i, text in tree.problems if "duplicate" in text]
    assert problems == duplicates
    assert sorted(i for i, text in tree.problems if "cycle" in text) == cut
