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

        from django_fsm.signals import post_transition

        from applications.documents.store import store_on_submission
        from applications.models import Case

        # The 申请表 is rendered and stored once a case is submitted (a worker's job).
        post_transition.connect(store_on_submission, sender=Case, dispatch_uid="store_case_documents")

        from django.db.models.signals import post_migrate

        from applications.grant_count_triggers import grant_count_triggers_after_migrate

        # A migration rebuilding a table on SQLite drops its triggers: made again here.
        post_migrate.connect(grant_count_triggers_after_migrate, sender=self, dispatch_uid="grant_count_triggers")

        from django.db.models.signals import post_delete, post_save

        from applications.models import FormSchema
        from applications.selectors import forget_form_schema

        # Each process keeps the form versions it has read (applications.selectors).
        post_save.connect(forget_form_schema, sender=FormSchema, dispatch_uid="forget_form_schema_saved")
        post_delete.connect(forget_form_schema, sender=FormSchema, dispatch_uid="forget_form_schema_deleted")
