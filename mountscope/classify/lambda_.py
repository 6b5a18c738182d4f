"""The aws-lambda environment's own reasoning: which isolation model runs the
sandbox, and what the origin article's hypothesis about it is worth.

Run by the engine through the environments table's hook; reads only the
table, the live signals and the scores it is given.
"""

from __future__ import annotations

from mountscope.classify.environments import Environment, Reasoning
from mountscope.classify.scale import THRESHOLD

# The article's hypothesis, and what speaks against it.
LAMBDA_MODEL_CAVEAT = (
    "lambda_model is the origin article's unconfirmed hypothesis: /var/task on a loop device for "
    "the EC2 model, bound from /opt/amazon/asc/worker/tasks/... on vdb for the Firecracker model. "
    "Against it: both patterns run on virtio disks (vd*), which EC2 instances never present "
    "(Xen shows xvd*, Nitro nvme*); AWS has described only Firecracker microVMs on Lambda "
    "Workers since 2019; and the two patterns fit two generations of code delivery (a "
    "filesystem image against an extracted directory) at least as well."
)


def reason(r: Reasoning) -> None:
    task = next((m for m in r.table.mounts if m.target == "/var/task"), None)
    model, confidence = "unknown", 0.0
    if task is not None and task.kind == "loop":
        model, confidence = "ec2", 0.3
    elif task is not None and (task.fsroot or "").startswith("/opt/amazon/asc/worker/tasks/"):
        model, confidence = "firecracker", 0.3
    if r.scores.get(Environment.FIRECRACKER, 0) >= THRESHOLD:
        # Live signals show a Firecracker guest: that settles the microVM part as a fact.
        model, confidence = "firecracker", 0.9
        r.caveats.append("live signals show this sandbox is a Firecracker guest, whatever its /var/task looks like")
    elif model != "unknown":
        r.caveats.append(LAMBDA_MODEL_CAVEAT)
    r.details["lambda_model"] = model
    r.details["lambda_model_confidence"] = confidence


def hint(r: Reasoning) -> None:
    """Some Lambda evidence, not enough for a verdict: say what is missing."""
    if 0 < r.scores.get(Environment.AWS_LAMBDA, 0) < THRESHOLD:
        r.caveats.append("one or two mounts look like Lambda's worker layout, but the rest of "
                         "Lambda's sandbox (its root image, sandbox files, runtime directories) is missing")
