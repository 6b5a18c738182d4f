"""Hostile terminal recordings: replay work that follows the input, not the
terminal's size, and fuzzed casts, typescripts and logs, each within a time budget.

The CI run is short; the long run takes MOUNTSCOPE_FUZZ_EXAMPLES=100000 like test_fuzz.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyte.screens import wcwidth

from mountscope.errors import ParseError
from mountscope.parsers import parse_text
from tests.helpers import REPO
from tests.hostile.fuzzing import ORIGIN, check_error, exercise_capture

EXAMPLES = int(os.environ.get("MOUNTSCOPE_FUZZ_EXAMPLES", "60"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=EXAMPLES <= 1000,
    suppress_health_check=list(HealthCheck),
    database=None,
)
# CPU seconds one fuzz input (at most ~64 KB) may take, with a wide margin: a
# replay that follows the terminal's size, or replays the input again and again,
# takes far longer.
BUDGET = 5.0

MEASURE = r"""
import json, resource, sys, time
from mountscope.parsers.recording import transcript
data = open(sys.argv[1], encoding="utf-8", errors="surrogateescape").read()
start = time.process_time()
seen, _, kind = transcript(data, sys.argv[1])
print(json.dumps({"cpu": time.process_time() - start, "lines": seen.count("\n"),
                  "kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def measure(path) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Replay a recording in a process of its own: its CPU time, lines, peak memory."""
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path)],
        capture_output=True,
        cwd=REPO,
        timeout=600,
        check=True,
    )
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def cast(path, width: int, height: int, output: str):  # type: ignore[no-untyped-def]
    header = {"version": 2, "width": width, "height": height}
    events = [
        [i / 1000, "o", output[at : at + 4096]] for i, at in enumerate(range(0, len(output), 4096))
    ]
    path.write_text(json.dumps(header) + "\n" + "".join(json.dumps(e) + "\n" for e in events))
    return path


def test_replay_work_does_not_grow_with_the_terminal_size(tmp_path):
    # pyte moved every row on each scroll and read every cell of each row it
    # kept: the same lines took 20 times longer on a 2000x1000 terminal.
    output = "\x1b[1m" + "".join(f"{i} 1 0:{i} / /m/{i} rw - tmpfs t rw\r\n" for i in range(15_000))
    small = measure(cast(tmp_path / "small.cast", 80, 24, output))
    large = measure(cast(tmp_path / "large.cast", 2000, 1000, output))
    assert small["lines"] == large["lines"] == 15_000
    assert large["cpu"] < 4 * small["cpu"] + 1.0, (small, large)


def test_a_log_replays_in_memory_that_follows_its_text(tmp_path):
    # A log is replayed 1000 columns wide: each kept row held 1000 characters,
    # whatever was on it (310 MB for a 1.3 MB log, about 1 KB a row). 80 000
    # more rows may cost at most half that (they cost next to nothing now).
    peak = {}
    for count in (20_000, 100_000):
        log = tmp_path / f"{count}.log"
        log.write_text("\x1b[1mlog\x1b[m\r\n" + "ab\r\n" * count)
        peak[count] = measure(log)
        assert peak[count]["lines"] == count + 1
    assert peak[100_000]["kib"] - peak[20_000]["kib"] < 40 * 1024, peak


def test_a_runaway_replay_is_refused_in_one_line(tmp_path):
    # Each clear keeps a screen of 1000 rows that hold one character at the bottom.
    log = tmp_path / "clears.cast"
    cast(log, 2000, 1000, "\x1b[1000;1Hx\x1b[2J" * 30_000)
    result = subprocess.run(
        [sys.executable, "-m", "mountscope", "extract", str(log)],
        capture_output=True,
        cwd=REPO,
        timeout=300,
    )
    assert result.returncode == 2
    assert result.stderr.decode() == (
        f"mountscope: error: {log}: not replayed: it asks for far more screen "
        "work than a recording of its size can (a damaged or hostile recording)\n"
    )


# --- fuzzing ---------------------------------------------------------------------------

MOUNT_LINES = [
    "1 0 252:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw",
    "22 1 0:21 / /proc rw,nosuid - proc proc rw",
    "23 1 0:22 / /var/task ro - ext4 /dev/vdb rw",
    "/dev/vda1 / ext4 rw 0 0",
    "TARGET SOURCE FSTYPE",
    "/      /dev/vda ext4",
    "├─/tmp tmpfs  tmpfs",
]
SEQUENCES = [
    "\r\n",
    "\n",
    "\r",
    "\t",
    "\b",
    "\x1b[2J",
    "\x1b[3J",
    "\x1b[H",
    "\x1b[K",
    "\x1b[1K",
    "\x1b[2K",
    "\x1b[J",
    "\x1b[1J",
    "\x1b[L",
    "\x1b[M",
    "\x1b[5L",
    "\x1b[9999M",
    "\x1b[P",
    "\x1b[9999@",
    "\x1b[X",
    "\x1b[9999X",
    "\x1b[?7l",
    "\x1b[?7h",
    "\x1b[4h",
    "\x1b[4l",
    "\x1b[?1049h",
    "\x1b[?1049l",
    "\x1b[?47h",
    "\x1b[?3h",
    "\x1b[?3l",
    "\x1b[?5h",
    "\x1b#8",
    "\x1bc",
    "\x1bM",
    "\x1bD",
    "\x1bE",
    "\x1b7",
    "\x1b8",
    "\x1bH",
    "\x1b[g",
    "\x1b[3g",
    "\x1b[0;g",
    "\x1b[2;5r",
    "\x1b[r",
    "\x1b[9999;9999H",
    "\x1b[9999G",
    "\x1b[9999C",
    "\x1b[5A",
    "\x1b]0;title\x07",
    "\x1b[1;31m",
    "\x1b[m",
    "\x0e",
    "\x0f",
    "\x1b(0",
    "\x1b[?6h",
    "\x1b[6n",
    "\x1b[",
    "\x1b[;;;;",
    "\x1b[1$",
    "\x18",
    "\x1b[20h",
]
INVISIBLE = [
    "\u200b",
    "\u202e",
    "\u2060",
    "\ufeff",
    "\U000e0041",
    "\u0301",
    "\u034f",
    "\ufe0f",
    "\u1160",
    "\x01",
    "\u0085",
    "\u093e",
]
WIDE = ["あ", "漢", "\u115f", "😀"]
TOKENS = MOUNT_LINES + SEQUENCES + INVISIBLE + WIDE + [" ", "a", "/", "\ud800", "\udcff"]


@st.composite
def screen_output(draw) -> str:  # type: ignore[no-untyped-def]
    """Terminal output: mount lines among escape sequences, some repeated many times."""
    parts = []
    for _ in range(draw(st.integers(1, 40))):
        token = draw(st.sampled_from(TOKENS))
        parts.append(token * draw(st.sampled_from([1, 1, 1, 2, 5, 50, 2000])))
    return "".join(parts)[:60_000]


SIZES = st.one_of(
    st.integers(-5, 2100),
    st.sampled_from(
        [
            1e999,
            -1e999,
            float("nan"),
            80.5,
            1e18,
            "80",
            "80x",
            True,
            None,
            [80],
            {"w": 1},
            "",
            "9" * 30,
        ]
    ),
)


@st.composite
def asciicasts(draw) -> str:  # type: ignore[no-untyped-def]
    header = {"version": 2, "width": draw(SIZES), "height": draw(SIZES)}
    lines = [json.dumps(header)]
    for _ in range(draw(st.integers(0, 12))):
        when = draw(
            st.one_of(
                st.floats(allow_nan=True, allow_infinity=True), st.just("x"), st.integers(-9, 9)
            )
        )
        code = draw(st.sampled_from(["o", "o", "o", "r", "i", "m", 5]))
        data = draw(screen_output()) if code != "r" else f"{draw(SIZES)}x{draw(SIZES)}"
        lines.append(json.dumps([when, code, data]))
    return "\n".join(lines) + "\n"


@st.composite
def typescripts(draw) -> tuple[str, str | None]:  # type: ignore[no-untyped-def]
    size = draw(
        st.sampled_from(
            [
                '[COLUMNS="80" LINES="24"]',
                '[COLUMNS="2000" LINES="1000"]',
                '[COLUMNS="1e999" LINES="-4"]',
                "",
                '[COLUMNS="1" LINES="1"]',
            ]
        )
    )
    body = draw(screen_output())
    text = (
        f"Script started on 2024-01-01 10:00:00+00:00 {size}\n{body}\nScript done on 2024-01-01\n"
    )
    if not draw(st.booleans()):
        return text, None
    step = st.tuples(
        st.sampled_from(["0.1", "0", "-1", "inf", "nan", "1e999", "x", "O 0.1", "I 0.2", "H 0"]),
        st.sampled_from(["10", "0", "-5", "99999999999", "", "x"]),
    )
    timing = "".join(f"{delay} {count}\n" for delay, count in draw(st.lists(step, max_size=30)))
    return text, timing


def survive(text: str, timing: str | None = None, name: str | None = None) -> None:
    """Read a recording like the loader does; only a ParseError naming the file may
    come out, everything read goes through every output, all within the budget."""
    start = time.process_time()
    try:
        captures = parse_text(text, ORIGIN, name, timing=timing)
    except ParseError as error:
        check_error(error)
    else:
        for capture in captures[:3]:
            exercise_capture(capture)
    spent = time.process_time() - start
    assert spent < BUDGET, f"{spent:.1f} s of CPU for {len(text)} characters"


@FUZZ
@given(asciicasts())
def test_fuzzed_asciicasts(text: str):
    survive(text)
    survive(text, name="asciicast")


@FUZZ
@given(typescripts())
def test_fuzzed_typescripts_with_and_without_timing(recording: tuple[str, str | None]):
    survive(*recording)


@FUZZ
@given(screen_output())
def test_fuzzed_ansi_logs(text: str):
    survive("\x1b[m" + text, name="ansi")


# Characters a terminal gives no cell (controls it does not act on, format
# characters, marks, fillers, tags): pyte's Screen.draw dropped the rest of the line.
_ACTED_ON = set("\x00\x07\x08\t\n\x0b\x0c\r\x0e\x0f\x18\x1a\x1b\x7f\x9b\x9c\x9d")
ZERO_WIDTH = sorted(
    c
    for c in map(
        chr,
        [
            *range(0x00, 0xA0),
            *range(0x300, 0x370),
            *range(0x900, 0x980),
            *range(0x1160, 0x1170),
            *range(0x2000, 0x2070),
            *range(0xFE00, 0xFE10),
            0xFEFF,
            0x3164,
            *range(0xE0000, 0xE0080),
        ],
    )
    # (str.split() cuts at \x1c-\x1f and \x85: a matter for the table parsers)
    if c not in _ACTED_ON and wcwidth(c) < 1 and not c.isspace()
)


@FUZZ
@given(
    st.lists(
        st.text(
            st.one_of(st.sampled_from(ZERO_WIDTH), st.sampled_from("abcé漢あ-_.")),
            min_size=1,
            max_size=30,
        ),
        min_size=1,
        max_size=8,
    ),
    st.integers(10, 200),
    st.integers(1, 97),
    st.booleans(),
)
def test_every_character_of_every_path_comes_back(
    names: list[str], width: int, cut: int, proc_mounts: bool
):
    """Any path, at any terminal width, in events cut anywhere: the exact targets and sources."""
    targets = ["/", *(f"/m{i}/{name}" for i, name in enumerate(names))]
    sources = ["/dev/vda", *(f"{name}s{i}" for i, name in enumerate(names))]
    if proc_mounts:
        table = "".join(f"{s} {t} tmpfs rw 0 0\n" for s, t in zip(sources, targets, strict=True))
    else:
        table = "".join(
            f"{i + 1} {min(i, 1)} 0:{i} / {t} rw - tmpfs {s} rw\n"
            for i, (s, t) in enumerate(zip(sources, targets, strict=True))
        )
    output = "$ cat mounts\r\n" + table.replace("\n", "\r\n") + "$ "
    events = [[i, "o", output[at : at + cut]] for i, at in enumerate(range(0, len(output), cut))]
    text = (
        json.dumps({"version": 2, "width": width, "height": 24})
        + "\n"
        + "".join(json.dumps(e) + "\n" for e in events)
    )
    (capture,) = parse_text(text, ORIGIN)
    assert [m.target for m in capture.mounts] == targets
    assert [m.source for m in capture.mounts] == sources
