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

SUBJECT_MAX = 200
BODY_MAX = 5000


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


def mail_template_save(*, event: str, subject: str, body: str, actor) -> MailTemplate:
    template_fields(subject)
    template_fields(body)
    template, _created = MailTemplate.objects.update_or_create(
        event=NotificationEvent(event), defaults={"subject": subject, "body": body, "updated_by": actor}
    )
    return template


def mail_template_reset(*, event: str) -> None:
    """Back to the file templates."""
    MailTemplate.objects.filter(event=NotificationEvent(event)).delete()
