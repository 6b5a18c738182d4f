"""The filter's search as the app runs it: plain text terms looked for in
each mount's text made once, everything else through the one matcher, in
chunks a newer query can stop. Both paths must find the same rows."""

from __future__ import annotations

import random

import pytest

from mountscope.diff import compare
from mountscope.filter import make_matcher, matching
from mountscope.model import MountTable
from mountscope.system.loader import load
from mountscope.tui.rows import SEARCH_CHUNK, MountRows, PairRows
from mountscope.tui.tree_state import TreeState
from tests.helpers import REPO

QUERIES = [
    "kubelet",
    "KUBELET",  # case-insensitive
    "kube token",  # terms ANDed
    "pods volumes secret",
    "/dev/",
    "rw,nosuid",  # across options
    "tmpfs",
    "task ",
    "-",  # a lone dash is text, not a negation
    ":",  # so is a colon alone
    "nosuch:thing",  # not a field name: text
    "\\040",  # an escaped space as written
    "overlay\0",  # NUL never matches across two fields
    # Not plain text: the matcher decides.
    "!kubelet",
    "-tmpfs",
    "kind:bind",
    "fstype:tmpfs",
    "TARGET:/",
    "option:ro",
    "source:overlay kubelet",
]


@pytest.fixture(scope="module")
def tables(tmp_path_factory: pytest.TempPathFactory) -> tuple[MountTable, MountTable]:
    from benchmarks.generate import change, generate

    folder = tmp_path_factory.mktemp("tables")
    text = generate(SEARCH_CHUNK + 500, seed=3)  # more than one chunk
    (folder / "a.mountinfo").write_text(text)
    (folder / "b.mountinfo").write_text(change(text, 0.2))
    return load(str(folder / "a.mountinfo")), load(str(folder / "b.mountinfo"))


@pytest.fixture(scope="module")
def one(tables: tuple[MountTable, MountTable]) -> MountRows:
    return MountRows(tables[0])  # one for every query: its texts are made once


@pytest.fixture(scope="module")
def two(tables: tuple[MountTable, MountTable]) -> PairRows:
    return PairRows(compare(*tables))


@pytest.fixture(scope="module")
def two_sharing(tables: tuple[MountTable, MountTable]) -> PairRows:
    """Loaded as the app loads two captures: the lines they share are one
    mount, and B's text is not made again where B's mount is A's."""
    from mountscope.session import Session

    session = Session()
    with session.loading_together():
        a, b = (session.load(table.origin) for table in tables)
    rows = PairRows(compare(a, b))
    shared = sum(p.a is p.b for p in rows.pairs)
    assert len(rows.pairs) // 2 < shared < len(rows.pairs)
    return rows


@pytest.mark.parametrize("query", QUERIES)
def test_one_table_finds_what_the_matcher_finds(one: MountRows, query: str):
    found = one.search(query)
    assert found == matching(one.capture.mounts, query)
    if query in ("kubelet", "tmpfs", "!kubelet"):
        assert 0 < len(found) < len(one.capture.mounts)  # the queries do select


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("loaded", ["apart", "together"])
def test_two_tables_find_the_pairs_where_either_side_matches(
    two: PairRows, two_sharing: PairRows, loaded: str, query: str
):
    rows = two if loaded == "apart" else two_sharing
    matcher = make_matcher(query)
    wanted = {
        i
        for i, p in enumerate(rows.pairs)
        if (p.a is not None and matcher(p.a)) or (p.b is not None and matcher(p.b))
    }
    assert rows.search(query) == wanted


@pytest.mark.parametrize("file", ["samples/article/lambda-pattern1.txt"])
def test_the_article_table_too(file: str):
    table = load(str(REPO / file))
    for query in ("var task", "VDB", "/proc", "!loop", "kind:loop"):
        assert MountRows(table).search(query) == matching(table.mounts, query)


def test_a_search_asked_to_stop_ends_at_the_next_chunk(tables: tuple[MountTable, MountTable]):
    table = tables[0]
    rows = MountRows(table)
    looks = []

    def cancelled() -> bool:
        looks.append(True)
        return len(looks) > 1  # stop after the first chunk

    found = rows.search("a", cancelled)
    assert found and max(found) < SEARCH_CHUNK
    assert rows.search("a") == matching(table.mounts, "a")


def reference_filter(
    state: TreeState, matches: set[int]
) -> tuple[list[bool], list[bool], list[bool]]:
    """The filter's rule written plainly, over every node: a node is shown
    when it matches or a descendant does, every shown node's parent is opened,
    and the last shown child of each family is drawn with └─."""
    size = len(state.children)
    shown = [False] * size
    expanded = list(state.expanded)
    for node in reversed(state.order):  # descendants before their ancestors
        if shown[node] or node in matches:
            shown[node] = True
            up = state.parent[node]
            if up >= 0:
                shown[up] = expanded[up] = True
    last = [False] * size
    for siblings in (state.roots, *state.children):
        for kid in reversed(siblings):
            if shown[kid]:
                last[kid] = True
                break
    return shown, expanded, last


@pytest.mark.parametrize("seed", range(6))
def test_the_filtered_tree_is_what_the_plain_rule_says(one: MountRows, seed: int):
    rng = random.Random(seed)
    table = one.capture
    size = len(table.mounts)
    matches = set(rng.sample(range(size), k=[1, 3, 50, 500, size // 2, size][seed]))
    state = TreeState(table.tree.roots, table.tree.children)
    for node in rng.sample(range(size), k=size // 10):  # some folded beforehand
        state.expanded[node] = False
    want_shown, want_expanded, want_last = reference_filter(state, matches)
    state.set_filter(matches)
    assert state.shown is not None
    assert list(map(bool, state.shown)) == want_shown
    assert list(map(bool, state.expanded)) == want_expanded
    assert list(map(bool, state.last)) == want_last

    # The rows: tree order, shown, under opened ancestors only.
    def visible(node: int) -> bool:
        up = state.parent[node]
        while up >= 0:
            if not state.expanded[up]:
                return False
            up = state.parent[up]
        return want_shown[node]

    assert state.rows == [n for n in state.order if visible(n)]
    # A predicate gives the same as the set.
    again = TreeState(table.tree.roots, table.tree.children)
    again.expanded = bytearray(want_expanded)
    again.set_filter(matches.__contains__)
    assert again.shown == state.shown and again.last == state.last


def test_folding_a_node_takes_off_its_visible_descendants_filtered_or_not(one: MountRows):
    table = one.capture
    rng = random.Random(7)
    state = TreeState(table.tree.roots, table.tree.children)
    state.set_filter(set(rng.sample(range(len(table.mounts)), k=300)))
    for _ in range(40):
        row = rng.randrange(len(state.rows))
        node = state.rows[row]
        state.toggle(node)
        rebuilt = TreeState(table.tree.roots, table.tree.children)
        rebuilt.expanded, rebuilt.shown, rebuilt.last = state.expanded, state.shown, state.last
        rebuilt.rebuild()  # the rows walked from scratch
        assert state.rows == rebuilt.rows
    state.set_filter(None)
    for node in rng.sample(state.rows, k=20):
        if state.row_of(node) is not None:
            state.collapse(node)
            rebuilt = TreeState(table.tree.roots, table.tree.children)
            rebuilt.expanded = state.expanded
            rebuilt.rebuild()
            assert state.rows == rebuilt.rows
