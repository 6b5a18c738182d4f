"""Which rows of a tree are on screen: expansion, filtering, and tree art.

Plain Python (no Textual), so that it is fast and testable on its own. The
visible rows are a flat list rebuilt in one pass; expanding or collapsing a
node splices its subtree in or out, so on 50 000 mounts a key press costs
the size of the subtree, not of the table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

ART = {False: ("│ ", "  ", "├─", "└─"), True: ("| ", "  ", "|-", "`-")}


class TreeState:
    def __init__(self, roots: list[int], children: list[list[int]], *, expanded: bool = True) -> None:
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
                if kids:
                    for kid in kids:
                        self.last[kid] = False
                    self.last[kids[-1]] = True
                    stack.extend((k, d + 1, node) for k in reversed(kids))
        return out

    def rebuild(self) -> None:
        roots = [r for r in self.roots if self.shown is None or self.shown[r]]
        for r in roots:
            self.last[r] = False
        if roots:
            self.last[roots[-1]] = True
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
                for kid in kids:
                    self.last[kid] = False
                self.last[kids[-1]] = True
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

    def set_filter(self, matches: set[int] | None, parent_of: Callable[[int], int] = lambda _: -1) -> None:
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
