"""The load test's own arithmetic (tests/loadtest/run.py), which its printed p95 rests on."""

from tests.loadtest.run import _percentile


def test_the_p95_is_the_nearest_rank():
    assert _percentile([], 95) == 0.0
    assert _percentile([7.0], 95) == 7.0
    # 20 values: the 19th (⌈0.95 × 20⌉); 100 values: the 95th; 21: the 20th.
    assert _percentile([float(n) for n in range(1, 21)], 95) == 19.0
    assert _percentile([float(n) for n in range(100, 0, -1)], 95) == 95.0
    assert _percentile([float(n) for n in range(1, 22)], 95) == 20.0
    assert _percentile([float(n) for n in range(1, 61)], 95) == 57.0
