"""How every form of the site renders, and what the forms share.

One field template for the whole site: `FormRenderer` (settings.FORM_RENDERER) renders
`{{ field.as_field_group }}` with templates/includes/field.html, and its bound field puts
Bootstrap's classes on the widget (`is-invalid` when the field has an error) and ties
the help, the limit and the error to the field with aria-describedby. A form that sits
in a row of a table or a toolbar says `compact = True` and gets the small variants.

Every form a person types into inherits `NormalisedForm` (`NormalisedModelForm`, and in
the admin `core.admin.NormalisedModelAdmin`): each of its text fields normalises what was
typed (core.text) before the field validates it, and every field speaks the site's own
Chinese where Django would use its stock strings: 「请填写联系人。」, 「单位名称不能超过100字
（当前120字）。」 instead of 「这个字段是必填项。」 and 「确保该变量包含不超过 100 字符」. The limit is
stated beside the field and checked on the server; the browser is never given a
`maxlength`, which cuts a pasted text silently."""

from django import forms
from django.core import validators
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.renderers import TemplatesSetting
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core.params import parse_id
from core.text import normalise_line, normalise_prose


def _base_class(widget) -> str:
    input_type = getattr(widget, "input_type", None)
    if input_type == "hidden":
        return ""
    if input_type in ("checkbox", "radio"):
        return "form-check-input"
    if input_type == "select":
        return "form-select"
    if input_type == "range":
        return "form-range"
    return "form-control"


class BoundField(forms.BoundField):
    @property
    def limit(self) -> int | None:
        """The most characters the field takes, to show beside it."""
        return getattr(self.field, "max_length", None)

    @property
    def limit_hint(self) -> int | None:
        """The limit to add to the help, unless the help already states it (or the field
        says its help gives the length: `field.limit_in_help = True`)."""
        limit = self.limit
        if not limit or getattr(self.field, "limit_in_help", False) or str(limit) in str(self.help_text or ""):
            return None
        return limit

    @property
    def compact(self) -> bool:
        return bool(getattr(self.form, "compact", False))

    @property
    def aria_describedby(self):
        # Django ties the help text only when there is one; ours also carries the limit.
        if self.field.widget.attrs.get("aria-describedby") or not self.auto_id or self.is_hidden:
            return None
        ids = []
        if self.help_text or self.limit_hint:
            ids.append(f"{self.auto_id}_helptext")
        if self.errors:
            ids.append(f"{self.auto_id}_error")
        return " ".join(ids)

    def build_widget_attrs(self, attrs, widget=None):
        widget = widget or self.field.widget
        # The limit is stated in the help and enforced on the server (with the count);
        # the browser's maxlength would cut a pasted text without a word.
        widget.attrs.pop("maxlength", None)
        attrs = super().build_widget_attrs(attrs, widget)
        attrs.pop("maxlength", None)
        classes = (attrs.get("class") or widget.attrs.get("class") or "").split()
        base = _base_class(widget)
        if base and base not in classes:
            classes.insert(0, base)
        if self.compact and base in ("form-control", "form-select") and f"{base}-sm" not in classes:
            classes.append(f"{base}-sm")
        if self.errors and base:
            classes.append("is-invalid")
        if classes:
            attrs["class"] = " ".join(classes)
        return attrs


class FormRenderer(TemplatesSetting):
    """Forms render through the project's template engine, so templates/ can hold the
    site's field template (widgets come from django.forms in INSTALLED_APPS)."""

    field_template_name = "includes/field.html"
    bound_field_class = BoundField


def _normalising(field: forms.CharField, normalise) -> None:
    to_python = field.to_python

    def normalised_to_python(value):
        # Before the field's own cleaning: max_length, required and validators see the
        # normalised text; NUL is refused here with our message, not Django's.
        if isinstance(value, str):
            value = normalise(value)
        return to_python(value)

    field.to_python = normalised_to_python
    field.normalised = True


def normalise_fields(form: forms.BaseForm) -> None:
    """Make every text field of `form` (the form's own copies) normalise its input: a
    Textarea holds prose (`normalise_prose`), any other text input a name or a title
    (`normalise_line`); a field may choose with `field.normalise = ...`. Password
    fields are left exactly as typed."""
    for field in form.fields.values():
        if (
            not isinstance(field, forms.CharField)
            or isinstance(field.widget, forms.PasswordInput)
            or getattr(field, "normalised", False)
        ):
            continue
        normalise = getattr(field, "normalise", None) or (
            normalise_prose if isinstance(field.widget, forms.Textarea) else normalise_line
        )
        _normalising(field, normalise)


# --- the site's own messages ---------------------------------------------------------

_CHOICE_FIELDS = (forms.ChoiceField, forms.ModelChoiceField, forms.FileField, forms.BooleanField)


def _label(field: forms.Field, name: str) -> str:
    return str(field.label or "").strip().rstrip("：:") or str(_("此项"))


# (template, language, label) → message: every field of every form asks for its
# messages as it is cleaned (a case's editor: some 70 translations per autosave).
_LABELLED: dict[tuple, str] = {}


def _with_label(template, label: str) -> str:
    # The label goes in now; the validator's own %(limit_value)d and %(show_value)d stay
    # for Django to fill (a "%" in the label must not be taken for one of them).
    # `template` is one of this module's messages (lazy, alive as long as the module),
    # so its id is a key; the language is part of it.
    key = (id(template), translation.get_language(), label)
    message = _LABELLED.get(key)
    if message is None:
        if len(_LABELLED) >= 10_000:  # labels come from schemas: bounded, but be safe
            _LABELLED.clear()
        message = _LABELLED[key] = str(template) % {"label": label.replace("%", "%%")}
    return message


REQUIRED_MESSAGE = _("请填写%(label)s。")
CHOICE_REQUIRED_MESSAGE = _("请选择%(label)s。")
MAX_LENGTH_MESSAGE = _("%(label)s不能超过%%(limit_value)d字（当前%%(show_value)d字）。")
MIN_LENGTH_MESSAGE = _("%(label)s至少需要%%(limit_value)d字（当前%%(show_value)d字）。")


def speak_chinese(field: forms.Field, name: str) -> None:
    """Replace Django's stock messages of `field` (the form's own copy) by the site's,
    naming the field: what a form or a field says for itself is kept."""
    if getattr(field, "messages_set", False):
        return
    label = _label(field, name)
    stock_required = forms.Field.default_error_messages["required"]
    if field.error_messages.get("required") is stock_required:
        template = CHOICE_REQUIRED_MESSAGE if isinstance(field, _CHOICE_FIELDS) else REQUIRED_MESSAGE
        field.error_messages["required"] = _with_label(template, label)
    replaced = []
    for validator in field.validators:
        if type(validator) is validators.MaxLengthValidator:
            validator = validators.MaxLengthValidator(
                validator.limit_value, message=_with_label(MAX_LENGTH_MESSAGE, label)
            )
        elif type(validator) is validators.MinLengthValidator:
            validator = validators.MinLengthValidator(
                validator.limit_value, message=_with_label(MIN_LENGTH_MESSAGE, label)
            )
        replaced.append(validator)
    field.validators = replaced
    field.messages_set = True


class NormalisedInput:
    """The site's one normalisation of typed text, and its own messages, for forms:
    applied as cleaning starts, so the fields a form adds in its own __init__ are
    included."""

    def full_clean(self):
        normalise_fields(self)
        for name, field in self.fields.items():
            speak_chinese(field, name)
        super().full_clean()


class NormalisedForm(NormalisedInput, forms.Form):
    pass


class NormalisedModelForm(NormalisedInput, forms.ModelForm):
    pass


def _is_id(value) -> bool:
    return parse_id(value) is not None


class ModelMultipleIdChoiceField(forms.ModelMultipleChoiceField):
    """Several objects chosen by id. Django turns a single id too large for the database
    into "no such object", but not a list of them: a word or a huge number in the list
    is refused here, before the query."""

    def clean(self, value):
        for pk in value if isinstance(value, (list, tuple)) else ():
            if not _is_id(pk):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super().clean(value)


def add_refusal(form: forms.Form, error: Exception) -> None:
    """A service's refusal as the form's own errors, shown at the top of the form and of
    the page: every reason of a TransitionRefused, every message of a ValidationError,
    the text of a PermissionDenied."""
    if isinstance(error, ValidationError):
        reasons = error.messages
    elif isinstance(error, PermissionDenied):
        reasons = [str(error)]
    else:
        reasons = list(getattr(error, "reasons", None) or [str(error)])
    for reason in reasons:
        form.add_error(None, reason)


def id_choice_messages(*, required: str, invalid: str) -> dict:
    """The messages of a field choosing an object by the id a page sent: nothing sent,
    or an id that is no number, too large, or not among the objects it may name."""
    return {"required": required, "invalid_choice": invalid, "invalid_pk_value": invalid, "invalid_list": invalid}
