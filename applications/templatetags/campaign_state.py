"""What a campaign's pages need to know of its phase."""

from django import template

from applications.selectors import campaign_closed_reason

register = template.Library()


@register.filter
def closed_reason(campaign) -> str:
    """Why the campaign's actions are disabled (empty while they are not)."""
    return campaign_closed_reason(campaign) if campaign is not None else ""
