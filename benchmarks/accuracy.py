"""How right the classifier is on real mount tables it was not written from.

    python -m benchmarks.accuracy            # the report; exit 1 below the thresholds
    python -m benchmarks.accuracy --json     # the figures as JSON

Reads the public labelled corpus (tests/corpus/manifest.json), judges every
capture from its table alone, and prints per-environment accuracy, the
confusion table, calibration (how often verdicts given with confidence c are
right) with the expected calibration error, and a leave-one-source-out
figure. docs/accuracy.md explains each figure and what it can and cannot show.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from mountscope.classify import CALIBRATION, Calibration, classify
from mountscope.classify.calibration import fit
from mountscope.classify.rules import RULES, Rule
from mountscope.errors import MountscopeError
from mountscope.record import as_dict
from mountscope.system.loader import load

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "corpus"

# A verdict that names a true but less specific layer is right, and counted
# apart: a Firecracker guest's table shows a VM (the VMM is not in the table);
# a pod's container is a Docker/containerd or CRI-O container; a VM whose table
# shows no hypervisor's mark is judged a machine's own table (host); a Lambda
# sandbox always runs in a virtual machine (a Firecracker microVM, an EC2
# instance before it and under Managed Instances).
LESS_SPECIFIC: dict[str, frozenset[str]] = {
    "aws-lambda": frozenset({"vm"}),
    "firecracker": frozenset({"vm"}),
    "kubernetes": frozenset({"docker", "podman"}),
    "vm": frozenset({"host"}),
}
# The figures at the time of writing, less a little margin (docs/accuracy.md).
THRESHOLDS = {"accuracy": 0.95, "wrong_confident": 0, "loso": 0.90, "ece": 0.05}
CONFIDENT = 0.7
BINS = 10


@dataclass
class Judgement:
    file: str
    source: str
    label: str
    verdict: str | None  # None: the capture could not be read
    confidence: float
    margin: float
    exact: bool
    general: bool
    partial: bool
    rules: tuple[str, ...] = ()
    platform: str | None = None  # the manifest's finer label
    named_platform: str | None = None  # details.platform of the verdict
    flagged_partial: bool = False  # the verdict carries the partial-capture caveat

    @property
    def right(self) -> bool:
        return self.exact or self.general

    @property
    def wrong(self) -> bool:
        """A verdict was given, and it is not true of the capture."""
        return self.verdict not in (None, "unknown") and not self.right


def source_of(entry: dict) -> str:
    """The source a capture came from: a repository, a page's address, or the
    description of a page for sources without one."""
    text = entry["source"]
    first = text.split()[0]
    if first.startswith("http"):
        return first.split("#")[0]
    if "/" in first and not first.startswith("/") and " " in text:
        return first
    return text


def judge(
    entries: Iterable[dict],
    corpus: Path,
    rules: Sequence[Rule] = RULES,
    calibration: Calibration = CALIBRATION,
) -> list[Judgement]:
    results = []
    for entry in entries:
        label = entry["label"]
        try:
            table = load(str(corpus / entry["file"]))
        except (MountscopeError, OSError, ValueError):
            results.append(
                Judgement(
                    entry["file"],
                    source_of(entry),
                    label,
                    None,
                    0.0,
                    0.0,
                    False,
                    False,
                    bool(entry.get("partial")),
                )
            )
            continue
        verdict = classify(table, None, rules, calibration)
        name = str(verdict.environment)
        results.append(
            Judgement(
                entry["file"],
                source_of(entry),
                label,
                name,
                verdict.confidence,
                verdict.margin,
                name == label,
                name in LESS_SPECIFIC.get(label, ()),
                bool(entry.get("partial")),
                tuple(sorted({e.rule for e in verdict.evidence})),
                entry.get("platform"),
                verdict.details.get("platform"),
                any("looks partial" in caveat for caveat in verdict.caveats),
            )
        )
    return results


def record(judged: Iterable[Judgement]) -> list[tuple[float, bool]]:
    """Each verdict's margin and whether it was right: what the calibration is
    counted from (``unknown`` carries no confidence, so it is not in it)."""
    return [(j.margin, j.right) for j in judged if j.verdict not in (None, "unknown")]


def calibration(judged: list[Judgement]) -> tuple[list[dict], float]:
    """Verdicts in confidence bins: how many, their mean confidence, how many right;
    and the expected calibration error (bins weighted by size)."""
    bins: dict[int, list[Judgement]] = defaultdict(list)
    for j in judged:
        bins[min(BINS - 1, int(j.confidence * BINS))].append(j)
    rows, error = [], 0.0
    for index in sorted(bins):
        items = bins[index]
        mean = sum(j.confidence for j in items) / len(items)
        right = sum(j.right for j in items) / len(items)
        error += len(items) / len(judged) * abs(right - mean)
        rows.append(
            {
                "bin": f"{index / BINS:.1f}-{(index + 1) / BINS:.1f}",
                "count": len(items),
                "confidence": round(mean, 3),
                "right": round(right, 3),
            }
        )
    return rows, round(error, 4)


def leave_one_source_out(
    entries: list[dict], baseline: list[Judgement], corpus: Path
) -> tuple[list[Judgement], dict[str, list[str]]]:
    """Judge each source's captures without the rules that only that source's
    captures fire (the rules a hand-written table could have memorised from it),
    and with a calibration counted from the other sources' verdicts only."""
    fired_by: dict[str, set[str]] = defaultdict(set)
    for j in baseline:
        fired_by[j.source].update(j.rules)
    by_source: dict[str, list[dict]] = defaultdict(list)
    for entry in entries:
        by_source[source_of(entry)].append(entry)
    results: list[Judgement] = []
    dropped: dict[str, list[str]] = {}
    for source, items in by_source.items():
        elsewhere = set().union(*(r for s, r in fired_by.items() if s != source))
        own = fired_by[source] - elsewhere
        if own:
            dropped[source] = sorted(own)
        rules = [r for r in RULES if r.id not in own]
        others = fit(record(j for j in baseline if j.source != source))
        results.extend(judge(items, corpus, rules, others))
    return results, dropped


CALIBRATION_FILE = Path(__file__).resolve().parent.parent / "mountscope/classify/calibration.py"
_BEGIN, _END = "# fitted: begin", "# fitted: end"


def write_calibration(calibration: Calibration, path: Path = CALIBRATION_FILE) -> None:
    """Replace the fitted rows of the calibration module with ``calibration``'s."""
    source = path.read_text(encoding="utf-8")
    head, rest = source.split(_BEGIN, 1)
    _, tail = rest.split(_END, 1)
    rows = "".join(
        f"        Band({b.start!r}, {b.verdicts}, {b.right}),\n" for b in calibration.bands
    )
    block = (
        f"{_BEGIN} (python -m benchmarks.accuracy --fit)\n"
        f"CALIBRATION = Calibration(\n    (\n{rows}    )\n)\n"
    )
    path.write_text(head + block + _END + tail, encoding="utf-8")


def _entries(corpus: Path) -> list[dict]:
    return json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))


def report(corpus: Path = CORPUS) -> dict:
    entries = _entries(corpus)
    results = judge(entries, corpus)
    judged = [j for j in results if j.verdict is not None]
    per_env: dict[str, dict[str, int]] = {}
    for label in sorted({j.label for j in judged}):
        mine = [j for j in judged if j.label == label]
        per_env[label] = {
            "captures": len(mine),
            "exact": sum(j.exact for j in mine),
            "right": sum(j.right for j in mine),
        }
    confusion = Counter((j.label, j.verdict) for j in judged)
    bins, ece = calibration(judged)
    held_out, dropped = leave_one_source_out(entries, results, corpus)
    held_judged = [j for j in held_out if j.verdict is not None]
    loso = sum(j.right for j in held_judged) / len(held_judged)
    loso_bins, loso_ece = calibration(held_judged)
    right = sum(j.right for j in judged)
    fitted = fit(record(judged))
    figures = {
        "captures": len(results),
        "judged": len(judged),
        "unreadable": [j.file for j in results if j.verdict is None],
        "exact": round(sum(j.exact for j in judged) / len(judged), 4),
        "accuracy": round(right / len(judged), 4),
        "unknown": sum(j.verdict == "unknown" for j in judged),
        "wrong_confident": [asdict(j) for j in judged if j.wrong and j.confidence >= CONFIDENT],
        "calibration_current": fitted == CALIBRATION,
        "bands": [as_dict(b) for b in fitted.bands],
        "misses": [
            {"file": j.file, "label": j.label, "verdict": j.verdict, "confidence": j.confidence}
            for j in judged
            if not j.right
        ],
        "platforms": {
            "named": sum(j.named_platform is not None for j in judged),
            "agree": sum(
                j.named_platform is not None and j.named_platform == j.platform for j in judged
            ),
            "differ": [
                {"file": j.file, "platform": j.platform, "named": j.named_platform}
                for j in judged
                if j.named_platform is not None and j.named_platform != j.platform
            ],
        },
        "partial": {
            "partial": sum(j.partial for j in judged),
            "flagged": sum(j.partial and j.flagged_partial for j in judged),
            "whole_flagged": [j.file for j in judged if j.flagged_partial and not j.partial],
        },
        "per_environment": per_env,
        "confusion": [
            {"label": a, "verdict": b, "count": n} for (a, b), n in sorted(confusion.items())
        ],
        "calibration": bins,
        "ece": ece,
        "loso": round(loso, 4),
        "loso_calibration": loso_bins,
        "loso_ece": loso_ece,
        "loso_wrong_confident": [
            asdict(j) for j in held_judged if j.wrong and j.confidence >= CONFIDENT
        ],
        "loso_misses": [
            {"file": j.file, "label": j.label, "verdict": j.verdict, "confidence": j.confidence}
            for j in held_judged
            if not j.right
        ],
        "loso_dropped_rules": dropped,
        "thresholds": THRESHOLDS,
    }
    figures["passed"] = (
        figures["accuracy"] >= THRESHOLDS["accuracy"]
        and len(figures["wrong_confident"]) <= THRESHOLDS["wrong_confident"]
        and len(figures["loso_wrong_confident"]) <= THRESHOLDS["wrong_confident"]
        and figures["loso"] >= THRESHOLDS["loso"]
        and figures["ece"] <= THRESHOLDS["ece"]
        and figures["loso_ece"] <= THRESHOLDS["ece"]
        # The shipped calibration is the main corpus's; another corpus only reports.
        and (figures["calibration_current"] or corpus.resolve() != CORPUS)
    )
    return figures


def text(figures: dict) -> list[str]:
    lines = [
        f"corpus: {figures['captures']} captures, {figures['judged']} read "
        f"({len(figures['unreadable'])} the readers cannot parse yet: not judged)"
    ]
    for name in figures["unreadable"]:
        lines.append(f"  unreadable: {name}")
    lines += [
        f"right: {figures['accuracy']:.1%} (exact environment {figures['exact']:.1%}; "
        f"the rest name a true, less specific layer); unknown: {figures['unknown']}",
        f"wrong with confidence >= {CONFIDENT}: {len(figures['wrong_confident'])}",
        f"leave-one-source-out: {figures['loso']:.1%}",
        f"expected calibration error: {figures['ece']:.3f} "
        f"(leave-one-source-out {figures['loso_ece']:.3f})",
        "calibration table (mountscope/classify/calibration.py): "
        + (
            "counted from this corpus"
            if figures["calibration_current"]
            else "NOT this corpus's record (python -m benchmarks.accuracy --fit rewrites it)"
        ),
        f"platforms named: {figures['platforms']['named']}, the same as the manifest's: "
        f"{figures['platforms']['agree']}",
        f"partial captures flagged as partial: {figures['partial']['flagged']} of "
        f"{figures['partial']['partial']}; whole captures flagged: {len(figures['partial']['whole_flagged'])}",
        "",
        f"{'environment':<16}{'captures':>9}{'exact':>7}{'right':>7}",
    ]
    for env, row in figures["per_environment"].items():
        lines.append(f"{env:<16}{row['captures']:>9}{row['exact']:>7}{row['right']:>7}")
    lines += ["", "confusion (label -> verdict: count)"]
    lines += [
        f"  {c['label']} -> {c['verdict']}: {c['count']}"
        for c in figures["confusion"]
        if c["label"] != c["verdict"]
    ]
    lines += ["", "the corpus's record by margin (the calibration table):"]
    lines += [
        f"  margin >= {b['start']:<4g} {b['verdicts']:>4} verdicts, {b['right']:>4} right"
        for b in figures["bands"]
    ]
    lines += ["", f"{'confidence':<12}{'count':>6}{'mean':>7}{'right':>7}"]
    lines += [
        f"{b['bin']:<12}{b['count']:>6}{b['confidence']:>7.2f}{b['right']:>7.2f}"
        for b in figures["calibration"]
    ]
    lines += [
        "",
        "the same, leave-one-source-out "
        f"(expected calibration error {figures['loso_ece']:.3f}; "
        f"wrong with confidence >= {CONFIDENT}: {len(figures['loso_wrong_confident'])})",
    ]
    lines += [
        f"{b['bin']:<12}{b['count']:>6}{b['confidence']:>7.2f}{b['right']:>7.2f}"
        for b in figures["loso_calibration"]
    ]
    lines += ["", "platforms named otherwise than the manifest's finer label:"]
    lines += [
        f"  {d['file']}: {d['platform']} named {d['named']}" for d in figures["platforms"]["differ"]
    ]
    lines += ["", "misses:"]
    lines += [
        f"  {m['file']}: {m['label']} judged {m['verdict']} ({m['confidence']:.2f})"
        for m in figures["misses"]
    ]
    lines += ["", "misses, leave-one-source-out:"]
    lines += [
        f"  {m['file']}: {m['label']} judged {m['verdict']} ({m['confidence']:.2f})"
        for m in figures["loso_misses"]
    ]
    lines += ["", "rules left out for their own source in leave-one-source-out:"]
    lines += [
        f"  {source[:70]}: {', '.join(rules)}"
        for source, rules in figures["loso_dropped_rules"].items()
    ]
    verdict = "passed" if figures["passed"] else "FAILED"
    lines += [
        "",
        f"thresholds (right >= {THRESHOLDS['accuracy']:.0%}, none wrong at >= {CONFIDENT}, "
        f"leave-one-source-out >= {THRESHOLDS['loso']:.0%}, expected calibration error "
        f"<= {THRESHOLDS['ece']} with and without the source, calibration table current): "
        f"{verdict}",
    ]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.accuracy", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--corpus", type=Path, default=CORPUS, help="a corpus directory with manifest.json"
    )
    parser.add_argument(
        "--fit",
        action="store_true",
        help="rewrite the calibration table (mountscope/classify/calibration.py) from the corpus",
    )
    args = parser.parse_args(argv)
    if args.fit:
        fitted = fit(record(judge(_entries(args.corpus), args.corpus)))
        write_calibration(fitted)
        print(f"calibration table written to {CALIBRATION_FILE}:")
        print("\n".join(f"  {band}" for band in fitted.bands))
        return 0
    figures = report(args.corpus)
    if args.json:
        print(json.dumps(figures, indent=1))
    else:
        print("\n".join(text(figures)))
    return 0 if figures["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
