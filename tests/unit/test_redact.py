"""Redaction finds learned values without a pattern of all of them.

The rule is the one a single regular expression states: placeholders and
ARNs, then learned values (between non-word characters, the longest first),
then UUIDs, IPv4 and IPv6 addresses and account ids, the leftmost match
winning. That expression, rebuilt as values were learned, made redacting
thousands of captures quadratic; the Redactor now finds learned values through
a dict. The expression is kept here as the reference the Redactor must equal.
"""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from mountscope.redact import _ACCOUNT, _ARN, _EDGE, _IPV4, _IPV6, _UUID, PLACEHOLDER, Redactor


def reference(redactor: Redactor, text: str) -> str:
    """The same text through the one expression of every alternative."""
    names = sorted(redactor.learned, key=len, reverse=True)
    parts = [f"(?P<keep>{PLACEHOLDER.pattern})", f"(?P<arn>{_ARN})"]
    if names:
        learned = "|".join(re.escape(name) for name in names)
        parts.append(f"(?P<learned>(?<![{_EDGE}])(?:{learned})(?![{_EDGE}]))")
    parts += [
        f"(?P<uuid>{_UUID})",
        f"(?P<ip>{_IPV4})",
        f"(?P<ip6>{_IPV6})",
        f"(?P<account>{_ACCOUNT})",
    ]

    def replace(match: re.Match[str]) -> str:
        if match.lastgroup == "learned":
            value = match.group(0)
            return redactor._placeholder(redactor.learned[value], value)
        return redactor._replace(match)

    return re.compile("|".join(parts)).sub(replace, text)


NAMES = [
    "web",
    "web-1",
    "ip-10-0-0-1.ec2.internal",
    "fn_a",
    ".hidden",
    "a.b",
    "x y",
    "123456789012",
]
TOKENS = [
    *NAMES,
    "/",
    ".",
    "-",
    " ",
    ":",
    "_",
    "z",
    "9",
    "<host-1>",
    "arn:aws:iam::123456789012:role/web",
    "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
    "10.0.0.1",
    "fe80::1",
    "999.1.1.1",
    "210987654321",
]


@given(st.lists(st.sampled_from(TOKENS), max_size=30), st.sets(st.sampled_from(NAMES)))
def test_the_redactor_replaces_what_the_one_expression_does(tokens: list[str], learned: set[str]):
    text = "".join(tokens)
    ours, theirs = Redactor(), Redactor()
    for name in sorted(learned):
        ours.learn_value(name, "host")
        theirs.learn_value(name, "host")
    assert ours.text(text) == reference(theirs, text)
    assert ours.placeholders == theirs.placeholders  # numbered in the same order


def test_redacting_many_captures_learns_without_recompiling_everything():
    # Each capture brings a hostname of its own; before, each one rebuilt and
    # recompiled an expression of every hostname learned so far.
    redactor = Redactor()
    for n in range(5000):
        redactor.learn_value(f"host-{n:05d}.example", "host")
        assert redactor.text(f"/etc/hostname host-{n:05d}.example") == (
            f"/etc/hostname <host-{n + 1}>"
        )
    assert redactor.text("host-00042.example and host-04999.example") == (
        "<host-43> and <host-5000>"
    )
