"""Which rows of a tree are on screen: expansion, filtering, and tree art.

Plain Python (no Textual), so that it is fast and testable on its own. The
shape of the tree (every node's depth, parent, place in tree order and
where its subtree ends) is computed once; the visible rows are then found by
walking tree order and jumping over collapsed or hidden subtrees, so a key
costs the rows it puts on or takes off the screen, not the size of the
table. Expanding everything with no filter is a copy of the tree order.

A node's flags (expanded, shown, drawn last) are bytes in a bytearray, not
lists of bools: a bytearray holds no Python objects, so the cyclic
collector never walks it. A filter at 50 000 mounts made four lists of
50 000 items, and the collections that the next frame's allocations set
off walked them all (5-7 ms in a frame of 20-30 ms).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence

from mountscope.render.findmnt import ART


class TreeState:
    def __init__(
        self, roots: Sequence[int], children: Sequence[Sequence[int]], *, expanded: bool = True
    ) -> None:
        self.roots = list(roots)
        self.children = children
        size = len(children)
        self.expanded = _flags(size, expanded)
        # Nodes shown at all (a filter hides the rest); None: every node.
        self.shown: bytearray | None = None
        # The tree's shape, once: depth-first order, and for each node its
        # depth, parent, position in that order and the position just past
        # its subtree.
        self.depth = [0] * size
        self.parent = [-1] * size
        self.order: list[int] = []
        self.position = [0] * size
        self.end = [0] * size
        self._shape()
        # Whether a node is the last of its siblings (drawn with └─), with
        # every node shown; with a filter, among the siblings shown.
        self._last_all = _flags(size, False)
        for siblings in (self.roots, *children):
            if siblings:
                self._last_all[siblings[-1]] = True
        self.last = self._last_all
        self.rows: list[int] = []
        # The view before a filter (expansion and rows): when the filter is
        # cleared with the expansion as it was (the filter opened nothing),
        # its rows are the rows before it, and the tree is not walked again.
        self._unfiltered: tuple[bytearray, list[int]] | None = None
        # Bumped on every change of the visible rows.
        self.version = 0
        self.rebuild()

    def _shape(self) -> None:
        order, depth, parent, children = self.order, self.depth, self.parent, self.children
        position = self.position
        seen = [False] * len(children)
        stack = self.roots[::-1]
        while stack:
            node = stack.pop()
            if seen[node]:
                continue  # a malformed tree reaching a node twice: shown once
            seen[node] = True
            position[node] = len(order)
            order.append(node)
            kids = children[node]
            if kids:
                below = depth[node] + 1
                for kid in kids:
                    if not seen[kid]:
                        depth[kid] = below
                        parent[kid] = node
                stack.extend(reversed(kids))
        # A subtree ends where the next node at its depth or shallower starts.
        end = len(order)
        pending: list[int] = []  # nodes whose subtree is still open, deepest last
        for pos, node in enumerate(order):
            while pending and depth[pending[-1]] >= depth[node]:
                self.end[pending.pop()] = pos
            pending.append(node)
        for node in pending:
            self.end[node] = end

    # --- building ---------------------------------------------------------------

    def _walk(self, start: int, stop: int) -> list[int]:
        """The visible rows among tree-order positions [start, stop)."""
        order, end, expanded, shown = self.order, self.end, self.expanded, self.shown
        out: list[int] = []
        pos = start
        while pos < stop:
            node = order[pos]
            if shown is not None and not shown[node]:
                pos = end[node]
                continue
            out.append(node)
            pos = pos + 1 if expanded[node] else end[node]
        return out

    def rebuild(self) -> None:
        if self.shown is None and 0 not in self.expanded:  # every node open
            self.rows = list(self.order)
        else:
            self.rows = self._walk(0, len(self.order))
        self._changed()

    def _changed(self) -> None:
        self.version += 1

    # --- queries ------------------------------------------------------------------

    def row_of(self, node: int) -> int | None:
        """The row showing ``node``, or None: rows are in tree order, so it
        is found by bisection on their positions (no index to rebuild)."""
        rows, position = self.rows, self.position
        row = bisect_left(rows, position[node], key=position.__getitem__)
        return row if row < len(rows) and rows[row] == node else None

    def has_children(self, node: int) -> bool:
        kids = self.children[node]
        if self.shown is None:
            return bool(kids)
        shown = self.shown
        return any(shown[k] for k in kids)

    def next_in_order(
        self, node: int | None, forward: bool, wanted: Callable[[int], bool]
    ) -> int | None:
        """The next (or previous) wanted node in tree order, visible or not."""
        order = self.order
        start = self.position[node] if node is not None else -1
        steps = range(start + 1, len(order)) if forward else range(start - 1, -1, -1)
        return next((order[p] for p in steps if wanted(order[p])), None)

    def art(self, node: int, ascii_only: bool = False) -> str:
        """findmnt's tree art for a visible node: ancestors' bars, then its branch."""
        d = self.depth[node]
        if d == 0:
            return ""
        bar, blank, branch, final = ART[ascii_only]
        last = self.last
        parts = [final if last[node] else branch]
        up = self.parent[node]
        for _ in range(d - 1):
            parts.append(blank if last[up] else bar)
            up = self.parent[up]
        return "".join(reversed(parts))

    # --- changes ---------------------------------------------------------------------

    def _subtree_end(self, row: int) -> int:
        """The row just after ``row``'s visible descendants: rows are in tree
        order, so it is the first row at or past the subtree's end, found by
        bisection."""
        end = self.end[self.rows[row]]
        return bisect_left(self.rows, end, lo=row + 1, key=self.position.__getitem__)

    def collapse(self, node: int) -> None:
        if not self.expanded[node]:
            return
        row = self.row_of(node)
        self.expanded[node] = False
        if row is not None:
            del self.rows[row + 1 : self._subtree_end(row)]
            self._changed()

    def expand(self, node: int) -> None:
        if self.expanded[node]:
            return
        row = self.row_of(node)
        self.expanded[node] = True
        if row is not None:
            below = self._walk(self.position[node] + 1, self.end[node])
            if below:
                self.rows[row + 1 : row + 1] = below
                self._changed()

    def toggle(self, node: int) -> None:
        (self.collapse if self.expanded[node] else self.expand)(node)

    def set_all(self, expanded: bool) -> None:
        self.expanded = _flags(len(self.children), expanded)
        self.rebuild()

    def reveal(self, node: int, parent_of: Callable[[int], int] | None = None) -> None:
        """Make a node visible: expand its ancestors (and lift a filter hiding it)."""
        if self.shown is not None and not self.shown[node]:
            self.set_filter(None)
        up = self.parent[node]
        changed = False
        while up >= 0:
            if not self.expanded[up]:
                self.expanded[up] = True
                changed = True
            up = self.parent[up]
        if changed:
            self.rebuild()

    def set_filter(
        self,
        matches: Callable[[int], bool] | set[int] | None,
        parent_of: Callable[[int], int] | None = None,
    ) -> None:
        """Show only the nodes ``matches`` takes (a predicate or a set) and
        their ancestors, opened; None: everything (what the filter opened
        stays open)."""
        if matches is None:
            before, self._unfiltered = self._unfiltered, None
            self.shown = None
            self.last = self._last_all
            if before is not None and before[0] == self.expanded:
                self.rows = before[1]
                self._changed()
            else:
                self.rebuild()
            return
        if self.shown is None:
            self._unfiltered = (self.expanded[:], self.rows)
        size = len(self.children)
        found = matches if isinstance(matches, set) else filter(matches, range(size))
        shown = _flags(size, False)
        parent, expanded, position = self.parent, self.expanded, self.position
        # Each match lights its ancestors, opened, up to the first one lit
        # already (whose own ancestors are lit): the work is the rows shown,
        # not the table.
        lit: list[int] = []
        for node in found:
            if shown[node]:
                continue
            shown[node] = True
            lit.append(node)
            up = parent[node]
            while up >= 0:
                expanded[up] = True
                if shown[up]:
                    break
                shown[up] = True
                lit.append(up)
                up = parent[up]
        # The last of each family's shown children (of the roots at -1) is
        # drawn with └─.
        final: dict[int, int] = {}
        for node in lit:
            up = parent[node]
            other = final.get(up)
            if other is None or position[node] > position[other]:
                final[up] = node
        last = _flags(size, False)
        for node in final.values():
            last[node] = True
        self.shown, self.last = shown, last
        self.rebuild()


def _flags(size: int, value: bool) -> bytearray:
    """``size`` flags, each ``value`` (1 or 0)."""
    return bytearray(b"\x01" * size) if value else bytearray(size)
