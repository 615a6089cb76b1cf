"""The demo campaign: every authority of the notice, every state of the workflow,
content that passes the form's own rules, and a second run that changes nothing.

Seeding costs seconds, so the module seeds once and its tests read that one demo: the
seeding runs in a transaction that is rolled back after the module, and each test runs
in its own savepoint within it, so what a test writes is gone before the next reads.
(Refusing to seed in production needs an empty database: test_seed_demo_guard.py.)"""

from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.urls import reverse

from accounts.enums import OrgKind, Role
from accounts.models import Organisation, User
from applications.content import case_problems
from applications.enums import CampaignPhase, CaseState
from applications.models import Campaign, Case, DeadlineExtension
from core.text import counted_length
from reviews.models import Publication
from workflow.models import TransitionRecord

NOTICE_AUTHORITIES = {
    "长春市文广旅局", "吉林市文广旅局", "四平市文广旅局", "辽源市文广旅局", "通化市文广旅局", "白山市文广旅局",
    "松原市文广旅局", "白城市文广旅局", "延边朝鲜族自治州文广旅局", "长白山开发区工委宣传部", "梅河口市文广旅局",
}  # fmt: skip
PROVINCIAL_UNITS = {"吉林广播电视台", "吉林教育电视台", "长影频道", "吉视传媒股份有限公司"}


def test_every_authority_and_provincial_unit_of_the_notice(seeded):
    authorities = set(Organisation.objects.filter(kind=OrgKind.AUTHORITY).values_list("name", flat=True))
    assert authorities == NOTICE_AUTHORITIES
    province = Organisation.objects.get(kind=OrgKind.PROVINCE)
    assert set(province.units.values_list("name", flat=True)) == PROVINCIAL_UNITS
    for authority in Organisation.objects.filter(kind=OrgKind.AUTHORITY):
        assert authority.units.exists(), authority
        assert authority.members.filter(role=Role.AUTHORITY_REVIEWER).exists(), authority
    for unit in Organisation.objects.filter(kind=OrgKind.UNIT):
        assert unit.members.filter(role=Role.APPLICANT).exists(), unit


def test_about_forty_cases_over_the_phases_states_and_every_category(seeded):
    cases = Case.objects.filter(campaign__year=2024).select_related("schema")
    assert 36 <= cases.count() <= 44
    # The campaign is in 初审排序 (the submission deadline passed, some tables submitted):
    # every state up to the expert review, none decided yet.
    decided = {CaseState.REVIEWED, CaseState.SELECTED, CaseState.NOT_SELECTED, CaseState.RECOMMENDED_TO_NRTA}
    assert set(cases.values_list("state", flat=True)) == set(CaseState.values) - decided
    assert Campaign.objects.get(year=2024).state == CampaignPhase.PRELIMINARY
    assert Campaign.objects.get(year=2024).transitions.count() == 2
    assert DeadlineExtension.objects.count() == 2
    assert set(cases.values_list("category__code", flat=True)) == {"platform", "production", "services", "reform"}


def test_cases_went_through_the_workflow_with_valid_content(seeded):
    for case in Case.objects.select_related("schema", "campaign"):
        problems = {problem.where for problem in case_problems(case)}
        # Drafts may still lack the stamped scan; everything else is complete.
        assert problems <= ({"stamped_scan"} if case.state == CaseState.DRAFT else set()), case.title
        total = sum(counted_length(text) for text in case.sections.values())
        assert 1000 <= total <= 5000
        history = list(TransitionRecord.objects.filter(case=case).values_list("to_state", flat=True))
        assert (history[-1] if history else CaseState.DRAFT) == case.state


def test_accounts_use_the_demo_password(seeded, client):
    assert client.login(username="jlgd-admin", password="demo-pass-1")
    assert client.login(username="changchun-review", password="demo-pass-1")
    assert User.objects.get(username="admin").is_superuser


def test_a_second_run_changes_nothing(seeded):
    counts = (
        Organisation.objects.count(),
        User.objects.count(),
        Case.objects.count(),
        TransitionRecord.objects.count(),
    )
    call_command("seed_demo", stdout=StringIO())
    assert counts == (
        Organisation.objects.count(),
        User.objects.count(),
        Case.objects.count(),
        TransitionRecord.objects.count(),
    )


def test_the_earlier_campaign_went_the_whole_way_and_its_pages_show_it(seeded, client):
    """2023: decided, 公示, 通报, NRTA, archived, so the province's results,
    publication and NRTA pages are not empty in the demo."""
    earlier = Campaign.objects.get(year=2023)
    assert earlier.state == CampaignPhase.ARCHIVED
    assert list(earlier.transitions.order_by("pk").values_list("to_state", flat=True)) == [
        CampaignPhase.COLLECTING, CampaignPhase.PRELIMINARY, CampaignPhase.EXPERT_REVIEW, CampaignPhase.DECIDING,
        CampaignPhase.PUBLIC_NOTICE, CampaignPhase.ANNOUNCED, CampaignPhase.NRTA, CampaignPhase.ARCHIVED,
    ]  # fmt: skip
    states = sorted(earlier.cases.values_list("state", flat=True))
    assert states == [CaseState.NOT_SELECTED] * 2 + [CaseState.RECOMMENDED_TO_NRTA] * 3 + [CaseState.SELECTED]
    assert set(earlier.cases.values_list("category__code", flat=True)) == {
        "platform",
        "production",
        "services",
        "reform",
    }
    # Its dates read as last year's: the deadlines and the 公示 lie a year back.
    assert earlier.submission_deadline < Campaign.objects.get(year=2024).submission_deadline - timedelta(days=300)
    assert sorted(Publication.objects.filter(campaign=earlier).values_list("kind", flat=True)) == [
        "announcement",
        "notice",
    ]
    recommended = earlier.cases.filter(state=CaseState.RECOMMENDED_TO_NRTA).order_by("pk").first()
    assert client.login(username="jlgd-admin", password="demo-pass-1")
    # The results page shows one category at a time: the case's own.
    for name, query in (
        ("reviews:results", f"?category={recommended.category_id}"),
        ("reviews:publication", ""),
        ("reviews:nrta", ""),
    ):
        response = client.get(reverse(name, args=[2023]) + query)
        assert response.status_code == 200 and recommended.title in response.content.decode(), name
