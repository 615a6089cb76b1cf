"""The province's form on the ranking tables."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import NormalisedForm


class TableReturnForm(NormalisedForm):
    """退回 a submitted ranking table to its authority, with the reason it will read."""

    compact = True
    reason = forms.CharField(
        label=_("退回理由"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("退回推荐排序表需要填写理由。")},
    )

    @staticmethod
    def auto_id_for(table_id: int) -> str:
        # One form per table on the page: ids of their own.
        return f"id_table{table_id}_%s"
