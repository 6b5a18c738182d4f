"""Run a program in a real pseudo-terminal of a given size (the standard pty module)."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import termios
import time


def run_in_pty(
    argv: list[str],
    cols: int,
    rows: int = 24,
    env: dict[str, str] | None = None,
    timeout: float = 30,
    cwd: str | os.PathLike[str] | None = None,
) -> bytes:
    """Everything the program writes to its terminal until it exits."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    process = subprocess.Popen(
        argv,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        close_fds=True,
        env={**os.environ, "TERM": "xterm", **(env or {})},
        cwd=cwd,
    )
    os.close(slave)
    output = bytearray()
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: the child closed the terminal
                    break
                if not chunk:
                    break
                output += chunk
            elif process.poll() is not None:
                break
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
        os.close(master)
    return bytes(output)


def _controlling_terminal() -> None:
    """In the child: make the pty (its stdin) the session's controlling terminal."""
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


# A program asks whether the terminal brackets frames (synchronized output,
# mode 2026: DECRQM); a terminal that does answers "supported, now off".
SYNC_QUERY = b"\x1b[?2026$p"
SYNC_ANSWER = b"\x1b[?2026;2$y"


class Terminal:
    """A program in a real pseudo-terminal, seen through a pyte screen.

    Everything the program writes goes through one long-lived pyte stream, so
    escape sequences split across reads are handled; ``wait_for`` polls the
    screen with a deadline instead of sleeping fixed times.

    ``synchronized``: answer the program's question whether the terminal
    supports synchronized output, as most current terminals do; Textual then
    ends each frame with ESU (``\x1b[?2026l``), which tells exactly when a
    frame is whole (the benchmark times frames so).
    """

    def __init__(
        self,
        argv: list[str],
        cols: int = 80,
        rows: int = 24,
        env: dict[str, str] | None = None,
        cwd: str | os.PathLike[str] | None = None,
        synchronized: bool = False,
    ) -> None:
        import pyte

        self.synchronized = synchronized
        self.cols, self.rows = cols, rows
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.raw = bytearray()
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        full_env = {
            **os.environ,
            "TERM": "xterm-256color",
            "COLUMNS": str(cols),
            "LINES": str(rows),
            "TEXTUAL_ANIMATIONS": "none",
            **(env or {}),
        }
        full_env.pop("NO_COLOR", None) if env is None or "NO_COLOR" not in env else None
        self.process = subprocess.Popen(
            argv,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            close_fds=True,
            env=full_env,
            cwd=cwd,
            start_new_session=True,
            preexec_fn=_controlling_terminal,
        )
        os.close(slave)

    def read(self, timeout: float) -> bytes | None:
        """The next bytes the program writes, not yet on the screen (``feed``
        puts them there): None when nothing came within ``timeout`` seconds,
        b"" when the program closed the terminal."""
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return None
        try:
            chunk = os.read(self.master, 65536)
        except OSError:  # EIO: the child closed the terminal
            return b""
        self.raw += chunk
        if self.synchronized and SYNC_QUERY in self.raw[-len(chunk) - len(SYNC_QUERY) :]:
            self.send(SYNC_ANSWER)
        return chunk

    def feed(self, data: bytes) -> None:
        self.stream.feed(data)

    def _pump(self, timeout: float) -> bool:
        chunk = self.read(timeout)
        if not chunk:
            return False
        self.feed(chunk)
        return True

    def text(self) -> str:
        """The screen as text, rendered from pyte's cells.

        Not ``Screen.display``: it fails on a frame caught half-drawn, where a
        narrow character has overwritten the first cell of a wide one and left
        its empty second cell behind; such a cell is shown as a space.
        """
        from wcwidth import wcwidth

        lines = []
        for y in range(self.rows):
            row = self.screen.buffer[y]
            cells, skip = [], False
            for x in range(self.cols):
                data = row[x].data
                if skip:  # the second cell of the wide character just shown
                    skip = False
                    continue
                cells.append(data or " ")
                skip = bool(data) and wcwidth(data[0]) == 2
            lines.append("".join(cells))
        return "\n".join(lines)

    def quiet_text(self, quiet: float = 0.15, until: float | None = None) -> str:
        """The screen once the program has written nothing for ``quiet`` seconds
        (a whole frame, not one caught between two reads), or at ``until``."""
        while self._pump(quiet):
            if until is not None and time.monotonic() >= until:
                break
        return self.text()

    def wait_until(self, predicate, timeout: float = 15, what: str = "the screen never got there"):  # type: ignore[no-untyped-def]
        """Wait for a screen that ``predicate`` accepts, judging only quiet (whole) frames."""
        deadline = time.monotonic() + timeout
        while True:
            text = self.quiet_text(until=deadline)
            if predicate(text):
                return text
            if time.monotonic() >= deadline or (
                self.process.poll() is not None and not self._pump(0.05)
            ):
                raise AssertionError(f"{what}:\n{text}")

    def wait_for(self, needle: str, timeout: float = 15) -> str:
        return self.wait_until(
            lambda text: needle in text, timeout, f"{needle!r} never appeared on screen"
        )

    def wait_output(self, predicate, since: int = 0, timeout: float = 15) -> bytes:  # type: ignore[no-untyped-def]
        """Wait until the bytes written after offset ``since`` satisfy ``predicate``."""
        deadline = time.monotonic() + timeout
        while not predicate(bytes(self.raw[since:])):
            if time.monotonic() >= deadline or (
                not self._pump(0.05) and self.process.poll() is not None
            ):
                raise AssertionError(f"the program never wrote that:\n{bytes(self.raw[since:])!r}")
        return bytes(self.raw[since:])

    def settle(self, quiet: float = 0.3, timeout: float = 10) -> str:
        """Read until the program has been quiet for ``quiet`` seconds."""
        return self.quiet_text(quiet, time.monotonic() + timeout)

    def send(self, keys: str | bytes) -> None:
        os.write(self.master, keys.encode() if isinstance(keys, str) else keys)

    def wait_exit(self, timeout: float = 10) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._pump(0.05)
            code = self.process.poll()
            if code is not None:
                while self._pump(0.05):
                    pass
                return code
        raise AssertionError(f"the program did not exit:\n{self.text()}")

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        os.close(self.master)
