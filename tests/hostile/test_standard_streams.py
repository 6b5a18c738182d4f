"""Standard output is complete or the command fails: a full disk, /dev/full,
a closed stdout and a closed stdin are one line on stderr and exit status 2,
never a traceback and never a cut-off result with status 0."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ARTICLE, UNSHARE, needs_unshare, tree_to_a_reader_that_goes_away

P1, P2 = str(ARTICLE / "lambda-pattern1.txt"), str(ARTICLE / "lambda-pattern2.txt")
EXCERPT = str(ARTICLE / "excerpt.txt")

# Every command that writes to stdout, in its text and JSON forms.
WRITERS = [
    ["tree", P1],
    ["tree", "-J", P1],
    ["tree", "-l", P1],
    ["classify", P1],
    ["classify", "--json", P1],
    ["diff", P1, P2],
    ["diff", "--json", P1, P2],
    ["extract", EXCERPT],
    ["extract", "--json", EXCERPT],
    ["capture"],
    ["capture", "-o", "-"],
    ["--no-tui", P1],
    ["--no-tui", P1, P2],
    ["--help"],
    ["tree", "--help"],
    ["--version"],
]


def name(argv: list[str]) -> str:
    return " ".join(os.path.basename(a) for a in argv) or "open"


def run(
    argv: list[str],
    *,
    stdout=subprocess.DEVNULL,
    stdin=subprocess.DEVNULL,
    close: int | None = None,
) -> subprocess.CompletedProcess[bytes]:
    """mountscope as a whole process; ``close`` is a descriptor closed before it starts."""
    return subprocess.run(
        [sys.executable, "-m", "mountscope", *argv],
        stdout=stdout,
        stdin=stdin,
        stderr=subprocess.PIPE,
        timeout=60,
        preexec_fn=(lambda: os.close(close)) if close is not None else None,
    )


def only_line(result: subprocess.CompletedProcess[bytes]) -> str:
    lines = result.stderr.decode().splitlines()
    assert len(lines) == 1, result.stderr.decode()
    return lines[0]


@pytest.mark.parametrize("argv", WRITERS, ids=name)
def test_a_full_device_on_stdout_is_an_error(argv: list[str]):
    with open("/dev/full", "wb") as full:
        result = run(argv, stdout=full)
    assert result.returncode == 2
    assert only_line(result) == (
        "mountscope: error: cannot write to standard output: "
        "No space left on device; the output is incomplete"
    )


@pytest.mark.parametrize("argv", WRITERS, ids=name)
def test_a_closed_stdout_is_an_error(argv: list[str]):
    result = run(argv, close=1)
    assert result.returncode == 2
    assert only_line(result) == "mountscope: error: cannot write to standard output: it is closed"


@pytest.mark.parametrize(
    "argv",
    [["tree", "-"], ["classify", "-"], ["diff", P1, "-"], ["extract", "-"], ["--no-tui", "-"]],
    ids=name,
)
def test_a_closed_stdin_is_an_error_where_it_is_read(argv: list[str]):
    result = run(argv, close=0)
    assert result.returncode == 2
    assert only_line(result) == "mountscope: error: standard input: it is closed; nothing to read"


@pytest.mark.parametrize("argv", [["tree", P1], ["capture"], ["--no-tui", P1], [P1]], ids=name)
def test_a_closed_stdin_does_not_matter_where_it_is_not_read(argv: list[str]):
    result = run(argv, close=0, stdout=subprocess.PIPE)
    assert result.returncode == 0 and result.stderr == b""
    assert result.stdout


def test_a_closed_stdout_does_not_matter_when_the_snapshot_goes_to_a_file(tmp_path: Path):
    result = run(["capture", "-o", str(tmp_path / "snap.json")], close=1)
    assert result.returncode == 0
    assert (tmp_path / "snap.json").read_bytes().startswith(b"{")


def test_a_closed_stderr_keeps_messages_out_of_stdout(tmp_path: Path):
    missing = tmp_path / "missing"
    result = run(["classify", str(missing)], close=2, stdout=subprocess.PIPE)
    assert result.returncode == 2 and result.stdout == b""


@needs_unshare
def test_a_snapshot_redirected_to_a_nearly_full_disk_fails(tmp_path: Path):
    """The README's redirect (capture > FILE) on a filesystem with room for part
    of the snapshot: the kernel writes what fits, and the rest is an error."""
    small = tmp_path / "small"
    small.mkdir()
    script = (
        f"mount -t tmpfs -o size=16k tmpfs {small} && "
        f"{sys.executable} -m mountscope capture > {small}/snap.json; echo status=$?"
    )
    result = subprocess.run([*UNSHARE, "sh", "-c", script], capture_output=True, timeout=60)
    assert result.stdout.decode().strip() == "status=2", result.stderr.decode()
    assert result.stderr.decode() == (
        "mountscope: error: cannot write to standard output: "
        "No space left on device; the output is incomplete\n"
    )


def test_a_reader_that_goes_away_still_ends_quietly():
    assert tree_to_a_reader_that_goes_away() == (141, b"")
