"""The classifier's shape: one environments table, rules as rows on the named
scale, checks registered by name with one signature, signals always passed in."""

from __future__ import annotations

import inspect
import json

import jsonschema
import pytest

from mountscope import record
from mountscope.capture import capture_live, snapshot_bytes, snapshot_document
from mountscope.classify import classify
from mountscope.classify.checks import CHECKS, Hit
from mountscope.classify.environments import DETAILS, ENVIRONMENTS, Environment
from mountscope.classify.index import MountPattern, TableIndex
from mountscope.classify.rules import RULES, Rule
from mountscope.classify.scale import NAMED_WEIGHTS, STRONG
from mountscope.model import signals_of
from mountscope.model.signals import Signals
from mountscope.parsers import parse_text
from tests.helpers import REPO, parse

SCHEMA = json.loads((REPO / "docs" / "snapshot.schema.json").read_text())

BLOCK_ROOT = (
    "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n23 22 0:5 / /proc rw - proc proc rw\n"
)


def test_every_environment_has_one_row_and_every_rule_names_one():
    assert set(ENVIRONMENTS) == set(Environment)
    assert all(row.name is env for env, row in ENVIRONMENTS.items())
    for rule in RULES:
        assert rule.says in ENVIRONMENTS, rule.id
        assert rule.weight in NAMED_WEIGHTS.values(), rule.id
        assert (rule.mount is None) != (rule.check is None), rule.id
        assert rule.check is None or rule.check in CHECKS, rule.id


def test_layers_order_sandboxes_before_containers_before_machines():
    layer = {env: row.layer for env, row in ENVIRONMENTS.items()}
    assert layer[Environment.AWS_LAMBDA] < layer[Environment.KUBERNETES] < layer[Environment.DOCKER]
    assert (
        layer[Environment.DOCKER]
        < layer[Environment.FIRECRACKER]
        < layer[Environment.VM]
        < layer[Environment.HOST]
    )
    assert layer[Environment.UNKNOWN] is None
    assert all(
        row.description and not row.description.endswith(".") for row in ENVIRONMENTS.values()
    )


def test_details_declare_their_confidence_keys():
    assert DETAILS["lambda_model"].confidence == "lambda_model_confidence"
    assert DETAILS["code_delivery"].confidence is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"says": "openbsd-vmm"}, "not a registered environment"),
        ({"weight": 2.7}, "not on the named scale"),
        ({"check": "no-such-check"}, "no check is registered"),
        ({"check": "overlay-root", "mount": MountPattern(target=frozenset({"/"}))}, "not both"),
    ],
)
def test_a_malformed_rule_is_refused_when_the_table_is_built(change: dict, message: str):
    row = {
        "id": "test.rule",
        "says": Environment.HOST,
        "weight": STRONG,
        "why": "a test",
        "check": "overlay-root",
    }
    row.update(change)
    with pytest.raises(ValueError, match=message):
        Rule(**row)


def test_every_check_has_the_one_signature():
    for name, check in CHECKS.items():
        assert list(inspect.signature(check).parameters) == ["table", "ix", "signals"], name


def test_table_checks_return_the_mounts_they_rest_on():
    table = parse(BLOCK_ROOT, format_name="mountinfo")
    index = TableIndex(table)
    assert CHECKS["machine-root"](table, index, None) == Hit(mounts=(0,))
    assert CHECKS["overlay-root"](table, index, None) is None


def test_signal_checks_say_nothing_without_signals_and_name_what_they_read():
    table = parse(BLOCK_ROOT, format_name="mountinfo")
    index = TableIndex(table)
    assert CHECKS["lambda-hostname"](table, index, None) is None
    hit = CHECKS["lambda-hostname"](table, index, Signals(hostname="169.254.60.13"))
    assert hit == Hit(signal="hostname", value="169.254.60.13")
    assert (
        CHECKS["docker-cgroup"](table, index, Signals(cgroup_self="0::/system.slice/ssh.service"))
        is None
    )


def test_the_signals_given_are_the_signals_used_not_those_on_the_table():
    # Regression: the leaked-/.dockerenv check read the table's own signals, so
    # classify(t, s) and "t.signals = s; classify(t)" gave different evidence.
    table = parse(BLOCK_ROOT, format_name="mountinfo")
    assert signals_of(table.provenance) is None
    signals = Signals(markers={"/.dockerenv": True})
    rules = {e.rule for e in classify(table, signals).evidence}
    assert {"docker.dockerenv", "docker.dockerenv-leaked"} <= rules
    assert "docker.dockerenv-leaked" not in {e.rule for e in classify(table, None).evidence}


def test_signal_fields_are_the_snapshot_schemas():
    described = set(SCHEMA["properties"]["signals"]["properties"])
    assert set(record.field_names(Signals)) == described


def test_lambda_signals_are_read_live_and_kept_in_snapshots():
    capture = capture_live()
    live = signals_of(capture.provenance)
    assert live is not None
    # Read from /sys/block (a dict, maybe empty), unless /sys/block cannot be listed.
    assert live.block_serials is None or isinstance(live.block_serials, dict)
    assert live.loop_backing is None or isinstance(live.loop_backing, dict)
    signals = record.replace(
        live,
        block_serials={"vdb": "2049123456"},
        loop_backing={"loop1": "/var/lib/task.img"},
        env={**live.env, "AWS_LAMBDA_INITIALIZATION_TYPE": "snap-start"},
    )
    capture = record.replace(
        capture, provenance=record.replace(capture.provenance, signals=signals)
    )
    jsonschema.validate(snapshot_document(capture), SCHEMA)
    (loaded,) = parse_text(snapshot_bytes(capture).decode(), "snap.json")
    assert signals_of(loaded.provenance) == signals_of(capture.provenance)
    assert signals_of(loaded.provenance).block_serials == {"vdb": "2049123456"}
    assert signals_of(loaded.provenance).env["AWS_LAMBDA_INITIALIZATION_TYPE"] == "snap-start"


def test_a_cloud_agents_mount_makes_a_vm_with_its_platform():
    table = parse(
        "/dev/nvme0n1p1 on / type ext4 (rw,relatime,discard)\n"
        "proc on /proc type proc (rw,nosuid,nodev,noexec,relatime)\n"
        "/dev/loop3 on /snap/amazon-ssm-agent/9881 type squashfs (ro,nodev,relatime)\n",
        format_name="mount",
    )
    verdict = classify(table, None)
    assert verdict.environment == "vm" and verdict.details["platform"] == "aws-ec2"
    assert any("shares it" in caveat for caveat in verdict.caveats)
