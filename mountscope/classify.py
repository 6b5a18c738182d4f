"""Say what host produced a mount table, how sure, and why.

The rules (rules.py) each add evidence for or against one environment.
Scores add up per environment. The verdict is the most specific environment
whose score reaches the threshold, in the order a stack is built: a sandbox
(Lambda, gVisor, Kata) around a pod around a container around a WSL kernel
around a microVM around a VM around a host. What lies below the verdict is
reported as details (a pod under gVisor: gvisor, runtime=kubernetes; Docker
on a WSL2 kernel: docker, kernel=wsl2). Thin evidence gives low confidence or
"unknown", never a confident guess.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from mountscope.model import Capture, Mount
from mountscope.rules import RULES, Rule, TableIndex
from mountscope.signals import Signals

ENVIRONMENTS = (
    "aws-lambda", "firecracker", "gvisor", "kata", "wsl1", "wsl2", "kubernetes", "docker",
    "podman", "lxc", "systemd-nspawn", "vm", "host", "unknown",
)
# Lower layers are more specific and win: what a process runs in, from the inside out.
LAYER = {
    "aws-lambda": 0, "gvisor": 0, "kata": 0,
    "kubernetes": 1,
    "docker": 2, "podman": 2, "lxc": 2, "systemd-nspawn": 2,
    "wsl2": 3, "wsl1": 3,
    "firecracker": 4,
    "vm": 5,
    "host": 6,
}
# A score this high is needed for a verdict: one strong piece of evidence, or
# two moderate ones.
THRESHOLD = 2.0


def confidence_of(score: float) -> float:
    """Evidence to confidence: 2.5 (one strong) ~0.68, 4 ~0.84, 6 ~0.94; capped at 0.99."""
    if score <= 0:
        return 0.0
    return min(0.99, 1 - 0.5 ** (score / 1.5))


@dataclass
class Evidence:
    rule: str
    says: str
    weight: float
    why: str
    mount: Mount | None = None
    signal: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "says": self.says,
            "weight": self.weight,
            "mount": {"target": self.mount.target, "source": self.mount.display_source,
                      "line": self.mount.line} if self.mount else None,
            "signal": self.signal,
            "why": self.why,
        }


@dataclass
class Hypothesis:
    environment: str
    score: float
    evidence: list[Evidence]

    def to_dict(self) -> dict[str, Any]:
        return {"environment": self.environment, "score": round(self.score, 2),
                "confidence": round(confidence_of(self.score), 2),
                "evidence": [e.rule for e in self.evidence]}


@dataclass
class Verdict:
    environment: str
    confidence: float
    details: dict[str, Any] = field(default_factory=dict)
    hypotheses: list[Hypothesis] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "environment": self.environment,
            "confidence": round(self.confidence, 2),
            "details": self.details,
            "hypotheses": [h.to_dict() for h in self.hypotheses],
            "evidence": [e.to_dict() for e in self.evidence],
            "caveats": self.caveats,
        }


def _why(rule: Rule, mount: Mount | None, count: int, value: str | None) -> str:
    from mountscope.text import safe

    return rule.why.format(
        target=safe(mount.target) if mount else "",
        source=safe(mount.display_source) if mount else "",
        count=count,
        value=safe(value or ""),
    )


def gather(capture: Capture, signals: Signals | None
           ) -> tuple[list[Evidence], dict[str, tuple[str, str]], set[str]]:
    """Evidence from every rule, the details they establish (with the environment
    that says so), and the fields the capture lacked for some rules."""
    index = TableIndex(capture)
    evidence: list[Evidence] = []
    details: dict[str, tuple[str, str]] = {}
    missing: set[str] = set()
    for rule in RULES:
        fired: Evidence | None = None
        if rule.mount is not None:
            needed = rule.mount.fields() - set(capture.fields)
            if needed:
                missing.update(needed)
                continue
            found = index.matches(rule.mount)
            if found:
                first = capture.mounts[found[0]]
                more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
                fired = Evidence(rule.id, rule.says, rule.weight,
                                 _why(rule, first, len(found), None) + more, mount=first)
        elif rule.table is not None:
            rested = rule.table(capture, index)
            if rested:
                first = capture.mounts[rested[0]]
                fired = Evidence(rule.id, rule.says, rule.weight, _why(rule, first, len(rested), None), mount=first)
        elif rule.signal is not None and signals is not None:
            hit = rule.signal(signals)
            if hit:
                name, value = hit
                fired = Evidence(rule.id, rule.says, rule.weight, _why(rule, None, 1, value), signal=name)
        if fired is not None:
            evidence.append(fired)
            if rule.detail and rule.detail[0] not in details:
                details[rule.detail[0]] = (rule.detail[1], rule.says)
    return evidence, details, missing


def classify(capture: Capture, signals: Signals | None = None) -> Verdict:
    """The verdict on ``capture``, using ``signals`` (default: those it carries)."""
    if capture.format == "fstab":
        # What should be mounted says nothing of what is: no verdict.
        return Verdict("unknown", 0.0, {}, [], [], [
            "this is an fstab: a list of what should be mounted at boot, not a table of what is "
            "mounted; it is not judged (give a capture of /proc/self/mountinfo or findmnt)"])
    signals = signals if signals is not None else capture.signals
    evidence, found_details, missing = gather(capture, signals)
    by_env: dict[str, list[Evidence]] = defaultdict(list)
    for item in evidence:
        if item.says in LAYER:
            by_env[item.says].append(item)
    scores = {env: sum(e.weight for e in items) for env, items in by_env.items()}
    hypotheses = sorted(
        (Hypothesis(env, scores[env], sorted(items, key=lambda e: -abs(e.weight)))
         for env, items in by_env.items()),
        key=lambda h: (-h.score, LAYER[h.environment]),
    )
    candidates = [h for h in hypotheses if h.score >= THRESHOLD]
    caveats: list[str] = []
    details: dict[str, Any] = {}
    if candidates:
        chosen = min(candidates, key=lambda h: (LAYER[h.environment], -h.score))
        environment = chosen.environment
        confidence = confidence_of(chosen.score)
        rivals = [h for h in candidates if h is not chosen and LAYER[h.environment] == LAYER[environment]]
        for rival in rivals:
            confidence *= 1 - 0.5 * confidence_of(rival.score)
            caveats.append(f"{rival.environment} is nearly as likely (score {rival.score:.1f} "
                           f"against {chosen.score:.1f})")
        # A detail stands when the environment it comes from is the verdict or
        # lies beneath it (a Lambda code-delivery detail means nothing in a plain VM).
        for key, (value, says) in found_details.items():
            if says not in LAYER or says == environment or (
                    scores.get(says, 0) >= THRESHOLD and LAYER[says] > LAYER[environment]):
                details[key] = value
        _layer_details(environment, scores, details)
    else:
        environment, confidence = "unknown", 0.0
        if hypotheses:
            best = hypotheses[0]
            caveats.append(f"the evidence is too thin for a verdict; the strongest hypothesis is "
                           f"{best.environment} (score {best.score:.1f}, {THRESHOLD:.1f} needed)")
        else:
            caveats.append("nothing in this table points to any environment")
    if environment == "aws-lambda":
        details.update(_lambda_model(capture, scores, caveats))
    elif "aws-lambda" in scores and 0 < scores["aws-lambda"] < THRESHOLD:
        caveats.append("one or two mounts look like Lambda's worker layout, but the rest of "
                       "Lambda's sandbox (its root image, sandbox files, runtime directories) is missing")
    caveats.extend(_format_caveats(capture, signals, missing))
    ordered = sorted(evidence, key=lambda e: (-abs(e.weight), e.rule))
    return Verdict(environment, round(confidence, 2), details, hypotheses, ordered, caveats)


def _layer_details(environment: str, scores: dict[str, float], details: dict[str, Any]) -> None:
    """What lies beneath the verdict, as details: the pod under a sandbox, the
    kernel under a container, the hypervisor under everything."""
    layer = LAYER[environment]

    def beneath(env: str) -> bool:
        return scores.get(env, 0) >= THRESHOLD and LAYER[env] > layer

    if beneath("kubernetes"):
        details["runtime"] = "kubernetes"
    if beneath("wsl1"):
        details["kernel"] = "wsl1"
    if beneath("firecracker") or environment == "firecracker":
        details["hypervisor"] = "firecracker"


# The article's hypothesis, and what speaks against it (signals reference, section 2.2).
LAMBDA_MODEL_CAVEAT = (
    "lambda_model is the origin article's unconfirmed hypothesis: /var/task on a loop device for "
    "the EC2 model, bound from /opt/amazon/asc/worker/tasks/... on vdb for the Firecracker model. "
    "Against it: both patterns run on virtio disks (vd*), which EC2 instances never present "
    "(Xen shows xvd*, Nitro nvme*); AWS has described only Firecracker microVMs on Lambda "
    "Workers since 2019; and the two patterns fit two generations of code delivery (a "
    "filesystem image against an extracted directory) at least as well."
)


def _lambda_model(capture: Capture, scores: dict[str, float], caveats: list[str]) -> dict[str, Any]:
    task = next((m for m in capture.mounts if m.target == "/var/task"), None)
    result: dict[str, Any] = {"lambda_model": "unknown", "lambda_model_confidence": 0.0}
    if task is not None and task.kind == "loop":
        result.update(lambda_model="ec2", lambda_model_confidence=0.3)
    elif task is not None and (task.fsroot or "").startswith("/opt/amazon/asc/worker/tasks/"):
        result.update(lambda_model="firecracker", lambda_model_confidence=0.3)
    if scores.get("firecracker", 0) >= THRESHOLD:
        # Live signals show a Firecracker guest: that settles the microVM part as a fact.
        result.update(lambda_model="firecracker", lambda_model_confidence=0.9)
        caveats.append("live signals show this sandbox is a Firecracker guest, whatever its /var/task looks like")
    elif result["lambda_model"] != "unknown":
        caveats.append(LAMBDA_MODEL_CAVEAT)
    return result


def _format_caveats(capture: Capture, signals: Signals | None, missing: set[str]) -> list[str]:
    caveats = []
    if "fsroot" in missing:
        caveats.append(f"this capture ({capture.format}) has no mount roots, so bind-mount evidence "
                       "(Lambda's worker paths, Docker's and the kubelet's bind roots) is unavailable")
    lacking = sorted(missing & {"fstype", "options"})
    if lacking:
        caveats.append(f"this capture has no {' or '.join(f.upper() for f in lacking)}, so "
                       "filesystem evidence (gVisor's 9p, WSL's drvfs, overlay layers) is unavailable")
    if signals is None:
        caveats.append("judged from the mount table alone: live signals (kernel command line, "
                       "CPU, DMI, virtio devices) would say which hypervisor ran it")
    if any(m.truncated for m in capture.mounts):
        caveats.append("some values were cut by a terminal; rules that read them may have missed")
    return caveats
