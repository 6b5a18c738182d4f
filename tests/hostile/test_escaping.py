"""Escaping: nothing invisible or look-alike passes as plain text, and nothing
is escaped twice.

safe() must show every character that is not plainly printable as its \\xHH
escapes: a target holding a tag character, a soft hyphen or a variation
selector must not read as ``/var/task``. JSON output must be valid UTF-8 with
the same characters as JSON escapes (``\\u009b``), and bytes that are not UTF-8
as ``\\udcHH``. Inputs are generated here from the documented formats.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import unicodedata

import pytest

from mountscope.text import decode_hex, safe
from tests.helpers import ARTICLE, needs_unshare, run_cli

# Unicode's Default_Ignorable_Code_Point property (DerivedCoreProperties.txt)
# outside the C and Z categories, and the braille blank, which draws nothing.
IGNORABLE_PRINTABLE = [
    0x034F,
    0x115F,
    0x1160,
    0x17B4,
    0x17B5,
    0x180B,
    0x180C,
    0x180D,
    0x180F,
    0x2800,
    0x3164,
    0xFFA0,
    *range(0xFE00, 0xFE10),
    *range(0xE0100, 0xE01F0),
]
HIDDEN_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Zs"}


def hidden(code: int) -> bool:
    """Invisible, a control, or a look-alike of the plain space."""
    if code == 0x20:
        return False
    return unicodedata.category(chr(code)) in HIDDEN_CATEGORIES or code in IGNORABLE_PRINTABLE


def test_every_invisible_code_point_is_escaped():
    codes = [c for c in range(sys.maxunicode + 1) if hidden(c)]
    # At least this many format characters (Cf); newer Unicode has more.
    assert sum(unicodedata.category(chr(c)) == "Cf" for c in codes) >= 163
    text = "".join(map(chr, codes))
    shown = safe(text)
    # Nothing survived raw: every one of them became ASCII escapes.
    assert shown.isascii() and shown.isprintable()
    # Each is shown as the \xHH of its bytes (an invalid byte as itself), so the
    # escapes read back; lone surrogates that are not invalid bytes cannot.
    readable = "".join(chr(c) for c in codes if not 0xD800 <= c <= 0xDFFF or 0xDC80 <= c <= 0xDCFF)
    assert decode_hex(safe(readable)) == readable
    for code in (0xE0020, 0x00AD, 0x180E, 0x206A, 0xFFF9, 0x0600, 0x3164, 0x115F, 0xFE0F, 0x2028):
        assert safe(f"/var/task{chr(code)}") == "/var/task" + "".join(
            f"\\x{b:02x}" for b in chr(code).encode()
        )


def test_printable_text_is_left_alone():
    samples = [
        "/mnt/日本語のパス",
        "/srv/café/e\u0301/n\u0303",
        "/home/😀🚀🧪",
        "/data/Ελληνικά/עברית/العربية",
        "/mnt/हिन्दी",
        "├── /var/task",
        "/mnt/한국어",
        "/mnt/tab here",
    ]
    for text in samples:
        assert safe(text) == text
    everything = "".join(chr(c) for c in range(sys.maxunicode + 1) if not hidden(c) and c != 0x5C)
    assert safe(everything) == everything


def test_the_blocks_skipped_at_c_speed_hold_nothing_hidden():
    import re

    from mountscope.text import PRINTABLE_BLOCKS

    ranges = re.findall("(.)-(.)", PRINTABLE_BLOCKS)
    assert "".join(a + "-" + b for a, b in ranges) == PRINTABLE_BLOCKS
    for first, last in ranges:
        assert not [hex(c) for c in range(ord(first), ord(last) + 1) if hidden(c)]


LOOKALIKES = [
    "\U000e0020",
    "\u00ad",
    "\u180e",
    "\u206a",
    "\ufff9",
    "\u0600",
    "\u3164",
    "\u115f",
    "\ufe0f",
    "\U000e0100",
    "\u034f",
    "\u2028",
    "\u2029",
    "\u2800",
    "\u00a0",
    "\ue000",
]


def test_look_alike_targets_do_not_print_as_var_task(tmp_path):
    lines = ["1 0 8:1 / / rw - ext4 /dev/sda1 rw"]
    for index, char in enumerate(LOOKALIKES, 2):
        lines.append(f"{index} 1 0:{index} / /var/task{char} rw - tmpfs tmpfs rw")
    table = tmp_path / "lookalike.mountinfo"
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_cli("tree", "-l", "-n", "-o", "TARGET", str(table))
    assert result.returncode == 0, result.stderr
    shown = result.stdout.decode().splitlines()
    assert result.stdout.isascii()
    expected = ["/"] + [
        "/var/task" + "".join(f"\\x{b:02x}" for b in c.encode()) for c in LOOKALIKES
    ]
    assert [line.rstrip() for line in shown] == expected


def test_the_several_tables_note_escapes_the_file_name(tmp_path):
    name = tmp_path / "two\x1b]52;c;cHduZWQ=\x07tables.txt"
    shutil.copyfile(ARTICLE / "excerpt.txt", name)
    result = run_cli("tree", str(name))
    assert result.returncode == 0, result.stderr
    assert b"\x1b" not in result.stderr and b"\x07" not in result.stderr
    assert b"two\\x1b]52;c;cHduZWQ=\\x07tables.txt holds " in result.stderr


# --- diff: escaped exactly once ----------------------------------------------------------------


def test_diff_escapes_added_and_removed_targets_once(tmp_path):
    base = "1 0 8:1 / / rw - ext4 /dev/sda1 rw\n"
    a = tmp_path / "a.mountinfo"
    b = tmp_path / "b.mountinfo"
    a.write_text(
        base + "2 1 0:2 / /mnt/gone\\011tab rw - tmpfs tmpfs rw\n"
        "4 1 0:4 / /mnt/same\\011x rw - tmpfs one rw\n"
    )
    b.write_text(
        base + "3 1 0:3 / /mnt/tab\\011here rw - tmpfs src\x1b[31m rw\n"
        "4 1 0:4 / /mnt/same\\011x rw - tmpfs two rw\n"
    )
    result = run_cli("diff", str(a), str(b))
    assert result.returncode == 1, result.stderr
    lines = result.stdout.decode().splitlines()
    assert "+ /mnt/tab\\x09here  src\\x1b[31m tmpfs rw  (B line 2; tmpfs)" in lines
    assert "- /mnt/gone\\x09tab  tmpfs tmpfs rw  (A line 2; tmpfs)" in lines
    assert "~ /mnt/same\\x09x" in lines
    assert b"\\x5c" not in result.stdout


# --- JSON: valid UTF-8, nothing a terminal acts on --------------------------------------------

C1_TARGET = "/mnt/c1\u009b31m"
BIDI_TARGET = "/mnt/bidi\u202eexe.txt"
TAG_TARGET = "/var/task\U000e0020"
NOT_UTF8 = b"/mnt/raw\xff\x9b31m"


def assert_terminal_safe_json(data: bytes) -> object:
    """The exact bytes: strict UTF-8, no character safe() would escape outside
    JSON's own layout, and valid JSON."""
    text = data.decode("utf-8")  # strict: raw bytes 0x80-0xFF that are not UTF-8 fail here
    for char in text.replace("\n", ""):
        assert char == " " or not (not char.isprintable() or ord(char) in IGNORABLE_PRINTABLE), (
            char,
            text[:300],
        )
    return json.loads(text)


@pytest.fixture
def hostile(tmp_path):
    path = tmp_path / "hostile.mountinfo"
    lines = [
        b"1 0 0:1 / / rw - overlay overlay\xc2\x9b rw,lowerdir=/a",
        b"2 1 0:2 / " + C1_TARGET.encode() + b" rw - tmpfs tmpfs rw",
        b"3 1 0:3 / " + BIDI_TARGET.encode() + b" rw - tmpfs tmpfs rw",
        b"4 1 0:4 / " + TAG_TARGET.encode() + b" rw - tmpfs tmp\x7ffs rw",
        b"5 1 0:5 / " + NOT_UTF8 + b" rw - tmpfs tmpfs rw",
    ]
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


@pytest.mark.parametrize("args", [["tree", "-J"], ["tree", "-J", "-l"], ["classify", "--json"]])
def test_json_output_escapes_c1_and_invisible_characters(hostile, args):
    result = run_cli(*args, str(hostile))
    assert result.returncode == 0, result.stderr
    document = assert_terminal_safe_json(result.stdout)
    if args[0] == "tree":
        assert b"\\u009b" in result.stdout and b"\\u202e" in result.stdout
        assert b"\\udb40\\udc20" in result.stdout  # U+E0020 as JSON spells it
        assert b"\\udcff\\udc9b31m" in result.stdout  # bytes that are not UTF-8
        flat = json.dumps(document, ensure_ascii=False)
        for target in (C1_TARGET, BIDI_TARGET, TAG_TARGET):
            assert json.dumps(target, ensure_ascii=False)[1:-1] in flat
    if args[0] == "classify":
        assert b"overlay\\u009b" in result.stdout  # the evidence names the root's source


def test_json_of_bytes_that_are_not_utf8_reads_back_the_same(hostile, tmp_path):
    result = run_cli("tree", "-J", str(hostile))
    document = assert_terminal_safe_json(result.stdout)
    targets = [c["target"] for c in document["filesystems"][0]["children"]]
    assert NOT_UTF8 in [t.encode("utf-8", "surrogateescape") for t in targets]
    again = tmp_path / "again.json"
    again.write_bytes(result.stdout)
    first = run_cli("tree", "-l", "-o", "TARGET,SOURCE,FSTYPE", str(hostile))
    second = run_cli("tree", "-l", "-o", "TARGET,SOURCE,FSTYPE", str(again))
    assert second.returncode == 0, second.stderr
    assert second.stdout == first.stdout
    assert b"/mnt/raw\\xff\\x9b31m" in second.stdout


def test_diff_json_escapes_c1_and_bytes_that_are_not_utf8(hostile, tmp_path):
    other = tmp_path / "other.mountinfo"
    other.write_text("1 0 8:1 / / rw - ext4 /dev/sda1 rw\n")
    result = run_cli("diff", str(other), str(hostile), "--json")
    assert result.returncode == 1, result.stderr
    document = assert_terminal_safe_json(result.stdout)
    added = {p["target"] for p in document["pairs"] if p["kind"] == "added"}
    assert {
        C1_TARGET,
        BIDI_TARGET,
        TAG_TARGET,
        NOT_UTF8.decode("utf-8", "surrogateescape"),
    } <= added
    assert b"\\u009b" in result.stdout and b"\\udcff" in result.stdout


@needs_unshare
def test_snapshot_escapes_c1_controls(namespace, tmp_path):
    root = tmp_path / "ns"
    root.mkdir()
    c1 = str(root / "c1\u009b31m").encode()
    raw = str(root).encode() + b"/raw\xff\x9b"
    for path in (c1, raw):
        namespace.run("mkdir", path)
        namespace.run("mount", "-t", "tmpfs", "tmpfs", path)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mountscope",
            "capture",
            "--pid",
            str(namespace.pid),
            "-o",
            "-",
            "--no-signals",
            "--title",
            "t\u009b2J\u202e",
        ],
        capture_output=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    document = assert_terminal_safe_json(result.stdout)
    assert document["title"] == "t\u009b2J\u202e"
    assert b"\\u009b" in result.stdout and b"\\u202e" in result.stdout
    # Loading it back gives the same mounts, the invalid bytes included.
    snapshot = tmp_path / "snap.json"
    snapshot.write_bytes(result.stdout)
    shown = run_cli("tree", "-l", "-o", "TARGET", str(snapshot))
    assert shown.returncode == 0, shown.stderr
    assert b"/c1\\xc2\\x9b31m" in shown.stdout and b"/raw\\xff\\x9b" in shown.stdout


def test_evidence_quoting_a_signal_is_escaped_once(tmp_path):
    """A live signal quoted in the evidence (the kernel command line) was escaped
    twice in the report and the app: \\x5cx1b for ESC."""
    snapshot = tmp_path / "signals.json"
    snapshot.write_text(
        json.dumps(
            {
                "format": "mountscope.snapshot",
                "version": 1,
                "table": {
                    "format": "mountinfo",
                    "first_line": 1,
                    "text": "1 0 253:0 / / rw - ext4 /dev/vda rw\n",
                },
                "signals": {
                    "cmdline": "console=ttyS0 virtio_mmio.device=4K@0xd0000000:5\x1b[31m\tx"
                },
            }
        )
    )
    result = run_cli("classify", str(snapshot))
    assert result.returncode == 0, result.stderr
    assert b"(virtio_mmio.device=4K@0xd0000000:5\\x1b[31m)" in result.stdout
    assert b"\\x5c" not in result.stdout and b"\x1b" not in result.stdout
    document = assert_terminal_safe_json(run_cli("classify", "--json", str(snapshot)).stdout)
    assert any(
        "(virtio_mmio.device=4K@0xd0000000:5\x1b[31m)" in e["why"] for e in document["evidence"]
    )


def test_hex_escapes_read_back_alone_in_runs_and_broken():
    assert decode_hex(r"/a\x20b") == "/a b"
    assert decode_hex(r"\xe6\x97\xA5\x41x") == "日Ax"  # one run of four, either case
    assert decode_hex(r"\x5c\x78") == "\\x"  # an escaped backslash before x
    assert decode_hex(r"\xff/\xfe") == "\udcff/\udcfe"  # bytes that are not UTF-8
    assert decode_hex(r"\xzz \x4 \\") == r"\xzz \x4 \\"  # not escapes: left as written
