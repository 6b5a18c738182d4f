"""The row models' shortcuts give what the plain way gives: the next
difference by bisection against a walk of the tree, a row found by bisection
against its place in the list, the columns measured per table against the
columns built pair by pair, and a cleared filter against the view before it."""

from __future__ import annotations

import random

import pytest

from mountscope.diff import DIFFERENT, compare
from mountscope.model import MountTable
from mountscope.system.loader import load
from mountscope.tui.rows import MountRows, PairRows, _field_value, measure
from mountscope.tui.tree_state import TreeState


@pytest.fixture(scope="module")
def tables(tmp_path_factory: pytest.TempPathFactory) -> tuple[MountTable, MountTable]:
    from benchmarks.generate import change, generate

    folder = tmp_path_factory.mktemp("tables")
    text = generate(700, seed=11)
    (folder / "a.mountinfo").write_text(text)
    (folder / "b.mountinfo").write_text(change(text, 0.2))
    return load(str(folder / "a.mountinfo")), load(str(folder / "b.mountinfo"))


@pytest.fixture(scope="module", params=[False, True], ids=["table order", "by path"])
def pairs(request: pytest.FixtureRequest, tables: tuple[MountTable, MountTable]) -> PairRows:
    return PairRows(compare(*tables, with_verdicts=False), by_path=request.param)


def test_next_difference_is_the_walks_next_difference(pairs: PairRows):
    state = pairs.state
    assert any(pairs.pairs[n].kind in DIFFERENT for n in state.order)
    for node in [None, *state.order]:
        for forward in (True, False):
            assert pairs.next_difference(node, forward) == state.next_in_order(
                node, forward, pairs.is_difference
            )
    assert pairs.first_difference() == state.next_in_order(None, True, pairs.is_difference)


def test_no_difference_at_all(tables: tuple[MountTable, MountTable]):
    same = PairRows(compare(tables[0], tables[0], with_verdicts=False))
    assert same.first_difference() is None
    assert same.next_difference(same.state.order[0], False) is None


def plain_natural(rows: PairRows) -> list[int]:
    """The columns built pair by pair, as shown, then measured."""
    columns: list[list[str]] = []
    for field, split in zip(rows.fields, rows.split(), strict=True):
        a = [_field_value(p.a, field) if p.a is not None else "" for p in rows.pairs]
        b = [_field_value(p.b, field) if p.b is not None else "" for p in rows.pairs]
        if split:
            columns += [a, b]
        else:
            columns.append([x or y for x, y in zip(a, b, strict=True)])
    targets = [p.target for p in rows.pairs]
    return measure(rows.headers, columns, rows.state.depth, targets)


def plain_split(rows: PairRows) -> list[bool]:
    return [
        any(
            _field_value(p.a, field) != _field_value(p.b, field)
            for p in rows.pairs
            if p.a is not None and p.b is not None
        )
        for field in rows.fields
    ]


def test_columns_measured_per_table_are_the_columns_of_the_pairs(pairs: PairRows):
    assert pairs.split() == plain_split(pairs)
    assert any(pairs.split()) and not all(pairs.split())  # both kinds of column
    assert pairs.natural() == plain_natural(pairs)


def test_columns_of_the_article_captures():
    from tests.helpers import ARTICLE

    a = load(str(ARTICLE / "lambda-pattern1.txt"))
    b = load(str(ARTICLE / "lambda-pattern2.txt"))
    for first, second in ((a, b), (b, a)):
        rows = PairRows(compare(first, second, with_verdicts=False))
        assert rows.split() == plain_split(rows)
        assert rows.natural() == plain_natural(rows)


def test_every_mount_is_in_one_pair_and_every_pair_has_a_parent_pair(pairs: PairRows):
    a, b = pairs.comparison.a, pairs.comparison.b
    for side, table in (("a", a), ("b", b)):
        for index, mount in enumerate(table.mounts):
            node = pairs.node_of(side, index)
            assert node is not None and getattr(pairs.pairs[node], side) is mount
    for node, pair in enumerate(pairs.pairs):
        table, side = (a, "a") if pair.a is not None else (b, "b")
        up = table.tree.parent[table.mounts.index(getattr(pair, side))]
        assert pairs.parent_list[node] == (pairs.node_of(side, up) if up >= 0 else -1)


def row_of_every_node(state: TreeState) -> None:
    where = {node: row for row, node in enumerate(state.rows)}
    for node in range(len(state.children)):
        assert state.row_of(node) == where.get(node)


def test_a_row_found_by_bisection_is_its_place_in_the_rows(tables: tuple[MountTable, MountTable]):
    rows = MountRows(tables[0])
    state = rows.state
    rng = random.Random(5)
    row_of_every_node(state)
    for _ in range(40):
        node = rng.randrange(len(state.children))
        step = rng.choice(["toggle", "collapse", "expand", "filter", "clear"])
        if step == "filter":
            state.set_filter(set(rng.sample(range(len(state.children)), 30)))
        elif step == "clear":
            state.set_filter(None)
        else:
            getattr(state, step)(node)
        row_of_every_node(state)


def test_clearing_a_filter_gives_back_the_view_before_it(tables: tuple[MountTable, MountTable]):
    rows = MountRows(tables[0])
    state = rows.state
    folded = [n for n in state.order if state.children[n]][-3:]
    for node in folded:
        state.collapse(node)
    before = list(state.rows)
    kept = state.rows
    # A filter that opens nothing: the rows before it come back as they were.
    state.set_filter(lambda n: state.depth[n] == 0)
    state.set_filter(lambda n: state.depth[n] <= 1)  # a query typed further
    state.set_filter(None)
    assert state.rows is kept and state.rows == before
    # A filter that opens a folded node: it stays open, the tree is walked again.
    inside = state.children[folded[0]][0]
    state.set_filter({inside})
    state.set_filter(None)
    assert state.expanded[folded[0]] and state.row_of(inside) is not None
    walked = TreeState(state.roots, state.children)
    walked.expanded = list(state.expanded)
    walked.rebuild()
    assert walked.rows == state.rows


def test_texts_made_in_steps_are_each_mounts_searched_text(tables: tuple[MountTable, MountTable]):
    from mountscope.filter import searched_text
    from mountscope.tui.rows import TEXTS_STEP, texts_of

    mounts = [*tables[0].mounts, None]
    pauses: list[int] = []
    texts = texts_of(mounts, lambda: pauses.append(1))
    assert texts == [searched_text(m) if m is not None else "" for m in mounts]
    assert len(pauses) == -(-len(mounts) // TEXTS_STEP)
    assert texts_of(mounts, None) == texts


def test_a_search_that_waits_for_the_texts_ends_the_workers_pauses():
    """The worker that the filter box starts pauses between its steps; once
    a search waits for the texts, it pauses no more, and both get the same
    texts, made once."""
    import threading

    from mountscope.tui.rows import SearchedTexts

    made: list[int] = []
    paused: list[int] = []

    def make(pause):  # type: ignore[no-untyped-def]
        made.append(1)
        for _ in range(50):
            if pause is not None:
                pause()
        return ["texts"]

    texts: SearchedTexts[list[str]] = SearchedTexts(make)
    searched: list[list[str]] = []
    search = threading.Thread(target=lambda: searched.append(texts.get()))

    def pause() -> None:  # the worker's: lets the search come, then waits for it
        paused.append(1)
        if len(paused) == 1:
            search.start()
            assert texts._awaited.wait(30)  # the search is waiting for the texts

    worker_got = texts.get(pause)
    search.join(30)
    assert searched == [worker_got] and searched[0] is worker_got
    assert made == [1] and paused == [1]


async def test_lines_drawn_again_from_the_view_are_the_lines_drawn_afresh():
    """The tree view keeps the lines it drew: after each key, every line it
    gives (from what it kept, or drawn again) is the line drawn from nothing."""
    from rich.segment import Segment

    from mountscope.tui.app import MountscopeApp
    from mountscope.tui.view import RowsView
    from tests.helpers import ARTICLE
    from tests.tui.test_tui import settled

    def drawn(view: RowsView) -> list[list[Segment]]:
        return [list(view.render_line(y)) for y in range(view.size.height)]

    a = load(str(ARTICLE / "lambda-pattern1.txt"))
    b = load(str(ARTICLE / "lambda-pattern2.txt"))
    for tables in ((a,), (a, b)):
        app = MountscopeApp(*tables)
        async with app.run_test(size=(120, 40)) as pilot:
            await settled(pilot)
            view = app.screen.query_one(RowsView)
            folds = (["g"], ["h"], ["l"], ["minus"], ["plus"], ["j"])
            for keys in (*folds, ["w"], ["w"], [">"], ["slash", "t", "m", "p"], ["escape"]):
                await pilot.press(*keys)
                await settled(pilot)
                kept = drawn(view)
                view._lines_for = None  # forget what was drawn
                assert kept == drawn(view), keys
