"""Publishing the result: the 公示 (public notice, at least the campaign's minimum
period, 7 days by default, starting today or later; objections recorded and answered,
an upheld one withdrawing the case's selection) and then the final 通报. Applicants
learn their outcome from the 公示 on, never before."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles
from applications.enums import CaseState
from reviews.enums import PublicationKind
from reviews.models import Objection, Publication
from reviews.outcome.notifications import queue_publication
from reviews.outcome.rules import selection_rules_for
from workflow.exceptions import TransitionRefused
from workflow.services import apply_transition

NOTICE_DAYS = 7
SELECTED_STATES = (CaseState.SELECTED, CaseState.RECOMMENDED_TO_NRTA)


def default_notice_period(today: date | None = None, days: int = NOTICE_DAYS) -> tuple[date, date]:
    """From today, `days` days long, both ends included."""
    today = today or timezone.localdate()
    return today, today + timedelta(days=days - 1)


def notice_period_problems(*, campaign, starts_on: date, ends_on: date) -> list[tuple[str, str]]:
    """(field, message) for each rule of the period the dates break: the 公示 starts
    today or later and lasts at least the campaign's minimum (both ends counted: 1 to
    7 December is 7 days)."""
    if ends_on < starts_on:
        return [("ends_on", _("公示结束日期不能早于开始日期。"))]
    problems = []
    today = timezone.localdate()
    if starts_on < today:
        problems.append(
            ("starts_on", _("公示开始日期不能早于今天（%(today)s）。") % {"today": today.strftime("%Y-%m-%d")})
        )
    minimum = selection_rules_for(campaign).notice_min_days
    days = (ends_on - starts_on).days + 1
    if days < minimum:
        problems.append(
            ("ends_on", _("公示期不少于%(min)d天（含首尾两日），所填为%(days)d天。") % {"min": minimum, "days": days})
        )
    return problems


def notice_publish(
    *, campaign, actor, title: str, starts_on: date, ends_on: date, document_number: str = ""
) -> Publication:
    roles.require_province_admin(actor)
    problems = []
    if Publication.objects.filter(campaign=campaign, kind=PublicationKind.NOTICE).exists():
        problems.append(_("本年度已发布过公示。"))
    if not campaign.cases.filter(state__in=SELECTED_STATES).exists():
        problems.append(_("还没有确定入选的案例，不能发布公示。"))
    if campaign.cases.filter(state__in=(CaseState.IN_EXPERT_REVIEW, CaseState.REVIEWED)).exists():
        problems.append(_("还有案例未作出入选决定（专家评审中或评审完成）。"))
    period = notice_period_problems(campaign=campaign, starts_on=starts_on, ends_on=ends_on)
    problems += [message for _field, message in period]
    if not (title or "").strip():
        problems.append(_("请填写公示标题。"))
    if problems:
        raise TransitionRefused(problems)
    notice = Publication.objects.create(
        campaign=campaign,
        kind=PublicationKind.NOTICE,
        title=title.strip(),
        document_number=(document_number or "").strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        published_at=timezone.now(),
        published_by=actor,
    )
    queue_publication(publication=notice)
    return notice


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


@transaction.atomic
def objection_answer(*, objection: Objection, actor, answer: str, upheld: bool = False) -> Objection:
    """The province's answer. An upheld objection (异议成立) withdraws the case's
    selection through the case's `uphold_objection` transition, recorded with the answer
    as its reason; refused, with nothing written, once the 通报 is out."""
    roles.require_province_admin(actor)
    if not (answer or "").strip():
        raise TransitionRefused(_("请填写处理意见。"))
    objection = Objection.objects.select_for_update().select_related("case").get(pk=objection.pk)
    if objection.upheld:
        raise TransitionRefused(_("该异议已认定成立，相应案例已取消入选，不能再更改处理意见。"))
    objection.answer = answer.strip()
    objection.answered_at = timezone.now()
    objection.upheld = upheld
    objection.save(update_fields=["answer", "answered_at", "upheld"])
    if upheld:
        apply_transition(subject=objection.case, action="uphold_objection", actor=actor, comment=objection.answer)
    return objection


@transaction.atomic
def announcement_publish(*, campaign, actor, title: str, document_number: str = "") -> Publication:
    """The final 通报, once the 公示 period is over and every objection answered."""
    roles.require_province_admin(actor)
    notice = Publication.objects.filter(campaign=campaign, kind=PublicationKind.NOTICE).first()
    problems = []
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
    announcement = Publication.objects.create(
        campaign=campaign,
        kind=PublicationKind.ANNOUNCEMENT,
        title=title.strip(),
        document_number=(document_number or "").strip(),
        published_at=timezone.now(),
        published_by=actor,
    )
    queue_publication(publication=announcement)
    return announcement
