"""What each row of the tree view shows: one capture, or two side by side.

A row model owns a TreeState (which nodes are visible) and turns a node into
one line of rich ``Text`` for a given width. Every string from a capture goes
through ``safe()`` and is appended as plain text with a style, never parsed
as markup: ``/dev/vdb[/opt/...]`` stays literal.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.style import Style
from rich.text import Text

from mountscope.diff import DIFFERENT, Comparison, Pair
from mountscope.filter import make_matcher, matching
from mountscope.model import Mount, MountTable
from mountscope.render.report import DIFF_MARK
from mountscope.text import safe, width
from mountscope.tui.tree_state import TreeState

ELLIPSIS = "…"
# Style names; the view maps them to its component classes (app.tcss).
KIND_STYLE = {
    "loop": "loop",
    "virtio": "virtio",
    "xen": "disk",
    "nvme": "disk",
    "scsi": "disk",
    "dm": "disk",
    "overlay": "overlay",
    "tmpfs": "tmpfs",
    "pseudo": "pseudo",
    "network": "network",
    "fuse": "network",
    "none": "pseudo",
    "other": "",
}
LEGEND = (
    ("loop", "loop device"),
    ("virtio", "virtio disk"),
    ("disk", "other disk"),
    ("bind", "[bind root]"),
    ("overlay", "overlay"),
    ("tmpfs", "tmpfs"),
    ("pseudo", "pseudo"),
    ("network", "network/fuse"),
)


def fit(text: str, cells: int, middle: bool = False) -> str:
    """``text`` in exactly ``cells`` display columns: padded, or cut with an
    ellipsis (in the middle when ``middle``, keeping both ends visible)."""
    w = width(text)
    if w <= cells:
        return text + " " * (cells - w)
    if cells <= 1:
        return ELLIPSIS[:cells]
    if middle:
        head = _take(text, (cells - 1) // 2)
        tail = _take_end(text, cells - 1 - width(head))
        return head + ELLIPSIS + tail
    head = _take(text, cells - 1)
    return head + ELLIPSIS + " " * (cells - 1 - width(head))


def _take(text: str, cells: int) -> str:
    out, used = [], 0
    for char in text:
        w = width(char)
        if used + w > cells:
            break
        out.append(char)
        used += w
    return "".join(out)


def _take_end(text: str, cells: int) -> str:
    return _take(text[::-1], cells)[::-1]


@dataclass
class Columns:
    """Column widths for the current view width."""

    target: int
    source: int
    fstype: int
    options: int


class MountRows:
    """One capture as findmnt's tree: TARGET, SOURCE, FSTYPE, OPTIONS."""

    pair_mode = False

    def __init__(self, capture: MountTable) -> None:
        self.capture = capture
        tree = capture.tree
        self.state = TreeState(tree.roots, tree.children)
        self.parent_of = tree.parent.__getitem__
        self.has_fstype = "fstype" in capture.fields
        self.has_options = "options" in capture.fields
        self._target: list[str | None] = [None] * len(capture.mounts)
        self._source: list[str | None] = [None] * len(capture.mounts)
        self.changed: set[int] = set()
        self.matches: set[int] = set()
        self._layout_key: tuple[int, int] | None = None
        self._columns = Columns(20, 20, 0, 0)

    def __len__(self) -> int:
        return len(self.capture.mounts)

    def target_text(self, node: int) -> str:
        text = self._target[node]
        if text is None:
            text = self._target[node] = safe(self.capture.mounts[node].target)
        return text

    def source_text(self, node: int) -> str:
        text = self._source[node]
        if text is None:
            text = self._source[node] = safe(self.capture.mounts[node].display_source)
        return text

    def columns(self, view_width: int) -> Columns:
        key = (view_width, self.state.version)
        if key == self._layout_key:
            return self._columns
        rows, depth = self.state.rows, self.state.depth
        mounts = self.capture.mounts
        target = max((2 * depth[n] + 1 + width(self.target_text(n)) for n in rows), default=6)
        source = max((width(self.source_text(n)) for n in rows), default=6)
        fstype = max((width(mounts[n].fstype) for n in rows), default=6) if self.has_fstype else 0
        target, source, fstype = (
            max(target, 6),
            max(source, 6),
            max(fstype, 6) if self.has_fstype else 0,
        )
        room = view_width - 2 - 1 - (fstype + 1 if fstype else 0) - (1 if self.has_options else 0)
        if target + source > room:
            # Cut TARGET and SOURCE in the middle (both ends matter), keeping room for options.
            options_room = 14 if self.has_options else 0
            target = min(target, max(16, (room - options_room) * 45 // 100))
            source = min(source, max(12, room - options_room - target))
        options = max(0, room - target - source) if self.has_options else 0
        self._columns = Columns(target, source, min(fstype, 10), options)
        self._layout_key = key
        return self._columns

    def header(self, view_width: int) -> Text:
        c = self.columns(view_width)
        parts = ["  ", fit("TARGET", c.target), " ", fit("SOURCE", c.source)]
        if c.fstype:
            parts += [" ", fit("FSTYPE", c.fstype)]
        if self.has_options:
            parts += [" ", "OPTIONS"]
        return Text("".join(parts))

    def render(self, node: int, view_width: int, style: StyleMap, ascii_only: bool = False) -> Text:
        c = self.columns(view_width)
        mount = self.capture.mounts[node]
        state = self.state
        line = Text(no_wrap=True, end="")
        line.append("● " if node in self.changed else "  ", style("changed-live"))
        collapsed = not state.expanded[node] and state.has_children(node)
        target = state.art(node, ascii_only) + ("▸" if collapsed else "") + self.target_text(node)
        line.append(
            fit(target, c.target, middle=True), style("match") if node in self.matches else None
        )
        line.append(" ")
        append_source(line, mount, self.source_text(node), c.source, style)
        if c.fstype:
            line.append(" ")
            line.append(fit(safe(mount.fstype), c.fstype))
        if self.has_options:
            line.append(" ")
            line.append(fit(safe(mount.options), c.options) if c.options else "", style("options"))
        return line

    def search(self, query: str) -> set[int]:
        return matching(self.capture.mounts, query)

    def is_difference(self, node: int) -> bool:
        return False


class StyleMap:
    """Style names to rich styles (from the view's component classes)."""

    def __init__(self, styles: dict[str, Style]) -> None:
        self.styles = styles

    def __call__(self, name: str) -> Style | None:
        return self.styles.get(name) if name else None


def append_source(line: Text, mount: Mount, text: str, cells: int, style: StyleMap) -> None:
    """SOURCE in its kind's style, a bind mount's [fsroot] in the bind style."""
    shown = fit(text, cells, middle=True)
    kind = style(KIND_STYLE.get(mount.kind, ""))
    bracket = shown.find("[") if mount.is_bind else -1
    if bracket > 0:
        line.append(shown[:bracket], kind)
        line.append(shown[bracket:].rstrip(), style("bind"))
        line.append(" " * (len(shown) - len(shown.rstrip())))
    else:
        line.append(shown, kind)


DIFF_GUTTER = {kind: mark + " " for kind, mark in DIFF_MARK.items()}


class PairRows:
    """Two captures side by side, a row per pair of the comparison.

    ``pending``: the pairs are only matched by target (the comparison is
    still being made), so no row shows a difference mark yet."""

    pair_mode = True

    def __init__(self, comparison: Comparison, *, pending: bool = False) -> None:
        self.comparison = comparison
        self.pending = pending
        pairs = comparison.pairs
        self.pairs = pairs
        # A pair's parent is the pair holding its mount's parent (A's tree,
        # or B's for a mount only B has): one tree for both sides.
        sides = []
        for capture, attr in ((comparison.a, "a"), (comparison.b, "b")):
            pair_of = {
                id(getattr(p, attr)): i for i, p in enumerate(pairs) if getattr(p, attr) is not None
            }
            index_of = {id(m): i for i, m in enumerate(capture.mounts)}
            sides.append((capture, attr, pair_of, index_of))
        parents = [-1] * len(pairs)
        for i, pair in enumerate(pairs):
            capture, attr, pair_of, index_of = sides[0] if pair.a is not None else sides[1]
            up = capture.tree.parent[index_of[id(getattr(pair, attr))]]
            parents[i] = pair_of.get(id(capture.mounts[up]), -1) if up >= 0 else -1
        children: list[list[int]] = [[] for _ in pairs]
        roots: list[int] = []
        for i, up in enumerate(parents):
            (children[up] if up >= 0 else roots).append(i)
        self.parent_list = parents
        # Each side's mount index to its pair, for going to a piece of evidence.
        self.pair_of_mount = {
            attr: [pair_of.get(id(m), -1) for m in capture.mounts]
            for capture, attr, pair_of, _ in sides
        }
        self.parent_of = parents.__getitem__
        self.state = TreeState(roots, children)
        self.changed: set[int] = set()
        self.matches: set[int] = set()

    def __len__(self) -> int:
        return len(self.pairs)

    def _half(self, view_width: int) -> int:
        return max(20, (view_width - 2 - 3) // 2)

    def header(self, view_width: int) -> Text:
        half = self._half(view_width)
        a, b = self.comparison.a, self.comparison.b
        left = fit(f"A: {safe(a.label)}", half)
        right = fit(f"B: {safe(b.label)}", half)
        return Text(f"  {left} │ {right}", no_wrap=True)

    def node_of(self, side: str, index: int) -> int | None:
        """The pair holding mount ``index`` of side "a" or "b"."""
        node = self.pair_of_mount[side][index]
        return node if node >= 0 else None

    def _side(
        self,
        line: Text,
        pair: Pair,
        mount: Mount | None,
        art: str,
        cells: int,
        style: StyleMap,
        changed: dict[str, tuple[str | None, str | None]],
        shape: dict[str, tuple[str | None, str | None]],
    ) -> None:
        if mount is None:
            line.append(" " * cells)
            return
        has_fstype = "fstype" in self.comparison.a.fields or "fstype" in self.comparison.b.fields
        target_w = max(10, cells * 45 // 100)
        source_w = max(8, cells - target_w - 1 - (8 if has_fstype else 0))
        fstype_w = max(0, cells - target_w - source_w - 2) if has_fstype else 0

        def field_style(name: str) -> Style | None:
            if self.pending:
                return None
            if name in changed:
                return style("changed-field")
            if name in shape:
                return style("same-shape-field")
            return None

        row_style = None if self.pending else style(pair.kind.style_name)
        line.append(
            fit(art + safe(mount.target), target_w, middle=True), field_style("target") or row_style
        )
        line.append(" ")
        if not fstype_w:
            source_w = cells - target_w - 1
        source_style = field_style("source") or field_style("fsroot")
        if source_style is not None:
            line.append(fit(safe(mount.display_source), source_w, middle=True), source_style)
        else:
            append_source(line, mount, safe(mount.display_source), source_w, style)
        if fstype_w:
            line.append(" ")
            line.append(fit(safe(mount.fstype), fstype_w), field_style("fstype"))

    def render(self, node: int, view_width: int, style: StyleMap, ascii_only: bool = False) -> Text:
        pair = self.pairs[node]
        half = self._half(view_width)
        art = self.state.art(node, ascii_only)
        collapsed = not self.state.expanded[node] and self.state.has_children(node)
        art += "▸" if collapsed else ""
        line = Text(no_wrap=True, end="")
        if self.pending:
            line.append("  ")
        else:
            line.append(DIFF_GUTTER[pair.kind], style(pair.kind.style_name))
        self._side(line, pair, pair.a, art, half, style, pair.changes, pair.same_shape)
        line.append(" │ ", style("divider"))
        self._side(line, pair, pair.b, art, half, style, pair.changes, pair.same_shape)
        if node in self.matches:
            line.stylize(style("match") or "", 2, 2 + half)
        return line

    def search(self, query: str) -> set[int]:
        matcher = make_matcher(query)
        return {
            i
            for i, p in enumerate(self.pairs)
            if (p.a is not None and matcher(p.a)) or (p.b is not None and matcher(p.b))
        }

    def is_difference(self, node: int) -> bool:
        return not self.pending and self.pairs[node].kind in DIFFERENT
