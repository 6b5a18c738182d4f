"""Say what host produced a mount table, how sure, and why: the rule table
(rules), and the engine that weighs its evidence (engine)."""

from mountscope.classify.engine import (
    ENVIRONMENTS,
    LAMBDA_MODEL_CAVEAT,
    LAYER,
    THRESHOLD,
    Evidence,
    Hypothesis,
    Verdict,
    classify,
    confidence_of,
    gather,
)

__all__ = ["ENVIRONMENTS", "LAYER", "THRESHOLD", "confidence_of", "Evidence", "Hypothesis", "Verdict", "gather", "classify", "LAMBDA_MODEL_CAVEAT"]
