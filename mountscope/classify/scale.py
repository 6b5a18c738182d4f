"""The named weights a rule may carry, and the score a verdict needs.

How a score becomes a confidence is calibration.py's.

Every rule's weight is one of these names; a raw number in the rule table is
refused when the table is built (rules.py), so that a reader compares rules
by meaning, not by decimals.
"""

from __future__ import annotations

# For an environment (a sum of these is the environment's score).
DECISIVE = 4.0  # practically unique to the environment
VERY_STRONG = 3.0  # rarely wrong; a sibling environment could fake it
STRONG = 2.5  # rarely wrong on its own
FAIR = 2.0  # enough for a verdict alone only at the threshold
SUPPORTING = 1.5  # useful, shared with a few other environments
MODERATE = 1.2  # useful only in combination
LIGHT = 1.0
SLIGHT = 0.8
WEAK = 0.5  # shifts priors only
DETAIL_ONLY = 0.0  # establishes a detail (a platform), says nothing about the environment
# Against an environment.
AGAINST = -2.0  # the table shows the opposite side (a host running lxcfs)
REFUTES = -3.0  # the table shows an imitation (a Lambda emulator)

NAMED_WEIGHTS: dict[str, float] = {
    "DECISIVE": DECISIVE,
    "VERY_STRONG": VERY_STRONG,
    "STRONG": STRONG,
    "FAIR": FAIR,
    "SUPPORTING": SUPPORTING,
    "MODERATE": MODERATE,
    "LIGHT": LIGHT,
    "SLIGHT": SLIGHT,
    "WEAK": WEAK,
    "DETAIL_ONLY": DETAIL_ONLY,
    "AGAINST": AGAINST,
    "REFUTES": REFUTES,
}

# A score this high is needed for a verdict: one strong piece of evidence, or
# two moderate ones.
THRESHOLD = 2.0
