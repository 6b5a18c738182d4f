"""How sure a verdict is, read off the record of verdicts like it.

A verdict's strength is its margin: its score, less the score of the nearest
rival at the same layer (engines share marks: Podman's /dev is Docker's).
Margins fall into bands named after the weights (scale.py). For each band the
public corpus (tests/corpus) says how many verdicts of that margin were given
and how many were right; the confidence is Laplace's rule of succession,
(right + 1) / (verdicts + 2): the record, with one imagined wrong verdict and
one imagined right one, so that a band with few verdicts never claims
certainty. A stronger band is never less sure than a weaker one: where its
record is worse, the two are counted together (isotonic pooling).

The rows below are written by ``python -m benchmarks.accuracy --fit`` from
the corpus; the report fails when they no longer match it. docs/accuracy.md
says the same in plain words.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from mountscope.classify.scale import DECISIVE, STRONG
from mountscope.record import record

# Where each band of margins starts. Below STRONG: at most one fair mark over
# the threshold, or a rival close behind; then one strong mark; a decisive
# mark or two strong ones; and more than that.
BAND_STARTS: tuple[float, ...] = (0.0, STRONG, DECISIVE, 6.0)
BAND_NAMES: tuple[str, ...] = (
    "thin (below one strong mark)",
    "one strong mark",
    "a decisive mark or two strong ones",
    "more than two strong marks",
)


@record(frozen=True)
class Band:
    """Verdicts whose margin is at least ``start`` (and below the next band's):
    how many the corpus has, and how many of them were right."""

    start: float
    verdicts: int
    right: int

    @property
    def name(self) -> str:
        return BAND_NAMES[BAND_STARTS.index(self.start)]

    @property
    def end(self) -> float | None:
        index = BAND_STARTS.index(self.start)
        return BAND_STARTS[index + 1] if index + 1 < len(BAND_STARTS) else None


@record(frozen=True)
class Calibration:
    """The bands, each with the record it was counted from, pooled so that a
    stronger band is never less sure."""

    bands: tuple[Band, ...]

    def band_of(self, margin: float) -> Band:
        chosen = self.bands[0]
        for band in self.bands:
            if margin >= band.start:
                chosen = band
        return chosen

    def pooled(self, band: Band) -> tuple[int, int]:
        """The (right, verdicts) counted for ``band``: its own, or its pool's."""
        for group in _pools(self.bands):
            if band in group:
                return sum(b.right for b in group), sum(b.verdicts for b in group)
        raise ValueError(band)

    def confidence(self, margin: float) -> float:
        right, verdicts = self.pooled(self.band_of(margin))
        return round((right + 1) / (verdicts + 2), 2)

    def explain(self, margin: float, rival: float | None) -> str:
        """The confidence of a verdict with this margin, and where it comes from."""
        band = self.band_of(margin)
        right, verdicts = self.pooled(band)
        over = f"over the nearest rival's {rival:.1f}" if rival else "(no rival at its layer)"
        span = (
            f"{band.start:g} to {band.end:g}" if band.end is not None else f"{band.start:g} or more"
        )
        pooled = "" if (right, verdicts) == (band.right, band.verdicts) else ", with its neighbours"
        return (
            f"confidence {self.confidence(margin):.2f}: margin {margin:.1f} {over} is in the "
            f"band {span} ({band.name}); of the corpus's {verdicts} verdicts there{pooled}, "
            f"{right} were right: ({right} + 1) / ({verdicts} + 2)"
        )


def _pools(bands: Sequence[Band]) -> list[list[Band]]:
    """Adjacent bands counted together where a stronger band's rate is below a
    weaker one's (pool adjacent violators), so confidence never falls as the
    margin grows."""
    pools: list[list[Band]] = []
    for band in bands:
        if band.verdicts == 0 and pools:
            # No record of its own: it reads its weaker neighbour's.
            pools[-1].append(band)
            continue
        pools.append([band])
        while len(pools) > 1 and _rate(pools[-1]) < _rate(pools[-2]):
            last = pools.pop()
            pools[-1].extend(last)
    return pools


def _rate(group: Sequence[Band]) -> float:
    right = sum(b.right for b in group)
    verdicts = sum(b.verdicts for b in group)
    return (right + 1) / (verdicts + 2)


def fit(record: Iterable[tuple[float, bool]]) -> Calibration:
    """The calibration from ``record``: each verdict's margin and whether it was right
    (verdicts of ``unknown`` are not in it: they carry no confidence)."""
    counts = {start: [0, 0] for start in BAND_STARTS}
    probe = Calibration(tuple(Band(start, 0, 0) for start in BAND_STARTS))
    for margin, right in record:
        start = probe.band_of(margin).start
        counts[start][0] += 1
        counts[start][1] += int(right)
    return Calibration(tuple(Band(start, n, r) for start, (n, r) in counts.items()))


# fitted: begin (python -m benchmarks.accuracy --fit)
CALIBRATION = Calibration(
    (
        Band(0.0, 10, 10),
        Band(2.5, 46, 46),
        Band(4.0, 49, 49),
        Band(6.0, 39, 39),
    )
)
# fitted: end


def confidence_of(margin: float) -> float:
    """The calibrated confidence of a verdict whose score leads its nearest rival by ``margin``."""
    return CALIBRATION.confidence(margin)
