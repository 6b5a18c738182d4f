"""Fixtures shared by every kind of test; the helpers they use are in
tests/helpers (real files, real processes, the real findmnt, namespaces)."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

from tests.helpers import Namespace
from tests.helpers.watch import Watch


def pytest_configure(config: pytest.Config) -> None:
    """Where the environment forbids bytecode files (PYTHONDONTWRITEBYTECODE),
    every process the tests start would compile mountscope and the app from
    source again, as no installed program does (pip compiles what it
    installs). The run keeps its bytecode in a temporary folder of its own
    instead (PYTHONPYCACHEPREFIX, inherited by the test processes and every
    process they start), removed when the run ends; nothing is written
    beside the sources."""
    if hasattr(config, "workerinput") or not os.environ.get("PYTHONDONTWRITEBYTECODE"):
        return  # a worker inherits the controller's environment
    folder = tempfile.mkdtemp(prefix="mountscope-tests-bytecode-")
    config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))
    del os.environ["PYTHONDONTWRITEBYTECODE"]
    os.environ["PYTHONPYCACHEPREFIX"] = folder
    sys.dont_write_bytecode = False
    sys.pycache_prefix = folder


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
