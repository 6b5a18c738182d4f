"""Coverage-guided fuzzing with atheris (where it installs: pip install atheris).

    python tests/hostile/atheris_fuzz.py -runs=100000
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

with atheris.instrument_imports():
    from fuzzing import exercise


def test_one_input(data: bytes) -> None:
    exercise(data, formats=len(data) % 4 == 0)


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
