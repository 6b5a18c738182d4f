"""The app laid out around the data, driven with Pilot: values cut where
findmnt cuts and keeping what differs, wrapping and sideways scrolling, the
side pane's keys, side by side as one table, evidence read in full, the
tables of a text, opening beside and coming back, and the keys' manners."""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.notifications import Notification
from textual.widgets import OptionList

from mountscope.system.loader import load
from mountscope.tui.app import MainScreen, MountscopeApp
from mountscope.tui.panes import ChoiceScreen, DetailsPane, TablesScreen, TextScreen
from mountscope.tui.rows import cut, fit_widths
from mountscope.tui.view import RowsView
from tests.helpers import ARTICLE, SAMPLES, needs_unshare
from tests.helpers.pilot import settled, until
from tests.tui.test_tui import app_for, lines, target_of

P1, P2 = ARTICLE / "lambda-pattern1.txt", ARTICLE / "lambda-pattern2.txt"
ENVIRONMENTS = SAMPLES / "environments"
B_TASK = "/dev/vdb[/opt/amazon/asc/worker/tasks/<AWSアカウントID>/<Lambda関数名>/<UUIDらしきランダムな文字列>]"


def row_of(view: RowsView, target_text: str) -> str:
    return next(line for line in lines(view) if target_text in line)


# --- cutting and fitting, on their own ---------------------------------------------------


def test_a_value_that_fits_is_not_cut_and_the_end_of_a_path_can_be_kept():
    assert cut("/dev/loop1", 20) == "/dev/loop1"
    assert cut("/proc/sys/kernel/random/boot_id", 12, keep_end=True) == "…dom/boot_id"
    assert cut("/proc/sys/kernel/random/boot_id", 12) == "/proc/sys/k…"


def test_a_cut_keeps_the_part_that_differs_from_the_other_side():
    a = "/dev/vdb[/opt/amazon/asc/worker/sandbox-tmp/sbtasks/resolv.confAAAA]"
    b = "/dev/vdb[/opt/amazon/asc/worker/sandbox-tmp/sbtasks/resolv.confBBBB]"
    shown = cut(b, 24, counterpart=a)
    assert "BBBB" in shown and shown.startswith("…")
    # A difference near the start keeps the head, as findmnt would show it.
    assert cut(B_TASK, 40, counterpart="/dev/loop1").startswith(
        "/dev/vdb[/opt/amazon/asc/worker/tasks"
    )


def test_widths_come_from_the_data_and_only_the_last_column_is_cut_when_the_rest_fit():
    assert fit_widths([10, 20, 30], [6, 6, 6], 100) == [10, 20, 70]
    assert fit_widths([10, 20, 300], [6, 6, 6], 80) == [10, 20, 50]
    # Two wide columns share what is left equally (A and B side by side).
    assert fit_widths([34, 75, 100], [6, 8, 8], 114) == [34, 40, 40]


# --- the acceptance case, in Pilot -------------------------------------------------------------


async def test_side_by_side_at_120x40_shows_the_tasks_folder_and_the_loop_device():
    app = app_for(P1, P2)
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        view = app.screen.query_one(RowsView)
        row = row_of(view, "/var/task")
        a_side, b_side = row.split("│")
        assert "/dev/loop1" in a_side
        assert "/dev/vdb[/opt/amazon/asc/worker/tasks" in b_side
        assert app.screen.sub_title.endswith("in A's table order (p: by path)")


async def test_side_by_side_at_80x24_shows_the_tasks_folder_on_the_first_screen():
    app = app_for(P1, P2)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        assert target_of(app) == "/var/task"  # the cursor starts on the difference
        details = str(app.screen.query_one("#details", DetailsPane).text).replace("\n", "")
        assert "tasks/<AWSアカウントID>" in details
        assert "/dev/loop1" in row_of(app.screen.query_one(RowsView), "/var/task")


async def test_one_capture_cuts_only_its_last_column():
    app = app_for(P2)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        view = app.screen.query_one(RowsView)
        assert "│ └─/proc/sys/kernel/random/boot_id" in row_of(view, "boot_id")  # TARGET whole
        row = row_of(view, "/var/task")
        assert "/dev/vdb[/opt/amazon/asc/worker/tasks/" in row and row.endswith("…")


# --- wrapping and sideways scrolling ------------------------------------------------------------


async def test_w_wraps_long_values_and_shows_them_whole():
    app = app_for(P2)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        view = app.screen.query_one(RowsView)
        await pilot.press("w")
        await pilot.pause()
        assert view.wrap
        text = "".join(line.split("  ")[-1].strip() for line in lines(view))
        assert "<UUIDらしきランダムな文字列>]" in text
        await pilot.press("w")
        assert not view.wrap and len(lines(view)[2]) <= 80


async def test_sideways_scrolling_reaches_the_end_of_the_last_column():
    app = app_for(P2)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        view = app.screen.query_one(RowsView)
        assert "ランダムな文字列>]" not in "".join(lines(view))
        for _ in range(12):
            await pilot.press("greater_than_sign")
        await pilot.pause()
        assert "ランダムな文字列>]" in "".join(lines(view))
        await pilot.press("shift+left")
        assert view.scroll_x > 0


# --- the layout ------------------------------------------------------------------------------------


async def test_ctrl_b_hides_and_shows_the_side_pane_and_brackets_resize_it():
    app = app_for(P1)
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        side = app.screen.query_one("#side")
        tree = app.screen.query_one(RowsView)
        width = side.outer_size.width
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert side.outer_size.width == width + 4
        await pilot.press("left_square_bracket", "left_square_bracket")
        await pilot.pause()
        assert side.outer_size.width == width - 4
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert not side.display and tree.size.width == 120
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert side.display


async def test_m_maximizes_the_tree():
    app = app_for(P1, P2)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        tree = app.screen.query_one(RowsView)
        height = tree.size.height
        await pilot.press("m")
        await pilot.pause()
        assert tree.size.height > height
        assert (
            not app.screen.query_one("#verdicts").display
            or not app.screen.query_one("#verdicts").region.height
        )


async def test_the_details_pane_is_as_tall_as_its_content():
    app = app_for(P1, P2)
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        details = app.screen.query_one("#details", DetailsPane)
        side = app.screen.query_one("#side")
        text_lines = str(details.text).count("\n") + 1
        assert side.size.height <= text_lines + 2


# --- side by side as one table --------------------------------------------------------------------


async def test_side_by_side_shows_fstype_and_options_with_what_differs_next_to_each_other():
    app = MountscopeApp(
        load(str(ENVIRONMENTS / "docker-container.mountinfo")),
        load(str(ENVIRONMENTS / "lxc-proxmox.mountinfo")),
    )
    async with app.run_test(size=(200, 50)) as pilot:
        await settled(pilot)
        view = app.screen.query_one(RowsView)
        header = lines(view)[0]
        assert "TARGET" in header and "FSTYPE" in header and "OPTIONS" in header
        assert header.count("TARGET") == 1
        comparison = app.screen.comparison
        assert comparison is not None
        node = next(
            i
            for i, p in enumerate(comparison.pairs)
            if p.target == "/proc/sys" and p.kind == "changed"
        )
        view.show_node(node)
        await pilot.pause()
        row = lines(view)[view.cursor + 1 - int(view.scroll_y)]
        assert row.startswith("~ ") and "│" in row


async def test_p_sorts_side_by_side_by_path_and_says_so():
    app = app_for(P1, P2)
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        view = app.screen.query_one(RowsView)
        pairs = app.screen.comparison.pairs

        def targets() -> list[str]:
            return [pairs[n].target for n in view.rows.state.rows]

        assert targets()[:3] == ["/", "/var/task", "/dev"]  # A's table order
        await pilot.press("p")
        await pilot.pause()
        assert targets()[:3] == ["/", "/dev", "/etc/passwd"]
        assert app.screen.sub_title.endswith("by path")
        assert target_of(app) == "/var/task"  # the cursor stays on its mount


# --- evidence ------------------------------------------------------------------------------------


async def test_enter_on_evidence_shows_its_full_sentence_and_goes_to_the_mount():
    app = app_for(P2)
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        evidence = app.screen.query_one("#verdict .evidence")
        evidence.focus()
        await pilot.press("j", "j", "k")  # j and k move in the list
        assert evidence.highlighted == 1
        item = app.screen.query_one("#verdict").evidence_at(1)
        await pilot.press("enter")
        await pilot.pause()
        details = str(app.screen.query_one("#details", DetailsPane).text).replace("\n", " ")
        assert "evidence" in details and f"mount {item.mount.target}" in details
        assert item.why[:40] in details.replace("  ", " ") or item.why[:20] in details
        assert target_of(app) == item.mount.target


async def test_v_shows_the_whole_verdict_and_the_lambda_reasoning_in_full():
    app = app_for(P1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, TextScreen)
        text = app.screen.text.plain
        assert "Reasoning:" in text and "hypothesis article-loop-device-means-ec2" in text
        assert "…" not in text
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


# --- many tables, opening beside, coming back --------------------------------------------------


async def test_t_lists_every_table_of_a_text_and_opens_the_one_picked():
    app = MountscopeApp(load(str(ARTICLE / "excerpt.txt")), notes=["excerpt.txt holds 5 tables"])
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settled(pilot)
        assert any("holds 5" in n.message for n in app._notifications)
        await pilot.press("t")
        await settled(pilot)
        assert isinstance(app.screen, TablesScreen) and len(app.screen.tables) == 5
        await pilot.press("j", "j", "enter")
        await settled(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen) and len(screen.capture.mounts) == 14
        await pilot.press("backspace")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen) and app.screen is app.first_screen


async def test_o_opens_a_capture_beside_the_current_one_and_backspace_comes_back():
    app = app_for(P1)
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        await pilot.press("o")
        await pilot.pause()
        app.screen.query_one("#path-input").value = str(P2)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("b")
        await settled(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen) and screen.pair_mode
        assert target_of(app) == "/var/task"
        await pilot.press("backspace")
        await pilot.pause()
        assert app.screen is app.first_screen and not app.screen.pair_mode


# --- manners ------------------------------------------------------------------------------------


async def test_y_side_by_side_asks_which_side_where_they_differ(tmp_path: Path):
    app = app_for(P1, P2)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settled(pilot)
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("a")
        await pilot.pause()
        assert any("copied /dev/loop1" == n.message for n in app._notifications)


async def test_s_side_by_side_saves_both_with_a_prompt(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = app_for(P1, P2)
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("s")  # both
        await pilot.pause()
        app.screen.query_one("#path-input").value = str(tmp_path / "a.json")
        await pilot.press("enter")
        await pilot.pause()
        app.screen.query_one("#path-input").value = str(tmp_path / "b.json")
        await pilot.press("enter")
        await pilot.pause()
    assert (tmp_path / "a.json").exists() and (tmp_path / "b.json").exists()
    assert "loop1" in (tmp_path / "a.json").read_text()
    assert "tasks" in (tmp_path / "b.json").read_text()


async def test_the_footer_keeps_help_at_80x24_and_offers_only_what_acts_here():
    app = app_for(P2)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        screen_text = "\n".join(
            "".join(segment.text for segment in strip)
            for strip in app.screen._compositor.render_strips()
        )
        bottom = screen_text.splitlines()[-1]
        assert "? Help" in bottom and "/ Filter" in bottom
        assert " n Next" not in bottom and " d Diffs" not in bottom  # no filter, one capture
        assert app.screen.query_one("Header").icon != "⭘"  # not Textual's default icon


async def test_focus_is_visible_only_where_it_is():
    """The evidence list marks its highlighted line only while it has focus."""
    app = app_for(P2)
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        evidence = app.screen.query_one("#verdict .evidence")
        assert app.focused is app.screen.query_one(RowsView)

        def backgrounds(y: int) -> set[object]:
            return {
                seg.style.bgcolor
                for seg in evidence.render_line(y)
                if seg.style and seg.text.strip()
            }

        assert evidence.highlighted == 0
        other_line = evidence.size.height - 1  # a line of another option
        # Unfocused, the highlighted line looks like every other line.
        assert backgrounds(0) == backgrounds(other_line)
        evidence.focus()
        await pilot.pause()
        assert backgrounds(0) != backgrounds(other_line)


@needs_unshare
async def test_live_changes_are_one_notice_and_marks_stay_until_cleared(namespace, tmp_path: Path):
    from mountscope.capture import capture_live

    points = [tmp_path / f"burst{i}" for i in range(3)]
    for point in points:
        point.mkdir()
    app = MountscopeApp(capture_live(namespace.pid), live_pid=namespace.pid)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.pause(0.3)
        screen = app.screen
        for point in points:
            namespace.run("mount", "-t", "tmpfs", "-o", "size=1m", "burst", str(point))
        await until(
            pilot, lambda: {str(p) for p in points} <= {m.target for m in screen.capture.mounts}
        )

        def notices() -> list[Notification]:
            return [n for n in app._notifications if "mount table change" in (n.title or "")]

        await until(pilot, notices)  # the batch is announced, after a quiet moment
        assert len(notices()) == 1  # once
        view = screen.query_one(RowsView)
        marked = {screen.capture.mounts[n].target for n in view.rows.changed}
        assert {str(p) for p in points} <= marked  # every change since the last look
        await pilot.press("c")
        assert not view.rows.changed


def bottom_line(app: MountscopeApp) -> str:
    strips = app.screen._compositor.render_strips()
    return "".join(segment.text for segment in strips[-1])


async def test_the_filter_box_takes_the_legends_line_and_the_tree_keeps_its_size():
    """Opening and closing the filter repaints two lines, not the screen: the
    box is where the legend was, and Escape gives the legend and the focus back."""
    app = app_for(P2)
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        screen = app.screen
        view, legend, box = (screen.query_one(q) for q in (RowsView, "#legend", "#filter"))
        tree_region, legend_region = view.region, legend.region
        await pilot.press("slash")
        await pilot.pause()
        assert box.display and not legend.display and app.focused is box
        assert view.region == tree_region and box.region == legend_region
        await pilot.press("escape")
        await pilot.pause()
        assert legend.display and not box.display and app.focused is view
        assert view.region == tree_region
        # m hides the legend with the panes; the filter box still opens and closes there.
        await pilot.press("m")
        await pilot.pause()
        assert not legend.display
        await pilot.press("slash", "escape")
        await pilot.pause()
        assert not legend.display and not box.display
        await pilot.press("m")
        await pilot.pause()
        assert legend.display


async def test_the_footer_follows_the_keys_that_act_and_a_click_presses_one():
    app = app_for(P2)
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        assert " n Next" not in bottom_line(app)
        await pilot.press("slash", *"kind:loop", "enter")
        await until(pilot, lambda: " n Next" in bottom_line(app))  # Next acts on the matches
        await pilot.press("escape")
        await until(pilot, lambda: " n Next" not in bottom_line(app))
        # A click on "/ Filter" opens the filter, as the key does.
        column = bottom_line(app).index("/ Filter")
        await pilot.click("KeysFooter", offset=(column + 1, 0))
        await until(pilot, lambda: app.screen.query_one("#filter").display)
        assert app.focused is app.screen.query_one("#filter")


def test_on_a_linux_terminal_the_app_reads_keys_with_the_quick_escape_driver():
    """(What the pty tests type goes through it: an arrow key stays one key.)"""
    from textual.drivers.linux_driver import LinuxDriver

    from mountscope.tui.driver import QuickEscapeDriver

    app = app_for(P2)
    if App.get_driver_class(app) is LinuxDriver:
        assert app.get_driver_class() is QuickEscapeDriver
    else:  # another platform or TEXTUAL_DRIVER: Textual's choice stands
        assert app.get_driver_class() is App.get_driver_class(app)


async def test_below_the_tree_the_details_keep_their_tallest_height_as_the_cursor_moves():
    """Side by side the details are below the tree: a shorter text repaints
    the pane, it does not give the tree its rows back and forth (each of
    those was a layout of the whole screen)."""
    app = app_for(P1, P2)
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        view, details = app.screen.query_one(RowsView), app.screen.query_one(DetailsPane)
        heights, texts = [], set()
        for _ in range(len(app.screen.rows.state.rows)):
            await pilot.press("j")
            await pilot.pause()
            heights.append(view.region.height)
            texts.add(len(details._wrapped(details.scrollable_content_region.width)))
        assert len(texts) > 1  # the rows' details have different lengths
        assert heights == sorted(heights, reverse=True)  # the tree only ever gave rows up
        await pilot.press("g")
        await pilot.pause()
        assert view.region.height == heights[-1]


async def test_the_evidence_wraps_at_one_width_with_or_without_a_scrollbar():
    """The evidence arrives from a worker once the tree is on screen, and each
    piece wraps to the list's width, measured when it is added. A scrollbar
    that appeared after that narrowed the list and cut the pieces' last lines
    (seen at 120x40 when the verdict came during the first layouts), so the
    scrollbar's room is kept whether it shows or not."""
    shown = {}
    for path in (P1, SAMPLES / "environments" / "ec2-xen.proc-mounts"):
        app = app_for(path)
        async with app.run_test(size=(120, 40)) as pilot:
            await settled(pilot)
            evidence = app.screen.query_one("#verdict .evidence", OptionList)
            gutter = evidence.styles.scrollbar_size_vertical
            assert evidence.scrollable_content_region.width == evidence.region.width - gutter > 0
            shown[path.name] = evidence.show_vertical_scrollbar
    assert shown == {"lambda-pattern1.txt": True, "ec2-xen.proc-mounts": False}
