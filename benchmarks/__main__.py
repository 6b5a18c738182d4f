"""The benchmark: whole processes, several runs, medians, next to findmnt.

    python -m benchmarks                 # 10, 1 000, 10 000, 50 000 and 200 000 mounts, 5 runs
    python -m benchmarks --sizes 1000,10000 --runs 3
    python -m benchmarks --smoke         # one small size, one run: keeps the script working (CI)
    python -m benchmarks --markdown      # the tables as Markdown, for docs/performance.md
    python -m benchmarks --survey        # survey of many snapshots next to reading them

For each size it generates a Kubernetes-node-like mountinfo (benchmarks/
generate.py) and copies with 1% and 20% of the mounts changed, then runs
each command as its own process and records wall time and peak memory (the
child's ru_maxrss from wait4). Every command is set beside findmnt's flat
list of the same file (``findmnt -F FILE -l``; ``-J -l`` for JSON), measured
in the same run, the two taking turns run by run, so that the ratio holds
on a busy machine; findmnt's tree
form is quadratic in libmount and is not the peer. The growth of each
command with the number of mounts is fitted (the exponent of time against
mounts, from the sizes of 10 000 mounts and more). The app is started in a
pseudo-terminal and timed until its first rows are on screen, then per key
until the screen is settled in the state the key asks for. ``capture``
runs on this machine's live table, and on one of 50 000 mounts more, made
in a private mount namespace of its own (MOUNT_MANY). Everything is
written in one temporary folder, removed at the end; nothing needs root.
Nothing here is a test: CI only runs --smoke.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.generate import change, generate

FINDMNT = shutil.which("findmnt")
PY = sys.executable
MOUNTSCOPE = [PY, "-m", "mountscope"]


@dataclass
class Measure:
    seconds: list[float] = field(default_factory=list)
    peak_kb: list[int] = field(default_factory=list)
    note: str = ""

    @property
    def median(self) -> float | None:
        return statistics.median(self.seconds) if self.seconds else None

    @property
    def memory_mb(self) -> float | None:
        return max(self.peak_kb) / 1024 if self.peak_kb else None


# Peak memory is read in a small launcher process that forks the command
# fresh: a child forked straight from this (large) process would count our
# memory as its own (ru_maxrss survives exec).
LAUNCHER = """
import os, sys, time
started = time.perf_counter()
pid = os.fork()
if pid == 0:
    sink = os.open(os.devnull, os.O_WRONLY)
    os.dup2(sink, 1)
    os.dup2(sink, 2)
    os.execvp(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as out:
    out.write(f"{time.perf_counter() - started} {usage.ru_maxrss}")
"""


def run_once(
    argv: list[str], timeout: float, work: Path | None = None, before: Sequence[str] = ()
) -> tuple[float, int] | None:
    """Wall time and peak RSS (KB) of one whole process; None on timeout.
    The launcher's report is written in ``work`` (else the temporary folder).
    ``before``: a command that prepares, then runs the launcher's command
    line that follows it (MOUNT_MANY); its own time is not counted."""
    report = Path(tempfile.mkstemp(suffix=".measure", dir=work)[1])
    launcher = subprocess.Popen(
        [*before, PY, "-S", "-c", LAUNCHER, str(report), *argv],
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        launcher.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(launcher.pid, signal.SIGKILL)  # the launcher and the command
        launcher.wait()
        report.unlink()
        return None
    measured = report.read_text().split()
    report.unlink()
    if not measured:  # the launcher never ran: ``before`` failed
        raise RuntimeError(f"{' '.join(before[:2])} did not run the command")
    return float(measured[0]), int(measured[1])


def measure(argv: list[str], runs: int, timeout: float, work: Path | None = None) -> Measure:
    return measure_beside([argv], runs, [timeout], work)[0]


# A live table of many mounts, for ``capture``: made in a private mount
# namespace of the command's own, so that nothing needs root (a user
# namespace, where this is not root) and no mount outlives the run. A tmpfs
# on the run's folder, inside the namespace only, and a small tmpfs on each
# of ``count - 1`` folders in it (the tmpfs volumes of a Kubernetes node;
# bind mounts of one filesystem take longer with each, 50 s for 50 000);
# then the launcher's command line.
MOUNT_MANY = """
import ctypes, os, sys
folder, count = sys.argv[1], int(sys.argv[2])
libc = ctypes.CDLL(None, use_errno=True)
def mount(target, options):
    if libc.mount(b"tmpfs", target.encode(), b"tmpfs", 0, options) != 0:
        error = ctypes.get_errno()
        raise OSError(error, os.strerror(error), target)
mount(folder, None)
for i in range(1, count):
    os.mkdir(f"{folder}/{i}")
    mount(f"{folder}/{i}", b"size=4k,mode=700")
os.execv(sys.argv[3], sys.argv[3:])
"""


def private_mount_namespace() -> list[str] | None:
    """The unshare(1) command line that runs a command in a mount namespace
    of its own, or None where there is none to be had."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return None
    ways = [[unshare, "--user", "--map-root-user", "--mount"]]
    if os.geteuid() == 0:
        ways.insert(0, [unshare, "--mount"])
    for way in ways:
        if subprocess.run([*way, "true"], capture_output=True).returncode == 0:
            return way
    return None


def measure_live(argv: list[str], count: int, runs: int, work: Path) -> Measure:
    """``argv`` run in a private mount namespace holding ``count`` mounts
    more than the machine's (MOUNT_MANY); timed from when they are there."""
    namespace = private_mount_namespace()
    if namespace is None:
        return Measure(note="no private mount namespace here (unshare)")
    folder = work / "live-mounts"
    folder.mkdir(exist_ok=True)
    before = [*namespace, PY, "-S", "-c", MOUNT_MANY, str(folder), str(count)]
    result = Measure()
    for _ in range(runs):
        try:
            got = run_once(argv, 300, work, before)
        except RuntimeError:
            result.note = f"{count:,} mounts could not be made in a namespace here"
            break
        if got is None:
            result.note = "> 300 s (stopped)"
            break
        result.seconds.append(got[0])
        result.peak_kb.append(got[1])
    return result


def measure_beside(
    commands: list[list[str]], runs: int, timeouts: list[float], work: Path | None = None
) -> list[Measure]:
    """Each command ``runs`` times, taking turns (a run of each, then the
    next round): whatever the machine does meanwhile (other guests, the
    kernel writing out the inputs just generated) falls on all of them
    alike, and their ratio holds. (Measured one after the other, the first
    command after the inputs were written was 20-30% slower than alone.)"""
    results = [Measure() for _ in commands]
    for _ in range(runs):
        for argv, timeout, result in zip(commands, timeouts, results, strict=True):
            if result.note:
                continue
            got = run_once(argv, timeout, work)
            if got is None:
                result.note = f"> {timeout:.0f} s (stopped)"
                continue
            result.seconds.append(got[0])
            result.peak_kb.append(got[1])
    return results


# --- the app, in a real pseudo-terminal --------------------------------------------------

TREE_ROW = ("├─", "└─")


def tree_rows(text: str) -> int:
    """How many rows of the screen are tree rows (drawn with tree art)."""
    return sum(1 for line in text.splitlines() if any(art in line for art in TREE_ROW))


def unmatched(text: str, word: str = "kubelet") -> int:
    """How many tree rows of the screen do not hold ``word``."""
    return sum(
        1 for line in text.splitlines() if any(art in line for art in TREE_ROW) and word not in line
    )


SYNC_END = b"\x1b[?2026l"  # the end of a frame, in a terminal with synchronized output


class Frames:
    """The frames the app draws in a terminal that supports synchronized
    output (Terminal(synchronized=True)): Textual ends each frame with ESU,
    so a frame is whole when its ESU is read, and its time is the time it
    was read. The bytes go to the pyte screen only then: the screen's own
    parsing (pure Python, a few ms a frame; a real terminal takes far less)
    is not timed and does not hold up the reads. Bytes that no ESU ends
    (written before the app knew the terminal's answer) make a frame once
    the app has been quiet for a while."""

    def __init__(self, term) -> None:  # type: ignore[no-untyped-def]
        self.term = term
        self.pending = bytearray()
        self.pending_at = 0.0

    def next(self, quiet: float, deadline: float) -> float | None:
        """The time the next frame was read, the screen showing it; None when
        the app writes nothing for ``quiet`` seconds, or at ``deadline``."""
        while (left := deadline - time.perf_counter()) > 0:
            chunk = self.term.read(min(quiet, left))
            if not chunk:  # quiet, or the program has gone
                if self.pending:  # a frame without ESU
                    self.term.feed(bytes(self.pending))
                    self.pending.clear()
                    return self.pending_at
                return None
            self.pending_at = time.perf_counter()
            self.pending += chunk
            end = self.pending.rfind(SYNC_END)
            if end >= 0:
                end += len(SYNC_END)
                self.term.feed(bytes(self.pending[:end]))
                del self.pending[:end]
                return self.pending_at
        return None


def settled_after(
    frames: Frames, keys: str, done: Callable[[str], bool], quiet: float = 0.3, timeout: float = 60
) -> float | None:
    """Seconds from sending ``keys`` to the last frame that changes the text
    on screen, once the app has drawn nothing for ``quiet`` seconds (a settled
    screen, not its first change) and ``done`` accepts the screen; None if it
    never gets there. A blinking cursor (the filter box's, every 0.5 s)
    draws frames that change no text: they do not count."""
    term = frames.term
    pressed = time.perf_counter()
    term.send(keys)
    last = pressed
    shown = term.text()
    deadline = pressed + timeout
    while time.perf_counter() < deadline:
        drawn = frames.next(quiet, deadline)
        if drawn is not None:
            text = term.text()
            if text != shown:
                shown, last = text, drawn
            continue
        if done(term.text()):
            return last - pressed
        if term.process.poll() is not None:
            break
    return None


def first_frame(
    frames: Frames,
    started: float,
    shows: Callable[[str], bool],
    timeout: float = 300,
) -> float:
    """Seconds from ``started`` to the first whole frame that ``shows`` accepts."""
    term = frames.term
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        drawn = frames.next(0.15, deadline)
        if drawn is not None:
            if shows(term.text()):
                return drawn - started
        elif term.process.poll() is not None:
            break
    raise AssertionError(f"the first screen never showed:\n{term.text()}")


# (label, keys, what the settled screen must show: given the screen before and after)
APP_KEYS: list[tuple[str, str, Callable[[str, str], bool]]] = [
    ("page down", "\x1b[6~", lambda before, after: after != before),
    ("end (last row)", "G", lambda before, after: after != before),
    ("top", "g", lambda before, after: after != before),
    # On the root: collapse it (the whole table folds into one row), then
    # expand it again (every child of the root comes back): a real expansion.
    ("collapse the root", "h", lambda before, after: tree_rows(after) < tree_rows(before)),
    ("expand the root", "l", lambda before, after: tree_rows(after) > tree_rows(before)),
    ("collapse all", "-", lambda before, after: tree_rows(after) < tree_rows(before)),
    ("expand all", "+", lambda before, after: tree_rows(after) > tree_rows(before)),
    # Opening the box and filtering as typed are two figures. The filter is
    # done when the tree keeps the matches and their ancestors only: fewer
    # rows without the word than before (the word echoed in the box is not
    # enough).
    ("open the filter", "/", lambda before, after: "filter: text" in after),
    (
        "filter as typed ('kubelet')",
        "kubelet",
        lambda before, after: "kubelet" in after and unmatched(after) < unmatched(before),
    ),
    ("clear the filter", "\x1b", lambda before, after: after != before),
]


def app_measures(path: Path, other: Path | None, runs: int) -> dict[str, Measure]:
    """First screen, settled key responses and peak memory of the app, in a real pty."""
    from tests.helpers.pty import Terminal  # the tests' pty driver (pyte screen)

    keys = list(APP_KEYS)
    if other:
        keys.append(("next difference", "n", lambda before, after: after != before))
    # Side by side, the first frame shows the first capture's tree while the
    # comparison runs in a worker; "pairs shown" is when both tables are there.
    firsts = ["first screen", "pairs shown"] if other else ["first screen"]
    results = {name: Measure() for name in [*firsts, *(k[0] for k in keys)]}
    for _ in range(runs):
        args = [str(path)] + ([str(other)] if other else [])
        started = time.perf_counter()
        term = Terminal([*MOUNTSCOPE, *args], cols=120, rows=40, synchronized=True)
        frames = Frames(term)
        try:
            first = first_frame(
                frames, started, lambda text: "TARGET" in text and tree_rows(text) > 1
            )
            results["first screen"].seconds.append(first)
            if other:  # the pairs' header names B's column ("SOURCE B"), or B's label ("│ B:")
                results["pairs shown"].seconds.append(
                    first_frame(
                        frames,
                        started,
                        lambda text: ("SOURCE B" in text or "│ B:" in text) and tree_rows(text) > 1,
                    )
                )
            # The verdicts (the last thing the workers hand over) say "judging…"
            # until they arrive: keys are timed once nothing runs beside them.
            deadline = time.perf_counter() + 300
            while "judging…" in term.text() and time.perf_counter() < deadline:
                if frames.next(0.5, deadline) is None and term.process.poll() is not None:
                    break
            if "judging…" in term.text():
                raise AssertionError(f"the verdicts never came:\n{term.text()}")
            while frames.next(0.5, deadline) is not None:
                pass  # settled: nothing drawn for 0.5 s
            for name, key, done in keys:
                before = term.text()
                took = settled_after(
                    frames, key, lambda after, before=before, done=done: done(before, after)
                )
                if took is None:  # the key did not do what its label says: no figure
                    results[name].note = "screen never showed it"
                else:
                    results[name].seconds.append(took)
            with open(f"/proc/{term.process.pid}/status") as status:
                hwm = next(int(line.split()[1]) for line in status if line.startswith("VmHWM"))
            results["first screen"].peak_kb.append(hwm)
            term.send("q")
            term.wait_exit(30)
        finally:
            term.close()
    return {k: v for k, v in results.items() if v.seconds or v.note}


# --- formatting --------------------------------------------------------------------------


def fmt_time(m: Measure | None) -> str:
    if m is None:
        return "-"
    if m.median is None:
        return m.note or "-"
    text = f"{m.median:.3f} s" if m.median < 10 else f"{m.median:.1f} s"
    return text + (" (1 run)" if len(m.seconds) == 1 else "")


def fmt_mem(m: Measure | None) -> str:
    return f"{m.memory_mb:.0f} MB" if m is not None and m.memory_mb is not None else "-"


def beside(name: str) -> str:
    """The key of the findmnt runs that took turns with command ``name``."""
    return f"findmnt beside {name}"


def ratio_of(ours: Measure | None, theirs: Measure | None) -> float | None:
    if ours is None or theirs is None or ours.median is None or not theirs.median:
        return None
    return ours.median / theirs.median


def ratio(ours: Measure | None, theirs: Measure | None) -> str:
    value = ratio_of(ours, theirs)
    return "-" if value is None else f"{value:.2f}x"


def growth(points: list[tuple[int, float]]) -> float | None:
    """The exponent k of time ~ mounts^k, least squares on logarithms."""
    points = [(n, t) for n, t in points if n > 0 and t > 0]
    if len(points) < 2:
        return None
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(t) for _, t in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    spread = sum((x - mx) ** 2 for x in xs)
    return (
        sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / spread if spread else None
    )


# --- the commands --------------------------------------------------------------------------

# name -> (our argv after "mountscope" given the files, findmnt's flags for its peer)
Files = dict[str, Path]
COMMANDS: dict[str, tuple[Callable[[Files], list[str]], list[str]]] = {
    "tree": (lambda f: ["tree", str(f["table"])], ["-l"]),
    "tree -J": (lambda f: ["tree", "-J", str(f["table"])], ["-J", "-l"]),
    "classify": (lambda f: ["classify", str(f["table"])], ["-l"]),
    "diff, 1% changed": (lambda f: ["diff", str(f["table"]), str(f["one"])], ["-l"]),
    "diff, 20% changed": (lambda f: ["diff", str(f["table"]), str(f["twenty"])], ["-l"]),
    "diff --json, 1% changed": (
        lambda f: ["diff", "--json", str(f["table"]), str(f["one"])],
        ["-l"],
    ),
    "diff --json, 20% changed": (
        lambda f: ["diff", "--json", str(f["table"]), str(f["twenty"])],
        ["-l"],
    ),
    "extract (JSON log lines)": (lambda f: ["extract", str(f["log"])], []),
}

# The goals at GOAL_SIZE (docs/performance.md): ratio to findmnt's peer, and peak memory.
GOAL_SIZE = 50_000
RATIO_GOALS = {
    "tree": 0.5,
    "tree -J": 1.0,
    "classify": 0.5,
    "diff, 1% changed": 1.0,
    "diff, 20% changed": 1.0,
    "diff --json, 1% changed": 1.5,
    "diff --json, 20% changed": 1.5,
}
MEMORY_GOALS_MB = {
    "tree": 80,
    "tree -J": 80,
    "classify": 80,
    "diff, 1% changed": 150,
    "diff, 20% changed": 150,
    "diff --json, 1% changed": 150,
    "diff --json, 20% changed": 150,
}
STARTUP_GOAL = 3.0  # tree within 3x findmnt -l on small tables
BIG_APP_MB = 1024  # the app side by side at 200 000 mounts: under 1 GB
GROWTH_FROM = 10_000  # below this, the interpreter's start-up is what is measured
LINEAR = 1.15  # the fitted exponent that still reads as linear on a shared machine


def json_log(lines: int) -> str:
    """A log of JSON lines (each starts with "{") with a small table after it:
    what ``extract`` must read in linear time."""
    rows = [
        f'{{"time": "2026-11-27T00:00:{k % 60:02d}Z", "level": "info", '
        f'"msg": "request {k} done", "path": "/srv/caf\\u00e9/{k}"}}'
        for k in range(lines)
    ]
    return "\n".join(rows) + "\n" + generate(20, seed=1)


def write_inputs(work: Path, size: int) -> Files:
    text = generate(size, seed=1)
    files = {
        "table": work / f"node-{size}.mountinfo",
        "one": work / f"node-{size}-1pc.mountinfo",
        "twenty": work / f"node-{size}-20pc.mountinfo",
        "log": work / f"log-{size}.jsonl",
    }
    files["table"].write_text(text)
    files["one"].write_text(change(text, 0.01))
    files["twenty"].write_text(change(text, 0.20))
    files["log"].write_text(json_log(size))
    return files


# Left out of the copy of the sources the installation is built from.
NOT_SOURCES = shutil.ignore_patterns(
    ".git", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", ".hypothesis", ".venv"
)


def install(work: Path) -> None:
    """Run mountscope as ``pip install .`` leaves it, from compiled bytecode.

    The tests' editable install puts an import hook in every process of its
    environment (about 10 ms of start-up that an installed mountscope, or
    findmnt, never pays), so the commands run from a wheel built from a copy
    of these sources (building in the checkout would leave build/ there),
    installed into a virtual environment of the run's folder, whose one
    addition is a path file that finds the dependencies where they are
    installed now. The peer of the survey runs in that environment too. An
    environment that forbids writing bytecode (PYTHONDONTWRITEBYTECODE) would
    make each process compile the dependencies from source again: their
    bytecode goes to the run's folder (PYTHONPYCACHEPREFIX), filled by
    importing the app's modules and by one untimed run of each command.
    """
    try:
        _install(work)
    except subprocess.CalledProcessError as failed:
        said = (failed.stderr or b"").decode(errors="replace").strip().splitlines()[-5:]
        command = " ".join(map(str, failed.cmd))
        raise SystemExit(
            f"benchmark: installing mountscope failed: {command}\n" + "\n".join(said)
        ) from None


def _install(work: Path) -> None:
    global PY, MOUNTSCOPE
    source, wheels, venv = work / "source", work / "wheels", work / "venv"
    shutil.copytree(Path(__file__).resolve().parent.parent, source, ignore=NOT_SOURCES)
    quiet = {"check": True, "capture_output": True}
    # (--no-cache-dir: pip's cache is outside the run's folder)
    pip = [PY, "-m", "pip", "--no-cache-dir", "--disable-pip-version-check"]
    subprocess.run([*pip, "wheel", "-q", "--no-deps", "-w", wheels, source], **quiet)
    subprocess.run([PY, "-m", "venv", "--without-pip", venv], **quiet)
    python = venv / "bin" / "python"
    where = [PY, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"]
    dependencies = subprocess.run(where, **quiet, text=True).stdout.strip()
    site = subprocess.run([python, *where[1:]], **quiet, text=True).stdout.strip()
    Path(site, "benchmark-dependencies.pth").write_text(dependencies + "\n")
    (wheel,) = wheels.glob("mountscope-*.whl")
    install_wheel = ["install", "-q", "--no-deps", "--no-index", wheel]
    subprocess.run([*pip, "--python", python, *install_wheel], **quiet)
    shutil.rmtree(source)
    PY, MOUNTSCOPE = str(python), [str(venv / "bin" / "mountscope")]
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = str(work / "bytecode")
    subprocess.run([*MOUNTSCOPE, "--version"], **quiet)
    subprocess.run([PY, "-c", "import mountscope.tui.app"], **quiet)  # the app's modules too


def main() -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--sizes", default="10,1000,10000,50000,200000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--app-sizes",
        default="1000,50000,200000",
        help="sizes at which the app is measured (it is the slowest part to run; "
        "default: 1000,50000,200000)",
    )
    parser.add_argument("--no-app", action="store_true", help="skip the app (pty) measurements")
    parser.add_argument("--smoke", action="store_true", help="one size (300), one run")
    parser.add_argument("--markdown", action="store_true", help="print Markdown tables")
    args = parser.parse_args()
    sizes = [300] if args.smoke else [int(s) for s in args.sizes.split(",")]
    app_sizes = sizes if args.smoke else [int(s) for s in args.app_sizes.split(",")]
    runs = 1 if args.smoke else args.runs

    work = Path(tempfile.mkdtemp(prefix="mountscope-bench-"))
    rows: list[tuple[str, ...]] = []
    results: dict[tuple[int, str], Measure] = {}
    try:
        install(work)
        # One untimed run of each command first: every module it imports is compiled.
        warm = write_inputs(work, 10)
        for ours, _ in COMMANDS.values():
            run_once([*MOUNTSCOPE, *ours(warm)], 120, work)
        for path in warm.values():
            path.unlink()
        for size in sizes:
            files = write_inputs(work, size)
            for name, (ours, flags) in COMMANDS.items():
                their = None
                if FINDMNT and flags:
                    # The peer takes turns with each command; its row (and
                    # its growth) is of every run it made at this size.
                    peer = [FINDMNT, "-F", str(files["table"]), *flags]
                    mine, their = measure_beside(
                        [[*MOUNTSCOPE, *ours(files)], peer], runs, [1800, 600], work
                    )
                    results[(size, beside(name))] = their
                    every = results.setdefault((size, "findmnt " + " ".join(flags)), Measure())
                    every.seconds += their.seconds
                    every.peak_kb += their.peak_kb
                    every.note = every.note or their.note
                else:
                    mine = measure([*MOUNTSCOPE, *ours(files)], runs, 1800, work)
                results[(size, name)] = mine
                ratio = ratio_of(mine, their)
                rows.append(
                    (
                        f"{size:,}",
                        f"mountscope {name}",
                        fmt_time(mine),
                        fmt_mem(mine),
                        f"findmnt -F FILE {' '.join(flags)}" if their else "",
                        fmt_time(their) if their else "",
                        "-" if ratio is None else f"{ratio:.2f}x",
                    )
                )
            if not args.no_app and size in app_sizes:
                for label, second in (("app", None), ("app side by side", files["one"])):
                    for name, measured in app_measures(
                        files["table"], second, 1 if args.smoke else min(runs, 3)
                    ).items():
                        results[(size, f"{label}: {name}")] = measured
                        rows.append(
                            (
                                f"{size:,}",
                                f"{label}: {name}",
                                fmt_time(measured),
                                fmt_mem(measured),
                                "",
                                "",
                                "",
                            )
                        )
            for path in files.values():
                path.unlink()
        # The live table of this machine, saved in our own folder (a regular
        # file replaced by the next run: --force replaces only regular files).
        capture = measure(
            [*MOUNTSCOPE, "capture", "-o", str(work / "snapshot.json"), "--force"], runs, 60, work
        )
        rows.append(("live", "mountscope capture", fmt_time(capture), fmt_mem(capture), "", "", ""))
        results[(0, "capture")] = capture
        # The same, the table holding as many mounts more as the goals' size.
        live_size = GOAL_SIZE if GOAL_SIZE in sizes else max(sizes)
        if live_size == GOAL_SIZE or args.smoke:
            many = measure_live(
                [*MOUNTSCOPE, "capture", "-o", str(work / "snapshot.json"), "--force"],
                live_size,
                runs,
                work,
            )
            rows.append(
                (
                    f"live + {live_size:,}",
                    "mountscope capture",
                    fmt_time(many),
                    fmt_mem(many),
                    "",
                    "",
                    "",
                )
            )
            results[(live_size, "capture")] = many
    finally:
        shutil.rmtree(work, ignore_errors=True)

    header = (
        "mounts",
        "command",
        "median",
        "peak memory",
        "findmnt peer",
        "findmnt median",
        "ratio",
    )
    print_table(header, rows, args.markdown)
    print()
    print_growth(results, sizes, args.markdown)
    print()
    print_goals(results, sizes, args.markdown)
    print()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"{platform.platform()}; findmnt: {findmnt_version()}; runs: {runs} (medians)"
    )
    return 0


def findmnt_version() -> str:
    if not FINDMNT:
        return "absent"
    return subprocess.run([FINDMNT, "--version"], capture_output=True, text=True).stdout.strip()


def print_table(header: tuple[str, ...], rows: list[tuple[str, ...]], markdown: bool) -> None:
    if markdown:
        print("| " + " | ".join(header) + " |")
        print("|" + "---|" * len(header))
        for row in rows:
            print("| " + " | ".join(row) + " |")
        return
    widths = [max(len(r[k]) for r in [header, *rows]) for k in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(cell.ljust(widths[k]) for k, cell in enumerate(row)).rstrip())


def _median(results: dict[tuple[int, str], Measure], size: int, name: str) -> float | None:
    m = results.get((size, name))
    return m.median if m else None


def _fitted(results: dict[tuple[int, str], Measure], sizes: list[int], name: str) -> float | None:
    points = [
        (size, t)
        for size in sizes
        if size >= GROWTH_FROM and (t := _median(results, size, name)) is not None
    ]
    return growth(points)


def print_growth(results: dict[tuple[int, str], Measure], sizes: list[int], markdown: bool) -> None:
    """The fitted exponent of each command's time against the number of mounts."""
    names = [*COMMANDS, "findmnt -l", "findmnt -J -l"]
    rows = []
    for name in names:
        k = _fitted(results, sizes, name)
        label = name if name.startswith("findmnt") else f"mountscope {name}"
        rows.append((label, "-" if k is None else f"{k:.2f}"))
    print_table((f"growth (time ~ mounts^k, from {GROWTH_FROM:,} mounts)", "k"), rows, markdown)


def print_goals(results: dict[tuple[int, str], Measure], sizes: list[int], markdown: bool) -> None:
    """Each performance goal (docs/performance.md), met or not, from the measurements."""
    checks: list[tuple[str, str, bool | None]] = []
    peers = {name: "findmnt " + " ".join(flags) for name, (_, flags) in COMMANDS.items() if flags}
    size = GOAL_SIZE if GOAL_SIZE in sizes else max(sizes)
    for name, limit in RATIO_GOALS.items():
        mine, theirs = _median(results, size, name), _median(results, size, beside(name))
        checks.append(
            (
                f"{name} at {size:,}: at most {limit}x {peers[name]}",
                "-" if mine is None or not theirs else f"{mine / theirs:.2f}x",
                None if mine is None or not theirs else mine / theirs <= limit,
            )
        )
    for name, limit_mb in MEMORY_GOALS_MB.items():
        m = results.get((size, name))
        mb = m.memory_mb if m else None
        checks.append(
            (
                f"{name} at {size:,}: peak memory under {limit_mb} MB",
                "-" if mb is None else f"{mb:.0f} MB",
                None if mb is None else mb < limit_mb,
            )
        )
    base = results.get((min(sizes), "tree"))
    for name in ("tree", "diff, 1% changed"):
        m = results.get((size, name))
        if m is None or base is None or m.memory_mb is None or base.memory_mb is None:
            continue
        per_mount = (m.memory_mb - base.memory_mb) * 1024 / size
        checks.append(
            (
                f"{name} at {size:,}: about 1 KB a mount above the start-up's memory",
                f"{per_mount:.2f} KB",
                per_mount <= 1.2 * (2 if name.startswith("diff") else 1),  # diff holds two tables
            )
        )
    for small in (s for s in sizes if s <= 1000):
        mine, theirs = _median(results, small, "tree"), _median(results, small, beside("tree"))
        checks.append(
            (
                f"tree at {small:,}: within {STARTUP_GOAL:.0f}x findmnt -l (start-up)",
                "-" if mine is None or not theirs else f"{mine / theirs:.2f}x",
                None if mine is None or not theirs else mine / theirs <= STARTUP_GOAL,
            )
        )
    for name in COMMANDS:
        k = _fitted(results, sizes, name)
        checks.append(
            (
                f"{name}: linear growth (k at most {LINEAR})",
                "-" if k is None else f"k = {k:.2f}",
                None if k is None else k <= LINEAR,
            )
        )
    capture = results.get((size, "capture"))
    tree_mb = MEMORY_GOALS_MB["tree"]
    checks.append(
        (
            f"capture of a live table of {size:,} mounts more: peak memory under {tree_mb} MB",
            "-" if capture is None or capture.memory_mb is None else f"{capture.memory_mb:.0f} MB",
            None if capture is None or capture.memory_mb is None else capture.memory_mb < tree_mb,
        )
    )
    for key in [k[0] for k in APP_KEYS] + ["next difference"]:
        label = "app side by side" if key == "next difference" else "app"
        value = _median(results, size, f"{label}: {key}")
        checks.append(
            (
                f"{label}: {key} at {size:,}: under 0.1 s settled",
                "-" if value is None else f"{value:.3f} s",
                None if value is None else value < 0.1,
            )
        )
    flat = _median(results, size, "findmnt -l")
    for label, limit in (("app", 1.0), ("app side by side", 1.5)):
        value = _median(results, size, f"{label}: first screen")
        checks.append(
            (
                f"{label}: first screen at {size:,}: at most {limit}x findmnt -l",
                "-" if value is None or not flat else f"{value / flat:.2f}x",
                None if value is None or not flat else value / flat <= limit,
            )
        )
    # Side by side on a table larger than the goals' (200 000 mounts, where
    # the app ran there: --app-sizes): under 1 GB, and the first capture's
    # tree on screen before the comparison is done.
    larger = sorted({s for s, name in results if s > size and name.startswith("app side by side")})
    for big in larger:
        first = _median(results, big, "app side by side: first screen")
        pairs = _median(results, big, "app side by side: pairs shown")
        measured = results.get((big, "app side by side: first screen"))
        mb = measured.memory_mb if measured else None
        checks.append(
            (
                f"app side by side at {big:,}: peak memory under {BIG_APP_MB} MB",
                "-" if mb is None else f"{mb:.0f} MB",
                None if mb is None else mb < BIG_APP_MB,
            )
        )
        checks.append(
            (
                f"app side by side at {big:,}: first screen before the pairs are shown",
                "-" if first is None or pairs is None else f"{first:.2f} s, pairs {pairs:.2f} s",
                None if first is None or pairs is None else first < pairs,
            )
        )
    rows = [
        (text, value, {True: "met", False: "NOT MET", None: "not measured"}[ok])
        for text, value, ok in checks
    ]
    print_table(("goal", "measured", "result"), rows, markdown)


# --- survey of many snapshots: python -m benchmarks --survey [--no-large] ---------------------

# Reads each file and parses it with orjson, nothing else: what a survey cannot beat.
READ_ONLY = """
import os, sys, orjson
for folder, _, files in os.walk(sys.argv[1]):
    for name in files:
        with open(os.path.join(folder, name), "rb") as handle:
            orjson.loads(handle.read())
"""

# The goal (docs/performance.md): survey of 10 000 snapshots within this many
# times reading and parsing them, and memory flat as captures are added.
SURVEY_RATIO = 3.0
FLAT_MB = 10.0


def _big_snapshots(folder: Path, count: int, mounts: int) -> None:
    """``count`` snapshots of a ``mounts``-mount Kubernetes-node-like table: two
    layouts, each file with its own mount ids and time (synthetic)."""
    import json
    import re

    texts = [generate(mounts, seed=seed) for seed in (1, 2)]
    head = re.compile(r"^(\d+) (\d+) ", re.M)
    for number in range(count):
        offset = 100 * number  # as after reboots: other ids, the same layout

        def shifted(m: re.Match[str], offset: int = offset) -> str:
            return f"{int(m[1]) + offset} {int(m[2]) + offset} "

        text = head.sub(shifted, texts[number % 2])
        document = {
            "format": "mountscope.snapshot",
            "version": 1,
            "title": None,
            "created": "2026-11-27T00:00:00Z",
            "tool": {"name": "mountscope", "version": "0"},
            "metadata": {"time": f"2026-11-27T{number % 24:02d}:00:00Z"},
            "table": {"format": "mountinfo", "first_line": 1, "text": text},
            "mounts": [],
            "signals": None,
        }
        (folder / f"big-{number:05d}.json").write_text(json.dumps(document))


def survey_main(argv: list[str]) -> int:
    from benchmarks.lambda_fleet import write_fleet
    from mountscope.processes import processors

    parser = argparse.ArgumentParser(
        prog="python -m benchmarks --survey",
        description="survey of many snapshots next to reading and parsing them with orjson",
    )
    parser.add_argument("--survey", action="store_true")
    parser.add_argument(
        "--no-large",
        action="store_true",
        help="leave out 1,000 snapshots of 5,000 mounts (about 1 GB of files; slow)",
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="mountscope-bench-survey-"))
    rows: list[tuple[str, ...]] = []
    measured: dict[str, tuple[Measure, Measure]] = {}
    try:
        # Installed and from compiled bytecode, as the other benchmark runs it
        # (install). One untimed survey compiles what survey imports.
        install(work)
        write_fleet(work / "warm", 1, 1)
        subprocess.run(
            [*MOUNTSCOPE, "survey", "--json", str(work / "warm")], capture_output=True, check=True
        )
        # Lambda snapshots (benchmarks/lambda_fleet.py), 20 mounts besides the article's 10.
        cases: list[tuple[str, int, int | None]] = [
            ("1,000 x 30 mounts", 500, None),
            ("10,000 x 30 mounts", 5000, None),
        ]
        if not args.no_large:
            cases.append(("1,000 x 5,000 mounts", 0, 1000))
        for label, half, big in cases:
            folder = work / label.replace(" ", "").replace(",", "")
            folder.mkdir()
            if big:
                _big_snapshots(folder, big, 5000)
            else:
                write_fleet(folder, half, half, extra_mounts=20)
            read, survey, alone = Measure(), Measure(), Measure()
            for _ in range(args.runs):  # one after the other, so that all meet the same load
                for into, argv in (
                    (read, [PY, "-c", READ_ONLY, str(folder)]),
                    (survey, [*MOUNTSCOPE, "survey", "--json", str(folder)]),
                    (alone, [*MOUNTSCOPE, "survey", "--json", "-j", "1", str(folder)]),
                ):
                    once = measure(argv, 1, 3600)
                    into.seconds += once.seconds
                    into.peak_kb += once.peak_kb
                    into.note = into.note or once.note
            measured[label] = (read, survey)
            rows.append((label, "read + orjson only", fmt_time(read), fmt_mem(read), ""))
            # survey reads the files on every processor (the peer on one): the
            # figure of one process is beside it, so that neither is over-read.
            for name, mine in (
                (f"mountscope survey --json ({processors()} processes)", survey),
                ("mountscope survey --json -j 1 (one process)", alone),
            ):
                rows.append((label, name, fmt_time(mine), fmt_mem(mine), ratio(mine, read)))
            shutil.rmtree(folder, ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print_table(
        ("captures", "command", "median", "peak memory", "survey / read"), rows, args.markdown
    )
    print()
    checks: list[tuple[str, str, bool | None]] = []
    read10, survey10 = measured["10,000 x 30 mounts"]
    _, survey1 = measured["1,000 x 30 mounts"]
    if read10.median and survey10.median:
        times = survey10.median / read10.median
        checks.append(
            (
                f"survey of 10,000 snapshots: within {SURVEY_RATIO:g}x of read + orjson",
                f"{times:.2f}x",
                times <= SURVEY_RATIO,
            )
        )
    if survey1.memory_mb and survey10.memory_mb:
        grown = survey10.memory_mb - survey1.memory_mb
        checks.append(
            (
                f"survey peak memory flat: 10,000 captures at most {FLAT_MB:g} MB over 1,000",
                f"{survey1.memory_mb:.0f} MB -> {survey10.memory_mb:.0f} MB",
                grown <= FLAT_MB,
            )
        )
    print_table(
        ("goal", "measured", "result"),
        [(t, v, {True: "met", False: "NOT MET", None: "not measured"}[ok]) for t, v, ok in checks],
        args.markdown,
    )
    print()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}; "
        f"runs: {args.runs} (medians); load average at the end: "
        + " ".join(f"{x:.1f}" for x in os.getloadavg())
    )
    return 0


if __name__ == "__main__":
    sys.exit(survey_main(sys.argv[1:]) if "--survey" in sys.argv[1:] else main())
