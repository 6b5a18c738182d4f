"""The C writer of findmnt -J's rows (mountscope/render/_json_rows.c)
against its Python version: the same bytes for a batch of plain cells, None
for a batch with any other cell, and the same errors for wrong arguments."""

from __future__ import annotations

from operator import itemgetter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mountscope.render import findmnt

python_rows = findmnt._json_rows_python


def test_the_writer_in_c_is_built():
    """The install builds it wherever a compiler is (CI's machines have one)."""
    assert findmnt._json_rows is not python_rows


c_rows = findmnt._json_rows

_cell = st.one_of(
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=40),
    st.text(max_size=8),  # any character: quotes, backslashes, controls, surrogates
    st.sampled_from(['a"b', "a\\b", "a\x7fb", "a\x1fb", "caf\u00e9", "", None, 7]),
)


@settings(max_examples=500, deadline=None)
@given(
    st.lists(st.lists(_cell, min_size=2, max_size=2), max_size=12),
    st.data(),
)
def test_a_batch_is_written_as_the_python_version_writes_it(table, data):
    getters = (itemgetter(0), itemgetter(1))
    keys = ('{"target":"', '","source":"')
    before = ["\n", *([",\n"] * (len(table) - 1))] if table else []
    after = [data.draw(st.sampled_from(["}", ', "children": [', "}\n]}\n]}"])) for _ in table]
    start = data.draw(st.integers(0, len(table)))
    stop = data.draw(st.integers(start, len(table)))
    fast = c_rows(table, getters, keys, before, after, start, stop)
    assert fast == python_rows(table, getters, keys, before, after, start, stop)
    cells = [cell for row in table[start:stop] for cell in row]
    plain = all(isinstance(c, str) and c and findmnt._json_cells([c]) for c in cells)
    assert (fast is not None) == plain


def test_a_plain_batch_is_each_row_between_its_pieces():
    rows = [["/", "/dev/sda1"], ["/a b", "t"], ["/c", "u"]]
    written = c_rows(
        rows, (itemgetter(0), itemgetter(1)), ('{"k":"', '","s":"'), ["\n", ",\n", ",\n"],
        ["}", "}", "}"], 1, 3,
    )  # fmt: skip
    assert written == b',\n{"k":"/a b","s":"t"},\n{"k":"/c","s":"u"}'


def test_a_getter_that_fails_fails_the_batch():
    def broken(row: object) -> str:
        raise KeyError("cell")

    with pytest.raises(KeyError, match="cell"):
        c_rows([["x"]], (broken,), ('{"k":"',), ["\n"], ["}"], 0, 1)


@pytest.mark.parametrize(
    "args",
    [
        ([["x"]], (itemgetter(0),), ('{"k":"', "x"), ["\n"], ["}"], 0, 1),  # a key too many
        ([["x"]], (itemgetter(0),), ('{"k":"',), ["\n"], ["}"], 0, 2),  # past the rows
        ([["x"]], (itemgetter(0),), ('{"k":"',), ["\n"], ["}"], 1, 0),  # stop before start
        ([["x"]], (itemgetter(0),), ('{"k":"',), ["\n"], ["}"], -1, 1),
        ([["x"]], (), (), ["\n"], ["}"], 0, 1),  # no column
    ],
)
def test_arguments_out_of_range_are_refused(args):
    with pytest.raises(ValueError):
        c_rows(*args)


@pytest.mark.parametrize(
    "args",
    [
        ([["x"]], (itemgetter(0),), ('{"k":"',), [], ["}"], 0, 1),  # no before for the row
        ([["x"]], (itemgetter(0),), ('{"k":"',), ["\n"], [], 0, 1),
    ],
)
def test_pieces_missing_for_a_row_are_refused(args):
    with pytest.raises(IndexError):
        c_rows(*args)


@pytest.mark.parametrize(
    "args",
    [
        ([["x"]], (itemgetter(0),), ('{"k\u00e9":"',), ["\n"], ["}"], 0, 1),  # not ASCII
        ([["x"]], (itemgetter(0),), ('{"k":"',), [b"\n"], ["}"], 0, 1),  # not str
        ((["x"],), (itemgetter(0),), ('{"k":"',), ["\n"], ["}"], 0, 1),  # rows not a list
        ([["x"]], (itemgetter(0),), ('{"k":"',), ["\n"], ["}"], 0),
    ],
)
def test_arguments_of_the_wrong_kind_are_refused(args):
    with pytest.raises(TypeError):
        c_rows(*args)
