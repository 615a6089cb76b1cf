"""The campaign's `Machine`: its phases move through the same engine as a case's state.

No grant table: who may move a phase is a role question (the province's administrator,
applications/phases/machine.py), not an object permission that follows the phase."""

from django.utils.translation import pgettext_lazy

from applications.enums import Party
from applications.models import Campaign
from workflow.machines import Machine


def campaign_machine() -> Machine:
    return Machine(
        model=Campaign,
        record_field="campaign",
        noun=pgettext_lazy("within a sentence", "征集活动"),
        parties=Party,
    )
