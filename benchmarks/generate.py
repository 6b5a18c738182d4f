"""Synthetic mountinfo tables shaped like a Kubernetes node (deterministic).

Every table this writes is synthetic: it follows the mountinfo format
(proc(5)) and the shapes of a busy container host, not any real
machine. Shapes: the usual pseudo filesystems; per pod, projected-token and
secret tmpfs volumes under /var/lib/kubelet/pods, a container overlay root
under /run/containerd with long lowerdir options, a network-namespace nsfs
mount and a shm tmpfs; host bind mounts with escaped spaces; shared and
master propagation tags; stacked mounts (two on one target); and orphans
(a parent id that is not in the table, as in a container's table).

    python -m benchmarks.generate 50000 > node.mountinfo
"""

from __future__ import annotations

import random
import sys
import uuid


def _hex(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


class _Table:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.lines: list[str] = []
        self.next_id = 21
        self.next_minor = 30
        self.peer = 1

    def add(
        self,
        parent: int,
        target: str,
        fstype: str,
        source: str,
        super_opts: str,
        root: str = "/",
        opts: str = "rw,relatime",
        devno: str | None = None,
        shared: bool = True,
    ) -> int:
        mount_id = self.next_id
        self.next_id += 1
        if devno is None:
            devno = f"0:{self.next_minor}"
            self.next_minor += 1
        tags = ""
        if shared:
            roll = self.rng.random()
            if roll < 0.6:
                tags = f" shared:{self.peer}"
                self.peer += 1
            elif roll < 0.8:
                tags = f" master:{self.rng.randint(1, max(1, self.peer))}"
        self.lines.append(
            f"{mount_id} {parent} {devno} {root} {target} {opts}{tags} - {fstype} {source} {super_opts}"
        )
        return mount_id


def generate(count: int, seed: int = 1, *, orphans: bool = True, stacked: bool = True) -> str:
    """A mountinfo text of exactly ``count`` lines (count >= 12)."""
    rng = random.Random(seed)
    t = _Table(rng)
    root = t.add(1, "/", "ext4", "/dev/nvme0n1p1", "rw,errors=remount-ro", devno="259:1")
    proc = t.add(root, "/proc", "proc", "proc", "rw", opts="rw,nosuid,nodev,noexec,relatime")
    sys_ = t.add(root, "/sys", "sysfs", "sysfs", "rw", opts="rw,nosuid,nodev,noexec,relatime")
    dev = t.add(
        root,
        "/dev",
        "devtmpfs",
        "udev",
        "rw,size=16336640k,nr_inodes=4084160,mode=755",
        opts="rw,nosuid,relatime",
    )
    t.add(
        dev,
        "/dev/pts",
        "devpts",
        "devpts",
        "rw,gid=5,mode=620,ptmxmode=000",
        opts="rw,nosuid,noexec,relatime",
    )
    t.add(dev, "/dev/shm", "tmpfs", "tmpfs", "rw", opts="rw,nosuid,nodev")
    run = t.add(
        root,
        "/run",
        "tmpfs",
        "tmpfs",
        "rw,size=3275876k,mode=755",
        opts="rw,nosuid,nodev,noexec,relatime",
    )
    t.add(
        sys_,
        "/sys/fs/cgroup",
        "cgroup2",
        "cgroup2",
        "rw,nsdelegate,memory_recursiveprot",
        opts="rw,nosuid,nodev,noexec,relatime",
    )
    t.add(
        proc,
        "/proc/sys/fs/binfmt_misc",
        "autofs",
        "systemd-1",
        "rw,fd=29,pgrp=1,timeout=0,minproto=5,maxproto=5,direct,pipe_ino=17610",
    )
    kubelet = t.add(root, "/var/lib/kubelet", "ext4", "/dev/nvme1n1", "rw", devno="259:3")
    t.add(
        root, "/var/lib/containerd", "ext4", "/dev/nvme1n1", "rw", root="/containerd", devno="259:3"
    )
    data = t.add(
        root, "/mnt/data\\040disk", "xfs", "/dev/sdb1", "rw,attr2,inode64,noquota", devno="8:17"
    )
    layers = [
        f"/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/{n}/fs"
        for n in range(1, 400)
    ]
    while len(t.lines) < count:
        left = count - len(t.lines)
        roll = rng.random()
        if roll < 0.05 and stacked and left >= 2:
            target = f"/mnt/stack{t.next_id}"
            lower = t.add(root, target, "tmpfs", "lower", "rw,size=1024k")
            t.add(lower, target, "tmpfs", "upper", "rw,size=1024k")
        elif roll < 0.08 and left >= 2:
            base = t.add(
                data,
                f"/mnt/data\\040disk/share{t.next_id}",
                "xfs",
                "/dev/sdb1",
                "rw,attr2,inode64,noquota",
                root=f"/exports/team\\040{t.next_id}",
                devno="8:17",
            )
            t.add(
                base,
                f"/mnt/data\\040disk/share{base}/sub\\040dir",
                "xfs",
                "/dev/sdb1",
                "rw,attr2,inode64,noquota",
                root=f"/exports/team\\040{base}/sub\\040dir",
                devno="8:17",
            )
        elif roll < 0.09 and orphans:
            t.add(9000000 + t.next_id, f"/orphan/{t.next_id}", "tmpfs", "tmpfs", "rw")
        else:
            pod = _uuid(rng)
            pod_dir = f"/var/lib/kubelet/pods/{pod}"
            token = f"kube-api-access-{_hex(rng, 5)}"
            t.add(
                kubelet,
                f"{pod_dir}/volumes/kubernetes.io~projected/{token}",
                "tmpfs",
                "tmpfs",
                "rw,size=524288k",
            )
            if left >= 2:
                t.add(
                    kubelet,
                    f"{pod_dir}/volumes/kubernetes.io~secret/secret-{_hex(rng, 6)}",
                    "tmpfs",
                    "tmpfs",
                    "rw,size=65536k",
                )
            if left >= 3:
                sandbox = _hex(rng, 64)
                lower = ":".join(rng.sample(layers, rng.randint(3, 12)))
                t.add(
                    run,
                    f"/run/containerd/io.containerd.runtime.v2.task/k8s.io/{sandbox}/rootfs",
                    "overlay",
                    "overlay",
                    f"rw,lowerdir={lower},upperdir=/var/lib/containerd/io.containerd.snapshotter"
                    f".v1.overlayfs/snapshots/{rng.randint(400, 9999)}/fs,workdir=/var/lib/"
                    f"containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/"
                    f"{rng.randint(400, 9999)}/work",
                )
            if left >= 4:
                t.add(
                    run,
                    f"/run/netns/cni-{_uuid(rng)}",
                    "nsfs",
                    "nsfs",
                    "rw",
                    root=f"net:[{4026530000 + t.next_id}]",
                )
            if left >= 5:
                t.add(
                    run,
                    f"/run/containerd/io.containerd.grpc.v1.cri/sandboxes/{_hex(rng, 64)}/shm",
                    "tmpfs",
                    "shm",
                    "rw,size=65536k",
                    opts="rw,nosuid,nodev,noexec,relatime",
                )
    return "\n".join(t.lines[:count]) + "\n"


def change(text: str, fraction: float, seed: int = 2) -> str:
    """The same table with ``fraction`` of its mounts changed (options or source)."""
    rng = random.Random(seed)
    lines = text.splitlines()
    for index in rng.sample(range(len(lines)), max(1, int(len(lines) * fraction))):
        head, _, tail = lines[index].partition(" - ")
        fstype, source, options = (tail.split(" ", 2) + ["", ""])[:3]
        if rng.random() < 0.5:
            lines[index] = f"{head} - {fstype} {source} {options},changed"
        else:
            lines[index] = f"{head} - {fstype} {source}-changed {options}"
    return "\n".join(lines) + "\n"


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    sys.stdout.write(generate(count, seed))


if __name__ == "__main__":
    main()
