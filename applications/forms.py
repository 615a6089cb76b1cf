"""The case editor's form, built from the case's own form version (schema), so a new
section or figure in a schema version appears here with no code change."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.validators import phone_clean
from applications.enums import AttachmentKind
from applications.models import EvidenceLink
from applications.services import MAX_FIELD_CHARS, case_title
from core.forms import NormalisedForm, NormalisedModelForm

# Field names: title, version, header__<key>, section__<key>, figure__<key>,
# figure__<key>__before / __after. The double underscore cannot occur in schema keys.
HEADER, SECTION, FIGURE = "header__", "section__", "figure__"


class PhoneField(forms.CharField):
    """A telephone number, stored in its one form (accounts.validators.normalise_phone):
    full-width digits, spaces, brackets and "+86" forgiven; letters refused."""

    def clean(self, value):
        value = super().clean(value)
        return phone_clean(value) if value else ""


def _header_field(spec: dict) -> forms.Field:
    if spec["type"] == "textarea":
        widget = forms.Textarea(attrs={"rows": 4})
    elif spec["type"] == "email":
        widget = forms.EmailInput(attrs={"autocomplete": "email"})
    elif spec["type"] == "phone":
        widget = forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"})
    else:
        widget = forms.TextInput()
    # Nothing is required while drafting: completeness is checked on submission. The
    # limit is the schema's, stated beside the field and checked with every save.
    field_class = PhoneField if spec["type"] == "phone" else forms.CharField
    return field_class(
        label=spec["label"],
        required=False,
        max_length=spec.get("max_length", 2000),
        widget=widget,
        help_text=spec.get("help", ""),
    )


def _figure_input(label: str) -> forms.CharField:
    return forms.CharField(
        label=label, required=False, max_length=30, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )


class CaseContentForm(NormalisedForm):
    # No max_length: the browser's maxlength would cut a pasted title silently. The
    # limit is stated in the help and checked on the server with the count (case_title).
    title = forms.CharField(label=_("案例名称"), required=False, help_text=_("不超过100字。"))
    # Hidden; its label is what a message names when a page sends no version.
    version = forms.IntegerField(
        label=_("页面版本"),
        widget=forms.HiddenInput,
        error_messages={
            "required": _("页面缺少版本号，请刷新页面后重试。"),
            "invalid": _("页面版本号无效，请刷新页面后重试。"),
        },
    )

    def __init__(self, *args, definition: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.definition = definition
        for spec in definition["header_fields"]:
            self.fields[HEADER + spec["key"]] = _header_field(spec)
        for number, spec in enumerate(definition["sections"], start=1):
            field = forms.CharField(
                label=f"{number}. {spec['title']}",
                required=False,
                strip=False,
                # A ceiling against abuse, far above the narrative's limit (which the
                # counter states and the submission checks): refused, never cut.
                max_length=MAX_FIELD_CHARS,
                widget=forms.Textarea(attrs={"rows": 10, "data-counted": "1"}),
                help_text=spec.get("help", ""),
            )
            field.limit_in_help = True
            self.fields[SECTION + spec["key"]] = field
        for spec in definition["figures"]:
            if spec["kind"] == "before_after":
                self.fields[f"{FIGURE}{spec['key']}__before"] = _figure_input(_("%(label)s · 实施前") % spec)
                self.fields[f"{FIGURE}{spec['key']}__after"] = _figure_input(_("%(label)s · 实施后") % spec)
            else:
                self.fields[FIGURE + spec["key"]] = _figure_input(spec["label"])
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")

    def clean_title(self) -> str:
        # Drafts may be unnamed; the name's length is checked here as the service does.
        return case_title(self.cleaned_data.get("title", ""), required=False)

    @staticmethod
    def initial_for(case) -> dict:
        initial = {"title": case.title, "version": case.version}
        definition = case.schema.definition
        for spec in definition["header_fields"]:
            initial[HEADER + spec["key"]] = (case.header or {}).get(spec["key"], "")
        for spec in definition["sections"]:
            initial[SECTION + spec["key"]] = (case.sections or {}).get(spec["key"], "")
        for spec in definition["figures"]:
            value = (case.figures or {}).get(spec["key"])
            if spec["kind"] == "before_after":
                pair = value if isinstance(value, dict) else {}
                initial[f"{FIGURE}{spec['key']}__before"] = pair.get("before", "")
                initial[f"{FIGURE}{spec['key']}__after"] = pair.get("after", "")
            else:
                initial[FIGURE + spec["key"]] = value or ""
        return initial

    def content(self) -> dict:
        """The cleaned form as the case stores it: title, header, sections, figures."""
        data = self.cleaned_data
        figures = {}
        for spec in self.definition["figures"]:
            key = spec["key"]
            if spec["kind"] == "before_after":
                figures[key] = {"before": data[f"{FIGURE}{key}__before"], "after": data[f"{FIGURE}{key}__after"]}
            else:
                figures[key] = data[FIGURE + key]
        return {
            "title": data["title"],
            "header": {s["key"]: data[HEADER + s["key"]] for s in self.definition["header_fields"]},
            "sections": {s["key"]: data[SECTION + s["key"]] for s in self.definition["sections"]},
            "figures": figures,
        }

    def figure_rows(self):
        """(schema figure, [bound fields]) — one field, or before and after."""
        rows = []
        for spec in self.definition["figures"]:
            if spec["kind"] == "before_after":
                names = [f"{FIGURE}{spec['key']}__before", f"{FIGURE}{spec['key']}__after"]
            else:
                names = [FIGURE + spec["key"]]
            rows.append((spec, [self[name] for name in names]))
        return rows


class AttachmentForm(NormalisedForm):
    file = forms.FileField(label=_("选择文件"))
    kind = forms.ChoiceField(
        label=_("材料类型"),
        choices=AttachmentKind.choices,
        initial=AttachmentKind.EVIDENCE,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    description = forms.CharField(label=_("说明（选填）"), max_length=200, required=False)


class EvidenceLinkForm(NormalisedModelForm):
    # Cloud drives are https; a link typed without a scheme gets https.
    url = forms.URLField(label=_("链接"), max_length=500, assume_scheme="https")

    class Meta:
        model = EvidenceLink
        fields = ["title", "url", "extraction_code"]
