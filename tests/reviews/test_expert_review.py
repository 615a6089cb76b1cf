"""The provincial expert review: assignment without conflicts, scoring, the gate,
the frozen rubric, blind rounds, and outcomes hidden until published."""

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.contrib import messages
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role
from applications.enums import CampaignPhase, CaseState
from applications.models import Case
from reviews.enums import PublicationKind
from reviews.experts.results import stage_results
from reviews.experts.services import assignment_create, auto_assign, conflict_declare, criterion_save, score_save
from reviews.models import ExpertAssignment, NrtaEntry, Panel, Publication, ReviewStage, Rubric
from reviews.outcome.publication import announcement_publish, notice_publish
from reviews.outcome.selectors import quota_warnings
from tests.factories import UserFactory, open_first_stage, set_phase, submit_review
from workflow.exceptions import TransitionRefused
from workflow.services import apply_transition


@pytest.fixture
def pool(cast):
    return cast.expert_assigned.organisation


def _experts(pool, n, **affiliations):
    return [UserFactory(organisation=pool, role=Role.EXPERT, **affiliations) for _ in range(n)]


def _panel(cast, experts):
    panel = Panel.objects.create(
        campaign=cast.campaign, name="新媒体平台建设评审组", category=cast.campaign.categories.get(code="platform")
    )
    panel.experts.set(experts)
    return panel


def test_auto_assignment_gives_n_reviewers_and_never_a_conflicted_expert(cast, case_at, pool):
    cases = [case_at("recommended") for _ in range(4)]
    from reviews.ranking.services import ranking_scan_upload, ranking_submit, table_for
    from tests.factories import close_submissions

    close_submissions(cast.campaign)
    from tests.factories import pdf_upload

    ranking_scan_upload(
        table=table_for(campaign=cast.campaign, authority=cast.city_a), actor=cast.reviewer_a, uploaded=pdf_upload()
    )
    ranking_submit(campaign=cast.campaign, authority=cast.city_a, actor=cast.reviewer_a)
    same_unit = UserFactory(organisation=pool, role=Role.EXPERT, affiliation=cast.unit_a)
    same_city = UserFactory(organisation=pool, role=Role.EXPERT, affiliation=cast.city_a)
    free = _experts(pool, 3)
    _panel(cast, [same_unit, same_city, *free])
    stage = open_first_stage(cast.campaign)
    stage.reviewers_per_case, stage.max_load = 3, 4
    stage.save()

    short = auto_assign(stage=stage, actor=cast.province_admin)
    assignments = ExpertAssignment.objects.filter(stage=stage)
    assert short == {}
    assert {a.expert_id for a in assignments} == {e.pk for e in free}
    assert all(assignments.filter(case=c).count() == 3 for c in cases)
    assert max(assignments.filter(expert=e).count() for e in free) <= 4
    # The page's load and progress per expert: this round's assignments, and those submitted.
    submit_review(assignments.filter(expert=free[0]).first())
    from django.test import Client

    client = Client()
    client.force_login(cast.province_admin)
    experts = client.get(reverse("reviews:review_manage", args=[cast.campaign.year])).context["experts"]
    shown = {e.pk: (e.load, e.submitted) for e in experts}
    for expert in [same_unit, same_city, *free]:
        load = assignments.filter(expert=expert).count()
        assert shown[expert.pk] == (load, 1 if expert == free[0] else 0)

    # With a maximum load of 2, three experts cannot give four cases three reviewers each.
    ExpertAssignment.objects.filter(stage=stage).delete()
    stage.max_load = 2
    stage.save()
    short = auto_assign(stage=stage, actor=cast.province_admin)
    assert sum(short.values()) == 4 * 3 - 3 * 2


def test_manual_assignment_refuses_a_conflict_and_other_roles(cast, case_at, pool):
    case = case_at("in_expert_review")
    stage = ReviewStage.objects.get(campaign=cast.campaign, order=1)
    conflicted = UserFactory(organisation=pool, role=Role.EXPERT, affiliation=cast.unit_a)
    with pytest.raises(TransitionRefused, match="利益关联"):
        assignment_create(stage=stage, case=case, expert=conflicted, actor=cast.province_admin)
    with pytest.raises(Exception, match="只有省局管理员"):
        assignment_create(stage=stage, case=case, expert=cast.expert_unassigned, actor=cast.reviewer_a)


def test_a_declared_conflict_hands_the_case_to_another_expert(cast, case_at):
    case = case_at("in_expert_review")
    stage = ReviewStage.objects.get(campaign=cast.campaign, order=1)
    stage.reviewers_per_case = 1
    stage.save()
    _panel(cast, [cast.expert_assigned, cast.expert_unassigned])
    assignment = ExpertAssignment.objects.get(case=case, expert=cast.expert_assigned)
    conflict_declare(assignment=assignment, actor=cast.expert_assigned, reason="曾参与该项目建设。")
    assert list(ExpertAssignment.objects.filter(case=case).values_list("expert_id", flat=True)) == [
        cast.expert_unassigned.pk
    ]
    assert not cast.expert_assigned.has_perm("applications.view_case", case)
    assert cast.expert_unassigned.has_perm("applications.score_case", case)


def test_an_expert_cannot_see_or_score_an_unassigned_case(client, cast, case_at):
    case = case_at("in_expert_review")
    assignment = ExpertAssignment.objects.get(case=case)
    client.force_login(cast.expert_unassigned)
    assert client.get(reverse("reviews:score", args=[assignment.pk])).status_code == 404
    assert client.post(reverse("reviews:score", args=[assignment.pk]), {"submit": "1"}).status_code == 404
    assert client.get(reverse("case_detail", args=[case.pk])).status_code == 404
    with pytest.raises(Exception, match="只能评审分配给本人"):
        score_save(assignment=assignment, actor=cast.expert_unassigned, entries={}, submit=False)


def test_scoring_validates_every_criterion_at_once_and_locks_on_submit(client, cast, case_at):
    case = case_at("in_expert_review")
    assignment = ExpertAssignment.objects.get(case=case)
    criteria = {c.name: c for c in Rubric.objects.get(campaign=cast.campaign).criteria.all()}
    client.force_login(cast.expert_assigned)
    url = reverse("reviews:score", args=[assignment.pk])
    page = client.post(url, {f"score__{criteria['创新性'].pk}": "120", "submit": "1"}).content.decode()
    for message in (
        "「创新性」的得分应在0至100之间。",
        "「实效性」未评分。",
        "「政治性」请选择通过或不通过。",
        "「政治性」须填写评语。",
    ):
        assert message in page
    client.post(url, {f"score__{criteria['创新性'].pk}": "88", "draft": "1"})
    assert assignment.scores.get(criterion=criteria["创新性"]).value == Decimal("88")
    assert not ExpertAssignment.objects.get(pk=assignment.pk).is_submitted

    submit_review(assignment)
    with pytest.raises(TransitionRefused, match="评审已提交"):
        score_save(assignment=assignment, actor=cast.expert_assigned, entries={}, submit=False)


def test_the_rubric_is_frozen_by_the_first_score(cast, case_at):
    rubric = Rubric.objects.get(campaign=cast.campaign)
    criterion = rubric.criteria.get(name="创新性")
    criterion.weight = 30
    criterion_save(criterion=criterion, actor=cast.province_admin)  # still editable
    case = case_at("in_expert_review")
    score_save(
        assignment=ExpertAssignment.objects.get(case=case),
        actor=cast.expert_assigned,
        entries={criterion.pk: (70, "")},
        submit=False,
    )
    criterion.weight = 40
    with pytest.raises(TransitionRefused, match="评审细则已冻结"):
        criterion_save(criterion=criterion, actor=cast.province_admin)
    assert Rubric.objects.get(pk=rubric.pk).criteria.get(name="创新性").weight == 30


def test_results_trace_to_the_scores_and_the_gate_excludes(cast, case_at, pool):
    good, failed = case_at("in_expert_review"), None
    stage = ReviewStage.objects.get(campaign=cast.campaign, order=1)
    second = UserFactory(organisation=pool, role=Role.EXPERT)
    assignment_create(stage=stage, case=good, expert=second, actor=cast.province_admin)
    submit_review(ExpertAssignment.objects.get(case=good, expert=cast.expert_assigned), value=80)
    submit_review(ExpertAssignment.objects.get(case=good, expert=second), value=90)
    failed = case_at("in_expert_review", applicant=cast.applicant_b)
    submit_review(ExpertAssignment.objects.get(case=failed), value=100, passed=False)

    results = {
        r.case.pk: r
        for items in stage_results(stage=stage, rubric=Rubric.objects.get(campaign=cast.campaign)).values()
        for r in items
    }
    assert sorted(s.total for s in results[good.pk].scores) == [Decimal("80.00"), Decimal("90.00")]
    assert results[good.pk].result == Decimal("85.00") and results[good.pk].category_rank == 1
    assert results[good.pk].authority_rank == 1
    assert results[failed.pk].excluded and results[failed.pk].category_rank is None


def test_blind_rounds_hide_the_unit_from_the_expert_everywhere(client, cast, case_at):
    case = case_at("in_expert_review")
    assignment = ExpertAssignment.objects.get(case=case)
    assert assignment.stage.blind
    client.force_login(cast.expert_assigned)
    page = client.get(reverse("reviews:score", args=[assignment.pk])).content.decode()
    assert cast.unit_a.name not in page and cast.city_a.name not in page
    assert case.header["contact_phone"] not in page and case.header["contact_email"] not in page
    assert "匿名评审" in page and case.title in page
    assert client.get(reverse("case_detail", args=[case.pk])).url == reverse("reviews:score", args=[assignment.pk])
    assert client.get(reverse("case_pdf", args=[case.pk])).status_code == 404
    assert client.get(reverse("case_docx", args=[case.pk])).status_code == 404
    scan = case.attachments.get()
    assert client.get(reverse("attachment_download", args=[case.pk, scan.pk])).status_code == 404

    stage = assignment.stage
    stage.blind = False
    stage.save()
    assert cast.unit_a.name in client.get(reverse("reviews:score", args=[assignment.pk])).content.decode()


def test_applicants_learn_the_outcome_only_when_it_is_published(client, cast, case_in):
    case = case_in("reviewed")
    apply_transition(subject=case, action="select", actor=cast.province_admin, comment="入选")
    client.force_login(cast.applicant_a)
    dashboard = client.get(reverse("dashboard")).content.decode()
    detail = client.get(reverse("case_detail", args=[case.pk])).content.decode()
    for page in (dashboard, detail):
        assert "专家评审中" in page and "入选" not in page.replace("未入选", "")
    assert client.get(reverse("dashboard"), {"state": "selected"}).context["page"].paginator.count == 0
    # The authority and the province see the decision at once.
    client.force_login(cast.reviewer_a)
    assert "入选" in client.get(reverse("case_detail", args=[case.pk])).content.decode()

    notice_publish(
        campaign=cast.campaign, actor=cast.province_admin, title="公示",
        starts_on=timezone.localdate(), ends_on=timezone.localdate() + timedelta(days=6),
    )  # fmt: skip
    client.force_login(cast.applicant_a)
    assert "入选" in client.get(reverse("case_detail", args=[case.pk])).content.decode()


def test_the_announcement_waits_for_the_notice_period_and_the_answers(cast, case_in):
    case = case_in("reviewed")
    apply_transition(subject=case, action="select", actor=cast.province_admin, comment="入选")
    today = timezone.localdate()
    notice = notice_publish(
        campaign=cast.campaign,
        actor=cast.province_admin,
        title="公示",
        starts_on=today,
        ends_on=today + timedelta(days=6),
    )
    set_phase(cast.campaign, CampaignPhase.PUBLIC_NOTICE)
    with pytest.raises(TransitionRefused, match="期满后方可发布通报"):
        announcement_publish(campaign=cast.campaign, actor=cast.province_admin, title="通报")
    from reviews.outcome.publication import objection_answer, objection_record

    objection = objection_record(
        publication=notice, case=case, actor=cast.province_admin, objector="某单位", contact="", content="数据有出入"
    )
    notice.ends_on = today - timedelta(days=1)
    notice.save()
    with pytest.raises(TransitionRefused, match="还有1条异议未处理"):
        announcement_publish(campaign=cast.campaign, actor=cast.province_admin, title="通报")
    objection_answer(objection=objection, actor=cast.province_admin, answer="经核实，数据无误。")
    announcement_publish(campaign=cast.campaign, actor=cast.province_admin, title="通报")


def test_a_soft_quota_exceeded_is_warned(cast, case_in):
    from reviews.enums import QuotaMode
    from reviews.models import SelectionRules

    SelectionRules.objects.create(campaign=cast.campaign, category_quota_mode=QuotaMode.SOFT)
    category = cast.campaign.categories.get(code="platform")
    category.selection_quota = 0
    category.save()
    case = case_in("reviewed")
    apply_transition(subject=case, action="select", actor=cast.province_admin, comment="入选")
    assert quota_warnings(campaign=cast.campaign) == ["「新媒体平台建设」已入选1个，超过名额0个。"]


@pytest.fixture
def province_world(cast, case_in):
    """What the province's requests below act on: a case just forwarded to the experts,
    none assigned yet, with a panel of one and one reviewer a case; two cases
    recommended to the NRTA."""
    waiting = case_in("in_expert_review", expert=None)
    _panel(cast, [cast.expert_unassigned])
    stage = open_first_stage(cast.campaign)
    stage.reviewers_per_case = 1
    stage.save()
    first, second = case_in("selected"), case_in("selected", applicant=cast.applicant_b)
    set_phase(cast.campaign, CampaignPhase.NRTA)
    for case in (first, second):
        apply_transition(subject=case, action="recommend_to_nrta", actor=cast.province_admin, comment="推荐")
    # (A world of requests, not of phases: back to the expert review for the first of them.)
    set_phase(cast.campaign, CampaignPhase.EXPERT_REVIEW)
    return SimpleNamespace(waiting=waiting, first=first, second=second, stage=stage)


def province_requests(world) -> dict[str, tuple[str, dict]]:
    """Every page and action of the province's review, each with a request that its
    administrator succeeds with in `province_world`, in this order (as
    test_each_province_request_succeeds_for_the_administrator shows)."""
    today = timezone.localdate()
    notice = {
        "title": "公示",
        "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=6)).isoformat(),
        # The parts of the 公文 (the page fills them in with their defaults).
        "issuer": "吉林省广播电视局",
        "body": "拟确定附件所列案例为典型案例，现予以公示。",
        "issued_on": today.isoformat(),
    }
    return {
        "review_manage": ("get", {}),
        "results": ("get", {}),
        "publication": ("get", {}),
        "nrta": ("get", {}),
        "score_sheet": ("get", {}),
        "announcement_pdf": ("get", {}),
        "auto_assign": ("post", {"stage": world.stage.pk}),
        "complete_reviews": ("post", {}),
        "notice_publish": ("post", notice),
        "nrta_move_up": ("post", {"case": world.second.pk}),
    }


def _request(client, name: str, method: str, data: dict):
    return getattr(client, method)(reverse(f"reviews:{name}", args=[2024]), data)


def _nrta_order(campaign) -> list[int]:
    return list(NrtaEntry.objects.filter(campaign=campaign).order_by("rank").values_list("case_id", flat=True))


# Shared with the table's own authority, and tried in tests/reviews/test_tables.py.
NOT_PROVINCE_ONLY = {"table_scan"}


def province_urls() -> list[str]:
    """Every URL of the province's pages and operations, read from the resolver, so a
    new one cannot go untried."""
    from reviews import urls

    found = []
    for pattern in urls.urlpatterns:
        route = str(pattern.pattern)
        if not route.startswith("province/") or pattern.name in NOT_PROVINCE_ONLY:
            continue
        kwargs = {name: 2024 if name == "year" else 1 for name in pattern.pattern.converters}
        found.append(reverse(f"reviews:{pattern.name}", kwargs=kwargs))
    return found


def test_the_province_urls_are_found():
    urls = province_urls()
    names = {url.split("/2024/", 1)[1] for url in urls if "/2024/" in url}
    assert {"review/auto-assign/", "publication/objections/answer/", "nrta/up/", "nrta/packages/"} <= names
    assert {"setup/", "setup/rubric/", "setup/forms/1/preview/"} <= names
    assert "/province/campaigns/new/" in urls  # the province's pages of no one campaign


@pytest.mark.parametrize(
    "user", ["applicant_a", "applicant_b", "reviewer_a", "reviewer_b", "expert_assigned", "province_reviewer"]
)
def test_province_pages_answer_404_to_everyone_else(client, cast, province_world, user):
    w = province_world
    # Rights come from (organisation, role): the province's own reviewer is no administrator.
    refused = getattr(cast, user)
    client.force_login(refused)
    # Requests the administrator succeeds with (the next test) ...
    for name, (method, data) in province_requests(w).items():
        assert _request(client, name, method, data).status_code == 404, name
    # ... and every other URL of the province, read from the resolver.
    for url in province_urls():
        assert client.post(url, {"stage": w.stage.pk, "case": w.second.pk}).status_code == 404, url
        assert client.get(url).status_code in (404, 405), url
    # Nor did any of them change anything.
    assert not ExpertAssignment.objects.filter(case=w.waiting).exists()
    assert Case.objects.get(pk=w.waiting.pk).state == CaseState.IN_EXPERT_REVIEW
    assert not Publication.objects.exists()
    assert _nrta_order(cast.campaign) == [w.first.pk, w.second.pk]


def test_each_province_request_succeeds_for_the_administrator(client, cast, province_world):
    w, requests = province_world, province_requests(province_world)
    client.force_login(cast.province_admin)

    def send(name: str, status: int):
        response = _request(client, name, *requests[name])
        assert response.status_code == status, name
        refusals = [m.message for m in get_messages(response.wsgi_request) if m.level != messages.SUCCESS]
        assert refusals == [], (name, refusals)
        return response

    for name in ("review_manage", "results", "publication", "nrta"):
        send(name, 200)
    assert send("score_sheet", 200).content.startswith(b"PK")
    assert send("announcement_pdf", 200).content.startswith(b"%PDF-")

    send("auto_assign", 302)
    assignment = ExpertAssignment.objects.get(case=w.waiting)
    assert assignment.expert == cast.expert_unassigned
    submit_review(assignment)
    send("complete_reviews", 302)
    assert Case.objects.get(pk=w.waiting.pk).state == CaseState.REVIEWED
    set_phase(cast.campaign, CampaignPhase.DECIDING)
    apply_transition(subject=w.waiting, action="select", actor=cast.province_admin, comment="入选")
    send("notice_publish", 302)
    assert Publication.objects.filter(campaign=cast.campaign, kind=PublicationKind.NOTICE).exists()
    send("nrta_move_up", 302)
    assert _nrta_order(cast.campaign) == [w.second.pk, w.first.pk]


def test_province_pages_open_for_the_administrator(client, cast, case_at):
    case_at("reviewed")
    client.force_login(cast.province_admin)
    for name in ("review_manage", "results", "publication", "nrta", "overview"):
        assert client.get(reverse(f"reviews:{name}", args=[2024])).status_code == 200


def test_review_sheets_for_the_expert_and_the_province_only(client, cast, case_at):
    case = case_at("in_expert_review")
    stage = ExpertAssignment.objects.get(case=case).stage
    url = reverse("reviews:review_sheets", args=[stage.pk])
    client.force_login(cast.expert_assigned)
    assert client.get(url).content.startswith(b"%PDF-")
    client.force_login(cast.province_admin)
    assert client.get(url, {"expert": cast.expert_assigned.pk}).content.startswith(b"%PDF-")
    for user in ("expert_unassigned", "reviewer_a", "applicant_a"):
        client.force_login(getattr(cast, user))
        assert client.get(url, {"expert": cast.expert_assigned.pk}).status_code == 404


@pytest.mark.parametrize("expert", ["", "abc", "99999999999999999999"])
def test_review_sheets_of_no_such_expert_answer_404(client, cast, case_at, expert):
    stage = ExpertAssignment.objects.get(case=case_at("in_expert_review")).stage
    client.force_login(cast.province_admin)
    assert client.get(reverse("reviews:review_sheets", args=[stage.pk]), {"expert": expert}).status_code == 404
