"""The case editor's form, built from the case's own form version (schema), so a new
section or figure in a schema version appears here with no code change."""

import json
from types import MappingProxyType

from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.validators import phone_clean
from applications.enums import AttachmentKind
from applications.figures import (
    NOT_APPLICABLE,
    FigureRule,
    figure_parts,
    format_figure,
    parse_figure,
    part_name,
    stored_parts,
)
from applications.models import EvidenceLink
from applications.services import MAX_FIELD_CHARS, case_title
from core.forms import NormalisedForm, NormalisedModelForm, normalise_fields, speak_chinese
from core.params import MAX_ID

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


def _figure_input(label: str, rule: FigureRule) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "numeric" if rule.integer else "decimal"}),
    )


def figure_field_names(spec: dict) -> list[str]:
    if spec["kind"] == "before_after":
        return [f"{FIGURE}{spec['key']}__before", f"{FIGURE}{spec['key']}__after"]
    return [FIGURE + spec["key"]]


def not_applicable_name(spec: dict) -> str:
    return f"{FIGURE}{spec['key']}__na"


def _section_help(spec: dict) -> str:
    """The section's guidance, and its own limit when the schema gives one."""
    parts = [spec.get("help", "").strip()]
    if spec.get("max_length"):
        parts.append(str(_("本部分不超过%(limit)d字。") % {"limit": spec["max_length"]}))
    return " ".join(part for part in parts if part)


class CaseContentForm(NormalisedForm):
    # No max_length: the browser's maxlength would cut a pasted title silently. The
    # limit is stated in the help and checked on the server with the count (case_title).
    title = forms.CharField(label=_("案例名称"), required=False, help_text=_("不超过100字。"))
    # Hidden; its label is what a message names when a page sends no version. Bounded by
    # what the database can compare (SQLite's integers: a forged 10^25 was a 500).
    version = forms.IntegerField(
        label=_("页面版本"),
        widget=forms.HiddenInput,
        min_value=0,
        max_value=MAX_ID,
        error_messages={
            "required": _("页面缺少版本号，请刷新页面后重试。"),
            "invalid": _("页面版本号无效，请刷新页面后重试。"),
            "min_value": _("页面版本号无效，请刷新页面后重试。"),
            "max_value": _("页面版本号无效，请刷新页面后重试。"),
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
                help_text=_section_help(spec),
            )
            field.limit_in_help = True
            self.fields[SECTION + spec["key"]] = field
        for spec in definition["figures"]:
            rule = FigureRule.of(spec)
            for name, (_part, suffix) in zip(figure_field_names(spec), figure_parts(spec), strict=True):
                self.fields[name] = _figure_input(part_name(spec, suffix), rule)
            if rule.not_applicable:
                self.fields[not_applicable_name(spec)] = forms.BooleanField(
                    label=_("不适用/暂无"),
                    required=False,
                    widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
                )
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")

    def clean(self):
        """Each figure read as its schema says (applications.figures): the error beside
        the field; the cleaned value is the canonical string."""
        cleaned = super().clean()
        for spec in self.definition["figures"]:
            rule = FigureRule.of(spec)
            not_applicable = cleaned.get(not_applicable_name(spec), False)
            for name, (_part, suffix) in zip(figure_field_names(spec), figure_parts(spec), strict=True):
                if name not in cleaned:
                    continue
                if not_applicable:
                    typed = (cleaned[name] or "").strip()
                    if typed and typed not in ("不适用", "暂无", NOT_APPLICABLE):
                        # Both a number and 「不适用」: which one is meant is the unit's to say.
                        self.add_error(
                            name,
                            _("「%(name)s」已勾选「不适用/暂无」，请清空数值或取消勾选。")
                            % {"name": part_name(spec, suffix)},
                        )
                        continue
                    cleaned[name] = NOT_APPLICABLE
                    continue
                try:
                    cleaned[name] = parse_figure(cleaned[name], rule, name=part_name(spec, suffix))
                except ValidationError as invalid:
                    self.add_error(name, invalid)
        return cleaned

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
            stored = stored_parts(spec, (case.figures or {}).get(spec["key"]))
            values = [str(v) if v is not None else "" for v in stored.values()]
            if values and all(v == NOT_APPLICABLE for v in values):
                initial[not_applicable_name(spec)] = True
                values = ["" for _v in values]
            for name, value in zip(figure_field_names(spec), values, strict=True):
                # Shown as people read it (1,286.50; 「不适用」 for one part of a pair).
                initial[name] = format_figure(value)
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

    @staticmethod
    def for_saving(data, *, definition: dict) -> "CaseContentForm":
        """A form bound to `data` that validates it exactly as CaseContentForm(data,
        definition=definition) does, for a save that is answered without rendering the
        form (the autosave's JSON): its fields are built, normalising and in the site's
        messages, once per form version and language (`_validating_class`), and shared
        read-only by every form of that class instead of being built and deep-copied
        for each request (0.8 ms of an autosave's 3.3 ms budget). Never render it: a
        rendered field's widget is changed for that one form (core.forms.BoundField)."""
        return _validating_class(definition)(data)

    def figure_rows(self):
        """(schema figure, [bound fields], 「不适用」 checkbox or None, the rule in words)."""
        rows = []
        for spec in self.definition["figures"]:
            na = not_applicable_name(spec)
            fields = [self[name] for name in figure_field_names(spec)]
            rows.append((spec, fields, self[na] if na in self.fields else None, FigureRule.of(spec).describe()))
        return rows


# (language, the definition as JSON) → the validating class of that form version. The
# key is everything the class is built from: the definition's whole content (not the
# form version's id, so a definition changed in place gets a class of its own) and the
# language its messages were put in (core.forms.speak_chinese, the sections' help).
_VALIDATING: dict[tuple[str, str], type] = {}


def _validating_class(definition: dict) -> type:
    text = json.dumps(definition)
    key = (translation.get_language() or "", text)
    built = _VALIDATING.get(key)
    if built is None:
        if len(_VALIDATING) >= 64:  # form versions in use: a handful; be safe anyway
            _VALIDATING.clear()
        built = _VALIDATING[key] = _build_validating_class(json.loads(text))
    return built


def _build_validating_class(definition: dict) -> type:
    """A subclass of CaseContentForm whose instances share one set of fields, prepared
    as NormalisedInput.full_clean would prepare each form's own: normalising what was
    typed, speaking the site's messages. `definition` is the class's own copy (from the
    key's JSON), so nothing a caller does to its dict later can change the class."""
    model = CaseContentForm(definition=definition)
    normalise_fields(model)
    for name, field in model.fields.items():
        speak_chinese(field, name)
    shared = MappingProxyType(dict(model.fields))
    # What the lean loop below takes for granted (forms.BaseForm._clean_fields reads a
    # disabled field's initial value instead).
    assert not any(field.disabled for field in shared.values())

    def __init__(self, data):
        # BaseForm's own start (bound, error class, renderer …; no prefix) over no fields
        # to copy; then the shared ones, read-only: validating changes no field.
        forms.Form.__init__(self, data)
        self.definition = definition
        self.fields = shared

    def full_clean(self):
        # The fields were prepared when the class was built (NormalisedInput's work).
        forms.BaseForm.full_clean(self)

    def _clean_fields(self):
        # forms.BaseForm._clean_fields without a BoundField per field (a third of the
        # cleaning's time): each field cleans what its widget reads from the data under
        # its name (no prefix, no disabled field), then the form's clean_<name>.
        for name, field in shared.items():
            try:
                self.cleaned_data[name] = field.clean(field.widget.value_from_datadict(self.data, self.files, name))
                if hasattr(self, f"clean_{name}"):
                    self.cleaned_data[name] = getattr(self, f"clean_{name}")()
            except ValidationError as error:
                self.add_error(name, error)

    validating = type(
        "ValidatingCaseContentForm",
        (CaseContentForm,),
        {"__init__": __init__, "full_clean": full_clean, "_clean_fields": _clean_fields},
    )
    validating.base_fields = {}
    return validating


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
