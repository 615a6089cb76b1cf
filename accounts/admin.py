from django import forms
from django.contrib import admin
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.utils.translation import gettext_lazy as _

from accounts import roles
from accounts.enums import OrgKind
from accounts.models import Organisation, User
from accounts.services import organisation_create
from accounts.validators import credit_code_clean, phone_clean
from core.admin import NormalisedModelAdmin
from core.forms import NormalisedInput, NormalisedModelForm


class OrganisationAdminForm(NormalisedModelForm):
    """The admin's organisation form checks what registration checks: the credit code
    (stored upper-case, without spaces) and the name against the others' (the model)."""

    # Room for a code typed with spaces; 18 characters once they are gone.
    credit_code = forms.CharField(
        label=_("统一社会信用代码"), max_length=40, required=False, help_text=_("18位，申报单位填写。")
    )

    class Meta:
        model = Organisation
        fields = "__all__"

    def clean_credit_code(self) -> str:
        code = self.cleaned_data["credit_code"]
        return credit_code_clean(code) if code else ""


class _PhoneClean:
    def clean_phone(self) -> str:
        phone = self.cleaned_data.get("phone", "")
        return phone_clean(phone) if phone else ""


class UserChangeForm(_PhoneClean, NormalisedInput, auth_forms.UserChangeForm):
    pass


class UserCreationForm(NormalisedInput, auth_forms.AdminUserCreationForm):
    pass


class SystemAdminOnly:
    """Organisations and accounts are the system administrator's duty (三权分立), and the
    installer's (the superuser). The security and audit administrators are refused,
    whatever model permissions they might be given."""

    def _allowed(self, request) -> bool:
        return request.user.is_superuser or roles.is_system_admin(request.user)

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    def has_add_permission(self, request):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request) and not (
            obj is not None and _is_operations(obj) and not request.user.is_superuser
        )

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


def _is_operations(obj) -> bool:
    organisation = obj if isinstance(obj, Organisation) else getattr(obj, "organisation", None)
    return organisation is not None and organisation.kind == OrgKind.OPERATIONS


@admin.register(Organisation)
class OrganisationAdmin(SystemAdminOnly, NormalisedModelAdmin):
    form = OrganisationAdminForm
    list_display = ["name", "code", "kind", "unit_type", "authority", "is_active"]
    list_filter = ["kind", "unit_type", "is_active"]
    search_fields = ["name", "code"]
    list_select_related = ["authority"]
    autocomplete_fields = ["authority"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        # A new organisation gets its own permission group through the service.
        fields = {field: form.cleaned_data[field] for field in form.cleaned_data if field != "group"}
        created = organisation_create(**fields)
        obj.pk, obj.group = created.pk, created.group

    def get_exclude(self, request, obj=None):
        return ["group"]


class SetPasswordToChangeForm(AdminPasswordChangeForm):
    """A password the administrator sets is the user's to change at the next sign-in."""

    def save(self, commit=True):
        self.user.must_change_password = True
        return super().save(commit=commit)


@admin.register(User)
class UserAdmin(SystemAdminOnly, BaseUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    change_password_form = SetPasswordToChangeForm
    list_display = ["username", "display_name", "organisation", "role", "email", "is_active"]
    list_filter = ["role", "is_active", "organisation__kind"]
    list_select_related = ["organisation"]
    search_fields = ["username", "display_name", "email", "organisation__name"]
    autocomplete_fields = ["organisation", "affiliation"]
    # Groups and permissions are derived from (organisation, role) and never edited by
    # hand; roles are the security administrator's (账号安全 page); superuser and staff
    # flags are the installer's.
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("first_name", "last_name", "email")}),
        (_("状态"), {"fields": ("is_active", "must_change_password", "last_login", "date_joined")}),
        (
            _("机构与角色"),
            {"fields": ["organisation", "role", "display_name", "phone", "affiliation", "affiliation_name"]},
        ),
    )
    add_fieldsets = BaseUserAdmin.add_fieldsets + (
        (_("机构与角色"), {"fields": ["organisation", "role", "display_name", "email"]}),
    )
    readonly_fields = ["last_login", "date_joined"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and not request.user.is_superuser:
            fields.append("role")
        return fields

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if not request.user.is_superuser:
            # The three administrators are made at installation, not in the admin.
            queryset = queryset.exclude(organisation__kind=OrgKind.OPERATIONS)
        return queryset

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organisation" and not request.user.is_superuser:
            kwargs["queryset"] = Organisation.objects.exclude(kind=OrgKind.OPERATIONS)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            # A password set by someone else is changed at the first sign-in.
            obj.must_change_password = True
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Membership of the organisation's group (and of the province administrators' group)
        # carries the object permissions: derived again after everything else is saved.
        roles.memberships_sync(form.instance)
