"""The classifier's rules: one table, one row per rule.

Each row names what it matches (a pattern on one mount's fields, or a named
check from checks.py), the environment it speaks for (a negative weight:
against), how much on the named scale (scale.py), and the sentence that
explains it. The public source of each fact is in the comment above its row.
Adding a rule is adding a row; a row naming an unregistered environment, an
unknown check or a raw weight is refused when this module is imported.
"""

from __future__ import annotations

from mountscope.classify.checks import CHECKS
from mountscope.classify.environments import ENVIRONMENTS
from mountscope.classify.environments import Environment as E
from mountscope.classify.index import MountPattern, TableIndex
from mountscope.classify.scale import (
    AGAINST,
    DECISIVE,
    DETAIL_ONLY,
    FAIR,
    LIGHT,
    MODERATE,
    NAMED_WEIGHTS,
    REFUTES,
    SLIGHT,
    STRONG,
    SUPPORTING,
    VERY_STRONG,
    WEAK,
)
from mountscope.record import record


@record(frozen=True)
class Rule:
    id: str
    says: E
    weight: float
    why: str
    # Exactly one of: a pattern one mount must match, or a registered check's name.
    mount: MountPattern | None = None
    check: str | None = None
    # A fact the rule establishes when it fires: (details key, value).
    detail: tuple[str, str] | None = None

    def __post_init__(self) -> None:
        if self.says not in ENVIRONMENTS:
            raise ValueError(f"rule {self.id}: {self.says!r} is not a registered environment")
        if self.weight not in NAMED_WEIGHTS.values():
            raise ValueError(f"rule {self.id}: weight {self.weight} is not on the named scale")
        if (self.mount is None) == (self.check is None):
            raise ValueError(f"rule {self.id}: give a mount pattern or a check, not both")
        if self.check is not None and self.check not in CHECKS:
            raise ValueError(f"rule {self.id}: no check is registered as {self.check!r}")


# --- the table ---------------------------------------------------------------------

RULES: tuple[Rule, ...] = (
    # AWS Lambda. The worker agent's on-guest layout: origin article's captures;
    # fd listing /opt/amazon/asc/worker/sb_log (2019 "debugging lambda limits").
    Rule(
        "lambda.worker-root",
        E.AWS_LAMBDA,
        VERY_STRONG,
        "the root is the Lambda worker's flattened runtime image (rtfs)",
        mount=MountPattern(target=frozenset({"/"}), fsroot_re=r"^/opt/amazon/asc/worker/"),
    ),
    Rule(
        "lambda.worker-binds",
        E.AWS_LAMBDA,
        STRONG,
        "{count} sandbox files are bound from the Lambda worker's directories (/opt/amazon/asc/worker)",
        check="lambda-worker-binds",
    ),
    # /var/task bound from tasks/<account>/<function>/<uuid> on vdb (article, pattern 2).
    Rule(
        "lambda.task-dir",
        E.AWS_LAMBDA,
        SUPPORTING,
        "/var/task is bound from the worker's per-function task directory (tasks/<account>/<function>/<id>)",
        mount=MountPattern(
            target=frozenset({"/var/task"}), fsroot_re=r"^/opt/amazon/asc/worker/tasks/"
        ),
    ),
    # Container-image functions: overlay root from .../tasks/rtfs/inline-manifest
    # (captured `mount` in bruceadams/run-command-on-aws-lambda's README).
    Rule(
        "lambda.inline-manifest",
        E.AWS_LAMBDA,
        DECISIVE,
        "the root is an overlay of the worker's inline manifest: a Lambda function deployed as a container image",
        mount=MountPattern(target=frozenset({"/"}), source_re=r"/opt/amazon/asc/worker/"),
    ),
    # The runtime API daemon ("rapid") mounted from /dev/root (same README).
    Rule(
        "lambda.var-rapid",
        E.AWS_LAMBDA,
        STRONG,
        "/var/rapid is a separate mount: Lambda's runtime-API daemon (rapid)",
        mount=MountPattern(target=frozenset({"/var/rapid"}), source_re=r"^/dev/"),
    ),
    # LAMBDA_TASK_ROOT=/var/task, LAMBDA_RUNTIME_DIR=/var/runtime (Lambda docs).
    Rule(
        "lambda.sandbox-layout",
        E.AWS_LAMBDA,
        FAIR,
        "{count} of Lambda's sandbox directories (/var/task and others) are separate mounts",
        check="lambda-sandbox-layout",
    ),
    Rule(
        "lambda.boot-id",
        E.AWS_LAMBDA,
        MODERATE,
        "a file from a disk is bound over the boot id: the sandbox fakes it",
        check="lambda-boot-id-from-disk",
    ),
    Rule(
        "lambda.var-task-loop",
        E.AWS_LAMBDA,
        SLIGHT,
        "/var/task is a filesystem image on a loop device",
        mount=MountPattern(target=frozenset({"/var/task"}), kind="loop"),
    ),
    # SAM local, lambci and localstack bind /var/task inside a Docker container.
    Rule(
        "lambda.emulator",
        E.AWS_LAMBDA,
        REFUTES,
        "/var/task sits in a Docker container: a Lambda emulator (SAM local, lambci, localstack), not Lambda",
        check="lambda-emulator",
    ),
    Rule(
        "lambda.env",
        E.AWS_LAMBDA,
        STRONG,
        "Lambda's environment variables are set ({value}); emulators set them too",
        check="lambda-env",
    ),
    Rule(
        "lambda.hostname",
        E.AWS_LAMBDA,
        SUPPORTING,
        "the hostname is a link-local address ({value}), as in Lambda's sandboxes",
        check="lambda-hostname",
    ),
    # Virtual machines. virtio-blk disks appear as /dev/vd* in KVM-family guests
    # (Firecracker, QEMU, Cloud Hypervisor); EC2 shows xvd* (Xen) or nvme* (Nitro).
    Rule(
        "vm.virtio-disk",
        E.VM,
        STRONG,
        "a virtio disk (vd*): a KVM-family guest (Firecracker, QEMU, Cloud Hypervisor...); EC2 instances never show one",
        mount=MountPattern(kind="virtio"),
        detail=("hypervisor", "kvm-family (virtio disks)"),
    ),
    Rule(
        "vm.xen-disk",
        E.VM,
        STRONG,
        "a Xen virtual disk (xvd*): a Xen guest such as an older EC2 instance",
        mount=MountPattern(kind="xen"),
        detail=("hypervisor", "xen"),
    ),
    # Firecracker adds root=/dev/vda and boots without an initramfs (boot_source.rs).
    Rule(
        "firecracker.dev-root",
        E.FIRECRACKER,
        MODERATE,
        "the root is /dev/root with virtio disks: the kernel mounted it from root= without an "
        "initramfs, as Firecracker guests do",
        check="dev-root-with-virtio",
    ),
    # Firecracker: device_manager/mmio.rs adds virtio_mmio.device= per device.
    Rule(
        "firecracker.virtio-mmio",
        E.FIRECRACKER,
        STRONG,
        "the kernel command line announces virtio-mmio devices ({value}): Firecracker "
        "(or another microVM VMM: QEMU microvm, Kata)",
        check="virtio-mmio-cmdline",
    ),
    # boot_source.rs: default "reboot=k panic=1 nomodule 8250.nr_uarts=0 i8042.noaux ...".
    Rule(
        "firecracker.boot-args",
        E.FIRECRACKER,
        FAIR,
        "the kernel command line carries Firecracker's default boot arguments ({value})",
        check="firecracker-boot-args",
    ),
    # cpuid/intel/normalize.rs, amd/normalize.rs rewrite the brand string.
    Rule(
        "firecracker.cpu-brand",
        E.FIRECRACKER,
        STRONG,
        "the CPU's brand string is Firecracker's normalised one ('{value}')",
        check="firecracker-cpu-brand",
    ),
    Rule(
        "firecracker.cpu-template",
        E.FIRECRACKER,
        MODERATE,
        "the CPU presents a Firecracker static template signature ({value}) with newer features",
        check="firecracker-cpu-template",
    ),
    # Firecracker offers no BIOS and no SMBIOS (NSDI 2020 paper).
    Rule(
        "firecracker.no-dmi",
        E.FIRECRACKER,
        MODERATE,
        "no DMI tables on x86 ({value}): a VM without SMBIOS, as Firecracker's, or a sandbox hiding sysfs",
        check="no-dmi-x86",
    ),
    # mmio.rs (LNRO0005), vmgenid.rs (VMGENCTR), vmclock.rs (AMZNC10C); Firecracker >= 1.8.
    Rule(
        "firecracker.acpi",
        E.FIRECRACKER,
        MODERATE,
        "ACPI devices of Firecracker's device model are present ({value})",
        check="firecracker-acpi",
    ),
    Rule(
        "firecracker.virtio-set",
        E.FIRECRACKER,
        LIGHT,
        "the virtio devices ({value}) are all of kinds Firecracker provides, and no console or 9p",
        check="firecracker-virtio-set",
    ),
    Rule(
        "firecracker.no-pci",
        E.FIRECRACKER,
        LIGHT,
        "{value}: virtio over MMIO, Firecracker's default transport",
        check="virtio-without-pci",
    ),
    Rule(
        "firecracker.fly",
        E.FIRECRACKER,
        STRONG,
        "fly.io's environment is set ({value}): a fly.io Machine, a Firecracker microVM",
        check="fly-env",
        detail=("platform", "fly-io"),
    ),
    # systemd-detect-virt's DMI table (virt.c detect_vm_dmi).
    Rule(
        "vm.dmi",
        E.VM,
        VERY_STRONG,
        "the DMI tables name a virtual machine ({value})",
        check="dmi-vm",
    ),
    Rule(
        "vm.hypervisor-flag",
        E.VM,
        WEAK,
        "the CPU reports the hypervisor flag",
        check="hypervisor-flag",
    ),
    Rule(
        "host.ec2-metal",
        E.HOST,
        VERY_STRONG,
        "the DMI tables name an EC2 bare-metal instance ({value})",
        check="dmi-ec2-metal",
        detail=("platform", "ec2-metal"),
    ),
    # gVisor: mount.go prints every source as "none"; gofer mounts are 9p with
    # trans=fd,rfdno=,wfdno= (fsimpl/gofer/gofer.go).
    Rule(
        "gvisor.gofer-9p",
        E.GVISOR,
        DECISIVE,
        "gVisor's gofer filesystem (9p over trans=fd with rfdno=/wfdno=)",
        mount=MountPattern(
            fstype=frozenset({"9p"}), options_re=r"trans=fd.*rfdno=|rfdno=.*trans=fd"
        ),
    ),
    Rule(
        "gvisor.all-none",
        E.GVISOR,
        STRONG,
        'every source is "none" and the root is an overlay: gVisor\'s synthetic mount table',
        check="gvisor-none-sources",
    ),
    # tasks_files.go (cmdline), version.go (release): fixed strings.
    Rule(
        "gvisor.kernel",
        E.GVISOR,
        DECISIVE,
        "the kernel identifies as gVisor's ({value})",
        check="gvisor-kernel",
    ),
    # Kata Containers: the shared rootfs is "kataShared" (kata-containers/runtime#1748).
    Rule(
        "kata.shared",
        E.KATA,
        DECISIVE,
        "the source is kataShared: a Kata Containers guest",
        mount=MountPattern(source=frozenset({"kataShared"})),
    ),
    Rule(
        "kata.cmdline",
        E.KATA,
        DECISIVE,
        "the kernel command line is a Kata agent's ({value})",
        check="kata-cmdline",
    ),
    # WSL. WSL2: drvfs over 9p (aname=drvfs), /mnt/wsl(g) tmpfs (microsoft/WSL#7152, #11931).
    Rule(
        "wsl2.drvfs-9p",
        E.WSL2,
        DECISIVE,
        "a Windows drive over 9p (aname=drvfs): WSL2",
        mount=MountPattern(fstype=frozenset({"9p"}), options_re=r"aname=drvfs"),
    ),
    Rule(
        "wsl2.wslg",
        E.WSL2,
        STRONG,
        "WSL2's shared tmpfs",
        mount=MountPattern(target=frozenset({"/mnt/wsl", "/mnt/wslg"})),
    ),
    Rule(
        "wsl2.drivers",
        E.WSL2,
        STRONG,
        "WSL2's Windows GPU drivers and libraries",
        mount=MountPattern(target=frozenset({"/usr/lib/wsl/drivers", "/usr/lib/wsl/lib"})),
    ),
    Rule(
        "wsl2.kernel",
        E.WSL2,
        STRONG,
        "the kernel is Microsoft's WSL2 kernel ({value}); Docker Desktop's containers run on it too",
        check="wsl2-kernel",
        detail=("kernel", "wsl2"),
    ),
    Rule(
        "wsl.env",
        E.WSL2,
        STRONG,
        "a WSL distribution's environment is set ({value})",
        check="wsl-env",
    ),
    # WSL1: lxfs root and drvfs drives (microsoft/WSL#4529, #2181).
    Rule(
        "wsl1.lxfs",
        E.WSL1,
        DECISIVE,
        "lxfs or wslfs: WSL1's Linux filesystem",
        mount=MountPattern(fstype=frozenset({"lxfs", "wslfs"})),
    ),
    Rule(
        "wsl1.drvfs",
        E.WSL1,
        DECISIVE,
        "drvfs: a Windows drive in WSL1",
        mount=MountPattern(fstype=frozenset({"drvfs"})),
    ),
    Rule(
        "wsl1.kernel",
        E.WSL1,
        VERY_STRONG,
        "the kernel release is WSL1's ({value})",
        check="wsl1-kernel",
    ),
    # Docker: overlay2 layers under /var/lib/docker; hostname/hosts/resolv.conf bound
    # from /var/lib/docker/containers/<id>/ (Docker's layout).
    Rule(
        "docker.overlay-root",
        E.DOCKER,
        VERY_STRONG,
        "/ is an overlay of Docker image layers (/var/lib/docker/overlay2)",
        mount=MountPattern(
            target=frozenset({"/"}),
            fstype=frozenset({"overlay"}),
            options_re=r"lowerdir=[^,]*/docker/overlay2/",
        ),
        detail=("container_runtime", "docker"),
    ),
    Rule(
        "docker.container-files",
        E.DOCKER,
        VERY_STRONG,
        "bound from Docker's per-container directory (/var/lib/docker/containers/<id>)",
        mount=MountPattern(fsroot_re=r"/docker/containers/[0-9a-f]{64}/", target_re=r"^/etc/"),
        detail=("container_runtime", "docker"),
    ),
    # containerd's snapshotter (Kubernetes CRI, nerdctl, Docker's containerd store).
    Rule(
        "containerd.overlay-root",
        E.DOCKER,
        FAIR,
        "the root is an overlay of containerd snapshots: a container run by containerd",
        mount=MountPattern(
            target=frozenset({"/"}),
            fstype=frozenset({"overlay"}),
            options_re=r"io\.containerd\.snapshotter",
        ),
        detail=("container_runtime", "containerd"),
    ),
    Rule(
        "container.overlay-root",
        E.DOCKER,
        WEAK,
        "the root is an overlay; alone that does not make a container (live media, fly.io and "
        "Lambda images use overlays too)",
        check="overlay-root",
    ),
    Rule(
        "docker.dockerenv",
        E.DOCKER,
        SUPPORTING,
        "{value}; the file can be left in an image, so this is not proof",
        check="dockerenv-file",
    ),
    Rule(
        "docker.dockerenv-leaked",
        E.DOCKER,
        AGAINST,
        "/.dockerenv exists but the root is a block device, not a container's overlay: "
        "the file was left in the image",
        check="leaked-dockerenv",
    ),
    Rule(
        "docker.cgroup",
        E.DOCKER,
        STRONG,
        "the cgroup path is Docker's ({value})",
        check="docker-cgroup",
    ),
    Rule(
        "docker.container-env",
        E.DOCKER,
        VERY_STRONG,
        "the container manager says {value}",
        check="manager-docker",
    ),
    Rule(
        "fargate.env",
        E.DOCKER,
        SUPPORTING,
        "ECS on Fargate's environment is set ({value})",
        check="fargate-env",
        detail=("platform", "aws-fargate"),
    ),
    # Podman and CRI-O: containers/storage (rootful and rootless), userdata binds.
    Rule(
        "podman.storage-root",
        E.PODMAN,
        VERY_STRONG,
        "the root is an overlay from containers/storage (Podman or CRI-O)",
        mount=MountPattern(
            target=frozenset({"/"}),
            fstype=frozenset({"overlay"}),
            options_re=r"containers/storage/overlay",
        ),
        detail=("container_runtime", "podman or cri-o"),
    ),
    Rule(
        "podman.userdata",
        E.PODMAN,
        VERY_STRONG,
        "bound from a Podman container's userdata directory",
        mount=MountPattern(fsroot_re=r"overlay-containers/[0-9a-f]{64}/userdata/"),
        detail=("container_runtime", "podman"),
    ),
    Rule(
        "podman.containerenv",
        E.PODMAN,
        VERY_STRONG,
        "{value}: Podman's marker file",
        check="containerenv-file",
    ),
    Rule(
        "podman.container-env",
        E.PODMAN,
        VERY_STRONG,
        "the container manager says {value}",
        check="manager-podman",
    ),
    Rule(
        "podman.cgroup",
        E.PODMAN,
        STRONG,
        "the cgroup path is Podman's ({value})",
        check="podman-cgroup",
    ),
    # Kubernetes: kubelet's pod directories as mount roots (etc-hosts, containers/,
    # volumes/), the service-account token, termination-log; KUBERNETES_SERVICE_HOST.
    Rule(
        "kubernetes.kubelet-roots",
        E.KUBERNETES,
        DECISIVE,
        "bound from the kubelet's pod directory (/var/lib/kubelet/pods/<uid>)",
        mount=MountPattern(fsroot_re=r"/kubelet/pods/[0-9a-f-]{36}/"),
    ),
    Rule(
        "kubernetes.serviceaccount",
        E.KUBERNETES,
        STRONG,
        "a Kubernetes service-account token",
        mount=MountPattern(
            target=frozenset(
                {
                    "/run/secrets/kubernetes.io/serviceaccount",
                    "/var/run/secrets/kubernetes.io/serviceaccount",
                }
            )
        ),
    ),
    Rule(
        "kubernetes.termination-log",
        E.KUBERNETES,
        STRONG,
        "the termination log of a Kubernetes container",
        mount=MountPattern(target=frozenset({"/dev/termination-log"})),
    ),
    Rule(
        "kubernetes.env",
        E.KUBERNETES,
        STRONG,
        "{value}: injected into every pod",
        check="kubernetes-env",
    ),
    Rule(
        "kubernetes.cgroup",
        E.KUBERNETES,
        VERY_STRONG,
        "the cgroup path is a pod's ({value})",
        check="kubepods-cgroup",
    ),
    # LXC/LXD/Incus: lxcfs over /proc files (NixOS incus test; Proxmox dumps); devlxd.
    Rule(
        "lxc.lxcfs-proc",
        E.LXC,
        VERY_STRONG,
        "lxcfs over a /proc or /sys file: an LXC/LXD/Incus container",
        mount=MountPattern(
            target=frozenset(
                {
                    "/proc/cpuinfo",
                    "/proc/meminfo",
                    "/proc/uptime",
                    "/proc/stat",
                    "/proc/loadavg",
                    "/proc/diskstats",
                    "/proc/swaps",
                    "/sys/devices/system/cpu",
                }
            ),
            source_re=r"lxcfs",
        ),
    ),
    Rule(
        "lxc.devlxd",
        E.LXC,
        VERY_STRONG,
        "the LXD/Incus guest API",
        mount=MountPattern(target=frozenset({"/dev/lxd", "/dev/incus"})),
    ),
    Rule(
        "lxc.idmapped-dev",
        E.LXC,
        MODERATE,
        "/dev is owned by a shifted uid (uid=100000): an unprivileged container",
        mount=MountPattern(
            target=frozenset({"/dev"}), fstype=frozenset({"tmpfs"}), options_re=r"uid=100000"
        ),
    ),
    Rule(
        "lxc.container-env",
        E.LXC,
        VERY_STRONG,
        "the container manager says {value}",
        check="manager-lxc",
    ),
    Rule("lxc.cgroup", E.LXC, STRONG, "the cgroup path is LXC's ({value})", check="lxc-cgroup"),
    Rule(
        "lxc.marker", E.LXC, VERY_STRONG, "{value}: the LXD/Incus guest socket", check="lxd-socket"
    ),
    # lxcfs mounted only at /var/lib/lxcfs is a host running lxcfs (Ubuntu hosts).
    Rule(
        "lxc.host-lxcfs",
        E.LXC,
        AGAINST,
        "lxcfs at /var/lib/lxcfs: a host that runs lxcfs for its containers",
        mount=MountPattern(target=frozenset({"/var/lib/lxcfs"})),
    ),
    Rule(
        "host.lxcfs",
        E.HOST,
        SUPPORTING,
        "lxcfs at /var/lib/lxcfs, where a host keeps it",
        mount=MountPattern(target=frozenset({"/var/lib/lxcfs"})),
    ),
    # systemd-nspawn: /run/host/incoming (nspawn's mount tunnel), /run/host binds.
    Rule(
        "nspawn.incoming",
        E.SYSTEMD_NSPAWN,
        VERY_STRONG,
        "systemd-nspawn's mount tunnel",
        mount=MountPattern(target=frozenset({"/run/host/incoming"})),
    ),
    Rule(
        "nspawn.run-host",
        E.SYSTEMD_NSPAWN,
        SUPPORTING,
        "a file systemd-nspawn binds into its containers",
        mount=MountPattern(
            target=frozenset(
                {
                    "/run/host/os-release",
                    "/run/host/unix-export",
                    "/run/host/notify",
                    "/run/host/journal",
                }
            )
        ),
    ),
    Rule(
        "nspawn.container-env",
        E.SYSTEMD_NSPAWN,
        VERY_STRONG,
        "the container manager says {value}",
        check="manager-nspawn",
    ),
    # A host: container storage seen as mount points, the Firecracker jailer,
    # a boot partition, a block-device root.
    Rule(
        "host.container-roots",
        E.HOST,
        STRONG,
        "a container's root seen from outside: this table is a container host's",
        mount=MountPattern(
            target_prefixes=(
                "/var/lib/docker/overlay2/",
                "/var/lib/docker/aufs/mnt/",
                "/run/containerd/io.containerd.runtime.v2.task/",
                "/var/lib/containers/storage/overlay/",
            ),
            target_re=r"^/var/lib/docker/overlay2/[0-9a-f]{64}/merged$|^/var/lib/docker/aufs/mnt/[0-9a-f]{64}$|"
            r"^/run/containerd/io\.containerd\.runtime\.v2\.task/.*/rootfs$|"
            r"^/var/lib/containers/storage/overlay/[0-9a-f]{64}/merged$",
        ),
    ),
    Rule(
        "host.kubelet-volumes",
        E.HOST,
        STRONG,
        "a pod volume mounted by the kubelet: a Kubernetes node's own table",
        mount=MountPattern(
            target_prefixes=("/var/lib/kubelet/pods/",),
            target_re=r"^/var/lib/kubelet/pods/[0-9a-f-]{36}/volumes/",
        ),
        detail=("platform", "kubernetes-node"),
    ),
    Rule(
        "host.jailer",
        E.HOST,
        STRONG,
        "under the Firecracker jailer's chroot: a Firecracker host",
        mount=MountPattern(target_prefixes=("/srv/jailer/",)),
        detail=("platform", "firecracker-host"),
    ),
    Rule(
        "host.boot",
        E.HOST,
        SUPPORTING,
        "a boot partition: a machine's own table",
        mount=MountPattern(target=frozenset({"/boot", "/boot/efi", "/efi"})),
    ),
    Rule(
        "host.block-root",
        E.HOST,
        FAIR,
        "the root is a whole filesystem on a disk, partition, volume or flash chip: a machine's own root",
        check="machine-root",
    ),
    Rule(
        "host.user-runtime",
        E.HOST,
        LIGHT,
        "a login session's runtime directory",
        mount=MountPattern(
            target_prefixes=("/run/user/",),
            target_re=r"^/run/user/\d+$",
            fstype=frozenset({"tmpfs"}),
        ),
    ),
    # --- plain machines ------------------------------------------------------------
    # The kernel mounts devtmpfs on /dev for a machine (Documentation/admin-guide/
    # devices.rst, CONFIG_DEVTMPFS_MOUNT); Docker, Podman, LXC and nspawn give their
    # containers a small tmpfs /dev instead.
    Rule(
        "host.devtmpfs",
        E.HOST,
        MODERATE,
        "/dev is the kernel's own devtmpfs, not a container's tmpfs",
        mount=MountPattern(target=frozenset({"/dev"}), fstype=frozenset({"devtmpfs"})),
    ),
    Rule(
        "host.facilities",
        E.HOST,
        SUPPORTING,
        "kernel facilities (securityfs, debugfs, configfs, usbfs...) are mounted, as a "
        "machine does for itself",
        check="host-facilities",
    ),
    # Android's init mounts these (AOSP system/core/rootdir/init.rc).
    Rule(
        "host.android",
        E.HOST,
        VERY_STRONG,
        "Android's own mounts (/acct, /mnt/asec, /system or /vendor from /dev/block): an Android device",
        mount=MountPattern(
            target=frozenset({"/acct", "/mnt/asec", "/system", "/vendor", "/system_root"}),
            source_re=r"^(none|tmpfs|/dev/block/)",
        ),
        detail=("platform", "android"),
    ),
    # OpenWrt's flash layout: squashfs /rom and an overlay from /overlay
    # (openwrt.org/docs/techref/flash.layout).
    Rule(
        "host.openwrt",
        E.HOST,
        VERY_STRONG,
        "OpenWrt's flash layout (squashfs /rom, overlayfs:/overlay on /)",
        mount=MountPattern(
            target=frozenset({"/rom", "/"}),
            source_re=r"^(overlayfs:/|/dev/root$)",
            fstype=frozenset({"overlay", "squashfs"}),
        ),
        detail=("platform", "openwrt"),
    ),
    # Lustre, GPFS and BeeGFS clients: cluster nodes mount the parallel file system.
    Rule(
        "host.parallel-fs",
        E.HOST,
        FAIR,
        "a parallel cluster file system ({source}): an HPC node",
        mount=MountPattern(fstype=frozenset({"lustre", "gpfs", "beegfs"})),
        detail=("platform", "hpc"),
    ),
    # --- virtual machines --------------------------------------------------------------
    # Cloud images' disk labels: DigitalOcean's DOROOT, Ubuntu's cloudimg-rootfs,
    # Oracle Cloud's ocivolume volume group.
    Rule(
        "vm.cloud-disk-label",
        E.VM,
        STRONG,
        "a cloud image's root disk label ({source})",
        mount=MountPattern(source_re=r"by-label/cloudimg-rootfs|LABEL=cloudimg-rootfs"),
    ),
    Rule(
        "vm.digitalocean-label",
        E.VM,
        STRONG,
        "DigitalOcean's root disk label ({source})",
        mount=MountPattern(source_re=r"by-label/DOROOT$"),
        detail=("platform", "digitalocean"),
    ),
    Rule(
        "vm.oci-volume",
        E.VM,
        STRONG,
        "Oracle Cloud's image volume group ({source})",
        mount=MountPattern(source_re=r"^/dev/mapper/ocivolume"),
        detail=("platform", "oracle-cloud"),
    ),
    # Azure's agent (WALinuxAgent ResourceDisk.MountPoint=/mnt/resource) and
    # cloud-init's Azure datasource (ephemeral disk on /mnt, ordered after cloud-init).
    Rule(
        "vm.azure-resource-disk",
        E.VM,
        STRONG,
        "Azure's temporary resource disk ({target})",
        mount=MountPattern(target=frozenset({"/mnt/resource"}), source_re=r"^/dev/sdb1$"),
        detail=("platform", "azure"),
    ),
    Rule(
        "vm.cloud-init-ephemeral",
        E.VM,
        STRONG,
        "a cloud's ephemeral disk mounted by cloud-init ({target})",
        mount=MountPattern(target=frozenset({"/mnt"}), options_re=r"x-systemd\.after=cloud-init"),
    ),
    # Hypervisors' shared folders: VirtualBox (vboxsf), VMware (vmhgfs, vmblock),
    # QEMU's 9p over virtio, virtiofs (LXD VMs' agent share).
    Rule(
        "vm.virtualbox-folder",
        E.VM,
        VERY_STRONG,
        "a VirtualBox shared folder ({target})",
        mount=MountPattern(fstype=frozenset({"vboxsf"})),
        detail=("platform", "virtualbox"),
    ),
    Rule(
        "vm.vmware-folder",
        E.VM,
        VERY_STRONG,
        "VMware's guest tools ({source} on {target})",
        mount=MountPattern(fstype=frozenset({"vmhgfs", "fuse.vmhgfs-fuse", "fuse.vmware-vmblock"})),
        detail=("platform", "vmware"),
    ),
    Rule(
        "vm.virtiofs",
        E.VM,
        STRONG,
        "a host folder over virtiofs ({target}): a KVM-family guest",
        mount=MountPattern(fstype=frozenset({"virtiofs"})),
    ),
    # Cloud agents shipped as snaps in the clouds' own images: AWS Systems Manager's
    # agent (amazon-ssm-agent snap on Ubuntu AMIs), Google's guest tools.
    Rule(
        "vm.aws-agent",
        E.VM,
        STRONG,
        "AWS's Systems Manager agent ({target}), installed in EC2 images",
        mount=MountPattern(target_prefixes=("/snap/amazon-ssm-agent/",)),
        detail=("platform", "aws-ec2"),
    ),
    Rule(
        "vm.google-agent",
        E.VM,
        STRONG,
        "Google Cloud's guest tools ({target}), installed in GCE images",
        mount=MountPattern(
            target_prefixes=(
                "/snap/google-cloud-cli/",
                "/snap/google-cloud-sdk/",
                "/snap/google-guest-agent/",
            )
        ),
        detail=("platform", "gce"),
    ),
    # Linode and some other clouds attach the whole disk, unpartitioned, as the root
    # (Linode's disk images); installers on real disks partition them.
    Rule(
        "vm.whole-disk-root",
        E.VM,
        STRONG,
        "the root is a whole, unpartitioned disk ({source}), as cloud VMs get",
        mount=MountPattern(target=frozenset({"/"}), source_re=r"^/dev/(sd|xvd)[a-z]$"),
    ),
    Rule(
        "vm.9p-virtio",
        E.VM,
        STRONG,
        "a host folder over 9p on virtio ({target}): a QEMU/KVM guest",
        mount=MountPattern(fstype=frozenset({"9p"}), options_re=r"trans=virtio"),
    ),
    # --- containers ----------------------------------------------------------------------
    # Docker's default /dev is a 64 MiB tmpfs (moby oci/defaults.go: size=65536k).
    Rule(
        "docker.dev-64m",
        E.DOCKER,
        STRONG,
        "/dev is a 64 MiB tmpfs: Docker's default for a container",
        mount=MountPattern(
            target=frozenset({"/dev"}), fstype=frozenset({"tmpfs"}), options_re=r"size=65536k"
        ),
    ),
    Rule(
        "podman.dev-64m",
        E.PODMAN,
        FAIR,
        "/dev is a 64 MiB tmpfs, as Podman gives its containers too",
        mount=MountPattern(
            target=frozenset({"/dev"}), fstype=frozenset({"tmpfs"}), options_re=r"size=65536k"
        ),
    ),
    Rule(
        "podman.etc-files",
        E.PODMAN,
        SUPPORTING,
        "/etc/hostname, /etc/hosts or /etc/resolv.conf are separate mounts, as Podman binds them too",
        check="etc-files-bound",
    ),
    # Podman: the marker file is a mount, volumes and roots under containers/storage,
    # rootless roots on fuse-overlayfs (containers/storage docs).
    Rule(
        "podman.containerenv-mount",
        E.PODMAN,
        DECISIVE,
        "/run/.containerenv is mounted: Podman's marker",
        mount=MountPattern(target=frozenset({"/run/.containerenv"})),
    ),
    Rule(
        "podman.storage-binds",
        E.PODMAN,
        STRONG,
        "bound from containers/storage ({target})",
        mount=MountPattern(fsroot_re=r"/containers/storage/(volumes|overlay)/"),
    ),
    Rule(
        "podman.fuse-overlayfs-root",
        E.PODMAN,
        STRONG,
        "/ is fuse-overlayfs: a rootless Podman container",
        mount=MountPattern(
            target=frozenset({"/"}), fstype=frozenset({"fuse.fuse-overlayfs", "fuse-overlayfs"})
        ),
    ),
    Rule(
        "docker.aufs-root",
        E.DOCKER,
        VERY_STRONG,
        "/ is aufs: Docker's old storage driver",
        mount=MountPattern(target=frozenset({"/"}), fstype=frozenset({"aufs"})),
    ),
    Rule(
        "docker.btrfs-subvolume",
        E.DOCKER,
        DECISIVE,
        "/ is a btrfs subvolume of Docker's btrfs storage driver",
        mount=MountPattern(
            target=frozenset({"/"}), options_re=r"subvol=[^,]*/docker/btrfs/subvolumes/"
        ),
    ),
    Rule(
        "docker.etc-files",
        E.DOCKER,
        SUPPORTING,
        "/etc/hostname, /etc/hosts or /etc/resolv.conf are separate mounts: a container engine put them there",
        check="etc-files-bound",
    ),
    # Docker Desktop shares host folders with grpcfuse (docs.docker.com, Docker
    # Desktop file sharing); Sysbox keeps its shiftfs marks and sysboxfs.
    Rule(
        "docker.desktop-grpcfuse",
        E.DOCKER,
        DECISIVE,
        "a host folder shared by Docker Desktop (grpcfuse)",
        mount=MountPattern(fstype=frozenset({"fuse.grpcfuse"})),
        detail=("platform", "docker-desktop"),
    ),
    Rule(
        "docker.sysbox",
        E.DOCKER,
        DECISIVE,
        "Sysbox's runtime files ({source})",
        mount=MountPattern(source_re=r"^(/var/lib/sysbox/|sysboxfs)"),
        detail=("platform", "sysbox"),
    ),
    # Azure Functions / App Service on Linux: /home is an SMB share, site files in
    # /home/site/wwwroot, /appsvctmp (Azure App Service docs).
    Rule(
        "docker.azure-app-service",
        E.DOCKER,
        STRONG,
        "Azure App Service's site mounts ({target})",
        mount=MountPattern(target=frozenset({"/appsvctmp", "/home/site/wwwroot"})),
        detail=("platform", "azure-functions"),
    ),
    # LXC: the autodev /dev is a 500 000-byte tmpfs (lxc src/lxc/conf.c), devices
    # bound one by one from the host's devtmpfs; container roots in lxc/ and lxd/
    # storage pools; Crostini's /mnt/chromeos (ChromiumOS containers docs).
    # Unraid's user shares (shfs) live at /mnt/user; elsewhere they were bound into a container.
    Rule(
        "docker.unraid-share",
        E.DOCKER,
        FAIR,
        "an Unraid user share bound at {target}: a container on Unraid",
        mount=MountPattern(fstype=frozenset({"fuse.shfs"}), target_re=r"^/(?!mnt/)"),
        detail=("platform", "unraid"),
    ),
    Rule(
        "lxc.autodev",
        E.LXC,
        VERY_STRONG,
        "/dev is LXC's small autodev tmpfs (size=492k)",
        mount=MountPattern(
            target=frozenset({"/dev"}), fstype=frozenset({"tmpfs"}), options_re=r"size=492k"
        ),
    ),
    Rule(
        "lxc.rootfs-path",
        E.LXC,
        DECISIVE,
        "the root comes from an LXC/LXD/Incus container's rootfs",
        mount=MountPattern(
            target=frozenset({"/"}),
            fsroot_re=r"/lxc/[^/]+/rootfs$|/(lxd|incus)/storage-pools/[^/]+/containers/",
        ),
    ),
    Rule(
        "lxc.rootfs-source",
        E.LXC,
        DECISIVE,
        "the root comes from an LXD/Incus storage pool",
        mount=MountPattern(
            target=frozenset({"/"}), source_re=r"/(lxd|incus)/storage-pools/[^/]+/containers/"
        ),
    ),
    Rule(
        "lxc.crostini",
        E.LXC,
        VERY_STRONG,
        "ChromeOS files shared into Crostini's container (/mnt/chromeos)",
        mount=MountPattern(target=frozenset({"/mnt/chromeos"})),
        detail=("platform", "crostini"),
    ),
    # OpenVZ: the container's root is simfs (OpenVZ's per-container file system).
    Rule(
        "openvz.simfs",
        E.OPENVZ,
        DECISIVE,
        "/ is simfs: an OpenVZ container",
        mount=MountPattern(fstype=frozenset({"simfs"})),
    ),
    # systemd-nspawn: the mount tunnel at /run/systemd/nspawn/incoming (older
    # systemd), the tmpfs-backed boot id and /proc/kmsg (nspawn-mount.c), its /proc masks.
    Rule(
        "nspawn.incoming-old",
        E.SYSTEMD_NSPAWN,
        DECISIVE,
        "systemd-nspawn's mount tunnel",
        mount=MountPattern(target=frozenset({"/run/systemd/nspawn/incoming"})),
    ),
    Rule(
        "nspawn.tmpfs-binds",
        E.SYSTEMD_NSPAWN,
        STRONG,
        "/proc/kmsg or the boot id bound from a tmpfs, as systemd-nspawn does",
        mount=MountPattern(
            target=frozenset({"/proc/kmsg", "/proc/sys/kernel/random/boot_id"}),
            fstype=frozenset({"tmpfs"}),
        ),
    ),
    Rule(
        "nspawn.proc-masks",
        E.SYSTEMD_NSPAWN,
        STRONG,
        "/proc/sys/net writable among read-only /proc binds: systemd-nspawn's /proc layout",
        check="nspawn-proc-masks",
    ),
    Rule(
        "nspawn.private-users",
        E.SYSTEMD_NSPAWN,
        STRONG,
        "a tmpfs owned by a uid from systemd-nspawn's --private-users=pick range",
        check="nspawn-picked-uid-range",
    ),
    # gVisor's platforms: Cloud Functions and Cloud Run put Cloud SQL's proxy at /cloudsql.
    Rule(
        "gvisor.cloudsql",
        E.GVISOR,
        SUPPORTING,
        "Cloud SQL's socket directory (/cloudsql) of Google's serverless platforms",
        mount=MountPattern(target=frozenset({"/cloudsql"})),
        detail=("platform", "google-serverless"),
    ),
    # A GitHub Actions container job: the runner (actions/runner) binds its
    # work folder at /__w (Azure Pipelines agents do too) and its own files
    # at /github/home and /github/workflow, which only Actions uses.
    Rule(
        "platform.github-actions-job-binds",
        E.UNKNOWN,
        DETAIL_ONLY,
        "the Actions runner's files are bound at {target}: a GitHub Actions container job",
        mount=MountPattern(target=frozenset({"/github/workflow", "/github/home"})),
        detail=("platform", "github-actions"),
    ),
    # Platforms (details only): the environment comes from other evidence.
    Rule(
        "platform.cloud-run",
        E.UNKNOWN,
        DETAIL_ONLY,
        "Cloud Run's environment is set ({value})",
        check="cloud-run-env",
        detail=("platform", "cloud-run"),
    ),
    Rule(
        "platform.github-actions",
        E.UNKNOWN,
        DETAIL_ONLY,
        "GitHub Actions' environment is set ({value})",
        check="github-actions-env",
        detail=("platform", "github-actions"),
    ),
    Rule(
        "platform.azure",
        E.UNKNOWN,
        DETAIL_ONLY,
        "Azure App Service's environment is set ({value})",
        check="azure-env",
        detail=("platform", "azure-app-service"),
    ),
)


__all__ = ["RULES", "Rule", "MountPattern", "TableIndex"]
