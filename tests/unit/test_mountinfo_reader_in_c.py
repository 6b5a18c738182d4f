"""The C reader of plain mountinfo lines (parsers/_mountinfo.c) against the
Python reader it stands in for: the same Mount, field for field, for every
line it accepts, and None (the Python reader takes over) for the others."""

from __future__ import annotations

import operator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mountscope.model import Mount, MountTable
from mountscope.model.mount import on_line
from mountscope.parsers import mountinfo, split_lines

read_in_c = mountinfo.read_plain_line


def test_the_reader_in_c_is_built():
    """The install builds it wherever a compiler is (CI's machines have one):
    without it the tests below would only test the Python reader."""
    assert read_in_c is not None


def _same(line: str, number: int = 7) -> Mount | None:
    """What the C reader gives for a line, checked against the Python reader."""
    assert read_in_c is not None
    fast = read_in_c(line, number)
    reference = mountinfo.parse_line_python(line, number)
    if fast is not None:
        assert isinstance(reference, Mount)
        assert fast == reference and repr(fast) == repr(reference) and hash(fast) == hash(reference)
        assert fast.raw_line is None and fast.raw == line
    assert mountinfo.parse_line(line, number) == reference
    return fast


def test_a_generated_table_reads_the_same_and_mostly_in_c():
    from benchmarks.generate import generate

    lines = split_lines(generate(2000, seed=3))
    fast = [_same(line, number) for number, line in enumerate(lines, 1)]
    # The generator's escaped spaces are left to Python; the rest is read in C.
    assert sum(m is None for m in fast) == sum("\\" in line for line in lines) > 0


@pytest.mark.parametrize(
    "line",
    [
        "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue",
        "1 0 8:1 / / rw - ext4 /dev/sda1 ",  # empty super options, at the end
        "1 0 8:1 / / rw shared:1 master:2 propagate_from:2 unbindable - ext4 /dev/sda1 rw",
        "22 1 0:5 /- - - - - - -",  # "-" as root, target, options, type, source
        "5 1 0:0 /\udcff /t\u00e9\U0001f600 rw - tmpfs \udc80x rw",  # every string kind, bytes that are not UTF-8
        "5 1 0:0 / /t\x00 rw - tmpfs t\x00 rw",
    ],
)
def test_plain_lines_are_read_in_c(line):
    assert _same(line) is not None


@pytest.mark.parametrize(
    "line",
    [
        "36 35 98:0 /mnt1 /mnt\\0402 rw - ext3 /dev/root rw",  # an escape
        "036 35 98:0 / / rw - ext3 /dev/root rw",  # a leading zero
        "1" * 21 + " 35 98:0 / / rw - ext3 /dev/root rw",  # longer than any mount id
        "36 " + "9" * 5000 + " 98:0 / / rw - ext3 /dev/root rw",  # past int()'s limit
        "36 \u0663 98:0 / / rw - ext3 /dev/root rw",  # another script's digit
        "36 35 98:0:1 / / rw - ext3 /dev/root rw",
        "36 35 98 / / rw - ext3 /dev/root rw",
        "36 35 98:0 /  / rw - ext3 /dev/root rw",  # a doubled space
        "36 35 98:0 / / rw  - ext3 /dev/root rw",
        "36 35 98:0 / / rw - ext3 /dev/root",  # no super options
        "36 35 98:0 / / rw - ext3 /dev/root rw,a b",  # a space in them (old CIFS)
        "36 35 98:0 / / rw - ext3  rw",  # an empty source
        "36 35 98:0 / / rw - ext3 src rw ",
        " 36 35 98:0 / / rw - ext3 src rw",
        "36 35 98:0 / / rw ext3 src rw",  # no separator
        "36 35 98:0 / / rw -",
        "",
    ],
)
def test_other_lines_are_left_to_python(line):
    assert _same(line) is None


def test_an_id_longer_than_any_mount_id_is_refused_in_one_line():
    """int() refuses thousands of digits with an error of its own: the line is
    refused first, as not a mountinfo line (neither reader takes it)."""
    line = "36 " + "9" * 5000 + " 98:0 / / rw - ext3 /dev/root rw"
    assert mountinfo.parse_line(line, 1) == "mount id or parent id longer than 20 digits"
    assert isinstance(mountinfo.parse_line("9" * 20 + " 1 98:0 / / rw - ext3 a rw", 1), Mount)


_id = st.one_of(st.integers(0, 99999).map(str), st.sampled_from(["007", "0", "\u0663"]))
_word = st.text(st.sampled_from("ab/:,=-.\\0\u00e9\udcff\U0001f600 \x00"), max_size=6)


@settings(max_examples=2000, deadline=None)
@given(
    st.tuples(_id, _id),
    st.sampled_from(["0:5", "8:17", "08:1", "1:", ":1", "1:2:3", "a:1"]),
    st.lists(_word, min_size=3, max_size=3),
    st.lists(st.sampled_from(["shared:1", "master:2", "", "unbindable", "-x"]), max_size=3),
    st.lists(_word, min_size=1, max_size=4),
)
def test_any_line_reads_the_same_in_c_and_in_python(ids, devno, head, optional, tail):
    _same(" ".join([*ids, devno, *head, *optional, "-", *tail]))


def test_without_the_module_the_tables_are_the_same(monkeypatch):
    """Where the module is not built (another Python, no compiler), the
    Python reader reads every line: whole files and single lines give the
    same tables, mount for mount."""
    from benchmarks.generate import generate
    from mountscope import parsers

    text = generate(1500, seed=9)
    chunks = [text[i : i + 4096] for i in range(0, len(text), 4096)]
    with_c = parsers.whole_mountinfo_of_chunks(chunks, "t")
    assert _read_twice(chunks) == with_c
    (parsed_with_c,) = parsers.parse_text(text, "t")
    monkeypatch.setattr(mountinfo, "read_plain_lines", None)
    one_at_a_time = parsers.whole_mountinfo_of_chunks(chunks, "t")
    monkeypatch.setattr(mountinfo, "read_plain_line", None)
    without = parsers.whole_mountinfo_of_chunks(chunks, "t")
    (parsed_without,) = parsers.parse_text(text, "t")
    assert with_c is not None and without is not None
    assert with_c.mounts == without.mounts == parsed_with_c.mounts == parsed_without.mounts
    assert with_c == one_at_a_time == without
    assert _read_twice(chunks) == without


def _read_twice(chunks: list[str]) -> MountTable | None:
    """The table of ``chunks``, read a second time as a diff's second
    capture is, its lines looked up among the first's: the same table, its
    mounts those of the first (the escaped lines too)."""
    from mountscope import parsers

    known: dict[str, Mount] = {}
    first = parsers.whole_mountinfo_of_chunks(chunks, "t", known)
    second = parsers.whole_mountinfo_of_chunks(chunks, "t", known)
    assert first is not None and second is not None and first == second
    assert all(map(operator.is_, first.mounts, second.mounts))
    return second


read_lines_in_c = mountinfo.read_plain_lines


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "36 35 98:0 /a /b rw - ext3 /dev/root rw",
                "37 36 0:5 / /c rw shared:2 - tmpfs t rw,size=1k",
                "38 36 0:5 / /d\\040e rw - tmpfs t rw",  # an escape: Python's
                "",
                "not mountinfo",
                "39 36 0:7 / /f\u00e9 rw - tmpfs \udcff rw",
            ]
        ),
        max_size=8,
    ),
    st.booleans(),
    st.integers(1, 10**6),
    st.sampled_from([None, "empty", "read before"]),
)
def test_the_lines_of_a_text_read_as_each_line_reads(lines, ended, first_number, known_kind):
    """parse_lines() reads the plain lines from a position on, each ended by a
    newline, up to the first other line: each as parse_line() reads it, and
    where that line starts. With ``known`` (the mounts of lines read before,
    by text), a line found there is that mount (on this line number) and
    each line read is added."""
    assert read_lines_in_c is not None
    text = "\n".join(lines) + ("\n" if ended and lines else "")
    before = {line: mountinfo.parse_line(line, 3) for line in lines if line.startswith("3")}
    for start in sorted({0, *(i + 1 for i, c in enumerate(text) if c == "\n")}):
        known = None if known_kind is None else {} if known_kind == "empty" else dict(before)
        mounts, stop = read_lines_in_c(text, start, first_number, known)
        expected = []
        at = start
        while (end := text.find("\n", at)) >= 0:
            line, number = text[at:end], first_number + len(expected)
            mount = _same(line, number) if known is None or line not in before else before[line]
            if mount is None or (known_kind == "empty" and _same(line, number) is None):
                break
            expected.append(mount)
            at = end + 1
        assert mounts == [on_line(m, n) for n, m in enumerate(expected, first_number)]
        assert stop == at
        assert [m.line for m in mounts] == list(range(first_number, first_number + len(mounts)))
        if known is not None:
            for mount, line in zip(mounts, text[start:stop].split("\n"), strict=False):
                assert known[line] == on_line(mount, known[line].line)
                if (
                    known_kind == "read before"
                    and line in before
                    and before[line].line == mount.line
                ):
                    assert mount is before[line]  # shared, not read again


def test_a_known_line_that_is_not_a_mount_is_left_to_python():
    assert read_lines_in_c is not None
    line = "36 35 98:0 /a /b rw - ext3 /dev/root rw"
    assert read_lines_in_c(line + "\n", 0, 1, {line: "not a mount"}) == ([], 0)


def test_parse_lines_refuses_a_start_outside_the_text():
    assert read_lines_in_c is not None
    for start in (-1, 4):
        with pytest.raises(ValueError):
            read_lines_in_c("abc", start, 1, None)
    with pytest.raises(TypeError):
        read_lines_in_c(b"abc", 0, 1, None)
    with pytest.raises(TypeError):
        read_lines_in_c("abc", 0, 1, [])
    assert read_lines_in_c("abc", 3, 1, None) == ([], 3)


def test_a_known_line_is_shared_on_its_own_number_and_copied_on_another():
    assert read_lines_in_c is not None
    line = "36 35 98:0 /a /b rw - ext3 /dev/root rw"
    read = mountinfo.parse_line(line, 1)
    (same,), _ = read_lines_in_c(line + "\n", 0, 1, {line: read})
    (moved,), _ = read_lines_in_c(line + "\n", 0, 2, {line: read})
    assert same is read
    assert moved is not read and moved == on_line(read, 2) and moved.line == 2


_option = st.sampled_from(["rw", "ro", "rw=1", "ro=x", "rwx", "a", "b=1", '"', '"x,rw"', ",", ""])


@settings(max_examples=3000, deadline=None)
@given(
    st.one_of(st.none(), st.lists(_option, max_size=6).map("".join), st.text(max_size=6)),
    st.one_of(st.none(), st.lists(_option, max_size=6).map("".join), st.text(max_size=6)),
)
def test_options_are_merged_in_c_as_the_model_merges_them(vfs, fs):
    """findmnt's OPTIONS made in C (ASCII options; any others are passed to
    the model's merge_options, the reference)."""
    from mountscope.model.mount import merge_options
    from mountscope.parsers import _mountinfo

    merged = _mountinfo.merge_options(vfs, fs)
    assert merged == merge_options.__wrapped__(vfs, fs) and type(merged) is str


def test_plain_lines_take_their_options_from_the_c_merge():
    assert read_in_c is not None
    line = "36 35 98:0 / /a rw,noatime,rw - ext3 /dev/root ro,rw=1,errors=continue"
    mount = _same(line)
    # The two first "rw" go (the second in the per-mount options), "ro" stays.
    assert mount is not None and mount.options == "rw,noatime,ro,rw=1,errors=continue"
