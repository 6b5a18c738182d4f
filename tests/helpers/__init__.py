"""Shared test helpers: real files, real processes, the real findmnt, private
mount namespaces. Fixtures that use them are in tests/conftest.py."""

from __future__ import annotations

import fcntl
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.forkserver import ForkServer

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples"
ARTICLE = SAMPLES / "article"

FINDMNT = shutil.which("findmnt")
needs_findmnt = pytest.mark.skipif(FINDMNT is None, reason="util-linux findmnt is not installed")


def run_cli(
    *args: str,
    stdin: bytes | None = None,
    env: dict[str, str] | None = None,
    cwd: str | Path | None = None,
    timeout: float = 60,
    fresh: bool = False,
) -> subprocess.CompletedProcess[bytes]:
    """Run mountscope as a whole process, the way a user does: its own
    descriptors, environment, folder and exit status. The process is forked
    from a server that has the modules imported already (forkserver.py), or
    started afresh with ``fresh`` or an environment that changes how the
    interpreter starts."""
    full_env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "COLUMNS")}
    full_env.update(env or {})
    if fresh or _start_up(full_env) != _start_up(_server().env):
        return subprocess.run(
            [sys.executable, "-m", "mountscope", *args],
            input=stdin,
            capture_output=True,
            env=full_env,
            cwd=cwd,
            timeout=timeout,
        )
    return _server().run(list(args), stdin, full_env, str(cwd or os.getcwd()), timeout)


def _start_up(env: dict[str, str]) -> dict[str, str]:
    """What in an environment the interpreter reads as it starts."""
    return {k: v for k, v in env.items() if k.startswith(("PYTHON", "LC_")) or k == "LANG"}


_servers: dict[int, ForkServer] = {}


def _server() -> ForkServer:
    """This process's fork server (one per pytest worker), started on first use."""
    pid = os.getpid()
    if pid not in _servers:
        env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "COLUMNS")}
        _servers[pid] = ForkServer(env)
    return _servers[pid]


def parse(text: str, origin: str = "test", format_name: str | None = None):
    """The first capture in ``text``."""
    from mountscope.parsers import parse_text

    return parse_text(text, origin, format_name)[0]


def _try(*argv: str) -> bool:
    try:
        return subprocess.run(argv, capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


# How this machine lets a test make a private mount namespace: as root, or
# inside a user namespace; None where neither is permitted.
if shutil.which("unshare") is None:
    UNSHARE: list[str] | None = None
elif _try("unshare", "-m", "--propagation", "private", "true"):
    UNSHARE = ["unshare", "-m", "--propagation", "private"]
elif _try("unshare", "-Urm", "--propagation", "private", "true"):
    UNSHARE = ["unshare", "-Urm", "--propagation", "private"]
else:
    UNSHARE = None
needs_unshare = pytest.mark.skipif(UNSHARE is None, reason="unshare is not permitted here")


class Namespace:
    """A process sleeping in a private mount namespace; run commands inside it."""

    def __init__(self) -> None:
        assert UNSHARE is not None
        self.process = subprocess.Popen([*UNSHARE, "sleep", "600"])
        self.pid = self.process.pid
        for _ in range(100):  # until unshare has exec'd sleep in the new namespace
            if os.readlink(f"/proc/{self.pid}/ns/mnt") != os.readlink("/proc/self/ns/mnt"):
                break
            import time

            time.sleep(0.02)

    def run(self, *argv: str) -> subprocess.CompletedProcess[bytes]:
        enter = ["nsenter", "-t", str(self.pid), "-m"]
        if "-Urm" in (UNSHARE or []):
            enter += ["-U", "--preserve-credentials"]
        done = subprocess.run([*enter, *argv], capture_output=True, timeout=30)
        assert done.returncode == 0, done.stderr
        return done

    def close(self) -> None:
        self.process.kill()
        self.process.wait()


def build_lambda_zip(script: str, out: Path, *extra: str) -> None:
    """Run scripts/SCRIPT for this machine's Lambda architecture and Python into
    ``out`` (``extra`` arguments after it); skip where the architecture has no
    Lambda counterpart or PyPI cannot give orjson for the function's platform."""
    arch = {"x86_64": "x86_64", "aarch64": "arm64"}.get(platform.machine())
    if arch is None:
        pytest.skip(f"no Lambda architecture for {platform.machine()}")
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    done = subprocess.run(
        ["bash", str(REPO / "scripts" / script), arch, version, str(out), *extra],
        capture_output=True,
        timeout=300,
    )
    if done.returncode != 0:
        if b"No matching distribution" in done.stderr or b"Could not" in done.stderr:
            pytest.skip("PyPI is not reachable to fetch orjson for the function's platform")
        raise AssertionError(done.stderr.decode())


def lambda_function_zip(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """The function zip of scripts/package-lambda.sh, built once per test run
    and shared by its test processes (the build fetches orjson from PyPI and
    takes seconds of pip; the layer is made from the same zip)."""
    run_folder = tmp_path_factory.getbasetemp()
    if worker_id != "master":  # each test process has a folder in the run's
        run_folder = run_folder.parent
    built = run_folder / "lambda-function.zip"
    with open(run_folder / "lambda-function.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the others wait for the first build
        if not built.exists():
            partial = run_folder / "lambda-function.zip.part"
            build_lambda_zip("package-lambda.sh", partial)
            partial.rename(built)
    return built


def tree_to_a_reader_that_goes_away() -> tuple[int, bytes]:
    """`mountscope tree` of 20 000 mounts into `head -c 1`, which leaves after
    one byte: the exit status and standard error (SIGPIPE's 141, quietly)."""
    reader = subprocess.Popen(["head", "-c", "1"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
    big = "20 1 8:4 / / rw - ext4 /dev/sda4 rw\n" + "".join(
        f"{i} 20 8:4 / /m{i} rw - ext4 /dev/sda4 rw\n" for i in range(21, 20000)
    )
    source = subprocess.run(
        [sys.executable, "-m", "mountscope", "tree", "-l", "-"],
        input=big.encode(),
        stdout=reader.stdin,
        stderr=subprocess.PIPE,
        timeout=60,
    )
    assert reader.stdin is not None
    reader.stdin.close()
    reader.wait(timeout=30)
    return source.returncode, source.stderr
