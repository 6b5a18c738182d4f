"""/proc/PID/mountinfo.

``36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue``

Fields 1-6 are split on single spaces; the separator is the first lone "-"
after field 6 (a source or a mount point may be "-" or contain " - " when
escaped); two spaces after the fstype mean an empty source; the super options
are the rest of the line, spaces included (old CIFS). Paths, source and fstype
are octal-escaped (``\\040``) and decoded to bytes, then to text with
surrogateescape so that invalid UTF-8 survives.
"""

from __future__ import annotations

import re
from functools import lru_cache

from mountscope.model import Mount, merge_options
from mountscope.model.mount import mountinfo_mount
from mountscope.parsers.lines import line_table
from mountscope.text import decode_octal, encode_octal

NAME = "mountinfo"
FIELDS = frozenset(
    {
        "target",
        "source",
        "fstype",
        "options",
        "vfs_options",
        "fs_options",
        "fsroot",
        "mount_id",
        "parent_id",
        "devno",
        "propagation",
        "optional_fields",
    }
)

_HEAD = re.compile(r"\d+ \d+ \d+:\d+ ")


def looks_like(line: str) -> bool:
    """libmount's test (two unsigned integers), tightened with maj:min and the separator."""
    return _HEAD.match(line) is not None and " - " in line


# What the start of a mountinfo line cut short looks like: "36 35 98:0 /mnt1 /m".
_FRAGMENT = re.compile(r"\d+(?: (?:\d+(?: (?:\d+(?::(?:\d+(?: .*)?)?)?)?)?)?)?")


def fragment(line: str) -> bool:
    """Whether a line that is not one may be a damaged mountinfo line."""
    return _FRAGMENT.fullmatch(line) is not None or (_HEAD.match(line) is not None)


# The kernel's mount ids are 32-bit (64-bit unique ids are not written in
# mountinfo); a longer "id" is not a mount's, and int() of thousands of
# digits is slow and, past 4 300, refused.
MAX_ID_DIGITS = 20


def fields_of(line: str) -> tuple[str, ...] | str:
    """One mountinfo line's fields, decoded: (mount id, parent id, major:minor,
    root, target, per-mount options, optional fields, fstype, source, super
    options), or the reason it is not a mountinfo line."""
    parts = line.split(" ")
    if len(parts) < 9:
        return "too few fields for mountinfo"
    id_text, parent_text, devno = parts[0], parts[1], parts[2]
    major, colon, minor = devno.partition(":")
    if not (id_text.isdecimal() and parent_text.isdecimal()):
        return "mount id and parent id must be numbers"
    if len(id_text) > MAX_ID_DIGITS or len(parent_text) > MAX_ID_DIGITS:
        return f"mount id or parent id longer than {MAX_ID_DIGITS} digits"
    if not (colon and major.isdecimal() and minor.isdecimal()):
        return f"bad major:minor '{devno}'"
    try:
        sep = parts.index("-", 6)
    except ValueError:
        return "no ' - ' separator after the optional fields"
    if sep + 1 >= len(parts) or not parts[sep + 1]:
        return "no filesystem type after the separator"
    if sep + 2 >= len(parts):
        return "no source after the filesystem type"
    # The super options are the rest of the line, spaces included (old CIFS).
    fs = parts[sep + 3] if len(parts) == sep + 4 else " ".join(parts[sep + 3 :])
    root, target, vfs, fstype, source = parts[3], parts[4], parts[5], parts[sep + 1], parts[sep + 2]
    if "\\" in line:
        root, target, vfs, fstype, source, fs = (
            decode_octal(f) for f in (root, target, vfs, fstype, source, fs)
        )
    optional = " ".join(parts[6:sep])
    return id_text, parent_text, devno, root, target, vfs, optional, fstype, source, fs


# The values the lines of a table repeat (filesystem types, sources, per-mount
# and super options, parent ids) are kept once: each mount refers to the first
# equal value read, in this table or an earlier one (the two captures of a
# diff share most of theirs). Bounded, so that a process that reads many
# tables does not keep them all; unique values (targets, device numbers,
# mount ids) are not looked up. Where the C reader is built, its caches
# (_mountinfo.shared and shared_id) take the place of these.
_shared = lru_cache(maxsize=1 << 16)(str.__str__)
_shared_id = lru_cache(maxsize=1 << 12)(int)


def parse_line_python(line: str, lineno: int) -> Mount | str:
    """One mountinfo line as a Mount, or the reason it is not one: the
    reference reader, which the C one follows for plain lines."""
    fields = fields_of(line)
    if isinstance(fields, str):
        return fields
    id_text, parent_text, devno, root, target, vfs, optional, fstype, source, fs = fields
    vfs, fs = _shared(vfs), _shared(fs)
    # The line is kept only when the fields do not write it back exactly
    # (Mount.raw is then mountinfo_line()). They do when it has no escape, its
    # ids are plain digits, no field is empty (no doubled space: an empty
    # optional field would vanish) and it is as long as the fields and their
    # separators (the super options, even empty, have a space before them).
    # (Tested on generated lines, the odd ones included.)
    written = (
        len(id_text)
        + len(parent_text)
        + len(devno)
        + len(root)
        + len(target)
        + len(vfs)
        + (len(optional) + 1 if optional else 0)
        + len(fstype)
        + len(source)
        + len(fs)
        + 10
    )
    plain = (
        len(line) == written
        and "\\" not in line
        and "  " not in line
        and id_text.isascii()
        and parent_text.isascii()
        and (id_text[0] != "0" or id_text == "0")
        and (parent_text[0] != "0" or parent_text == "0")
    )
    return mountinfo_mount(
        target,
        _shared(source),
        _shared(fstype),
        merge_options(vfs, fs),
        vfs,
        fs,
        root,
        int(id_text),
        _shared_id(parent_text),
        devno,
        optional,
        lineno,
        None if plain else line,
    )


try:
    from mountscope.parsers import _mountinfo
except ImportError:  # not built: the Python reader reads every line
    read_plain_line = None
    read_plain_lines = None
else:
    # findmnt's OPTIONS made in C (the model's merge_options is the
    # reference), cached the same way: most of a large table's pairs of
    # option strings are new, and each took 1.4 us in Python.
    _merge = lru_cache(maxsize=1 << 16)(_mountinfo.merge_options)
    _mountinfo.configure(Mount, _merge, merge_options)
    # Both readers keep repeated values in the C reader's caches: a value
    # is one object whichever reader read it.
    _shared, _shared_id = _mountinfo.shared, _mountinfo.shared_id  # type: ignore[assignment]
    # The Mount of a plain line (the fields write it back exactly), or None.
    read_plain_line = _mountinfo.parse_line
    # The Mounts of a text's plain lines from a position on, and where the
    # first other line (or an unended one) starts.
    read_plain_lines = _mountinfo.parse_lines


def parse_line(line: str, lineno: int) -> Mount | str:
    """One mountinfo line as a Mount, or the reason it is not one. A plain
    line is read in C where that module is built (parsers/_mountinfo.c),
    about three times as fast; any other line, and every line without the
    module, by parse_line_python()."""
    if read_plain_line is not None:
        mount = read_plain_line(line, lineno)
        if mount is not None:
            return mount
    return parse_line_python(line, lineno)


# The whole table: every line through parse_line, bad ones kept as warnings.
parse = line_table(NAME, FIELDS, parse_line)


def scan(lines: list[str], start: int) -> int:
    """How many lines from ``start`` form a mountinfo block (0 if none)."""
    end = start
    while (
        end < len(lines)
        and looks_like(lines[end])
        and not isinstance(parse_line(lines[end], 0), str)
    ):
        end += 1
    return end - start


def format_line(m: Mount) -> str:
    """Write a Mount back as a mountinfo line (the inverse of parse_line)."""
    optional = f" {m.optional_fields}" if m.optional_fields else ""
    vfs = m.vfs_options if m.vfs_options is not None else m.options
    fs = m.fs_options if m.fs_options is not None else m.options
    return (
        f"{m.mount_id} {m.parent_id} {m.devno or '0:0'} {encode_octal(m.fsroot or '/')} "
        f"{encode_octal(m.target)} {encode_octal(vfs)}{optional} - "
        f"{encode_octal(m.fstype, '#')} {encode_octal(m.source, '#')} {encode_octal(fs)}"
    )
