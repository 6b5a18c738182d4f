"""survey reads snapshots of mountinfo tables straight from the decoded JSON
(survey.snapshot_record) instead of making their mounts. That shortcut must
give what the loader gives, for any input: the same shape key, signal values
and time, or nothing (and the file then goes the loader's way, which says
what is wrong). Checked here on mutated snapshots, on damaged table text and
on the shaping of values, against the loader and against the plain
definition of ``shape``."""

from __future__ import annotations

import copy
import ipaddress
import json
import random
import re
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.generate import generate
from benchmarks.lambda_fleet import snapshot, write_fleet
from mountscope import jsonio
from mountscope.capture import snapshot_document
from mountscope.classify import classify
from mountscope.diff import _PEER, VOLATILE, shape
from mountscope.model import signals_of
from mountscope.parsers.snapshot import FIELDS as SNAPSHOT_FIELDS
from mountscope.parsers.snapshot import member as snapshot_member
from mountscope.survey import (
    MAX_VALUES,
    Entry,
    Record,
    Survey,
    _entries,
    _member_reader,
    _shape,
    hostname_form,
    read_entries,
    read_records,
    record_of,
    shape_key,
    snapshot_record,
)
from mountscope.system.loader import Limits, load_all
from tests.helpers import SAMPLES
from tests.hostile.test_snapshot_fuzz import FUZZ, SEEDS, encode, mutate

LAMBDA = [snapshot(pattern, random.Random(pattern), pattern)[0] for pattern in (1, 2)]
MOUNTINFO_SEEDS = [s for s in SEEDS if s["table"]["format"] == "mountinfo"] + LAMBDA


def same_as_the_loader(path: Path) -> bool:
    """Whether the shortcut's record of ``path`` is the loader's (True), or
    the shortcut declined (False); fails when they differ."""
    fast = snapshot_record(str(path), Limits())
    full = list(_entries(str(path), None, None))
    if fast is None:
        return False
    assert len(full) == 1 and isinstance(full[0], Entry), full
    slow = record_of(full[0])
    assert (fast.name, fast.ref, fast.key, fast.values, fast.time) == (
        slow.name,
        slow.ref,
        slow.key,
        slow.values,
        slow.time,
    )
    return True


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("survey-records")


def test_the_seeds_take_the_shortcut(folder: Path):
    for number, seed in enumerate(MOUNTINFO_SEEDS):
        path = folder / f"seed{number}.json"
        path.write_bytes(jsonio.dumps(seed))
        # A table that is not UTF-8 is stored in base64: the loader's way.
        assert same_as_the_loader(path) == ("text" in seed["table"]), number


@FUZZ
@given(st.sampled_from(MOUNTINFO_SEEDS), st.integers(0, 2**32), st.integers(1, 6))
def test_mutated_snapshots_give_the_loaders_record_or_none(
    folder: Path, seed: dict[str, Any], salt: int, count: int
):
    document, deep = mutate(seed, random.Random(salt), count)
    path = folder / "mutant.json"
    path.write_bytes(encode(document, deep))
    same_as_the_loader(path)


# Damage to the table's text, line by line: the shortcut reads a table only
# when every line reads as parsers.mountinfo reads it.
LINE_DAMAGE = [
    lambda line: "",  # a blank line
    lambda line: "   \t",
    lambda line: line + "\r",
    lambda line: "\ufeff" + line,
    lambda line: "$ " + line,  # a shell prompt glued before it
    lambda line: "user@host:~$ cat /proc/self/mountinfo",
    lambda line: line.replace(" ", "  ", 1),
    lambda line: line.replace(" - ", " "),
    lambda line: line.replace(" - ", " - - "),
    lambda line: line.split(" - ")[0] + " - ext4",
    lambda line: "\u0663" + line,  # an Arabic-Indic digit: a decimal to Python
    lambda line: "x" + line,
    lambda line: line.replace(":", "::", 1),
    lambda line: line.replace(" ", " 0:0 ", 1),
    lambda line: line.replace("/", "/\\040sp\\134ace/", 1),
    lambda line: line.replace("/", "/bad\\xx/", 1),
    lambda line: line + " shared:5 master:3",
    lambda line: line.replace(" - ", " shared:7 unbindable - ", 1),
    lambda line: line.replace("/", "/dev/ab12cd34ef/", 1),
    lambda line: line.replace("/", "/4003f155-99c2-4acb-a063-10e3842dcc01:[123]/", 1),
    lambda line: line[: len(line) // 2],
    lambda line: "1 2 3:4 ",
    lambda line: "1 2 3:4",
    lambda line: line.replace("/", "/" + "a1b2c3d4e5/" * 50_000, 1),  # deep paths are read flat
]

HARMLESS = {0, 1, 2, 14, 16, 17, 18, 19, 23}


@pytest.mark.parametrize("damage", range(len(LINE_DAMAGE)))
def test_damaged_table_text_gives_the_loaders_record_or_none(folder: Path, damage: int):
    for seed in (s for s in MOUNTINFO_SEEDS if "text" in s["table"]):
        lines = seed["table"]["text"].split("\n")
        for index in (0, 1, len(lines) - 2):
            document = copy.deepcopy(seed)
            lines_now = list(lines)
            lines_now[index] = LINE_DAMAGE[damage](lines_now[index])
            document["table"]["text"] = "\n".join(lines_now)
            path = folder / f"damaged-{damage}.json"
            path.write_bytes(jsonio.dumps(document))
            taken = same_as_the_loader(path)
            if damage in HARMLESS:  # lines the loader reads without a word: so does the shortcut
                assert taken, (damage, index)


def test_a_survey_says_the_same_with_and_without_the_shortcut(folder: Path):
    """Every seed, mutants of each, and files that are not snapshots at all."""
    many = folder / "many"
    many.mkdir()
    rng = random.Random(18)
    for number, seed in enumerate(MOUNTINFO_SEEDS + SEEDS):
        (many / f"seed{number}.json").write_bytes(jsonio.dumps(seed))
        for copy_number in range(15):
            document, deep = mutate(seed, rng, rng.randrange(1, 4))
            (many / f"mutant{number}-{copy_number}.json").write_bytes(encode(document, deep))
    (many / "version9.json").write_text('{"format": "mountscope.snapshot", "version": 9}')
    (many / "plain.mountinfo").write_text(LAMBDA[0]["table"]["text"])
    (many / "not-utf8.json").write_bytes(jsonio.dumps(LAMBDA[1]).replace(b"/tmp", b"/t\xffp"))
    with_shortcut = Survey().feed(read_records([str(many)])).result().to_dict()
    without = Survey().feed(read_entries([str(many)])).result().to_dict()
    assert json.dumps(with_shortcut, sort_keys=True) == json.dumps(without, sort_keys=True)
    assert any("version 9" in u["error"] for u in with_shortcut["unreadable"])


# --- shaping values -----------------------------------------------------------------------


def plain_shape(value: str) -> str:
    """shape() as the patterns define it, every pattern tried on every value."""
    for placeholder, pattern in VOLATILE:
        value = pattern.sub(placeholder, value)
    return _PEER.sub(r"\1:<n>", value)


PIECES = st.sampled_from(
    [
        "/",
        "/dev/",
        "dev",
        "-",
        ":",
        ":[",
        "]",
        "shared:",
        "master:",
        "propagate_from:",
        "ab12cd34ef",
        "4003f155-99c2-4acb-a063-10e3842dcc01",
        "4003f155",  # a UUID in pieces, and its middle alone
        "-99c2-4acb-a063-",
        "10e3842dcc01",
        "131952802462",
        "1234567",
        "deadbeefcafe",
        "boot_id-6rd43na61r",
        "nvme0n1p1",
        "\u0663\u0664\u0665\u0666\u0667\u0668",
        "\udcff",
        ".flat",
        "a",
        "Z",
        "0",
        "9",
    ]
)


@given(st.lists(st.one_of(PIECES, st.text(max_size=6)), max_size=12).map("".join))
def test_shaping_path_by_path_component_is_shaping_the_whole(value: str):
    assert shape(value) == plain_shape(value)
    assert _shape(value) == plain_shape(value)


@given(
    st.lists(st.lists(st.one_of(PIECES, st.text(max_size=6)), max_size=6).map("".join), min_size=1)
)
def test_shaping_components_joined_by_newlines_is_shaping_each(values: list[str]):
    """Survey shapes the new roots' last components of a table in one call."""
    names = [v.replace("\n", "").replace("/", "") for v in values]
    assert shape("\n".join(names)).split("\n") == [plain_shape(name) for name in names]


@given(
    st.one_of(
        st.tuples(*[st.integers(0, 300)] * 4).map(lambda q: ".".join(map(str, q))),
        st.tuples(
            *[
                st.sampled_from(
                    [
                        "0",
                        "00",
                        "01",
                        "9",
                        "10",
                        "99",
                        "100",
                        "199",
                        "200",
                        "249",
                        "250",
                        "255",
                        "256",
                        "260",
                        "300",
                        "1000",
                        "\u0663",
                    ]
                )
            ]
            * 4
        ).map(".".join),
        st.text(alphabet="0123456789.:abcdef", max_size=20),
    )
)
def test_hostname_form_of_addresses_is_what_ipaddress_says(hostname: str):
    try:
        address = ipaddress.ip_address(hostname)
    except ValueError:
        expected = None
    else:
        expected = (
            "IPv4 link-local (169.254.N.N)"
            if address.version == 4 and address.is_link_local
            else f"IPv{address.version} address"
        )
    if expected is not None:
        assert hostname_form(hostname) == expected
    else:
        assert "address" not in hostname_form(hostname)


# --- a varied fleet, with and without the shortcut ------------------------------------------


def _with_other_ids(text: str, offset: int) -> str:
    """A mountinfo table as after a reboot: other mount ids, the same mounts."""
    return re.sub(
        r"^(\d+) (\d+) ",
        lambda m: f"{int(m[1]) + offset} {int(m[2]) + offset} ",
        text,
        flags=re.M,
    )


@pytest.fixture(scope="module")
def varied(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Snapshots of every sample table (the mountinfo ones twice more with other
    mount ids), a Lambda fleet of both patterns with random roots, Kubernetes-
    node-like tables with escaped paths, stacked mounts and long options, and
    the sample files themselves (other formats: the usual way)."""
    folder = tmp_path_factory.mktemp("varied")
    write_fleet(folder / "lambda", 25, 25, extra_mounts=20)
    snapshots = folder / "snapshots"
    snapshots.mkdir()
    number = 0
    for sample in sorted((SAMPLES / "environments").iterdir()) + sorted(
        (SAMPLES / "article").glob("*.txt")
    ):
        shutil.copy(sample, folder / sample.name)
        for capture in load_all(str(sample)):
            document = snapshot_document(capture)
            for offset in (0, 1000, 2000) if capture.format == "mountinfo" else (0,):
                if offset:
                    document["table"]["text"] = _with_other_ids(capture.raw_text, offset)
                number += 1
                (snapshots / f"{number:03d}-{sample.stem}.json").write_bytes(jsonio.dumps(document))
    for seed in (1, 2, 3):
        document = copy.deepcopy(LAMBDA[0])
        for offset in (0, 500):
            document["table"]["text"] = _with_other_ids(generate(300, seed=seed), offset)
            (snapshots / f"node-{seed}-{offset}.json").write_bytes(jsonio.dumps(document))
    return folder


def test_the_shortcut_groups_and_classifies_as_the_general_path(varied: Path):
    fast = Survey().feed(read_records([str(varied)])).result()
    general = Survey().feed(read_entries([str(varied)])).result()
    for part, value in general.to_dict().items():  # (part by part: a short report)
        assert fast.to_dict()[part] == value, part
    took_the_shortcut = [
        r for r in read_records([str(varied)]) if isinstance(r, Record) and r.capture is None
    ]
    shortcut = {Path(r.name) for r in took_the_shortcut}
    assert set((varied / "lambda").rglob("*.json")) | set(varied.rglob("node-*")) <= shortcut
    assert len([p for p in shortcut if p.parent.name == "snapshots"]) > 30
    groups = fast.to_dict()["groups"]
    assert len(groups) > 10 and not fast.unreadable
    # Each capture's key is its table's shape key, and each group's verdicts
    # are classify()'s of its representative, loaded the usual way.
    keys = {r.name: r.key for r in took_the_shortcut}
    for group in groups:
        for member in group["members"]:
            if member in keys:
                (capture,) = load_all(member)
                assert keys[member] == shape_key(capture) == group["shape"], member
        path, _, number = group["representative"].partition("#")
        representative = load_all(path)[int(number or 1) - 1]
        verdict = classify(representative, signals_of(representative.provenance)).to_dict()
        assert group["verdicts"]["environment"] == verdict["environment"]
        assert group["verdicts"]["details"] == verdict["details"]
        assert group["verdicts"]["confidence"] == verdict["confidence"]


def test_values_past_the_limit_are_other_in_the_order_they_came(tmp_path: Path):
    """The first MAX_VALUES values of a signal keep their name, the rest are "(other)"."""
    rng = random.Random(7)
    sizes = [str(rng.randrange(128, 128 + 3 * MAX_VALUES)) for _ in range(4 * MAX_VALUES)]
    for number, size in enumerate(sizes):
        document = copy.deepcopy(LAMBDA[number % 2])
        document["metadata"]["lambda_memory_limit_in_mb"] = size
        (tmp_path / f"{number:04d}.json").write_bytes(jsonio.dumps(document))
    result = Survey().feed(read_records([str(tmp_path)])).result().to_dict()
    (memory,) = [s for s in result["signals"] if s["signal"] == "memory_size"]
    kept = list(dict.fromkeys(sizes))[:MAX_VALUES]
    expected = Counter(size if size in kept else "(other)" for size in sizes)
    counted: Counter[str] = Counter()
    for group in memory["groups"]:
        counted.update(group["values"])
    assert counted == expected and expected["(other)"] > 0
    assert memory["values"] == MAX_VALUES + 1


# Values of every JSON type, and objects of strings with a stray value or not.
JSON_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(), st.text(max_size=4)
)
JSON_VALUES = st.one_of(
    JSON_SCALARS,
    st.lists(JSON_SCALARS, max_size=3),
    st.dictionaries(st.text(max_size=3), st.text(max_size=3), max_size=3),
    st.dictionaries(st.text(max_size=3), JSON_SCALARS, min_size=1, max_size=3),
)
READ_KEYS = {
    path: sorted(
        {f.split(".")[1].removesuffix("[]") for f in SNAPSHOT_FIELDS if f.startswith(path + ".")}
    )
    + ["other", ""]
    for path in ("metadata", "signals")
}


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(["metadata", "signals"]), st.data())
def test_the_snapshot_reader_reads_each_field_as_member_does(path: str, data: st.DataObject):
    """survey reads a snapshot's metadata and signals through _member_reader,
    which takes strings and objects of strings straight from the document."""
    keys = READ_KEYS[path]
    parent = data.draw(st.one_of(st.dictionaries(st.sampled_from(keys), JSON_VALUES), JSON_VALUES))
    read = _member_reader(parent, path)
    for key in keys:
        assert read(key) == snapshot_member(parent, path, key), key


def test_the_snapshot_reader_leaves_out_what_member_leaves_out():
    signals = {"env": {"A": "1", "B": 2}, "cpu": {}, "dmi": "x", "osrelease": 5}
    read = _member_reader(signals, "signals")
    assert read("env") == {"A": "1"} and read("cpu") == {}
    assert read("dmi") is None and read("osrelease") is None
    meta = {"lambda_invocation": "1", "time": "2026-01-01T00:00:00Z", "anything": "x"}
    read = _member_reader(meta, "metadata")
    assert read("lambda_invocation") is None and read("anything") == "x"
    assert _member_reader(["not", "an", "object"], "metadata")("time") is None
