#!/usr/bin/env bash
# Type checks and import contracts on every module (parsers/ and tui/ included).
# setuptools maps parsers/ and tui/ into the package, which neither mypy nor
# import-linter can follow in a checkout, so both read an installed copy.
# Usage: scripts/check-static.sh   (with the test extra installed)
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
copy="$(mktemp -d)"
trap 'rm -rf "$copy"' EXIT
pip install -q --no-deps --target "$copy" . >/dev/null
cd "$copy"
mypy -p mountscope --ignore-missing-imports
lint-imports "$repo/pyproject.toml"
