"""What the province's selection reads."""

from django.utils.translation import gettext as _

from applications.enums import CaseState


def quota_warnings(*, campaign) -> list[str]:
    """Categories with more selected cases than their quota."""
    from django.db.models import Count, Q

    warnings = []
    selected = (CaseState.SELECTED, CaseState.RECOMMENDED_TO_NRTA)
    for category in campaign.categories.annotate(n=Count("cases", filter=Q(cases__state__in=selected))):
        if category.selection_quota is not None and category.n > category.selection_quota:
            warnings.append(
                _("「%(name)s」已入选%(n)d个，超过名额%(quota)d个。")
                % {"name": category.name, "n": category.n, "quota": category.selection_quota}
            )
    return warnings
