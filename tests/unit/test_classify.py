"""The classifier: every labelled sample's verdict, evidence that points at real
mounts, the article's Lambda hypothesis with its caveat, nesting, and live signals."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from mountscope.classify import CALIBRATION, ENVIRONMENTS, classify
from mountscope.classify.rules import RULES
from mountscope.model import signals_of
from mountscope.model.origin import recording_of
from mountscope.model.signals import Signals
from mountscope.system.loader import load
from mountscope.system.signals import read_live
from tests.helpers import ARTICLE, REPO, SAMPLES, run_cli

MANIFEST = json.loads((SAMPLES / "manifest.json").read_text())["samples"]


@pytest.mark.parametrize("sample", MANIFEST, ids=[s["file"] for s in MANIFEST])
def test_every_labelled_sample_gets_its_verdict(sample: dict):
    capture = load(str(SAMPLES / sample["file"]))
    verdict = classify(capture, signals_of(capture.provenance))
    assert verdict.environment == sample["environment"], verdict.to_dict()
    for key, value in sample.get("details", {}).items():
        assert verdict.details.get(key) == value, (key, verdict.details)
    assert sample.get("min_confidence", 0) <= verdict.confidence <= sample.get("max_confidence", 1)
    assert sample["origin"] in ("quoted", "reconstructed", "synthetic") and sample["source"]


@pytest.mark.parametrize("sample", MANIFEST, ids=[s["file"] for s in MANIFEST])
def test_evidence_points_at_real_mounts(sample: dict):
    path = SAMPLES / sample["file"]
    capture = load(str(path))
    lines = path.read_text(encoding="utf-8").splitlines()
    if (
        recording_of(capture.provenance) is not None
    ):  # lines of what the screen showed, not of the file
        from mountscope.parsers.recording import transcript

        lines = transcript(path.read_text(encoding="utf-8"), str(path))[0].splitlines()
    for item in classify(capture, signals_of(capture.provenance)).evidence:
        if item.mount is None:
            continue
        assert any(item.mount is m for m in capture.mounts)
        assert lines[item.mount.line - 1] == item.mount.raw.split("\n")[0]


def test_manifest_covers_every_sample_file():
    listed = {s["file"] for s in MANIFEST}
    on_disk = {
        str(p.relative_to(SAMPLES))
        for p in SAMPLES.rglob("*")
        if p.is_file() and p.suffix not in (".md", ".json") and p.name != "excerpt.txt"
    }
    assert on_disk <= listed, on_disk - listed


def test_the_articles_two_tables_are_firecracker_era_lambda_with_different_code_delivery():
    one = classify(load(str(ARTICLE / "lambda-pattern1.txt")), None)
    two = classify(load(str(ARTICLE / "lambda-pattern2.txt")), None)
    assert one.environment == two.environment == "aws-lambda"
    assert one.confidence >= 0.9 and two.confidence >= 0.9
    # Both mount /dev from /dev/vdb, a virtio disk no EC2 instance presents.
    assert one.details["lambda_model"] == two.details["lambda_model"] == "firecracker"
    assert 0.5 <= one.details["lambda_model_confidence"] < 0.9
    assert (one.details["code_delivery"], two.details["code_delivery"]) == (
        "loop-image",
        "extracted-directory",
    )
    for verdict in (one, two):
        (claim,) = verdict.claims
        assert claim.name == "article-loop-device-means-ec2" and claim.status == "contradicted"
        assert any("/dev/vdb" in reason and "virtio" in reason for reason in claim.because)
        assert any(
            line.startswith("lambda_model firecracker: virtio disk /dev/vdb on /dev")
            for line in verdict.reasoning
        )


def test_a_container_image_function_has_no_task_variant_to_test():
    verdict = classify(load(str(SAMPLES / "environments" / "lambda-container-image.log")), None)
    assert verdict.details["code_delivery"] == "container-image"
    assert verdict.claims[0].status == "untested"


# An EC2-era zip sandbox as its disks would show it: Xen disks, /var/task on a loop device.
EC2_ERA = """/dev/xvda1 on / type ext4 (ro,relatime)
/dev/loop1 on /var/task type squashfs (ro,relatime)
/dev/xvdb on /var/runtime type ext4 (ro,relatime)
/dev/xvdb on /var/lang type ext4 (ro,relatime)
/dev/loop0 on /tmp type ext4 (rw,relatime)
"""


def test_xen_disks_and_ec2_signals_make_the_ec2_model_and_support_the_hypothesis():
    from tests.helpers import parse

    signals = Signals(hostname="ip-10-12-3-4", osrelease="4.14.51-66.38.amzn1.x86_64")
    verdict = classify(parse(EC2_ERA, format_name="mount"), signals)
    assert verdict.environment == "aws-lambda"
    assert (
        verdict.details["lambda_model"] == "ec2"
        and verdict.details["lambda_model_confidence"] >= 0.8
    )
    assert (
        verdict.details["code_delivery"] == "loop-image" and verdict.claims[0].status == "supported"
    )


@pytest.mark.parametrize(
    ("signals", "model"),
    [
        (Signals(hostname="ip-10-12-3-4", osrelease="4.14.51-66.38.amzn1.x86_64"), "unknown"),
        (
            Signals(env={"AWS_LAMBDA_INITIALIZATION_TYPE": "lambda-managed-instances"}),
            "managed-instances",
        ),
        (
            Signals(
                hostname="169.254.60.13",
                osrelease="5.10.216-225.855.amzn2.x86_64",
                block_serials={"vdb": "2049123456"},
            ),
            "firecracker",
        ),
    ],
)
def test_live_signals_decide_lambdas_generation(signals: Signals, model: str):
    capture = load(str(SAMPLES / "environments" / "lambda-container-image.log"))
    verdict = classify(capture, signals)
    assert verdict.details["lambda_model"] == model
    # The table's virtio disks still count: against them the confidence drops.
    if model == "firecracker":
        assert verdict.details["lambda_model_confidence"] >= 0.9
    else:
        assert verdict.details["lambda_model_confidence"] < 0.9


def test_json_shape():
    result = run_cli("classify", str(ARTICLE / "lambda-pattern2.txt"), "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert set(document) >= {
        "environment",
        "confidence",
        "details",
        "hypotheses",
        "evidence",
        "caveats",
    }
    assert 0 <= document["confidence"] <= 1
    first = document["evidence"][0]
    assert set(first) >= {"rule", "says", "weight", "mount", "signal", "why"}
    assert first["mount"]["target"] == "/" and first["mount"]["line"] == 2
    weights = [abs(e["weight"]) for e in document["evidence"]]
    assert weights == sorted(weights, reverse=True)
    assert {h["environment"] for h in document["hypotheses"]} >= {"aws-lambda", "vm"}


def test_text_form_verdict_first_then_evidence_then_caveats():
    result = run_cli("classify", str(ARTICLE / "lambda-pattern1.txt"))
    lines = result.stdout.decode().splitlines()
    assert re.match(r"aws-lambda \(confidence 0\.\d\d\): ", lines[0])
    assert (
        "code_delivery=loop-image" in lines[0]
        and "lambda_model=firecracker? (confidence 0.75)" in lines[0]
    )
    assert "reasoning:" in lines and any(
        "hypothesis article-loop-device-means-ec2: contradicted" in line for line in lines
    )
    assert lines[1] == "evidence:"
    assert lines[2].startswith(
        "  +3.0  aws-lambda: mount / from /dev/root[/opt/amazon/asc/worker/rtfs/cache/"
    )
    assert "caveats:" in lines
    assert any("mount /var/task from /dev/loop1 (line 3)" in line for line in lines)


def test_rules_table_is_well_formed():
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))
    for rule in RULES:
        assert rule.says in ENVIRONMENTS
        assert sum(x is not None for x in (rule.mount, rule.check)) == 1, rule.id
        assert -4 <= rule.weight <= 4 and rule.why and not rule.why.endswith(".")


def test_docker_on_a_wsl2_kernel_is_docker_with_the_kernel_as_detail():
    capture = load(str(SAMPLES / "environments" / "docker-container.mountinfo"))
    signals = Signals(osrelease="5.15.167.4-microsoft-standard-WSL2", markers={"/.dockerenv": True})
    verdict = classify(capture, signals)
    assert verdict.environment == "docker" and verdict.details["kernel"] == "wsl2"


def test_live_firecracker_signals_settle_the_lambda_microvm_part():
    capture = load(str(ARTICLE / "lambda-pattern1.txt"))
    signals = Signals(
        cmdline="console=ttyS0 reboot=k panic=1 pci=off nomodules virtio_mmio.device=4K@0xd0000000:5",
        cpu={
            "model name": "Intel(R) Xeon(R) Processor @ 2.50GHz",
            "cpu family": "6",
            "model": "63",
            "stepping": "2",
            "flags": "fpu hypervisor avx2 ibrs_enhanced",
        },
        dmi_present=False,
        machine="x86_64",
        hostname="169.254.114.61",
    )
    verdict = classify(capture, signals)
    assert verdict.environment == "aws-lambda"
    assert (
        verdict.details["lambda_model"] == "firecracker"
        and verdict.details["lambda_model_confidence"] >= 0.8
    )
    assert verdict.details["hypervisor"] == "firecracker"
    rules = {e.rule for e in verdict.evidence}
    assert {
        "firecracker.virtio-mmio",
        "firecracker.cpu-brand",
        "firecracker.cpu-template",
        "lambda.hostname",
    } <= rules


def test_signals_survive_a_dict_round_trip():
    signals = read_live()
    assert Signals.from_dict(json.loads(json.dumps(signals.to_dict()))) == signals
    assert not any(word in name for name in signals.env for word in ("SECRET", "TOKEN", "KEY"))


def _firecracker_guest() -> bool:
    try:
        cmdline = Path("/proc/cmdline").read_text()
    except OSError:
        return False
    words = cmdline.split()
    return "virtio_mmio.device=" in cmdline or ("reboot=k" in words and "panic=1" in words)


@pytest.mark.skipif(not _firecracker_guest(), reason="not running on a Firecracker guest")
def test_live_classification_names_firecracker_and_shows_why():
    detect = shutil.which("systemd-detect-virt")
    if detect:
        peer = subprocess.run([detect], capture_output=True, text=True).stdout.strip()
        # The peer tool cannot name Firecracker; that is the point of this test.
        assert peer != "firecracker"
    result = run_cli("classify", "--json")
    document = json.loads(result.stdout)
    assert document["environment"] == "firecracker", document
    assert document["confidence"] >= 0.7
    assert any(
        e["signal"] in ("cmdline", "cpuinfo") and e["says"] == "firecracker"
        for e in document["evidence"]
    )
    text = run_cli("classify").stdout.decode()
    assert text.startswith("firecracker (confidence")
    assert "live cmdline" in text or "live cpuinfo" in text


def test_tree_prints_the_verdict_as_a_header_when_asked():
    result = run_cli("tree", str(ARTICLE / "lambda-pattern2.txt"), "--verdict")
    lines = result.stdout.decode().splitlines()
    assert lines[0].startswith("verdict: aws-lambda (confidence 0.99)")
    assert lines[1].startswith("TARGET")


CORPUS = REPO / "tests" / "corpus" / "real"


@pytest.mark.parametrize(
    ("file", "environment", "platform"),
    [
        ("host/ubuntuforums-2005-dvd-mtab.txt", "host", None),  # /dev/hda1 root, usbfs
        ("host/magisk-1543-android-mount.txt", "host", "android"),
        ("host/openwrt-909-tmp-root-overlay-mount.txt", "host", "openwrt"),
        ("vm/vbox-ubuntu1404-go-comment-mount.txt", "vm", "virtualbox"),
        ("vm/waagent-test-sample-mount-list-azure.txt", "vm", "azure"),
        ("vm/linode-docs-ubuntu2204-mount.txt", "vm", None),
    ],
)
def test_plain_machines_are_host_or_vm_with_their_calibrated_confidence(
    file: str, environment: str, platform: str | None
):
    verdict = classify(load(str(CORPUS / file)), None)
    assert verdict.environment == environment, verdict.to_dict()
    # The confidence is the corpus's record for the verdict's margin, and says so.
    assert verdict.confidence == CALIBRATION.confidence(verdict.margin) < 1
    assert "verdicts there" in verdict.basis and f"{verdict.confidence:.2f}" in verdict.basis
    # What a machine's own table cannot rule out is said, not hidden in a cap.
    assert any("shares it" in caveat for caveat in verdict.caveats)
    assert verdict.details.get("platform") == platform


def test_nspawn_is_named_from_its_own_marks_not_as_a_lambda_hint():
    verdict = classify(load(str(CORPUS / "systemd-nspawn" / "osh2020-lab4.txt")), None)
    assert verdict.environment == "systemd-nspawn"
    assert "aws-lambda" not in {h.environment for h in verdict.hypotheses}


def test_a_partial_capture_is_judged_on_what_it_shows_with_a_caveat():
    verdict = classify(load(str(CORPUS / "host" / "arch-btrfs-snapper-grep-btrfs.txt")), None)
    assert verdict.environment == "host"
    assert any("looks partial" in caveat for caveat in verdict.caveats)
    whole = classify(load(str(SAMPLES / "environments" / "docker-container.mountinfo")), None)
    assert not any("looks partial" in caveat for caveat in whole.caveats)


def test_a_github_actions_container_job_is_docker_on_github_actions():
    # The runner binds its own files at /github/home and /github/workflow.
    verdict = classify(
        load(str(CORPUS / "docker" / "auto-aur-github-actions-container-job-mount.txt")), None
    )
    assert verdict.environment == "docker"
    assert verdict.details["platform"] == "github-actions"
    assert "platform.github-actions-job-binds" in {e.rule for e in verdict.evidence}


def test_a_console_paste_joined_into_one_line_is_judged_on_its_mounts():
    table = load(str(CORPUS / "wsl1" / "wsl-4529-console-wrapped-mount.txt"))
    assert len(table.mounts) == 7
    assert classify(table, None).environment == "wsl1"


def _one_by_one(capture, pattern) -> list[int]:
    """The mounts a pattern picks, each mount checked on its own (no index)."""
    import re

    def field(m, name: str) -> str:
        if name == "options":
            return ",".join(filter(None, (m.options, m.fs_options)))
        return getattr(m, name) or ""

    found = []
    for i, m in enumerate(capture.mounts):
        if pattern.target is not None and m.target not in pattern.target:
            continue
        if pattern.target_prefixes and not m.target.startswith(pattern.target_prefixes):
            continue
        if pattern.fstype is not None and m.fstype not in pattern.fstype:
            continue
        if pattern.kind is not None and m.kind != pattern.kind:
            continue
        if pattern.source is not None and m.source not in pattern.source:
            continue
        if pattern.fsroot_re is not None and m.fsroot in (None, "/"):
            continue  # a root pattern reads bind mounts only
        if all(re.search(rx, field(m, name)) for name, rx in pattern.compiled()):
            found.append(i)
    return found


def test_the_index_picks_what_checking_every_mount_picks():
    """TableIndex narrows each pattern's candidates by its indexes (targets,
    sources, types, kinds, bind roots, and a regular expression tried once
    per distinct value); every rule must pick the mounts a scan of the whole
    table picks, in table order."""
    from benchmarks.generate import generate
    from mountscope.classify.index import TableIndex
    from mountscope.classify.rules import RULES
    from tests.helpers import REPO, parse

    texts = [generate(400, seed=5), (REPO / "tests/data/edge.mountinfo").read_text()]
    texts += [p.read_text() for p in sorted((REPO / "samples/environments").glob("*"))]
    fired = 0
    for text in texts:
        capture = parse(text)
        index = TableIndex(capture)
        for rule in RULES:
            if rule.mount is not None and not rule.mount.fields() - set(capture.fields):
                found = index.matches(rule.mount)
                assert found == _one_by_one(capture, rule.mount), rule.id
                fired += bool(found)
    assert fired > 20


def test_a_table_whose_author_cut_it_is_judged_with_a_caveat():
    """A line that is nothing but an ellipsis, kept as a mount's own line,
    says the table is partial; the same table without it is whole."""
    from mountscope.model import Mount, MountTable

    targets = ["/", "/proc", "/sys", "/dev", "/run", "/tmp"]
    mounts = [Mount(t, "none", "tmpfs", raw_line=f"none {t} tmpfs rw 0 0") for t in targets]
    whole = MountTable(tuple(mounts), "proc-mounts", "t", frozenset({"target", "source"}))
    cut = MountTable((*mounts, Mount("/x", raw_line=" … ")), "proc-mounts", "t", whole.fields)
    assert any("its author cut it" in caveat for caveat in classify(cut, None).caveats)
    assert not any("looks partial" in caveat for caveat in classify(whole, None).caveats)
