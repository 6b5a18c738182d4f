"""The panes around the tree: verdict and evidence, details of a mount, the
legend, and the dialogs (help, a path to save or open, a yes/no question).

Everything shown is built as rich ``Text`` from ``safe()`` strings; no
widget here parses markup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.geometry import Size
from textual.screen import ModalScreen, Screen
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.visual import Visual, visualize
from textual.widget import Widget
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from mountscope.model import MountTable
from mountscope.model.kinds import KIND_LEGEND
from mountscope.text import safe

if TYPE_CHECKING:
    from mountscope.classify import Evidence, Verdict
    from mountscope.diff import Pair
    from mountscope.render.verdict import Segment

# The verdict's words (mountscope.render.verdict) are imported where a verdict
# is shown: they import the classifier, which the first frame does not need
# (it is judged in a worker once the tree is on screen).

# How the app styles each part of the verdict's words (render/verdict.py).
ROLE_STYLE = {
    "label": "bold",
    "environment": "bold",
    "details": "dim",
    "mark": "bold",
    "weight": "bold",
    "stance": "italic",
    "where": "bold",
}


def _styled(segments: list[Segment], text: Text) -> Text:
    for segment in segments:
        text.append(segment.text, ROLE_STYLE.get(segment.role, ""))
    return text


def headline(verdict: Verdict, label: str = "") -> Text:
    from mountscope.render import verdict as verdict_words

    return _styled(verdict_words.headline(verdict, label, compact=True), Text(no_wrap=False))


def evidence_prompt(item: Evidence, marked: bool = False) -> Text:
    from mountscope.render import verdict as verdict_words

    return _styled(
        verdict_words.evidence(item, compact=True, marked=marked),
        Text(no_wrap=True, overflow="ellipsis"),
    )


class PickList(OptionList):
    """An OptionList that also moves with j and k, and shows its highlight
    only while it has focus (focus is visible only where it is)."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]


def evidence_sentence(item: Evidence, marked: bool = False) -> Text:
    """A piece of evidence in full: its weight, what it says, the mount or
    live signal it rests on (with the mount's line), and why."""
    from mountscope.render import verdict as verdict_words

    text = _styled(verdict_words.evidence(item), Text(no_wrap=False))
    if marked:
        text.append("\n  ◆ only this side has this evidence", "italic")
    return text


def verdict_text(verdict: Verdict, label: str = "") -> Text:
    """The whole verdict, wrapped: headline, every piece of evidence in full,
    the environment's reasoning and hypotheses, the caveats."""
    from mountscope.render import verdict as verdict_words

    text = _styled(verdict_words.headline(verdict, label), Text(no_wrap=False))
    text.append("\n\nEvidence, strongest first:\n", "bold")
    for item in verdict.evidence:
        text.append_text(evidence_sentence(item))
        text.append("\n")
    reasoning = verdict_words.reasoning_lines(verdict)
    if reasoning:
        text.append("\nReasoning:\n", "bold")
        text.append("\n".join(reasoning) + "\n")
    caveats = verdict_words.caveat_lines(verdict)
    if caveats:
        text.append("\nCaveats:\n", "bold")
        text.append("\n".join(f"• {c}" for c in caveats) + "\n")
    return text


class VerdictPane(Vertical):
    """The verdict, every piece of evidence (select one to go to its mount), the caveats.

    Made before the verdict is ready (``verdict`` None: a "judging…" line),
    then given it with ``show``. ``rows`` holds, for each piece of evidence,
    the index of its mount in the table the verdict was made from: the link
    from evidence to a row, kept as a position so that it stays valid for
    that table however the tree is redrawn.
    """

    DEFAULT_CSS = """
    VerdictPane { height: auto; }
    VerdictPane > OptionList { height: auto; max-height: 12; }
    """

    def __init__(
        self,
        verdict: Verdict | None = None,
        label: str = "",
        only_here: set[str] | None = None,
        id: str | None = None,  # noqa: A002
        *,
        rows: tuple[int | None, ...] = (),
        side: str = "a",
    ) -> None:
        super().__init__(id=id)
        self.verdict = verdict
        self.label = label
        self.only_here = only_here or set()
        self.rows = rows
        self.side = side

    def compose(self) -> ComposeResult:
        if self.verdict is None:
            text = Text(f"{self.label} " if self.label else "", "bold")
            text.append("judging…", "italic")
            yield Static(text, classes="headline pending", markup=False)
            return
        from mountscope.render import verdict as verdict_words

        yield Static(headline(self.verdict, self.label), classes="headline", markup=False)
        options = [
            Option(evidence_prompt(e, e.rule in self.only_here), id=str(n))
            for n, e in enumerate(self.verdict.evidence)
        ]
        # The environment's own reasoning follows the evidence in the same
        # scrolling list, as lines that cannot be selected.
        # Reasoning lines wrap: they are read, not picked.
        options += [
            Option(
                Text("  " + line, style="italic", no_wrap=False),
                id=f"reasoning-{n}",
                disabled=True,
            )
            for n, line in enumerate(verdict_words.reasoning_lines(self.verdict))
        ]
        yield PickList(*options, markup=False, classes="evidence")
        if self.verdict.caveats:
            caveats = Text(
                "\n".join(f"• {c}" for c in verdict_words.caveat_lines(self.verdict)),
                style="italic",
            )
            yield Static(caveats, classes="caveats", markup=False)

    def show(
        self, verdict: Verdict, rows: tuple[int | None, ...], only_here: set[str] | None = None
    ) -> None:
        """Show a verdict; only the links change when it reads as the one shown."""
        same = (
            self.verdict is not None
            and self.verdict.to_dict() == verdict.to_dict()
            and (only_here is None or only_here == self.only_here)
        )
        self.verdict, self.rows = verdict, rows
        if only_here is not None:
            self.only_here = only_here
        if not same:
            self.refresh(recompose=True)

    def evidence_at(self, index: int) -> Evidence:
        assert self.verdict is not None
        return self.verdict.evidence[index]

    def row_of(self, index: int) -> int | None:
        """The index of evidence ``index``'s mount in the judged table."""
        return self.rows[index] if index < len(self.rows) else None


# The fields below a mount's target, as the details pane lists them.
FIELD_ROWS = (
    ("source", lambda m: m.source or "(empty)"),
    ("fsroot", lambda m: m.fsroot),
    ("fstype", lambda m: m.fstype),
    ("options", lambda m: m.options),
    ("per-mount", lambda m: m.vfs_options),
    ("super", lambda m: m.fs_options),
    ("propagation", lambda m: m.propagation),
    ("optional", lambda m: m.optional_fields),
    ("id/parent", lambda m: None if m.mount_id is None else f"{m.mount_id} / {m.parent_id}"),
    ("maj:min", lambda m: m.devno),
)


def mount_details(capture: MountTable, index: int) -> Text:
    """Every field of a mount, its marks, and the input line it came from."""
    mount = capture.mounts[index]
    tree = capture.tree
    text = Text(no_wrap=False)
    text.append(safe(mount.target) + "\n", "bold")
    marks = [f"{mount.kind} source"]
    if mount.is_bind:
        marks.append("bind: shows " + safe(mount.fsroot or "") + " of its filesystem")
    if tree.stacked[index]:
        marks.append("stacked on another mount at this target")
    if tree.shadowed[index]:
        marks.append("hidden under a mount stacked on it")
    if tree.orphan[index]:
        marks.append("orphan: its parent is not in the table")
    if mount.truncated:
        marks.append("cut by a terminal: " + ", ".join(mount.truncated))
    if mount.lossy:
        marks.append("lossy: " + ", ".join(mount.lossy))
    text.append("  " + "; ".join(marks) + "\n", "italic")
    for name, get in FIELD_ROWS:
        value = get(mount)
        if value is not None and value != "":
            text.append(f"  {name:<12}", "dim")
            text.append(safe(str(value)) + "\n")
    text.append(f"  line {mount.line}:\n", "dim")
    text.append(safe(mount.raw.rstrip()) if mount.raw else "(the input had no line of its own)")
    return text


def pair_details(pair: Pair) -> Text:
    """Both sides of a pair, field by field, with what differs marked."""
    text = Text(no_wrap=False)
    text.append(f"{pair.kind.replace('_', ' ')}: ", "bold")
    text.append(safe(pair.target) + "\n", "bold")
    if pair.moved_from:
        text.append(f"  moved from {safe(pair.moved_from)}\n", "italic")
    for name, getter in FIELD_ROWS[:6]:  # source to super options
        a = getter(pair.a) if pair.a is not None else None
        b = getter(pair.b) if pair.b is not None else None
        if not a and not b:
            continue
        key = "super_options" if name == "super" else name
        style = (
            "bold reverse"
            if key in pair.changes
            else ("dim italic" if key in pair.same_shape else "")
        )
        mark = "≠" if key in pair.changes else ("≈" if key in pair.same_shape else " ")
        shown_a = safe(str(a)) if a is not None else "—"
        shown_b = safe(str(b)) if b is not None else "—"
        text.append(f"  {name:<10}{mark} ", "dim")
        if shown_a == shown_b:
            text.append(shown_a + "\n")
            continue
        text.append("A ", "bold")
        text.append(shown_a + "\n", style)
        text.append(" " * 14)
        text.append("B ", "bold")
        text.append(shown_b + "\n", style)
    if pair.not_comparable:
        text.append("  not comparable: " + ", ".join(pair.not_comparable) + "\n", "dim")
    for side, mount in (("A", pair.a), ("B", pair.b)):
        if mount is not None:
            text.append(f"  {side} line {mount.line}: ", "dim")
            text.append(safe(mount.raw.split("\n")[0]) + "\n" if mount.raw else "\n")
    return text


def legend(styles: dict[str, Style]) -> Text:
    text = Text(no_wrap=True, overflow="ellipsis")
    for name, label in KIND_LEGEND:
        text.append("■ ", styles.get(name) or "")
        text.append(label + "  ", styles.get(name) or "")
    return text


# --- dialogs --------------------------------------------------------------------------


# Keys as people write them (Textual's own names are its internal ones).
KEY_WORDS = {
    "question_mark": "?",
    "slash": "/",
    "plus": "+",
    "minus": "-",
    "equals_sign": "=",
    "less_than_sign": "<",
    "greater_than_sign": ">",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "escape": "Escape",
    "enter": "Enter",
    "space": "Space",
    "tab": "Tab",
    "backspace": "Backspace",
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "home": "Home",
    "end": "End",
}


def key_word(key: str) -> str:
    """One key as people write it: ``?``, ``F1``, ``Ctrl+B``, ``Shift+→``."""
    *mods, name = key.split("+") if key != "plus" else ["plus"]
    if name in KEY_WORDS:
        word = KEY_WORDS[name]
    elif len(name) >= 2 and name[0] == "f" and name[1:].isdigit():
        word = name.upper()
    elif len(name) == 1:
        word = name.upper() if mods else name
    else:
        word = name.replace("_", " ").capitalize()
    return "+".join([*(m.capitalize() for m in mods), word])


def keys_words(keys: str, joiner: str = " / ") -> str:
    """A binding's keys (comma-separated) as people write them."""
    return joiner.join(key_word(k.strip()) for k in keys.split(","))


class HelpScreen(ModalScreen[None]):
    """Every key, generated from the bindings, and the filter syntax."""

    BINDINGS = [Binding("escape,q,question_mark,f1", "dismiss", "Close")]

    def __init__(self, rows: list[tuple[str, str]]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        text = Text()
        text.append("mountscope — keys\n\n", "bold")
        for keys, description in self.rows:
            text.append(f"  {keys:<22}", "bold")
            text.append(description + "\n")
        text.append(
            "\nFilter (/), as you type: text matches TARGET, SOURCE, FSTYPE or OPTIONS;\n"
            "  fstype:LIST and option:LIST as findmnt -t and -O, source:DEV (-S), target:DIR (-M),\n"
            "  kind:loop|virtio|…; terms are ANDed, ! or - before a term negates it.\n"
            "  Enter keeps the filter, Escape clears it; n / N go to the next / previous match.\n"
        )
        text.append(
            "Side by side: one TARGET column; a field that differs somewhere shows A's and\n"
            "  B's values next to each other, highlighted where they differ.\n"
            "  n / N go to the next / previous difference, d shows differences only.\n"
            "Marks: ~ changed  + added (B only)  - removed (A only)  = same shape (random ids)\n"
            "  ● a mount that changed live since you last pressed c\n"
        )
        text.append("\nPress Escape to close.", "dim")
        with VerticalScroll(id="help-box"):
            yield Static(text, markup=False)


class TextScreen(ModalScreen[None]):
    """Text to read in full (the whole verdict), scrolling, Escape closes."""

    BINDINGS = [
        Binding("escape,q,v", "dismiss", "Close"),
        Binding("j,down", "scroll(1)", "Down", show=False),
        Binding("k,up", "scroll(-1)", "Up", show=False),
    ]

    def __init__(self, text: Text) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="text-box"):
            yield Static(self.text, markup=False)

    def action_scroll(self, lines: int) -> None:
        self.query_one("#text-box", VerticalScroll).scroll_relative(y=lines, animate=False)


class ChoiceScreen(ModalScreen[str | None]):
    """A question with a few answers, each on its own key (Escape: none)."""

    BINDINGS = [Binding("escape", "choose('')", "Cancel")]

    def __init__(self, question: str, choices: list[tuple[str, str, str]]) -> None:
        """``choices``: (key, answer, what it does)."""
        super().__init__()
        self.question = question
        self.choices = choices

    def compose(self) -> ComposeResult:
        text = Text(self.question + "\n\n", "bold")
        for key, _, what in self.choices:
            text.append(f"  {key}  ", "bold")
            text.append(what + "\n")
        text.append("\n  Escape  cancel", "dim")
        with Vertical(id="choice-box"):
            yield Static(text, markup=False)

    def on_key(self, event: events.Key) -> None:
        for key, answer, _ in self.choices:
            if event.key == key:
                event.stop()
                self.dismiss(answer)
                return

    def action_choose(self, answer: str) -> None:
        self.dismiss(answer or None)


class TablesScreen(ModalScreen[int | None]):
    """Every table a text or a recording holds: pick one (Enter), Escape: none."""

    BINDINGS = [Binding("escape,q", "cancel", "Cancel")]

    def __init__(self, origin: str, tables: list[MountTable], current: int | None) -> None:
        super().__init__()
        self.origin = origin
        self.tables = tables
        self.current = current

    def compose(self) -> ComposeResult:
        options = []
        for n, table in enumerate(self.tables, 1):
            text = Text(no_wrap=True, overflow="ellipsis")
            text.append(f"#{n}  ", "bold")
            text.append(f"lines {table.first_line}-{table.last_line}  {table.format}  ")
            text.append(f"{len(table.mounts)} mounts", "bold")
            if table.title:
                text.append("  " + safe(table.title), "italic")
            options.append(Option(text, id=str(n)))
        with Vertical(id="tables-box"):
            yield Static(
                Text(f"{safe(self.origin)} holds {len(self.tables)} mount tables", "bold"),
                markup=False,
            )
            yield PickList(*options, markup=False, id="tables")
            yield Static(Text("Enter opens a table; Escape closes", "dim"), markup=False)

    def on_mount(self) -> None:
        picker = self.query_one("#tables", PickList)
        picker.highlighted = (self.current or 1) - 1
        picker.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id or 1))

    def action_cancel(self) -> None:
        self.dismiss(None)


class PathScreen(ModalScreen[str | None]):
    """Ask for a path (to save a snapshot to, or to open)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, initial: str, hint: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.initial = initial
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(id="path-box"):
            yield Static(Text(self.title_text, "bold"), markup=False)
            yield Input(value=self.initial, id="path-input")
            if self.hint:
                yield Static(Text(self.hint, "dim"), markup=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmScreen(ModalScreen[bool]):
    BINDINGS = [Binding("y", "answer(True)", "Yes"), Binding("n,escape", "answer(False)", "No")]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(Text(self.question + "  [y/n]", "bold"), markup=False)

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


__all__ = [
    "ChoiceScreen",
    "TablesScreen",
    "TextScreen",
    "evidence_sentence",
    "keys_words",
    "verdict_text",
    "ConfirmScreen",
    "HelpScreen",
    "PathScreen",
    "VerdictPane",
    "legend",
    "mount_details",
    "pair_details",
]


class DetailsPane(ScrollView, can_focus=False):
    """The selected row's details, drawn line by line (Textual's line API).

    Beside the tree (wide screens) the pane takes the rest of the side and
    scrolls on its own, so a new text repaints this pane and nothing else:
    no layout of the screen, whatever its length. Below the tree the pane is
    as tall as the tallest text it has shown at this width: a taller text
    re-lays out the screen, any other only repaints the pane (moving from
    row to row does not resize the tree). The lines are drawn as a Static
    draws them.
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 (Textual's keyword)
        super().__init__(id=id)
        self.text = Text()
        self._lines: list[Strip] = []
        self._lines_width = -1
        # Below the tree: the most lines a text has needed since the width changed.
        self._tallest = 0
        self._tallest_width = -1

    def _wrapped(self, width: int) -> list[Strip]:
        """The text's lines at ``width`` cells (kept until the text or width changes)."""
        if width != self._lines_width:
            visual = visualize(self, self.text, markup=False)
            self._lines = Visual.to_strips(self, visual, width, None, self.visual_style)
            self._lines_width = width
        return self._lines

    def _content_width(self) -> int:
        return self.scrollable_content_region.width

    def _fit(self) -> None:
        """Tell the scrollbars (or, where the pane is as tall as its text,
        the layout) how many lines there are."""
        size = Size(self._content_width(), len(self._wrapped(self._content_width())))
        if size == self.virtual_size:
            return
        if self._auto_height():
            size = Size(size.width, self._kept_height(size.height))
            if size.height != self.virtual_size.height:
                self.virtual_size = size  # taller: the screen is laid out again
                return
        self.set_reactive(DetailsPane.virtual_size, size)
        self._scroll_update(size)

    def show(self, text: Text) -> None:
        self.text = text
        self._lines_width = -1
        self._fit()
        self.scroll_to(y=0, animate=False)
        self.refresh()

    def render(self) -> Text:
        """The text shown, as a Static gives it (selection reads it too);
        drawing goes line by line through render_line."""
        return self.text

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return self._kept_height(len(self._wrapped(width)))

    def _kept_height(self, lines: int) -> int:
        """The height below the tree: the tallest text's since the width changed."""
        self._tallest = max(self._tallest, lines)
        return self._tallest

    def _auto_height(self) -> bool:
        return self.styles.height is not None and self.styles.height.is_auto

    def on_resize(self) -> None:
        if self.size.width != self._tallest_width:  # the text wraps anew
            self._tallest, self._tallest_width = 0, self.size.width
        self._fit()

    def render_line(self, y: int) -> Strip:
        width = self._content_width()
        lines = self._wrapped(width)
        shown = self._kept_height(len(lines)) if self._auto_height() else len(lines)
        if shown != self.virtual_size.height:
            self._fit()  # a scrollbar came or went: the text wrapped anew
        line = int(self.scroll_y) + y
        style = self.visual_style.rich_style
        if 0 <= line < len(lines):
            return lines[line].crop(0, width)
        return Strip.blank(width, style)


# A key the footer shows: the key, how it is shown, its words, whether it acts.
Key = tuple[str, str, str, bool]


class KeysFooter(Widget, can_focus=False):
    """The keys that act here, on one line, as Textual's footer shows them.

    Drawn as one text, not a widget per key as Textual's Footer is: the keys
    shown change as the focus moves and as a filter comes and goes, and each
    change then mounted new widgets and laid out the whole screen again (at
    50 000 mounts, two of the three layouts that opening the filter cost).
    Here a change repaints this line and nothing else. A click on a key
    presses it, as on Textual's footer.
    """

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"keys-footer--key", "keys-footer--description"}
    DEFAULT_CSS = """
    KeysFooter {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        .keys-footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .keys-footer--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
    }
    """

    # What is shown: each key as (key, what it shows, its words, whether it
    # acts), and the command palette's key, drawn at the right.
    _keys: tuple[tuple[Key, ...], Key | None] = ((), None)
    # Where each key was drawn: (first column, column after it, key, whether it acts).
    _spans: list[tuple[int, int, str, bool]]

    def __init__(self) -> None:
        super().__init__()
        self._spans = []

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if not self.is_attached or screen is not self.screen:
            return
        keys = self._shown_keys()
        if keys != self._keys:
            self._keys = keys
            self.refresh()

    def _shown_keys(self) -> tuple[tuple[Key, ...], Key | None]:
        """The bindings with show=True, one per action (its first key), in the
        order they are bound, and the command palette's key."""
        app = self.app
        shown: dict[str, Key] = {}
        palette = None
        for key, (_, binding, enabled, _tooltip) in self.screen.active_bindings.items():
            entry = (binding.key, app.get_key_display(binding), binding.description, enabled)
            if key == app.COMMAND_PALETTE_BINDING and app.ENABLE_COMMAND_PALETTE:
                palette = entry
            elif binding.show:
                shown.setdefault(binding.action, entry)
        return tuple(shown.values()), palette

    def render(self) -> Text:
        styles = (
            self.get_component_rich_style("keys-footer--key"),
            self.get_component_rich_style("keys-footer--description"),
        )
        line = Text(no_wrap=True, overflow="crop", end="")
        self._spans = []
        keys, palette = self._keys
        for key in keys:
            self._draw(line, key, *styles)
        if palette is not None:  # at the right, after a bar (in the key's first cell)
            width = 3 + len(palette[1]) + len(palette[2])
            line.append(" " * max(1, self.size.width - line.cell_len - width))
            self._draw(line, palette, *styles, lead="▏")
        return line

    def _draw(
        self, line: Text, key: Key, key_style: Style, words_style: Style, lead: str = " "
    ) -> None:
        name, display, words, enabled = key
        start = line.cell_len
        dim = Style() if enabled else Style(dim=True)
        line.append(f"{lead}{display} ", key_style + dim)
        line.append(f"{words} ", words_style + dim)
        self._spans.append((start, line.cell_len, name, enabled))

    def on_click(self, event: events.Click) -> None:
        for start, end, key, enabled in self._spans:
            if start <= event.x < end:
                if enabled:
                    self.app.simulate_key(key)
                else:
                    self.app.bell()
                return
