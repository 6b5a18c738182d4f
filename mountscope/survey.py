"""Survey many captures: group them by the shape of their mount table, and
show which live signals go with which group.

A capture's shape is its table with everything random taken out: mount ids,
parent ids and device numbers are left out, and in every value the parts
``diff`` calls volatile (UUIDs, long hashes, account-like numbers, random
suffixes, peer-group numbers) become placeholders. Captures with the same
shape form a group. For each signal (kernel release, hostname form, CPU,
memory size...) the values are counted per group and Cramér's V says how
strongly the signal goes with the grouping; the counts are always shown next
to it, so that five samples are not read as a law.

Everything is streamed: a capture is read, reduced to its shape key and its
signal values, and dropped. What is kept grows with the number of groups and
distinct values, plus one name per capture (the members of each group).
Representatives are read again at the end (live ones are kept).
"""

from __future__ import annotations

import glob
import hashlib
import ipaddress
import math
import os
import re
import stat
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from functools import cache, lru_cache
from itertools import chain, islice, repeat
from operator import attrgetter
from typing import Any, TypeVar, cast

import orjson

from mountscope.diff import DIFFERENT, shape
from mountscope.errors import MountscopeError
from mountscope.model import (
    LiveOrigin,
    Mount,
    MountTable,
    SnapshotOrigin,
    signals_of,
    split_options,
)
from mountscope.model.mount import propagation_of
from mountscope.parsers import mountinfo, snapshot, split_lines
from mountscope.processes import map_in_order, start_pool
from mountscope.record import field, record
from mountscope.system.loader import Limits, load_all, read_bytes

# --- the shape of a table -------------------------------------------------------------

# Small: what repeats stays in them, a random id passes through.
_shape_whole = lru_cache(maxsize=1 << 12)(shape)
_shape_part = lru_cache(maxsize=1 << 12)(shape)


def _shape(value: str) -> str:
    """``shape(value)``, one path component at a time: no volatile pattern
    spans a "/" nor looks past one, except the "/dev/" before a device name,
    so the components of a path are shaped (and cached) on their own, and a
    random id costs the shaping of its own component only."""
    if "/" not in value or "/dev/" in value:
        return _shape_whole(value)
    # The folder as a whole is most often known already; the last component
    # (a random name in a known folder) is shaped on its own.
    folder, _, name = value.rpartition("/")
    return _shape_folder(folder) + "/" + _shape_part(name)


@lru_cache(maxsize=1 << 12)
def _shape_folder(value: str) -> str:
    return "/".join([_shape_part(part) for part in value.split("/")])


@lru_cache(maxsize=1 << 12)
def _options_shape(options: str) -> str:
    """Options as a set (formats order them differently), volatile parts replaced."""
    return ",".join(sorted(_shape(item) for item in split_options(options)))


_propagation = lru_cache(maxsize=1 << 10)(propagation_of)


def _mount_key(m: Mount, fields: frozenset[str], split: bool) -> str:
    parts = [_shape(m.target)]
    if "source" in fields:
        parts.append(_shape(m.source))
    if "fsroot" in fields:
        parts.append(_shape(m.fsroot or ""))
    if "fstype" in fields:
        parts.append(m.fstype)
    if split:
        parts.append(_options_shape(m.vfs_options or ""))
        parts.append(_options_shape(m.fs_options or ""))
    elif "options" in fields:
        parts.append(_options_shape(m.options))
    if "optional_fields" in fields or "propagation" in fields:
        parts.append(m.propagation or "")
    return "\x1f".join(parts)


def shape_key(capture: MountTable) -> str:
    """A short digest that two captures share when their tables have the same
    shape (in the same kind of format: a table without options or roots
    cannot be compared with one that has them)."""
    fields = capture.fields
    split = {"vfs_options", "fs_options"} <= fields
    return _digest(fields, [_mount_key(m, fields, split) for m in capture.mounts])


def _digest(fields: frozenset[str], keys: list[str]) -> str:
    digest = hashlib.blake2b(digest_size=8)
    digest.update(",".join(sorted(fields)).encode())
    if keys:  # each key after a \x1e
        digest.update(("\x1e" + "\x1e".join(sorted(keys))).encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


_V = TypeVar("_V")


class _LineKeys(dict[str, _V]):
    """A mountinfo line's key by everything after its ids and device number
    (which the shape leaves out): a fleet's tables repeat most of their lines
    with other ids. Emptied when full; it holds a few of the largest tables'
    lines, so its size follows the size of the tables, not their number."""

    limit = 1 << 13

    def fit(self, lines: int) -> None:
        self.limit = max(self.limit, 4 * lines)
        if len(self) + lines > self.limit:
            self.clear()


class _TableDigests(dict[tuple[str, ...], str]):
    """A table's digest by its sorted line keys: a group's tables have the same
    keys, and the digest is made once. Emptied when the keys it holds pass a
    few of the largest tables' lines, as _LineKeys."""

    limit = 1 << 16
    held = 0

    def add(self, keys: tuple[str, ...], digest: str) -> None:
        self.limit = max(self.limit, 4 * len(keys))
        if self.held + len(keys) > self.limit:
            self.clear()
            self.held = 0
        self[keys] = digest
        self.held += len(keys)


_LINE_KEYS: _LineKeys[str] = _LineKeys()
_TABLE_DIGESTS = _TableDigests()
# A line's ids and device number as fields_of() accepts them (\d is what
# str.isdecimal() accepts); a first line that starts so holds no shell prompt.
_HEAD = re.compile(r"\d+ \d+ \d+:\d+ ")
# The same after each newline, in ASCII digits (faster to match than \d): a
# table whose ids hold other decimal digits is split line by line instead.
_HEADS = re.compile(r"\n[0-9]+ [0-9]+ [0-9]+:[0-9]+ ([^\n]*)")


def mountinfo_shape_key(text: str) -> str | None:
    """shape_key() of the table that parsers.mountinfo reads from ``text``,
    without making its mounts; None when a line would be skipped with a
    warning or there is no mount (the caller then parses it the usual way)."""
    rests = _rests(text)
    if not rests:
        return None
    _LINE_KEYS.fit(len(rests))
    _TAIL_KEYS.fit(len(rests))
    found = list(map(_LINE_KEYS.get, rests))  # (in C: most lines are known)
    if None in found:
        new = [rest for rest, key in zip(rests, found, strict=True) if key is None]
        if not _key_new_lines(new):
            return None
        found = list(map(_LINE_KEYS.__getitem__, rests))
    keys = tuple(sorted(cast("list[str]", found)))  # (every line keyed now)
    digest = _TABLE_DIGESTS.get(keys)
    if digest is None:
        digest = _digest(mountinfo.FIELDS, list(keys))
        _TABLE_DIGESTS.add(keys, digest)
    return digest


def _rests(text: str) -> list[str] | None:
    """What follows the ids and device number on each line that is not blank
    (split as split_lines() splits), or None when a line has no such start."""
    if text.endswith("\n") and "\r" not in text and not text.startswith("\ufeff"):
        # The common case, in C: every line starts so (then none is blank).
        rests = _HEADS.findall("\n" + text[:-1])
        if len(rests) == text.count("\n"):
            return rests
    rests = []
    for line in split_lines(text):
        head = _HEAD.match(line)
        if head is None:
            if not line or line.isspace():
                continue
            return None
        rests.append(line[head.end() :])
    return rests


def _key_new_lines(rests: list[str]) -> bool:
    """Key the lines not seen before (into _LINE_KEYS), each with the
    _mount_key() of the Mount parse_line() makes of a line ending in its rest
    (which alone decides whether it is read, and how); False when one would
    not be read.

    The root is a field of its own (spaces in paths are escaped), and most
    often the one random part of a new line (a bind from a per-sandbox
    folder): the rest of the key is found by the rest of the line, the root's
    folder is most often known, and the last components of the new roots are
    shaped in one call, joined by newlines (which no line holds, and across
    which no volatile pattern matches or looks, as across a "/"). A root
    whose folder is new goes into that call whole (shaping a path without
    "/dev/" is shaping its components: see _shape), and its folder's shape
    is kept for the roots after it."""
    # The line, its key before and after what is shaped, and the new folder, if any.
    pending: list[tuple[str, str, str, str | None]] = []
    names: list[str] = []
    for rest in rests:
        root, space, tail = rest.partition(" ")
        if not space or "\\" in rest:  # escaped: the root is known once decoded
            around = _key_around_root("0 0 0:0 " + rest)
            if around is None:
                return False
            _LINE_KEYS[rest] = around[0] + _shape(around[2]) + around[1]
            continue
        around = _TAIL_KEYS.get(tail)
        if around is None:
            around = _TAIL_KEYS[tail] = _key_around_root("0 0 0:0 / " + tail)
            if around is None:
                return False
        if "/" not in root or "/dev/" in root:
            _LINE_KEYS[rest] = around[0] + _shape_whole(root) + around[1]
            continue
        folder, _, name = root.rpartition("/")
        known = _FOLDER_SHAPES.get(folder)
        if known is None:
            pending.append((rest, around[0], around[1], folder))
            names.append(root)
        else:
            pending.append((rest, around[0] + known + "/", around[1], None))
            names.append(name)
    if names:
        _FOLDER_SHAPES.fit(len(names))
        shaped = shape("\n".join(names)).split("\n")
        for (rest, before, after, new_folder), part in zip(pending, shaped, strict=True):
            _LINE_KEYS[rest] = before + part + after
            if new_folder is not None:
                _FOLDER_SHAPES[new_folder] = part.rpartition("/")[0]
    return True


# Folders of roots, shaped (what _shape_folder gives), as the survey met them.
_FOLDER_SHAPES: _LineKeys[str] = _LineKeys()


# The key of a line's fields but its root, by what follows the root.
_TAIL_KEYS: _LineKeys[tuple[str, str, str] | None] = _LineKeys()


def _key_around_root(line: str) -> tuple[str, str, str] | None:
    """The key of a mountinfo line before and after its shaped root, and the root."""
    fields = mountinfo.fields_of(line)
    if isinstance(fields, str):
        return None
    _, _, _, root, target, vfs, optional, fstype, source, fs = fields
    before = f"{_shape(target)}\x1f{_shape(source)}\x1f"
    after = "\x1f".join(
        ("", fstype, _options_shape(vfs), _options_shape(fs), _propagation(optional))
    )
    return before, after, root


# --- signals ----------------------------------------------------------------------------

# The signals a survey tabulates, in this order when they tie.
SIGNAL_NAMES = (
    "kernel_release",
    "hostname_form",
    "cpu_model",
    "architecture",
    "memory_size",
    "runtime",
    "init_type",
    "region",
    "function_version",
    "cold_start",
    "capture_hour",
    "firecracker_cmdline",
    "dmi_present",
)
# Past this many distinct values a signal's further values are counted as "(other)".
MAX_VALUES = 200

_ARN_REGION = re.compile(r"^arn:[^:]+:lambda:([^:]+):")
# A dotted quad as ip_address() reads it: four numbers up to 255, without
# leading zeros.
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_IPV4 = re.compile(rf"{_OCTET}\.{_OCTET}\.{_OCTET}\.{_OCTET}")


def hostname_form(hostname: str) -> str:
    """What a hostname looks like, without the hostname itself."""
    if _IPV4.fullmatch(hostname) is not None:
        # What ip_address() says of such a text, without its cost per capture.
        return (
            "IPv4 link-local (169.254.N.N)" if hostname.startswith("169.254.") else "IPv4 address"
        )
    try:
        address = ipaddress.ip_address(hostname)
    except ValueError:
        return re.sub(r"\d+", "N", _shape(hostname))
    if address.version == 4 and address.is_link_local:
        return "IPv4 link-local (169.254.N.N)"
    return f"IPv{address.version} address"


def signal_values(capture: MountTable) -> dict[str, str]:
    """The signals a capture carries (its live signals and its metadata), as text."""
    origin = capture.provenance
    meta: dict[str, Any] = {}
    if isinstance(origin, LiveOrigin | SnapshotOrigin):
        # The origin's fields under the names a snapshot's metadata gives them.
        meta = {
            "kernel_release": origin.kernel_release,
            "machine": origin.machine,
            "hostname": origin.hostname,
            "time": origin.time,
        }
        if origin.lambda_invocation is not None:
            meta.update(origin.lambda_invocation.metadata())
    sig = signals_of(origin)
    return _signal_texts(meta.get, lambda name: getattr(sig, name, None))


def _signal_texts(meta: Callable[[str], Any], sig: Callable[[str], Any]) -> dict[str, str]:
    """The signals as text, from a capture's metadata and live signals by name
    (a capture's, or a snapshot document's checked fields: the same values)."""
    env: dict[str, Any] = sig("env") or {}
    values: dict[str, Any] = {
        "kernel_release": meta("kernel_release") or sig("osrelease"),
        "architecture": meta("machine") or sig("machine"),
        "memory_size": meta("lambda_memory_limit_in_mb")
        or env.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE"),
        "runtime": env.get("AWS_EXECUTION_ENV"),
        "init_type": env.get("AWS_LAMBDA_INITIALIZATION_TYPE"),
        "region": env.get("AWS_REGION"),
        "function_version": meta("lambda_function_version")
        or env.get("AWS_LAMBDA_FUNCTION_VERSION"),
    }
    hostname = meta("hostname") or sig("hostname")
    if isinstance(hostname, str) and hostname:
        values["hostname_form"] = hostname_form(hostname)
    cpu = sig("cpu")
    if isinstance(cpu, dict):
        values["cpu_model"] = cpu.get("model name") or cpu.get("CPU part")
    arn = meta("lambda_invoked_function_arn")
    if not values["region"] and isinstance(arn, str) and (match := _ARN_REGION.match(arn)):
        values["region"] = match.group(1)
    invocation = meta("lambda_invocation")
    if isinstance(invocation, int):
        values["cold_start"] = "cold" if invocation == 1 else "warm"
    when = _time(meta("time"))
    if when is not None:
        values["capture_hour"] = when[11:13]
    cmdline = sig("cmdline")
    if isinstance(cmdline, str):
        values["firecracker_cmdline"] = "yes" if "virtio_mmio.device=" in cmdline else "no"
    present = sig("dmi_present")
    if isinstance(present, bool):
        values["dmi_present"] = "yes" if present else "no"
    return {k: str(v) for k, v in values.items() if v is not None and v != ""}


def capture_time(capture: MountTable) -> str | None:
    """When the capture was taken (UTC, ISO 8601), when it says."""
    origin = capture.provenance
    return _time(origin.time if isinstance(origin, LiveOrigin | SnapshotOrigin) else None)


def _time(when: Any) -> str | None:
    return when if isinstance(when, str) and len(when) >= 13 and when[10] == "T" else None


def cramers_v(table: dict[str, Counter[str]]) -> float | None:
    """Cramér's V of a contingency table (rows: values, columns: groups), or
    None when it is undefined (one value, or one group)."""
    columns: Counter[str] = Counter()
    for row in table.values():
        columns.update(row)
    n = sum(columns.values())
    k = min(len(table), len(columns)) - 1
    if n == 0 or k < 1:
        return None
    chi2 = 0.0
    for row in table.values():
        row_total = sum(row.values())
        for column, column_total in columns.items():
            expected = row_total * column_total / n
            chi2 += (row.get(column, 0) - expected) ** 2 / expected
    return math.sqrt(chi2 / (n * k))


def _small_cells(table: dict[str, Counter[str]]) -> int:
    """Cells whose expected count is below 5 (where chi-square based measures mislead)."""
    columns: Counter[str] = Counter()
    for row in table.values():
        columns.update(row)
    n = sum(columns.values())
    return sum(
        1 for row in table.values() for c in columns.values() if n and sum(row.values()) * c / n < 5
    )


# --- finding captures -------------------------------------------------------------------

_GLOB = re.compile(r"[*?[]")


def _files_under(top: str, errors: list[OSError]) -> Iterator[os.DirEntry[str]]:
    """What os.walk(top) lists as files, in the order survey has always read
    them (each folder's files by name, then its folders by name, links to
    folders not followed), as the listing's entries: their type is known
    without a stat() per file. Folders that cannot be listed go to ``errors``."""
    folders = [top]
    while folders:
        folder = folders.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=attrgetter("name"))
        except OSError as error:
            errors.append(error)
            continue
        below = []
        for entry in entries:
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if not is_dir:
                yield entry
            elif not entry.is_symlink():
                below.append(entry.path)
        folders.extend(reversed(below))


def expand(specs: Iterable[str]) -> Iterator[tuple[str, str | None]]:
    """Each file named by files, folders (recursively) and globs, in a stable
    order: (path, None), or (name, error) for what cannot be listed."""
    seen: set[str] = set()

    def one(path: str, walked: bool) -> Iterator[tuple[str, str | None]]:
        if os.path.isdir(path):
            errors: list[OSError] = []
            for entry in _files_under(path, errors):
                try:
                    regular = entry.is_file(follow_symlinks=False)
                except OSError:
                    regular = False
                if regular:
                    # A regular file, as its folder's listing says: no stat() needed.
                    if entry.path not in seen:
                        seen.add(entry.path)
                        yield entry.path, None
                else:  # a link, a FIFO...: looked at as a named file is
                    yield from a_file(entry.path, True)
            for error in errors:
                yield error.filename or path, f"cannot list: {os.strerror(error.errno or 0)}"
            return
        yield from a_file(path, walked)

    def a_file(path: str, walked: bool) -> Iterator[tuple[str, str | None]]:
        if path in seen:
            return
        seen.add(path)
        try:
            info = os.stat(path)
        except OSError as error:
            if not os.path.lexists(path):
                yield path, "no such file"
            else:
                yield path, f"cannot read: {os.strerror(error.errno or 0)}"
            return
        if walked and not stat.S_ISREG(info.st_mode):
            yield path, "not a regular file"  # a FIFO in a folder would block forever
            return
        yield path, None

    for spec in specs:
        if not os.path.lexists(spec) and _GLOB.search(spec):
            matches = sorted(glob.glob(spec, recursive=True))
            if not matches:
                yield spec, "no file matches this pattern"
            for match in matches:
                yield from one(match, True)
        else:
            yield from one(spec, False)


@record
class Entry:
    """One capture to survey: its name, the capture, and how to read it again."""

    name: str
    capture: MountTable
    # (file, table number) to read it again later; None keeps the capture itself.
    ref: tuple[str, int] | None


def read_entries(
    specs: Iterable[str], format_name: str | None = None, limits: Limits | None = None
) -> Iterator[Entry | tuple[str, str]]:
    """Every capture in the files: an Entry each, or (file, error) for a file
    that cannot be read. A file holding several tables gives FILE#N names."""
    for path, problem in expand(specs):
        if problem is not None:
            yield path, problem
            continue
        yield from _entries(path, format_name, limits)


def _entries(
    path: str, format_name: str | None, limits: Limits | None
) -> Iterator[Entry | tuple[str, str]]:
    """The captures of one file, or (file, error)."""
    try:
        captures = load_all(path, format_name, limits)
    except MountscopeError as error:
        yield path, _strip_name(str(error), path)
        return
    except ImportError as error:
        # A terminal recording needs pyte, which a Lambda package leaves out.
        yield path, f"needs the {error.name or 'missing'} module, which is not installed"
        return
    except (ValueError, RecursionError, MemoryError, OSError) as error:
        yield path, f"cannot be read ({type(error).__name__})"
        return
    for number, capture in enumerate(captures, 1):
        name = path if len(captures) == 1 else f"{path}#{number}"
        yield Entry(name, capture, (path, number))


@record(slots=True)
class Record:
    """What a survey keeps of a capture: its shape key, its signal values and
    its time, never its mounts."""

    name: str
    ref: tuple[str, int] | None
    key: str
    values: dict[str, str]
    time: str | None
    # A capture that cannot be read again (a live one) is kept, once per group.
    capture: MountTable | None = None


def record_of(entry: Entry) -> Record:
    capture = entry.capture
    return Record(
        entry.name,
        entry.ref,
        shape_key(capture),
        signal_values(capture),
        capture_time(capture),
        capture if entry.ref is None else None,
    )


def snapshot_record(path: str, limits: Limits) -> Record | None:
    """The record of a file that is a snapshot of a mountinfo table, read from
    the decoded JSON with each field it uses checked as the loader checks it
    (parsers.snapshot.member), and the same as record_of() gives for it. None
    for anything else, or anything the loader would warn about or refuse:
    that is then read the usual way, which says what is wrong."""
    try:
        data = read_bytes(path, limits)
        # (A file shorter than the limit holds fewer lines: not counted.)
        if len(data) > limits.max_lines and data.count(b"\n") > limits.max_lines:
            return None
        document = orjson.loads(data)  # not UTF-8, or not plain JSON: the usual way
    except (MountscopeError, orjson.JSONDecodeError):
        return None
    if not snapshot.is_snapshot(document):
        return None
    version = document.get("version")
    table = document.get("table")
    if type(version) is not int or version != snapshot.VERSION or type(table) is not dict:
        return None
    text = table.get("text")
    if table.get("format") != mountinfo.NAME or type(text) is not str:
        return None
    key = mountinfo_shape_key(text)
    if key is None:
        return None
    meta_field = _member_reader(document.get("metadata"), "metadata")
    sig_field = _member_reader(document.get("signals"), "signals")
    return Record(
        path, (path, 1), key, _signal_texts(meta_field, sig_field), _time(meta_field("time"))
    )


def _member_reader(parent: Any, path: str) -> Callable[[str], Any]:
    """``snapshot.member(parent, path, key)`` as a function of ``key``, with
    its two common cases taken straight from the object: a string where the
    field admits one, and an object of strings where the field is one (which
    member() would copy key by key). Anything else goes through member()."""
    if type(parent) is not dict:
        return _absent
    get = parent.get
    strings, other, of_strings = _field_kinds(path)

    def read(key: str) -> Any:
        value = get(key)
        if type(value) is str:
            if strings.get(key, other):
                return value
        elif type(value) is dict and key in of_strings and set(map(type, value.values())) <= _STR:
            return value
        return snapshot.member(parent, path, key)

    return read


def _absent(key: str) -> None:
    return None


_STR = frozenset({str})


@cache
def _field_kinds(path: str) -> tuple[dict[str, bool], bool, frozenset[str]]:
    """Of the object at ``path`` (parsers.snapshot.FIELDS): whether each named
    field admits a string, whether any other name does ("path.*"), and the
    fields that are objects of strings only (fields "key.*" and nothing else)."""
    steps = {field.rpartition(".")[::2]: kinds for field, kinds in snapshot.FIELDS.items()}
    named = {key: "string" in kinds for (parent, key), kinds in steps.items() if parent == path}
    other = named.pop("*", False)
    of_strings = frozenset(
        key
        for key in named
        if "object" in steps[path, key]
        and {step: kinds for (parent, step), kinds in steps.items() if parent == f"{path}.{key}"}
        == {"*": ("string",)}
    )
    return named, other, of_strings


def read_records(
    specs: Iterable[str],
    format_name: str | None = None,
    limits: Limits | None = None,
    jobs: int = 1,
) -> Iterator[Record | Entry | tuple[str, str] | SurveyPart]:
    """read_entries(), with each snapshot of a mountinfo table read straight
    to its record (no mounts made): what survey needs, at the speed of reading.

    With ``jobs`` > 1, past the first SERIAL_FILES files the rest are read by
    that many worker processes, a chunk of files each, and come back in order,
    each chunk as what a survey counts of its files (a SurveyPart, which
    Survey.feed() adds as if its records came one by one); where workers
    cannot start, this process reads them."""
    limits = limits or Limits()
    found = expand(specs)
    started = time.perf_counter()
    for path, problem in islice(found, SERIAL_FILES) if jobs > 1 else found:
        yield from _read_file(path, problem, format_name, limits)
    if jobs < 2:
        return
    per_file = (time.perf_counter() - started) / SERIAL_FILES
    rest = next(found, None)
    if rest is None:
        return
    found = chain([rest], found)
    pool = start_pool(jobs)
    if pool is None:
        for path, problem in found:
            yield from _read_file(path, problem, format_name, limits)
        return
    size = chunk_files(per_file)
    chunks = ((chunk, format_name, limits) for chunk in _batches(found, size))
    results = map_in_order(pool, jobs, _read_chunk, chunks)
    first = next(results)  # (there is a chunk: ``rest``) the workers are at work now,
    import mountscope.classify  # noqa: F401 - and this process loads what the report needs

    yield first
    yield from results


# Files read before worker processes are worth starting.
SERIAL_FILES = 64
# A worker's chunk of files: about CHUNK_SECONDS of reading at the pace of
# those first files, at most CHUNK_FILES. Each chunk costs about 1 ms to send
# and merge (10 000 small snapshots: 0.44 s in chunks of 64, 0.41 s in chunks
# of 256), and a worker that finishes its last chunk waits for the others
# (1 000 snapshots of 5 000 mounts, 25 ms each, in chunks of 256: the two
# workers' shares could differ by 2 s).
CHUNK_SECONDS = 0.03
CHUNK_FILES = 256


def chunk_files(per_file: float) -> int:
    """Files in a worker's chunk, at ``per_file`` seconds a file."""
    if per_file <= 0:
        return CHUNK_FILES
    return max(1, min(CHUNK_FILES, int(CHUNK_SECONDS / per_file)))


def _batches(items: Iterator[_V], size: int) -> Iterator[tuple[_V, ...]]:
    while batch := tuple(islice(items, size)):
        yield batch


def _read_file(
    path: str, problem: str | None, format_name: str | None, limits: Limits
) -> Iterator[Record | Entry | tuple[str, str]]:
    if problem is not None:
        yield path, problem
        return
    record = snapshot_record(path, limits) if format_name is None else None
    if record is not None:
        yield record
    else:
        yield from _entries(path, format_name, limits)


def _read_chunk(
    job: tuple[tuple[tuple[str, str | None], ...], str | None, Limits],
) -> SurveyPart:
    """In a worker: what a survey counts of a chunk of files (what goes back
    to the parent is a few groups and counts, not a record per file)."""
    files, format_name, limits = job
    survey = Survey(part=True).feed(
        item for path, problem in files for item in _read_file(path, problem, format_name, limits)
    )
    return SurveyPart(
        survey.groups, survey.unreadable, survey.captures, survey.cells, survey.hour_cells
    )


def _strip_name(message: str, path: str) -> str:
    """The error without the file name in front (it is listed beside it)."""
    return message[len(path) + 2 :] if message.startswith(path + ": ") else message


def reread(
    entry_ref: tuple[str, int], format_name: str | None, limits: Limits | None
) -> MountTable:
    path, number = entry_ref
    return load_all(path, format_name, limits)[number - 1]


# --- every mount namespace ---------------------------------------------------------------


def namespace_entries() -> Iterator[Entry | tuple[str, str]]:
    """One capture per mount namespace on this machine, read through the
    lowest pid in it. Processes whose namespace cannot be read (other users',
    without root) are counted and reported as one line."""
    from mountscope.capture import capture_live

    pids: dict[str, list[int]] = defaultdict(list)
    denied = 0
    try:
        names = os.listdir("/proc")
    except OSError as error:
        yield "/proc", f"cannot list: {os.strerror(error.errno or 0)}"
        return
    for name in names:
        if not name.isdigit():
            continue
        try:
            pids[os.readlink(f"/proc/{name}/ns/mnt")].append(int(name))
        except PermissionError:
            denied += 1
        except OSError:
            continue  # exited meanwhile, or a kernel thread
    for namespace in sorted(pids, key=lambda ns: min(pids[ns])):
        members = sorted(pids[namespace])
        capture = None
        last = ""
        for pid in members:  # the first whose table can still be read
            try:
                capture = capture_live(pid, with_signals=False)
                break
            except MountscopeError as error:
                last = str(error)
        comm = _comm(members[0])
        name = f"pid {members[0]} ({comm}) {namespace}, {len(members)} process{'es' if len(members) > 1 else ''}"
        if capture is None:
            yield name, last
            continue
        yield Entry(name, capture, None)
    if denied:
        yield (
            "/proc/*/ns/mnt",
            (
                f"{denied} processes could not be read (permission denied): "
                "run as root to see every mount namespace"
            ),
        )


def _comm(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/comm", "rb") as handle:
            return handle.read(64).decode("utf-8", "replace").strip()
    except OSError:
        return "?"


# --- the survey ----------------------------------------------------------------------------


@record
class Group:
    key: str
    count: int = 0
    members: list[str] = field(default_factory=list)
    representative: str = ""
    ref: tuple[str, int] | None = None
    kept: MountTable | None = None
    first_time: str | None = None
    last_time: str | None = None

    def span(self, first: str | None, last: str | None) -> None:
        """Widen the group's times to take in ``first`` and ``last``."""
        if first is not None and (self.first_time is None or first < self.first_time):
            self.first_time = first
        if last is not None and (self.last_time is None or last > self.last_time):
            self.last_time = last


# What Survey counts of a record: (group key, (signal, value)) for each of
# its signal values, and (hour, group key).
Cell = tuple[str, tuple[str, str]]
HourCell = tuple[str, str]
CELLS_KEPT = 1 << 12


@record
class SurveyPart:
    """What a survey of some files counted (a worker's chunk), to be merged
    into the survey of them all (Survey.merge)."""

    groups: dict[str, Group]
    unreadable: list[dict[str, str]]
    captures: int
    cells: Counter[Cell]
    hour_cells: Counter[HourCell]


@record
class Survey:
    """Captures are added one by one; ``result`` computes the report."""

    groups: dict[str, Group] = field(default_factory=dict)
    unreadable: list[dict[str, str]] = field(default_factory=list)
    # signal -> value -> group key -> count
    values: dict[str, dict[str, Counter[str]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(Counter))
    )
    # hour ("2026-11-27T17") -> group key -> count
    hours: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    # What records said, counted flat (Counter.update counts a record's
    # values in C, where the nested tables cost a lookup each): they go into
    # ``values`` and ``hours``, in the order they were first seen (as if one
    # by one), at the end and whenever more than CELLS_KEPT differ (memory
    # stays bounded).
    cells: Counter[Cell] = field(default_factory=Counter)
    hour_cells: Counter[HourCell] = field(default_factory=Counter)
    captures: int = 0
    observe: Callable[[MountTable], None] | None = None
    # A part of a survey (a worker's chunk of files, see merge()) keeps its
    # cells as they are, however many: the whole survey counts them.
    part: bool = False

    def add(self, entry: Entry) -> None:
        if self.observe is not None:
            self.observe(entry.capture)
        self.add_record(record_of(entry))

    def add_record(self, record: Record) -> None:
        key = record.key
        group = self.groups.get(key)
        if group is None:
            group = self.groups[key] = Group(
                key, representative=record.name, ref=record.ref, kept=record.capture
            )
        group.count += 1
        group.members.append(record.name)
        self.captures += 1
        self.cells.update(zip(repeat(key), record.values.items()))
        when = record.time
        if len(self.cells) > CELLS_KEPT and not self.part:
            self.count_cells()
        if when is not None:
            self.hour_cells[when[:13], key] += 1
            group.span(when, when)

    def count_cells(self) -> None:
        """Count the cells into ``values`` and ``hours``."""
        for (key, (name, value)), count in self.cells.items():
            table = self.values[name]
            if value not in table and len(table) >= MAX_VALUES:
                value = "(other)"
            table[value][key] += count
        for (hour, key), count in self.hour_cells.items():
            self.hours[hour][key] += count
        self.cells.clear()
        self.hour_cells.clear()

    def fail(self, name: str, error: str) -> None:
        self.unreadable.append({"file": name, "error": error})

    def feed(self, items: Iterable[Record | Entry | tuple[str, str] | SurveyPart]) -> Survey:
        for item in items:
            if isinstance(item, Record):  # (observe sees Entries only: read_entries())
                self.add_record(item)
            elif isinstance(item, Entry):
                self.add(item)
            elif isinstance(item, SurveyPart):
                self.merge(item)
            else:
                self.fail(*item)
        return self

    def merge(self, later: SurveyPart) -> None:
        """Add what a survey counted of captures that come after these (a
        worker's chunk of files): the same as adding its records one by one."""
        for key, theirs in later.groups.items():
            group = self.groups.get(key)
            if group is None:
                self.groups[key] = theirs
                continue
            group.count += theirs.count
            group.members.extend(theirs.members)
            group.span(theirs.first_time, theirs.last_time)
        self.unreadable.extend(later.unreadable)
        self.captures += later.captures
        self.cells.update(later.cells)  # (a part keeps them all: part=True)
        self.hour_cells.update(later.hour_cells)
        if len(self.cells) > CELLS_KEPT:
            self.count_cells()

    def ordered(self) -> list[Group]:
        """Largest first; ties by the representative's name."""
        return sorted(self.groups.values(), key=lambda g: (-g.count, g.representative))

    def result(self, format_name: str | None = None, limits: Limits | None = None) -> SurveyResult:
        from mountscope.classify import classify
        from mountscope.diff import compare

        self.count_cells()
        groups = self.ordered()
        number = {g.key: i for i, g in enumerate(groups, 1)}
        reps: list[MountTable | None] = []
        for group in groups:
            capture = group.kept
            if capture is None and group.ref is not None:
                try:
                    capture = reread(group.ref, format_name, limits)
                except MountscopeError:
                    capture = None  # changed or removed since it was read
            reps.append(capture)
        rows = []
        for index, (group, rep) in enumerate(zip(groups, reps, strict=True)):
            verdict = (
                classify(rep, signals_of(rep.provenance)).to_dict() if rep is not None else None
            )
            differs: list[dict[str, Any]] = []
            if index > 0 and rep is not None and reps[0] is not None:
                differs = differences(compare(reps[0], rep, with_verdicts=False))
            rows.append(
                {
                    "group": index + 1,
                    "shape": group.key,
                    "count": group.count,
                    "share": round(group.count / self.captures, 4) if self.captures else 0.0,
                    "representative": group.representative,
                    "members": group.members,
                    "verdicts": _verdict_summary(verdict),
                    "differs_from_largest": differs,
                    "first_time": group.first_time,
                    "last_time": group.last_time,
                    "mounts": len(rep.mounts) if rep is not None else None,
                }
            )
        return SurveyResult(
            self.captures,
            rows,
            self._signals(number),
            self._over_time(number),
            self.unreadable,
            reps,
        )

    def _signals(self, number: dict[str, int]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for name, table in self.values.items():
            n = sum(sum(row.values()) for row in table.values())
            v = cramers_v(table)
            per_group: dict[int, dict[str, int]] = defaultdict(dict)
            for value, row in table.items():
                for key, count in row.items():
                    per_group[number[key]][value] = count
            out.append(
                {
                    "signal": name,
                    "cramers_v": round(v, 3) if v is not None else None,
                    "n": n,
                    "values": len(table),
                    "cells_expected_below_5": _small_cells(table),
                    "groups": [
                        {
                            "group": g,
                            "n": sum(vals.values()),
                            "values": dict(sorted(vals.items(), key=lambda kv: (-kv[1], kv[0]))),
                        }
                        for g, vals in sorted(per_group.items())
                    ],
                }
            )
        order = {name: i for i, name in enumerate(SIGNAL_NAMES)}

        # Separating signals first; an undefined V (one value or one group) last.
        def rank(row: dict[str, Any]) -> tuple[bool, float, int]:
            v = row["cramers_v"]
            return v is None, -(v or 0.0), order.get(str(row["signal"]), 99)

        out.sort(key=rank)
        return out

    def _over_time(self, number: dict[str, int]) -> dict[str, Any] | None:
        if not self.hours:
            return None
        buckets: dict[str, Counter[str]] = self.hours
        unit = "hour"
        if len(buckets) > 24:  # more than a day's worth of hours: count per day
            unit = "day"
            days: dict[str, Counter[str]] = defaultdict(Counter)
            for hour, row in buckets.items():
                days[hour[:10]].update(row)
            buckets = days
        rows = []
        for bucket in sorted(buckets):
            row = buckets[bucket]
            total = sum(row.values())
            rows.append(
                {
                    "bucket": bucket,
                    "total": total,
                    "groups": {
                        str(number[k]): c
                        for k, c in sorted(row.items(), key=lambda kv: number[kv[0]])
                    },
                }
            )
        return {"unit": unit, "rows": rows}


def _verdict_summary(verdict: dict[str, Any] | None) -> dict[str, Any] | None:
    if verdict is None:
        return None
    details = verdict["details"]
    return {
        "environment": verdict["environment"],
        "confidence": verdict["confidence"],
        "lambda_model": details.get("lambda_model"),
        "code_delivery": details.get("code_delivery"),
        "details": details,
    }


def differences(comparison: Any) -> list[dict[str, Any]]:
    """What sets B apart from A, mount by mount, as ``diff`` says it."""
    out: list[dict[str, Any]] = []
    for pair in comparison.pairs:
        if pair.kind not in DIFFERENT:
            continue
        if pair.kind == "added":
            out.append(
                {
                    "target": pair.target,
                    "field": "mount",
                    "largest": None,
                    "this": _mount_text(pair.b),
                }
            )
        elif pair.kind == "removed":
            out.append(
                {
                    "target": pair.target,
                    "field": "mount",
                    "largest": _mount_text(pair.a),
                    "this": None,
                }
            )
        else:
            for name, (old, new) in pair.changes.items():
                out.append({"target": pair.target, "field": name, "largest": old, "this": new})
    return out


def _mount_text(mount: Mount | None) -> str | None:
    if mount is None:
        return None
    return " ".join(part for part in (mount.display_source, mount.fstype, mount.options) if part)


@record
class SurveyResult:
    captures: int
    groups: list[dict[str, Any]]
    signals: list[dict[str, Any]]
    over_time: dict[str, Any] | None
    unreadable: list[dict[str, str]]
    # Each group's representative capture (None where it could not be read
    # again), for the app; not part of the JSON.
    representatives: list[MountTable | None] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "captures": self.captures,
            "groups": self.groups,
            "signals": self.signals,
            "over_time": self.over_time,
            "unreadable": self.unreadable,
        }


def survey(
    items: Iterable[Record | Entry | tuple[str, str] | SurveyPart],
    format_name: str | None = None,
    limits: Limits | None = None,
    observe: Callable[[MountTable], None] | None = None,
) -> SurveyResult:
    return Survey(observe=observe).feed(items).result(format_name, limits)


# --- the report for people -------------------------------------------------------------------

MEMBERS_SHOWN = 5
VALUES_SHOWN = 4
DIFFERENCES_SHOWN = 12


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


def report_lines(result: SurveyResult) -> Iterator[str]:
    """The survey as text (not yet escaped for the terminal: the caller does)."""
    n = result.captures
    yield (
        f"{n} capture{'s' if n != 1 else ''} in {len(result.groups)} group"
        f"{'s' if len(result.groups) != 1 else ''}"
        + (
            f"; {len(result.unreadable)} unreadable (listed at the end)"
            if result.unreadable
            else ""
        )
    )
    for row in result.groups:
        yield ""
        verdict = row["verdicts"]
        said = "verdict unavailable (the representative could not be read again)"
        if verdict is not None:
            extra = [
                f"{k}={v}" for k, v in verdict["details"].items() if k != "lambda_model_confidence"
            ]
            said = f"{verdict['environment']} (confidence {verdict['confidence']:.2f})" + (
                f": {', '.join(extra)}" if extra else ""
            )
        yield f"group {row['group']}: {row['count']} of {n} ({_pct(row['count'], n)}), {said}"
        yield f"  representative: {row['representative']}"
        others = row["members"][:MEMBERS_SHOWN]
        more = row["count"] - len(others)
        yield (
            "  members: "
            + ", ".join(others)
            + (f", ... and {more} more (--json lists all)" if more > 0 else "")
        )
        if row["first_time"]:
            yield f"  captured from {row['first_time']} to {row['last_time']}"
        if row["group"] == 1:
            continue
        if not row["differs_from_largest"]:
            yield "  differs from group 1: nothing diff counts as a difference (formats differ?)"
            continue
        differs = row["differs_from_largest"]
        yield "  differs from group 1:"
        for item in differs[:DIFFERENCES_SHOWN]:
            largest = item["largest"] if item["largest"] is not None else "(none)"
            this = item["this"] if item["this"] is not None else "(none)"
            yield f"    {item['target']}  {item['field']}: {largest} -> {this}"
        if len(differs) > DIFFERENCES_SHOWN:
            yield f"    ... and {len(differs) - DIFFERENCES_SHOWN} more (--json lists all)"
    if result.signals:
        yield ""
        yield (
            "signals, those that go with the groups first (V: Cramér's V, 0 unrelated to 1 "
            "determined; n: captures carrying the signal)"
        )
        for sig in result.signals:
            v = (
                "V undefined (one value or one group)"
                if sig["cramers_v"] is None
                else f"V={sig['cramers_v']:.2f}"
            )
            warn = ""
            if sig["cells_expected_below_5"]:
                warn = (
                    f"; {sig['cells_expected_below_5']} cells expect fewer than 5: read V with care"
                )
            yield f"  {sig['signal']}: {v}, n={sig['n']}, {sig['values']} values{warn}"
            for g in sig["groups"]:
                items = list(g["values"].items())
                shown = ", ".join(f"{value} ({count})" for value, count in items[:VALUES_SHOWN])
                rest = f", {len(items) - VALUES_SHOWN} more" if len(items) > VALUES_SHOWN else ""
                yield f"    group {g['group']} (n={g['n']}): {shown}{rest}"
    if result.over_time:
        yield ""
        yield f"over time (per {result.over_time['unit']}, UTC): captures per group"
        for row in result.over_time["rows"]:
            parts = ", ".join(
                f"group {g}: {c} ({_pct(c, row['total'])})" for g, c in row["groups"].items()
            )
            yield f"  {row['bucket']}  {row['total']}: {parts}"
    if result.unreadable:
        yield ""
        yield f"unreadable ({len(result.unreadable)}):"
        for item in result.unreadable:
            yield f"  {item['file']}: {item['error']}"
