"""Named checks: the rules that a mount pattern cannot express.

Every check has one signature, ``(table, index, signals) -> Hit | None``, and
is registered here under the name a rule row uses (rules.py). A check on the
mount table returns the mounts it rests on; a check on live signals returns
the signal and the value it read. Checks only look: they read nothing from
the machine and print nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from mountscope.classify.index import TableIndex
from mountscope.model import MountTable
from mountscope.model.signals import Signals
from mountscope.record import record


@record(frozen=True)
class Hit:
    """What a check found: the mounts (indices into the table) it rests on, or
    the live signal it read and the value that matched."""

    mounts: tuple[int, ...] = ()
    signal: str | None = None
    value: str | None = None


Check = Callable[[MountTable, TableIndex, "Signals | None"], "Hit | None"]
CHECKS: dict[str, Check] = {}


def register(name: str, check: Check) -> Check:
    if name in CHECKS:
        raise ValueError(f"check {name!r} is registered twice")
    CHECKS[name] = check
    return check


def check(name: str) -> Callable[[Check], Check]:
    """Decorator: register a check under ``name``."""
    return lambda function: register(name, function)


def _on(mounts: list[int] | None) -> Hit | None:
    return Hit(mounts=tuple(mounts)) if mounts else None


def _live(signal: str, value: str) -> Hit:
    return Hit(signal=signal, value=value)


# --- checks on the mount table -------------------------------------------------------

LAMBDA_SANDBOX_DIRS = ("/var/runtime", "/var/lang", "/opt", "/tmp")
WORKER = "/opt/amazon/asc/worker/"


@check("lambda-sandbox-layout")
def lambda_sandbox_layout(table: MountTable, ix: TableIndex, signals: Signals | None) -> Hit | None:
    """Separate mounts on /var/task and on at least two of Lambda's other sandbox dirs."""
    task = ix.by_target.get("/var/task")
    others = [ix.by_target[d][0] for d in LAMBDA_SANDBOX_DIRS if d in ix.by_target]
    return _on([task[0], *others]) if task and len(others) >= 2 else None


@check("lambda-worker-binds")
def lambda_worker_binds(table: MountTable, ix: TableIndex, signals: Signals | None) -> Hit | None:
    """Two or more sandbox files bound from the worker's directories (not /var/task)."""
    found = [
        i
        for i in ix.binds
        if (table.mounts[i].fsroot or "").startswith(WORKER)
        and table.mounts[i].target not in ("/", "/var/task")
    ]
    return _on(found) if len(found) >= 2 else None


@check("lambda-emulator")
def lambda_emulator(table: MountTable, ix: TableIndex, signals: Signals | None) -> Hit | None:
    """A Lambda-shaped /var/task inside a Docker container: SAM local, lambci, localstack."""
    root = ix.mount(ix.root)
    if (
        "/var/task" in ix.by_target
        and root is not None
        and root.fstype == "overlay"
        and "/var/lib/docker/" in (root.fs_options or root.options)
    ):
        return _on([ix.by_target["/var/task"][0]])
    return None


def _block_device_root(ix: TableIndex) -> list[int] | None:
    root = ix.mount(ix.root)
    if (
        root is None
        or root.kind not in ("virtio", "xen", "nvme", "scsi", "dm")
        and not re.match(r"/dev/(mmcblk|hd|sr|ubd)", root.source)
    ):
        return None
    if root.fsroot not in (None, "/") and root.fstype != "btrfs":
        return None
    return [ix.root] if ix.root is not None else None


@check("overlay-root")
def overlay_root(table: MountTable, ix: TableIndex, signals: Signals | None) -> Hit | None:
    root = ix.mount(ix.root)
    return (
        _on([ix.root])
        if root is not None and root.fstype == "overlay" and ix.root is not None
        else None
    )


@check("leaked-dockerenv")
def leaked_dockerenv(table: MountTable, ix: TableIndex, signals: Signals | None) -> Hit | None:
    """/.dockerenv exists (a live signal, passed in) but / is a block device:
    the file was left in the image."""
    if signals is None or not signals.markers.get("/.dockerenv"):
        return None
    return _on(_block_device_root(ix))


@check("dev-root-with-virtio")
def dev_root_with_virtio(table: MountTable, ix: TableIndex, signals: Signals | None) -> Hit | None:
    root = ix.mount(ix.root)
    if (
        root is not None
        and root.source == "/dev/root"
        and ix.by_kind.get("virtio")
        and ix.root is not None
    ):
        return _on([ix.root])
    return None


# --- checks on live signals ------------------------------------------------------------


def signal_check(name: str) -> Callable[[Callable[[Signals], Hit | None]], Check]:
    """Decorator: register a check that reads only live signals (none: no hit)."""

    def wrap(read: Callable[[Signals], Hit | None]) -> Check:
        def run(table: MountTable, ix: TableIndex, signals: Signals | None) -> Hit | None:
            return read(signals) if signals is not None else None

        run.__name__ = run.__qualname__ = read.__name__
        run.__doc__ = read.__doc__
        return register(name, run)

    return wrap


_FC_DEFAULT_ARGS = (
    "nomodule",
    "8250.nr_uarts=0",
    "i8042.noaux",
    "i8042.nomux",
    "i8042.dumbkbd",
    "swiotlb=noforce",
    "pci=off",
)
# Firecracker's CPUID normalisation rewrites the brand string.
_FC_BRAND = re.compile(r"(Intel\(R\) Xeon\(R\) Processor( @ \d+\.\d+GHz)?|AMD EPYC)$")
# Virtio device ids Firecracker can present: net, block, rng, balloon, vsock, mem, pmem.
_FC_VIRTIO = frozenset({"0x0001", "0x0002", "0x0004", "0x0005", "0x0013", "0x0018", "0x001b"})
_DMI_VMS = (  # vendor or product substrings, as systemd-detect-virt's table
    "QEMU",
    "KVM",
    "VMware",
    "VirtualBox",
    "innotek",
    "Xen",
    "Bochs",
    "Parallels",
    "BHYVE",
    "OpenStack",
    "KubeVirt",
)


@signal_check("virtio-mmio-cmdline")
def virtio_mmio(s: Signals) -> Hit | None:
    if s.cmdline and "virtio_mmio.device=" in s.cmdline:
        # A parameter of its own, not the text inside another one ("xvirtio_mmio.device=").
        device = next((w for w in s.cmdline.split() if w.startswith("virtio_mmio.device=")), None)
        return _live("cmdline", device) if device is not None else None
    return None


@signal_check("firecracker-boot-args")
def firecracker_args(s: Signals) -> Hit | None:
    if not s.cmdline:
        return None
    words = s.cmdline.split()
    found = [a for a in _FC_DEFAULT_ARGS if a in words]
    if "reboot=k" in words and "panic=1" in words and len(found) >= 2:
        return _live("cmdline", " ".join(["reboot=k", "panic=1", *found]))
    return None


@signal_check("kata-cmdline")
def kata_cmdline(s: Signals) -> Hit | None:
    if s.cmdline and (
        "systemd.unit=kata-containers.target" in s.cmdline or " agent." in f" {s.cmdline}"
    ):
        return _live("cmdline", "kata-containers.target / agent.*")
    return None


@signal_check("gvisor-kernel")
def gvisor_kernel(s: Signals) -> Hit | None:
    if s.cmdline and "-gvisor" in s.cmdline and s.cmdline.startswith("BOOT_IMAGE="):
        return _live("cmdline", s.cmdline)
    if s.version and (
        s.version.startswith("Linux version 4.4.0 #1 SMP Sun Jan 10 15:06:54 PST 2016")
        or "-gvisor " in s.version
    ):
        return _live("version", s.version)
    return None


def _fc_brand(s: Signals) -> str | None:
    brand = (s.cpu or {}).get("model name")
    return brand if brand and _FC_BRAND.match(brand) else None


@signal_check("firecracker-cpu-brand")
def firecracker_cpu(s: Signals) -> Hit | None:
    brand = _fc_brand(s)
    return _live("cpuinfo", brand) if brand else None


@signal_check("firecracker-cpu-template")
def firecracker_template(s: Signals) -> Hit | None:
    """Static CPU templates C3 (Ivy Bridge 62/4) and T2 (Haswell 63/2) with newer CPU flags."""
    cpu = s.cpu or {}
    signature = (cpu.get("cpu family"), cpu.get("model"), cpu.get("stepping"))
    newer = any(
        flag in (cpu.get("flags") or "").split()
        for flag in ("ibrs_enhanced", "md_clear", "arch_capabilities")
    )
    if signature in (("6", "62", "4"), ("6", "63", "2")) and newer and _fc_brand(s):
        return _live(
            "cpuinfo", f"family {signature[0]} model {signature[1]} stepping {signature[2]}"
        )
    return None


@signal_check("no-dmi-x86")
def no_dmi_x86(s: Signals) -> Hit | None:
    if (
        s.dmi_present is False
        and (s.machine or "").startswith(("x86", "i686"))
        and s.cmdline is not None
    ):
        return _live("dmi", "/sys/class/dmi/id is missing")
    return None


@signal_check("firecracker-acpi")
def fc_acpi(s: Signals) -> Hit | None:
    names = [n.split(":")[0] for n in s.acpi_devices or ()]
    found = sorted({n for n in names if n in ("LNRO0005", "VMGENCTR", "AMZNC10C")})
    return _live("acpi", ", ".join(found)) if found else None


@signal_check("firecracker-virtio-set")
def fc_virtio_set(s: Signals) -> Hit | None:
    devices = s.virtio_devices
    if devices and set(devices) <= _FC_VIRTIO:
        return _live("virtio", " ".join(sorted(devices)))
    return None


@signal_check("virtio-without-pci")
def virtio_without_pci(s: Signals) -> Hit | None:
    if s.virtio_devices and s.pci_devices == 0:
        return _live("pci", "no PCI devices, virtio devices present")
    return None


@signal_check("hypervisor-flag")
def hypervisor_flag(s: Signals) -> Hit | None:
    flags = ((s.cpu or {}).get("flags") or "").split()
    return _live("cpuinfo", "hypervisor flag") if "hypervisor" in flags else None


def _dmi_text(s: Signals) -> str:
    return " ".join(
        (s.dmi or {}).get(k, "")
        for k in ("sys_vendor", "product_name", "board_vendor", "bios_vendor")
    )


@signal_check("dmi-vm")
def dmi_vm(s: Signals) -> Hit | None:
    text = _dmi_text(s)
    if (
        any(marker in text for marker in _DMI_VMS)
        or ("Microsoft Corporation" in text and "Virtual Machine" in text)
        or "Google Compute Engine" in text
        or ("Amazon EC2" in text and not (s.dmi or {}).get("product_name", "").endswith(".metal"))
    ):
        return _live("dmi", text.strip())
    return None


@signal_check("dmi-ec2-metal")
def dmi_ec2_metal(s: Signals) -> Hit | None:
    dmi = s.dmi or {}
    if "Amazon EC2" in _dmi_text(s) and dmi.get("product_name", "").endswith(".metal"):
        return _live("dmi", dmi["product_name"])
    return None


@signal_check("wsl1-kernel")
def wsl1_kernel(s: Signals) -> Hit | None:
    release = s.osrelease or ""
    return _live("osrelease", release) if "Microsoft" in release and "WSL2" not in release else None


@signal_check("wsl2-kernel")
def wsl2_kernel(s: Signals) -> Hit | None:
    release = s.osrelease or ""
    return (
        _live("osrelease", release)
        if "microsoft-standard-WSL2" in release or "WSL2" in release
        else None
    )


@signal_check("fargate-env")
def fargate(s: Signals) -> Hit | None:
    value = s.env.get("AWS_EXECUTION_ENV", "")
    return (
        _live("env", f"AWS_EXECUTION_ENV={value}") if value.startswith("AWS_ECS_FARGATE") else None
    )


@signal_check("lambda-env")
def lambda_env(s: Signals) -> Hit | None:
    if "AWS_LAMBDA_FUNCTION_NAME" in s.env and "AWS_LAMBDA_RUNTIME_API" in s.env:
        return _live("env", f"AWS_LAMBDA_FUNCTION_NAME={s.env['AWS_LAMBDA_FUNCTION_NAME']}")
    return None


@signal_check("lambda-hostname")
def lambda_hostname(s: Signals) -> Hit | None:
    if s.hostname and re.fullmatch(r"169\.254\.\d+\.\d+", s.hostname):
        return _live("hostname", s.hostname)
    return None


# Families of signal checks, registered once per name below: an environment
# variable, a marker file, a cgroup path, the container manager's own name.


def _env(name: str, *variables: str) -> None:
    def read(s: Signals) -> Hit | None:
        for variable in variables:
            if variable in s.env:
                return _live("env", f"{variable}={s.env[variable]}")
        return None

    read.__name__ = name.replace("-", "_")
    signal_check(name)(read)


def _marker(name: str, path: str) -> None:
    def read(s: Signals) -> Hit | None:
        return _live("file", f"{path} exists") if s.markers.get(path) else None

    read.__name__ = name.replace("-", "_")
    signal_check(name)(read)


def _cgroup(name: str, pattern: str) -> None:
    regex = re.compile(pattern, re.M)

    def read(s: Signals) -> Hit | None:
        for text in (s.cgroup_self, s.cgroup_init):
            match = regex.search(text or "")
            if match:
                return _live("cgroup", match.group(0))
        return None

    read.__name__ = name.replace("-", "_")
    signal_check(name)(read)


def _container_manager(name: str, *values: str) -> None:
    def read(s: Signals) -> Hit | None:
        value = s.systemd_container or s.env.get("container")
        return _live("container", value) if value in values else None

    read.__name__ = name.replace("-", "_")
    signal_check(name)(read)


_env("fly-env", "FLY_MACHINE_ID", "FLY_APP_NAME")
_env("wsl-env", "WSL_DISTRO_NAME", "WSL_INTEROP")
_env("kubernetes-env", "KUBERNETES_SERVICE_HOST")
_env("cloud-run-env", "K_SERVICE", "CLOUD_RUN_JOB")
_env("github-actions-env", "GITHUB_ACTIONS")
_env("azure-env", "WEBSITE_SITE_NAME")
_marker("dockerenv-file", "/.dockerenv")
_marker("containerenv-file", "/run/.containerenv")
_marker("lxd-socket", "/dev/lxd/sock")
_cgroup("docker-cgroup", r"/docker[/-][0-9a-f]{12,}|docker-[0-9a-f]{64}\.scope")
_cgroup("podman-cgroup", r"libpod-[0-9a-f]{12,}")
_cgroup("kubepods-cgroup", r"kubepods[^\n]*")
_cgroup("lxc-cgroup", r"/lxc[./][^\n]*|lxc\.payload[^\n]*")
_container_manager("manager-docker", "docker", "oci")
_container_manager("manager-podman", "podman")
_container_manager("manager-lxc", "lxc", "lxc-libvirt")
_container_manager("manager-nspawn", "systemd-nspawn")


# --- checks for plain machines, partial tables and container marks -------------------

# Kernel facilities a machine mounts for itself and container engines do not
# hand to their containers (Docker, Podman, LXC and nspawn leave them out).
HOST_FACILITIES = frozenset(
    {
        "securityfs",
        "debugfs",
        "tracefs",
        "configfs",
        "pstore",
        "efivarfs",
        "usbfs",
        "binfmt_misc",
        "rpc_pipefs",
        "nfsd",
    }
)
_BLOCK_SOURCE = re.compile(
    r"/dev/(mmcblk\d|hd[a-z]|sd[a-z]|nvme\d|xvd[a-z]|vd[a-z]|mapper/|md\d|dm-|"
    r"disk/by-|root$|ubi|mtdblock|block/)|(UUID|LABEL)="
)


@check("host-facilities")
def host_facilities(table: MountTable, ix: TableIndex, signals: Signals | None) -> Hit | None:
    """Kernel facilities (securityfs, debugfs, configfs...) that a
    machine mounts for itself."""
    found = sorted(i for f in HOST_FACILITIES for i in ix.by_fstype.get(f, ()))
    kinds = {table.mounts[i].fstype for i in found}
    return _on(found) if kinds else None


@check("machine-root")
def machine_root(table: MountTable, ix: TableIndex, signals: Signals | None) -> Hit | None:
    """/ is a whole filesystem on a disk, a partition, a volume or a flash chip:
    a machine's own root (containers show an overlay, a bind or a subvolume)."""
    root = ix.mount(ix.root)
    if root is None or ix.root is None or not _BLOCK_SOURCE.match(root.source):
        return None
    if root.fsroot not in (None, "/") and not (
        root.fstype == "btrfs" and root.fsroot.startswith("/@") and "/var/lib/" not in root.fsroot
    ):
        return None
    options = ",".join(filter(None, (root.options, root.fs_options)))
    if "/var/lib/docker/" in options or "/lxc/" in options:
        return None
    return _on([ix.root])


@check("lambda-boot-id-from-disk")
def lambda_boot_id(table: MountTable, ix: TableIndex, signals: Signals | None) -> Hit | None:
    """A file from a disk (not a tmpfs, as nspawn's) bound over the boot id."""
    found = [
        i
        for i in ix.by_target.get("/proc/sys/kernel/random/boot_id", ())
        if table.mounts[i].kind not in ("tmpfs", "pseudo", "none")
    ]
    return _on(found)


@check("nspawn-proc-masks")
def nspawn_proc_masks(table: MountTable, ix: TableIndex, signals: Signals | None) -> Hit | None:
    """/proc/sys/net remounted writable next to read-only proc binds over /proc/acpi or
    /proc/asound: the /proc layout systemd-nspawn builds (Docker hides those two
    under tmpfs instead, LXC does not cover them)."""
    net = [i for i in ix.by_target.get("/proc/sys/net", ()) if table.mounts[i].fstype == "proc"]
    masks = [
        i
        for t in ("/proc/acpi", "/proc/asound")
        for i in ix.by_target.get(t, ())
        if table.mounts[i].fstype == "proc"
    ]
    return _on(sorted(net + masks)) if net and masks else None


@check("nspawn-picked-uid-range")
def nspawn_uid_range(table: MountTable, ix: TableIndex, signals: Signals | None) -> Hit | None:
    """A tmpfs owned by a uid that is a multiple of 65536 in the range
    systemd-nspawn --private-users=pick chooses from (0x00080000-0x6FFF0000)."""
    uid_in = re.compile(r"(?:^|,)uid=(\d+)").search
    seen: set[tuple[str, str | None]] = set()  # a node's tmpfs repeat their options
    for i in ix.by_fstype.get("tmpfs", ()):
        mount = table.mounts[i]
        options = (mount.options, mount.fs_options)
        if options in seen:
            continue
        seen.add(options)
        match = uid_in(",".join(filter(None, options)))
        if match:
            uid = int(match.group(1))
            if uid % 65536 == 0 and 0x00080000 <= uid <= 0x6FFF0000:
                return _on([i])
    return None


@check("etc-files-bound")
def etc_files_bound(table: MountTable, ix: TableIndex, signals: Signals | None) -> Hit | None:
    """Two or more of /etc/hostname, /etc/hosts, /etc/resolv.conf are separate
    mounts: a container engine injected them."""
    found = [
        ix.by_target[t][0]
        for t in ("/etc/hostname", "/etc/hosts", "/etc/resolv.conf")
        if t in ix.by_target
    ]
    return _on(found) if len(found) >= 2 else None


@check("gvisor-none-sources")
def gvisor_none_sources(table: MountTable, ix: TableIndex, signals: Signals | None) -> Hit | None:
    """Every source is "none" and the root is an overlay: gVisor's synthetic table
    (gVisor's `mount` output may name the type overlayfs)."""
    mounts = table.mounts
    root = ix.mount(ix.root)
    if (
        len(mounts) >= 3
        and root is not None
        and root.fstype in ("overlay", "overlayfs", "9p")
        and ix.root is not None
        and all(
            m.source == "none"
            for m in mounts
            if m.fstype != "fuse" and not m.fstype.startswith("fuse.")
        )
    ):
        return _on([ix.root])
    return None
