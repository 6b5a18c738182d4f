"""The fork server's own program (see forkserver.py), run as ``python -c``.

It imports mountscope's command-line modules once, then waits on its socket.
For each request (the arguments, environment, folder and three descriptors
for standard input, output and error) it forks a child that becomes
``python -m mountscope ARGS``: the descriptors on 0, 1 and 2, new sys.std*
objects over them made as the interpreter makes them at start, the
environment and folder of the request, and ``runpy`` running
mountscope/__main__.py. Whatever the child raises goes up to the top of this
program and the interpreter ends the process as it would end a fresh one
(a traceback on standard error, flushed streams, the exit status). The
server sends back the child's process id, then its exit status.
"""

from __future__ import annotations

import io
import json
import os
import pkgutil
import runpy
import socket
import sys
from importlib import import_module

import mountscope

# Everything a command may import, except the app (the command line never
# loads it; the pseudo-terminal tests start processes of their own) and
# __main__, which each child runs. The package's own folder and the parsers'
# (mountscope.__path__ also holds a checkout's root: see its __init__).
import mountscope.parsers  # noqa: E402

for folder, prefix in (
    (os.path.dirname(mountscope.__file__ or ""), "mountscope."),
    (mountscope.parsers.__path__[0], "mountscope.parsers."),
):
    for module in pkgutil.walk_packages([folder], prefix):
        if not module.name.startswith(("mountscope.tui", "mountscope.__main__")):
            try:
                import_module(module.name)
            except ImportError:
                pass  # an optional dependency left out: the child meets it as a user would

# Python keeps the errors handlers it chose at start for each stream (they
# depend on the locale); the child's new streams take the same.
ERRORS = {name: getattr(sys, name).errors for name in ("stdin", "stdout", "stderr")}
ENCODING = {name: getattr(sys, name).encoding for name in ("stdin", "stdout", "stderr")}


def stream(fd: int, name: str) -> io.TextIOWrapper:
    """One of sys.stdin/stdout/stderr over ``fd``, as the interpreter opens
    it at start: buffered, line-buffered on a terminal, stderr always."""
    if name == "stdin":
        raw: io.RawIOBase = io.FileIO(fd, "rb", closefd=False)
        buffered: io.BufferedIOBase = io.BufferedReader(raw)
    else:
        raw = io.FileIO(fd, "wb", closefd=False)
        buffered = io.BufferedWriter(raw)
    line_buffering = name == "stderr" or os.isatty(fd)
    return io.TextIOWrapper(
        buffered,
        encoding=ENCODING[name],
        errors=ERRORS[name],
        line_buffering=line_buffering,
        write_through=name == "stderr",
    )


def become_mountscope(control: socket.socket, request: dict, fds: list[int]) -> None:
    control.close()
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
    for fd in fds:  # received as new descriptors, above 2
        os.close(fd)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    sys.stdin, sys.stdout, sys.stderr = (
        stream(0, "stdin"),
        stream(1, "stdout"),
        stream(2, "stderr"),
    )
    sys.__stdin__, sys.__stdout__, sys.__stderr__ = sys.stdin, sys.stdout, sys.stderr
    # `python -m` puts the current folder first on the path and the module's
    # file in argv[0] (runpy sets the latter).
    sys.path[0] = os.getcwd()
    sys.argv = ["-m", *request["argv"]]
    runpy.run_module("mountscope", run_name="__main__", alter_sys=True)


def serve(control: socket.socket) -> None:
    while True:
        message, fds, _, _ = socket.recv_fds(control, 1 << 20, 3)
        if not message:  # the test process went away
            return
        request = json.loads(message)
        pid = os.fork()
        if pid == 0:
            become_mountscope(control, request, fds)
            raise SystemExit(0)  # mountscope/__main__.py always exits first
        for fd in fds:
            os.close(fd)
        control.sendall(json.dumps({"pid": pid}).encode())
        _, status = os.waitpid(pid, 0)
        control.sendall(json.dumps({"status": os.waitstatus_to_exitcode(status)}).encode())


if __name__ == "__main__":
    serve(socket.socket(fileno=int(sys.argv[1])))
