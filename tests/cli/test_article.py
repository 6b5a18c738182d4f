"""The article's five findmnt tables: every one comes out, with the right counts and tree."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import ARTICLE, parse, run_cli

EXPECTED = [  # (title, first line, mounts) in excerpt.txt
    ("パターン1", 10),
    ("パターン2", 10),
    ("findmnt", 14),
    ("findmnt", 14),
    ("findmnt", 14),
]


def test_extract_finds_all_five_tables_in_the_excerpt():
    result = run_cli("extract", str(ARTICLE / "excerpt.txt"), "--json")
    assert result.returncode == 0, result.stderr
    tables = json.loads(result.stdout)
    assert [(t["index"], t["format"], t["title"], t["mounts"]) for t in tables] == [
        (i, "findmnt", title, count) for i, (title, count) in enumerate(EXPECTED, 1)
    ]
    assert all(t["first_line"] < t["last_line"] for t in tables)


@pytest.mark.parametrize("name", ["lambda-pattern1.txt", "lambda-pattern2.txt"])
def test_tree_prints_the_same_tree_as_the_article(name: str):
    result = run_cli("tree", str(ARTICLE / name))
    assert result.returncode == 0 and result.stderr == b""
    assert result.stdout.decode() == (ARTICLE / name).read_text()


def test_pattern_two_model():
    c = parse((ARTICLE / "lambda-pattern2.txt").read_text())
    task = next(m for m in c.mounts if m.target == "/var/task")
    assert task.source == "/dev/vdb"
    assert (
        task.fsroot
        == "/opt/amazon/asc/worker/tasks/<AWSアカウントID>/<Lambda関数名>/<UUIDらしきランダムな文字列>"
    )
    assert task.kind == "virtio" and task.is_bind
    assert c.fields == frozenset({"target", "source", "fsroot"})
    boot_id = next(m for m in c.mounts if m.target.endswith("boot_id"))
    assert c.mounts[c.tree.parent[c.mounts.index(boot_id)]].target == "/proc"


def test_wrapped_rows_of_the_firecracker_tables_are_joined():
    c = parse((ARTICLE / "firecracker-bind.txt").read_text())
    task = c.mounts[-1]
    assert (task.target, task.source, task.fstype, task.options) == (
        "/var/task",
        "/dev/vdb",
        "ext4",
        "ro,relatime,data=ordered",
    )
    assert (
        task.fsroot
        == "/opt/amazon/asc/worker/tasks/123456789012/lambdafunc/3cd7e9c3-499e-4c08-98e4-dd7e2f348d0a"
    )
    binfmt = next(m for m in c.mounts if m.target == "/proc/sys/fs/binfmt_misc")
    assert (binfmt.source, binfmt.fstype, binfmt.truncated) == (
        "binfmt_misc",
        "binfmt_",
        ("fstype",),
    )
    dev = next(m for m in c.mounts if m.target == "/dev")
    assert dev.options == "rw,nosuid,relatime,size=10240k,nr_i" and "options" in dev.truncated


@pytest.mark.parametrize("index,target", [(1, "/var/task"), (2, "/var/task"), (4, "/var/task")])
def test_file_hash_n_picks_a_table(index: int, target: str, tmp_path: Path):
    result = run_cli("tree", f"{ARTICLE / 'excerpt.txt'}#{index}", "-o", "TARGET,SOURCE", "-J")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    kids = [c["target"] for c in document["filesystems"][0]["children"]]
    assert target in kids


def test_plain_file_with_many_tables_uses_the_first_and_says_so():
    result = run_cli("tree", str(ARTICLE / "excerpt.txt"))
    assert result.returncode == 0
    assert b"holds 5 mount tables; using #1" in result.stderr
    assert result.stdout.decode() == (ARTICLE / "lambda-pattern1.txt").read_text()
