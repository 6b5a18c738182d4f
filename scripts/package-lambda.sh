#!/usr/bin/env bash
# Build a zip for an AWS Lambda function whose handler is mountscope's:
#   mountscope.capture.lambda_handler
# It holds mountscope (pure Python) and orjson built for the function's
# architecture and Python; Textual and pyte stay out (the handler never
# imports them).
#
#   scripts/package-lambda.sh [x86_64|arm64] [python version, default 3.12] [output.zip]
set -euo pipefail
arch="${1:-x86_64}"
python_version="${2:-3.12}"
case "$arch" in
    x86_64) platform=manylinux2014_x86_64 ;;
    arm64|aarch64) platform=manylinux2014_aarch64; arch=arm64 ;;
    *) echo "package-lambda: architecture must be x86_64 or arm64, not $arch" >&2; exit 2 ;;
esac
here="$(cd "$(dirname "$0")/.." && pwd)"
out="${3:-$here/build/mountscope-lambda-$arch.zip}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Built from a snapshot of the checkout's files in the temporary folder: an
# in-place build would write build/ and *.egg-info into the checkout (and two
# builds at once would race there).
mkdir "$work/src"
if git -C "$here" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    (cd "$here" && git ls-files -z --cached --others --exclude-standard \
        | while IFS= read -r -d '' name; do [ -e "$name" ] && printf '%s\0' "$name"; done \
        | tar -c --null -T -) | tar -x -C "$work/src"
else  # an unpacked release: everything but earlier build output
    (cd "$here" && tar -c --exclude=./build --exclude='./*.egg-info' .) | tar -x -C "$work/src"
fi
python3 -m pip install --quiet --target "$work/package" --no-deps "$work/src"
python3 -m pip install --quiet --target "$work/package" --no-deps \
    --platform "$platform" --python-version "$python_version" --implementation cp \
    --only-binary=:all: orjson
# The app and the recordings reader are not needed inside Lambda.
rm -rf "$work/package/mountscope/tui" "$work/package/bin"
# mountscope's C modules were built for this machine's Python, not Lambda's:
# left out, their Python versions do the work there, with the same results.
find "$work/package/mountscope" -name '*.so' -delete
find "$work/package" -name __pycache__ -prune -exec rm -rf {} +
mkdir -p "$(dirname "$out")"
rm -f "$out"
(cd "$work/package" && python3 -m zipfile -c "$out" .)
echo "$out"
