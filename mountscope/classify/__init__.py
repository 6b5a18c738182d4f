"""Say what host produced a mount table, how sure, and why: the environments
(environments), the rule table (rules) and its named checks (checks), the
engine that weighs the evidence (engine), how sure a verdict is (calibration), and Lambda's own reasoning (lambda_)."""

from mountscope.classify.calibration import CALIBRATION, Calibration, confidence_of
from mountscope.classify.engine import Evidence, Hypothesis, Verdict, classify, gather
from mountscope.classify.environments import ENVIRONMENTS, Environment
from mountscope.classify.scale import THRESHOLD

__all__ = [
    "CALIBRATION",
    "Calibration",
    "ENVIRONMENTS",
    "Environment",
    "THRESHOLD",
    "confidence_of",
    "Evidence",
    "Hypothesis",
    "Verdict",
    "gather",
    "classify",
]
