"""Property: any model written out as mountinfo parses back to the same model.

Paths, sources and options are arbitrary bytes (invalid UTF-8 and control
characters included), held as text with surrogateescape.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mountscope.model import Mount, MountTable, merge_options
from mountscope.parsers import mountinfo, parse_text, split_lines


def _text(min_size: int = 0, exclude: bytes = b"") -> st.SearchStrategy[str]:
    assert not (min_size and exclude)  # deleting bytes could go under the minimum
    return st.binary(min_size=min_size, max_size=40).map(
        lambda data: data.translate(None, exclude).decode("utf-8", "surrogateescape")
    )


_tag = st.one_of(
    st.integers(1, 9999).map(lambda n: f"shared:{n}"),
    st.integers(1, 9999).map(lambda n: f"master:{n}"),
    st.integers(1, 9999).map(lambda n: f"propagate_from:{n}"),
    st.just("unbindable"),
)

mounts = st.builds(
    Mount,
    target=_text(1).map(lambda t: "/" + t),
    source=_text(),
    fstype=_text(1),
    # libmount (and mountscope) strip a carriage return at the end of a line.
    vfs_options=_text(1),
    fs_options=_text(exclude=b"\r"),
    fsroot=_text().map(lambda t: "/" + t),
    mount_id=st.integers(0, 2**31 - 1),
    parent_id=st.integers(0, 2**31 - 1),
    devno=st.tuples(st.integers(0, 4095), st.integers(0, 2**20)).map(lambda p: f"{p[0]}:{p[1]}"),
    optional_fields=st.lists(_tag, max_size=3).map(" ".join),
)

FIELDS = (
    "target",
    "source",
    "fstype",
    "vfs_options",
    "fs_options",
    "fsroot",
    "mount_id",
    "parent_id",
    "devno",
    "optional_fields",
)


def key(m: Mount) -> tuple:
    return tuple(getattr(m, f) for f in FIELDS)


@settings(max_examples=400, deadline=None)
@given(st.lists(mounts, min_size=1, max_size=8))
def test_model_written_as_mountinfo_parses_back(table: list[Mount]):
    text = "\n".join(mountinfo.format_line(m) for m in table) + "\n"
    assert len(split_lines(text)) == len(table)  # escaping kept every mount on one line
    (capture,) = parse_text(text, "generated", "mountinfo")
    assert not capture.warnings
    assert [key(m) for m in capture.mounts] == [key(m) for m in table]


@settings(max_examples=200, deadline=None)
@given(st.lists(mounts, min_size=1, max_size=8))
def test_detection_finds_mountinfo_without_being_told(table: list[Mount]):
    text = "\n".join(mountinfo.format_line(m) for m in table) + "\n"
    (capture,) = parse_text(text, "generated")
    assert capture.format == "mountinfo"
    assert [key(m) for m in capture.mounts] == [key(m) for m in table]


def test_a_mountinfo_line_makes_the_mount_its_constructor_would():
    """parse_line builds its Mount slot by slot (mountinfo_mount); it must be
    the Mount the record's own constructor makes of the same fields, every
    other field at its default, however the fields are ordered."""
    from benchmarks.generate import generate

    text = generate(400, seed=11) + "77 1 0:50 / /with\\040space rw,nosuid - tmpfs my\\040src rw\n"
    for number, line in enumerate(split_lines(text), 1):
        built = mountinfo.parse_line(line, number)
        assert isinstance(built, Mount)
        fields = mountinfo.fields_of(line)
        assert not isinstance(fields, str)
        id_text, parent_text, devno, root, target, vfs, optional, fstype, source, fs = fields
        expected = Mount(
            target=target,
            source=source,
            fstype=fstype,
            options=merge_options(vfs, fs),
            vfs_options=vfs,
            fs_options=fs,
            fsroot=root,
            mount_id=int(id_text),
            parent_id=int(parent_text),
            devno=devno,
            optional_fields=optional,
            line=number,
            # Kept only when the fields do not write the line back (an escape here).
            raw_line=line if "\\" in line else None,
        )
        assert built == expected and repr(built) == repr(expected)
        assert hash(built) == hash(expected)
        assert built.raw == line


# Lines that read as mountinfo, some of which the fields do not write back:
# doubled spaces, no super options, ids with leading zeros or in other
# digits, escapes, spaces in the super options.
_id = st.one_of(st.integers(0, 99999).map(str), st.sampled_from(["007", "0", "\u0663", "1\u0663"]))
_word = st.text(st.sampled_from("ab/:,=-.\\0\u00e9 "), max_size=6)


@settings(max_examples=1000, deadline=None)
@given(
    st.tuples(_id, _id),
    st.lists(_word, min_size=4, max_size=4),
    st.lists(st.sampled_from(["shared:1", "master:2", "", "unbindable"]), max_size=3),
    st.lists(_word, min_size=2, max_size=4),
)
def test_a_mountinfo_mount_gives_back_the_line_it_was_read_from(ids, head, optional, tail):
    line = " ".join([*ids, "0:5", *head[:3], *optional, "-", *tail])
    mount = mountinfo.parse_line(line, 1)
    if isinstance(mount, Mount):
        assert mount.raw == line
        assert mount.raw_line is None or mount.raw_line == line


def test_mountinfo_keeps_each_repeated_value_once():
    """The values lines repeat (types, sources, per-mount and super options,
    parent ids) are one object each, within a table and across tables (the
    two captures of a diff), and the mounts are what the values make."""
    from benchmarks.generate import change, generate

    text = generate(400, seed=11)
    lines = split_lines(text)
    table = mountinfo.parse(lines, 1, "t")
    other = mountinfo.parse(split_lines(change(text, 0.2)), 1, "u")
    for name in ("fstype", "source", "vfs_options", "fs_options", "parent_id"):
        values = [getattr(m, name) for m in table.mounts]
        assert len({id(v) for v in values}) == len(set(values)) < len(values) / 2, name
        both = [*values, *(getattr(m, name) for m in other.mounts)]
        assert len({id(v) for v in both}) == len(set(both)), name
    for mount, line in zip(table.mounts, lines, strict=True):
        fields = mountinfo.fields_of(line)
        assert not isinstance(fields, str)
        assert (mount.fstype, mount.source, mount.vfs_options, mount.fs_options) == (
            fields[7],
            fields[8],
            fields[5],
            fields[9],
        )
        assert mount.parent_id == int(fields[1])


def test_a_whole_mountinfo_text_is_kept_once_and_given_back_as_it_came():
    """A text that is nothing but its mounts' lines is kept in those lines,
    not a second time whole; any other text (CRLF, a blank line, no final
    newline, a byte order mark) is kept whole. Either way text() is the input."""
    from benchmarks.generate import generate

    text = generate(300, seed=5)
    (table,) = parse_text(text, "t")
    assert table.text_is_lines and table.raw_text is None and table.text() == text
    for other in (
        text.replace("\n", "\r\n"),
        text[:-1],
        text + "\n",
        text.replace("\n", "\n\n", 1),
        "\ufeff" + text,
    ):
        (table,) = parse_text(other, "t")
        assert not table.text_is_lines and table.text() == other


def _both_paths(text: str) -> None:
    """A text the whole-mountinfo path reads gives the table the general path
    (prefix search, then detection) gives, and the prefix search finds none."""
    from mountscope import parsers
    from mountscope.parsers import prefixes

    for whole in (text, text[:-1]):  # with and without its final newline
        fast = parsers.whole_mountinfo(whole, 1, "t")
        (general,) = parsers._parse_unprefixed(whole, "t", None, 1)
        assert prefixes.strip(split_lines(whole))[1] == []
        if "\r" in whole:  # left to the general path (split_lines strips some)
            assert fast is None
            continue
        # The text kept as its lines exactly when comparing them would say so.
        assert fast is not None
        assert (fast if fast.text_is_lines else fast.with_text(whole)) == general.with_text(whole)
        assert fast.text_is_lines == (general.with_text(whole).raw_text is None)


@settings(max_examples=200, deadline=None)
@given(st.lists(mounts, min_size=1, max_size=8), st.sampled_from(["", "\n", "\n\n", "  \n"]))
def test_a_whole_mountinfo_text_reads_as_the_general_path_reads_it(table: list[Mount], gap: str):
    lines = [mountinfo.format_line(m) for m in table]
    _both_paths(gap.join(f"{line}\n" for line in lines))


def test_texts_the_whole_mountinfo_path_leaves_to_the_general_one():
    """A bad line, a glued prompt or a log prefix: not read at once."""
    from benchmarks.generate import generate
    from mountscope import parsers

    text = generate(50, seed=3)
    _both_paths(text)
    lines = split_lines(text)
    for other in (
        [*lines, "not a mount"],
        ["$ " + lines[0], *lines[1:]],
        [f"2024-05-01T12:00:00Z {line}" for line in lines],
    ):
        assert parsers.whole_mountinfo("\n".join(other) + "\n", 1, "t") is None
        assert parse_text("\n".join(other) + "\n", "t")[0].mounts


def _load_both_ways(path: Path) -> tuple[list[MountTable] | str, list[MountTable] | str]:
    """load_all() of a file read a few bytes at a time (when it streams) and
    the same file read whole the usual way (or the error each gives)."""
    from mountscope.errors import MountscopeError
    from mountscope.system import loader

    def load() -> list[MountTable] | str:
        try:
            return loader.load_all(str(path))
        except MountscopeError as error:
            return str(error)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(loader, "CHUNK", 7)  # lines, and UTF-8 characters, split across reads
        patch.setattr(loader, "STREAM_FROM", 1)
        streamed = load()
        patch.setattr(loader, "STREAM_FROM", 1 << 62)  # never: the whole text at once
        whole = load()
    return streamed, whole


@settings(max_examples=150, deadline=None)
@given(
    st.lists(mounts, min_size=1, max_size=6),
    st.sampled_from(["", "\n", "  \n", "\r"]),
    st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff"]),
    st.booleans(),
)
def test_a_large_mountinfo_file_read_a_chunk_at_a_time_reads_as_the_whole_text(
    tmp_path_factory: pytest.TempPathFactory,
    table: list[Mount],
    gap: str,
    head: bytes,
    final_newline: bool,
) -> None:
    """A file read and parsed a chunk at a time (so that its text never
    exists whole beside its table) gives the table and the text that reading
    it whole gives; anything out of the ordinary (a blank line, a carriage
    return, a byte order mark, bytes that are not UTF-8, no final newline)
    is read the usual way, with the same result."""
    lines = [mountinfo.format_line(m) for m in table]
    data = head + gap.join(f"{line}\n" for line in lines).encode("utf-8", "surrogateescape")
    path = tmp_path_factory.mktemp("streamed") / "mountinfo"
    path.write_bytes(data if final_newline else data.rstrip(b"\n"))
    streamed, whole = _load_both_ways(path)
    assert streamed == whole
    if not isinstance(streamed, str) and not isinstance(whole, str):
        assert [t.text() for t in streamed] == [t.text() for t in whole]


def test_a_large_generated_table_streams_and_keeps_its_text_as_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from benchmarks.generate import generate
    from mountscope.system import loader

    text = generate(2000, seed=11)
    path = tmp_path / "node.mountinfo"
    path.write_text(text)
    monkeypatch.setattr(loader, "STREAM_FROM", 1)
    assert loader._streamed_mountinfo(str(path), loader.Limits()) is not None
    streamed, whole = _load_both_ways(path)
    assert not isinstance(streamed, str) and streamed == whole
    assert streamed[0].text_is_lines and streamed[0].text() == text
    # Past a limit, it is left to the usual way, which refuses it and says why.
    assert loader._streamed_mountinfo(str(path), loader.Limits(max_lines=100)) is None


@settings(max_examples=150, deadline=None)
@given(st.lists(mounts, min_size=1, max_size=6), st.data())
def test_captures_loaded_together_read_as_each_read_alone(
    tmp_path_factory: pytest.TempPathFactory, table: list[Mount], data: st.DataObject
) -> None:
    """Two files loaded together (a diff's two sides) share the mounts of the
    lines they have in common, and each reads as it reads alone: B repeats
    some of A's lines, at the same numbers or others, between new ones."""
    from mountscope.session import Session
    from mountscope.system import loader

    a_lines = [mountinfo.format_line(m) for m in table]
    new_lines = [mountinfo.format_line(m) for m in data.draw(st.lists(mounts, max_size=3))]
    b_lines = data.draw(st.lists(st.sampled_from(a_lines + new_lines), min_size=1, max_size=8))
    folder = tmp_path_factory.mktemp("together")
    for name, lines in (("a", a_lines), ("b", b_lines)):
        text = "".join(f"{line}\n" for line in lines)
        (folder / name).write_bytes(text.encode("utf-8", "surrogateescape"))
    session = Session()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(loader, "STREAM_FROM", 1)  # (these small files too)
        with session.loading_together():
            a = session.load(str(folder / "a"))
            b = session.load(str(folder / "b"))
        assert session._known_lines is None  # the lines are not held past the block
        assert a == session.load(str(folder / "a"))
        assert b == session.load(str(folder / "b"))
    # Where B has one of A's lines at A's line number, it holds A's mount
    # itself (a file with a carriage return is read the usual way, alone).
    if not any("\r" in line for line in a_lines + b_lines):
        for number, line in enumerate(b_lines):
            if a_lines.count(line) == 1 and a_lines.index(line) == number:
                assert b.mounts[number] is a.mounts[number]
