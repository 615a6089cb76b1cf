"""What the expert review reads: the open round, the cases a round reviews, and how far
the experts of a case have got."""

from typing import NamedTuple

from django.db import connection
from django.db.models import Count

from applications.enums import CaseState
from applications.models import Case
from reviews.enums import StageStatus
from reviews.models import ExpertAssignment, ResultRow, ReviewStage


def open_stage(campaign) -> ReviewStage | None:
    return ReviewStage.objects.filter(campaign=campaign, status=StageStatus.OPEN).first()


def stage_cases(stage: ReviewStage):
    """The cases a stage reviews: its shortlist, or every case in expert review."""
    cases = Case.objects.filter(campaign_id=stage.campaign_id, state=CaseState.IN_EXPERT_REVIEW).select_related("unit")
    if not hasattr(stage, "_has_shortlist"):  # asked once per stage object
        stage._has_shortlist = stage.shortlist.exists()
    if stage._has_shortlist:
        cases = cases.filter(pk__in=stage.shortlist.values("pk"))
    return cases


def expert_review_progress(*, case) -> tuple[int, int]:
    """(experts assigned, experts who submitted their review) for one case. A case
    advanced to a later round that has no experts for it yet counts as unassigned: its
    review is not complete until that round has scored it too."""
    waiting = (
        ReviewStage.objects.filter(campaign_id=case.campaign_id, shortlist=case)
        .exclude(status=StageStatus.CLOSED)
        .exclude(assignments__case=case)
    )
    if waiting.exists():
        return 0, 0
    counts = ExpertAssignment.objects.filter(case=case).aggregate(assigned=Count("id"), submitted=Count("submitted_at"))
    return counts["assigned"], counts["submitted"]


def stage_coverage(stage: ReviewStage, categories) -> list[dict]:
    """Per category of the round (`categories`, in their order), counted in SQL in one
    query: its cases, those with fewer experts than the round wants, and those whose
    experts have all submitted.

    A grouped count of the round's stored result rows (reviews.models.ResultRow, kept in
    the transaction of every assignment, submission and state change) in expert review:
    their (stage, category, state, assigned, scored) index alone, one range per
    category, a few groups each. The round's cases are exactly its rows in expert
    review (the rows cover the campaign's cases in provincial review, of the shortlist
    when the round has one); `scored` counts the submitted reviews (a review is
    submitted with its total, and reopened without it: reviews.experts.services)."""
    categories = list(categories)
    per_group = (
        # The categories named: each an exact range of the index (stage, category,
        # state), read in the grouping's order (SQLite sorts the whole stage's range
        # into groups when only the stage and state are given).
        ResultRow.objects.filter(
            stage=stage, category_id__in=[category.pk for category in categories], state=CaseState.IN_EXPERT_REVIEW
        )
        .order_by()
        .values_list("category_id", "assigned", "scored")
        .annotate(n=Count("*"))
    )
    wanted = stage.reviewers_per_case
    tallies: dict[int, list[int]] = {}
    for category_id, assigned, scored, n in per_group:
        tally = tallies.setdefault(category_id, [0, 0, 0])
        tally[0] += n
        tally[1] += n if assigned < wanted else 0
        tally[2] += n if assigned > 0 and scored == assigned else 0
    rows = []
    for category in categories:
        total, short, done = tallies.get(category.pk, (0, 0, 0))
        if not total:
            continue
        rows.append({"category": category, "cases": total, "short": short, "done": done})
    return rows


class RoundCaseRows:
    """The round's cases in category order (the categories' position, then the case id),
    filtered for the coverage drill-down (one category, only those short of experts), as
    a sequence the paginator slices: its length is the coverage's count, and a slice is
    read from the round's result rows, one index range per category the page reaches
    (the `result_row_round_list` index, in case order), all in one query joined to
    the page's cases for their titles (never the narratives)."""

    def __init__(self, stage: ReviewStage, coverage: list[dict], *, category_id=None, short_only=False):
        self.stage = stage
        self.short_only = short_only
        key = "short" if short_only else "cases"
        # Categories sharing a position are one run, ordered by case id across them.
        runs: dict[int, tuple[list[int], int]] = {}
        for row in coverage:
            category = row["category"]
            if category_id is not None and category.pk != category_id:
                continue
            ids, count = runs.get(category.position, ([], 0))
            runs[category.position] = (ids + [category.pk], count + row[key])
        self.runs = [runs[position] for position in sorted(runs)]
        self.count = sum(count for _ids, count in self.runs)

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("RoundCaseRows is read a page (a slice) at a time")
        start, stop, _step = index.indices(self.count)
        parts, params = [], []
        offset = 0
        table = ResultRow._meta.db_table
        for ids, count in self.runs:
            low, high = max(start, offset), min(stop, offset + count)
            if low < high:
                # One category (the usual run): an equality, so the index hands its
                # cases out in order.
                among = "= %s" if len(ids) == 1 else f"IN ({', '.join(['%s'] * len(ids))})"
                short = " AND assigned < %s" if self.short_only else ""
                parts.append(
                    f"SELECT * FROM (SELECT {len(parts)} AS k, case_id FROM {table} WHERE stage_id = %s AND state = %s"
                    f" AND category_id {among}{short} ORDER BY case_id LIMIT %s OFFSET %s) r{len(parts)}"
                )
                params += [self.stage.pk, CaseState.IN_EXPERT_REVIEW, *ids]
                if self.short_only:
                    params.append(self.stage.reviewers_per_case)
                params += [high - low, low - offset]
            offset += count
        if not parts:
            return []
        quote = connection.ops.quote_name
        sql = (
            f"SELECT c.id, c.state, c.title, c.category_id FROM ({' UNION ALL '.join(parts)}) p"
            f" JOIN {quote(Case._meta.db_table)} c ON c.id = p.case_id ORDER BY p.k, p.case_id"
        )
        # Every value a parameter; the cases' other fields deferred, as by only().
        return list(Case.objects.raw(sql, params))


def stage_case_rows(stage: ReviewStage, coverage: list[dict], *, category_id=None, short_only=False) -> RoundCaseRows:
    """The round's cases with their progress, in category order, filtered for the
    coverage drill-down: one category, only those short of experts. `coverage`: the
    round's stage_coverage (its counts are the list's length)."""
    return RoundCaseRows(stage, coverage, category_id=category_id, short_only=short_only)


class RoundAssignment(NamedTuple):
    """One assignment of a case of the round, as the round's page lists it."""

    pk: int
    expert_name: str  # as str(expert) says it (User.__str__): the display name, else the username
    is_submitted: bool


def assignments_of(stage: ReviewStage, cases) -> dict[int, list[RoundAssignment]]:
    """This round's assignments of `cases` (a page of them), by case id, each expert's
    in id order, in one query of plain values (no model instances: building 80
    assignments and their experts' rows cost more than reading them); each case gets
    n_assigned and n_submitted from them."""
    by_case: dict[int, list[RoundAssignment]] = {case.pk: [] for case in cases}
    for pk, case_id, submitted_at, display_name, username in (
        ExpertAssignment.objects.filter(stage=stage, case_id__in=list(by_case))
        .order_by("case_id", "expert_id")
        .values_list("pk", "case_id", "submitted_at", "expert__display_name", "expert__username")
    ):
        by_case[case_id].append(RoundAssignment(pk, display_name or username, submitted_at is not None))
    for case in cases:
        case.n_assigned = len(by_case[case.pk])
        case.n_submitted = sum(1 for a in by_case[case.pk] if a.is_submitted)
    return by_case
