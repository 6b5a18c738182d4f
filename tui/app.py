"""The Textual app: explore one capture, compare two side by side, watch live.

It only displays what the core computes. The session (mountscope.session)
judges, compares, loads and follows the live table in thread workers; the
tree is drawn first, and the verdicts and the comparison fill in when the
workers hand them over.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.driver import Driver
from textual.screen import Screen
from textual.widgets import Header, Input, OptionList, Static
from textual.worker import get_current_worker

from mountscope.collector import collector_paused
from mountscope.errors import MountscopeError, NamespaceGone, SnapshotExists
from mountscope.model import Mount, MountTable
from mountscope.session import Judgement, LiveUpdate, Session
from mountscope.text import safe
from mountscope.tui import keep_out_of_collections
from mountscope.tui.panes import (
    ChoiceScreen,
    ConfirmScreen,
    DetailsPane,
    HelpScreen,
    KeysFooter,
    PathScreen,
    TablesScreen,
    TextScreen,
    VerdictPane,
    evidence_sentence,
    keys_words,
    legend,
    mount_details,
    pair_details,
    verdict_text,
)
from mountscope.tui.rows import MountRows, PairRows
from mountscope.tui.view import RowsView

if TYPE_CHECKING:  # (the classifier and the diff load in the worker that uses them)
    from mountscope.classify import Verdict
    from mountscope.diff import Comparison

WIDE = 110  # columns from which the verdict and details sit beside the tree
TALL = 34  # rows from which both verdicts show their evidence side by side
SIDE_STEP = 4  # columns (or rows) per key that resizes the side pane
LIVE_BATCH = 1.0  # seconds of live changes gathered into one notice
TEXTS_PAUSE = 0.0002  # seconds the filter's texts worker sleeps between steps (rows.texts_of)


class MainScreen(Screen[None]):
    """One capture, or two side by side, with the verdict and details panes."""

    # The footer shows the bindings with show=True, in this order; the rest
    # are in the help (?) and the palette (Ctrl+P).
    BINDINGS = [
        Binding("question_mark,f1", "app.help", "Help", id="app.help_here"),
        # Priority: handled as the key arrives, before the keys typed after
        # it are passed on, so that they reach the filter box it opens.
        Binding("slash", "filter", "Filter", id="app.filter", priority=True),
        Binding("n", "next(True)", "Next", id="app.next"),
        Binding("N", "next(False)", "Previous", show=False, id="app.previous"),
        Binding("d", "differences_only", "Diffs", id="app.differences"),
        Binding("p", "by_path", "Path order", show=False, id="app.order"),
        Binding("v", "verdict", "Verdict", id="app.verdict"),
        Binding("ctrl+b", "toggle_side", "Side", id="app.side"),
        Binding(
            "left_square_bracket", "resize_side(-1)", "Side smaller", show=False, id="app.narrower"
        ),
        Binding(
            "right_square_bracket", "resize_side(1)", "Side larger", show=False, id="app.wider"
        ),
        Binding("m", "maximize_tree", "Maximize tree", show=False, id="app.maximize"),
        Binding("s", "save", "Save", show=False, id="app.save"),
        Binding("o", "open", "Open", show=False, id="app.open"),
        Binding("t", "tables", "Tables in the file", show=False, id="app.tables"),
        Binding("backspace", "back", "Back", show=False, id="app.back"),
        Binding("y", "copy_source", "Copy source", show=False, id="app.copy"),
        Binding("c", "clear_marks", "Clear ● marks", id="app.marks"),
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
        notes: Sequence[str] = (),
    ) -> None:
        super().__init__()
        self.notes = list(notes)
        self.redact = redact
        self.session = session or Session()
        self.capture = a
        self.other = b
        self.live_pid = live_pid
        self.ascii_only = ascii_only
        # Filled in by the workers (judge), not here: the tree is drawn first.
        self.comparison: Comparison | None = None
        self.verdict: Verdict | None = None
        # Whether the verdicts (and, side by side, the comparison) are shown.
        self.judged = False
        self.differences_only = False
        self.by_path = False
        self.filter_text = ""
        # Live: the targets that changed since the user last cleared the marks.
        self.live_changed: set[str] = set()
        self._live_batch: list[LiveUpdate] = []
        # The evidence just selected, and the node it went to.
        self._evidence_for: tuple[int | None, Text] | None = None
        # The rows and the node the details pane shows (None: something else).
        self._details_shown: tuple[MountRows | PairRows, int | None] | None = None
        self.rows: MountRows | PairRows
        # Side by side, the first frame shows A's tree (the table's default
        # order): comparing is O(n) and happens in the judge worker, which
        # hands over the pairs, compared.
        self.rows = MountRows(a)
        self._set_sub_title()

    def _set_sub_title(self) -> None:
        """What is shown, and in which order (the header says it)."""
        if self.other is not None:
            order = "by path" if self.by_path else "in A's table order (p: by path)"
            self.sub_title = safe(f"A {self.capture.label} ⇄ B {self.other.label} · {order}")
            return
        kind = "live" if self.live_pid is not None else self.capture.format
        self.sub_title = safe(
            f"{self.capture.label} ({kind}, {len(self.capture.mounts)} mounts) · table order"
        )

    @property
    def pair_mode(self) -> bool:
        return self.other is not None

    @property
    def comparing(self) -> bool:
        """Side by side, and the comparison is still being made."""
        return self.pair_mode and not isinstance(self.rows, PairRows)

    # --- the workers: judging, comparing --------------------------------------------------

    @work(thread=True, exclusive=True, group="judge")
    def judge(self) -> None:
        """Side by side, the comparison first (the rows, paired and marked),
        then the verdicts (the panes). Rows are built and measured here, off
        the event loop."""
        worker = get_current_worker()
        a, b = self.capture, self.other
        if b is not None:
            with collector_paused():
                comparison = self.session.compare(a, b, with_verdicts=False)
                compared = PairRows(comparison, by_path=self.by_path)
                compared.natural()
            if worker.is_cancelled:
                return
            self.app.call_from_thread(self._show_comparison, compared)
        first = self.session.judge(a)
        second = self.session.judge(b) if b is not None else None
        if not worker.is_cancelled:
            self.app.call_from_thread(self._show_judgements, a, first, second)

    def _pairs_again(self, comparison: Comparison) -> PairRows:
        return PairRows(comparison, by_path=self.by_path)

    def _show_judgements(
        self, table: MountTable, first: Judgement, second: Judgement | None
    ) -> None:
        if table is not self.capture:
            return  # a verdict on a table no longer shown
        self.judged = True  # the verdicts come last: the comparison is shown already
        keep_out_of_collections()  # what the workers made lives as long as the screen
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

    def _show_comparison(self, compared: PairRows) -> None:
        """Both tables as one, in place of A's tree: the cursor stays on the
        mount it was on, or (nobody moved yet) goes to the first difference."""
        view = self.query_one(RowsView)
        untouched = view.cursor == 0
        keep = view.node
        comparison = compared.comparison
        self.comparison = comparison
        if compared.by_path != self.by_path:
            compared = self._pairs_again(comparison)
        self.rows = compared
        node = compared.node_of("a", keep) if keep is not None else None
        if untouched:
            # Nobody moved yet: start on what differs, the point of comparing.
            node = self.rows.first_difference()
        view.set_rows(self.rows, node)
        if self.filter_text:
            self.rows.matches = self.rows.search(self.filter_text)
            self._apply_shown(view.node)
        if untouched and node is not None:
            view.show_node(node)
        self.refresh_bindings()

    # --- layout -----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header(icon="▤")
        if self.pair_mode:
            with Horizontal(id="verdicts"):
                yield VerdictPane(None, "A:", id="verdict-a", side="a")
                yield VerdictPane(None, "B:", id="verdict-b", side="b")
        with Horizontal(id="body"):
            with Vertical(id="tree-box"):
                yield RowsView(self.rows, ascii_only=self.ascii_only, id="tree")
                yield Static("", id="legend", markup=False)
                # On the legend's line while it is open, as less and vim ask
                # for a search on the last line: the tree keeps its size, and
                # opening or closing the box repaints two lines, not the screen.
                yield Input(
                    placeholder="filter: text, or target:/source:/fstype:/option:/kind: …",
                    id="filter",
                )
            with Vertical(id="side"):
                if not self.pair_mode:
                    yield VerdictPane(None, id="verdict")
                yield DetailsPane(id="details")
        yield KeysFooter()

    def on_mount(self) -> None:
        self._layout(self.app.size.width, self.app.size.height)
        self.query_one("#filter").display = False
        view = self.query_one(RowsView)
        view.focus()
        self.query_one("#legend", Static).update(legend(view._styles().styles))
        # Once the first frame is drawn: the worker would share the
        # interpreter with drawing it, and the tree comes first.
        self.call_after_refresh(self.judge)
        if self.live_pid is not None:
            self.watch_live()
        for message in self.notes:
            # "FILE holds N mount tables; using #1 (...)": the picker is here.
            hint = " · t picks another" if "mount tables" in message else ""
            self.notify(safe(message) + hint, markup=False, timeout=8)

    def on_unmount(self) -> None:
        self.workers.cancel_group(self, "live")
        self.workers.cancel_group(self, "judge")

    def on_resize(self, event: events.Resize) -> None:
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
        evidence, self._evidence_for = self._evidence_for, None
        if evidence is not None and event.node is not None and evidence[0] == event.node:
            self._show_evidence(evidence[1], None)
            return
        self._show_details_of(event.node)

    def _show_details_of(self, node: int | None) -> None:
        """The details of a row, unless the pane shows them already."""
        if self._details_shown == (self.rows, node):
            return
        self._details_shown = (self.rows, node)
        details = self.query_one("#details", DetailsPane)
        if node is None:
            details.show(Text("(no mounts)"))
        else:
            details.show(self._details_of(node))

    def _details_now(self) -> None:
        """The details of the cursor's row in the frame that moved it: the
        view's Highlighted message would reach the pane a frame later (after
        a filter, 25-40 ms later at 50 000 mounts), a second frame that the
        eye sees as lag."""
        if self._evidence_for is None:
            self._show_details_of(self.query_one(RowsView).node)

    @on(OptionList.OptionSelected, ".evidence")
    def go_to_evidence(self, event: OptionList.OptionSelected) -> None:
        """Enter on a piece of evidence: its full sentence in the details pane,
        with the mount or live signal it rests on, and the cursor on the mount."""
        pane = event.option_list.parent
        assert isinstance(pane, VerdictPane)
        number = int(event.option.id or 0)
        item = pane.evidence_at(number)
        sentence = evidence_sentence(item, item.rule in pane.only_here)
        if item.mount is None:
            self._show_evidence(sentence, "rests on a live signal, not a mount")
            return
        index = pane.row_of(number)
        node: int | None = None
        if index is not None:
            if self.comparing:
                self._show_evidence(sentence, "the comparison is still being made")
                return
            if isinstance(self.rows, PairRows):
                node = self.rows.node_of(pane.side, index)
            else:
                node = index  # one table: a node per mount, in table order
        view = self.query_one(RowsView)
        # The details pane shows the evidence above the mount, also when the
        # move's Highlighted message arrives after this.
        self._evidence_for = (node, sentence)
        if node is not None:
            view.show_node(node)
            view.focus()
        self._show_evidence(sentence, None)

    def _show_evidence(self, sentence: Text, note: str | None) -> None:
        text = Text("evidence ", "bold")
        text.append_text(sentence)
        text.append("\n")
        if note:
            text.append(f"  ({note})\n", "italic")
        else:
            view = self.query_one(RowsView)
            if view.node is not None:
                text.append("\n")
                text.append_text(self._details_of(view.node))
        self.query_one("#details", DetailsPane).show(text)
        self._details_shown = None
        self.query_one("#side").display = True

    def _details_of(self, node: int) -> Text:
        if isinstance(self.rows, PairRows):
            return pair_details(self.rows.pairs[node])
        return mount_details(self.capture, node)

    # --- actions -----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Only what acts here: the footer, the help and the palette follow this."""
        if action in ("differences_only", "by_path"):
            return self.pair_mode
        if action == "next":
            return self.pair_mode or bool(self.filter_text)
        if action == "verdict":
            return self.verdict is not None or self.comparison is not None or None
        if action == "clear_marks":
            return self.live_pid is not None and bool(self.live_changed)
        if action == "back":
            return sum(isinstance(s, MainScreen) for s in self.app.screen_stack) > 1
        if action == "tables":
            return self._tables_origin() is not None
        return True

    def key_rows(self) -> list[tuple[str, str]]:
        """Every key that acts here, as people write it, for the help."""
        rows = []
        for binding in [*MountscopeApp.BINDINGS, *RowsView.BINDINGS, *self.BINDINGS]:
            if not isinstance(binding, Binding) or binding.id in ("app.clear", "app.help_here"):
                continue
            if self.check_action(binding.action.split("(")[0], ()) is False:
                continue
            rows.append((keys_words(binding.key), binding.description))
        rows.append(("Escape", "clear the filter"))
        rows.append(("Tab", "move between the tree, the evidence and the filter"))
        rows.append(("Ctrl+P", "command palette: every action by name"))
        return rows

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        if self.focused is box:
            # A "/" in the query itself (source:/dev/loop1): after the keys
            # before it, which may still be on their way to the box.
            box.post_message(events.Key("slash", "/"))
            return
        self._filter_box(True)
        box.value = self.filter_text
        # At once, not later as Widget.focus() does: the keys typed right
        # after "/" are passed on to whatever has the focus when they arrive.
        self.set_focus(box)
        # Once the box is on screen, not before: the texts are made while the
        # query is typed, and opening the box does not wait for them.
        self.call_after_refresh(self.prepare_search)

    @work(thread=True, group="search")
    def prepare_search(self) -> None:
        """Make the texts a query is looked for in (see MountRows.search).
        They live as long as the rows: out of the collector's walks with them
        (a young list of 50 000 texts cost every collection in the filter's
        frames 2-4 ms)."""
        self.rows.searched_texts(pause=lambda: time.sleep(TEXTS_PAUSE))
        keep_out_of_collections()

    @on(Input.Changed, "#filter")
    def filter_as_typed(self, event: Input.Changed) -> None:
        """Filter as the query is typed. The search runs in a worker, so a
        keystroke never waits for it, and each query cancels the one before:
        the latest wins."""
        self.find_matches(event.value)

    @work(thread=True, exclusive=True, group="filter")
    def find_matches(self, query: str) -> None:
        worker = get_current_worker()
        rows = self.rows
        text = query.strip()
        matches = rows.search(text, lambda: worker.is_cancelled) if text else set()
        if not worker.is_cancelled:
            self.app.call_from_thread(self._show_matches, rows, query, matches)

    def _show_matches(self, rows: MountRows | PairRows, query: str, matches: set[int]) -> None:
        box = self.query_one("#filter", Input)
        if rows is not self.rows or query != box.value or not box.display:
            return  # another table, a later query, or the box closed since
        self._set_filter(query, typing=True, matches=matches)

    @on(Input.Submitted, "#filter")
    def apply_filter(self, event: Input.Submitted) -> None:
        self.workers.cancel_group(self, "filter")
        self._set_filter(event.value)
        self.query_one(RowsView).focus()

    def _filter_box(self, show: bool) -> None:
        """Open the filter box in the legend's place, or close it (the tree
        then has the focus again): the two lines change in one frame."""
        box = self.query_one("#filter")
        if not show and self.focused is box:
            self.set_focus(self.query_one(RowsView))
        box.display = show
        self._show_legend()

    def _show_legend(self) -> None:
        """The legend is shown under the tree unless the filter box is there
        or the tree is maximized."""
        shown = not self.query_one("#filter").display and not self.has_class("-maximized")
        self.query_one("#legend").display = shown

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

    def _set_filter(
        self, query: str, typing: bool = False, matches: set[int] | None = None
    ) -> None:
        """Filter by ``query`` (its ``matches``, when a worker found them)."""
        previous, self.filter_text = self.filter_text, query.strip()
        if typing and previous and self.filter_text and matches == self.rows.matches:
            # A letter more that finds the same mounts ("kubele", "kubelet"):
            # the rows shown, the cursor and the bindings stay as they are.
            return
        view = self.query_one(RowsView)
        node = view.node
        self.refresh_bindings()
        if not self.filter_text:
            self.rows.matches = set()
            self._apply_shown(node)
            if not typing:  # an emptied box stays open for what is typed next
                self._filter_box(False)
            return
        self.rows.matches = matches if matches is not None else self.rows.search(self.filter_text)
        self._apply_shown(node)
        count = len(self.rows.matches)
        if not typing:
            self.notify(
                f"{count} match{'es' if count != 1 else ''} for {safe(self.filter_text)}",
                markup=False,
            )
        self._first_match()
        self._details_now()

    def _apply_shown(self, keep: int | None) -> None:
        """Show the filter's matches, or only the differences, or everything."""
        rows = self.rows
        wanted: Callable[[int], bool] | None = None
        if self.filter_text:
            wanted = rows.matches.__contains__
        if self.differences_only and isinstance(rows, PairRows):
            differs = rows.is_difference
            match = wanted
            wanted = differs if match is None else (lambda n: match(n) and differs(n))
        rows.state.set_filter(wanted)
        self.query_one(RowsView)._changed(keep)
        self._details_now()

    def action_clear_filter(self) -> None:
        self.workers.cancel_group(self, "filter")
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
            node = self.rows.next_difference(view.node, forward)
            if node is None:
                self.notify("no more differences", markup=False)
            else:
                view.show_node(node)

    def action_differences_only(self) -> None:
        if self.comparing:
            self.notify("the comparison is still being made", markup=False)
            return
        self.differences_only = not self.differences_only
        self._apply_shown(self.query_one(RowsView).node)
        self.notify("differences only" if self.differences_only else "all mounts", markup=False)

    def action_by_path(self) -> None:
        """Side by side: rows in path order, or back to A's table order."""
        self.by_path = not self.by_path
        self._set_sub_title()
        view = self.query_one(RowsView)
        if not isinstance(self.rows, PairRows):
            return  # the pairs are still being made, in the order now asked for
        keep = self.rows.pairs[view.node].target if view.node is not None else None
        comparison = self.rows.comparison
        self.rows = self._pairs_again(comparison)
        node = next((i for i, p in enumerate(comparison.pairs) if p.target == keep), None)
        view.set_rows(self.rows, node)
        if self.filter_text:
            self.rows.matches = self.rows.search(self.filter_text)
        if self.filter_text or self.differences_only:
            self._apply_shown(view.node)
        self._set_sub_title()

    def action_verdict(self) -> None:
        """The whole verdict (both, side by side), every sentence in full."""
        if self.pair_mode:
            text = Text()
            for selector, label in (("#verdict-a", "A:"), ("#verdict-b", "B:")):
                verdict = self.query_one(selector, VerdictPane).verdict
                if verdict is not None:
                    text.append_text(verdict_text(verdict, label))
                    text.append("\n")
        else:
            if self.verdict is None:
                return
            text = verdict_text(self.verdict)
        self.app.push_screen(TextScreen(text))

    # --- the layout: side pane, maximized tree ------------------------------------------------

    def action_toggle_side(self) -> None:
        side = self.query_one("#side")
        side.display = not side.display

    def action_resize_side(self, step: int) -> None:
        side = self.query_one("#side")
        side.display = True
        if self.has_class("-wide"):
            current = side.outer_size.width
            side.styles.width = max(20, min(self.size.width - 30, current + step * SIDE_STEP))
            side.styles.max_width = None
        else:
            current = side.outer_size.height
            side.styles.max_height = None
            side.styles.height = max(3, min(self.size.height - 8, current + step * 2))

    def action_maximize_tree(self) -> None:
        """The tree alone on the screen, or back to the panes."""
        self.set_class(not self.has_class("-maximized"), "-maximized")
        self._show_legend()

    # --- copying --------------------------------------------------------------------------------

    def action_copy_source(self) -> None:
        """Copy the source of the row: the one side that has it, or (side by
        side, where they differ) the side asked for."""
        node = self.query_one(RowsView).node
        if node is None:
            return
        if not isinstance(self.rows, PairRows):
            self._copy(self.capture.mounts[node])
            return
        pair = self.rows.pairs[node]
        if pair.a is None or pair.b is None or pair.a.display_source == pair.b.display_source:
            mount = pair.b or pair.a
            assert mount is not None
            self._copy(mount)
            return
        a, b = pair.a, pair.b

        def chosen(side: str | None) -> None:
            if side:
                self._copy(a if side == "a" else b)

        self.app.push_screen(
            ChoiceScreen(
                "Copy which side's source?",
                [
                    ("a", "a", f"A: {safe(a.display_source)}"),
                    ("b", "b", f"B: {safe(b.display_source)}"),
                ],
            ),
            chosen,
        )

    def _copy(self, mount: Mount) -> None:
        # The escaped form, as shown: a raw source could carry a newline and a
        # command into whatever it is pasted into (and bytes that are not UTF-8
        # cannot be copied at all).
        shown = safe(mount.display_source)
        self.app.copy_to_clipboard(shown)
        form = "the escaped form, as shown: " if shown != mount.display_source else ""
        self.notify(f"copied {form}{shown}", markup=False)

    # --- saving and opening ----------------------------------------------------------------------

    def action_save(self) -> None:
        if self.other is None:
            self._ask_save(self.capture)
            return
        a, b = self.capture, self.other

        def chosen(which: str | None) -> None:
            if which == "a":
                self._ask_save(a)
            elif which == "b":
                self._ask_save(b)
            elif which == "both":
                self._ask_save(a, then=b)

        self.app.push_screen(
            ChoiceScreen(
                "Save a snapshot of which capture?",
                [
                    ("a", "a", f"A: {safe(a.label)}"),
                    ("b", "b", f"B: {safe(b.label)}"),
                    ("s", "both", "both, one file each"),
                ],
            ),
            chosen,
        )

    def _ask_save(self, capture: MountTable, then: MountTable | None = None) -> None:
        from mountscope.capture import default_snapshot_path

        path = default_snapshot_path(capture)  # here, or /tmp when this folder is read-only
        hint = (
            ""
            if os.path.dirname(path) == os.getcwd()
            else "this folder is read-only; /tmp is suggested"
        )

        def answer(chosen: str | None) -> None:
            self._save_to(capture, chosen)
            if then is not None:
                self._ask_save(then)

        title = "Save a snapshot to:" if self.other is None else f"Save {safe(capture.label)} to:"
        self.app.push_screen(PathScreen(title, path, hint), answer)

    def _save_to(self, capture: MountTable, path: str | None, force: bool = False) -> None:
        from mountscope.capture import snapshot_bytes, write_atomic

        if not path:
            return
        try:
            if self.redact:
                from mountscope.redact import Redactor

                capture = Redactor().capture(capture)
            write_atomic(path, snapshot_bytes(capture), force=force)
        except SnapshotExists:

            def answer(yes: bool | None) -> None:
                if yes:
                    self._save_to(capture, path, force=True)

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
                "any format mountscope reads; Backspace in the tree comes back here",
            ),
            self._open,
        )

    def _open(self, spec: str | None) -> None:
        if not spec:
            return
        if self.pair_mode:
            choices = [
                ("r", "alone", "open it alone"),
                ("a", "a", "compare it with B, in place of A"),
                ("b", "b", "compare A with it, in place of B"),
            ]
        else:
            choices = [
                ("r", "alone", "open it in place of this one"),
                ("b", "b", "open it beside this one (A this, B it)"),
            ]

        def chosen(how: str | None) -> None:
            if how:
                self.notify(f"opening {safe(spec)}…", markup=False)
                self.open_capture(spec, how)

        self.app.push_screen(ChoiceScreen(f"Open {safe(spec)}:", choices), chosen)

    @work(thread=True, exclusive=True, group="open")
    def open_capture(self, spec: str, how: str = "alone") -> None:
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
            self.app.call_from_thread(self._opened, table, notes, how)

    def _opened(self, table: MountTable, notes: list[str], how: str = "alone") -> None:
        if how == "a" and self.other is not None:
            a, b = table, self.other
        elif how == "b":
            a, b = self.capture, table
        else:
            a, b = table, None
        # Pushed, not switched: Backspace comes back to this screen.
        self.app.push_screen(
            MainScreen(
                a,
                b,
                ascii_only=self.ascii_only,
                redact=self.redact,
                session=self.session,
                notes=notes,
            )
        )

    def action_back(self) -> None:
        if self.check_action("back", ()):
            self.app.pop_screen()

    # --- the tables of a text or a recording -----------------------------------------------------

    def _tables_origin(self) -> str | None:
        """The file the capture came from, when it is one that can be read again."""
        origin = self.capture.origin
        if self.live_pid is not None or origin in ("-", "") or not os.path.isfile(origin):
            return None
        return origin

    def action_tables(self) -> None:
        origin = self._tables_origin()
        if origin is not None:
            self.notify(f"reading the tables of {safe(origin)}…", markup=False)
            self.list_tables(origin)

    @work(thread=True, exclusive=True, group="open")
    def list_tables(self, origin: str) -> None:
        try:
            tables = self.session.load_all(origin)
        except MountscopeError as error:
            self.app.call_from_thread(
                self.notify, str(error), severity="error", markup=False, timeout=10
            )
            return
        self.app.call_from_thread(self._pick_table, origin, tables)

    def _pick_table(self, origin: str, tables: list[MountTable]) -> None:
        current = next(
            (n for n, t in enumerate(tables, 1) if t.first_line == self.capture.first_line), None
        )

        def picked(number: int | None) -> None:
            if number is not None and number != current:
                self._opened(tables[number - 1], [])

        self.app.push_screen(TablesScreen(origin, tables, current), picked)

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
        # ● marks everything that changed since the user last cleared them.
        mounts = update.table.mounts
        self.live_changed.update(mounts[i].target for i in update.changed)
        self.rows.changed = {i for i, m in enumerate(mounts) if m.target in self.live_changed}
        node = next((i for i, m in enumerate(mounts) if m.target == keep), None)
        view.set_rows(self.rows, node)
        if self.filter_text:
            self.rows.matches = self.rows.search(self.filter_text)
            self._apply_shown(view.node)
        self._set_sub_title()
        # The evidence links always follow the new table, even when the
        # verdict reads the same.
        self._show_judgements(update.table, update.judgement, None)
        self.refresh_bindings()
        # A burst of changes is one notice, not a stack of them.
        if not self._live_batch:
            self.set_timer(LIVE_BATCH, self._announce_live)
        self._live_batch.append(update)

    def _announce_live(self) -> None:
        batch, self._live_batch = self._live_batch, []
        events = [e for update in batch for e in update.events]
        if not events:
            return
        shown = ", ".join(f"{e.action} {e.mount.target}" for e in events[:3])
        more = len(events) - 3
        message = shown + (f" and {more} more" if more > 0 else "") + " · c clears the ● marks"
        self.notify(safe(message), title=f"{len(events)} mount table changes", markup=False)

    def action_clear_marks(self) -> None:
        self.live_changed.clear()
        if isinstance(self.rows, MountRows):
            self.rows.changed = set()
        self.query_one(RowsView).refresh()
        self.refresh_bindings()


class MountscopeApp(App[None]):
    """mountscope's app: a MainScreen, help, and the command palette."""

    CSS_PATH = "app.tcss"
    TITLE = "mountscope"
    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark,f1", "help", "Help", show=False, id="app.help"),
    ]

    def get_driver_class(self) -> type[Driver]:
        """Textual's choice, but on Linux terminals a driver that delivers a
        lone Escape without waiting for its input thread to wake (driver.py)."""
        from textual.drivers.linux_driver import LinuxDriver  # (only where it runs)

        from mountscope.tui.driver import QuickEscapeDriver

        chosen = super().get_driver_class()
        return QuickEscapeDriver if chosen is LinuxDriver else chosen

    def __init__(
        self,
        a: MountTable,
        b: MountTable | None = None,
        *,
        live_pid: int | str | None = None,
        ascii_only: bool = False,
        redact: bool = False,
        session: Session | None = None,
        notes: Sequence[str] = (),
    ) -> None:
        super().__init__()
        self.first_screen = MainScreen(
            a,
            b,
            live_pid=live_pid,
            ascii_only=ascii_only,
            redact=redact,
            session=session,
            notes=notes,
        )

    def get_default_screen(self) -> Screen:
        """The first screen is the app's base screen, not pushed over Textual's
        empty default one (which would be composed, laid out and drawn first)."""
        return self.first_screen

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
            if not isinstance(binding, Binding) or binding.id in ("app.clear", "app.help_here"):
                continue
            if not screen.check_action(binding.action.split("(")[0], ()):
                continue
            target = screen if binding in screen.BINDINGS else screen.query_one(RowsView)
            yield SystemCommand(
                binding.description,
                f"key: {keys_words(binding.key, ' or ')}",
                lambda target=target, action=binding.action: target.run_action(action),
            )
