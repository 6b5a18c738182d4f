"""Say what host produced a mount table, how sure, and why.

The rules (rules.py) each add evidence for or against one environment.
Scores add up per environment. The verdict is the most specific environment
whose score reaches the threshold, in the order of the environments table's
layers (environments.py). What lies below the verdict is reported as details
(a pod under gVisor: gvisor, runtime=kubernetes; Docker on a WSL2 kernel:
docker, kernel=wsl2). An environment's own reasoning (Lambda's isolation
model) runs as that environment's hook. Thin evidence gives low confidence
or "unknown", never a confident guess. Nothing here reads the machine:
live signals are always an argument.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from operator import attrgetter
from typing import Any

from mountscope.classify.calibration import CALIBRATION, Calibration, confidence_of
from mountscope.classify.checks import CHECKS
from mountscope.classify.environments import ENVIRONMENTS, Environment, Reasoning
from mountscope.classify.rules import RULES, Rule, TableIndex
from mountscope.classify.scale import STRONG, THRESHOLD
from mountscope.model import Mount, MountTable
from mountscope.model.signals import Signals
from mountscope.record import field, record


@record
class Evidence:
    rule: str
    says: Environment
    weight: float
    why: str
    mount: Mount | None = None
    signal: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "says": str(self.says),
            "weight": self.weight,
            "mount": {
                "target": self.mount.target,
                "source": self.mount.display_source,
                "line": self.mount.line,
            }
            if self.mount
            else None,
            "signal": self.signal,
            "why": self.why,
        }


@record
class Hypothesis:
    environment: Environment
    score: float
    evidence: list[Evidence]

    def to_dict(self) -> dict[str, Any]:
        return {
            "environment": str(self.environment),
            "score": round(self.score, 2),
            "confidence": round(confidence_of(self.score), 2),
            "evidence": [e.rule for e in self.evidence],
        }


@record
class Verdict:
    environment: Environment
    confidence: float
    details: dict[str, Any] = field(default_factory=dict)
    hypotheses: list[Hypothesis] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)
    # An environment's own reasoning, line by line (Lambda's isolation model).
    reasoning: list[str] = field(default_factory=list)
    # Named hypotheses (not environments) and what the table says about them.
    claims: list[Any] = field(default_factory=list)
    # Where the confidence comes from: the margin's band and its record on the corpus.
    basis: str = ""
    # The verdict's score less its nearest rival's at the same layer (0: no verdict).
    margin: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        document = {
            "environment": str(self.environment),
            "confidence": round(self.confidence, 2),
            "details": self.details,
            "hypotheses": [h.to_dict() for h in self.hypotheses],
            "evidence": [e.to_dict() for e in self.evidence],
            "caveats": self.caveats,
        }
        if self.reasoning:
            document["reasoning"] = self.reasoning
        if self.claims:
            document["named_hypotheses"] = [c.to_dict() for c in self.claims]
        if self.basis:
            document["confidence_basis"] = self.basis
        return document


def _why(rule: Rule, mount: Mount | None, count: int, value: str | None) -> str:
    # Raw here: every display escapes the whole line once (escaping here too
    # showed an escape as \x5cx1b); JSON keeps it as data.
    return rule.why.format(
        target=mount.target if mount else "",
        source=mount.display_source if mount else "",
        count=count,
        value=value or "",
    )


def gather(
    table: MountTable, signals: Signals | None, rules: Sequence[Rule] = RULES
) -> tuple[list[Evidence], dict[str, tuple[str, Environment]], set[str]]:
    """Evidence from every rule, the details they establish (with the environment
    that says so), and the fields the table lacked for some rules."""
    index = TableIndex(table)
    evidence: list[Evidence] = []
    details: dict[str, tuple[str, Environment]] = {}
    missing: set[str] = set()
    for rule in rules:
        fired: Evidence | None = None
        if rule.mount is not None:
            needed = rule.mount.fields() - set(table.fields)
            if needed:
                missing.update(needed)
                continue
            found = index.matches(rule.mount)
            if found:
                first = table.mounts[found[0]]
                more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
                fired = Evidence(
                    rule.id,
                    rule.says,
                    rule.weight,
                    _why(rule, first, len(found), None) + more,
                    mount=first,
                )
        else:
            assert rule.check is not None
            hit = CHECKS[rule.check](table, index, signals)
            if hit is not None and hit.mounts:
                first = table.mounts[hit.mounts[0]]
                fired = Evidence(
                    rule.id,
                    rule.says,
                    rule.weight,
                    _why(rule, first, len(hit.mounts), None),
                    mount=first,
                )
            elif hit is not None:
                fired = Evidence(
                    rule.id,
                    rule.says,
                    rule.weight,
                    _why(rule, None, 1, hit.value),
                    signal=hit.signal,
                )
        if fired is not None:
            evidence.append(fired)
            if rule.detail and rule.detail[0] not in details:
                details[rule.detail[0]] = (rule.detail[1], rule.says)
    return evidence, details, missing


def _layer(environment: Environment) -> int:
    layer = ENVIRONMENTS[environment].layer
    assert layer is not None
    return layer


def classify(
    table: MountTable,
    signals: Signals | None,
    rules: Sequence[Rule] = RULES,
    calibration: Calibration = CALIBRATION,
) -> Verdict:
    """The verdict on ``table``, using the live ``signals`` (None: the table alone).
    ``rules`` and ``calibration`` are the shipped ones unless a study leaves a
    source out (benchmarks.accuracy)."""
    if table.format == "fstab":
        # What should be mounted says nothing of what is: no verdict.
        return Verdict(
            Environment.UNKNOWN,
            0.0,
            caveats=[
                "this is an fstab: a list of what should be mounted at boot, not a table of what is "
                "mounted; it is not judged (give a capture of /proc/self/mountinfo or findmnt)"
            ],
        )
    evidence, found_details, missing = gather(table, signals, rules)
    by_env: dict[Environment, list[Evidence]] = defaultdict(list)
    for item in evidence:
        if ENVIRONMENTS[item.says].layer is not None:
            by_env[item.says].append(item)
    scores = {env: sum(e.weight for e in items) for env, items in by_env.items()}
    hypotheses = sorted(
        (
            Hypothesis(env, scores[env], sorted(items, key=lambda e: -abs(e.weight)))
            for env, items in by_env.items()
        ),
        key=lambda h: (-h.score, _layer(h.environment)),
    )
    candidates = [h for h in hypotheses if h.score >= THRESHOLD]
    caveats: list[str] = []
    details: dict[str, Any] = {}
    if candidates:
        chosen = min(candidates, key=lambda h: (_layer(h.environment), -h.score))
        environment = chosen.environment
        # A rival at the same layer counts when it is within one strong piece of
        # evidence of the verdict (engines share marks: Podman's /dev is Docker's).
        rivals = [
            h
            for h in candidates
            if h is not chosen and _layer(h.environment) == _layer(environment)
        ]
        for rival in rivals:
            if chosen.score - rival.score < STRONG:
                caveats.append(
                    f"{rival.environment} is nearly as likely (score {rival.score:.1f} "
                    f"against {chosen.score:.1f})"
                )
        # How sure: the lead over the nearest rival, read against the corpus's record.
        nearest = max((h.score for h in rivals), default=None)
        margin = chosen.score - (nearest or 0.0)
        confidence = calibration.confidence(margin)
        basis = calibration.explain(margin, nearest)
        if ENVIRONMENTS[environment].caveat:
            caveats.append(ENVIRONMENTS[environment].caveat or "")

        def beneath(env: Environment) -> bool:
            return scores.get(env, 0) >= THRESHOLD and _layer(env) > _layer(environment)

        # A detail stands when the environment it comes from is the verdict or
        # lies beneath it (a Lambda code-delivery detail means nothing in a plain VM).
        for key, (value, says) in found_details.items():
            if ENVIRONMENTS[says].layer is None or says == environment or beneath(says):
                details[key] = value
        # What lies beneath the verdict, as details (the environments table says which).
        for row in ENVIRONMENTS.values():
            if (
                row.beneath
                and row.layer is not None
                and (beneath(row.name) or (row.beneath_when_verdict and row.name == environment))
            ):
                details[row.beneath[0]] = row.beneath[1]
    else:
        environment, confidence = Environment.UNKNOWN, 0.0
        basis, margin = "", 0.0
        if hypotheses:
            best = hypotheses[0]
            caveats.append(
                f"the evidence is too thin for a verdict; the strongest hypothesis is "
                f"{best.environment} (score {best.score:.1f}, {THRESHOLD:.1f} needed)"
            )
        else:
            caveats.append("nothing in this table points to any environment")
    reasoning = Reasoning(table, signals, scores, details, caveats)
    for row in ENVIRONMENTS.values():
        if row.name == environment and row.hook is not None:
            row.hook(reasoning)
        elif row.name != environment and row.hint is not None and row.name in scores:
            row.hint(reasoning)
    partial = _partial(table)
    if partial:
        caveats.append(
            f"this capture looks partial ({partial}): judged on the mounts it shows; "
            "what is missing could change the verdict"
        )
    caveats.extend(_format_caveats(table, signals, missing))
    ordered = sorted(evidence, key=lambda e: (-abs(e.weight), e.rule))
    return Verdict(
        environment,
        round(confidence, 2),
        details,
        hypotheses,
        ordered,
        caveats,
        reasoning.reasoning,
        reasoning.hypotheses,
        basis,
        round(margin, 2),
    )


_ELLIPSIS = frozenset(("...", "…"))
_RAW_LINE = attrgetter("raw_line")
_TRUNCATED = attrgetter("truncated")


def _partial(table: MountTable) -> str | None:
    """Why the table looks like part of one: no root mount, very few mounts, no
    /proc, or an author's ellipsis."""
    if not table.mounts:
        return None
    if not any(m.target == "/" for m in table.mounts):
        return "it has no / mount"
    if len(table.mounts) < 5:
        return f"only {len(table.mounts)} mounts"
    if not any(m.target == "/proc" for m in table.mounts):
        return "it has no /proc mount, which every whole Linux table has"
    # (raw_line, not raw: a line rebuilt from its fields is a whole mountinfo
    # line. Read in C, by map: the one pass here over every mount.)
    kept = filter(None, map(_RAW_LINE, table.mounts))
    if not _ELLIPSIS.isdisjoint(map(str.strip, kept)):
        return "its author cut it (...)"
    return None


def _format_caveats(table: MountTable, signals: Signals | None, missing: set[str]) -> list[str]:
    caveats = []
    if "fsroot" in missing:
        caveats.append(
            f"this capture ({table.format}) has no mount roots, so bind-mount evidence "
            "(Lambda's worker paths, Docker's and the kubelet's bind roots) is unavailable"
        )
    lacking = sorted(missing & {"fstype", "options"})
    if lacking:
        caveats.append(
            f"this capture has no {' or '.join(f.upper() for f in lacking)}, so "
            "filesystem evidence (gVisor's 9p, WSL's drvfs, overlay layers) is unavailable"
        )
    if signals is None:
        caveats.append(
            "judged from the mount table alone: live signals (kernel command line, "
            "CPU, DMI, virtio devices) would say which hypervisor ran it"
        )
    if any(map(_TRUNCATED, table.mounts)):
        caveats.append("some values were cut by a terminal; rules that read them may have missed")
    return caveats
