"""Style names to ANSI SGR codes, for terminals only (never with NO_COLOR).

The names come from the model (source kinds: mountscope.model.kinds.KIND_STYLE)
and from the comparison (PairStatus.style_name); the app maps the same names
to its component classes.
"""

from __future__ import annotations

ANSI: dict[str, str] = {
    "loop": "33",
    "virtio": "36",
    "disk": "36",
    "bind": "1;35",
    "overlay": "35",
    "tmpfs": "32",
    "pseudo": "2",
    "network": "34",
    "changed": "33",
    "added": "32",
    "removed": "31",
    "same-shape": "2",
}


# The mark before a pair of mounts by how they compare, in the report and the app.
DIFF_MARK = {"changed": "~", "added": "+", "removed": "-", "same_shape": "=", "same": " "}


def paint(name: str, text: str) -> str:
    """``text`` in the style called ``name`` (as is for a name with no style)."""
    code = ANSI.get(name)
    return f"\x1b[{code}m{text}\x1b[0m" if code else text
