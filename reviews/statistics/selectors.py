"""The figures of the statistics page, counted in the database: a fixed number of
aggregate queries whatever the number of cases (tests/reviews/test_statistics.py
asserts it). The province sees the whole province; an authority only the cases of its
own units (`authority`), and neither experts nor scores.

Each figure comes out as a `Table` (columns and rows) that the page prints beside its
chart, the chart script draws from, and the Excel export writes."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import ExtractQuarter
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.enums import AUTHORITY_KINDS, UnitType
from accounts.models import Organisation
from applications.enums import PROVINCIAL_STATES, SEEN_BY_AUTHORITY_STATES, CaseState
from applications.models import Campaign, Case, Category
from reviews.enums import CriterionKind, RankingTableStatus
from reviews.models import ExpertAssignment, LeagueWeights, RankingTable
from workflow.models import TransitionRecord

RECOMMENDED_STATES = frozenset({CaseState.RECOMMENDED} | PROVINCIAL_STATES)
SELECTED_STATES = frozenset({CaseState.SELECTED, CaseState.RECOMMENDED_TO_NRTA})

# Days before the deadline a case was first submitted: (label, lower bound in days).
TIMELINESS_BUCKETS = [(14, "≥14"), (7, "7–14"), (3, "3–7"), (1, "1–3"), (0, "<1")]
SCORE_BUCKETS = [(Decimal(90), "≥90"), (Decimal(80), "80–90"), (Decimal(70), "70–80"), (Decimal(60), "60–70")]

DEFAULT_WEIGHTS = {"submissions": 15, "timeliness": 15, "selections": 50, "scores": 20}


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    # Which columns the chart draws (indexes into columns), and how.
    series: list[int] = field(default_factory=list)
    chart: str = "bar"  # bar | stacked | line
    note: str = ""

    def chart_data(self) -> dict:
        return {
            "key": self.key,
            "title": self.title,
            "chart": self.chart,
            "labels": [str(row[0]) for row in self.rows],
            "series": [{"name": self.columns[i], "data": [_number(row[i]) for row in self.rows]} for i in self.series],
        }


def _number(value):
    if isinstance(value, Decimal):
        return float(value)
    return value if isinstance(value, (int, float)) else None


def rate(part: int, whole: int) -> str:
    return f"{Decimal(part * 100) / whole:.1f}%" if whole else "—"


@dataclass
class Counts:
    submitted: int = 0
    returned: int = 0
    recommended: int = 0
    selected: int = 0

    def row(self, label) -> list:
        return [
            label,
            self.submitted,
            self.returned,
            self.recommended,
            self.selected,
            rate(self.recommended, self.submitted),
            rate(self.selected, self.recommended),
        ]


def _count_columns(first: str) -> list[str]:
    return [first, _("申报"), _("曾退回"), pgettext("statistics column", "推荐"), _("入选"), _("推荐率"), _("入选率")]


def _cases(campaign, authority):
    cases = Case.objects.filter(campaign=campaign)
    return cases.filter(authority=authority) if authority is not None else cases


def _breakdowns(*, campaign, authority) -> dict[str, dict]:
    """Counts by authority, category and unit type: two grouped queries."""
    groups = {"authority": defaultdict(Counts), "category": defaultdict(Counts), "unit_type": defaultdict(Counts)}
    rows = (
        _cases(campaign, authority)
        .filter(state__in=SEEN_BY_AUTHORITY_STATES)
        .order_by()
        .values("authority_id", "category_id", "unit__unit_type", "state")
        .annotate(n=Count("id"))
    )
    for row in rows:
        keys = {"authority": row["authority_id"], "category": row["category_id"], "unit_type": row["unit__unit_type"]}
        for name, key in keys.items():
            counts = groups[name][key]
            counts.submitted += row["n"]
            if row["state"] in RECOMMENDED_STATES:
                counts.recommended += row["n"]
            if row["state"] in SELECTED_STATES:
                counts.selected += row["n"]
    returns = TransitionRecord.objects.filter(case__campaign=campaign, to_state=CaseState.RETURNED)
    if authority is not None:
        returns = returns.filter(case__authority=authority)
    for row in (
        returns.order_by()
        .values("case__authority_id", "case__category_id", "case__unit__unit_type")
        .annotate(n=Count("case_id", distinct=True))
    ):
        groups["authority"][row["case__authority_id"]].returned += row["n"]
        groups["category"][row["case__category_id"]].returned += row["n"]
        groups["unit_type"][row["case__unit__unit_type"]].returned += row["n"]
    return groups


def _first_submissions(*, campaign, authority):
    """The first submission of each case (from its draft), as transition records."""
    records = TransitionRecord.objects.filter(
        case__campaign=campaign, from_state=CaseState.DRAFT, to_state=CaseState.SUBMITTED
    )
    return records.filter(case__authority=authority) if authority is not None else records


def _timeliness(*, campaign, authority, names) -> Table:
    deadline = campaign.submission_deadline
    bounds = [deadline - timedelta(days=days) for days, _label in TIMELINESS_BUCKETS]
    aggregates = {}
    upper = None
    for index, bound in enumerate(bounds):
        condition = Q(created_at__lte=bound)
        if upper is not None:
            condition &= Q(created_at__gt=upper)
        aggregates[f"b{index}"] = Count("case_id", distinct=True, filter=condition)
        upper = bound
    aggregates["late"] = Count("case_id", distinct=True, filter=Q(created_at__gt=deadline))
    rows = (
        _first_submissions(campaign=campaign, authority=authority)
        .order_by()
        .values("case__authority_id")
        .annotate(**aggregates)
    )
    table = Table(
        key="timeliness",
        title=_("报送时间分布（首次提交距申报截止的天数）"),
        columns=[_("推荐单位")]
        + [_("截止前%(days)s天") % {"days": label} for _d, label in TIMELINESS_BUCKETS]
        + [_("截止后")],
        chart="stacked",
    )
    table.series = list(range(1, len(table.columns)))
    for row in sorted(rows, key=lambda r: names.get(r["case__authority_id"], "")):
        table.rows.append(
            [names.get(row["case__authority_id"], "—")] + [row[f"b{i}"] for i in range(len(bounds))] + [row["late"]]
        )
    return table


def _ranking_tables(*, campaign, authority, authorities) -> Table:
    tables = RankingTable.objects.filter(campaign=campaign)
    if authority is not None:
        tables = tables.filter(authority=authority)
    by_authority = {table.authority_id: table for table in tables.only("authority_id", "status", "submitted_at")}
    deadline = campaign.ranking_deadline
    now = timezone.now()
    table = Table(
        key="tables",
        title=_("推荐排序表报送情况"),
        columns=[_("推荐单位"), _("状态"), _("报送时间"), _("距截止（天）"), _("是否逾期")],
        series=[3],
    )
    for org in authorities:
        ranking = by_authority.get(org.pk)
        submitted = ranking is not None and ranking.status == RankingTableStatus.SUBMITTED
        if submitted:
            days = Decimal((deadline - ranking.submitted_at).total_seconds() / 86400).quantize(Decimal("0.1"))
            late = ranking.submitted_at > deadline
            when = timezone.localtime(ranking.submitted_at).strftime("%Y-%m-%d %H:%M")
        else:
            days, late, when = None, now > deadline, "—"
        status = ranking.get_status_display() if ranking is not None else _("未编制")
        table.rows.append([org.name, status, when, days if days is not None else "—", _("逾期") if late else _("否")])
    return table


def _year_over_year(*, authority) -> Table:
    cases = Case.objects.filter(state__in=SEEN_BY_AUTHORITY_STATES)
    if authority is not None:
        cases = cases.filter(authority=authority)
    rows = (
        cases.order_by()
        .values("campaign__year")
        .annotate(
            submitted=Count("id"),
            recommended=Count("id", filter=Q(state__in=RECOMMENDED_STATES)),
            selected=Count("id", filter=Q(state__in=SELECTED_STATES)),
        )
        .order_by("campaign__year")
    )
    table = Table(
        key="years",
        title=_("历年对比"),
        columns=[_("年度"), _("申报"), pgettext("statistics column", "推荐"), _("入选"), _("推荐率"), _("入选率")],
        series=[1, 2, 3],
        chart="line",
    )
    for row in rows:
        table.rows.append(
            [
                str(row["campaign__year"]),
                row["submitted"],
                row["recommended"],
                row["selected"],
                rate(row["recommended"], row["submitted"]),
                rate(row["selected"], row["recommended"]),
            ]
        )
    return table


def _expert_progress(*, campaign) -> tuple[Table, Table]:
    assignments = ExpertAssignment.objects.filter(stage__campaign=campaign).order_by()
    per_expert = (
        assignments.values("expert_id", "expert__display_name", "expert__username")
        .annotate(total=Count("id"), done=Count("id", filter=Q(submitted_at__isnull=False)))
        .order_by("expert__username")
    )
    experts = Table(
        key="experts",
        title=_("专家评审进度"),
        columns=[_("评审专家"), _("已提交"), _("未提交"), _("分配"), _("完成率")],
        series=[1, 2],
        chart="stacked",
    )
    for row in per_expert:
        name = row["expert__display_name"] or row["expert__username"]
        experts.rows.append(
            [name, row["done"], row["total"] - row["done"], row["total"], rate(row["done"], row["total"])]
        )
    per_panel = (
        assignments.filter(expert__panels__campaign=campaign)
        .filter(Q(expert__panels__category__isnull=True) | Q(expert__panels__category=F("case__category")))
        .values("expert__panels__id", "expert__panels__name")
        .annotate(
            total=Count("id", distinct=True), done=Count("id", distinct=True, filter=Q(submitted_at__isnull=False))
        )
        .order_by("expert__panels__name")
    )
    panels = Table(
        key="panels",
        title=_("专家组评审进度"),
        columns=[_("专家组"), _("已提交"), _("未提交"), _("分配"), _("完成率")],
        series=[1, 2],
        chart="stacked",
    )
    for row in per_panel:
        panels.rows.append(
            [
                row["expert__panels__name"],
                row["done"],
                row["total"] - row["done"],
                row["total"],
                rate(row["done"], row["total"]),
            ]
        )
    return experts, panels


def assignment_totals(*, campaign) -> list[dict]:
    """Each submitted assignment's weighted total (0–100), with its case's category and
    authority: one query. The same rule as reviews.experts.aggregation.weighted_total,
    in SQL."""
    scored = Q(scores__criterion__kind=CriterionKind.SCORE)
    share = ExpressionWrapper(
        F("scores__value") * F("scores__criterion__weight") / F("scores__criterion__max_score"),
        output_field=DecimalField(max_digits=12, decimal_places=6),
    )
    return list(
        ExpertAssignment.objects.filter(stage__campaign=campaign, submitted_at__isnull=False)
        .order_by()
        .values("pk", "case__category_id", "case__authority_id")
        .annotate(points=Sum(share, filter=scored), weights=Sum("scores__criterion__weight", filter=scored))
    )


def _total(row) -> Decimal | None:
    if not row["weights"] or row["points"] is None:
        return None
    return (Decimal(row["points"]) * 100 / Decimal(row["weights"])).quantize(Decimal("0.01"))


def _score_distribution(*, totals, categories) -> Table:
    table = Table(
        key="scores",
        title=_("各类别专家评分分布（每位专家的总分）"),
        columns=[_("类别")] + [label for _b, label in SCORE_BUCKETS] + [_("60以下"), _("平均分")],
        chart="stacked",
    )
    table.series = list(range(1, len(SCORE_BUCKETS) + 2))
    per_category = defaultdict(list)
    for row in totals:
        total = _total(row)
        if total is not None:
            per_category[row["case__category_id"]].append(total)
    for category in categories:
        values = per_category.get(category.pk, [])
        counts = [0] * (len(SCORE_BUCKETS) + 1)
        for value in values:
            index = next((i for i, (bound, _label) in enumerate(SCORE_BUCKETS) if value >= bound), len(SCORE_BUCKETS))
            counts[index] += 1
        average = (sum(values) / len(values)).quantize(Decimal("0.01")) if values else "—"
        table.rows.append([category.name, *counts, average])
    return table


def league_weights(campaign) -> dict[str, int]:
    weights = LeagueWeights.objects.filter(campaign=campaign).values(*DEFAULT_WEIGHTS).first()
    return weights or dict(DEFAULT_WEIGHTS)


def _league(*, campaign, authorities, breakdown, totals, weights) -> Table:
    """The authorities ranked by a weighted score, in the manner of seed 000: each
    measure as a share of the best authority's (100 = the best), weighted."""
    quarters = defaultdict(dict)
    for row in (
        _first_submissions(campaign=campaign, authority=None)
        .annotate(quarter=ExtractQuarter("created_at"))
        .order_by()
        .values("case__authority_id", "quarter")
        .annotate(n=Count("case_id", distinct=True))
    ):
        quarters[row["case__authority_id"]][row["quarter"]] = row["n"]
    tables = {
        row["authority_id"]: row["submitted_at"]
        for row in RankingTable.objects.filter(campaign=campaign, status=RankingTableStatus.SUBMITTED).values(
            "authority_id", "submitted_at"
        )
    }
    scores = defaultdict(list)
    for row in totals:
        total = _total(row)
        if total is not None:
            scores[row["case__authority_id"]].append(total)
    measures = {}
    for org in authorities:
        counts = breakdown.get(org.pk, Counts())
        submitted_at = tables.get(org.pk)
        on_time = Decimal(
            100 if submitted_at and submitted_at <= campaign.ranking_deadline else 50 if submitted_at else 0
        )
        values = scores.get(org.pk, [])
        average = (sum(values) / len(values)).quantize(Decimal("0.01")) if values else Decimal(0)
        measures[org.pk] = {
            "submissions": Decimal(counts.submitted),
            "timeliness": on_time,
            "selections": Decimal(counts.selected),
            "scores": average,
        }
    best = {key: max((m[key] for m in measures.values()), default=Decimal(0)) for key in DEFAULT_WEIGHTS}
    scored = []
    for org in authorities:
        m = measures[org.pk]
        composite = sum(
            (m[key] * 100 / best[key] * weights[key] / 100 if best[key] else Decimal(0)) for key in DEFAULT_WEIGHTS
        )
        scored.append((Decimal(composite).quantize(Decimal("0.01")), org, m))
    scored.sort(key=lambda item: (-item[0], item[1].name))
    table = Table(
        key="league",
        title=_("推荐单位综合排名"),
        columns=[
            _("排名"),
            _("推荐单位"),
            _("第一季度申报"),
            _("第二季度申报"),
            _("第三季度申报"),
            _("第四季度申报"),
            _("申报合计"),
            _("按时报送"),
            _("入选"),
            _("平均分"),
            _("综合得分"),
        ],
        series=[10],
        note=_(
            "综合得分 = 报送数量%(submissions)s%% + 按时报送%(timeliness)s%% + 入选质量%(selections)s%% + "
            "专家评分%(scores)s%%；各项以最好的推荐单位为100分折算。"
            "按时报送：截止前报送100分，逾期报送50分，未报送0分。"
        )
        % weights,
    )
    rank, previous = 0, None
    for position, (composite, org, m) in enumerate(scored, start=1):
        if composite != previous:
            rank, previous = position, composite
        q = quarters.get(org.pk, {})
        table.rows.append(
            [
                rank,
                org.name,
                q.get(1, 0),
                q.get(2, 0),
                q.get(3, 0),
                q.get(4, 0),
                int(m["submissions"]),
                int(m["timeliness"]),
                int(m["selections"]),
                m["scores"],
                composite,
            ]
        )
    return table


@dataclass
class CampaignStatistics:
    campaign: Campaign
    authority: Organisation | None
    tables: list[Table]
    totals: Counts

    def table(self, key: str) -> Table:
        return next(table for table in self.tables if table.key == key)


def campaign_statistics(*, campaign, authority=None) -> CampaignStatistics:
    """The statistics of `campaign`: the whole province, or `authority`'s own units."""
    authorities = Organisation.objects.filter(kind__in=AUTHORITY_KINDS, is_active=True).order_by("kind", "name")
    if authority is not None:
        authorities = authorities.filter(pk=authority.pk)
    authorities = list(authorities.only("id", "name", "kind"))
    names = {org.pk: org.name for org in authorities}
    categories = list(Category.objects.filter(campaign=campaign).order_by("position", "id").only("id", "name"))
    groups = _breakdowns(campaign=campaign, authority=authority)

    total = Counts()
    for counts in groups["category"].values():
        total.submitted += counts.submitted
        total.returned += counts.returned
        total.recommended += counts.recommended
        total.selected += counts.selected

    def counts_table(key, title, first, items):
        table = Table(key=key, title=title, columns=_count_columns(first), series=[1, 2, 3, 4])
        table.rows = [groups[key][item_key].row(label) for item_key, label in items]
        return table

    tables = []
    if authority is None:
        tables.append(
            counts_table(
                "authority", _("各推荐单位申报、推荐与入选"), _("推荐单位"), [(org.pk, org.name) for org in authorities]
            )
        )
    tables.append(
        counts_table("category", _("各类别申报、推荐与入选"), _("类别"), [(c.pk, c.name) for c in categories])
    )
    tables.append(
        counts_table(
            "unit_type",
            _("各类型申报单位的申报、推荐与入选"),
            _("单位类型"),
            [(value, label) for value, label in UnitType.choices],
        )
    )
    tables.append(_timeliness(campaign=campaign, authority=authority, names=names))
    tables.append(_ranking_tables(campaign=campaign, authority=authority, authorities=authorities))
    tables.append(_year_over_year(authority=authority))
    if authority is None:
        tables.extend(_expert_progress(campaign=campaign))
        totals = assignment_totals(campaign=campaign)
        tables.append(_score_distribution(totals=totals, categories=categories))
        tables.append(
            _league(
                campaign=campaign,
                authorities=authorities,
                breakdown=groups["authority"],
                totals=totals,
                weights=league_weights(campaign),
            )
        )
    return CampaignStatistics(campaign=campaign, authority=authority, tables=tables, totals=total)
