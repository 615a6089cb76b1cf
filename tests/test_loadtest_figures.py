"""The load test's own arithmetic (tests/loadtest/run.py), which its printed p95 rests on."""

import pytest

from tests.loadtest.run import _percentile


def test_the_p95_is_the_nearest_rank():
    assert _percentile([], 95) == 0.0
    assert _percentile([7.0], 95) == 7.0
    # 20 values: the 19th (⌈0.95 × 20⌉); 100 values: the 95th; 21: the 20th.
    assert _percentile([float(n) for n in range(1, 21)], 95) == 19.0
    assert _percentile([float(n) for n in range(100, 0, -1)], 95) == 95.0
    assert _percentile([float(n) for n in range(1, 22)], 95) == 20.0
    assert _percentile([float(n) for n in range(1, 61)], 95) == 57.0


def test_a_phase_is_counted_from_when_every_client_ran():
    from tests.loadtest.run import _steady

    # locust's history: (second, requests so far); every client ran from 104.5 on.
    history = [(100, 0), (101, 10), (102, 40), (103, 90), (104, 140), (105, 190), (106, 240), (107, 290)]
    steady = _steady(history, 104.5, 300, cpu_before=(2.0, 1.0), cpu_after=(3.6, 1.4))
    # From the row written at 104 (140 requests) to the last (290): 150 in 3 s.
    assert (steady["requests"], steady["seconds"]) == (150, 3)
    # The CPU from 104.5 to the end, for every request answered after row 104.
    assert steady["answered"] == 160
    assert steady["cpu"] == pytest.approx((1.6, 0.4))
    # Started before the first row: all of it.
    assert _steady(history, 99.0, 300, (0.0,), (1.0,))["requests"] == 290


def test_rounds_add_up_to_one_throughput_and_one_cost():
    from tests.loadtest.run import _saturation

    row = {"Request Count": "100", "Failure Count": "1", "50%": "10", "95%": "80", "Requests/s": "0"}
    slow = {"requests": 100, "seconds": 10, "answered": 110, "cpu": (0.55, 0.11)}
    fast = {"requests": 300, "seconds": 20, "answered": 310, "cpu": (1.55, 0.31)}
    figures = _saturation([(row, slow), ({**row, "95%": "120"}, fast)])
    assert figures["rps"] == pytest.approx(400 / 30)  # not the mean of 10 and 15
    assert figures["rounds"] == [10.0, 15.0]
    assert (figures["p95"], figures["failures"]) == (120.0, 2)
    assert figures["cpu_ms"] == pytest.approx((1000 * 2.1 / 420, 1000 * 0.42 / 420))
