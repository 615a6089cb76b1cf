from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import NormalisedForm


def _weight(label):
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=100,
        error_messages={
            "required": _("请填写权重。"),
            "invalid": _("权重应为0至100的整数。"),
            "min_value": _("权重应为0至100的整数。"),
            "max_value": _("权重应为0至100的整数。"),
        },
    )


class LeagueWeightsForm(NormalisedForm):
    """The four weights of the authorities' league table, in per cent, summing to 100."""

    compact = True

    submissions = _weight(_("报送数量（%）"))
    timeliness = _weight(_("按时报送（%）"))
    selections = _weight(_("入选质量（%）"))
    scores = _weight(_("专家评分（%）"))

    def clean(self):
        data = super().clean()
        values = [data.get(name) for name in ("submissions", "timeliness", "selections", "scores")]
        if None not in values and sum(values) != 100:
            raise forms.ValidationError(_("四项权重之和应为100，现为%(sum)d。") % {"sum": sum(values)})
        return data
