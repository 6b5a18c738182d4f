"""Which rows of a tree are on screen: expansion, filtering, and tree art.

Plain Python (no Textual), so that it is fast and testable on its own. The
visible rows are a flat list rebuilt in one pass; expanding or collapsing a
node splices its subtree in or out, so on 50 000 mounts a key press costs
the size of the subtree, not of the table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from mountscope.render.findmnt import ART


class TreeState:
    def __init__(
        self, roots: list[int], children: list[list[int]], *, expanded: bool = True
    ) -> None:
        self.roots = roots
        self.children = children
        size = len(children)
        self.expanded = [expanded] * size
        # Nodes shown at all (a filter hides the rest); None: every node.
        self.shown: list[bool] | None = None
        self.depth = [0] * size
        self.parent = [-1] * size
        self.last = [False] * size
        self.rows: list[int] = []
        self._row_of: dict[int, int] | None = None
        # Every node in tree order, collapsed or hidden or not (built when first needed).
        self._order: list[int] | None = None
        self._position: dict[int, int] = {}
        # Bumped on every change of the visible rows (layouts cache on it).
        self.version = 0
        self.rebuild()

    # --- building ---------------------------------------------------------------

    def _kids(self, node: int) -> list[int]:
        kids = self.children[node]
        if self.shown is None:
            return kids
        shown = self.shown
        return [k for k in kids if shown[k]]

    def _walk(self, starts: Iterable[tuple[int, int, int]]) -> list[int]:
        """Visible rows below the given (node, depth, parent), depth-first, no recursion."""
        out: list[int] = []
        stack = list(reversed(list(starts)))
        depth, parent, expanded = self.depth, self.parent, self.expanded
        while stack:
            node, d, p = stack.pop()
            depth[node] = d
            parent[node] = p
            out.append(node)
            if expanded[node]:
                kids = self._kids(node)
                self._mark_last(kids)
                stack.extend((k, d + 1, node) for k in reversed(kids))
        return out

    def _mark_last(self, siblings: list[int]) -> None:
        """Which of these visible siblings is drawn with the final branch."""
        for node in siblings:
            self.last[node] = False
        if siblings:
            self.last[siblings[-1]] = True

    def rebuild(self) -> None:
        roots = [r for r in self.roots if self.shown is None or self.shown[r]]
        self._mark_last(roots)
        self.rows = self._walk((r, 0, -1) for r in roots)
        self._row_of = None
        self.version += 1

    # --- queries ------------------------------------------------------------------

    def row_of(self, node: int) -> int | None:
        if self._row_of is None:
            self._row_of = {n: i for i, n in enumerate(self.rows)}
        return self._row_of.get(node)

    def has_children(self, node: int) -> bool:
        return bool(self._kids(node))

    def next_in_order(
        self, node: int | None, forward: bool, wanted: Callable[[int], bool]
    ) -> int | None:
        """The next (or previous) wanted node in tree order, visible or not."""
        if self._order is None:
            order: list[int] = []
            stack = list(reversed(self.roots))
            while stack:
                current = stack.pop()
                order.append(current)
                stack.extend(reversed(self.children[current]))
            self._order = order
            self._position = {n: i for i, n in enumerate(order)}
        order = self._order
        start = self._position.get(node, -1) if node is not None else -1
        steps = range(start + 1, len(order)) if forward else range(start - 1, -1, -1)
        return next((order[p] for p in steps if wanted(order[p])), None)

    def art(self, node: int, ascii_only: bool = False) -> str:
        """findmnt's tree art for a visible node: ancestors' bars, then its branch."""
        d = self.depth[node]
        if d == 0:
            return ""
        bar, blank, branch, final = ART[ascii_only]
        parts = [final if self.last[node] else branch]
        up = self.parent[node]
        for _ in range(d - 1):
            parts.append(blank if self.last[up] else bar)
            up = self.parent[up]
        return "".join(reversed(parts))

    # --- changes ---------------------------------------------------------------------

    def _subtree_end(self, row: int) -> int:
        """The row just after ``row``'s visible descendants."""
        depth = self.depth[self.rows[row]]
        end = row + 1
        rows, depths = self.rows, self.depth
        while end < len(rows) and depths[rows[end]] > depth:
            end += 1
        return end

    def collapse(self, node: int) -> None:
        row = self.row_of(node)
        if not self.expanded[node]:
            return
        self.expanded[node] = False
        if row is not None:
            del self.rows[row + 1 : self._subtree_end(row)]
            self._row_of = None
            self.version += 1

    def expand(self, node: int) -> None:
        row = self.row_of(node)
        if self.expanded[node]:
            return
        self.expanded[node] = True
        if row is not None:
            kids = self._kids(node)
            if kids:
                self._mark_last(kids)
                d = self.depth[node]
                self.rows[row + 1 : row + 1] = self._walk((k, d + 1, node) for k in kids)
                self._row_of = None
                self.version += 1

    def toggle(self, node: int) -> None:
        (self.collapse if self.expanded[node] else self.expand)(node)

    def set_all(self, expanded: bool) -> None:
        self.expanded = [expanded] * len(self.children)
        self.rebuild()

    def reveal(self, node: int, parent_of: Callable[[int], int]) -> None:
        """Make a node visible: expand its ancestors (and lift a filter hiding it)."""
        if self.shown is not None and not self.shown[node]:
            self.set_filter(None)
        up = parent_of(node)
        changed = False
        while up >= 0:
            if not self.expanded[up]:
                self.expanded[up] = True
                changed = True
            up = parent_of(up)
        if changed:
            self.rebuild()

    def set_filter(
        self, matches: set[int] | None, parent_of: Callable[[int], int] = lambda _: -1
    ) -> None:
        """Show only ``matches`` and their ancestors (None: everything)."""
        if matches is None:
            self.shown = None
        else:
            shown = [False] * len(self.children)
            for node in matches:
                shown[node] = True
                up = parent_of(node)
                while up >= 0 and not shown[up]:
                    shown[up] = True
                    self.expanded[up] = True  # an ancestor of a match is opened
                    up = parent_of(up)
                if up >= 0:
                    self.expanded[up] = True
            self.shown = shown
        self.rebuild()
