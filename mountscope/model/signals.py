"""The live signals a capture may carry (kernel, CPU, DMI, devices, markers):
what the classifier reads besides the mount table. Read by system.signals."""

from __future__ import annotations

from mountscope.record import as_dict, field, field_names, record

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any


@record
class Signals:
    cmdline: str | None = None
    version: str | None = None
    osrelease: str | None = None
    # The first processor's fields from /proc/cpuinfo (vendor_id, model name, ...).
    cpu: dict[str, str] | None = None
    # /sys/class/dmi/id: None when the directory does not exist.
    dmi: dict[str, str] | None = None
    dmi_present: bool | None = None
    device_tree_compatible: str | None = None
    # Virtio device ids ("0x0002"), ACPI device names, PCI device count.
    virtio_devices: list[str] | None = None
    acpi_devices: list[str] | None = None
    pci_devices: int | None = None
    cgroup_self: str | None = None
    cgroup_init: str | None = None
    # Marker files: path -> exists (and /run/systemd/container's content).
    markers: dict[str, bool] = field(default_factory=dict)
    systemd_container: str | None = None
    env: dict[str, str] = field(default_factory=dict)
    hostname: str | None = None
    machine: str | None = None
    # /sys/block/vd*/serial (Firecracker answers with digits from the host file's
    # device and inode numbers) and /sys/block/loop*/loop/backing_file.
    block_serials: dict[str, str] | None = None
    loop_backing: dict[str, str] | None = None

    def to_dict(self) -> dict[str, Any]:
        # Copies of the lists and dicts (of strings): the document and the
        # signals can then change apart.
        return {
            name: value.copy() if isinstance(value, dict | list) else value
            for name, value in as_dict(self).items()
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Signals:
        known = set(field_names(cls))
        return cls(**{k: v for k, v in data.items() if k in known})
