"""The Lambda layer: built by scripts/package-lambda-layer.sh, unpacked, and its
/opt/bin/mountscope run with nothing but the layer on the path."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.helpers import ARTICLE, SAMPLES, build_lambda_zip, lambda_function_zip


@pytest.fixture(scope="module")
def layer(tmp_path_factory, worker_id) -> Path:
    out = tmp_path_factory.mktemp("layer") / "layer.zip"
    function = lambda_function_zip(tmp_path_factory, worker_id)
    build_lambda_zip("package-lambda-layer.sh", out, str(function))
    opt = out.parent / "opt"  # Lambda unpacks layers under /opt
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        archive.extractall(opt)
        for info in archive.infolist():  # extractall drops the mode bits
            mode = info.external_attr >> 16
            if mode and not info.is_dir():
                os.chmod(opt / info.filename, stat.S_IMODE(mode))
    assert "bin/mountscope" in names
    assert any(n.startswith("python/mountscope/") for n in names)
    assert any(n.startswith("python/orjson/") for n in names)
    assert not any(
        n.startswith(("python/textual/", "python/pyte/", "python/rich/", "python/mountscope/tui/"))
        for n in names
    )
    return opt


def run_layer(opt: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    """The layer's command as a shell session runs it: only the layer on the
    Python path (the launcher passes -S, so no site-packages)."""
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "MOUNTSCOPE_PYTHON": sys.executable}
    return subprocess.run(
        [str(opt / "bin" / "mountscope"), *args], capture_output=True, env=env, cwd=cwd, timeout=60
    )


def test_the_layer_command_runs(layer: Path, tmp_path: Path):
    assert os.access(layer / "bin" / "mountscope", os.X_OK)
    done = run_layer(layer, "--version", cwd=tmp_path)
    assert done.returncode == 0 and done.stdout.decode().startswith("mountscope "), done.stderr
    done = run_layer(
        layer, "classify", "--json", str(ARTICLE / "lambda-pattern2.txt"), cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr.decode()
    assert json.loads(done.stdout)["environment"] == "aws-lambda"
    done = run_layer(layer, "survey", "--json", str(ARTICLE), cwd=tmp_path)
    assert done.returncode == 0, done.stderr.decode()
    assert json.loads(done.stdout)["captures"] >= 2


def test_commands_needing_the_app_or_pyte_say_so_in_one_line(layer: Path, tmp_path: Path):
    done = run_layer(layer, "--tui", str(ARTICLE / "lambda-pattern1.txt"), cwd=tmp_path)
    assert done.returncode == 2 and done.stdout == b""
    lines = done.stderr.decode().splitlines()
    assert len(lines) == 1 and "Textual" in lines[0] and "Traceback" not in lines[0]
    done = run_layer(
        layer, "tree", str(SAMPLES / "recordings" / "article-patterns.cast"), cwd=tmp_path
    )
    assert done.returncode == 2
    lines = done.stderr.decode().splitlines()
    assert len(lines) == 1 and "pyte" in lines[0]
    # In a survey a recording is one unreadable file among others, not the end.
    done = run_layer(
        layer, "survey", "--json", str(SAMPLES / "recordings"), str(ARTICLE), cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr.decode()
    unreadable = json.loads(done.stdout)["unreadable"]
    assert any("pyte" in u["error"] for u in unreadable)


def test_a_missing_function_zip_is_one_line_and_nothing_built(tmp_path: Path):
    out = tmp_path / "layer.zip"
    done = subprocess.run(
        [
            "bash",
            "scripts/package-lambda-layer.sh",
            "x86_64",
            "3.12",
            str(out),
            str(tmp_path / "gone.zip"),
        ],
        capture_output=True,
        cwd=Path(__file__).resolve().parents[2],
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.decode().splitlines() == [
        f"package-lambda-layer: no such function zip: {tmp_path / 'gone.zip'}"
    ]
    assert not out.exists()
