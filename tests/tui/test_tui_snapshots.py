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
from tests.helpers.pilot import settled

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


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_single_capture(snap_compare, size):
    assert snap_compare(single(), terminal_size=size, press=["j"], run_before=settled)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_side_by_side(snap_compare, size):
    """No key pressed: the cursor is on /var/task, B's value reads to tasks/."""
    assert snap_compare(side_by_side(), terminal_size=size, run_before=settled)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_side_by_side_wrapped(snap_compare, size):
    assert snap_compare(side_by_side(), terminal_size=size, press=["w"], run_before=settled)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_side_pane_hidden(snap_compare, size):
    assert snap_compare(single(), terminal_size=size, press=["ctrl+b"], run_before=settled)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_help_screen(snap_compare, size):
    assert snap_compare(single(), terminal_size=size, press=["question_mark"], run_before=settled)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_whole_verdict(snap_compare, size):
    assert snap_compare(single(), terminal_size=size, press=["v"], run_before=settled)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_tables_picker(snap_compare, size):
    async def picked(pilot) -> None:  # type: ignore[no-untyped-def]
        await settled(pilot)
        await pilot.press("t")
        await settled(pilot)

    app = MountscopeApp(load("samples/article/excerpt.txt"))
    assert snap_compare(app, terminal_size=size, run_before=picked)
