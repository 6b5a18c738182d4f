"""Nothing the user saved is lost or overwritten: corrupt or newer snapshots are
one-line errors; a write killed half way leaves nothing; a full disk and a
read-only folder are reported, not swallowed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from conftest import ARTICLE, UNSHARE, needs_unshare, run_cli

from mountscope.capture import snapshot_bytes
from mountscope.system.loader import load


@pytest.fixture
def snapshot_text() -> str:
    return snapshot_bytes(load(str(ARTICLE / "lambda-pattern2.txt"))).decode()


@pytest.mark.parametrize("damage,message", [
    (lambda t: t[: len(t) // 2], "invalid JSON"),
    (lambda t: t.replace('"version": 1', '"version": 7'), "snapshot version 7 is not supported"),
    (lambda t: t.replace('"table": {', '"table_": {'), 'without a "table"'),
    (lambda t: t.replace('"format": "findmnt"', '"format": "nonsense"'), "unknown format 'nonsense'"),
    (lambda t: t.replace('"text": "', '"text": 12, "x": "'), 'without a "table"'),
])
def test_damaged_snapshots_are_one_line_errors_naming_the_file(snapshot_text, damage, message, tmp_path):
    path = tmp_path / "damaged.json"
    path.write_text(damage(snapshot_text))
    result = run_cli("tree", str(path))
    assert result.returncode == 2
    lines = result.stderr.decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"mountscope: error: {path}") and message in lines[0]


WRITER = """
import os, sys
from mountscope.capture import write_atomic
real_fsync = os.fsync
def slow_fsync(fd):
    print("written", flush=True)  # every byte is in the file; it has no name yet
    import time; time.sleep(30)
os.fsync = slow_fsync
write_atomic(sys.argv[1], b"{" + b" " * (64 << 20) + b"}", force=len(sys.argv) > 2)
"""


@pytest.mark.parametrize("existing", [False, True])
def test_a_write_killed_half_way_leaves_nothing_behind(tmp_path: Path, existing: bool):
    target = tmp_path / "snap.json"
    if existing:
        target.write_text("the old snapshot")
    argv = [sys.executable, "-c", WRITER, str(target)] + (["--force"] if existing else [])
    writer = subprocess.Popen(argv, stdout=subprocess.PIPE)
    assert writer.stdout is not None
    assert writer.stdout.readline() == b"written\n"
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    assert sorted(p.name for p in tmp_path.iterdir()) == (["snap.json"] if existing else [])
    if existing:
        assert target.read_text() == "the old snapshot"


def test_a_write_killed_at_a_random_moment_leaves_the_old_file_or_the_new(tmp_path: Path):
    target = tmp_path / "snap.json"
    target.write_text("old")
    code = ("import sys; from mountscope.capture import write_atomic; "
            "write_atomic(sys.argv[1], b'N' * (256 << 20), force=True)")
    for delay in (0.05, 0.15, 0.3):
        writer = subprocess.Popen([sys.executable, "-c", code, str(target)])
        time.sleep(delay)
        writer.kill()
        writer.wait()
        content = target.read_bytes()
        assert content == b"old" or content == b"N" * (256 << 20)
        assert [p.name for p in tmp_path.iterdir()] == ["snap.json"]
        target.write_text("old")


@needs_unshare
def test_a_full_disk_is_reported_and_leaves_nothing(tmp_path: Path):
    small = tmp_path / "small"
    small.mkdir()
    script = (f"mount -t tmpfs -o size=64k tmpfs {small} && "
              f"{sys.executable} -m mountscope capture -o {small}/snap.json --title "
              f"{'x' * 100000}; echo status=$?; ls -A {small}")
    result = subprocess.run([*UNSHARE, "sh", "-c", script], capture_output=True, timeout=60)
    err = result.stderr.decode()
    if "argument list too long" in err.lower():
        pytest.skip("cannot pass a large title here")
    assert "status=2" in result.stdout.decode()
    assert f"cannot write {small}/snap.json: no space left on the device; nothing was saved" in err
    assert result.stdout.decode().strip().endswith("status=2")  # ls printed nothing


def test_saving_over_a_file_needs_force_and_keeps_it_otherwise(tmp_path: Path):
    target = tmp_path / "keep.json"
    target.write_text(json.dumps({"mine": True}))
    assert run_cli("capture", "-o", str(target)).returncode == 2
    assert json.loads(target.read_text()) == {"mine": True}
    assert os.listdir(tmp_path) == ["keep.json"]


@needs_unshare
def test_the_suggested_snapshot_path_is_in_tmp_where_the_folder_is_read_only(tmp_path: Path):
    if os.geteuid() != 0 or "-Urm" in (UNSHARE or []):
        pytest.skip("a read-only bind mount needs root in the namespace")
    folder = tmp_path / "ro"
    folder.mkdir()
    code = "from mountscope.capture import default_snapshot_path; print(default_snapshot_path())"
    script = (f"mount --bind {folder} {folder} && mount -o remount,bind,ro {folder} && cd {folder} && "
              f"{sys.executable} -c '{code}' && cd {tmp_path} && {sys.executable} -c '{code}'")
    result = subprocess.run([*UNSHARE, "sh", "-c", script], capture_output=True, timeout=60)
    read_only, writable = result.stdout.decode().split()
    assert read_only.startswith(os.path.join(tempfile.gettempdir(), "mountscope-")) and read_only.endswith(".json")
    assert writable.startswith(f"{tmp_path}/mountscope-")
