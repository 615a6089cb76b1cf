from django import forms
from django.contrib.auth.forms import SetPasswordMixin
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _

from accounts.enums import OrgKind, UnitType
from accounts.models import Organisation, User, same_name_message
from accounts.selectors import authorities_for_registration
from accounts.validators import credit_code_clean, mobile_clean
from core.forms import ModelMultipleIdChoiceField, NormalisedForm, id_choice_messages


class AuthorityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        # The province bureau is the recommending authority of the provincial units.
        if obj.kind == OrgKind.PROVINCE:
            return _("%(name)s（省直单位）") % {"name": obj.name}
        return obj.name


class RegistrationForm(SetPasswordMixin, NormalisedForm):
    """An applicant unit's registration: the unit, its contact person, the login."""

    name = forms.CharField(
        label=_("单位名称"),
        max_length=100,
        help_text=_("请填写单位全称，与公章一致。"),
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    unit_type = forms.ChoiceField(label=_("单位类型"), choices=[("", _("请选择单位类型"))] + UnitType.choices)
    authority = AuthorityChoiceField(
        label=_("推荐单位"),
        queryset=authorities_for_registration(),
        empty_label=_("请选择推荐单位"),
        help_text=_("所在市（州）的行业管理部门；省直单位请选择标有“省直单位”的省局。"),
    )
    credit_code = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=40,
        help_text=_("18位，见营业执照或事业单位法人证书。"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    display_name = forms.CharField(
        label=_("联系人"), max_length=50, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    phone = forms.CharField(
        label=_("手机号码"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "numeric", "type": "tel"}),
    )
    email = forms.EmailField(
        label=_("电子邮箱"),
        max_length=User._meta.get_field("email").max_length,
        help_text=_("审核结果和找回密码的邮件发到这里。"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    username = forms.CharField(
        label=_("登录名"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("登录时使用，可包含字母、数字和 @ . + - _ 字符。"),
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    password1, password2 = SetPasswordMixin.create_password_fields(label1=_("密码"), label2=_("确认密码"))

    fieldsets = [
        (_("单位信息"), ["name", "unit_type", "authority", "credit_code"]),
        (_("联系人"), ["display_name", "phone", "email"]),
        (_("登录账号"), ["username", "password1", "password2"]),
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password2"].help_text = _("请再次输入密码。")
        # "18位" is the rule; the 40 characters only leave room for spaces and dashes.
        self.fields["credit_code"].limit_in_help = True

    def grouped(self):
        """The bound fields by fieldset, for the template."""
        return [(legend, [self[name] for name in names]) for legend, names in self.fieldsets]

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        existing = Organisation(name=name).same_name()
        if existing is not None:
            raise forms.ValidationError(
                same_name_message(existing) + str(_("如已有账号，请直接登录或使用“忘记密码”。")),
                code="duplicate",
            )
        return name

    def clean_credit_code(self) -> str:
        code = credit_code_clean(self.cleaned_data["credit_code"])
        if Organisation.objects.filter(credit_code=code).exists():
            raise forms.ValidationError(_("该统一社会信用代码已被其他单位注册。"), code="duplicate")
        return code

    def clean_phone(self) -> str:
        # Full-width digits, spaces, dashes and "+86" are forgiven; stored as 11 ASCII digits.
        return mobile_clean(self.cleaned_data["phone"])

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("该登录名已被使用，请换一个。"), code="duplicate")
        return username

    def clean(self):
        cleaned = super().clean()
        self.validate_passwords()
        # The password must not resemble the login name, the email or the contact's name.
        candidate = User(
            username=cleaned.get("username", ""),
            email=cleaned.get("email", ""),
            first_name=cleaned.get("display_name", ""),
        )
        self.validate_password_for_user(candidate)
        return cleaned


class RegistrationRejectForm(NormalisedForm):
    compact = True

    reason = forms.CharField(
        label=_("不通过理由"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("不通过时必须填写理由。")},
    )


class MailTemplateForm(NormalisedForm):
    """The province's wording of one event's message, placeholders checked on save."""

    subject = forms.CharField(label=_("邮件标题"), max_length=200)
    body = forms.CharField(label=_("邮件正文"), max_length=5000, widget=forms.Textarea(attrs={"rows": 10}))

    def clean_subject(self):
        from accounts.inbox import template_fields

        value = self.cleaned_data["subject"]
        template_fields(value)
        return value

    def clean_body(self):
        from accounts.inbox import template_fields

        value = self.cleaned_data["body"]
        template_fields(value)
        return value


class RegistrationBulkApproveForm(NormalisedForm):
    """The pending registrations ticked on the page, approved at once."""

    units = ModelMultipleIdChoiceField(
        label=_("所选单位"),
        queryset=Organisation.objects.none(),
        widget=forms.MultipleHiddenInput,
        error_messages=id_choice_messages(
            required=_("请先勾选要通过的注册申请。"),
            invalid=_("所选单位不存在或不由本单位审核，请刷新页面后重试。"),
        ),
    )

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = queryset
