"""Reading a live table that cannot be read: each case is one clear line and
exit status 2 (the README's table)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.helpers import UNSHARE, needs_unshare, run_cli


@needs_unshare
def test_proc_not_mounted():
    if os.geteuid() != 0 or "-Urm" in (UNSHARE or []):
        pytest.skip("hiding /proc needs root in the namespace")
    script = f"mount -t tmpfs tmpfs /proc && {sys.executable} -m mountscope capture; echo status=$?"
    result = subprocess.run([*UNSHARE, "sh", "-c", script], capture_output=True, timeout=60)
    assert "status=2" in result.stdout.decode()
    assert (
        result.stderr.decode()
        == "mountscope: error: cannot read /proc/self/mountinfo: /proc is not mounted\n"
    )


def test_a_pid_that_has_exited():
    child = subprocess.Popen(["true"])
    # Until it is a zombie (/proc/PID exists, its mount table is gone): waits
    # for its exit without reaping it, no polling.
    os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOWAIT)
    result = run_cli("capture", "--pid", str(child.pid))
    child.wait()
    assert result.returncode == 2
    message = result.stderr.decode()
    assert message in (
        f"mountscope: error: /proc/{child.pid}/mountinfo is empty: the process has exited\n",
        f"mountscope: error: no process with pid {child.pid}\n",
        f"mountscope: error: process {child.pid} exited while its mount table was being read\n",
    )


def test_a_pid_that_never_existed_and_a_bad_pid_argument():
    assert (
        run_cli("tree", "--pid", "999999999").stderr
        == b"mountscope: error: no process with pid 999999999\n"
    )
    bad = run_cli("tree", "--pid", "self")
    assert bad.returncode == 2 and b"not a process id: 'self'" in bad.stderr


def test_watching_a_process_that_exits(tmp_path):
    sleeper = subprocess.Popen(["sleep", "1"])
    result = run_cli("watch", "--pid", str(sleeper.pid), "--timeout", "5")
    sleeper.wait()
    # The exit is noticed at once (a pidfd), before the timeout: one error line.
    assert result.returncode == 2
    last = result.stderr.decode().splitlines()[-1]
    assert last in (
        f"mountscope: error: process {sleeper.pid} exited; its mount namespace is gone",
        f"mountscope: error: no process with pid {sleeper.pid}",
    ), result.stderr
    assert b"Traceback" not in result.stderr
