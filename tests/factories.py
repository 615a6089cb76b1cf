"""Factories that build through the services, so test data is shaped like real data.

No surprises: every factory makes exactly what its name says, with valid content,
and nothing else."""

import io
import itertools
from datetime import timedelta

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfWriter

from accounts.enums import OrgKind, Role, UnitType
from accounts.models import Organisation, User
from accounts.services import organisation_create, user_create
from applications.enums import PROVINCIAL_STATES, AttachmentKind, CampaignPhase, CaseState
from applications.models import Campaign, Case
from applications.services import attachment_add, campaign_create, case_create
from workflow.permissions import permissions_sync

# Meets the password policy (ten characters or more, three classes), as real passwords must.
PASSWORD = "Correct-horse-battery-staple"
# A paragraph of real applicant prose (seeds/002), full-width punctuation and all.
PROSE = (
    "重庆市璧山区融媒体中心围绕“四全媒体”建设理念，聚焦体制机制改革、内外同频共振、强化多元经营，"
    "提升引领力传播力影响力。中心立足实际，重构内部组织架构，成立行管、采编、经管三大中心。"
)
_codes = itertools.count(1)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"测试机构{n}")
    code = factory.Sequence(lambda n: f"org-{n}")
    kind = OrgKind.AUTHORITY
    authority = None
    unit_type = ""

    @classmethod
    def _create(cls, model_class, **kwargs):
        return organisation_create(**kwargs)


class UnitFactory(OrganisationFactory):
    kind = OrgKind.UNIT
    unit_type = UnitType.COUNTY_CENTRE
    name = factory.Sequence(lambda n: f"测试县融媒体中心{n}")
    authority = factory.SubFactory(OrganisationFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    password = PASSWORD
    organisation = factory.SubFactory(UnitFactory)
    role = Role.APPLICANT
    display_name = factory.Sequence(lambda n: f"用户{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")

    @classmethod
    def _create(cls, model_class, **kwargs):
        return user_create(**kwargs)


def province_org() -> Organisation:
    existing = Organisation.objects.filter(kind=OrgKind.PROVINCE).first()
    return existing or OrganisationFactory(name="吉林省广播电视局", code="jlgd", kind=OrgKind.PROVINCE)


def open_campaign(*, year: int = 2024, deadline_in: timedelta = timedelta(days=10)) -> Campaign:
    deadline = timezone.now() + deadline_in
    return campaign_create(
        year=year,
        title=f"{year}年全省广播电视媒体融合典型案例征集和评选",
        phase=CampaignPhase.COLLECTING,
        submission_deadline=deadline,
        ranking_deadline=deadline + timedelta(days=7),
    )


def set_phase(campaign: Campaign, phase: str) -> Campaign:
    """`campaign` put straight into `phase`, no move recorded (the field is protected):
    for tests that need a phase, not the road to it. Returns the campaign as it now is;
    cases loaded before still hold the old phase on their `campaign`."""
    phase = CampaignPhase(phase)
    now = timezone.now()
    campaign.refresh_from_db()
    if phase != CampaignPhase.COLLECTING and campaign.submission_deadline > now:
        # Past 征集中 the deadline is past: the ranking-table rules count on it.
        Campaign.objects.filter(pk=campaign.pk).update(submission_deadline=now - timedelta(minutes=1))
    if phase == CampaignPhase.COLLECTING and campaign.submission_deadline <= now:
        # Back in 征集中 (a test world built case by case): the window is open again.
        deadline = now + timedelta(days=10)
        Campaign.objects.filter(pk=campaign.pk).update(
            submission_deadline=deadline, ranking_deadline=max(campaign.ranking_deadline, deadline + timedelta(days=7))
        )
    Campaign.objects.filter(pk=campaign.pk).update(state=phase)
    campaign.refresh_from_db()
    return campaign


# The phase a test world is left in once a case has reached each state (case_at,
# put_in_state): the one in which that state's next moves are taken.
NATURAL_PHASE = {
    CaseState.IN_EXPERT_REVIEW: CampaignPhase.EXPERT_REVIEW,
    CaseState.REVIEWED: CampaignPhase.DECIDING,
    CaseState.SELECTED: CampaignPhase.DECIDING,
    CaseState.NOT_SELECTED: CampaignPhase.DECIDING,
    CaseState.RECOMMENDED_TO_NRTA: CampaignPhase.NRTA,
}


def natural_phase(state) -> CampaignPhase:
    return NATURAL_PHASE.get(CaseState(state), CampaignPhase.COLLECTING)


def close_submissions(campaign: Campaign) -> Campaign:
    """The submission deadline passed and the campaign in 初审排序."""
    return set_phase(campaign, CampaignPhase.PRELIMINARY)


def complete_content(definition: dict) -> dict:
    """Header, sections and figures that satisfy every rule of `definition`."""
    header = {}
    for field in definition["header_fields"]:
        header[field["key"]] = {
            "phone": "0431-85816713",
            "email": "contact@example.com",
        }.get(field["type"], "2023年3月至今" if field["key"] == "implementation_period" else "融媒体中心")
    sections = {section["key"]: PROSE for section in definition["sections"]}
    figures = {
        # Within the figure's range (a share in % is at most 100).
        figure["key"]: str(min(388, figure.get("maximum", 388)))
        if figure["kind"] == "number"
        else {"before": "120", "after": "326"}
        for figure in definition["figures"]
    }
    return {"header": header, "sections": sections, "figures": figures}


def pdf_upload(name: str = "扫描件.pdf", pages: int = 1) -> SimpleUploadedFile:
    """A real (blank) PDF, as a browser would upload it."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")


def make_case(
    *, campaign: Campaign, applicant: User, category_code: str = "platform", complete: bool = True, **fields
) -> Case:
    """A draft of the applicant's unit. Complete means ready to submit: every field
    filled and the stamped scan attached."""
    category = campaign.categories.get(code=category_code)
    campaign.refresh_from_db()
    if not campaign.submission_window_open(unit_id=applicant.organisation_id):
        # A test world adds a case to a campaign further on: in 征集中 it was written.
        set_phase(campaign, CampaignPhase.COLLECTING)
    content = complete_content(category.schemas.latest().definition) if complete else {}
    content.update(fields)
    case = case_create(
        campaign=campaign,
        category=category,
        actor=applicant,
        title=content.pop("title", f"融合传播案例{next(_codes)}"),
        **content,
    )
    if complete:
        attachment_add(case=case, actor=applicant, uploaded=pdf_upload(), kind=AttachmentKind.STAMPED_SCAN)
    return case


def submit_review(assignment, *, value: int = 80, passed: bool = True, comment: str = "材料翔实，做法可推广。"):
    """The assigned expert scores every criterion of the rubric and submits."""
    from reviews.experts.services import score_save
    from reviews.models import Rubric

    rubric = Rubric.objects.get(campaign=assignment.stage.campaign)
    entries = {
        criterion.pk: (("pass" if passed else "fail") if criterion.is_gate else value, comment)
        for criterion in rubric.criteria.all()
    }
    problems = score_save(assignment=assignment, actor=assignment.expert, entries=entries, submit=True)
    assert not problems, problems
    return assignment


def open_first_stage(campaign):
    from reviews.enums import StageStatus
    from reviews.models import ReviewStage

    stage = ReviewStage.objects.get(campaign=campaign, order=1)
    if stage.status != StageStatus.OPEN:
        stage.status = StageStatus.OPEN
        stage.save(update_fields=["status"])
    return stage


def grant_case_permissions(cases) -> None:
    """Write, in a few bulk inserts, the object permissions the workflow's table gives
    each of `cases` in its state; the cases must hold none yet. The one place the tests
    name the workflow's bulk grant."""
    permissions_sync(subjects=list(cases))


def put_in_state(case: Case, state: str, *, expert: User | None = None) -> Case:
    """`case` moved straight into `state`, with exactly the object permissions that state
        grants, and, in a provincial state, `expert` assigned in the first round (opened).
        No transition is taken, so there is no history, no ranking table entry, no NRTA entry
        and no score: for tests that need a case in a late state, not the road to it
        (`case_at` in conftest walks the real road). The campaign is put in the phase in which
    that state's next moves are taken (`natural_phase`). Returns the case as it now is."""
    from applications.models import CaseGroupObjectPermission, CaseUserObjectPermission
    from reviews.experts.result_rows import refresh_campaign_cases
    from reviews.models import ExpertAssignment

    state = CaseState(state)
    set_phase(case.campaign, natural_phase(state))
    Case.objects.filter(pk=case.pk).update(state=state)  # the state field is protected
    CaseGroupObjectPermission.objects.filter(content_object=case).delete()
    CaseUserObjectPermission.objects.filter(content_object=case).delete()
    if expert is not None and state in PROVINCIAL_STATES:
        ExpertAssignment.objects.create(stage=open_first_stage(case.campaign), case=case, expert=expert)
    case = Case.objects.select_related("campaign", "unit", "authority").get(pk=case.pk)
    grant_case_permissions([case])
    # The state was written past apply_transition: the results' stored rows follow here.
    refresh_campaign_cases(campaign_id=case.campaign_id, case_ids=[case.pk])
    return case
