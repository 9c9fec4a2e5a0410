"""Honest timing on a shared, noisy machine: medians, spreads and side-by-side ratios.

Single timings lie on a laptop that is also running a browser. These helpers
repeat each measurement, report the median and the interquartile range, and
interleave the candidates round by round so that a burst of background load
hurts all of them alike. Ratios are computed from medians measured in the
same run.

Examples
--------
>>> result = compare({"sum": lambda: sum(range(100)), "len": lambda: len("abc")},
...                  rounds=5, round_time=0.001)
>>> result.names
['sum', 'len']
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .texttable import aligned_text


def format_seconds(seconds: float) -> str:
    """Format a duration with a sensible unit.

    Examples
    --------
    >>> format_seconds(0.0000123)
    '12.3 µs'
    >>> format_seconds(2.5)
    '2.5 s'
    """
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            value = seconds / scale
            return f"{value:.3g} {unit}" if value < 100 else f"{value:.0f} {unit}"
    return f"{seconds / 1e-9:.0f} ns"


@dataclass(frozen=True)
class Timing:
    """Per-call times of one candidate, one value per round.

    Attributes
    ----------
    name : str
    per_call : numpy.ndarray
        Seconds per call, one entry per round.
    calls_per_round : int
    """

    name: str
    per_call: np.ndarray
    calls_per_round: int

    @property
    def median(self) -> float:
        """Median seconds per call."""
        return float(np.median(self.per_call))

    @property
    def iqr(self) -> tuple:
        """25th and 75th percentiles of seconds per call."""
        low, high = np.percentile(self.per_call, [25, 75])
        return float(low), float(high)

    def __repr__(self) -> str:
        low, high = self.iqr
        return (f"{self.name}: median {format_seconds(self.median)} per call "
                f"(IQR {format_seconds(low)} – {format_seconds(high)}, "
                f"{len(self.per_call)} rounds × {self.calls_per_round} calls)")


def _calls_for(fn: Callable[[], object], round_time: float) -> int:
    """How many calls fill about ``round_time`` seconds (at least one)."""
    calls = 1
    while True:
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        elapsed = time.perf_counter() - start
        if elapsed >= round_time / 2 or calls >= 1_000_000:
            return max(1, int(calls * round_time / max(elapsed, 1e-9)))
        calls *= 4


def _relative(baseline: float, candidate: float) -> str:
    """Say how a candidate's median compares with the baseline's, e.g. '3.2× faster'.

    Examples
    --------
    >>> _relative(2.0, 1.0), _relative(1.0, 4.0)
    ('2× faster', '4× slower')
    """
    ratio = baseline / candidate
    if ratio >= 1:
        return f"{ratio:.3g}× faster"
    return f"{1 / ratio:.3g}× slower"


@dataclass(frozen=True)
class Comparison:
    """Timings of several candidates measured side by side.

    ``ratio(a, b)`` is ``median(a) / median(b)``; ``speedup(slow, fast)``
    says how many times faster ``fast`` is.
    """

    timings: tuple

    @property
    def names(self) -> list:
        return [t.name for t in self.timings]

    def __getitem__(self, name: str) -> Timing:
        for timing in self.timings:
            if timing.name == name:
                return timing
        raise KeyError(f"no candidate named {name!r}; candidates: {self.names}")

    def ratio(self, numerator: str, denominator: str) -> float:
        """``median(numerator) / median(denominator)``."""
        return self[numerator].median / self[denominator].median

    def speedup(self, slow: str, fast: str) -> float:
        """How many times faster ``fast`` is than ``slow`` (median over median)."""
        return self.ratio(slow, fast)

    def _rows(self):
        base = self.timings[0]
        for timing in self.timings:
            low, high = timing.iqr
            yield (timing.name, format_seconds(timing.median),
                   f"{format_seconds(low)} – {format_seconds(high)}",
                   "baseline" if timing is base else _relative(base.median, timing.median))

    def __repr__(self) -> str:
        header = ("candidate", "median / call", "IQR", f"vs {self.timings[0].name}")
        return aligned_text([header, *self._rows()])

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{h}</th>" for h in
                       ("candidate", "median / call", "IQR", f"vs {self.timings[0].name}"))
        body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>"
                       for row in self._rows())
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def compare(candidates: Mapping[str, Callable[[], object]], *, rounds: int = 15,
            round_time: float = 0.02) -> Comparison:
    """Time several zero-argument callables, interleaved round by round.

    Parameters
    ----------
    candidates : mapping of str to callable
        ``{name: fn}``; the first one is the baseline of the printed ratios.
    rounds : int, default 15
        Measurements per candidate; the median is over these.
    round_time : float, default 0.02
        Target seconds per round and candidate; the number of calls per
        round is calibrated once to fill it.

    Returns
    -------
    Comparison

    Examples
    --------
    >>> c = compare({"a": lambda: None}, rounds=3, round_time=0.001)
    >>> c["a"].median > 0
    True
    """
    if not candidates:
        raise ValueError("compare() needs at least one candidate: {name: callable}")
    calls = {name: _calls_for(fn, round_time) for name, fn in candidates.items()}
    samples = {name: [] for name in candidates}
    for _ in range(rounds):
        for name, fn in candidates.items():
            n = calls[name]
            start = time.perf_counter()
            for _ in range(n):
                fn()
            samples[name].append((time.perf_counter() - start) / n)
    return Comparison(tuple(Timing(name, np.array(samples[name]), calls[name])
                            for name in candidates))


def measure(fn: Callable[[], object], *, name: str = "call", rounds: int = 15,
            round_time: float = 0.02) -> Timing:
    """Time one callable; see :func:`compare`.

    Examples
    --------
    >>> measure(lambda: None, rounds=3, round_time=0.001).calls_per_round >= 1
    True
    """
    return compare({name: fn}, rounds=rounds, round_time=round_time)[name]


@dataclass(frozen=True)
class LatencyCurve:
    """Median seconds per call of each candidate at each batch size."""

    batch_sizes: tuple
    comparisons: tuple  # one Comparison per batch size

    @property
    def names(self) -> list:
        return self.comparisons[0].names

    def medians(self, name: str) -> np.ndarray:
        """Median seconds per call of ``name``, one per batch size."""
        return np.array([c[name].median for c in self.comparisons])

    def speedups(self, slow: str, fast: str) -> np.ndarray:
        """``slow / fast`` median ratio at each batch size."""
        return np.array([c.speedup(slow, fast) for c in self.comparisons])

    def plot(self, ax=None, *, per_row: bool = False):
        """Plot latency against batch size on log-log axes.

        Parameters
        ----------
        ax : matplotlib Axes, optional
        per_row : bool, default False
            Plot seconds per row instead of seconds per call.
        """
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots()
        sizes = np.array(self.batch_sizes)
        for name in self.names:
            values = self.medians(name) / (sizes if per_row else 1)
            ax.loglog(sizes, values * 1e6, marker="o", label=name)
        ax.set_xlabel("batch size (rows)")
        ax.set_ylabel("µs per row" if per_row else "µs per call (median)")
        ax.legend()
        ax.grid(True, which="both", alpha=0.3)
        return ax

    def __repr__(self) -> str:
        names = self.names
        header = ["batch", *[f"{n} (median)" for n in names]]
        rows = [[str(size), *[format_seconds(comparison[n].median) for n in names]]
                for size, comparison in zip(self.batch_sizes, self.comparisons, strict=True)]
        return aligned_text([header, *rows], right=range(len(header)))


def latency_curve(candidates: Mapping[str, Callable[[object], object]],
                  make_batch: Callable[[int], object], batch_sizes: Sequence[int], *,
                  rounds: int = 7, round_time: float = 0.01) -> LatencyCurve:
    """Measure each candidate at several batch sizes, side by side.

    Parameters
    ----------
    candidates : mapping of str to callable
        ``{name: fn(batch)}``.
    make_batch : callable
        ``make_batch(n)`` returns the input for a batch of ``n`` rows.
    batch_sizes : sequence of int

    Returns
    -------
    LatencyCurve

    Examples
    --------
    >>> curve = latency_curve({"sum": sum}, lambda n: list(range(n)), [1, 10],
    ...                       rounds=3, round_time=0.001)
    >>> curve.medians("sum").shape
    (2,)
    """
    comparisons = []
    for size in batch_sizes:
        batch = make_batch(size)
        comparisons.append(compare(
            {name: (lambda fn=fn, batch=batch: fn(batch)) for name, fn in candidates.items()},
            rounds=rounds, round_time=round_time))
    return LatencyCurve(tuple(batch_sizes), tuple(comparisons))
