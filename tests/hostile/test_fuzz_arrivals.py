"""Fuzzing the ways captures arrive: behind log, chat and quote prefixes, as
broken findmnt -J, collapsed or elided tables, headerless lists and fstabs.

Seeds are the synthetic samples in tests/data/arrivals. Each input runs
within fuzzing.exercise's processor-time budget, so a prefix or repair path
that is quadratic fails the run. The long run:

    MOUNTSCOPE_FUZZ_EXAMPLES=100000 pytest tests/hostile/test_fuzz_arrivals.py -p no:cacheprovider
"""

from __future__ import annotations

import os
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import REPO
from tests.hostile.fuzzing import exercise

EXAMPLES = int(os.environ.get("MOUNTSCOPE_FUZZ_EXAMPLES", "200"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=EXAMPLES <= 1000,
    suppress_health_check=list(HealthCheck),
    database=None,
)

ARRIVALS = REPO / "tests" / "data" / "arrivals"
SEEDS = [p.read_bytes() for p in sorted(ARRIVALS.glob("*")) if p.is_file()]
PREFIXES = [
    b"2024-05-01T12:00:00.123000+00:00 2024/05/01/[$LATEST]0123abcd ",
    b"2024-05-01T12:00:00.123Z\t8f0e5b2a-1c3d-4e5f-a6b7-c8d9e0f1a2b3\tINFO\t",
    b" 2021-06-29 09:59:08.929 |  ",
    b"bob: ",
    b"<bob> ",
    b"> ",
    b">> ",
    b"> > ",
    b">",
    b"[ERROR] ",
    b"May  1 12:00:00 ",
    b"| ",
    b"INFO ",
    b"\t",
    b"  ",
]
BREAKS = [
    b",",
    b",]",
    b",}",
    b"{",
    b"[",
    b'"',
    b"...",
    b"\xe2\x80\xa6",
    b"\n",
    b" ",
    b"  ",
    b"#",
    b"UUID=",
    b" defaults 0 2",
    b" none swap sw 0 0",
    b"\\x20",
    b"\\040",
    b"\x1b[31m",
    b"\r",
]


@st.composite
def prefixed(draw) -> bytes:  # type: ignore[no-untyped-def]
    """A sample with a prefix before some or all of its lines."""
    lines = draw(st.sampled_from(SEEDS)).split(b"\n")
    rng = random.Random(draw(st.integers(0, 2**32)))
    prefix = rng.choice(PREFIXES)
    every = rng.random() < 0.5
    out = [
        (prefix if every or rng.random() < 0.7 else rng.choice(PREFIXES)) + line for line in lines
    ]
    return b"\n".join(out)


@st.composite
def broken(draw) -> bytes:  # type: ignore[no-untyped-def]
    """A sample cut anywhere, with hostile tokens in it."""
    data = bytearray(draw(st.sampled_from(SEEDS)))
    rng = random.Random(draw(st.integers(0, 2**32)))
    for _ in range(draw(st.integers(1, 10))):
        at = rng.randrange(len(data) + 1)
        action = rng.randrange(4)
        if action == 0:
            data[at:at] = rng.choice(BREAKS)
        elif action == 1:
            del data[at : at + rng.randrange(1, 30)]
        elif action == 2:
            data = data[:at]  # cut off
        else:
            data = data.replace(b"  ", b" ")  # collapsed spacing
    return bytes(data)


@FUZZ
@given(prefixed())
def test_prefixed_samples(data: bytes):
    exercise(data)


@FUZZ
@given(broken())
def test_broken_samples(data: bytes):
    exercise(data)


@FUZZ
@given(
    st.lists(
        st.sampled_from(
            PREFIXES + BREAKS + [b"/", b"TARGET SOURCE FSTYPE OPTIONS", b"\xe2\x94\x9c\xe2\x94\x80"]
        ),
        max_size=60,
    )
)
def test_token_soup(tokens: list[bytes]):
    exercise(b"".join(tokens))


def _big(line: bytes, count: int) -> bytes:
    """``count`` lines, each with its own number (distinct targets: the same
    target 20 000 times is a chain of stacked mounts, slow for other reasons)."""
    return b"".join(line.replace(b"%d", b"%d" % n) for n in range(count))


# Large inputs go through detection only (every format by name multiplies
# the work by a dozen); they are there to catch work that is not linear: at
# 10 000 lines, work that grows with the square of the lines is 10^8 steps of
# Python, far over the input's processor-time budget. (Work that copies the
# rest of the text per line, at C speed, is what test_linear_work measures.)
NAMED = [
    ("many prefixed lines", _big(b"bob: proc /p%d proc rw 0 0\n", 10000)),
    (
        "many runs of prefixes",
        _big(b"bob: proc /p%d proc rw 0 0\nbob: proc /q%d proc rw 0 0\n\n", 5000),
    ),
    ("a long prefix", b"2024-05-01T12:00:00Z " * 5000 + b"proc /proc proc rw 0 0\n"),
    ("nested quotes", b">" * 100000 + b" proc /proc proc rw 0 0\n"),
    ("many trailing commas", b'{"filesystems": [' + _big(b'{"target": "/%d"},', 10000) + b"]}"),
    ("commas and no close", b'{"filesystems": [' + b"," * 100000),
    (
        "cut deep json",
        b'{"filesystems": [' + b'{"target": "/", "children": [' * 3000 + b'{"target": "/x"}',
    ),
    ("an unterminated string", b'{"filesystems": [{"target": "/"}, {"target": "' + b"a" * 100000),
    (
        "many collapsed headers",
        _big(b"TARGET SOURCE FSTYPE OPTIONS\n\xe2\x94\x9c\xe2\x94\x80/a%d b c d\n", 5000),
    ),
    (
        "a collapsed table of elisions",
        b"TARGET SOURCE FSTYPE OPTIONS\n"
        + _big(b"\xe2\x94\x9c\xe2\x94\x80/a%d b c d\n...\n", 10000),
    ),
    (
        "collapsed rows of many words",
        b"TARGET SOURCE FSTYPE OPTIONS\n"
        + _big(b"\xe2\x94\x9c\xe2\x94\x80/a%d " + b"w " * 50 + b"\n", 2000),
    ),
    ("many elided mount lines", b"/dev/a on / type ext4 (rw)\n" + _big(b"x on /x%d ...\n", 10000)),
    ("an fstab of comments", _big(b"# comment\n", 10000) + b"UUID=a / ext4 defaults 0 1\n"),
    ("fstab-shaped lines", _big(b"a /b%d c d 0 0\n", 10000)),
    ("headerless lists", _big(b"/a%d b c d\n", 10000)),
]


@pytest.mark.parametrize("name,data", NAMED, ids=[name for name, _ in NAMED])
def test_named_arrivals(name: str, data: bytes):
    exercise(data, formats=len(data) < 200_000)
