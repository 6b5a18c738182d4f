"""Terminal recordings: real sessions recorded with util-linux script(1) and with
a small asciicast v2 recorder of our own, in a real 80x24 terminal, then read
back; each extracted table is checked against what was printed."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest

from benchmarks.generate import generate
from mountscope.system.loader import load_all
from tests.helpers import FINDMNT, REPO, parse, run_cli
from tests.helpers.pty import Terminal

SHELL = shutil.which("sh")
pytestmark = pytest.mark.skipif(FINDMNT is None or SHELL is None, reason="needs findmnt and sh")

EDGE = REPO / "tests" / "data" / "edge.mountinfo"


def session(tmp_path: Path) -> list[tuple[str, str]]:
    """The commands of the recorded session, and a short name for each table."""
    table = tmp_path / "node.mountinfo"
    table.write_text(generate(12, seed=5))
    grep = shutil.which("grep")
    return [
        (f"findmnt -F {EDGE}", "tree"),
        (f"cat {table}", "mountinfo"),
        (f"findmnt -F {EDGE} | {grep} --color=always -E 'tmpfs|$'", "colored"),
        ("clear", ""),
        (f"findmnt -F {table} -l -o TARGET,SOURCE,FSTYPE", "list"),
        (f"tput smcup; findmnt -F {EDGE} -r; sleep 0.2; tput rmcup", "fullscreen"),
    ]


def type_session(term: Terminal, commands: list[tuple[str, str]]) -> None:
    term.wait_for("$ ")
    for command, _ in commands:
        sent = len(term.raw)
        term.send(command + "\n")
        term.wait_output(lambda new: new.endswith(b"$ "), since=sent)  # the next prompt: it is done
    term.send("exit\n")


def check_tables(captures, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    by_title = {c.title: c for c in captures}
    truth = parse(EDGE.read_text())
    node = parse((tmp_path / "node.mountinfo").read_text())

    tree = by_title[f"findmnt -F {EDGE}"]
    assert tree.format == "findmnt"
    assert [(m.target, m.display_source) for m in tree.mounts] == [
        (truth.mounts[i].target, truth.mounts[i].display_source) for i, _ in truth.tree.walk()
    ]
    for mount in tree.mounts:  # cut by the 80 columns, and flagged, never wrong
        real = next(
            m
            for m in truth.mounts
            if m.target == mount.target and m.display_source == mount.display_source
        )
        assert real.options.startswith(mount.options)
        if real.options != mount.options:
            assert "options" in mount.truncated

    wrapped = by_title[f"cat {tmp_path / 'node.mountinfo'}"]
    assert wrapped.format == "mountinfo"  # lines longer than 80 columns, joined back
    assert [(m.mount_id, m.target, m.fs_options) for m in wrapped.mounts] == [
        (m.mount_id, m.target, m.fs_options) for m in node.mounts
    ]

    colored = next(c for title, c in by_title.items() if title and "--color=always" in title)
    assert [(m.target, m.display_source) for m in colored.mounts] == [
        (m.target, m.display_source) for m in tree.mounts
    ]

    listed = by_title[f"findmnt -F {tmp_path / 'node.mountinfo'} -l -o TARGET,SOURCE,FSTYPE"]
    assert [(m.target, m.display_source, m.fstype) for m in listed.mounts] == [
        (m.target, m.display_source, m.fstype) for m in node.mounts
    ]

    fullscreen = next(c for c in captures if c.format == "findmnt-raw")
    assert len(fullscreen.mounts) == len(truth.mounts)


def script_terminal(command: str, typescript: Path, timing: Path, cwd: Path) -> Terminal:
    """``command`` run under script(1) in an 80x24 pty, recorded with its timing."""
    return Terminal(
        ["script", "-q", "--log-out", str(typescript), "--log-timing", str(timing), "-c", command],
        cols=80,
        rows=24,
        cwd=cwd,
    )


def test_a_script_typescript_with_timing_yields_every_table(tmp_path: Path):
    commands = session(tmp_path)
    typescript, timing = tmp_path / "session.typescript", tmp_path / "session.timing"
    term = script_terminal(f"env PS1='$ ' {SHELL} -i", typescript, timing, tmp_path)
    try:
        type_session(term, commands)
        assert term.wait_exit(20) == 0
    finally:
        term.close()
    assert typescript.read_bytes().startswith(b"Script started on ")
    captures = load_all(str(typescript), timing=str(timing))
    check_tables(captures, tmp_path)
    seconds = [c.provenance.seconds for c in captures]
    assert seconds == sorted(seconds) and seconds[-1] > seconds[0]
    assert all(c.provenance.kind == "script" for c in captures)
    untimed = load_all(str(typescript))
    assert [len(c.mounts) for c in untimed] == [len(c.mounts) for c in captures]
    listing = run_cli("extract", str(typescript), "--timing", str(timing))
    assert listing.returncode == 0 and b"findmnt -F" in listing.stdout and b" at " in listing.stdout


def record_asciicast(
    argv: list[str], path: Path, commands: list[tuple[str, str]], cwd: Path
) -> bytes:
    """A small asciicast v2 recorder: a real pty, every chunk of output an event."""
    term = Terminal(argv, cols=80, rows=24, cwd=cwd, env={"PS1": "$ "})
    events: list[tuple[float, bytes]] = []
    started = time.monotonic()
    pump = term._pump

    def recording_pump(timeout: float) -> bool:
        before = len(term.raw)
        got = pump(timeout)
        if got:
            events.append((time.monotonic() - started, bytes(term.raw[before:])))
        return got

    term._pump = recording_pump  # type: ignore[method-assign]
    try:
        type_session(term, commands)
        term.wait_exit(20)
    finally:
        term.close()
    header = {
        "version": 2,
        "width": 80,
        "height": 24,
        "timestamp": int(time.time()),
        "env": {"SHELL": "/bin/sh", "TERM": "xterm-256color"},
    }
    with path.open("w") as cast:
        cast.write(json.dumps(header) + "\n")
        for when, data in events:
            cast.write(json.dumps([round(when, 6), "o", data.decode("utf-8", "replace")]) + "\n")
    return bytes(term.raw)


def test_an_asciicast_and_a_raw_ansi_log_yield_every_table(tmp_path: Path):
    commands = session(tmp_path)
    cast = tmp_path / "session.cast"
    raw = record_asciicast([SHELL, "-i"], cast, commands, tmp_path)
    captures = load_all(str(cast))
    check_tables(captures, tmp_path)
    assert all(c.provenance.kind == "asciicast" for c in captures)
    assert all(c.provenance.seconds >= 0 for c in captures)
    log = tmp_path / "session.log"  # the same bytes, no header: an ANSI log
    log.write_bytes(raw)
    from_log = load_all(str(log))
    assert [c.provenance.kind for c in from_log] == ["ansi"] * len(from_log)
    assert [(c.title, len(c.mounts)) for c in from_log] == [
        (c.title, len(c.mounts)) for c in captures
    ]


def test_a_recording_opens_and_compares_with_hash_n(tmp_path: Path):
    commands = session(tmp_path)
    cast = tmp_path / "session.cast"
    record_asciicast([SHELL, "-i"], cast, commands, tmp_path)
    result = run_cli("tree", f"{cast}#2", "-o", "TARGET", "-n", "-l")
    assert result.returncode == 0, result.stderr
    node = parse((tmp_path / "node.mountinfo").read_text())
    assert [line.rstrip() for line in result.stdout.decode().splitlines()] == [
        m.target for m in node.mounts
    ]
    compared = run_cli("diff", f"{cast}#1", f"{cast}#3", "--json")
    assert json.loads(compared.stdout)["summary"]["changed"] == 0


def test_the_shipped_sample_recording():
    cast = REPO / "samples" / "recordings" / "article-patterns.cast"
    captures = load_all(str(cast))
    assert [(c.title, len(c.mounts)) for c in captures] == [
        ("cat samples/article/lambda-pattern1.txt", 10),
        ("cat samples/article/lambda-pattern2.txt", 10),
    ]
    result = run_cli("diff", f"{cast}#1", f"{cast}#2")
    assert result.returncode == 1 and b"~ /var/task" in result.stdout


def test_a_broken_asciicast_is_a_one_line_error(write):
    path = write(
        '{"version": 2, "width": 80, "height": 24}\n[0.1, "o", "x"]\nnot json\n', "bad.cast"
    )
    result = run_cli("extract", str(path))
    assert result.returncode == 2
    assert (
        result.stderr.decode()
        == f"mountscope: error: {path}:3: not an asciicast event ([time, code, data])\n"
    )


def test_a_clear_screen_does_not_lose_earlier_tables():
    from mountscope.parsers.recording import transcript

    table = "TARGET SOURCE\n/      /dev/vda\n├─/tmp tmpfs\n"
    data = "\x1b[?25l" + table.replace("\n", "\r\n") + "\x1b[H\x1b[2J\x1b[3J$ echo done\r\ndone\r\n"
    seen, _, kind = transcript(data, "log")
    assert kind == "ansi" and seen.splitlines()[:3] == table.splitlines()


# --- characters a terminal shows as nothing -------------------------------------------

# Characters that take no cell on a terminal: pyte's Screen.draw stopped at each of
# them and dropped the rest of the line. Format characters, tag characters, a
# combining mark (which must not be composed with the letter before it), a
# combining grapheme joiner, a variation selector, Hangul fillers, a spacing mark
# wcwidth gives no width, and two controls a terminal ignores.
INVISIBLE = [
    "\u200b",
    "\u200c",
    "\u200d",
    "\u200e",
    "\u202e",
    "\u2060",
    "\u2066",
    "\ufeff",
    "\U000e0001",
    "\U000e0041",
    "\U000e007f",
    "\u0301",
    "\u034f",
    "\ufe0f",
    "\u1160",
    "\u3164",
    "\u093e",
    "\x01",
    "\u0085",
    "\u180e",
]


def invisible_mountinfo() -> tuple[str, list[str]]:
    """A mountinfo whose paths hold each invisible character: at the start, the middle
    and the end of a path, and one exactly where an 80-column terminal wraps."""
    lines = ["1 0 252:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw"]
    targets = ["/"]
    for i, char in enumerate(INVISIBLE, 2):
        target = f"/mnt/{char}e{char}{i}/x{char}"
        targets.append(target)
        lines.append(f"{i} 1 0:{i} / {target} rw,nosuid shared:{i} - tmpfs t{char}{i} rw,size=64k")
    prefix = f"{len(lines) + 1} 1 0:99 / /wrap/"
    target = (
        "/wrap/" + "w" * (80 - len(prefix)) + "\u200b\u2060tail"
    )  # the cells run out before U+200B
    targets.append(target)
    lines.append(f"{len(lines) + 1} 1 0:99 / {target} rw - tmpfs wrap rw")
    return "\n".join(lines) + "\n", targets


def test_a_script_typescript_keeps_mounts_with_invisible_characters(tmp_path: Path):
    table, targets = invisible_mountinfo()
    source = tmp_path / "invisible.mountinfo"
    source.write_text(table, encoding="utf-8")
    typescript, timing = tmp_path / "cat.typescript", tmp_path / "cat.timing"
    term = script_terminal(f"cat {source}", typescript, timing, tmp_path)
    try:
        assert term.wait_exit(30) == 0
    finally:
        term.close()
    for timed in (str(timing), None):
        captures = load_all(str(typescript), timing=timed)
        assert len(captures) == 1, [(c.title, len(c.mounts)) for c in captures]
        assert [m.target for m in captures[0].mounts] == targets
        assert [m.source for m in captures[0].mounts][1:-1] == [
            f"t{c}{i}" for i, c in enumerate(INVISIBLE, 2)
        ]
        assert not captures[0].warnings


def write_cast(path: Path, width: object, height: object, events: list[list[object]]) -> Path:
    """An asciicast v2 file as its format documents it: a JSON header line, then one
    [time, code, data] line per event."""
    header = {"version": 2, "width": width, "height": height, "timestamp": 1700000000}
    path.write_text(
        json.dumps(header) + "\n" + "".join(json.dumps(e) + "\n" for e in events), encoding="utf-8"
    )
    return path


def test_an_asciicast_keeps_mounts_with_invisible_characters(tmp_path: Path):
    table, targets = invisible_mountinfo()
    output = "$ cat invisible.mountinfo\r\n" + table.replace("\n", "\r\n") + "$ "
    # Cut into events at every 7th character, so that invisible characters also
    # start events and land at the very start of a screen line.
    events: list[list[object]] = [
        [round(i / 100, 2), "o", output[i : i + 7]] for i in range(0, len(output), 7)
    ]
    cast = write_cast(tmp_path / "invisible.cast", 80, 24, events)
    (capture,) = load_all(str(cast))
    assert [m.target for m in capture.mounts] == targets
    assert not capture.warnings
    listed = run_cli("tree", str(cast), "-o", "TARGET", "-l", "--json")
    assert listed.returncode == 0, listed.stderr
    assert len(json.loads(listed.stdout)["filesystems"]) == len(targets)


def test_invisible_characters_at_the_start_of_a_screen_line_are_kept():
    from mountscope.parsers.recording import transcript

    table = "\u200b/dev/vda1 / ext4 rw 0 0\r\n\u2060\ufefftmpfs /t\u200b ext4 rw 0 0\r\n"
    seen, _, _ = transcript("\x1b[m" + table + "\u200b\r\n\x1b[5Ga\u0301\u200b", "log")
    assert seen.splitlines() == [*table.split("\r\n")[:2], "\u200b", "    a\u0301\u200b"]


def test_a_line_that_cannot_be_replayed_is_a_warning_naming_it(tmp_path: Path):
    mounts = ["1 0 0:1 / / rw - ext4 /dev/vda rw"] + [
        f"{i} 1 0:{i} / /srv/a/rather/long/path/for/{i} rw - tmpfs t{i} rw" for i in (2, 3)
    ]
    # Autowrap off: the end of each long line is written over in the last column.
    output = "\x1b[?7l$ cat mounts\r\n" + "\r\n".join(mounts) + "\r\n$ "
    cast = write_cast(tmp_path / "nowrap.cast", 40, 24, [[0.5, "o", output]])
    result = run_cli("tree", str(cast), "-o", "TARGET")
    assert result.returncode == 0
    warnings = result.stderr.decode().splitlines()
    # Each cut line is said twice: as a screen line not replayed whole, and as
    # the table's line that could not be read (its fields were written over).
    for n in (3, 4):
        assert (
            f"mountscope: warning: {cast}:{n}: screen line not fully replayed: "
            "text past the last column was written over (autowrap off)"
        ) in warnings, warnings
    assert all(line.startswith(f"mountscope: warning: {cast}:") for line in warnings), warnings
    assert run_cli("tree", str(cast), "--strict").returncode == 2


# --- hostile recordings: sizes, times, timing files, runaway work ----------------------


@pytest.mark.parametrize(
    ("width", "height"),
    [
        ("1e999", "24"),
        ("80", "1e999"),
        ("-1e999", "24"),
        ("Infinity", "24"),
        ("NaN", "24"),
        ("-80", "24"),
        ("0", "24"),
        ("80", "100000000"),
        ("1e18", "24"),
        ('"80x"', "24"),
        ("true", "24"),
        ("[80]", "24"),
        ("null", "24"),
        ("80.5", "24"),
        ('"99999999999999999999999"', "24"),
    ],
)
def test_an_asciicast_with_an_impossible_size_is_one_line_naming_line_1(
    tmp_path: Path, width: str, height: str
):
    cast = tmp_path / "size.cast"
    cast.write_text(f'{{"version": 2, "width": {width}, "height": {height}}}\n[0.1, "o", "x"]\n')
    result = run_cli("extract", str(cast))
    assert result.returncode == 2
    lines = result.stderr.decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"mountscope: error: {cast}:1: "), lines


@pytest.mark.parametrize(
    "event",
    [
        '[1e999, "o", "x\\r\\n"]',
        '[NaN, "o", "x\\r\\n"]',
        '[0.1, "r", "1e999x24"]',
        '[0.1, "r", "Infinityx24"]',
        '[0.1, "o", "\\ud800 lone\\r\\n"]',
    ],
)
def test_an_asciicast_with_an_impossible_event_is_one_line_or_read(tmp_path: Path, event: str):
    table = "1 0 0:1 / / rw - ext4 /dev/vda rw\\r\\n2 1 0:2 / /t rw - tmpfs t rw\\r\\n"
    cast = tmp_path / "event.cast"
    cast.write_text(
        '{"version": 2, "width": 80, "height": 24}\n' + event + f'\n[0.2, "o", "{table}"]\n'
    )
    result = run_cli("extract", str(cast))
    assert b"Traceback" not in result.stderr
    if result.returncode == 2:
        assert (
            result.stderr.decode()
            == f"mountscope: error: {cast}:2: not an asciicast event ([time, code, data])\n"
            or result.stderr.decode().startswith(f"mountscope: error: {cast}:2: a terminal")
        )
    else:
        assert result.returncode == 0 and b"2 mounts" in result.stdout


def test_a_timing_file_with_negative_byte_counts_is_refused(tmp_path: Path):
    body = "".join(f"{i} 1 0:{i} / /m{i} rw - tmpfs t{i} rw\r\n" for i in range(2, 40))
    typescript = tmp_path / "s.typescript"
    typescript.write_text(
        'Script started on 2024-01-01 10:00:00+00:00 [COLUMNS="80" LINES="24"]\n'
        "1 0 0:1 / / rw - ext4 /dev/vda rw\r\n"
        + body
        + '\nScript done on 2024-01-01 10:00:01+00:00 [COMMAND_EXIT_CODE="0"]\n'
    )
    timing = tmp_path / "s.timing"
    # Each line would step back: the same bytes replayed once per line.
    timing.write_text("0.01 200\n" + "0.001 -100\n0.001 100\n" * 1000)
    result = run_cli("extract", str(typescript), "--timing", str(timing), timeout=120)
    assert result.returncode == 2
    assert result.stderr.decode() == (
        f"mountscope: error: {typescript}: timing line 2: a delay or byte count "
        "that is not a number of seconds or bytes (negative, infinite or not a number)\n"
    )
    for bad in ("inf 10\n", "nan 10\n", "-1 10\n", "O 0.1 -5\n"):
        timing.write_text("0.01 20\n" + bad)
        again = run_cli("extract", str(typescript), "--timing", str(timing))
        assert again.returncode == 2 and again.stderr.decode().startswith(
            f"mountscope: error: {typescript}: timing line 2: "
        ), (bad, again.stderr)
