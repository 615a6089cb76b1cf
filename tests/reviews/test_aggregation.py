from decimal import Decimal as D

import pytest

from reviews.experts.aggregation import CriterionSpec, dispersion, panel_result, weighted_total

CRITERIA = [
    CriterionSpec(id=1, weight=D(0), max_score=100, is_gate=True),
    CriterionSpec(id=2, weight=D(60), max_score=100, is_gate=False),
    CriterionSpec(id=3, weight=D(40), max_score=10, is_gate=False),
]


def test_weighted_total_normalises_scales_and_weights():
    # 60% of 80/100 plus 40% of 9/10 = 48 + 36 = 84
    assert weighted_total(criteria=CRITERIA, values={2: D(80), 3: D(9)}) == D("84.00")
    assert weighted_total(criteria=CRITERIA, values={2: D(100), 3: D(10)}) == D("100.00")


@pytest.mark.parametrize(
    ("totals", "method", "expected"),
    [
        ([], "mean", None),
        ([D(70)], "trimmed_mean", D("70.00")),
        ([D(70), D(80), D(90)], "mean", D("80.00")),
        ([D(70), D(80), D(90), D(91)], "median", D("85.00")),
        ([D(70), D(80), D(80), D(90)], "median", D("80.00")),  # a tie in the middle
        # fewer than five: nothing dropped
        ([D(60), D(80), D(85), D(99)], "trimmed_mean", D("81.00")),
        # five: the highest (99) and the lowest (40) go; mean of 80, 82, 84
        ([D(99), D(40), D(80), D(82), D(84)], "trimmed_mean", D("82.00")),
        # ties at both ends drop one each
        ([D(90), D(90), D(70), D(70), D(80)], "trimmed_mean", D("80.00")),
        ([D("80.335"), D("80.335")], "mean", D("80.34")),  # rounded half up
    ],
)
def test_panel_result(totals, method, expected):
    assert panel_result(totals, method) == expected


def test_dispersion():
    spread = dispersion([D(70), D(90)])
    assert (spread.spread, spread.stdev) == (D("20.00"), D("10.00"))
    assert dispersion([D(70)]).spread == D(0)
