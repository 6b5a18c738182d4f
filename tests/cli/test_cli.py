"""The command line's contract: what lands on stdout, what on stderr, and the exit code."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.helpers import ARTICLE, SAMPLES, run_cli

PATTERN1 = str(ARTICLE / "lambda-pattern1.txt")
DOCKER_HOST = str(SAMPLES / "environments" / "docker-host.mountinfo")


def test_version_and_help():
    version = run_cli("--version")
    assert version.returncode == 0 and version.stdout.startswith(b"mountscope 0.")
    for args in (["--help"], ["tree", "--help"], ["extract", "--help"]):
        result = run_cli(*args)
        assert result.returncode == 0 and b"usage:" in result.stdout


def test_console_script_is_installed():
    result = subprocess.run(["mountscope", "--version"], capture_output=True)
    assert result.returncode == 0 and result.stdout.startswith(b"mountscope ")


def test_input_without_a_table_is_exit_2_and_one_line(write):
    path = write("just some notes\nnothing to see\n", "notes.txt")
    result = run_cli("tree", str(path))
    assert result.returncode == 2 and result.stdout == b""
    lines = result.stderr.decode().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(
        f"mountscope: error: {path}: no mount table found (tried: mountinfo"
    ) or lines[0].startswith(f"mountscope: error: {path}: no mount table found (tried: snapshot")


def test_a_positional_that_is_not_a_file_is_findmnts_device_or_mountpoint(tmp_path):
    # findmnt users type "findmnt /proc": what is not an existing file is a
    # source or a mount point of the live table; found nothing is findmnt's 1.
    absent = tmp_path / "absent.txt"
    result = run_cli("tree", str(absent), stdin=b"")
    assert result.returncode == 1 and result.stdout == b""
    assert result.stderr.decode().endswith(
        f"{absent}: no such file, and no mount of /proc/self/mountinfo has it as source "
        "or mount point\n"
    )
    folder = run_cli("tree", str(tmp_path), stdin=b"")
    assert (folder.returncode, folder.stdout, folder.stderr) == (1, b"", b"")
    proc = run_cli("tree", "/proc", "-o", "TARGET,FSTYPE", "-n", stdin=b"")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split()[:2] == [b"/proc", b"proc"]


def test_a_malformed_line_warns_with_file_and_line_and_the_rest_loads(write):
    path = write(
        "20 1 8:4 / / rw - ext4 /dev/sda4 rw\n21 20 broken\n22 20 0:54 / /mnt/b rw - tmpfs b rw\n"
    )
    result = run_cli("tree", str(path), "-o", "TARGET", "-n")
    assert result.returncode == 0
    assert result.stdout.decode().split() == ["/", "└─/mnt/b"]
    assert f"mountscope: warning: {path}:2: skipped:".encode() in result.stderr
    strict = run_cli("tree", str(path), "--strict")
    assert strict.returncode == 2 and b"warnings are errors with --strict" in strict.stderr


def test_standard_input(write):
    result = run_cli(
        "tree",
        "-",
        "-l",
        "-o",
        "TARGET,SOURCE",
        stdin=(ARTICLE / "lambda-pattern1.txt").read_bytes(),
    )
    assert result.returncode == 0
    assert result.stdout.decode().splitlines()[1].split() == [
        "/",
        "/dev/root[/opt/amazon/asc/worker/rtfs/cache/<ランダムな文字列>.flat]",
    ]


def loaded_after(*commands: list[str]) -> list[str]:
    """The modules a fresh interpreter holds once it has run these commands
    (each must succeed)."""
    code = (
        "import sys\n"
        "from mountscope.cli import main\n"
        f"for argv in {list(commands)!r}:\n"
        "    assert main(argv) == 0, argv\n"
        "loaded = sorted(sys.modules)\n"
        "import json\n"
        "sys.__stdout__.write('\\n' + json.dumps(loaded) + '\\n')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True)
    assert result.returncode == 0, result.stderr.decode()
    return json.loads(result.stdout.splitlines()[-1])  # (after what the commands wrote)


def test_the_json_path_never_imports_textual():
    loaded = loaded_after(["tree", PATTERN1, "--json"], ["extract", PATTERN1, "--json"])
    assert not [m for m in loaded if m.split(".")[0] in ("textual", "rich", "pyte")]


def test_tree_of_a_mountinfo_file_loads_nothing_it_does_not_use():
    """Start-up is most of a run on a small table: tree of a whole mountinfo
    file needs neither the reader of log and chat prefixes nor shutil (which
    argparse imports for the terminal's width, with the compression modules),
    nor dataclasses (records are made without it) and the inspect, ast and
    dis it imports, nor typing (its names are imported for type checkers only),
    nor the signal, select and threading modules (the interpreter's own
    _signal and _thread do what a run needs of them)."""
    loaded = loaded_after(["tree", DOCKER_HOST])
    assert "mountscope.parsers.mountinfo" in loaded and "argparse" in loaded  # (read, parsed)
    assert "mountscope.parsers.prefixes" not in loaded and "shutil" not in loaded
    assert not {"dataclasses", "inspect", "ast", "dis", "typing"} & set(loaded)
    assert not {"signal", "select", "threading"} & set(loaded)


def test_help_is_wrapped_to_the_terminal_it_is_shown_in():
    def widest(columns: int) -> int:
        shown = run_cli("tree", "--help", env={"COLUMNS": str(columns)}).stdout.decode()
        return max(map(len, shown.splitlines()))

    # (argparse lets a usage line that cannot be split pass the width a little)
    assert widest(50) <= 55 and 100 < widest(120) <= 118


def test_input_over_the_limit_is_refused(write):
    path = write("20 1 8:4 / / rw - ext4 /dev/sda4 rw\n" * 100)
    result = run_cli("tree", str(path), "--max-input", "1K")
    assert result.returncode == 2
    assert b"larger than" in result.stderr and b"--max-input" in result.stderr
    assert run_cli("tree", str(path), "--max-input", "1M").returncode == 0


def test_color_only_when_asked_or_on_a_terminal():
    plain = run_cli("tree", PATTERN1)
    assert b"\x1b" not in plain.stdout
    colored = run_cli("tree", PATTERN1, "--color", "always")
    assert b"\x1b[33m/dev/loop1\x1b[0m" in colored.stdout
    assert b"\x1b" not in run_cli("tree", PATTERN1, "--color", "auto", env={"NO_COLOR": "1"}).stdout


def test_columns_list_ascii_and_no_header():
    result = run_cli("tree", PATTERN1, "-a", "-n", "-o", "TARGET,KIND")
    lines = result.stdout.decode().splitlines()
    assert lines[0].split() == ["/", "other"] and lines[1].split() == ["|-/var/task", "loop"]
    listed = run_cli("tree", PATTERN1, "-l", "-o", "+KIND").stdout.decode().splitlines()
    assert listed[0].split() == ["TARGET", "SOURCE", "KIND"]
    assert listed[6].startswith("/proc/sys/kernel/random/boot_id ")
    bad = run_cli("tree", PATTERN1, "-o", "TARGET,NOPE")
    assert bad.returncode == 2 and b"unknown column 'NOPE'" in bad.stderr


def test_json_has_findmnts_shape():
    document = json.loads(run_cli("tree", PATTERN1, "-J").stdout)
    root = document["filesystems"][0]
    assert root["target"] == "/" and len(root["children"]) == 8
    assert set(root) == {"target", "source", "children"}
    flat = json.loads(run_cli("tree", PATTERN1, "-J", "-l").stdout)["filesystems"]
    assert len(flat) == 10 and "children" not in flat[0]


def test_live_table_of_this_process():
    result = run_cli("tree", "-l", "-o", "TARGET", "-n")
    assert result.returncode == 0
    assert "/" in result.stdout.decode().split()


def test_hash_n_out_of_range_is_an_error():
    result = run_cli("tree", f"{ARTICLE / 'excerpt.txt'}#9")
    assert result.returncode == 2 and b"has 5 mount table(s); there is no #9" in result.stderr


def test_diff_of_large_captures_shows_the_verdicts_classify_gives(write):
    """Captures of 5 000 mounts or more are judged in processes of their own
    while the pairs are made (generated tables: a Kubernetes node, and the
    same with a twentieth of its mounts changed); the verdicts are
    classify's, exactly."""
    from benchmarks.generate import change, generate

    text = generate(6000, seed=3)
    a, b = write(text, "a.mountinfo"), write(change(text, 0.05), "b.mountinfo")
    result = run_cli("diff", "--json", str(a), str(b), fresh=True)
    assert result.returncode == 1, result.stderr  # (they differ)
    diff = json.loads(result.stdout)
    for side, path in (("a", a), ("b", b)):
        alone = json.loads(run_cli("classify", "--json", str(path), fresh=True).stdout)
        assert diff["verdicts"][side] == alone
