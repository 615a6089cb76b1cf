"""Publishing the result: the 公示 (public notice, 7 days by default, objections
recorded and answered) and then the final 通报. Applicants learn their outcome from
the 公示 on, never before."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles
from applications.enums import CampaignPhase, CaseState
from reviews.enums import PublicationKind
from reviews.models import Objection, Publication
from workflow.exceptions import TransitionRefused

NOTICE_DAYS = 7
SELECTED_STATES = (CaseState.SELECTED, CaseState.RECOMMENDED_TO_NRTA)


def default_notice_period(today: date | None = None) -> tuple[date, date]:
    today = today or timezone.localdate()
    return today, today + timedelta(days=NOTICE_DAYS - 1)


def notice_publish(
    *, campaign, actor, title: str, starts_on: date, ends_on: date, document_number: str = ""
) -> Publication:
    roles.require_province_admin(actor)
    problems = []
    if campaign.state != CampaignPhase.DECIDING:
        problems.append(
            _("只在「结果审定」阶段发布公示（当前阶段：%(phase)s）。") % {"phase": campaign.get_state_display()}
        )
    if Publication.objects.filter(campaign=campaign, kind=PublicationKind.NOTICE).exists():
        problems.append(_("本年度已发布过公示。"))
    if not campaign.cases.filter(state__in=SELECTED_STATES).exists():
        problems.append(_("还没有确定入选的案例，不能发布公示。"))
    if campaign.cases.filter(state__in=(CaseState.IN_EXPERT_REVIEW, CaseState.REVIEWED)).exists():
        problems.append(_("还有案例未作出入选决定（专家评审中或评审完成）。"))
    if ends_on < starts_on:
        problems.append(_("公示结束日期不能早于开始日期。"))
    if not (title or "").strip():
        problems.append(_("请填写公示标题。"))
    if problems:
        raise TransitionRefused(problems)
    return Publication.objects.create(
        campaign=campaign,
        kind=PublicationKind.NOTICE,
        title=title.strip(),
        document_number=(document_number or "").strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        published_at=timezone.now(),
        published_by=actor,
    )


def objection_record(*, publication: Publication, case, actor, objector: str, contact: str, content: str) -> Objection:
    roles.require_province_admin(actor)
    if publication.kind != PublicationKind.NOTICE:
        raise TransitionRefused(_("异议只在公示期间登记。"))
    if case.campaign_id != publication.campaign_id or case.state not in SELECTED_STATES:
        raise TransitionRefused(_("只能对公示名单中的案例登记异议。"))
    if not (objector or "").strip() or not (content or "").strip():
        raise TransitionRefused(_("请填写异议人和异议内容。"))
    return Objection.objects.create(
        publication=publication,
        case=case,
        objector=objector.strip(),
        contact=(contact or "").strip(),
        content=content.strip(),
        received_at=timezone.now(),
        recorded_by=actor,
    )


def objection_answer(*, objection: Objection, actor, answer: str) -> Objection:
    roles.require_province_admin(actor)
    if not (answer or "").strip():
        raise TransitionRefused(_("请填写处理意见。"))
    objection.answer = answer.strip()
    objection.answered_at = timezone.now()
    objection.save(update_fields=["answer", "answered_at"])
    return objection


@transaction.atomic
def announcement_publish(*, campaign, actor, title: str, document_number: str = "") -> Publication:
    """The final 通报, once the 公示 period is over and every objection answered."""
    roles.require_province_admin(actor)
    notice = Publication.objects.filter(campaign=campaign, kind=PublicationKind.NOTICE).first()
    problems = []
    if campaign.state != CampaignPhase.PUBLIC_NOTICE:
        problems.append(
            _("只在「公示」阶段发布通报（当前阶段：%(phase)s）。") % {"phase": campaign.get_state_display()}
        )
    if notice is None:
        problems.append(_("请先发布公示。"))
    else:
        if timezone.localdate() <= notice.ends_on:
            problems.append(_("公示期至%(date)s，期满后方可发布通报。") % {"date": notice.ends_on.strftime("%Y-%m-%d")})
        open_objections = notice.objections.filter(answered_at__isnull=True).count()
        if open_objections:
            problems.append(_("还有%(n)d条异议未处理。") % {"n": open_objections})
    if Publication.objects.filter(campaign=campaign, kind=PublicationKind.ANNOUNCEMENT).exists():
        problems.append(_("本年度已发布过通报。"))
    if not (title or "").strip():
        problems.append(_("请填写通报标题。"))
    if problems:
        raise TransitionRefused(problems)
    return Publication.objects.create(
        campaign=campaign,
        kind=PublicationKind.ANNOUNCEMENT,
        title=title.strip(),
        document_number=(document_number or "").strip(),
        published_at=timezone.now(),
        published_by=actor,
    )
