"""Sign-in events: each written to the audit log; a sign-in also starts the session's
clocks, makes this session the account's only one, and tells the user when and from
where they last signed in (上次登录)."""

from axes.signals import user_locked_out
from django.contrib import messages
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django_otp import user_has_device

import audit
from accounts import roles
from accounts.models import User
from accounts.security.sessions import session_start
from audit.models import AuditRecord


@receiver(user_logged_in, dispatch_uid="signin_logged_in")
def signed_in(sender, request, user, **kwargs) -> None:
    previous = (
        AuditRecord.objects.filter(actor_id=user.pk, action="auth.login", result="ok")
        .order_by("-seq")
        .only("at", "address")
        .first()
    )
    audit.record(actor=user, action="auth.login", obj=user, request=request)
    if request is None or not hasattr(request, "session"):
        return
    session_start(request, has_device=user_has_device(user, confirmed=True))
    user.session_key = request.session.session_key or ""
    User.objects.filter(pk=user.pk).update(session_key=user.session_key)
    if previous is not None:
        messages.info(
            request,
            _("上次登录：%(time)s，地址 %(address)s")
            % {
                "time": date_format(timezone.localtime(previous.at), "Y-m-d H:i"),
                "address": previous.address or _("未知"),
            },
            fail_silently=True,  # client.login and force_login have no message storage
        )


@receiver(user_logged_out, dispatch_uid="signin_logged_out")
def signed_out(sender, request, user, **kwargs) -> None:
    if user is None:
        return
    audit.record(actor=user, action="auth.logout", obj=user, request=request)
    # Only the account's current session frees the slot (an ended older one does not).
    if request is not None and user.session_key and user.session_key == request.session.session_key:
        User.objects.filter(pk=user.pk).update(session_key="")


@receiver(user_login_failed, dispatch_uid="signin_failed")
def sign_in_failed(sender, credentials, request=None, **kwargs) -> None:
    username = str(credentials.get("username", ""))[:150]
    audit.record(action="auth.login", result="failed", request=request, actor_name=username, username=username)


@receiver(user_locked_out, dispatch_uid="signin_locked_out")
def locked_out(sender, request, username, ip_address, **kwargs) -> None:
    audit.record(
        action="auth.locked_out", result="refused", request=request, actor_name=(username or "")[:150], ip=ip_address
    )


@receiver(post_save, sender=User, dispatch_uid="memberships_follow_the_user")
def memberships_follow(sender, instance: User, created: bool, update_fields=None, **kwargs) -> None:
    """Groups follow (organisation, role) whatever saved the user: a service, the admin,
    a shell. Saves of other fields only (last_login, session_key) are skipped."""
    if kwargs.get("raw") or (update_fields is not None and not {"organisation", "role"} & set(update_fields)):
        return
    changed = roles.memberships_sync(instance)
    if changed and not created:
        audit.record(action="membership.changed", obj=instance, groups=changed)
