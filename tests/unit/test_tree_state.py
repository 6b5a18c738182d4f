"""TreeState on its own: which rows are visible after expanding, collapsing,
filtering and revealing, and the tree art drawn for each."""

from __future__ import annotations

from mountscope.tui.tree_state import TreeState

#   0 /
#   ├─1 /a
#   │ ├─3 /a/x
#   │ └─4 /a/y
#   │   └─6 /a/y/z
#   └─2 /b
#     └─5 /b/q
CHILDREN = [[1, 2], [3, 4], [5], [], [6], [], []]
PARENT = [-1, 0, 0, 1, 1, 2, 4]


def state() -> TreeState:
    return TreeState([0], [list(k) for k in CHILDREN])


def test_everything_is_open_at_first_in_tree_order():
    s = state()
    assert s.rows == [0, 1, 3, 4, 6, 2, 5]
    assert [s.depth[n] for n in s.rows] == [0, 1, 2, 2, 3, 1, 2]
    assert s.row_of(6) == 4 and s.row_of(2) == 5
    assert s.has_children(4) and not s.has_children(3)


def test_art_is_findmnts():
    s = state()
    assert [s.art(n) for n in s.rows] == ["", "├─", "│ ├─", "│ └─", "│   └─", "└─", "  └─"]
    assert [s.art(n, ascii_only=True) for n in s.rows] == [
        "",
        "|-",
        "| |-",
        "| `-",
        "|   `-",
        "`-",
        "  `-",
    ]


def test_collapse_and_expand_splice_the_subtree_out_and_back():
    s = state()
    version = s.version
    s.collapse(1)
    assert s.rows == [0, 1, 2, 5] and not s.expanded[1]
    assert s.version > version and s.row_of(2) == 2
    s.collapse(1)  # already collapsed: nothing changes
    assert s.rows == [0, 1, 2, 5]
    s.expand(1)
    assert s.rows == [0, 1, 3, 4, 6, 2, 5]


def test_a_node_inside_a_collapsed_subtree_keeps_its_own_state():
    s = state()
    s.collapse(4)
    s.collapse(1)
    s.expand(1)  # /a opens, /a/y stays closed
    assert s.rows == [0, 1, 3, 4, 2, 5]
    s.toggle(4)
    assert s.rows == [0, 1, 3, 4, 6, 2, 5]


def test_set_all_closes_and_opens_everything():
    s = state()
    s.set_all(False)
    assert s.rows == [0]
    s.set_all(True)
    assert s.rows == [0, 1, 3, 4, 6, 2, 5]


def test_a_filter_shows_the_matches_and_their_ancestors_with_redrawn_branches():
    s = state()
    s.set_all(False)
    s.set_filter({6}, PARENT.__getitem__)
    assert s.rows == [0, 1, 4, 6]  # the ancestors of a match are opened
    # /a is now the last visible child of /, so it gets the final branch.
    assert [s.art(n) for n in s.rows] == ["", "└─", "  └─", "    └─"]
    assert not s.has_children(2)
    s.set_filter(None)
    assert s.rows == [0, 1, 3, 4, 6, 2]  # what the filter opened stays open; /b stays closed


def test_an_empty_filter_shows_nothing():
    s = state()
    s.set_filter(set(), PARENT.__getitem__)
    assert s.rows == []
    assert s.row_of(0) is None


def test_reveal_opens_the_ancestors_and_lifts_a_filter_that_hides_the_node():
    s = state()
    s.set_all(False)
    s.reveal(6, PARENT.__getitem__)
    assert s.row_of(6) is not None and s.rows == [0, 1, 3, 4, 6, 2]
    s.set_filter({5}, PARENT.__getitem__)
    assert s.row_of(3) is None
    s.reveal(3, PARENT.__getitem__)
    assert s.shown is None and s.row_of(3) is not None


def test_next_in_order_walks_hidden_and_collapsed_nodes_too():
    s = state()
    s.set_all(False)
    wanted = {3, 5}.__contains__
    assert s.next_in_order(None, True, wanted) == 3
    assert s.next_in_order(3, True, wanted) == 5
    assert s.next_in_order(5, True, wanted) is None
    assert s.next_in_order(5, False, wanted) == 3
    assert s.next_in_order(None, False, wanted) is None


def test_several_roots_and_orphans_are_drawn_at_depth_zero():
    s = TreeState([0, 2], [[1], [], []])
    assert s.rows == [0, 1, 2]
    assert [s.art(n) for n in s.rows] == ["", "└─", ""]


def test_a_deep_chain_needs_no_recursion():
    depth = 20_000
    children = [[n + 1] for n in range(depth - 1)] + [[]]
    s = TreeState([0], children)
    assert len(s.rows) == depth and s.depth[depth - 1] == depth - 1
    s.collapse(0)
    assert s.rows == [0]
    s.reveal(depth - 1, lambda n: n - 1)
    assert len(s.rows) == depth
