from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("征集与申报")

    def ready(self):
        from applications.lifecycle.registration import case_machine
        from applications.phases.registration import campaign_machine
        from workflow.machines import register

        register(case_machine())
        register(campaign_machine())
