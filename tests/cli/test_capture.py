"""Live capture, snapshots, atomic writes, the Lambda handler and the watcher,
on the real /proc and on real mounts in private mount namespaces."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import jsonschema
import pytest

from mountscope import record
from mountscope.capture import (
    capture_live,
    lambda_handler,
    snapshot_bytes,
    snapshot_document,
    write_atomic,
)
from mountscope.errors import MountscopeError, ParseError
from mountscope.model import signals_of
from mountscope.parsers import parse_text
from mountscope.record import replace
from mountscope.system.live import read_mountinfo
from mountscope.system.loader import load
from tests.helpers import ARTICLE, REPO, SAMPLES, needs_unshare, run_cli
from tests.helpers.pty import run_in_pty

SCHEMA = json.loads((REPO / "docs" / "snapshot.schema.json").read_text())
KEYS = (
    "line",
    "raw",
    "target",
    "source",
    "fstype",
    "options",
    "vfs_options",
    "fs_options",
    "fsroot",
    "mount_id",
    "parent_id",
    "devno",
    "optional_fields",
    "truncated",
)


def same_capture(a, b) -> None:
    assert [tuple(getattr(m, k) for k in KEYS) for m in a.mounts] == [
        tuple(getattr(m, k) for k in KEYS) for m in b.mounts
    ]
    assert signals_of(a.provenance) == signals_of(b.provenance)
    assert a.title == b.title
    assert a.tree.parent == b.tree.parent


def reload(capture):
    (loaded,) = parse_text(snapshot_bytes(capture).decode(), "snap.json")
    return loaded


def test_live_snapshot_round_trip():
    capture = record.replace(capture_live(), title="round trip")
    loaded = reload(capture)
    assert loaded.format == "snapshot" and loaded.provenance.table_format == "mountinfo"
    same_capture(capture, loaded)
    assert loaded.provenance.metadata() == capture.provenance.metadata()
    live = capture.provenance
    assert (
        loaded.provenance.hostname,
        loaded.provenance.kernel_release,
        loaded.provenance.time,
    ) == (live.hostname, live.kernel_release, live.time)
    assert (loaded.provenance.settled, loaded.provenance.reads) == (live.settled, live.reads)
    assert loaded.provenance.verbatim["mnt_ns"].startswith("mnt:[")
    jsonschema.validate(snapshot_document(capture), SCHEMA)


@pytest.mark.parametrize(
    "name",
    [
        "article/lambda-pattern2.txt",
        "environments/kubernetes-pod.mountinfo",
        "environments/lambda-container-image.log",
        "article/excerpt.txt#4",
    ],
)
def test_file_capture_snapshot_round_trip(name: str):
    capture = load(str(SAMPLES / name))
    loaded = reload(capture)
    same_capture(capture, loaded)
    assert loaded.provenance.table_format == capture.format
    assert not loaded.warnings or [w.message for w in loaded.warnings] == [
        w.message for w in capture.warnings
    ]
    jsonschema.validate(snapshot_document(capture), SCHEMA)


def test_paths_that_are_not_utf8_survive_byte_for_byte():
    text = b"20 1 8:1 / / rw - ext4 /dev/sda1 rw\n21 20 0:5 / /mnt/\xff\xfe\\040x rw - tmpfs t\xe9 rw\n"
    (capture,) = parse_text(text.decode("utf-8", "surrogateescape"), "bytes")
    document = snapshot_document(capture)
    assert "text_base64" in document["table"] and "text" not in document["table"]
    jsonschema.validate(document, SCHEMA)
    loaded = reload(capture)
    same_capture(capture, loaded)
    assert loaded.mounts[1].target.encode("utf-8", "surrogateescape") == b"/mnt/\xff\xfe x"


def test_a_snapshot_written_in_pieces_is_the_whole_documents_json():
    """snapshot_chunks() gives, piece by piece, the bytes of the whole
    document as one JSON dump gives them: a text kept as its mounts' lines
    (written a block of lines at a time), a text kept whole (CRLF), one that
    is not UTF-8 (base64), a table built in code (no text), a snapshot saved
    again, and no mounts at all."""
    from benchmarks.generate import generate
    from mountscope.capture import snapshot_chunks
    from mountscope.jsonio import dumps
    from mountscope.model import Mount, MountTable

    big = generate(9000, seed=4)
    tables = [
        parse_text(big, "big")[0],
        parse_text(big.replace("\n", "\r\n"), "crlf")[0],
        parse_text(
            "20 1 8:1 / / rw - ext4 /dev/sda1 rw\n21 20 0:5 / /m\xff rw - tmpfs t rw\n".encode().decode(
                "utf-8", "surrogateescape"
            ),
            "bytes",
        )[0],
        MountTable((Mount("/", "/dev/sda1", "ext4", "rw"),), "mountinfo", "code", frozenset()),
        MountTable((), "mountinfo", "empty", frozenset(), raw_text=""),
        load(str(SAMPLES / "environments" / "kubernetes-pod.mountinfo")),
    ]
    tables.append(parse_text(snapshot_bytes(tables[0]).decode(), "again.json")[0])
    assert tables[0].text_is_lines and not tables[1].text_is_lines
    for table in tables:
        chunks = list(snapshot_chunks(table, created="2026-01-01T00:00:00Z"))
        whole = dumps(snapshot_document(table, created="2026-01-01T00:00:00Z"), indent=True)
        assert b"".join(chunks) == whole + b"\n", table.origin
    assert len(list(snapshot_chunks(tables[0]))) > 9000  # the mounts one by one


def test_unknown_version_and_corrupt_snapshots_are_one_line_errors(write):
    document = json.loads(snapshot_bytes(load(str(ARTICLE / "lambda-pattern1.txt"))))
    document["version"] = 2
    newer = write(json.dumps(document), "newer.json")
    result = run_cli("tree", str(newer))
    assert result.returncode == 2
    assert result.stderr.decode() == (
        f"mountscope: error: {newer}: snapshot version 2 is not supported "
        "(this mountscope reads version 1); a newer mountscope may read it\n"
    )
    document["version"] = 1
    del document["table"]
    broken = write(json.dumps(document), "broken.json")
    with pytest.raises(ParseError, match='without a "table"'):
        load(str(broken))


def _schema_types(node: dict, path: str, found: dict[str, set[str]]) -> None:
    """Each field of the JSON Schema, by FIELDS' path spelling, and its types."""
    if "type" in node:
        types = node["type"] if isinstance(node["type"], list) else [node["type"]]
    else:  # const or enum: the type of its values
        values = [node["const"]] if "const" in node else node["enum"]
        types = [{str: "string", int: "integer"}[type(v)] for v in values]
    found[path] = set(types)
    for key, child in node.get("properties", {}).items():
        _schema_types(child, f"{path}.{key}" if path else key, found)
    if isinstance(node.get("additionalProperties"), dict):
        _schema_types(node["additionalProperties"], f"{path}.*", found)
    if "items" in node:
        _schema_types(node["items"], f"{path}[]", found)


def test_the_snapshot_readers_field_table_agrees_with_the_schema():
    from mountscope.parsers.snapshot import FIELDS

    schema: dict[str, set[str]] = {}
    _schema_types(SCHEMA, "", schema)
    for path, types in FIELDS.items():
        assert path in schema, f"{path} is checked but not in the schema"
        assert set(types) == schema[path], path
    # The mounts' own fields are informational and never read (the table's
    # text is), so they are the only ones the reader leaves unchecked.
    unchecked = {path for path in schema if path not in FIELDS}
    assert unchecked and all(path.startswith("mounts[]") for path in unchecked), unchecked


def test_the_snapshot_reader_checks_every_signal():
    from mountscope.model.signals import Signals
    from mountscope.parsers.snapshot import FIELDS

    checked = {
        path.split(".")[1].removesuffix("[]") for path in FIELDS if path.startswith("signals.")
    }
    assert checked == set(record.field_names(Signals))


def _snapshot_with(write, name: str, changes: dict[str, object]) -> Path:
    """A real snapshot of the Lambda article table, with live-like signals,
    and each "a.b" field set to a value."""
    from mountscope.model import SnapshotOrigin
    from mountscope.model.signals import Signals

    capture = load(str(ARTICLE / "lambda-pattern2.txt"))
    signals = Signals(
        cmdline="console=ttyS0 reboot=k panic=1 pci=off",
        cpu={"model name": "x"},
        markers={"/.dockerenv": False},
        env={"AWS_LAMBDA_FUNCTION_NAME": "f"},
    )
    origin = SnapshotOrigin.read(capture.origin, capture.format, None, None, {}, signals)
    capture = replace(capture, provenance=origin)
    document = json.loads(snapshot_bytes(capture))
    document["metadata"]["seconds"] = 2.5
    for path, value in changes.items():
        parent, _, key = path.rpartition(".")
        target = document
        for step in parent.split(".") if parent else []:
            target = target[step]
        target[key] = value
    return write(json.dumps(document), name)


# Snapshots that once crashed classify, diff, the report or extract.
WRONG_FIELDS = {
    "signals.markers": None,
    "signals.cmdline": 5,
    "signals.cpu": "x",
    "metadata.seconds": "2.5",
}


@pytest.mark.parametrize("field", list(WRONG_FIELDS))
def test_a_snapshot_field_of_the_wrong_type_is_a_warning_naming_it(write, field: str):
    good = _snapshot_with(write, "good.json", {})
    odd = _snapshot_with(write, "odd.json", {field: WRONG_FIELDS[field]})
    kind = {type(None): "null", int: "an integer", str: "a string"}[type(WRONG_FIELDS[field])]
    warning = f"mountscope: warning: {odd}: snapshot field {field} is {kind}, not "
    for argv, status in (
        (["classify", str(odd)], 0),
        (["classify", "--json", str(odd)], 0),
        (["diff", str(good), str(odd)], 0),
        (["--no-tui", str(odd)], 0),
        (["tree", str(odd)], 0),
    ):
        result = run_cli(*argv)
        err = result.stderr.decode()
        assert result.returncode == status, (argv, err)
        assert "Traceback" not in err and warning in err, (argv, err)
        assert err.splitlines()[0].endswith("; ignored")
    result = run_cli("extract", str(odd))  # counts warnings, prints them with --strict
    assert result.returncode == 0 and b"snapshot  10 mounts  (1 warnings)" in result.stdout, (
        result.stdout
    )
    result = run_cli("classify", "--strict", str(odd))
    assert result.returncode == 2 and result.stderr.decode().endswith(
        "warnings are errors with --strict\n"
    )


def test_wrong_fields_are_ignored_and_the_rest_is_used(write):
    odd = _snapshot_with(
        write,
        "odd.json",
        {
            "signals.cmdline": 5,
            "signals.env": {"A": 1, "container": "docker"},
            "signals.acpi_devices": ["LNRO0005:00", 7],
            "metadata.pid": "7",
            "metadata.lambda_extra": {"nested": [1]},
            "title": ["x"],
            "signals.unknown": {"deep": [[[]]]},
            "tool": 5,
        },
    )
    capture = load(str(odd))
    messages = [w.message for w in capture.warnings]
    assert messages[:7] == [
        "snapshot field title is an array, not a string or null; ignored",
        "snapshot field tool is an integer, not an object; ignored",
        "snapshot field metadata.pid is a string, not an integer; ignored",
        "snapshot field metadata.lambda_extra is an object, not a string or a number or a boolean or null; ignored",
        "snapshot field signals.cmdline is an integer, not a string or null; ignored",
        "snapshot field signals.acpi_devices[1] is an integer, not a string; ignored",
        "snapshot field signals.env.A is an integer, not a string; ignored",
    ]
    assert signals_of(capture.provenance).cmdline is None and signals_of(
        capture.provenance
    ).env == {"container": "docker"}
    assert signals_of(capture.provenance).acpi_devices == ["LNRO0005:00"] and signals_of(
        capture.provenance
    ).cpu == {"model name": "x"}
    assert (
        "pid" not in capture.provenance.verbatim
        and capture.provenance.seconds == 2.5
        and capture.title is None
    )
    assert len(capture.mounts) == 10


@pytest.mark.parametrize(
    "changes,why",
    [
        ({"table": []}, "table is an array, not an object"),
        ({"table.text": 5}, "table.text is an integer, not a string"),
        ({"table.format": None}, "table.format is null, not a string"),
        ({"table.text_base64": "not base64!"}, "table.text_base64 is not valid base64"),
    ],
)
def test_a_snapshot_whose_table_cannot_be_read_is_one_error_line(write, changes, why):
    odd = _snapshot_with(write, "odd.json", changes)
    if "table.text_base64" in changes:
        document = json.loads(odd.read_text())
        del document["table"]["text"]
        odd.write_text(json.dumps(document))
    result = run_cli("tree", str(odd))
    assert result.returncode == 2 and result.stdout == b""
    assert result.stderr.decode().endswith(
        f'a snapshot without a "table" holding its "format" and "text" ({why})\n'
    )
    assert result.stderr.decode().count("\n") == 1


@pytest.mark.parametrize(
    "version,shown", [(True, "true"), ("1", '"1"'), ([[1]], "an array"), (1.5, "1.5")]
)
def test_a_version_that_is_not_the_integer_1_is_refused(write, version, shown):
    odd = _snapshot_with(write, "odd.json", {"version": version})
    result = run_cli("tree", str(odd))
    assert result.returncode == 2
    assert result.stderr.decode() == (
        f"mountscope: error: {odd}: snapshot version {shown} is not supported "
        "(this mountscope reads version 1); a newer mountscope may read it\n"
    )


def test_capture_writes_json_to_stdout_when_it_is_not_a_terminal():
    result = run_cli("capture")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["format"] == "mountscope.snapshot" and document["version"] == 1
    assert document["table"]["settled"] is True
    jsonschema.validate(document, SCHEMA)


def test_capture_on_a_terminal_saves_a_file_here(tmp_path: Path):
    output = run_in_pty(
        [sys.executable, "-m", "mountscope", "capture", "--title", "tty"],
        cols=200,
        env={"PWD": str(tmp_path)},
        timeout=30,
        cwd=tmp_path,
    )
    (saved,) = tmp_path.glob("mountscope-*.json")
    assert b"saved a snapshot of" in output and saved.name.encode() in output
    assert load(str(saved)).title == "tty"


def test_atomic_write_never_overwrites_without_force_and_leaves_no_debris(tmp_path: Path):
    target = tmp_path / "snap.json"
    target.write_text("precious")
    result = run_cli("capture", "-o", str(target))
    assert result.returncode == 2
    assert (
        result.stderr.decode()
        == f"mountscope: error: {target} exists; not overwritten (use --force to replace it)\n"
    )
    assert target.read_text() == "precious"
    assert run_cli("capture", "-o", str(target), "--force").returncode == 0
    assert json.loads(target.read_text())["format"] == "mountscope.snapshot"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["snap.json"]


def test_write_atomic_reports_a_missing_folder(tmp_path: Path):
    with pytest.raises(MountscopeError, match="the folder does not exist"):
        write_atomic(str(tmp_path / "nope" / "x.json"), b"{}")


@needs_unshare
def test_read_only_folder_is_an_error_that_suggests_tmp(tmp_path: Path):
    folder = tmp_path / "ro"
    folder.mkdir()
    script = (
        f"mount --bind {folder} {folder} && mount -o remount,bind,ro {folder} && "
        f"{sys.executable} -m mountscope capture -o {folder}/snap.json"
    )
    from tests.helpers import UNSHARE

    result = subprocess.run([*UNSHARE, "sh", "-c", script], capture_output=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.decode() == (
        f"mountscope: error: cannot write {folder}/snap.json: read-only "
        "file system; write to /tmp instead: -o /tmp/snap.json\n"
    )
    assert list(folder.iterdir()) == []


@needs_unshare
def test_capture_pid_reads_another_mount_namespace(namespace, tmp_path: Path):
    point = tmp_path / "private point"
    point.mkdir()
    namespace.run("mount", "-t", "tmpfs", "-o", "size=1m", "nsprobe", str(point))
    result = run_cli("capture", "--pid", str(namespace.pid))
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["metadata"]["pid"] == namespace.pid
    assert document["metadata"]["mnt_ns"] == os.readlink(f"/proc/{namespace.pid}/ns/mnt")
    assert any(m["target"] == str(point) and m["source"] == "nsprobe" for m in document["mounts"])
    mine = json.loads(run_cli("capture").stdout)
    assert not any(m["source"] == "nsprobe" for m in mine["mounts"])


def test_a_pid_that_does_not_exist_is_a_one_line_error():
    result = run_cli("capture", "--pid", "999999999")
    assert result.returncode == 2
    assert result.stderr.decode() == "mountscope: error: no process with pid 999999999\n"


def test_permission_denied_is_a_one_line_error():
    """As another user, in a mount namespace whose /proc hides other users' processes."""
    if os.geteuid() != 0:
        pytest.skip("needs root to mount a proc that hides other users' processes")
    import ctypes

    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # the child: never returns into pytest
        message = b"setup failed"
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.unshare(0x00020000) == 0:  # CLONE_NEWNS
                subprocess.run(["mount", "--make-rprivate", "/"], check=True)
                subprocess.run(
                    ["mount", "-t", "proc", "-o", "hidepid=1", "proc", "/proc"], check=True
                )
                os.setgid(65534)
                os.setuid(65534)
                try:
                    capture_live(1)
                    message = b"no error"
                except MountscopeError as error:
                    message = str(error).encode()
        finally:
            os.write(write_end, message)
            os._exit(0)
    os.close(write_end)
    os.waitpid(child, 0)
    message = os.read(read_end, 4096).decode()
    os.close(read_end)
    if message == "setup failed":
        pytest.skip("could not make a private mount namespace with a restricted /proc")
    assert message == (
        "permission denied reading /proc/1/mountinfo "
        "(the process belongs to another user; run as that user or as root)"
    )


def test_the_settle_loop_rereads_until_two_reads_agree():
    steady = read_mountinfo(path="/proc/self/cmdline")
    assert steady.settled and steady.reads == 2
    # io counts the bytes this process has read: every read changes it.
    moving = read_mountinfo(path="/proc/self/io", tries=4)
    assert not moving.settled and moving.reads == 4


def test_the_capture_path_never_imports_textual():
    code = (
        "import sys; from mountscope.capture import capture_live, snapshot_bytes; "
        "snapshot_bytes(capture_live()); "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'rich', 'pyte')]; "
        "assert not bad, bad"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True)
    assert result.returncode == 0, result.stderr.decode()


class LambdaContext:
    """The attributes AWS passes to a Python handler (the runtime's LambdaContext)."""

    aws_request_id = "0f9e8d7c-6b5a-4c3d-2e1f-0a9b8c7d6e5f"
    function_name = "mountscope-probe"
    function_version = "$LATEST"
    memory_limit_in_mb = "128"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:mountscope-probe"
    log_stream_name = "2026/11/27/[$LATEST]0123456789abcdef"


def test_lambda_handler_returns_a_snapshot_that_loads(tmp_path: Path):
    document = lambda_handler({"title": "first invocation"}, LambdaContext())
    jsonschema.validate(document, SCHEMA)
    assert document["metadata"]["lambda_function_name"] == "mountscope-probe"
    saved = tmp_path / "invocation.json"
    saved.write_text(json.dumps(document))  # what the Lambda runtime sends back
    capture = load(str(saved))
    assert (
        capture.title == "first invocation"
        and capture.mounts
        and signals_of(capture.provenance) is not None
    )


# --- watching -------------------------------------------------------------------------


def changes(lines: list[str]) -> list[tuple[str, str]]:
    """(action, target) of each change line; gap lines left out."""
    return [(line.split()[0], line.split()[1]) for line in lines if not line.startswith("gap ")]


@needs_unshare
def test_watch_reports_mount_remount_move_and_umount_on_real_mounts(
    namespace, watch, tmp_path: Path
):
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    watcher = watch("--pid", str(namespace.pid), "--timeout", "60")
    watcher.ready()
    steps = [
        (("mount", "-t", "tmpfs", "-o", "size=1m", "watched", str(first)), ("mount", str(first))),
        (("mount", "-o", "remount,ro", str(first)), ("remount", str(first))),
        (("mount", "--move", str(first), str(second)), ("move", str(second))),
        (("umount", str(second)), ("umount", str(second))),
    ]
    for done, (step, expected) in enumerate(steps, 1):
        namespace.run(*step)  # one change per read: each step waits for the one before
        lines = watcher.wait_for(lambda lines, done=done: len(changes(lines)) >= done)
        assert changes(lines)[-1] == expected, lines
    assert changes(lines) == [expected for _, expected in steps]
    assert lines[0].split()[2:4] == ["watched", "tmpfs"]
    assert lines[1].split()[4].startswith("ro,") and "(was rw," in lines[1]
    assert lines[2].endswith(f"(was {first})")
    assert not any(line.startswith("gap ") for line in lines)


@needs_unshare
def test_watch_never_calls_a_reused_mount_id_a_move(namespace, watch, tmp_path: Path):
    """umount A, then mount on B: the kernel gives B the id (and the device
    number) A had; that is an umount and a mount, whether A was the newest
    mount or one in the middle, never a move."""
    points = {name: tmp_path / name for name in ("a", "b", "c", "keep")}
    for point in points.values():
        point.mkdir()
    namespace.run("mount", "-t", "tmpfs", "t", str(points["a"]))
    namespace.run("mount", "-t", "tmpfs", "t", str(points["keep"]))
    watcher = watch("--pid", str(namespace.pid), "--timeout", "120")
    watcher.ready()
    here, spare = "a", "b"  # the moving tmpfs is first listed before "keep", then the newest
    seen = 0
    for _ in range(10):
        watcher.stop()  # both changes arrive in one read, as on a busy machine
        namespace.run("umount", str(points[here]))
        namespace.run("mount", "-t", "tmpfs", "t", str(points[spare]))
        watcher.resume()
        seen += 2
        lines = watcher.wait_for(lambda lines, seen=seen: len(changes(lines)) >= seen)
        assert sorted(changes(lines)[-2:]) == [
            ("mount", str(points[spare])),
            ("umount", str(points[here])),
        ], lines
        here, spare = spare, ("c" if spare != "c" else "a")
    assert not any(line.startswith("move ") for line in lines)


@needs_unshare
def test_watch_reports_real_moves_that_arrive_together(namespace, watch, tmp_path: Path):
    points = {name: tmp_path / name for name in ("a", "b", "c", "d")}
    for point in points.values():
        point.mkdir()
    namespace.run("mount", "-t", "tmpfs", "ta", str(points["a"]))
    namespace.run("mount", "-t", "tmpfs", "tb", str(points["b"]))
    watcher = watch("--pid", str(namespace.pid), "--timeout", "60")
    watcher.ready()
    watcher.stop()
    namespace.run("mount", "--move", str(points["a"]), str(points["c"]))  # listed before "b"
    namespace.run("mount", "--move", str(points["b"]), str(points["d"]))  # the newest mount
    watcher.resume()
    lines = watcher.wait_for(lambda lines: len(changes(lines)) >= 2)
    assert sorted(changes(lines)) == [("move", str(points["c"])), ("move", str(points["d"]))], lines
    assert (
        lines[0]
        == "gap        2 changes arrived in one read: changes in between may have been missed"
    )


@needs_unshare
def test_watch_marks_changes_that_arrived_while_it_could_not_read(namespace, watch, tmp_path: Path):
    watcher = watch("--pid", str(namespace.pid), "--timeout", "120")
    watcher.ready()
    watcher.stop()
    script = (
        f"for i in $(seq 100); do mkdir {tmp_path}/m$i && mount -t tmpfs burst {tmp_path}/m$i; done"
    )
    namespace.run("sh", "-c", script)
    watcher.resume()
    lines = watcher.wait_for(lambda lines: len(changes(lines)) >= 100)
    assert (
        lines[0]
        == "gap        100 changes arrived in one read: changes in between may have been missed"
    )
    assert sorted(changes(lines)) == sorted(("mount", f"{tmp_path}/m{i}") for i in range(1, 101))


def test_a_table_that_does_not_signal_changes_is_reread_with_a_note(tmp_path: Path):
    """A file poll() never wakes up for: re-read on a timer, and said so."""
    from mountscope.system.watch import MountWatcher

    table = tmp_path / "mountinfo"
    line = "{id} 1 0:{id} / {target} rw - tmpfs t rw\n"
    table.write_text(line.format(id=21, target="/"))
    with MountWatcher(path=str(table)) as watcher:
        assert watcher.notes == [
            f"{table} is not a live mount table of /proc and does not signal "
            "changes: re-reading it every 1 s"
        ]
        with table.open("a") as grow:  # in place: the watcher keeps its descriptor
            grow.write(line.format(id=22, target="/new"))
        events = watcher.wait(timeout=30)
    assert [(e.action, e.mount.target) for e in events] == [("mount", "/new")]


@needs_unshare
def test_watcher_waits_on_poll_without_busy_rereading(namespace, tmp_path: Path):
    from mountscope.system.watch import MountWatcher

    with MountWatcher(namespace.pid) as watcher:
        assert watcher.signals  # a live table of /proc: poll() says when it changes
        assert watcher.wait(timeout=0.5) == []  # nothing changed: no events
        assert watcher.reads == 1  # and no re-reading while waiting: the first read only
        point = tmp_path / "m"
        point.mkdir()
        timer = threading.Timer(0.2, namespace.run, ("mount", "-t", "tmpfs", "tmpfs", str(point)))
        timer.start()
        events = watcher.wait(timeout=10)
        timer.join()
        assert [(e.action, e.mount.target) for e in events] == [("mount", str(point))]
