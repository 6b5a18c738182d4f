"""Coverage-guided fuzzing with atheris (where it installs: pip install atheris).

python -m tests.hostile.atheris_fuzz -runs=100000  (from the repository root)
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    from tests.hostile.fuzzing import exercise


def test_one_input(data: bytes) -> None:
    exercise(data, formats=len(data) % 4 == 0)


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
