"""The accuracy report on the public corpus holds its thresholds, and the
command exits non-zero below them."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from benchmarks.accuracy import CONFIDENT, THRESHOLDS, report
from tests.helpers import REPO


def test_the_corpus_meets_the_accuracy_thresholds():
    figures = report()
    assert figures["judged"] >= 140
    assert figures["accuracy"] >= THRESHOLDS["accuracy"], figures["misses"]
    assert figures["wrong_confident"] == [], figures["wrong_confident"]
    assert figures["loso"] >= THRESHOLDS["loso"], figures["loso_misses"]
    assert all(
        j["confidence"] < CONFIDENT for j in figures["loso_misses"] if j["verdict"] != "unknown"
    )
    assert figures["loso_wrong_confident"] == [], figures["loso_wrong_confident"]
    assert figures["ece"] <= THRESHOLDS["ece"] and figures["loso_ece"] <= THRESHOLDS["ece"]
    assert figures["calibration_current"], "run python -m benchmarks.accuracy --fit"
    assert sum(b["count"] for b in figures["calibration"]) == figures["judged"]


def test_the_report_fails_on_a_corpus_it_gets_wrong(tmp_path: Path):
    # The same Lambda table, labelled as something it is not: the report must fail.
    corpus = tmp_path / "corpus"
    (corpus / "real" / "host").mkdir(parents=True)
    shutil.copy(
        REPO / "samples" / "article" / "lambda-pattern2.txt", corpus / "real" / "host" / "t.txt"
    )
    entry = {"file": "real/host/t.txt", "source": "test", "label": "host", "partial": False}
    (corpus / "manifest.json").write_text(json.dumps([entry]))
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.accuracy", "--corpus", str(corpus), "--json"],
        capture_output=True,
        cwd=REPO,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr.decode()
    figures = json.loads(done.stdout)
    assert figures["accuracy"] == 0 and figures["wrong_confident"][0]["verdict"] == "aws-lambda"
    passed = subprocess.run(
        [sys.executable, "-m", "benchmarks.accuracy"], capture_output=True, cwd=REPO, timeout=300
    )
    assert passed.returncode == 0 and b"passed" in passed.stdout
