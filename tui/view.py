"""The tree view: a line-API widget that draws only the rows on screen.

One widget serves both modes (one capture, or two side by side): the row
model (rows.py) says what a row shows. The first line is a header that stays
put; the cursor row is highlighted; keys move, expand and collapse, scroll
sideways and toggle wrapping long values.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from mountscope.model.kinds import KIND_LEGEND
from mountscope.tui.rows import MountRows, PairRows, StyleMap

# Every style name a row uses: the kinds' (from the model) and the view's own.
STYLE_NAMES = (
    *(name for name, _ in KIND_LEGEND),
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
SIDEWAYS = 8  # columns per sideways scroll key
LINES_KEPT = 1024  # drawn lines kept at most (a few screens' worth)


class RowsView(ScrollView, can_focus=True):
    """Mount rows with a fixed header line; arrows and vim keys move the cursor."""

    COMPONENT_CLASSES = {"rows--cursor", *(f"rows--{name}" for name in STYLE_NAMES)}

    BINDINGS = [
        Binding("up,k", "cursor(-1)", "Up", show=False, id="rows.up"),
        Binding("down,j", "cursor(1)", "Down", show=False, id="rows.down"),
        Binding("pageup,ctrl+u", "page(-1)", "Page up", show=False, id="rows.page_up"),
        Binding("pagedown,ctrl+d", "page(1)", "Page down", show=False, id="rows.page_down"),
        Binding("home,g", "jump('top')", "Top", show=False, id="rows.top"),
        Binding("end,G", "jump('bottom')", "Bottom", show=False, id="rows.bottom"),
        Binding("left,h", "collapse", "Collapse", show=False, id="rows.collapse"),
        Binding("right,l", "expand", "Expand", show=False, id="rows.expand"),
        Binding("space,enter", "toggle_node", "Toggle", show=False, id="rows.toggle"),
        Binding("minus", "all(False)", "Collapse all", show=False, id="rows.collapse_all"),
        Binding("plus,equals_sign", "all(True)", "Expand all", show=False, id="rows.expand_all"),
        Binding(
            "shift+left,less_than_sign", "sideways(-1)", "Scroll left", show=False, id="rows.left"
        ),
        Binding(
            "shift+right,greater_than_sign",
            "sideways(1)",
            "Scroll right",
            show=False,
            id="rows.right",
        ),
        Binding("w", "toggle_wrap", "Wrap", show=False, id="rows.wrap"),
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
        # Wrapping: each row takes as many lines as its longest value needs.
        self.wrap = False
        self._heights_key: tuple[object, ...] | None = None
        self._starts: list[int] = [0]  # first line of each visible row (wrapping)
        self._style_map: StyleMap | None = None
        self._frame_styles: tuple[Style, Style, Style] | None = None
        # Lines drawn, kept while what they show stays the same (see _cached).
        self._lines: dict[tuple[int, int, Style | None], Strip] = {}
        self._lines_for: tuple[object, ...] | None = None
        self._lines_of: tuple[object, ...] = ()

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
        self._resize()
        self.refresh()
        self._follow()
        self.post_message(self.Highlighted(self, self.node))

    def _resize(self) -> None:
        width = self.size.width
        full = self.rows.full_width() if not self.wrap else width
        size = Size(max(width, full), self._line_count() + 1)
        if size != self.virtual_size:
            # The view fills its box whatever it holds: a new number of rows
            # needs new scrollbars (as Textual's OptionList does it), not a
            # layout of the whole screen. A scrollbar shown or hidden asks
            # for its layout itself.
            self.set_reactive(RowsView.virtual_size, size)
            self._scroll_update(size)
            self.refresh()

    def on_resize(self) -> None:
        self._resize()
        self._follow()

    def on_mount(self) -> None:
        self._changed()

    # --- wrapping: rows of several lines ------------------------------------------------

    def _line_count(self) -> int:
        if not self.wrap:
            return len(self.rows.state.rows)
        return self._line_starts()[-1]

    def _line_starts(self) -> list[int]:
        """The first line of each visible row, and the total at the end."""
        key = (id(self.rows), self.rows.state.version, self.size.width)
        if key != self._heights_key:
            starts, line = [0], 0
            styles, width = self._styles(), self.size.width
            for node in self.rows.state.rows:
                line += len(self.rows.render_lines(node, width, styles, self.ascii_only, wrap=True))
                starts.append(line)
            self._starts, self._heights_key = starts, key
        return self._starts

    def _row_at(self, line: int) -> tuple[int, int]:
        """The visible row drawn on content line ``line``, and which of its lines."""
        if not self.wrap:
            return line, 0
        starts = self._line_starts()
        row = bisect_right(starts, line) - 1
        return row, line - starts[row] if 0 <= row < len(starts) else 0

    def _first_line(self, row: int) -> int:
        return self._line_starts()[row] if self.wrap else row

    def _last_line(self, row: int) -> int:
        return self._line_starts()[row + 1] - 1 if self.wrap else row

    # --- drawing ---------------------------------------------------------------------

    def _styles(self) -> StyleMap:
        if self._style_map is None:
            self._style_map = StyleMap(
                {
                    name: self.get_component_rich_style(f"rows--{name}", partial=True)
                    for name in STYLE_NAMES
                }
            )
        return self._style_map

    def notify_style_update(self) -> None:
        self._style_map = None  # the theme changed
        super().notify_style_update()

    def _layout_width(self) -> int:
        """Scrolled sideways, rows are laid out at the table's full width."""
        width = self.size.width
        return max(width, self.rows.full_width()) if self.scroll_x > 0 and not self.wrap else width

    def render_lines(self, crop: Region) -> list[Strip]:
        # The styles every line uses, looked up once a frame: the widget's own
        # walks every ancestor, which is most of a line's time if done per line.
        self._frame_styles = (
            self.rich_style,
            self.get_component_rich_style("rows--header", partial=True),
            self.get_component_rich_style("rows--cursor", partial=True),
        )
        try:
            return super().render_lines(crop)
        finally:
            self._frame_styles = None

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base, header_style, cursor_style = self._frame_styles or (
            self.rich_style,
            self.get_component_rich_style("rows--header", partial=True),
            self.get_component_rich_style("rows--cursor", partial=True),
        )
        layout_width = self._layout_width()
        scroll_x, scroll_y = (int(v) for v in self.scroll_offset)
        lines = self._cached(width, layout_width, scroll_x, base, header_style)
        if y == 0:
            strip = lines.get((-1, 0, None))
            if strip is None:
                header = self.rows.header(layout_width)
                header.stylize(header_style)
                strip = lines[-1, 0, None] = self._strip(header, width, base, scroll_x)
            return strip
        row, part = self._row_at(scroll_y + y - 1)
        state_rows = self.rows.state.rows
        if row >= len(state_rows):
            return Strip.blank(width, base)
        node = state_rows[row]
        key = (node, part, cursor_style if row == self.cursor else None)
        strip = lines.get(key)
        if strip is None:
            texts = self.rows.render_lines(
                node, layout_width, self._styles(), self.ascii_only, wrap=self.wrap
            )
            text = texts[part] if part < len(texts) else Text()
            if row == self.cursor:
                text.stylize(cursor_style)
            strip = lines[key] = self._strip(text, width, base, scroll_x)
        return strip

    def _cached(
        self, width: int, layout_width: int, scroll_x: int, base: Style, header_style: Style
    ) -> dict[tuple[int, int, Style | None], Strip]:
        """The lines drawn so far, by node, line of the row and cursor style:
        a resize that keeps the width (the filter box opening below the
        tree), a focus change or a repaint draws them again from here. They
        are dropped when anything they show may change: other rows or
        visible rows, matches, marks, widths, sideways scroll, wrapping or
        styles."""
        rows = self.rows
        key = (
            id(rows),
            rows.state.version,
            id(rows.matches),
            id(rows.changed),
            width,
            layout_width,
            scroll_x,
            self.wrap,
            self.ascii_only,
            id(self._styles()),
            base,
            header_style,
        )
        if key != self._lines_for or len(self._lines) > LINES_KEPT:
            self._lines, self._lines_for = {}, key
            # Held, so that no other object can take an identity in the key.
            self._lines_of = (rows, rows.matches, rows.changed, self._styles())
        return self._lines

    def _strip(self, text: Text, width: int, base: Style, scroll_x: int = 0) -> Strip:
        segments = list(text.render(self.app.console))
        return Strip(segments).crop_extend(scroll_x, scroll_x + width, base).apply_style(base)

    # --- cursor and scrolling -----------------------------------------------------------

    def _follow(self) -> None:
        """Scroll so that the cursor row is on screen, below the header."""
        height = max(1, self.size.height - 1)
        top = int(self.scroll_y)
        first, last = self._first_line(self.cursor), self._last_line(self.cursor)
        if first < top:
            self.scroll_to(y=first, animate=False)
        elif last >= top + height:
            self.scroll_to(y=min(first, last - height + 1), animate=False)

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
        self.scroll_to(y=max(0, self._first_line(self.cursor) - height // 2), animate=False)

    def _refresh_row(self, row: int) -> None:
        if self.wrap:
            self.refresh()
            return
        y = row - int(self.scroll_y) + 1
        if 1 <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    def show_node(self, node: int) -> None:
        """Move the cursor to a node, opening whatever hides it."""
        state = self.rows.state
        if state.row_of(node) is None:
            state.reveal(node)
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

    def action_sideways(self, direction: int) -> None:
        if self.wrap:
            return
        self.scroll_to(x=max(0, int(self.scroll_x) + direction * SIDEWAYS), animate=False)
        self.refresh()

    def action_toggle_wrap(self) -> None:
        self.wrap = not self.wrap
        self.scroll_to(x=0, animate=False)
        self._changed(self.node)
        self.notify("long values wrap" if self.wrap else "long values are cut", markup=False)

    def watch_scroll_x(self, old: float, new: float) -> None:
        super().watch_scroll_x(old, new)
        if (old > 0) != (new > 0):
            self.refresh()  # the layout switches between fitted and full width

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
        state = self.rows.state
        state.set_all(expanded)
        if node is not None and state.row_of(node) is None:
            while node >= 0 and state.row_of(node) is None:
                node = state.parent[node]
        self._changed(node if node is not None and node >= 0 else None)

    def on_click(self, event: events.Click) -> None:
        if event.y >= 1:
            row, _ = self._row_at(int(self.scroll_y) + event.y - 1)
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
