"""Size limits, and the Lambda limits: no HOME, a read-only disk except /tmp,
no terminal. Every non-interactive command must work there."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys

import pytest

from tests.helpers import ARTICLE, UNSHARE, needs_unshare, run_cli


def test_inputs_beyond_the_byte_limit_are_refused_with_a_way_out(write):
    path = write("20 1 8:4 / / rw - ext4 /dev/sda4 rw\n" * 3000)
    refused = run_cli("tree", str(path), "--max-input", "64K")
    assert refused.returncode == 2
    assert refused.stderr.decode() == (
        f"mountscope: error: {path}: larger than 64 KiB; refused "
        "(raise the limit with --max-input SIZE)\n"
    )
    assert run_cli("tree", str(path), "--max-input", "1M").returncode == 0
    piped = run_cli("tree", "-", "--max-input", "1K", stdin=path.read_bytes())
    assert piped.returncode == 2 and b"standard input: larger than" in piped.stderr


def test_more_than_a_million_lines_are_refused(write):
    path = write(b"\n" * 1_000_001, "lines.txt")
    result = run_cli("tree", str(path))
    assert result.returncode == 2
    assert b"1000001 lines, more than 1000000; refused" in result.stderr


# /tmp stays writable (its own rw bind mount) while / becomes read-only.
LAMBDA_SCRIPT = """
set -e
mount --bind /tmp /tmp
mount -o remount,bind,ro /
out=$(mktemp -d /tmp/lambda-limits.XXXXXX)
cd /
unset HOME
py={py}
$py -m mountscope tree {p1} > $out/tree.txt
$py -m mountscope tree {p1} --json > $out/tree.json
$py -m mountscope classify {p1} --json > $out/classify.json
$py -m mountscope classify > $out/live.txt
$py -m mountscope extract {excerpt} > $out/extract.txt
$py -m mountscope diff {p1} {p2} > $out/diff.txt || [ $? = 1 ]
$py -m mountscope {p1} > $out/report.txt
$py -m mountscope > $out/live-report.txt
$py -m mountscope capture > $out/stdout.json
$py -m mountscope capture -o $out/snap.json
$py -m mountscope watch --timeout 0.3 > $out/watch.txt
if $py -m mountscope capture -o /snap.json 2> $out/readonly.err; then exit 9; fi
cat $out/readonly.err
$py -m mountscope tree $out/snap.json -l > /dev/null
grep -q aws-lambda $out/report.txt
rm -rf $out
echo ALL-OK
"""


@needs_unshare
def test_every_non_interactive_command_works_under_lambdas_limits():
    if os.geteuid() != 0 or "-Urm" in (UNSHARE or []):
        pytest.skip("remounting / read-only needs root in the namespace")
    script = LAMBDA_SCRIPT.format(
        py=sys.executable,
        p1=ARTICLE / "lambda-pattern1.txt",
        p2=ARTICLE / "lambda-pattern2.txt",
        excerpt=ARTICLE / "excerpt.txt",
    )
    env = {k: v for k, v in os.environ.items() if k != "HOME"}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    result = subprocess.run(
        [*UNSHARE, "sh", "-c", script],
        capture_output=True,
        timeout=180,
        stdin=subprocess.DEVNULL,
        env=env,
    )
    out = result.stdout.decode()
    assert result.returncode == 0 and "ALL-OK" in out, result.stderr.decode() + out
    assert (
        "cannot write /snap.json: read-only file system; write to /tmp instead: -o /tmp/snap.json"
        in out
    )
    assert b"Traceback" not in result.stderr


def test_no_home_no_terminal_json_paths(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "HOME"}
    result = subprocess.run(
        [sys.executable, "-m", "mountscope", "classify", "--json"],
        capture_output=True,
        env=env,
        stdin=subprocess.DEVNULL,
        cwd=tmp_path,
    )
    assert result.returncode == 0 and json.loads(result.stdout)["environment"]


# --- limits given on the command line -----------------------------------------------------


def _limited(megabytes: int):
    """A preexec_fn capping the child's address space, so that a runaway
    allocation fails in the child instead of exhausting the machine."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (megabytes << 20, megabytes << 20))

    return limit


def run_limited(argv: list[str], megabytes: int, **kwargs) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "mountscope", *argv],
        capture_output=True,
        timeout=60,
        preexec_fn=_limited(megabytes),
        **kwargs,
    )


@pytest.mark.parametrize(
    "size", ["inf", "1e22", "nan", "-1", "0", "100G", "1.5G", "12Q", "", "1e3"]
)
def test_sizes_are_read_strictly_and_capped(write, size: str):
    path = write("20 1 8:4 / / rw - ext4 /dev/sda4 rw\n")
    result = run_limited(["tree", str(path), "--max-input", size], 1024)
    assert result.returncode == 2
    [line] = result.stderr.decode().splitlines()
    assert line.startswith("mountscope: error: argument --max-input: ") and line.endswith(
        "; see mountscope tree --help"
    )


@pytest.mark.parametrize("size", ["64K", "1M", "2GiB", "512mb", "16G", "300"])
def test_sizes_in_range_are_accepted(write, size: str):
    path = write("20 1 8:4 / / rw - ext4 /dev/sda4 rw\n")
    result = run_limited(["tree", str(path), "--max-input", size], 1024)
    assert result.returncode == 0 and result.stderr == b""


def test_the_line_limit_names_an_option_that_raises_it(write):
    path = write("".join(f"{i} 1 8:4 / /m{i} rw - ext4 /dev/sda4 rw\n" for i in range(20, 3020)))
    refused = run_cli("tree", str(path), "--max-lines", "1000")
    assert refused.returncode == 2
    assert refused.stderr.decode() == (
        f"mountscope: error: {path}: 3000 lines, more than 1000; refused "
        "(raise the limit with --max-lines N)\n"
    )
    assert run_cli("tree", str(path), "--max-lines", "3000").returncode == 0
    bad = run_cli("tree", str(path), "--max-lines", "0")
    assert (
        bad.returncode == 2
        and b"argument --max-lines: not a positive whole number: '0'" in bad.stderr
    )


@pytest.mark.parametrize(
    "argv",
    [["tree"], ["classify"], ["capture"], ["watch", "--timeout", "1"], []],
    ids=lambda argv: " ".join(argv) or "open",
)
@pytest.mark.parametrize("pid", ["0", "-3", "1e3"])
def test_a_pid_must_be_a_positive_whole_number(argv: list[str], pid: str):
    result = run_cli(*argv, "--pid", pid)
    assert result.returncode == 2 and result.stdout == b""
    [line] = result.stderr.decode().splitlines()
    assert f"argument --pid: not a process id: '{pid}' (a pid is a positive whole number)" in line


# --- memory follows the input ------------------------------------------------------------------


def test_a_small_file_reads_in_a_128_mb_address_space(write):
    path = write("20 1 8:4 / / rw - ext4 /dev/sda4 rw\n21 20 0:5 / /proc rw - proc proc rw\n")
    result = run_limited(["tree", str(path), "-l"], 128)
    assert result.returncode == 0, result.stderr.decode()
    assert b"/proc" in result.stdout and result.stderr == b""


@pytest.mark.parametrize("how", ["file", "stdin"])
def test_an_endless_input_is_refused_in_a_128_mb_address_space(how: str):
    with open("/dev/zero", "rb") as zero:
        if how == "file":
            result = run_limited(["tree", "/dev/zero"], 128)
        else:
            result = run_limited(["tree", "-"], 128, stdin=zero)
    name = "/dev/zero" if how == "file" else "standard input"
    assert result.returncode == 2
    [line] = result.stderr.decode().splitlines()
    assert line.startswith(f"mountscope: error: {name}: not enough memory to read it (")
    assert line.endswith("read); refused (lower the limit with --max-input SIZE)")


def test_an_endless_input_is_refused_at_the_limit_without_holding_the_limit_twice():
    result = run_limited(["tree", "/dev/zero", "--max-input", "64M"], 128)
    assert result.returncode == 2
    assert result.stderr.decode() == (
        "mountscope: error: /dev/zero: larger than 64 MiB; refused "
        "(raise the limit with --max-input SIZE)\n"
    )


def test_a_regular_file_over_the_limit_is_refused_before_it_is_read(tmp_path):
    big = tmp_path / "big.txt"
    with open(big, "wb") as out:
        out.truncate(200 << 20)  # 200 MiB of nothing, on disk as a hole
    result = run_limited(["tree", str(big), "--max-input", "120M"], 128)
    assert result.returncode == 2
    assert result.stderr.decode() == (
        f"mountscope: error: {big}: larger than 120 MiB; refused "
        "(raise the limit with --max-input SIZE)\n"
    )
