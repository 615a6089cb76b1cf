"""Publishing the result: the 公示 (public notice, at least the campaign's minimum
period, 7 days by default, starting today or later; objections recorded and answered,
an upheld one withdrawing the case's selection) and then the final 通报. Applicants
learn their outcome from the 公示 on, never before."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles
from accounts.selectors import province_name
from applications.enums import CampaignPhase, CaseState
from core.documents import official_language
from reviews.enums import PublicationKind
from reviews.models import Objection, Publication
from reviews.outcome.notifications import queue_publication
from reviews.outcome.rules import selection_rules_for
from workflow.exceptions import TransitionRefused
from workflow.services import apply_transition

NOTICE_DAYS = 7
SELECTED_STATES = (CaseState.SELECTED, CaseState.RECOMMENDED_TO_NRTA)


# The limits of the 公文's parts (the form states them, the service enforces them).
BODY_LIMIT = 5000
# Whom the campaign's notice (吉广电明电〔2024〕38号) went to: the 公示 and the 通报 go
# back to the same offices.
DEFAULT_ADDRESSEE = (
    "各市（州）文广旅局，长白山开发区工委宣传部，梅河口市文广旅局，"
    "吉林广播电视台、吉林教育电视台、长影频道、吉视传媒股份有限公司"
)


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


def _notice_reference(campaign) -> str:
    """《关于开展<campaign>工作的通知》（<文号>）: the notice the result answers."""
    reference = _("《关于开展%(title)s工作的通知》") % {"title": campaign.title}
    if campaign.notice_number:
        reference += f"（{campaign.notice_number}）"
    return reference


def default_official_fields(campaign, kind: str, *, issuer: str | None = None) -> dict:
    """What a 公示 or 通报 of `campaign` says unless the province edits it: its title,
    the issuing bureau, whom it goes to and its body (one paragraph a line). In the
    bureau's language whatever the reader's: the 公文 is Chinese."""
    with official_language():
        fields = _default_official_fields(campaign, kind, issuer=issuer)
    return fields


def _default_official_fields(campaign, kind: str, *, issuer: str | None) -> dict:
    year = campaign.year
    reference = _notice_reference(campaign)
    if kind == PublicationKind.NOTICE:
        title = _("关于%(y)s年全省广播电视媒体融合典型案例评选结果的公示") % {"y": year}
        paragraphs = [
            _(
                "根据%(reference)s要求，经各地推荐、专家评审，拟确定附件所列案例为%(y)s年全省"
                "广播电视媒体融合典型案例，现予以公示。"
            )
            % {"reference": reference, "y": year},
            _(
                "公示期间，任何单位和个人对公示案例有异议的，可以书面形式向我局反映。单位提出异议的，"
                "须加盖本单位公章；个人提出异议的，须署真实姓名并提供联系方式。逾期和匿名异议不予受理。"
            ),
        ]
    else:
        title = _("关于%(y)s年全省广播电视媒体融合典型案例评选结果的通报") % {"y": year}
        paragraphs = [
            _(
                "根据%(reference)s要求，经各地推荐、专家评审和结果公示，确定附件所列案例为%(y)s年全省"
                "广播电视媒体融合典型案例，现予以通报。"
            )
            % {"reference": reference, "y": year},
            _(
                "希望入选单位珍惜荣誉，认真总结经验，持续深化媒体融合改革创新，更好发挥示范引领作用。"
                "各地各单位要学习借鉴典型案例的经验做法，推动全省广播电视媒体深度融合发展取得新成效。"
            ),
        ]
    if campaign.contact:
        paragraphs.append(_("联系人及电话：%(contact)s。") % {"contact": campaign.contact.rstrip("。")})
    return {
        "title": title,
        "issuer": province_name() if issuer is None else issuer,
        "addressee": DEFAULT_ADDRESSEE,
        "body": "\n".join(paragraphs),
    }


def _official_problems(*, issuer: str, addressee: str, body: str) -> list[str]:
    problems = []
    if not (issuer or "").strip():
        problems.append(_("请填写发文机关。"))
    if not (body or "").strip():
        problems.append(_("请填写正文。"))
    limits = (
        (_("发文机关"), issuer, Publication._meta.get_field("issuer").max_length),
        (_("主送机关"), addressee, Publication._meta.get_field("addressee").max_length),
        (_("正文"), body, BODY_LIMIT),
    )
    for label, text, limit in limits:
        if len(text or "") > limit:
            problems.append(
                _("%(label)s不能超过%(limit)d字（当前%(count)d字）。")
                % {"label": label, "limit": limit, "count": len(text)}
            )
    return problems


# "Not read yet" for the blockers' optional `notice` (None means: there is none).
_UNREAD = object()


def notice_blockers(*, campaign, notice=_UNREAD) -> list[str]:
    """Why the 公示 cannot be published now, whatever is typed in its form (empty when it
    can): the page shows its button disabled with these reasons. `notice`: the campaign's
    公示 (or None) when the caller has read it already."""
    if notice is _UNREAD:
        notice = Publication.objects.filter(campaign=campaign, kind=PublicationKind.NOTICE).first()
    problems = []
    if campaign.state != CampaignPhase.DECIDING:
        problems.append(
            _("只在「结果审定」阶段发布公示（当前阶段：%(phase)s）。") % {"phase": campaign.get_state_display()}
        )
    if notice is not None:
        problems.append(_("本年度已发布过公示。"))
    if not campaign.cases.filter(state__in=SELECTED_STATES).exists():
        problems.append(_("还没有确定入选的案例，不能发布公示。"))
    if campaign.cases.filter(state__in=(CaseState.IN_EXPERT_REVIEW, CaseState.REVIEWED)).exists():
        problems.append(_("还有案例未作出入选决定（专家评审中或评审完成）。"))
    return problems


def announcement_blockers(*, campaign, notice=_UNREAD) -> list[str]:
    """Why the 通报 cannot be published now, whatever is typed in its form (empty when it
    can): during the 公示, with objections unanswered, or once published."""
    if notice is _UNREAD:
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
    return problems


def notice_publish(
    *,
    campaign,
    actor,
    title: str,
    starts_on: date,
    ends_on: date,
    document_number: str = "",
    issuer: str | None = None,
    addressee: str | None = None,
    body: str | None = None,
    issued_on: date | None = None,
) -> Publication:
    """Publish the 公示. The parts of the 公文 left out (None) take their defaults."""
    roles.require_province_admin(actor)
    official = _official_fields(campaign, PublicationKind.NOTICE, issuer, addressee, body, issued_on)
    problems = _official_problems(**{key: official[key] for key in ("issuer", "addressee", "body")})
    problems += notice_blockers(campaign=campaign)
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
        **official,
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


def _official_fields(campaign, kind, issuer, addressee, body, issued_on) -> dict:
    defaults = default_official_fields(campaign, kind)
    return {
        "issuer": (defaults["issuer"] if issuer is None else issuer).strip(),
        "addressee": (defaults["addressee"] if addressee is None else addressee).strip(),
        "body": (defaults["body"] if body is None else body).strip(),
        "issued_on": issued_on or timezone.localdate(),
    }


@transaction.atomic
def announcement_publish(
    *,
    campaign,
    actor,
    title: str,
    document_number: str = "",
    issuer: str | None = None,
    addressee: str | None = None,
    body: str | None = None,
    issued_on: date | None = None,
) -> Publication:
    """The final 通报, once the 公示 period is over and every objection answered. The
    parts of the 公文 left out (None) take their defaults."""
    roles.require_province_admin(actor)
    official = _official_fields(campaign, PublicationKind.ANNOUNCEMENT, issuer, addressee, body, issued_on)
    notice = Publication.objects.filter(campaign=campaign, kind=PublicationKind.NOTICE).first()
    problems = _official_problems(**{key: official[key] for key in ("issuer", "addressee", "body")})
    problems += announcement_blockers(campaign=campaign, notice=notice)
    if not (title or "").strip():
        problems.append(_("请填写通报标题。"))
    if problems:
        raise TransitionRefused(problems)
    announcement = Publication.objects.create(
        campaign=campaign,
        kind=PublicationKind.ANNOUNCEMENT,
        title=title.strip(),
        document_number=(document_number or "").strip(),
        **official,
        published_at=timezone.now(),
        published_by=actor,
    )
    queue_publication(publication=announcement)
    return announcement
