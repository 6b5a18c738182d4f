"""Plain-text reports: the verdict with its evidence, for terminals and pipes."""

from __future__ import annotations

from collections.abc import Iterator

from mountscope.classify import Evidence, Verdict
from mountscope.model import Capture
from mountscope.text import safe


def details_text(verdict: Verdict) -> str:
    parts = []
    for key, value in verdict.details.items():
        if key == "lambda_model_confidence":
            continue
        if key == "lambda_model":
            value = f"{value}? (confidence {verdict.details.get('lambda_model_confidence', 0):.2f})"
        parts.append(f"{key}={value}")
    return ", ".join(parts)


def headline(verdict: Verdict) -> str:
    """The verdict and its confidence, on one line."""
    text = f"{verdict.environment} (confidence {verdict.confidence:.2f})"
    details = details_text(verdict)
    return safe(f"{text}: {details}" if details else text)


def evidence_line(item: Evidence) -> str:
    sign = "+" if item.weight >= 0 else "-"
    stance = item.says if item.weight >= 0 else f"against {item.says}"
    if item.mount is not None:
        where = f"mount {item.mount.target} from {item.mount.display_source or '(none)'} (line {item.mount.line})"
    elif item.signal is not None:
        where = f"live {item.signal}"
    else:
        where = "table"
    return safe(f"  {sign}{abs(item.weight):.1f}  {stance}: {where}: {item.why}")


def verdict_lines(verdict: Verdict) -> Iterator[str]:
    yield headline(verdict)
    if verdict.evidence:
        yield "evidence:"
        for item in verdict.evidence:
            yield evidence_line(item)
    if verdict.caveats:
        yield "caveats:"
        for caveat in verdict.caveats:
            yield safe(f"  - {caveat}")


def verdict_line(capture: Capture) -> str:
    """The verdict as one header line above a tree."""
    from mountscope.classify import classify

    return "verdict: " + headline(classify(capture))
