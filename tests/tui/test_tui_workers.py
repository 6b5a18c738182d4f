"""The app only draws: judging, comparing, opening a file and the live
refresh run in thread workers, so the tree comes first and nothing freezes.

The tests hold a worker on a threading.Event they control (a Session whose
slow step waits for it), so "before" and "after" are states, not timings.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from textual.worker import WorkerFailed

from mountscope.model import MountTable
from mountscope.session import Judgement, Session
from mountscope.system.loader import load
from mountscope.tui.app import MainScreen, MountscopeApp
from mountscope.tui.panes import VerdictPane
from mountscope.tui.view import RowsView
from tests.helpers import ARTICLE, needs_unshare
from tests.helpers.pilot import until
from tests.tui.test_tui import lines, settled, target_of

P1, P2 = ARTICLE / "lambda-pattern1.txt", ARTICLE / "lambda-pattern2.txt"
HOLD = 30  # seconds a held worker waits at most, so a failing test cannot hang


class HeldSession(Session):
    """A real session whose judging and loading wait until the test lets them go."""

    def __init__(self) -> None:
        super().__init__()
        self.judging = threading.Event()
        self.release_judging = threading.Event()
        self.loading = threading.Event()
        self.release_loading = threading.Event()

    def judge(self, table: MountTable) -> Judgement:
        self.judging.set()
        assert self.release_judging.wait(HOLD), "the test never released the judge worker"
        return super().judge(table)

    def load(self, spec: str | None, notes: list[str] | None = None) -> MountTable:
        self.loading.set()
        assert self.release_loading.wait(HOLD), "the test never released the open worker"
        return super().load(spec, notes)


def headline(app: MountscopeApp, pane: str) -> str:
    return str(app.screen.query_one(f"{pane} .headline").render())


async def test_the_tree_is_drawn_before_the_verdict_is_ready():
    session = HeldSession()
    app = MountscopeApp(load(str(P2)), session=session)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert session.judging.wait(HOLD)  # the worker is running, and held
        view = app.screen.query_one(RowsView)
        shown = lines(view)
        assert shown[0].split() == ["TARGET", "SOURCE"]
        assert any(line.strip().startswith("├─/var/task") for line in shown)
        assert "judging…" in headline(app, "#verdict")
        await pilot.press("j")  # the app answers keys meanwhile
        assert target_of(app) == "/var/task"
        session.release_judging.set()
        await settled(pilot)
        assert "aws-lambda" in headline(app, "#verdict")
        assert "judging…" not in headline(app, "#verdict")


async def test_side_by_side_shows_the_compared_tables_before_the_verdicts():
    session = HeldSession()
    app = MountscopeApp(load(str(P1)), load(str(P2)), session=session)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert session.judging.wait(HOLD)  # the comparison is made: the verdicts are held
        await pilot.pause()
        view = app.screen.query_one(RowsView)
        row = next(line for line in lines(view) if "/var/task" in line)
        # Both sides are drawn and marked, the cursor on the difference.
        assert row.startswith("~ ") and "/dev/loop1" in row and "/dev/vdb[" in row.split("│")[1]
        assert target_of(app) == "/var/task"
        assert "judging…" in headline(app, "#verdict-a") and "judging…" in headline(
            app, "#verdict-b"
        )
        screen = app.screen
        assert isinstance(screen, MainScreen) and screen.comparison is not None
        assert not screen.judged
        session.release_judging.set()
        await settled(pilot)
        assert "aws-lambda" in headline(app, "#verdict-a")
        await pilot.press("g", "n")
        assert target_of(app) == "/var/task"


async def test_open_reads_a_big_file_in_a_worker_and_the_app_keeps_answering(tmp_path: Path):
    from benchmarks.generate import generate

    big = tmp_path / "big.mountinfo"
    big.write_text(generate(30000, seed=5))
    session = HeldSession()
    session.release_judging.set()
    app = MountscopeApp(load(str(P1)), session=session)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("o")
        await pilot.pause()
        app.screen.query_one("#path-input").value = str(big)
        await pilot.press("enter", "r")
        await pilot.pause()
        assert session.loading.wait(HOLD)  # the file is being read, off the event loop
        first = app.screen
        assert isinstance(first, MainScreen) and len(first.capture.mounts) == 10
        await pilot.press("j", "j")  # keys still move the cursor of the shown table
        assert target_of(app) == "/dev"
        session.release_loading.set()
        await settled(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen) and screen is not first
        assert len(screen.capture.mounts) == 30000
        assert len(screen.query_one(RowsView).rows.state.rows) == 30000
        assert screen.verdict is not None


async def test_a_file_that_cannot_be_opened_is_a_notice_not_a_crash(tmp_path: Path):
    app = MountscopeApp(load(str(P1)))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settled(pilot)
        await pilot.press("o")
        await pilot.pause()
        app.screen.query_one("#path-input").value = str(tmp_path / "missing.txt")
        await pilot.press("enter", "r")
        await settled(pilot)
        assert isinstance(app.screen, MainScreen) and len(app.screen.capture.mounts) == 10
        messages = [n.message for n in app._notifications]
        assert any("missing.txt: no such file" in m for m in messages)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_an_error_in_a_worker_ends_the_app_with_a_nonzero_status():
    class Broken(Session):
        def judge(self, table: MountTable) -> Judgement:
            raise RuntimeError("a bug in the classifier")

    app = MountscopeApp(load(str(P1)), session=Broken())
    with pytest.raises(WorkerFailed, match="a bug in the classifier"):  # run_test re-raises it
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: app.return_code is not None)  # exits once it failed
    assert app.return_code == 1


def test_run_returns_the_apps_exit_status(capsys):
    """mountscope's exit status is the app's (it was 0 whatever happened):
    trouble (2), as for any other failure; 1 means "the captures differ"."""
    from mountscope.errors import ExitCode
    from mountscope.tui import run

    class Broken(Session):
        def judge(self, table: MountTable) -> Judgement:
            raise RuntimeError("a bug in the classifier")

    assert run(load(str(P1)), session=Broken(), headless=True) == ExitCode.TROUBLE
    assert "a bug in the classifier" in capsys.readouterr().err


@needs_unshare
async def test_evidence_still_leads_to_its_mount_after_a_live_refresh(namespace, tmp_path: Path):
    from mountscope.capture import capture_live

    point = tmp_path / "arrived"
    point.mkdir()
    app = MountscopeApp(capture_live(namespace.pid), live_pid=namespace.pid)
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen) and screen.verdict is not None
        pane = screen.query_one("#verdict", VerdictPane)
        before = pane.verdict
        assert before is not None
        numbers = [i for i, e in enumerate(before.evidence) if e.mount is not None]
        assert numbers, "this machine's table gave no evidence that points at a mount"
        wanted = numbers[0]
        old_table = screen.capture
        namespace.run("mount", "-t", "tmpfs", "-o", "size=1m", "livetest", str(point))
        await until(
            pilot,
            lambda: (
                screen.capture is not old_table
                and any(m.target == str(point) for m in screen.capture.mounts)
            ),
        )
        assert screen.capture is not old_table
        await pilot.pause()
        view = screen.query_one(RowsView)
        # Stand on the new mount, then jump from the evidence.
        view.show_node(
            next(i for i, m in enumerate(screen.capture.mounts) if m.target == str(point))
        )
        assert target_of(app) == str(point)
        pane = screen.query_one("#verdict", VerdictPane)
        assert pane.verdict is not None
        item = pane.verdict.evidence[wanted]
        assert item.mount is not None
        evidence = pane.query_one(".evidence")
        evidence.focus()
        evidence.highlighted = wanted
        await pilot.press("enter")
        await pilot.pause()
        node = view.node
        assert node is not None
        assert screen.capture.mounts[node].target == item.mount.target
        assert target_of(app) != str(point)


@needs_unshare
async def test_the_live_app_says_the_table_is_frozen_when_the_process_exits(namespace):
    from mountscope.capture import capture_live

    app = MountscopeApp(capture_live(namespace.pid), live_pid=namespace.pid)
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        shown = app.screen.capture
        namespace.process.kill()
        namespace.process.wait()
        wanted = f"process {namespace.pid} exited; its mount namespace is gone"
        await until(pilot, lambda: any(wanted in str(n.message) for n in app._notifications))
        notes = [n for n in app._notifications if wanted in str(n.message)]
        assert notes and "frozen" in str(notes[0].message), [n.message for n in app._notifications]
        assert app.screen.capture is shown  # still on screen, as last read
