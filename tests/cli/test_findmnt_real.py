"""mountscope against the real findmnt (util-linux), on generated mountinfo files.

Two directions:
- golden: ``findmnt -F FILE -J`` and ``mountscope tree FILE --json`` give the
  same tree of target, source, fstype and options;
- every output form findmnt prints of a table (tree, -l, -a, -r, -P, -J,
  --tree, chosen columns, and a real terminal of 60 and 80 columns) parses
  back to what the mountinfo says.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from benchmarks.generate import generate
from tests.helpers import FINDMNT, REPO, needs_findmnt, parse, run_cli
from tests.helpers.pty import run_in_pty

pytestmark = needs_findmnt

EDGE = REPO / "tests" / "data" / "edge.mountinfo"


@pytest.fixture(params=["edge", "gen1", "gen2", "gen3"])
def table(request, tmp_path: Path) -> Path:
    if request.param == "edge":
        return EDGE
    path = tmp_path / f"{request.param}.mountinfo"
    path.write_text(generate(150, seed=int(request.param[-1])))
    return path


def findmnt(*args: str) -> str:
    done = subprocess.run([FINDMNT, *args], capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.decode("utf-8", "surrogateescape")


def flatten(filesystems: list[dict]) -> list[tuple]:
    rows: list[tuple] = []
    stack = [(entry, 0) for entry in reversed(filesystems)]
    while stack:
        entry, depth = stack.pop()
        rows.append(
            (
                depth,
                entry.get("target"),
                entry.get("source"),
                entry.get("fstype"),
                entry.get("options"),
            )
        )
        stack.extend((child, depth + 1) for child in reversed(entry.get("children", [])))
    return rows


def test_tree_json_is_the_same_tree_as_findmnt(table: Path):
    theirs = json.loads(findmnt("-F", str(table), "-J"))
    ours = run_cli("tree", str(table), "--json")
    assert ours.returncode == 0, ours.stderr
    mine = json.loads(ours.stdout.decode("utf-8", "surrogateescape"))
    assert flatten(mine["filesystems"]) == flatten(theirs["filesystems"])


def _truth(table: Path, tree: bool) -> list[tuple]:
    """(depth or None, target, display source, fstype, options) from the mountinfo."""
    reference = parse(table.read_text(encoding="utf-8", errors="surrogateescape"))
    assert reference.format == "mountinfo"
    if tree:
        order = list(reference.tree.walk())
    else:
        order = [(i, None) for i in range(len(reference.mounts))]
    m = reference.mounts
    return [(d, m[i].target, m[i].display_source, m[i].fstype, m[i].options) for i, d in order]


FORMS = {
    "tree": ((), True, "findmnt"),
    "ascii": (("-a",), True, "findmnt"),
    "list": (("-l",), False, "findmnt"),
    "raw": (("-r",), False, "findmnt-raw"),
    "raw-tree": (("-r", "--tree"), True, "findmnt-raw"),
    "pairs": (("-P",), False, "findmnt-pairs"),
    "pairs-tree": (("-P", "--tree"), True, "findmnt-pairs"),
    "json": (("-J",), True, "findmnt-json"),
    "json-list": (("-J", "-l"), False, "findmnt-json"),
}


@pytest.mark.parametrize("form", FORMS)
def test_every_findmnt_output_form_reads_back(table: Path, form: str):
    args, tree, fmt = FORMS[form]
    capture = parse(findmnt("-F", str(table), *args), origin=form)
    assert capture.format == fmt
    assert not capture.warnings, [str(w) for w in capture.warnings]
    if tree:
        got = [
            (
                d,
                capture.mounts[i].target,
                capture.mounts[i].display_source,
                capture.mounts[i].fstype,
                capture.mounts[i].options,
            )
            for i, d in capture.tree.walk()
        ]
    else:
        got = [(None, m.target, m.display_source, m.fstype, m.options) for m in capture.mounts]
    assert got == _truth(table, tree)


def test_chosen_columns_with_ids_rebuild_the_tree_from_ids(table: Path):
    text = findmnt(
        "-F",
        str(table),
        "-l",
        "-o",
        "ID,PARENT,MAJ:MIN,TARGET,SOURCE,FSROOT,PROPAGATION,OPT-FIELDS",
    )
    capture = parse(text)
    reference = parse(table.read_text(encoding="utf-8", errors="surrogateescape"))
    assert capture.tree.built_from == "ids"
    assert capture.tree.parent == reference.tree.parent
    for mine, truth in zip(capture.mounts, reference.mounts, strict=True):
        assert (mine.mount_id, mine.parent_id, mine.devno, mine.fsroot, mine.source) == (
            truth.mount_id,
            truth.parent_id,
            truth.devno,
            truth.fsroot,
            truth.source,
        )
        assert mine.optional_fields == truth.optional_fields
        assert mine.propagation == truth.propagation


def test_tree_in_the_second_column(table: Path):
    capture = parse(findmnt("-F", str(table), "-o", "SOURCE,TARGET"))
    truth = _truth(table, tree=True)
    got = [
        (d, capture.mounts[i].target, capture.mounts[i].display_source)
        for i, d in capture.tree.walk()
    ]
    assert got == [row[:3] for row in truth]


@pytest.mark.parametrize("cols", [60, 80, 120])
def test_findmnt_in_a_real_terminal_reads_back(table: Path, cols: int):
    """Rows that overflow are joined back; values cut by the width are flagged, never wrong."""
    screen_bytes = run_in_pty([FINDMNT, "-F", str(table)], cols=cols)
    capture = parse(screen_bytes.decode("utf-8", "surrogateescape"), origin=f"pty{cols}")
    truth = _truth(table, tree=True)
    got = [(d, capture.mounts[i]) for i, d in capture.tree.walk()]
    assert len(got) == len(truth)
    for (depth, mount), (t_depth, target, source, fstype, options) in zip(got, truth, strict=True):
        assert (depth, mount.target, mount.display_source) == (t_depth, target, source)
        for field, value in (("fstype", fstype), ("options", options)):
            shown = getattr(mount, field)
            assert value.startswith(shown), (field, shown, value)
            if shown != value:
                assert field in mount.truncated, (mount.target, field, shown, value)
