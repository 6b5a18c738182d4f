"""The shape of the command line: subcommands, shared options before or after
the command, one meaning for -o, and exit statuses that are ExitCode's values."""

from __future__ import annotations

import fcntl
import json
import re
import signal
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from mountscope.errors import ExitCode
from tests.helpers import ARTICLE, REPO, SAMPLES, run_cli, tree_to_a_reader_that_goes_away

P1 = str(ARTICLE / "lambda-pattern1.txt")
P2 = str(ARTICLE / "lambda-pattern2.txt")
# Over 1K, so that --max-input 1K refuses it (and the option's effect shows).
BIG = str(SAMPLES / "environments" / "kubernetes-pod.mountinfo")
NO_SUCH_PID = "999999999"

# For every command: its arguments, and one shared option whose effect shows in
# the result. (command, arguments, option)
SHARED = [
    ("open", [P1, "--no-tui"], ["--color", "always"]),
    ("tree", [P1], ["--color", "always"]),
    ("classify", [BIG], ["--max-input", "1K"]),
    ("diff", [BIG, P1], ["--max-input", "1K"]),
    ("capture", ["--to", "-", "--no-signals"], ["--pid", NO_SUCH_PID]),
    ("watch", ["--timeout", "0.5"], ["--pid", NO_SUCH_PID]),
    ("extract", [BIG], ["--max-input", "1K"]),
    ("survey", [BIG, "--json"], ["--max-input", "1K"]),
    ("export", ["--to", "-", BIG], ["--max-input", "1K"]),
]


def outcome(*argv: str) -> tuple[int, bytes, bytes]:
    result = run_cli(*argv)
    return result.returncode, result.stdout, result.stderr


@pytest.mark.parametrize(("command", "arguments", "option"), SHARED, ids=[row[0] for row in SHARED])
def test_shared_options_before_or_after_the_command(
    command: str, arguments: list[str], option: list[str]
):
    before = outcome(*option, command, *arguments)
    after = outcome(command, *arguments, *option)
    assert before == after
    assert before[0] != ExitCode.TROUBLE or b"unrecognized" not in before[2], before[2]
    # The option did something: without it the result is another.
    assert outcome(command, *arguments) != before


def test_the_default_command_takes_shared_options_before_its_files():
    named = outcome("open", P1, "--no-tui", "--color", "always")
    assert outcome("--color", "always", P1, "--no-tui") == named
    assert outcome("--color", "always", "--no-tui", P1) == named
    assert b"\x1b[" in named[1]


def test_an_option_after_the_command_does_not_reset_one_before_it():
    # --max-input before, another shared option after: the limit still holds.
    refused = outcome("--max-input", "1K", "tree", BIG, "--color", "never")
    assert refused[0] == ExitCode.TROUBLE and b"larger than" in refused[2]
    # The same option twice: the later one wins, as argparse does everywhere.
    assert b"\x1b[" not in outcome("--color", "always", "tree", P1, "--color", "never")[1]


def test_a_shared_option_a_command_does_not_take_is_a_usage_error():
    result = run_cli("--format", "mountinfo", "capture")
    assert result.returncode == ExitCode.TROUBLE and result.stdout == b""
    assert result.stderr == (
        b"mountscope: error: capture: --format does not apply here; see mountscope capture --help\n"
    )


def test_o_means_columns_in_tree():
    result = run_cli("tree", P1, "-n", "-l", "-o", "KIND,TARGET")
    assert result.returncode == 0
    assert result.stdout.decode().splitlines()[:2] == ["other  /", "loop   /var/task"]
    assert run_cli("tree", P1, "-n", "-l", "--output", "KIND,TARGET").stdout == result.stdout


@pytest.mark.parametrize("spelling", ["--to", "-o", "--output"])
def test_capture_writes_its_file_with_to_and_the_older_o(tmp_path: Path, spelling: str):
    target = tmp_path / "snap.json"
    saved = run_cli("capture", spelling, str(target), "--no-signals")
    assert saved.returncode == 0, saved.stderr
    assert re.fullmatch(
        rb"mountscope: saved a snapshot of \d+ mounts to .*snap\.json\n", saved.stderr
    )
    assert "table" in json.loads(target.read_bytes())
    # The same file again: not replaced without --force, with either spelling.
    before = target.read_bytes()
    again = run_cli("capture", spelling, str(target), "--no-signals")
    assert again.returncode == ExitCode.TROUBLE and target.read_bytes() == before
    assert (
        again.stderr
        == f"mountscope: error: {target} exists; not overwritten (use --force to replace it)\n".encode()
    )
    assert run_cli("capture", spelling, str(target), "--no-signals", "--force").returncode == 0


def test_capture_help_documents_the_o_alias():
    text = " ".join(run_cli("capture", "--help").stdout.decode().split())
    assert "--to FILE, -o FILE, --output FILE" in text
    assert "-o FILE and --output FILE are older spellings of --to FILE" in text


def _documented_statuses() -> dict[int, str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = readme.split("### Exit status", 1)[1].split("\n\n", 2)[1]
    rows = re.findall(r"^\| (\d+) \| (.*) \|$", table, re.M)
    assert rows, table
    return {int(status): meaning for status, meaning in rows}


def test_every_documented_status_is_an_exit_code():
    assert set(_documented_statuses()) == {int(code) for code in ExitCode}


def _unread(fd: int) -> int:
    count = bytearray(4)
    fcntl.ioctl(fd, termios.FIONREAD, count)
    return int.from_bytes(count, sys.byteorder)


def _interrupted_while_reading() -> int:
    """Ctrl-C while mountscope waits for the rest of standard input."""
    child = subprocess.Popen(
        [sys.executable, "-m", "mountscope", "tree", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stdin is not None
    try:
        child.stdin.write(b"20 1 8:4 / / rw - ext4 /dev/sda4 rw\n")
        child.stdin.flush()
        # Ready when it has read what was written: it is inside main(), reading.
        deadline = time.monotonic() + 30
        while _unread(child.stdin.fileno()) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert not _unread(child.stdin.fileno()), "mountscope never read its input"
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=30)
    finally:
        child.kill()
        child.wait()
    assert out == b"" and err == b"", err
    return child.returncode


def _reader_gone() -> int:
    returncode, stderr = tree_to_a_reader_that_goes_away()
    assert stderr == b""
    return returncode


REACH = {
    ExitCode.OK: lambda: run_cli("tree", P1).returncode,
    ExitCode.DIFFERENT: lambda: run_cli("diff", P1, P2).returncode,
    ExitCode.TROUBLE: lambda: run_cli("classify", str(REPO / "no-such-capture")).returncode,
    ExitCode.INTERRUPTED: _interrupted_while_reading,
    ExitCode.READER_GONE: _reader_gone,
}


@pytest.mark.parametrize("code", list(ExitCode), ids=lambda code: f"{code.name}={code.value}")
def test_every_exit_code_is_reachable(code: ExitCode):
    assert code in REACH, f"no way to reach {code!r} is known"
    assert REACH[code]() == code.value


def test_the_command_table_holds_every_documented_command():
    from mountscope import cli

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `mountscope (\w+)", readme, re.M))
    assert documented and documented <= set(cli.COMMANDS), documented - set(cli.COMMANDS)
    # Each command is its own module's run() and configure(), the module named as the command.
    for name, command in cli.COMMANDS.items():
        module = command.module()
        assert command.name == name and module.__name__ == f"mountscope.cli.{name}"
        assert module.run.__module__ == module.__name__ and module.run.__name__ == "run"
        assert module.configure.__module__ == module.__name__


@pytest.mark.parametrize(
    "name", ["open", "tree", "classify", "diff", "capture", "watch", "extract", "survey", "export"]
)
def test_every_command_has_its_help(name: str):
    result = run_cli(name, "--help")
    assert result.returncode == 0 and result.stdout.startswith(f"usage: mountscope {name}".encode())


def test_each_case_the_code_tells_apart_is_its_own_class(tmp_path: Path):
    """Callers catch a class, never match a message: each case raises its own."""
    from mountscope import errors
    from mountscope.capture import capture_live
    from mountscope.export import export_to
    from mountscope.render.findmnt import choose_columns
    from mountscope.system.loader import Limits, load

    big = tmp_path / "big.mountinfo"
    big.write_text("20 1 8:4 / / rw - ext4 /dev/sda4 rw\n" * 100)
    with pytest.raises(errors.InputTooLarge):
        load(str(big), None, Limits(max_bytes=1024, max_lines=1000))
    with pytest.raises(errors.InputTooLarge):
        load(str(big), None, Limits(max_bytes=1 << 20, max_lines=10))
    empty = tmp_path / "prose.txt"
    empty.write_text("no mount table in here\n")
    with pytest.raises(errors.NoMountTable):
        load(str(empty))
    with pytest.raises(errors.InputError):
        load(str(tmp_path / "missing"))
    with pytest.raises(errors.LiveReadError):
        capture_live(int(NO_SUCH_PID), with_signals=False)
    with pytest.raises(errors.UsageError):
        choose_columns("TARGET,NOPE", load(P1))
    existing = tmp_path / "rows.jsonl"
    existing.write_text("mine\n")
    with pytest.raises(errors.OutputExists) as caught:
        export_to(str(existing), iter([]), False)
    assert caught.value.path == str(existing) and existing.read_text() == "mine\n"
    # Every one of them ends the command line with the documented status 2.
    for kind in (
        errors.UsageError,
        errors.InputError,
        errors.InputTooLarge,
        errors.ParseError,
        errors.NoMountTable,
        errors.WarningsAreErrors,
        errors.LiveReadError,
        errors.OutputError,
        errors.OutputExists,
        errors.SnapshotExists,
    ):
        assert issubclass(kind, errors.MountscopeError) and kind.exit_code is ExitCode.TROUBLE
