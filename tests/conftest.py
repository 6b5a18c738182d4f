"""Fixtures shared by every kind of test; the helpers they use are in
tests/helpers (real files, real processes, the real findmnt, namespaces)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import Namespace
from tests.helpers.watch import Watch


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
