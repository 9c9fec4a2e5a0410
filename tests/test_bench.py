"""onnxlearn.bench: structure and arithmetic of timings (no timing thresholds)."""

import numpy as np
import pytest

from onnxlearn import compare, latency_curve, measure
from onnxlearn.bench import Comparison, LatencyCurve, Timing, _relative, format_seconds

FAST = {"rounds": 3, "round_time": 0.0005}


@pytest.mark.parametrize("seconds, text", [
    (2.5, "2.5 s"), (150.0, "150 s"), (0.25, "250 ms"), (0.0000123, "12.3 µs"),
    (0.000999, "999 µs"), (5e-9, "5 ns"), (1.0, "1 s"), (1e-3, "1 ms"),
])
def test_format_seconds(seconds, text):
    assert format_seconds(seconds) == text


def test_timing_median_and_interquartile_range():
    timing = Timing("t", np.array([1.0, 2.0, 3.0, 4.0, 100.0]) * 1e-3, 10)
    assert timing.median == pytest.approx(3e-3)
    assert timing.iqr == pytest.approx((2e-3, 4e-3))
    assert repr(timing) == "t: median 3 ms per call (IQR 2 ms – 4 ms, 5 rounds × 10 calls)"


def hand_made_comparison():
    return Comparison((Timing("slow", np.array([4e-3, 4e-3, 5e-3]), 1),
                       Timing("fast", np.array([1e-3, 1e-3, 2e-3]), 4),
                       Timing("slower", np.array([8e-3, 8e-3, 8e-3]), 1)))


def test_ratio_and_speedup_are_ratios_of_medians():
    comparison = hand_made_comparison()
    assert comparison.names == ["slow", "fast", "slower"]
    assert comparison.ratio("slow", "fast") == pytest.approx(4.0)
    assert comparison.ratio("fast", "slow") == pytest.approx(0.25)
    assert comparison.speedup("slow", "fast") == pytest.approx(4.0)
    assert comparison.speedup("slower", "slow") == pytest.approx(2.0)


def test_unknown_candidate_names_the_known_ones():
    with pytest.raises(KeyError, match=r"no candidate named 'medium'; candidates: "
                                       r"\['slow', 'fast', 'slower'\]"):
        hand_made_comparison()["medium"]


def test_relative_wording():
    assert _relative(4e-3, 1e-3) == "4× faster"
    assert _relative(4e-3, 8e-3) == "2× slower"
    assert _relative(1.0, 1.0) == "1× faster"


def test_comparison_table_text_and_html():
    comparison = hand_made_comparison()
    lines = repr(comparison).splitlines()
    assert lines[0].split() == ["candidate", "median", "/", "call", "IQR", "vs", "slow"]
    assert [line.split()[0] for line in lines[1:]] == ["slow", "fast", "slower"]
    assert lines[1].endswith("baseline")
    assert lines[2].endswith(_relative(4e-3, 1e-3))
    assert lines[3].endswith(_relative(4e-3, 8e-3))
    html = comparison._repr_html_()
    assert html.startswith("<table>") and html.count("<tr>") == 4
    assert "<th>vs slow</th>" in html and "<td>fast</td>" in html


def test_compare_interleaves_candidates_round_by_round():
    log = []
    result = compare({"a": lambda: log.append("a"), "b": lambda: log.append("b")}, **FAST)
    assert result.names == ["a", "b"]
    n_a, n_b = result["a"].calls_per_round, result["b"].calls_per_round
    assert n_a >= 1 and n_b >= 1
    timed = log[-FAST["rounds"] * (n_a + n_b):]
    assert timed == (["a"] * n_a + ["b"] * n_b) * FAST["rounds"]
    for name in ("a", "b"):
        assert result[name].per_call.shape == (FAST["rounds"],)
        assert (result[name].per_call > 0).all()


def test_compare_needs_a_candidate():
    with pytest.raises(ValueError, match="at least one candidate"):
        compare({})


def test_measure_times_one_callable():
    calls = []
    timing = measure(lambda: calls.append(1), name="append", **FAST)
    assert isinstance(timing, Timing)
    assert timing.name == "append"
    assert len(timing.per_call) == FAST["rounds"]
    assert len(calls) >= FAST["rounds"] * timing.calls_per_round


@pytest.fixture(scope="module")
def curve():
    batches_made = []

    def make_batch(n):
        batches_made.append(n)
        return list(range(n))

    seen = {"sum": set(), "max": set()}
    result = latency_curve(
        {"sum": lambda batch: seen["sum"].add(len(batch)) or sum(batch),
         "max": lambda batch: seen["max"].add(len(batch)) or max(batch)},
        make_batch, [1, 10, 100], **FAST)
    return result, batches_made, seen


def test_latency_curve_structure(curve):
    result, batches_made, seen = curve
    assert isinstance(result, LatencyCurve)
    assert batches_made == [1, 10, 100]  # each batch made once
    assert seen == {"sum": {1, 10, 100}, "max": {1, 10, 100}}
    assert result.batch_sizes == (1, 10, 100)
    assert result.names == ["sum", "max"]
    assert len(result.comparisons) == 3


def test_latency_curve_medians_and_speedups_come_from_its_comparisons(curve):
    result, _, _ = curve
    np.testing.assert_array_equal(result.medians("sum"),
                                  [c["sum"].median for c in result.comparisons])
    np.testing.assert_allclose(result.speedups("sum", "max"),
                               result.medians("sum") / result.medians("max"))


def test_latency_curve_table(curve):
    result, _, _ = curve
    lines = repr(result).splitlines()
    assert lines[0].split() == ["batch", "sum", "(median)", "max", "(median)"]
    assert [line.split()[0] for line in lines[1:]] == ["1", "10", "100"]


@pytest.mark.parametrize("per_row", [False, True])
def test_latency_curve_plot(curve, per_row):
    import matplotlib.pyplot as plt

    result, _, _ = curve
    ax = result.plot(per_row=per_row)
    try:
        assert [line.get_label() for line in ax.get_lines()] == ["sum", "max"]
        sizes = np.array([1, 10, 100])
        for line, name in zip(ax.get_lines(), ["sum", "max"], strict=True):
            np.testing.assert_array_equal(line.get_xdata(), sizes)
            expected = result.medians(name) / (sizes if per_row else 1) * 1e6
            np.testing.assert_allclose(line.get_ydata(), expected)
        assert ax.get_xscale() == ax.get_yscale() == "log"
        assert ax.get_ylabel() == ("µs per row" if per_row else "µs per call (median)")
    finally:
        plt.close(ax.figure)


def test_latency_curve_plot_draws_on_a_given_axes(curve):
    import matplotlib.pyplot as plt

    result, _, _ = curve
    fig, (left, right) = plt.subplots(1, 2)
    try:
        assert result.plot(ax=right) is right
        assert left.get_lines() == [] and len(right.get_lines()) == 2
    finally:
        plt.close(fig)
