from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("推荐与评审")

    def ready(self):
        from reviews.hooks import connect

        connect()
        from reviews.experts import result_rows

        result_rows.connect()
        # The NRTA package is a long job (core/jobs.py): its kind registered wherever the
        # worker runs, which loads no URLconf.
        import reviews.outcome.nrta_package  # noqa: F401
