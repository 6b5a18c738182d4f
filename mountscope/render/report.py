"""Plain-text reports: the verdict with its evidence, for terminals and pipes."""

from __future__ import annotations

from collections.abc import Iterator

from mountscope.classify import Verdict
from mountscope.diff import Comparison
from mountscope.model import Mount, MountTable, signals_of
from mountscope.model.events import EventAction, MountEvent
from mountscope.render.styles import ANSI, DIFF_MARK
from mountscope.render.verdict import details_text, plain, verdict_lines
from mountscope.render.verdict import headline as verdict_headline
from mountscope.text import safe


def headline(verdict: Verdict) -> str:
    """The verdict and its confidence, on one line."""
    return plain(verdict_headline(verdict))


def verdict_line(capture: MountTable) -> str:
    """The verdict as one header line above a tree."""
    from mountscope.classify import classify

    return "verdict: " + headline(classify(capture, signals_of(capture.provenance)))


# --- diff -----------------------------------------------------------------------------


def _marks(mount: Mount | None) -> str:
    if mount is None:
        return ""
    words: list[str] = [mount.kind]
    if mount.is_bind:
        words.append("bind")
    return ", ".join(words)


def _mark_values(mount: Mount | None) -> tuple[str, bool] | None:
    """What _marks() writes, compared without writing it (most changed pairs keep theirs)."""
    return None if mount is None else (mount.kind, mount.is_bind)


def diff_lines(comparison: Comparison, color: bool = False) -> Iterator[str]:
    """The comparison for people: a summary, then each difference in tree order."""

    def paint(style: str | None, text: str) -> str:
        return f"\x1b[{style}m{text}\x1b[0m" if color and style else text

    counts = comparison.summary
    yield safe(
        f"{counts['changed']} changed, {counts['added']} added, {counts['removed']} removed, "
        f"{counts['same']} same, {counts['same_shape']} same shape"
        f"  (A: {comparison.a.label}, {len(comparison.a.mounts)} mounts; "
        f"B: {comparison.b.label}, {len(comparison.b.mounts)} mounts)"
    )
    not_comparable: set[str] = set()
    # Plainly-same pairs, counted and not listed, have nothing to show.
    for pair in comparison.listed:
        not_comparable.update(pair.not_comparable)
        if pair.kind == "same":
            continue
        style = ANSI.get(pair.kind.style_name) if color else None
        mount = pair.b or pair.a
        assert mount is not None
        # Escaped once, as a whole line (escaping twice would show \x5cx09 for \x09).
        head = f"{DIFF_MARK[pair.kind]} {pair.target}"
        if pair.kind in ("added", "removed"):
            side = "B" if pair.kind == "added" else "A"
            yield paint(
                style,
                safe(
                    f"{head}  {mount.display_source} {mount.fstype} {mount.options}".rstrip()
                    + f"  ({side} line {mount.line}; {_marks(mount)})"
                ),
            )
            continue
        if pair.kind == "same_shape":
            head += "  (same shape: differs only in random ids)"
        yield paint(style, safe(head))
        fields = pair.changes if pair.kind == "changed" else pair.same_shape
        for name, (old, new) in fields.items():
            yield paint(
                style,
                safe(
                    f"    {name}: {old if old is not None else '(none)'} -> "
                    f"{new if new is not None else '(none)'}"
                ),
            )
        if pair.kind == "changed" and _mark_values(pair.a) != _mark_values(pair.b):
            yield safe(f"    A: {_marks(pair.a)}; B: {_marks(pair.b)}")
    if not_comparable:
        yield safe(
            f"not comparable (one format cannot carry them): {', '.join(sorted(not_comparable))}"
        )
    verdicts = comparison.verdicts
    if verdicts:
        yield "verdicts:"
        for side in ("a", "b"):
            verdict = verdicts[side]
            details = details_text(verdict["details"])
            yield safe(
                f"  {side.upper()}: {verdict['environment']} (confidence {verdict['confidence']:.2f})"
                + (f": {details}" if details else "")
            )
        for side in ("a", "b"):
            for item in verdicts[f"only_in_{side}"]:
                where = item["mount"]["target"] if item["mount"] else item["signal"]
                yield safe(
                    f"  only in {side.upper()}: {item['weight']:+.1f} {item['says']}: {where}: {item['why']}"
                )


# --- watch ----------------------------------------------------------------------------


def event_line(event: MountEvent) -> str:
    """One change of a live table: action, target, source, type, options."""
    m = event.mount
    extra = ""
    if event.action == EventAction.MOVE and event.old:
        extra = f"  (was {event.old.target})"
    elif event.action == EventAction.REMOUNT and event.old:
        extra = f"  (was {event.old.options})"
    return safe(
        f"{event.action:<10} {m.target} {m.display_source or '-'} {m.fstype} {m.options}{extra}"
    )


__all__ = ["details_text", "diff_lines", "event_line", "headline", "verdict_line", "verdict_lines"]
