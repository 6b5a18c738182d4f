"""Nothing the user saved is lost or overwritten: corrupt or newer snapshots are
one-line errors; a write killed half way leaves nothing; a full disk and a
read-only folder are reported, not swallowed."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from mountscope.capture import snapshot_bytes
from mountscope.system.loader import load
from tests.helpers import ARTICLE, UNSHARE, needs_unshare, run_cli


@pytest.fixture
def snapshot_text() -> str:
    return snapshot_bytes(load(str(ARTICLE / "lambda-pattern2.txt"))).decode()


@pytest.mark.parametrize(
    "damage,message",
    [
        (lambda t: t[: len(t) // 2], "invalid JSON"),
        (
            lambda t: t.replace('"version": 1', '"version": 7'),
            "snapshot version 7 is not supported",
        ),
        (lambda t: t.replace('"table": {', '"table_": {'), 'without a "table"'),
        (
            lambda t: t.replace('"format": "findmnt"', '"format": "nonsense"'),
            "unknown format 'nonsense'",
        ),
        (lambda t: t.replace('"text": "', '"text": 12, "x": "'), 'without a "table"'),
    ],
)
def test_damaged_snapshots_are_one_line_errors_naming_the_file(
    snapshot_text, damage, message, tmp_path
):
    path = tmp_path / "damaged.json"
    path.write_text(damage(snapshot_text))
    result = run_cli("tree", str(path))
    assert result.returncode == 2
    lines = result.stderr.decode().splitlines()
    assert (
        len(lines) == 1
        and lines[0].startswith(f"mountscope: error: {path}")
        and message in lines[0]
    )


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
    code = (
        "import sys; from mountscope.capture import write_atomic; "
        "write_atomic(sys.argv[1], b'N' * (256 << 20), force=True)"
    )
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
    script = (
        f"mount -t tmpfs -o size=64k tmpfs {small} && "
        f"{sys.executable} -m mountscope capture -o {small}/snap.json --title "
        f"{'x' * 100000}; echo status=$?; ls -A {small}"
    )
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
    script = (
        f"mount --bind {folder} {folder} && mount -o remount,bind,ro {folder} && cd {folder} && "
        f"{sys.executable} -c '{code}' && cd {tmp_path} && {sys.executable} -c '{code}'"
    )
    result = subprocess.run([*UNSHARE, "sh", "-c", script], capture_output=True, timeout=60)
    read_only, writable = result.stdout.decode().split()
    assert read_only.startswith(
        os.path.join(tempfile.gettempdir(), "mountscope-")
    ) and read_only.endswith(".json")
    assert writable.startswith(f"{tmp_path}/mountscope-")


# --- --force replaces only regular files ------------------------------------------------------


def _node(path: Path, kind: str) -> None:
    if kind == "character device":
        os.mknod(path, 0o600 | stat.S_IFCHR, os.makedev(1, 3))  # the numbers of /dev/null
    elif kind == "FIFO":
        os.mkfifo(path)
    else:
        raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["character device", "FIFO"])
def test_force_never_replaces_a_device_or_a_fifo(tmp_path: Path, kind: str):
    if kind == "character device" and os.geteuid() != 0:
        pytest.skip("making a device node needs root")
    target = tmp_path / "node"
    _node(target, kind)
    before = os.lstat(target)
    result = run_cli("capture", "-o", str(target), "--force")
    assert result.returncode == 2
    assert result.stderr.decode().splitlines() == [
        f"mountscope: error: cannot write {target}: it is a {kind}, not a regular file; "
        "--force replaces only regular files"
        + ("; -o - writes to standard output" if kind == "character device" else "")
    ]
    after = os.lstat(target)
    assert (after.st_ino, after.st_mode, after.st_rdev) == (
        before.st_ino,
        before.st_mode,
        before.st_rdev,
    )
    assert os.listdir(tmp_path) == ["node"]


def test_force_writes_through_a_symlink_to_a_regular_file_and_keeps_the_link(tmp_path: Path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    real = elsewhere / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    result = run_cli("capture", "-o", str(link), "--force")
    assert result.returncode == 0, result.stderr
    assert os.readlink(link) == str(real)
    assert json.loads(real.read_text())["format"] == "mountscope.snapshot"
    assert sorted(os.listdir(tmp_path)) == ["elsewhere", "link.json"]
    assert os.listdir(elsewhere) == ["real.json"]


@pytest.mark.parametrize("pointing_at", ["nothing", "FIFO", "directory"])
def test_force_refuses_a_symlink_to_anything_but_a_regular_file(tmp_path: Path, pointing_at: str):
    pointee = tmp_path / "pointee"
    if pointing_at == "FIFO":
        os.mkfifo(pointee)
    elif pointing_at == "directory":
        pointee.mkdir()
    link = tmp_path / "link.json"
    link.symlink_to(pointee)
    result = run_cli("capture", "-o", str(link), "--force")
    assert result.returncode == 2
    [line] = result.stderr.decode().splitlines()
    assert line.startswith(f"mountscope: error: cannot write {link}: it is a symbolic link to ")
    assert os.readlink(link) == str(pointee)
    assert os.path.lexists(pointee) == (pointing_at != "nothing")
    assert sorted(os.listdir(tmp_path)) == (
        ["link.json"] if pointing_at == "nothing" else ["link.json", "pointee"]
    )


def test_without_force_a_symlink_or_a_fifo_counts_as_existing(tmp_path: Path):
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "link").symlink_to(tmp_path / "nowhere")
    for name in ("fifo", "link"):
        result = run_cli("capture", "-o", str(tmp_path / name))
        assert result.returncode == 2
        assert result.stderr.decode() == (
            f"mountscope: error: {tmp_path / name} exists; not overwritten "
            "(use --force to replace it)\n"
        )
    assert sorted(os.listdir(tmp_path)) == ["fifo", "link"]


def test_the_saved_message_escapes_the_path(tmp_path: Path):
    target = tmp_path / "a\x1b[31mred\x07.json"
    result = run_cli("capture", "-o", str(target))
    assert result.returncode == 0, result.stderr
    err = result.stderr.decode()
    assert "\x1b" not in err and "\x07" not in err
    assert err.endswith(f"to {tmp_path}/a\\x1b[31mred\\x07.json\n")
    assert target.exists()


# --- debris of killed writes ----------------------------------------------------------------------

# Saves over an existing file and is killed between naming the temporary file
# and renaming it over the old one (the moment a real kill can hit).
KILLED_BETWEEN_LINK_AND_RENAME = """
import os, signal, sys
from mountscope.capture import write_atomic
from mountscope.capture import snapshot_bytes
from mountscope.system.loader import load
data = snapshot_bytes(load(sys.argv[2]))
def killed(src, dst):
    os.kill(os.getpid(), signal.SIGKILL)
os.replace = killed
if sys.argv[3] == "named":  # the filesystem cannot make unnamed files: the whole write is named
    import mountscope.capture as capture
    real_open = os.open
    def no_tmpfile(path, flags, *rest, **kw):
        if flags & os.O_TMPFILE == os.O_TMPFILE:
            raise OSError(95, "Operation not supported")
        return real_open(path, flags, *rest, **kw)
    os.open = no_tmpfile
write_atomic(sys.argv[1], data, force=True)
"""


def _kill_a_save(target: Path, how: str) -> list[str]:
    subprocess.run(
        [
            sys.executable,
            "-c",
            KILLED_BETWEEN_LINK_AND_RENAME,
            str(target),
            str(ARTICLE / "lambda-pattern2.txt"),
            how,
        ],
        timeout=60,
    )
    return sorted(p.name for p in target.parent.iterdir() if p.name != target.name)


@pytest.mark.parametrize("how", ["unnamed", "named"])
def test_the_next_save_removes_what_a_killed_save_left(tmp_path: Path, how: str):
    target = tmp_path / "snap.json"
    target.write_text("the old snapshot")
    left = _kill_a_save(target, how)
    assert len(left) == 1 and left[0].startswith(".mountscope-") and left[0].endswith(".tmp")
    assert target.read_text() == "the old snapshot"
    result = run_cli("capture", "-o", str(target), "--force")
    assert result.returncode == 0, result.stderr
    assert (
        f"mountscope: removed {tmp_path / left[0]}, left by an interrupted save"
        in result.stderr.decode()
    )
    assert os.listdir(tmp_path) == ["snap.json"]
    assert json.loads(target.read_text())["format"] == "mountscope.snapshot"


def test_files_that_only_look_like_our_debris_are_kept(tmp_path: Path):
    target = tmp_path / "snap.json"
    target.write_text("old")
    [ours] = _kill_a_save(target, "unnamed")
    namespace = os.readlink("/proc/self/ns/pid")[5:-1]
    snapshot = (tmp_path / ours).read_bytes()
    keep = {
        # someone's own notes under a name like ours
        f".mountscope-{namespace}-999999999-abc.tmp": b"my notes",
        # a writer that is still running (this test process)
        f".mountscope-{namespace}-{os.getpid()}-abc.tmp": snapshot,
        # written in another pid namespace: its pid means nothing here
        ".mountscope-1-999999999-abc.tmp": snapshot,
        # not our pattern at all
        ".mountscope-abc.tmp": snapshot,
    }
    for name, content in keep.items():
        (tmp_path / name).write_bytes(content)
    (tmp_path / f".mountscope-{namespace}-999999998-abc.tmp").symlink_to(tmp_path / ours)
    result = run_cli("capture", "-o", str(target), "--force")
    assert result.returncode == 0, result.stderr
    assert sorted(os.listdir(tmp_path)) == sorted(
        [*keep, f".mountscope-{namespace}-999999998-abc.tmp", "snap.json"]
    )
    for name, content in keep.items():
        assert (tmp_path / name).read_bytes() == content


# --- the app's save dialog ----------------------------------------------------------------------


async def test_the_save_dialog_asks_to_replace_only_when_the_file_exists(tmp_path: Path):
    from mountscope.tui.app import MainScreen, MountscopeApp

    missing = tmp_path / "exists" / "nowhere" / "snap.json"  # "exists" in the path, no such folder
    app = MountscopeApp(load(str(ARTICLE / "lambda-pattern2.txt")))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        app.screen.query_one("#path-input").value = str(missing)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)  # an error note, not "exists. Replace it?"
        assert any("the folder does not exist" in str(n.message) for n in app._notifications)
    assert not (tmp_path / "exists").exists()


@needs_unshare
def test_the_benchmark_leaves_dev_null_a_device(tmp_path: Path):
    """The benchmark once saved its capture with -o /dev/null --force, which as
    root replaced /dev/null with a file. Here /dev is a private tmpfs with its
    own null device, so nothing outside is at stake."""
    if os.geteuid() != 0 or "-Urm" in (UNSHARE or []):
        pytest.skip("making a device node needs root in the namespace")
    script = (
        "mount -t tmpfs tmpfs /dev && mknod -m 666 /dev/null c 1 3 && "
        f"{sys.executable} -m benchmarks --smoke --no-app && stat -c %F /dev/null"
    )
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    result = subprocess.run(
        [*UNSHARE, "sh", "-c", script],
        capture_output=True,
        timeout=300,
        cwd=Path(__file__).resolve().parents[2],
        env=env,
    )
    out = result.stdout.decode()
    assert result.returncode == 0, result.stderr.decode()
    assert out.splitlines()[-1] == "character special file"
    assert "mountscope capture" in out and os.listdir(tmp_path) == []
