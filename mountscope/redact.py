"""Stable placeholders for what identifies an account, a function or a machine.

``--redact`` replaces AWS account ids, ARNs, Lambda function names and
request ids, UUIDs, hostnames and IP addresses with placeholders such as
``<account-1>`` or ``<uuid-3>``. Within one run the same value always gets the
same placeholder, so two redacted captures still compare and group as the
originals do.

Values are found two ways: by their form (an ARN, a UUID, a 12-digit number,
an IPv4 or IPv6 address) anywhere in any text, and by learning them from what
a capture says about itself (its hostname, its function name and request id)
and replacing them wherever they appear, even in mount paths. Text that is
already a placeholder is left alone, so redacting twice changes nothing.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from mountscope.errors import InputWarning
from mountscope.model import Mount, MountTable, signals_of
from mountscope.model.signals import Signals
from mountscope.record import as_dict, is_record, replace

KINDS = ("arn", "account", "function", "request", "uuid", "host", "ip")
PLACEHOLDER = re.compile(r"<(?:" + "|".join(KINDS) + r")-\d+>")

_ARN = r"arn:aws[a-z-]*:[a-z0-9-]*:[a-z0-9-]*:\d{0,12}:[^\s\"',;()\[\]<>]+"
_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_IPV4 = r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?!\w|\.\d)"
# Candidates only: each is checked with the ipaddress module before it is replaced.
_IPV6 = r"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?:%[\w.-]+)?(?![\w:])"
_ACCOUNT = r"(?<!\d)\d{12}(?!\d)"

# Where a Lambda function's name shows up: its ARN, its log group, its code's path.
_FUNCTION_IN = (
    re.compile(r"arn:aws[a-z-]*:lambda:[^:\s]*:\d*:function:([A-Za-z0-9_-]+)"),
    re.compile(r"/aws/lambda/([A-Za-z0-9_-]+)"),
    re.compile(r"/tasks/\d{12}/([A-Za-z0-9_-]+)/"),
)
# Metadata keys and environment variables whose values identify something.
_LEARN_METADATA = {
    "hostname": "host",
    "lambda_function_name": "function",
    "lambda_aws_request_id": "request",
}
_LEARN_ENV = {"AWS_LAMBDA_FUNCTION_NAME": "function"}
_EDGE = "A-Za-z0-9_-"
_EDGE_RUN = re.compile(f"[{_EDGE}]+")
# Everything found by its form, in the order the alternatives are tried.
_BY_FORM = re.compile(
    "|".join(
        (
            f"(?P<keep>{PLACEHOLDER.pattern})",
            f"(?P<arn>{_ARN})",
            f"(?P<uuid>{_UUID})",
            f"(?P<ip>{_IPV4})",
            f"(?P<ip6>{_IPV6})",
            f"(?P<account>{_ACCOUNT})",
        )
    )
)


def _is_edge(text: str, at: int) -> bool:
    return at < len(text) and (text[at].isascii() and (text[at].isalnum() or text[at] in "_-"))


class Redactor:
    """Placeholders for one run: the same value gets the same placeholder."""

    def __init__(self) -> None:
        self.placeholders: dict[tuple[str, str], str] = {}
        self.counts: dict[str, int] = dict.fromkeys(KINDS, 0)
        self.learned: dict[str, str] = {}
        # Learned values by the run of word characters they begin with, longest
        # first: where one occurs, that run is a whole run of the text (a
        # value stands between non-word characters). Found with a dict, not a
        # pattern of every value recompiled as values are learned: redacting
        # thousands of captures stays linear.
        self._by_first_run: dict[str, list[str]] = {}
        # The rare values that begin with another character: a pattern of them.
        self._odd: list[str] = []
        self._odd_pattern: re.Pattern[str] | None = None

    # --- learning ------------------------------------------------------------------

    def learn_value(self, value: Any, kind: str) -> None:
        if not isinstance(value, str) or not value.strip() or PLACEHOLDER.fullmatch(value):
            return
        if value not in self.learned:
            self.learned[value] = kind
            first = _EDGE_RUN.match(value)
            if first is None:
                self._odd.append(value)
                self._odd_pattern = None
            else:
                names = self._by_first_run.setdefault(first.group(0), [])
                names.append(value)
                names.sort(key=len, reverse=True)

    def learn_text(self, text: str | None) -> None:
        """Function names inside ARNs, log groups and /var/task roots."""
        if not text:
            return
        for pattern in _FUNCTION_IN:
            for match in pattern.finditer(text):
                self.learn_value(match.group(1), "function")

    def learn(self, capture: MountTable) -> None:
        """What a capture says about itself: its hostname, function and request."""
        metadata = capture.provenance.metadata()
        for key, kind in _LEARN_METADATA.items():
            self.learn_value(metadata.get(key), kind)
        for value in metadata.values():
            if isinstance(value, str):
                self.learn_text(value)
        signals = signals_of(capture.provenance)
        if signals is not None:
            self.learn_value(getattr(signals, "hostname", None), "host")
            env = getattr(signals, "env", None) or {}
            for key, kind in _LEARN_ENV.items():
                self.learn_value(env.get(key), kind)
            for value in env.values():
                self.learn_text(value)
        for mount in capture.mounts:
            if mount.fsroot and "/tasks/" in mount.fsroot:
                self.learn_text(mount.fsroot + "/")

    # --- replacing -----------------------------------------------------------------------

    def _placeholder(self, kind: str, value: str) -> str:
        key = (kind, value)
        found = self.placeholders.get(key)
        if found is None:
            self.counts[kind] += 1
            found = self.placeholders[key] = f"<{kind}-{self.counts[kind]}>"
        return found

    def _learned_at(self, text: str, start: int) -> tuple[int, str] | None:
        """The first learned value in ``text`` from ``start`` on, between
        non-word characters, the longest where several begin at one place."""
        found: tuple[int, str] | None = None
        if self._odd:
            if self._odd_pattern is None:
                names = sorted(self._odd, key=len, reverse=True)
                self._odd_pattern = re.compile(
                    f"(?<![{_EDGE}])(?:{'|'.join(map(re.escape, names))})(?![{_EDGE}])"
                )
            odd = self._odd_pattern.search(text, start)
            if odd is not None:
                found = (odd.start(), odd.group(0))
        for run in _EDGE_RUN.finditer(text, start):
            at = run.start()
            if found is not None and at > found[0]:
                break
            if at > 0 and _is_edge(text, at - 1):
                continue  # the rest of a run that began before start
            for name in self._by_first_run.get(run.group(0), ()):
                if text.startswith(name, at) and not _is_edge(text, at + len(name)):
                    return at, name
        return found

    def _replace(self, match: re.Match[str]) -> str:
        kind = match.lastgroup or ""
        value = match.group(0)
        if kind == "keep":
            return value
        if kind == "arn":
            self.learn_text(value)
            return self._placeholder("arn", value)
        if kind in ("ip", "ip6"):
            try:
                ipaddress.ip_address(value.split("%", 1)[0])
            except ValueError:
                if kind == "ip6":
                    return value
                # Not an address (an octet over 255): its digits may still hold an account.
                return re.sub(_ACCOUNT, lambda m: self._placeholder("account", m.group(0)), value)
            return self._placeholder("ip", value)
        return self._placeholder(kind, value)

    def text(self, text: str) -> str:
        """``text`` with every value found by its form or learned replaced.

        As one pattern of all of them would: the leftmost match wins; where
        several begin at the same place, placeholders and ARNs come first,
        then learned values, then UUIDs, addresses and account ids; the search
        goes on after each replacement."""
        if not self.learned:
            return _BY_FORM.sub(self._replace, text)
        out: list[str] = []
        pos = 0
        match = _BY_FORM.search(text)
        learned = self._learned_at(text, 0)
        while match is not None or learned is not None:
            if learned is not None and (
                match is None
                or learned[0] < match.start()
                or (learned[0] == match.start() and match.lastgroup not in ("keep", "arn"))
            ):
                at, name = learned
                out += (text[pos:at], self._placeholder(self.learned[name], name))
                pos = at + len(name)
            else:
                assert match is not None
                out += (text[pos : match.start()], self._replace(match))
                pos = match.end()
            # What begins before the new position was passed over.
            if match is not None and match.start() < pos:
                match = _BY_FORM.search(text, pos)
            if learned is not None and learned[0] < pos:
                learned = self._learned_at(text, pos)
        if not out:
            return text
        out.append(text[pos:])
        return "".join(out)

    def optional(self, text: str | None) -> str | None:
        return None if text is None else self.text(text)

    def data(self, value: Any) -> Any:
        """Every string in a structure of dicts and lists (keys too)."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {self.data(k): self.data(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.data(v) for v in value]
        return value

    def origin(self, value: Any) -> Any:
        """Every string of an origin (a frozen record, nested ones, the
        verbatim metadata of a snapshot), in a copy of the same shape."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, Signals):
            return Signals.from_dict(self.data(value.to_dict()))
        if is_record(value):
            return replace(
                value, **{name: self.origin(field) for name, field in as_dict(value).items()}
            )
        if isinstance(value, Mapping):
            return MappingProxyType(self.data(dict(value)))
        if isinstance(value, tuple):
            return tuple(self.origin(v) for v in value)
        return value

    def mount(self, m: Mount) -> Mount:
        return replace(
            m,
            target=self.text(m.target),
            source=self.text(m.source),
            options=self.text(m.options),
            vfs_options=self.optional(m.vfs_options),
            fs_options=self.optional(m.fs_options),
            fsroot=self.optional(m.fsroot),
            optional_fields=self.optional(m.optional_fields),
            raw_line=self.text(m.raw),
            extra=tuple((self.text(k), self.text(v)) for k, v in m.extra),
        )

    def capture(self, capture: MountTable) -> MountTable:
        """A redacted copy of the capture (the original is not changed)."""
        self.learn(capture)
        return replace(
            capture,
            mounts=tuple(self.mount(m) for m in capture.mounts),
            origin=self.text(capture.origin),
            title=self.optional(capture.title),
            warnings=tuple(
                InputWarning(self.text(w.origin), w.line, self.text(w.message))
                for w in capture.warnings
            ),
            provenance=self.origin(capture.provenance),
            raw_text=self.optional(capture.raw_text),
        )
