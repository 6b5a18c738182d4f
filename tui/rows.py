"""What each row of the tree view shows: one capture, or two side by side as
one table.

A row model owns a TreeState (which nodes are visible) and a list of columns.
Column widths come from the data, as findmnt's do: measured once over every
mount (so expanding, collapsing or filtering never re-measures), then fitted
to the view by giving every column up to an equal share of what is left
(``fit_widths``): the last column takes the rest and is the one cut, unless
the others alone overflow. Where a value must be shortened, the part that
differs from its counterpart on the other side stays visible, and a path
keeps its end.

Every string from a capture goes through ``safe()`` and is appended as plain
text with a style, never parsed as markup: ``/dev/vdb[/opt/...]`` stays literal.
"""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from operator import add, attrgetter
from typing import TYPE_CHECKING, Generic, TypeVar

from rich.style import Style
from rich.text import Text

from mountscope.filter import make_matcher, searched_text, text_terms
from mountscope.model import Mount, MountTable
from mountscope.model.kinds import BIND_STYLE, KIND_STYLE
from mountscope.record import record
from mountscope.render.styles import DIFF_MARK
from mountscope.text import has_unsafe, safe, shown_as_is, width
from mountscope.tui.tree_state import TreeState

if TYPE_CHECKING:  # (PairRows are made from a comparison: the diff is loaded by then)
    from mountscope.diff import Comparison, Pair

ELLIPSIS = "…"
GUTTER = 2  # the mark before each row: ● (live change) or a diff mark
SPLIT = " │ "  # between a field's A and B values
SEARCH_CHUNK = 4096  # mounts searched between two looks at whether to stop
TEXTS_STEP = 256  # mounts whose searched texts are made between two pauses
T = TypeVar("T")


# --- cutting values ------------------------------------------------------------------


def _take(text: str, cells: int) -> str:
    if text.isascii():
        return text[:cells]
    out, used = [], 0
    for char in text:
        w = width(char)
        if used + w > cells:
            break
        out.append(char)
        used += w
    return "".join(out)


def _take_end(text: str, cells: int) -> str:
    return _take(text[::-1], cells)[::-1]


def _common_prefix(a: str, b: str) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


def cut(text: str, cells: int, *, counterpart: str | None = None, keep_end: bool = False) -> str:
    """``text`` in at most ``cells`` display columns.

    Cut at its end, as findmnt cuts, unless that hides what matters: where
    it differs from ``counterpart`` (the other side's value), a window from
    just before the first difference is shown; ``keep_end`` keeps a path's
    end (``…/kernel/random/boot_id``)."""
    if width(text) <= cells:
        return text
    if cells <= 1:
        return ELLIPSIS[:cells]
    if counterpart is not None and counterpart != text:
        start = _common_prefix(text, counterpart)
        if width(text[:start]) + 8 > cells - 1:
            # The head does not reach the difference: start at the path
            # component it is in, so that the difference reads in context.
            slash = max(text.rfind("/", 0, start), text.rfind("[", 0, start))
            begin = slash + 1 if slash >= 0 and start - slash < cells // 2 else start
            rest = text[begin:]
            if width(rest) + 1 <= cells:
                return ELLIPSIS + rest
            return ELLIPSIS + _take(rest, cells - 2) + ELLIPSIS
    if keep_end:
        return ELLIPSIS + _take_end(text, cells - 1)
    return _take(text, cells - 1) + ELLIPSIS


def pad(text: str, cells: int) -> str:
    return text + " " * max(0, cells - width(text))


def wrap_cells(text: str, cells: int) -> list[str]:
    """``text`` in lines of at most ``cells`` columns (for the wrapping mode)."""
    if cells <= 0:
        return [""]
    lines: list[str] = []
    while width(text) > cells:
        head = _take(text, cells) or text[:1]
        lines.append(head)
        text = text[len(head) :]
    lines.append(text)
    return lines


def fit_widths(natural: Sequence[int], floor: Sequence[int], room: int) -> list[int]:
    """Column widths for ``room`` cells (separators already taken off).

    Everything fits: the natural widths, the last column padded to the end.
    Else every column gets up to an equal share of the room (water-filling):
    narrow columns keep their width, the wide ones share the rest equally, and
    the last one takes what is left. No column goes under its ``floor``
    (what is past the view is reached by scrolling)."""
    if not natural:
        return []
    if sum(natural) <= room:
        return [*natural[:-1], room - sum(natural[:-1])]
    order = sorted(range(len(natural)), key=natural.__getitem__)
    widths = list(natural)
    left, count = room, len(natural)
    for position, column in enumerate(order):
        share = left // (count - position)
        if natural[column] <= share:
            left -= natural[column]
            continue
        # This column and every wider one share what is left equally.
        wide = order[position:]
        for k, c in enumerate(wide):
            widths[c] = left // len(wide) + (1 if k < left % len(wide) else 0)
        break
    widths = [max(w, f) for w, f in zip(widths, floor, strict=True)]
    used = sum(widths[:-1])
    widths[-1] = max(widths[-1], floor[-1], room - used)
    return widths


def widest(values: Sequence[str]) -> int:
    """The widest of many values as shown (escaped), measured without
    escaping each one: escaping is rare, so it is looked for once in all."""
    if not values:
        return 0
    joined = " ".join(values)  # (no value's escape can span the space between two)
    if shown_as_is(joined):
        return max(map(len, values))
    if "\\x" in joined or has_unsafe(joined):
        return max(width(safe(v)) for v in values)
    return max(map(width, values))


def measure(
    headers: Sequence[str],
    columns: Sequence[Sequence[str]],
    depth: Sequence[int],
    targets: Sequence[str],
) -> list[int]:
    """Natural column widths: the headers', the tree column's (art, a
    collapse mark and the target), then each other column's widest value."""
    tree = 0
    if targets:
        plain = shown_as_is(" ".join(targets))  # (as in widest)
        measure_one = len if plain else (lambda t: width(safe(t)))
        # 2 * depth + 1 + the target's width, the widest of them
        tree = 1 + max(map(add, map(measure_one, targets), map(add, depth, depth)))
    out = [max(width(headers[0]), tree)]
    out += [max(width(h), widest(c)) for h, c in zip(headers[1:], columns, strict=True)]
    return out


def _search(
    items: Sequence[T], wanted: Callable[[T], bool], cancelled: Callable[[], bool] | None
) -> set[int]:
    """The positions of the ``wanted`` items, in chunks between which
    ``cancelled`` may stop the search (a newer query was typed)."""
    found: set[int] = set()
    for start in range(0, len(items), SEARCH_CHUNK):
        if cancelled is not None and cancelled():
            break
        stop = min(start + SEARCH_CHUNK, len(items))
        found.update(i for i in range(start, stop) if wanted(items[i]))
    return found


def _find(texts: Sequence[str], terms: list[str], cancelled: Callable[[], bool] | None) -> set[int]:
    """The positions of the texts holding every term, narrowed term by term,
    a chunk at a time (see ``_search``)."""
    found: list[int] = []
    for start in range(0, len(texts), SEARCH_CHUNK):
        if cancelled is not None and cancelled():
            break
        part: Sequence[int] = range(start, min(start + SEARCH_CHUNK, len(texts)))
        for term in terms:
            part = [i for i in part if term in texts[i]]
        found.extend(part)
    return set(found)


class SearchedTexts(Generic[T]):
    """The texts a filter searches, made once: by the worker that the filter
    box starts when it opens, pausing between steps (see ``texts_of``), or
    by the first search. A search that comes while the worker is at it waits
    for the texts, and the worker stops pausing: it is what the search waits
    on now (at 200 000 mounts side by side the pauses doubled the wait of
    the first query, 0.37 -> 0.74 s)."""

    def __init__(self, make: Callable[[Callable[[], object] | None], T]) -> None:
        self._make = make  # the texts, given the pause between steps (or None)
        self._value: T | None = None
        self._lock = threading.Lock()  # made by one thread, waited for by the others
        self._awaited = threading.Event()

    def get(self, pause: Callable[[], object] | None = None) -> T:
        """The texts; ``pause``: the worker's, None for a search."""
        if pause is None:
            self._awaited.set()
        with self._lock:
            if self._value is None:
                awaited = self._awaited.is_set
                self._value = self._make(None if pause is None else (lambda: awaited() or pause()))
            return self._value


def texts_of(mounts: Sequence[Mount | None], pause: Callable[[], object] | None) -> list[str]:
    """Each mount's ``searched_text`` ("" for none), made TEXTS_STEP at a
    time with ``pause()`` between: the worker that makes them when the filter
    box opens sleeps there a little, so that the frames opening the box do not
    wait on it for the interpreter half of the time."""
    texts: list[str] = []
    for start in range(0, len(mounts), TEXTS_STEP):
        part = mounts[start : start + TEXTS_STEP]
        texts += [searched_text(m) if m is not None else "" for m in part]
        if pause is not None:
            pause()
    return texts


# --- styles -------------------------------------------------------------------------


class StyleMap:
    """Style names to rich styles (from the view's component classes)."""

    def __init__(self, styles: dict[str, Style]) -> None:
        self.styles = styles

    def __call__(self, name: str) -> Style | None:
        return self.styles.get(name) if name else None


def append_source(line: Text, mount: Mount, shown: str, style: StyleMap) -> None:
    """SOURCE in its kind's style, a bind mount's [fsroot] in the bind style."""
    kind = style(KIND_STYLE.get(mount.kind, ""))
    bracket = shown.find("[") if mount.is_bind else -1
    if bracket > 0:
        line.append(shown[:bracket], kind)
        line.append(shown[bracket:], style(BIND_STYLE))
    elif bracket == 0:
        line.append(shown, style(BIND_STYLE))
    else:
        line.append(shown, kind)


@record(frozen=True)
class Layout:
    """Where each column starts and how wide it is, for one view width."""

    widths: tuple[int, ...]
    total: int  # the whole line, gutter included


# --- one capture -----------------------------------------------------------------------


class MountRows:
    """One capture as findmnt's tree: TARGET, SOURCE, FSTYPE, OPTIONS (the
    fields the capture has), in the order of its tree."""

    pair_mode = False
    order_label = "table order"

    def __init__(self, capture: MountTable) -> None:
        self.capture = capture
        tree = capture.tree
        self.state = TreeState(tree.roots, tree.children)
        self.parent_of = tree.parent.__getitem__
        self.fields = ["target", "source"]
        if "fstype" in capture.fields:
            self.fields.append("fstype")
        if "options" in capture.fields:
            self.fields.append("options")
        self._cells: list[tuple[str, ...] | None] = [None] * len(capture.mounts)
        self.changed: set[int] = set()
        self.matches: set[int] = set()
        self._natural: list[int] | None = None
        self._layouts: dict[int, Layout] = {}
        self._texts = SearchedTexts(lambda pause: texts_of(capture.mounts, pause))

    def __len__(self) -> int:
        return len(self.capture.mounts)

    @property
    def headers(self) -> list[str]:
        return [name.upper() for name in self.fields]

    def cells(self, node: int) -> tuple[str, ...]:
        """The node's values as shown (escaped), without tree art."""
        cells = self._cells[node]
        if cells is None:
            mount = self.capture.mounts[node]
            values = {
                "target": mount.target,
                "source": mount.display_source,
                "fstype": mount.fstype,
                "options": mount.options,
            }
            cells = self._cells[node] = tuple(safe(values[f]) for f in self.fields)
        return cells

    def natural(self) -> list[int]:
        """Every column's width from the data: measured once, over every mount."""
        if self._natural is None:
            mounts = self.capture.mounts
            # (map and attrgetter: read in C, before the first frame)
            attributes = {"source": "display_source", "fstype": "fstype", "options": "options"}
            columns = [list(map(attrgetter(attributes[f]), mounts)) for f in self.fields[1:]]
            targets = list(map(attrgetter("target"), mounts))
            self._natural = measure(self.headers, columns, self.state.depth, targets)
        return self._natural

    def layout(self, view_width: int) -> Layout:
        found = self._layouts.get(view_width)
        if found is None:
            natural = self.natural()
            seps = len(natural) - 1
            floor = [min(n, max(width(h), 8)) for n, h in zip(natural, self.headers, strict=True)]
            widths = fit_widths(natural, floor, view_width - GUTTER - seps)
            found = self._layouts[view_width] = Layout(tuple(widths), GUTTER + seps + sum(widths))
        return found

    def full_width(self) -> int:
        natural = self.natural()
        return GUTTER + len(natural) - 1 + sum(natural)

    def header(self, view_width: int) -> Text:
        widths = self.layout(view_width).widths
        parts = [" " * GUTTER]
        for k, (name, w) in enumerate(zip(self.headers, widths, strict=True)):
            parts.append(pad(cut(name, w), w) + (" " if k < len(widths) - 1 else ""))
        return Text("".join(parts), no_wrap=True, end="")

    def render_lines(
        self,
        node: int,
        view_width: int,
        style: StyleMap,
        ascii_only: bool = False,
        *,
        wrap: bool = False,
    ) -> list[Text]:
        """The node's row: one line, cut to the view; or (``wrap``) as many
        lines as its longest value needs."""
        widths = self.layout(view_width).widths
        mount = self.capture.mounts[node]
        state = self.state
        collapsed = not state.expanded[node] and state.has_children(node)
        art = state.art(node, ascii_only) + ("▸" if collapsed else "")
        cells = self.cells(node)
        art_w = width(art)
        shown: list[list[str]] = []
        for k, (value, w) in enumerate(zip(cells, widths, strict=True)):
            room = w - art_w if k == 0 else w
            if wrap:
                shown.append(wrap_cells(value, room))
            else:
                shown.append([cut(value, room, keep_end=k == 0)])
        height = max(len(s) for s in shown)
        lines = []
        for y in range(height):
            line = Text(no_wrap=True, end="")
            mark = "● " if node in self.changed and y == 0 else "  "
            line.append(mark, style("changed-live"))
            for k, field in enumerate(self.fields):
                value = shown[k][y] if y < len(shown[k]) else ""
                w = widths[k]
                if k == 0:
                    lead = art if y == 0 else " " * art_w
                    line.append(lead)
                    w -= art_w
                    line.append(value, style("match") if node in self.matches else None)
                elif field == "source":
                    append_source(line, mount, value, style)
                elif field == "options":
                    line.append(value, style("options"))
                else:
                    line.append(value)
                if k < len(self.fields) - 1:
                    line.append(" " * (w - width(value) + 1))
            lines.append(line)
        return lines

    def render(self, node: int, view_width: int, style: StyleMap, ascii_only: bool = False) -> Text:
        return self.render_lines(node, view_width, style, ascii_only)[0]

    def value_of(self, node: int, side: str = "a") -> Mount:
        return self.capture.mounts[node]

    def search(self, query: str, cancelled: Callable[[], bool] | None = None) -> set[int]:
        """The nodes matching ``query``. A search asked to stop (``cancelled``,
        looked at every SEARCH_CHUNK mounts) ends early, and its caller
        drops what it found."""
        terms = text_terms(query)
        if terms is None:
            return _search(self.capture.mounts, make_matcher(query), cancelled)
        return _find(self.searched_texts(), terms, cancelled)

    def searched_texts(self, pause: Callable[[], object] | None = None) -> list[str]:
        """Every mount's ``searched_text``, made once (the first query, or the
        worker the filter box starts when it opens) for all the queries after;
        ``pause``: see ``texts_of``."""
        return self._texts.get(pause)

    def is_difference(self, node: int) -> bool:
        return False


# --- two captures ------------------------------------------------------------------------

DIFF_GUTTER = {kind: mark + " " for kind, mark in DIFF_MARK.items()}
# The fields a row shows, and the comparison's fields each one stands for.
PAIR_FIELDS: dict[str, tuple[str, ...]] = {
    "source": ("source", "fsroot"),
    "fstype": ("fstype",),
    "options": ("options", "super_options"),
}


def _indexes(pairs: Sequence[Pair], side: str, table: MountTable) -> list[int]:
    """Each pair's mount on ``side`` ("a" or "b") as its index in ``table``; -1 where none."""
    index_of = {id(m): i for i, m in enumerate(table.mounts)}
    index_of[id(None)] = -1
    return [index_of[id(getattr(p, side))] for p in pairs]


def _inverse(index: Sequence[int], size: int) -> list[int]:
    """For each of ``size`` mounts, the pair holding it (-1: none)."""
    pair_of = [-1] * size
    for pair, mount in enumerate(index):
        if mount >= 0:
            pair_of[mount] = pair
    return pair_of


def _values(table: MountTable, field: str) -> list[str]:
    """A shown field (see ``_field_value``) of every mount of a table, in its order."""
    if field == "source":
        return [m.display_source for m in table.mounts]
    return list(map(attrgetter(field), table.mounts))


def _field_value(mount: Mount, field: str) -> str:
    if field == "source":
        return mount.display_source
    return mount.fstype if field == "fstype" else mount.options


class PairRows:
    """Two captures side by side as one table: one TARGET column, and for
    each field that differs anywhere, A's and B's values next to each other
    (a row where they agree shows its value once, across both).

    ``by_path``: rows in path order; else in A's table order (a mount only
    B has follows its B neighbour)."""

    pair_mode = True

    def __init__(self, comparison: Comparison, *, by_path: bool = False) -> None:
        self.comparison = comparison
        self.by_path = by_path
        pairs = comparison.pairs
        self.pairs = pairs
        a, b = comparison.a, comparison.b
        self.fields = ["source"]
        if "fstype" in a.fields or "fstype" in b.fields:
            self.fields.append("fstype")
        if "options" in a.fields or "options" in b.fields:
            self.fields.append("options")
        # Each pair's mount on either side as its index in that table (-1:
        # the side has none), and each mount's pair: every mount is in one.
        self.index_of = {"a": _indexes(pairs, "a", a), "b": _indexes(pairs, "b", b)}
        self.pair_of_mount = {
            side: _inverse(index, len(table.mounts))
            for side, index, table in (("a", self.index_of["a"], a), ("b", self.index_of["b"], b))
        }
        # A pair's parent is the pair holding its mount's parent (A's tree,
        # or B's for a mount only B has): one tree for both sides. A pair
        # list ends with -1, so that a root's parent (-1) reads as no pair.
        a_pair, b_pair = [*self.pair_of_mount["a"], -1], [*self.pair_of_mount["b"], -1]
        a_up, b_up = a.tree.parent, b.tree.parent
        parents = [
            a_pair[a_up[i]] if i >= 0 else b_pair[b_up[j]]
            for i, j in zip(self.index_of["a"], self.index_of["b"], strict=True)
        ]
        self.parent_list = parents
        self.parent_of = parents.__getitem__
        self._rank = self._path_rank() if by_path else self._table_rank()
        # Children in the order shown; a leaf (most pairs) shares one empty
        # tuple rather than a list of its own.
        families: dict[int, list[int]] = {}
        for i in sorted(range(len(pairs)), key=self._rank.__getitem__):
            families.setdefault(parents[i], []).append(i)
        roots = families.pop(-1, [])
        children: list[Sequence[int]] = [()] * len(pairs)
        for up, kids in families.items():
            children[up] = kids
        self.state = TreeState(roots, children)
        self.changed: set[int] = set()
        self.matches: set[int] = set()
        self._cells: list[tuple[str, ...] | None] = [None] * len(pairs)
        self._split: list[bool] | None = None
        self._field_widths: list[tuple[int, int]] | None = None
        self._natural: list[int] | None = None
        self._layouts: dict[int, Layout] = {}
        self._texts = SearchedTexts(
            lambda pause: (
                texts_of([p.a for p in pairs], pause),
                # (B's mount is often A's: a line both captures share.)
                texts_of([None if p.b is p.a else p.b for p in pairs], pause),
            )
        )
        self._differences: list[int] | None = None

    @property
    def order_label(self) -> str:
        return "path order" if self.by_path else "A's table order"

    def _path_rank(self) -> list[float]:
        return [float(i) for i in range(len(self.pairs))]  # compare() sorts by path

    def _table_rank(self) -> list[float]:
        """A's table order; a mount only B has goes just after the pair of
        the B mount before it."""
        rank = [0.0] * len(self.pairs)
        for index, node in enumerate(self.pair_of_mount["a"]):
            rank[node] = float(index)
        a_index = self.index_of["a"]
        previous = -1.0
        step = 1.0 / (len(self.comparison.b.mounts) + 2)
        for node in self.pair_of_mount["b"]:
            if a_index[node] >= 0:
                previous = rank[node]
            else:
                previous += step
                rank[node] = previous
        return rank

    def __len__(self) -> int:
        return len(self.pairs)

    def node_of(self, side: str, index: int) -> int | None:
        """The pair holding mount ``index`` of side "a" or "b"."""
        node = self.pair_of_mount[side][index]
        return node if node >= 0 else None

    # --- columns ----------------------------------------------------------------

    def _measure(self) -> None:
        """Which fields are split (their shown values differ in some pair),
        and each field's widest value on each side. Every mount is in one
        pair, so a side's column holds that side's values (and "" where it
        has no mount), and a shared column the values of both sides: both
        are measured over the tables' values, without building the columns."""
        both = [
            (i, j)
            for i, j in zip(self.index_of["a"], self.index_of["b"], strict=True)
            if i >= 0 and j >= 0
        ]
        split, widths = [], []
        for field in self.fields:
            a, b = _values(self.comparison.a, field), _values(self.comparison.b, field)
            split.append(any(a[i] != b[j] for i, j in both))
            widths.append((widest(a), widest(b)))
        self._split, self._field_widths = split, widths

    def split(self) -> list[bool]:
        """Which fields get a column for A and one for B: those whose shown
        values differ in some pair."""
        if self._split is None:
            self._measure()
            assert self._split is not None
        return self._split

    @property
    def headers(self) -> list[str]:
        out = ["TARGET"]
        for field, split in zip(self.fields, self.split(), strict=True):
            out += [f"{field.upper()} A", f"{field.upper()} B"] if split else [field.upper()]
        return out

    def cells(self, node: int) -> tuple[str, ...]:
        """The pair's values as shown: target, then per field A's (or the
        shared) value and, for a split field, B's ("" for a missing side)."""
        cells = self._cells[node]
        if cells is None:
            pair = self.pairs[node]
            out = [safe(pair.target)]
            for field, split in zip(self.fields, self.split(), strict=True):
                a = safe(_field_value(pair.a, field)) if pair.a is not None else None
                b = safe(_field_value(pair.b, field)) if pair.b is not None else None
                if split:
                    out += [a if a is not None else "", b if b is not None else ""]
                else:
                    out.append(a if a is not None else (b or ""))
            cells = self._cells[node] = tuple(out)
        return cells

    def natural(self) -> list[int]:
        """Every column's width from the data (see ``_measure``)."""
        if self._natural is None:
            out = [measure(["TARGET"], [], self.state.depth, [p.target for p in self.pairs])[0]]
            for (a, b), split in zip(self._field_widths_of(), self.split(), strict=True):
                out += [a, b] if split else [max(a, b)]
            self._natural = [max(w, width(h)) for w, h in zip(out, self.headers, strict=True)]
        return self._natural

    def _field_widths_of(self) -> list[tuple[int, int]]:
        if self._field_widths is None:
            self._measure()
            assert self._field_widths is not None
        return self._field_widths

    def _separators(self) -> list[int]:
        """The separator after each column: " │ " between A and B, else " "."""
        seps: list[int] = [1]  # after TARGET
        for split in self.split():
            seps += [len(SPLIT), 1] if split else [1]
        seps[-1] = 0
        return seps

    def layout(self, view_width: int) -> Layout:
        found = self._layouts.get(view_width)
        if found is None:
            natural = self.natural()
            seps = sum(self._separators())
            floor = [min(n, max(width(h), 8)) for n, h in zip(natural, self.headers, strict=True)]
            widths = fit_widths(natural, floor, view_width - GUTTER - seps)
            found = self._layouts[view_width] = Layout(tuple(widths), GUTTER + seps + sum(widths))
        return found

    def full_width(self) -> int:
        return GUTTER + sum(self._separators()) + sum(self.natural())

    def header(self, view_width: int) -> Text:
        widths = self.layout(view_width).widths
        seps = self._separators()
        text = Text(" " * GUTTER, no_wrap=True, end="")
        for name, w, sep in zip(self.headers, widths, seps, strict=True):
            text.append(pad(cut(name, w), w))
            text.append(SPLIT if sep == len(SPLIT) else " " * sep)
        return text

    # --- rows --------------------------------------------------------------------------

    def _field_state(self, pair: Pair, field: str) -> str:
        """ "changed", "same-shape" or "" for one shown field of a pair."""
        names = PAIR_FIELDS[field]
        if any(n in pair.changes for n in names):
            return "changed"
        if any(n in pair.same_shape for n in names):
            return "same-shape"
        return ""

    def render_lines(
        self,
        node: int,
        view_width: int,
        style: StyleMap,
        ascii_only: bool = False,
        *,
        wrap: bool = False,
    ) -> list[Text]:
        pair = self.pairs[node]
        widths = self.layout(view_width).widths
        seps = self._separators()
        state = self.state
        collapsed = not state.expanded[node] and state.has_children(node)
        art = state.art(node, ascii_only) + ("▸" if collapsed else "")
        art_w = width(art)
        cells = self.cells(node)
        row_style = style(pair.kind.style_name)

        # Each piece shown: (first and last column it spans, field, text,
        # style, the mount for kind styles, the other side's value).
        pieces: list[tuple[int, int, str, str, Style | None, Mount | None, str | None]] = []
        pieces.append((0, 0, "target", cells[0], row_style, None, None))
        column = 1
        for field, split in zip(self.fields, self.split(), strict=True):
            state_name = self._field_state(pair, field)
            field_style = style(f"{state_name}-field") if state_name else None
            if not split:
                mount = pair.b or pair.a
                pieces.append((column, column, field, cells[column], field_style, mount, None))
                column += 1
                continue
            a, b = cells[column], cells[column + 1]
            if pair.a is not None and pair.b is not None and a == b:
                pieces.append((column, column + 1, field, a, field_style, pair.a, None))
            else:
                pieces.append((column, column, field, a, field_style, pair.a, b or None))
                pieces.append((column + 1, column + 1, field, b, field_style, pair.b, a or None))
            column += 2

        def span_width(first: int, last: int) -> int:
            return sum(widths[first : last + 1]) + sum(seps[first:last])

        shown: list[list[str]] = []
        for first, last, _, value, _, _, other in pieces:
            room = span_width(first, last) - (art_w if first == 0 else 0)
            if wrap:
                shown.append(wrap_cells(value, room))
            else:
                shown.append([cut(value, room, counterpart=other, keep_end=first == 0)])
        height = max(len(s) for s in shown)
        lines = []
        for y in range(height):
            line = Text(no_wrap=True, end="")
            if y == 0:
                line.append(DIFF_GUTTER[pair.kind], style(pair.kind.style_name))
            else:
                line.append(" " * GUTTER)
            for piece, lines_of in zip(pieces, shown, strict=True):
                first, last, field, _, piece_style, mount, _ = piece
                value = lines_of[y] if y < len(lines_of) else ""
                room = span_width(first, last)
                if first == 0:
                    line.append(art if y == 0 else " " * art_w)
                    room -= art_w
                    line.append(value, style("match") if node in self.matches else row_style)
                elif piece_style is not None or mount is None:
                    line.append(value, piece_style)
                elif field == "source":
                    append_source(line, mount, value, style)
                else:
                    line.append(value, style("options") if field == "options" else None)
                line.append(" " * (room - width(value)))
                sep = seps[last]
                if sep == len(SPLIT) and last == first:
                    line.append(SPLIT, style("divider"))
                elif sep:
                    line.append(" " * sep)
            lines.append(line)
        return lines

    def render(self, node: int, view_width: int, style: StyleMap, ascii_only: bool = False) -> Text:
        return self.render_lines(node, view_width, style, ascii_only)[0]

    def search(self, query: str, cancelled: Callable[[], bool] | None = None) -> set[int]:
        """The pairs where either side matches ``query``; see MountRows.search."""
        terms = text_terms(query)
        if terms is None:
            matcher = make_matcher(query)

            def either(p: Pair) -> bool:
                return (p.a is not None and matcher(p.a)) or (p.b is not None and matcher(p.b))

            return _search(self.pairs, either, cancelled)

        a, b = self.searched_texts()
        return _find(a, terms, cancelled) | _find(b, terms, cancelled)

    def searched_texts(
        self, pause: Callable[[], object] | None = None
    ) -> tuple[list[str], list[str]]:
        """A's and B's ``searched_text`` of each pair ("" for a side it lacks,
        where no term is found, and for B where its mount is A's: the pair
        is found by A's text, and half the texts are made and searched
        where little differs); see MountRows."""
        return self._texts.get(pause)

    def is_difference(self, node: int) -> bool:
        from mountscope.diff import DIFFERENT  # (loaded: the comparison was made)

        return self.pairs[node].kind in DIFFERENT

    def next_difference(self, node: int | None, forward: bool = True) -> int | None:
        """The next (or previous) different pair after ``node`` in tree
        order, shown or not (None: from the start). The differences' places
        in tree order are sorted once; each step is then a bisection."""
        from mountscope.diff import DIFFERENT

        state = self.state
        if self._differences is None:
            position = state.position
            self._differences = sorted(
                position[i] for i, pair in enumerate(self.pairs) if pair.kind in DIFFERENT
            )
        places = self._differences
        start = state.position[node] if node is not None else -1
        if forward:
            k = bisect_right(places, start)
            return state.order[places[k]] if k < len(places) else None
        k = bisect_left(places, start) - 1
        return state.order[places[k]] if k >= 0 else None

    def first_difference(self) -> int | None:
        """The first different pair in the order shown."""
        return self.next_difference(None)
