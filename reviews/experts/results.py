"""The review's results, case by case and category by category, each figure traceable
to the individual scores it comes from. A few queries for the whole campaign."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Context, Decimal

from django.db import connection, transaction
from django.utils.translation import gettext as _

from accounts.models import Organisation
from applications.enums import PROVINCIAL_STATES, CaseState
from applications.models import Case
from reviews.enums import Aggregation
from reviews.experts.aggregation import (
    CriterionSpec,
    Dispersion,
    dispersion,
    round2,
    rule_label,
)
from reviews.models import Criterion, ExpertAssignment, RankingEntry, ResultRow, ReviewStage, Rubric, Score


@dataclass
class ExpertScore:
    assignment_id: int
    expert_id: int
    expert_name: str
    values: dict[int, Decimal]  # criterion id -> score
    gates: dict[int, bool]  # criterion id -> passed
    comments: dict[int, str]
    total: Decimal
    failed_gate: bool


@dataclass
class CaseResult:
    case: object
    scores: list[ExpertScore] = field(default_factory=list)  # the trace, when asked for
    assigned: int = 0
    scored: int = 0  # reviews submitted
    result: Decimal | None = None
    rule: str = ""  # the aggregation actually applied: 「3位专家，算术平均」
    excluded: bool = False  # a gate (政治性) failed: out whatever the total
    spread: Dispersion | None = None
    flagged: bool = False  # experts disagree beyond the rubric's threshold
    category_rank: int | None = None
    # Equal results share a place (并列): shared_rank is the place of the first of them;
    # the order inside the group (the authority's priority, then id) stays as it was.
    shared_rank: int | None = None
    tied: bool = False
    authority_rank: int | None = None
    position: int = 0  # place in the category's order, ranked or not (1-based)
    category_id: int | None = None
    state: str = ""  # the case's state when the figures were read

    @property
    def complete(self) -> bool:
        return self.assigned > 0 and self.scored == self.assigned


@dataclass(frozen=True)
class ResultCase:
    """What a row of the results page shows of its case, read with the figures."""

    pk: int
    title: str
    state: str
    unit_name: str

    def get_state_display(self) -> str:
        return CaseState(self.state).label


def criterion_specs(rubric) -> list[CriterionSpec]:
    return [
        CriterionSpec(id=c.pk, weight=c.weight, max_score=c.max_score, is_gate=c.is_gate)
        for c in Criterion.objects.filter(rubric=rubric).order_by("position", "id")
    ]


# --- the figures, in SQL ---------------------------------------------------------------------
#
# Every submitted review stores its expert's exact total (ExpertAssignment.total, two
# places). The panel's figure is computed in integer hundredths, so SQLite's floating
# point never touches it: a total t becomes ROUND(t*100) (exact for two places), and
# ROUND_HALF_UP of a non-negative p/q is (2p + q) / (2q) in integer division, on SQLite
# and PostgreSQL alike. Ranks are window functions over the whole category, so a page
# of the category keeps the category-wide places.

_RESULT_SQL = {
    Aggregation.MEAN: "CASE WHEN n > 0 THEN (2 * s + n) / (2 * n) END",
    Aggregation.TRIMMED_MEAN: (
        "CASE WHEN n >= {trim} THEN (2 * (s - lo - hi) + n - 2) / (2 * (n - 2))"
        " WHEN n > 0 THEN (2 * s + n) / (2 * n) END"
    ),
    # Odd: the middle total; even: the half-sum of the two middle ones, rounded half up.
    Aggregation.MEDIAN: ("CASE WHEN n > 0 AND n - 2 * (n / 2) = 1 THEN mid WHEN n > 0 THEN (mid + 1) / 2 END"),
}

# One row per case of the round: assigned and submitted reviews, the sum, lowest and
# highest of the totals in hundredths, whether a gate failed, and (for the median) the
# sum of the middle one or two totals.
_CENTS = "CASE WHEN ea.submitted_at IS NOT NULL THEN CAST(ROUND(ea.total * 100) AS INTEGER) END"
_FAILED = "CASE WHEN ea.submitted_at IS NOT NULL AND ea.total IS NOT NULL AND ea.failed_gate THEN 1 ELSE 0 END"
_PER_CASE_SQL = f"""
agg AS (
    SELECT c.id AS case_id, c.category_id AS category_id, c.state AS state, re.rank AS arank,
           COUNT(ea.id) AS m, COUNT({_CENTS}) AS n, SUM({_CENTS}) AS s, MIN({_CENTS}) AS lo, MAX({_CENTS}) AS hi,
           SUM({_CENTS} * {_CENTS}) AS sq, MAX({_FAILED}) AS failed, 0 AS mid
    FROM {{case}} c
    LEFT JOIN {{entry}} re ON re.case_id = c.id
    LEFT JOIN {{assignment}} ea ON ea.case_id = c.id AND ea.stage_id = %s
    WHERE {{scope}}
    GROUP BY c.id, c.category_id, c.state, re.rank
),"""
# The median needs each total's place among its case's totals: a window first.
_PER_CASE_MEDIAN_SQL = f"""
sub AS (
    SELECT c.id AS case_id, c.category_id AS category_id, c.state AS state, re.rank AS arank, ea.id AS aid,
           {_CENTS} AS cents, {_FAILED} AS failed,
           ROW_NUMBER() OVER (
               PARTITION BY c.id
               ORDER BY CASE WHEN ea.submitted_at IS NULL OR ea.total IS NULL THEN 1 ELSE 0 END, ea.total
           ) AS rn,
           COUNT({_CENTS}) OVER (PARTITION BY c.id) AS cnt
    FROM {{case}} c
    LEFT JOIN {{entry}} re ON re.case_id = c.id
    LEFT JOIN {{assignment}} ea ON ea.case_id = c.id AND ea.stage_id = %s
    WHERE {{scope}}
),
agg AS (
    SELECT case_id, category_id, state, arank, COUNT(aid) AS m, COUNT(cents) AS n, SUM(cents) AS s,
           MIN(cents) AS lo, MAX(cents) AS hi, SUM(cents * cents) AS sq, MAX(failed) AS failed,
           SUM(CASE WHEN cents IS NOT NULL AND (rn = (cnt + 1) / 2 OR rn = (cnt + 2) / 2) THEN cents ELSE 0 END)
               AS mid
    FROM sub GROUP BY case_id, category_id, state, arank
),"""

_FIGURES_SQL = """
WITH {per_case}
fig AS (
    SELECT case_id, category_id, state, arank, m AS assigned, n, {result} AS result,
           COALESCE(hi - lo, 0) AS spread, s, sq, failed,
           CASE WHEN n = 0 OR failed = 1 THEN 1 ELSE 0 END AS unranked
    FROM agg
),
ranked AS (
    SELECT fig.*,
           ROW_NUMBER() OVER (
               PARTITION BY category_id
               ORDER BY unranked, COALESCE(result, 0) DESC, COALESCE(arank, 1000000), case_id
           ) AS position,
           RANK() OVER (PARTITION BY category_id, unranked ORDER BY COALESCE(result, 0) DESC) AS shared,
           COUNT(*) OVER (PARTITION BY category_id, unranked, result) AS same
    FROM fig
)
SELECT p.case_id, p.category_id, p.state, p.arank, p.assigned, p.n, p.result, p.spread, p.failed, p.unranked,
       p.position, p.shared, p.same, p.s, p.sq{names}
FROM (SELECT * FROM ranked{outer} ORDER BY category_id, position{limit}) p{names_join}
ORDER BY p.category_id, p.position
"""

# The cases of a round: the campaign's cases in provincial review, of the round's
# shortlist when it has one.
_SCOPE_SQL = (
    "c.campaign_id = %s AND c.state IN ({states}){where}"
    " AND (NOT EXISTS (SELECT 1 FROM {shortlist} sl WHERE sl.reviewstage_id = %s)"
    " OR EXISTS (SELECT 1 FROM {shortlist} sl WHERE sl.reviewstage_id = %s AND sl.case_id = c.id))"
)


def _scope(*, stage, where: str = "") -> str:
    return _SCOPE_SQL.format(
        states=", ".join(["%s"] * len(PROVINCIAL_STATES)),
        where=where,
        shortlist=ReviewStage.shortlist.through._meta.db_table,
    )


@dataclass
class CategorySummary:
    """How far one category of a round has come: counts by state, and how many cases
    every assigned expert has scored."""

    cases: int = 0
    complete: int = 0  # every assigned expert has submitted
    by_state: dict[str, int] = field(default_factory=dict)
    advanceable: int = 0  # scored, no gate failed, still in expert review

    def count(self, states=None) -> int:
        if states is None:
            return self.cases
        return sum(self.by_state.get(state, 0) for state in states)

    @property
    def in_review(self) -> int:
        return self.by_state.get(CaseState.IN_EXPERT_REVIEW, 0)

    @property
    def undecided(self) -> int:
        return self.by_state.get(CaseState.REVIEWED, 0)

    @property
    def selected(self) -> int:
        return self.by_state.get(CaseState.SELECTED, 0) + self.by_state.get(CaseState.RECOMMENDED_TO_NRTA, 0)

    @property
    def not_selected(self) -> int:
        return self.by_state.get(CaseState.NOT_SELECTED, 0)


# Per category and state, from the stored rows (their summary index alone): the cases,
# those every assigned expert has submitted, and those scored with no gate failed.
# Grouped by the index's own columns (a few groups per category and state), the
# sums taken here.
_SUMMARY_SQL = """
SELECT category_id, state, assigned, scored, failed, COUNT(*)
FROM {rows} WHERE stage_id = %s
GROUP BY category_id, state, assigned, scored, failed
"""


def category_summary(*, stage) -> dict[int, CategorySummary]:
    """Category id -> its summary in `stage` (categories without cases absent). One
    query, on the stored result rows."""
    with connection.cursor() as cursor:
        cursor.execute(_SUMMARY_SQL.format(rows=ResultRow._meta.db_table), [stage.pk])
        rows = cursor.fetchall()
    found: dict[int, CategorySummary] = defaultdict(CategorySummary)
    for category_id, state, assigned, scored, failed, cases in rows:
        summary = found[category_id]
        summary.cases += cases
        summary.by_state[state] = summary.by_state.get(state, 0) + cases
        if assigned > 0 and scored == assigned:
            summary.complete += cases  # every assigned expert has submitted
        if state == CaseState.IN_EXPERT_REVIEW and scored > 0 and not failed:
            summary.advanceable += cases  # scored, no gate failed
    return dict(found)


# --- the stored rows (reviews.models.ResultRow) ------------------------------------------------
#
# Written from the same per-case SQL as the live figures, for one round and some of its
# cases (or all): the rows of those cases are deleted, then those still in the round's
# scope written again. Read by the results page a page at a time.

_REFRESH_SQL = """
WITH {per_case}
fig AS (SELECT agg.*, {result} AS result FROM agg)
INSERT INTO {rows} (stage_id, case_id, category_id, state, arank, assigned, scored, total, squares, low, high,
                    failed, result, sort_result, unranked)
SELECT %s, case_id, category_id, state, COALESCE(arank, 1000000), m, n, s, sq, lo, hi,
       failed = 1, result, COALESCE(result, 0), (n = 0 OR failed = 1)
FROM fig WHERE true
ON CONFLICT (stage_id, case_id) DO UPDATE SET {updates}
"""
# A row another transaction wrote meanwhile (a case entering the round while the whole
# round is written again) is overwritten, not a unique violation.
_REFRESHED = (
    "category_id",
    "state",
    "arank",
    "assigned",
    "scored",
    "total",
    "squares",
    "low",
    "high",
    "failed",
    "result",
    "sort_result",
    "unranked",
)


# Case ids per statement (SQLite takes at most 32,766 parameters).
_REFRESH_CHUNK = 2000


def result_rows_refresh(*, stage, rubric=None, case_ids=None) -> None:
    """Write again the stored result rows of `stage` for `case_ids` (every case of the
    campaign when None) from the assignments' stored totals. Two queries (per 2,000
    cases)."""
    rubric = rubric or Rubric.objects.only("aggregation", "trim_min_experts").get(campaign_id=stage.campaign_id)
    if case_ids is not None:
        case_ids = sorted(set(case_ids))
        for start in range(0, len(case_ids), _REFRESH_CHUNK):
            _refresh(stage=stage, rubric=rubric, case_ids=case_ids[start : start + _REFRESH_CHUNK])
    else:
        _refresh(stage=stage, rubric=rubric, case_ids=None)


@transaction.atomic
def _refresh(*, stage, rubric, case_ids) -> None:
    if connection.features.has_select_for_update:
        # Two refreshes of a case wait for each other (PostgreSQL): the second reads
        # what the first committed, so concurrent writes (two experts submitting on the
        # same case) never leave the row as only one of them saw it. SQLite has one
        # writer at a time.
        locked = Case.objects.select_for_update().order_by("pk").values_list("pk", flat=True)
        if case_ids is None:
            locked = locked.filter(campaign_id=stage.campaign_id, state__in=PROVINCIAL_STATES)
        else:
            locked = locked.filter(pk__in=case_ids)
        list(locked)
    params: list = [stage.pk, stage.campaign_id, *sorted(PROVINCIAL_STATES)]
    where, delete_where, delete_params = "", "", []
    if case_ids is not None:
        marks = ", ".join(["%s"] * len(case_ids))
        where = f" AND c.id IN ({marks})"
        delete_where = f" AND case_id IN ({marks})"
        params += case_ids
        delete_params = case_ids
    params += [stage.pk, stage.pk, stage.pk]
    per_case = _PER_CASE_MEDIAN_SQL if rubric.aggregation == Aggregation.MEDIAN else _PER_CASE_SQL
    table = ResultRow._meta.db_table
    sql = _REFRESH_SQL.format(
        per_case=per_case.format(
            case=Case._meta.db_table,
            entry=RankingEntry._meta.db_table,
            assignment=ExpertAssignment._meta.db_table,
            scope=_scope(stage=stage, where=where),
        ),
        result=_RESULT_SQL[rubric.aggregation].format(trim=int(rubric.trim_min_experts)),
        rows=table,
        updates=", ".join(f"{name} = excluded.{name}" for name in _REFRESHED),
    )
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE stage_id = %s{delete_where}", [stage.pk, *delete_params])
        cursor.execute(sql, params)


# A page of a category, in the order of the `result_row_order` index. The place of a
# row on the unfiltered list is its offset; a page of some states only takes the
# places from a window over the category's index entries (no table row read). Equal
# results (ranked rows only): how many there are, and how many come before the row (its
# shared place is its own minus those), each counted in the index range of that result.
_ORDER = "unranked, sort_result DESC, arank, case_id"
_PAGE_SQL = """
SELECT q.*,
       CASE WHEN q.unranked OR q.head = 0 THEN NULL ELSE (
           SELECT COUNT(*) FROM {rows} x WHERE x.stage_id = q.stage_id AND x.category_id = q.category_id
               AND x.unranked = q.unranked AND x.sort_result = q.sort_result
               AND (x.arank < q.arank OR (x.arank = q.arank AND x.case_id < q.case_id))) END AS before,
       CASE WHEN q.unranked OR q.head = 0 THEN NULL ELSE (
           SELECT COUNT(*) FROM {rows} x WHERE x.stage_id = q.stage_id AND x.category_id = q.category_id
               AND x.unranked = q.unranked AND x.sort_result = q.sort_result) END AS same
FROM (
    SELECT r.case_id, r.category_id, r.state, r.arank, r.assigned, r.scored, r.result,
           COALESCE(r.high - r.low, 0) AS spread, r.failed, r.unranked, p.position, r.total, r.squares,
           c.title, o.name, r.sort_result, r.stage_id, {head} AS head
    FROM ({positions}) p
    JOIN {rows} r ON r.stage_id = %s AND r.case_id = p.case_id
    JOIN {case} c ON c.id = r.case_id
    JOIN {organisation} o ON o.id = c.unit_id
) q
ORDER BY q.unranked, q.sort_result DESC, q.arank, q.case_id
"""
# On a run of the category's order (no state filter), only the first row of each
# result on the page counts its equals: the next ones follow it.
_PAGE_ORDER = "ORDER BY r.unranked, r.sort_result DESC, r.arank, r.case_id"
_HEAD_SQL = (
    f"CASE WHEN LAG(r.sort_result) OVER ({_PAGE_ORDER}) = r.sort_result"
    f" AND LAG(r.unranked) OVER ({_PAGE_ORDER}) = r.unranked THEN 0 ELSE 1 END"
)
_POSITIONS_ALL_SQL = (
    "SELECT case_id, 0 AS position FROM {rows} WHERE stage_id = %s AND category_id = %s"
    f" ORDER BY {_ORDER} LIMIT %s OFFSET %s"
)
_POSITIONS_OF_STATES_SQL = (
    "SELECT case_id, position FROM (SELECT case_id, state,"
    f" ROW_NUMBER() OVER (ORDER BY {_ORDER}) AS position"
    " FROM {rows} WHERE stage_id = %s AND category_id = %s) w"
    " WHERE state IN ({states}) ORDER BY position LIMIT %s OFFSET %s"
)


def category_page(*, stage, rubric, category_id: int, states=None, limit: int, offset: int = 0) -> list[CaseResult]:
    """A page of one category's results in `stage` from the stored rows, with the
    category-wide places (of the rows in `states` only, when given): the same figures as
    case_figures(…, category_id=…, states=…, names=True)[offset:offset + limit]. One
    query, whatever the size of the category."""
    table = ResultRow._meta.db_table
    if states is None:
        positions = _POSITIONS_ALL_SQL.format(rows=table)
        params = [stage.pk, category_id, limit, offset]
    else:
        states = list(states)
        if not states:
            return []
        positions = _POSITIONS_OF_STATES_SQL.format(rows=table, states=", ".join(["%s"] * len(states)))
        params = [stage.pk, category_id, *states, limit, offset]
    sql = _PAGE_SQL.format(
        rows=table,
        positions=positions,
        case=Case._meta.db_table,
        organisation=Organisation._meta.db_table,
        head=_HEAD_SQL if states is None else "1",
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, stage.pk])
        rows = cursor.fetchall()
    threshold = rubric.dispersion_threshold * 100
    labels: dict[int, str] = {}
    found = []
    before = same = 0
    for i, row in enumerate(rows):
        case_id, category_id_, state, arank, assigned, n, result, spread, failed, unranked, pos = row[:11]
        total, squares, title, unit_name = row[11:15]
        head_before, head_same = row[18], row[19]
        if states is None:
            pos = offset + i + 1
        if head_same is not None:
            before, same = head_before, head_same
        else:  # the next of equal results on the page
            before += 1
        ranked = not unranked
        found.append(
            CaseResult(
                case=ResultCase(pk=case_id, title=title, state=state, unit_name=unit_name),
                assigned=assigned,
                scored=n,
                result=_from_cents(result),
                rule=labels[n]
                if n in labels
                else labels.setdefault(n, rule_label(rubric.aggregation, n, rubric.trim_min_experts)),
                excluded=bool(failed),
                spread=Dispersion(_stdev(n, total or 0, squares or 0), _from_cents(spread)),
                flagged=spread > threshold,
                category_rank=pos if ranked else None,
                shared_rank=pos - before if ranked else None,
                tied=ranked and same > 1,
                authority_rank=None if arank == 1000000 else arank,
                position=pos,
                category_id=category_id_,
                state=state,
            )
        )
    return found


def case_figures(
    *,
    stage,
    rubric,
    category_id: int | None = None,
    case_ids=None,
    states=None,
    top: int | None = None,
    limit: int | None = None,
    offset: int = 0,
    names: bool = False,
) -> list[CaseResult]:
    """The round's results without the trace (CaseResult.case is the case's id until a
    caller puts the case there), in each category's order. One query.

    `category_id` / `case_ids` narrow the cases (ranks are then among those: pass
    `case_ids` only for figures, never for places); `states` keeps the rows in those
    states and `top` the first `top` of each category, after the ranks are taken over
    the whole category; `limit`/`offset` give a page of that. With `names`, the case is a
    ResultCase carrying what a row of the page shows (title, state, unit)."""
    params: list = [stage.pk, stage.campaign_id, *sorted(PROVINCIAL_STATES)]
    where = ""
    if category_id is not None:
        where += " AND c.category_id = %s"
        params.append(category_id)
    if case_ids is not None:
        case_ids = list(case_ids)
        if not case_ids:
            return []
        where += f" AND c.id IN ({', '.join(['%s'] * len(case_ids))})"
        params.extend(case_ids)
    params += [stage.pk, stage.pk]
    outer_terms = []
    if states is not None:
        outer_terms.append(f"state IN ({', '.join(['%s'] * len(states))})")
        params.extend(states)
    if top is not None:
        outer_terms.append("position <= %s")
        params.append(top)
    limit_sql = ""
    if limit is not None:
        limit_sql = " LIMIT %s OFFSET %s"
        params += [limit, offset]
    per_case = _PER_CASE_MEDIAN_SQL if rubric.aggregation == Aggregation.MEDIAN else _PER_CASE_SQL
    sql = _FIGURES_SQL.format(
        # The rows' names are read for the rows returned only (a page), after the places.
        names=", c.title, o.name" if names else "",
        names_join=(
            f" JOIN {Case._meta.db_table} c ON c.id = p.case_id"
            f" JOIN {Organisation._meta.db_table} o ON o.id = c.unit_id"
            if names
            else ""
        ),
        per_case=per_case.format(
            case=Case._meta.db_table,
            entry=RankingEntry._meta.db_table,
            assignment=ExpertAssignment._meta.db_table,
            scope=_scope(stage=stage, where=where),
        ),
        result=_RESULT_SQL[rubric.aggregation].format(trim=int(rubric.trim_min_experts)),
        outer=(" WHERE " + " AND ".join(outer_terms)) if outer_terms else "",
        limit=limit_sql,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    threshold = rubric.dispersion_threshold * 100
    labels: dict[int, str] = {}  # the rule's words depend only on the number of experts
    found = []
    for row in rows:
        case_id, category_id_, state, arank, assigned, n, result, spread, failed, unranked, pos, shared, same = row[:13]
        ranked = not unranked
        found.append(
            CaseResult(
                case=ResultCase(pk=case_id, title=row[15], state=state, unit_name=row[16]) if names else case_id,
                assigned=assigned,
                scored=n,
                result=_from_cents(result),
                rule=labels[n]
                if n in labels
                else labels.setdefault(n, rule_label(rubric.aggregation, n, rubric.trim_min_experts)),
                excluded=bool(failed),
                spread=Dispersion(_stdev(n, row[13], row[14]), _from_cents(spread)),
                flagged=spread > threshold,
                category_rank=pos if ranked else None,
                shared_rank=shared if ranked else None,
                tied=ranked and same > 1,
                authority_rank=arank,
                position=pos,
                category_id=category_id_,
                state=state,
            )
        )
    return found


def _stdev(n: int, total, squares) -> Decimal:
    """The population standard deviation of n totals from their sum and sum of squares
    in hundredths (exact integers): sqrt(n·Σx² − (Σx)²) / n, as aggregation.dispersion."""
    if n < 2:
        return Decimal(0)
    variance = int(n) * int(squares) - int(total) * int(total)
    return round2(Decimal(variance).sqrt(_PRECISE) / int(n) / 100)


_PRECISE = Context(prec=40)


def _from_cents(value) -> Decimal | None:
    return None if value is None else Decimal(int(value)).scaleb(-2)


def attach_cases(results: list[CaseResult], cases) -> None:
    """Put each case (from `cases`, a queryset or list) in its result; results whose
    case is not among them keep the id."""
    by_id = {case.pk: case for case in cases}
    for result in results:
        result.case = by_id.get(result.case, result.case)


def attach_trace(results: list[CaseResult], *, stage, rubric, specs=None) -> None:
    """Each expert's submitted scores behind each result (one query), and the spread's
    standard deviation from their totals."""
    if not results:
        return
    by_case = {case_id_of(result): result for result in results}
    rows = Score.objects.filter(assignment__stage=stage, assignment__submitted_at__isnull=False).order_by(
        "assignment_id"
    )
    if len(by_case) <= 500:
        rows = rows.filter(assignment__case_id__in=list(by_case))
    rows = rows.values_list(
        "assignment_id",
        "assignment__case_id",
        "assignment__expert_id",
        "assignment__expert__display_name",
        "assignment__expert__username",
        "assignment__total",
        "assignment__failed_gate",
        "criterion_id",
        "value",
        "passed",
        "comment",
    )
    specs = specs if specs is not None else criterion_specs(rubric)
    per_assignment: dict[int, ExpertScore] = {}
    for (
        assignment_id,
        case_id,
        expert_id,
        display,
        username,
        total,
        failed,
        criterion_id,
        value,
        passed,
        comment,
    ) in rows.iterator(chunk_size=5000):
        result = by_case.get(case_id)
        if result is None or total is None:
            continue
        score = per_assignment.get(assignment_id)
        if score is None:
            score = per_assignment[assignment_id] = ExpertScore(
                assignment_id=assignment_id,
                expert_id=expert_id,
                expert_name=display or username,
                values={},
                gates={},
                comments={},
                total=total,
                failed_gate=failed,
            )
            result.scores.append(score)
        if value is not None:
            score.values[criterion_id] = value
        if passed is not None:
            score.gates[criterion_id] = passed
        score.comments[criterion_id] = comment
    scored_ids = [spec.id for spec in specs if not spec.is_gate]
    for score in per_assignment.values():
        for criterion_id in scored_ids:
            score.values.setdefault(criterion_id, Decimal(0))
    for result in results:
        result.spread = dispersion([score.total for score in result.scores])


def case_id_of(result: CaseResult) -> int:
    return result.case if isinstance(result.case, int) else result.case.pk


def stage_results(*, stage, rubric, trace: bool = True) -> dict[int, list[CaseResult]]:
    """Category id -> its cases' results, best first (excluded and unscored last), each
    with its case; with `trace`, each expert's scores behind it. Three queries."""
    results = case_figures(stage=stage, rubric=rubric)
    # What the results' readers (sheets, rankings) show of a case, never the narratives.
    cases = (
        Case.objects.filter(campaign=stage.campaign, state__in=PROVINCIAL_STATES)
        .select_related("unit", "authority")
        .only("title", "state", "campaign_id", "category_id", "unit__name", "authority__name")
    )
    attach_cases(results, cases)
    if trace:
        attach_trace(results, stage=stage, rubric=rubric)
    by_category: dict[int, list[CaseResult]] = defaultdict(list)
    for result in results:
        by_category[result.category_id].append(result)
    return dict(by_category)


def case_ranks(*, stage, rubric) -> dict[int, int]:
    """Case id -> its place in its category (ranked cases only). One query."""
    return {
        case_id_of(result): result.category_rank
        for result in case_figures(stage=stage, rubric=rubric)
        if result.category_rank is not None
    }


def shown_rank(result: CaseResult):
    """The place as pages and sheets print it: the number, or 「2（并列）」 for each of
    equal results (all of them show the place of the first)."""
    if result.category_rank is None:
        return None
    if result.tied:
        return _("%(rank)d（并列）") % {"rank": result.shared_rank}
    return result.category_rank
