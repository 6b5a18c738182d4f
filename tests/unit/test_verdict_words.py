"""The words of a verdict are written once (render/verdict.py): the plain
report prints them, the app styles them, and both show Lambda's reasoning."""

from __future__ import annotations

from textual.widgets import OptionList

from mountscope.classify import classify
from mountscope.render.report import verdict_lines
from mountscope.render.verdict import details_text, evidence, headline, plain, reasoning_lines
from mountscope.system.loader import load
from mountscope.tui.app import MountscopeApp
from mountscope.tui.panes import evidence_prompt
from mountscope.tui.panes import headline as pane_headline
from tests.helpers import ARTICLE

P1 = ARTICLE / "lambda-pattern1.txt"


def test_report_and_pane_share_the_words():
    verdict = classify(load(str(P1)), None)
    report = list(verdict_lines(verdict))
    assert report[0] == plain(headline(verdict))
    pane = pane_headline(verdict).plain
    assert details_text(verdict.details) in report[0] and details_text(verdict.details) in pane
    first = verdict.evidence[0]
    assert first.why in plain(evidence(first)) and first.why in evidence_prompt(first).plain
    for line in reasoning_lines(verdict):
        assert f"  {line}" in report


def test_a_judgement_detail_shows_its_own_confidence():
    text = details_text(
        {"lambda_model": "firecracker", "lambda_model_confidence": 0.75, "platform": "x"}
    )
    assert text == "lambda_model=firecracker? (confidence 0.75), platform=x"


async def test_the_app_shows_lambdas_reasoning_line_by_line():
    app = MountscopeApp(load(str(P1)), None)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        listed = app.screen.query_one("#verdict .evidence", OptionList)
        shown = "\n".join(
            str(listed.get_option_at_index(i).prompt) for i in range(listed.option_count)
        )
        assert "hypothesis article-loop-device-means-ec2: contradicted" in shown
        assert "lambda_model firecracker: virtio disk /dev/vdb on /dev" in shown
