"""Snapshots of every shape, and JSON nested to any depth.

A snapshot is JSON anyone can edit: any field may hold a value of another
type, be missing, be joined by unknown fields or nest thousands deep. Valid
snapshots are built here (a generated table, fictional signals), mutated by
structure, and each mutant goes through what a user runs on it: ``tree``,
``tree -J``, ``classify``, ``classify --json``, ``diff`` against a valid one,
``extract`` and the plain report, in-process through the CLI's ``main``. The
only failure allowed is the project's own: exit status 2 and one clean line.

The CI run is short. The long run (100 000 cases):

    MOUNTSCOPE_FUZZ_EXAMPLES=100000 pytest tests/hostile/test_snapshot_fuzz.py -p no:cacheprovider
"""

from __future__ import annotations

import contextlib
import io
import os
import random
import re
import signal
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mountscope import jsonio
from mountscope.capture import snapshot_document
from mountscope.cli import main
from mountscope.model import SnapshotOrigin
from mountscope.model.signals import Signals
from mountscope.parsers import parse_text
from mountscope.record import replace
from tests.helpers import run_cli

EXAMPLES = int(os.environ.get("MOUNTSCOPE_FUZZ_EXAMPLES", "60"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=EXAMPLES <= 1000,
    suppress_health_check=list(HealthCheck),
    database=None,
)
# Per input, for every command together: a normal run takes well under a
# second; only a hang or runaway work comes near this.
BUDGET_SECONDS = 60

# --- valid snapshots ----------------------------------------------------------

LAMBDA_TABLE = "".join(
    f"{line}\n"
    for line in [
        "20 1 0:21 / / ro,nosuid,nodev - overlay overlay ro,lowerdir=/l",
        "21 20 0:22 / /proc rw,nosuid - proc proc rw",
        "22 20 253:16 / /var/task ro,nosuid,nodev shared:1 - ext4 /dev/vdb rw",
        "23 20 0:24 / /tmp rw,nosuid,nodev - tmpfs none rw,size=524288k",
        "24 20 253:0 /var/rt /var/runtime ro - ext4 /dev/vda rw",
    ]
)
HOST_TABLE = "".join(
    f"{line}\n"
    for line in [
        "1 0 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw",
        "2 1 0:2 / /proc rw - proc proc rw",
        "3 1 8:2 / /boot rw - vfat /dev/sda2 rw",
        "4 1 0:4 / /mnt/\udcff\udcfe rw - tmpfs tmpfs rw",  # not UTF-8: stored as text_base64
    ]
)
FINDMNT_JSON = (
    '{"filesystems": [{"target": "/", "source": "/dev/vda", "fstype": "ext4", "options": "rw",'
    ' "children": [{"target": "/tmp", "source": "tmpfs", "fstype": "tmpfs", "options": "rw"}]}]}\n'
)

FIRECRACKER = Signals(
    cmdline="console=ttyS0 reboot=k panic=1 pci=off nomodule i8042.noaux virtio_mmio.device=4K@0xd0000000:5",
    version="Linux version 5.10.0 (builder@example.invalid)",
    osrelease="5.10.0",
    cpu={
        "model name": "Intel(R) Xeon(R) Processor @ 2.90GHz",
        "flags": "fpu hypervisor md_clear",
        "cpu family": "6",
        "model": "62",
        "stepping": "4",
    },
    dmi=None,
    dmi_present=False,
    device_tree_compatible=None,
    virtio_devices=["0x0002", "0x0001"],
    acpi_devices=["LNRO0005:00"],
    pci_devices=0,
    cgroup_self="0::/docker/abc\n",
    cgroup_init="0::/\n",
    markers={"/.dockerenv": True, "/run/.containerenv": False},
    systemd_container="docker",
    env={
        "AWS_LAMBDA_FUNCTION_NAME": "f",
        "AWS_LAMBDA_RUNTIME_API": "127.0.0.1:9001",
        "container": "docker",
    },
    hostname="169.254.1.2",
    machine="x86_64",
)
VM = Signals(
    cmdline="BOOT_IMAGE=/vmlinuz root=/dev/sda1",
    osrelease="6.1.0",
    dmi={"sys_vendor": "QEMU", "product_name": "Standard PC"},
    dmi_present=True,
    acpi_devices=[],
    virtio_devices=None,
    pci_devices=12,
    env={},
    machine="x86_64",
)

METADATA = {
    "hostname": "169.254.1.2",
    "kernel_release": "5.10.0",
    "machine": "x86_64",
    "time": "2026-01-01T00:00:00Z",
    "mountscope_version": "0.1.0",
    "command_pid": 7,
    "pid": 7,
    "mnt_ns": "mnt:[4026532251]",
    "source": "/proc/self/mountinfo",
    "lambda_function_name": "f",
    "lambda_memory_limit_in_mb": 128,
}
RECORDED = {"recording": "asciicast", "screen_lines": [3, 9], "seconds": 1.5}


def _document(
    text: str,
    format_name: str,
    signals: Signals | None,
    metadata: dict[str, Any],
    title: str | None,
) -> dict[str, Any]:
    capture = parse_text(text, "seed", format_name)[0]
    origin = SnapshotOrigin("seed", capture.format, True, 2, metadata, signals=signals)
    return snapshot_document(replace(capture, provenance=origin, title=title))


SEEDS = [
    _document(LAMBDA_TABLE, "mountinfo", FIRECRACKER, METADATA, "pattern 2"),
    _document(HOST_TABLE, "mountinfo", VM, RECORDED, None),
    _document(FINDMNT_JSON, "findmnt-json", None, {}, "findmnt -J"),
]


def test_the_seeds_are_valid_snapshots_that_load_without_warnings(tmp_path: Path):
    import jsonschema

    from tests.helpers import REPO

    schema = jsonio.loads((REPO / "docs" / "snapshot.schema.json").read_bytes())
    for number, seed in enumerate(SEEDS):
        jsonschema.validate(seed, schema)
        path = tmp_path / f"seed{number}.json"
        path.write_bytes(jsonio.dumps(seed))
        status, out, err = run_main("tree", str(path))
        assert (status, err) == (0, ""), err
        assert b"/tmp" in out or b"/proc" in out


# --- structure-aware mutation --------------------------------------------------

# Values of every JSON type, and strings a rule or a renderer might choke on.
VALUES: list[Any] = [
    None,
    True,
    False,
    0,
    1,
    -1,
    2**63 - 1,
    2**64 - 1,
    -(2**63),
    1.5,
    -0.0,
    1e308,
    5e-324,
    "",
    "x",
    "\x1b[31mred\x1b[0m",
    "\x9b31m",
    "a\nb\r\tc",
    "\u202e\u200b\ufeff",
    "\udcff\udc80",
    "xvirtio_mmio.device=1",
    "virtio_mmio.device=",
    "169.254.1.1",
    "BOOT_IMAGE=-gvisor",
    "Linux version 4.4.0 #1 SMP Sun Jan 10 15:06:54 PST 2016",
    "0x0002",
    "LNRO0005:00",
    "Amazon EC2",
    "mountinfo",
    "findmnt-json",
    "findmnt",
    "proc-mounts",
    "mount",
    "snapshot",
    "script",
    "asciicast",
    "ansi",
    "mountscope.snapshot",
    "AAAA",
    "not base64!",
    "x" * 5000,
    "[bold]markup[/]",
    [],
    ["a"],
    [1, None, "b"],
    [[]],
    [{"a": 1}],
    {},
    {"a": "b"},
    {"model name": 5},
    {"/.dockerenv": "yes"},
    {"filesystems": []},
    {"format": "mountinfo", "text": "1 0 8:1 / / rw - ext4 /dev/sda1 rw\n"},
]
KEYS = [
    "x",
    "",
    "format",
    "version",
    "text",
    "children",
    "model name",
    "\x1b]52;c;",
    "\udcff",
    "a.b",
    "[]",
    "*",
]


class Deep:
    """A value nested ``depth`` levels deep, spliced into the JSON text
    afterwards (the serializers themselves refuse deep values)."""

    def __init__(self, depth: int, kind: str) -> None:
        self.depth, self.kind = depth, kind

    def marker(self) -> str:
        return f"@@deep-{self.depth}-{self.kind}@@"

    def text(self) -> bytes:
        if self.kind == "list":
            return b"[" * self.depth + b"1" + b"]" * self.depth
        return b'{"a":' * self.depth + b"1" + b"}" * self.depth


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a (small) document, as the keys and indexes leading there."""
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found.extend(_paths(item, (*path, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value[:20]):
            found.extend(_paths(item, (*path, index)))
    return found


def _random_value(rng: random.Random) -> Any:
    choice = rng.randrange(10)
    if choice == 0:
        return Deep(rng.choice([50, 1000, 1100, 5000]), rng.choice(["list", "dict"]))
    if choice == 1:
        return "".join(
            rng.choice('a/ \\\x00\x1b\u009b\u200b\udcff\n:[]{}"')
            for _ in range(rng.randrange(1, 30))
        )
    return rng.choice(VALUES)


def mutate(document: Any, rng: random.Random, count: int) -> tuple[Any, list[Deep]]:
    """The document with ``count`` structural changes: types swapped, fields
    deleted or added, values nested deeply, a container swapped for another."""
    import copy

    document = copy.deepcopy(document)
    deep: list[Deep] = []

    def value() -> Any:
        new = _random_value(rng)
        if isinstance(new, Deep):
            deep.append(new)
            return new.marker()
        return copy.deepcopy(new)

    for _ in range(count):
        paths = _paths(document)
        path = rng.choice(paths)
        if not path:  # the whole document
            action = rng.randrange(4)
            if action == 0:
                document = value()
            elif action == 1:
                document = [document]
            elif isinstance(document, dict):
                document[rng.choice(KEYS)] = value()
            continue
        *parent_path, key = path
        parent = document
        for step in parent_path:
            parent = parent[step]
        action = rng.randrange(5)
        if action <= 1:
            parent[key] = value()  # a value of another type (or a hostile one of the same)
        elif action == 2:
            del parent[key]
        elif action == 3 and isinstance(parent[key], dict):
            parent[key][rng.choice(KEYS)] = value()  # an unknown field
        elif action == 3 and isinstance(parent[key], list):
            parent[key].append(value())
        else:
            parent[key] = [parent[key]] if rng.random() < 0.5 else {"a": parent[key]}
    return document, deep


def encode(document: Any, deep: list[Deep]) -> bytes:
    data = jsonio.dumps(document)
    for value in deep:
        data = data.replace(jsonio.dumps(value.marker()), value.text())
    return data


# --- running the commands in-process -------------------------------------------


class Overtime(BaseException):
    """Raised by the alarm: not an Exception, so that no handler swallows it."""


@contextlib.contextmanager
def budget(seconds: float):  # type: ignore[no-untyped-def]
    def expire(signum: int, frame: object) -> None:
        raise Overtime(f"one input took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run_main(*argv: str) -> tuple[int, bytes, str]:
    """``mountscope ARGV`` in this process: exit status, stdout bytes, stderr.
    The CLI writes its output to file descriptor 1 itself (so that a short
    write is never lost), so descriptor 1 goes to a temporary file meanwhile;
    Python's stdout is strict UTF-8, as on a terminal: a lone surrogate there fails."""
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict", newline="\n")
    err = io.StringIO()
    sys.stdout.flush()
    saved = os.dup(1)
    with tempfile.TemporaryFile() as written:
        os.dup2(written.fileno(), 1)
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                status = main(list(argv))
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        out.flush()
        written.seek(0)
        data = out.buffer.getvalue() + written.read()  # type: ignore[attr-defined]
    return status, data, err.getvalue()


_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\udc80-\udcff]")


def check_messages(err: str, status: int, names: tuple[str, ...]) -> None:
    """stderr: only mountscope's own lines, escaped; an error is one line naming a file."""
    lines = err.splitlines()
    for line in lines:
        assert line.startswith("mountscope: "), repr(err)
        assert not _UNSAFE.search(line), repr(line)
    if status == 2:
        errors = [line for line in lines if line.startswith("mountscope: error: ")]
        assert len(errors) == 1 and lines[-1] == errors[0], repr(err)
        assert any(errors[0].startswith(f"mountscope: error: {name}") for name in names), repr(err)


def exercise(data: bytes, folder: Path) -> None:
    path = folder / "mutant.json"
    path.write_bytes(data)
    valid = folder / "valid.json"
    if not valid.exists():
        valid.write_bytes(jsonio.dumps(SEEDS[0]))
    mutant, other = str(path), str(valid)
    with budget(BUDGET_SECONDS):
        for argv in (
            ["tree", mutant],
            ["tree", "-J", mutant],
            ["classify", mutant],
            ["classify", "--json", mutant],
            ["diff", other, mutant],
            ["diff", mutant, other],
            ["extract", mutant],
            ["--no-tui", mutant],
        ):
            status, out, err = run_main(*argv)
            assert status in (0, 1, 2), (argv, status)
            if argv[0] != "diff":
                assert status in (0, 2), (argv, status)
            check_messages(err, status, (mutant, other))
            if status == 2:
                assert out == b"", argv


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("snapshot-fuzz")


@FUZZ
@given(st.sampled_from(SEEDS), st.integers(0, 2**32), st.integers(1, 6))
def test_mutated_snapshots_never_crash(folder: Path, seed: dict[str, Any], salt: int, count: int):
    document, deep = mutate(seed, random.Random(salt), count)
    exercise(encode(document, deep), folder)


def _set(document: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    import copy

    document = copy.deepcopy(document)
    *parents, last = path.split(".")
    target = document
    for step in parents:
        target = target[step]
    target[last] = value
    return document


# Snapshots that once crashed the reader, and one value of the wrong type in every
# field a snapshot's reader uses.
WRONG = [
    ("signals.markers", None),
    ("signals.cmdline", 5),
    ("signals.cpu", "x"),
    ("metadata.seconds", "1.5"),
    ("signals.version", True),
    ("signals.cpu", {"model name": 5}),
    ("signals.env", None),
    ("signals.virtio_devices", 5),
    ("signals.acpi_devices", [1]),
    ("signals.cgroup_self", []),
    ("signals.dmi", ["x"]),
    ("signals.pci_devices", "0"),
    ("signals.hostname", {}),
    ("signals.osrelease", 1),
    ("signals.systemd_container", 1),
    ("signals.machine", 1),
    ("signals.dmi_present", "no"),
    ("signals.device_tree_compatible", 1),
    ("signals.cgroup_init", 1),
    ("signals", []),
    ("metadata", "x"),
    ("title", 5),
    ("table.first_line", "1"),
    ("table.settled", "yes"),
    ("signals.cmdline", "xvirtio_mmio.device=1"),
]


@pytest.mark.parametrize("field,value", WRONG, ids=[f"{f}={v!r}" for f, v in WRONG])
def test_each_field_of_the_wrong_type(folder: Path, field: str, value: Any):
    seed = SEEDS[1] if field == "metadata.seconds" else SEEDS[0]
    exercise(jsonio.dumps(_set(seed, field, value)), folder)


# --- the app ------------------------------------------------------------------


@pytest.mark.parametrize("field,value", [("signals.markers", None), ("signals.cpu", "x")])
async def test_the_app_opens_a_snapshot_of_the_wrong_shape(tmp_path: Path, field: str, value: Any):
    from mountscope.system.loader import load
    from mountscope.tui.app import MountscopeApp
    from mountscope.tui.view import RowsView

    path = tmp_path / "odd.json"
    document = _set(SEEDS[0], field, value)
    document["signals"]["cmdline"] = 5  # and a second wrong field
    path.write_bytes(jsonio.dumps(document))
    capture = load(str(path))
    warnings = [str(w) for w in capture.warnings]
    assert any(w.startswith(f"{path}: snapshot field {field} is ") for w in warnings), warnings
    assert any(
        w.startswith(f"{path}: snapshot field signals.cmdline is an integer") for w in warnings
    ), warnings
    app = MountscopeApp(capture)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        view = app.screen.query_one(RowsView)
        shown = [view.render_line(y).text for y in range(view.size.height)]
        assert any("/var/task" in line for line in shown), shown
        assert str(app.screen.query_one("#verdict .headline").render())
        await pilot.press("j", "j", "q")
    assert app.return_code in (0, None)


# --- deep nesting ---------------------------------------------------------------

DEEP_FIRST_LINES = {
    "arrays": b"[" * 5000 + b"]" * 5000,
    "objects": b'{"a":' * 5000 + b"1" + b"}" * 5000,
    "objects with short keys": b'{"":' * 5000 + b"1" + b"}" * 5000,
    "arrays in an object": b'{"a":' + b"[" * 5000 + b"]" * 5000 + b"}",
    "unclosed": b'{"a":' + b"[" * 5000,
    "not UTF-8": b'{"a":' * 5000 + b'"\xff"' + b"}" * 5000,
    "a snapshot": b'{"format": "mountscope.snapshot", "version": 1, "table": '
    + b"[" * 5000
    + b"]" * 5000
    + b"}",
}


@pytest.mark.parametrize("name", list(DEEP_FIRST_LINES))
@pytest.mark.parametrize("command", ["tree", "classify", "extract"])
def test_a_5000_deep_first_line_is_one_error_line(tmp_path: Path, name: str, command: str):
    path = tmp_path / "deep.json"
    path.write_bytes(DEEP_FIRST_LINES[name] + b"\n")
    result = run_cli(command, str(path))
    err = result.stderr.decode()
    assert result.returncode == 2, err
    assert err.startswith(f"mountscope: error: {path}") and err.count("\n") == 1, err
    assert result.stdout == b""


def _chain(depth: int, odd: bytes) -> bytes:
    """findmnt -J of a chain of nested mounts, each inside its parent (real
    findmnt nests children by tree level); ``odd`` goes into the deepest target."""
    opening = b"".join(
        b'{"target": "/m%d", "source": "tmpfs", "fstype": "tmpfs", "options": "rw",'
        b' "children": [' % n
        for n in range(depth)
    )
    deepest = b'{"target": "/' + odd + b'", "source": "tmpfs", "fstype": "tmpfs", "options": "rw"}'
    return b'{"filesystems": [' + opening + deepest + b"]}" * depth + b"]}\n"


@pytest.mark.parametrize(
    "odd,escaped",
    [(b"deepest", b"deepest"), (b"\xff\xfe", b"\\xff\\xfe")],
    ids=["utf-8", "not utf-8"],
)
def test_a_5000_deep_findmnt_json_chain_is_read(tmp_path: Path, odd: bytes, escaped: bytes):
    path = tmp_path / "chain.json"
    path.write_bytes(_chain(5000, odd))
    result = run_cli("tree", "-l", "-o", "TARGET", str(path))
    assert result.returncode == 0, result.stderr.decode()
    shown = result.stdout.splitlines()
    assert len(shown) == 1 + 5001 and shown[1] == b"/m0" and shown[-1] == b"/" + escaped, shown[-1]
    result = run_cli("tree", "-J", str(path))
    assert result.returncode == 0, result.stderr.decode()
    again = tmp_path / "again.json"
    again.write_bytes(result.stdout)  # findmnt -J just as deep, written by mountscope
    compared = run_cli("diff", str(path), str(again))
    assert compared.returncode == 0, compared.stdout.decode() + compared.stderr.decode()


# NaN is left out only because NaN != NaN; Infinity is in.
_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4)
    ),
    max_leaves=20,
)


@FUZZ
@given(_json, st.booleans(), st.integers(0, 100))
def test_the_deep_reader_reads_json_as_the_standard_library_does(
    value: Any, indent: bool, cut: int
):
    import json

    text = json.dumps(value, indent=2 if indent else None, ensure_ascii=cut % 2 == 0)
    assert jsonio._loads_deep(text) == json.loads(text)
    part = text[: len(text) * cut // 100]
    try:
        expected: Any = json.loads(part)
    except ValueError:
        expected = ValueError
    try:
        got: Any = jsonio._loads_deep(part)
    except ValueError:
        got = ValueError
    assert got == expected, part
