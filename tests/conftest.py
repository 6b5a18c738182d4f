"""Fixtures shared by every kind of test; the helpers they use are in
tests/helpers (real files, real processes, the real findmnt, namespaces)."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings

from tests.helpers import REPO, Namespace
from tests.helpers.watch import Watch


def pytest_configure(config: pytest.Config) -> None:
    """One temporary folder for what the run itself keeps, removed when it
    ends: tests write only in temporary folders, never in the checkout.

    - Hypothesis's storage (its Unicode tables; there is no example database).
    - Bytecode, where the environment forbids writing it beside the sources
      (PYTHONDONTWRITEBYTECODE): every process the tests start would otherwise
      compile mountscope and the app from source again, as no installed
      program does (pip compiles what it installs).

    Set in the environment, so that the test processes (pytest-xdist's
    workers) and every process they start inherit it.
    """
    if hasattr(config, "workerinput"):
        return  # a worker inherits the controller's environment
    folder = tempfile.mkdtemp(prefix="mountscope-tests-")
    config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))
    os.environ["HYPOTHESIS_STORAGE_DIRECTORY"] = os.path.join(folder, "hypothesis")
    if os.environ.pop("PYTHONDONTWRITEBYTECODE", None):
        os.environ["PYTHONPYCACHEPREFIX"] = os.path.join(folder, "bytecode")
        sys.dont_write_bytecode = False
        sys.pycache_prefix = os.environ["PYTHONPYCACHEPREFIX"]
        # Once, before the test processes start and would each compile it.
        import compileall

        for package in ("mountscope", "parsers", "tui"):
            compileall.compile_dir(REPO / package, quiet=1)


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: one test process more than the machine has processors. A
    good part of the suite waits on the processes it starts (terminals
    settling, the watcher's polls, pip for the Lambda packages); a spare
    worker keeps every processor busy meanwhile (on 2 processors the suite
    takes about 20% less time)."""
    return len(os.sched_getaffinity(0)) + 1  # the processors this run may use


# Property tests try the same examples on every run (a red run is the code's,
# never the draw's; the long fuzz runs explore) and keep no example database
# in the checkout: tests write only in temporary folders.
settings.register_profile("mountscope", derandomize=True, database=None)
settings.load_profile("mountscope")


@pytest.fixture
def write(tmp_path: Path):
    """Write text (or bytes) to a file in a fresh folder and return its path."""

    def writer(content: str | bytes, name: str = "capture.txt") -> Path:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", errors="surrogateescape")
        return path

    return writer


@pytest.fixture
def namespace():
    space = Namespace()
    yield space
    space.close()


@pytest.fixture
def watch():  # type: ignore[no-untyped-def]
    """Start `mountscope watch` with arguments; every watcher is killed after the test."""
    started: list[Watch] = []

    def start(*args: str) -> Watch:
        started.append(Watch(*args))
        return started[-1]

    yield start
    for one in started:
        one.close()
