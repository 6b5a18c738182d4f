"""The environments the classifier can name: one row each.

A row says everything the classifier and the renderers need to know about an
environment: its name, its layer (what a process runs in, from the inside
out: a sandbox around a pod around a container around a WSL kernel around a
microVM around a VM around a host; lower layers are more specific and win),
a one-line description, the details it may carry, the detail it adds when it
lies beneath the verdict, and an optional hook with reasoning of its own.
Adding an environment is adding a row (and its rules in rules.py).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from mountscope.record import field, record

if sys.version_info >= (3, 11):
    from enum import StrEnum
else:  # pragma: no cover - Python 3.10
    from enum import Enum

    class StrEnum(str, Enum):
        def __str__(self) -> str:
            return str(self.value)


if TYPE_CHECKING:
    from mountscope.model import MountTable
    from mountscope.model.signals import Signals


class Environment(StrEnum):
    AWS_LAMBDA = "aws-lambda"
    FIRECRACKER = "firecracker"
    GVISOR = "gvisor"
    KATA = "kata"
    WSL1 = "wsl1"
    WSL2 = "wsl2"
    KUBERNETES = "kubernetes"
    DOCKER = "docker"
    PODMAN = "podman"
    LXC = "lxc"
    SYSTEMD_NSPAWN = "systemd-nspawn"
    OPENVZ = "openvz"
    VM = "vm"
    HOST = "host"
    UNKNOWN = "unknown"


@record(frozen=True)
class Detail:
    """A detail a verdict may carry (``details[key]``); ``confidence`` names the
    key holding how sure that detail is, when it is a judgement, not a fact."""

    key: str
    about: str
    confidence: str | None = None


@record
class Reasoning:
    """What an environment's hook reads and may add to: the table, the live
    signals, every environment's score, and the verdict's details and caveats."""

    table: MountTable
    signals: Signals | None
    scores: Mapping[Environment, float]
    details: dict[str, Any]
    caveats: list[str]
    # Lines of reasoning shown under the verdict, and named hypotheses with
    # what the table says about them.
    reasoning: list[str] = field(default_factory=list)
    hypotheses: list[Any] = field(default_factory=list)


Hook = Callable[[Reasoning], None]


@record(frozen=True)
class EnvironmentRow:
    name: Environment
    # None: not an environment that can be scored (unknown).
    layer: int | None
    description: str
    details: tuple[Detail, ...] = ()
    # The detail this environment adds when it is established beneath the
    # verdict (a pod under gVisor: runtime=kubernetes).
    beneath: tuple[str, str] | None = None
    # Whether ``beneath`` is also added when this environment is the verdict.
    beneath_when_verdict: bool = False
    # Reasoning of its own, run when this environment is the verdict.
    hook: Hook | None = None
    # Reasoning run when the environment has some evidence but is not the verdict.
    hint: Hook | None = None
    # What a verdict of this environment cannot rule out, said beside it.
    caveat: str | None = None


def _lambda_hook(reasoning: Reasoning) -> None:
    from mountscope.classify import lambda_

    lambda_.reason(reasoning)


def _lambda_hint(reasoning: Reasoning) -> None:
    from mountscope.classify import lambda_

    lambda_.hint(reasoning)


HYPERVISOR = Detail("hypervisor", "the hypervisor or device family under the system")
PLATFORM = Detail("platform", "the product or service that runs it")
RUNTIME = Detail("runtime", "the orchestrator under a sandbox")
KERNEL = Detail("kernel", "the kernel a container runs on, when it is not the usual")
CONTAINER_RUNTIME = Detail("container_runtime", "the engine that made the container")
CODE_DELIVERY = Detail("code_delivery", "how the function's code reaches the sandbox")
LAMBDA_MODEL = Detail(
    "lambda_model", "which isolation model runs the sandbox", confidence="lambda_model_confidence"
)

# A machine's own table cannot rule out a process that shares it.
_SHARED_TABLE = (
    "a machine's own table looks the same from a process that shares it "
    "(a privileged container given the host's mounts, a chroot)"
)

_ROWS = (
    EnvironmentRow(
        Environment.AWS_LAMBDA,
        0,
        "an AWS Lambda execution environment",
        (LAMBDA_MODEL, CODE_DELIVERY, HYPERVISOR, PLATFORM),
        hook=_lambda_hook,
        hint=_lambda_hint,
    ),
    EnvironmentRow(Environment.GVISOR, 0, "a gVisor (runsc) sandbox", (RUNTIME, PLATFORM)),
    EnvironmentRow(Environment.KATA, 0, "a Kata Containers guest", (RUNTIME, PLATFORM)),
    EnvironmentRow(
        Environment.KUBERNETES,
        1,
        "a Kubernetes pod",
        (CONTAINER_RUNTIME, KERNEL, HYPERVISOR, PLATFORM),
        beneath=("runtime", "kubernetes"),
    ),
    EnvironmentRow(
        Environment.DOCKER,
        2,
        "a Docker (or containerd) container",
        (CONTAINER_RUNTIME, KERNEL, HYPERVISOR, PLATFORM),
    ),
    EnvironmentRow(
        Environment.PODMAN,
        2,
        "a Podman or CRI-O container",
        (CONTAINER_RUNTIME, KERNEL, HYPERVISOR, PLATFORM),
    ),
    EnvironmentRow(
        Environment.LXC, 2, "an LXC, LXD or Incus container", (KERNEL, HYPERVISOR, PLATFORM)
    ),
    EnvironmentRow(
        Environment.SYSTEMD_NSPAWN, 2, "a systemd-nspawn container", (KERNEL, HYPERVISOR, PLATFORM)
    ),
    EnvironmentRow(Environment.OPENVZ, 2, "an OpenVZ or Virtuozzo container", (PLATFORM,)),
    EnvironmentRow(Environment.WSL2, 3, "a WSL2 distribution", (KERNEL, HYPERVISOR, PLATFORM)),
    EnvironmentRow(
        Environment.WSL1,
        3,
        "a WSL1 distribution (no Linux kernel)",
        (PLATFORM,),
        beneath=("kernel", "wsl1"),
    ),
    EnvironmentRow(
        Environment.FIRECRACKER,
        4,
        "a Firecracker microVM",
        (HYPERVISOR, PLATFORM),
        beneath=("hypervisor", "firecracker"),
        beneath_when_verdict=True,
    ),
    EnvironmentRow(
        Environment.VM,
        5,
        "a virtual machine",
        (HYPERVISOR, PLATFORM),
        caveat=_SHARED_TABLE,
    ),
    EnvironmentRow(
        Environment.HOST,
        6,
        "a machine's own table, with no mark of a hypervisor",
        (HYPERVISOR, PLATFORM),
        caveat=_SHARED_TABLE,
    ),
    EnvironmentRow(Environment.UNKNOWN, None, "the table does not say", (PLATFORM,)),
)

ENVIRONMENTS: dict[Environment, EnvironmentRow] = {row.name: row for row in _ROWS}
if set(ENVIRONMENTS) != set(Environment) or len(ENVIRONMENTS) != len(_ROWS):
    raise RuntimeError("every Environment needs exactly one row in the environments table")

# Every detail any environment may carry, by key (for rendering).
DETAILS: dict[str, Detail] = {d.key: d for row in _ROWS for d in row.details}


def layer_of(environment: Environment) -> int | None:
    return ENVIRONMENTS[environment].layer


def scored(environment: str) -> bool:
    """Whether ``environment`` is a registered environment with a layer (one a verdict can name)."""
    return environment in ENVIRONMENTS and ENVIRONMENTS[Environment(environment)].layer is not None
