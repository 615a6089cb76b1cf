"""The form-schema editor's forms: a category's application form as rows a person edits
(narrative limit, sections, figures), turned back into a definition that
applications/schema.py validates. Header fields and attachment rules are carried over
from the version being edited unchanged.

Keys are technical: an existing row keeps its key (cases store their text under it); a
new row gets a fresh one. Rows are ordered by their 「顺序」 number and removed by 「删除」.
"""

import itertools
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from applications.schema import validate_definition
from core.forms import NormalisedForm

_KEY = r"^[a-z][a-z0-9_]{0,39}$"


def _int_messages(label, low, high):
    return {
        "required": _("请填写%(label)s。") % {"label": label},
        "invalid": _("请填写整数。"),
        "min_value": _("%(label)s不能小于%(low)s。") % {"label": label, "low": low},
        "max_value": _("%(label)s不能大于%(high)s。") % {"label": label, "high": high},
    }


class FormMetaForm(NormalisedForm):
    narrative_limit = forms.IntegerField(
        label=_("正文字数上限"),
        min_value=100,
        max_value=100000,
        help_text=_("各部分合计，按字符计算，空格和换行不计。"),
        error_messages=_int_messages(_("正文字数上限"), 100, 100000),
    )


class _RowForm(NormalisedForm):
    compact = True
    key = forms.RegexField(regex=_KEY, required=False, widget=forms.HiddenInput)
    position = forms.IntegerField(
        label=_("顺序"), required=False, min_value=1, max_value=999, error_messages=_int_messages(_("顺序"), 1, 999)
    )
    remove = forms.BooleanField(label=_("删除"), required=False)

    def is_blank(self) -> bool:
        """An empty extra row (nothing typed) is ignored; a row of the version never is."""
        return not self.initial and not self.has_changed()


class SectionRowForm(_RowForm):
    title = forms.CharField(label=_("标题"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    help = forms.CharField(
        label=_("填写说明"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    required = forms.BooleanField(label=_("必填"), required=False)
    max_length = forms.IntegerField(
        label=_("本部分字数上限"),
        required=False,
        min_value=1,
        max_value=100000,
        help_text=_("留空表示只受正文总字数限制。"),
        error_messages=_int_messages(_("字数上限"), 1, 100000),
    )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("remove") and not self.is_blank() and not cleaned.get("title"):
            self.add_error("title", _("请填写标题。"))
        return cleaned

    def item(self) -> dict:
        data = self.cleaned_data
        item = {"key": data["key"], "title": data["title"], "required": bool(data["required"])}
        if data.get("help"):
            item["help"] = data["help"]
        if data.get("max_length"):
            item["max_length"] = data["max_length"]
        return item


class FigureRowForm(_RowForm):
    label = forms.CharField(label=_("指标名称"), max_length=500, required=False)
    kind = forms.ChoiceField(
        label=_("形式"),
        choices=[("number", _("单个数值")), ("before_after", _("实施前／实施后对比"))],
        initial="number",
    )
    unit = forms.CharField(label=_("单位"), max_length=20, required=False)
    value_type = forms.ChoiceField(
        label=_("数值类型"), choices=[("integer", _("整数")), ("decimal", _("小数"))], initial="decimal"
    )
    decimal_places = forms.IntegerField(
        label=_("小数位数"),
        required=False,
        min_value=0,
        max_value=4,
        initial=2,
        error_messages=_int_messages(_("小数位数"), 0, 4),
    )
    minimum = forms.DecimalField(
        label=_("最小值"),
        required=False,
        max_digits=20,
        decimal_places=4,
        error_messages={"invalid": _("请填写数字。")},
    )
    maximum = forms.DecimalField(
        label=_("最大值"),
        required=False,
        max_digits=20,
        decimal_places=4,
        error_messages={"invalid": _("请填写数字。")},
    )
    required = forms.BooleanField(label=_("必填"), required=False)
    not_applicable = forms.BooleanField(label=_("允许填「不适用/暂无」"), required=False)
    help = forms.CharField(label=_("填写说明"), max_length=500, required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("remove") or self.is_blank():
            return cleaned
        if not cleaned.get("label"):
            self.add_error("label", _("请填写指标名称。"))
        low, high = cleaned.get("minimum"), cleaned.get("maximum")
        if low is not None and high is not None and low > high:
            self.add_error("maximum", _("最大值不能小于最小值。"))
        return cleaned

    def item(self) -> dict:
        data = self.cleaned_data
        item = {"key": data["key"], "label": data["label"], "kind": data["kind"], "unit": data["unit"] or ""}
        item["value_type"] = data["value_type"]
        if data["value_type"] == "decimal":
            item["decimal_places"] = 2 if data.get("decimal_places") is None else data["decimal_places"]
        for bound in ("minimum", "maximum"):
            value = data.get(bound)
            if value is not None:
                # JSON numbers: an integer stays an integer, a decimal a float of its text.
                item[bound] = int(value) if value == value.to_integral_value() else float(value)
        item["required"] = bool(data["required"])
        item["not_applicable"] = bool(data["not_applicable"])
        if data.get("help"):
            item["help"] = data["help"]
        return item


def _rows_initial(items: list[dict], fields) -> list[dict]:
    rows = []
    for position, item in enumerate(items, start=1):
        row = {name: item.get(name) for name in fields}
        row["position"] = position
        if "minimum" in row and row["minimum"] is not None:
            row["minimum"] = Decimal(str(row["minimum"]))
        if "maximum" in row and row["maximum"] is not None:
            row["maximum"] = Decimal(str(row["maximum"]))
        if "value_type" in row and row["value_type"] is None:
            row["value_type"] = "decimal"  # versions written before the figure had a type
        rows.append(row)
    return rows


SectionRows = forms.formset_factory(SectionRowForm, extra=1, max_num=50, validate_max=True)
FigureRows = forms.formset_factory(FigureRowForm, extra=1, max_num=50, validate_max=True)

SECTION_FIELDS = ("key", "title", "help", "required", "max_length")
FIGURE_FIELDS = (
    "key",
    "label",
    "kind",
    "unit",
    "value_type",
    "decimal_places",
    "minimum",
    "maximum",
    "required",
    "not_applicable",
    "help",
)


class SchemaEditor:
    """The editor's three parts bound together; `definition()` after `is_valid()`."""

    def __init__(self, base: dict, data=None):
        self.base = base
        self.meta = FormMetaForm(data, initial={"narrative_limit": base["narrative_limit"]}, prefix="meta")
        self.sections = SectionRows(data, initial=_rows_initial(base["sections"], SECTION_FIELDS), prefix="sections")
        self.figures = FigureRows(data, initial=_rows_initial(base["figures"], FIGURE_FIELDS), prefix="figures")
        self.errors: list[str] = []
        self._definition: dict | None = None

    def _items(self, formset, prefix: str) -> list[dict]:
        kept = [f for f in formset.forms if not f.is_blank() and not f.cleaned_data.get("remove")]
        numbered = sorted(
            enumerate(kept), key=lambda pair: (pair[1].cleaned_data.get("position") or 1000 + pair[0], pair[0])
        )
        used = {f.cleaned_data.get("key") for f in kept if f.cleaned_data.get("key")}
        fresh = (f"{prefix}_{n}" for n in itertools.count(1) if f"{prefix}_{n}" not in used)
        items = []
        for _index, form in numbered:
            if not form.cleaned_data.get("key"):
                form.cleaned_data["key"] = next(fresh)
            items.append(form.item())
        return items

    def is_valid(self) -> bool:
        parts_valid = all([self.meta.is_valid(), self.sections.is_valid(), self.figures.is_valid()])
        if not parts_valid:
            return False
        definition = {
            **{k: v for k, v in self.base.items() if k not in ("narrative_limit", "sections", "figures")},
            "narrative_limit": self.meta.cleaned_data["narrative_limit"],
            "sections": self._items(self.sections, "section"),
            "figures": self._items(self.figures, "figure"),
        }
        if not definition["sections"]:
            self.errors.append(str(_("申请表至少要有一个材料部分。")))
            return False
        try:
            validate_definition(definition)
        except ValidationError as invalid:
            self.errors.extend(invalid.messages)
            return False
        self._definition = definition
        return True

    def error_summary(self) -> list[str]:
        """Every error of the rows, for the top of the page (each also stands beside its field)."""
        summary = list(self.errors)
        for name, field_errors in self.meta.errors.items():
            summary += [f"{self.meta.fields[name].label}：{e}" for e in field_errors]
        for noun, formset, label in ((_("材料部分"), self.sections, "title"), (_("量化数据"), self.figures, "label")):
            summary += [str(e) for e in formset.non_form_errors()]
            for number, form in enumerate(formset.forms, start=1):
                for name, field_errors in form.errors.items():
                    where = form.data.get(form.add_prefix(label)) or f"{noun} {number}"
                    field = form.fields[name].label if name in form.fields else ""
                    summary += [f"{noun}「{where}」{field}：{e}" for e in field_errors]
        return summary

    def definition(self) -> dict:
        assert self._definition is not None, "call is_valid() first"
        return self._definition
