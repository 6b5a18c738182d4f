"""Comparing two captures: the article's two patterns, the same table in two
formats (from the real findmnt), stacked and moved mounts, random ids."""

from __future__ import annotations

import json
import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.generate import change, generate
from mountscope.diff import (
    _PEER,
    _SHAPED_ASCII,
    _SHAPED_CHARS,
    VOLATILE,
    _by_target,
    _options_key,
    _same_options,
    _targets,
    compare,
    may_share_shape,
    shape,
)
from tests.helpers import ARTICLE, FINDMNT, REPO, needs_findmnt, parse, run_cli

P1, P2 = str(ARTICLE / "lambda-pattern1.txt"), str(ARTICLE / "lambda-pattern2.txt")


def test_the_articles_patterns_differ_in_var_task_only():
    result = run_cli("diff", P1, P2, "--json")
    assert result.returncode == 1, result.stderr
    document = json.loads(result.stdout)
    assert document["summary"] == {
        "same": 9,
        "same_shape": 0,
        "changed": 1,
        "added": 0,
        "removed": 0,
    }
    (changed,) = [p for p in document["pairs"] if p["kind"] != "same"]
    assert changed["target"] == "/var/task"
    assert changed["changes"] == {
        "source": ["/dev/loop1", "/dev/vdb"],
        "fsroot": [
            "/",
            "/opt/amazon/asc/worker/tasks/<AWSアカウントID>/<Lambda関数名>/<UUIDらしきランダムな文字列>",
        ],
    }
    assert (changed["a"]["kind"], changed["a"]["bind"]) == ("loop", False)
    assert (changed["b"]["kind"], changed["b"]["bind"]) == ("virtio", True)
    verdicts = document["verdicts"]
    assert verdicts["a"]["environment"] == verdicts["b"]["environment"] == "aws-lambda"
    assert [e["rule"] for e in verdicts["only_in_b"]] == ["lambda.task-dir"]
    assert [e["rule"] for e in verdicts["only_in_a"]] == ["lambda.var-task-loop"]


def test_json_lists_the_differences_and_counts_the_rest_unless_all_is_asked():
    document = json.loads(run_cli("diff", P1, P2, "--json").stdout)
    assert document["listed"] == "differences"
    assert [(p["kind"], p["target"]) for p in document["pairs"]] == [("changed", "/var/task")]
    assert document["summary"]["same"] == 9
    everything = json.loads(run_cli("diff", P1, P2, "--json", "--all").stdout)
    assert everything["listed"] == "all"
    assert everything["summary"] == document["summary"]
    assert len(everything["pairs"]) == 10
    assert [p for p in everything["pairs"] if p["kind"] != "same"] == document["pairs"]
    kinds = [p["kind"] for p in everything["pairs"]]
    assert kinds.count("same") == 9


def test_text_output_shows_the_change_with_its_marks():
    result = run_cli("diff", P1, P2)
    lines = result.stdout.decode().splitlines()
    assert lines[0].startswith("1 changed, 0 added, 0 removed, 9 same, 0 same shape")
    assert lines[1] == "~ /var/task"
    assert lines[2] == "    source: /dev/loop1 -> /dev/vdb"
    assert lines[3].startswith("    fsroot: / -> /opt/amazon/asc/worker/tasks/")
    assert lines[4] == "    A: loop; B: virtio, bind"
    assert "\x1b" not in result.stdout.decode()
    colored = run_cli("diff", P1, P2, "--color", "always").stdout.decode()
    assert "\x1b[33m~ /var/task\x1b[0m" in colored


def test_a_capture_compared_with_itself_has_no_differences():
    for path in (P1, str(REPO / "samples/environments/kubernetes-pod.mountinfo")):
        result = run_cli("diff", path, path, "--json")
        assert result.returncode == 0
        summary = json.loads(result.stdout)["summary"]
        assert (
            summary["changed"]
            == summary["added"]
            == summary["removed"]
            == summary["same_shape"]
            == 0
        )


@needs_findmnt
@pytest.mark.parametrize("form", [["-J"], ["-J", "-l"], ["-r"], ["-P"], []])
def test_the_same_table_in_two_formats_differs_only_in_what_one_cannot_carry(form, tmp_path):
    table = tmp_path / "node.mountinfo"
    table.write_text(generate(200, seed=7))
    other = tmp_path / "findmnt.out"
    other.write_bytes(
        subprocess.run([FINDMNT, "-F", str(table), *form], capture_output=True, check=True).stdout
    )
    comparison = compare(parse(table.read_text()), parse(other.read_text()), with_verdicts=False)
    assert (
        comparison.summary["changed"]
        == comparison.summary["added"]
        == comparison.summary["removed"]
        == 0
    )
    assert comparison.summary["same_shape"] == 0
    assert {name for p in comparison.pairs for name in p.not_comparable} == {
        "super_options",
        "propagation",
    }


def test_stacked_mounts_pair_in_stacking_order():
    a = parse(
        "1 0 8:1 / / rw - ext4 /dev/sda1 rw\n2 1 0:2 / /mnt/s rw - tmpfs lower rw\n"
        "3 2 0:3 / /mnt/s rw - tmpfs upper rw\n"
    )
    b = parse(
        "1 0 8:1 / / rw - ext4 /dev/sda1 rw\n2 1 0:2 / /mnt/s rw - tmpfs lower rw\n"
        "3 2 0:3 / /mnt/s rw - tmpfs upper rw,size=1k\n4 3 0:4 / /mnt/s rw - tmpfs top rw\n"
    )
    comparison = compare(a, b, with_verdicts=False)
    kinds = [
        (p.kind, p.b.source if p.b else p.a.source)
        for p in comparison.pairs
        if p.target == "/mnt/s"
    ]
    assert kinds == [("same", "lower"), ("changed", "upper"), ("added", "top")]


def _same_comparison(listed, counted):
    """The two ways of making a comparison say the same in every output."""
    from mountscope.render.report import diff_lines

    assert counted.summary == listed.summary and counted.different == listed.different
    assert counted.to_dict() == listed.to_dict()
    assert counted.to_dict(with_same=True) == listed.to_dict(with_same=True)
    assert list(diff_lines(counted)) == list(diff_lines(listed))
    assert [p.to_dict() for p in counted.pairs] == [p.to_dict() for p in listed.pairs]


@needs_findmnt
@pytest.mark.parametrize(
    "form", [[], ["-J"], ["-l"], ["-o", "TARGET,SOURCE,VFS-OPTIONS,FS-OPTIONS"]]
)
@pytest.mark.parametrize("fraction", [0.0, 0.01, 0.2])
def test_counting_the_plainly_same_pairs_changes_no_output(form, fraction, tmp_path):
    # Generated tables hold stacks, binds and orphans; the change swaps
    # sources and options, the findmnt forms lack fields (not comparable).
    text = generate(400, seed=3)
    table = tmp_path / "node.mountinfo"
    table.write_text(change(text, fraction) if fraction else text)
    other = tmp_path / "other.out"
    other.write_bytes(
        subprocess.run([FINDMNT, "-F", str(table), *form], capture_output=True, check=True).stdout
    )
    a = parse(text, "a")
    for b in (parse(table.read_text(), "b"), parse(other.read_text(), "b")):
        for exact in (False, True):
            listed = compare(a, b, exact=exact, with_verdicts=False)
            counted = compare(a, b, exact=exact, with_verdicts=False, list_same=False)
            assert listed.plainly_same == 0 and listed.pairs is listed.listed
            _same_comparison(listed, counted)
    # A moved mount, a stack grown on one side, a mount gone.
    lines = text.splitlines()
    moved = lines[5].split(" ")
    moved[4] = "/moved/elsewhere"
    b = parse("\n".join([*lines[:5], " ".join(moved), *lines[7:], lines[-1]]), "b")
    _same_comparison(
        compare(a, b, with_verdicts=False), compare(a, b, with_verdicts=False, list_same=False)
    )


@pytest.mark.parametrize(
    "table",
    [
        generate(300, seed=5),  # stacks that are chains, as mounting makes them
        # Two mounts on one mount point (a stack that branches), a shared
        # target under two parents (/a overmounted, /a/b mounted on both),
        # an orphan on a stacked target.
        "1 0 8:1 / / rw - ext4 /dev/sda1 rw\n2 1 0:2 / /s rw - tmpfs low rw\n"
        "3 2 0:3 / /s rw - tmpfs up1 rw\n4 2 0:4 / /s rw - tmpfs up2 rw\n"
        "5 1 0:5 / /a rw - tmpfs a1 rw\n6 5 0:6 / /a/b rw - tmpfs b1 rw\n"
        "7 5 0:7 / /a rw - tmpfs a2 rw\n8 7 0:8 / /a/b rw - tmpfs b2 rw\n"
        "9 99 0:9 / /s rw - tmpfs orphan rw\n",
    ],
)
def test_stacks_read_from_parent_links_are_in_the_walks_order(table):
    capture = parse(table)
    single, stacks = _targets(capture)
    walked = _by_target(capture)
    assert {t: [m] for t, m in single.items()} | stacks == walked
    assert stacks and all(len(group) > 1 for group in stacks.values())


def test_a_moved_mount_is_one_change_of_target():
    a = parse("1 0 8:1 / / rw - ext4 /dev/sda1 rw\n2 1 0:2 / /mnt/old rw - tmpfs data rw,size=1k\n")
    b = parse("1 0 8:1 / / rw - ext4 /dev/sda1 rw\n2 1 0:2 / /srv/new rw - tmpfs data rw,size=1k\n")
    comparison = compare(a, b, with_verdicts=False)
    (moved,) = [p for p in comparison.pairs if p.kind != "same"]
    assert moved.kind == "changed" and moved.changes == {"target": ("/mnt/old", "/srv/new")}
    assert moved.moved_from == "/mnt/old"
    assert comparison.summary == {
        "same": 1,
        "same_shape": 0,
        "changed": 1,
        "added": 0,
        "removed": 0,
    }


def test_random_ids_are_same_shape_unless_exact():
    a = parse(
        "1 0 8:1 / / rw - ext4 /dev/sda1 rw\n"
        "2 1 8:1 /var/lib/kubelet/pods/5c3e9a1b-7d2f-4e8a-9b6c-0d1e2f3a4b5c/etc-hosts /etc/hosts rw shared:12 - ext4 /dev/sda1 rw\n"
        "3 1 8:1 /opt/amazon/asc/worker/sandbox-tmp/sbtasks/resolv.confQ7x2Lm9Kp /etc/resolv.conf rw - ext4 /dev/vdb rw\n"
        "4 1 8:1 /opt/amazon/asc/worker/tasks/123456789012/fn/3cd7e9c3-499e-4c08-98e4-dd7e2f348d0a /var/task ro - ext4 /dev/vdb ro\n"
    )
    b = parse(
        "7 0 8:1 / / rw - ext4 /dev/sda1 rw\n"
        "8 7 8:1 /var/lib/kubelet/pods/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/etc-hosts /etc/hosts rw shared:40 - ext4 /dev/sda1 rw\n"
        "9 7 8:1 /opt/amazon/asc/worker/sandbox-tmp/sbtasks/resolv.confZ3k8Pq1Wd /etc/resolv.conf rw - ext4 /dev/vdb rw\n"
        "10 7 8:1 /opt/amazon/asc/worker/tasks/210987654321/fn/7a1b9c3d-2e4f-4a6b-8c0d-1e2f3a4b5c6d /var/task ro - ext4 /dev/vdb ro\n"
    )
    loose = compare(a, b, with_verdicts=False)
    assert loose.summary == {"same": 1, "same_shape": 3, "changed": 0, "added": 0, "removed": 0}
    assert not loose.different
    exact = compare(a, b, exact=True, with_verdicts=False)
    assert exact.summary["changed"] == 3 and exact.different
    result = run_cli("diff", P1, P1, "--exact")
    assert result.returncode == 0


def test_shape_normalises_volatile_parts_only():
    assert shape("/opt/x/resolv.confQ7x2Lm9Kp") == "/opt/x/resolv.<random>"
    assert shape("/tmp/es2088019054/8c01de2338356980") == "/tmp/es<n>/<hex>"
    assert shape("net:[4026532178]") == "net:[<ns>]"
    assert (
        shape("/opt/amazon/asc/worker/tasks/123456789012/lambdafunc")
        == "/opt/amazon/asc/worker/tasks/<account>/lambdafunc"
    )
    for stable in (
        "/var/lang/node-v8.10.x",
        "/opt/amazon/asc/worker/runtime/nodejs-8.x",
        "rw,size=1024k",
        "/dev/nvme0n1p1",
        "x86_64",
    ):
        assert shape(stable) == stable


def test_cut_values_are_not_comparable_not_changed(tmp_path):
    full = tmp_path / "full.txt"
    full.write_text(
        (ARTICLE / "firecracker-bind.txt")
        .read_text()
        .replace(
            "rw,nosuid,relatime,size=10240k,nr_i",
            "rw,nosuid,relatime,size=10240k,nr_inodes=2566,mode=755",
        )
    )
    comparison = compare(
        parse(full.read_text()),
        parse((ARTICLE / "firecracker-bind.txt").read_text()),
        with_verdicts=False,
    )
    dev = next(p for p in comparison.pairs if p.target == "/dev")
    assert dev.kind == "same" and "options" in dev.not_comparable


def test_stdin_once_and_errors():
    data = (ARTICLE / "lambda-pattern2.txt").read_bytes()
    assert run_cli("diff", P1, "-", stdin=data).returncode == 1
    both = run_cli("diff", "-", "-", stdin=data)
    assert both.returncode == 2 and b"only one of the two" in both.stderr
    missing = run_cli("diff", P1, "/nonexistent/x")
    assert (
        missing.returncode == 2
        and missing.stderr == b"mountscope: error: /nonexistent/x: no such file\n"
    )


# Values built of the same text around tokens that shape() may replace,
# drawn on each side from one family (so that equal shapes are common), and
# of text next to those tokens that it must keep.
_TEXT = st.sampled_from(
    ["/", ",", ":", "[", "]", "-", "_", ".", "=", " ", "<n>", "<", ">", "é", "rw", "x", "/dev/"]
)
_FAMILIES = [
    ["9f1c2d3e-4b5a-6c7d-8e9f-0a1b2c3d4e5f", "00000000-1111-2222-3333-444444444444"],
    ["net:[4026532178]", "net:[4026532999]", "net:[1]"],
    ["8c01de2338356980", "abcdef0123456789", "1234567"],
    ["123456789012", "210987654321", "١٢٣٤٥٦٧"],
    ["Q7x2Lm9Kp", "a1b2c3d4e5", "nvme0n1p1", "es2088019054"],
    ["shared:12", "shared:7", "master:7", "propagate_from:3"],
]
_SLOT = st.one_of(
    _TEXT.map(lambda text: (text, text)),
    *(st.tuples(st.sampled_from(f), st.sampled_from(f)) for f in _FAMILIES),
)


@settings(max_examples=1000, deadline=None)
@given(st.lists(_SLOT, max_size=8), st.lists(_TEXT, max_size=2))
def test_cheap_shape_test_never_rules_out_an_equal_shape(slots, extra):
    old = "".join(a for a, _ in slots)
    new = "".join(b for _, b in slots) + "".join(extra)
    if shape(old) == shape(new):
        assert may_share_shape(old, new)
    # ASCII values take bytes.translate: it deletes what the expression does.
    for value in (old, new):
        if value.isascii():
            kept = _SHAPED_CHARS.sub("", value).encode()
            assert value.encode().translate(None, _SHAPED_ASCII) == kept


def _hostile(changed: bool) -> bytes:
    """A table with characters JSON must escape (C1, bidi, a tag character,
    DEL, bytes that are not UTF-8), in pairs that differ and that do not."""
    tail = b",size=1k" if changed else b""
    return b"\n".join(
        [
            b"1 0 0:1 / / rw - overlay overlay\xc2\x9b rw,lowerdir=/a" + tail,
            b"2 1 0:2 / /mnt/c1\xc2\x9b[31m rw - tmpfs tmpfs rw",
            b"3 1 0:3 / /mnt/bidi\xe2\x80\xaeexe.txt rw - tmpfs tmpfs rw" + tail,
            b"4 1 0:4 / /var/task\xf3\xa0\x80\xa0 rw - tmpfs tmp\x7ffs rw",
            b"5 1 0:5 / /mnt/raw\xff\x9b31m rw - tmpfs tmpfs rw" + tail,
            b"6 1 0:6 / /mnt/raw\xfe rw - tmpfs tmpfs rw",
            b"7 1 0:7 / /srv/data rw - ext4 /dev/sdb1 rw" + (b"" if changed else b",noatime"),
            # What --redact numbers in the order it meets them: addresses, accounts, UUIDs.
            b"8 1 0:8 /9f1c2d3e-4b5a-6c7d-8e9f-0a1b2c3d4e5f /srv/pods rw - nfs "
            b"10.1.2.3:/exports/123456789012 rw" + tail,
            b"9 1 0:9 / /srv/kept rw - nfs 10.9.8.7:/x/210987654321 rw",
            b"10 1 0:10 / /srv/more rw - nfs 10.5.5.5:/y/111111111111 rw" + tail,
        ]
    )


@pytest.mark.parametrize(
    "texts",
    [
        (_hostile(False), _hostile(True)),
        (_hostile(False), _hostile(False)),  # nothing differs: an empty list
        (generate(300, seed=4).encode(), change(generate(300, seed=4), 0.2).encode()),
    ],
)
def test_diff_json_written_pair_by_pair_is_the_whole_document(texts):
    from mountscope.cli.diff import json_chunks
    from mountscope.jsonio import dumps
    from mountscope.redact import Redactor
    from mountscope.session import Session

    a, b = (
        parse(t.decode("utf-8", "surrogateescape"), name)
        for t, name in zip(texts, "ab", strict=True)
    )
    redactor = Redactor()
    redactor.learn(a)
    redactor.learn(b)
    for list_same in (False, True):
        comparison = Session().compare(a, b, list_same=list_same)
        for with_same in (False, True):
            whole = comparison.to_dict(with_same=with_same)
            assert (
                b"".join(json_chunks(comparison, with_same=with_same, redactor=None))
                == dumps(whole, indent=True) + b"\n"
            )
            assert (
                b"".join(json_chunks(comparison, with_same=with_same, redactor=redactor))
                == dumps(redactor.data(whole), indent=True) + b"\n"
            )


def _shape_by_every_pattern(value: str) -> str:
    """shape() without its cheap tests: every volatile pattern, in order."""
    for placeholder, pattern in VOLATILE:
        value = pattern.sub(placeholder, value)
    return _PEER.sub(r"\1:<n>", value)


@settings(max_examples=1000, deadline=None)
@given(st.lists(_SLOT, max_size=8))
def test_the_cheap_tests_before_each_pattern_change_no_shape(slots):
    """Each pattern runs only where a cheap test finds what it needs (a run
    of 12 hex digits, 12 digits, 8 letters and digits...): a necessary
    condition, so the shape is the one every pattern would give."""
    for value in ("".join(a for a, _ in slots), "".join(b for _, b in slots)):
        assert shape(value) == _shape_by_every_pattern(value)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.lists(_SLOT, max_size=4), min_size=1, max_size=5))
def test_a_path_is_shaped_as_its_components_are(parts):
    """No volatile pattern spans a "/" or looks past one (but for "/dev/"):
    survey shapes a path whole or a component at a time and gets one key."""
    from mountscope.survey import _shape_folder

    path = "/".join("".join(a for a, _ in slots) for slots in parts)
    if "/dev/" in path:
        return
    folder, _, name = path.rpartition("/")
    assert shape(path) == (_shape_folder(folder) + "/" if "/" in path else "") + shape(name)


_OPTION_TEXT = st.lists(st.sampled_from(["rw", "ro", "size=1k", "x", '"a,b"', "", "mode=755"]))


@settings(max_examples=500, deadline=None)
@given(_OPTION_TEXT, _OPTION_TEXT)
def test_options_in_another_order_are_the_same_and_no_others(old, new):
    """The quick test of _same_options never changes the answer of
    comparing the two sorted lists of options."""
    for a, b in ((",".join(old), ",".join(new)), (",".join(old), ",".join(reversed(old)))):
        assert _same_options(a, b) == (_options_key(a) == _options_key(b))
