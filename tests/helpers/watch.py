"""`mountscope watch` as a whole process, read with deadlines."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path


class Watch:
    """`mountscope watch` as a whole process; its lines read with deadlines, never sleeps."""

    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "mountscope", "watch", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.out = self.err = b""

    def _pump(self, until: float) -> None:
        streams = [s for s in (self.process.stdout, self.process.stderr) if s is not None]
        ready, _, _ = select.select(streams, [], [], max(0.0, until - time.monotonic()))
        for stream in ready:
            chunk = os.read(stream.fileno(), 65536)
            if stream is self.process.stdout:
                self.out += chunk
            else:
                self.err += chunk

    def lines(self) -> list[str]:
        """The change lines without the header and the time each begins with."""
        rows = self.out.decode().splitlines()
        if rows and rows[0].startswith("TIME "):
            rows = rows[1:]
        return [row.split(" ", 1)[1] for row in rows if " " in row]

    def wait_for(self, done, timeout: float = 30) -> list[str]:  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + timeout
        while not done(self.lines()):
            assert time.monotonic() < deadline, (
                f"watch never got there:\n{self.out.decode()}{self.err.decode()}"
            )
            self._pump(deadline)
        return self.lines()

    def ready(self, timeout: float = 30) -> None:
        """Until the first table is read (the note that says so is printed after it)."""
        deadline = time.monotonic() + timeout
        while b"watching " not in self.err:
            assert time.monotonic() < deadline and self.process.poll() is None, self.err.decode()
            self._pump(deadline)

    def stop(self, timeout: float = 10) -> None:
        """Stop the watcher (SIGSTOP) so that whatever happens next arrives in one read."""
        os.kill(self.process.pid, signal.SIGSTOP)
        deadline = time.monotonic() + timeout
        while (
            Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "T"
        ):
            assert time.monotonic() < deadline, "the watcher did not stop"

    def resume(self) -> None:
        os.kill(self.process.pid, signal.SIGCONT)

    def close(self) -> None:
        self.process.kill()
        self.process.communicate()
