"""The classifier's rules: one table, one row per rule.

Each row names what it matches (a pattern on one mount's fields, a named
check on the whole table, or a live signal), the environment it speaks for
(negative weight: against), how much, and the sentence that explains it. The
public source of each fact is in the comment above its row.

Weights: 4 decisive (practically unique to the environment), 2.5-3 strong,
1-1.5 moderate, 0.5 weak. Adding a rule is adding a row.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass

from mountscope.model import Mount, MountTable
from mountscope.model.signals import Signals

DECISIVE, STRONG, MODERATE, WEAK = 4.0, 2.5, 1.2, 0.5


@dataclass(frozen=True)
class MountPattern:
    """What one mount must look like; every given part must match.

    The exact parts (target, target_prefixes, source, fstype, kind) also pick
    the candidates from an index, so that a rule never scans every mount.
    """

    target: frozenset[str] | None = None
    target_prefixes: tuple[str, ...] | None = None
    target_re: str | None = None
    fstype: frozenset[str] | None = None
    kind: str | None = None
    source: frozenset[str] | None = None
    source_re: str | None = None
    fsroot_re: str | None = None
    options_re: str | None = None

    def fields(self) -> set[str]:
        """Model fields the pattern reads (a capture without them cannot match)."""
        needed = set()
        if self.target is not None or self.target_prefixes or self.target_re:
            needed.add("target")
        if self.fstype is not None:
            needed.add("fstype")
        if self.kind or self.source is not None or self.source_re:
            needed.add("source")
        if self.fsroot_re:
            needed.add("fsroot")
        if self.options_re:
            needed.add("options")
        return needed

    def compiled(self) -> list[tuple[str, re.Pattern[str]]]:
        parts = []
        for name in ("target_re", "source_re", "fsroot_re", "options_re"):
            value = getattr(self, name)
            if value:
                parts.append((name[:-3], re.compile(value)))
        return parts


@dataclass(frozen=True)
class Rule:
    id: str
    says: str
    weight: float
    why: str
    mount: MountPattern | None = None
    # Named checks on the whole table: indices of the mounts they rest on, or None.
    table: Callable[[MountTable, TableIndex], list[int] | None] | None = None
    # Live signal checks: (signal name, matched value) or None.
    signal: Callable[[Signals], tuple[str, str] | None] | None = None
    # A fact the rule establishes when it fires: (details key, value).
    detail: tuple[str, str] | None = None


class TableIndex:
    """Mounts of a capture indexed once, so that rules never scan 50 000 mounts each."""

    def __init__(self, capture: MountTable) -> None:
        self.capture = capture
        self.by_target: dict[str, list[int]] = {}
        self.by_fstype: dict[str, list[int]] = {}
        self.by_kind: dict[str, list[int]] = {}
        self.by_source: dict[str, list[int]] = {}
        self.binds: list[int] = []
        for i, m in enumerate(capture.mounts):
            self.by_target.setdefault(m.target, []).append(i)
            self.by_fstype.setdefault(m.fstype, []).append(i)
            self.by_kind.setdefault(m.kind, []).append(i)
            self.by_source.setdefault(m.source, []).append(i)
            if m.fsroot not in (None, "/"):
                self.binds.append(i)
        self.root = self.by_target.get("/", [None])[-1]  # the visible /
        self._sorted_targets: list[str] | None = None

    def with_prefix(self, prefix: str) -> list[int]:
        """Mounts whose target starts with ``prefix`` (binary search, in table order)."""
        if self._sorted_targets is None:
            self._sorted_targets = sorted(self.by_target)
        targets = self._sorted_targets
        start = bisect.bisect_left(targets, prefix)
        found: list[int] = []
        for target in targets[start:]:
            if not target.startswith(prefix):
                break
            found.extend(self.by_target[target])
        return sorted(found)

    def candidates(self, pattern: MountPattern) -> list[int]:
        if pattern.target is not None:
            return sorted(i for t in pattern.target for i in self.by_target.get(t, ()))
        if pattern.target_prefixes:
            return sorted({i for p in pattern.target_prefixes for i in self.with_prefix(p)})
        if pattern.source is not None:
            return sorted(i for src in pattern.source for i in self.by_source.get(src, ()))
        if pattern.fstype is not None:
            return sorted(i for f in pattern.fstype for i in self.by_fstype.get(f, ()))
        if pattern.kind is not None:
            return self.by_kind.get(pattern.kind, [])
        if pattern.fsroot_re is not None:
            return self.binds
        return list(range(len(self.capture.mounts)))

    def matches(self, pattern: MountPattern) -> list[int]:
        mounts = self.capture.mounts
        checks = pattern.compiled()
        found = []
        for i in self.candidates(pattern):
            m = mounts[i]
            if pattern.fstype is not None and m.fstype not in pattern.fstype:
                continue
            if pattern.kind is not None and m.kind != pattern.kind:
                continue
            if pattern.target is not None and m.target not in pattern.target:
                continue
            if pattern.source is not None and m.source not in pattern.source:
                continue
            for name, regex in checks:
                if regex.search(_field(m, name) or "") is None:
                    break
            else:
                found.append(i)
        return found

    def mount(self, index: int | None) -> Mount | None:
        return None if index is None else self.capture.mounts[index]


def _field(m: Mount, name: str) -> str | None:
    if name == "options":
        return ",".join(filter(None, (m.options, m.fs_options)))
    return getattr(m, name)


# --- named checks on the whole table -----------------------------------------------

LAMBDA_SANDBOX_DIRS = ("/var/runtime", "/var/lang", "/opt", "/tmp")
WORKER = "/opt/amazon/asc/worker/"


def lambda_sandbox_layout(capture: MountTable, ix: TableIndex) -> list[int] | None:
    """Separate mounts on /var/task and on at least two of Lambda's other sandbox dirs."""
    task = ix.by_target.get("/var/task")
    others = [ix.by_target[d][0] for d in LAMBDA_SANDBOX_DIRS if d in ix.by_target]
    return [task[0], *others] if task and len(others) >= 2 else None


def lambda_worker_binds(capture: MountTable, ix: TableIndex) -> list[int] | None:
    """Two or more sandbox files bound from the worker's directories (not /var/task)."""
    found = [i for i in ix.binds if (capture.mounts[i].fsroot or "").startswith(WORKER)
             and capture.mounts[i].target not in ("/", "/var/task")]
    return found if len(found) >= 2 else None


def lambda_emulator(capture: MountTable, ix: TableIndex) -> list[int] | None:
    """A Lambda-shaped /var/task inside a Docker container: SAM local, lambci, localstack."""
    root = ix.mount(ix.root)
    if "/var/task" in ix.by_target and root is not None and root.fstype == "overlay" \
            and "/var/lib/docker/" in (root.fs_options or root.options):
        return [ix.by_target["/var/task"][0]]
    return None


def gvisor_all_none(capture: MountTable, ix: TableIndex) -> list[int] | None:
    """Every mount's source is "none" and the root is an overlay or a 9p gofer mount."""
    mounts = capture.mounts
    root = ix.mount(ix.root)
    if len(mounts) >= 3 and root is not None and root.fstype in ("overlay", "9p") \
            and all(m.source == "none" for m in mounts):
        return [ix.root] if ix.root is not None else None
    return None


def block_device_root(capture: MountTable, ix: TableIndex) -> list[int] | None:
    """/ is a whole filesystem on a block device (not a bind, not an overlay)."""
    root = ix.mount(ix.root)
    if root is None or root.kind not in ("virtio", "xen", "nvme", "scsi", "dm") \
            and not re.match(r"/dev/(mmcblk|hd|sr|ubd)", root.source):
        return None
    if root.fsroot not in (None, "/") and root.fstype != "btrfs":
        return None
    return [ix.root] if ix.root is not None else None


def overlay_root(capture: MountTable, ix: TableIndex) -> list[int] | None:
    root = ix.mount(ix.root)
    return [ix.root] if root is not None and root.fstype == "overlay" and ix.root is not None else None


def host_leaked_dockerenv(capture: MountTable, ix: TableIndex) -> list[int] | None:
    """/.dockerenv exists but / is a block device: the file was left in the image."""
    signals = capture.signals
    if signals is None or not signals.markers.get("/.dockerenv"):
        return None
    return block_device_root(capture, ix)


def root_is_dev_root_with_virtio(capture: MountTable, ix: TableIndex) -> list[int] | None:
    root = ix.mount(ix.root)
    if root is not None and root.source == "/dev/root" and (ix.by_kind.get("virtio")):
        return [ix.root] if ix.root is not None else None
    return None


# --- live signal checks --------------------------------------------------------------

_FC_DEFAULT_ARGS = ("nomodule", "8250.nr_uarts=0", "i8042.noaux", "i8042.nomux", "i8042.dumbkbd",
                    "swiotlb=noforce", "pci=off")
# Firecracker's CPUID normalisation rewrites the brand string.
_FC_BRAND = re.compile(r"(Intel\(R\) Xeon\(R\) Processor( @ \d+\.\d+GHz)?|AMD EPYC)$")
# Virtio device ids Firecracker can present: net, block, rng, balloon, vsock, mem, pmem.
_FC_VIRTIO = frozenset({"0x0001", "0x0002", "0x0004", "0x0005", "0x0013", "0x0018", "0x001b"})
_DMI_VMS = (  # (vendor or product substring, hypervisor name) as systemd-detect-virt's table
    ("QEMU", "qemu"), ("KVM", "kvm"), ("VMware", "vmware"), ("VirtualBox", "virtualbox"),
    ("innotek", "virtualbox"), ("Xen", "xen"), ("Bochs", "bochs"), ("Parallels", "parallels"),
    ("BHYVE", "bhyve"), ("OpenStack", "kvm"), ("KubeVirt", "kvm"),
)


def sig_virtio_mmio(s: Signals) -> tuple[str, str] | None:
    # A parameter of its own, not the text inside another one ("xvirtio_mmio.device=").
    device = next((w for w in (s.cmdline or "").split() if w.startswith("virtio_mmio.device=")), None)
    return ("cmdline", device) if device is not None else None


def sig_firecracker_args(s: Signals) -> tuple[str, str] | None:
    if not s.cmdline:
        return None
    words = s.cmdline.split()
    found = [a for a in _FC_DEFAULT_ARGS if a in words]
    if "reboot=k" in words and "panic=1" in words and len(found) >= 2:
        return "cmdline", " ".join(["reboot=k", "panic=1", *found])
    return None


def sig_kata_cmdline(s: Signals) -> tuple[str, str] | None:
    if s.cmdline and ("systemd.unit=kata-containers.target" in s.cmdline or " agent." in f" {s.cmdline}"):
        return "cmdline", "kata-containers.target / agent.*"
    return None


def sig_gvisor_kernel(s: Signals) -> tuple[str, str] | None:
    if s.cmdline and "-gvisor" in s.cmdline and s.cmdline.startswith("BOOT_IMAGE="):
        return "cmdline", s.cmdline
    if s.version and (s.version.startswith("Linux version 4.4.0 #1 SMP Sun Jan 10 15:06:54 PST 2016")
                      or "-gvisor " in s.version):
        return "version", s.version
    return None


def sig_firecracker_cpu(s: Signals) -> tuple[str, str] | None:
    brand = (s.cpu or {}).get("model name")
    if brand and _FC_BRAND.match(brand):
        return "cpuinfo", brand
    return None


def sig_firecracker_template(s: Signals) -> tuple[str, str] | None:
    """Static CPU templates C3 (Ivy Bridge 62/4) and T2 (Haswell 63/2) with newer CPU flags."""
    cpu = s.cpu or {}
    signature = (cpu.get("cpu family"), cpu.get("model"), cpu.get("stepping"))
    newer = any(flag in (cpu.get("flags") or "").split() for flag in ("ibrs_enhanced", "md_clear", "arch_capabilities"))
    if signature in (("6", "62", "4"), ("6", "63", "2")) and newer and sig_firecracker_cpu(s):
        return "cpuinfo", f"family {signature[0]} model {signature[1]} stepping {signature[2]}"
    return None


def sig_no_dmi_x86(s: Signals) -> tuple[str, str] | None:
    if s.dmi_present is False and (s.machine or "").startswith(("x86", "i686")) and s.cmdline is not None:
        return "dmi", "/sys/class/dmi/id is missing"
    return None


def sig_fc_acpi(s: Signals) -> tuple[str, str] | None:
    names = [n.split(":")[0] for n in s.acpi_devices or ()]
    found = sorted({n for n in names if n in ("LNRO0005", "VMGENCTR", "AMZNC10C")})
    return ("acpi", ", ".join(found)) if found else None


def sig_fc_virtio_set(s: Signals) -> tuple[str, str] | None:
    devices = s.virtio_devices
    if devices and set(devices) <= _FC_VIRTIO:
        return "virtio", " ".join(sorted(devices))
    return None


def sig_virtio_without_pci(s: Signals) -> tuple[str, str] | None:
    if s.virtio_devices and s.pci_devices == 0:
        return "pci", "no PCI devices, virtio devices present"
    return None


def sig_hypervisor_flag(s: Signals) -> tuple[str, str] | None:
    flags = ((s.cpu or {}).get("flags") or "").split()
    return ("cpuinfo", "hypervisor flag") if "hypervisor" in flags else None


def _dmi_text(s: Signals) -> str:
    return " ".join((s.dmi or {}).get(k, "") for k in ("sys_vendor", "product_name", "board_vendor", "bios_vendor"))


def sig_dmi_vm(s: Signals) -> tuple[str, str] | None:
    text = _dmi_text(s)
    for marker, _ in _DMI_VMS:
        if marker in text:
            return "dmi", text.strip()
    if "Microsoft Corporation" in text and "Virtual Machine" in text:
        return "dmi", text.strip()
    if "Google Compute Engine" in text:
        return "dmi", text.strip()
    if "Amazon EC2" in text and not (s.dmi or {}).get("product_name", "").endswith(".metal"):
        return "dmi", text.strip()
    return None


def sig_dmi_ec2_metal(s: Signals) -> tuple[str, str] | None:
    dmi = s.dmi or {}
    if "Amazon EC2" in _dmi_text(s) and dmi.get("product_name", "").endswith(".metal"):
        return "dmi", dmi["product_name"]
    return None


def sig_wsl1_kernel(s: Signals) -> tuple[str, str] | None:
    release = s.osrelease or ""
    return ("osrelease", release) if "Microsoft" in release and "WSL2" not in release else None


def sig_wsl2_kernel(s: Signals) -> tuple[str, str] | None:
    release = s.osrelease or ""
    return ("osrelease", release) if "microsoft-standard-WSL2" in release or "WSL2" in release else None


def _env(*names: str) -> Callable[[Signals], tuple[str, str] | None]:
    def check(s: Signals) -> tuple[str, str] | None:
        for name in names:
            if name in s.env:
                return "env", f"{name}={s.env[name]}"
        return None

    check.__name__ = f"env_{'_'.join(names)}"
    return check


def sig_fargate(s: Signals) -> tuple[str, str] | None:
    value = s.env.get("AWS_EXECUTION_ENV", "")
    return ("env", f"AWS_EXECUTION_ENV={value}") if value.startswith("AWS_ECS_FARGATE") else None


def sig_lambda_env(s: Signals) -> tuple[str, str] | None:
    if "AWS_LAMBDA_FUNCTION_NAME" in s.env and "AWS_LAMBDA_RUNTIME_API" in s.env:
        return "env", f"AWS_LAMBDA_FUNCTION_NAME={s.env['AWS_LAMBDA_FUNCTION_NAME']}"
    return None


def sig_lambda_hostname(s: Signals) -> tuple[str, str] | None:
    if s.hostname and re.fullmatch(r"169\.254\.\d+\.\d+", s.hostname):
        return "hostname", s.hostname
    return None


def _marker(path: str) -> Callable[[Signals], tuple[str, str] | None]:
    def check(s: Signals) -> tuple[str, str] | None:
        return ("file", f"{path} exists") if s.markers.get(path) else None

    check.__name__ = f"marker_{path}"
    return check


def _systemd_container(*values: str) -> Callable[[Signals], tuple[str, str] | None]:
    def check(s: Signals) -> tuple[str, str] | None:
        value = s.systemd_container or s.env.get("container")
        return ("container", value) if value in values else None

    check.__name__ = f"container_{'_'.join(values)}"
    return check


def _cgroup(pattern: str) -> Callable[[Signals], tuple[str, str] | None]:
    regex = re.compile(pattern, re.M)

    def check(s: Signals) -> tuple[str, str] | None:
        for name, text in (("cgroup", s.cgroup_self), ("cgroup", s.cgroup_init)):
            match = regex.search(text or "")
            if match:
                return name, match.group(0)
        return None

    check.__name__ = f"cgroup_{pattern}"
    return check


# --- the table ---------------------------------------------------------------------

RULES: tuple[Rule, ...] = (
    # AWS Lambda. The worker agent's on-guest layout: origin article's captures;
    # fd listing /opt/amazon/asc/worker/sb_log (2019 "debugging lambda limits").
    Rule("lambda.worker-root", "aws-lambda", 3.0,
         "the root is the Lambda worker's flattened runtime image (rtfs)",
         mount=MountPattern(target=frozenset({"/"}), fsroot_re=r"^/opt/amazon/asc/worker/")),
    Rule("lambda.worker-binds", "aws-lambda", STRONG,
         "{count} sandbox files are bound from the Lambda worker's directories (/opt/amazon/asc/worker)",
         table=lambda_worker_binds),
    # /var/task bound from tasks/<account>/<function>/<uuid> on vdb (article, pattern 2).
    Rule("lambda.task-dir", "aws-lambda", 1.5,
         "/var/task is bound from the worker's per-function task directory (tasks/<account>/<function>/<id>)",
         mount=MountPattern(target=frozenset({"/var/task"}), fsroot_re=r"^/opt/amazon/asc/worker/tasks/"),
         detail=("code_delivery", "extracted directory on the scratch disk")),
    # Container-image functions: overlay root from .../tasks/rtfs/inline-manifest
    # (captured `mount` in bruceadams/run-command-on-aws-lambda's README).
    Rule("lambda.inline-manifest", "aws-lambda", DECISIVE,
         "the root is an overlay of the worker's inline manifest: a Lambda function deployed as a container image",
         mount=MountPattern(target=frozenset({"/"}), source_re=r"/opt/amazon/asc/worker/"),
         detail=("code_delivery", "container image")),
    # The runtime API daemon ("rapid") mounted from /dev/root (same README).
    Rule("lambda.var-rapid", "aws-lambda", STRONG,
         "/var/rapid is a separate mount: Lambda's runtime-API daemon (rapid)",
         mount=MountPattern(target=frozenset({"/var/rapid"}), source_re=r"^/dev/")),
    # LAMBDA_TASK_ROOT=/var/task, LAMBDA_RUNTIME_DIR=/var/runtime (Lambda docs).
    Rule("lambda.sandbox-layout", "aws-lambda", 2.0,
         "{count} of Lambda's sandbox directories (/var/task and others) are separate mounts",
         table=lambda_sandbox_layout),
    Rule("lambda.boot-id", "aws-lambda", MODERATE,
         "a file is bound over the boot id: the sandbox fakes it",
         mount=MountPattern(target=frozenset({"/proc/sys/kernel/random/boot_id"}))),
    Rule("lambda.var-task-loop", "aws-lambda", 0.8,
         "/var/task is a filesystem image on a loop device",
         mount=MountPattern(target=frozenset({"/var/task"}), kind="loop"),
         detail=("code_delivery", "filesystem image on a loop device")),
    # SAM local, lambci and localstack bind /var/task inside a Docker container.
    Rule("lambda.emulator", "aws-lambda", -3.0,
         "/var/task sits in a Docker container: a Lambda emulator (SAM local, lambci, localstack), not Lambda",
         table=lambda_emulator),
    Rule("lambda.env", "aws-lambda", STRONG,
         "Lambda's environment variables are set ({value}); emulators set them too",
         signal=sig_lambda_env),
    Rule("lambda.hostname", "aws-lambda", 1.5,
         "the hostname is a link-local address ({value}), as in Lambda's sandboxes",
         signal=sig_lambda_hostname),

    # Virtual machines. virtio-blk disks appear as /dev/vd* in KVM-family guests
    # (Firecracker, QEMU, Cloud Hypervisor); EC2 shows xvd* (Xen) or nvme* (Nitro).
    Rule("vm.virtio-disk", "vm", STRONG,
         "a virtio disk (vd*): a KVM-family guest (Firecracker, QEMU, Cloud Hypervisor...); EC2 instances never show one",
         mount=MountPattern(kind="virtio"), detail=("hypervisor", "kvm-family (virtio disks)")),
    Rule("vm.xen-disk", "vm", STRONG,
         "a Xen virtual disk (xvd*): a Xen guest such as an older EC2 instance",
         mount=MountPattern(kind="xen"), detail=("hypervisor", "xen")),
    # Firecracker adds root=/dev/vda and boots without an initramfs (boot_source.rs).
    Rule("firecracker.dev-root", "firecracker", MODERATE,
         "the root is /dev/root with virtio disks: the kernel mounted it from root= without an "
         "initramfs, as Firecracker guests do",
         table=root_is_dev_root_with_virtio),
    # Firecracker: device_manager/mmio.rs adds virtio_mmio.device= per device.
    Rule("firecracker.virtio-mmio", "firecracker", STRONG,
         "the kernel command line announces virtio-mmio devices ({value}): Firecracker "
         "(or another microVM VMM: QEMU microvm, Kata)", signal=sig_virtio_mmio),
    # boot_source.rs: default "reboot=k panic=1 nomodule 8250.nr_uarts=0 i8042.noaux ...".
    Rule("firecracker.boot-args", "firecracker", 2.0,
         "the kernel command line carries Firecracker's default boot arguments ({value})",
         signal=sig_firecracker_args),
    # cpuid/intel/normalize.rs, amd/normalize.rs rewrite the brand string.
    Rule("firecracker.cpu-brand", "firecracker", STRONG,
         "the CPU's brand string is Firecracker's normalised one ('{value}')",
         signal=sig_firecracker_cpu),
    Rule("firecracker.cpu-template", "firecracker", MODERATE,
         "the CPU presents a Firecracker static template signature ({value}) with newer features",
         signal=sig_firecracker_template),
    # Firecracker offers no BIOS and no SMBIOS (NSDI 2020 paper).
    Rule("firecracker.no-dmi", "firecracker", MODERATE,
         "no DMI tables on x86 ({value}): a VM without SMBIOS, as Firecracker's, or a sandbox hiding sysfs",
         signal=sig_no_dmi_x86),
    # mmio.rs (LNRO0005), vmgenid.rs (VMGENCTR), vmclock.rs (AMZNC10C); Firecracker >= 1.8.
    Rule("firecracker.acpi", "firecracker", MODERATE,
         "ACPI devices of Firecracker's device model are present ({value})", signal=sig_fc_acpi),
    Rule("firecracker.virtio-set", "firecracker", 1.0,
         "the virtio devices ({value}) are all of kinds Firecracker provides, and no console or 9p",
         signal=sig_fc_virtio_set),
    Rule("firecracker.no-pci", "firecracker", 1.0,
         "{value}: virtio over MMIO, Firecracker's default transport", signal=sig_virtio_without_pci),
    Rule("firecracker.fly", "firecracker", STRONG,
         "fly.io's environment is set ({value}): a fly.io Machine, a Firecracker microVM",
         signal=_env("FLY_MACHINE_ID", "FLY_APP_NAME"), detail=("platform", "fly.io")),
    # systemd-detect-virt's DMI table (virt.c detect_vm_dmi).
    Rule("vm.dmi", "vm", 3.0, "the DMI tables name a virtual machine ({value})", signal=sig_dmi_vm),
    Rule("vm.hypervisor-flag", "vm", WEAK, "the CPU reports the hypervisor flag", signal=sig_hypervisor_flag),
    Rule("host.ec2-metal", "host", 3.0, "the DMI tables name an EC2 bare-metal instance ({value})",
         signal=sig_dmi_ec2_metal, detail=("platform", "EC2 bare metal")),

    # gVisor: mount.go prints every source as "none"; gofer mounts are 9p with
    # trans=fd,rfdno=,wfdno= (fsimpl/gofer/gofer.go).
    Rule("gvisor.gofer-9p", "gvisor", DECISIVE,
         "gVisor's gofer filesystem (9p over trans=fd with rfdno=/wfdno=)",
         mount=MountPattern(fstype=frozenset({"9p"}), options_re=r"trans=fd.*rfdno=|rfdno=.*trans=fd")),
    Rule("gvisor.all-none", "gvisor", STRONG,
         "every source is \"none\" and the root is an overlay: gVisor's synthetic mount table",
         table=gvisor_all_none),
    # tasks_files.go (cmdline), version.go (release): fixed strings.
    Rule("gvisor.kernel", "gvisor", DECISIVE, "the kernel identifies as gVisor's ({value})",
         signal=sig_gvisor_kernel),

    # Kata Containers: the shared rootfs is "kataShared" (kata-containers/runtime#1748).
    Rule("kata.shared", "kata", DECISIVE, "the source is kataShared: a Kata Containers guest",
         mount=MountPattern(source=frozenset({"kataShared"}))),
    Rule("kata.cmdline", "kata", DECISIVE, "the kernel command line is a Kata agent's ({value})",
         signal=sig_kata_cmdline),

    # WSL. WSL2: drvfs over 9p (aname=drvfs), /mnt/wsl(g) tmpfs (microsoft/WSL#7152, #11931).
    Rule("wsl2.drvfs-9p", "wsl2", DECISIVE, "a Windows drive over 9p (aname=drvfs): WSL2",
         mount=MountPattern(fstype=frozenset({"9p"}), options_re=r"aname=drvfs")),
    Rule("wsl2.wslg", "wsl2", STRONG, "WSL2's shared tmpfs",
         mount=MountPattern(target=frozenset({"/mnt/wsl", "/mnt/wslg"}))),
    Rule("wsl2.drivers", "wsl2", STRONG, "WSL2's Windows GPU drivers and libraries",
         mount=MountPattern(target=frozenset({"/usr/lib/wsl/drivers", "/usr/lib/wsl/lib"}))),
    Rule("wsl2.kernel", "wsl2", STRONG,
         "the kernel is Microsoft's WSL2 kernel ({value}); Docker Desktop's containers run on it too",
         signal=sig_wsl2_kernel, detail=("kernel", "wsl2")),
    Rule("wsl.env", "wsl2", STRONG, "a WSL distribution's environment is set ({value})",
         signal=_env("WSL_DISTRO_NAME", "WSL_INTEROP")),
    # WSL1: lxfs root and drvfs drives (microsoft/WSL#4529, #2181).
    Rule("wsl1.lxfs", "wsl1", DECISIVE, "lxfs or wslfs: WSL1's Linux filesystem",
         mount=MountPattern(fstype=frozenset({"lxfs", "wslfs"}))),
    Rule("wsl1.drvfs", "wsl1", DECISIVE, "drvfs: a Windows drive in WSL1",
         mount=MountPattern(fstype=frozenset({"drvfs"}))),
    Rule("wsl1.kernel", "wsl1", 3.0, "the kernel release is WSL1's ({value})", signal=sig_wsl1_kernel),

    # Docker: overlay2 layers under /var/lib/docker; hostname/hosts/resolv.conf bound
    # from /var/lib/docker/containers/<id>/ (Docker's layout).
    Rule("docker.overlay-root", "docker", 3.0,
         "/ is an overlay of Docker image layers (/var/lib/docker/overlay2)",
         mount=MountPattern(target=frozenset({"/"}), fstype=frozenset({"overlay"}),
                            options_re=r"lowerdir=[^,]*/docker/overlay2/"),
         detail=("container_runtime", "docker")),
    Rule("docker.container-files", "docker", 3.0,
         "bound from Docker's per-container directory (/var/lib/docker/containers/<id>)",
         mount=MountPattern(fsroot_re=r"/docker/containers/[0-9a-f]{64}/"),
         detail=("container_runtime", "docker")),
    # containerd's snapshotter (Kubernetes CRI, nerdctl, Docker's containerd store).
    Rule("containerd.overlay-root", "docker", 2.0,
         "the root is an overlay of containerd snapshots: a container run by containerd",
         mount=MountPattern(target=frozenset({"/"}), fstype=frozenset({"overlay"}),
                            options_re=r"io\.containerd\.snapshotter"),
         detail=("container_runtime", "containerd")),
    Rule("container.overlay-root", "docker", WEAK,
         "the root is an overlay; alone that does not make a container (live media, fly.io and "
         "Lambda images use overlays too)", table=overlay_root),
    Rule("docker.dockerenv", "docker", 1.5,
         "{value}; the file can be left in an image, so this is not proof", signal=_marker("/.dockerenv")),
    Rule("docker.dockerenv-leaked", "docker", -2.0,
         "/.dockerenv exists but the root is a block device, not a container's overlay: "
         "the file was left in the image", table=host_leaked_dockerenv),
    Rule("docker.cgroup", "docker", STRONG, "the cgroup path is Docker's ({value})",
         signal=_cgroup(r"/docker[/-][0-9a-f]{12,}|docker-[0-9a-f]{64}\.scope")),
    Rule("docker.container-env", "docker", 3.0, "the container manager says {value}",
         signal=_systemd_container("docker", "oci")),
    Rule("fargate.env", "docker", 1.5, "ECS on Fargate's environment is set ({value})",
         signal=sig_fargate, detail=("platform", "AWS Fargate")),

    # Podman and CRI-O: containers/storage (rootful and rootless), userdata binds.
    Rule("podman.storage-root", "podman", 3.0, "the root is an overlay from containers/storage (Podman or CRI-O)",
         mount=MountPattern(target=frozenset({"/"}), fstype=frozenset({"overlay"}),
                            options_re=r"containers/storage/overlay"),
         detail=("container_runtime", "podman or cri-o")),
    Rule("podman.userdata", "podman", 3.0, "bound from a Podman container's userdata directory",
         mount=MountPattern(fsroot_re=r"overlay-containers/[0-9a-f]{64}/userdata/"),
         detail=("container_runtime", "podman")),
    Rule("podman.containerenv", "podman", 3.0, "{value}: Podman's marker file", signal=_marker("/run/.containerenv")),
    Rule("podman.container-env", "podman", 3.0, "the container manager says {value}",
         signal=_systemd_container("podman")),
    Rule("podman.cgroup", "podman", STRONG, "the cgroup path is Podman's ({value})", signal=_cgroup(r"libpod-[0-9a-f]{12,}")),

    # Kubernetes: kubelet's pod directories as mount roots (etc-hosts, containers/,
    # volumes/), the service-account token, termination-log; KUBERNETES_SERVICE_HOST.
    Rule("kubernetes.kubelet-roots", "kubernetes", DECISIVE,
         "bound from the kubelet's pod directory (/var/lib/kubelet/pods/<uid>)",
         mount=MountPattern(fsroot_re=r"/kubelet/pods/[0-9a-f-]{36}/")),
    Rule("kubernetes.serviceaccount", "kubernetes", STRONG,
         "a Kubernetes service-account token",
         mount=MountPattern(target=frozenset({"/run/secrets/kubernetes.io/serviceaccount",
                                              "/var/run/secrets/kubernetes.io/serviceaccount"}))),
    Rule("kubernetes.termination-log", "kubernetes", STRONG, "the termination log of a Kubernetes container",
         mount=MountPattern(target=frozenset({"/dev/termination-log"}))),
    Rule("kubernetes.env", "kubernetes", STRONG, "{value}: injected into every pod",
         signal=_env("KUBERNETES_SERVICE_HOST")),
    Rule("kubernetes.cgroup", "kubernetes", 3.0, "the cgroup path is a pod's ({value})", signal=_cgroup(r"kubepods[^\n]*")),

    # LXC/LXD/Incus: lxcfs over /proc files (NixOS incus test; Proxmox dumps); devlxd.
    Rule("lxc.lxcfs-proc", "lxc", 3.0, "lxcfs over a /proc or /sys file: an LXC/LXD/Incus container",
         mount=MountPattern(target=frozenset({"/proc/cpuinfo", "/proc/meminfo", "/proc/uptime",
                                              "/proc/stat", "/proc/loadavg", "/proc/diskstats",
                                              "/proc/swaps", "/sys/devices/system/cpu"}),
                            source_re=r"lxcfs")),
    Rule("lxc.devlxd", "lxc", 3.0, "the LXD/Incus guest API",
         mount=MountPattern(target=frozenset({"/dev/lxd", "/dev/incus"}))),
    Rule("lxc.idmapped-dev", "lxc", MODERATE,
         "/dev is owned by a shifted uid (uid=100000): an unprivileged container",
         mount=MountPattern(target=frozenset({"/dev"}), fstype=frozenset({"tmpfs"}),
                            options_re=r"uid=100000")),
    Rule("lxc.container-env", "lxc", 3.0, "the container manager says {value}", signal=_systemd_container("lxc", "lxc-libvirt")),
    Rule("lxc.cgroup", "lxc", STRONG, "the cgroup path is LXC's ({value})", signal=_cgroup(r"/lxc[./][^\n]*|lxc\.payload[^\n]*")),
    Rule("lxc.marker", "lxc", 3.0, "{value}: the LXD/Incus guest socket", signal=_marker("/dev/lxd/sock")),
    # lxcfs mounted only at /var/lib/lxcfs is a host running lxcfs (Ubuntu hosts).
    Rule("lxc.host-lxcfs", "lxc", -2.0,
         "lxcfs at /var/lib/lxcfs: a host that runs lxcfs for its containers",
         mount=MountPattern(target=frozenset({"/var/lib/lxcfs"}))),
    Rule("host.lxcfs", "host", 1.5, "lxcfs at /var/lib/lxcfs, where a host keeps it",
         mount=MountPattern(target=frozenset({"/var/lib/lxcfs"}))),

    # systemd-nspawn: /run/host/incoming (nspawn's mount tunnel), /run/host binds.
    Rule("nspawn.incoming", "systemd-nspawn", 3.0, "systemd-nspawn's mount tunnel",
         mount=MountPattern(target=frozenset({"/run/host/incoming"}))),
    Rule("nspawn.run-host", "systemd-nspawn", 1.5, "a file systemd-nspawn binds into its containers",
         mount=MountPattern(target=frozenset({"/run/host/os-release", "/run/host/unix-export",
                                              "/run/host/notify", "/run/host/journal"}))),
    Rule("nspawn.container-env", "systemd-nspawn", 3.0, "the container manager says {value}",
         signal=_systemd_container("systemd-nspawn")),

    # A host: container storage seen as mount points, the Firecracker jailer,
    # a boot partition, a block-device root.
    Rule("host.container-roots", "host", STRONG,
         "a container's root seen from outside: this table is a container host's",
         mount=MountPattern(target_prefixes=("/var/lib/docker/overlay2/", "/run/containerd/io.containerd.runtime.v2.task/",
                                             "/var/lib/containers/storage/overlay/"),
                            target_re=r"^/var/lib/docker/overlay2/[0-9a-f]{64}/merged$|"
                                      r"^/run/containerd/io\.containerd\.runtime\.v2\.task/.*/rootfs$|"
                                      r"^/var/lib/containers/storage/overlay/[0-9a-f]{64}/merged$")),
    Rule("host.kubelet-volumes", "host", STRONG,
         "a pod volume mounted by the kubelet: a Kubernetes node's own table",
         mount=MountPattern(target_prefixes=("/var/lib/kubelet/pods/",),
                            target_re=r"^/var/lib/kubelet/pods/[0-9a-f-]{36}/volumes/"),
         detail=("platform", "Kubernetes node")),
    Rule("host.jailer", "host", STRONG, "under the Firecracker jailer's chroot: a Firecracker host",
         mount=MountPattern(target_prefixes=("/srv/jailer/",)), detail=("platform", "Firecracker host")),
    Rule("host.boot", "host", 1.5, "a boot partition: a machine's own table",
         mount=MountPattern(target=frozenset({"/boot", "/boot/efi", "/efi"}))),
    Rule("host.block-root", "host", 1.0, "the root is a whole filesystem on a block device", table=block_device_root),
    Rule("host.user-runtime", "host", 1.0, "a login session's runtime directory",
         mount=MountPattern(target_prefixes=("/run/user/",), target_re=r"^/run/user/\d+$",
                            fstype=frozenset({"tmpfs"}))),

    # Platforms (details only): the environment comes from other evidence.
    Rule("platform.cloud-run", "unknown", 0.0, "Cloud Run's environment is set ({value})",
         signal=_env("K_SERVICE", "CLOUD_RUN_JOB"), detail=("platform", "Google Cloud Run")),
    Rule("platform.github-actions", "unknown", 0.0, "GitHub Actions' environment is set ({value})",
         signal=_env("GITHUB_ACTIONS"), detail=("platform", "GitHub Actions")),
    Rule("platform.azure", "unknown", 0.0, "Azure App Service's environment is set ({value})",
         signal=_env("WEBSITE_SITE_NAME"), detail=("platform", "Azure App Service")),
)
