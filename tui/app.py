"""The Textual app: explore one capture, compare two side by side, watch live.

It only displays what the core computes. The session (mountscope.session)
judges, compares, loads and follows the live table in thread workers; the
tree is drawn first, and the verdicts and the comparison fill in when the
workers hand them over.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header, Input, OptionList, Static
from textual.worker import get_current_worker

from mountscope.classify import Verdict
from mountscope.diff import Comparison
from mountscope.errors import MountscopeError, NamespaceGone, SnapshotExists
from mountscope.model import MountTable
from mountscope.session import Judgement, LiveUpdate, Session, pending_comparison
from mountscope.text import safe
from mountscope.tui.panes import (
    ConfirmScreen,
    HelpScreen,
    PathScreen,
    VerdictPane,
    legend,
    mount_details,
    pair_details,
)
from mountscope.tui.rows import MountRows, PairRows
from mountscope.tui.view import RowsView

if TYPE_CHECKING:
    from textual import events as textual_events

WIDE = 110  # columns from which the verdict and details sit beside the tree
TALL = 34  # rows from which both verdicts show their evidence side by side
# Seconds typing must pause before the filter runs.
FILTER_PAUSE = 0.15


class MainScreen(Screen[None]):
    """One capture, or two side by side, with the verdict and details panes."""

    BINDINGS = [
        Binding("slash", "filter", "Filter", id="app.filter"),
        Binding("n", "next(True)", "Next", id="app.next"),
        Binding("N", "next(False)", "Previous", id="app.previous"),
        Binding("d", "differences_only", "Diffs only", id="app.differences"),
        Binding("v", "toggle_verdict", "Verdict", id="app.verdict"),
        Binding("s", "save", "Save", id="app.save"),
        Binding("o", "open", "Open", id="app.open"),
        Binding("y", "copy_source", "Copy source", show=False, id="app.copy"),
        Binding("escape", "clear_filter", "Clear filter", show=False, id="app.clear"),
    ]

    def __init__(
        self,
        a: MountTable,
        b: MountTable | None = None,
        *,
        live_pid: int | str | None = None,
        ascii_only: bool = False,
        redact: bool = False,
        session: Session | None = None,
    ) -> None:
        super().__init__()
        self.redact = redact
        self.session = session or Session()
        self.capture = a
        self.other = b
        self.live_pid = live_pid
        self.ascii_only = ascii_only
        # Filled in by the workers (judge), not here: the tree is drawn first.
        self.comparison: Comparison | None = None
        self.verdict: Verdict | None = None
        self.differences_only = False
        self.filter_text = ""
        self._filter_timer: Timer | None = None
        self.rows: MountRows | PairRows
        if b is not None:
            # Paired by target only until the comparison is made.
            self.rows = PairRows(pending_comparison(a, b), pending=True)
            self.sub_title = safe(f"{a.label}  ⇄  {b.label}")
        else:
            self.rows = MountRows(a)
            self._set_sub_title()

    def _set_sub_title(self) -> None:
        kind = "live" if self.live_pid is not None else self.capture.format
        self.sub_title = safe(f"{self.capture.label} ({kind}, {len(self.capture.mounts)} mounts)")

    @property
    def pair_mode(self) -> bool:
        return self.other is not None

    @property
    def comparing(self) -> bool:
        """Side by side, and the comparison is still being made."""
        return isinstance(self.rows, PairRows) and self.rows.pending

    # --- the workers: judging, comparing --------------------------------------------------

    @work(thread=True, exclusive=True, group="judge")
    def judge(self) -> None:
        """Verdicts first (the panes), then the comparison (the marks)."""
        worker = get_current_worker()
        a, b = self.capture, self.other
        first = self.session.judge(a)
        second = self.session.judge(b) if b is not None else None
        if worker.is_cancelled:
            return
        self.app.call_from_thread(self._show_judgements, a, first, second)
        if b is not None:
            comparison = self.session.compare(a, b)
            if not worker.is_cancelled:
                self.app.call_from_thread(self._show_comparison, comparison)

    def _show_judgements(
        self, table: MountTable, first: Judgement, second: Judgement | None
    ) -> None:
        if table is not self.capture:
            return  # a verdict on a table no longer shown
        if second is None:
            self.verdict = first.verdict
            self.query_one("#verdict", VerdictPane).show(first.verdict, first.rows)
            return
        rules_a = {e.rule for e in first.verdict.evidence}
        rules_b = {e.rule for e in second.verdict.evidence}
        self.query_one("#verdict-a", VerdictPane).show(first.verdict, first.rows, rules_a - rules_b)
        self.query_one("#verdict-b", VerdictPane).show(
            second.verdict, second.rows, rules_b - rules_a
        )

    def _show_comparison(self, comparison: Comparison) -> None:
        view = self.query_one(RowsView)
        keep = (
            self.rows.pairs[view.node].target
            if isinstance(self.rows, PairRows) and view.node is not None
            else None
        )
        self.comparison = comparison
        self.rows = PairRows(comparison)
        node = next((i for i, p in enumerate(comparison.pairs) if p.target == keep), None)
        view.set_rows(self.rows, node)
        if self.filter_text:
            self.rows.matches = self.rows.search(self.filter_text)
            self._apply_shown(view.node)

    # --- layout -----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        if self.pair_mode:
            with Horizontal(id="verdicts"):
                yield VerdictPane(None, "A:", id="verdict-a", side="a")
                yield VerdictPane(None, "B:", id="verdict-b", side="b")
        with Horizontal(id="body"):
            with Vertical(id="tree-box"):
                yield RowsView(self.rows, ascii_only=self.ascii_only, id="tree")
                yield Static("", id="legend", markup=False)
            with Vertical(id="side"):
                if not self.pair_mode:
                    yield VerdictPane(None, id="verdict")
                yield Static("", id="details", markup=False)
        yield Input(
            placeholder="filter: text, or target:/source:/fstype:/option:/kind: …", id="filter"
        )
        yield Footer()

    def on_mount(self) -> None:
        self._layout(self.app.size.width, self.app.size.height)
        self.query_one("#filter").display = False
        view = self.query_one(RowsView)
        view.focus()
        self.query_one("#legend", Static).update(legend(view._styles().styles))
        self.judge()
        if self.live_pid is not None:
            self.watch_live()

    def on_resize(self, event: textual_events.Resize) -> None:
        self._layout(event.size.width, event.size.height)

    def _layout(self, width: int, height: int) -> None:
        # Side by side needs the whole width for the two trees: details go below.
        wide = width >= WIDE and not self.pair_mode
        self.set_class(self.pair_mode, "-pair")
        self.set_class(wide, "-wide")
        self.set_class(not wide, "-narrow")
        self.set_class(height < TALL, "-short")

    # --- the tree and its panes ----------------------------------------------------------------

    @on(RowsView.Highlighted)
    def show_details(self, event: RowsView.Highlighted) -> None:
        details = self.query_one("#details", Static)
        if event.node is None:
            details.update(Text("(no mounts)"))
        elif isinstance(self.rows, PairRows):
            details.update(pair_details(self.rows.pairs[event.node], pending=self.rows.pending))
        else:
            details.update(mount_details(self.capture, event.node))

    @on(OptionList.OptionSelected, ".evidence")
    def go_to_evidence(self, event: OptionList.OptionSelected) -> None:
        pane = event.option_list.parent
        assert isinstance(pane, VerdictPane)
        number = int(event.option.id or 0)
        item = pane.evidence_at(number)
        if item.mount is None:
            self.notify(
                f"this evidence is a live signal ({item.signal}), not a mount", markup=False
            )
            return
        index = pane.row_of(number)
        if index is None:
            return
        if isinstance(self.rows, PairRows):
            if self.rows.pending:
                self.notify("the comparison is still being made", markup=False)
                return
            node = self.rows.node_of(pane.side, index)
        else:
            node = index  # one table: a row per mount, in table order
        view = self.query_one(RowsView)
        if node is not None:
            view.show_node(node)
            view.focus()

    # --- actions -----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "differences_only":
            return self.pair_mode
        if action == "save":
            return not self.pair_mode
        return True

    def key_rows(self) -> list[tuple[str, str]]:
        rows = []
        for binding in [*RowsView.BINDINGS, *self.BINDINGS, *MountscopeApp.BINDINGS]:
            if isinstance(binding, Binding) and (binding.id or "") != "app.clear":
                if binding.action == "differences_only" and not self.pair_mode:
                    continue
                rows.append((binding.key.replace(",", " / "), binding.description))
        rows.append(("tab", "move between the tree, the evidence and the filter"))
        rows.append(("ctrl+p", "command palette: every action by name"))
        return rows

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.display = True
        box.value = self.filter_text
        box.focus()

    @on(Input.Changed, "#filter")
    def filter_as_typed(self, event: Input.Changed) -> None:
        """Filter as the query is typed, once typing pauses (a keystroke at
        50 000 mounts must not wait for a search per character)."""
        if self._filter_timer is not None:
            self._filter_timer.stop()
        value = event.value
        self._filter_timer = self.set_timer(
            FILTER_PAUSE, lambda: self._set_filter(value, typing=True)
        )

    @on(Input.Submitted, "#filter")
    def apply_filter(self, event: Input.Submitted) -> None:
        if self._filter_timer is not None:
            self._filter_timer.stop()
        self._set_filter(event.value)
        self.query_one(RowsView).focus()

    def _first_match(self, forward: bool = True) -> bool:
        """Put the cursor on the first (or last) visible match."""
        view = self.query_one(RowsView)
        rows = self.rows.state.rows
        order = range(len(rows)) if forward else range(len(rows) - 1, -1, -1)
        for row in order:
            if rows[row] in self.rows.matches:
                view.move_to(row)
                view.center()
                view.refresh()
                return True
        return False

    def _set_filter(self, query: str, typing: bool = False) -> None:
        self.filter_text = query.strip()
        view = self.query_one(RowsView)
        node = view.node
        if not self.filter_text:
            self.rows.matches = set()
            self._apply_shown(node)
            self.query_one("#filter").display = False
            return
        self.rows.matches = self.rows.search(self.filter_text)
        self._apply_shown(node)
        count = len(self.rows.matches)
        if not typing:
            self.notify(
                f"{count} match{'es' if count != 1 else ''} for {safe(self.filter_text)}",
                markup=False,
            )
        self._first_match()

    def _apply_shown(self, keep: int | None) -> None:
        """Show the filter's matches, or only the differences, or everything."""
        shown: set[int] | None = None
        if self.filter_text:
            shown = set(self.rows.matches)
        if self.differences_only and isinstance(self.rows, PairRows) and not self.rows.pending:
            diffs = {i for i, p in enumerate(self.rows.pairs) if p.kind != "same"}
            shown = diffs if shown is None else shown & diffs
        self.rows.state.set_filter(shown, self.rows.parent_of)
        self.query_one(RowsView)._changed(keep)

    def action_clear_filter(self) -> None:
        if self.filter_text or self.query_one("#filter").display:
            self._set_filter("")

    def action_next(self, forward: bool) -> None:
        view = self.query_one(RowsView)
        if self.filter_text:
            if not view.next_row(forward, self.rows.matches.__contains__):
                # Around, as less and vim do, and say so.
                if self._first_match(forward):
                    self.notify(
                        "search hit BOTTOM, continuing at TOP"
                        if forward
                        else "search hit TOP, continuing at BOTTOM",
                        markup=False,
                    )
                else:
                    self.notify("no matches", markup=False)
            return
        if self.comparing:
            self.notify("the comparison is still being made", markup=False)
            return
        if isinstance(self.rows, PairRows):
            node = self.rows.state.next_in_order(view.node, forward, self.rows.is_difference)
            if node is None:
                self.notify("no more differences", markup=False)
            else:
                view.show_node(node)
            return
        self.notify("filter first (/), then n and N move between matches", markup=False)

    def action_differences_only(self) -> None:
        if self.comparing:
            self.notify("the comparison is still being made", markup=False)
            return
        self.differences_only = not self.differences_only
        self._apply_shown(self.query_one(RowsView).node)
        self.notify("differences only" if self.differences_only else "all mounts", markup=False)

    def action_toggle_verdict(self) -> None:
        """Show the evidence (narrow screens show only the verdict's headline)."""
        box = self.query_one("#verdicts" if self.pair_mode else "#side")
        box.set_class(not box.has_class("-verdict"), "-verdict")

    def action_copy_source(self) -> None:
        node = self.query_one(RowsView).node
        if node is None:
            return
        if isinstance(self.rows, PairRows):
            pair = self.rows.pairs[node]
            mount = pair.b or pair.a
        else:
            mount = self.capture.mounts[node]
        assert mount is not None
        # The escaped form, as shown: a raw source could carry a newline and a
        # command into whatever it is pasted into (and bytes that are not UTF-8
        # cannot be copied at all).
        shown = safe(mount.display_source)
        self.app.copy_to_clipboard(shown)
        form = "the escaped form, as shown: " if shown != mount.display_source else ""
        self.notify(f"copied {form}{shown}", markup=False)

    # --- saving and opening ----------------------------------------------------------------------

    def action_save(self) -> None:
        from mountscope.capture import default_snapshot_path

        path = default_snapshot_path(self.capture)  # here, or /tmp when this folder is read-only
        hint = (
            ""
            if os.path.dirname(path) == os.getcwd()
            else "this folder is read-only; /tmp is suggested"
        )
        self.app.push_screen(PathScreen("Save a snapshot to:", path, hint), self._save_to)

    def _save_to(self, path: str | None, force: bool = False) -> None:
        from mountscope.capture import snapshot_bytes, write_atomic

        if not path:
            return
        try:
            capture = self.capture
            if self.redact:
                from mountscope.redact import Redactor

                capture = Redactor().capture(capture)
            write_atomic(path, snapshot_bytes(capture), force=force)
        except SnapshotExists:

            def answer(yes: bool | None) -> None:
                if yes:
                    self._save_to(path, force=True)

            self.app.push_screen(ConfirmScreen(f"{safe(path)} exists. Replace it?"), answer)
            return
        except MountscopeError as error:
            self.notify(str(error), severity="error", markup=False, timeout=10)
            return
        self.notify(f"saved {safe(path)}", markup=False)

    def action_open(self) -> None:
        self.app.push_screen(
            PathScreen(
                "Open a capture (FILE, or FILE#N for the N-th table):",
                "",
                "any format mountscope reads",
            ),
            self._open,
        )

    def _open(self, spec: str | None) -> None:
        if not spec:
            return
        self.notify(f"opening {safe(spec)}…", markup=False)
        self.open_capture(spec)

    @work(thread=True, exclusive=True, group="open")
    def open_capture(self, spec: str) -> None:
        """Read (and build the tree of) a capture off the event loop: a big
        file must not freeze the app."""
        worker = get_current_worker()
        notes: list[str] = []
        try:
            table = self.session.load(spec, notes)
            table.tree  # noqa: B018 (built here, not when the screen first draws)
        except MountscopeError as error:
            self.app.call_from_thread(
                self.notify, str(error), severity="error", markup=False, timeout=10
            )
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._opened, table, notes)

    def _opened(self, table: MountTable, notes: list[str]) -> None:
        for message in notes:
            self.notify(safe(message), markup=False)
        self.workers.cancel_group(self, "live")
        self.workers.cancel_group(self, "judge")
        self.app.switch_screen(
            MainScreen(table, ascii_only=self.ascii_only, redact=self.redact, session=self.session)
        )

    # --- live ------------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="live")
    def watch_live(self) -> None:
        worker = get_current_worker()
        try:
            live = self.session.follow(self.capture, self.live_pid)
        except MountscopeError as error:
            self.app.call_from_thread(self.notify, str(error), severity="error", markup=False)
            return
        with live:
            while not worker.is_cancelled:
                try:
                    # Reads, parses and judges the new table in this thread.
                    update = live.next_update(timeout=0.5)
                except NamespaceGone as gone:
                    # The table stays on screen as it was last read: say so until quit.
                    self.app.call_from_thread(
                        self.notify,
                        f"{gone}: the table is frozen as it was last read",
                        title="no longer live",
                        severity="warning",
                        timeout=24 * 3600,
                        markup=False,
                    )
                    return
                except MountscopeError as error:
                    self.app.call_from_thread(
                        self.notify, str(error), severity="error", markup=False
                    )
                    return
                if update is not None and not worker.is_cancelled:
                    self.app.call_from_thread(self.apply_live_update, update)

    def apply_live_update(self, update: LiveUpdate) -> None:
        view = self.query_one(RowsView)
        keep = self.capture.mounts[view.node].target if view.node is not None else None
        self.capture = update.table
        self.rows = MountRows(update.table)
        self.rows.changed = set(update.changed)
        node = next((i for i, m in enumerate(update.table.mounts) if m.target == keep), None)
        view.set_rows(self.rows, node)
        self._set_sub_title()
        # The evidence links always follow the new table, even when the
        # verdict reads the same.
        self._show_judgements(update.table, update.judgement, None)
        self.notify(safe(update.summary()), title="mount table changed", markup=False)


class MountscopeApp(App[None]):
    """mountscope's app: a MainScreen, help, and the command palette."""

    CSS_PATH = "app.tcss"
    TITLE = "mountscope"
    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark,f1", "help", "Help", id="app.help"),
    ]

    def __init__(
        self,
        a: MountTable,
        b: MountTable | None = None,
        *,
        live_pid: int | str | None = None,
        ascii_only: bool = False,
        redact: bool = False,
        session: Session | None = None,
    ) -> None:
        super().__init__()
        self.first_screen = MainScreen(
            a, b, live_pid=live_pid, ascii_only=ascii_only, redact=redact, session=session
        )

    def on_mount(self) -> None:
        self.push_screen(self.first_screen)

    def action_help(self) -> None:
        screen = self.screen
        if isinstance(screen, MainScreen):
            self.push_screen(HelpScreen(screen.key_rows()))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The palette lists every action of the screen by name, with its key."""
        yield from super().get_system_commands(screen)
        if not isinstance(screen, MainScreen):
            return
        for binding in [*screen.BINDINGS, *RowsView.BINDINGS]:
            if not isinstance(binding, Binding) or binding.id == "app.clear":
                continue
            if not screen.check_action(binding.action.split("(")[0], ()):
                continue
            target = screen if binding in screen.BINDINGS else screen.query_one(RowsView)
            yield SystemCommand(
                binding.description,
                f"key: {binding.key.replace(',', ' or ')}",
                lambda target=target, action=binding.action: target.run_action(action),
            )
