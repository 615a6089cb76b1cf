from django.db import models
from django.utils.translation import gettext_lazy as _


class ResultRow(models.Model):
    """One case's figures in one round, as the results page reads them: what
    reviews.experts.results computes live from the stored per-review totals, kept here
    so that a category's page is an index range (the place is the row's rank in the
    `result_row_order` index) and the summary a scan of a narrow index.

    Never written by hand: reviews.experts.result_rows refreshes the rows of a case (or
    of a round) in the transaction that changes what they are computed from (a review
    submitted or reopened, an expert assigned or removed, the case's state, its
    authority's order, the round's shortlist, the aggregation). One row per case in the
    round's scope (the campaign's cases in provincial review, of the shortlist when
    the round has one). Figures in integer hundredths."""

    # Indexed by the constraint and the indexes below, which start with them.
    stage = models.ForeignKey("reviews.ReviewStage", on_delete=models.CASCADE, related_name="+", db_index=False)
    case = models.ForeignKey("applications.Case", on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey("applications.Category", on_delete=models.CASCADE, related_name="+", db_index=False)
    state = models.CharField(max_length=50)
    # The authority's priority (the tie-break of equal results), 1000000 when none.
    arank = models.IntegerField()
    assigned = models.IntegerField()
    scored = models.IntegerField()  # reviews submitted with their total
    total = models.BigIntegerField(null=True)  # sum of the totals
    squares = models.BigIntegerField(null=True)  # sum of their squares
    low = models.BigIntegerField(null=True)
    high = models.BigIntegerField(null=True)
    failed = models.BooleanField()  # a gate failed in a submitted review
    result = models.BigIntegerField(null=True)  # by the rubric's aggregation
    sort_result = models.BigIntegerField()  # the result, 0 when none
    unranked = models.BooleanField()  # nothing scored, or a gate failed

    class Meta:
        verbose_name = _("评审结果行")
        verbose_name_plural = _("评审结果行")
        constraints = [models.UniqueConstraint(fields=["stage", "case"], name="result_row_stage_case")]
        indexes = [
            # The category's order: ranked first, best first, the authority's priority,
            # then the id (what the live window functions order by); state last, so a
            # page of one state is read from the index alone.
            models.Index(
                fields=["stage", "category", "unranked", "-sort_result", "arank", "case", "state"],
                name="result_row_order",
            ),
            models.Index(
                fields=["stage", "category", "state", "assigned", "scored", "failed"], name="result_row_summary"
            ),
            # The round page's list (reviews.experts.selectors.RoundCaseRows): a category's
            # cases in one state in case order, those short of experts filtered from the
            # index alone.
            models.Index(fields=["stage", "category", "state", "case", "assigned"], name="result_row_round_list"),
        ]

    def __str__(self) -> str:
        return f"{self.stage_id}/{self.case_id}"
