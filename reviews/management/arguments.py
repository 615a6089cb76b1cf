"""Arguments the review commands share (export_ranking, export_announcement,
build_nrta_package), checked with the same error messages."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from applications.models import Campaign


def campaign_by_year(year: str) -> Campaign:
    """The campaign of the year given with --campaign, or a CommandError naming the
    years there are."""
    try:
        value = int(year)
    except ValueError:
        raise CommandError(_("征集活动应以年度表示，如 2024，现为「%(value)s」。") % {"value": year}) from None
    campaign = Campaign.objects.filter(year=value).first()
    if campaign is None:
        known = "、".join(str(y) for y in Campaign.objects.order_by("year").values_list("year", flat=True))
        raise CommandError(
            _("没有 %(year)d 年度的征集活动（现有：%(known)s）。") % {"year": value, "known": known or _("无")}
        )
    return campaign
