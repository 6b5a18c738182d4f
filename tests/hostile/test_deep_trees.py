"""Deep and long trees are hostile input like any other.

A chain of mounts nested 25 000 to 100 000 deep, or one target a megabyte long, must
not cost work or memory beyond the size of the input: the tree is built in
time linear in the total length of the paths, the tree art (quadratic in the
depth: it is the text itself) is drawn row by row and never held for all rows,
and nothing recurses. Peak memory is the child process's own ru_maxrss,
measured by a small launcher (a child forked from pytest would count pytest's
memory as its own), under an address-space limit so that a regression fails
instead of exhausting the machine. No assertion depends on wall time.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from mountscope.model import Mount, MountTable, MountTree
from tests.helpers import run_cli

# Runs `python -m mountscope ARGS` with stdout and stderr inherited, under an
# address-space limit; prints "EXIT_STATUS PEAK_RSS_BYTES" to the report file.
LAUNCHER = """
import os, resource, sys
report, limit = sys.argv[1], int(sys.argv[2])
pid = os.fork()
if pid == 0:
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    os.execv(sys.executable, [sys.executable, "-m", "mountscope", *sys.argv[3:]])
_, status, usage = os.wait4(pid, 0)
with open(report, "w") as out:
    out.write(f"{os.waitstatus_to_exitcode(status)} {usage.ru_maxrss * 1024}")
"""
MiB = 1 << 20


def chain(depth: int, path: Path, fstype: str = "tmpfs") -> Path:
    """A mountinfo where each mount's parent is the previous one (short targets:
    the input stays linear in the depth; the ids alone make the chain)."""
    lines = ["1 0 8:1 / / rw - ext4 /dev/sda1 rw"]
    lines += [f"{n} {n - 1} 0:{n} / /d{n} rw - {fstype} t rw" for n in range(2, depth + 1)]
    path.write_text("\n".join(lines) + "\n")
    return path


def measured(
    args: list[str],
    tmp_path: Path,
    limit: int,
    stdout=subprocess.DEVNULL,
    drain=None,
    timeout: float = 300,
) -> tuple[int, int, bytes]:
    """(exit status, peak RSS in bytes, stderr) of one mountscope process.
    ``drain`` reads its stdout pipe while it runs."""
    report = tmp_path / "report"
    err = tmp_path / "stderr"
    with open(err, "wb") as errors:
        launcher = subprocess.Popen(
            [sys.executable, "-S", "-c", LAUNCHER, str(report), str(limit), *args],
            stdin=subprocess.DEVNULL,
            stdout=stdout,
            stderr=errors,
        )
        try:
            if drain is not None:
                drain(launcher.stdout)
            launcher.wait(timeout)
        finally:
            if launcher.poll() is None:  # a regression: do not leave it running
                launcher.kill()
                launcher.wait()
    status, peak = report.read_text().split()
    return int(status), int(peak), err.read_bytes()


def bound(base: int, input_bytes: int) -> int:
    """Peak memory allowed: what the command needs on a tiny input, plus a wide
    linear allowance for the input (the model holds about 1 KB a mount)."""
    return base + 80 * input_bytes


def test_a_chain_5000_deep_prints_all_its_art_in_memory_linear_in_the_input(tmp_path):
    # The text is ~2 * 5 000^2 bytes (50 MB of tree art and padding, 100 MB
    # as Python holds box drawing); before, every row's art stayed alive and
    # the process peaked far above the input's linear allowance (12 MB here).
    depth = 5_000
    small = chain(100, tmp_path / "small.mountinfo")
    deep = chain(depth, tmp_path / "deep.mountinfo")
    seen = {"bytes": 0, "lines": 0, "tail": b""}

    def drain(pipe):
        while chunk := pipe.read(1 << 16):
            seen["bytes"] += len(chunk)
            seen["lines"] += chunk.count(b"\n")
            seen["tail"] = (seen["tail"] + chunk)[-200:]

    _, base, _ = measured(["tree", str(small)], tmp_path, 1 << 30, subprocess.PIPE, drain)
    seen.update(bytes=0, lines=0, tail=b"")
    status, peak, errors = measured(["tree", str(deep)], tmp_path, 1 << 30, subprocess.PIPE, drain)
    assert status == 0 and errors == b""
    assert seen["lines"] == depth + 1  # the header and every mount
    assert seen["bytes"] > 2 * depth * depth  # the art really was written
    assert seen["tail"].endswith(
        b"\xe2\x94\x94\xe2\x94\x80/d5000 t         tmpfs  rw\n"
    )  # "└─/d5000"
    assert peak < bound(base, deep.stat().st_size), (peak // MiB, base // MiB)


def test_a_chain_25000_deep_in_every_command_without_recursion_or_runaway_memory(tmp_path):
    # 25 times Python's recursion limit: any recursion over the depth fails,
    # and the memory bound is the same linear one as at any depth.
    depth = 25_000
    small = chain(100, tmp_path / "small.mountinfo")
    deep = chain(depth, tmp_path / "deep.mountinfo")
    # diff's cost is in its pairs, not the depth: a shorter chain on its other side.
    other = chain(depth // 10, tmp_path / "other.mountinfo", fstype="ramfs")
    out = tmp_path / "out"
    limit = 2 << 30
    for args in (
        ["tree", "-l"],
        ["tree", "-J"],
        ["classify", "--json"],
        ["diff", "--json", str(other)],
    ):
        with open(out, "wb") as sink:
            _, base, _ = measured([*args, str(small)], tmp_path, limit, sink)
        with open(out, "wb") as sink:
            status, peak, errors = measured([*args, str(deep)], tmp_path, limit, sink)
        assert status == (1 if args[0] == "diff" else 0), (args, errors[-2000:])
        assert errors == b"", args
        # diff reads both of its inputs.
        read = deep.stat().st_size + (other.stat().st_size if args[0] == "diff" else 0)
        assert peak < bound(base, read), (args, peak // MiB, base // MiB)
        if args == ["tree", "-J"]:
            # findmnt's shape, nested 25 000 deep: checked line by line (a
            # recursive JSON parser could not read it back in one piece).
            lines = out.read_bytes().split(b"\n")
            opened = [line for line in lines if line.endswith(b', "children": [')]
            assert len(opened) == depth - 1
            assert (
                json.loads(opened[-1].lstrip(b",").removesuffix(b', "children": [') + b"}")[
                    "target"
                ]
                == f"/d{depth - 1}"
            )
            # Each open "children" closed, and the document itself.
            assert lines.count(b"]}") == depth and lines[-2:] == [b"]}", b""]
        if args[0] == "diff":
            summary = json.loads(out.read_bytes())["summary"]
            assert summary["changed"] == depth // 10 - 1 and summary["added"] == depth - depth // 10


def test_a_chain_100000_deep_streams_its_tree_into_a_pipe_that_closes(tmp_path):
    # Its text would be 20 GB: the first megabyte must come out at once, and
    # when the reader goes away the process ends quietly with status 141.
    small = chain(100, tmp_path / "small.mountinfo")
    deep = chain(100_000, tmp_path / "deep.mountinfo")
    got = {"bytes": 0}

    def head(pipe):  # `| head -c 1000000`: read a megabyte, then close the pipe
        while got["bytes"] < 1_000_000 and (chunk := pipe.read(1 << 16)):
            got["bytes"] += len(chunk)
        pipe.close()

    _, base, _ = measured(["tree", str(small)], tmp_path, 2 << 30, subprocess.PIPE, head)
    got["bytes"] = 0
    status, peak, errors = measured(["tree", str(deep)], tmp_path, 2 << 30, subprocess.PIPE, head)
    assert got["bytes"] >= 1_000_000
    assert status == 141 and errors == b""
    assert peak < bound(base, deep.stat().st_size), (peak // MiB, base // MiB)


# --- one long target -----------------------------------------------------------

LONG = "/a" * 500_000  # 1 MB


def test_a_one_megabyte_target_nests_under_its_mounted_prefixes_in_every_format_without_ids(
    tmp_path,
):
    # Slicing every prefix of this path took 87-94 s before; now about a second.
    tables = {
        "mounts": f"/dev/sda1 / ext4 rw 0 0\ntmpfs /a/a tmpfs rw 0 0\ntmpfs {LONG} tmpfs rw 0 0\n"
        f"tmpfs {LONG}/b tmpfs rw 0 0\n",
        "mount": f"/dev/sda1 on / type ext4 (rw)\ntmpfs on /a/a type tmpfs (rw)\n"
        f"tmpfs on {LONG} type tmpfs (rw)\ntmpfs on {LONG}/b type tmpfs (rw)\n",
        "findmnt -l": f"TARGET SOURCE FSTYPE OPTIONS\n/ /dev/sda1 ext4 rw\n/a/a tmpfs tmpfs rw\n"
        f"{LONG} tmpfs tmpfs rw\n{LONG}/b tmpfs tmpfs rw\n",
    }
    for name, text in tables.items():
        path = tmp_path / "long.txt"
        path.write_text(text)
        result = run_cli("tree", "-o", "TARGET", "-n", str(path), timeout=120)
        assert result.returncode == 0, (name, result.stderr[-2000:])
        rows = result.stdout.decode().splitlines()
        assert [row[:10] for row in rows] == ["/", "└─/a/a", "  └─/a/a/a", "    └─/a/a"], name
        assert rows[3] == "    └─" + LONG + "/b", name


def _cpu_seconds_to_build(capture: MountTable) -> float:
    """The least CPU time of three builds (CPU time, not wall time: a busy
    machine slows both sizes alike)."""
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        MountTree.build(capture)
        best = min(best, time.process_time() - started)
    return best


def _paths_capture(targets: list[str]) -> MountTable:
    return MountTable(
        [Mount(target) for target in targets], "mounts", "test", frozenset({"target"})
    )


def test_tree_building_from_paths_grows_linearly_with_path_length():
    # Ten times longer paths, about ten times the work (quadratic was 100 times).
    # Long paths whose every prefix must be looked for, one and many of them.
    def one(n: int) -> list[str]:
        return ["/", "/a/a", "/a" * n + "/b"]

    def many(n: int) -> list[str]:
        return ["/"] + [f"/m{k}" + "/a" * (n // 40) for k in range(40)]

    for make in (one, many):
        small, large = (_cpu_seconds_to_build(_paths_capture(make(n))) for n in (12_500, 125_000))
        assert large < 35 * max(small, 1e-3), (make.__name__, small, large)


def test_many_mounts_with_long_deep_paths_build_in_linear_time():
    # 2 000 mounts nested /p/p/p... 2 000 deep: the input is 4 MB (quadratic
    # in the count), the work must be linear in those 4 MB.
    for n in (200, 2_000):
        targets = ["/"] + ["/p" * k for k in range(1, n)]
        tree = MountTree.build(_paths_capture(targets))
        assert tree.parent == [-1, *range(n - 1)]
    small = _cpu_seconds_to_build(_paths_capture(["/"] + ["/p" * k for k in range(1, 632)]))
    large = _cpu_seconds_to_build(_paths_capture(["/"] + ["/p" * k for k in range(1, 2000)]))
    assert large < 35 * max(small, 1e-3), (small, large)  # 10 times the input


def test_the_apps_tree_state_handles_a_chain_100000_deep():
    from mountscope.tui.tree_state import TreeState

    depth = 100_000
    parent = [-1, *range(depth - 1)]
    children = [[k + 1] for k in range(depth - 1)] + [[]]
    state = TreeState([0], children)
    assert len(state.rows) == depth
    assert state.art(depth - 1) == "  " * (depth - 2) + "└─"
    state.collapse(0)
    assert state.rows == [0]
    state.reveal(depth - 1, parent.__getitem__)
    assert len(state.rows) == depth
    state.set_filter({depth - 1}, parent.__getitem__)
    assert len(state.rows) == depth
    assert state.next_in_order(None, True, lambda n: n == depth - 1) == depth - 1
