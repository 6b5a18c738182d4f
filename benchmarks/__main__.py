"""The benchmark: whole processes, several runs, medians, next to findmnt.

    python -m benchmarks                 # 1 000, 5 000, 10 000 and 50 000 mounts, 5 runs
    python -m benchmarks --sizes 1000 --runs 3
    python -m benchmarks --smoke         # one small size, one run: keeps the script working (CI)
    python -m benchmarks --markdown      # the table as Markdown, for docs/performance.md
    python -m benchmarks --survey        # survey of many snapshots next to reading them

For each size it generates a Kubernetes-node-like mountinfo (benchmarks/
generate.py) and a copy with 1% of the mounts changed, then runs each
command as its own process and records wall time and peak memory (the
child's ru_maxrss from wait4). findmnt runs on the same file where it has an
equivalent; its tree output is quadratic, so past --findmnt-runs-limit mounts
it runs once, with a timeout. The app is started in a pseudo-terminal and
timed until its first rows are on screen, then per key until the screen
changes. Nothing here is a test: CI only runs --smoke.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.generate import change, generate

FINDMNT = shutil.which("findmnt")
PY = sys.executable


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


def run_once(argv: list[str], timeout: float) -> tuple[float, int] | None:
    """Wall time and peak RSS (KB) of one whole process; None on timeout."""
    with tempfile.NamedTemporaryFile("r", suffix=".measure") as report:
        launcher = subprocess.Popen(
            [PY, "-S", "-c", LAUNCHER, report.name, *argv],
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            launcher.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(launcher.pid, signal.SIGKILL)  # the launcher and the command
            launcher.wait()
            return None
        seconds, peak = report.read().split()
    return float(seconds), int(peak)


def measure(argv: list[str], runs: int, timeout: float) -> Measure:
    result = Measure()
    for _ in range(runs):
        got = run_once(argv, timeout)
        if got is None:
            result.note = f"> {timeout:.0f} s (stopped)"
            break
        result.seconds.append(got[0])
        result.peak_kb.append(got[1])
    return result


def app_measures(path: Path, other: Path | None, runs: int) -> dict[str, Measure]:
    """First screen, key responses and peak memory of the app, in a real pty."""
    from tests.helpers.pty import Terminal  # the tests' pty driver (pyte screen)

    results = {
        name: Measure() for name in ("first screen", "page down", "expand", "next difference")
    }
    for _ in range(runs):
        args = [str(path)] + ([str(other)] if other else [])
        started = time.perf_counter()
        term = Terminal([PY, "-m", "mountscope", *args], cols=120, rows=40)
        try:
            # Side by side, the header names B's column ("SOURCE B"), or B's label ("│ B:").
            term.wait_until(
                lambda text: ("SOURCE B" in text or "│ B:" in text) if other else "TARGET" in text,
                timeout=120,
            )
            term.wait_until(lambda text: "├─" in text, timeout=120)
            results["first screen"].seconds.append(time.perf_counter() - started)
            term.settle(0.3)
            keys = [("page down", "\x1b[6~"), ("expand", "h"), ("expand", "l")]
            if other:
                keys.append(("next difference", "n"))
            for name, key in keys:
                before = term.text()
                pressed = time.perf_counter()
                term.send(key)
                term.wait_until(lambda text, before=before: text != before, timeout=30)
                if name != "expand" or key == "l":  # expanding the root back is the slow one
                    results[name].seconds.append(time.perf_counter() - pressed)
                term.settle(0.2)
            with open(f"/proc/{term.process.pid}/status") as status:
                hwm = next(int(line.split()[1]) for line in status if line.startswith("VmHWM"))
            results["first screen"].peak_kb.append(hwm)
            term.send("q")
            term.wait_exit(30)
        finally:
            term.close()
    return {k: v for k, v in results.items() if v.seconds}


def fmt_time(m: Measure | None) -> str:
    if m is None:
        return "-"
    if m.median is None:
        return m.note or "-"
    text = f"{m.median:.3f} s" if m.median < 10 else f"{m.median:.1f} s"
    return text + (" (1 run)" if len(m.seconds) == 1 else "")


def fmt_mem(m: Measure | None) -> str:
    return f"{m.memory_mb:.0f} MB" if m is not None and m.memory_mb is not None else "-"


def ratio(ours: Measure | None, theirs: Measure | None) -> str:
    if ours is None or theirs is None or ours.median is None:
        return "-"
    if theirs.median is None:
        return "findmnt stopped" if theirs.note else "-"
    return f"{ours.median / theirs.median:.2f}x"


def main() -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--sizes", default="1000,5000,10000,50000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--findmnt-runs-limit",
        type=int,
        default=10000,
        help="above this many mounts, findmnt's quadratic tree output runs once",
    )
    parser.add_argument("--findmnt-timeout", type=float, default=600)
    parser.add_argument("--no-app", action="store_true", help="skip the app (pty) measurements")
    parser.add_argument("--smoke", action="store_true", help="one size (300), one run")
    parser.add_argument("--markdown", action="store_true", help="print Markdown tables")
    args = parser.parse_args()
    sizes = [300] if args.smoke else [int(s) for s in args.sizes.split(",")]
    runs = 1 if args.smoke else args.runs

    work = Path(tempfile.mkdtemp(prefix="mountscope-bench-"))
    rows: list[tuple[str, ...]] = []
    results: dict[tuple[int, str], Measure] = {}
    for size in sizes:
        table = work / f"node-{size}.mountinfo"
        table.write_text(generate(size, seed=1))
        other = work / f"node-{size}-changed.mountinfo"
        other.write_text(change(table.read_text(), 0.01))
        ours = {
            "tree": [PY, "-m", "mountscope", "tree", str(table)],
            "tree --json": [PY, "-m", "mountscope", "tree", str(table), "--json"],
            "tree -l": [PY, "-m", "mountscope", "tree", str(table), "-l"],
            "classify": [PY, "-m", "mountscope", "classify", str(table)],
            "diff (1% changed)": [PY, "-m", "mountscope", "diff", str(table), str(other)],
        }
        theirs = {"tree": [], "tree --json": ["-J"], "tree -l": ["-l"]}
        for name, argv in ours.items():
            mine = measure(argv, runs, 600)
            results[(size, name)] = mine
            their = None
            if FINDMNT and name in theirs:
                their_runs = runs if (size <= args.findmnt_runs_limit or name == "tree -l") else 1
                their = measure(
                    [FINDMNT, "-F", str(table), *theirs[name]], their_runs, args.findmnt_timeout
                )
                results[(size, "findmnt " + name)] = their
            rows.append(
                (
                    f"{size:,}",
                    f"mountscope {name}",
                    fmt_time(mine),
                    fmt_mem(mine),
                    f"findmnt {' '.join(['-F FILE', *theirs[name]])}" if their else "",
                    fmt_time(their),
                    ratio(mine, their),
                )
            )
        if not args.no_app:
            for label, second in (("app", None), ("app side by side", other)):
                for name, measured in app_measures(
                    table, second, 1 if args.smoke else min(runs, 3)
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
    # Each run replaces the snapshot the run before it saved: a regular file in
    # our own folder (never a device: --force replaces only regular files).
    capture = measure(
        [PY, "-m", "mountscope", "capture", "-o", str(work / "snapshot.json"), "--force"], runs, 60
    )
    rows.append(("live", "mountscope capture", fmt_time(capture), fmt_mem(capture), "", "", ""))
    results[(0, "capture")] = capture

    header = (
        "mounts",
        "command",
        "median",
        "peak memory",
        "findmnt equivalent",
        "findmnt median",
        "ratio",
    )
    print_table(header, rows, args.markdown)
    print()
    print_goals(results, sizes, args.markdown)
    print()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"{platform.platform()}; findmnt: {findmnt_version()}; runs: {runs} (medians)"
    )
    shutil.rmtree(work, ignore_errors=True)
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


RATIO_FROM = 10_000  # the findmnt comparison is a goal at scale, not for tiny tables


def print_goals(results: dict[tuple[int, str], Measure], sizes: list[int], markdown: bool) -> None:
    """Each performance goal (docs/performance.md), met or not, from the measurements."""
    big = max(sizes)
    checks: list[tuple[str, str, bool | None]] = []

    def median(size: int, name: str) -> float | None:
        m = results.get((size, name))
        return m.median if m else None

    def goal(text: str, value: float | None, limit: float, unit: str = "s") -> None:
        checks.append(
            (
                text,
                "-" if value is None else f"{value:.3f} {unit}",
                None if value is None else value <= limit,
            )
        )

    goal(f"tree at {big:,}: at most 1.0 s", median(big, "tree"), 1.0)
    goal(f"tree --json at {big:,}: at most 1.0 s", median(big, "tree --json"), 1.0)
    flat = median(big, "findmnt tree -l")
    for name in ("tree", "tree --json"):
        mine = median(big, name)
        if big < RATIO_FROM:
            # Below this the interpreter's start-up, not the table, is what is measured.
            checks.append(
                (f"{name} faster than findmnt -l", f"only from {RATIO_FROM:,} mounts", None)
            )
            continue
        checks.append(
            (
                f"{name} faster than findmnt -l at {big:,}",
                "-" if mine is None or flat is None else f"{mine:.3f} s vs {flat:.3f} s",
                None if mine is None or flat is None else mine < flat,
            )
        )
    goal(f"classify at {big:,}: at most 1.0 s", median(big, "classify"), 1.0)
    goal(f"diff at {big:,} (1% changed): at most 2.0 s", median(big, "diff (1% changed)"), 2.0)
    goal(f"app first screen at {big:,}: at most 2.0 s", median(big, "app: first screen"), 2.0)
    for key in ("page down", "expand", "next difference"):
        label = "app side by side" if key == "next difference" else "app"
        goal(f"app {key} at {big:,}: at most 0.1 s", median(big, f"{label}: {key}"), 0.1)
    peak = max(
        (m.memory_mb or 0 for (s, n), m in results.items() if s == big and n.startswith("app")),
        default=None,
    )
    goal(f"app peak memory at {big:,}: at most 300 MB", peak or None, 300, "MB")
    if 5000 in sizes and big >= 50000:
        for name in ("tree", "tree --json", "classify", "diff (1% changed)"):
            small, large = median(5000, name), median(big, name)
            checks.append(
                (
                    f"{name}: {big:,} costs at most 12x 5,000",
                    "-" if not small or not large else f"{large / small:.1f}x",
                    None if not small or not large else large / small <= 12,
                )
            )
    capture = results.get((0, "capture"))
    goal("capture of a live table: at most 0.25 s", capture.median if capture else None, 0.25)
    goal("capture peak memory: at most 40 MB", capture.memory_mb if capture else None, 40, "MB")
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
            read = measure([PY, "-c", READ_ONLY, str(folder)], args.runs, 3600)
            survey = measure(
                [PY, "-m", "mountscope", "survey", "--json", str(folder)], args.runs, 3600
            )
            measured[label] = (read, survey)
            ratio_text = ratio(survey, read)
            rows.append((label, "read + orjson only", fmt_time(read), fmt_mem(read), ""))
            rows.append(
                (label, "mountscope survey --json", fmt_time(survey), fmt_mem(survey), ratio_text)
            )
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
