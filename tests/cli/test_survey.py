"""survey, export and --redact on a generated fleet: a few hundred Lambda
snapshots in the article's two /var/task patterns (random ids, accounts and
UUIDs; the kernel release planted by pattern, other signals random), some
unrelated container tables, and files that cannot be read."""

from __future__ import annotations

import gc
import json
import os
import re
import shutil
import socket
import sys
import weakref
from pathlib import Path

import pytest

from benchmarks.lambda_fleet import FUNCTION, write_fleet
from mountscope.system.loader import load
from tests.helpers import REPO, SAMPLES, Namespace, needs_unshare, run_cli

PATTERN1, PATTERN2 = 160, 120
CONTAINERS = ("docker-container.mountinfo", "kubernetes-pod.mountinfo", "gvisor-runsc.mountinfo")
COPIES = 10


@pytest.fixture(scope="module")
def fleet(tmp_path_factory) -> tuple[Path, list[dict[str, str]], dict[str, str]]:
    folder = tmp_path_factory.mktemp("fleet")
    planted = write_fleet(folder, PATTERN1, PATTERN2)
    containers = folder / "containers"
    containers.mkdir()
    for name in CONTAINERS:
        for copy in range(COPIES):
            shutil.copy(SAMPLES / "environments" / name, containers / f"{copy:02d}-{name}")
    bad = folder / "bad"
    bad.mkdir()
    (bad / "future.json").write_text('{"format": "mountscope.snapshot", "version": 9}')
    (bad / "notes.txt").write_text("nothing like a mount table here\n")
    (bad / "empty.json").write_bytes(b"")
    os.mkfifo(bad / "fifo")  # would block a reader forever
    os.symlink(bad / "gone", bad / "dangling")
    unreadable = {
        str(bad / n) for n in ("future.json", "notes.txt", "empty.json", "fifo", "dangling")
    }
    return folder, planted, {p: "" for p in sorted(unreadable)}


def survey_json(*args: str) -> dict:
    done = run_cli("survey", "--json", *args, timeout=300)
    assert done.returncode == 0, done.stderr.decode()
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def surveyed(fleet) -> dict:
    return survey_json(str(fleet[0]))


def test_the_groups_are_the_two_patterns_and_the_containers(fleet, surveyed):
    folder = fleet[0]
    total = PATTERN1 + PATTERN2 + COPIES * len(CONTAINERS)
    assert surveyed["captures"] == total
    groups = surveyed["groups"]
    assert [g["count"] for g in groups] == [PATTERN1, PATTERN2, COPIES, COPIES, COPIES]
    assert abs(sum(g["share"] for g in groups) - 1) < 0.001
    assert groups[0]["share"] == round(PATTERN1 / total, 4)
    # Each group holds exactly the files of its kind, and every file is in one group.
    assert all(Path(m).parent == folder / "pattern1" for m in groups[0]["members"])
    assert all(Path(m).parent == folder / "pattern2" for m in groups[1]["members"])
    for g in groups[2:]:
        kinds = {Path(m).name.split("-", 1)[1] for m in g["members"]}
        assert len(kinds) == 1 and len(g["members"]) == COPIES
        assert g["representative"] in g["members"]
    assert (
        groups[0]["verdicts"]["environment"] == groups[1]["verdicts"]["environment"] == "aws-lambda"
    )
    assert groups[0]["verdicts"]["code_delivery"] == "loop-image"
    assert groups[1]["verdicts"]["code_delivery"] == "extracted-directory"
    assert {g["verdicts"]["environment"] for g in groups[2:]} == {"docker", "kubernetes", "gvisor"}


def test_var_task_is_named_as_the_difference(surveyed):
    groups = surveyed["groups"]
    assert groups[0]["differs_from_largest"] == []
    differs = groups[1]["differs_from_largest"]
    assert differs and {d["target"] for d in differs} == {"/var/task"}
    by_field = {d["field"]: d for d in differs}
    assert (
        by_field["source"]["largest"] == "/dev/loop1" and by_field["source"]["this"] == "/dev/vdb"
    )
    assert by_field["fsroot"]["this"].startswith("/opt/amazon/asc/worker/tasks/")
    assert set(differs[0]) == {"target", "field", "largest", "this"}


def test_the_planted_signal_ranks_first_with_its_counts(surveyed):
    signals = surveyed["signals"]
    first = signals[0]
    assert first["signal"] == "kernel_release" and first["cramers_v"] == 1.0
    assert first["n"] == PATTERN1 + PATTERN2
    assert first["groups"] == [
        {"group": 1, "n": PATTERN1, "values": {"4.14.255-318.256.amzn2.x86_64": PATTERN1}},
        {"group": 2, "n": PATTERN2, "values": {"5.10.216-225.855.amzn2.x86_64": PATTERN2}},
    ]
    noise = {s["signal"]: s for s in signals[1:]}
    for name in ("memory_size", "cpu_model", "region", "init_type", "cold_start", "capture_hour"):
        assert noise[name]["cramers_v"] < 0.5, noise[name]
        assert sum(g["n"] for g in noise[name]["groups"]) == noise[name]["n"]
    # A signal with one value says nothing: V is undefined, not 0 or 1.
    assert noise["hostname_form"]["cramers_v"] is None
    # 24 hours over two groups and 280 captures: small cells are flagged.
    assert noise["capture_hour"]["cells_expected_below_5"] > 0


def test_unreadable_files_are_listed_not_fatal(fleet, surveyed):
    listed = {u["file"]: u["error"] for u in surveyed["unreadable"]}
    assert set(listed) == set(fleet[2])
    assert "version 9" in listed[str(fleet[0] / "bad" / "future.json")]
    assert listed[str(fleet[0] / "bad" / "fifo")] == "not a regular file"
    assert all(error for error in listed.values())


def test_the_json_has_the_documented_shape(surveyed):
    assert {"captures", "groups", "signals", "unreadable"} <= set(surveyed)
    for g in surveyed["groups"]:
        assert {
            "count",
            "share",
            "representative",
            "members",
            "verdicts",
            "differs_from_largest",
        } <= set(g)
    counts = [g["count"] for g in surveyed["groups"]]
    assert counts == sorted(counts, reverse=True)
    assert surveyed["over_time"]["rows"] and surveyed["over_time"]["unit"] == "day"
    assert sum(r["total"] for r in surveyed["over_time"]["rows"]) == PATTERN1 + PATTERN2


def test_the_text_report_names_groups_difference_signals_and_unreadable(fleet):
    done = run_cli("survey", str(fleet[0]), timeout=300)
    assert done.returncode == 0, done.stderr.decode()
    text = done.stdout.decode()
    assert text.startswith(f"{PATTERN1 + PATTERN2 + 30} captures in 5 groups; 5 unreadable")
    assert f"group 1: {PATTERN1} of" in text and f"group 2: {PATTERN2} of" in text
    assert "    /var/task  source: /dev/loop1 -> /dev/vdb" in text
    signals = text[text.index("signals,") :]
    assert signals.splitlines()[1].startswith("  kernel_release: V=1.00, n=280")
    assert "bad/fifo: not a regular file" in text


def test_globs_and_single_files_are_sources_too(fleet):
    folder = fleet[0]
    result = survey_json(
        str(folder / "pattern2" / "probe-0000*.json"),
        str(folder / "pattern1" / "probe-00001.json"),
        str(folder / "missing.json"),
    )
    assert [g["count"] for g in result["groups"]] == [10, 1]
    assert result["unreadable"] == [{"file": str(folder / "missing.json"), "error": "no such file"}]


def test_worker_processes_give_the_same_survey_in_the_same_order(fleet, monkeypatch):
    """Files read by worker processes (forked, chunks in order) give the same
    groups, members, signals and unreadable files as one process: snapshots,
    other formats and unreadable files alike, across many small chunks."""
    import multiprocessing

    from mountscope import survey as surveying

    monkeypatch.setattr(surveying, "SERIAL_FILES", 7)  # most files in the workers
    monkeypatch.setattr(surveying, "CHUNK_FILES", 5)
    sources = [str(fleet[0])]
    alone = surveying.Survey().feed(surveying.read_records(sources, jobs=1)).result()
    shared = surveying.Survey().feed(surveying.read_records(sources, jobs=2)).result()
    assert shared.to_dict() == alone.to_dict()
    assert len(alone.unreadable) == len(fleet[2]) and alone.captures > 300
    assert multiprocessing.active_children() == []  # the workers are gone


def test_a_chunk_is_a_few_hundredths_of_a_second_of_files_at_the_first_files_pace():
    """Small snapshots go to the workers many at a time (each chunk costs a
    round trip), large ones one or a few at a time (so that no worker is
    left with a long last chunk while the others wait)."""
    from mountscope import survey as surveying

    assert surveying.chunk_files(70e-6) == surveying.CHUNK_FILES  # 30 mounts a snapshot
    files = surveying.chunk_files(0.001)  # as many as fit in CHUNK_SECONDS
    assert 1 < files < surveying.CHUNK_FILES
    assert files * 0.001 <= surveying.CHUNK_SECONDS + 1e-9 < (files + 1) * 0.001
    assert surveying.chunk_files(0.025) == 1  # 5 000 mounts a snapshot
    assert surveying.chunk_files(60.0) == 1
    assert surveying.chunk_files(0.0) == surveying.CHUNK_FILES  # (a clock that did not move)


def test_survey_jobs_on_the_command_line(fleet):
    assert survey_json("-j", "2", str(fleet[0])) == survey_json("--jobs", "1", str(fleet[0]))
    refused = run_cli("survey", "--json", "-j", "0", str(fleet[0]))
    assert refused.returncode == 2 and b"not a positive whole number" in refused.stderr


@needs_unshare
def test_without_dev_shm_as_in_lambda_one_process_reads_them_all(fleet, namespace):
    """A Lambda function has no /dev/shm, so no process pool: the survey reads
    every file itself and says the same."""
    namespace.run("mount", "-t", "tmpfs", "-o", "ro", "none", "/dev/shm")
    done = namespace.run(
        sys.executable, "-m", "mountscope", "survey", "--json", "-j", "2", str(fleet[0])
    )
    assert json.loads(done.stdout) == survey_json("-j", "1", str(fleet[0]))


def test_no_capture_is_kept_while_surveying(fleet):
    """Streaming: captures are dropped once counted (only the groups' names stay)."""
    from mountscope.survey import Survey, read_entries

    alive: list[weakref.ref] = []
    survey = Survey()
    for item in read_entries([str(fleet[0] / "pattern1"), str(fleet[0] / "pattern2")]):
        alive.append(weakref.ref(item.capture))
        survey.add(item)
    del item
    gc.collect()
    assert survey.captures == PATTERN1 + PATTERN2
    assert [r for r in alive if r() is not None] == []
    result = survey.result()
    assert [g["count"] for g in result.groups] == [PATTERN1, PATTERN2]
    assert all(r is not None for r in result.representatives)


# --- export and DuckDB ------------------------------------------------------------------------


def sql_blocks() -> list[str]:
    text = (REPO / "docs" / "fleet.md").read_text()
    return re.findall(r"```sql\n(.*?)```", text, re.S)


def test_the_documented_sql_reproduces_survey_counts_from_an_export(fleet, surveyed, tmp_path):
    duckdb = pytest.importorskip("duckdb")
    export = tmp_path / "export.jsonl"
    done = run_cli("export", str(fleet[0]), "--to", str(export), timeout=300)
    assert done.returncode == 0, done.stderr.decode()
    assert f"exported {surveyed['captures']} captures" in done.stderr.decode()
    queries = sql_blocks()
    assert len(queries) == 4
    con = duckdb.connect()
    results = [con.sql(q.replace("'export.jsonl'", f"'{export}'")).fetchall() for q in queries]
    groups, kernels, var_task, unreadable = results
    assert [(g[0], g[1]) for g in groups] == [(g["shape"], g["count"]) for g in surveyed["groups"]]
    assert [g[2] for g in groups] == [g["share"] for g in surveyed["groups"]]
    planted = surveyed["signals"][0]
    assert sorted((row[0], row[1], row[2]) for row in kernels) == sorted(
        (surveyed["groups"][g["group"] - 1]["shape"], value, count)
        for g in planted["groups"]
        for value, count in g["values"].items()
    )
    assert {(row[1], row[4]) for row in var_task} == {
        ("/dev/loop1", PATTERN1),
        ("/dev/vdb", PATTERN2),
    }
    assert sorted(row[0] for row in unreadable) == sorted(u["file"] for u in surveyed["unreadable"])


def test_export_refuses_to_replace_a_file(fleet, tmp_path):
    precious = tmp_path / "export.jsonl"
    precious.write_text("precious")
    done = run_cli("export", str(fleet[0] / "pattern1" / "probe-00000.json"), "--to", str(precious))
    assert done.returncode == 2 and b"exists; not overwritten" in done.stderr
    assert precious.read_text() == "precious" and os.listdir(tmp_path) == ["export.jsonl"]


# --- redaction ------------------------------------------------------------------------------

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
ACCOUNT = re.compile(r"(?<!\d)\d{12}(?!\d)")


def leaks(output: bytes, planted: list[dict[str, str]]) -> list[str]:
    """Planted identifying values (and anything shaped like them) left in an output."""
    text = output.decode("utf-8", "replace")
    found = sorted({value for row in planted for kind, value in row.items() if value in text})
    found += UUID.findall(text) + ACCOUNT.findall(text) + re.findall(r"arn:aws[^\s\"]*", text)
    return found


def test_redact_leaves_no_account_uuid_arn_or_name_in_any_output(fleet, tmp_path):
    folder, planted, _ = fleet
    p2a, p2b = folder / "pattern2" / "probe-00000.json", folder / "pattern2" / "probe-00001.json"
    outputs: dict[str, bytes] = {}
    plain_json: dict[str, bytes] = {}
    for name, args in {
        "tree": ["tree", str(p2a), "--verdict"],
        "tree -J": ["tree", "-J", str(p2a)],
        "diff": ["diff", "--exact", str(p2a), str(p2b)],
        "diff --json": ["diff", "--json", str(p2a), str(p2b)],
        "survey": ["survey", str(folder)],
        "survey --json": ["survey", "--json", str(folder)],
        "export": ["export", str(folder), "--to", "-"],
        "open": ["--no-tui", str(p2a)],
    }.items():
        plain = run_cli(*args, timeout=300)
        redacted = run_cli(*args, "--redact", timeout=300)
        assert redacted.returncode == plain.returncode, (name, redacted.stderr)
        # The planted values are there without --redact, so the search can find them...
        assert leaks(plain.stdout, planted), name
        outputs[name] = redacted.stdout + redacted.stderr
        plain_json[name] = plain.stdout
    for name, output in outputs.items():
        # ...and gone with it.
        assert leaks(output, planted) == [], name
        assert b"<account-1>" in output or b"<arn-1>" in output or name == "open", name
    # The same value gets the same placeholder: diff and survey find what they found before.
    diff = json.loads(run_cli("diff", "--json", "--redact", str(p2a), str(p2b)).stdout)
    assert diff["summary"] == json.loads(plain_json["diff --json"])["summary"]
    survey = json.loads(outputs["survey --json"])
    assert [g["count"] for g in survey["groups"]] == [PATTERN1, PATTERN2, COPIES, COPIES, COPIES]
    assert FUNCTION not in outputs["export"].decode()


def test_capture_redact_hides_this_machines_names_and_ids(tmp_path):
    done = run_cli("capture", "--redact", "-o", "-")
    assert done.returncode == 0, done.stderr.decode()
    text = done.stdout.decode()
    document = json.loads(text)
    assert document["metadata"]["hostname"].startswith("<host-")
    # The hostname as a word (a short one such as "vm" may be part of other words).
    assert not re.search(
        rf"(?<![A-Za-z0-9_-]){re.escape(socket.gethostname())}(?![A-Za-z0-9_-])", text
    )
    assert not UUID.search(text) and not ACCOUNT.search(text) and "arn:aws" not in text
    saved = tmp_path / "redacted.json"
    saved.write_text(text)
    assert load(str(saved)).mounts  # a redacted snapshot still loads


def test_the_lambda_handler_redacts_on_request(fleet):
    from mountscope.capture import lambda_handler

    class Context:
        aws_request_id = "0f8e3c2a-1b2c-4d5e-8f90-123456789abc"
        function_name = "secret-probe"
        invoked_function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:secret-probe"

    first = lambda_handler({}, Context())
    plain = json.dumps(first)
    assert "123456789012" in plain and "secret-probe" in plain
    document = lambda_handler({"redact": True}, Context())
    text = json.dumps(document)
    for value in ("123456789012", "secret-probe", "0f8e3c2a-1b2c", "arn:aws"):
        assert value not in text
    assert document["metadata"]["lambda_invoked_function_arn"] == "<arn-1>"
    # Counted per process: the call after this test's first one, whatever ran before.
    assert document["metadata"]["lambda_invocation"] == first["metadata"]["lambda_invocation"] + 1


def test_redaction_is_stable_and_idempotent():
    from mountscope.redact import Redactor

    r = Redactor()
    path = "/opt/amazon/asc/worker/tasks/123456789012/fn-a/0f8e3c2a-1b2c-4d5e-8f90-123456789abc"
    once = r.text(path)
    assert once == "/opt/amazon/asc/worker/tasks/<account-1>/fn-a/<uuid-1>"
    r.learn_text(path + "/")
    assert r.text(path) == "/opt/amazon/asc/worker/tasks/<account-1>/<function-1>/<uuid-1>"
    assert r.text(r.text(path)) == r.text(path)
    assert (
        r.text("10.0.0.7 fe80::1 17:39:22 0:21 5.10.216-225.855")
        == "<ip-1> <ip-2> 17:39:22 0:21 5.10.216-225.855"
    )
    assert r.text("222222222222 and 123456789012") == "<account-2> and <account-1>"


# --- snapshots saved from a file --------------------------------------------------------------


def test_a_snapshot_saved_from_a_file_says_which_and_is_named_after_it(tmp_path):
    from mountscope.capture import default_snapshot_path, snapshot_document

    source = tmp_path / "lambda-pattern2.txt"
    shutil.copy(SAMPLES / "article" / "lambda-pattern2.txt", source)
    capture = load(str(source))
    document = snapshot_document(capture)
    assert document["metadata"]["saved_from"] == {
        "file": str(source),
        "format": "findmnt",
        "table_format": "findmnt",
        "first_line": 1,
        "title": None,
    }
    assert "hostname" not in document["metadata"]
    name = os.path.basename(default_snapshot_path(capture))
    assert name.startswith("mountscope-lambda-pattern2-") and socket.gethostname() not in name
    # A live capture is still named after this machine and has no saved_from.
    from mountscope.capture import capture_live

    live = capture_live(with_signals=False)
    assert "saved_from" not in snapshot_document(live)["metadata"]
    host = "".join(c if c.isalnum() or c in "-_." else "_" for c in socket.gethostname())
    assert os.path.basename(default_snapshot_path(live)).startswith(f"mountscope-{host}-")


async def test_the_apps_save_keeps_the_source_and_redacts_when_asked(fleet, tmp_path):
    from mountscope.tui.app import MainScreen, MountscopeApp
    from mountscope.tui.panes import PathScreen

    source = fleet[0] / "pattern2" / "probe-00003.json"
    target = tmp_path / "saved.json"
    app = MountscopeApp(load(str(source)), redact=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, PathScreen)
        suggested = app.screen.query_one("#path-input").value
        assert os.path.basename(suggested).startswith("mountscope-probe-00003-")
        app.screen.query_one("#path-input").value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
    saved = target.read_bytes()
    assert leaks(saved, fleet[1]) == []
    assert json.loads(saved)["metadata"]["saved_from"]["format"] == "snapshot"
    assert load(str(target)).mounts[1].target == "/var/task"


# --- every mount namespace -------------------------------------------------------------------


@needs_unshare
def test_namespaces_are_found_grouped_and_classified(tmp_path):
    spaces = [Namespace() for _ in range(3)]
    try:
        for index, space in enumerate(spaces):
            # Two namespaces alike (one tmpfs), the third with a second mount on it.
            space.run("mount", "-t", "tmpfs", "-o", "size=1m", "survey", str(tmp_path))
            if index == 2:
                space.run("mount", "-t", "tmpfs", "-o", "size=2m", "extra", str(tmp_path))
        result = survey_json("--namespaces")
    finally:
        for space in spaces:
            space.close()

    def group_of(pid: int) -> int:
        found = [
            g["group"]
            for g in result["groups"]
            if any(m.startswith(f"pid {pid} ") for m in g["members"])
        ]
        assert len(found) == 1, (pid, result["groups"])
        return found[0]

    a, b, c = (group_of(space.pid) for space in spaces)
    assert a == b != c
    assert result["captures"] >= 4  # ours and this test's three at least
    assert all(g["verdicts"]["environment"] for g in result["groups"])
    # What sets the odd one apart is the stacked mount, whichever group is the largest.
    odd = result["groups"][c - 1]
    if c != 1:
        assert any(d["target"] == str(tmp_path) for d in odd["differs_from_largest"])


# --- the survey view -------------------------------------------------------------------------


async def test_the_survey_view_opens_a_representative_and_compares_with_the_largest(fleet):
    from mountscope.survey import read_entries, survey
    from mountscope.tui.app import MainScreen
    from mountscope.tui.survey import SurveyApp, SurveyScreen

    folder = fleet[0]
    result = survey(
        read_entries(
            [str(folder / "pattern1"), str(folder / "pattern2"), str(folder / "containers")]
        )
    )
    app = SurveyApp(result)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SurveyScreen)
        details = str(app.screen.query_one("#group-details").render())
        assert f"group 1: {PATTERN1} captures" in details
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen) and app.screen.comparison is None
        assert app.screen.capture.label.startswith(str(folder / "pattern1"))
        await pilot.press("backspace")
        await pilot.pause()
        assert isinstance(app.screen, SurveyScreen)
        await pilot.press("down")
        await pilot.pause()
        assert "/var/task source: /dev/loop1 -> /dev/vdb" in str(
            app.screen.query_one("#group-details").render()
        )
        await pilot.press("d")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MainScreen) and screen.comparison is not None
        assert screen.capture.origin.startswith(str(folder / "pattern1"))
        assert screen.other is not None and screen.other.origin.startswith(str(folder / "pattern2"))
        changed = [p.target for p in screen.comparison.pairs if p.kind == "changed"]
        assert changed == ["/var/task"]


def test_folders_are_read_in_the_order_os_walk_lists_them(tmp_path):
    """expand() lists folders itself (a stat() per file spared): the same
    files in the same order as os.walk, links to folders not followed, and
    what is not a regular file still named as such."""
    from mountscope.survey import expand

    for folder in ("b/z", "b/a/deep", "a", "c"):
        (tmp_path / folder).mkdir(parents=True)
    for name in ("b/2.json", "b/1.json", "b/a/deep/x", "b/z/y", "a/q", "top"):
        (tmp_path / name).write_text("{}")
    os.symlink(tmp_path / "b", tmp_path / "c" / "link-to-b")  # a folder: not followed
    os.symlink(tmp_path / "top", tmp_path / "c" / "link-to-top")  # a file: read
    os.mkfifo(tmp_path / "c" / "fifo")
    walked = []
    for folder, dirs, files in os.walk(tmp_path):
        dirs.sort()
        walked += [os.path.join(folder, name) for name in sorted(files)]
    listed = list(expand([str(tmp_path)]))
    assert [path for path, _ in listed] == walked
    problems = {path: problem for path, problem in listed if problem}
    assert problems == {str(tmp_path / "c" / "fifo"): "not a regular file"}
