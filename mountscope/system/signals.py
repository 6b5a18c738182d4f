"""Cheap live signals about the machine, for the classifier.

Only small, world-readable files and this process's own environment are read:
nothing needs root, nothing touches the network, and a file that cannot be
read is simply absent (None). Snapshots store these values so that a capture
opened later is classified with the same evidence.
"""

from __future__ import annotations

import os
import socket

from mountscope.model.signals import Signals

# Environment variables worth keeping (names and values): platform markers.
ENV_PREFIXES = ("AWS_LAMBDA_", "FLY_", "WSL_")
ENV_NAMES = frozenset(
    {
        "AWS_EXECUTION_ENV",
        "LAMBDA_TASK_ROOT",
        "K_SERVICE",
        "K_REVISION",
        "CLOUD_RUN_JOB",
        "KUBERNETES_SERVICE_HOST",
        "ECS_CONTAINER_METADATA_URI_V4",
        "GITHUB_ACTIONS",
        "WEBSITE_SITE_NAME",
        "container",
    }
)
# Credentials never leave the process, even into a snapshot.
_SECRET_WORDS = ("SECRET", "TOKEN", "PASSWORD", "SESSION", "KEY")

_SMALL = 64 * 1024


def _read(path: str, limit: int = _SMALL) -> str | None:
    try:
        with open(path, "rb") as handle:
            return handle.read(limit).decode("utf-8", "replace")
    except OSError:
        return None


def _listdir(path: str) -> list[str] | None:
    try:
        return sorted(os.listdir(path))
    except OSError:
        return None


def _first_cpu(text: str | None) -> dict[str, str] | None:
    if text is None:
        return None
    cpu: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            if cpu:
                break
            continue
        key, sep, value = line.partition(":")
        if sep:
            cpu[key.strip()] = value.strip()
    return cpu


def _environment() -> dict[str, str]:
    kept = {}
    for name, value in os.environ.items():
        if name in ENV_NAMES or name.startswith(ENV_PREFIXES):
            if any(word in name.upper() for word in _SECRET_WORDS):
                continue
            kept[name] = value
    return kept


def _block_values(prefix: str, leaf: str) -> dict[str, str] | None:
    """``/sys/block/<prefix>*/<leaf>`` for each such device (first line), or None
    when /sys/block cannot be listed."""
    names = _listdir("/sys/block")
    if names is None:
        return None
    found = {}
    for name in names:
        if name.startswith(prefix):
            value = _read(f"/sys/block/{name}/{leaf}", 4096)
            if value is not None and value.strip():
                found[name] = value.strip().splitlines()[0]
    return found


def read_live(pid: int | str = "self") -> Signals:
    """The signals of this machine (cgroups of ``pid``), reading only cheap files."""
    dmi_dir = "/sys/class/dmi/id"
    dmi_present = os.path.isdir(dmi_dir)
    dmi = None
    if dmi_present:
        dmi = {}
        for name in (
            "sys_vendor",
            "product_name",
            "product_version",
            "board_vendor",
            "bios_vendor",
        ):
            value = _read(f"{dmi_dir}/{name}", 256)
            if value is not None:
                dmi[name] = value.strip()
    virtio = None
    names = _listdir("/sys/bus/virtio/devices")
    if names is not None:
        virtio = []
        for name in names:
            device = _read(f"/sys/bus/virtio/devices/{name}/device", 32)
            if device is not None:
                virtio.append(device.strip())
    pci = _listdir("/sys/bus/pci/devices")
    compatible = _read("/proc/device-tree/compatible", 1024)
    markers = {
        path: os.path.exists(path)
        for path in ("/.dockerenv", "/run/.containerenv", "/dev/lxd/sock", "/dev/incus")
    }
    try:
        hostname: str | None = socket.gethostname()
    except OSError:
        hostname = None
    osrelease = _read("/proc/sys/kernel/osrelease", 256)
    return Signals(
        cmdline=(_read("/proc/cmdline") or "").strip() or None,
        version=(_read("/proc/version") or "").strip() or None,
        osrelease=osrelease.strip() if osrelease else None,
        cpu=_first_cpu(_read("/proc/cpuinfo")),
        dmi=dmi,
        dmi_present=dmi_present,
        device_tree_compatible=compatible.replace("\0", " ").strip() if compatible else None,
        virtio_devices=virtio,
        acpi_devices=_listdir("/sys/bus/acpi/devices"),
        pci_devices=len(pci) if pci is not None else None,
        cgroup_self=_read(f"/proc/{pid}/cgroup"),
        cgroup_init=_read("/proc/1/cgroup"),
        markers=markers,
        systemd_container=(_read("/run/systemd/container", 256) or "").strip() or None,
        env=_environment(),
        hostname=hostname,
        machine=os.uname().machine,
        # Lambda's generation: Firecracker's virtio serials, the images behind loop devices.
        block_serials=_block_values("vd", "serial"),
        loop_backing=_block_values("loop", "loop/backing_file"),
    )
