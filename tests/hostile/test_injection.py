"""Terminal injection: a capture's strings never act on the user's terminal.

Mount targets, sources and options may hold escape sequences (colour, cursor
moves, OSC 52 clipboard writes, OSC 8 links, the bell), other control
characters, newlines and Rich/Textual markup. In text output, diff output,
warnings, errors and the app they are shown escaped and literal; in JSON they
are data."""

from __future__ import annotations

import json
import re
import sys

import pytest

from tests.helpers import run_cli
from tests.helpers.pty import Terminal

# Raw in mountinfo: the kernel escapes only space, tab, newline and backslash.
ESC_TARGET = "/mnt/\x1b[31mred\x1b[0m"
OSC52 = "\x1b]52;c;cHduZWQ=\x07"  # would put "pwned" in the clipboard
OSC8 = "\x1b]8;;https://example.invalid/\x1b\\link\x1b]8;;\x1b\\"
HOSTILE = [
    "1 0 8:1 / / rw - ext4 /dev/sda1 rw",
    f"2 1 0:2 / {ESC_TARGET} rw - tmpfs tmpfs rw",
    f"3 1 0:3 / /mnt/clip rw - tmpfs {OSC52} rw",
    f"4 1 0:4 / /mnt/link rw - tmpfs {OSC8.replace(' ', '')} rw",
    "5 1 0:5 / /mnt/bell\x07\x07 rw - tmpfs tmpfs rw,opt=\x1b[2J\x1b[H",
    "6 1 0:6 / /mnt/[bold]markup[/] rw - tmpfs [@click=app.quit]quit rw",
    "7 1 0:7 / /mnt/nl\\012fake\\040line rw - tmpfs tmpfs rw",
    "8 1 0:8 / /mnt/c1\u009b31m rw - tmpfs tmpfs rw",
    "9 1 0:9 / /mnt/bidi\u202eexe.txt rw - tmpfs tmpfs rw",
    "10 1 0:10 / /mnt/cursor\x1b[10A\x1b[2K rw - tmpfs tmpfs rw",
]
DANGEROUS = [b"\x1b", b"\x07", b"\x9b", "\u009b".encode(), "\u202e".encode(), b"\x00"]


@pytest.fixture
def hostile(tmp_path):
    path = tmp_path / "hostile.mountinfo"
    path.write_text("\n".join(HOSTILE) + "\n", encoding="utf-8")
    return path


def assert_inert(data: bytes) -> None:
    for bad in DANGEROUS:
        assert bad not in data, (bad, data[:400])


@pytest.mark.parametrize(
    "args",
    [
        ["tree"],
        ["tree", "-l"],
        ["tree", "-a", "-o", "TARGET,SOURCE,OPTIONS,KIND"],
        ["classify"],
        ["extract"],
        [],
    ],
)
def test_text_output_shows_escapes_literally(hostile, args):
    result = run_cli(*args, str(hostile))
    assert result.returncode == 0, result.stderr
    assert_inert(result.stdout)
    assert_inert(result.stderr)
    if args[:1] in (["tree"], []):
        text = result.stdout.decode()
        assert "/mnt/\\x1b[31mred\\x1b[0m" in text
        assert "[bold]markup[/]" in text
        assert "/mnt/nl\\x0afake line" in text


def test_colour_adds_only_our_own_styles(hostile):
    result = run_cli("tree", str(hostile), "--color", "always")
    ours = re.sub(rb"\x1b\[[0-9;]*m", b"", result.stdout)
    assert_inert(ours)


def test_diff_output_is_inert(hostile, tmp_path):
    other = tmp_path / "other.mountinfo"
    other.write_text(
        "\n".join(HOSTILE[:5]) + "\n3 1 0:3 / /mnt/clip rw - tmpfs \x1b]52;c;b3RoZXI=\x07 rw\n"
    )
    result = run_cli("diff", str(hostile), str(other))
    assert result.returncode == 1
    assert_inert(result.stdout)
    assert b"\\x1b]52;c;" in result.stdout


def test_json_keeps_the_strings_as_data(hostile):
    result = run_cli("tree", str(hostile), "-J")
    assert_inert(result.stdout)  # C1 and bidi characters as \u escapes, never raw
    document = json.loads(result.stdout)
    targets = [child["target"] for child in document["filesystems"][0]["children"]]
    assert ESC_TARGET in targets and "/mnt/nl\nfake line" in targets
    sources = [child["source"] for child in document["filesystems"][0]["children"]]
    assert OSC52 in sources and "[@click=app.quit]quit" in sources


def test_error_messages_escape_file_names(tmp_path):
    name = tmp_path / "evil\x1b]52;c;cHduZWQ=\x07name.txt"
    name.write_text("nothing here\n")
    result = run_cli("tree", str(name))
    assert result.returncode == 2
    assert_inert(result.stderr)
    assert b"evil\\x1b]52;c;cHduZWQ=\\x07name.txt: no mount table found" in result.stderr


def test_warnings_escape_what_they_quote(tmp_path):
    path = tmp_path / "warn.mountinfo"
    path.write_text("1 0 8:1 / / rw - ext4 /dev/sda1 rw\n2 1 x\x1b[31m:y / /a rw - tmpfs t rw\n")
    result = run_cli("tree", str(path))
    assert result.returncode == 0
    assert_inert(result.stderr)
    assert b"bad major:minor 'x\\x1b[31m:y'" in result.stderr


def test_the_app_shows_hostile_strings_literally_in_a_real_terminal(hostile):
    term = Terminal([sys.executable, "-m", "mountscope", str(hostile)], cols=240, rows=40)
    try:
        screen = term.wait_for("[bold]markup[/]")
        assert "/mnt/\\x1b[31mred\\x1b[0m" in screen
        assert "[@click=app.quit]" in screen
        assert "\\x1b]52;c;" in screen
        term.send("G")  # move over every row; none of them may quit the app or act
        term.settle(0.5)
        assert term.process.poll() is None
        raw = bytes(term.raw)
        assert b"\x1b]52;c;cHduZWQ" not in raw  # no clipboard write reached the terminal
        assert b"\x1b]8;;https://example.invalid" not in raw
        own = re.sub(
            rb"\x1b\]22;[a-z-]*\x07", b"", raw
        )  # Textual's own pointer-shape OSC ends in BEL
        assert b"\x07" not in own
        assert b"\x1b[10A" not in raw
        term.send("q")
        assert term.wait_exit() == 0
    finally:
        term.close()


async def test_the_app_never_reads_capture_strings_as_markup(hostile):
    from mountscope.system.loader import load
    from mountscope.tui.app import MountscopeApp
    from mountscope.tui.view import RowsView

    app = MountscopeApp(load(str(hostile)))
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        view = app.screen.query_one(RowsView)
        for _ in range(len(view.rows.state.rows)):
            await pilot.press("j")  # details for every mount, rendered
        shown = "\n".join(view.render_line(y).text for y in range(view.size.height))
        assert "[bold]markup[/]" in shown and "[@click=app.quit]quit" in shown
        details = str(app.screen.query_one("#details").render())
        assert "\\x1b[10A" in details and "\x1b" not in details
    assert app.return_code in (None, 0)
