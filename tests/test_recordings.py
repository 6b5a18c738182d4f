"""Terminal recordings: real sessions recorded with util-linux script(1) and with
a small asciicast v2 recorder of our own, in a real 80x24 terminal, then read
back; each extracted table is checked against what was printed."""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from pathlib import Path

import pytest
from conftest import FINDMNT, REPO, parse, run_cli
from ptyutil import Terminal

from benchmarks.generate import generate
from mountscope.system.loader import load_all

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
    assert [(m.target, m.display_source) for m in tree.mounts] == \
        [(truth.mounts[i].target, truth.mounts[i].display_source) for i, _ in truth.tree.walk()]
    for mount in tree.mounts:  # cut by the 80 columns, and flagged, never wrong
        real = next(m for m in truth.mounts if m.target == mount.target and m.display_source == mount.display_source)
        assert real.options.startswith(mount.options)
        if real.options != mount.options:
            assert "options" in mount.truncated

    wrapped = by_title[f"cat {tmp_path / 'node.mountinfo'}"]
    assert wrapped.format == "mountinfo"  # lines longer than 80 columns, joined back
    assert [(m.mount_id, m.target, m.fs_options) for m in wrapped.mounts] == \
        [(m.mount_id, m.target, m.fs_options) for m in node.mounts]

    colored = next(c for title, c in by_title.items() if title and "--color=always" in title)
    assert [(m.target, m.display_source) for m in colored.mounts] == [(m.target, m.display_source) for m in tree.mounts]

    listed = by_title[f"findmnt -F {tmp_path / 'node.mountinfo'} -l -o TARGET,SOURCE,FSTYPE"]
    assert [(m.target, m.display_source, m.fstype) for m in listed.mounts] == \
        [(m.target, m.display_source, m.fstype) for m in node.mounts]

    fullscreen = next(c for c in captures if c.format == "findmnt-raw")
    assert len(fullscreen.mounts) == len(truth.mounts)


def test_a_script_typescript_with_timing_yields_every_table(tmp_path: Path):
    commands = session(tmp_path)
    typescript, timing = tmp_path / "session.typescript", tmp_path / "session.timing"
    term = Terminal(["script", "-q", "--log-out", str(typescript), "--log-timing", str(timing),
                     "-c", f"env PS1='$ ' {SHELL} -i"], cols=80, rows=24, cwd=tmp_path)
    try:
        type_session(term, commands)
        assert term.wait_exit(20) == 0
    finally:
        term.close()
    assert typescript.read_bytes().startswith(b"Script started on ")
    captures = load_all(str(typescript), timing=str(timing))
    check_tables(captures, tmp_path)
    seconds = [c.metadata["seconds"] for c in captures]
    assert seconds == sorted(seconds) and seconds[-1] > seconds[0]
    assert all(c.metadata["recording"] == "script" for c in captures)
    untimed = load_all(str(typescript))
    assert [len(c.mounts) for c in untimed] == [len(c.mounts) for c in captures]
    listing = run_cli("extract", str(typescript), "--timing", str(timing))
    assert listing.returncode == 0 and b"findmnt -F" in listing.stdout and b" at " in listing.stdout


def record_asciicast(argv: list[str], path: Path, commands: list[tuple[str, str]], cwd: Path) -> bytes:
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
    header = {"version": 2, "width": 80, "height": 24, "timestamp": int(time.time()),
              "env": {"SHELL": "/bin/sh", "TERM": "xterm-256color"}}
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
    assert all(c.metadata["recording"] == "asciicast" for c in captures)
    assert all(c.metadata["seconds"] >= 0 for c in captures)
    log = tmp_path / "session.log"  # the same bytes, no header: an ANSI log
    log.write_bytes(raw)
    from_log = load_all(str(log))
    assert [c.metadata["recording"] for c in from_log] == ["ansi"] * len(from_log)
    assert [(c.title, len(c.mounts)) for c in from_log] == [(c.title, len(c.mounts)) for c in captures]


def test_a_recording_opens_and_compares_with_hash_n(tmp_path: Path):
    commands = session(tmp_path)
    cast = tmp_path / "session.cast"
    record_asciicast([SHELL, "-i"], cast, commands, tmp_path)
    result = run_cli("tree", f"{cast}#2", "-o", "TARGET", "-n", "-l")
    assert result.returncode == 0, result.stderr
    node = parse((tmp_path / "node.mountinfo").read_text())
    assert [line.rstrip() for line in result.stdout.decode().splitlines()] == [m.target for m in node.mounts]
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
    path = write('{"version": 2, "width": 80, "height": 24}\n[0.1, "o", "x"]\nnot json\n', "bad.cast")
    result = run_cli("extract", str(path))
    assert result.returncode == 2
    assert result.stderr.decode() == f"mountscope: error: {path}:3: not an asciicast event ([time, code, data])\n"


def test_a_clear_screen_does_not_lose_earlier_tables():
    from mountscope.parsers.recording import transcript

    table = "TARGET SOURCE\n/      /dev/vda\n├─/tmp tmpfs\n"
    data = "\x1b[?25l" + table.replace("\n", "\r\n") + "\x1b[H\x1b[2J\x1b[3J$ echo done\r\ndone\r\n"
    seen, _, kind = transcript(data, "log")
    assert kind == "ansi" and seen.splitlines()[:3] == table.splitlines()
    assert os.linesep == "\n" and sys.platform.startswith("linux")
