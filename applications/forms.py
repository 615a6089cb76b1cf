"""The case editor's form, built from the case's own form version (schema), so a new
section or figure in a schema version appears here with no code change."""

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.enums import AttachmentKind
from applications.models import EvidenceLink
from applications.services import case_title
from core.forms import NormalisedForm, NormalisedModelForm

# Field names: title, version, header__<key>, section__<key>, figure__<key>,
# figure__<key>__before / __after. The double underscore cannot occur in schema keys.
HEADER, SECTION, FIGURE = "header__", "section__", "figure__"


def _header_field(spec: dict) -> forms.Field:
    attrs = {"maxlength": spec.get("max_length", 2000)}
    if spec["type"] == "textarea":
        widget = forms.Textarea(attrs={**attrs, "rows": 4})
    elif spec["type"] == "email":
        widget = forms.EmailInput(attrs={**attrs, "autocomplete": "email"})
    elif spec["type"] == "phone":
        widget = forms.TextInput(attrs={**attrs, "type": "tel", "autocomplete": "tel"})
    else:
        widget = forms.TextInput(attrs=attrs)
    # Nothing is required while drafting: completeness is checked on submission.
    return forms.CharField(label=spec["label"], required=False, widget=widget, help_text=spec.get("help", ""))


def _figure_input(label: str) -> forms.CharField:
    return forms.CharField(
        label=label, required=False, max_length=30, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )


class CaseContentForm(NormalisedForm):
    # No max_length: the browser's maxlength would cut a pasted title silently. The
    # limit is stated in the help and checked on the server with the count (case_title).
    title = forms.CharField(label=_("案例名称"), required=False, help_text=_("不超过100字。"))
    version = forms.IntegerField(widget=forms.HiddenInput)

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
                widget=forms.Textarea(attrs={"rows": 10, "data-counted": "1"}),
                help_text=spec.get("help", ""),
            )
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
