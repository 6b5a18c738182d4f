"""Generate a folder of Lambda-like snapshots for the survey: the article's two
/var/task patterns, written as mountinfo from its two tables, with random
ids, accounts, UUIDs and times, live signals and the handler's metadata.

The kernel release differs by pattern (the planted signal); memory size,
CPU model, region, init type, cold start and capture time are random noise.
Everything is made up from the documented snapshot format; nothing is read
from the machine that runs this.
"""

from __future__ import annotations

import json
import random
import string
from pathlib import Path
from typing import Any

FUNCTION = "mountscope-probe"
KERNELS = {1: "4.14.255-318.256.amzn2.x86_64", 2: "5.10.216-225.855.amzn2.x86_64"}
CPUS = ("Intel(R) Xeon(R) Processor @ 2.50GHz", "Intel(R) Xeon(R) Processor @ 3.00GHz")
REGIONS = ("us-east-1", "eu-west-1")
WORKER = "/opt/amazon/asc/worker"


def _random_word(rng: random.Random, length: int = 10) -> str:
    """Letters and digits mixed (at least two of each), as in boot_id-<random>."""
    chars = [rng.choice(string.ascii_lowercase) for _ in range(length // 2)]
    chars += [rng.choice(string.digits) for _ in range(length - length // 2)]
    rng.shuffle(chars)
    return "".join(chars)


def _uuid(rng: random.Random) -> str:
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"


# Mounts a sandbox may add besides the article's ten (masked /proc and /sys
# paths, /dev pieces, files bound from the sandbox's folder), for tables of
# the size a container's has: (fsroot, target, options, fstype, source, super options).
EXTRA = (
    ("/", "/dev/pts", "rw,nosuid,noexec,relatime", "devpts", "devpts", "rw,gid=5,mode=620"),
    ("/", "/dev/shm", "rw,nosuid,nodev,noexec,relatime", "tmpfs", "shm", "rw,size=65536k"),
    ("/", "/dev/mqueue", "rw,nosuid,nodev,noexec,relatime", "mqueue", "mqueue", "rw"),
    ("/", "/sys", "ro,nosuid,nodev,noexec,relatime", "sysfs", "sysfs", "ro"),
    ("/", "/sys/fs/cgroup", "ro,nosuid,nodev,noexec,relatime", "cgroup2", "cgroup", "rw"),
    ("/", "/proc/acpi", "ro,relatime", "tmpfs", "tmpfs", "ro"),
    ("/null", "/proc/kcore", "rw,nosuid", "tmpfs", "tmpfs", "rw,size=65536k,mode=755"),
    ("/null", "/proc/keys", "rw,nosuid", "tmpfs", "tmpfs", "rw,size=65536k,mode=755"),
    ("/null", "/proc/timer_list", "rw,nosuid", "tmpfs", "tmpfs", "rw,size=65536k,mode=755"),
    ("/", "/proc/scsi", "ro,relatime", "tmpfs", "tmpfs", "ro"),
    ("/", "/sys/firmware", "ro,relatime", "tmpfs", "tmpfs", "ro"),
    ("/bus", "/proc/bus", "ro,nosuid,nodev,noexec,relatime", "proc", "proc", "rw"),
    ("/fs", "/proc/fs", "ro,nosuid,nodev,noexec,relatime", "proc", "proc", "rw"),
    ("/irq", "/proc/irq", "ro,nosuid,nodev,noexec,relatime", "proc", "proc", "rw"),
    ("/sys", "/proc/sys", "ro,nosuid,nodev,noexec,relatime", "proc", "proc", "rw"),
    (
        "/sysrq-trigger",
        "/proc/sysrq-trigger",
        "ro,nosuid,nodev,noexec,relatime",
        "proc",
        "proc",
        "rw",
    ),
    ("/", "/var/runtime/lib", "ro,nosuid,nodev,relatime", "ext4", "/dev/root", "ro"),
    ("/", "/opt", "ro,nosuid,nodev,relatime", "ext4", "/dev/vdc", "ro"),
    (
        f"{WORKER}/sandbox-tmp/sbtasks/hosts",
        "/etc/hosts",
        "ro,nosuid,nodev,relatime",
        "ext4",
        "/dev/vdb",
        "rw",
    ),
    (
        f"{WORKER}/sandbox-tmp/sbtasks/hostname",
        "/etc/hostname",
        "ro,nosuid,nodev,relatime",
        "ext4",
        "/dev/vdb",
        "rw",
    ),
)


def mountinfo(
    pattern: int, rng: random.Random, account: str, task_uuid: str, extra_mounts: int = 0
) -> str:
    """The article's table for ``pattern`` (1: /var/task on a loop device,
    2: bound from the worker's tasks folder on vdb), as mountinfo lines, and
    ``extra_mounts`` more (from EXTRA, then numbered tmpfs mounts)."""
    base = rng.randrange(100, 5000)
    root = base
    flat = f"{rng.getrandbits(160):040x}"
    rows = [
        (
            root,
            1,
            "254:0",
            f"{WORKER}/rtfs/cache/{flat}.flat",
            "/",
            "ro,nosuid,nodev,relatime",
            "ext4",
            "/dev/root",
            "ro",
        ),
        (
            base + 1,
            root,
            "7:1",
            "/",
            "/var/task",
            "ro,nosuid,nodev,relatime",
            "ext4",
            "/dev/loop1",
            "ro",
        )
        if pattern == 1
        else (
            base + 1,
            root,
            "254:16",
            f"{WORKER}/tasks/{account}/{FUNCTION}/{task_uuid}",
            "/var/task",
            "ro,nosuid,nodev,relatime",
            "ext4",
            "/dev/vdb",
            "rw",
        ),
        (
            base + 2,
            root,
            "254:16",
            f"{WORKER}/sandbox-tmp/sbtasks/sandbox-dev",
            "/dev",
            "rw,nosuid,noexec,relatime",
            "ext4",
            "/dev/vdb",
            "rw",
        ),
        (
            base + 3,
            root,
            "7:0",
            "/",
            "/tmp",
            "rw,nosuid,nodev,relatime",
            "ext4",
            "/dev/loop0",
            "rw",
        ),
        (
            base + 4,
            root,
            f"0:{rng.randrange(20, 60)}",
            "/",
            "/proc",
            "rw,nosuid,nodev,noexec,relatime",
            "proc",
            "none",
            "rw",
        ),
        (
            base + 5,
            base + 4,
            "254:16",
            f"{WORKER}/sandbox-tmp/sbtasks/boot_id-{_random_word(rng)}",
            "/proc/sys/kernel/random/boot_id",
            "ro,nosuid,nodev,noexec,relatime",
            "ext4",
            "/dev/vdb",
            "rw",
        ),
        (
            base + 6,
            root,
            "254:0",
            "/etc/passwd",
            "/etc/passwd",
            "ro,nosuid,nodev,relatime",
            "ext4",
            "/dev/root",
            "ro",
        ),
        (
            base + 7,
            root,
            "254:0",
            f"{WORKER}/runtime/nodejs-8.x",
            "/var/runtime",
            "ro,nosuid,nodev,relatime",
            "ext4",
            "/dev/root",
            "ro",
        ),
        (
            base + 8,
            root,
            "254:0",
            f"{WORKER}/lang/node-v8.10.x",
            "/var/lang",
            "ro,nosuid,nodev,relatime",
            "ext4",
            "/dev/root",
            "ro",
        ),
        (
            base + 9,
            root,
            "254:16",
            f"{WORKER}/sandbox-tmp/sbtasks/resolv.conf{_random_word(rng)}",
            "/etc/resolv.conf",
            "ro,nosuid,nodev,relatime",
            "ext4",
            "/dev/vdb",
            "rw",
        ),
    ]
    for number in range(extra_mounts):
        if number < len(EXTRA):
            fsroot, target, opts, fstype, source, sopts = EXTRA[number]
        else:
            fsroot, target, opts, fstype, source, sopts = (
                "/",
                f"/mnt/extra{number}",
                "rw,relatime",
                "tmpfs",
                "tmpfs",
                "rw",
            )
        rows.append(
            (
                base + 10 + number,
                root,
                f"0:{70 + number}",
                fsroot,
                target,
                opts,
                fstype,
                source,
                sopts,
            )
        )
    return "".join(
        f"{i} {p} {dev} {fsroot} {target} {opts} - {fstype} {source} {sopts}\n"
        for i, p, dev, fsroot, target, opts, fstype, source, sopts in rows
    )


def snapshot(
    pattern: int, rng: random.Random, number: int, extra_mounts: int = 0
) -> tuple[dict[str, Any], dict[str, str]]:
    """A snapshot document as the handler writes it, and the identifying values planted in it."""
    account = f"{rng.randrange(10**11, 10**12):012d}"
    task_uuid, request = _uuid(rng), _uuid(rng)
    region = rng.choice(REGIONS)
    memory = rng.choice(("128", "512", "1024"))
    hostname = f"169.254.{rng.randrange(1, 255)}.{rng.randrange(1, 255)}"
    arn = f"arn:aws:lambda:{region}:{account}:function:{FUNCTION}"
    day, hour = rng.randrange(27, 29), rng.randrange(24)
    when = f"2026-11-{day:02d}T{hour:02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}Z"
    kernel = KERNELS[pattern]
    env = {
        "AWS_LAMBDA_FUNCTION_NAME": FUNCTION,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": memory,
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_INITIALIZATION_TYPE": rng.choice(("on-demand", "provisioned-concurrency")),
        "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{FUNCTION}",
        "AWS_EXECUTION_ENV": "AWS_Lambda_python3.12",
        "LAMBDA_TASK_ROOT": "/var/task",
    }
    document = {
        "format": "mountscope.snapshot",
        "version": 1,
        "title": f"probe {number}",
        "created": when,
        "tool": {"name": "mountscope", "version": "0.1.0"},
        "metadata": {
            "hostname": hostname,
            "kernel_release": kernel,
            "machine": "x86_64",
            "time": when,
            "mountscope_version": "0.1.0",
            "command_pid": 8,
            "pid": 8,
            "mnt_ns": "mnt:[4026532251]",
            "source": "/proc/self/mountinfo",
            "lambda_aws_request_id": request,
            "lambda_function_name": FUNCTION,
            "lambda_function_version": "$LATEST",
            "lambda_memory_limit_in_mb": memory,
            "lambda_invoked_function_arn": arn,
            "lambda_log_stream_name": f"2026/11/{day:02d}/[$LATEST]{rng.getrandbits(128):032x}",
            "lambda_invocation": rng.choice((1, 1, 2, 3)),
        },
        "table": {
            "format": "mountinfo",
            "first_line": 1,
            "text": mountinfo(pattern, rng, account, task_uuid, extra_mounts),
            "settled": True,
            "reads": 2,
        },
        "mounts": [],
        "signals": {
            "cmdline": (
                "console=ttyS0 reboot=k panic=1 pci=off nomodules "
                "virtio_mmio.device=4K@0xd0000000:5 virtio_mmio.device=4K@0xd0001000:6"
            ),
            "version": f"Linux version {kernel} (mockbuild@amazonlinux) #1 SMP",
            "osrelease": kernel,
            "cpu": {"vendor_id": "GenuineIntel", "model name": rng.choice(CPUS)},
            "dmi": None,
            "dmi_present": False,
            "device_tree_compatible": None,
            "virtio_devices": ["0x0001", "0x0002", "0x0002"],
            "acpi_devices": None,
            "pci_devices": 0,
            "cgroup_self": "0::/\n",
            "cgroup_init": "0::/\n",
            "markers": {},
            "systemd_container": None,
            "env": env,
            "hostname": hostname,
            "machine": "x86_64",
        },
    }
    planted = {
        "account": account,
        "uuid": task_uuid,
        "request": request,
        "arn": arn,
        "hostname": hostname,
        "function": FUNCTION,
    }
    return document, planted


def write_fleet(
    folder: Path, pattern1: int, pattern2: int, seed: int = 18, extra_mounts: int = 0
) -> list[dict[str, str]]:
    """``pattern1`` + ``pattern2`` snapshots in ``folder`` (in two sub-folders),
    each table with ``extra_mounts`` mounts besides the article's ten;
    returns the identifying values planted in each."""
    rng = random.Random(seed)
    planted = []
    for pattern, count in ((1, pattern1), (2, pattern2)):
        sub = folder / f"pattern{pattern}"
        sub.mkdir(parents=True, exist_ok=True)
        for number in range(count):
            document, values = snapshot(pattern, rng, number, extra_mounts)
            (sub / f"probe-{number:05d}.json").write_text(json.dumps(document, indent=1))
            planted.append(values)
    return planted
