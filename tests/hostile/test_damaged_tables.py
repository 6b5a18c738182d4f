"""Damaged lines stay in their table as warnings: nothing is lost in silence.

A cut-short line (a copy that lost its end, a terminal that cut it) used to
end the table it was in, or, as the first line, to be taken for the table's
title; everything after a few damaged lines was then dropped without a word.
The tables here are generated in each one-mount-a-line format.
"""

from __future__ import annotations

import pytest

from mountscope.parsers import parse_text
from tests.helpers import run_cli

N = 20


def mountinfo(first_source: str = "/dev/sda1") -> list[str]:
    return [f"1 0 8:1 / / rw,relatime - ext4 {first_source} rw"] + [
        f"{n} 1 0:{n} / /mnt/m{n} rw,relatime - tmpfs t{n} rw,size=64k" for n in range(2, N + 1)
    ]


def proc_mounts(first_source: str = "/dev/sda1") -> list[str]:
    return [f"{first_source} / ext4 rw,relatime 0 0"] + [
        f"t{n} /mnt/m{n} tmpfs rw,relatime,size=64k 0 0" for n in range(2, N + 1)
    ]


def mount_output(first_source: str = "/dev/sda1") -> list[str]:
    return [f"{first_source} on / type ext4 (rw,relatime)"] + [
        f"t{n} on /mnt/m{n} type tmpfs (rw,relatime,size=64k)" for n in range(2, N + 1)
    ]


TABLES = {
    "mountinfo": mountinfo(),
    "proc-mounts": proc_mounts(),
    "mount": mount_output(),
    "mountinfo overlay": mountinfo("overlay"),
    "proc-mounts overlay": proc_mounts("overlay"),
    "mount overlay": mount_output("overlay"),
}


def targets(lines: list[str]) -> list[str]:
    (capture,) = parse_text("\n".join(lines) + "\n", "t.txt")
    return [m.target for m in capture.mounts]


def run(*args: str) -> tuple[int, str, str]:
    """Exit status, output and errors of mountscope run with ``args``."""
    result = run_cli(*args)
    return result.returncode, result.stdout.decode(), result.stderr.decode()


@pytest.mark.parametrize("name", TABLES)
def test_three_cut_lines_keep_the_rest_of_the_table(tmp_path, name):
    lines = list(TABLES[name])
    for number in (6, 11, 16):
        lines[number - 1] = lines[number - 1][:12]
    path = tmp_path / "cut.txt"
    path.write_text("\n".join(lines) + "\n")
    (capture,) = parse_text(path.read_text(), str(path))
    assert len(capture.mounts) == N - 3
    assert [w.line for w in capture.warnings] == [6, 11, 16]
    status, _, errors = run("tree", "--strict", str(path))
    assert status == 2
    assert f"{path}:6: skipped" in errors and f"{path}:16: skipped" in errors
    # diff against the whole table: three removals, no phantom additions.
    whole = tmp_path / "whole.txt"
    whole.write_text("\n".join(TABLES[name]) + "\n")
    _, output, _ = run("diff", str(whole), str(path))
    assert "+ " not in output, output
    assert output.count("/mnt/m") == 3, output


@pytest.mark.parametrize("name", TABLES)
def test_cutting_any_one_line_loses_at_most_that_line_and_says_so(name):
    table = TABLES[name]
    for index, line in enumerate(table):
        for at in range(1, len(line)):
            lines = [*table[:index], line[:at], *table[index + 1 :]]
            captures = parse_text("\n".join(lines) + "\n", "t.txt")
            assert len(captures) == 1, (index, at, [c.first_line for c in captures])
            (capture,) = captures
            if len(capture.mounts) == N:
                continue
            assert len(capture.mounts) == N - 1, (index, at)
            assert [(w.origin, w.line) for w in capture.warnings] == [("t.txt", index + 1)], (
                index,
                at,
            )
            assert table[index] not in [m.raw for m in capture.mounts]


@pytest.mark.parametrize("name", ["mountinfo", "proc-mounts", "mount"])
@pytest.mark.parametrize("prompt", ["user@host:~$ ", "# ", "[root@box tmp]# "])
def test_a_prompt_glued_to_the_first_line_is_read_and_said(tmp_path, name, prompt):
    lines = list(TABLES[name])
    lines[0] = prompt + lines[0]
    path = tmp_path / "glued.txt"
    path.write_text("\n".join(lines) + "\n")
    (capture,) = parse_text(path.read_text(), str(path))
    assert [m.target for m in capture.mounts] == targets(TABLES[name])
    assert capture.mounts[0].source == ("overlay" if "overlay" in name else "/dev/sda1")
    assert [(w.line, w.message) for w in capture.warnings] == [
        (1, "a shell prompt before the line: read without it")
    ]
    assert run("tree", "--strict", str(path))[0] == 2


def test_a_prompt_line_before_a_table_is_still_its_title():
    text = "$ cat /proc/self/mounts\n" + "\n".join(TABLES["proc-mounts"]) + "\n"
    (capture,) = parse_text(text, "t.txt")
    assert capture.title == "cat /proc/self/mounts" and len(capture.mounts) == N
    assert not capture.warnings


def test_two_commands_one_after_the_other_stay_two_tables():
    text = "".join(
        f"$ cat /proc/{pid}/mounts\n" + "\n".join(TABLES["proc-mounts"]) + "\n" for pid in (1, 2)
    )
    captures = parse_text(text, "t.txt")
    assert [(c.title, len(c.mounts), c.warnings) for c in captures] == [
        ("cat /proc/1/mounts", N, ()),
        ("cat /proc/2/mounts", N, ()),
    ]


def test_a_source_ending_in_a_dollar_is_not_a_prompt():
    line = "//srv/c$ /mnt/c cifs rw,vers=3.0 0 0"
    (capture,) = parse_text("\n".join([line, *TABLES["proc-mounts"][1:]]) + "\n", "t.txt")
    assert capture.mounts[0].source == "//srv/c$" and not capture.warnings
    line = "//srv/c$ on /mnt/c type cifs (rw,vers=3.0)"
    (capture,) = parse_text("\n".join([line, *TABLES["mount"][1:]]) + "\n", "t.txt")
    assert capture.mounts[0].source == "//srv/c$" and not capture.warnings
