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
from dataclasses import fields, is_dataclass, replace
from types import MappingProxyType
from typing import Any

from mountscope.errors import InputWarning
from mountscope.model import Mount, MountTable, signals_of
from mountscope.model.signals import Signals

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


class Redactor:
    """Placeholders for one run: the same value gets the same placeholder."""

    def __init__(self) -> None:
        self.placeholders: dict[tuple[str, str], str] = {}
        self.counts: dict[str, int] = dict.fromkeys(KINDS, 0)
        self.learned: dict[str, str] = {}
        self._pattern: re.Pattern[str] | None = None

    # --- learning ------------------------------------------------------------------

    def learn_value(self, value: Any, kind: str) -> None:
        if not isinstance(value, str) or not value.strip() or PLACEHOLDER.fullmatch(value):
            return
        if value not in self.learned:
            self.learned[value] = kind
            self._pattern = None

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

    def _compiled(self) -> re.Pattern[str]:
        if self._pattern is None:
            names = sorted(self.learned, key=len, reverse=True)
            learned = "|".join(re.escape(name) for name in names)
            parts = [
                f"(?P<keep>{PLACEHOLDER.pattern})",
                f"(?P<arn>{_ARN})",
            ]
            if learned:
                parts.append(f"(?P<learned>(?<![{_EDGE}])(?:{learned})(?![{_EDGE}]))")
            parts += [
                f"(?P<uuid>{_UUID})",
                f"(?P<ip>{_IPV4})",
                f"(?P<ip6>{_IPV6})",
                f"(?P<account>{_ACCOUNT})",
            ]
            self._pattern = re.compile("|".join(parts))
        return self._pattern

    def _replace(self, match: re.Match[str]) -> str:
        kind = match.lastgroup or ""
        value = match.group(0)
        if kind == "keep":
            return value
        if kind == "arn":
            self.learn_text(value)
            return self._placeholder("arn", value)
        if kind == "learned":
            return self._placeholder(self.learned[value], value)
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
        return self._compiled().sub(self._replace, text)

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
        """Every string of an origin (a frozen dataclass, nested ones, the
        verbatim metadata of a snapshot), in a copy of the same shape."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, Signals):
            return Signals.from_dict(self.data(value.to_dict()))
        if is_dataclass(value) and not isinstance(value, type):
            return replace(
                value, **{f.name: self.origin(getattr(value, f.name)) for f in fields(value)}
            )  # type: ignore[type-var]
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
            raw=self.text(m.raw),
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
