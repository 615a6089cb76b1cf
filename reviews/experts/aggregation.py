"""From the experts' scores to the panel's result. Pure functions over numbers, so
every figure can be recomputed by hand from the individual scores."""

import statistics
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from reviews.enums import Aggregation

TWO_PLACES = Decimal("0.01")
# Experts needed before the highest and the lowest totals are dropped, unless the
# rubric says otherwise (Rubric.trim_min_experts).
TRIM_FROM = 5


@dataclass(frozen=True)
class CriterionSpec:
    id: int
    weight: Decimal  # per cent; 0 for a gate
    max_score: int
    is_gate: bool


def specs_of(criteria) -> list[CriterionSpec]:
    """The rubric's criteria (model instances, in order) as the pure functions take them."""
    return [CriterionSpec(id=c.pk, weight=c.weight, max_score=c.max_score, is_gate=c.is_gate) for c in criteria]


def round2(value: Decimal) -> Decimal:
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def weighted_total(*, criteria: list[CriterionSpec], values: dict[int, Decimal]) -> Decimal:
    """One expert's total on a 0–100 scale: each criterion's score as a share of its
    maximum, weighted, the weights normalised to sum to 100."""
    scored = [c for c in criteria if not c.is_gate]
    weights = sum((c.weight for c in scored), Decimal(0))
    if not scored or weights == 0:
        return Decimal(0)
    total = sum((c.weight * values[c.id] / c.max_score for c in scored), Decimal(0))
    return round2(total * 100 / weights)


def assignment_figures(
    *, criteria: list[CriterionSpec], values: dict[int, Decimal], gates: dict[int, bool]
) -> tuple[Decimal, bool]:
    """(weighted total, a gate failed) of one submitted review: what the expert's
    assignment stores. A missing score counts 0, a missing gate does not fail."""
    scored = {c.id: values.get(c.id, Decimal(0)) for c in criteria if not c.is_gate}
    failed = any(gates.get(c.id) is False for c in criteria if c.is_gate)
    return weighted_total(criteria=criteria, values=scored), failed


def applied_method(method: str, count: int, trim_from: int = TRIM_FROM) -> str:
    """The rule actually applied to `count` totals: the trimmed mean falls back to the
    plain mean below `trim_from` experts."""
    if method == Aggregation.TRIMMED_MEAN and count < trim_from:
        return Aggregation.MEAN
    return method


def rule_label(method: str, count: int, trim_from: int = TRIM_FROM) -> str:
    """What every page and export says of one case's figure: 「3位专家，算术平均」."""
    if count == 0:
        return ""
    applied = applied_method(method, count, trim_from)
    words = {
        Aggregation.MEAN: _("算术平均"),
        Aggregation.MEDIAN: _("中位数"),
        Aggregation.TRIMMED_MEAN: _("去掉一个最高分和一个最低分后平均"),
    }[applied]
    return _("%(n)d位专家，%(rule)s") % {"n": count, "rule": words}


def rule_description(method: str, trim_from: int = TRIM_FROM) -> str:
    """The campaign's setting in words, for headings and notes."""
    if method == Aggregation.TRIMMED_MEAN:
        return _("%(n)d位及以上专家评分时去掉一个最高分和一个最低分后平均，不足%(n)d位时算术平均") % {"n": trim_from}
    return {Aggregation.MEAN: _("算术平均"), Aggregation.MEDIAN: _("中位数")}[method]


def panel_result(totals: list[Decimal], method: str, trim_from: int = TRIM_FROM) -> Decimal | None:
    """The panel's result from the experts' totals; None when nobody has scored."""
    if not totals:
        return None
    ordered = sorted(totals)
    applied = applied_method(method, len(ordered), trim_from)
    if applied == Aggregation.MEDIAN:
        return round2(Decimal(statistics.median(ordered)))
    if applied == Aggregation.TRIMMED_MEAN:
        ordered = ordered[1:-1]
    return round2(sum(ordered, Decimal(0)) / len(ordered))


@dataclass(frozen=True)
class Dispersion:
    stdev: Decimal  # population standard deviation of the totals
    spread: Decimal  # highest minus lowest


def dispersion(totals: list[Decimal]) -> Dispersion:
    if len(totals) < 2:
        return Dispersion(Decimal(0), Decimal(0))
    return Dispersion(round2(Decimal(statistics.pstdev(totals))), round2(max(totals) - min(totals)))
