"""The survey view: the groups of a survey, largest first. Enter opens a
group's representative; ``d`` puts it side by side with the largest group's.
Backspace comes back here. The survey itself is computed by the core
(mountscope.survey); this only shows it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from mountscope.model import MountTable
from mountscope.survey import SurveyResult
from mountscope.text import safe
from mountscope.tui.app import MainScreen
from mountscope.tui.panes import HelpScreen

if TYPE_CHECKING:
    from mountscope.redact import Redactor


class SurveyScreen(Screen[None]):
    BINDINGS = [
        Binding("d", "compare", "Compare with group 1", id="survey.compare"),
    ]
    DEFAULT_CSS = """
    SurveyScreen #survey-body { height: 1fr; }
    SurveyScreen #groups { width: 1fr; height: 1fr; }
    SurveyScreen #group-details { width: 1fr; height: 1fr; padding: 0 1; overflow-y: auto;
                                  border-left: solid $panel-lighten-2; }
    """

    def __init__(
        self, result: SurveyResult, redactor: Redactor | None = None, ascii_only: bool = False
    ) -> None:
        super().__init__()
        self.result = result
        self.redactor = redactor
        self.ascii_only = ascii_only
        self.sub_title = f"survey of {result.captures} captures, {len(result.groups)} groups"

    def shown(self, text: str) -> str:
        """Text as the screen may show it: redacted when asked, always escaped."""
        return safe(self.redactor.text(text) if self.redactor else text)

    def compose(self) -> ComposeResult:
        yield Header(icon="▤")
        with Horizontal(id="survey-body"):
            yield OptionList(
                *[Option(self._label(row), id=str(i)) for i, row in enumerate(self.result.groups)],
                id="groups",
            )
            yield Static("", id="group-details", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        groups = self.query_one("#groups", OptionList)
        groups.focus()
        if self.result.groups:
            groups.highlighted = 0
        else:
            self.query_one("#group-details", Static).update(Text("no capture could be read"))

    def _label(self, row: dict[str, Any]) -> Text:
        verdict = row["verdicts"]
        env = verdict["environment"] if verdict else "?"
        delivery = verdict.get("code_delivery") if verdict else None
        text = Text()
        text.append(f"group {row['group']}", "bold")
        text.append(
            f"  {row['count']} of {self.result.captures} ({100 * row['share']:.1f}%)  {env}"
        )
        if delivery:
            text.append(f", {delivery}")
        text.append(f"\n  {self.shown(row['representative'])}", "dim")
        return text

    @property
    def index(self) -> int | None:
        return self.query_one("#groups", OptionList).highlighted

    @on(OptionList.OptionHighlighted, "#groups")
    def show_group(self, event: OptionList.OptionHighlighted) -> None:
        row = self.result.groups[int(event.option.id or 0)]
        lines = [
            f"group {row['group']}: {row['count']} captures, share {row['share']:.3f}",
            f"representative: {row['representative']}",
            "",
        ]
        if row["group"] > 1:
            lines.append("differs from group 1:")
            for item in row["differs_from_largest"] or [
                {"target": "(nothing diff counts)", "field": "", "largest": "", "this": ""}
            ]:
                lines.append(
                    f"  {item['target']} {item['field']}: {item['largest']} -> {item['this']}"
                )
            lines.append("")
        for sig in self.result.signals[:6]:
            values: dict[str, int] = next(
                (g["values"] for g in sig["groups"] if g["group"] == row["group"]), {}
            )
            shown = ", ".join(f"{v} ({c})" for v, c in list(values.items())[:3])
            v = "-" if sig["cramers_v"] is None else f"{sig['cramers_v']:.2f}"
            lines.append(f"{sig['signal']} (V={v}, n={sig['n']}): {shown or '-'}")
        lines.append("")
        lines.append(f"members ({row['count']}):")
        lines.extend(f"  {m}" for m in row["members"][:50])
        if row["count"] > 50:
            lines.append(f"  ... and {row['count'] - 50} more")
        self.query_one("#group-details", Static).update(
            Text("\n".join(self.shown(line) for line in lines))
        )

    def _capture(self, index: int) -> MountTable | None:
        reps = self.result.representatives
        capture = reps[index] if index < len(reps) else None
        if capture is None:
            self.notify(
                "this group's representative could not be read again",
                severity="error",
                markup=False,
            )
            return None
        return self.redactor.capture(capture) if self.redactor else capture

    @on(OptionList.OptionSelected, "#groups")
    def open_group(self, event: OptionList.OptionSelected) -> None:
        capture = self._capture(int(event.option.id or 0))
        if capture is not None:
            self.app.push_screen(
                MainScreen(capture, ascii_only=self.ascii_only, redact=self.redactor is not None)
            )

    def action_compare(self) -> None:
        index = self.index
        if index is None:
            return
        if index == 0:
            self.notify("this is the largest group; pick another to compare with it", markup=False)
            return
        largest, this = self._capture(0), self._capture(index)
        if largest is not None and this is not None:
            self.app.push_screen(
                MainScreen(
                    largest, this, ascii_only=self.ascii_only, redact=self.redactor is not None
                )
            )


class SurveyApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "mountscope survey"
    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("backspace", "back", "Back to the survey", id="survey.back"),
        Binding("question_mark,f1", "help", "Help", id="app.help"),
    ]

    def __init__(
        self, result: SurveyResult, redactor: Redactor | None = None, *, ascii_only: bool = False
    ) -> None:
        super().__init__()
        self.first_screen = SurveyScreen(result, redactor, ascii_only)

    def get_default_screen(self) -> Screen:
        return self.first_screen  # the base screen (as MountscopeApp's)

    async def action_back(self) -> None:
        if self.screen is not self.first_screen and isinstance(self.screen, MainScreen):
            self.pop_screen()

    def action_help(self) -> None:
        screen = self.screen
        if isinstance(screen, MainScreen):
            rows = screen.key_rows()
        else:
            rows = [
                ("up / down", "move between groups"),
                ("enter", "open the group's representative"),
                ("d", "its representative beside the largest group's"),
            ]
        rows.append(("backspace", "back to the survey"))
        self.push_screen(HelpScreen(rows))
