"""The words of a verdict, written once: its headline, each piece of evidence,
the environment's own reasoning, named hypotheses and caveats.

Each function returns segments (text with a role); the plain report joins
them (render/report.py) and the app styles each role (tui/panes.py). The
compact form is the app's, where a line must fit a narrow pane. Every
string is already made safe for a terminal.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from mountscope.classify import Evidence, Verdict
from mountscope.classify.environments import DETAILS
from mountscope.record import record
from mountscope.text import safe


@record(frozen=True)
class Segment:
    text: str
    # label, environment, confidence, details, mark, weight, stance, where, why, plain
    role: str = "plain"


def details_text(details: Mapping[str, Any]) -> str:
    """``key=value`` pairs; a judgement (a detail with its own confidence, as the
    environments table declares) is shown as ``value? (confidence c)``."""
    hidden = {d.confidence for d in DETAILS.values() if d.confidence}
    parts = []
    for key, value in details.items():
        if key in hidden:
            continue
        spec = DETAILS.get(key)
        if spec is not None and spec.confidence is not None:
            value = f"{value}? (confidence {details.get(spec.confidence, 0):.2f})"
        parts.append(f"{key}={value}")
    return safe(", ".join(parts))


def headline(verdict: Verdict, label: str = "", compact: bool = False) -> list[Segment]:
    """The verdict, its confidence and its details, on one line."""
    details = details_text(verdict.details)
    parts = [Segment(label + " ", "label")] if label else []
    parts.append(Segment(safe(str(verdict.environment)), "environment"))
    if compact:
        parts.append(Segment(f"  confidence {verdict.confidence:.2f}", "confidence"))
        if details:
            parts.append(Segment("  " + details, "details"))
    else:
        parts.append(Segment(f" (confidence {verdict.confidence:.2f})", "confidence"))
        if details:
            parts.append(Segment(": " + details, "details"))
    return parts


def stance(item: Evidence) -> str:
    return str(item.says) if item.weight >= 0 else f"against {item.says}"


def where(item: Evidence, compact: bool = False) -> str:
    """What the evidence rests on: a mount (with its line), a live signal, or the table."""
    if item.mount is not None:
        if compact:
            return safe(item.mount.target)
        return safe(
            f"mount {item.mount.target} from {item.mount.display_source or '(none)'} "
            f"(line {item.mount.line})"
        )
    if item.signal is not None:
        return f"live {item.signal}"
    return "table"


def evidence(item: Evidence, compact: bool = False, marked: bool = False) -> list[Segment]:
    if compact:
        sign = "+" if item.weight >= 0 else "−"
        return [
            Segment("◆ " if marked else "  ", "mark"),
            Segment(f"{sign}{abs(item.weight):.1f} ", "weight"),
            Segment(stance(item), "stance"),
            Segment(f"  {where(item, True)}: ", "where"),
            Segment(safe(item.why), "why"),
        ]
    sign = "+" if item.weight >= 0 else "-"
    return [
        Segment(f"  {sign}{abs(item.weight):.1f}  ", "weight"),
        Segment(stance(item), "stance"),
        Segment(f": {where(item)}: ", "where"),
        Segment(safe(item.why), "why"),
    ]


def reasoning_lines(verdict: Verdict) -> list[str]:
    """The environment's own reasoning, then each named hypothesis with its status."""
    lines = [safe(line) for line in verdict.reasoning]
    for claim in verdict.claims:
        lines.append(safe(f"hypothesis {claim.name}: {claim.status}: {claim.statement}"))
        lines.extend(safe(f"  {reason}") for reason in claim.because)
    return lines


def caveat_lines(verdict: Verdict) -> list[str]:
    return [safe(caveat) for caveat in verdict.caveats]


def plain(segments: list[Segment]) -> str:
    return "".join(s.text for s in segments)


def verdict_lines(verdict: Verdict) -> Iterator[str]:
    """The verdict for a terminal or a pipe: headline, evidence, reasoning, caveats."""
    yield plain(headline(verdict))
    if verdict.evidence:
        yield "evidence:"
        for item in verdict.evidence:
            yield plain(evidence(item))
    # Where the confidence comes from leads the report's reasoning (the app's
    # narrow verdict pane keeps to the environment's own reasoning).
    reasoning = ([safe(verdict.basis)] if verdict.basis else []) + reasoning_lines(verdict)
    if reasoning:
        yield "reasoning:"
        for line in reasoning:
            yield f"  {line}"
    caveats = caveat_lines(verdict)
    if caveats:
        yield "caveats:"
        for caveat in caveats:
            yield f"  - {caveat}"
