"""The province's form on the ranking tables."""

from django import forms
from django.utils.safestring import mark_safe
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
    def auto_id_for(table_id: int | str) -> str:
        # One form per table on the page: ids of their own.
        return f"id_table{table_id}_%s"

    @classmethod
    def blank_fields(cls, table_ids) -> dict[int, str]:
        """{table id: the blank form's reason field, as the field template renders it}.
        Rendered once, under a stand-in table id that each table's id then replaces
        (only in the ids: label, help and error ids, aria-describedby), rather than the
        field template once per table (12 tables: 5 ms of the overview's 30)."""
        stand_in = "STANDIN"
        html = str(cls(auto_id=cls.auto_id_for(stand_in))["reason"].as_field_group())
        assert html.count(f"id_table{stand_in}_") == html.count(stand_in), "the stand-in outside an id"
        return {
            table_id: mark_safe(html.replace(f"id_table{stand_in}_", f"id_table{int(table_id)}_"))  # noqa: S308
            for table_id in table_ids
        }
