"""mountscope's own snapshots (docs/snapshot.md).

A snapshot keeps the table text verbatim in its original format (mountinfo
for live captures) next to the parsed mounts, so loading re-parses the text:
what was saved is exactly what comes back, and a better parser later reads
the same bytes better.

A snapshot is untrusted input like any capture: every field is checked for
its type when it is loaded (``FIELDS``), and a field of the wrong type is a
warning naming it and is then ignored, so that nothing past the loader ever
sees a value of an unexpected type.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

from mountscope.errors import InputWarning, ParseError
from mountscope.model import MountTable, SnapshotOrigin
from mountscope.record import replace

NAME = "snapshot"
FORMAT_ID = "mountscope.snapshot"
VERSION = 1

_SCALAR = ("string", "number", "boolean", "null")

# Every field of a snapshot that is read, by its path, and the JSON types it
# may have: "a.b" is key b of object a, "a.*" any other key of a, "a[]" each
# item of array a. This one table is the whole check; tests/test_capture.py
# holds it to docs/snapshot.schema.json. Keys not listed are not read: they
# are dropped. The items of "mounts" are informational (the table's text is
# what is loaded) and are never read, so their fields are not checked either:
# checking them would cost a large snapshot a third of its load time.
FIELDS: dict[str, tuple[str, ...]] = {
    "": ("object",),
    "format": ("string",),
    "version": ("integer",),
    "title": ("string", "null"),
    "created": ("string",),
    "tool": ("object",),
    "tool.name": ("string",),
    "tool.version": ("string",),
    "metadata": ("object",),
    "metadata.hostname": ("string", "null"),
    "metadata.kernel_release": ("string",),
    "metadata.machine": ("string",),
    "metadata.time": ("string",),
    "metadata.mountscope_version": ("string",),
    "metadata.command_pid": ("integer",),
    "metadata.pid": ("integer",),
    "metadata.mnt_ns": ("string", "null"),
    "metadata.source": ("string",),
    "metadata.recording": ("string",),
    "metadata.screen_lines": ("array",),
    "metadata.screen_lines[]": ("integer",),
    "metadata.seconds": ("number",),
    "metadata.lambda_invocation": ("integer",),
    "metadata.saved_from": ("object",),
    "metadata.saved_from.file": ("string",),
    "metadata.saved_from.format": ("string",),
    "metadata.saved_from.table_format": ("string",),
    "metadata.saved_from.first_line": ("integer",),
    "metadata.saved_from.title": ("string", "null"),
    "metadata.*": _SCALAR,  # added by the Lambda handler, and by later versions
    "table": ("object",),
    "table.format": ("string",),
    "table.first_line": ("integer",),
    "table.text": ("string",),
    "table.text_base64": ("string",),
    "table.settled": ("boolean",),
    "table.reads": ("integer",),
    "mounts": ("array",),
    "signals": ("object", "null"),
    "signals.cmdline": ("string", "null"),
    "signals.version": ("string", "null"),
    "signals.osrelease": ("string", "null"),
    "signals.cpu": ("object", "null"),
    "signals.cpu.*": ("string",),
    "signals.dmi": ("object", "null"),
    "signals.dmi.*": ("string",),
    "signals.dmi_present": ("boolean", "null"),
    "signals.device_tree_compatible": ("string", "null"),
    "signals.virtio_devices": ("array", "null"),
    "signals.virtio_devices[]": ("string",),
    "signals.acpi_devices": ("array", "null"),
    "signals.acpi_devices[]": ("string",),
    "signals.pci_devices": ("integer", "null"),
    "signals.cgroup_self": ("string", "null"),
    "signals.cgroup_init": ("string", "null"),
    "signals.markers": ("object",),
    "signals.markers.*": ("boolean",),
    "signals.systemd_container": ("string", "null"),
    "signals.env": ("object",),
    "signals.env.*": ("string",),
    "signals.hostname": ("string", "null"),
    "signals.machine": ("string", "null"),
    "signals.block_serials": ("object", "null"),
    "signals.block_serials.*": ("string",),
    "signals.loop_backing": ("object", "null"),
    "signals.loop_backing.*": ("string",),
}

_ITEMS = "[]"
_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "boolean": (bool,),
    "integer": (int,),
    "number": (int, float),
    "null": (type(None),),
    "object": (dict,),
    "array": (list,),
}
_KINDS = {
    str: "string",
    bool: "boolean",
    int: "integer",
    float: "number",
    type(None): "null",
    dict: "object",
    list: "array",
}
_ARTICLES = {
    "string": "a string",
    "boolean": "a boolean",
    "integer": "an integer",
    "number": "a number",
    "null": "null",
    "object": "an object",
    "array": "an array",
}
# orjson reads integers of at most 64 bits; the standard library's fallback
# reads any, and such a number is refused here rather than overflow later.
_INTEGERS = range(-(2**63), 2**64)


class _Field:
    """One entry of FIELDS, ready for checking: the Python types it admits
    (``type(value) in types``: bool is not an int here, as in JSON) and its
    own fields."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.allowed = FIELDS[path]
        self.types = frozenset(t for name in self.allowed for t in _JSON_TYPES[name])
        self.keys: dict[str, _Field] = {}
        self.other: _Field | None = None  # "a.*"
        self.items: _Field | None = None  # "a[]"
        self.leaf = True  # no fields of its own


def _split(path: str) -> tuple[str, str]:
    """A path's parent and its last step ("*" and "[]" included)."""
    if path.endswith(_ITEMS):
        return path[: -len(_ITEMS)], _ITEMS
    parent, _, key = path.rpartition(".")
    return parent, key


_SPECS = {path: _Field(path) for path in FIELDS}
for _path, _spec in _SPECS.items():
    if _path:
        _parent, _step = _split(_path)
        if _step == _ITEMS:
            _SPECS[_parent].items = _spec
        elif _step == "*":
            _SPECS[_parent].other = _spec
        else:
            _SPECS[_parent].keys[_step] = _spec
        _SPECS[_parent].leaf = False


def _kind(value: Any) -> str:
    """The JSON type of a decoded value ("integer", not "number", for 3)."""
    return _KINDS.get(type(value), type(value).__name__)


def _described(value: Any) -> str:
    kind = _kind(value)
    if kind == "integer" and value not in _INTEGERS:
        return "an integer out of range"
    return _ARTICLES.get(kind, kind)


def _shown(value: Any) -> str:
    """A short JSON-like spelling of a scalar (never the whole of a nested value)."""
    kind = _kind(value)
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "null":
        return "null"
    if kind in ("integer", "number") and (kind == "number" or value in _INTEGERS):
        return str(value)
    if kind == "string" and len(value) <= 40:
        return '"' + value + '"'
    return _described(value)


def _path_of(where: tuple[Any, ...]) -> str:
    """A readable JSON path from the steps to a field (``(((), "table"), "text")``):
    table.text, signals.acpi_devices[3], signals.env["odd key"]."""
    steps = []
    while where:
        where, key = where
        steps.append(key)
    text = ""
    for key in reversed(steps):
        if isinstance(key, int):
            text += f"[{key}]"
        elif key.isidentifier():
            text += f".{key}" if text else key
        else:
            text += '["' + key.replace("\\", "\\\\").replace('"', '\\"') + '"]'
    return text or "the document"


_WRONG = object()


def _check(
    value: Any, spec: _Field, where: tuple[Any, ...], problems: list[tuple[str, str]]
) -> Any:
    """``value`` with every field of the wrong type left out, each one noted in
    ``problems`` as (path in FIELDS, message naming it). The recursion follows
    FIELDS, three levels deep, never the document's own nesting. A field's
    JSON path is spelled out only when it is wrong: big snapshots load fast."""
    kind = type(value)
    if kind not in spec.types or (kind is int and value not in _INTEGERS):
        expected = " or ".join(_ARTICLES[name] for name in spec.allowed)
        problems.append((spec.path, f"{_path_of(where)} is {_described(value)}, not {expected}"))
        return _WRONG
    if kind is dict and (spec.keys or spec.other):
        kept = {}
        for key, item in value.items():
            child = spec.keys.get(key, spec.other)
            if child is None:
                continue  # not a field of version 1: nothing reads it
            if (
                child.leaf
                and type(item) in child.types
                and (type(item) is not int or item in _INTEGERS)
            ):
                kept[key] = item  # the common case, a scalar of the right type
                continue
            item = _check(item, child, (where, key), problems)
            if item is not _WRONG:
                kept[key] = item
        return kept
    if kind is list and spec.items is not None:
        child = spec.items
        kept_items = []
        for index, item in enumerate(value):
            item = _check(item, child, (where, index), problems)
            if item is not _WRONG:
                kept_items.append(item)
        return kept_items
    return value


def validate(document: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The document with every field of the wrong type left out, and what was
    left out: (path in FIELDS, message naming the field by its JSON path)."""
    problems: list[tuple[str, str]] = []
    checked = _check(document, _SPECS[""], (), problems)
    return (checked if isinstance(checked, dict) else {}), problems


def member(parent: Any, parent_path: str, key: str) -> Any:
    """Field ``key`` of the object at ``parent_path``, checked as validate()
    checks it: None when absent, not a field of version 1, or of the wrong
    type; an object's own fields of the wrong type left out. For readers that
    need a few fields of a document, not the whole of it."""
    if type(parent) is not dict:
        return None
    value = parent.get(key)
    if value is None:  # absent, or null (which leaves it out, allowed or not)
        return None
    spec = _SPECS[parent_path]
    child = spec.keys.get(key, spec.other)
    if child is None:
        return None
    kind = type(value)
    if child.leaf and kind in child.types and (kind is not int or value in _INTEGERS):
        return value  # the common case, as in _check()
    value = _check(value, child, (), [])
    return None if value is _WRONG else value


def is_snapshot(document: Any) -> bool:
    return isinstance(document, dict) and document.get("format") == FORMAT_ID


def decode_table_text(table: dict[str, Any]) -> str | None:
    """The table's text: as written, or its bytes from base64 (paths not UTF-8)."""
    if isinstance(table.get("text"), str):
        return table["text"]
    if isinstance(table.get("text_base64"), str):
        try:
            return base64.b64decode(table["text_base64"], validate=True).decode(
                "utf-8", "surrogateescape"
            )
        except ValueError:
            return None
    return None


def from_document(
    document: dict[str, Any], origin: str, parse_text: Callable[..., list[MountTable]]
) -> MountTable:
    version = document.get("version")
    if type(version) is not int or version != VERSION:  # true == 1 in Python, not in JSON
        raise ParseError(
            origin,
            f"snapshot version {_shown(version)} is not supported "
            f"(this mountscope reads version {VERSION}); a newer mountscope may read it",
        )
    document, problems = validate(document)
    table = document.get("table", {})
    text = decode_table_text(table)
    if text is None or "format" not in table or table["format"] == NAME:
        # Say what is wrong with the table, when it is a field of the wrong type.
        why = next(
            (
                message
                for path, message in problems
                if path in ("table", "table.format", "table.text", "table.text_base64")
            ),
            None,
        )
        if why is None and "text_base64" in table and "text" not in table:
            why = "table.text_base64 is not valid base64"
        raise ParseError(
            origin,
            'a snapshot without a "table" holding its "format" and "text"'
            + (f" ({why})" if why else ""),
        )
    warnings = [
        InputWarning(origin, None, f"snapshot field {message}; ignored") for _, message in problems
    ]
    first_line = table.get("first_line", 1)
    if first_line < 1:
        warnings.append(
            InputWarning(
                origin,
                None,
                f"snapshot field table.first_line is {first_line}, not a line number; ignored",
            )
        )
        first_line = 1
    capture = parse_text(text, origin, table["format"], first_line)[0]
    signals = document.get("signals")
    if signals is not None:
        from mountscope.model.signals import Signals

        signals = Signals.from_dict(signals)
    title = document.get("title")
    return replace(
        capture.with_text(text),
        format=NAME,
        warnings=(*warnings, *capture.warnings),
        provenance=SnapshotOrigin.read(
            origin,
            table["format"],
            table.get("settled"),
            table.get("reads"),
            document.get("metadata", {}),
            signals,
        ),
        title=title if isinstance(title, str) else capture.title,
    )
