#!/usr/bin/env bash
# Build a Lambda layer holding mountscope, so that the `mountscope` command
# works in a shell session inside any Python function that has the layer:
#   /opt/python          the package and orjson (the function zip's contents)
#   /opt/bin/mountscope  a launcher that runs it with the function's python3
# Lambda unpacks layers under /opt and puts /opt/bin on PATH. The app
# (Textual) and pyte stay out, as in the function zip: commands that need
# them say so in one line.
#
#   scripts/package-lambda-layer.sh [x86_64|arm64] [python version, default 3.12] [output.zip] [function.zip]
#
# function.zip: a zip that scripts/package-lambda.sh already built for the
# same architecture and Python, reused instead of building it again.
set -euo pipefail
arch="${1:-x86_64}"
python_version="${2:-3.12}"
case "$arch" in
    aarch64) arch=arm64 ;;
esac
here="$(cd "$(dirname "$0")/.." && pwd)"
out="${3:-$here/build/mountscope-layer-$arch.zip}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

function_zip="${4:-}"
if [ -z "$function_zip" ]; then
    function_zip="$work/function.zip"
    bash "$here/scripts/package-lambda.sh" "$arch" "$python_version" "$function_zip" >/dev/null
elif [ ! -f "$function_zip" ]; then
    echo "package-lambda-layer: no such function zip: $function_zip" >&2
    exit 2
fi
mkdir -p "$work/layer/python" "$work/layer/bin"
python3 -m zipfile -e "$function_zip" "$work/layer/python"
cat > "$work/layer/bin/mountscope" <<'LAUNCHER'
#!/bin/sh
# mountscope from this layer: the package sits in ../python beside this file
# (/opt/python). -S keeps the runtime's own site-packages out of the way.
here=$(dirname "$(readlink -f "$0")")
PYTHONPATH="$here/../python${PYTHONPATH:+:$PYTHONPATH}" exec "${MOUNTSCOPE_PYTHON:-python3}" -S -m mountscope "$@"
LAUNCHER
chmod 755 "$work/layer/bin/mountscope"
mkdir -p "$(dirname "$out")"
rm -f "$out"
# zip(1) keeps the launcher's execute bit; Python's zipfile module would not.
if command -v zip >/dev/null; then
    (cd "$work/layer" && zip -qr "$out" python bin)
else
    (cd "$work/layer" && python3 - "$out" <<'PY'
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as archive:
    for folder, _, files in os.walk("."):
        for name in sorted(files):
            path = os.path.join(folder, name)
            info = zipfile.ZipInfo.from_file(path, os.path.relpath(path, "."))
            info.compress_type = zipfile.ZIP_DEFLATED
            with open(path, "rb") as data:
                archive.writestr(info, data.read())
PY
    )
fi
echo "$out"
