"""Run ``python -m mountscope ARGS`` as a whole process without paying for the
interpreter's start and the imports each time.

Most command-line tests run mountscope hundreds of times; in each run the
interpreter's start and the imports cost more than the command. A fork
server (forkserver_main.py) imports the modules once per test process and
forks a child per run: a process of its own with real descriptors, its own
environment and folder, its own exit status, a traceback if one escapes. The
streams are pipes, as subprocess.run(capture_output=True) gives.

What a forked child does not show is what happens before the command runs:
the interpreter's start and the imports. run_cli() starts a fresh process for
environments that change the start (PYTHON*, locale) and when a test asks
for one; the tests of start-up itself (Ctrl-C while importing, the modules a
text command must never load, the Lambda package) run their own processes.
"""

from __future__ import annotations

import atexit
import json
import os
import selectors
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

_PROGRAM = (Path(__file__).parent / "forkserver_main.py").read_text()


class ForkServer:
    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.process = subprocess.Popen(
            [sys.executable, "-c", _PROGRAM, str(theirs.fileno())],
            pass_fds=[theirs.fileno()],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            env=env,
            # Not in the test process's group: Ctrl-C on pytest ends the
            # server through its socket closing, without a second traceback.
            start_new_session=True,
        )
        theirs.close()
        self.control = ours
        atexit.register(self.close)

    def close(self) -> None:
        self.control.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def _reply(self, deadline: float) -> dict:
        self.control.settimeout(max(deadline - time.monotonic(), 0.001))
        message = self.control.recv(1 << 16)
        if not message:
            raise RuntimeError(f"the fork server ended (status {self.process.poll()})")
        return json.loads(message)

    def run(
        self,
        args: list[str],
        stdin: bytes | None,
        env: dict[str, str],
        cwd: str,
        timeout: float,
    ) -> subprocess.CompletedProcess[bytes]:
        deadline = time.monotonic() + timeout
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        in_r, in_w = os.pipe() if stdin is not None else (os.dup(0), -1)
        request = json.dumps({"argv": args, "env": env, "cwd": cwd}).encode()
        try:
            socket.send_fds(self.control, [request], [in_r, out_w, err_w])
        finally:
            for fd in (in_r, out_w, err_w):
                os.close(fd)
        pid = self._reply(deadline)["pid"]
        try:
            stdout, stderr = _communicate(in_w, out_r, err_r, stdin or b"", deadline)
            status = self._reply(deadline)["status"]
        except (TimeoutError, subprocess.TimeoutExpired):
            os.kill(pid, signal.SIGKILL)
            self._reply(time.monotonic() + 30)  # the server reaps it
            raise subprocess.TimeoutExpired(["mountscope", *args], timeout) from None
        return subprocess.CompletedProcess(["mountscope", *args], status, stdout, stderr)


def _communicate(
    in_w: int, out_r: int, err_r: int, data: bytes, deadline: float
) -> tuple[bytes, bytes]:
    """Write ``data`` to the child's input and read its output and errors
    until both end, as Popen.communicate does."""
    chunks: dict[int, list[bytes]] = {out_r: [], err_r: []}
    with selectors.DefaultSelector() as selector:
        selector.register(out_r, selectors.EVENT_READ)
        selector.register(err_r, selectors.EVENT_READ)
        if in_w >= 0:
            os.set_blocking(in_w, False)
            selector.register(in_w, selectors.EVENT_WRITE)
        view, written = memoryview(data), 0
        try:
            while selector.get_map():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise subprocess.TimeoutExpired("mountscope", 0)
                for key, _ in selector.select(remaining):
                    fd = key.fd
                    if fd == in_w:
                        try:
                            written += os.write(fd, view[written : written + (1 << 16)])
                        except BrokenPipeError:  # the child stopped reading
                            written = len(data)
                        if written >= len(data):
                            selector.unregister(fd)
                            os.close(fd)
                            in_w = -1
                        continue
                    chunk = os.read(fd, 1 << 16)
                    if chunk:
                        chunks[fd].append(chunk)
                    else:
                        selector.unregister(fd)
        finally:
            for fd in (in_w, out_r, err_r):
                if fd >= 0:
                    os.close(fd)
    return b"".join(chunks[out_r]), b"".join(chunks[err_r])
