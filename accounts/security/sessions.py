"""What the sign-in policy keeps in the session, and why a session ends."""

import time

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

SIGNED_IN_AT = "signin:at"
LAST_SEEN = "signin:seen"
HAS_DEVICE = "signin:otp-device"
# Writing the session on every request would cost a write each; a minute's precision
# is enough for a 30-minute idle limit.
LAST_SEEN_PRECISION = 60


def session_start(request, *, has_device: bool) -> None:
    now = int(time.time())
    request.session[HAS_DEVICE] = has_device
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN] = now


def session_touch(request) -> None:
    now = int(time.time())
    if now - request.session.get(LAST_SEEN, 0) >= LAST_SEEN_PRECISION:
        request.session[LAST_SEEN] = now


def session_end_reason(request, user) -> tuple[str, str] | None:
    """(audit reason, the sentence for the user) when this session must end, else None."""
    now = int(time.time())
    session = request.session
    if settings.SESSION_SINGLE and user.session_key and session.session_key != user.session_key:
        return "replaced", _("您的账号已在其他地方登录，本会话已结束。如非本人操作，请立即修改密码。")
    last_seen = session.get(LAST_SEEN)
    if last_seen is not None and now - last_seen > settings.SESSION_IDLE_MINUTES * 60:
        return "idle", _("您已 %(minutes)d 分钟未操作，为安全起见已退出登录，请重新登录。") % {
            "minutes": settings.SESSION_IDLE_MINUTES
        }
    signed_in_at = session.get(SIGNED_IN_AT)
    if signed_in_at is not None and now - signed_in_at > settings.SESSION_ABSOLUTE_HOURS * 3600:
        return "absolute", _("本次登录已超过 %(hours)d 小时，请重新登录。") % {"hours": settings.SESSION_ABSOLUTE_HOURS}
    return None


def password_change_reason(user) -> str | None:
    """The sentence telling the user why they must change their password now, or None."""
    if user.must_change_password:
        return _("首次登录或密码由管理员设置，请先修改密码。")
    days = settings.PASSWORD_MAX_AGE_DAYS
    changed = user.password_changed_at or user.date_joined
    if days and changed is not None and (timezone.now() - changed).days >= days:
        return _("您的密码已使用超过 %(days)d 天，请修改密码。") % {"days": days}
    return None
