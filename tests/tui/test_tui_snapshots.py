"""SVG snapshots of the held screens, at 80x24 and 120x40.

The baselines depend on Textual's rendering, so they are compared only with
the pinned Textual; update them with `pytest --snapshot-update` after looking
at snapshot_report.html.
"""

from __future__ import annotations

import pytest
import textual

from mountscope.system.loader import load
from mountscope.tui.app import MountscopeApp
from tests.helpers import REPO

PINNED = "8.2.8"
pytestmark = pytest.mark.skipif(
    textual.__version__ != PINNED, reason=f"snapshots are taken with Textual {PINNED}"
)

SIZES = [(80, 24), (120, 40)]


@pytest.fixture(autouse=True)
def in_the_repository(monkeypatch):
    """Paths in the title are relative, so the screens do not depend on where the checkout is."""
    monkeypatch.chdir(REPO)


def single() -> MountscopeApp:
    return MountscopeApp(load("samples/article/lambda-pattern2.txt"))


def side_by_side() -> MountscopeApp:
    return MountscopeApp(
        load("samples/article/lambda-pattern1.txt"), load("samples/article/lambda-pattern2.txt")
    )


async def judged(pilot) -> None:  # type: ignore[no-untyped-def]
    """The verdicts and the comparison come from workers: wait for them."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_single_capture(snap_compare, size):
    assert snap_compare(single(), terminal_size=size, press=["j"], run_before=judged)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_side_by_side(snap_compare, size):
    assert snap_compare(side_by_side(), terminal_size=size, press=["n"], run_before=judged)


def test_help_screen(snap_compare):
    assert snap_compare(
        single(), terminal_size=(80, 24), press=["question_mark"], run_before=judged
    )
