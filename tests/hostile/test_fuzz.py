"""Fuzzing every parser and the format detector with hypothesis.

The CI run is short. The long run (at least 100 000 cases per strategy):

    MOUNTSCOPE_FUZZ_EXAMPLES=100000 pytest tests/hostile/test_fuzz.py -p no:cacheprovider

Atheris, where it installs: python -m tests.hostile.atheris_fuzz -runs=100000

Every input runs within a budget of processor time that grows with its size
(fuzzing.budget): a path that is quadratic in its input fails the run instead
of slowing it. Hypothesis' own deadline stays off: it counts wall time, which a
busy machine stretches.
"""

from __future__ import annotations

import os
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import ARTICLE, REPO, SAMPLES
from tests.hostile.fuzzing import OverBudget, exercise, time_budget

EXAMPLES = int(os.environ.get("MOUNTSCOPE_FUZZ_EXAMPLES", "300"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=EXAMPLES <= 1000,
    suppress_health_check=list(HealthCheck),
    database=None,
)

SEEDS = [
    p.read_bytes()
    for p in [
        *sorted(ARTICLE.glob("*.txt")),
        *sorted((SAMPLES / "environments").glob("*")),
        REPO / "tests" / "data" / "edge.mountinfo",
        SAMPLES / "recordings" / "article-patterns.cast",
    ]
    if p.is_file() and p.suffix != ".md"
]
TOKENS = [
    b" ",
    b" - ",
    b"\\",
    b"\\040",
    b"\\x",
    b"\\xe2\\x94",
    b"\n",
    b"\r\n",
    b"\x00",
    b"\xff",
    b"\x1b[",
    b"\x1b]52;c;",
    b"[bold]",
    b"[/]",
    b"{",
    b"}",
    b"[",
    b"]",
    b'"',
    b":",
    b"0",
    b"-1",
    b"99999999999999999999",
    b"\xe2\x94\x9c\xe2\x94\x80",
    b"\xe2\x94\x82 ",
    b"\xe3\x81\x82",
    b"TARGET",
    b"SOURCE",
    b"FSTYPE",
    b" on ",
    b" type ",
    b"(",
    b")",
    b" 0 0",
    b"shared:1",
    b"nsfs[net:[1]]",
]


@st.composite
def mutated(draw) -> bytes:  # type: ignore[no-untyped-def]
    """A real capture, cut, spliced and sprinkled with hostile tokens."""
    data = bytearray(draw(st.sampled_from(SEEDS)))
    rng = random.Random(draw(st.integers(0, 2**32)))
    for _ in range(draw(st.integers(1, 12))):
        action = rng.randrange(6)
        at = rng.randrange(len(data) + 1)
        if action == 0:
            data[at:at] = rng.choice(TOKENS)
        elif action == 1 and data:
            del data[at : at + rng.randrange(1, 40)]
        elif action == 2 and data:
            data[rng.randrange(len(data))] = rng.randrange(256)
        elif action == 3:
            data = data[: rng.randrange(len(data) + 1)]  # truncated
        elif action == 4 and data:
            lines = data.split(b"\n")
            k = rng.randrange(len(lines))
            lines.insert(k, lines[rng.randrange(len(lines))])  # a duplicated line (duplicate ids)
            data = bytearray(b"\n".join(lines))
        else:
            data[at:at] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 16)))
    return bytes(data)


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes(data: bytes):
    exercise(data)


@FUZZ
@given(mutated())
def test_mutated_real_captures(data: bytes):
    exercise(data)


_field = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=12)


@FUZZ
@given(
    st.lists(
        st.tuples(
            st.integers(-3, 40),
            st.integers(-3, 40),
            _field,
            _field,
            _field,
            _field,
            st.sampled_from(["", "shared:1", "master:2 propagate_from:1", "unbindable", "-"]),
        ),
        max_size=30,
    )
)
def test_mountinfo_shaped_lines_with_cycles_and_duplicate_ids(rows):
    lines = [
        f"{i} {p} 0:{i} {root} /{target} rw{(' ' + tags) if tags else ''} - {fstype} {source} rw"
        for i, p, root, target, fstype, source, tags in rows
    ]
    exercise("\n".join(lines).encode("utf-8", "surrogatepass"), formats=False)


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.dictionaries(
            st.sampled_from(
                [
                    "filesystems",
                    "children",
                    "target",
                    "source",
                    "fstype",
                    "options",
                    "id",
                    "parent",
                    "format",
                    "version",
                    "table",
                    "text",
                    "x",
                ]
            ),
            inner,
            max_size=6,
        )
    ),
    max_leaves=30,
)


@FUZZ
@given(_json)
def test_json_of_every_shape(document):
    import json

    try:
        data = json.dumps(document).encode()
    except ValueError:
        return
    exercise(data, formats=False)
    exercise(data[: len(data) // 2], formats=False)  # truncated JSON


NAMED = [
    ("empty", b""),
    ("only a header", b"TARGET SOURCE FSTYPE OPTIONS\n"),
    ("nul bytes", b"20 1 8:1 / / rw - ext4 /dev/sda\x00 rw\n\x00\x00\x00"),
    ("invalid utf-8", b"20 1 8:1 /\xff / rw - ext4 /dev/\xfe\xfd rw\n"),
    ("a 1 MB line", b"20 1 8:1 / / rw - ext4 /dev/sda rw," + b"x" * (1 << 20) + b"\n"),
    ("a 1 MB line of separators", b" type a (" * 120000),
    ("missing fields", b"20 1 8:1 / /\n21 20\n22 20 0:1 / /x rw -\n"),
    ("a cycle", b"10 11 0:1 / /a rw - tmpfs a rw\n11 10 0:2 / /b rw - tmpfs b rw\n"),
    ("self parent", b"5 5 0:1 / / rw - tmpfs a rw\n"),
    (
        "duplicate ids",
        b"1 0 8:1 / / rw - ext4 a rw\n2 1 0:2 / /x rw - tmpfs b rw\n2 1 0:3 / /y rw - tmpfs c rw\n",
    ),
    ("truncated json", b'{"filesystems": [{"target": "/", "children": [{"target'),
    ("json of the wrong shape", b'{"filesystems": {"target": "/"}}'),
    ("snapshot of the wrong shape", b'{"format": "mountscope.snapshot", "version": 1, "table": 7}'),
    (
        "malformed escape sequences",
        b"1 0 8:1 / / rw - ext4 /dev/sda1 rw\n\x1b[0;g\x1b[99999999999999999999C"
        b"\x1b[0;0;0;0r\x1b[?1049;47h\x1b]0;\x07\x1b[?1049l\x1bc",
    ),
    (
        "deep json",
        b'{"filesystems": [' + b'{"target": "/", "children": [' * 5000 + b"]}" * 5000 + b"]}",
    ),
]


@pytest.mark.parametrize("name,data", NAMED, ids=[name for name, _ in NAMED])
def test_named_hostile_inputs(name: str, data: bytes):
    exercise(data)


def test_three_thousand_deep_nesting_in_every_output():
    # Three times Python's recursion limit, each target the full path (9 MB
    # of input): any recursion over the depth fails.
    lines = ["1 0 8:1 / / rw - ext4 /dev/sda1 rw"]
    path = ""
    for n in range(2, 3001):
        path += "/d"
        lines.append(f"{n} {n - 1} 0:{n} / {path} rw - tmpfs t rw")
    exercise(("\n".join(lines) + "\n").encode(), formats=False)


def test_the_time_budget_stops_runaway_work():
    spins = 0
    with pytest.raises(OverBudget), time_budget(0.2, "a loop that never ends"):
        while True:
            spins += 1
    assert spins
