"""Work linear in the input, for inputs built to make parsers quadratic.

Each case runs the whole command on a hostile file under a generous
timeout, then compares processor time between two sizes: ten times the
input must cost well under thirty times the work (a quadratic path costs a
hundred times). Processor time of this process, the smaller size measured
at its best of three: a busy machine slows both alike.
"""

from __future__ import annotations

import gc
import random
import subprocess
import time
from collections.abc import Callable

import pytest

from mountscope.errors import ParseError
from mountscope.parsers import parse_text
from tests.helpers import run_cli


def cpu_seconds(text: str) -> float:
    gc.collect()
    start = time.process_time()
    try:
        parse_text(text, "t.txt")
    except ParseError:
        pass
    return time.process_time() - start


def assert_linear(make: Callable[[int], str], small: int) -> None:
    small_text, big_text = make(small), make(small * 10)
    small_time = min(cpu_seconds(small_text) for _ in range(3))
    big_time = cpu_seconds(big_text)
    # Below 0.05 s the small time is mostly noise: it counts as 0.05 s.
    assert big_time < 30 * max(small_time, 0.05), (small_time, big_time)


def run_tree(tmp_path, data: bytes) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "hostile.txt"
    path.write_bytes(data)
    ran = run_cli("tree", str(path), timeout=30)
    result = subprocess.CompletedProcess(
        ran.args, ran.returncode, ran.stdout.decode(), ran.stderr.decode()
    )
    assert result.returncode in (0, 2) and "Traceback" not in result.stderr, result.stderr[-2000:]
    return result


# A findmnt tree printed with -n (no header) whose columns are guessed from
# the gaps down every line: one long line of spaces made every position a
# candidate tested against every line.
def headerless_tree(rows: int, spaces: int) -> str:
    lines = ["/ /dev/sda1 ext4 rw"] + [f"├─/mnt/m{n} t{n} tmpfs rw" for n in range(1, rows)]
    lines.insert(5, " " * spaces + "x")
    return "\n".join(lines) + "\n"


def test_headerless_tree_with_a_long_line_of_spaces(tmp_path):
    result = run_tree(tmp_path, headerless_tree(30000, 4096).encode())
    assert "/mnt/m29999" in result.stdout
    assert_linear(lambda k: headerless_tree(100 * k, 40 * k), 10)


# Lines that each start a JSON value: each used to be decoded from a copy of
# the rest of the text, and each decoding error counted the lines before it.
def braces(lines: int) -> str:
    return '{"x": 1234\n' * lines


def test_forty_thousand_lines_starting_with_a_brace(tmp_path):
    run_tree(tmp_path, braces(40000).encode())
    assert_linear(braces, 4000)


def nested_braces(lines: int) -> str:
    return '{"filesystems": [{"target": "/", "children": [\n' * lines


def test_lines_that_open_json_without_closing_it(tmp_path):
    run_tree(tmp_path, ("text\n" + nested_braces(40000)).encode())
    assert_linear(lambda n: "text\n" + nested_braces(n), 2000)


# A SOURCE of "[" that ends in "]": every "[" was tried as the start of a
# bracketed root by slicing the rest of the value.
def brackets(size: int) -> str:
    return f'TARGET="/" SOURCE="{"[" * size}]" FSTYPE="ext4"\n'


def brackets_table(size: int) -> str:
    return f"TARGET SOURCE\n/      {'[' * size}]\n"


@pytest.mark.parametrize("make", [brackets, brackets_table], ids=["pairs", "table"])
def test_a_megabyte_source_of_brackets(tmp_path, make):
    result = run_tree(tmp_path, make(1 << 20).encode())
    assert result.returncode == 0
    (capture,) = parse_text(make(1000), "t.txt")
    assert capture.mounts[0].source == "[" * 1000 + "]" and capture.mounts[0].fsroot == "/"
    assert_linear(make, 100_000)


# Random bytes (without escape characters: a terminal log is replayed by
# another path) through detection and every scanner.
def random_text(size: int) -> str:
    data = random.Random(size).randbytes(size).replace(b"\x1b", b"")
    return data.decode("utf-8", "surrogateescape")


def test_megabytes_of_random_bytes(tmp_path):
    run_tree(tmp_path, random_text(1 << 20).encode("utf-8", "surrogateescape"))
    assert_linear(random_text, 100_000)
