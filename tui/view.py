"""The tree view: a line-API widget that draws only the rows on screen.

One widget serves both modes (one capture, or two side by side): the row
model (rows.py) says what a row shows. The first line is a header that stays
put; the cursor row is highlighted; keys move, expand and collapse.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from mountscope.tui.rows import MountRows, PairRows, StyleMap

STYLE_NAMES = (
    "loop",
    "virtio",
    "disk",
    "bind",
    "overlay",
    "tmpfs",
    "pseudo",
    "network",
    "options",
    "changed",
    "added",
    "removed",
    "same-shape",
    "changed-field",
    "same-shape-field",
    "divider",
    "match",
    "changed-live",
    "header",
)


class RowsView(ScrollView, can_focus=True):
    """Mount rows with a fixed header line; arrows and vim keys move the cursor."""

    COMPONENT_CLASSES = {"rows--cursor", *(f"rows--{name}" for name in STYLE_NAMES)}

    BINDINGS = [
        Binding("up,k", "cursor(-1)", "Up", show=False, id="rows.up"),
        Binding("down,j", "cursor(1)", "Down", show=False, id="rows.down"),
        Binding("pageup,ctrl+b", "page(-1)", "Page up", show=False, id="rows.page_up"),
        Binding("pagedown,ctrl+f", "page(1)", "Page down", show=False, id="rows.page_down"),
        Binding("home,g", "jump('top')", "Top", show=False, id="rows.top"),
        Binding("end,G", "jump('bottom')", "Bottom", show=False, id="rows.bottom"),
        Binding("left,h", "collapse", "Collapse", show=False, id="rows.collapse"),
        Binding("right,l", "expand", "Expand", show=False, id="rows.expand"),
        Binding("space,enter", "toggle_node", "Toggle", show=False, id="rows.toggle"),
        Binding("minus", "all(False)", "Collapse all", show=False, id="rows.collapse_all"),
        Binding("plus,equals_sign", "all(True)", "Expand all", show=False, id="rows.expand_all"),
    ]

    class Highlighted(Message):
        """The cursor moved to another node."""

        def __init__(self, view: RowsView, node: int | None) -> None:
            super().__init__()
            self.view = view
            self.node = node

    def __init__(
        self,
        rows: MountRows | PairRows,
        *,
        ascii_only: bool = False,
        id: str | None = None,  # noqa: A002 (Textual's keyword)
    ) -> None:
        super().__init__(id=id)
        self.rows = rows
        self.ascii_only = ascii_only
        self.cursor = 0

    # --- model ------------------------------------------------------------------

    def set_rows(self, rows: MountRows | PairRows, keep_node: int | None = None) -> None:
        self.rows = rows
        self.cursor = 0
        self._changed(keep_node)

    @property
    def node(self) -> int | None:
        rows = self.rows.state.rows
        return rows[self.cursor] if 0 <= self.cursor < len(rows) else None

    def _changed(self, keep_node: int | None = None) -> None:
        """The visible rows changed: resize, keep the cursor on its node, redraw."""
        state = self.rows.state
        if keep_node is not None:
            row = state.row_of(keep_node)
            if row is not None:
                self.cursor = row
        self.cursor = max(0, min(self.cursor, len(state.rows) - 1))
        self.virtual_size = Size(self.size.width, len(state.rows) + 1)
        self.refresh()
        self._follow()
        self.post_message(self.Highlighted(self, self.node))

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self.rows.state.rows) + 1)
        self._follow()

    def on_mount(self) -> None:
        self._changed()

    # --- drawing ---------------------------------------------------------------------

    def _styles(self) -> StyleMap:
        return StyleMap(
            {
                name: self.get_component_rich_style(f"rows--{name}", partial=True)
                for name in STYLE_NAMES
            }
        )

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        if y == 0:
            header = self.rows.header(width)
            header.stylize(self.get_component_rich_style("rows--header", partial=True))
            return self._strip(header, width, base)
        _, scroll_y = self.scroll_offset
        row = scroll_y + y - 1
        state_rows = self.rows.state.rows
        if row >= len(state_rows):
            return Strip.blank(width, base)
        text = self.rows.render(state_rows[row], width, self._styles(), self.ascii_only)
        if row == self.cursor:
            text.stylize(self.get_component_rich_style("rows--cursor", partial=True))
        return self._strip(text, width, base)

    def _strip(self, text: Text, width: int, base: Style) -> Strip:
        segments = list(text.render(self.app.console))
        return Strip(segments).crop_extend(0, width, base).apply_style(base)

    # --- cursor and scrolling -----------------------------------------------------------

    def _follow(self) -> None:
        """Scroll so that the cursor row is on screen, below the header."""
        height = max(1, self.size.height - 1)
        top = int(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False)

    def move_to(self, row: int) -> None:
        rows = self.rows.state.rows
        if not rows:
            return
        old = self.cursor
        self.cursor = max(0, min(row, len(rows) - 1))
        if old != self.cursor:
            self._refresh_row(old)
            self._refresh_row(self.cursor)
            self._follow()
            self.post_message(self.Highlighted(self, self.node))

    def center(self) -> None:
        height = max(1, self.size.height - 1)
        self.scroll_to(y=max(0, self.cursor - height // 2), animate=False)

    def _refresh_row(self, row: int) -> None:
        y = row - int(self.scroll_y) + 1
        if 1 <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    def show_node(self, node: int) -> None:
        """Move the cursor to a node, opening whatever hides it."""
        state = self.rows.state
        if state.row_of(node) is None:
            state.reveal(node, self.rows.parent_of)
            self._changed()
        row = state.row_of(node)
        if row is not None:
            self.move_to(row)
            self.center()
            self.refresh()

    def action_cursor(self, delta: int) -> None:
        self.move_to(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        self.move_to(self.cursor + direction * max(1, self.size.height - 2))

    def action_jump(self, where: str) -> None:
        self.move_to(0 if where == "top" else len(self.rows.state.rows) - 1)

    def action_toggle_node(self) -> None:
        node = self.node
        if node is not None and self.rows.state.has_children(node):
            self.rows.state.toggle(node)
            self._changed(node)

    def action_collapse(self) -> None:
        node = self.node
        state = self.rows.state
        if node is None:
            return
        if state.expanded[node] and state.has_children(node):
            state.collapse(node)
            self._changed(node)
        elif state.parent[node] >= 0:
            self.move_to(state.row_of(state.parent[node]) or 0)

    def action_expand(self) -> None:
        node = self.node
        state = self.rows.state
        if node is None or not state.has_children(node):
            return
        if not state.expanded[node]:
            state.expand(node)
            self._changed(node)
        else:
            self.move_to(self.cursor + 1)

    def action_all(self, expanded: bool) -> None:
        node = self.node
        self.rows.state.set_all(expanded)
        if node is not None and self.rows.state.row_of(node) is None:
            while node >= 0 and self.rows.state.row_of(node) is None:
                node = self.rows.parent_of(node)
        self._changed(node if node is not None and node >= 0 else None)

    def on_click(self, event: events.Click) -> None:
        if event.y >= 1:
            row = int(self.scroll_y) + event.y - 1
            if event.chain >= 2 and row == self.cursor:
                self.action_toggle_node()
            else:
                self.move_to(row)

    def next_row(self, forward: bool, wanted: Callable[[int], bool]) -> bool:
        """Move to the next (or previous) visible row whose node is ``wanted``."""
        rows = self.rows.state.rows
        order = range(self.cursor + 1, len(rows)) if forward else range(self.cursor - 1, -1, -1)
        for row in order:
            if wanted(rows[row]):
                self.move_to(row)
                self.center()
                self.refresh()
                return True
        return False
