"""Equal totals share their place (并列) on the results page and in the score sheet;
the order inside the tie (the authority's priority) and the numbering after it stay."""

from io import BytesIO

from django.urls import reverse
from openpyxl import load_workbook

from reviews.experts.results import shown_rank, stage_results
from reviews.experts.score_sheet import render_score_sheet_xlsx
from reviews.models import ExpertAssignment, ReviewStage, Rubric
from tests.factories import submit_review


def test_equal_totals_are_marked_tied(client, cast, case_at):
    first = case_at("in_expert_review")
    second = case_at("in_expert_review", applicant=cast.applicant_b)
    for case in (first, second):
        submit_review(ExpertAssignment.objects.get(case=case), value=80)
    stage = ReviewStage.objects.get(campaign=cast.campaign, order=1)
    results = [
        r
        for items in stage_results(stage=stage, rubric=Rubric.objects.get(campaign=cast.campaign)).values()
        for r in items
    ]
    assert [r.category_rank for r in results] == [1, 2]
    assert all(r.tied and r.shared_rank == 1 for r in results)
    assert [shown_rank(r) for r in results] == ["1（并列）", "1（并列）"]

    client.force_login(cast.province_admin)
    page = client.get(reverse("reviews:results", args=[2024])).content.decode()
    assert page.count("1（并列）") == 2

    sheet = load_workbook(BytesIO(render_score_sheet_xlsx(stage))).worksheets[0]
    assert [sheet.cell(row=row, column=1).value for row in (4, 5)] == ["1（并列）", "1（并列）"]


def test_different_totals_are_not_tied(cast, case_at):
    first = case_at("in_expert_review")
    second = case_at("in_expert_review", applicant=cast.applicant_b)
    submit_review(ExpertAssignment.objects.get(case=first), value=80)
    submit_review(ExpertAssignment.objects.get(case=second), value=90)
    stage = ReviewStage.objects.get(campaign=cast.campaign, order=1)
    results = [
        r
        for items in stage_results(stage=stage, rubric=Rubric.objects.get(campaign=cast.campaign)).values()
        for r in items
    ]
    assert [shown_rank(r) for r in results] == [1, 2]
    assert not any(r.tied for r in results)
