from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("机构与用户")

    def ready(self) -> None:
        from accounts.security import receivers  # noqa: F401  (sign-in events, memberships)
