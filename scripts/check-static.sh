#!/usr/bin/env bash
# Type checks and import contracts on every module (parsers/ and tui/ included).
# setuptools maps parsers/ and tui/ into the package, which neither mypy nor
# import-linter can follow in a checkout, so both read an installed copy. The
# copy is built from a snapshot of the working tree's files in a temporary
# folder: a build/ folder left in the checkout (setuptools never prunes it)
# could otherwise bring back modules that no longer exist.
# Usage: scripts/check-static.sh   (with the test extra installed)
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir "$work/src" "$work/copy"
git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' name; do
    [ -e "$name" ] && printf '%s\0' "$name"
done | tar -c --null -T - | tar -x -C "$work/src"
pip install -q --no-deps --target "$work/copy" "$work/src" >/dev/null
cd "$work/copy"
mypy -p mountscope --ignore-missing-imports
lint-imports "$repo/pyproject.toml"
