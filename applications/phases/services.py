"""The province's exceptions to the campaign's deadlines: an extension for one unit,
one case or one authority, with a reason, recorded as granted."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles
from accounts.enums import AUTHORITY_KINDS, OrgKind
from applications.enums import EDITABLE_STATES, EXTENSION_PHASES, CampaignPhase
from applications.models import Campaign, Case, DeadlineExtension
from core.text import normalise_prose
from workflow.exceptions import TransitionRefused

REASON_MAX_LENGTH = 500


@transaction.atomic
def extension_grant(
    *, campaign: Campaign, actor, until: datetime, reason: str, organisation=None, case: Case | None = None
) -> DeadlineExtension:
    """Let one applicant unit (all its cases, new ones too) or one case submit until
    `until`, or one authority submit its ranking table until then. Only the province's
    administrator grants, only while submissions can still matter (征集中, 初审排序), and
    always with a reason; everything wrong is said at once."""
    roles.require_province_admin(actor, message=_("只有省局管理员可以批准延期。"))
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    problems = []
    if campaign.state not in EXTENSION_PHASES:
        problems.append(
            _("当前阶段为「%(phase)s」，只在「征集中」和「初审排序」阶段批准延期。")
            % {"phase": CampaignPhase(campaign.state).label}
        )
    if (organisation is None) == (case is None):
        problems.append(_("请选择一个单位或一个案例（二选一）。"))
    if organisation is not None and organisation.kind != OrgKind.UNIT and organisation.kind not in AUTHORITY_KINDS:
        problems.append(_("只能为申报单位或推荐单位批准延期。"))
    if case is not None:
        if case.campaign_id != campaign.pk:
            problems.append(_("该案例不属于本次征集。"))
        elif case.state not in EDITABLE_STATES:
            problems.append(_("该案例已提交，无需延期。"))
    if until is None or until <= timezone.now():
        problems.append(_("延期截止时间须晚于现在。"))
    elif until <= campaign.submission_deadline and organisation is not None and organisation.kind == OrgKind.UNIT:
        problems.append(_("延期截止时间须晚于申报截止时间。"))
    try:
        reason = normalise_prose(reason or "").strip()
    except ValidationError as invalid:
        problems += invalid.messages
        reason = ""
    if not reason:
        problems.append(_("请填写延期理由。"))
    elif len(reason) > REASON_MAX_LENGTH:
        problems.append(_("延期理由不能超过%(limit)d字。") % {"limit": REASON_MAX_LENGTH})
    if problems:
        raise TransitionRefused(problems)
    return DeadlineExtension.objects.create(
        campaign=campaign, organisation=organisation, case=case, until=until, reason=reason, granted_by=actor
    )
