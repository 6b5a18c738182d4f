"""Confidence is the record of verdicts like this one: Laplace's rule over the
margin's band, never falling as the margin grows, refitted when the corpus moves."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from benchmarks.accuracy import CALIBRATION_FILE, judge, record, write_calibration
from mountscope.classify import CALIBRATION, classify
from mountscope.classify.calibration import Band, Calibration, fit
from mountscope.system.loader import load
from tests.helpers import REPO

CORPUS = REPO / "tests" / "corpus"


def test_a_band_says_right_plus_one_over_verdicts_plus_two():
    record = [(2.0, True), (2.1, False), (3.0, True), (3.5, True)] + [(9.0, True)] * 3
    calibration = fit(record)
    assert calibration.bands[0] == Band(0.0, 2, 1)
    assert calibration.bands[1] == Band(2.5, 2, 2)
    assert calibration.bands[2] == Band(4.0, 0, 0)
    assert calibration.confidence(2.0) == round(2 / 4, 2)
    assert calibration.confidence(3.0) == round(3 / 4, 2)
    # Band 4 has no verdicts of its own: it reads the band below.
    assert calibration.confidence(5.0) == round(3 / 4, 2)
    assert calibration.confidence(9.0) == round(4 / 5, 2)


def test_a_stronger_band_is_never_less_sure_than_a_weaker_one():
    # 2.5 and up: 3 of 6 right, worse than the 9 of 10 below it: pooled with it.
    record = [(2.0, i > 0) for i in range(10)] + [(3.0, i < 3) for i in range(6)]
    calibration = fit(record)
    assert calibration.confidence(3.0) == calibration.confidence(2.0) == round(13 / 18, 2)
    assert "with its neighbours" in calibration.explain(3.0, None)
    margins = [0.5 * n for n in range(1, 30)]
    assert [calibration.confidence(m) for m in margins] == sorted(
        calibration.confidence(m) for m in margins
    )


def test_the_explanation_names_the_band_its_record_and_the_rival():
    calibration = Calibration((Band(0.0, 8, 7), Band(2.5, 0, 0), Band(4.0, 0, 0), Band(6.0, 0, 0)))
    text = calibration.explain(2.0, 3.0)
    assert text.startswith(f"confidence {8 / 10:.2f}: margin 2.0 over the nearest rival's 3.0")
    assert "of the corpus's 8 verdicts there, 7 were right: (7 + 1) / (8 + 2)" in text


def test_the_shipped_table_is_the_corpus_record():
    entries = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
    assert fit(record(judge(entries, CORPUS))) == CALIBRATION


def test_a_verdict_carries_its_margin_over_its_rival_and_the_confidence_it_earned():
    # A Podman container whose table also shows Docker-like marks: Docker scores too,
    # and the verdict's lead over it is what the confidence is read from.
    verdict = classify(
        load(str(CORPUS / "real/podman/bib-rootful-selinux-btrfs-storage.txt")), None
    )
    scores = {str(h.environment): h.score for h in verdict.hypotheses}
    assert verdict.environment == "podman" and scores["docker"] >= 2.0
    assert verdict.margin == round(scores["podman"] - scores["docker"], 2)
    assert verdict.confidence == CALIBRATION.confidence(verdict.margin)
    assert f"over the nearest rival's {scores['docker']:.1f}" in verdict.basis
    assert verdict.to_dict()["confidence_basis"] == verdict.basis


def test_fit_rewrites_only_the_fitted_rows(tmp_path: Path):
    copy = tmp_path / "calibration.py"
    shutil.copy(CALIBRATION_FILE, copy)
    before = copy.read_text(encoding="utf-8")
    table = Calibration((Band(0.0, 3, 2), Band(2.5, 5, 5), Band(4.0, 1, 1), Band(6.0, 0, 0)))
    write_calibration(table, copy)
    after = copy.read_text(encoding="utf-8")
    assert "Band(0.0, 3, 2)," in after and "Band(2.5, 5, 5)," in after
    assert after.split("# fitted: begin")[0] == before.split("# fitted: begin")[0]
    assert after.split("# fitted: end")[1] == before.split("# fitted: end")[1]
    namespace: dict = {}
    exec(compile(after, str(copy), "exec"), namespace)
    written = namespace["CALIBRATION"].bands
    assert [(b.start, b.verdicts, b.right) for b in written] == [
        (0.0, 3, 2),
        (2.5, 5, 5),
        (4.0, 1, 1),
        (6.0, 0, 0),
    ]
