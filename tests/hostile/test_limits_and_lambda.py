"""Size limits, and the Lambda limits: no HOME, a read-only disk except /tmp,
no terminal. Every non-interactive command must work there."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from conftest import ARTICLE, UNSHARE, needs_unshare, run_cli


def test_inputs_beyond_the_byte_limit_are_refused_with_a_way_out(write):
    path = write("20 1 8:4 / / rw - ext4 /dev/sda4 rw\n" * 3000)
    refused = run_cli("tree", str(path), "--max-input", "64K")
    assert refused.returncode == 2
    assert refused.stderr.decode() == (f"mountscope: error: {path}: larger than 64 KiB; refused "
                                       "(raise the limit with --max-input SIZE)\n")
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
    script = LAMBDA_SCRIPT.format(py=sys.executable, p1=ARTICLE / "lambda-pattern1.txt",
                                  p2=ARTICLE / "lambda-pattern2.txt", excerpt=ARTICLE / "excerpt.txt")
    env = {k: v for k, v in os.environ.items() if k != "HOME"}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    result = subprocess.run([*UNSHARE, "sh", "-c", script], capture_output=True, timeout=180,
                            stdin=subprocess.DEVNULL, env=env)
    out = result.stdout.decode()
    assert result.returncode == 0 and "ALL-OK" in out, result.stderr.decode() + out
    assert "cannot write /snap.json: read-only file system; write to /tmp instead: -o /tmp/snap.json" in out
    assert b"Traceback" not in result.stderr


def test_no_home_no_terminal_json_paths(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "HOME"}
    result = subprocess.run([sys.executable, "-m", "mountscope", "classify", "--json"],
                            capture_output=True, env=env, stdin=subprocess.DEVNULL, cwd=tmp_path)
    assert result.returncode == 0 and json.loads(result.stdout)["environment"]
