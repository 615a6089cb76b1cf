"""The Django admin: every page opens for a superuser, nobody else gets in, and the
organisation form creates the organisation's group like the service does."""

import pytest
from django.contrib import admin
from django.urls import reverse

from accounts.enums import OrgKind, UnitType
from accounts.models import Organisation
from applications.models import Campaign


@pytest.mark.parametrize("model", [m for m in admin.site._registry], ids=lambda m: m._meta.label)
def test_every_changelist_opens(admin_client, cast, case_at, model):
    case_at("submitted")
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    assert admin_client.get(url).status_code == 200


@pytest.mark.parametrize("user", ["applicant_a", "reviewer_a", "province_admin", "expert_assigned"])
def test_the_admin_is_closed_to_every_role(client, cast, user):
    client.force_login(getattr(cast, user))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "/admin/login/" in response.url


def test_adding_an_organisation_in_the_admin_gives_it_a_group(admin_client, cast):
    response = admin_client.post(
        reverse("admin:accounts_organisation_add"),
        {
            "name": "双阳区融媒体中心",
            "code": "shuangyang",
            "kind": OrgKind.UNIT,
            "unit_type": UnitType.COUNTY_CENTRE,
            "authority": cast.city_a.pk,
            "is_active": "on",
            "registration_status": "approved",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    unit = Organisation.objects.get(code="shuangyang")
    assert unit.group.name == "org:shuangyang" and unit.authority == cast.city_a


@pytest.mark.parametrize("model", ["campaign", "formschema"])
def test_campaigns_and_form_versions_cannot_be_added_or_changed_in_the_admin(admin_client, cast, model):
    """A campaign is built whole by the set-up service and a form version is published
    by the schema editor; the admin only reads them."""
    category = cast.campaign.categories.get(code="platform")
    response = admin_client.post(
        reverse(f"admin:applications_{model}_add"),
        {"category": category.pk, "version": 2, "definition": "{}", "year": 2031, "title": "x"},
    )
    assert response.status_code == 403
    obj = cast.campaign if model == "campaign" else category.schemas.get()
    change = reverse(f"admin:applications_{model}_change", args=[obj.pk])
    assert admin_client.post(change, {"title": "改"}).status_code == 403
    assert category.schemas.count() == 1
    assert Campaign.objects.count() == 1
