from django import forms
from django.contrib import admin
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts import roles
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


@admin.register(Organisation)
class OrganisationAdmin(NormalisedModelAdmin):
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


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    list_display = ["username", "display_name", "organisation", "role", "email", "is_active"]
    list_filter = ["role", "is_active", "organisation__kind"]
    list_select_related = ["organisation"]
    search_fields = ["username", "display_name", "email", "organisation__name"]
    autocomplete_fields = ["organisation", "affiliation"]
    fieldsets = BaseUserAdmin.fieldsets + (
        (
            _("机构与角色"),
            {"fields": ["organisation", "role", "display_name", "phone", "affiliation", "affiliation_name"]},
        ),
    )
    add_fieldsets = BaseUserAdmin.add_fieldsets + (
        (_("机构与角色"), {"fields": ["organisation", "role", "display_name", "email"]}),
    )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Membership of the organisation's group (and of the province administrators' group)
        # carries the object permissions.
        roles.memberships_sync(obj)
