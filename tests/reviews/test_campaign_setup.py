"""The province's set-up pages: campaigns created whole (cloned or from the official
defaults), settings changed by section with a history, the rubric locked after the
first score, and every page refused to everyone else."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role
from applications.models import Campaign, CampaignSettingChange, Category, FormSchema
from applications.setup import campaign_clone, schema_publish, shift_years
from reviews.enums import CriterionKind
from reviews.models import Criterion, Panel, ReviewStage, Rubric, SelectionRules
from reviews.setup.services import criteria_update
from tests.factories import UserFactory
from workflow.exceptions import TransitionRefused

LOCAL = "%Y-%m-%dT%H:%M"


def _clone(cast, year=2025, **extra):
    return campaign_clone(
        source=cast.campaign, actor=cast.province_admin, year=year, title=f"{year}年征集", notice_number="", **extra
    )


def _customise(campaign):
    """Settings that differ from every default, so a copy cannot pass by accident."""
    platform = campaign.categories.get(code="platform")
    platform.selection_quota = 7
    platform.save()
    Campaign.objects.filter(pk=campaign.pk).update(
        contact="媒体融合发展处 0431-88888888", max_file_mb=55, max_case_mb=333, notice_number="吉广发〔2024〕9号"
    )
    stage = ReviewStage.objects.get(campaign=campaign, order=1)
    stage.reviewers_per_case, stage.max_load, stage.blind, stage.status = 5, 12, False, "open"
    stage.save()
    ReviewStage.objects.create(campaign=campaign, order=2, name="终评", reviewers_per_case=7)
    SelectionRules.objects.create(campaign=campaign, authority_quota=4, county_unit_quota=2, notice_min_days=10)
    Criterion.objects.filter(rubric__campaign=campaign, name="创新性").update(max_score=50)
    campaign.refresh_from_db()


def test_a_clone_copies_everything_and_shares_nothing(cast):
    source = cast.campaign
    _customise(source)
    clone = _clone(cast)

    assert (clone.contact, clone.max_file_mb, clone.max_case_mb) == ("媒体融合发展处 0431-88888888", 55, 333)
    assert clone.state == "preparing"
    rules = SelectionRules.objects.get(campaign=clone)
    assert (rules.authority_quota, rules.county_unit_quota, rules.notice_min_days) == (4, 2, 10)
    assert clone.submission_deadline == shift_years(source.submission_deadline, 1)
    assert clone.ranking_deadline == shift_years(source.ranking_deadline, 1)
    pairs = list(zip(source.categories.order_by("position"), clone.categories.order_by("position"), strict=True))
    assert len(pairs) == 4
    for old, new in pairs:
        assert (new.code, new.name, new.selection_quota) == (old.code, old.name, old.selection_quota)
        assert new.pk != old.pk
        schema = new.schemas.get()
        assert schema.version == 1 and schema.definition == old.schemas.latest().definition
        assert schema.pk != old.schemas.latest().pk
    assert clone.categories.get(code="platform").selection_quota == 7

    def criteria(campaign):
        return list(
            Criterion.objects.filter(rubric__campaign=campaign)
            .order_by("position")
            .values_list("name", "kind", "weight", "max_score", "comment_required")
        )

    assert criteria(clone) == criteria(source) and ("创新性", "score", Decimal("25.00"), 50, False) in criteria(clone)
    assert Rubric.objects.get(campaign=clone).frozen_at is None

    def rounds(campaign):
        return list(
            ReviewStage.objects.filter(campaign=campaign)
            .order_by("order")
            .values_list("order", "name", "reviewers_per_case", "max_load", "blind", "status")
        )

    assert rounds(clone) == [(1, "初评", 5, 12, False, "upcoming"), (2, "终评", 7, 30, True, "upcoming")]

    # Changing the copy leaves the source alone (separate rows and JSON).
    copied = clone.categories.get(code="platform").schemas.get()
    copied.definition["sections"][0]["title"] = "改过的标题"
    copied.save()
    Criterion.objects.filter(rubric__campaign=clone).update(max_score=10)
    assert source.categories.get(code="platform").schemas.latest().definition["sections"][0]["title"] != "改过的标题"
    assert 50 in [c[3] for c in criteria(source)]
    history = CampaignSettingChange.objects.get(campaign=clone)
    assert history.new_value == "复制自2024年度" and history.actor == cast.province_admin


def test_a_clone_that_fails_leaves_nothing_behind(cast):
    before = (Campaign.objects.count(), Category.objects.count(), FormSchema.objects.count(), Rubric.objects.count())
    # The last category's form is broken: the copy stops after three categories were made.
    broken = cast.campaign.categories.order_by("position").last().schemas.latest()
    FormSchema.objects.filter(pk=broken.pk).update(definition={"format": 1})
    with pytest.raises(ValidationError):
        _clone(cast)
    after = (Campaign.objects.count(), Category.objects.count(), FormSchema.objects.count(), Rubric.objects.count())
    assert after == before
    assert not CampaignSettingChange.objects.exists()
    with pytest.raises(ValidationError):  # a year that exists
        _clone(cast, year=2024)
    assert Campaign.objects.count() == before[0]


def test_only_the_province_administrator_clones(cast):
    with pytest.raises(Exception):  # noqa: B017 - PermissionDenied
        campaign_clone(source=cast.campaign, actor=cast.reviewer_a, year=2025, title="x", notice_number="")
    assert not Campaign.objects.filter(year=2025).exists()


def test_the_clone_page_fills_the_form_from_last_year_and_creates_the_campaign(client, cast):
    client.force_login(cast.province_admin)
    Campaign.objects.filter(pk=cast.campaign.pk).update(notice_number="吉广发〔2024〕9号")
    page = client.get(reverse("reviews:campaign_new") + "?from=2024").content.decode()
    assert 'value="2025"' in page and "吉广发〔2025〕9号" in page
    deadline = timezone.localtime(cast.campaign.submission_deadline) + timedelta(days=365)
    data = {
        "from": 2024,
        "source": cast.campaign.pk,
        "year": 2025,
        "title": "2025年全省广播电视媒体融合典型案例征集和评选",
        "notice_number": "吉广发〔2025〕9号",
        "contact": "媒体融合发展处",
        "submission_deadline": deadline.strftime(LOCAL),
        "ranking_deadline": (deadline + timedelta(days=7)).strftime(LOCAL),
    }
    response = client.post(reverse("reviews:campaign_new"), data)
    assert response.status_code == 302 and response.url == reverse("reviews:setup", args=[2025])
    clone = Campaign.objects.get(year=2025)
    assert clone.categories.count() == 4 and Rubric.objects.filter(campaign=clone).exists()
    # The list and the settings page name each campaign's phase (筹备 for the new one).
    listed = client.get(reverse("reviews:campaigns")).content.decode()
    assert '<span class="badge text-bg-secondary">筹备</span>' in listed
    assert '<span class="badge text-bg-secondary">征集中</span>' in listed
    settings = client.get(reverse("reviews:setup", args=[2025])).content.decode()
    assert '<span class="badge text-bg-secondary">筹备</span>' in settings
    # The same again: the year exists, said beside the field, nothing created.
    again = client.post(reverse("reviews:campaign_new"), data)
    assert again.status_code == 400 and "2025年度的征集活动已存在。" in again.content.decode()
    assert Campaign.objects.count() == 2


def test_the_official_defaults_page_creates_a_whole_campaign(client, cast):
    client.force_login(cast.province_admin)
    data = {
        "year": 2026,
        "title": "2026年征集",
        "submission_deadline": "2026-04-17T17:00",
        "ranking_deadline": "2026-04-10T17:00",
    }
    refused = client.post(reverse("reviews:campaign_new"), data)
    assert refused.status_code == 400
    assert "推荐排序表截止时间不能早于申报截止时间。" in refused.content.decode()
    data["ranking_deadline"] = "2026-04-24T17:00"
    assert client.post(reverse("reviews:campaign_new"), data).status_code == 302
    campaign = Campaign.objects.get(year=2026)
    assert campaign.state == "preparing"
    assert [c.schemas.get().version for c in campaign.categories.all()] == [1, 1, 1, 1]
    assert Rubric.objects.get(campaign=campaign).criteria.count() == 6
    assert ReviewStage.objects.filter(campaign=campaign).count() == 1
    assert timezone.localtime(campaign.submission_deadline).strftime(LOCAL) == "2026-04-17T17:00"
    list_page = client.get(reverse("reviews:campaigns")).content.decode()
    assert "2026年征集" in list_page and "复制2026年度为新一年" in list_page


def _post_section(client, key, data):
    return client.post(reverse(f"reviews:setup_{key}", args=[2024]), data)


def test_settings_changes_are_saved_and_recorded(client, cast):
    client.force_login(cast.province_admin)
    campaign = cast.campaign
    old_deadline = timezone.localtime(campaign.submission_deadline)
    new = old_deadline + timedelta(days=3)
    response = _post_section(
        client,
        "deadlines",
        {
            "submission_deadline": new.strftime(LOCAL),
            "ranking_deadline": timezone.localtime(campaign.ranking_deadline).strftime(LOCAL),
        },
    )
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert timezone.localtime(campaign.submission_deadline).strftime(LOCAL) == new.strftime(LOCAL)
    change = CampaignSettingChange.objects.get(campaign=campaign)
    assert change.actor == cast.province_admin and change.section == "截止时间" and change.field == "申报截止时间"
    assert change.old_value == old_deadline.strftime("%Y-%m-%d %H:%M")
    assert change.new_value == new.strftime("%Y-%m-%d %H:%M")

    quotas = {f"quota_{c.pk}": "" for c in campaign.categories.all()}
    platform = campaign.categories.get(code="platform")
    quotas[f"quota_{platform.pk}"] = "5"
    assert _post_section(client, "quotas", quotas).status_code == 302
    assert campaign.categories.get(code="platform").selection_quota == 5
    assert _post_section(client, "files", {"max_file_mb": "200", "max_case_mb": "800"}).status_code == 302
    basics = {"title": campaign.title, "notice_number": "吉广发〔2024〕3号", "contact": "媒体融合发展处"}
    assert _post_section(client, "basics", basics).status_code == 302
    # Every change is also an event of the security audit log (等保: settings changes).
    from audit.models import AuditRecord

    audited = AuditRecord.objects.filter(action="campaign.settings_changed", actor_id=cast.province_admin.pk)
    assert audited.count() >= 3 and audited.filter(object_id=str(campaign.pk)).exists()

    page = client.get(reverse("reviews:setup", args=[2024])).content.decode()
    assert "修改记录" in page and "吉广发〔2024〕3号" in page
    fields = set(CampaignSettingChange.objects.values_list("field", flat=True))
    assert {
        "申报截止时间",
        "入选名额",
        "单个附件上限（MB）",
        "每个案例附件总量上限（MB）",
        "通知文号",
        "联系方式",
    } <= fields
    quota = CampaignSettingChange.objects.get(field="入选名额")
    assert (quota.subject, quota.old_value, quota.new_value) == ("类别：新媒体平台建设", "—", "5")


def test_an_invalid_section_changes_nothing_and_says_why_beside_the_field(client, cast):
    client.force_login(cast.province_admin)
    response = _post_section(client, "files", {"max_file_mb": "500", "max_case_mb": "100"})
    assert response.status_code == 400
    assert "附件总量上限不能小于单个附件上限。" in response.content.decode()
    response = _post_section(client, "deadlines", {"submission_deadline": "2024-13-40T99:00", "ranking_deadline": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "请按“年-月-日 时:分”填写。" in page and "请填写推荐排序表报送截止时间。" in page
    cast.campaign.refresh_from_db()
    assert cast.campaign.max_file_mb == 100 and not CampaignSettingChange.objects.exists()


def _rubric_post(campaign, **changes):
    data = {}
    for criterion in Rubric.objects.get(campaign=campaign).criteria.all():
        prefix = f"c{criterion.pk}-"
        data.update(
            {
                prefix + "name": criterion.name,
                prefix + "kind": criterion.kind,
                prefix + "weight": str(criterion.weight),
                prefix + "max_score": str(criterion.max_score),
                prefix + "description": criterion.description,
            }
        )
        if criterion.comment_required:
            data[prefix + "comment_required"] = "on"
    data.update(changes)
    return data


def test_the_rubric_is_edited_with_weights_summing_to_100(client, cast):
    client.force_login(cast.province_admin)
    rubric = Rubric.objects.get(campaign=cast.campaign)
    innovation = rubric.criteria.get(name="创新性")
    typical = rubric.criteria.get(name="典型性")
    bad = _rubric_post(cast.campaign, **{f"c{innovation.pk}-weight": "30"})
    response = _post_section(client, "rubric", bad)
    assert response.status_code == 400 and "评分项的权重合计应为100%，现为105%。" in response.content.decode()
    assert rubric.criteria.get(name="创新性").weight == 25 and not CampaignSettingChange.objects.exists()
    changes = {f"c{innovation.pk}-weight": "30", f"c{typical.pk}-weight": "15", f"c{typical.pk}-max_score": "50"}
    good = _rubric_post(cast.campaign, **changes)
    assert _post_section(client, "rubric", good).status_code == 302
    assert rubric.criteria.get(name="创新性").weight == 30 and rubric.criteria.get(name="典型性").max_score == 50
    assert CampaignSettingChange.objects.filter(section="评审细则").count() == 3
    gate = rubric.criteria.get(kind=CriterionKind.GATE)
    response = _post_section(client, "rubric", _rubric_post(cast.campaign, **{f"c{gate.pk}-weight": "5"}))
    assert response.status_code == 400 and "否决项不计权重，请填0。" in response.content.decode()


def test_the_rubric_is_locked_after_the_first_score(client, cast, case_at):
    case_at("reviewed")  # an expert has scored
    rubric = Rubric.objects.get(campaign=cast.campaign)
    innovation = rubric.criteria.get(name="创新性")
    with pytest.raises(TransitionRefused, match="已冻结"):
        criteria_update(rubric=rubric, actor=cast.province_admin, rows=[])
    client.force_login(cast.province_admin)
    page = client.get(reverse("reviews:setup", args=[2024])).content.decode()
    assert "已有专家评分，评审细则（评审项、权重、满分）已冻结，不能再修改。" in page
    response = _post_section(client, "rubric", _rubric_post(cast.campaign, **{f"c{innovation.pk}-max_score": "10"}))
    assert response.status_code == 302
    said = [m.message for m in get_messages(response.wsgi_request)]
    assert said == ["已有专家评分，评审细则（评审项、权重、满分）已冻结，不能再修改。"]
    assert rubric.criteria.get(name="创新性").max_score == 100


def test_rounds_are_edited_and_added(client, cast):
    client.force_login(cast.province_admin)
    stage = ReviewStage.objects.get(campaign=cast.campaign, order=1)
    data = {
        f"s{stage.pk}-name": "初评",
        f"s{stage.pk}-reviewers_per_case": "5",
        f"s{stage.pk}-max_load": "20",
        f"s{stage.pk}-experts_may_score": "on",
        "new-name": "终评",
        "new-reviewers_per_case": "7",
        "new-max_load": "30",
        "new-blind": "on",
        "new-experts_may_score": "on",
    }
    assert _post_section(client, "rounds", data).status_code == 302
    stage.refresh_from_db()
    assert (stage.reviewers_per_case, stage.max_load, stage.blind) == (5, 20, False)
    final = ReviewStage.objects.get(campaign=cast.campaign, order=2)
    assert (final.name, final.reviewers_per_case, final.status) == ("终评", 7, "upcoming")
    blind = CampaignSettingChange.objects.get(field="匿名评审")
    assert (blind.old_value, blind.new_value) == ("是", "否")
    data[f"s{stage.pk}-reviewers_per_case"] = "0"
    response = _post_section(client, "rounds", {k: v for k, v in data.items() if not k.startswith("new-")})
    assert response.status_code == 400 and "至少1位专家。" in response.content.decode()


SETUP_URLS = [
    ("get", "reviews:campaigns", []),
    ("get", "reviews:campaign_new", []),
    ("post", "reviews:campaign_new", []),
    ("get", "reviews:setup", [2024]),
    ("post", "reviews:setup_basics", [2024]),
    ("post", "reviews:setup_deadlines", [2024]),
    ("post", "reviews:setup_quotas", [2024]),
    ("post", "reviews:setup_files", [2024]),
    ("post", "reviews:setup_rubric", [2024]),
    ("post", "reviews:setup_rounds", [2024]),
    ("get", "reviews:schema_editor", [2024, "platform"]),
    ("post", "reviews:schema_editor", [2024, "platform"]),
    ("post", "reviews:schema_preview", [2024, "platform"]),
]


@pytest.mark.parametrize(
    "user", ["applicant_a", "applicant_b", "reviewer_a", "reviewer_b", "expert_assigned", "province_reviewer"]
)
def test_every_setup_page_answers_404_to_everyone_but_the_administrator(client, cast, user):
    if user == "province_reviewer":
        refused = UserFactory(organisation=cast.province, role=Role.AUTHORITY_REVIEWER)
    else:
        refused = getattr(cast, user)
    client.force_login(refused)
    for method, name, args in SETUP_URLS:
        data = {"year": 2030, "title": "x", "max_file_mb": "1", "max_case_mb": "1"} if method == "post" else {}
        assert getattr(client, method)(reverse(name, args=args), data).status_code == 404, name
    assert Campaign.objects.count() == 1 and not CampaignSettingChange.objects.exists()
    assert cast.campaign.categories.get(code="platform").schemas.count() == 1


def test_every_setup_page_opens_for_the_administrator(client, cast):
    client.force_login(cast.province_admin)
    for method, name, args in SETUP_URLS:
        if method == "get":
            assert client.get(reverse(name, args=args)).status_code == 200, name
    assert client.get(reverse("reviews:schema_editor", args=[2024, "nothing"])).status_code == 404
    assert client.get(reverse("reviews:setup", args=[1999])).status_code == 404
    for wrong in ("1999", "99999999999999999999", "abc", "２０２４"):
        assert client.get(reverse("reviews:campaign_new") + f"?from={wrong}").status_code == 404, wrong


def test_publishing_through_the_service_refuses_an_unchanged_form(cast):
    category = cast.campaign.categories.get(code="platform")
    with pytest.raises(ValidationError, match="没有改动"):
        schema_publish(category=category, actor=cast.province_admin, definition=category.schemas.latest().definition)


def test_the_campaign_list_and_the_history_take_the_same_queries_as_they_grow(client, cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(cast.province_admin)

    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    campaigns, settings = count(reverse("reviews:campaigns")), count(reverse("reviews:setup", args=[2024]))
    for year in (2025, 2026):
        _clone(cast, year=year)
    for minutes in range(5):
        Campaign.objects.filter(pk=cast.campaign.pk).update(max_file_mb=100 + minutes)
        _post_section(client, "files", {"max_file_mb": str(200 + minutes), "max_case_mb": "800"})
    assert CampaignSettingChange.objects.filter(campaign=cast.campaign).count() >= 5
    assert count(reverse("reviews:campaigns")) == campaigns
    assert count(reverse("reviews:setup", args=[2024])) == settings


def test_a_clone_carries_the_expert_panels_to_its_own_categories(cast):
    """Panels are kept in the admin only: a clone brings them, each on the new
    campaign's category of the same code, so 自动分配 works in the new year."""
    platform = cast.campaign.categories.get(code="platform")
    by_category = Panel.objects.create(campaign=cast.campaign, name="平台组", category=platform)
    by_category.experts.set([cast.expert_assigned, cast.expert_unassigned])
    Panel.objects.create(campaign=cast.campaign, name="综合组").experts.set([cast.expert_second_round])
    clone = _clone(cast)
    panels = {panel.name: panel for panel in Panel.objects.filter(campaign=clone)}
    assert set(panels) == {"平台组", "综合组"}
    assert panels["平台组"].category == clone.categories.get(code="platform") and panels["综合组"].category is None
    assert set(panels["平台组"].experts.all()) == {cast.expert_assigned, cast.expert_unassigned}
    assert list(panels["综合组"].experts.all()) == [cast.expert_second_round]
    assert Panel.objects.filter(campaign=cast.campaign).count() == 2  # the source's untouched
