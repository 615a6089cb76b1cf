"""Submitting the ranking table to the province, all or nothing; the province
returning it; the queue and the overview."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db.models.signals import post_save
from django.urls import reverse
from django.utils import timezone

from applications.enums import CaseState
from applications.models import Case
from reviews.models import RankingTable
from reviews.ranking.services import ranking_move, ranking_return, ranking_scan_upload, ranking_submit, table_for
from tests.factories import close_submissions, grant_case_permissions, make_case, pdf_upload
from workflow.exceptions import TransitionRefused
from workflow.models import TransitionRecord
from workflow.services import apply_transition


@pytest.fixture
def table(cast, case_at):
    """City A with two recommended cases and the stamped scan uploaded."""
    for _ in range(2):
        case_at("recommended")
    close_submissions(cast.campaign)
    table = table_for(campaign=cast.campaign, authority=cast.city_a)
    ranking_scan_upload(table=table, actor=cast.reviewer_a, uploaded=pdf_upload("推荐排序表（盖章）.pdf"))
    return table


def _states(authority):
    return sorted(Case.objects.filter(authority=authority).values_list("state", flat=True))


def test_submission_locks_the_table_and_forwards_every_case(cast, table, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ranking_submit(campaign=cast.campaign, authority=cast.city_a, actor=cast.reviewer_a)
    table.refresh_from_db()
    assert table.is_locked and table.submitted_by == cast.reviewer_a
    assert _states(cast.city_a) == [CaseState.IN_EXPERT_REVIEW] * 2
    assert [m.to for m in mail.outbox] == [[cast.province_admin.email]]
    assert "长春市文广旅局已报送推荐排序表" in mail.outbox[0].subject
    with pytest.raises(TransitionRefused, match="排序已锁定"):
        ranking_move(table=table, actor=cast.reviewer_a, case_id=table.entries.first().case_id, to_rank=2)


def test_submission_without_a_stamped_scan_is_refused(cast, case_at):
    case_at("recommended")
    close_submissions(cast.campaign)
    with pytest.raises(TransitionRefused) as refused:
        ranking_submit(campaign=cast.campaign, authority=cast.city_a, actor=cast.reviewer_a)
    assert refused.value.reasons == ["尚未上传盖章的推荐排序表扫描件（PDF）。"]


def test_a_scan_of_an_older_order_does_not_count(cast, table):
    first = table.entries.order_by("rank").first()
    ranking_move(table=table, actor=cast.reviewer_a, case_id=first.case_id, to_rank=2)
    with pytest.raises(TransitionRefused) as refused:
        ranking_submit(campaign=cast.campaign, authority=cast.city_a, actor=cast.reviewer_a)
    assert "请重新打印、盖章并上传扫描件" in refused.value.reasons[0]


def test_submission_after_the_ranking_deadline_is_refused(cast, table, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: cast.campaign.ranking_deadline + timedelta(seconds=1))
    with pytest.raises(TransitionRefused) as refused:
        ranking_submit(campaign=cast.campaign, authority=cast.city_a, actor=cast.reviewer_a)
    assert "截止报送" in refused.value.reasons[0]
    assert not RankingTable.objects.get(pk=table.pk).is_locked


def test_submission_with_a_case_still_awaiting_review_is_refused_with_every_reason(cast, table, case_at):
    waiting = case_at("submitted")
    close_submissions(cast.campaign)
    with pytest.raises(TransitionRefused) as refused:
        ranking_submit(campaign=cast.campaign, authority=cast.city_a, actor=cast.reviewer_a)
    assert refused.value.reasons == [
        f"还有1个案例待初审，请先完成初审再报送：《{waiting.title}》（九台区融媒体中心）。"
    ]
    assert _states(cast.city_a) == sorted([CaseState.SUBMITTED, CaseState.RECOMMENDED, CaseState.RECOMMENDED])


def test_submission_is_all_or_nothing(cast, table):
    before = (_states(cast.city_a), TransitionRecord.objects.count())

    def fail_on_the_second_case(sender, instance, created, **kwargs):
        if (
            instance.action == "forward_to_province"
            and TransitionRecord.objects.filter(action=instance.action).count() == 2
        ):
            raise RuntimeError("power cut")

    post_save.connect(fail_on_the_second_case, sender=TransitionRecord)
    try:
        with pytest.raises(RuntimeError):
            ranking_submit(campaign=cast.campaign, authority=cast.city_a, actor=cast.reviewer_a)
    finally:
        post_save.disconnect(fail_on_the_second_case, sender=TransitionRecord)
    assert (_states(cast.city_a), TransitionRecord.objects.count()) == before
    table.refresh_from_db()
    assert table.status == "draft" and table.submitted_at is None


def test_a_returned_table_unlocks_consistently(cast, table, django_capture_on_commit_callbacks):
    ranking_submit(campaign=cast.campaign, authority=cast.city_a, actor=cast.reviewer_a)
    order = list(table.entries.order_by("rank").values_list("case_id", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        ranking_return(table=table, actor=cast.province_admin, reason="请补充第二个案例的盖章材料。")
    table.refresh_from_db()
    assert table.status == "returned" and not table.is_locked and not table.scan_is_current
    assert _states(cast.city_a) == [CaseState.RECOMMENDED] * 2
    assert list(table.entries.order_by("rank").values_list("case_id", flat=True)) == order
    assert [m.to for m in mail.outbox] == [[cast.reviewer_a.email]]
    # The authority can change its mind again, then submit anew with a fresh scan.
    ranking_move(table=table, actor=cast.reviewer_a, case_id=order[1], to_rank=1)
    ranking_scan_upload(table=table, actor=cast.reviewer_a, uploaded=pdf_upload())
    ranking_submit(campaign=cast.campaign, authority=cast.city_a, actor=cast.reviewer_a)
    assert _states(cast.city_a) == [CaseState.IN_EXPERT_REVIEW] * 2


def test_only_the_province_returns_a_table_and_with_a_reason(cast, table):
    ranking_submit(campaign=cast.campaign, authority=cast.city_a, actor=cast.reviewer_a)
    for user in ("reviewer_a", "reviewer_b", "applicant_a", "expert_assigned"):
        with pytest.raises(Exception, match="只有省局管理员"):
            ranking_return(table=table, actor=getattr(cast, user), reason="理由")
    with pytest.raises(TransitionRefused, match="需要填写理由"):
        ranking_return(table=table, actor=cast.province_admin, reason=" ")
    assert RankingTable.objects.get(pk=table.pk).is_locked


def test_the_province_reviews_its_own_units_and_only_those(client, cast, case_at):
    provincial = case_at("submitted", applicant=cast.applicant_p)
    city = case_at("submitted")
    client.force_login(cast.province_admin)
    listed = {case.pk for case in client.get(reverse("reviews:queue", args=[2024])).context["page"].object_list}
    assert listed == {provincial.pk}
    apply_transition(subject=provincial, action="recommend", actor=cast.province_admin)
    with pytest.raises(TransitionRefused):
        apply_transition(subject=city, action="recommend", actor=cast.province_admin)


def test_the_queue_filters_sorts_and_counts(client, cast, case_at):
    a = make_case(campaign=cast.campaign, applicant=cast.applicant_a, category_code="services", title="乙案例")
    apply_transition(subject=a, action="submit", actor=cast.applicant_a)
    b = case_at("recommended")
    case_at("draft")  # drafts never reach the authority
    case_at("submitted", applicant=cast.applicant_b)  # another city
    client.force_login(cast.reviewer_a)
    url = reverse("reviews:queue", args=[2024])
    page = client.get(url)
    assert {c.pk for c in page.context["page"].object_list} == {a.pk, b.pk}
    assert dict((state.value, n) for state, n in page.context["state_counts"]) == {"submitted": 1, "recommended": 1}
    services = cast.campaign.categories.get(code="services").pk
    assert [c.pk for c in client.get(url, {"category": services}).context["page"].object_list] == [a.pk]
    assert [c.pk for c in client.get(url, {"state": "recommended"}).context["page"].object_list] == [b.pk]
    assert [c.title for c in client.get(url, {"sort": "title"}).context["page"].object_list][0] == "乙案例"
    body = client.get(url).content.decode()
    assert "✓ 已上传" in body


def test_the_province_overview_counts_per_authority(client, cast, table):
    ranking_submit(campaign=cast.campaign, authority=cast.city_a, actor=cast.reviewer_a)
    client.force_login(cast.province_admin)
    rows = {row["authority"].pk: row for row in client.get(reverse("reviews:overview", args=[2024])).context["rows"]}
    assert rows[cast.city_a.pk]["recommended"] == 2 and rows[cast.city_a.pk]["table"].is_locked
    assert rows[cast.city_b.pk]["recommended"] == 0 and rows[cast.city_b.pk]["table"] is None
    scan_url = reverse("reviews:table_scan", args=[2024, table.pk])
    response = client.get(scan_url)
    # Reading the stream to its end closes the file (closing the response by hand would
    # also close the test's database connection on PostgreSQL).
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF-")
    client.force_login(cast.reviewer_b)
    assert client.get(scan_url).status_code == 404
    assert client.get(reverse("reviews:overview", args=[2024])).status_code == 404


def _bulk_recommended(cast, n):
    from reviews.models import RankingEntry

    category = cast.campaign.categories.get(code="platform")
    cases = Case.objects.bulk_create(
        Case(
            campaign=cast.campaign, category=category, schema=category.schemas.latest(), unit=cast.unit_a,
            authority=cast.city_a, title=f"批量{i}", state=CaseState.RECOMMENDED, created_by=cast.applicant_a,
        )
        for i in range(n)
    )  # fmt: skip
    grant_case_permissions(cases)
    table = table_for(campaign=cast.campaign, authority=cast.city_a)
    start = table.entries.count()
    RankingEntry.objects.bulk_create(
        RankingEntry(table=table, case=c, rank=start + i + 1, category=c.category) for i, c in enumerate(cases)
    )


@pytest.mark.parametrize("page_name", ["reviews:queue", "reviews:ranking"])
def test_queue_and_ranking_pages_run_a_constant_number_of_queries(
    client, cast, django_assert_max_num_queries, page_name
):
    client.force_login(cast.reviewer_a)
    url = reverse(page_name, args=[2024])
    _bulk_recommended(cast, 10)
    with django_assert_max_num_queries(20) as small:
        client.get(url)
    _bulk_recommended(cast, 490)
    with django_assert_max_num_queries(20) as large:
        response = client.get(url)
    assert response.status_code == 200
    assert len(small.captured_queries) == len(large.captured_queries)


def test_the_overview_returns_a_table_with_the_reason_beside_its_field(client, cast, table):
    ranking_submit(campaign=cast.campaign, authority=cast.city_a, actor=cast.reviewer_a)
    client.force_login(cast.province_admin)
    url = reverse("reviews:table_return", args=[2024, table.pk])
    response = client.post(url, {"reason": " "})
    page = response.content.decode()
    assert response.status_code == 400 and "请修改以下问题" in page
    assert f'id="id_table{table.pk}_reason_error"' in page and "退回推荐排序表需要填写理由。" in page
    assert RankingTable.objects.get(pk=table.pk).is_locked
    assert client.post(url, {"reason": "请补充第二个案例的盖章材料。"}).status_code == 302
    assert RankingTable.objects.get(pk=table.pk).status == "returned"


def test_each_submitted_tables_return_field_is_its_own_field_group(client, cast, table, case_at):
    """The blank return field is rendered once and given each table's ids: the same
    markup as the field template renders for that table's form (label tied to the
    textarea, the limit's help by aria-describedby)."""
    from reviews.ranking.forms import TableReturnForm

    ranking_submit(campaign=cast.campaign, authority=cast.city_a, actor=cast.reviewer_a)
    case_at("recommended", applicant=cast.applicant_b)
    close_submissions(cast.campaign)
    table_b = table_for(campaign=cast.campaign, authority=cast.city_b)
    ranking_scan_upload(table=table_b, actor=cast.reviewer_b, uploaded=pdf_upload())
    ranking_submit(campaign=cast.campaign, authority=cast.city_b, actor=cast.reviewer_b)
    client.force_login(cast.province_admin)
    page = client.get(reverse("reviews:overview", args=[2024])).content.decode()
    for pk in (table.pk, table_b.pk):
        field = str(TableReturnForm(auto_id=TableReturnForm.auto_id_for(pk))["reason"].as_field_group())
        assert field in page
        assert f'for="id_table{pk}_reason"' in field and f'aria-describedby="id_table{pk}_reason_helptext"' in field
    assert "STANDIN" not in page
