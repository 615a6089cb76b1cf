from django.db import transaction
from django.utils.translation import gettext as _

from accounts.enums import OrgKind, Role
from applications.enums import CampaignStatus
from applications.models import Campaign, Case, Category, FormSchema
from applications.schema import OFFICIAL_CATEGORIES, official_definition, validate_definition
from workflow.exceptions import TransitionRefused
from workflow.rules import case_permissions_sync


@transaction.atomic
def campaign_create(
    *,
    year: int,
    title: str,
    submission_deadline,
    ranking_deadline,
    status: CampaignStatus = CampaignStatus.NOT_OPEN,
    notice_number: str = "",
    contact: str = "",
) -> Campaign:
    """A campaign with the notice's four categories, each on version 1 of its official form."""
    campaign = Campaign(
        year=year,
        title=title,
        submission_deadline=submission_deadline,
        ranking_deadline=ranking_deadline,
        status=status,
        notice_number=notice_number,
        contact=contact,
    )
    campaign.full_clean()
    campaign.save()
    for position, (code, name) in enumerate(OFFICIAL_CATEGORIES, start=1):
        category = Category.objects.create(campaign=campaign, code=code, name=name, position=position)
        FormSchema.objects.create(category=category, version=1, definition=official_definition(code))
    return campaign


def schema_add_version(*, category: Category, definition: dict) -> FormSchema:
    """A new version of a category's form; cases already written keep theirs."""
    validate_definition(definition)
    with transaction.atomic():
        latest = category.schemas.select_for_update().order_by("-version").first()
        return FormSchema.objects.create(
            category=category, version=(latest.version + 1) if latest else 1, definition=definition
        )


def case_create(
    *,
    campaign: Campaign,
    category: Category,
    actor,
    title: str,
    header: dict | None = None,
    sections: dict | None = None,
    figures: dict | None = None,
) -> Case:
    """A new draft case of the actor's unit, on the category's current form version."""
    unit = actor.organisation
    if actor.role != Role.APPLICANT or unit is None or unit.kind != OrgKind.UNIT or not unit.is_active:
        raise TransitionRefused(_("只有已启用的申报单位用户可以创建案例。"))
    if category.campaign_id != campaign.pk:
        raise TransitionRefused(_("所选类别不属于本次征集。"))
    if not campaign.submission_window_open():
        raise TransitionRefused(_("本次征集不在申报期内，不能新建案例。"))
    with transaction.atomic():
        case = Case.objects.create(
            campaign=campaign,
            category=category,
            schema=category.schemas.latest(),
            unit=unit,
            authority=unit.authority,
            title=title,
            header=header or {},
            sections=sections or {},
            figures=figures or {},
            created_by=actor,
        )
        case_permissions_sync(case=case)
    return case
