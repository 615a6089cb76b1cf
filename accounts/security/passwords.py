"""The password policy (等保 level 3, 身份鉴别): at least PASSWORD_MIN_LENGTH characters of
at least PASSWORD_MIN_CHARACTER_CLASSES of four classes, not containing the login name,
not one of the last PASSWORD_HISTORY_COUNT passwords. Django validators, so every form
that sets a password (change, reset, registration, the admin's) applies them."""

import unicodedata

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _


def character_classes(password: str) -> int:
    """Upper-case letters; lower-case letters (and letters with no case, such as Chinese
    characters); digits; everything else (punctuation, symbols, spaces)."""
    classes = set()
    for character in password:
        category = unicodedata.category(character)
        if category == "Lu":
            classes.add("upper")
        elif category.startswith("L"):
            classes.add("lower")
        elif category == "Nd":
            classes.add("digit")
        else:
            classes.add("other")
    return len(classes)


class LengthAndClassesValidator:
    def validate(self, password: str, user=None) -> None:
        errors = []
        if len(password) < settings.PASSWORD_MIN_LENGTH:
            errors.append(_("密码至少 %(count)d 个字符。") % {"count": settings.PASSWORD_MIN_LENGTH})
        if character_classes(password) < settings.PASSWORD_MIN_CHARACTER_CLASSES:
            errors.append(
                _("密码须包含大写字母、小写字母（或汉字）、数字、符号中的至少 %(count)d 类。")
                % {"count": settings.PASSWORD_MIN_CHARACTER_CLASSES}
            )
        if errors:
            raise ValidationError(errors, code="password_too_weak")

    def get_help_text(self) -> str:
        return _("至少 %(length)d 个字符，包含大写字母、小写字母（或汉字）、数字、符号中的至少 %(classes)d 类。") % {
            "length": settings.PASSWORD_MIN_LENGTH,
            "classes": settings.PASSWORD_MIN_CHARACTER_CLASSES,
        }


class NotContainingUsernameValidator:
    def validate(self, password: str, user=None) -> None:
        username = (getattr(user, "username", "") or "").casefold()
        if len(username) >= 3 and username in password.casefold():
            raise ValidationError(_("密码不能包含登录账号。"), code="password_contains_username")

    def get_help_text(self) -> str:
        return _("不能包含登录账号。")


class NotRecentlyUsedValidator:
    """Refuses the current password and the last PASSWORD_HISTORY_COUNT ones; records each
    new password's hash (and the time it was set, for expiry) when it is saved."""

    def validate(self, password: str, user=None) -> None:
        count = settings.PASSWORD_HISTORY_COUNT
        if user is None or user.pk is None or count == 0:
            return
        hashes = list(user.password_history.values_list("password", flat=True)[:count])
        if user.password:
            hashes.append(user.password)
        if any(check_password(password, encoded) for encoded in hashes):
            raise ValidationError(
                _("新密码不能与最近 %(count)d 次使用过的密码相同。") % {"count": count}, code="password_reused"
            )

    def password_changed(self, password: str, user=None) -> None:
        if user is None or user.pk is None:
            return
        from accounts.models import PasswordHistory, User

        PasswordHistory.objects.create(user=user, password=user.password)
        keep = list(user.password_history.values_list("pk", flat=True)[: max(settings.PASSWORD_HISTORY_COUNT, 1)])
        user.password_history.exclude(pk__in=keep).delete()
        now = timezone.now()
        User.objects.filter(pk=user.pk).update(password_changed_at=now)
        user.password_changed_at = now

    def get_help_text(self) -> str:
        return _("不能与最近 %(count)d 次使用过的密码相同。") % {"count": settings.PASSWORD_HISTORY_COUNT}
