"""The one place that tells people something: `notify` writes each recipient's inbox
row and mails them, from the province's edited wording of the event (MailTemplate)
or, until it edits one, from the file templates. Notification modules decide who
hears of what and call this from their background task (after commit).

    notify(users=User.objects.filter(…), event=NotificationEvent.EXPERT_ASSIGNED,
           template="reviews/email/assignment", context={…},
           placeholders={"case": …, "deadline": …}, link=reverse(…))
"""

from string import Formatter

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.enums import NotificationEvent
from accounts.models import MailTemplate, Notification
from core.mail import render_templated_mail, send_message
from core.text import normalise_line, normalise_prose

# The placeholders an edited template may use, with what each stands for. Every event
# fills those it knows; the others are left empty.
PLACEHOLDERS = {
    "unit": gettext_lazy("单位名称"),
    "case": gettext_lazy("案例名称"),
    "campaign": gettext_lazy("征集活动"),
    "deadline": gettext_lazy("截止时间"),
    "detail": gettext_lazy("事项详情（状态变化、理由、待办数量等）"),
    "url": gettext_lazy("链接"),
}

# An example of each, for the preview.
SAMPLE_PLACEHOLDERS = {
    "unit": "九台区融媒体中心",
    "case": "“村村通”全媒体服务平台建设",
    "campaign": "2024年度广播电视媒体融合典型案例征集",
    "deadline": "2024年11月30日 17:00",
    "detail": "已由「待初审」变为「退回修改」",
    "url": "http://127.0.0.1:8000/",
}

# What {detail} stands for in each event, for the preview (see the notification modules).
SAMPLE_DETAILS = {
    NotificationEvent.REGISTRATION_DECIDED: gettext_lazy("已通过"),
    NotificationEvent.CASE_TRANSITION: gettext_lazy("待初审 → 退回修改（退回修改）：请补充案例的实施成效数据。"),
    NotificationEvent.TABLE_RETURNED: gettext_lazy("排序理由不充分，请补充说明后重新报送。"),
    NotificationEvent.EXPERT_ASSIGNED: gettext_lazy("初评：3"),
    NotificationEvent.EXPERT_UNASSIGNED: gettext_lazy("初评"),
    NotificationEvent.NOTICE_PUBLISHED: gettext_lazy("「“村村通”全媒体服务平台建设」拟入选"),
    NotificationEvent.ANNOUNCEMENT_PUBLISHED: gettext_lazy("「“村村通”全媒体服务平台建设」入选"),
    NotificationEvent.REMINDER_DRAFTS: "2",
    NotificationEvent.REMINDER_SCORES: gettext_lazy("初评：3"),
}


def sample_placeholders(event: str) -> dict:
    """Example values for previewing `event`'s text."""
    detail = SAMPLE_DETAILS.get(NotificationEvent(event), SAMPLE_PLACEHOLDERS["detail"])
    return {**SAMPLE_PLACEHOLDERS, "detail": str(detail)}


SUBJECT_MAX = 200
BODY_MAX = 5000

# Each event's default wording written with the placeholders: what the editor shows
# before the province edits anything, so a clerk starts from the system's text. Until
# an edited template is saved, mails still come from the file templates, which say the
# same with a few details the placeholders cannot carry (a registering unit's contact,
# the state of each case on its own line). Lines are translated one by one so the mails'
# shared lines ("您好：", the footer) keep one translation.
_BRAND = gettext_lazy("【媒体融合典型案例】")
_HELLO = gettext_lazy("您好：")
_FOOTER = gettext_lazy("此邮件由系统自动发送，请勿直接回复。")


def _subject(text) -> list:
    return [_BRAND, text]


def _body(greeting, *lines, link_label) -> list:
    text = [part for line in lines for part in (line, "\n")]
    return [greeting, "\n\n", *text, "\n", link_label, "{url}", "\n\n", _FOOTER]


_VIEW = gettext_lazy("查看：")
_TASKS = gettext_lazy("评审任务：")
_UNIT_GREETING = gettext_lazy("{unit}：")

DEFAULT_TEXTS = {
    NotificationEvent.REGISTRATION_SUBMITTED: (
        _subject(gettext_lazy("单位注册待审核：{unit}")),
        _body(
            _HELLO,
            gettext_lazy("「{unit}」已在系统中注册，请审核其注册申请。"),
            link_label=gettext_lazy("审核注册申请："),
        ),
    ),
    NotificationEvent.REGISTRATION_DECIDED: (
        _subject(gettext_lazy("单位注册审核结果：{detail}")),
        _body(
            _HELLO,
            gettext_lazy("「{unit}」的注册申请审核结果：{detail}。"),
            gettext_lazy("审核通过后即可登录系统填报案例，本账号在以后年度的征集中继续有效。"),
            link_label=gettext_lazy("登录系统："),
        ),
    ),
    NotificationEvent.CASE_TRANSITION: (
        _subject(gettext_lazy("案例状态变化：{case}")),
        _body(
            _HELLO,
            gettext_lazy("案例「{case}」（申报单位：{unit}）状态变化：{detail}。"),
            link_label=gettext_lazy("查看案例："),
        ),
    ),
    NotificationEvent.TABLE_SUBMITTED: (
        _subject(gettext_lazy("{unit}已报送推荐排序表")),
        _body(_HELLO, gettext_lazy("{unit}已报送「{campaign}」的推荐排序表，请登录系统查看。"), link_label=_VIEW),
    ),
    NotificationEvent.TABLE_RETURNED: (
        _subject(gettext_lazy("省局退回了推荐排序表")),
        _body(
            _HELLO,
            gettext_lazy("省局退回了贵单位「{campaign}」的推荐排序表，相关案例已退回为“已推荐”，请调整后重新报送。"),
            gettext_lazy("退回理由："),
            "{detail}",
            link_label=_VIEW,
        ),
    ),
    NotificationEvent.EXPERT_ASSIGNED: (
        _subject(gettext_lazy("您有新的评审任务（{detail}件）")),
        _body(
            _HELLO,
            gettext_lazy("「{campaign}」为您分配了新的评审任务（{detail}件），请登录系统评审。"),
            link_label=_TASKS,
        ),
    ),
    NotificationEvent.EXPERT_UNASSIGNED: (
        _subject(gettext_lazy("一件评审任务已取消")),
        _body(
            _HELLO,
            gettext_lazy("省局取消了您在「{detail}」中对案例「{case}」的评审任务，无需再评审该案例。"),
            link_label=_TASKS,
        ),
    ),
    NotificationEvent.NOTICE_PUBLISHED: (
        _subject(gettext_lazy("入选名单公示已发布：{campaign}")),
        _body(
            _UNIT_GREETING,
            gettext_lazy("省局已发布「{campaign}」入选名单公示，公示期至{deadline}。"),
            gettext_lazy("贵单位申报案例的结果：{detail}"),
            link_label=_VIEW,
        ),
    ),
    NotificationEvent.ANNOUNCEMENT_PUBLISHED: (
        _subject(gettext_lazy("评选结果通报已发布：{campaign}")),
        _body(
            _UNIT_GREETING,
            gettext_lazy("省局已发布「{campaign}」评选结果通报。"),
            gettext_lazy("贵单位申报案例的结果：{detail}"),
            link_label=_VIEW,
        ),
    ),
    NotificationEvent.REMINDER_DRAFTS: (
        _subject(gettext_lazy("催报：还有{detail}个案例未提交")),
        _body(
            _UNIT_GREETING,
            gettext_lazy("贵单位在「{campaign}」中还有{detail}个案例未提交（草稿或退回修改）。"),
            gettext_lazy("申报截止时间为{deadline}，逾期不能提交，请抓紧完善并提交。"),
            link_label=_VIEW,
        ),
    ),
    NotificationEvent.REMINDER_TABLE: (
        _subject(gettext_lazy("催报：推荐排序表尚未报送")),
        _body(
            _UNIT_GREETING,
            gettext_lazy(
                "贵单位「{campaign}」的推荐排序表尚未报送省局，报送截止时间为{deadline}，请及时完成初审、排序并报送。"
            ),
            link_label=_VIEW,
        ),
    ),
    NotificationEvent.REMINDER_SCORES: (
        _subject(gettext_lazy("催评：评审任务尚未提交")),
        _body(
            _HELLO,
            gettext_lazy("您在「{campaign}」中还有评审任务未提交（{detail}件），请登录系统完成评审。"),
            link_label=_TASKS,
        ),
    ),
}


def default_text(event: str) -> tuple[str, str]:
    """The default subject and body of `event` in the active language, written with
    placeholders, as the editor shows them and as a saved form would store them."""
    subject, body = DEFAULT_TEXTS[NotificationEvent(event)]
    return normalise_line("".join(str(part) for part in subject)), normalise_prose("".join(str(part) for part in body))


def deadline_text(moment) -> str:
    """A deadline as the notice writes it, with its year: 2024年11月30日 17:00."""
    if not moment:
        return ""
    local = timezone.localtime(moment)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def template_fields(text: str) -> list[str]:
    """The placeholders in `text`, refusing unpaired braces and any placeholder that is
    not one of PLACEHOLDERS (attribute or index access included)."""
    try:
        fields = [field for _literal, field, _spec, _conv in Formatter().parse(text) if field is not None]
    except ValueError as error:
        raise ValidationError(_("花括号不成对：占位符写作 {unit}，文字中的花括号写作 {{ 和 }}。")) from error
    unknown = [field for field in fields if field not in PLACEHOLDERS]
    if unknown:
        raise ValidationError(
            _("未知的占位符：%(fields)s。可用的占位符：%(known)s。")
            % {
                "fields": "、".join("{" + field + "}" for field in unknown),
                "known": "、".join("{" + key + "}" for key in PLACEHOLDERS),
            }
        )
    return fields


def fill(text: str, placeholders: dict) -> str:
    """`text` with each known placeholder replaced (an absent value is empty)."""
    values = {key: str(placeholders.get(key, "") or "") for key in PLACEHOLDERS}
    return text.format_map(values)


def render_message(*, event: str, template: str, context: dict, placeholders: dict) -> tuple[str, str]:
    """The subject and body of `event`: the province's wording if it edited one, else
    the file templates. An edited template that no longer fills (it cannot, once
    saved through the form) falls back to the files rather than failing the mail."""
    edited = MailTemplate.objects.filter(event=event).first()
    if edited is not None:
        try:
            template_fields(edited.subject)
            template_fields(edited.body)
            return " ".join(fill(edited.subject, placeholders).split()), fill(edited.body, placeholders)
        except (ValidationError, ValueError, KeyError):
            pass
    return render_templated_mail(template=template, context=context)


def notify(
    *,
    users: QuerySet,
    event: NotificationEvent | str,
    template: str,
    context: dict,
    placeholders: dict | None = None,
    link: str = "",
) -> int:
    """Tell the active people among `users` of `event`: one inbox row each and one
    mail to each address. Returns the number of mails sent."""
    event = NotificationEvent(event)
    recipients = list(users.filter(is_active=True).order_by("id").only("id", "email"))
    if not recipients:
        return 0
    url = settings.SITE_URL + link if link else settings.SITE_URL + "/"
    context = {"url": url, **context}
    placeholders = {"url": url, **(placeholders or {})}
    subject, body = render_message(event=event, template=template, context=context, placeholders=placeholders)
    subject = subject[:SUBJECT_MAX]
    with transaction.atomic():
        Notification.objects.bulk_create(
            Notification(recipient=user, event=event, subject=subject, body=body, link=link) for user in recipients
        )
    return send_message(recipients=[user.email for user in recipients], subject=subject, body=body)


# --- reading and marking ----------------------------------------------------------


def unread_count(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def inbox_for(*, user) -> QuerySet:
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def notification_mark_read(*, user, notification_id: int | None = None) -> int:
    """Mark one of `user`'s messages read (or all of them when no id is given).
    Returns how many changed; another person's message is never touched."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=timezone.now())


def mail_template_save(*, event: str, subject: str, body: str, actor) -> MailTemplate | None:
    """Store the province's wording of `event`. A text equal to the default (as the
    editor prefills it) stores nothing and drops an earlier edit: the event keeps, or
    goes back to, the system's default. Returns None then."""
    template_fields(subject)
    template_fields(body)
    if (normalise_line(subject), normalise_prose(body)) == default_text(event):
        mail_template_reset(event=event)
        return None
    template, _created = MailTemplate.objects.update_or_create(
        event=NotificationEvent(event), defaults={"subject": subject, "body": body, "updated_by": actor}
    )
    return template


def mail_template_reset(*, event: str) -> None:
    """Back to the file templates."""
    MailTemplate.objects.filter(event=NotificationEvent(event)).delete()
