"""The aws-lambda environment's own reasoning: which generation of Lambda ran
the sandbox, how its code arrived, and what the origin article's hypothesis
about the /var/task variants is worth.

Run by the engine as the aws-lambda row's hook (environments.py); it reads
only the table, the live signals and the scores it is given.

What it rests on (public sources):
- EC2-model sandboxes (until about 2018-2019) ran on EC2 instances: Xen
  (xvd*) or NVMe disks, EC2 hostnames (ip-10-...), Amazon Linux 1 kernels
  (amzn1). Firecracker microVMs present virtio-blk disks (vd*; Firecracker's
  docs name the second drive /dev/vdb), link-local hostnames (169.254.x.y)
  and amzn2 kernels (4.14, then 5.10) in public `uname -a` captures.
  EC2 instances never present vd* disks.
- Container-image functions have an overlay root from the worker's
  tasks/rtfs/inline-manifest and no separate /var/task (a captured `mount` in
  bruceadams/run-command-on-aws-lambda's README).
- AWS_LAMBDA_INITIALIZATION_TYPE is on-demand, provisioned-concurrency,
  snap-start or lambda-managed-instances (Lambda developer guide); Lambda
  Managed Instances (2025) run functions as containers on EC2 Nitro instances.
"""

from __future__ import annotations

import re
from typing import Any

from mountscope.classify.environments import Environment, Reasoning
from mountscope.classify.scale import THRESHOLD
from mountscope.model import Mount, MountTable
from mountscope.record import field, record

WORKER = "/opt/amazon/asc/worker/"
ARTICLE_HYPOTHESIS = "article-loop-device-means-ec2"


@record
class Claim:
    """A named hypothesis (not an environment) and what the table says about it."""

    name: str
    statement: str
    status: str  # supported, contradicted, untested
    because: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "statement": self.statement,
            "status": self.status,
            "because": self.because,
        }


def code_delivery(table: MountTable) -> tuple[str, Mount | None]:
    """How the function's code reaches the sandbox, read off the table."""
    task = next((m for m in table.mounts if m.target == "/var/task"), None)
    root = next((m for m in reversed(table.mounts) if m.target == "/"), None)
    if (
        task is None
        and root is not None
        and root.fstype == "overlay"
        and WORKER in (root.source + "," + (root.fs_options or root.options))
        and "tasks/rtfs" in (root.source + "," + (root.fs_options or root.options))
    ):
        return "container-image", root
    if task is not None and task.kind == "loop":
        return "loop-image", task
    if task is not None and (task.fsroot or "").startswith(WORKER + "tasks/"):
        return "extracted-directory", task
    return "unknown", task


def _disks(table: MountTable) -> tuple[list[Mount], list[Mount]]:
    virtio = [m for m in table.mounts if m.kind == "virtio"]
    ec2 = [m for m in table.mounts if m.kind in ("xen", "nvme")]
    return virtio, ec2


def reason(r: Reasoning) -> None:
    table, signals = r.table, r.signals
    delivery, where = code_delivery(table)
    if delivery != "unknown":
        r.details["code_delivery"] = delivery
        assert where is not None
        r.reasoning.append(
            f"code delivery: {delivery} (read off {where.target}, line {where.line})"
        )
    votes: dict[str, float] = {"firecracker": 0.0, "ec2": 0.0, "managed-instances": 0.0}
    lines: list[str] = []
    virtio, ec2 = _disks(table)
    if virtio:
        votes["firecracker"] += 2.0
        disk = next((m for m in virtio if m.target == "/dev"), virtio[0])
        lines.append(
            f"firecracker: virtio disk {disk.source} on {disk.target} "
            f"(line {disk.line}); EC2 instances never present vd* disks"
        )
    if ec2:
        votes["ec2"] += 2.0
        lines.append(
            f"ec2: Xen or NVMe disk {ec2[0].source} (line {ec2[0].line}), as EC2 instances present"
        )
    if signals is not None:
        host = signals.hostname or ""
        if re.fullmatch(r"169\.254\.\d+\.\d+", host):
            votes["firecracker"] += 1.0
            lines.append(
                f"firecracker: the hostname is link-local ({host}), as in Firecracker-era sandboxes"
            )
        elif re.match(r"ip-\d+-\d+-\d+-\d+", host):
            votes["ec2"] += 1.0
            lines.append(f"ec2: the hostname is an EC2 instance's ({host})")
        release = signals.osrelease or ""
        if ".amzn2." in release or ".amzn2023." in release:
            votes["firecracker"] += 1.0
            lines.append(
                f"firecracker: the kernel is Amazon Linux 2's ({release}), as Firecracker-era guests run"
            )
        elif ".amzn1." in release:
            votes["ec2"] += 1.0
            lines.append(
                f"ec2: the kernel is Amazon Linux 1's ({release}), as EC2-model sandboxes ran"
            )
        init = signals.env.get("AWS_LAMBDA_INITIALIZATION_TYPE")
        if init == "lambda-managed-instances":
            votes["managed-instances"] += 4.0
            lines.append(
                "managed-instances: AWS_LAMBDA_INITIALIZATION_TYPE=lambda-managed-instances "
                "(containers on EC2 Nitro instances, not Firecracker)"
            )
        elif init:
            lines.append(f"AWS_LAMBDA_INITIALIZATION_TYPE={init}")
        serials = {k: v for k, v in (signals.block_serials or {}).items() if v.strip().isdigit()}
        if serials:
            votes["firecracker"] += 1.0
            name, serial = sorted(serials.items())[0]
            lines.append(
                f"firecracker: /sys/block/{name}/serial is digits ({serial}), as Firecracker "
                "derives it from the host file's device and inode numbers"
            )
        for name, backing in sorted((signals.loop_backing or {}).items()):
            lines.append(f"/dev/{name} is backed by {backing}")
    if r.scores.get(Environment.FIRECRACKER, 0) >= THRESHOLD:
        votes["firecracker"] += 2.0
        lines.append(
            "firecracker: live signals show a Firecracker guest (kernel command line, CPU)"
        )
    ranked = sorted(votes, key=lambda k: -votes[k])
    best = ranked[0]
    total = sum(votes.values())
    if votes[best] == 0 or votes[best] == votes[ranked[1]]:  # nothing, or a tie: say so
        model, confidence = "unknown", 0.0
    else:
        # Agreement of independent marks: two or three agreeing reach 0.8-0.95;
        # marks for another model pull it down.
        confidence = (1 - 0.5 ** votes[best]) * (votes[best] / total)
        model = best
    r.details["lambda_model"] = model
    r.details["lambda_model_confidence"] = round(min(confidence, 0.95), 2)
    r.reasoning.extend(f"lambda_model {line}" for line in lines)
    r.hypotheses.append(_article(delivery, virtio, ec2))


def _article(delivery: str, virtio: list[Mount], ec2: list[Mount]) -> Claim:
    claim = Claim(
        ARTICLE_HYPOTHESIS,
        "a /var/task on a loop device marks the EC2 isolation model, a /var/task bound from the "
        "worker's task directory the Firecracker model (the origin article's guess)",
        "untested",
    )
    if delivery not in ("loop-image", "extracted-directory"):
        claim.because.append("this table has neither /var/task variant")
        return claim
    if virtio:
        disk = next((m for m in virtio if m.target == "/dev"), virtio[0])
        claim.status = "contradicted"
        if delivery == "loop-image":
            claim.because.append(
                f"it predicts EC2 here, but {disk.target} is on {disk.source}, a virtio "
                "disk that EC2 instances never present: a Firecracker-era guest"
            )
        else:
            claim.because.append(
                f"{disk.target} is on {disk.source}, a virtio disk, and the loop-device "
                "variant runs on virtio disks too (the article's other table), so the "
                "variant cannot mark the isolation model"
            )
        claim.because.append(
            "what differs is how the code arrives: a filesystem image on a loop device, "
            "or a directory unpacked on the scratch disk"
        )
    elif ec2 and delivery == "loop-image":
        claim.status = "supported"
        claim.because.append(
            f"the loop-device variant runs on {ec2[0].source}, an EC2 instance's disk"
        )
    else:
        claim.because.append("the table shows no disk that tells the isolation model")
    return claim


def hint(r: Reasoning) -> None:
    """Some Lambda evidence, not enough for a verdict: say what is missing."""
    if 0 < r.scores.get(Environment.AWS_LAMBDA, 0) < THRESHOLD:
        r.caveats.append(
            "one or two mounts look like Lambda's worker layout, but the rest of "
            "Lambda's sandbox (its root image, sandbox files, runtime directories) is missing"
        )
