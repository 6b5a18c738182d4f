"""The Lambda zip: built by scripts/package-lambda.sh, unpacked, and run with
nothing else on the path (no site-packages), as Lambda runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.helpers import lambda_function_zip


@pytest.fixture(scope="module")
def package(tmp_path_factory, worker_id) -> Path:
    built = lambda_function_zip(tmp_path_factory, worker_id)
    unpacked = tmp_path_factory.mktemp("lambda") / "function"
    with zipfile.ZipFile(built) as archive:
        names = archive.namelist()
        archive.extractall(unpacked)
    assert not any(n.startswith(("textual/", "pyte/", "rich/", "mountscope/tui/")) for n in names)
    assert any(n.startswith("orjson/") for n in names)
    return unpacked


HANDLER = """
import json, sys
sys.path.insert(0, sys.argv[1])
from mountscope.model import signals_of
from mountscope.capture import lambda_handler
class Context:
    aws_request_id = "req-1"; function_name = "probe"; memory_limit_in_mb = "128"
result = lambda_handler({"title": "from the zip"}, Context())
bad = [m for m in sys.modules if m.split(".")[0] in ("textual", "rich", "pyte")]
# VmHWM belongs to this program's own memory map (ru_maxrss would count the
# parent's memory from before exec).
hwm = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM"))
# The handler returns data; what writes JSON (jsonio) must find orjson in the zip.
import mountscope.jsonio
print(json.dumps({"result": result, "bad": bad, "rss_kb": hwm, "orjson": sys.modules["orjson"].__file__}))
"""


def test_the_handler_runs_from_the_zip_alone(package: Path, tmp_path: Path):
    env = {"PATH": os.environ["PATH"], "LANG": "C.UTF-8"}  # no HOME, as in Lambda
    done = subprocess.run(
        [sys.executable, "-I", "-S", "-c", HANDLER, str(package)],
        capture_output=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr.decode()
    report = json.loads(done.stdout)
    assert report["bad"] == []
    assert report["orjson"].startswith(str(package))
    assert report["rss_kb"] < 128 * 1024
    snapshot = report["result"]
    assert snapshot["format"] == "mountscope.snapshot" and snapshot["title"] == "from the zip"
    assert snapshot["metadata"]["lambda_function_name"] == "probe"
    saved = tmp_path / "invocation.json"
    saved.write_text(json.dumps(snapshot))
    from mountscope.system.loader import load

    assert load(str(saved)).mounts


def test_the_cli_runs_from_the_zip_in_a_shell_session(package: Path, tmp_path: Path):
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(package), "LANG": "C.UTF-8"}
    done = subprocess.run(
        [sys.executable, "-S", "-m", "mountscope", "classify", "--json"],
        capture_output=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr.decode()
    from mountscope.capture import capture_live
    from mountscope.classify import classify
    from mountscope.model import signals_of

    live = capture_live()

    assert (
        json.loads(done.stdout)["environment"]
        == classify(live, signals_of(live.provenance)).environment
    )
